//! Who the sessions are: how many case-worker and supervisor sessions a mix has, and which
//! user each logs in as (users are shared round-robin: `worker1..workerK`,
//! `supervisor1..supervisorS`; the reports mix logs every session in as `manager1`).

use anyhow::{Result, bail};
use clap::ValueEnum;
use serde::Serialize;

/// What the sessions do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mix {
    /// ~90 % case workers listing (35 %), opening (45 %) and editing (20 %) cases, ~10 %
    /// supervisors loading the dashboard.
    Realistic,
    /// Every session opens its worker's cases (audited reads).
    Reads,
    /// Every session edits its worker's cases.
    Updates,
    /// Every session loads a supervisor's dashboard.
    Dashboard,
    /// Every session reads aggregate reports as the programme manager (`manager1`): cases by
    /// stage and type, by sex, by age group, by district, by month opened and type.
    Reports,
}

impl Mix {
    pub fn name(self) -> &'static str {
        match self {
            Mix::Realistic => "realistic",
            Mix::Reads => "reads",
            Mix::Updates => "updates",
            Mix::Dashboard => "dashboard",
            Mix::Reports => "reports",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Worker,
    Supervisor,
    Manager,
}

/// One session to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    pub role: Role,
    pub username: String,
    /// Its place among the sessions of the same user (0, 1, ...), and how many that user has.
    pub nth_of_user: usize,
    pub of_user: usize,
}

/// The sessions of `mix`: workers first, then supervisors.
pub fn seats(mix: Mix, sessions: usize, workers: u32, supervisors: u32) -> Result<Vec<Seat>> {
    if sessions == 0 {
        bail!("--sessions: at least 1");
    }
    if mix == Mix::Reports {
        return Ok(group(Role::Manager, "manager", sessions, 1));
    }
    let supervisor_sessions = match mix {
        Mix::Dashboard => sessions,
        Mix::Reports => 0,
        Mix::Reads | Mix::Updates => 0,
        Mix::Realistic if supervisors == 0 || sessions == 1 => 0,
        Mix::Realistic => ((sessions as f64 * 0.1).round() as usize).clamp(1, sessions - 1),
    };
    let worker_sessions = sessions - supervisor_sessions;
    if worker_sessions > 0 && workers == 0 {
        bail!(
            "--workers: the {} mix needs at least one case worker",
            mix.name()
        );
    }
    if supervisor_sessions > 0 && supervisors == 0 {
        bail!(
            "--supervisors: the {} mix needs at least one supervisor",
            mix.name()
        );
    }
    let mut seats = group(Role::Worker, "worker", worker_sessions, workers);
    seats.extend(group(
        Role::Supervisor,
        "supervisor",
        supervisor_sessions,
        supervisors,
    ));
    Ok(seats)
}

fn group(role: Role, prefix: &str, sessions: usize, users: u32) -> Vec<Seat> {
    let users = (users as usize).max(1);
    (0..sessions)
        .map(|i| {
            let user = i % users;
            Seat {
                role,
                username: format!("{prefix}{}", user + 1),
                nth_of_user: i / users,
                of_user: sessions / users + usize::from(user < sessions % users),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(seats: &[Seat]) -> Vec<&str> {
        seats.iter().map(|s| s.username.as_str()).collect()
    }

    #[test]
    fn realistic_is_nine_workers_to_one_supervisor() {
        let fifty = seats(Mix::Realistic, 50, 3, 1).unwrap();
        let supervisors = fifty.iter().filter(|s| s.role == Role::Supervisor).count();
        assert_eq!((fifty.len(), supervisors), (50, 5));
        assert_eq!(
            names(&fifty)[..4],
            ["worker1", "worker2", "worker3", "worker1"]
        );
        assert_eq!(fifty[49].username, "supervisor1");
        // worker1 has sessions 0, 3, ..., 42: 15 of the 45.
        assert_eq!((fifty[3].nth_of_user, fifty[3].of_user), (1, 15));
        assert_eq!(fifty[2].of_user, 15);
        let small = seats(Mix::Realistic, 10, 12, 2).unwrap();
        assert_eq!(
            small.iter().filter(|s| s.role == Role::Supervisor).count(),
            1
        );
        assert_eq!(
            seats(Mix::Realistic, 3, 3, 1).unwrap()[2].role,
            Role::Supervisor
        );
        assert!(
            seats(Mix::Realistic, 10, 3, 0)
                .unwrap()
                .iter()
                .all(|s| s.role == Role::Worker)
        );
    }

    #[test]
    fn round_robin_counts() {
        let seats = group(Role::Worker, "worker", 5, 2);
        assert_eq!(
            names(&seats),
            ["worker1", "worker2", "worker1", "worker2", "worker1"]
        );
        let counts: Vec<(usize, usize)> =
            seats.iter().map(|s| (s.nth_of_user, s.of_user)).collect();
        assert_eq!(counts, [(0, 3), (0, 2), (1, 3), (1, 2), (2, 3)]);
    }

    #[test]
    fn single_kind_mixes() {
        assert!(
            seats(Mix::Dashboard, 4, 0, 2)
                .unwrap()
                .iter()
                .all(|s| s.role == Role::Supervisor)
        );
        assert!(
            seats(Mix::Reads, 4, 2, 0)
                .unwrap()
                .iter()
                .all(|s| s.role == Role::Worker)
        );
        assert!(seats(Mix::Dashboard, 4, 3, 0).is_err());
        assert!(seats(Mix::Updates, 4, 0, 1).is_err());
        assert!(seats(Mix::Reads, 0, 1, 1).is_err());
        let managers = seats(Mix::Reports, 3, 0, 0).unwrap();
        assert_eq!(names(&managers), ["manager1", "manager1", "manager1"]);
        assert!(
            managers
                .iter()
                .all(|s| s.role == Role::Manager && s.of_user == 3)
        );
    }
}
