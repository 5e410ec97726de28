//! Bulk import: cases with the history they had before they came in (a migration from another
//! system, or synthetic data), written a batch at a time (`Store::import_cases`).
//!
//! Everything a batch needs sealed is sealed here, before its transaction opens: each case's
//! new data key wraps once and then seals the content, the history's texts and the audit
//! reasons, so the transaction holds only multi-row inserts.

use crate::NewCase;
use crate::case_texts::{
    ASSIGNMENT_REASON, CARE_PLAN_COMMENT, CARE_PLAN_CONTENT, NOTE_BODY, TRANSITION_REASON,
};
use crate::sealing::Sealing;
use crate::team_records::{TeamContact, TeamPlanVersion};
use caseward_crypto::envelope::WrappedKey;
use caseward_domain::audit::AuditEvent;
use caseward_domain::care_plan::{CarePlanContent, CarePlanStatus};
use caseward_domain::note::NoteKind;
use caseward_domain::quality::Move;
use caseward_domain::user::UserId;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// A case to import, with its history.
#[derive(Debug, Clone)]
pub struct ImportedCase {
    /// The case as it is now (`now`: when it was opened; `audit`: entries at that time).
    pub case: NewCase,
    /// Its moves between stages, oldest first; the last ends at the case's stage.
    pub transitions: Vec<ImportedTransition>,
    pub notes: Vec<ImportedNote>,
    /// Care plan versions, numbered from 1.
    pub care_plans: Vec<ImportedCarePlan>,
    /// Audit entries of the history, each at its own time.
    pub history_audit: Vec<(AuditEvent, DateTime<Utc>)>,
}

impl ImportedCase {
    /// A case without history.
    pub fn new(case: NewCase) -> Self {
        Self {
            case,
            transitions: Vec::new(),
            notes: Vec::new(),
            care_plans: Vec::new(),
            history_audit: Vec::new(),
        }
    }

    /// The rows its import writes, every table counted: the case, its assignment and key,
    /// its distinct search tokens, dimensions, moves, notes, plan versions and audit entries.
    pub fn rows(&self) -> usize {
        let tokens: std::collections::BTreeSet<_> =
            self.case.search_tokens.iter().map(|t| t.token).collect();
        3 + tokens.len()
            + self.case.dimensions.len()
            + self.transitions.len()
            + self.notes.len()
            + self.care_plans.len()
            + self.case.audit.len()
            + self.history_audit.len()
    }

    /// When the case last changed: its newest move, note or plan, else its opening.
    pub fn updated_at(&self) -> DateTime<Utc> {
        let moves = self.transitions.iter().map(|t| t.at);
        let notes = self.notes.iter().map(|n| n.written_at);
        let plans = self
            .care_plans
            .iter()
            .map(|p| p.decided_at.unwrap_or(p.written_at));
        moves
            .chain(notes)
            .chain(plans)
            .fold(self.case.now, DateTime::max)
    }
}

#[derive(Debug, Clone)]
pub struct ImportedTransition {
    pub id: Uuid,
    pub from: String,
    pub to: String,
    pub by: UserId,
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ImportedNote {
    pub id: Uuid,
    /// `home_visit`, `office_visit`, `phone_call`, `meeting`, `service_delivery` or `other`.
    pub kind: String,
    pub body: String,
    pub confidential: bool,
    pub written_by: UserId,
    pub written_at: DateTime<Utc>,
    pub next_contact_on: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct ImportedCarePlan {
    pub id: Uuid,
    pub version: i64,
    pub status: CarePlanStatus,
    pub content: CarePlanContent,
    pub written_by: UserId,
    pub written_at: DateTime<Utc>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub comment: Option<String>,
}

/// A case ready for its batch's statements: every text sealed with its data key.
#[derive(Debug)]
pub(crate) struct SealedImport {
    pub case: NewCase,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub wrapped: WrappedKey,
    pub content: Vec<u8>,
    pub assignment_id: Uuid,
    pub assignment_reason: String,
    pub transitions: Vec<(ImportedTransition, Option<String>)>,
    pub notes: Vec<(ImportedNote, String)>,
    pub care_plans: Vec<(ImportedCarePlan, String, Option<String>)>,
    /// The case's history digest, made from the history written with it.
    pub history_digest: Vec<u8>,
    /// The case's entries and its history's, in time order, reasons sealed.
    pub audit: Vec<(AuditEvent, DateTime<Utc>)>,
}

/// Why a case was opened, as its first assignment records it.
pub(crate) const OPENED: &str = "case opened";

pub(crate) fn seal(sealing: &Sealing, imported: ImportedCase) -> SealedImport {
    let updated_at = imported.updated_at();
    let ImportedCase {
        mut case,
        transitions,
        notes,
        care_plans,
        history_audit,
    } = imported;
    let version = 1 + i64::try_from(transitions.len()).unwrap_or(0);
    let (wrapped, content, texts) =
        sealing.seal_new_with_texts(case.id, case.config_version, &case.fields);
    let assignment_id = Uuid::now_v7();
    let transitions: Vec<_> = transitions
        .into_iter()
        .map(|t| {
            let reason = texts.seal_opt(TRANSITION_REASON, t.id, t.reason.as_deref());
            (t, reason)
        })
        .collect();
    let notes: Vec<_> = notes
        .into_iter()
        .map(|n| {
            let body = texts.seal(NOTE_BODY, n.id, &n.body);
            (n, body)
        })
        .collect();
    let care_plans = care_plans
        .into_iter()
        .map(|p| {
            let content = texts.seal(
                CARE_PLAN_CONTENT,
                p.id,
                &crate::care_plans::encode(&p.content),
            );
            let comment = texts.seal_opt(CARE_PLAN_COMMENT, p.id, p.comment.as_deref());
            (p, content, comment)
        })
        .collect::<Vec<_>>();
    let history_digest = history_digest(case.id, &transitions, &notes, &care_plans);
    let opened = case.now;
    let mut audit: Vec<(AuditEvent, DateTime<Utc>)> = std::mem::take(&mut case.audit)
        .into_iter()
        .map(|e| (e, opened))
        .chain(history_audit)
        .collect();
    audit.sort_by_key(|(_, at)| *at);
    for (event, _) in &mut audit {
        if crate::case_texts::sealed_reason(event)
            && let Some(reason) = &event.reason
        {
            let (kind, row) = crate::case_texts::reason_place(event);
            event.reason = Some(texts.seal(&kind, row, reason));
        }
    }
    SealedImport {
        assignment_reason: texts.seal(ASSIGNMENT_REASON, assignment_id, OPENED),
        version,
        case,
        updated_at,
        wrapped,
        content,
        assignment_id,
        transitions,
        notes,
        care_plans,
        history_digest,
        audit,
    }
}

/// The digest of the history imported with a case, as `portable/history_digests.rs` would
/// make it from the rows written (notes of kind `other` are no contacts).
fn history_digest(
    case: Uuid,
    transitions: &[(ImportedTransition, Option<String>)],
    notes: &[(ImportedNote, String)],
    care_plans: &[(ImportedCarePlan, String, Option<String>)],
) -> Vec<u8> {
    let moves: Vec<Move> = transitions
        .iter()
        .map(|(t, _)| Move {
            case,
            from: t.from.clone(),
            to: t.to.clone(),
            at: t.at,
        })
        .collect();
    let contacts: Vec<TeamContact> = notes
        .iter()
        .filter(|(n, _)| n.kind != NoteKind::Other.as_str())
        .map(|(n, _)| TeamContact {
            case,
            note: n.id,
            written_at: n.written_at,
            next_contact_on: n.next_contact_on,
        })
        .collect();
    let plans: Vec<TeamPlanVersion> = care_plans
        .iter()
        .map(|(p, _, _)| TeamPlanVersion {
            case,
            version: p.version,
            status: p.status,
            objectives_and_timelines: p.content.has_objectives_and_timelines(),
            written_at: p.written_at,
        })
        .collect();
    crate::history_digest::encode(
        &moves.iter().collect::<Vec<_>>(),
        &contacts.iter().collect::<Vec<_>>(),
        &plans.iter().collect::<Vec<_>>(),
    )
}
