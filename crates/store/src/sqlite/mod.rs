//! The SQLite backend: one data folder, WAL journal, durable (`synchronous = FULL`) commits.
//!
//! Writes go through a pool of one connection so that SQLite never sees two writers from this
//! process (no `SQLITE_BUSY` upgrades); reads use a separate pool and run concurrently with
//! the writer thanks to WAL. Write transactions start with `BEGIN IMMEDIATE`, so another
//! process on the same file waits on the lock instead of failing midway.

mod access;
mod agencies;
mod assignments;
mod attachments;
mod audit;
mod audit_appends;
mod audit_scan;
mod baseline;
mod bulk_reads;
mod care_plans;
mod case_edits;
mod case_filter;
mod case_keys;
mod cases;
mod checkpoints;
mod config_versions;
mod dimensions;
mod history_digests;
mod import;
mod notes;
mod point_reads;
mod quality;
mod reindex;
mod reports;
mod second_factor;
mod supervision;
mod throttle;
mod transitions;
mod user_admin;
mod users;
mod work;
mod write_thread;
mod writer;

use crate::migrations::{Migration, SQLITE};
use crate::{MigrationReport, OpenOptions, Result, StoreError};
pub(crate) use audit_scan::micros_since_epoch;
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::path::Path;
use std::time::Duration;

/// The database file inside a data folder.
pub const DATABASE_FILE: &str = "caseward.db";

pub struct SqliteStore {
    /// The database file, for the audit trail's own reader.
    database_file: std::path::PathBuf,
    reader: SqlitePool,
    /// Sessions and cases read on the calling thread (`point_reads.rs`).
    point_reads: point_reads::PointReads,
    /// The dashboard's reads of thousands of rows, on threads of their own (`bulk_reads.rs`).
    bulk_reads: bulk_reads::BulkReads,
    writer: writer::Writer,
    /// The rusqlite write connection, on a thread of its own: the audit trail's own appends,
    /// and the case edits' batches.
    writes: std::sync::Arc<write_thread::WriteThread>,
    /// Case edits, committed in batches (group commit).
    case_edits: case_edits::EditQueue,
    /// WAL checkpoints, off the writer's path.
    _checkpoints: checkpoints::Checkpoints,
    sealing: Option<crate::sealing::Sealing>,
    attachment_files: Option<crate::attachment_files::AttachmentFiles>,
}

impl SqliteStore {
    pub async fn open(dir: &Path, options: &OpenOptions) -> Result<Self> {
        if !dir.is_dir() {
            if options.create {
                std::fs::create_dir_all(dir)?;
            } else {
                return Err(StoreError::MissingDataDir(dir.display().to_string()));
            }
        }
        let connect = SqliteConnectOptions::new()
            .filename(dir.join(DATABASE_FILE))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory");
        // A connection to a local file does not go stale, so it is not pinged each time it is
        // taken from the pool: each ping is a round trip to the connection's worker thread, as
        // costly as the query it precedes.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            // The one writer keeps 8 MB of pages (SQLite's default is 2 MB): a batch's
            // inserts touch many index pages, which a small cache reads back again and again.
            // (32 MB was no faster once each connection had a page cache of its own, and took
            // the server past 200 MB resident under load.)
            .connect_with(
                connect
                    .clone()
                    .pragma("cache_size", "-8192")
                    .pragma("wal_autocheckpoint", "0")
                    .pragma(
                        "journal_size_limit",
                        checkpoints::WAL_SIZE_LIMIT.to_string(),
                    ),
            )
            .await?;
        let writer = writer::Writer::new(writer);
        let reader = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .test_before_acquire(false)
            .connect_with(connect.read_only(false))
            .await?;
        let sealing = options
            .keyring
            .clone()
            .map(|k| crate::sealing::Sealing::new(k, options.keyring_file.clone()));
        let writes =
            std::sync::Arc::new(write_thread::WriteThread::start(&dir.join(DATABASE_FILE))?);
        Ok(Self {
            database_file: dir.join(DATABASE_FILE),
            point_reads: point_reads::PointReads::new(dir.join(DATABASE_FILE)),
            // One a core. Each connection keeps SQLite's default 2 MiB of pages: a team's
            // cases are scattered over the tables, and no cache of a few MiB would hold the
            // next supervisor's pages.
            bulk_reads: bulk_reads::BulkReads::start(
                &dir.join(DATABASE_FILE),
                std::thread::available_parallelism().map_or(1, |n| n.get()),
            )?,
            reader,
            writes: writes.clone(),
            case_edits: case_edits::EditQueue::start(writer.clone(), writes, sealing.clone()),
            _checkpoints: checkpoints::Checkpoints::start(
                &dir.join(DATABASE_FILE),
                checkpoints::RESTART_AFTER_FRAMES,
            )?,
            writer,
            sealing,
            attachment_files: Some(crate::attachment_files::AttachmentFiles::new(
                options
                    .attachments
                    .clone()
                    .unwrap_or_else(|| dir.join("attachments")),
            )),
        })
    }

    /// The attachments folder; an error without one.
    fn attachment_files(&self) -> Result<&crate::attachment_files::AttachmentFiles> {
        self.attachment_files
            .as_ref()
            .ok_or(StoreError::NoAttachmentFolder)
    }

    /// The sealing of case content; an error without the keyring.
    fn sealing(&self) -> Result<&crate::sealing::Sealing> {
        self.sealing.as_ref().ok_or(StoreError::NoKeyring)
    }

    /// The pool for reads.
    fn reads(&self) -> &SqlitePool {
        &self.reader
    }

    /// Begin a write transaction that holds SQLite's write lock from its first statement.
    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        self.writer.begin().await
    }

    async fn run_migrations(&self) -> Result<MigrationReport> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                number INTEGER PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL
            ) STRICT",
        )
        .execute(&mut *tx)
        .await?;
        let applied: Vec<i64> = sqlx::query_scalar("SELECT number FROM schema_migrations")
            .fetch_all(&mut *tx)
            .await?;
        let mut report = MigrationReport::default();
        for migration in SQLITE {
            let Migration { number, name, sql } = *migration;
            if applied.contains(&i64::from(number)) {
                continue;
            }
            sqlx::Executor::execute_many(&mut *tx, sql)
                .try_collect::<Vec<_>>()
                .await
                .map_err(|e| StoreError::Migration(format!("{number:04}_{name}: {e}")))?;
            sqlx::query(
                "INSERT INTO schema_migrations (number, name, applied_at) VALUES (?, ?, ?)",
            )
            .bind(i64::from(number))
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

/// The next value of the global change sequence, inside a write transaction.
/// `count` change sequence numbers at once, in order (a bulk import).
async fn next_change_seqs(tx: &mut Transaction<'static, Sqlite>, count: usize) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "UPDATE change_counter SET value = value + $1 WHERE id = 1 RETURNING value",
    )
    .bind(i64::try_from(count).unwrap_or(i64::MAX))
    .fetch_one(&mut **tx)
    .await
    .map(|last: i64| (last - count as i64 + 1..=last).collect())?)
}

async fn next_change_seq(tx: &mut Transaction<'static, Sqlite>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value",
    )
    .fetch_one(&mut **tx)
    .await?)
}

#[async_trait::async_trait]
impl crate::Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    async fn migrate(&self) -> Result<MigrationReport> {
        self.run_migrations().await
    }

    async fn applied_migrations(&self) -> Result<Vec<u32>> {
        let numbers: Vec<i64> =
            sqlx::query_scalar("SELECT number FROM schema_migrations ORDER BY number")
                .fetch_all(&self.reader)
                .await?;
        Ok(numbers.into_iter().map(|n| n as u32).collect())
    }

    async fn create_user(&self, user: crate::NewUser) -> Result<crate::User> {
        users::create_user(self, user).await
    }

    async fn user_by_id(&self, id: uuid::Uuid) -> Result<Option<crate::User>> {
        users::user_by_id(&self.reader, id).await
    }

    async fn credentials(&self, username: &str) -> Result<Option<crate::Credentials>> {
        users::credentials(&self.reader, username).await
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
    ) -> Result<Option<crate::Session>> {
        users::session_user(self, token_digest, now, idle_timeout).await
    }

    async fn delete_session(&self, token_digest: &[u8; 32]) -> Result<()> {
        users::delete_session(self, token_digest).await
    }

    async fn create_case(&self, case: crate::NewCase) -> Result<crate::CaseRecord> {
        cases::create_case(self, case).await
    }

    async fn case_by_id(&self, id: uuid::Uuid) -> Result<Option<crate::CaseRecord>> {
        cases::case_by_id(&self.reader, self.sealing()?, id).await
    }

    async fn update_case(&self, update: crate::CaseUpdate) -> Result<crate::CaseRecord> {
        cases::update_case(self, update).await
    }

    async fn list_cases(
        &self,
        filter: &crate::CaseFilter,
    ) -> Result<crate::Page<crate::CaseSummary>> {
        cases::list_cases(&self.reader, filter).await
    }

    async fn reassign_case(&self, reassignment: crate::Reassignment) -> Result<crate::CaseRecord> {
        assignments::reassign_case(self, reassignment).await
    }

    async fn caseload(
        &self,
        user: uuid::Uuid,
        case_type: &str,
        terminal_stages: &[String],
    ) -> Result<Vec<caseward_domain::config::Intensity>> {
        assignments::caseload(&self.reader, user, case_type, terminal_stages).await
    }

    async fn list_users(&self) -> Result<Vec<crate::User>> {
        user_admin::list_users(&self.reader).await
    }

    async fn update_user(
        &self,
        id: uuid::Uuid,
        changes: crate::UserChanges,
    ) -> Result<crate::User> {
        user_admin::update_user(self, id, changes).await
    }

    async fn append_audit(
        &self,
        events: Vec<caseward_domain::audit::AuditEvent>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<caseward_domain::audit::AuditEntry>> {
        crate::audit_links::refuse_case_reasons(&events)?;
        // The sqlx write connection does not begin while the appending thread writes.
        let _turn = self.writer.turn().await;
        let events = events.into_iter().map(|event| (event, now)).collect();
        self.writes
            .run(move |connection| audit_appends::append(connection, events))
            .await
    }

    async fn audit_entries(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<caseward_domain::audit::AuditEntry>> {
        audit::entries_after(&self.reader, after_seq, limit).await
    }

    fn scan_audit(&self, after_seq: i64) -> crate::audit_scan::AuditScan {
        audit_scan::scan(self.database_file.clone(), after_seq)
    }

    async fn case_audit(
        &self,
        case: uuid::Uuid,
        limit: u32,
    ) -> Result<Vec<caseward_domain::audit::AuditEntry>> {
        let mut entries = audit::case_entries(&self.reader, case, limit).await?;
        if let Ok(sealing) = self.sealing() {
            audit::open_case_reasons(&self.reader, sealing, case, &mut entries).await?;
        }
        Ok(entries)
    }

    async fn add_audit_checkpoint(
        &self,
        checkpoint: &caseward_domain::audit::AuditCheckpoint,
    ) -> Result<bool> {
        audit::add_checkpoint(self, checkpoint).await
    }

    async fn audit_checkpoints(&self) -> Result<Vec<caseward_domain::audit::AuditCheckpoint>> {
        audit::checkpoints(&self.reader).await
    }

    async fn keyring_checks(&self) -> Result<Vec<(String, String)>> {
        audit::keyring_checks(&self.reader).await
    }

    async fn add_keyring_checks(
        &self,
        checks: &[(String, String)],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        audit::add_keyring_checks(self, checks, now).await
    }

    async fn search_audit(
        &self,
        filter: &crate::AuditFilter,
    ) -> Result<Vec<caseward_domain::audit::AuditEntry>> {
        audit::search(&self.reader, filter).await
    }

    async fn rewrap_case_keys(&self, limit: u32) -> Result<u32> {
        case_keys::rewrap(self, self.sealing()?, limit).await
    }

    async fn purge_case(
        &self,
        case: uuid::Uuid,
        reason: &str,
        audit: &[caseward_domain::audit::AuditEvent],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool> {
        let purged = case_keys::purge(self, case, reason, audit, now).await?;
        if purged && let Some(files) = &self.attachment_files {
            // The data key is gone, so the files are noise already; remove them too.
            files.remove_case(case).await?;
        }
        Ok(purged)
    }

    async fn add_attachment(
        &self,
        new: crate::NewAttachment,
        content: crate::attachment_files::Upload<'_>,
    ) -> Result<crate::AttachmentRecord> {
        attachments::add(
            self,
            self.sealing()?,
            self.attachment_files()?,
            new,
            content,
        )
        .await
    }

    async fn remove_attachment(
        &self,
        case: uuid::Uuid,
        id: uuid::Uuid,
        audit: &[caseward_domain::audit::AuditEvent],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool> {
        attachments::remove(self, self.attachment_files()?, case, id, audit, now).await
    }

    async fn case_attachments(&self, case: uuid::Uuid) -> Result<Vec<crate::AttachmentRecord>> {
        attachments::list(&self.reader, self.sealing()?, case).await
    }

    async fn open_attachment(
        &self,
        case: uuid::Uuid,
        id: uuid::Uuid,
    ) -> Result<
        Option<(
            crate::AttachmentRecord,
            crate::attachment_files::AttachmentContent,
        )>,
    > {
        attachments::open(
            &self.reader,
            self.sealing()?,
            self.attachment_files()?,
            case,
            id,
        )
        .await
    }

    async fn case_purged(
        &self,
        case: uuid::Uuid,
    ) -> Result<Option<(String, chrono::DateTime<chrono::Utc>)>> {
        case_keys::purged(&self.reader, case).await
    }

    async fn case_assignments(&self, case: uuid::Uuid) -> Result<Vec<crate::AssignmentRecord>> {
        assignments::load_assignments(&self.reader, self.sealing()?, case).await
    }

    async fn case_with_access(
        &self,
        id: uuid::Uuid,
    ) -> Result<Option<(crate::CaseRecord, crate::CaseAccess)>> {
        self.point_reads.case_with_access(self.sealing()?, id)
    }

    async fn reindex_case(
        &self,
        id: uuid::Uuid,
        tokens: &[crate::SearchToken],
        dimensions: &[crate::DimensionValue],
    ) -> Result<u32> {
        reindex::reindex(self, self.sealing()?, id, tokens, dimensions).await
    }

    async fn fill_history_digests(
        &self,
        after: Option<uuid::Uuid>,
        batch: u32,
    ) -> Result<Option<uuid::Uuid>> {
        history_digests::fill_missing(self, after, batch).await
    }

    async fn add_note(&self, note: crate::NewNote) -> Result<crate::NoteRecord> {
        notes::add(self, note).await
    }

    async fn add_config_version(
        &self,
        new: crate::NewConfigVersion,
    ) -> Result<crate::ConfigVersionSummary> {
        config_versions::add(self, new).await
    }

    async fn config_versions(&self) -> Result<Vec<crate::ConfigVersionSummary>> {
        config_versions::list(&self.reader).await
    }

    async fn config_version(
        &self,
        version: Option<u32>,
    ) -> Result<Option<crate::ConfigVersionRecord>> {
        config_versions::get(&self.reader, version).await
    }

    async fn import_cases(&self, cases: Vec<crate::ImportedCase>) -> Result<u32> {
        import::import_cases(self, cases).await
    }

    async fn measure_batched_inserts(
        &self,
        rows: u32,
        batch: u32,
    ) -> Result<crate::BatchedInserts> {
        baseline::measure(&self.writer.pool, rows, batch.max(1)).await
    }

    async fn storage_bytes(&self) -> Result<u64> {
        baseline::storage_bytes(&mut *self.writer.pool.acquire().await?).await
    }

    async fn refresh_statistics(&self) -> Result<()> {
        sqlx::query("PRAGMA optimize")
            .execute(&self.writer.pool)
            .await?;
        Ok(())
    }

    async fn newest_config_version(&self) -> Result<Option<u32>> {
        config_versions::newest(&self.reader).await
    }

    async fn case_ids_of_type(
        &self,
        case_type: &str,
        after: Option<uuid::Uuid>,
        limit: u32,
    ) -> Result<Vec<uuid::Uuid>> {
        config_versions::case_ids(&self.reader, case_type, after, limit).await
    }

    async fn case_usage(&self) -> Result<Vec<(String, String, u64)>> {
        config_versions::usage(&self.reader).await
    }

    async fn case_notes(&self, case: uuid::Uuid) -> Result<Vec<crate::NoteRecord>> {
        notes::list(&self.reader, self.sealing()?, case).await
    }

    async fn add_care_plan_version(
        &self,
        plan: crate::NewCarePlanVersion,
    ) -> Result<crate::CarePlanRecord> {
        care_plans::add(self, plan).await
    }

    async fn decide_care_plan(
        &self,
        decision: crate::CarePlanDecision,
    ) -> Result<crate::CarePlanRecord> {
        care_plans::decide(self, decision).await
    }

    async fn care_plans(&self, case: uuid::Uuid) -> Result<Vec<crate::CarePlanRecord>> {
        care_plans::list(&self.reader, self.sealing()?, case).await
    }

    async fn care_plan_status(
        &self,
        case: uuid::Uuid,
    ) -> Result<Option<caseward_domain::care_plan::CarePlanStatus>> {
        care_plans::newest_status(&self.reader, case).await
    }

    async fn schedule_job(&self, job: crate::NewJob) -> Result<bool> {
        work::schedule(self, job).await
    }

    async fn claim_jobs(
        &self,
        node: &str,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: u32,
    ) -> Result<Vec<crate::Job>> {
        work::claim(self, node, now, lease, limit).await
    }

    async fn finish_job(
        &self,
        id: uuid::Uuid,
        node: &str,
        now: DateTime<Utc>,
        next: Option<crate::NewJob>,
    ) -> Result<bool> {
        work::finish(self, id, node, now, next).await
    }

    async fn fail_job(
        &self,
        id: uuid::Uuid,
        node: &str,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<()> {
        work::fail(self, id, node, error, retry_at).await
    }

    async fn jobs(&self, kind: &str) -> Result<Vec<crate::JobRecord>> {
        work::jobs(&self.reader, kind).await
    }

    async fn raise_alerts(&self, alerts: Vec<crate::NewAlert>, now: DateTime<Utc>) -> Result<u32> {
        work::raise_alerts(self, alerts, now).await
    }

    async fn alerts_for(&self, user: uuid::Uuid, limit: u32) -> Result<Vec<crate::AlertRecord>> {
        work::alerts_for(&self.reader, user, limit).await
    }

    async fn alert(&self, id: uuid::Uuid) -> Result<Option<crate::AlertRecord>> {
        work::alert(&self.reader, id).await
    }

    async fn mark_alert_read(
        &self,
        user: uuid::Uuid,
        id: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<()> {
        work::mark_read(self, user, id, now).await
    }

    async fn set_notification_email(
        &self,
        user: uuid::Uuid,
        email: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        work::set_email(self, user, email, now).await
    }

    async fn notification_email(&self, user: uuid::Uuid) -> Result<Option<String>> {
        work::email(&self.reader, user).await
    }

    async fn case_timelines(
        &self,
        filter: &crate::TimelineFilter,
    ) -> Result<Vec<crate::CaseTimelineFacts>> {
        work::timelines(&self.reader, filter).await
    }

    async fn team_records(
        &self,
        supervisor: uuid::Uuid,
        emergency_fields: &[String],
    ) -> Result<crate::team_records::TeamRecords> {
        let fields = emergency_fields.to_vec();
        self.bulk_reads
            .read(move |connection| supervision::team_records(connection, supervisor, &fields))
            .await
    }

    async fn add_panel_decision(
        &self,
        decision: crate::NewPanelDecision,
    ) -> Result<crate::PanelDecisionRecord> {
        quality::add_panel_decision(self, decision).await
    }

    async fn panel_decisions(&self, case: uuid::Uuid) -> Result<Vec<crate::PanelDecisionRecord>> {
        quality::panel_decisions(&self.reader, self.sealing()?, case).await
    }

    async fn add_quality_review(
        &self,
        review: crate::NewQualityReview,
    ) -> Result<crate::QualityReviewRecord> {
        quality::add_review(self, review).await
    }

    async fn quality_reviews(&self, case: uuid::Uuid) -> Result<Vec<crate::QualityReviewRecord>> {
        quality::reviews(&self.reader, self.sealing()?, case).await
    }

    async fn add_supervision_note(
        &self,
        note: crate::NewSupervisionNote,
    ) -> Result<crate::SupervisionNoteRecord> {
        quality::add_note(self, note).await
    }

    async fn supervision_notes(
        &self,
        filter: crate::SupervisionFilter,
    ) -> Result<Vec<crate::SupervisionNoteRecord>> {
        quality::notes(&self.reader, self.sealing()?, filter).await
    }

    async fn set_discussion_mark(
        &self,
        case: uuid::Uuid,
        supervisor: uuid::Uuid,
        marked: bool,
        audit: &[caseward_domain::audit::AuditEvent],
        now: DateTime<Utc>,
    ) -> Result<()> {
        quality::set_mark(self, case, supervisor, marked, audit, now).await
    }

    async fn discussion_marks(
        &self,
        filter: crate::SupervisionFilter,
    ) -> Result<Vec<crate::DiscussionMark>> {
        quality::marks(&self.reader, filter).await
    }

    async fn transition_case(&self, change: crate::CaseTransition) -> Result<crate::CaseRecord> {
        transitions::transition(self, change).await
    }

    async fn case_transitions(&self, case: uuid::Uuid) -> Result<Vec<crate::TransitionRecord>> {
        transitions::history(&self.reader, self.sealing()?, case).await
    }

    async fn dimension_counts(
        &self,
        case_type: &str,
        field: &str,
    ) -> Result<Vec<crate::DimensionCount>> {
        dimensions::counts(&self.reader, case_type, field).await
    }

    async fn report_tallies(
        &self,
        fields: &[String],
        by_month: bool,
    ) -> Result<Vec<caseward_domain::reports::Tally>> {
        reports::tallies(&self.reader, fields, by_month).await
    }

    async fn recount_report_tallies(&self) -> Result<Vec<caseward_domain::reports::Tally>> {
        reports::recount(&self.reader).await
    }

    async fn reconcile_report_tallies(&self, repair: bool) -> Result<u64> {
        reports::reconcile(self, repair).await
    }

    async fn case_keys_by_master(&self) -> Result<Vec<(u32, i64)>> {
        case_keys::by_master(&self.reader).await
    }

    async fn audit_head(&self) -> Result<(i64, [u8; 32])> {
        audit::head(&self.reader).await
    }

    async fn list_agencies(&self) -> Result<Vec<crate::Agency>> {
        agencies::list_agencies(&self.reader).await
    }

    async fn create_agency(&self, agency: crate::NewAgency) -> Result<crate::Agency> {
        agencies::create_agency(self, agency).await
    }

    async fn rename_agency(
        &self,
        id: uuid::Uuid,
        expected_version: i64,
        name: &str,
        audit: &[caseward_domain::audit::AuditEvent],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::Agency> {
        agencies::rename_agency(self, id, expected_version, name, audit, now).await
    }

    async fn create_team(&self, team: crate::NewTeam) -> Result<crate::TeamRecord> {
        access::create_team(self, team).await
    }

    async fn update_team(
        &self,
        id: uuid::Uuid,
        expected_version: i64,
        changes: crate::TeamChanges,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::TeamRecord> {
        access::update_team(self, id, expected_version, changes, now).await
    }

    async fn list_teams(&self) -> Result<Vec<crate::TeamRecord>> {
        access::list_teams(&self.reader).await
    }

    async fn add_team_member(
        &self,
        team: uuid::Uuid,
        user: uuid::Uuid,
        audit: &[caseward_domain::audit::AuditEvent],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::TeamRecord> {
        access::add_team_member(self, team, user, audit, now).await
    }

    async fn remove_team_member(
        &self,
        team: uuid::Uuid,
        user: uuid::Uuid,
        audit: &[caseward_domain::audit::AuditEvent],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::TeamRecord> {
        access::remove_team_member(self, team, user, audit, now).await
    }

    async fn supervised_teams(&self, supervisor: uuid::Uuid) -> Result<Vec<crate::TeamRecord>> {
        access::supervised_teams(&self.reader, supervisor).await
    }

    async fn teams_of(&self, user: uuid::Uuid) -> Result<Vec<caseward_domain::team::Team>> {
        access::teams_of(&self.reader, user).await
    }

    async fn case_access(&self, case: uuid::Uuid) -> Result<crate::CaseAccess> {
        access::case_access_at_once(&self.reader, self.sealing()?, case).await
    }

    async fn create_share(&self, share: crate::NewShare) -> Result<crate::ShareRecord> {
        access::create_share(self, share).await
    }

    async fn create_field_grant(
        &self,
        grant: crate::NewFieldGrant,
    ) -> Result<crate::FieldGrantRecord> {
        access::create_field_grant(self, grant).await
    }

    async fn revoke(&self, revocation: crate::Revocation) -> Result<()> {
        access::revoke(self, revocation).await
    }

    async fn record_consent(
        &self,
        case: uuid::Uuid,
        consent: caseward_domain::access::consent::Consent,
        audit: &[caseward_domain::audit::AuditEvent],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<crate::ConsentRecord> {
        access::record_consent(self, case, consent, audit, now).await
    }

    async fn withdraw_consent(
        &self,
        withdrawal: crate::ConsentWithdrawal,
    ) -> Result<crate::ConsentRecord> {
        access::withdraw_consent(self, withdrawal).await
    }

    async fn locked_until(
        &self,
        keys: &[String],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        throttle::locked_until(self, keys, now).await
    }

    async fn record_login_failure(
        &self,
        key: &str,
        limit: u32,
        window: chrono::Duration,
        lockout: chrono::Duration,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        throttle::record_login_failure(self, key, limit, window, lockout, now).await
    }

    async fn clear_login_failures(&self, key: &str) -> Result<()> {
        throttle::clear_login_failures(self, key).await
    }

    async fn set_session_stage(
        &self,
        token_digest: &[u8; 32],
        stage: crate::SessionStage,
    ) -> Result<()> {
        second_factor::set_session_stage(self, token_digest, stage).await
    }

    async fn second_factor(&self, user: uuid::Uuid) -> Result<Option<crate::SecondFactor>> {
        second_factor::second_factor(self, user).await
    }

    async fn set_pending_second_factor(
        &self,
        user: uuid::Uuid,
        secret: &[u8],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        second_factor::set_pending_second_factor(self, user, secret, now).await
    }

    async fn pending_second_factor(&self, user: uuid::Uuid) -> Result<Option<Vec<u8>>> {
        second_factor::pending_second_factor(self, user).await
    }

    async fn enable_second_factor(
        &self,
        user: uuid::Uuid,
        step: i64,
        recovery_hashes: &[Vec<u8>],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        second_factor::enable_second_factor(self, user, step, recovery_hashes, now).await
    }

    async fn accept_totp_step(&self, user: uuid::Uuid, step: i64) -> Result<bool> {
        second_factor::accept_totp_step(self, user, step).await
    }

    async fn recovery_code_hashes(&self, user: uuid::Uuid) -> Result<Vec<Vec<u8>>> {
        second_factor::recovery_code_hashes(self, user).await
    }

    async fn use_recovery_code(
        &self,
        user: uuid::Uuid,
        hash: &[u8],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool> {
        second_factor::use_recovery_code(self, user, hash, now).await
    }
}
