//! The staff of a synthetic instance: `worker1`…`workerN` (case workers) in teams of ten, each
//! team with its supervisor (`supervisor1`…), and `manager1`, all with one password. Users and
//! teams that exist already are kept, so a demo instance can be grown.

use crate::seed::Holder;
use anyhow::Result;
use caseward_domain::clock::{Clock, SystemClock};
use caseward_domain::config::Configuration;
use caseward_domain::user::{Role, UserId};
use caseward_store::{NewTeam, NewUser, Store, User};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Case workers a supervisor's team holds.
pub const TEAM_SIZE: u32 = 10;

/// Make the staff for `workers` case workers; `password_hash` is the PHC string every new user
/// gets (hashed once: thousands of users, one password).
pub async fn ensure_staff(store: &Arc<dyn Store>, workers: u32, password_hash: &str) -> Result<()> {
    let mut by_name: BTreeMap<String, User> = store
        .list_users()
        .await?
        .into_iter()
        .map(|u| (u.username.clone(), u))
        .collect();
    let mut ensure = async |name: String, display: String, role: Role| -> Result<UserId> {
        if let Some(user) = by_name.get(&name) {
            return Ok(user.id);
        }
        let user = store
            .create_user(NewUser {
                id: uuid::Uuid::now_v7(),
                username: name.clone(),
                display_name: display,
                role,
                agency: None,
                password_hash: password_hash.to_string(),
                audit: Vec::new(),
                now: SystemClock.now(),
            })
            .await?;
        let id = user.id;
        by_name.insert(name, user);
        Ok(id)
    };
    let mut staff = Vec::new();
    for n in 1..=workers {
        staff.push(
            ensure(
                format!("worker{n}"),
                format!("Case worker {n}"),
                Role::CASE_WORKER,
            )
            .await?,
        );
    }
    let mut supervisors = Vec::new();
    for team in 1..=workers.div_ceil(TEAM_SIZE) {
        supervisors.push(
            ensure(
                format!("supervisor{team}"),
                format!("Supervisor {team}"),
                Role::SUPERVISOR,
            )
            .await?,
        );
    }
    ensure(
        "manager1".into(),
        "Programme manager".into(),
        Role::PROGRAMME_MANAGER,
    )
    .await?;
    // A worker already in a team (a demo instance's) stays where they are.
    let teams = store.list_teams().await?;
    let placed: std::collections::BTreeSet<UserId> = teams
        .iter()
        .flat_map(|t| t.team.members.iter().copied())
        .collect();
    let now = SystemClock.now();
    for (index, members) in staff.chunks(TEAM_SIZE as usize).enumerate() {
        let members: Vec<UserId> = members
            .iter()
            .copied()
            .filter(|m| !placed.contains(m))
            .collect();
        if members.is_empty() {
            continue;
        }
        let team = store
            .create_team(NewTeam {
                id: uuid::Uuid::now_v7(),
                name: format!("Field team {}", index + 1),
                supervisor: Some(supervisors[index]),
                case_types: Default::default(),
                audit: Vec::new(),
                now,
            })
            .await?;
        for member in members {
            store
                .add_team_member(team.team.id, member, &[], now)
                .await?;
        }
    }
    Ok(())
}

/// Everyone who may hold cases, each with the supervisor of a team they are in.
pub async fn holders(store: &Arc<dyn Store>, config: &Configuration) -> Result<Vec<Holder>> {
    let teams = store.list_teams().await?;
    let supervisor_of = |worker: UserId| {
        teams
            .iter()
            .find(|t| t.team.members.contains(&worker))
            .and_then(|t| t.team.supervisor)
    };
    Ok(store
        .list_users()
        .await?
        .iter()
        .filter(|u| {
            !u.disabled
                && config
                    .roles
                    .has(&u.role, caseward_domain::access::Permission::HoldCases)
        })
        .map(|u| Holder {
            worker: u.id,
            supervisor: supervisor_of(u.id),
        })
        .collect())
}
