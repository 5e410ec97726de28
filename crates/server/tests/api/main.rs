//! The HTTP API, end to end over real HTTP, on SQLite and PostgreSQL: one test binary.

#[macro_use]
mod support;

mod access_rules;
mod agencies;
mod at_rest;
mod attachments;
mod audit;
mod audit_table;
mod authorization;
mod canary;
mod care_plans;
mod cases;
mod config_versions;
mod dashboard;
mod deadlines;
mod handover;
mod headers;
mod mfa;
mod notes;
mod reports;
mod roles;
mod search;
mod supervision;
mod throttle;
mod transitions;
mod world;
mod xlsform;
