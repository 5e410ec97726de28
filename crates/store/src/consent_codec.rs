//! How a consent's information scope is kept in two columns, alike on both databases.

use crate::StoreError;
use caseward_domain::access::consent::InformationScope;
use caseward_domain::config::Classification;

/// `(scope, scope_fields)`: a classification name and no fields, or `fields` and the field
/// ids one per line.
pub fn scope_to_columns(scope: &InformationScope) -> (String, String) {
    match scope {
        InformationScope::UpTo(level) => (level.as_str().to_string(), String::new()),
        InformationScope::Fields(ids) => (
            "fields".into(),
            ids.iter().cloned().collect::<Vec<_>>().join("\n"),
        ),
    }
}

pub fn scope_from_columns(scope: &str, fields: &str) -> Result<InformationScope, StoreError> {
    if scope == "fields" {
        return Ok(InformationScope::Fields(
            fields
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
        ));
    }
    Classification::parse(scope)
        .map(InformationScope::UpTo)
        .ok_or_else(|| StoreError::Corrupt(format!("consent scope {scope}")))
}

/// A consent's recipient from its three columns: a user, an agency of the instance (its id and
/// name as it was), or an organisation outside the instance (its name).
pub fn recipient_from_columns(
    user: Option<uuid::Uuid>,
    agency: Option<String>,
    agency_id: Option<uuid::Uuid>,
) -> Result<caseward_domain::access::consent::Recipient, StoreError> {
    use caseward_domain::access::consent::Recipient;
    match (user, agency, agency_id) {
        (Some(user), _, _) => Ok(Recipient::User(user)),
        (None, Some(name), Some(id)) => Ok(Recipient::Agency { id, name }),
        (None, Some(name), None) => Ok(Recipient::ExternalAgency(name)),
        (None, None, _) => Err(StoreError::Corrupt("consent without recipient".into())),
    }
}
