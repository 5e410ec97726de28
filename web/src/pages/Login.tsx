import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type User } from '../api';
import { describeError, PageTitle } from '../components';
import { t } from '../i18n';

export function LoginPage({ notice, onSignedIn }: { notice: string | null; onSignedIn: (user: User) => void }) {
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
      const { user } = await api.login({ username: username.trim(), password });
      onSignedIn(user);
    } catch (caught) {
      // A 401 carries the server's own words ("wrong username or password"); show them.
      if (caught instanceof ApiError && caught.status === 401) {
        setError(caught.detail ? `${caught.title} ${caught.detail}` : caught.title || t('login.failed'));
      } else {
        setError(describeError(caught));
      }
      setPassword('');
      passwordRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login">
      <div class="card login-card">
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
      </div>
    </div>
  );
}
