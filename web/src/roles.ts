// What the signed-in person finds in the app, from what their role allows (`User.permissions`),
// never from the role's name: custom roles of the configuration are permission sets like the
// built-in ones. The server decides every request; this only keeps the UI from offering pages
// and actions a person cannot use (docs/API.md: whoever works with cases holds `hold_cases`;
// `manage_users`, `manage_teams` and `read_audit_trail` are administration, which never comes
// with case work; `approve_care_plans` adds the Approvals page, `view_team_workload` the team
// Dashboard; whoever holds cases has the Supervision page, where `view_team_cases` adds the
// review sample).
//
// Also how roles and permissions are named for people: built-in roles and permissions by the
// UI's own strings, custom roles by their configured label.

import type { BuiltInRole, Permission, RoleDefinition } from './api';
import { currentLanguage, label, t } from './i18n';
import type { Route } from './router';

export const BUILT_IN: readonly BuiltInRole[] = ['case_worker', 'supervisor', 'programme_manager', 'system_administrator', 'auditor'];

/** Every permission, in the server's order. */
export const PERMISSIONS: readonly Permission[] = [
  'hold_cases',
  'view_team_cases',
  'reassign_within_team',
  'override_caseload',
  'view_team_workload',
  'view_aggregate_reports',
  'configure_workflow',
  'manage_users',
  'manage_teams',
  'operate_system',
  'read_audit_trail',
  'approve_care_plans',
];

export function isBuiltInRole(role: string): role is BuiltInRole {
  return (BUILT_IN as readonly string[]).includes(role);
}

/** Anyone or anything carrying the permissions of a role (`User`, `UserAdmin`, a role). */
export interface HasPermissions {
  permissions: readonly string[];
}

export function can(who: HasPermissions, permission: Permission): boolean {
  return who.permissions.includes(permission);
}

/** Whoever may hold cases works with cases; nobody else ever sees case screens. */
export function worksWithCases(who: HasPermissions): boolean {
  return can(who, 'hold_cases');
}

export function managesUsers(who: HasPermissions): boolean {
  return can(who, 'manage_users');
}

export function managesTeams(who: HasPermissions): boolean {
  return can(who, 'manage_teams');
}

/** Auditors search and export the audit trail (who did what, never a value). */
export function readsAuditTrail(who: HasPermissions): boolean {
  return can(who, 'read_audit_trail');
}

/** Supervisors approve or return the care plans of their teams' cases (the Approvals page). */
export function approvesCarePlans(who: HasPermissions): boolean {
  return can(who, 'approve_care_plans');
}

/** Supervisors (and roles like them) see their teams' cases: they draw samples of them to
 * review on the Supervision page. */
export function reviewsTeamCases(who: HasPermissions): boolean {
  return can(who, 'view_team_cases');
}

/** Supervisors (and roles like them) see their teams' workload, deadlines and quality on the
 * Dashboard page. */
export function seesTeamWorkload(who: HasPermissions): boolean {
  return can(who, 'view_team_workload');
}

/** Programme managers and monitoring officers read anonymised aggregate reports (counts only). */
export function readsAggregateReports(who: HasPermissions): boolean {
  return can(who, 'view_aggregate_reports');
}

/** Programme managers (and roles like them) change the configuration: case types and their
 * forms, stages and transitions, option lists, calendar, deadlines and custom roles. */
export function configuresWorkflow(who: HasPermissions): boolean {
  return can(who, 'configure_workflow');
}

/** Account and system permissions: the server refuses (403) to give a role holding one the
 * acting person lacks. */
const ADMINISTRATION: readonly Permission[] = ['manage_users', 'manage_teams', 'operate_system'];

/** Whether `actor` may give someone `role`: no account or system permission beyond their own. */
export function mayConfer(actor: HasPermissions, role: HasPermissions): boolean {
  return ADMINISTRATION.every((p) => !can(role, p) || can(actor, p));
}

/** Where a person starts: their cases, else the users page, else the teams page, else the audit
 * trail, else the team dashboard, else the configuration, else aggregate reports, else (a role
 * with none of those) their Security page. */
export function homeRoute(who: HasPermissions): Route {
  if (worksWithCases(who)) return { name: 'list', params: new URLSearchParams() };
  if (managesUsers(who)) return { name: 'users' };
  if (managesTeams(who)) return { name: 'teams' };
  if (readsAuditTrail(who)) return { name: 'audit', params: new URLSearchParams() };
  if (seesTeamWorkload(who)) return { name: 'dashboard' };
  if (configuresWorkflow(who)) return { name: 'configuration', part: 'case-types', params: new URLSearchParams() };
  if (readsAggregateReports(who)) return { name: 'reports', params: new URLSearchParams() };
  return { name: 'security' };
}

/** Whether a route is for cases (list, new case, one case). */
export function isCaseRoute(route: Route): boolean {
  return route.name === 'list' || route.name === 'new' || route.name === 'case';
}

/** The roles a person can be given: the configuration's catalogue, or the built-in roles until
 * it is known. */
export function roleChoices(roles: readonly RoleDefinition[] | null | undefined): readonly string[] {
  return roles && roles.length > 0 ? roles.map((r) => r.id) : BUILT_IN;
}

/** A role's name in the UI language: built-in roles from the UI's strings, custom roles from
 * their label (the current language, else the instance's default). Null for a custom role the
 * app has no label for (the configuration is not loaded, as during sign-in). */
export function roleLabel(role: string, roles: readonly RoleDefinition[] | null | undefined): string | null {
  if (isBuiltInRole(role)) return t(`role.${role}`);
  const found = roles?.find((r) => r.id === role);
  return (found && label(found.label)) || null;
}

/** A role's name, or its id when the app has none. */
export function roleName(role: string, roles: readonly RoleDefinition[] | null | undefined): string {
  return roleLabel(role, roles) ?? role;
}

function isPermission(name: string): name is Permission {
  return (PERMISSIONS as readonly string[]).includes(name);
}

/** What a role allows, as a sentence in the UI language ("This role may hold and work on cases
 * and see their team's workload."); an unknown permission name shows as it is. */
export function describePermissions(permissions: readonly string[]): string {
  const names = PERMISSIONS.filter((p) => permissions.includes(p))
    .map((p) => t(`permission.${p}`))
    .concat(permissions.filter((p) => !isPermission(p)));
  if (names.length === 0) return t('users.roleNoPermissions');
  let list: string;
  try {
    list = new Intl.ListFormat(currentLanguage(), { style: 'long', type: 'conjunction' }).format(names);
  } catch {
    list = names.join(', ');
  }
  return t('users.rolePermissions', { list });
}
