// Signing in: the password, then what the server says is still needed (`next`): a code from
// the authenticator app (or a recovery code), or, for a role that must use a second factor
// and has none yet, setting one up, with the recovery codes shown once before the app opens.
// Until the last step is done the server answers 401 to everything else, so nothing here is
// reported as a sign-out.

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Enrolment, type LoginResponse, type User } from '../api';
import { describeError, Loading, PageTitle } from '../components';
import { t } from '../i18n';
import { recoveryCode, totpCode } from '../mfa/codes';
import { CodeField, describeCodeError, EnrolmentForm, isRefusal, RecoveryCodesForm } from '../mfa/Enrolment';
import { roleLabel } from '../roles';

type Step =
  | { name: 'password' }
  | { name: 'code'; user: User }
  | { name: 'enrol'; user: User }
  | { name: 'codes'; user: User; codes: string[] };

export function LoginPage({ notice, onSignedIn }: { notice: string | null; onSignedIn: (user: User) => void }) {
  const [step, setStep] = useState<Step>({ name: 'password' });
  const [message, setMessage] = useState<string | null>(notice);

  /** Back to the password: the half-finished login is ended on the server too. */
  const restart = async (why: string | null) => {
    try {
      await api.logout();
    } catch {
      // Nothing to end, or the server is away: the next login starts afresh either way.
    }
    setMessage(why);
    setStep({ name: 'password' });
  };
  const sessionGone = () => void restart(t('error.sessionEnded'));

  const afterPassword = ({ user, next }: LoginResponse) => {
    setMessage(null);
    if (next == null) onSignedIn(user);
    else if (next === 'second_factor') setStep({ name: 'code', user });
    else if (next === 'enrolment') setStep({ name: 'enrol', user });
    else void restart(t('mfa.unknownStep'));
  };

  const finish = async (user: User) => {
    // The user as the server now sees them (with the second factor on), else as known.
    try {
      onSignedIn(await api.me());
    } catch {
      onSignedIn({ ...user, mfa_enabled: true });
    }
  };

  let content;
  switch (step.name) {
    case 'password':
      content = <PasswordStep notice={message} onNext={afterPassword} />;
      break;
    case 'code':
      content = <CodeStep user={step.user} onDone={onSignedIn} onCancel={() => void restart(null)} onSessionGone={sessionGone} />;
      break;
    case 'enrol':
      content = (
        <EnrolStep
          user={step.user}
          onConfirmed={(codes) => setStep({ name: 'codes', user: step.user, codes })}
          onCancel={() => void restart(null)}
          onSessionGone={sessionGone}
        />
      );
      break;
    case 'codes':
      content = <CodesStep user={step.user} codes={step.codes} onDone={() => finish(step.user)} />;
      break;
  }
  return (
    <div class="login">
      <div class={`card login-card${step.name === 'enrol' || step.name === 'codes' ? ' wide' : ''}`}>{content}</div>
    </div>
  );
}

function PasswordStep({ notice, onNext }: { notice: string | null; onNext: (response: LoginResponse) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => usernameRef.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!username.trim() || !password) {
      setError(t('login.missing'));
      (username.trim() ? passwordRef : usernameRef).current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const response = await api.login({ username: username.trim(), password });
      onNext(response);
    } catch (caught) {
      // A 401 carries the server's own words ("wrong username or password"); show them.
      if (caught instanceof ApiError && caught.status === 401) {
        setError(caught.detail ? `${caught.title} ${caught.detail}` : caught.title || t('login.failed'));
      } else {
        setError(describeError(caught));
      }
      setPassword('');
      passwordRef.current?.focus();
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle text={t('login.title')} />
      <p class="muted">{t('login.intro')}</p>
      {notice && !error && (
        <p class="notice info" role="status">
          {notice}
        </p>
      )}
      {error && (
        <div class="notice error" role="alert" id="login-error">
          <p>{error}</p>
        </div>
      )}
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="username">{t('login.username')}</label>
          <input
            ref={usernameRef}
            id="username"
            name="username"
            type="text"
            autoComplete="username"
            autoCapitalize="none"
            spellcheck={false}
            required
            value={username}
            aria-describedby={error ? 'login-error' : undefined}
            onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="password">{t('login.password')}</label>
          <input
            ref={passwordRef}
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            aria-describedby={error ? 'login-error' : undefined}
            onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <button type="submit" class="button primary wide" disabled={busy} aria-busy={busy}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </>
  );
}

/** Who is signing in, so that a shared computer does not leave anyone guessing. */
function SigningInAs({ user }: { user: User }) {
  return (
    <p class="muted signing-in-as">
      {t('mfa.signingInAs', { name: user.display_name })} <bdi dir="ltr" class="nowrap">({user.username})</bdi>
    </p>
  );
}

function CodeStep({
  user,
  onDone,
  onCancel,
  onSessionGone,
}: {
  user: User;
  onDone: (user: User) => void;
  onCancel: () => void;
  onSessionGone: () => void;
}) {
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [refused, setRefused] = useState(false);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  // The input takes focus when the step opens and when the kind of code changes.
  useEffect(() => input.current?.focus(), [recovery]);

  const switchKind = () => {
    setRecovery(!recovery);
    setCode('');
    setError(undefined);
    setRefused(false);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setRefused(false);
    const typed = recovery ? recoveryCode(code) : totpCode(code);
    if (!typed) {
      setError(recovery ? t('mfa.recoveryMissing') : t('mfa.codeMissing'));
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const result = await api.secondFactor({ code: typed });
      onDone(result.user);
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ApiError && caught.sessionGone) {
        onSessionGone();
        return;
      }
      // A refused app code is spent or wrong: clear it. A recovery code may have a typo.
      if (!recovery) setCode('');
      setError(describeCodeError(caught));
      setRefused(isRefusal(caught));
      input.current?.focus();
    }
  };

  return (
    <>
      <PageTitle text={t('mfa.codeTitle')} />
      <SigningInAs user={user} />
      <p id="code-intro">{recovery ? t('mfa.recoveryIntro') : t('mfa.codeIntro')}</p>
      <form onSubmit={submit} noValidate id="code-form">
        {recovery ? (
          <CodeField
            key="recovery"
            id="recovery-code"
            kind="recovery"
            label={t('mfa.recoveryLabel')}
            hint={refused ? t('mfa.recoveryRejectedHint') : t('mfa.recoveryHint')}
            value={code}
            onInput={setCode}
            error={error}
            inputRef={input}
          />
        ) : (
          <CodeField
            key="totp"
            id="otp-code"
            kind="totp"
            label={t('mfa.codeLabel')}
            hint={refused ? t('mfa.rejectedHint') : t('mfa.codeHint')}
            value={code}
            onInput={setCode}
            error={error}
            inputRef={input}
          />
        )}
        <button type="submit" class="button primary wide" aria-disabled={busy} aria-busy={busy}>
          {busy ? t('mfa.verifying') : t('mfa.verify')}
        </button>
      </form>
      <p class="code-switch">
        <button type="button" class="button link" id="code-switch" onClick={switchKind}>
          {recovery ? t('mfa.useApp') : t('mfa.useRecovery')}
        </button>
      </p>
      <p class="code-switch">
        <button type="button" class="button link" id="login-cancel" onClick={onCancel}>
          {t('mfa.cancelLogin')}
        </button>
      </p>
    </>
  );
}

function EnrolStep({
  user,
  onConfirmed,
  onCancel,
  onSessionGone,
}: {
  user: User;
  onConfirmed: (codes: string[]) => void;
  onCancel: () => void;
  onSessionGone: () => void;
}) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  // Until sign-in is complete the configuration cannot be read, so a custom role has no name
  // here: the sentence then says "your role" without naming it.
  const role = roleLabel(user.role, null);

  useEffect(() => {
    let live = true;
    setError(null);
    api
      .enrolSecondFactor({}, { duringLogin: true })
      .then((e) => live && setEnrolment(e))
      .catch((caught) => {
        if (!live) return;
        if (caught instanceof ApiError && caught.status === 401) onSessionGone();
        else setError(caught);
      });
    return () => {
      live = false;
    };
  }, [attempt]);

  const cancel = (
    <button type="button" class="button secondary" id="login-cancel" onClick={onCancel}>
      {t('common.cancel')}
    </button>
  );

  return (
    <>
      <PageTitle text={t('enrol.title')} />
      <SigningInAs user={user} />
      <p class="notice info" id="enrol-why">
        {role ? t('enrol.required', { role }) : t('enrol.requiredAnyRole')}
      </p>
      {error ? (
        <div class="notice error" role="alert">
          <p>{describeError(error)}</p>
          <div class="button-row">
            <button type="button" class="button secondary" onClick={() => setAttempt((n) => n + 1)}>
              {t('common.retry')}
            </button>
            {cancel}
          </div>
        </div>
      ) : !enrolment ? (
        <Loading />
      ) : (
        <EnrolmentForm enrolment={enrolment} onConfirmed={onConfirmed} onSessionGone={onSessionGone} actions={cancel} />
      )}
    </>
  );
}

function CodesStep({ user, codes, onDone }: { user: User; codes: string[]; onDone: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  return (
    <>
      <PageTitle text={t('codes.title')} />
      <p class="notice success" role="status">
        {t('enrol.done')}
      </p>
      <RecoveryCodesForm
        codes={codes}
        username={user.username}
        busy={busy}
        onDone={() => {
          setBusy(true);
          void onDone();
        }}
      />
    </>
  );
}
