// The raw batched insert rate of the database, for comparison with what a use case achieves
// in the same run (`caseward dev seed` reports both): rows of random bytes, about a sealed
// case's size, inserted into a scratch table in transactions of `batch` rows, durably as the
// store writes everything. Portable SQL but the table's types (`BASELINE_TABLE`), included by
// `sqlite/baseline.rs` and `postgres/baseline.rs`.

use crate::Result;
use rand::{RngCore, SeedableRng};
use std::time::Instant;

/// Bytes of each row's payload: about a synthetic case's sealed content.
const PAYLOAD: usize = 1_500;

pub(super) async fn measure(pool: &DbPool, rows: u32, batch: u32) -> Result<crate::BatchedInserts> {
    let mut conn = pool.acquire().await?;
    sqlx::query("DROP TABLE IF EXISTS caseward_insert_baseline")
        .execute(&mut *conn)
        .await?;
    sqlx::query(BASELINE_TABLE).execute(&mut *conn).await?;
    let before = storage_bytes(&mut conn).await?;
    let mut rng = rand::rngs::StdRng::from_entropy();
    let mut payload = vec![0u8; PAYLOAD];
    let started = Instant::now();
    let mut done = 0;
    while done < rows {
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        for _ in 0..batch.min(rows - done) {
            rng.fill_bytes(&mut payload);
            sqlx::query("INSERT INTO caseward_insert_baseline (id, payload) VALUES ($1, $2)")
                .bind(uuid::Uuid::now_v7())
                .bind(&payload)
                .execute(&mut *tx)
                .await?;
            done += 1;
        }
        tx.commit().await?;
    }
    let elapsed = started.elapsed();
    let bytes = storage_bytes(&mut conn).await?.saturating_sub(before);
    sqlx::query("DROP TABLE caseward_insert_baseline")
        .execute(&mut *conn)
        .await?;
    Ok(crate::BatchedInserts { elapsed, bytes })
}

/// The database's size on disk, in bytes.
pub(super) async fn storage_bytes(conn: &mut DbConnection) -> Result<u64> {
    let bytes: i64 = sqlx::query_scalar(STORAGE_BYTES).fetch_one(&mut *conn).await?;
    Ok(u64::try_from(bytes).unwrap_or(0))
}
