//! Moving a case between stages: the portable SQL of `portable/transitions.rs`.

use super::cases::fetch_record;
use super::next_change_seq;

type BackendStore = super::SqliteStore;
type DbPool = sqlx::SqlitePool;

include!("../portable/transitions.rs");
