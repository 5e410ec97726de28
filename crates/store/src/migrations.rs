//! Embedded, append-only migrations, numbered alike for both databases.
//!
//! A migration, once released, is never edited: a change is a new migration with the next
//! number, written for both databases. `tests/migrations.rs` checks the two lists match.

/// One migration: its number, name and SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub number: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! migrations {
    ($dir:literal: $($number:literal $name:literal),* $(,)?) => {
        &[$(Migration {
            number: $number,
            name: $name,
            sql: include_str!(concat!("../migrations/", $dir, "/", stringify!($number), "_", $name, ".sql")),
        }),*]
    };
}

// File names are `NNNN_name.sql`; the literal numbers below keep their leading zeros.
#[allow(clippy::zero_prefixed_literal)]
pub const SQLITE: &[Migration] = migrations!("sqlite": 0001 "initial", 0002 "access", 0003 "authentication", 0004 "assignments", 0005 "pending_second_factor", 0006 "consent_override", 0007 "agencies", 0008 "audit", 0009 "checkpoints", 0010 "case_keys", 0011 "purges", 0012 "application_role", 0013 "search_tokens", 0014 "dimensions", 0015 "attachments", 0016 "transitions", 0017 "notes", 0018 "care_plans", 0019 "jobs_and_alerts", 0020 "quality_and_supervision", 0021 "panel_decisions", 0022 "planned_contacts", 0023 "config_versions", 0024 "case_contents", 0025 "covering_indexes", 0026 "report_tallies", 0027 "history_digests", 0028 "access_facts", 0029 "facts_refresh_plans", 0030 "inline_case_contents");
#[allow(clippy::zero_prefixed_literal)]
pub const POSTGRES: &[Migration] = migrations!("postgres": 0001 "initial", 0002 "access", 0003 "authentication", 0004 "assignments", 0005 "pending_second_factor", 0006 "consent_override", 0007 "agencies", 0008 "audit", 0009 "checkpoints", 0010 "case_keys", 0011 "purges", 0012 "application_role", 0013 "search_tokens", 0014 "dimensions", 0015 "attachments", 0016 "transitions", 0017 "notes", 0018 "care_plans", 0019 "jobs_and_alerts", 0020 "quality_and_supervision", 0021 "panel_decisions", 0022 "planned_contacts", 0023 "config_versions", 0024 "case_contents", 0025 "covering_indexes", 0026 "report_tallies", 0027 "history_digests", 0028 "access_facts", 0029 "facts_refresh_plans", 0030 "inline_case_contents");
