//! Login throttling on SQLite: the portable SQL of `portable/throttle.rs`.

type BackendStore = super::SqliteStore;

include!("../portable/throttle.rs");
