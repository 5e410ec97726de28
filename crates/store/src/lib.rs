//! Caseward's persistence.
//!
//! One trait, [`Store`], with coarse use-case methods that each own their transaction; one
//! implementation per database ([`sqlite`], [`postgres`]), each with its own migrations,
//! numbered alike. The same conformance suite (`tests/conformance.rs`) runs against both.
//!
//! Architecture invariant: database-specific SQL lives only in its backend's module; nothing
//! above this crate sees `sqlx`.

mod access_json;
pub mod attachment_files;
mod audit_links;
pub mod audit_scan;
pub mod audit_verify;
mod care_plans;
mod case_texts;
mod codec;
mod columns;
mod config_versions;
mod consent_codec;
mod document_bytes;
mod error;
mod history_digest;
mod import;
mod location;
pub mod migrations;
mod model;
pub mod postgres;
mod quality_records;
mod row_changes;
pub mod sealing;
pub mod sqlite;
mod team_reads;
pub mod team_records;
#[cfg(feature = "testing")]
pub mod testing;
mod work;

pub use care_plans::{CarePlanDecision, CarePlanRecord, NewCarePlanVersion};
pub use case_texts::is_sealed as is_sealed_text;
pub use config_versions::{
    ConfigSource, ConfigVersionRecord, ConfigVersionSummary, NewConfigVersion,
};
pub use error::StoreError;
pub use import::{ImportedCarePlan, ImportedCase, ImportedNote, ImportedTransition};
pub use location::StoreLocation;
pub use model::*;
pub use quality_records::{
    DiscussionMark, NewPanelDecision, NewQualityReview, NewSupervisionNote, PanelDecisionRecord,
    QualityReviewRecord, SupervisionFilter, SupervisionNoteRecord,
};
pub use work::{AlertRecord, CaseTimelineFacts, Job, JobRecord, NewAlert, NewJob, TimelineFilter};

use async_trait::async_trait;
use caseward_domain::access::consent::Consent;
use caseward_domain::audit::{AuditCheckpoint, AuditEntry, AuditEvent};
use caseward_domain::case::CaseId;
use caseward_domain::config::Intensity;
use caseward_domain::reports::Tally;
use caseward_domain::team::{Team, TeamId};
use caseward_domain::user::{AgencyId, UserId};
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Everything Caseward keeps in its database, as use cases.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Which backend this is (`sqlite` or `postgres`), for logs and health output.
    fn backend(&self) -> &'static str;

    /// The database answers a trivial query.
    async fn ping(&self) -> Result<()>;

    /// Apply every migration not yet applied; safe to call from several nodes at once.
    async fn migrate(&self) -> Result<MigrationReport>;

    /// The migrations applied so far, by number.
    async fn applied_migrations(&self) -> Result<Vec<u32>>;

    // --- configuration versions ---

    /// Add a configuration version after `new.previous` (the newest the change was judged
    /// against), with its audit entries; `Conflict` when another version came first.
    async fn add_config_version(&self, new: NewConfigVersion) -> Result<ConfigVersionSummary>;

    /// Every configuration version without its files, newest first.
    async fn config_versions(&self) -> Result<Vec<ConfigVersionSummary>>;

    /// One version with its files; `None` asks for the newest. `None` when there is none.
    async fn config_version(&self, version: Option<u32>) -> Result<Option<ConfigVersionRecord>>;

    /// Create many cases with their history in one transaction, each as `create_case` writes
    /// it (number, key, assignment, search tokens, dimensions, audit entries) with its moves,
    /// notes and care plan versions, in one multi-row statement a table: all or none, none
    /// read back. For bulk loads and synthetic data; how many were created.
    async fn import_cases(&self, cases: Vec<ImportedCase>) -> Result<u32>;

    /// The time this database takes to insert `rows` rows of random bytes (about a sealed
    /// case's size) into a scratch table, `batch` rows a transaction: the raw batched insert
    /// rate a bulk load is compared with. Needs the right to create a table.
    async fn measure_batched_inserts(&self, rows: u32, batch: u32) -> Result<BatchedInserts>;

    /// The database's size on disk in bytes (SQLite: its pages; PostgreSQL: the database).
    async fn storage_bytes(&self) -> Result<u64>;

    /// Refresh the planner's statistics after a bulk load (PostgreSQL: `VACUUM (ANALYZE)`;
    /// SQLite: `PRAGMA optimize`), so that the first queries after it do not plan from empty
    /// tables, and (PostgreSQL) aggregate counts read indexes only, as they do once autovacuum
    /// has passed: before it, counting a million cases' report dimensions visited the table.
    async fn refresh_statistics(&self) -> Result<()>;

    /// The newest configuration version's number (cheap: every node polls it).
    async fn newest_config_version(&self) -> Result<Option<u32>>;

    /// A case type's case ids after `after`, in id order, at most `limit` (a cursor that
    /// updates do not move).
    async fn case_ids_of_type(
        &self,
        case_type: &str,
        after: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<CaseId>>;

    /// How many cases each case type has at each stage: `(case type, stage, count)`.
    async fn case_usage(&self) -> Result<Vec<(String, String, u64)>>;

    // --- users and sessions ---

    /// Create a user; `Duplicate("username")` if the name is taken.
    async fn create_user(&self, user: NewUser) -> Result<User>;

    async fn user_by_id(&self, id: UserId) -> Result<Option<User>>;

    /// A user and their password hash, for login.
    async fn credentials(&self, username: &str) -> Result<Option<Credentials>>;

    /// Replace a user's password hash (after a parameter upgrade or a password change).
    async fn set_password_hash(&self, id: UserId, hash: &str, now: DateTime<Utc>) -> Result<()>;

    async fn create_session(&self, session: NewSession) -> Result<()>;

    /// The user behind a live session, refreshing its idle timer. Expired, idle or disabled
    /// sessions yield `None` (and are removed).
    async fn session_user(
        &self,
        token_digest: &[u8; 32],
        now: DateTime<Utc>,
        idle_timeout: Duration,
    ) -> Result<Option<Session>>;

    /// [`Store::session_user`] and, when the session is fully logged in, the case `case` with
    /// its access facts ([`Store::case_with_access`]): what a request to read a case begins
    /// with. PostgreSQL reads both in one round trip; a session that does not hold is handled
    /// as `session_user` handles it, and its case is not opened.
    async fn session_and_case(
        &self,
        token_digest: &[u8; 32],
        now: DateTime<Utc>,
        idle_timeout: Duration,
        case: CaseId,
    ) -> Result<Option<SessionCase>> {
        let Some(session) = self.session_user(token_digest, now, idle_timeout).await? else {
            return Ok(None);
        };
        let case = if session.stage == SessionStage::Full {
            self.case_with_access(case).await
        } else {
            Ok(None)
        };
        Ok(Some(SessionCase { session, case }))
    }

    /// Move a session to another stage (after the second factor, or enrolment).
    async fn set_session_stage(&self, token_digest: &[u8; 32], stage: SessionStage) -> Result<()>;

    /// The user's active TOTP secret and last accepted step.
    async fn second_factor(&self, user: UserId) -> Result<Option<SecondFactor>>;

    /// Keep a new TOTP secret awaiting confirmation. Any active second factor stays in force
    /// until [`Store::enable_second_factor`] replaces it.
    async fn set_pending_second_factor(
        &self,
        user: UserId,
        secret: &[u8],
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// The TOTP secret awaiting confirmation, if any.
    async fn pending_second_factor(&self, user: UserId) -> Result<Option<Vec<u8>>>;

    /// Make the pending secret the active second factor, with the step of the confirming code
    /// and fresh recovery code hashes (replacing any earlier ones).
    async fn enable_second_factor(
        &self,
        user: UserId,
        step: i64,
        recovery_hashes: &[Vec<u8>],
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// Record `step` as used if it is later than the last accepted one; false means replay.
    async fn accept_totp_step(&self, user: UserId, step: i64) -> Result<bool>;

    /// The user's unused recovery code hashes.
    async fn recovery_code_hashes(&self, user: UserId) -> Result<Vec<Vec<u8>>>;

    /// Mark a recovery code used; false if it was already used (or never existed).
    async fn use_recovery_code(
        &self,
        user: UserId,
        hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<bool>;

    async fn delete_session(&self, token_digest: &[u8; 32]) -> Result<()>;

    /// The latest lock among `keys` that is still in force at `now`.
    async fn locked_until(
        &self,
        keys: &[String],
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>>;

    /// Count a failed login against `key`; at `limit` failures within `window` the key is
    /// locked for `lockout`. Returns the lock, if one is now in force.
    async fn record_login_failure(
        &self,
        key: &str,
        limit: u32,
        window: Duration,
        lockout: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>>;

    /// Forget the failures counted against `key` (after a successful login).
    async fn clear_login_failures(&self, key: &str) -> Result<()>;

    // --- cases ---

    /// Create a case: assigns its human case number (unique per type code and year) and its
    /// change sequence, in one transaction.
    async fn create_case(&self, case: NewCase) -> Result<CaseRecord>;

    async fn case_by_id(&self, id: CaseId) -> Result<Option<CaseRecord>>;

    /// A case with its access facts, in one round trip (what every read of a case needs).
    async fn case_with_access(&self, id: CaseId) -> Result<Option<(CaseRecord, CaseAccess)>>;

    /// Replace a case's fields if its version is still `expected_version`; otherwise
    /// `Conflict` (or `NotFound`). Bumps version and change sequence.
    async fn update_case(&self, update: CaseUpdate) -> Result<CaseRecord>;

    /// A page of case summaries matching the filter, newest update first.
    async fn list_cases(&self, filter: &CaseFilter) -> Result<Page<CaseSummary>>;

    /// Move a case to another worker if its version is still `expected_version`.
    async fn reassign_case(&self, reassignment: Reassignment) -> Result<CaseRecord>;

    /// The intensities of the user's cases of `case_type` that are not at one of
    /// `terminal_stages`.
    async fn caseload(
        &self,
        user: UserId,
        case_type: &str,
        terminal_stages: &[String],
    ) -> Result<Vec<Intensity>>;

    // --- access: users, teams, shares, field grants, consents ---

    /// Every user, by username.
    async fn list_users(&self) -> Result<Vec<User>>;

    /// Change a user if their version is still the expected one.
    async fn update_user(&self, id: UserId, changes: UserChanges) -> Result<User>;

    /// Append events to the audit trail in a transaction of their own; they are durable when
    /// this returns. Writes record theirs inside their own transaction instead. The events are
    /// taken, not copied: a case read's lists every field it showed.
    async fn append_audit(
        &self,
        events: Vec<AuditEvent>,
        now: DateTime<Utc>,
    ) -> Result<Vec<AuditEntry>>;

    /// Audit entries after `after_seq`, in order, at most `limit` (for `audit verify` and
    /// exports).
    async fn audit_entries(&self, after_seq: i64, limit: u32) -> Result<Vec<AuditEntry>>;

    /// Read the entries after `after_seq` in pages of their canonical bytes and hashes, ahead
    /// of the caller (for `audit verify`); dropping the scan stops the reading.
    fn scan_audit(&self, after_seq: i64) -> audit_scan::AuditScan;

    /// Read the entries there now, checked as [`Store::scan_audit`] checks them, in whichever
    /// order the database reads fastest (for `audit verify`, which puts them in order). It may
    /// leave out entries, which the verifier then reads in order after them. SQLite keeps its
    /// rows in order.
    fn scan_audit_unordered(&self) -> audit_scan::AuditScan {
        self.scan_audit(0)
    }

    /// Rewrap up to `limit` case data keys under the keyring's current master key (rotation);
    /// returns how many. Needs the keyring.
    async fn rewrap_case_keys(&self, limit: u32) -> Result<u32>;

    /// Purge a case (crypto-shredding): destroy its data key and every row about it, leaving
    /// a tombstone and the audit entries; `false` when there is no such case.
    async fn purge_case(
        &self,
        case: CaseId,
        reason: &str,
        audit: &[AuditEvent],
        now: DateTime<Utc>,
    ) -> Result<bool>;

    /// A purged case's tombstone: its case number and when it was purged.
    async fn case_purged(&self, case: CaseId) -> Result<Option<(String, DateTime<Utc>)>>;

    /// Every assignment of a case (opening, reassignments, hand-overs), oldest first.
    async fn case_assignments(&self, case: CaseId) -> Result<Vec<AssignmentRecord>>;

    /// Attach a document to a case: its content is stream-encrypted into the attachments
    /// folder, then its row (name sealed) and `new.audit` commit together. `NotFound` when the
    /// case is gone; `TooLarge` past `new.max_bytes`. Nothing is kept on failure.
    async fn add_attachment(
        &self,
        new: NewAttachment,
        content: attachment_files::Upload<'_>,
    ) -> Result<AttachmentRecord>;

    /// Remove a case's attachment (row and file), its audit entries committed with the row's
    /// removal. `Ok(false)` when there is no such attachment.
    async fn remove_attachment(
        &self,
        case: CaseId,
        id: uuid::Uuid,
        audit: &[AuditEvent],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<bool>;

    /// A case's attachments, oldest first.
    async fn case_attachments(&self, case: CaseId) -> Result<Vec<AttachmentRecord>>;

    /// One attachment of a case, and its content to read chunk by chunk.
    async fn open_attachment(
        &self,
        case: CaseId,
        id: uuid::Uuid,
    ) -> Result<Option<(AttachmentRecord, attachment_files::AttachmentContent)>>;

    /// Bring a case's stored derivatives up to date with the configuration and this version:
    /// replace its search tokens and report dimensions, and seal the free texts of its history
    /// still in clear. Returns how many texts were sealed. `NotFound` for no such case.
    async fn reindex_case(
        &self,
        id: CaseId,
        tokens: &[SearchToken],
        dimensions: &[DimensionValue],
    ) -> Result<u32>;

    /// Write the history digests of cases that have none (an instance upgraded from before
    /// digests): up to `batch` of them, the first after `after` in id order, in one
    /// transaction. Returns the last case written, to continue after; `None` when none is left.
    async fn fill_history_digests(
        &self,
        after: Option<CaseId>,
        batch: u32,
    ) -> Result<Option<CaseId>>;

    /// Add a note to a case (its body sealed), with its audit entries. `NotFound` when the
    /// case is gone.
    async fn add_note(&self, note: NewNote) -> Result<NoteRecord>;

    /// A case's notes, oldest first, their bodies opened.
    async fn case_notes(&self, case: CaseId) -> Result<Vec<NoteRecord>>;

    /// Add a version of a case's care plan (its content sealed), with its audit entries.
    /// `Conflict` when another version was written since the one it was judged against;
    /// `NotFound` when the case does not exist.
    async fn add_care_plan_version(&self, plan: NewCarePlanVersion) -> Result<CarePlanRecord>;

    /// Record a decision on the newest version, if it still waits for one (`Conflict`
    /// otherwise), with its audit entries.
    async fn decide_care_plan(&self, decision: CarePlanDecision) -> Result<CarePlanRecord>;

    /// A case's care plan versions, oldest first, opened.
    async fn care_plans(&self, case: CaseId) -> Result<Vec<CarePlanRecord>>;

    /// The status of a case's newest care plan version, if it has one.
    async fn care_plan_status(
        &self,
        case: CaseId,
    ) -> Result<Option<caseward_domain::care_plan::CarePlanStatus>>;

    // --- background work, alerts, timelines ---

    /// Queue a job; `false` when its `singleton` already has one pending.
    async fn schedule_job(&self, job: NewJob) -> Result<bool>;

    /// Claim up to `limit` due jobs for `node` until `now + lease`, skipping those another node
    /// holds: a job is claimed by one node at a time.
    async fn claim_jobs(
        &self,
        node: &str,
        now: DateTime<Utc>,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<Job>>;

    /// Mark a claimed job done and queue `next` with it; `false` (and nothing queued) when the
    /// node's lease ran out and another node took the job.
    async fn finish_job(
        &self,
        id: uuid::Uuid,
        node: &str,
        now: DateTime<Utc>,
        next: Option<NewJob>,
    ) -> Result<bool>;

    /// Give a claimed job back after a failure, to run again at `retry_at`.
    async fn fail_job(
        &self,
        id: uuid::Uuid,
        node: &str,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<()>;

    /// The jobs of a kind, done or not, oldest first.
    async fn jobs(&self, kind: &str) -> Result<Vec<JobRecord>>;

    /// Record the alerts not recorded yet (one per case, recipient, kind, level and due time),
    /// each new one with its job; how many were new.
    async fn raise_alerts(&self, alerts: Vec<NewAlert>, now: DateTime<Utc>) -> Result<u32>;

    /// A user's alerts, newest first.
    async fn alerts_for(&self, user: UserId, limit: u32) -> Result<Vec<AlertRecord>>;

    async fn alert(&self, id: uuid::Uuid) -> Result<Option<AlertRecord>>;

    /// Mark one of `user`'s alerts read; `NotFound` if it is not theirs.
    async fn mark_alert_read(&self, user: UserId, id: uuid::Uuid, now: DateTime<Utc>)
    -> Result<()>;

    /// Set or remove the address a user's alerts are emailed to.
    async fn set_notification_email(
        &self,
        user: UserId,
        email: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()>;

    async fn notification_email(&self, user: UserId) -> Result<Option<String>>;

    /// The timeline facts of the cases the filter selects, oldest first.
    async fn case_timelines(&self, filter: &TimelineFilter) -> Result<Vec<CaseTimelineFacts>>;

    /// The rows the supervisor's dashboard reads of the cases of the teams `supervisor`
    /// supervises, open or not: each case, and its moves, contacts, care plan versions,
    /// closure reason and emergency marks (a `yes` in one of `emergency_fields`).
    async fn team_records(
        &self,
        supervisor: UserId,
        emergency_fields: &[String],
    ) -> Result<team_records::TeamRecords>;

    /// [`Store::supervised_teams`] and [`Store::team_records`]: what the dashboard reads.
    /// PostgreSQL reads both in one snapshot on one connection (the teams' members agree with
    /// the cases read, and a dashboard waits for the pool once).
    async fn supervised_teams_and_records(
        &self,
        supervisor: UserId,
        emergency_fields: &[String],
    ) -> Result<(Vec<TeamRecord>, team_records::TeamRecords)> {
        let teams = self.supervised_teams(supervisor).await?;
        let records = self.team_records(supervisor, emergency_fields).await?;
        Ok((teams, records))
    }

    // --- quality assurance and supervision ---

    /// Record an inter-agency panel's decision on a case's move (notes sealed), with its audit
    /// entries.
    async fn add_panel_decision(&self, decision: NewPanelDecision) -> Result<PanelDecisionRecord>;

    /// A case's panel decisions, oldest first, opened.
    async fn panel_decisions(&self, case: CaseId) -> Result<Vec<PanelDecisionRecord>>;

    /// Record a supervisor's review of a case (findings sealed), with its audit entries.
    async fn add_quality_review(&self, review: NewQualityReview) -> Result<QualityReviewRecord>;

    /// A case's quality reviews, oldest first, opened.
    async fn quality_reviews(&self, case: CaseId) -> Result<Vec<QualityReviewRecord>>;

    /// Record a supervision note (sealed with the case's key), with its audit entries.
    async fn add_supervision_note(&self, note: NewSupervisionNote)
    -> Result<SupervisionNoteRecord>;

    /// Supervision notes, newest first, opened.
    async fn supervision_notes(
        &self,
        filter: SupervisionFilter,
    ) -> Result<Vec<SupervisionNoteRecord>>;

    /// Mark a case for discussion by `supervisor`, or take the mark away, with audit entries.
    async fn set_discussion_mark(
        &self,
        case: CaseId,
        supervisor: UserId,
        marked: bool,
        audit: &[AuditEvent],
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// Cases marked for discussion, oldest mark first.
    async fn discussion_marks(&self, filter: SupervisionFilter) -> Result<Vec<DiscussionMark>>;

    /// Move a case to another stage, with its history row and audit entries, if it is still at
    /// the version (and stage) the move was judged at (`Conflict` otherwise).
    async fn transition_case(&self, change: CaseTransition) -> Result<CaseRecord>;

    /// A case's moves between stages, oldest first.
    async fn case_transitions(&self, case: CaseId) -> Result<Vec<TransitionRecord>>;

    /// How many cases of a type hold each value of a report dimension (`field`), in value order.
    async fn dimension_counts(&self, case_type: &str, field: &str) -> Result<Vec<DimensionCount>>;

    /// The running tallies of aggregate reports (kept by the database as cases are written):
    /// the non-zero counts of the cases themselves and of the values of `fields`; without
    /// `by_month`, the months added together (each tally's `opened_month` empty).
    async fn report_tallies(&self, fields: &[String], by_month: bool) -> Result<Vec<Tally>>;

    /// Every tally counted afresh from the cases, in the order of [`Store::report_tallies`]:
    /// what the running tallies should hold (a check; it reads every case).
    async fn recount_report_tallies(&self) -> Result<Vec<Tally>>;

    /// How many running tallies differ from a fresh count of the cases; with `repair`, the
    /// fresh count replaces them (a check for operators: it reads every case's row).
    async fn reconcile_report_tallies(&self, repair: bool) -> Result<u64>;

    /// How many case data keys each master key version wraps.
    async fn case_keys_by_master(&self) -> Result<Vec<(u32, i64)>>;

    /// Audit entries matching a filter, newest first.
    async fn search_audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>>;

    /// The audit entries about one case, newest first.
    async fn case_audit(&self, case: CaseId, limit: u32) -> Result<Vec<AuditEntry>>;

    /// The chain's head as recorded: last sequence number and its hash (0 and zeros when empty).
    async fn audit_head(&self) -> Result<(i64, [u8; 32])>;

    /// Record a signed checkpoint of the chain; `false` when one exists at that entry already.
    async fn add_audit_checkpoint(&self, checkpoint: &AuditCheckpoint) -> Result<bool>;

    /// Every recorded checkpoint, in order.
    async fn audit_checkpoints(&self) -> Result<Vec<AuditCheckpoint>>;

    /// What the database knows of the keyring: `(key id, check value)` pairs, never a key.
    async fn keyring_checks(&self) -> Result<Vec<(String, String)>>;

    /// Remember keys' check values; ones already known are kept.
    async fn add_keyring_checks(
        &self,
        checks: &[(String, String)],
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// Every agency, by name.
    async fn list_agencies(&self) -> Result<Vec<Agency>>;

    /// A new agency; a name already taken (ignoring case) is `Duplicate("name")`.
    async fn create_agency(&self, agency: NewAgency) -> Result<Agency>;

    /// Rename an agency, if it is still at `expected_version`.
    async fn rename_agency(
        &self,
        id: AgencyId,
        expected_version: i64,
        name: &str,
        audit: &[AuditEvent],
        now: DateTime<Utc>,
    ) -> Result<Agency>;

    async fn create_team(&self, team: NewTeam) -> Result<TeamRecord>;

    /// Change a team if its version is still `expected_version`; otherwise `Conflict`.
    async fn update_team(
        &self,
        id: TeamId,
        expected_version: i64,
        changes: TeamChanges,
        now: DateTime<Utc>,
    ) -> Result<TeamRecord>;

    /// Every team, by name.
    async fn list_teams(&self) -> Result<Vec<TeamRecord>>;

    async fn add_team_member(
        &self,
        team: TeamId,
        user: UserId,
        audit: &[AuditEvent],
        now: DateTime<Utc>,
    ) -> Result<TeamRecord>;

    async fn remove_team_member(
        &self,
        team: TeamId,
        user: UserId,
        audit: &[AuditEvent],
        now: DateTime<Utc>,
    ) -> Result<TeamRecord>;

    /// The teams `supervisor` supervises, with their people and case types.
    async fn supervised_teams(&self, supervisor: UserId) -> Result<Vec<TeamRecord>>;

    /// The teams a user belongs to.
    async fn teams_of(&self, user: UserId) -> Result<Vec<Team>>;

    /// Shares, field grants, consents and the assigned worker's teams, for the policy.
    async fn case_access(&self, case: CaseId) -> Result<CaseAccess>;

    /// Share a case; `Duplicate("share")` if an active share exists.
    async fn create_share(&self, share: NewShare) -> Result<ShareRecord>;

    /// Grant a field; `Duplicate("field grant")` if an active grant exists.
    async fn create_field_grant(&self, grant: NewFieldGrant) -> Result<FieldGrantRecord>;

    /// End an active share (`field_id: None`) or field grant; `NotFound` if there is none.
    async fn revoke(&self, revocation: Revocation) -> Result<()>;

    async fn record_consent(
        &self,
        case: CaseId,
        consent: Consent,
        audit: &[AuditEvent],
        now: DateTime<Utc>,
    ) -> Result<ConsentRecord>;

    /// Withdraw an active consent; `NotFound` if there is no such active consent on the case.
    async fn withdraw_consent(&self, withdrawal: ConsentWithdrawal) -> Result<ConsentRecord>;
}

/// Open (and migrate) the store at `location`.
pub async fn open(location: &StoreLocation, options: &OpenOptions) -> Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> = match location {
        StoreLocation::Sqlite(dir) => Arc::new(sqlite::SqliteStore::open(dir, options).await?),
        StoreLocation::Postgres(url) => {
            Arc::new(postgres::PostgresStore::open(url, options).await?)
        }
    };
    if options.migrate {
        store.migrate().await?;
    }
    Ok(store)
}

/// How to open a store.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Create the SQLite data folder if missing.
    pub create: bool,
    /// Apply pending migrations on open.
    pub migrate: bool,
    /// Connections in the pool (PostgreSQL; readers on SQLite).
    pub max_connections: u32,
    /// The keyring, for case content; without it, case content can be neither written nor
    /// read (`StoreError::NoKeyring`).
    pub keyring: Option<Arc<caseward_crypto::Keyring>>,
    /// The file the keyring came from: read again when it changes (a key rotation).
    pub keyring_file: Option<std::path::PathBuf>,
    /// The folder of attachment files (default on SQLite: `attachments` in the data folder;
    /// PostgreSQL has none unless given, and refuses attachments).
    pub attachments: Option<std::path::PathBuf>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            create: false,
            migrate: true,
            max_connections: 8,
            keyring: None,
            keyring_file: None,
            attachments: None,
        }
    }
}
