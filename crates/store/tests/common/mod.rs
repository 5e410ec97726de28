//! Shared by the test files that need the database itself, not only the store.

/// One test per backend from an async fn taking the test database and its store.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let db = super::TestDatabase::new(super::Backend::Sqlite).await;
                let store = db.open().await;
                super::$name(&db, store).await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let db = super::TestDatabase::new(super::Backend::Postgres).await;
                let store = db.open().await;
                super::$name(&db, store).await;
            })*
        }
    };
}

use caseward_domain::user::Role;
use caseward_store::{NewUser, Store, User};
use chrono::{TimeZone, Utc};
use std::sync::Arc;

/// A user named `name` with `role`.
#[allow(dead_code)]
pub async fn user(store: &Arc<dyn Store>, name: &str, role: Role) -> User {
    store
        .create_user(NewUser {
            id: uuid::Uuid::now_v7(),
            username: name.into(),
            display_name: name.into(),
            role,
            agency: None,
            password_hash: "x".into(),
            audit: Vec::new(),
            now: Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap(),
        })
        .await
        .unwrap()
}

/// A case worker, `worker1`.
#[allow(dead_code)]
pub async fn worker(store: &Arc<dyn Store>) -> User {
    user(store, "worker1", Role::CASE_WORKER).await
}

/// A supervisor named `name`.
#[allow(dead_code)]
pub async fn supervisor(store: &Arc<dyn Store>, name: &str) -> User {
    user(store, name, Role::SUPERVISOR).await
}

/// A team of `supervisor`'s with `members`, holding them to `case_types` (none: every type),
/// made on 1 March 2026 at 9:00.
#[allow(dead_code)]
pub async fn team(
    store: &Arc<dyn Store>,
    name: &str,
    supervisor: &User,
    members: &[&User],
    case_types: &[&str],
) -> caseward_store::TeamRecord {
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    let mut record = store
        .create_team(caseward_store::NewTeam {
            id: uuid::Uuid::now_v7(),
            name: name.into(),
            supervisor: Some(supervisor.id),
            case_types: case_types.iter().map(|t| t.to_string()).collect(),
            audit: Vec::new(),
            now,
        })
        .await
        .unwrap();
    for member in members {
        record = store
            .add_team_member(record.team.id, member.id, &[], now)
            .await
            .unwrap();
    }
    record
}

/// A child protection case of `worker` with `fields`, to create (no tokens, dimensions or
/// audit entries; tests set what they need).
#[allow(dead_code)]
pub fn new_case(
    worker: &User,
    fields: caseward_domain::case::CaseFields,
) -> caseward_store::NewCase {
    caseward_store::NewCase {
        id: uuid::Uuid::now_v7(),
        case_type: "child_protection".into(),
        case_type_code: "CP".into(),
        stage: "identification".into(),
        intensity: caseward_domain::config::Intensity::Medium,
        assigned_to: worker.id,
        created_by: worker.id,
        config_version: 1,
        fields,
        caseload_override_reason: None,
        search_tokens: Vec::new(),
        dimensions: Vec::new(),
        audit: Vec::new(),
        now: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    }
}
