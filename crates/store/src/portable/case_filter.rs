// The conditions of case lists, the dashboard and supervision: portable SQL, included by
// `sqlite/case_filter.rs` and `postgres/case_filter.rs` (see `portable/access.rs`).

use crate::CaseFilter;
use sqlx::QueryBuilder;

/// The `WHERE` clause of a case list (`c` is the case).
pub(super) fn push_filter<'a>(query: &mut QueryBuilder<'a, Db>, filter: &'a CaseFilter) {
    query.push(" WHERE 1 = 1");
    if let Some(reach) = filter.reachable_by {
        // The ids the user reaches, each part through its own index, then the cases by id:
        // an `OR` of correlated conditions would have the database read every case.
        query
            .push(" AND c.id IN (SELECT r.id FROM cases r WHERE r.assigned_to = ")
            .push_bind(reach.user)
            .push(" UNION SELECT s.case_id FROM case_shares s WHERE s.revoked_at IS NULL AND s.user_id = ")
            .push_bind(reach.user);
        if reach.include_team_cases {
            query.push(" UNION ");
            push_supervised_ids(query, reach.user);
        }
        query.push(")");
    }
    if let Some(user) = filter.assigned_to {
        query.push(" AND c.assigned_to = ").push_bind(user);
    }
    if let Some(case_type) = &filter.case_type {
        query.push(" AND c.case_type = ").push_bind(case_type);
    }
    if let Some(stage) = &filter.stage {
        query.push(" AND c.stage = ").push_bind(stage);
    }
    if let Some(supervisor) = filter.supervised_by {
        query.push(" AND ");
        push_supervised_by(query, supervisor);
    }
    if let Some(status) = filter.care_plan_status {
        query
            .push(
                " AND (SELECT p.status FROM care_plans p WHERE p.case_id = c.id
                   ORDER BY p.version DESC LIMIT 1) = ",
            )
            .push_bind(status.as_str());
    }
    super::case_keys::push_search(query, filter);
}

/// The case's assigned worker is a member of a team `supervisor` supervises that handles the
/// case's type.
pub(super) fn push_supervised_by(query: &mut QueryBuilder<'_, Db>, supervisor: uuid::Uuid) {
    query.push("c.id IN (");
    push_supervised_ids(query, supervisor);
    query.push(")");
}

/// The ids of the cases of the teams `supervisor` supervises
/// ([`crate::team_reads::SUPERVISED_IDS_BEFORE`]).
fn push_supervised_ids(query: &mut QueryBuilder<'_, Db>, supervisor: uuid::Uuid) {
    query
        .push(crate::team_reads::SUPERVISED_IDS_BEFORE)
        .push_bind(supervisor)
        .push(crate::team_reads::SUPERVISED_IDS_AFTER);
}
