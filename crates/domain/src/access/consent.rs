//! Consent: what information may be shared, with whom, for what purpose (survivor-centred
//! practice; the seed's "Consent-based access"). Access follows consent at once: a withdrawn
//! or changed consent changes what the next request sees.

use super::Actor;
use crate::config::{Classification, Field};
use crate::user::{AgencyId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeSet;

pub type ConsentId = uuid::Uuid;

/// Who information may go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A named user of this instance.
    User(UserId),
    /// An agency of this instance: every user who works for it. The name is kept as it was
    /// when the consent was given.
    Agency { id: AgencyId, name: String },
    /// An organisation outside this instance (for referrals and transfers).
    ExternalAgency(String),
}

/// Which information a consent covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InformationScope {
    /// Every field up to and including this classification (never `Confidential` beyond the
    /// assigned worker: see [`covers`]).
    UpTo(Classification),
    /// These fields only (top-level field ids).
    Fields(BTreeSet<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub id: ConsentId,
    pub recipient: Recipient,
    pub information: InformationScope,
    pub purpose: String,
    pub given_on: NaiveDate,
    pub recorded_by: UserId,
    /// For children: a parent or guardian took part.
    pub guardian_involved: Option<bool>,
    /// For children: the child's own assent.
    pub child_assent: Option<bool>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl Consent {
    pub fn is_active(&self) -> bool {
        self.withdrawn_at.is_none()
    }

    /// Whether the consent's recipient takes in `person` (the user, or their agency).
    fn names(&self, person: Actor) -> bool {
        match &self.recipient {
            Recipient::User(user) => *user == person.id,
            Recipient::Agency { id, .. } => person.agency == Some(*id),
            Recipient::ExternalAgency(_) => false,
        }
    }
}

/// Whether some active consent lets `field` go to `person`. Confidential fields never go beyond
/// the assigned worker, whatever a consent says.
pub fn covers(consents: &[Consent], person: Actor, field: &Field) -> bool {
    covers_item(consents, person, &field.id, field.classification)
}

/// Whether some active consent lets `person` see the item `id` (a field, or the case's
/// attachments) of `classification`.
pub fn covers_item(
    consents: &[Consent],
    person: Actor,
    id: &str,
    classification: Classification,
) -> bool {
    if classification == Classification::Confidential {
        return false;
    }
    consents
        .iter()
        .filter(|c| c.is_active() && c.names(person))
        .any(|c| match &c.information {
            InformationScope::UpTo(level) => classification <= *level,
            InformationScope::Fields(ids) => ids.iter().any(|i| i == id),
        })
}

/// Whether some active consent names `person`, or their agency, at all (needed to share a
/// survivor's case).
pub fn allows_sharing_with(consents: &[Consent], person: Actor) -> bool {
    consents.iter().any(|c| c.is_active() && c.names(person))
}
