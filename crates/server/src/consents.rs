//! Consent records on a case: recorded and withdrawn by the assigned worker; access that
//! relies on a consent follows it at once (the policy reads consents on every request).

use crate::audit::RequestInfo;
use crate::case_context::{parse_case_id, reachable_case};
use crate::cases::UserRefView;
use crate::extract::ApiJson;
use crate::problem::{ApiError, ApiResult, Problem};
use crate::session::CurrentUser;
use crate::sharing::{RevokeRequest, check_reason};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseward_domain::access::CaseAction;
use caseward_domain::access::consent::{Consent, InformationScope, Recipient};
use caseward_domain::audit::{AuditAction, AuditEvent};
use caseward_domain::config::{CaseDomain, Classification};
use caseward_domain::validate::FieldError;
use caseward_store::{ConsentRecord, ConsentWithdrawal};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// To whom (in a request), exactly one of: a user of this instance (`user_id`), an agency of
/// this instance and so every user who works for it (`agency_id`), or an organisation outside
/// this instance by name (`agency`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecipientRequest {
    pub user_id: Option<Uuid>,
    pub agency_id: Option<Uuid>,
    pub agency: Option<String>,
}

/// To whom: a user, an agency of this instance (`agency_id` and its name as it was when the
/// consent was given), or an organisation outside this instance (`agency` alone).
#[derive(Debug, Serialize, ToSchema)]
pub struct RecipientView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<UserRefView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
}

/// Which information: every field up to a classification, or named fields.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InformationView {
    /// `standard` or `restricted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub up_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentView {
    pub id: Uuid,
    pub recipient: RecipientView,
    pub information: InformationView,
    pub purpose: String,
    pub given_on: NaiveDate,
    pub recorded_by: UserRefView,
    pub recorded_at: DateTime<Utc>,
    pub guardian_involved: Option<bool>,
    pub child_assent: Option<bool>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_by: Option<UserRefView>,
    pub withdraw_reason: Option<String>,
}

/// The names of the people consents mention, looked up once.
/// The names of the people the given consents mention, looked up once each.
async fn people(
    state: &AppState,
    records: &[&ConsentRecord],
) -> ApiResult<BTreeMap<Uuid, UserRefView>> {
    let mut ids = std::collections::BTreeSet::new();
    for record in records {
        if let Recipient::User(id) = record.consent.recipient {
            ids.insert(id);
        }
        ids.insert(record.consent.recorded_by);
        ids.extend(record.withdrawn_by);
    }
    let mut people = BTreeMap::new();
    for id in ids {
        if let Some(user) = state.store.user_by_id(id).await? {
            people.insert(
                id,
                UserRefView {
                    id,
                    username: user.username,
                    display_name: user.display_name,
                },
            );
        }
    }
    Ok(people)
}

fn person(people: &BTreeMap<Uuid, UserRefView>, id: Uuid) -> UserRefView {
    match people.get(&id) {
        Some(p) => UserRefView {
            id,
            username: p.username.clone(),
            display_name: p.display_name.clone(),
        },
        None => UserRefView {
            id,
            username: String::new(),
            display_name: String::new(),
        },
    }
}

impl ConsentView {
    fn of(record: &ConsentRecord, people: &BTreeMap<Uuid, UserRefView>) -> Self {
        let c = &record.consent;
        Self {
            id: c.id,
            recipient: match &c.recipient {
                Recipient::User(id) => RecipientView {
                    user: Some(person(people, *id)),
                    agency_id: None,
                    agency: None,
                },
                Recipient::Agency { id, name } => RecipientView {
                    user: None,
                    agency_id: Some(*id),
                    agency: Some(name.clone()),
                },
                Recipient::ExternalAgency(name) => RecipientView {
                    user: None,
                    agency_id: None,
                    agency: Some(name.clone()),
                },
            },
            information: match &c.information {
                InformationScope::UpTo(level) => InformationView {
                    up_to: Some(level.as_str().into()),
                    fields: None,
                },
                InformationScope::Fields(ids) => InformationView {
                    up_to: None,
                    fields: Some(ids.iter().cloned().collect()),
                },
            },
            purpose: c.purpose.clone(),
            given_on: c.given_on,
            recorded_by: person(people, c.recorded_by),
            recorded_at: record.recorded_at,
            guardian_involved: c.guardian_involved,
            child_assent: c.child_assent,
            withdrawn_at: c.withdrawn_at,
            withdrawn_by: record.withdrawn_by.map(|id| person(people, id)),
            withdraw_reason: record.withdraw_reason.clone(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    pub recipient: RecipientRequest,
    pub information: InformationView,
    pub purpose: String,
    pub given_on: NaiveDate,
    pub guardian_involved: Option<bool>,
    pub child_assent: Option<bool>,
}

/// The consents recorded on a case (assigned worker and team supervisor).
#[utoipa::path(get, path = "/api/v1/cases/{id}/consents", tag = "consent",
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = Vec<ConsentView>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_consents(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ConsentView>>> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::ConsentList,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::Share).await?;
    let records: Vec<&ConsentRecord> = context.access.consents.iter().collect();
    let people = people(&state, &records).await?;
    context.record(context.event()).await?;
    Ok(Json(
        context
            .access
            .consents
            .iter()
            .map(|c| ConsentView::of(c, &people))
            .collect(),
    ))
}

fn invalid(field: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::Validation(vec![FieldError::new(field, code, message)])
}

/// Record a consent (assigned worker).
#[utoipa::path(post, path = "/api/v1/cases/{id}/consents", tag = "consent", request_body = ConsentRequest,
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 201, body = ConsentView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn record_consent(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<ConsentRequest>,
) -> ApiResult<(StatusCode, Json<ConsentView>)> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::ConsentRecord,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::GrantFieldAccess).await?;
    let named = &request.recipient;
    let recipient = match (named.user_id, named.agency_id, named.agency.as_deref()) {
        (Some(user_id), None, None) => {
            if state.store.user_by_id(user_id).await?.is_none() {
                return Err(invalid("recipient.user_id", "unknown_user", "no such user"));
            }
            Recipient::User(user_id)
        }
        (None, Some(agency_id), None) => {
            let agencies = state.store.list_agencies().await?;
            let Some(agency) = agencies.into_iter().find(|a| a.id == agency_id) else {
                return Err(invalid(
                    "recipient.agency_id",
                    "unknown_agency",
                    "no such agency",
                ));
            };
            Recipient::Agency {
                id: agency.id,
                name: agency.name,
            }
        }
        (None, None, Some(agency))
            if !agency.trim().is_empty() && agency.chars().count() <= 200 =>
        {
            Recipient::ExternalAgency(agency.trim().to_string())
        }
        _ => {
            return Err(invalid(
                "recipient",
                "required",
                "name one user, one agency of this instance, or one other organisation (at most 200 characters)",
            ));
        }
    };
    let information = match (
        request.information.up_to.as_deref(),
        request.information.fields,
    ) {
        (Some(level), None) => match Classification::parse(level) {
            Some(level @ (Classification::Standard | Classification::Restricted)) => {
                InformationScope::UpTo(level)
            }
            _ => {
                return Err(invalid(
                    "information.up_to",
                    "invalid",
                    "standard or restricted (confidential information never leaves the assigned worker)",
                ));
            }
        },
        (None, Some(ids)) if !ids.is_empty() => {
            for (index, id) in ids.iter().enumerate() {
                match context.case_type.form.field(id) {
                    Some(field) if field.classification != Classification::Confidential => {}
                    Some(_) => {
                        return Err(invalid(
                            &format!("information.fields[{index}]"),
                            "confidential",
                            "confidential fields are never shared",
                        ));
                    }
                    None => {
                        return Err(invalid(
                            &format!("information.fields[{index}]"),
                            "unknown_field",
                            "no such field in this form",
                        ));
                    }
                }
            }
            InformationScope::Fields(ids.into_iter().collect())
        }
        _ => {
            return Err(invalid(
                "information",
                "required",
                "give either up_to or a non-empty list of fields",
            ));
        }
    };
    check_reason(&request.purpose, "purpose")?;
    let now = state.clock.now();
    if request.given_on > now.date_naive() {
        return Err(invalid("given_on", "in_future", "cannot be in the future"));
    }
    let child_case = context.case_type.domain == CaseDomain::ChildProtection;
    if child_case && (request.guardian_involved.is_none() || request.child_assent.is_none()) {
        return Err(invalid(
            "guardian_involved",
            "required",
            "for a child, record guardian involvement and the child's own assent",
        ));
    }
    let consent_id = Uuid::now_v7();
    let consent = Consent {
        id: consent_id,
        recipient,
        information,
        purpose: request.purpose.trim().to_string(),
        given_on: request.given_on,
        recorded_by: user.id,
        guardian_involved: request.guardian_involved,
        child_assent: request.child_assent,
        withdrawn_at: None,
    };
    let record = state
        .store
        .record_consent(
            context.case.summary.id,
            consent,
            &[AuditEvent {
                subject: Some(consent_id),
                ..context.event()
            }],
            now,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ConsentView::of(&record, &people(&state, &[&record]).await?)),
    ))
}

/// Withdraw a consent; access that relied on it ends with the next request.
#[utoipa::path(post, path = "/api/v1/cases/{id}/consents/{consent_id}/withdraw", tag = "consent", request_body = RevokeRequest,
    params(("id" = Uuid, Path, description = "Case id"), ("consent_id" = Uuid, Path, description = "Consent id")),
    responses((status = 200, body = ConsentView), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn withdraw_consent(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    origin: RequestInfo,
    Path((id, consent_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<RevokeRequest>,
) -> ApiResult<Json<ConsentView>> {
    let context = reachable_case(
        &state,
        &user,
        &origin,
        AuditAction::ConsentWithdraw,
        parse_case_id(&id)?,
    )
    .await?;
    context.require(CaseAction::GrantFieldAccess).await?;
    check_reason(&request.reason, "reason")?;
    let consent_id = Uuid::parse_str(&consent_id)
        .map_err(|_| ApiError::BadRequest("consent_id: not a UUID".into()))?;
    let record = state
        .store
        .withdraw_consent(ConsentWithdrawal {
            case_id: context.case.summary.id,
            consent_id,
            by: user.id,
            reason: request.reason.trim().to_string(),
            audit: vec![AuditEvent {
                subject: Some(consent_id),
                reason: Some(request.reason.trim().to_string()),
                ..context.event()
            }],
            now: state.clock.now(),
        })
        .await?;
    Ok(Json(ConsentView::of(
        &record,
        &people(&state, &[&record]).await?,
    )))
}
