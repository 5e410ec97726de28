//! `caseward demo`: a ready-to-try instance with demo users and synthetic cases.
//!
//! Reuses the instance if it exists: users that exist are left as they are and cases are only
//! created in an instance that has none.

use crate::configuration::active_configuration;
use crate::serve::{open_keyed, open_store, password_hasher, run_server, start_logging};
use crate::settings::Settings;
use anyhow::{Result, bail};
use caseward_crypto::Password;
use caseward_domain::clock::{Clock, SystemClock};
use caseward_domain::user::{Role, check_new_password};
use caseward_store::{CaseFilter, NewAgency, NewTeam, NewUser, Store, User, UserChanges};
use std::sync::Arc;

/// The demo users: username, display name, role.
pub const DEMO_USERS: &[(&str, &str, Role)] = &[
    ("worker1", "Amani Okello", Role::CASE_WORKER),
    ("worker2", "Leila Haddad", Role::CASE_WORKER),
    ("worker3", "Jean-Paul Mbeki", Role::CASE_WORKER),
    ("supervisor1", "Grace Mensah", Role::SUPERVISOR),
    ("supervisor2", "Omar Farah", Role::SUPERVISOR),
    ("manager1", "Sofia Lindqvist", Role::PROGRAMME_MANAGER),
    ("admin1", "Tomás Herrera", Role::SYSTEM_ADMINISTRATOR),
    ("auditor1", "Nadia Rahman", Role::AUDITOR),
];

/// Seed for the synthetic cases, so every demo instance holds the same cases.
const DEMO_SEED: u64 = 2026;

pub async fn demo(settings: &Settings, password: Password, cases: u32, mfa: bool) -> Result<()> {
    // Demo users log in with the password alone unless `--mfa` asks for the usual policy.
    let mut settings = settings.clone();
    if !mfa {
        settings.mfa_required_roles = Some(Vec::new());
    }
    let settings = &settings;
    start_logging(settings);
    if let Err(error) = check_new_password(password.char_count()) {
        bail!("--demo-password: {error}");
    }
    let plain = open_store(settings, true).await?;
    let config = active_configuration(settings, plain.as_ref()).await?;
    if plain.keyring_checks().await?.is_empty() && !settings.keyring_path().exists() {
        crate::keys::create(settings, &plain).await?;
        println!(
            "Created the demo's keyring {}.",
            settings.keyring_path().display()
        );
    }
    drop(plain);
    let (store, keyring) = open_keyed(settings).await?;
    let users = ensure_users(settings, &store, password).await?;
    ensure_teams(&store, &users).await?;
    ensure_agencies(&store, &users).await?;
    let existing = store
        .list_cases(&CaseFilter {
            page: 1,
            per_page: 1,
            ..CaseFilter::default()
        })
        .await?
        .total;
    if existing == 0 {
        let workers: Vec<&User> = users
            .iter()
            .filter(|u| u.role == Role::CASE_WORKER)
            .collect();
        let made = seed_cases(&config, &keyring, &store, &workers, cases).await?;
        println!("Created {made} synthetic cases.");
    } else {
        println!(
            "Reusing the instance in the {} ({existing} cases).",
            settings.store
        );
    }
    let names: Vec<&str> = DEMO_USERS.iter().map(|(name, _, _)| *name).collect();
    run_server(settings, store, keyring, |url| {
        println!();
        println!("Caseward demo is running. Open {url} in a browser.");
        println!(
            "Log in as one of: {} — with the password given to --demo-password.",
            names.join(", ")
        );
        println!("Team A: supervisor1 supervises worker1 and worker2; team B: supervisor2 supervises worker3.");
        println!("Agencies: Hope Protection Network (team A, manager1, admin1) and Safe Haven Shelter (team B).");
        println!("Every worker holds cases of all three types. Stop with Ctrl-C.");
    })
    .await
}

/// Team A: supervisor1 with worker1 and worker2; team B: supervisor2 with worker3. Both handle
/// every case type.
async fn ensure_teams(store: &Arc<dyn Store>, users: &[User]) -> Result<()> {
    if !store.list_teams().await?.is_empty() {
        return Ok(());
    }
    let id_of = |name: &str| users.iter().find(|u| u.username == name).map(|u| u.id);
    let now = SystemClock.now();
    for (team, supervisor, members) in [
        ("Team A", "supervisor1", &["worker1", "worker2"][..]),
        ("Team B", "supervisor2", &["worker3"][..]),
    ] {
        let created = store
            .create_team(NewTeam {
                id: uuid::Uuid::now_v7(),
                name: team.into(),
                supervisor: id_of(supervisor),
                case_types: Default::default(),
                audit: Vec::new(),
                now,
            })
            .await?;
        for member in members {
            if let Some(id) = id_of(member) {
                store.add_team_member(created.team.id, id, &[], now).await?;
            }
        }
    }
    Ok(())
}

/// Two agencies share the demo instance: team A's people and the manager and administrator
/// work for the first, team B's for the second.
async fn ensure_agencies(store: &Arc<dyn Store>, users: &[User]) -> Result<()> {
    if !store.list_agencies().await?.is_empty() {
        return Ok(());
    }
    let now = SystemClock.now();
    for (name, staff) in [
        (
            "Hope Protection Network",
            &["worker1", "worker2", "supervisor1", "manager1", "admin1"][..],
        ),
        ("Safe Haven Shelter", &["worker3", "supervisor2"][..]),
    ] {
        let agency = store
            .create_agency(NewAgency {
                id: uuid::Uuid::now_v7(),
                name: name.into(),
                audit: Vec::new(),
                now,
            })
            .await?;
        for user in users
            .iter()
            .filter(|u| staff.contains(&u.username.as_str()))
        {
            store
                .update_user(
                    user.id,
                    UserChanges {
                        expected_version: user.version,
                        display_name: None,
                        role: None,
                        agency: Some(Some(agency.id)),
                        disabled: None,
                        audit: Vec::new(),
                        now,
                    },
                )
                .await?;
        }
    }
    Ok(())
}

async fn ensure_users(
    settings: &Settings,
    store: &Arc<dyn Store>,
    password: Password,
) -> Result<Vec<User>> {
    let hasher = password_hasher(settings)?;
    let hash = tokio::task::spawn_blocking(move || hasher.hash(&password)).await??;
    let mut users = Vec::new();
    for (username, display_name, role) in DEMO_USERS {
        let user = match store.credentials(username).await? {
            Some(found) => found.user,
            None => {
                store
                    .create_user(NewUser {
                        id: uuid::Uuid::now_v7(),
                        username: (*username).into(),
                        display_name: (*display_name).into(),
                        role: role.clone(),
                        agency: None,
                        password_hash: hash.clone(),
                        audit: Vec::new(),
                        now: SystemClock.now(),
                    })
                    .await?
            }
        };
        users.push(user);
    }
    Ok(users)
}

/// Create `count` cases spread over the case types and the workers, opened over the last
/// ten months (the same cases for every demo instance).
pub(crate) async fn seed_cases(
    config: &caseward_domain::config::Configuration,
    keyring: &Arc<caseward_crypto::Keyring>,
    store: &Arc<dyn Store>,
    workers: &[&User],
    count: u32,
) -> Result<u32> {
    let plan = crate::seed::SeedPlan {
        cases: count,
        batch: 100,
        seed: DEMO_SEED,
        progress: false,
    };
    let holders = crate::seed_staff::holders(store, config)
        .await?
        .into_iter()
        .filter(|h| workers.iter().any(|w| w.id == h.worker))
        .collect();
    let report = crate::seed::seed_cases(
        Arc::new(config.clone()),
        keyring.clone(),
        store,
        holders,
        plan,
        SystemClock.now(),
    )
    .await?;
    Ok(report.made)
}
