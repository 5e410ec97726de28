//! The PostgreSQL backend, for several stateless `caseward serve` nodes sharing one database.
//!
//! Migrations take a transaction-scoped advisory lock so that nodes starting together apply
//! each migration once. The change sequence is a PostgreSQL sequence (gap-tolerant).

mod access;
mod agencies;
mod assignments;
mod attachments;
mod audit;
mod audit_scan;
mod baseline;
mod care_plans;
mod case_filter;
mod case_keys;
mod cases;
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

use crate::migrations::{Migration, POSTGRES};
use crate::{MigrationReport, OpenOptions, Result, StoreError};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// Key of the advisory lock held while migrating ("cwmigr" in ASCII).
const MIGRATION_LOCK: i64 = 0x6377_6d69_6772;

pub struct PostgresStore {
    pool: PgPool,
    /// The session-and-case query every case request begins with (`point_reads.rs`).
    point_reads: point_reads::PointReads,
    sealing: Option<crate::sealing::Sealing>,
    attachment_files: Option<crate::attachment_files::AttachmentFiles>,
}

impl PostgresStore {
    pub async fn open(url: &str, options: &OpenOptions) -> Result<Self> {
        let connect = PgConnectOptions::from_str(url)?.application_name("caseward");
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(connect.clone())
            .await?;
        Ok(Self {
            pool,
            point_reads: point_reads::PointReads::new(connect),
            sealing: options
                .keyring
                .clone()
                .map(|k| crate::sealing::Sealing::new(k, options.keyring_file.clone())),
            attachment_files: options
                .attachments
                .clone()
                .map(crate::attachment_files::AttachmentFiles::new),
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
    fn reads(&self) -> &PgPool {
        &self.pool
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
        // A server running as the restricted application role may not create tables: only
        // create this one when it is missing (the owner's first run).
        let exists: Option<String> =
            sqlx::query_scalar("SELECT to_regclass('schema_migrations')::text")
                .fetch_one(&mut *tx)
                .await?;
        if exists.is_none() {
            sqlx::query(
                "CREATE TABLE schema_migrations (
                    number INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL
                )",
            )
            .execute(&mut *tx)
            .await?;
        }
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

/// `count` change sequence numbers at once, in order (a bulk import).
async fn next_change_seqs(
    tx: &mut Transaction<'static, Postgres>,
    count: usize,
) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT nextval('change_seq') FROM generate_series(1, $1)")
            .bind(i64::try_from(count).unwrap_or(i64::MAX))
            .fetch_all(&mut **tx)
            .await?,
    )
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
        cases::case_by_id(&self.pool, self.sealing()?, id).await
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

    async fn reassign_case(&self, reassignment: crate::Reassignment) -> Result<crate::CaseRecord> {
        assignments::reassign_case(self, reassignment).await
    }

    async fn caseload(
        &self,
        user: uuid::Uuid,
        case_type: &str,
        terminal_stages: &[String],
    ) -> Result<Vec<caseward_domain::config::Intensity>> {
        assignments::caseload(&self.pool, user, case_type, terminal_stages).await
    }

    async fn list_users(&self) -> Result<Vec<crate::User>> {
        user_admin::list_users(&self.pool).await
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
        audit::append(self, events, now).await
    }

    fn scan_audit(&self, after_seq: i64) -> crate::audit_scan::AuditScan {
        audit_scan::scan(self.pool.clone(), after_seq)
    }

    fn scan_audit_unordered(&self) -> crate::audit_scan::AuditScan {
        audit_scan::scan_heap(self.pool.clone())
    }

    async fn audit_entries(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<caseward_domain::audit::AuditEntry>> {
        audit::entries_after(&self.pool, after_seq, limit).await
    }

    async fn case_audit(
        &self,
        case: uuid::Uuid,
        limit: u32,
    ) -> Result<Vec<caseward_domain::audit::AuditEntry>> {
        let mut entries = audit::case_entries(&self.pool, case, limit).await?;
        if let Ok(sealing) = self.sealing() {
            audit::open_case_reasons(&self.pool, sealing, case, &mut entries).await?;
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
        audit::checkpoints(&self.pool).await
    }

    async fn keyring_checks(&self) -> Result<Vec<(String, String)>> {
        audit::keyring_checks(&self.pool).await
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
        audit::search(&self.pool, filter).await
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
        attachments::list(&self.pool, self.sealing()?, case).await
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
            &self.pool,
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
        case_keys::purged(&self.pool, case).await
    }

    async fn case_assignments(&self, case: uuid::Uuid) -> Result<Vec<crate::AssignmentRecord>> {
        assignments::load_assignments(&self.pool, self.sealing()?, case).await
    }

    async fn case_with_access(
        &self,
        id: uuid::Uuid,
    ) -> Result<Option<(crate::CaseRecord, crate::CaseAccess)>> {
        cases::case_with_access(&self.pool, self.sealing()?, id).await
    }

    async fn session_and_case(
        &self,
        token_digest: &[u8; 32],
        now: chrono::DateTime<chrono::Utc>,
        idle_timeout: chrono::Duration,
        case: uuid::Uuid,
    ) -> Result<Option<crate::SessionCase>> {
        cases::session_and_case(self, token_digest, now, idle_timeout, case).await
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
        config_versions::list(&self.pool).await
    }

    async fn config_version(
        &self,
        version: Option<u32>,
    ) -> Result<Option<crate::ConfigVersionRecord>> {
        config_versions::get(&self.pool, version).await
    }

    async fn import_cases(&self, cases: Vec<crate::ImportedCase>) -> Result<u32> {
        import::import_cases(self, cases).await
    }

    async fn measure_batched_inserts(
        &self,
        rows: u32,
        batch: u32,
    ) -> Result<crate::BatchedInserts> {
        baseline::measure(&self.pool, rows, batch.max(1)).await
    }

    async fn storage_bytes(&self) -> Result<u64> {
        baseline::storage_bytes(&mut *self.pool.acquire().await?).await
    }

    async fn refresh_statistics(&self) -> Result<()> {
        sqlx::query("VACUUM (ANALYZE)").execute(&self.pool).await?;
        Ok(())
    }

    async fn newest_config_version(&self) -> Result<Option<u32>> {
        config_versions::newest(&self.pool).await
    }

    async fn case_ids_of_type(
        &self,
        case_type: &str,
        after: Option<uuid::Uuid>,
        limit: u32,
    ) -> Result<Vec<uuid::Uuid>> {
        config_versions::case_ids(&self.pool, case_type, after, limit).await
    }

    async fn case_usage(&self) -> Result<Vec<(String, String, u64)>> {
        config_versions::usage(&self.pool).await
    }

    async fn case_notes(&self, case: uuid::Uuid) -> Result<Vec<crate::NoteRecord>> {
        notes::list(&self.pool, self.sealing()?, case).await
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
        care_plans::list(&self.pool, self.sealing()?, case).await
    }

    async fn care_plan_status(
        &self,
        case: uuid::Uuid,
    ) -> Result<Option<caseward_domain::care_plan::CarePlanStatus>> {
        care_plans::newest_status(&self.pool, case).await
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
        work::jobs(&self.pool, kind).await
    }

    async fn raise_alerts(&self, alerts: Vec<crate::NewAlert>, now: DateTime<Utc>) -> Result<u32> {
        work::raise_alerts(self, alerts, now).await
    }

    async fn alerts_for(&self, user: uuid::Uuid, limit: u32) -> Result<Vec<crate::AlertRecord>> {
        work::alerts_for(&self.pool, user, limit).await
    }

    async fn alert(&self, id: uuid::Uuid) -> Result<Option<crate::AlertRecord>> {
        work::alert(&self.pool, id).await
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
        work::email(&self.pool, user).await
    }

    async fn case_timelines(
        &self,
        filter: &crate::TimelineFilter,
    ) -> Result<Vec<crate::CaseTimelineFacts>> {
        work::timelines(&self.pool, filter).await
    }

    async fn team_records(
        &self,
        supervisor: uuid::Uuid,
        emergency_fields: &[String],
    ) -> Result<crate::team_records::TeamRecords> {
        supervision::team_records(&self.pool, supervisor, emergency_fields).await
    }

    async fn supervised_teams_and_records(
        &self,
        supervisor: uuid::Uuid,
        emergency_fields: &[String],
    ) -> Result<(Vec<crate::TeamRecord>, crate::team_records::TeamRecords)> {
        supervision::teams_and_records(&self.pool, supervisor, emergency_fields).await
    }

    async fn add_panel_decision(
        &self,
        decision: crate::NewPanelDecision,
    ) -> Result<crate::PanelDecisionRecord> {
        quality::add_panel_decision(self, decision).await
    }

    async fn panel_decisions(&self, case: uuid::Uuid) -> Result<Vec<crate::PanelDecisionRecord>> {
        quality::panel_decisions(&self.pool, self.sealing()?, case).await
    }

    async fn add_quality_review(
        &self,
        review: crate::NewQualityReview,
    ) -> Result<crate::QualityReviewRecord> {
        quality::add_review(self, review).await
    }

    async fn quality_reviews(&self, case: uuid::Uuid) -> Result<Vec<crate::QualityReviewRecord>> {
        quality::reviews(&self.pool, self.sealing()?, case).await
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
        quality::notes(&self.pool, self.sealing()?, filter).await
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
        quality::marks(&self.pool, filter).await
    }

    async fn transition_case(&self, change: crate::CaseTransition) -> Result<crate::CaseRecord> {
        transitions::transition(self, change).await
    }

    async fn case_transitions(&self, case: uuid::Uuid) -> Result<Vec<crate::TransitionRecord>> {
        transitions::history(&self.pool, self.sealing()?, case).await
    }

    async fn dimension_counts(
        &self,
        case_type: &str,
        field: &str,
    ) -> Result<Vec<crate::DimensionCount>> {
        dimensions::counts(&self.pool, case_type, field).await
    }

    async fn report_tallies(
        &self,
        fields: &[String],
        by_month: bool,
    ) -> Result<Vec<caseward_domain::reports::Tally>> {
        reports::tallies(&self.pool, fields, by_month).await
    }

    async fn recount_report_tallies(&self) -> Result<Vec<caseward_domain::reports::Tally>> {
        reports::recount(&self.pool).await
    }

    async fn reconcile_report_tallies(&self, repair: bool) -> Result<u64> {
        reports::reconcile(self, repair).await
    }

    async fn case_keys_by_master(&self) -> Result<Vec<(u32, i64)>> {
        case_keys::by_master(&self.pool).await
    }

    async fn audit_head(&self) -> Result<(i64, [u8; 32])> {
        audit::head(&self.pool).await
    }

    async fn list_agencies(&self) -> Result<Vec<crate::Agency>> {
        agencies::list_agencies(&self.pool).await
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
        access::list_teams(&self.pool).await
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
        access::supervised_teams(&self.pool, supervisor).await
    }

    async fn teams_of(&self, user: uuid::Uuid) -> Result<Vec<caseward_domain::team::Team>> {
        access::teams_of(&self.pool, user).await
    }

    async fn case_access(&self, case: uuid::Uuid) -> Result<crate::CaseAccess> {
        access::case_access_at_once(&self.pool, self.sealing()?, case).await
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
