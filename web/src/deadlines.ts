// Deadlines in words, for the Alerts and Dashboard pages: the kind of deadline passed and an
// alert's level. A kind or level this version of the app does not know shows as the server
// sent it.

import { hasMessage, t } from './i18n';

/** `stage_too_long`, `follow_up_overdue`, ... in words. */
export function deadlineKindName(kind: string): string {
  const key = `deadline.${kind}`;
  return hasMessage(key) ? t(key) : kind;
}

/** `alert` (to the case's worker) or `escalation` (to the supervisor) in words. */
export function alertLevelName(level: string): string {
  const key = `alerts.level.${level}`;
  return hasMessage(key) ? t(key) : level;
}
