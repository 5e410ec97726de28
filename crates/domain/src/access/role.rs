//! What each role may do, as permission sets (the seed's Figure 3, "role check").
//!
//! The four built-in roles carry the seed's semantics and cannot be redefined. A configuration
//! may add custom roles, each a named permission set; [`check_definition`] refuses sets that
//! would break the separation between case work and administration, or that name a
//! permission the policy would never honour.

use crate::i18n::Translations;
use crate::user::Role;
use std::collections::BTreeMap;
use std::fmt;

/// A function a user may perform. Case-level and field-level checks come on top: a
/// permission says what kind of thing a role does, never which case it reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    /// Be assigned cases, open cases, and work on the cases one is assigned or shared.
    HoldCases,
    /// Reach every case assigned to a member of a team one supervises.
    ViewTeamCases,
    /// Move a case to another member of a team one supervises.
    ReassignWithinTeam,
    /// Assign above a worker's maximum caseload, with a recorded reason.
    OverrideCaseload,
    /// See the workload of a team one supervises.
    ViewTeamWorkload,
    /// See anonymised aggregate reports.
    ViewAggregateReports,
    /// Change case types, forms and workflows.
    ConfigureWorkflow,
    /// Create, disable and change users and their roles.
    ManageUsers,
    /// Create teams and change their members.
    ManageTeams,
    /// Backups and system monitoring.
    OperateSystem,
    /// Search and export the audit trail (who accessed what, never a value).
    ReadAuditTrail,
    /// Approve or return the care plans of cases of a team one supervises.
    ApproveCarePlans,
}

impl Permission {
    pub const ALL: [Permission; 12] = [
        Self::HoldCases,
        Self::ViewTeamCases,
        Self::ReassignWithinTeam,
        Self::OverrideCaseload,
        Self::ViewTeamWorkload,
        Self::ViewAggregateReports,
        Self::ConfigureWorkflow,
        Self::ManageUsers,
        Self::ManageTeams,
        Self::OperateSystem,
        Self::ReadAuditTrail,
        Self::ApproveCarePlans,
    ];

    /// The permission's name in configuration files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HoldCases => "hold_cases",
            Self::ViewTeamCases => "view_team_cases",
            Self::ReassignWithinTeam => "reassign_within_team",
            Self::OverrideCaseload => "override_caseload",
            Self::ViewTeamWorkload => "view_team_workload",
            Self::ViewAggregateReports => "view_aggregate_reports",
            Self::ConfigureWorkflow => "configure_workflow",
            Self::ManageUsers => "manage_users",
            Self::ManageTeams => "manage_teams",
            Self::OperateSystem => "operate_system",
            Self::ReadAuditTrail => "read_audit_trail",
            Self::ApproveCarePlans => "approve_care_plans",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of permissions (small and `Copy`, so an [`super::Actor`] carries its own).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PermissionSet(u16);

impl PermissionSet {
    pub const EMPTY: PermissionSet = PermissionSet(0);

    pub fn of(permissions: &[Permission]) -> Self {
        permissions.iter().copied().collect()
    }

    pub fn contains(self, permission: Permission) -> bool {
        self.0 & permission.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Every permission of `self` is also in `other`.
    pub fn is_subset(self, other: PermissionSet) -> bool {
        self.0 & !other.0 == 0
    }

    pub fn intersection(self, other: PermissionSet) -> PermissionSet {
        PermissionSet(self.0 & other.0)
    }

    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .into_iter()
            .filter(move |p| self.contains(*p))
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        PermissionSet(iter.into_iter().fold(0, |bits, p| bits | p.bit()))
    }
}

/// Permissions that reach case content, directly or by moving cases.
pub const CASE_WORK: PermissionSet = PermissionSet(
    1 << Permission::HoldCases as u16
        | 1 << Permission::ViewTeamCases as u16
        | 1 << Permission::ReassignWithinTeam as u16
        | 1 << Permission::OverrideCaseload as u16
        | 1 << Permission::ApproveCarePlans as u16,
);

/// Permissions over accounts, teams, configuration, the system and the audit trail. Whoever
/// holds one could give themselves case access (join a team as its supervisor, change a
/// field's classification, take a supervisor's role) or watch colleagues' work, so no role
/// holds one together with case work.
pub const ADMINISTRATION: PermissionSet = PermissionSet(
    1 << Permission::ConfigureWorkflow as u16
        | 1 << Permission::ManageUsers as u16
        | 1 << Permission::ManageTeams as u16
        | 1 << Permission::OperateSystem as u16
        | 1 << Permission::ReadAuditTrail as u16,
);

/// Permissions over accounts and the system: a role holding one of them may only be given
/// by someone who holds it too (see [`may_confer`]).
pub const ACCOUNT_AND_SYSTEM: PermissionSet = PermissionSet(
    1 << Permission::ManageUsers as u16
        | 1 << Permission::ManageTeams as u16
        | 1 << Permission::OperateSystem as u16,
);

/// The permissions of a built-in role.
fn built_in_permissions(role: &Role) -> Option<PermissionSet> {
    use Permission::*;
    let set: &[Permission] = if *role == Role::CASE_WORKER {
        &[HoldCases]
    } else if *role == Role::SUPERVISOR {
        &[
            HoldCases,
            ViewTeamCases,
            ReassignWithinTeam,
            OverrideCaseload,
            ViewTeamWorkload,
            ApproveCarePlans,
        ]
    } else if *role == Role::PROGRAMME_MANAGER {
        &[ViewAggregateReports, ConfigureWorkflow, ManageUsers]
    } else if *role == Role::SYSTEM_ADMINISTRATOR {
        &[ManageUsers, ManageTeams, OperateSystem]
    } else if *role == Role::AUDITOR {
        &[ReadAuditTrail]
    } else {
        return None;
    };
    Some(PermissionSet::of(set))
}

/// Why a custom role's permission set is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleDefinitionError {
    #[error("a role needs at least one permission")]
    Empty,
    #[error(
        "{case_work} and {administration} cannot be held by one role: whoever administers \
         users, teams, configuration or the system must not also work with case content"
    )]
    MixesCaseWorkAndAdministration {
        case_work: Permission,
        administration: Permission,
    },
    #[error("{permission} does nothing without {needs}")]
    Needs {
        permission: Permission,
        needs: Permission,
    },
}

/// Check a custom role's permission set.
pub fn check_definition(permissions: PermissionSet) -> Result<(), RoleDefinitionError> {
    use Permission::*;
    if permissions.is_empty() {
        return Err(RoleDefinitionError::Empty);
    }
    let case_work = permissions.intersection(CASE_WORK).iter().next();
    let administration = permissions.intersection(ADMINISTRATION).iter().next();
    if let (Some(case_work), Some(administration)) = (case_work, administration) {
        return Err(RoleDefinitionError::MixesCaseWorkAndAdministration {
            case_work,
            administration,
        });
    }
    // The policy only honours these on top of another permission.
    for (permission, needs) in [
        (ViewTeamCases, HoldCases),
        (ReassignWithinTeam, ViewTeamCases),
        (OverrideCaseload, HoldCases),
        (ApproveCarePlans, ViewTeamCases),
    ] {
        if permissions.contains(permission) && !permissions.contains(needs) {
            return Err(RoleDefinitionError::Needs { permission, needs });
        }
    }
    Ok(())
}

/// Whether someone holding `actor` may give a user a role holding `role`: every account or
/// system permission of the role must be one the actor holds, so that nobody hands out more
/// administrative power than they have (a programme manager cannot make an administrator).
pub fn may_confer(actor: PermissionSet, role: PermissionSet) -> bool {
    role.intersection(ACCOUNT_AND_SYSTEM).is_subset(actor)
}

/// A role as the catalogue knows it.
#[derive(Debug, Clone)]
pub struct RoleDefinition {
    pub role: Role,
    /// Labels by language; built-in roles have none here (the user interfaces name them).
    pub label: Translations,
    pub permissions: PermissionSet,
}

impl RoleDefinition {
    pub fn is_built_in(&self) -> bool {
        self.role.is_built_in()
    }
}

/// Every role of an instance: the built-in ones and the configuration's custom ones.
#[derive(Debug, Clone)]
pub struct Roles {
    roles: BTreeMap<Role, RoleDefinition>,
}

impl Default for Roles {
    fn default() -> Self {
        Self::built_in()
    }
}

impl Roles {
    /// Only the built-in roles.
    pub fn built_in() -> Self {
        let roles = Role::BUILT_IN
            .into_iter()
            .map(|role| {
                let permissions = built_in_permissions(&role).expect("a built-in role");
                let definition = RoleDefinition {
                    role: role.clone(),
                    label: Translations::default(),
                    permissions,
                };
                (role, definition)
            })
            .collect();
        Self { roles }
    }

    /// Add a custom role. The loader has checked it (a well-formed id that is not a built-in
    /// one, a permission set [`check_definition`] accepts); a clash replaces nothing.
    pub fn add_custom(&mut self, definition: RoleDefinition) -> bool {
        if self.roles.contains_key(&definition.role) {
            return false;
        }
        self.roles.insert(definition.role.clone(), definition);
        true
    }

    pub fn get(&self, role: &Role) -> Option<&RoleDefinition> {
        self.roles.get(role)
    }

    /// What a role may do; a role the catalogue does not know may do nothing.
    pub fn permissions(&self, role: &Role) -> PermissionSet {
        self.roles
            .get(role)
            .map_or(PermissionSet::EMPTY, |d| d.permissions)
    }

    pub fn has(&self, role: &Role, permission: Permission) -> bool {
        self.permissions(role).contains(permission)
    }

    /// Built-in roles first, in the seed's order, then custom roles by id.
    pub fn iter(&self) -> impl Iterator<Item = &RoleDefinition> {
        let built_in = Role::BUILT_IN.iter().filter_map(|r| self.roles.get(r));
        let custom = self.roles.values().filter(|d| !d.is_built_in());
        built_in.chain(custom)
    }
}

impl Roles {
    /// The roles that must use a second factor when the operator has not said otherwise:
    /// every role that may do more than work on one's own and shared cases (supervisors,
    /// programme managers, administrators, and custom roles with oversight or administration).
    pub fn second_factor_by_default(&self) -> Vec<Role> {
        let case_work_only = PermissionSet::of(&[Permission::HoldCases]);
        self.iter()
            .filter(|d| !d.permissions.is_subset(case_work_only))
            .map(|d| d.role.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(permissions: &[Permission]) -> PermissionSet {
        PermissionSet::of(permissions)
    }

    #[test]
    fn managers_and_administrators_never_hold_or_see_cases() {
        let roles = Roles::built_in();
        for role in [
            Role::PROGRAMME_MANAGER,
            Role::SYSTEM_ADMINISTRATOR,
            Role::AUDITOR,
        ] {
            assert!(
                roles.permissions(&role).intersection(CASE_WORK).is_empty(),
                "{role} must hold no case work permission"
            );
        }
    }

    #[test]
    fn a_supervisor_can_do_what_a_case_worker_can() {
        let roles = Roles::built_in();
        assert!(
            roles
                .permissions(&Role::CASE_WORKER)
                .is_subset(roles.permissions(&Role::SUPERVISOR))
        );
    }

    #[test]
    fn built_in_roles_pass_the_custom_role_rules() {
        for definition in Roles::built_in().iter() {
            assert_eq!(check_definition(definition.permissions), Ok(()));
        }
    }

    #[test]
    fn an_unknown_role_may_do_nothing() {
        let roles = Roles::built_in();
        let gone = Role::parse("retired_role").unwrap();
        assert_eq!(roles.permissions(&gone), PermissionSet::EMPTY);
        for permission in Permission::ALL {
            assert!(!roles.has(&gone, permission));
        }
    }

    #[test]
    fn custom_roles_join_the_catalogue_but_cannot_replace_a_built_in_one() {
        let mut roles = Roles::built_in();
        let officer = Role::parse("me_officer").unwrap();
        assert!(roles.add_custom(RoleDefinition {
            role: officer.clone(),
            label: Translations::default(),
            permissions: set(&[Permission::ViewAggregateReports]),
        }));
        assert!(roles.has(&officer, Permission::ViewAggregateReports));
        assert!(!roles.add_custom(RoleDefinition {
            role: Role::CASE_WORKER,
            label: Translations::default(),
            permissions: set(&[Permission::ManageUsers]),
        }));
        assert!(roles.has(&Role::CASE_WORKER, Permission::HoldCases));
        let order: Vec<_> = roles.iter().map(|d| d.role.as_str().to_string()).collect();
        assert_eq!(
            order,
            [
                "case_worker",
                "supervisor",
                "programme_manager",
                "system_administrator",
                "auditor",
                "me_officer"
            ]
        );
    }

    #[test]
    fn custom_roles_keep_case_work_and_administration_apart() {
        use Permission::*;
        for case_work in CASE_WORK.iter() {
            for administration in ADMINISTRATION.iter() {
                let mut permissions = vec![HoldCases, ViewTeamCases, case_work, administration];
                permissions.dedup();
                assert!(
                    matches!(
                        check_definition(set(&permissions)),
                        Err(RoleDefinitionError::MixesCaseWorkAndAdministration { .. })
                    ),
                    "{case_work} with {administration}"
                );
            }
        }
        assert_eq!(
            check_definition(PermissionSet::EMPTY),
            Err(RoleDefinitionError::Empty)
        );
        assert_eq!(
            check_definition(set(&[ViewTeamCases])),
            Err(RoleDefinitionError::Needs {
                permission: ViewTeamCases,
                needs: HoldCases
            })
        );
        assert_eq!(
            check_definition(set(&[HoldCases, ReassignWithinTeam])),
            Err(RoleDefinitionError::Needs {
                permission: ReassignWithinTeam,
                needs: ViewTeamCases
            })
        );
        assert_eq!(
            check_definition(set(&[HoldCases, ViewTeamWorkload])),
            Ok(())
        );
        assert_eq!(
            check_definition(set(&[ViewAggregateReports, ViewTeamWorkload])),
            Ok(())
        );
    }

    #[test]
    fn nobody_confers_account_or_system_power_they_lack() {
        let roles = Roles::built_in();
        let manager = roles.permissions(&Role::PROGRAMME_MANAGER);
        let admin = roles.permissions(&Role::SYSTEM_ADMINISTRATOR);
        for role in [Role::CASE_WORKER, Role::SUPERVISOR, Role::PROGRAMME_MANAGER] {
            assert!(may_confer(manager, roles.permissions(&role)), "{role}");
            assert!(may_confer(admin, roles.permissions(&role)), "{role}");
        }
        assert!(!may_confer(manager, admin));
        assert!(may_confer(admin, admin));
        assert!(!may_confer(
            manager,
            set(&[Permission::ManageTeams, Permission::ViewTeamWorkload])
        ));
    }

    #[test]
    fn a_second_factor_by_default_for_every_role_beyond_case_work() {
        let mut roles = Roles::built_in();
        for (id, permissions) in [
            ("outreach_worker", &[Permission::HoldCases][..]),
            (
                "team_lead",
                &[Permission::HoldCases, Permission::ViewTeamWorkload][..],
            ),
        ] {
            roles.add_custom(RoleDefinition {
                role: Role::parse(id).unwrap(),
                label: Translations::default(),
                permissions: set(permissions),
            });
        }
        let required: Vec<_> = roles
            .second_factor_by_default()
            .iter()
            .map(|r| r.as_str().to_string())
            .collect();
        assert_eq!(
            required,
            [
                "supervisor",
                "programme_manager",
                "system_administrator",
                "auditor",
                "team_lead"
            ]
        );
    }

    #[test]
    fn permission_names_round_trip() {
        for permission in Permission::ALL {
            assert_eq!(Permission::parse(permission.as_str()), Some(permission));
        }
        assert_eq!(Permission::parse("see_everything"), None);
        let all: PermissionSet = Permission::ALL.into_iter().collect();
        assert_eq!(all.iter().count(), Permission::ALL.len());
    }
}
