// The signed-in person's security: whether a second factor is on, and setting one up (or a
// new one in its place, with new recovery codes). Starting needs the password (a code is not
// accepted for this), and from that moment the old authenticator and recovery codes stop
// working until the new one is confirmed, so the page says so before it starts.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Enrolment, type User } from '../api';
import { describeActionError, PageTitle } from '../components';
import { HintAndError } from '../dialog';
import { t } from '../i18n';
import { EnrolmentForm, RecoveryCodesForm } from '../mfa/Enrolment';

type Phase =
  | { name: 'idle' }
  | { name: 'password' }
  | { name: 'enrol'; enrolment: Enrolment }
  | { name: 'codes'; codes: string[] };

export function SecurityPage({ me, onChanged }: { me: User; onChanged: (user: User) => void }) {
  const [phase, setPhase] = useState<Phase>({ name: 'idle' });
  const [notice, setNotice] = useState<{ kind: 'success' | 'warning'; text: string } | null>(null);
  const replacing = useRef(false);

  /** The person as the server now sees them (the second factor may have changed). */
  const refresh = async () => {
    try {
      const fresh = await api.me({ signOutOn401: true });
      onChanged(fresh);
      return fresh;
    } catch {
      return null;
    }
  };

  const start = () => {
    replacing.current = me.mfa_enabled;
    setNotice(null);
    setPhase({ name: 'password' });
  };

  const abandon = async () => {
    setPhase({ name: 'idle' });
    const fresh = await refresh();
    if (fresh && !fresh.mfa_enabled) setNotice({ kind: 'warning', text: t('security.abandoned') });
    requestAnimationFrame(() => document.getElementById('mfa-start')?.focus());
  };

  const finished = async () => {
    await refresh();
    setPhase({ name: 'idle' });
    setNotice({ kind: 'success', text: t('security.done') });
    requestAnimationFrame(() => document.getElementById('mfa-status')?.focus());
  };

  return (
    <>
      <PageTitle text={t('security.title')} />
      <section class="card narrow-card" aria-labelledby="mfa-heading" id="mfa-section">
        <h2 id="mfa-heading">{t('security.mfaTitle')}</h2>
        <div role="status">{notice && <p class={`notice ${notice.kind}`}>{notice.text}</p>}</div>
        <p id="mfa-status" tabIndex={-1}>
          <span class={`badge ${me.mfa_enabled ? 'badge-ok' : 'badge-muted'}`}>{me.mfa_enabled ? t('users.mfaOn') : t('users.mfaOff')}</span>{' '}
          {me.mfa_enabled ? t('security.onText') : t('security.offText')}
        </p>
        {phase.name === 'idle' && (
          <>
            {me.mfa_enabled && <p class="hint">{t('security.replaceHint')}</p>}
            <button type="button" class="button primary" id="mfa-start" onClick={start}>
              {me.mfa_enabled ? t('security.replace') : t('security.setUp')}
            </button>
          </>
        )}
        {phase.name === 'password' && (
          <PasswordPhase
            replacing={replacing.current}
            onCancel={() => {
              setPhase({ name: 'idle' });
              requestAnimationFrame(() => document.getElementById('mfa-start')?.focus());
            }}
            onEnrolment={(enrolment) => {
              setPhase({ name: 'enrol', enrolment });
              // The old factor is off from now on: the page and the confirmations must know.
              void refresh();
            }}
          />
        )}
        {phase.name === 'enrol' && (
          <>
            <FocusedHeading id="enrol-heading">{t('enrol.title')}</FocusedHeading>
            <EnrolmentForm
              enrolment={phase.enrolment}
              onConfirmed={(codes) => setPhase({ name: 'codes', codes })}
              onSessionGone={() => void refresh()}
              actions={
                <button type="button" class="button secondary" onClick={abandon}>
                  {t('security.cancelSetup')}
                </button>
              }
            />
          </>
        )}
        {phase.name === 'codes' && (
          <>
            <FocusedHeading id="codes-heading">{t('codes.title')}</FocusedHeading>
            <RecoveryCodesForm codes={phase.codes} username={me.username} onDone={() => void finished()} />
          </>
        )}
      </section>
    </>
  );
}

/** A phase's heading, which takes focus when the phase begins, so a screen reader says where
 * the person now is. */
function FocusedHeading({ id, children }: { id: string; children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h3 class="phase-title" id={id} tabIndex={-1} ref={ref}>
      {children}
    </h3>
  );
}

function PasswordPhase({
  replacing,
  onCancel,
  onEnrolment,
}: {
  replacing: boolean;
  onCancel: () => void;
  onEnrolment: (enrolment: Enrolment) => void;
}) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!password) {
      setError(t('security.passwordRequired'));
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    setFailure(null);
    try {
      onEnrolment(await api.enrolSecondFactor({ confirm_password: password }, { duringLogin: false }));
    } catch (caught) {
      setBusy(false);
      setPassword('');
      if (caught instanceof ApiError && caught.confirmationRefused) {
        setError(t('security.passwordWrong'));
        input.current?.focus();
      } else {
        setFailure(caught);
      }
    }
  };

  const id = 'mfa-password';
  const described = [`${id}--help`, error ? `${id}--error` : ''].filter(Boolean).join(' ');
  return (
    <form onSubmit={submit} noValidate id="mfa-password-form">
      {replacing && (
        <p class="notice warning" id="mfa-replace-warning">
          {t('security.replaceWarning')}
        </p>
      )}
      {failure ? (
        <div class="notice error" role="alert">
          <p>{describeActionError(failure)}</p>
        </div>
      ) : null}
      <div class={`field${error ? ' invalid' : ''}`}>
        <label for={id}>{t('security.password')}</label>
        <HintAndError id={id} hint={t('security.passwordHint')} error={error} />
        <input
          ref={input}
          id={id}
          type="password"
          autoComplete="current-password"
          spellcheck={false}
          required
          value={password}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={described}
          onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
        />
      </div>
      <div class="button-row">
        <button type="submit" class="button primary" aria-disabled={busy} aria-busy={busy}>
          {busy ? t('common.working') : t('security.continue')}
        </button>
        <button type="button" class="button secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
