// The Approvals page (roles with `approve_care_plans`): the cases of the teams the person
// supervises whose newest care plan waits for their decision, the longest waiting first. A case
// opened from here shows its care plan at once, to approve or return.

import { useEffect, useState } from 'preact/hooks';
import { api, type ApprovalQueue, type Config } from '../api';
import { ErrorNotice, Loading, PageTitle } from '../components';
import { formatDateTime, formatNumber, t } from '../i18n';
import { stageLabel, typeName } from '../labels';
import { href } from '../router';
import { rememberCarePlanReview } from '../state';

export function ApprovalsPage({ config }: { config: Config }) {
  const [queue, setQueue] = useState<ApprovalQueue | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    api
      .approvals()
      .then((answer) => live && setQueue(answer))
      .catch((e) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [attempt]);

  const items = queue?.items ?? [];
  const total = queue?.total ?? items.length;

  return (
    <>
      <div class="page-head">
        <PageTitle text={t('approvals.title')} />
      </div>
      <p class="muted" id="approvals-intro">
        {t('approvals.intro')}
      </p>
      {error ? (
        <ErrorNotice error={error} onRetry={() => setAttempt((n) => n + 1)} />
      ) : loading && !queue ? (
        <Loading />
      ) : items.length === 0 ? (
        <p class="empty card" id="approvals-empty">
          {t('approvals.empty')}
        </p>
      ) : (
        <div class={`results${loading ? ' stale' : ''}`} aria-busy={loading}>
          <p class="muted count" role="status">
            {total === 1 ? t('approvals.countOne') : t('approvals.count', { n: formatNumber(total) })}
          </p>
          <table class="cases" id="approvals-table">
            <caption class="sr-only">{t('approvals.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('list.col.number')}</th>
                <th scope="col">{t('list.col.type')}</th>
                <th scope="col">{t('list.col.stage')}</th>
                <th scope="col">{t('list.col.assigned')}</th>
                <th scope="col">{t('list.col.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <th scope="row" data-label={t('list.col.number')}>
                    <a class="case-link" href={href({ name: 'case', id: c.id })} dir="ltr" onClick={() => rememberCarePlanReview(c.id)}>
                      {c.case_number}
                    </a>
                  </th>
                  <td data-label={t('list.col.type')}>{typeName(config, c.case_type)}</td>
                  <td data-label={t('list.col.stage')}>
                    <span class="badge">{stageLabel(config, c.stage)}</span>
                  </td>
                  <td data-label={t('list.col.assigned')}>
                    <bdi>{c.assigned_to.display_name}</bdi>
                  </td>
                  <td data-label={t('list.col.updated')}>
                    <time dateTime={c.updated_at}>{formatDateTime(c.updated_at)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!error && queue && (
        <p class="button-row">
          <button
            type="button"
            class="button secondary"
            id="approvals-refresh"
            aria-busy={loading}
            aria-disabled={loading}
            onClick={() => !loading && setAttempt((n) => n + 1)}
          >
            {t('approvals.refresh')}
          </button>
        </p>
      )}
    </>
  );
}
