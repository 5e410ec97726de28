// The case page's access log, for the people responsible for the case (its assigned worker and
// the team supervisor): who opened or changed it, and who was refused, newest first
// (GET /cases/{id}/audit). A disclosure that loads when first opened, so the case page stays
// fast; reading the log is itself recorded. Fields are named, never their values.

import { useState } from 'preact/hooks';
import { api, type Case, type CaseType, type Field } from '../api';
import { actionName, actorName, FieldIds, OutcomeBadge } from '../audit';
import { RefreshButton } from '../components';
import { formatInstant, formatNumber, isolate, label, t } from '../i18n';
import { Disclosure, DisclosureResults, useDisclosure } from './disclosure';

/** Entries shown at first, and added by "Show older entries". */
const STEP = 25;

/** A field path of an entry (`family_members[0].age`, `date_of_birth`) in words, from the
 * configuration: the field's label, and a group member's after it; the id when unknown. */
export function fieldLabel(caseType: CaseType, path: string): string {
  const [top = path, ...rest] = path.split(/[.[\]]+/).filter((part) => part && !/^\d+$/.test(part));
  const field: Field | undefined = caseType.sections.flatMap((s) => s.fields).find((f) => f.id === top);
  if (!field) return path;
  const memberId = rest[rest.length - 1];
  const member = memberId ? field.fields?.find((m) => m.id === memberId) : undefined;
  return member ? `${label(field.label)} › ${label(member.label)}` : label(field.label);
}

export function AccessLog({ caseType, item }: { caseType: CaseType; item: Case }) {
  const [shown, setShown] = useState(STEP);
  const log = useDisclosure(() => api.caseAudit(item.id), [item.id], { onLoaded: () => setShown(STEP) });
  const entries = log.data;

  const showOlder = () => {
    if (!entries) return;
    const first = entries[shown];
    setShown(shown + STEP);
    if (first) requestAnimationFrame(() => document.getElementById(`access-log-entry-${first.seq}`)?.focus());
  };

  const visible = entries?.slice(0, shown) ?? [];
  const total = entries?.length ?? 0;

  return (
    <Disclosure id="access-log" state={log} title={t('accessLog.title')} summary={t('accessLog.summary')}>
      <p class="hint" id="access-log-intro">
        {t('accessLog.intro')}
      </p>
      <DisclosureResults state={log}>
        {(list) => (
          <>
            {list.length === 0 ? (
              <p class="muted" id="access-log-empty">
                {t('accessLog.none')}
              </p>
            ) : (
              <>
                <p class="muted count" role="status" id="access-log-count">
                  {visible.length < total
                    ? t('accessLog.shown', { shown: formatNumber(visible.length), total: formatNumber(total) })
                    : t('accessLog.all', { total: formatNumber(total) })}
                </p>
                <table class="cases data-table access-log-table" id="access-log-table">
                  <caption class="sr-only">{t('accessLog.caption', { number: isolate(item.case_number) })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('audit.col.time')}</th>
                      <th scope="col">{t('audit.col.person')}</th>
                      <th scope="col">{t('audit.col.action')}</th>
                      <th scope="col">{t('audit.col.outcome')}</th>
                      <th scope="col">{t('audit.col.fields')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {visible.map((entry) => (
                      <tr key={entry.seq} class={entry.outcome === 'denied' ? 'audit-denied' : undefined}>
                        <th scope="row" data-label={t('audit.col.time')} id={`access-log-entry-${entry.seq}`} tabIndex={-1}>
                          <time dateTime={entry.at}>{formatInstant(entry.at)}</time>
                        </th>
                        <td data-label={t('audit.col.person')}>
                          {entry.actor ? <bdi>{entry.actor.display_name}</bdi> : <span class="muted">{actorName(entry)}</span>}
                        </td>
                        <td data-label={t('audit.col.action')}>{actionName(entry.action)}</td>
                        <td data-label={t('audit.col.outcome')}>
                          <OutcomeBadge outcome={entry.outcome} />
                        </td>
                        <td data-label={t('audit.col.fields')}>
                          <FieldIds entry={entry} name={(path) => fieldLabel(caseType, path)} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
            <p class="button-row access-log-actions">
              {visible.length < total && (
                <button type="button" class="button secondary" id="access-log-more" onClick={showOlder}>
                  {t('accessLog.more')}
                </button>
              )}
              <RefreshButton id="access-log-refresh" busy={log.loading} onRefresh={log.reload}>
                {t('accessLog.refresh')}
              </RefreshButton>
            </p>
          </>
        )}
      </DisclosureResults>
    </Disclosure>
  );
}
