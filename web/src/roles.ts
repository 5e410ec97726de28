// What each role finds in the app. The server decides every request; this only keeps the UI
// from offering pages a role cannot use (docs/API.md: system administrators manage users and
// teams, programme managers users; neither has any access to cases).

import type { Role } from './api';
import type { Route } from './router';

const ROLES: readonly Role[] = ['case_worker', 'supervisor', 'programme_manager', 'system_administrator'];

export function knownRole(role: string): role is Role {
  return (ROLES as readonly string[]).includes(role);
}

export function allRoles(): readonly Role[] {
  return ROLES;
}

/** Case workers and supervisors work with cases; the other roles never see case screens. */
export function worksWithCases(role: Role): boolean {
  return role === 'case_worker' || role === 'supervisor';
}

export function managesUsers(role: Role): boolean {
  return role === 'system_administrator' || role === 'programme_manager';
}

export function managesTeams(role: Role): boolean {
  return role === 'system_administrator';
}

/** Where a role starts: its cases, or for administrators and managers the users page. */
export function homeRoute(role: Role): Route {
  return worksWithCases(role) ? { name: 'list', params: new URLSearchParams() } : { name: 'users' };
}

/** Whether a route is for cases (list, new case, one case). */
export function isCaseRoute(route: Route): boolean {
  return route.name === 'list' || route.name === 'new' || route.name === 'case';
}
