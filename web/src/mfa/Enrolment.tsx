// The pieces of the second factor shared by the login and the Security page: the code input,
// setting up an authenticator (QR code, key, first code), and the recovery codes shown once.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Enrolment } from '../api';
import { describeError } from '../components';
import { HintAndError } from '../dialog';
import { currentLanguage, t } from '../i18n';
import { groupSecret, svgImageSource, totpCode } from './codes';

/** What to say about a code the server refused (401) or a lockout (429, with how long when
 * the server says). In English the server's own words are shown; in other languages, the
 * translation of what they mean. */
export function describeCodeError(error: unknown): string {
  if (isRefusal(error)) {
    const said = currentLanguage() === 'en' && error.title ? error.title : t('mfa.rejected');
    return said.replace(/[.]?$/, '.');
  }
  return describeError(error);
}

/** A code the server did not accept (as opposed to a lockout or a failure). */
export function isRefusal(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 401;
}

/** A labelled input for a 6-digit code or a recovery code. */
export function CodeField({
  id,
  kind,
  label,
  hint,
  value,
  onInput,
  error,
  inputRef,
}: {
  id: string;
  kind: 'totp' | 'recovery';
  label: string;
  hint?: string | undefined;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  inputRef?: { current: HTMLInputElement | null };
}) {
  const described = [hint ? `${id}--help` : '', error ? `${id}--error` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}--help`}>
          {hint}
        </p>
      )}
      {/* Announced as it appears: the person is still in the input when a code is refused. */}
      <div role="alert">
        {error && (
          <p class="field-error" id={`${id}--error`}>
            <span class="sr-only">{t('form.errorPrefix')} </span>
            {error}
          </p>
        )}
      </div>
      <input
        ref={inputRef}
        id={id}
        name={id}
        type="text"
        class={kind === 'totp' ? 'code-input' : 'code-input recovery'}
        dir="ltr"
        inputMode={kind === 'totp' ? 'numeric' : 'text'}
        autoComplete={kind === 'totp' ? 'one-time-code' : 'off'}
        autoCapitalize="none"
        autoCorrect="off"
        spellcheck={false}
        required
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described || undefined}
        onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
      />
    </div>
  );
}

/** Setting up an authenticator from an enrolment the server started: scan the QR code (or
 * type the key, or open the `otpauth://` address on a phone), then enter the first code.
 * `onConfirmed` gets the recovery codes. */
export function EnrolmentForm({
  enrolment,
  onConfirmed,
  onSessionGone,
  actions,
}: {
  enrolment: Enrolment;
  onConfirmed: (codes: string[]) => void;
  /** The login (or session) ended meanwhile: sign in again. */
  onSessionGone: () => void;
  /** More buttons next to the submit button (cancel). */
  actions?: ComponentChildren;
}) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [refused, setRefused] = useState(false);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setRefused(false);
    const typed = totpCode(code);
    if (!typed) {
      setError(t('mfa.codeMissing'));
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const { recovery_codes } = await api.confirmSecondFactor({ code: typed });
      onConfirmed(recovery_codes);
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ApiError && caught.sessionGone) {
        onSessionGone();
        return;
      }
      setCode('');
      setError(describeCodeError(caught));
      setRefused(isRefusal(caught));
      input.current?.focus();
    }
  };

  return (
    <div class="enrolment">
      <ol class="steps">
        <li>
          <p>{t('enrol.step1')}</p>
        </li>
        <li>
          <p>{t('enrol.step2')}</p>
          <img class="qr-code" id="mfa-qr" src={svgImageSource(enrolment.qr_svg)} alt={t('enrol.qrAlt')} />
          <p>
            <a href={enrolment.otpauth_uri} id="mfa-open-app">
              {t('enrol.openApp')}
            </a>
          </p>
          <p class="hint" id="mfa-secret-help">
            {t('enrol.manual')}
          </p>
          <p class="secret-key">
            <code id="mfa-secret" dir="ltr" aria-describedby="mfa-secret-help">
              {groupSecret(enrolment.secret)}
            </code>
          </p>
        </li>
        <li>
          <form onSubmit={submit} noValidate id="enrol-form">
            <CodeField
              id="enrol-code"
              kind="totp"
              label={t('enrol.step3')}
              hint={refused ? t('enrol.rejectedHint') : t('mfa.codeHint')}
              value={code}
              onInput={setCode}
              error={error}
              inputRef={input}
            />
            <div class="button-row">
              <button type="submit" class="button primary" aria-disabled={busy} aria-busy={busy}>
                {busy ? t('mfa.verifying') : t('enrol.submit')}
              </button>
              {actions}
            </div>
          </form>
        </li>
      </ol>
    </div>
  );
}

/** The recovery codes, shown once: copy or print them, then say they are saved. */
export function RecoveryCodesForm({
  codes,
  username,
  onDone,
  busy,
}: {
  codes: string[];
  username: string;
  onDone: () => void;
  busy?: boolean;
}) {
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [copyNote, setCopyNote] = useState('');
  const list = useRef<HTMLOListElement>(null);
  const checkbox = useRef<HTMLInputElement>(null);

  useEffect(() => {
    // Shown once: leaving the page before saying they are saved asks first.
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  useEffect(() => {
    // Printing shows only the codes (see styles.css, @media print); name them on paper.
    const title = document.title;
    const before = () => (document.title = t('codes.printTitle', { name: username }));
    const after = () => (document.title = title);
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    return () => {
      window.removeEventListener('beforeprint', before);
      window.removeEventListener('afterprint', after);
    };
  }, [username]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopyNote(t('codes.copied'));
    } catch {
      // No clipboard (a page not served over HTTPS, or permission refused): select the codes
      // so the device's own copy command takes them.
      const selection = window.getSelection();
      if (list.current && selection) {
        const range = document.createRange();
        range.selectNodeContents(list.current);
        selection.removeAllRanges();
        selection.addRange(range);
      }
      setCopyNote(t('codes.copyFailed'));
    }
  };

  const submit = (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!saved) {
      setError(t('codes.savedRequired'));
      checkbox.current?.focus();
      return;
    }
    onDone();
  };

  return (
    <div class="recovery">
      <p>{t('codes.intro')}</p>
      <div class="printable">
        <p class="print-only">{t('codes.printTitle', { name: username })}</p>
        <ol class="recovery-codes" id="recovery-codes" ref={list} aria-label={t('codes.listLabel')} dir="ltr">
          {codes.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ol>
      </div>
      <div class="code-tools no-print">
        <button type="button" class="button secondary small" id="codes-copy" onClick={copy}>
          {t('codes.copy')}
        </button>
        <button type="button" class="button secondary small" id="codes-print" onClick={() => window.print()}>
          {t('codes.print')}
        </button>
      </div>
      <p role="status" class="hint no-print">
        {copyNote}
      </p>
      <form onSubmit={submit} noValidate class="no-print" id="codes-form">
        <div class={`field${error ? ' invalid' : ''}`}>
          <HintAndError id="codes-saved" error={error} />
          <div class="choice">
            <input
              ref={checkbox}
              type="checkbox"
              id="codes-saved"
              checked={saved}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={error ? 'codes-saved--error' : undefined}
              onChange={(e) => {
                setSaved((e.currentTarget as HTMLInputElement).checked);
                setError(undefined);
              }}
            />
            <label for="codes-saved">{t('codes.saved')}</label>
          </div>
        </div>
        <button type="submit" class="button primary" id="codes-continue" aria-disabled={busy} aria-busy={busy}>
          {busy ? t('common.working') : t('codes.continue')}
        </button>
      </form>
    </div>
  );
}
