//! Login throttling on PostgreSQL: the portable SQL of `portable/throttle.rs`.

type BackendStore = super::PostgresStore;

include!("../portable/throttle.rs");
