//! `caseward case tallies`: check the running tallies that aggregate reports read against a
//! fresh count of the cases (every case's row read; seconds to a minute at a million cases),
//! and with `--repair` put the fresh count in their place. The database's triggers keep the
//! tallies in every write, so a difference means something wrote around them (a restore of a
//! partial backup, a hand edit): reports would count wrong until repaired.

use crate::settings::Settings;
use anyhow::{Result, bail};

pub async fn check(settings: &Settings, repair: bool) -> Result<()> {
    let store = crate::serve::open_store(settings, false).await?;
    let differing = store.reconcile_report_tallies(repair).await?;
    match (differing, repair) {
        (0, _) => println!("The report tallies agree with the cases."),
        (n, true) => println!("{n} report tallies differed from the cases; counted afresh."),
        (n, false) => bail!(
            "{n} report tallies differ from the cases: aggregate reports count wrong until \
             `caseward case tallies --repair` counts them afresh"
        ),
    }
    Ok(())
}
