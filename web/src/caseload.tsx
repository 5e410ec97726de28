// Caseloads: a worker's weighted load against the recommended and maximum (a bar with the
// figures written out), and the notice shown after a case is created or reassigned above the
// recommended caseload.

import type { Caseload, CaseloadOutcome } from './api';
import { formatNumber, t } from './i18n';

export type LoadLevel = 'ok' | 'warning' | 'danger';

export function loadLevel(c: Caseload): LoadLevel {
  if (c.load > c.maximum) return 'danger';
  if (c.load > c.recommended) return 'warning';
  return 'ok';
}

/** The figures in words, then a bar (hidden from screen readers, which have the words). The
 * bar's track runs to a little past the maximum; a tick marks the recommended caseload. */
export function CaseloadBar({ caseload, id }: { caseload: Caseload; id?: string }) {
  const level = loadLevel(caseload);
  const scale = Math.max(caseload.maximum * 1.2, caseload.load, 1);
  const pct = (n: number) => `${Math.min(100, (n / scale) * 100).toFixed(1)}%`;
  return (
    <span class={`caseload ${level}`} id={id}>
      <span class="caseload-text">
        {t('caseload.figures', {
          load: formatNumber(caseload.load),
          recommended: formatNumber(caseload.recommended),
          maximum: formatNumber(caseload.maximum),
        })}
        {level !== 'ok' && <strong class="caseload-flag"> {level === 'danger' ? t('caseload.overMaximum') : t('caseload.overRecommended')}</strong>}
      </span>
      <span class="caseload-track" aria-hidden="true">
        <span class="caseload-fill" style={{ inlineSize: pct(caseload.load) }} />
        <span class="caseload-mark recommended" style={{ insetInlineStart: pct(caseload.recommended) }} />
        <span class="caseload-mark maximum" style={{ insetInlineStart: pct(caseload.maximum) }} />
      </span>
    </span>
  );
}

/** After a create or a reassignment: nothing when within the recommended caseload. */
export function CaseloadNotice({ outcome, name }: { outcome: CaseloadOutcome | null; name: string | null }) {
  if (!outcome || outcome.status === 'within') return null;
  const figures = {
    load: formatNumber(outcome.load),
    recommended: formatNumber(outcome.recommended),
    maximum: formatNumber(outcome.maximum),
  };
  const over = outcome.status === 'above_maximum_overridden';
  const text = name
    ? t(over ? 'caseload.noticeMaxOther' : 'caseload.noticeOther', { ...figures, name })
    : t(over ? 'caseload.noticeMaxOwn' : 'caseload.noticeOwn', figures);
  return (
    <div class={`notice ${over ? 'error' : 'warning'} caseload-notice`} role="status">
      <p>
        <strong>{t('caseload.noticeTitle')}</strong> {text}
      </p>
    </div>
  );
}
