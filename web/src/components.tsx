// Small pieces shared by the pages.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import { formatNumber, t } from './i18n';
import { usesSecondFactor } from './me';

let firstTitle = true;

/** The page's h1: sets the document title, and takes focus when the page changes so that
 * screen reader users hear where they are (not on the first load). */
export function PageTitle({ children, text }: { children?: ComponentChildren; text: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${text} — ${t('app.name')}`;
  }, [text]);
  useEffect(() => {
    if (firstTitle) {
      firstTitle = false;
      return;
    }
    ref.current?.focus({ preventScroll: false });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} class="page-title">
      {children ?? text}
    </h1>
  );
}

/** What to tell a person about a failed request that is not a form's field errors. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return t('error.generic', { status: '?' });
  switch (error.status) {
    case 0:
      return t('error.network');
    case 401:
      return t('error.sessionEnded');
    case 403:
      return t('error.forbidden');
    case 404:
      return t('error.notFound');
    case 429: {
      const seconds = error.retryAfterSeconds;
      if (seconds === undefined) return t('error.tooMany');
      const minutes = Math.max(1, Math.ceil(seconds / 60));
      return minutes === 1 ? t('error.tooManyMinute') : t('error.tooManyMinutes', { n: formatNumber(minutes) });
    }
    case 500:
      return t('error.generic', { status: 500 });
    default:
      return error.detail ? `${error.title} — ${error.detail}` : error.title || t('error.generic', { status: error.status });
  }
}

/** The same, for an action refused in a dialog: a 403 or 409 also gives the server's own
 * words (the consent a GBV share lacks, the caseload figures), which say what to do next. */
export function describeActionError(error: unknown): string {
  if (error instanceof ApiError && error.confirmationRefused) return usesSecondFactor() ? t('confirm.wrongMfa') : t('confirm.wrong');
  if (error instanceof ApiError && (error.status === 403 || error.status === 409 || error.status === 400 || error.status === 422)) {
    const lead = error.status === 403 ? t('error.forbidden') : error.title;
    return error.detail ? `${lead} ${error.detail}` : lead || t('error.generic', { status: error.status });
  }
  return describeError(error);
}

export function ErrorNotice({ id, error, onRetry, action }: { id?: string; error: unknown; onRetry?: () => void; action?: boolean }) {
  return (
    <div class="notice error" role="alert" id={id}>
      <p>{action ? describeActionError(error) : describeError(error)}</p>
      {onRetry && (
        <button type="button" class="button secondary" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {t('common.loading')}
    </p>
  );
}

/** Reads a list again; while it is being read, says so and does nothing more. */
export function RefreshButton({ id, busy, onRefresh, children }: { id: string; busy: boolean; onRefresh: () => void; children: ComponentChildren }) {
  return (
    <button type="button" class="button secondary" id={id} aria-busy={busy} aria-disabled={busy} onClick={() => !busy && onRefresh()}>
      {children}
    </button>
  );
}

/** What was just done, in a live region; `focusable` where the keyboard may be put on it. */
export function SuccessNotice({ id, text, focusable }: { id?: string; text: string; focusable?: boolean }) {
  return (
    <div role="status" aria-live="polite">
      {text && (
        <p class="notice success" id={id} tabIndex={focusable ? -1 : undefined}>
          {text}
        </p>
      )}
    </div>
  );
}

/** The text of a `SuccessNotice` with that id. `show(text, true)` also puts the keyboard on it
 * once shown: for when the control that did it is gone. */
export function useNotice(id: string): { text: string; show: (text: string, focus?: boolean) => void; clear: () => void } {
  const [text, setText] = useState('');
  const focusNext = useRef(false);
  useEffect(() => {
    if (!focusNext.current || !text) return;
    focusNext.current = false;
    document.getElementById(id)?.focus();
  }, [text]);
  return {
    text,
    show: (shown, focus) => {
      if (focus) focusNext.current = true;
      setText(shown);
    },
    clear: () => setText(''),
  };
}

/** Hand a downloaded file to the browser to save. */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
