//! Who may do what with cases. Every handler asks here; nothing decides around it.
//!
//! This is the first cut of the access policy (issue 2): a user reaches only the cases
//! assigned to them, and only case workers and supervisors hold cases at all. Programme
//! managers and system administrators never reach case content.

use crate::user::{Role, UserId};

/// Whether a role may create and hold cases.
pub fn may_hold_cases(role: Role) -> bool {
    matches!(role, Role::CaseWorker | Role::Supervisor)
}

/// Whether `user` (with `role`) may read and update a case assigned to `assigned_to`.
pub fn may_access_case(user: UserId, role: Role, assigned_to: UserId) -> bool {
    may_hold_cases(role) && user == assigned_to
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn role() -> impl Strategy<Value = Role> {
        proptest::sample::select(Role::ALL.to_vec())
    }

    proptest! {
        /// No role ever reaches a case assigned to someone else, and managers and
        /// administrators reach none at all.
        #[test]
        fn only_the_assigned_holder_reaches_a_case(a in any::<u128>(), b in any::<u128>(), role in role()) {
            let (user, assigned) = (UserId::from_u128(a), UserId::from_u128(b));
            let allowed = may_access_case(user, role, assigned);
            prop_assert_eq!(allowed, user == assigned && matches!(role, Role::CaseWorker | Role::Supervisor));
        }
    }

    #[test]
    fn managers_and_administrators_hold_no_cases() {
        assert!(may_hold_cases(Role::CaseWorker));
        assert!(may_hold_cases(Role::Supervisor));
        assert!(!may_hold_cases(Role::ProgrammeManager));
        assert!(!may_hold_cases(Role::SystemAdministrator));
        let me = UserId::from_u128(1);
        assert!(!may_access_case(me, Role::SystemAdministrator, me));
    }
}
