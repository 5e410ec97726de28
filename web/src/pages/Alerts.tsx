// The Alerts page (everyone; the server's alert emails link to `/#/alerts`): the person's
// alerts, newest first, each a deadline passed on a case (the case's number, the kind of
// deadline in words, the stage it is about, whether it came to them as the case's worker or as
// an escalation, and when the deadline passed), the unread ones marked in words. Opening a case
// from here, or "Mark read", marks its alert read; the header's count follows. Below, where the
// alerts are emailed: an address to set or remove, and whether this instance sends email at
// all (when it does not, alerts stay in the web app).

import { useRef, useState } from 'preact/hooks';
import { api, ApiError, type Alert, type Config } from '../api';
import { CaseNumberCell } from '../caseTable';
import { ErrorNotice, Loading, PageTitle, RefreshButton, SuccessNotice } from '../components';
import { alertLevelName, deadlineKindName } from '../deadlines';
import { HintAndError } from '../dialog';
import { formatDateTime, formatNumber, isolate, t } from '../i18n';
import { stageLabel } from '../labels';
import { useLoad } from '../load';

export function AlertsPage({ config, onUnread }: { config: Config; onUnread: (unread: number) => void }) {
  const alerts = useLoad(() => api.alerts(), [], { onLoaded: (answer) => onUnread(answer.unread) });
  const { data: list, error, loading } = alerts;
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [marking, setMarking] = useState<string | null>(null);

  /** The alert read here at once (the header's count too), whatever the server's answer. */
  const markLocally = (alert: Alert) => {
    if (!list) return;
    const items = list.items.map((a) => (a.id === alert.id ? { ...a, read: true } : a));
    const unread = items.filter((a) => !a.read).length;
    alerts.setData({ items, unread });
    onUnread(unread);
  };

  /** Opening the case marks its alert read; the case page opens meanwhile. */
  const opened = (alert: Alert) => {
    if (alert.read) return;
    markLocally(alert);
    api.readAlert(alert.id).catch(() => {
      // The case opens either way; the alert shows unread again on the next visit.
    });
  };

  const markRead = async (alert: Alert) => {
    if (marking) return;
    setMarking(alert.id);
    setFailure(null);
    setNotice('');
    try {
      await api.readAlert(alert.id);
      markLocally(alert);
      setNotice(t('alerts.marked', { number: isolate(alert.case_number) }));
      // The button is gone: the keyboard stays on the alert's row, at its case.
      requestAnimationFrame(() => document.getElementById(`alert-case-${alert.id}`)?.focus());
    } catch (caught) {
      setFailure(caught);
    } finally {
      setMarking(null);
    }
  };

  const items = list?.items ?? [];

  return (
    <>
      <div class="page-head">
        <PageTitle text={t('alerts.title')} />
      </div>
      <p class="muted" id="alerts-intro">
        {t('alerts.intro')}
      </p>
      <SuccessNotice id="alerts-notice" text={notice} />
      {failure ? <ErrorNotice id="alerts-error" error={failure} action /> : null}
      {error ? (
        <ErrorNotice error={error} onRetry={alerts.reload} />
      ) : loading && !list ? (
        <Loading />
      ) : items.length === 0 ? (
        <p class="empty card" id="alerts-empty">
          {t('alerts.empty')}
        </p>
      ) : (
        <div class={`results${loading ? ' stale' : ''}`} aria-busy={loading}>
          <p class="muted count" id="alerts-unread">
            {list?.unread === 0
              ? t('alerts.noneUnread')
              : list?.unread === 1
                ? t('alerts.unreadOne')
                : t('alerts.unreadMany', { n: formatNumber(list?.unread ?? 0) })}
          </p>
          <table class="cases alerts-table" id="alerts-table">
            <caption class="sr-only">{t('alerts.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('list.col.number')}</th>
                <th scope="col">{t('alerts.col.kind')}</th>
                <th scope="col">{t('list.col.stage')}</th>
                <th scope="col">{t('alerts.col.level')}</th>
                <th scope="col">{t('alerts.col.due')}</th>
                <th scope="col">{t('alerts.col.read')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id} class={a.read ? 'alert-read' : 'alert-unread'} id={`alert-${a.id}`}>
                  <CaseNumberCell id={a.case_id} number={a.case_number} linkId={`alert-case-${a.id}`} onOpen={() => opened(a)} />
                  <td data-label={t('alerts.col.kind')}>{a.read ? deadlineKindName(a.kind) : <strong>{deadlineKindName(a.kind)}</strong>}</td>
                  <td data-label={t('list.col.stage')}>{a.stage ? <span class="badge">{stageLabel(config, a.stage)}</span> : t('common.none')}</td>
                  <td data-label={t('alerts.col.level')}>
                    <span class={`badge ${a.level === 'escalation' ? 'badge-denied' : 'badge-muted'}`}>{alertLevelName(a.level)}</span>
                  </td>
                  <td data-label={t('alerts.col.due')}>
                    <time dateTime={a.due}>{formatDateTime(a.due)}</time>
                  </td>
                  <td data-label={t('alerts.col.read')} class="alert-state">
                    {a.read ? (
                      <span class="muted">{t('alerts.read')}</span>
                    ) : (
                      <>
                        <span class="badge badge-warning">{t('alerts.unread')}</span>
                        <button
                          type="button"
                          class="button secondary small"
                          id={`alert-read-${a.id}`}
                          aria-disabled={marking !== null}
                          aria-busy={marking === a.id}
                          onClick={() => void markRead(a)}
                        >
                          {t('alerts.markRead')}
                          <span class="sr-only"> {t('alerts.markReadCase', { number: isolate(a.case_number) })}</span>
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!error && list && (
        <p class="button-row">
          <RefreshButton id="alerts-refresh" busy={loading} onRefresh={alerts.reload}>
            {t('alerts.refresh')}
          </RefreshButton>
        </p>
      )}
      <NotificationForm />
    </>
  );
}

/** Where alerts are emailed: the address (empty for none), and whether the instance sends
 * email. The server decides what an address is; its refusal is shown at the input. */
function NotificationForm() {
  const id = 'notification-email';
  const [email, setEmail] = useState('');
  const loaded = useLoad(() => api.notificationSettings(), [], { onLoaded: (answer) => setEmail(answer.email ?? '') });
  const { data: settings, error: loadError } = loaded;
  const [error, setError] = useState<string | undefined>(undefined);
  const [failure, setFailure] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const save = async (address: string | null) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setFailure(null);
    setNotice('');
    try {
      const saved = await api.changeNotificationSettings({ email: address });
      loaded.setData(saved);
      setEmail(saved.email ?? '');
      setNotice(
        saved.email
          ? t(saved.email_available ? 'notifications.saved' : 'notifications.savedKept', { email: isolate(saved.email) })
          : t('notifications.removed'),
      );
    } catch (caught) {
      const problem = caught instanceof ApiError && (caught.status === 422 || caught.status === 400) ? caught.errors.find((e) => e.field === 'email') : undefined;
      if (problem) {
        setError(problem.code === 'invalid' ? t('notifications.invalid') : problem.message);
        requestAnimationFrame(() => input.current?.focus());
      } else {
        setFailure(caught);
      }
    } finally {
      setBusy(false);
    }
  };

  const saved = settings?.email ?? null;
  const described = [`${id}--help`, error ? `${id}--error` : ''].filter(Boolean).join(' ');

  return (
    <section class="card narrow-card notification-settings" aria-labelledby="notifications-title" id="notifications">
      <h2 id="notifications-title">{t('notifications.title')}</h2>
      {loadError ? (
        <ErrorNotice error={loadError} onRetry={loaded.reload} />
      ) : !settings ? (
        <Loading />
      ) : (
        <>
          {!settings.email_available && (
            <p class="notice info" id="notifications-unavailable">
              {t('notifications.unavailable')}
            </p>
          )}
          <p id="notifications-status">
            {saved
              ? settings.email_available
                ? t('notifications.statusSent', { email: isolate(saved) })
                : t('notifications.statusKept', { email: isolate(saved) })
              : t('notifications.statusNone')}
          </p>
          <SuccessNotice id="notifications-notice" text={notice} />
          {failure ? <ErrorNotice id="notifications-error" error={failure} action /> : null}
          <form
            id="notifications-form"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              const address = email.trim();
              void save(address ? address : null);
            }}
          >
            <div class={`field${error ? ' invalid' : ''}`}>
              <label for={id}>{t('notifications.email')}</label>
              <HintAndError id={id} hint={t('notifications.emailHint')} error={error} />
              <input
                ref={input}
                id={id}
                type="email"
                inputMode="email"
                autoComplete="email"
                spellcheck={false}
                dir="ltr"
                value={email}
                aria-invalid={error ? 'true' : undefined}
                aria-describedby={described}
                onInput={(e) => {
                  setError(undefined);
                  setNotice('');
                  setEmail((e.currentTarget as HTMLInputElement).value);
                }}
              />
            </div>
            <div class="button-row">
              <button type="submit" class="button primary" id="notifications-save" aria-disabled={busy} aria-busy={busy}>
                {busy ? t('common.working') : t('notifications.save')}
              </button>
              {saved && (
                <button type="button" class="button secondary" id="notifications-remove" aria-disabled={busy} onClick={() => void save(null)}>
                  {t('notifications.remove')}
                </button>
              )}
            </div>
          </form>
        </>
      )}
    </section>
  );
}
