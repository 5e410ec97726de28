//! The second factor and session stages on PostgreSQL: the portable SQL of
//! `portable/second_factor.rs`.

type BackendStore = super::PostgresStore;

include!("../portable/second_factor.rs");
