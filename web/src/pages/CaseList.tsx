import { useEffect, useState } from 'preact/hooks';
import { api, type Config } from '../api';
import { CaseloadNotice } from '../caseload';
import { CaseTable } from '../caseTable';
import { ErrorNotice, Loading, PageTitle } from '../components';
import { label, t } from '../i18n';
import { href, navigate } from '../router';
import { stageLabel } from '../labels';
import { useLoad } from '../load';
import { takeListNotice } from '../state';

const PER_PAGE = 25;

export function CaseListPage({ config, params }: { config: Config; params: URLSearchParams }) {
  const q = params.get('q') ?? '';
  const caseType = params.get('case_type') ?? '';
  const stage = params.get('stage') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);

  const cases = useLoad(
    () => api.listCases({ q: q || undefined, case_type: caseType || undefined, stage: stage || undefined, page, per_page: PER_PAGE }),
    [q, caseType, stage, page],
  );
  const { data: result, error, loading } = cases;
  const [search, setSearch] = useState(q);
  // A message from the page before (a case handed over), shown once.
  const [notice] = useState(takeListNotice);

  useEffect(() => setSearch(q), [q]);

  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!('page' in changes)) next.delete('page');
    navigate({ name: 'list', params: next });
  };

  /** Another page of results: start reading it from the top. */
  const turnPage = (to: number) => {
    go({ page: String(to) });
    document.querySelector<HTMLElement>('.page-title')?.focus();
    window.scrollTo(0, 0);
  };

  // Stages offered in the filter: those of the chosen case type, else every stage in use.
  const chosenType = config.case_types.find((c) => c.id === caseType);
  const stageIds = chosenType ? chosenType.stages : config.stages.map((s) => s.id);
  const filtered = Boolean(q || caseType || stage);

  const items = result?.items ?? [];
  const total = typeof result?.total === 'number' ? result.total : null;
  const perPage = result?.per_page || PER_PAGE;
  const pages = total !== null ? Math.max(1, Math.ceil(total / perPage)) : null;
  const hasNext = pages !== null ? page < pages : items.length >= perPage;

  return (
    <>
      <div class="page-head">
        <PageTitle text={t('list.title')} />
        <a class="button primary" href={href({ name: 'new', caseType: null })}>
          + {t('list.new')}
        </a>
      </div>
      <div role="status" aria-live="polite" id="list-notice">
        {notice && <p class="notice success">{notice.message}</p>}
      </div>
      {notice && <CaseloadNotice outcome={notice.caseload} name={notice.name} />}

      <form
        class="filters card"
        role="search"
        aria-label={t('list.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: search.trim() });
        }}
      >
        <div class="field search-field">
          <label for="search-q">{t('list.search')}</label>
          <div class="input-with-button">
            <input
              id="search-q"
              type="search"
              value={search}
              dir="ltr"
              autoComplete="off"
              aria-describedby="search-q-hint"
              onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)}
            />
            <button type="submit" class="button secondary">
              {t('list.searchButton')}
            </button>
          </div>
          <p class="hint" id="search-q-hint">
            {t('list.searchHint')}
          </p>
        </div>
        <div class="field">
          <label for="filter-type">{t('list.caseType')}</label>
          <select
            id="filter-type"
            value={caseType}
            onChange={(e) => {
              const value = (e.currentTarget as HTMLSelectElement).value;
              const type = config.case_types.find((c) => c.id === value);
              go({ case_type: value, stage: type && stage && !type.stages.includes(stage) ? '' : stage });
            }}
          >
            <option value="">{t('list.all')}</option>
            {config.case_types.map((c) => (
              <option key={c.id} value={c.id}>
                {label(c.name)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-stage">{t('list.stage')}</label>
          <select id="filter-stage" value={stage} onChange={(e) => go({ stage: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">{t('list.all')}</option>
            {stageIds.map((id) => (
              <option key={id} value={id}>
                {stageLabel(config, id)}
              </option>
            ))}
          </select>
        </div>
        {filtered && (
          <div class="field filter-clear">
            <button
              type="button"
              class="button link"
              onClick={() => {
                setSearch('');
                navigate({ name: 'list', params: new URLSearchParams() });
              }}
            >
              {t('list.clear')}
            </button>
          </div>
        )}
      </form>

      {error ? (
        <ErrorNotice error={error} onRetry={cases.reload} />
      ) : loading && !result ? (
        <Loading />
      ) : items.length === 0 ? (
        <p class="empty card">{filtered ? t('list.empty') : t('list.emptyNone')}</p>
      ) : (
        <div class={`results${loading ? ' stale' : ''}`} aria-busy={loading}>
          {total !== null && (
            <p class="muted count" role="status">
              {total === 1 ? t('list.countOne') : t('list.count', { total })}
            </p>
          )}
          <CaseTable
            config={config}
            cases={items}
            columns={['type', 'stage', 'intensity', 'assigned', 'updated']}
            caption={t('list.caption', { page })}
          />
          {(page > 1 || hasNext) && (
            <nav class="pager" aria-label={t('list.paging')}>
              <button type="button" class="button secondary" disabled={page <= 1} onClick={() => turnPage(page - 1)}>
                <span aria-hidden="true" class="arrow-back">
                  ←
                </span>{' '}
                {t('list.prev')}
              </button>
              <span class="muted">{pages !== null ? t('list.page', { page, pages }) : t('list.pageOnly', { page })}</span>
              <button type="button" class="button secondary" disabled={!hasNext} onClick={() => turnPage(page + 1)}>
                {t('list.next')}{' '}
                <span aria-hidden="true" class="arrow-forward">
                  →
                </span>
              </button>
            </nav>
          )}
        </div>
      )}
    </>
  );
}
