//! Quality assurance and supervision (the seed's "Supervisor Oversight"): a sample of each
//! worker's cases offered for review, the supervisor's review findings kept as a quality
//! record, cases marked for discussion, and supervision notes between one supervisor and one
//! worker that never join the case's record. Only the supervisor of the worker's team
//! reviews, marks and writes (`CaseAction::Supervise`); a review is read by the case's
//! supervisors and its worker; supervision notes by their supervisor and their worker alone.

use crate::audit::RequestInfo;
use crate::case_context::{parse_case_id, parse_user_id, reachable_case, refused};
use crate::cases::{CaseSummaryView, UserRefView};
use crate::extract::{ApiJson, ApiQuery};
use crate::problem::{ApiError, ApiResult, Problem};
use crate::session::CurrentUser;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseward_domain::access::{CaseAction, Permission, relationship};
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::case::new_record_id;
use caseward_domain::sampling::{Candidate, Criterion, MAX_FINDINGS_CHARS, Rating, sample};
use caseward_domain::validate::FieldError;
use caseward_store::{
    CaseFilter, DiscussionMark, NewQualityReview, NewSupervisionNote, QualityReviewRecord,
    SupervisionFilter, SupervisionNoteRecord,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The longest supervision note, in characters.
const MAX_SUPERVISION_NOTE_CHARS: usize = 5_000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SampleQuery {
    /// `random` (the default), `newly_closed`, `high_intensity` or `long_duration`.
    pub criterion: Option<String>,
    /// Cases per worker, 1 to 10 (default 2).
    pub per_worker: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewSample {
    pub criterion: String,
    /// A few of each worker's cases, workers together; the same all day.
    pub items: Vec<CaseSummaryView>,
}

/// A sample of the supervisor's teams' cases to review.
#[utoipa::path(get, path = "/api/v1/reviews/sample", tag = "cases", params(SampleQuery),
    responses((status = 200, body = ReviewSample), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn review_sample(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    ApiQuery(query): ApiQuery<SampleQuery>,
) -> ApiResult<Json<ReviewSample>> {
    if !state.user_can(&user, Permission::ViewTeamCases) {
        let error = ApiError::Forbidden("your role does not review a team's cases".into());
        return Err(refused(
            &state,
            &user,
            &origin,
            AuditAction::ReviewSample,
            None,
            error,
        )
        .await);
    }
    let criterion = match query.criterion.as_deref() {
        None => Criterion::Random,
        Some(text) => Criterion::parse(text).ok_or_else(|| {
            ApiError::BadRequest(
                "criterion: expected random, newly_closed, high_intensity or long_duration".into(),
            )
        })?,
    };
    let per_worker = query.per_worker.unwrap_or(2);
    if !(1..=10).contains(&per_worker) {
        return Err(ApiError::BadRequest(
            "per_worker: must be between 1 and 10".into(),
        ));
    }
    let mut cases = Vec::new();
    for page in 1.. {
        let found = state
            .store
            .list_cases(&CaseFilter {
                supervised_by: Some(user.id),
                page,
                per_page: 500,
                ..CaseFilter::default()
            })
            .await?;
        let last = found.items.len() < 500;
        cases.extend(found.items);
        if last {
            break;
        }
    }
    let now = state.clock.now();
    let candidates: Vec<Candidate> = cases
        .iter()
        .map(|c| Candidate {
            id: c.id,
            worker: c.assigned_to.id,
            terminal: state.config.stage(&c.stage).is_some_and(|s| s.terminal),
            intensity: c.intensity,
            opened_at: c.created_at,
            updated_at: c.updated_at,
        })
        .collect();
    // The same sample all day for one supervisor.
    let seed = (user.id.as_u128() as u64) ^ (now.timestamp() / 86_400) as u64;
    let chosen = sample(&candidates, criterion, per_worker, now, seed);
    let by_id: BTreeMap<Uuid, &caseward_store::CaseSummary> =
        cases.iter().map(|c| (c.id, c)).collect();
    state
        .audit
        .record(vec![AuditEvent {
            fields: chosen.iter().map(Uuid::to_string).collect(),
            ..origin.event(&user, AuditAction::ReviewSample)
        }])
        .await?;
    Ok(Json(ReviewSample {
        criterion: criterion.as_str().into(),
        items: chosen
            .iter()
            .filter_map(|id| by_id.get(id).map(|c| CaseSummaryView::from(*c)))
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QualityReviewView {
    pub id: Uuid,
    pub reviewer: UserRefView,
    /// How the case came to be reviewed.
    pub criterion: String,
    /// `meets`, `partly_meets` or `does_not_meet`.
    pub rating: String,
    pub findings: String,
    pub reviewed_at: DateTime<Utc>,
}

impl From<&QualityReviewRecord> for QualityReviewView {
    fn from(review: &QualityReviewRecord) -> Self {
        Self {
            id: review.id,
            reviewer: UserRefView::from(&review.reviewer),
            criterion: review.criterion.clone(),
            rating: review.rating.clone(),
            findings: review.findings.clone(),
            reviewed_at: review.reviewed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QualityReviewList {
    pub items: Vec<QualityReviewView>,
    /// The user may review the case (and mark it, and write supervision notes about it).
    pub may_supervise: bool,
    /// The user marked the case for discussion.
    pub marked_for_discussion: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QualityReviewRequest {
    /// `random`, `newly_closed`, `high_intensity`, `long_duration` or `chosen` (picked by
    /// the supervisor).
    pub criterion: String,
    pub rating: String,
    pub findings: String,
}

/// A case's quality reviews (its supervisors and its worker).
#[utoipa::path(get, path = "/api/v1/cases/{id}/quality-reviews", tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = QualityReviewList), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_quality_reviews(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
) -> ApiResult<Json<QualityReviewList>> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::QualityReviewList,
        parse_case_id(&id)?,
    )
    .await?;
    let supervises =
        caseward_domain::access::may(context.actor, &context.facts, CaseAction::Supervise);
    if !supervises && !relationship(context.actor, &context.facts).assigned {
        return Err(context
            .refuse(ApiError::Forbidden(
                "a case's quality reviews are for its worker and their supervisor".into(),
            ))
            .await);
    }
    let reviews = state.store.quality_reviews(context.case.summary.id).await?;
    let marked = supervises
        && state
            .store
            .discussion_marks(SupervisionFilter {
                supervisor: Some(user.id),
                worker: None,
            })
            .await?
            .iter()
            .any(|m| m.case_id == context.case.summary.id);
    context
        .record(AuditEvent {
            fields: reviews.iter().map(|r| r.id.to_string()).collect(),
            ..context.event()
        })
        .await?;
    Ok(Json(QualityReviewList {
        items: reviews.iter().map(QualityReviewView::from).collect(),
        may_supervise: supervises,
        marked_for_discussion: marked,
    }))
}

/// Record a review of the case's documentation (the supervisor of its worker's team).
#[utoipa::path(post, path = "/api/v1/cases/{id}/quality-reviews", tag = "cases", request_body = QualityReviewRequest,
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 201, body = QualityReviewView), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_quality_review(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<QualityReviewRequest>,
) -> ApiResult<(StatusCode, Json<QualityReviewView>)> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::QualityReviewCreate,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::Supervise).await?;
    let mut errors = Vec::new();
    if request.criterion != "chosen" && Criterion::parse(&request.criterion).is_none() {
        errors.push(FieldError::new(
            "criterion",
            "unknown_option",
            "expected random, newly_closed, high_intensity, long_duration or chosen",
        ));
    }
    if Rating::parse(&request.rating).is_none() {
        errors.push(FieldError::new(
            "rating",
            "unknown_option",
            "expected meets, partly_meets or does_not_meet",
        ));
    }
    let findings = request.findings.trim();
    if findings.is_empty() {
        errors.push(FieldError::new(
            "findings",
            "required",
            "write the findings",
        ));
    } else if findings.chars().count() > MAX_FINDINGS_CHARS {
        errors.push(FieldError::new(
            "findings",
            "too_long",
            format!("at most {MAX_FINDINGS_CHARS} characters"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let review_id = new_record_id();
    let review = state
        .store
        .add_quality_review(NewQualityReview {
            id: review_id,
            case_id: context.case.summary.id,
            reviewer: user.id,
            criterion: request.criterion.clone(),
            rating: request.rating.clone(),
            findings: findings.to_string(),
            audit: vec![AuditEvent {
                subject: Some(review_id),
                ..context.event()
            }],
            now: state.clock.now(),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(QualityReviewView::from(&review))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscussionRequest {
    /// Mark the case for the next supervision session with its worker, or take the mark away.
    pub marked: bool,
}

/// Mark a case for discussion with its worker, or take the mark away.
#[utoipa::path(put, path = "/api/v1/cases/{id}/discussion", tag = "cases", request_body = DiscussionRequest,
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn mark_for_discussion(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<DiscussionRequest>,
) -> ApiResult<StatusCode> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::DiscussionMark,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::Supervise).await?;
    let event = AuditEvent {
        fields: vec![if request.marked { "marked" } else { "unmarked" }.into()],
        ..context.event()
    };
    state
        .store
        .set_discussion_mark(
            context.case.summary.id,
            user.id,
            request.marked,
            &[event],
            state.clock.now(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupervisionNoteRequest {
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisionNoteView {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_number: String,
    pub supervisor: UserRefView,
    pub worker: UserRefView,
    pub body: String,
    pub written_at: DateTime<Utc>,
}

impl From<&SupervisionNoteRecord> for SupervisionNoteView {
    fn from(note: &SupervisionNoteRecord) -> Self {
        Self {
            id: note.id,
            case_id: note.case_id,
            case_number: note.case_number.clone(),
            supervisor: UserRefView::from(&note.supervisor),
            worker: UserRefView::from(&note.worker),
            body: note.body.clone(),
            written_at: note.written_at,
        }
    }
}

/// Write a supervision note about a case, for its worker and oneself (the supervisor of the
/// worker's team); it is not part of the case's record.
#[utoipa::path(post, path = "/api/v1/cases/{id}/supervision-notes", tag = "cases", request_body = SupervisionNoteRequest,
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 201, body = SupervisionNoteView), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_supervision_note(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<SupervisionNoteRequest>,
) -> ApiResult<(StatusCode, Json<SupervisionNoteView>)> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::SupervisionNoteCreate,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::Supervise).await?;
    let body = request.body.trim();
    if body.is_empty() || body.chars().count() > MAX_SUPERVISION_NOTE_CHARS {
        return Err(ApiError::Validation(vec![FieldError::new(
            "body",
            if body.is_empty() {
                "required"
            } else {
                "too_long"
            },
            format!("write the note, at most {MAX_SUPERVISION_NOTE_CHARS} characters"),
        )]));
    }
    let note_id = new_record_id();
    let note = state
        .store
        .add_supervision_note(NewSupervisionNote {
            id: note_id,
            case_id: context.case.summary.id,
            supervisor: user.id,
            worker: context.case.summary.assigned_to.id,
            body: body.to_string(),
            audit: vec![AuditEvent {
                subject: Some(note_id),
                ..context.event()
            }],
            now: state.clock.now(),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(SupervisionNoteView::from(&note))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SupervisionQuery {
    /// A supervisor's records with one of their workers only.
    pub worker: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiscussionMarkView {
    pub case_id: Uuid,
    pub case_number: String,
    pub worker: UserRefView,
    pub marked_at: DateTime<Utc>,
}

impl From<&DiscussionMark> for DiscussionMarkView {
    fn from(mark: &DiscussionMark) -> Self {
        Self {
            case_id: mark.case_id,
            case_number: mark.case_number.clone(),
            worker: UserRefView::from(&mark.worker),
            marked_at: mark.marked_at,
        }
    }
}

/// The supervision records between the user and their supervisor or their workers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Supervision {
    /// Cases marked for discussion: the user's marks (as a supervisor), and the marks on the
    /// user's own cases (as a worker).
    pub marked: Vec<DiscussionMarkView>,
    /// Notes the user wrote or that were written for them, newest first.
    pub notes: Vec<SupervisionNoteView>,
}

/// The user's supervision records: as a supervisor, theirs with their workers; as a worker,
/// those about them.
#[utoipa::path(get, path = "/api/v1/supervision", tag = "cases", params(SupervisionQuery),
    responses((status = 200, body = Supervision), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn supervision(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    ApiQuery(query): ApiQuery<SupervisionQuery>,
) -> ApiResult<Json<Supervision>> {
    if !state.user_can(&user, Permission::HoldCases) {
        let error = ApiError::Forbidden("your role has no supervision records".into());
        return Err(refused(
            &state,
            &user,
            &origin,
            AuditAction::SupervisionRead,
            None,
            error,
        )
        .await);
    }
    let worker = query.worker.as_deref().map(parse_user_id).transpose()?;
    let as_supervisor = SupervisionFilter {
        supervisor: Some(user.id),
        worker,
    };
    let mut notes = state.store.supervision_notes(as_supervisor).await?;
    let mut marked = state.store.discussion_marks(as_supervisor).await?;
    if worker.is_none() {
        let as_worker = SupervisionFilter {
            supervisor: None,
            worker: Some(user.id),
        };
        notes.extend(
            state
                .store
                .supervision_notes(as_worker)
                .await?
                .into_iter()
                .filter(|n| n.supervisor.id != user.id),
        );
        marked.extend(
            state
                .store
                .discussion_marks(as_worker)
                .await?
                .into_iter()
                .filter(|m| m.supervisor != user.id),
        );
        notes.sort_by_key(|n| std::cmp::Reverse(n.written_at));
    }
    state
        .audit
        .record(vec![AuditEvent {
            fields: notes.iter().map(|n| n.id.to_string()).collect(),
            ..origin.event(&user, AuditAction::SupervisionRead)
        }])
        .await?;
    Ok(Json(Supervision {
        marked: marked.iter().map(DiscussionMarkView::from).collect(),
        notes: notes.iter().map(SupervisionNoteView::from).collect(),
    }))
}
