//! Caseloads weighted by intensity (OpenSPP): a low-intensity case weighs half a case, a
//! medium one a case, a high one a case and a half. Counted in half-cases to stay exact.

use crate::config::Intensity;

/// A worker's caseload in half-cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Caseload {
    pub half_cases: u32,
}

impl Caseload {
    pub fn of(intensities: impl IntoIterator<Item = Intensity>) -> Self {
        Self {
            half_cases: intensities.into_iter().map(|i| u32::from(i.level())).sum(),
        }
    }

    pub fn with(self, intensity: Intensity) -> Self {
        Self {
            half_cases: self.half_cases + u32::from(intensity.level()),
        }
    }

    /// The weighted number of cases, for display (e.g. 12.5).
    pub fn cases(self) -> f64 {
        f64::from(self.half_cases) / 2.0
    }

    /// How the load stands against the limits (the supervisor's dashboard).
    pub fn against(self, limits: CaseloadLimits) -> LoadStatus {
        if self.half_cases > limits.maximum * 2 {
            LoadStatus::AboveMaximum
        } else if self.half_cases > limits.recommended * 2 {
            LoadStatus::AboveRecommended
        } else {
            LoadStatus::Within
        }
    }
}

/// A current load against the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadStatus {
    Within,
    AboveRecommended,
    AboveMaximum,
}

impl LoadStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Within => "within",
            Self::AboveRecommended => "above_recommended",
            Self::AboveMaximum => "above_maximum",
        }
    }
}

/// Limits in cases: the stricter of the case type's and the worker's own, when set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseloadLimits {
    pub recommended: u32,
    pub maximum: u32,
}

/// The outcome of checking an assignment against the limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CaseloadCheck {
    Within,
    /// Allowed, with a warning in the response and the UI.
    AboveRecommended {
        load: f64,
        recommended: u32,
    },
    /// Refused unless a supervisor overrides it with a recorded reason.
    AboveMaximum {
        load: f64,
        maximum: u32,
    },
}

/// Check giving a worker with `current` load one more case of `intensity`.
pub fn check(current: Caseload, intensity: Intensity, limits: CaseloadLimits) -> CaseloadCheck {
    let after = current.with(intensity);
    if after.half_cases > limits.maximum * 2 {
        CaseloadCheck::AboveMaximum {
            load: after.cases(),
            maximum: limits.maximum,
        }
    } else if after.half_cases > limits.recommended * 2 {
        CaseloadCheck::AboveRecommended {
            load: after.cases(),
            recommended: limits.recommended,
        }
    } else {
        CaseloadCheck::Within
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_stands_against_its_limits() {
        let limits = CaseloadLimits {
            recommended: 1,
            maximum: 2,
        };
        let medium = |n| Caseload::of(std::iter::repeat_n(Intensity::Medium, n));
        assert_eq!(medium(1).against(limits), LoadStatus::Within);
        assert_eq!(medium(2).against(limits), LoadStatus::AboveRecommended);
        assert_eq!(medium(3).against(limits), LoadStatus::AboveMaximum);
        assert_eq!(LoadStatus::AboveMaximum.as_str(), "above_maximum");
    }

    const LIMITS: CaseloadLimits = CaseloadLimits {
        recommended: 2,
        maximum: 3,
    };

    #[test]
    fn intensity_weighs_the_load() {
        let load = Caseload::of([Intensity::Low, Intensity::Medium, Intensity::High]);
        assert_eq!(load.cases(), 3.0);
        assert_eq!(
            check(Caseload::of([Intensity::Medium]), Intensity::Medium, LIMITS),
            CaseloadCheck::Within
        );
        assert_eq!(
            check(
                Caseload::of([Intensity::Medium, Intensity::Medium]),
                Intensity::Low,
                LIMITS
            ),
            CaseloadCheck::AboveRecommended {
                load: 2.5,
                recommended: 2
            }
        );
        assert_eq!(
            check(
                Caseload::of([Intensity::High, Intensity::Medium]),
                Intensity::High,
                LIMITS
            ),
            CaseloadCheck::AboveMaximum {
                load: 4.0,
                maximum: 3
            }
        );
        assert_eq!(
            check(
                Caseload::of([Intensity::High, Intensity::Low]),
                Intensity::Medium,
                LIMITS
            ),
            CaseloadCheck::AboveRecommended {
                load: 3.0,
                recommended: 2
            }
        );
    }
}
