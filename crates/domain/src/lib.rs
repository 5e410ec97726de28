//! Pure domain rules of Caseward.
//!
//! Architecture invariant: this crate performs no I/O. It does not read files, open sockets,
//! look at the system clock directly (see [`clock::Clock`]) or know about HTTP and JSON.
//! Configuration arrives as text with a file name, and leaves as a validated
//! [`config::Configuration`] or a list of [`config::ConfigError`]s naming file, line and key.

pub mod access;
pub mod attachment;
pub mod audit;
pub mod calendar;
pub mod care_plan;
pub mod case;
pub mod clock;
pub mod config;
pub mod deadlines;
pub mod dimensions;
pub mod i18n;
pub mod note;
pub mod quality;
pub mod reports;
pub mod sampling;
pub mod synthetic;
pub mod synthetic_history;
pub mod team;
pub mod throttle;
pub mod user;
pub mod validate;
pub mod workflow;
pub mod xlsform;
