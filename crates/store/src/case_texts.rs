//! The free texts of a case's history — why it was shared, granted, reassigned or handed over,
//! a consent's purpose, why a consent was withdrawn — sealed with the case's own data key like
//! its fields: a person typing "the uncle threatened her" into a reason must not put it in
//! the database in clear. Each text is bound to its case, its kind and its row, and stored as
//! `cw1:` and base64 in the same text column; a text without the prefix (written before texts
//! were sealed, or for a case that has no data key yet) reads as it is.

use crate::sealing::Sealing;
use crate::{CaseAccess, Result, StoreError};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use caseward_crypto::envelope::{self, DataKey, WrappedKey};
use caseward_domain::case::CaseId;
use uuid::Uuid;

const PREFIX: &str = "cw1:";

/// Whether a stored text is sealed (an audit entry's reason that is case content: shown to an
/// auditor as withheld, not as its ciphertext).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

/// A case's key for its texts; without one (a case from before sealing), texts stay as given.
pub struct CaseTexts {
    case: CaseId,
    key: Option<DataKey>,
}

impl std::fmt::Debug for CaseTexts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseTexts")
            .field("case", &self.case)
            .finish_non_exhaustive()
    }
}

fn place(case: CaseId, kind: &str, row: Uuid) -> Vec<u8> {
    format!("caseward/case/{case}/text/{kind}/{row}").into_bytes()
}

impl CaseTexts {
    /// The texts of `case`, whose wrapped data key is `wrapped` (none: texts stay as given).
    pub fn new(sealing: &Sealing, case: CaseId, wrapped: Option<&WrappedKey>) -> Result<Self> {
        let key = wrapped.map(|w| sealing.unwrap(case, w)).transpose()?;
        Ok(Self { case, key })
    }

    /// The texts of `case` with its data key at hand.
    pub(crate) fn with_key(case: CaseId, key: DataKey) -> Self {
        Self {
            case,
            key: Some(key),
        }
    }

    /// `text` as stored: sealed for its place (`kind` of text, in row `row`).
    pub fn seal(&self, kind: &str, row: Uuid, text: &str) -> String {
        match &self.key {
            Some(key) => {
                let sealed = envelope::seal(
                    key,
                    text.as_bytes(),
                    &place(self.case, kind, row),
                    &mut rand::rngs::OsRng,
                );
                format!("{PREFIX}{}", STANDARD.encode(sealed))
            }
            None => text.to_string(),
        }
    }

    /// `seal` for an optional text.
    pub fn seal_opt(&self, kind: &str, row: Uuid, text: Option<&str>) -> Option<String> {
        text.map(|t| self.seal(kind, row, t))
    }

    /// A stored text opened; one without the prefix is returned as it is.
    pub fn open(&self, kind: &str, row: Uuid, stored: &str) -> Result<String> {
        let Some(body) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_string());
        };
        let undecryptable =
            |why: &str| StoreError::Undecryptable(format!("case {}: {kind}: {why}", self.case));
        let key = self
            .key
            .as_ref()
            .ok_or_else(|| undecryptable("no data key"))?;
        let sealed = STANDARD
            .decode(body)
            .map_err(|_| undecryptable("not base64"))?;
        let plain = envelope::open(key, &sealed, &place(self.case, kind, row))
            .map_err(|e| undecryptable(&e.to_string()))?;
        String::from_utf8(plain.to_vec()).map_err(|_| undecryptable("not text"))
    }

    /// `open` in place, for an optional text.
    pub fn open_opt(&self, kind: &str, row: Uuid, stored: &mut Option<String>) -> Result<()> {
        if let Some(text) = stored {
            *text = self.open(kind, row, text)?;
        }
        Ok(())
    }

    fn open_access(&self, access: &mut CaseAccess) -> Result<()> {
        for share in &mut access.shares {
            share.reason = self.open(SHARE_REASON, share.id, &share.reason)?;
            self.open_opt(SHARE_OVERRIDE, share.id, &mut share.consent_override_reason)?;
        }
        for grant in &mut access.field_grants {
            grant.reason = self.open(GRANT_REASON, grant.id, &grant.reason)?;
        }
        for consent in &mut access.consents {
            let id = consent.consent.id;
            consent.consent.purpose = self.open(CONSENT_PURPOSE, id, &consent.consent.purpose)?;
            self.open_opt(CONSENT_WITHDRAWAL, id, &mut consent.withdraw_reason)?;
        }
        Ok(())
    }
}

/// Open every text of a case's access facts in place. The case's data key (`wrapped`) is
/// unwrapped only when one of them is sealed: a read of a case not shared, granted or
/// consented to pays nothing here.
pub fn open_access(
    sealing: &Sealing,
    case: CaseId,
    wrapped: Option<&WrappedKey>,
    access: &mut CaseAccess,
) -> Result<()> {
    let sealed = |text: Option<&str>| text.is_some_and(is_sealed);
    let any_sealed = access
        .shares
        .iter()
        .any(|s| sealed(Some(&s.reason)) || sealed(s.consent_override_reason.as_deref()))
        || access.field_grants.iter().any(|g| sealed(Some(&g.reason)))
        || access
            .consents
            .iter()
            .any(|c| sealed(Some(&c.consent.purpose)) || sealed(c.withdraw_reason.as_deref()));
    if !any_sealed {
        return Ok(());
    }
    CaseTexts::new(sealing, case, wrapped)?.open_access(access)
}

/// The kinds of text (part of each text's place).
pub const SHARE_REASON: &str = "share.reason";
pub const SHARE_OVERRIDE: &str = "share.consent_override_reason";
pub const SHARE_REVOCATION: &str = "share.revoke_reason";
pub const GRANT_REASON: &str = "field_grant.reason";
pub const GRANT_REVOCATION: &str = "field_grant.revoke_reason";
pub const CONSENT_PURPOSE: &str = "consent.purpose";
pub const CONSENT_WITHDRAWAL: &str = "consent.withdraw_reason";
pub const ASSIGNMENT_REASON: &str = "assignment.reason";
pub const AUDIT_REASON: &str = "audit.reason";
pub const TRANSITION_REASON: &str = "transition.reason";
pub const NOTE_BODY: &str = "note.body";
pub const CARE_PLAN_CONTENT: &str = "care_plan.content";
pub const CARE_PLAN_COMMENT: &str = "care_plan.comment";
pub const QUALITY_FINDINGS: &str = "quality_review.findings";
pub const SUPERVISION_NOTE: &str = "supervision_note.body";
pub const PANEL_NOTES: &str = "panel_decision.notes";
pub const ASSIGNMENT_OVERRIDE: &str = "assignment.caseload_override_reason";

/// Whether an audit entry's reason is sealed with its case: a reason a user gave for a change to
/// the case (a refusal's reason is the server's own words, such as "could not be decrypted").
pub(crate) fn sealed_reason(event: &caseward_domain::audit::AuditEvent) -> bool {
    event.reason.is_some()
        && event.case_id.is_some()
        && event.outcome == caseward_domain::audit::Outcome::Allowed
        && event.action.reason_is_case_content()
}

/// Where an audit reason is sealed, beyond its case: the action, and the record it was about
/// (or, for none, who acted). Stable across versions: names and ids, never an enum's order.
pub(crate) fn reason_place(event: &caseward_domain::audit::AuditEvent) -> (String, Uuid) {
    (
        format!("{AUDIT_REASON}/{}", event.action.as_str()),
        event.subject.or(event.actor).unwrap_or(Uuid::nil()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use std::sync::Arc;

    fn texts(case: CaseId) -> CaseTexts {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let keyring = Arc::new(caseward_crypto::Keyring::generate(&mut rng));
        let sealing = Sealing::new(keyring.clone(), None);
        let key = DataKey::generate(&mut rng);
        let wrapped = envelope::wrap(keyring.current_master(), &key, case.as_bytes(), &mut rng);
        CaseTexts::new(&sealing, case, Some(&wrapped)).unwrap()
    }

    #[test]
    fn a_text_opens_only_in_its_place() {
        let case = Uuid::from_u128(1);
        let texts = texts(case);
        let row = Uuid::from_u128(7);
        let stored = texts.seal(SHARE_REASON, row, "the uncle threatened her");
        assert!(stored.starts_with("cw1:") && !stored.contains("uncle"));
        assert_eq!(
            texts.open(SHARE_REASON, row, &stored).unwrap(),
            "the uncle threatened her"
        );
        assert!(
            texts.open(GRANT_REASON, row, &stored).is_err(),
            "another kind"
        );
        assert!(
            texts
                .open(SHARE_REASON, Uuid::from_u128(8), &stored)
                .is_err(),
            "another row"
        );
        assert_eq!(
            texts.open(SHARE_REASON, row, "written before").unwrap(),
            "written before"
        );
        let without_key = CaseTexts { case, key: None };
        assert_eq!(without_key.seal(SHARE_REASON, row, "plain"), "plain");
        assert!(without_key.open(SHARE_REASON, row, &stored).is_err());
    }
}
