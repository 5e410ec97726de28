// A hash router: the app is one page served at `/`, so routes live after `#` and the server
// never needs to know them.
//
//   #/cases?q=&case_type=&stage=&page=   the case list
//   #/cases/new                           choose a case type
//   #/cases/new/<case_type>               the new-case form
//   #/cases/<id>                          one case
//   #/approvals                           care plans waiting for a decision (roles with
//                                         approve_care_plans)
//   #/dashboard                           the team dashboard (roles with view_team_workload)
//   #/reports?rows=&columns=&case_type=&status=&opened_from=&opened_to=
//                                         anonymised aggregate reports (roles with
//                                         view_aggregate_reports); the parameters are the API's
//   #/supervision?criterion=&per_worker=&worker=
//                                         supervision (roles with hold_cases): a review sample
//                                         drawn by criterion and cases per worker (roles with
//                                         view_team_cases), cases marked for discussion and
//                                         supervision notes, narrowed to one worker's
//   #/alerts                              the person's alerts and where they are emailed
//                                         (everyone; alert emails link here)
//   #/admin/users                         users (roles with manage_users)
//   #/admin/agencies                      agencies (roles with manage_users)
//   #/admin/teams                         teams (roles with manage_teams)
//   #/audit?action=&outcome=&case_id=&actor=&from=&to=
//                                         the audit trail (roles with read_audit_trail);
//                                         from and to are days (YYYY-MM-DD), in local time
//   #/security                            the signed-in person's second factor (everyone)
//   #/configuration/<part>?case_type=     the configuration editors (roles with
//                                         configure_workflow): case-types, workflow, lists,
//                                         calendar, roles, history; case_type picks the case
//                                         type the case-types and workflow parts show

import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'list'; params: URLSearchParams }
  | { name: 'new'; caseType: string | null }
  | { name: 'case'; id: string }
  | { name: 'approvals' }
  | { name: 'dashboard' }
  | { name: 'reports'; params: URLSearchParams }
  | { name: 'supervision'; params: URLSearchParams }
  | { name: 'alerts' }
  | { name: 'users' }
  | { name: 'agencies' }
  | { name: 'teams' }
  | { name: 'audit'; params: URLSearchParams }
  | { name: 'security' }
  | { name: 'configuration'; part: ConfigPart; params: URLSearchParams };

/** The parts of the configuration editors, in the order they are offered. */
export const CONFIG_PARTS = ['case-types', 'workflow', 'lists', 'calendar', 'roles', 'history'] as const;
export type ConfigPart = (typeof CONFIG_PARTS)[number];

function configPart(text: string | undefined): ConfigPart {
  return (CONFIG_PARTS as readonly string[]).includes(text ?? '') ? (text as ConfigPart) : 'case-types';
}

export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const [path = '', search = ''] = text.split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'cases' && parts[1] === 'new') return { name: 'new', caseType: parts[2] ?? null };
  if (parts[0] === 'cases' && parts[1]) return { name: 'case', id: parts[1] };
  if (parts[0] === 'approvals') return { name: 'approvals' };
  if (parts[0] === 'dashboard') return { name: 'dashboard' };
  if (parts[0] === 'reports') return { name: 'reports', params: new URLSearchParams(search) };
  if (parts[0] === 'supervision') return { name: 'supervision', params: new URLSearchParams(search) };
  if (parts[0] === 'alerts') return { name: 'alerts' };
  if (parts[0] === 'admin' && parts[1] === 'users') return { name: 'users' };
  if (parts[0] === 'admin' && parts[1] === 'agencies') return { name: 'agencies' };
  if (parts[0] === 'admin' && parts[1] === 'teams') return { name: 'teams' };
  if (parts[0] === 'audit') return { name: 'audit', params: new URLSearchParams(search) };
  if (parts[0] === 'security') return { name: 'security' };
  if (parts[0] === 'configuration') return { name: 'configuration', part: configPart(parts[1]), params: new URLSearchParams(search) };
  return { name: 'list', params: new URLSearchParams(search) };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'list': {
      const search = route.params.toString();
      return `#/cases${search ? `?${search}` : ''}`;
    }
    case 'new':
      return route.caseType ? `#/cases/new/${encodeURIComponent(route.caseType)}` : '#/cases/new';
    case 'case':
      return `#/cases/${encodeURIComponent(route.id)}`;
    case 'approvals':
      return '#/approvals';
    case 'dashboard':
      return '#/dashboard';
    case 'reports': {
      const search = route.params.toString();
      return `#/reports${search ? `?${search}` : ''}`;
    }
    case 'supervision': {
      const search = route.params.toString();
      return `#/supervision${search ? `?${search}` : ''}`;
    }
    case 'alerts':
      return '#/alerts';
    case 'users':
      return '#/admin/users';
    case 'agencies':
      return '#/admin/agencies';
    case 'teams':
      return '#/admin/teams';
    case 'audit': {
      const search = route.params.toString();
      return `#/audit${search ? `?${search}` : ''}`;
    }
    case 'security':
      return '#/security';
    case 'configuration': {
      const search = route.params.toString();
      return `#/configuration/${route.part}${search ? `?${search}` : ''}`;
    }
  }
}

/** A check run before leaving the current page; returning false keeps the user on it. */
let leaveGuard: (() => boolean) | null = null;
export function setLeaveGuard(guard: (() => boolean) | null): void {
  leaveGuard = guard;
}

let shownHash = location.hash;
let skipGuard = false;

/** Go to a route from code (after a save, say): the leave guard is not asked. */
export function navigate(route: Route, replace = false): void {
  const target = href(route);
  if (target === location.hash) return;
  skipGuard = true;
  if (replace) {
    history.replaceState(null, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = target;
  }
}

/** The current route, following hash changes (and honouring the leave guard). */
export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => {
      const forced = skipGuard;
      skipGuard = false;
      if (location.hash === shownHash) return;
      if (!forced && leaveGuard && !leaveGuard()) {
        history.replaceState(null, '', shownHash || '#/cases');
        return;
      }
      shownHash = location.hash;
      setHash(location.hash);
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return parseRoute(hash);
}
