//! Care plan versions as the store takes and gives them, and the stored form of a version's
//! content: JSON sealed with the case's data key. The rules (which status a version starts
//! in, who decides) are `domain::care_plan`'s; the store keeps what it is told, atomically
//! with its audit entries.

use crate::{StoreError, UserRef};
use caseward_domain::audit::AuditEvent;
use caseward_domain::care_plan::{
    CarePlanContent, CarePlanStatus, Intervention, InterventionStatus,
};
use caseward_domain::case::CaseId;
use caseward_domain::user::UserId;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

/// A new version of a case's care plan.
#[derive(Debug, Clone)]
pub struct NewCarePlanVersion {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    /// One more than the newest version the status was judged against (1 for the first): a
    /// version written meanwhile makes this a `Conflict`.
    pub version: i64,
    pub status: CarePlanStatus,
    pub content: CarePlanContent,
    pub written_by: UserId,
    /// Audit entries that commit with the version, or not at all.
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

/// A supervisor's decision on the newest, submitted version.
#[derive(Debug, Clone)]
pub struct CarePlanDecision {
    pub case_id: CaseId,
    pub version: i64,
    /// `Approved` or `Returned`.
    pub status: CarePlanStatus,
    pub decided_by: UserId,
    /// Sealed with the case's data key.
    pub comment: Option<String>,
    pub audit: Vec<AuditEvent>,
    pub now: DateTime<Utc>,
}

/// One version of a case's care plan, opened.
#[derive(Debug, Clone, PartialEq)]
pub struct CarePlanRecord {
    pub id: uuid::Uuid,
    pub case_id: CaseId,
    pub version: i64,
    pub status: CarePlanStatus,
    pub content: CarePlanContent,
    pub written_by: UserRef,
    pub written_at: DateTime<Utc>,
    pub decided_by: Option<UserRef>,
    pub decided_at: Option<DateTime<Utc>>,
    pub comment: Option<String>,
}

pub(crate) fn encode(content: &CarePlanContent) -> String {
    let interventions: Vec<Value> = content
        .interventions
        .iter()
        .map(|i| {
            json!({
                "type": i.kind,
                "objective": i.objective,
                "responsible": i.responsible,
                "target_date": i.target_date.map(|d| d.to_string()),
                "status": i.status.as_str(),
            })
        })
        .collect();
    json!({ "narrative": content.narrative, "interventions": interventions }).to_string()
}

pub(crate) fn decode(text: &str) -> Result<CarePlanContent, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("care plan content: {what}"));
    let value: Value = serde_json::from_str(text).map_err(|_| corrupt("not JSON"))?;
    let string = |v: &Value, key: &str| -> Result<String, StoreError> {
        v.get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| corrupt(key))
    };
    let items = value
        .get("interventions")
        .and_then(Value::as_array)
        .ok_or_else(|| corrupt("interventions"))?;
    let interventions = items
        .iter()
        .map(|item| {
            let target_date = match item.get("target_date") {
                None | Some(Value::Null) => None,
                Some(Value::String(date)) => Some(
                    date.parse::<NaiveDate>()
                        .map_err(|_| corrupt("target_date"))?,
                ),
                Some(_) => return Err(corrupt("target_date")),
            };
            Ok(Intervention {
                kind: string(item, "type")?,
                objective: string(item, "objective")?,
                responsible: string(item, "responsible")?,
                target_date,
                status: InterventionStatus::parse(&string(item, "status")?)
                    .ok_or_else(|| corrupt("status"))?,
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(CarePlanContent {
        narrative: string(&value, "narrative")?,
        interventions,
    })
}

pub(crate) fn parse_status(text: &str) -> Result<CarePlanStatus, StoreError> {
    CarePlanStatus::parse(text)
        .ok_or_else(|| StoreError::Corrupt(format!("care plan status \"{text}\"")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_round_trips() {
        let content = CarePlanContent {
            narrative: "Back to school, safe at home".into(),
            interventions: vec![
                Intervention {
                    kind: "education".into(),
                    objective: "Enrol in grade 4".into(),
                    responsible: "Case worker".into(),
                    target_date: NaiveDate::from_ymd_opt(2027, 1, 15),
                    status: InterventionStatus::InProgress,
                },
                Intervention {
                    kind: "health".into(),
                    objective: String::new(),
                    responsible: "Clinic \"Espoir\"".into(),
                    target_date: None,
                    status: InterventionStatus::Planned,
                },
            ],
        };
        assert_eq!(decode(&encode(&content)).unwrap(), content);
        assert!(decode("{\"narrative\": 1}").is_err());
        assert!(decode("not json").is_err());
    }
}
