// The audit trail (roles with `read_audit_trail`): who did what and when, newest first. Filters
// by action, outcome, case id, days and (from a name in the table: an auditor cannot list users)
// person live in the address (`#/audit?action=&outcome=&case_id=&actor=&from=&to=`); "Older
// entries" follows the server's `next_before`. "Export CSV" asks for a reason (recorded with the
// export) and downloads the entries of the filters in use. Entries name people, records and
// field ids, never a value; each search and export is itself recorded.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type AuditEntry, type AuditQuery, type Config } from '../api';
import {
  actionName,
  actorName,
  AUDIT_ACTION_GROUPS,
  clientName,
  dayStart,
  FieldIds,
  isCaseId,
  isOutcome,
  OutcomeBadge,
  outcomeName,
} from '../audit';
import { ErrorNotice, Loading, PageTitle, saveFile } from '../components';
import { Dialog, DialogForm, focusFirstInvalid, HintAndError, placeErrors, TextField, type FieldErrors } from '../dialog';
import { formatDate, formatInstant, formatNumber, isolate, t } from '../i18n';
import { roleName } from '../roles';
import { navigate } from '../router';

/** Entries fetched at a time. */
const PAGE = 50;
/** The most an export holds (the server's limit). */
const EXPORT_LIMIT = 10_000;

/** The filters of the address, as typed. */
interface Filters {
  action: string;
  outcome: string;
  caseId: string;
  actor: string;
  from: string;
  to: string;
}

function readFilters(params: URLSearchParams): Filters {
  return {
    action: params.get('action') ?? '',
    outcome: params.get('outcome') ?? '',
    caseId: params.get('case_id') ?? '',
    actor: params.get('actor') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
}

function toParams(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: string) => value && params.set(key, value);
  set('action', filters.action);
  set('outcome', filters.outcome);
  set('case_id', filters.caseId);
  set('actor', filters.actor);
  set('from', filters.from);
  set('to', filters.to);
  return params;
}

/** The API query of the filters: days become the instants they start (the day after `to`). */
function toQuery(filters: Filters): AuditQuery {
  return {
    action: filters.action || undefined,
    outcome: filters.outcome || undefined,
    case_id: filters.caseId || undefined,
    actor: filters.actor || undefined,
    from: (filters.from && dayStart(filters.from)) || undefined,
    to: (filters.to && dayStart(filters.to, true)) || undefined,
  };
}

/** The filter inputs, by the query parameter a 400's `detail` names. */
const INPUT_OF: Record<string, string> = {
  action: 'audit-action',
  outcome: 'audit-outcome',
  case_id: 'audit-case',
  from: 'audit-from',
  to: 'audit-to',
};

/** A 400 naming a filter (`case_id: UUID parsing failed`, `query: from: ...`), placed on its
 * input with the server's words. */
function badFilter(caught: unknown): FieldErrors | null {
  if (!(caught instanceof ApiError) || caught.status !== 400 || !caught.detail) return null;
  const match = /^(?:query:\s*)?([a-z_]+):\s*(.*)$/s.exec(caught.detail);
  const input = match?.[1] ? INPUT_OF[match[1]] : undefined;
  return input ? { [input]: match?.[2] || caught.detail } : null;
}

/** What the person asked for, checked before it goes to the server. */
function checkFilters(filters: Filters): FieldErrors {
  const errors: FieldErrors = {};
  if (filters.caseId && !isCaseId(filters.caseId)) errors['audit-case'] = t('audit.caseIdInvalid');
  if (filters.from && filters.to && filters.to < filters.from) errors['audit-to'] = t('audit.toBeforeFrom');
  return errors;
}

export function AuditPage({ config, params }: { config: Config | null; params: URLSearchParams }) {
  const applied = readFilters(params);
  const key = toParams(applied).toString();

  const [draft, setDraft] = useState<Filters>(applied);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [more, setMore] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const [attempt, setAttempt] = useState(0);
  const [exporting, setExporting] = useState(false);
  const [notice, setNotice] = useState('');
  // Names of people chosen from the table, for the person filter (an auditor cannot list users).
  const [names, setNames] = useState<Record<string, string>>({});

  useEffect(() => setDraft(readFilters(params)), [key]);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    setMore({ busy: false, error: null });
    api
      .audit({ ...toQuery(applied), limit: PAGE })
      .then((page) => {
        if (!live) return;
        setEntries(page.entries);
        setNext(page.next_before ?? null);
        setErrors({});
      })
      .catch((caught) => {
        if (!live) return;
        const placed = badFilter(caught);
        setEntries(null);
        setNext(null);
        if (placed) {
          setErrors(placed);
          focusFirstInvalid('audit-filters');
        } else {
          setError(caught);
        }
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [key, attempt]);

  const go = (filters: Filters) => {
    const wanted = toParams(filters);
    // The same search again: fetch afresh (there may be new entries).
    if (wanted.toString() === key) setAttempt((n) => n + 1);
    else navigate({ name: 'audit', params: wanted });
  };

  const search = () => {
    const wanted = { ...draft, caseId: draft.caseId.trim() };
    const problems = checkFilters(wanted);
    setErrors(problems);
    if (Object.keys(problems).length) {
      focusFirstInvalid('audit-filters');
      return;
    }
    setNotice('');
    go(wanted);
  };

  const filterBy = (change: Partial<Filters>) => {
    setNotice('');
    go({ ...applied, ...change });
    document.querySelector<HTMLElement>('.page-title')?.focus();
  };

  const loadOlder = async () => {
    if (next === null || more.busy) return;
    setMore({ busy: true, error: null });
    try {
      const page = await api.audit({ ...toQuery(applied), before: next, limit: PAGE });
      const first = page.entries[0];
      setEntries((shown) => [...(shown ?? []), ...page.entries]);
      setNext(page.next_before ?? null);
      setMore({ busy: false, error: null });
      // Reading goes on from the first older entry.
      if (first) requestAnimationFrame(() => document.getElementById(`audit-entry-${first.seq}`)?.focus());
    } catch (caught) {
      setMore({ busy: false, error: caught });
    }
  };

  const actorLabel = (id: string) =>
    names[id] ?? (entries ?? []).find((e) => e.actor?.id === id)?.actor?.display_name ?? id;
  const filtered = Object.values(applied).some(Boolean);
  const count = entries?.length ?? 0;

  return (
    <>
      <div class="page-head">
        <PageTitle text={t('audit.title')} />
        <button type="button" class="button primary" id="audit-export-open" onClick={() => setExporting(true)}>
          {t('audit.export')}
        </button>
      </div>
      <div class="audit-intro">
        <p>{t('audit.intro')}</p>
        <p class="notice info" id="audit-no-values">
          {t('audit.noValues')} {t('audit.selfRecorded')}
        </p>
      </div>
      <div role="status" aria-live="polite" id="audit-notice">
        {notice && <p class="notice success">{notice}</p>}
      </div>

      <form
        class="filters audit-filters card"
        id="audit-filters"
        role="search"
        aria-label={t('audit.filters')}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          search();
        }}
      >
        <SelectField
          id="audit-action"
          label={t('audit.action')}
          value={draft.action}
          error={errors['audit-action']}
          onChange={(action) => setDraft({ ...draft, action })}
        >
          <option value="">{t('audit.anyAction')}</option>
          {AUDIT_ACTION_GROUPS.map((g) => (
            <optgroup key={g.group} label={t(g.group)}>
              {g.actions.map((a) => (
                <option key={a} value={a}>
                  {actionName(a)}
                </option>
              ))}
            </optgroup>
          ))}
          {/* An action in the address that this version of the app does not list. */}
          {draft.action && !AUDIT_ACTION_GROUPS.some((g) => (g.actions as readonly string[]).includes(draft.action)) && (
            <option value={draft.action}>{draft.action}</option>
          )}
        </SelectField>
        <SelectField
          id="audit-outcome"
          label={t('audit.outcome')}
          value={draft.outcome}
          error={errors['audit-outcome']}
          onChange={(outcome) => setDraft({ ...draft, outcome })}
        >
          <option value="">{t('audit.anyOutcome')}</option>
          <option value="allowed">{outcomeName('allowed')}</option>
          <option value="denied">{outcomeName('denied')}</option>
          {draft.outcome && !isOutcome(draft.outcome) && <option value={draft.outcome}>{draft.outcome}</option>}
        </SelectField>
        <div class="audit-case-field">
          <TextField
            id="audit-case"
            label={t('audit.caseId')}
            hint={t('audit.caseIdHint', { path: isolate('…/#/cases/<id>') })}
            dir="ltr"
            value={draft.caseId}
            onInput={(caseId) => setDraft({ ...draft, caseId })}
            error={errors['audit-case']}
          />
        </div>
        <TextField
          id="audit-from"
          label={t('audit.from')}
          hint={t('audit.fromHint')}
          type="date"
          value={draft.from}
          onInput={(from) => setDraft({ ...draft, from })}
          error={errors['audit-from']}
        />
        <TextField
          id="audit-to"
          label={t('audit.to')}
          hint={t('audit.toHint')}
          type="date"
          value={draft.to}
          onInput={(to) => setDraft({ ...draft, to })}
          error={errors['audit-to']}
        />
        <div class="audit-person" id="audit-person">
          {applied.actor ? (
            <p>
              <span class="muted">{t('audit.person')}:</span> <strong><bdi>{actorLabel(applied.actor)}</bdi></strong>{' '}
              <button type="button" class="button link" id="audit-person-clear" onClick={() => filterBy({ actor: '' })}>
                {t('audit.personRemove')}
              </button>
            </p>
          ) : (
            <p class="hint">{t('audit.personHint')}</p>
          )}
        </div>
        <div class="audit-filter-actions">
          <button type="submit" class="button secondary">
            {t('audit.search')}
          </button>
          {filtered && (
            <button
              type="button"
              class="button link"
              onClick={() => {
                setErrors({});
                setNotice('');
                go(readFilters(new URLSearchParams()));
              }}
            >
              {t('audit.clear')}
            </button>
          )}
        </div>
      </form>

      {error ? (
        <ErrorNotice error={error} action onRetry={() => setAttempt((n) => n + 1)} />
      ) : Object.keys(errors).length > 0 && !entries ? null : loading && !entries ? (
        <Loading />
      ) : !entries || entries.length === 0 ? (
        <p class="empty card" id="audit-empty">
          {t('audit.empty')}
        </p>
      ) : (
        <div class={`results${loading ? ' stale' : ''}`} aria-busy={loading}>
          <p class="muted count" role="status" id="audit-count">
            {count === 1 && next === null
              ? t('audit.shownOne')
              : next !== null
                ? t('audit.shownMore', { n: formatNumber(count) })
                : t('audit.shown', { n: formatNumber(count) })}
          </p>
          <table class="cases data-table audit-table" id="audit-table">
            <caption class="sr-only">{t('audit.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.col.time')}</th>
                <th scope="col">{t('audit.col.person')}</th>
                <th scope="col">{t('audit.col.role')}</th>
                <th scope="col">{t('audit.col.action')}</th>
                <th scope="col">{t('audit.col.outcome')}</th>
                <th scope="col">{t('audit.col.case')}</th>
                <th scope="col">{t('audit.col.fields')}</th>
                <th scope="col">{t('audit.col.reason')}</th>
                <th scope="col">{t('audit.col.client')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <AuditRow
                  key={entry.seq}
                  entry={entry}
                  config={config}
                  applied={applied}
                  onPerson={(id, name) => {
                    setNames((known) => ({ ...known, [id]: name }));
                    filterBy({ actor: id });
                  }}
                  onCase={(id) => filterBy({ caseId: id })}
                />
              ))}
            </tbody>
          </table>
          <div class="pager audit-more">
            {next !== null ? (
              <button type="button" class="button secondary" id="audit-more" aria-busy={more.busy} aria-disabled={more.busy} onClick={loadOlder}>
                {more.busy ? t('common.loading') : t('audit.more')}
              </button>
            ) : (
              <p class="muted" id="audit-end">
                {t('audit.noMore')}
              </p>
            )}
          </div>
          {more.error ? <ErrorNotice error={more.error} action onRetry={loadOlder} /> : null}
        </div>
      )}

      {exporting && (
        <ExportDialog
          filters={applied}
          personLabel={applied.actor ? actorLabel(applied.actor) : ''}
          onClose={() => setExporting(false)}
          onDone={() => {
            setExporting(false);
            setNotice(t('audit.exported'));
          }}
        />
      )}
    </>
  );
}

function SelectField({
  id,
  label,
  value,
  error,
  onChange,
  children,
}: {
  id: string;
  label: string;
  value: string;
  error?: string | undefined;
  onChange: (value: string) => void;
  children: ComponentChildren;
}) {
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      <HintAndError id={id} error={error} />
      <select
        id={id}
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}--error` : undefined}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {children}
      </select>
    </div>
  );
}

function AuditRow({
  entry,
  config,
  applied,
  onPerson,
  onCase,
}: {
  entry: AuditEntry;
  config: Config | null;
  applied: Filters;
  onPerson: (id: string, name: string) => void;
  onCase: (id: string) => void;
}) {
  const actor = entry.actor;
  return (
    <tr class={entry.outcome === 'denied' ? 'audit-denied' : undefined}>
      <th scope="row" data-label={t('audit.col.time')} id={`audit-entry-${entry.seq}`} tabIndex={-1}>
        <time dateTime={entry.at}>{formatInstant(entry.at)}</time>
      </th>
      <td data-label={t('audit.col.person')}>
        {actor ? (
          <span class="audit-person-cell">
            {applied.actor === actor.id ? (
              <bdi class="audit-name">{actor.display_name}</bdi>
            ) : (
              <button
                type="button"
                class="button link audit-name"
                title={t('audit.onlyPerson', { name: actor.display_name })}
                onClick={() => onPerson(actor.id, actor.display_name)}
              >
                <bdi>{actor.display_name}</bdi>
                <span class="sr-only"> — {t('audit.onlyPerson', { name: actor.display_name })}</span>
              </button>
            )}
            <span class="muted audit-username" dir="ltr">
              {actor.username}
            </span>
          </span>
        ) : (
          <span class="muted">{actorName(entry)}</span>
        )}
      </td>
      <td data-label={t('audit.col.role')}>{entry.actor_role ? roleName(entry.actor_role, config?.roles) : <span class="muted">{t('common.none')}</span>}</td>
      <td data-label={t('audit.col.action')}>
        <span class="audit-action">
          <span>{actionName(entry.action)}</span>
          <code class="audit-code" dir="ltr">
            {entry.action}
          </code>
        </span>
      </td>
      <td data-label={t('audit.col.outcome')}>
        <OutcomeBadge outcome={entry.outcome} />
      </td>
      <td data-label={t('audit.col.case')}>
        <span class="audit-ids">
          {entry.case_id ? (
            applied.caseId === entry.case_id ? (
              <code dir="ltr">{entry.case_id}</code>
            ) : (
              <button type="button" class="button link audit-id" title={t('audit.onlyCase')} onClick={() => onCase(entry.case_id ?? '')}>
                <code dir="ltr">{entry.case_id}</code>
                <span class="sr-only"> — {t('audit.onlyCase')}</span>
              </button>
            )
          ) : null}
          {entry.subject ? (
            <span>
              <span class="muted">{t('audit.subject')}</span> <code dir="ltr">{entry.subject}</code>
            </span>
          ) : null}
          {!entry.case_id && !entry.subject && <span class="muted">{t('common.none')}</span>}
        </span>
      </td>
      <td data-label={t('audit.col.fields')}>
        <FieldIds entry={entry} />
      </td>
      <td data-label={t('audit.col.reason')}>
        {entry.reason ? (
          <bdi>{entry.reason}</bdi>
        ) : entry.reason_withheld ? (
          <span class="muted">{t('audit.reasonWithheld')}</span>
        ) : (
          <span class="muted">{t('common.none')}</span>
        )}
      </td>
      <td data-label={t('audit.col.client')}>{clientName(entry.client)}</td>
    </tr>
  );
}

/** The filters in use, in words, for the export dialog. */
function describeFilters(filters: Filters, personLabel: string): string[] {
  const parts: string[] = [];
  if (filters.action) parts.push(`${t('audit.action')}: ${actionName(filters.action)}`);
  if (filters.outcome) parts.push(`${t('audit.outcome')}: ${outcomeName(filters.outcome)}`);
  if (filters.actor) parts.push(`${t('audit.person')}: ${isolate(personLabel)}`);
  if (filters.caseId) parts.push(`${t('audit.caseId')}: ${isolate(filters.caseId)}`);
  if (filters.from) parts.push(`${t('audit.from')}: ${formatDate(filters.from)}`);
  if (filters.to) parts.push(`${t('audit.to')}: ${formatDate(filters.to)}`);
  return parts;
}

function ExportDialog({
  filters,
  personLabel,
  onClose,
  onDone,
}: {
  filters: Filters;
  personLabel: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const described = describeFilters(filters, personLabel);

  const submit = async () => {
    if (!reason.trim()) {
      setErrors({ 'audit-export-reason': t('dialog.reasonRequired') });
      focusFirstInvalid('audit-export-dialog');
      return;
    }
    setErrors({});
    setFailure(null);
    setBusy(true);
    try {
      const file = await api.exportAudit({ ...toQuery(filters), limit: EXPORT_LIMIT, reason: reason.trim() });
      saveFile(file.blob, file.filename);
      onDone();
    } catch (caught) {
      setBusy(false);
      const placed = placeErrors(caught, { reason: 'audit-export-reason' });
      if (placed) {
        setErrors(placed);
        focusFirstInvalid('audit-export-dialog');
      } else {
        setFailure(caught);
      }
    }
  };

  return (
    <Dialog id="audit-export-dialog" title={t('audit.exportTitle')} onClose={onClose}>
      <DialogForm onSubmit={submit} onCancel={onClose} busy={busy} error={failure} submitLabel={t('audit.exportSubmit')}>
        <p>{t('audit.exportExplain')}</p>
        <p class="muted" id="audit-export-filters">
          {described.length ? t('audit.exportFilters', { list: described.join(' · ') }) : t('audit.exportNoFilters')}
        </p>
        <TextField
          id="audit-export-reason"
          label={t('dialog.reason')}
          hint={t('audit.exportReasonHint')}
          multiline
          required
          value={reason}
          onInput={setReason}
          error={errors['audit-export-reason']}
        />
      </DialogForm>
    </Dialog>
  );
}
