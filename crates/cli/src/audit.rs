//! `caseward audit`: checking the audit trail from the command line.

use crate::serve::open_store;
use crate::settings::Settings;
use anyhow::{Result, bail};
use caseward_store::audit_verify::verify_chain;
use std::time::Instant;

/// Verify the whole chain against the recorded head; fail naming the first bad entry.
pub async fn verify(settings: &Settings) -> Result<()> {
    let store = open_store(settings, false).await?;
    let started = Instant::now();
    let verification = verify_chain(store.as_ref()).await?;
    let seconds = started.elapsed().as_secs_f64();
    match verification.first_break {
        None => {
            let rate = verification.verified as f64 / seconds.max(1e-9);
            println!(
                "The audit trail is intact: {} entries verified in {seconds:.2} s ({rate:.0} per second); head {}.",
                verification.verified, verification.head_hash
            );
            Ok(())
        }
        Some(broken) => bail!(
            "the audit trail is broken at entry {}: {broken} ({} earlier entries verified)",
            broken.seq(),
            verification.verified
        ),
    }
}
