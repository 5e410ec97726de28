//! The second factor and session stages on SQLite: the portable SQL of
//! `portable/second_factor.rs`.

type BackendStore = super::SqliteStore;

include!("../portable/second_factor.rs");
