// Login throttling: portable SQL, included by `sqlite/throttle.rs` and
// `postgres/throttle.rs` (see `portable/access.rs`).

use crate::Result;
use chrono::{DateTime, Duration, Utc};

pub(super) async fn locked_until(
    store: &BackendStore,
    keys: &[String],
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let mut latest: Option<DateTime<Utc>> = None;
    for key in keys {
        let until: Option<Option<DateTime<Utc>>> =
            sqlx::query_scalar("SELECT locked_until FROM login_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(store.reads())
                .await?;
        if let Some(Some(until)) = until
            && until > now
        {
            latest = latest.max(Some(until));
        }
    }
    Ok(latest)
}

pub(super) async fn record_login_failure(
    store: &BackendStore,
    key: &str,
    limit: u32,
    window: Duration,
    lockout: Duration,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let mut tx = store.begin_write().await?;
    let cutoff = now - window;
    let failures: i64 = sqlx::query_scalar(
        "INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES ($1, 1, $2, NULL)
         ON CONFLICT (key) DO UPDATE SET
             failures = CASE WHEN login_throttle.window_start < $3 THEN 1 ELSE login_throttle.failures + 1 END,
             window_start = CASE WHEN login_throttle.window_start < $3 THEN $2 ELSE login_throttle.window_start END
         RETURNING CAST(failures AS BIGINT)",
    )
    .bind(key)
    .bind(now)
    .bind(cutoff)
    .fetch_one(&mut *tx)
    .await?;
    let lock = if failures >= i64::from(limit) {
        let until = now + lockout;
        sqlx::query("UPDATE login_throttle SET locked_until = $1, failures = 0, window_start = $2 WHERE key = $3")
            .bind(until)
            .bind(now)
            .bind(key)
            .execute(&mut *tx)
            .await?;
        Some(until)
    } else {
        None
    };
    tx.commit().await?;
    Ok(lock)
}

pub(super) async fn clear_login_failures(store: &BackendStore, key: &str) -> Result<()> {
    let mut tx = store.begin_write().await?;
    sqlx::query("DELETE FROM login_throttle WHERE key = $1 AND (locked_until IS NULL)")
        .bind(key)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
