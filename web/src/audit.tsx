// The audit trail in words, for the Audit page and a case's access log: actions, outcomes and
// clients named in the UI language; who acted; days of the filters as instants; an entry's
// outcome and field ids as shown.

import type { AuditAction, AuditEntry, AuditOutcome } from './api';
import { formatNumber, hasMessage, t, type MessageKey } from './i18n';
import { personName } from './UserPicker';

/** Every action the server records, grouped as the Audit page's filter offers them. */
export const AUDIT_ACTION_GROUPS: ReadonlyArray<{ group: MessageKey; actions: readonly AuditAction[] }> = [
  {
    group: 'audit.group.cases',
    actions: [
      'case.list',
      'case.read',
      'case.create',
      'case.update',
      'case.access.read',
      'case.share',
      'case.share.revoke',
      'case.field_grant',
      'case.field_grant.revoke',
      'case.reassign',
      'case.hand_over',
      'case.transition',
      'case.panel_decision.list',
      'case.panel_decision.record',
      'case.note.list',
      'case.note.create',
      'case.care_plan.list',
      'case.care_plan.save',
      'case.care_plan.decide',
      'case.approval_queue',
      'team.dashboard',
      'case.attachment.list',
      'case.attachment.upload',
      'case.attachment.download',
      'case.attachment.remove',
      'case.reindex',
      'case.audit.read',
      'case.purge',
    ],
  },
  {
    group: 'audit.group.supervision',
    actions: [
      'case.review_sample',
      'case.quality_review.list',
      'case.quality_review.create',
      'case.discussion_mark',
      'case.supervision_note.create',
      'case.supervision.read',
    ],
  },
  { group: 'audit.group.consent', actions: ['consent.list', 'consent.record', 'consent.withdraw'] },
  {
    group: 'audit.group.signIn',
    actions: [
      'auth.login',
      'auth.login.failed',
      'auth.second_factor',
      'auth.second_factor.failed',
      'auth.second_factor.enrol',
      'auth.logout',
    ],
  },
  {
    group: 'audit.group.admin',
    actions: [
      'user.create',
      'user.update',
      'user.notifications',
      'team.create',
      'team.update',
      'team.member.add',
      'team.member.remove',
      'agency.create',
      'agency.update',
      'config.load',
      'config.change',
      'config.migrate',
    ],
  },
  { group: 'audit.group.reports', actions: ['report.read'] },
  { group: 'audit.group.audit', actions: ['audit.search', 'audit.export'] },
];

const KNOWN_ACTIONS: ReadonlySet<string> = new Set(AUDIT_ACTION_GROUPS.flatMap((g) => g.actions));

export function isAuditAction(text: string): text is AuditAction {
  return KNOWN_ACTIONS.has(text);
}

/** An action in words ("Open a case"); one this version of the app does not know, as recorded. */
export function actionName(action: string): string {
  const key = `auditAction.${action}`;
  return hasMessage(key) ? t(key) : action;
}

export function isOutcome(text: string): text is AuditOutcome {
  return text === 'allowed' || text === 'denied';
}

/** `allowed` or `denied` in words; anything else as recorded. */
export function outcomeName(outcome: string): string {
  return isOutcome(outcome) ? t(`audit.outcome.${outcome}`) : outcome;
}

/** The client that made the request (`web`, `api`, `cli`, or a name a client gave itself). */
export function clientName(client: string): string {
  const key = `audit.client.${client}`;
  return hasMessage(key) ? t(key) : client;
}

/** Who acted: the person, else the command line on the server, else an unknown user (a
 * sign-in with a name nobody has). */
export function actorName(entry: AuditEntry): string {
  if (entry.actor) return personName(entry.actor);
  return entry.client === 'cli' ? t('audit.serverActor') : t('audit.unknownActor');
}

/** A day typed in a date input (`YYYY-MM-DD`), as the instant it starts in the person's own
 * time zone, or the instant the day after it starts (`nextDay`): the API takes instants. */
export function dayStart(day: string, nextDay = false): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + (nextDay ? 1 : 0));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A case id as the API writes one (a UUID). */
export function isCaseId(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}

/** What an entry's `fields` count, in words: the case ids a case list or a review sample
 * returned, the documents a list of a case's attachments showed, the reviews or supervision notes
 * a reading showed, else field ids. */
function idCount(entry: AuditEntry, n: string): string {
  if (entry.action === 'case.list' || entry.action === 'case.review_sample') return t('audit.caseCount', { n });
  if (entry.action.startsWith('case.attachment.')) return t('audit.documentCount', { n });
  if (entry.action === 'case.quality_review.list' || entry.action === 'case.supervision.read') return t('audit.recordCount', { n });
  return t('audit.fieldCount', { n });
}

/** Field ids (or, for a case list, the case ids returned; for a list of documents, their
 * ids): a few inline, more behind a disclosure. */
export function FieldIds({ entry, name }: { entry: AuditEntry; name?: (id: string) => string }) {
  const ids = entry.fields;
  if (ids.length === 0) return <span class="muted">{t('common.none')}</span>;
  const list = (
    <ul class="audit-fields">
      {ids.map((id) => (
        <li key={id}>{name ? <bdi>{name(id)}</bdi> : <code dir="ltr">{id}</code>}</li>
      ))}
    </ul>
  );
  if (ids.length <= 4) return list;
  const n = formatNumber(ids.length);
  return (
    <details class="audit-fields-more">
      <summary>{idCount(entry, n)}</summary>
      {list}
    </details>
  );
}

/** An outcome in words, marked (not by colour alone) when refused. */
export function OutcomeBadge({ outcome }: { outcome: string }) {
  return <span class={`badge ${outcome === 'denied' ? 'badge-denied' : 'badge-ok'}`}>{outcomeName(outcome)}</span>;
}
