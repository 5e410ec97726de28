//! The PostgreSQL backend, for several stateless `caseward serve` nodes sharing one database.
//!
//! Migrations take a transaction-scoped advisory lock so that nodes starting together apply
//! each migration once. The change sequence is a PostgreSQL sequence (gap-tolerant).

mod cases;
mod users;

use crate::migrations::{Migration, POSTGRES};
use crate::{MigrationReport, OpenOptions, Result, StoreError};
use futures_util::TryStreamExt;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// Key of the advisory lock held while migrating ("cwmigr" in ASCII).
const MIGRATION_LOCK: i64 = 0x6377_6d69_6772;

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn open(url: &str, options: &OpenOptions) -> Result<Self> {
        let connect = PgConnectOptions::from_str(url)?.application_name("caseward");
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(connect)
            .await?;
        Ok(Self { pool })
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }

    async fn run_migrations(&self) -> Result<MigrationReport> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                number INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL
            )",
        )
        .execute(&mut *tx)
        .await?;
        let applied: Vec<i32> = sqlx::query_scalar("SELECT number FROM schema_migrations")
            .fetch_all(&mut *tx)
            .await?;
        let mut report = MigrationReport::default();
        for migration in POSTGRES {
            let Migration { number, name, sql } = *migration;
            if applied.contains(&(number as i32)) {
                continue;
            }
            sqlx::Executor::execute_many(&mut *tx, sql)
                .try_collect::<Vec<_>>()
                .await
                .map_err(|e| StoreError::Migration(format!("{number:04}_{name}: {e}")))?;
            sqlx::query(
                "INSERT INTO schema_migrations (number, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(number as i32)
            .bind(name)
            .bind(chrono::Utc::now())
            .execute(&mut *tx)
            .await?;
            report.applied.push(number);
        }
        tx.commit().await?;
        Ok(report)
    }
}

async fn next_change_seq(tx: &mut Transaction<'static, Postgres>) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT nextval('change_seq')")
        .fetch_one(&mut **tx)
        .await?)
}
#[async_trait::async_trait]
impl crate::Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn migrate(&self) -> Result<MigrationReport> {
        self.run_migrations().await
    }

    async fn applied_migrations(&self) -> Result<Vec<u32>> {
        let numbers: Vec<i32> =
            sqlx::query_scalar("SELECT number FROM schema_migrations ORDER BY number")
                .fetch_all(&self.pool)
                .await?;
        Ok(numbers.into_iter().map(|n| n as u32).collect())
    }

    async fn create_user(&self, user: crate::NewUser) -> Result<crate::User> {
        users::create_user(self, user).await
    }

    async fn user_by_id(&self, id: uuid::Uuid) -> Result<Option<crate::User>> {
        users::user_by_id(&self.pool, id).await
    }

    async fn credentials(&self, username: &str) -> Result<Option<crate::Credentials>> {
        users::credentials(&self.pool, username).await
    }

    async fn set_password_hash(
        &self,
        id: uuid::Uuid,
        hash: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        users::set_password_hash(self, id, hash, now).await
    }

    async fn create_session(&self, session: crate::NewSession) -> Result<()> {
        users::create_session(self, session).await
    }

    async fn session_user(
        &self,
        token_digest: &[u8; 32],
        now: chrono::DateTime<chrono::Utc>,
        idle_timeout: chrono::Duration,
    ) -> Result<Option<crate::User>> {
        users::session_user(self, token_digest, now, idle_timeout).await
    }

    async fn delete_session(&self, token_digest: &[u8; 32]) -> Result<()> {
        users::delete_session(self, token_digest).await
    }

    async fn create_case(&self, case: crate::NewCase) -> Result<crate::CaseRecord> {
        cases::create_case(self, case).await
    }

    async fn case_by_id(&self, id: uuid::Uuid) -> Result<Option<crate::CaseRecord>> {
        cases::case_by_id(&self.pool, id).await
    }

    async fn update_case(&self, update: crate::CaseUpdate) -> Result<crate::CaseRecord> {
        cases::update_case(self, update).await
    }

    async fn list_cases(
        &self,
        filter: &crate::CaseFilter,
    ) -> Result<crate::Page<crate::CaseSummary>> {
        cases::list_cases(&self.pool, filter).await
    }
}
