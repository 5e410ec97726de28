//! What each session saw, merged into one report: per operation the successful requests with
//! their latencies, the errors by status, the version conflicts; exact percentiles.

use serde::Serialize;
use std::collections::BTreeMap;

/// An operation kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    List,
    Open,
    Edit,
    Dashboard,
    Report,
}

impl Op {
    pub const ALL: [Op; 5] = [Op::List, Op::Open, Op::Edit, Op::Dashboard, Op::Report];

    pub fn name(self) -> &'static str {
        match self {
            Op::List => "list",
            Op::Open => "open",
            Op::Edit => "edit",
            Op::Dashboard => "dashboard",
            Op::Report => "report",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx.
    Ok,
    /// 409: the case changed since the version the edit was based on.
    Conflict,
    /// Any other status.
    Status(u16),
    /// No answer (connection refused or reset, timeout).
    Transport,
}

/// One operation's figures in one session (or merged).
#[derive(Debug, Default, Clone)]
struct Tally {
    /// Milliseconds, of the successful requests.
    latencies: Vec<f64>,
    conflicts: u64,
    /// By status ("422") or "transport".
    errors: BTreeMap<String, u64>,
}

/// Everything one session recorded in the timed period.
#[derive(Debug, Default, Clone)]
pub struct Recorder {
    tallies: [Tally; 5],
}

impl Recorder {
    pub fn record(&mut self, op: Op, outcome: Outcome, millis: f64) {
        let tally = &mut self.tallies[op.index()];
        match outcome {
            Outcome::Ok => tally.latencies.push(millis),
            Outcome::Conflict => tally.conflicts += 1,
            Outcome::Status(status) => *tally.errors.entry(status.to_string()).or_default() += 1,
            Outcome::Transport => *tally.errors.entry("transport".into()).or_default() += 1,
        }
    }

    /// The last successful `op` answered with a body of an unexpected shape: an error after
    /// all.
    pub fn unparsable(&mut self, op: Op) {
        let tally = &mut self.tallies[op.index()];
        if tally.latencies.pop().is_some() {
            *tally.errors.entry("bad body".into()).or_default() += 1;
        }
    }

    pub fn merge(&mut self, other: Recorder) {
        for (mine, theirs) in self.tallies.iter_mut().zip(other.tallies) {
            mine.latencies.extend(theirs.latencies);
            mine.conflicts += theirs.conflicts;
            for (key, count) in theirs.errors {
                *mine.errors.entry(key).or_default() += count;
            }
        }
    }
}

/// The `q`-quantile (0 to 1) of ascending `sorted` values by the nearest-rank method: the
/// smallest value with at least `q` of the values at or below it. `None` when empty.
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// One row of the report.
#[derive(Debug, Clone, Serialize)]
pub struct OpReport {
    pub op: &'static str,
    /// Successful (2xx) requests.
    pub ok: u64,
    /// Successful requests a second.
    pub rate: f64,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub errors: u64,
    pub errors_by_status: BTreeMap<String, u64>,
    pub conflicts: u64,
}

fn row(op: &'static str, tally: &Tally, seconds: f64) -> OpReport {
    let mut sorted = tally.latencies.clone();
    sorted.sort_by(f64::total_cmp);
    OpReport {
        op,
        ok: sorted.len() as u64,
        rate: sorted.len() as f64 / seconds.max(1e-9),
        p50_ms: percentile(&sorted, 0.50),
        p90_ms: percentile(&sorted, 0.90),
        p99_ms: percentile(&sorted, 0.99),
        max_ms: sorted.last().copied(),
        errors: tally.errors.values().sum(),
        errors_by_status: tally.errors.clone(),
        conflicts: tally.conflicts,
    }
}

/// Per operation kind that saw any request, and the total.
pub fn rows(recorder: &Recorder, seconds: f64) -> (Vec<OpReport>, OpReport) {
    let mut all = Tally::default();
    let mut rows = Vec::new();
    for op in Op::ALL {
        let tally = &recorder.tallies[op.index()];
        if tally.latencies.is_empty() && tally.conflicts == 0 && tally.errors.is_empty() {
            continue;
        }
        rows.push(row(op.name(), tally, seconds));
        all.latencies.extend(&tally.latencies);
        all.conflicts += tally.conflicts;
        for (key, count) in &tally.errors {
            *all.errors.entry(key.clone()).or_default() += count;
        }
    }
    let total = row("total", &all, seconds);
    (rows, total)
}

/// The share of requests that failed, version conflicts left out of both sides.
pub fn failed_fraction(total: &OpReport) -> f64 {
    let answered = total.ok + total.errors;
    if answered == 0 {
        0.0
    } else {
        total.errors as f64 / answered as f64
    }
}

fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:.1}"))
}

/// The table, one line per operation and the total.
pub fn table(rows: &[OpReport], total: &OpReport) -> String {
    let mut out = format!(
        "{:<10} {:>8} {:>9} {:>8} {:>8} {:>8} {:>8} {:>7} {:>9}\n",
        "operation", "ok", "rate/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "conflicts"
    );
    for r in rows.iter().chain(std::iter::once(total)) {
        out.push_str(&format!(
            "{:<10} {:>8} {:>9.1} {:>8} {:>8} {:>8} {:>8} {:>7} {:>9}\n",
            r.op,
            r.ok,
            r.rate,
            ms(r.p50_ms),
            ms(r.p90_ms),
            ms(r.p99_ms),
            ms(r.max_ms),
            r.errors,
            r.conflicts
        ));
    }
    for r in rows {
        if !r.errors_by_status.is_empty() {
            let parts: Vec<String> = r
                .errors_by_status
                .iter()
                .map(|(status, count)| format!("{status} ×{count}"))
                .collect();
            out.push_str(&format!("errors of {}: {}\n", r.op, parts.join(", ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.50), Some(50.0));
        assert_eq!(percentile(&values, 0.90), Some(90.0));
        assert_eq!(percentile(&values, 0.99), Some(99.0));
        assert_eq!(percentile(&values, 1.0), Some(100.0));
        assert_eq!(percentile(&values, 0.0), Some(1.0));
        assert_eq!(percentile(&values, 0.001), Some(1.0));
    }

    #[test]
    fn percentiles_of_few_values() {
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[7.0], 0.99), Some(7.0));
        assert_eq!(percentile(&[1.0, 2.0], 0.5), Some(1.0));
        assert_eq!(percentile(&[1.0, 2.0], 0.51), Some(2.0));
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.99), Some(5.0));
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.5), Some(3.0));
    }

    #[test]
    fn merged_rows_and_failures() {
        let mut a = Recorder::default();
        a.record(Op::Open, Outcome::Ok, 2.0);
        a.record(Op::Open, Outcome::Ok, 4.0);
        a.record(Op::Edit, Outcome::Conflict, 1.0);
        let mut b = Recorder::default();
        b.record(Op::Open, Outcome::Ok, 3.0);
        b.record(Op::Edit, Outcome::Status(422), 1.0);
        b.record(Op::Edit, Outcome::Ok, 9.0);
        b.record(Op::Edit, Outcome::Transport, 1.0);
        a.merge(b);
        let (rows, total) = rows(&a, 2.0);
        let names: Vec<&str> = rows.iter().map(|r| r.op).collect();
        assert_eq!(names, ["open", "edit"]);
        assert_eq!(rows[0].ok, 3);
        assert_eq!(rows[0].rate, 1.5);
        assert_eq!(rows[0].p50_ms, Some(3.0));
        assert_eq!(rows[0].max_ms, Some(4.0));
        assert_eq!(rows[1].errors, 2);
        assert_eq!(rows[1].conflicts, 1);
        assert_eq!(rows[1].errors_by_status["422"], 1);
        assert_eq!(rows[1].errors_by_status["transport"], 1);
        assert_eq!((total.ok, total.errors, total.conflicts), (4, 2, 1));
        assert!((failed_fraction(&total) - 2.0 / 6.0).abs() < 1e-12);
    }
}
