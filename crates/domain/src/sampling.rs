//! Case review sampling for quality assurance: a supervisor reviews a few of each worker's
//! cases, chosen at random or because they meet a criterion (newly closed, high intensity,
//! long duration). Pure and reproducible: the caller gives the seed (the server derives one
//! per supervisor and day, so a day's sample stays put).

use crate::config::Intensity;
use chrono::{DateTime, Duration, Utc};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A case closed within this many days is newly closed.
pub const NEWLY_CLOSED_DAYS: i64 = 30;
/// An open case older than this many days has lasted long.
pub const LONG_DURATION_DAYS: i64 = 180;

/// Why a case is offered for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criterion {
    Random,
    NewlyClosed,
    HighIntensity,
    LongDuration,
}

impl Criterion {
    pub const ALL: [Criterion; 4] = [
        Self::Random,
        Self::NewlyClosed,
        Self::HighIntensity,
        Self::LongDuration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Random => "random",
            Self::NewlyClosed => "newly_closed",
            Self::HighIntensity => "high_intensity",
            Self::LongDuration => "long_duration",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// A review's overall finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rating {
    Meets,
    PartlyMeets,
    DoesNotMeet,
}

impl Rating {
    pub const ALL: [Rating; 3] = [Self::Meets, Self::PartlyMeets, Self::DoesNotMeet];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Meets => "meets",
            Self::PartlyMeets => "partly_meets",
            Self::DoesNotMeet => "does_not_meet",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// The longest findings, in characters.
pub const MAX_FINDINGS_CHARS: usize = 5_000;

/// What sampling needs to know of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: Uuid,
    pub worker: Uuid,
    /// The case is in a terminal stage (closed, transferred).
    pub terminal: bool,
    pub intensity: Intensity,
    pub opened_at: DateTime<Utc>,
    /// The last change (for a closed case: about when it closed).
    pub updated_at: DateTime<Utc>,
}

impl Criterion {
    /// Whether a case meets the criterion at `now`.
    pub fn admits(self, case: &Candidate, now: DateTime<Utc>) -> bool {
        match self {
            Self::Random => !case.terminal,
            Self::NewlyClosed => {
                case.terminal && now - case.updated_at <= Duration::days(NEWLY_CLOSED_DAYS)
            }
            Self::HighIntensity => !case.terminal && case.intensity == Intensity::High,
            Self::LongDuration => {
                !case.terminal && now - case.opened_at > Duration::days(LONG_DURATION_DAYS)
            }
        }
    }
}

/// Up to `per_worker` of each worker's cases that meet `criterion`, in a random order fixed by
/// `seed`; workers in id order.
pub fn sample(
    cases: &[Candidate],
    criterion: Criterion,
    per_worker: usize,
    now: DateTime<Utc>,
    seed: u64,
) -> Vec<Uuid> {
    let mut by_worker: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
    for case in cases.iter().filter(|c| criterion.admits(c, now)) {
        by_worker.entry(case.worker).or_default().push(case.id);
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut chosen = Vec::new();
    for (_, mut ids) in by_worker {
        ids.sort();
        ids.shuffle(&mut rng);
        chosen.extend(ids.into_iter().take(per_worker));
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0).unwrap()
    }

    fn case(
        n: u128,
        worker: u128,
        terminal: bool,
        intensity: Intensity,
        age_days: i64,
    ) -> Candidate {
        Candidate {
            id: Uuid::from_u128(n),
            worker: Uuid::from_u128(worker),
            terminal,
            intensity,
            opened_at: now() - Duration::days(age_days),
            updated_at: now() - Duration::days(age_days / 2),
        }
    }

    #[test]
    fn each_criterion_admits_its_cases() {
        let closed = case(1, 1, true, Intensity::Low, 20);
        let old_closed = case(2, 1, true, Intensity::Low, 200);
        let high = case(3, 1, false, Intensity::High, 5);
        let long = case(4, 1, false, Intensity::Medium, 400);
        assert!(Criterion::NewlyClosed.admits(&closed, now()));
        assert!(!Criterion::NewlyClosed.admits(&old_closed, now()));
        assert!(Criterion::HighIntensity.admits(&high, now()));
        assert!(!Criterion::HighIntensity.admits(&long, now()));
        assert!(Criterion::LongDuration.admits(&long, now()));
        assert!(!Criterion::LongDuration.admits(&high, now()));
        assert!(
            !Criterion::Random.admits(&closed, now()),
            "random: open cases"
        );
        for c in Criterion::ALL {
            assert_eq!(Criterion::parse(c.as_str()), Some(c));
        }
        for r in Rating::ALL {
            assert_eq!(Rating::parse(r.as_str()), Some(r));
        }
    }

    #[test]
    fn a_seed_gives_the_same_sample() {
        let cases: Vec<_> = (0..20)
            .map(|n| case(n, n % 2, false, Intensity::Medium, 10))
            .collect();
        let a = sample(&cases, Criterion::Random, 3, now(), 7);
        assert_eq!(a, sample(&cases, Criterion::Random, 3, now(), 7));
        assert_eq!(a.len(), 6, "three of each worker's");
        assert_ne!(a, sample(&cases, Criterion::Random, 3, now(), 8));
    }

    proptest! {
        #[test]
        fn a_sample_takes_at_most_per_worker_admitted_cases_once(
            shapes in proptest::collection::vec((0u128..4, any::<bool>(), 0u8..3, 0i64..500), 0..40),
            per_worker in 0usize..5,
            seed in any::<u64>(),
        ) {
            let cases: Vec<Candidate> = shapes
                .iter()
                .enumerate()
                .map(|(i, (worker, terminal, level, age))| {
                    let intensity = [Intensity::Low, Intensity::Medium, Intensity::High][*level as usize];
                    case(i as u128, *worker, *terminal, intensity, *age)
                })
                .collect();
            for criterion in Criterion::ALL {
                let chosen = sample(&cases, criterion, per_worker, now(), seed);
                let mut unique = chosen.clone();
                unique.sort();
                unique.dedup();
                prop_assert_eq!(unique.len(), chosen.len());
                let mut per: BTreeMap<Uuid, usize> = BTreeMap::new();
                for id in &chosen {
                    let case = cases.iter().find(|c| c.id == *id).unwrap();
                    prop_assert!(criterion.admits(case, now()));
                    *per.entry(case.worker).or_default() += 1;
                }
                prop_assert!(per.values().all(|n| *n <= per_worker));
            }
        }
    }
}
