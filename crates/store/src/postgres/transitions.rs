//! Moving a case between stages: the portable SQL of `portable/transitions.rs`.

use super::cases::fetch_record;
use super::next_change_seq;

type BackendStore = super::PostgresStore;
type DbPool = sqlx::PgPool;

include!("../portable/transitions.rs");
