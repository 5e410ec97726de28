//! The server's memory: `VmRSS` from `/proc/PID/status` every 200 ms during the timed period,
//! and `VmHWM` (the peak resident size since the process started) at its end.

use serde::Serialize;
use std::time::Duration;
use tokio::time::Instant;

/// Resident set sizes in MiB.
#[derive(Debug, Clone, Serialize)]
pub struct RssReport {
    pub pid: u32,
    pub samples: u32,
    pub peak_mib: f64,
    pub last_mib: f64,
    /// The process's own high-water mark, since it started (not only this period).
    pub hwm_mib: Option<f64>,
}

/// A `kB` line of `/proc/PID/status` (`VmRSS:   123456 kB`), in KiB.
fn status_kib(status: &str, key: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

fn read(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status_kib(&status, key)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Sample from `from` until `until`; `None` if no sample could be read (no such process).
pub async fn sample(pid: u32, from: Instant, until: Instant) -> Option<RssReport> {
    let mut ticks = tokio::time::interval_at(from, Duration::from_millis(200));
    let (mut samples, mut peak, mut last) = (0u32, 0u64, 0u64);
    loop {
        let tick = ticks.tick().await;
        if tick > until {
            break;
        }
        if let Some(kib) = read(pid, "VmRSS") {
            samples += 1;
            peak = peak.max(kib);
            last = kib;
        }
    }
    (samples > 0).then(|| RssReport {
        pid,
        samples,
        peak_mib: mib(peak),
        last_mib: mib(last),
        hwm_mib: read(pid, "VmHWM").map(mib),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kib_lines() {
        let status = "Name:\tcaseward\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t9\n";
        assert_eq!(status_kib(status, "VmRSS"), Some(102_400));
        assert_eq!(status_kib(status, "VmHWM"), Some(204_800));
        assert_eq!(status_kib(status, "VmSwap"), None);
        assert_eq!(mib(102_400), 100.0);
    }

    #[test]
    fn reads_its_own_process() {
        assert!(read(std::process::id(), "VmRSS").is_some_and(|kib| kib > 0));
    }
}
