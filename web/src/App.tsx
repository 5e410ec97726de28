import { useEffect, useState } from 'preact/hooks';
import { api, setApiLanguage, setUnauthenticatedHandler, type Config, type User } from './api';
import { ErrorNotice, Loading } from './components';
import {
  adoptConfigLanguages,
  applyDirection,
  currentLanguage,
  formatNumber,
  pickableLanguages,
  setLanguage,
  t,
} from './i18n';
import { AlertsPage } from './pages/Alerts';
import { ApprovalsPage } from './pages/Approvals';
import { AuditPage } from './pages/Audit';
import { CaseListPage } from './pages/CaseList';
import { CaseViewPage } from './pages/CaseView';
import { DashboardPage } from './pages/Dashboard';
import { ReportsPage } from './pages/Reports';
import { LoginPage } from './pages/Login';
import { NewCasePage } from './pages/NewCase';
import { NoAccessPage } from './pages/Problem';
import { SecurityPage } from './pages/Security';
import { SupervisionPage } from './pages/Supervision';
import { AgenciesPage } from './pages/admin/Agencies';
import { ConfigurationLoader } from './pages/ConfigurationLoader';
import { TeamsPage } from './pages/admin/Teams';
import { UsersPage } from './pages/admin/Users';
import {
  approvesCarePlans,
  configuresWorkflow,
  homeRoute,
  isCaseRoute,
  managesTeams,
  managesUsers,
  readsAggregateReports,
  readsAuditTrail,
  seesTeamWorkload,
  worksWithCases,
} from './roles';
import { href, navigate, setLeaveGuard, useRoute } from './router';
import { setMe } from './me';
import { UserMenu } from './UserMenu';

type Session =
  | { state: 'checking' }
  | { state: 'signed-out'; notice: string | null }
  | { state: 'signed-in'; user: User };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const [config, setConfig] = useState<Config | null>(null);
  const [configError, setConfigError] = useState<unknown>(null);
  const [language, setLanguageState] = useState(currentLanguage());
  /** The signed-in person's unread alerts, for the header; null until known. */
  const [unread, setUnread] = useState<number | null>(null);
  const route = useRoute();

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setLeaveGuard(null);
      setSession({ state: 'signed-out', notice: t('error.sessionEnded') });
    });
    api
      .me()
      .then((user) => setSession({ state: 'signed-in', user }))
      .catch(() => setSession({ state: 'signed-out', notice: null }));
    return () => setUnauthenticatedHandler(null);
  }, []);

  const loadConfig = () => {
    setConfigError(null);
    api
      .config()
      .then((c) => {
        adoptConfigLanguages(c);
        applyDirection();
        setConfig(c);
      })
      .catch(setConfigError);
  };

  useEffect(() => {
    if (session.state === 'signed-in' && !config) loadConfig();
  }, [session.state]);

  /** After a configuration change: the new version, in force at once for every form. A failure
   * leaves the version the app had (the next start reads the new one). */
  const reloadConfig = async () => {
    const fresh = await api.config();
    adoptConfigLanguages(fresh);
    applyDirection();
    setConfig(fresh);
  };

  const changeLanguage = (lang: string) => {
    setLanguage(lang);
    setApiLanguage(lang);
    setLanguageState(lang);
  };

  const signOut = async () => {
    try {
      await api.logout();
    } catch {
      // The session is gone either way from this page's point of view.
    }
    setLeaveGuard(null);
    setConfig(null);
    setUnread(null);
    setSession({ state: 'signed-out', notice: null });
    // Whoever signs in next starts from their own start page, not from this person's page.
    navigate({ name: 'list', params: new URLSearchParams() }, true);
  };

  const user = session.state === 'signed-in' ? session.user : null;
  setMe(user);
  // Whoever may not hold cases (administrators, managers, a custom role without `hold_cases`)
  // has no access to them: a case address sends them to their own page rather than to case
  // screens that could only fail.
  const redirect = user && !worksWithCases(user) && isCaseRoute(route);
  const homeKey = user ? href(homeRoute(user)) : '';
  useEffect(() => {
    if (redirect && user) navigate(homeRoute(user), true);
  }, [redirect, homeKey]);

  // The header's count of unread alerts, asked again on each move to another page (the Alerts
  // page reports its own). A failure leaves the count as it was: the page says more.
  const routeKey = href(route);
  const userId = user?.id ?? null;
  useEffect(() => {
    if (!userId) {
      setUnread(null);
      return;
    }
    if (route.name === 'alerts') return;
    let live = true;
    api
      .alerts()
      .then((answer) => live && setUnread(answer.unread))
      .catch(() => {
        // The count stays as it was; the Alerts page says what went wrong.
      });
    return () => {
      live = false;
    };
  }, [userId, routeKey]);

  let main;
  if (session.state === 'checking') {
    main = <Loading />;
  } else if (session.state === 'signed-out') {
    main = (
      <LoginPage
        notice={session.notice}
        onSignedIn={(user) => setSession({ state: 'signed-in', user })}
      />
    );
  } else if (redirect) {
    main = <Loading />;
  } else if (route.name === 'security') {
    main = <SecurityPage me={session.user} onChanged={(user) => setSession({ state: 'signed-in', user })} />;
  } else if (route.name === 'users' || route.name === 'agencies' || route.name === 'teams') {
    // Administration needs the configuration only for case type and role names; it works
    // without (with the built-in roles only) until it comes. Agencies go with users.
    const allowed = route.name === 'teams' ? managesTeams(session.user) : managesUsers(session.user);
    main = !allowed ? (
      <NoAccessPage home={homeRoute(session.user)} />
    ) : route.name === 'users' ? (
      <UsersPage me={session.user} config={config} />
    ) : route.name === 'agencies' ? (
      <AgenciesPage />
    ) : (
      <TeamsPage config={config} />
    );
  } else if (route.name === 'audit') {
    // Like administration, the audit trail needs the configuration only for role names.
    main = readsAuditTrail(session.user) ? (
      <AuditPage config={config} params={route.params} />
    ) : (
      <NoAccessPage home={homeRoute(session.user)} />
    );
  } else if (configError) {
    main = <ErrorNotice error={configError} onRetry={loadConfig} />;
  } else if (!config) {
    main = <Loading />;
  } else if (route.name === 'approvals') {
    main = approvesCarePlans(session.user) ? <ApprovalsPage config={config} /> : <NoAccessPage home={homeRoute(session.user)} />;
  } else if (route.name === 'dashboard') {
    main = seesTeamWorkload(session.user) ? (
      <DashboardPage config={config} me={session.user} />
    ) : (
      <NoAccessPage home={homeRoute(session.user)} />
    );
  } else if (route.name === 'reports') {
    main = readsAggregateReports(session.user) ? (
      <ReportsPage config={config} params={route.params} />
    ) : (
      <NoAccessPage home={homeRoute(session.user)} />
    );
  } else if (route.name === 'supervision') {
    main = worksWithCases(session.user) ? (
      <SupervisionPage config={config} me={session.user} params={route.params} />
    ) : (
      <NoAccessPage home={homeRoute(session.user)} />
    );
  } else if (route.name === 'configuration') {
    main = configuresWorkflow(session.user) ? (
      <ConfigurationLoader config={config} part={route.part} params={route.params} onConfigChanged={reloadConfig} />
    ) : (
      <NoAccessPage home={homeRoute(session.user)} />
    );
  } else if (route.name === 'alerts') {
    main = <AlertsPage config={config} onUnread={setUnread} />;
  } else if (route.name === 'new') {
    main = <NewCasePage config={config} caseTypeId={route.caseType} me={session.user} />;
  } else if (route.name === 'case') {
    main = <CaseViewPage key={route.id} config={config} id={route.id} me={session.user} />;
  } else {
    main = <CaseListPage config={config} params={route.params} />;
  }

  const home = user ? homeRoute(user) : null;
  // A role with none of these has only Alerts and Security, both outside the navigation.
  const offersPages =
    user &&
    (worksWithCases(user) ||
      seesTeamWorkload(user) ||
      approvesCarePlans(user) ||
      managesUsers(user) ||
      managesTeams(user) ||
      readsAuditTrail(user) ||
      configuresWorkflow(user) ||
      readsAggregateReports(user));
  return (
    <>
      <a class="skip-link" href="#main" onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}>
        {t('app.skip')}
      </a>
      <header class="topbar">
        <div class="topbar-inner">
          <a class="brand" href={home ? href(home) : '#/'}>
            <span class="brand-mark" aria-hidden="true" />
            {t('app.name')}
          </a>
          {user && offersPages && (
            <nav aria-label={t('nav.main')} class="topnav">
              {worksWithCases(user) && (
                <a href={href({ name: 'list', params: new URLSearchParams() })} aria-current={route.name === 'list' ? 'page' : undefined}>
                  {t('nav.myCases')}
                </a>
              )}
              {seesTeamWorkload(user) && (
                <a href={href({ name: 'dashboard' })} aria-current={route.name === 'dashboard' ? 'page' : undefined}>
                  {t('nav.dashboard')}
                </a>
              )}
              {worksWithCases(user) && (
                <a href={href({ name: 'supervision', params: new URLSearchParams() })} aria-current={route.name === 'supervision' ? 'page' : undefined}>
                  {t('nav.supervision')}
                </a>
              )}
              {approvesCarePlans(user) && (
                <a href={href({ name: 'approvals' })} aria-current={route.name === 'approvals' ? 'page' : undefined}>
                  {t('nav.approvals')}
                </a>
              )}
              {managesUsers(user) && (
                <a href={href({ name: 'users' })} aria-current={route.name === 'users' ? 'page' : undefined}>
                  {t('nav.users')}
                </a>
              )}
              {managesUsers(user) && (
                <a href={href({ name: 'agencies' })} aria-current={route.name === 'agencies' ? 'page' : undefined}>
                  {t('nav.agencies')}
                </a>
              )}
              {managesTeams(user) && (
                <a href={href({ name: 'teams' })} aria-current={route.name === 'teams' ? 'page' : undefined}>
                  {t('nav.teams')}
                </a>
              )}
              {readsAuditTrail(user) && (
                <a href={href({ name: 'audit', params: new URLSearchParams() })} aria-current={route.name === 'audit' ? 'page' : undefined}>
                  {t('nav.audit')}
                </a>
              )}
              {readsAggregateReports(user) && (
                <a href={href({ name: 'reports', params: new URLSearchParams() })} aria-current={route.name === 'reports' ? 'page' : undefined}>
                  {t('nav.reports')}
                </a>
              )}
              {configuresWorkflow(user) && (
                <a
                  href={href({ name: 'configuration', part: 'case-types', params: new URLSearchParams() })}
                  aria-current={route.name === 'configuration' ? 'page' : undefined}
                >
                  {t('nav.configuration')}
                </a>
              )}
            </nav>
          )}
          <div class="topbar-tools">
            <div class="lang-switch">
              <label for="language">{t('header.language')}</label>
              <select id="language" value={language} onChange={(e) => changeLanguage((e.currentTarget as HTMLSelectElement).value)}>
                {pickableLanguages(config).map((l) => (
                  <option key={l.code} value={l.code} lang={l.code}>
                    {l.name}
                  </option>
                ))}
              </select>
            </div>
            {user && <AlertsLink unread={unread} current={route.name === 'alerts'} />}
            {user && <UserMenu user={user} route={route} onSignOut={signOut} />}
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} class="main">
        {main}
      </main>
    </>
  );
}

/** The header's way to the Alerts page, for everyone signed in: a bell, the word, and the
 * number of unread alerts (said in words to screen readers). */
function AlertsLink({ unread, current }: { unread: number | null; current: boolean }) {
  return (
    <a
      class={`alerts-link${unread ? ' has-unread' : ''}`}
      id="alerts-link"
      href={href({ name: 'alerts' })}
      aria-current={current ? 'page' : undefined}
    >
      <svg class="bell" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M12 3a6 6 0 0 0-6 6v3.6L4.3 15.4A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.6L18 12.6V9a6 6 0 0 0-6-6Zm-2.5 15.5a2.5 2.5 0 0 0 5 0Z" />
      </svg>
      <span class="alerts-word">{t('nav.alerts')}</span>
      {unread ? (
        <span class="alerts-count" id="alerts-count-badge">
          <span aria-hidden="true">{formatNumber(unread)}</span>
          <span class="sr-only"> {unread === 1 ? t('nav.alertsUnreadOne') : t('nav.alertsUnread', { n: formatNumber(unread) })}</span>
        </span>
      ) : null}
    </a>
  );
}
