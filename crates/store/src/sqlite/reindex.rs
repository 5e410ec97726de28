//! Bringing a case's stored derivatives up to date: the portable SQL of `portable/reindex.rs`.

type BackendStore = super::SqliteStore;

include!("../portable/reindex.rs");
