//! What each role may do, as permission sets (the seed's Figure 3, "role check").

use crate::user::Role;

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
}

impl Permission {
    pub const ALL: [Permission; 10] = [
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
    ];
}

/// The permissions of a built-in role.
pub fn permissions(role: Role) -> &'static [Permission] {
    use Permission::*;
    match role {
        Role::CaseWorker => &[HoldCases],
        Role::Supervisor => &[
            HoldCases,
            ViewTeamCases,
            ReassignWithinTeam,
            OverrideCaseload,
            ViewTeamWorkload,
        ],
        Role::ProgrammeManager => &[ViewAggregateReports, ConfigureWorkflow, ManageUsers],
        Role::SystemAdministrator => &[ManageUsers, ManageTeams, OperateSystem],
    }
}

pub fn has(role: Role, permission: Permission) -> bool {
    permissions(role).contains(&permission)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managers_and_administrators_never_hold_or_see_cases() {
        for role in [Role::ProgrammeManager, Role::SystemAdministrator] {
            for permission in [
                Permission::HoldCases,
                Permission::ViewTeamCases,
                Permission::ReassignWithinTeam,
            ] {
                assert!(
                    !has(role, permission),
                    "{role} must not have {permission:?}"
                );
            }
        }
    }

    #[test]
    fn a_supervisor_can_do_what_a_case_worker_can() {
        for permission in permissions(Role::CaseWorker) {
            assert!(has(Role::Supervisor, *permission));
        }
    }
}
