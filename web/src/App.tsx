import { useEffect, useState } from 'preact/hooks';
import { api, setApiLanguage, setUnauthenticatedHandler, type Config, type User } from './api';
import { ErrorNotice, Loading } from './components';
import {
  adoptConfigLanguages,
  applyDirection,
  currentLanguage,
  pickableLanguages,
  setLanguage,
  t,
} from './i18n';
import { ApprovalsPage } from './pages/Approvals';
import { AuditPage } from './pages/Audit';
import { CaseListPage } from './pages/CaseList';
import { CaseViewPage } from './pages/CaseView';
import { LoginPage } from './pages/Login';
import { NewCasePage } from './pages/NewCase';
import { NoAccessPage } from './pages/Problem';
import { SecurityPage } from './pages/Security';
import { AgenciesPage } from './pages/admin/Agencies';
import { TeamsPage } from './pages/admin/Teams';
import { UsersPage } from './pages/admin/Users';
import { approvesCarePlans, homeRoute, isCaseRoute, managesTeams, managesUsers, readsAuditTrail, worksWithCases } from './roles';
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
  } else if (route.name === 'new') {
    main = <NewCasePage config={config} caseTypeId={route.caseType} me={session.user} />;
  } else if (route.name === 'case') {
    main = <CaseViewPage key={route.id} config={config} id={route.id} me={session.user} />;
  } else {
    main = <CaseListPage config={config} params={route.params} />;
  }

  const home = user ? homeRoute(user) : null;
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
          {user && (worksWithCases(user) || approvesCarePlans(user) || managesUsers(user) || managesTeams(user) || readsAuditTrail(user)) && (
            <nav aria-label={t('nav.main')} class="topnav">
              {worksWithCases(user) && (
                <a href={href({ name: 'list', params: new URLSearchParams() })} aria-current={route.name === 'list' ? 'page' : undefined}>
                  {t('nav.myCases')}
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
