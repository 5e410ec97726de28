//! Case content at rest: sealed with the case's own data key, which is stored wrapped by a
//! master key of the keyring (`crypto::envelope`). The keyring comes from outside the database
//! (`OpenOptions::keyring`); without it, case content can be neither written nor read.
//!
//! A sealed content is bound to its case and the configuration version it was written with,
//! so content copied to another case (or relabelled with another version) does not open.

use crate::codec;
use crate::{Result, StoreError};
use caseward_crypto::Keyring;
use caseward_crypto::envelope::{self, DataKey, WrappedKey};
use caseward_domain::case::{CaseFields, CaseId};
use std::sync::Arc;

/// Seals and opens case content with the keyring's keys.
#[derive(Clone)]
pub struct Sealing {
    keyring: Arc<Keyring>,
}

impl std::fmt::Debug for Sealing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealing(..)")
    }
}

/// Where a case's content belongs: its id and the configuration version it was written with.
fn place(case: CaseId, config_version: u32) -> Vec<u8> {
    format!("caseward/case/{case}/content/v{config_version}").into_bytes()
}

impl Sealing {
    pub fn new(keyring: Arc<Keyring>) -> Self {
        Self { keyring }
    }

    /// A new case's data key (wrapped, to store) and its sealed content.
    pub fn seal_new(
        &self,
        case: CaseId,
        config_version: u32,
        fields: &CaseFields,
    ) -> (WrappedKey, Vec<u8>) {
        let mut rng = rand::rngs::OsRng;
        let key = DataKey::generate(&mut rng);
        let wrapped = envelope::wrap(
            self.keyring.current_master(),
            &key,
            case.as_bytes(),
            &mut rng,
        );
        let plaintext = zeroize::Zeroizing::new(codec::encode(fields));
        let sealed = envelope::seal(&key, &plaintext, &place(case, config_version), &mut rng);
        (wrapped, sealed)
    }

    /// Content sealed with the case's existing data key.
    pub fn reseal(
        &self,
        case: CaseId,
        wrapped: &WrappedKey,
        config_version: u32,
        fields: &CaseFields,
    ) -> Result<Vec<u8>> {
        let key = self.unwrap(case, wrapped)?;
        let plaintext = zeroize::Zeroizing::new(codec::encode(fields));
        Ok(envelope::seal(
            &key,
            &plaintext,
            &place(case, config_version),
            &mut rand::rngs::OsRng,
        ))
    }

    fn unwrap(&self, case: CaseId, wrapped: &WrappedKey) -> Result<DataKey> {
        envelope::unwrap(&self.keyring, wrapped, case.as_bytes())
            .map_err(|e| StoreError::Undecryptable(format!("case {case}: data key: {e}")))
    }

    /// A case's fields from its stored content: sealed content with its wrapped data key, or
    /// the plaintext of a case written before content was sealed.
    pub fn open(
        &self,
        case: CaseId,
        wrapped: Option<&WrappedKey>,
        config_version: u32,
        content: &[u8],
    ) -> Result<CaseFields> {
        if !envelope::is_sealed(content) {
            return codec::decode(content);
        }
        let wrapped = wrapped.ok_or_else(|| {
            StoreError::Undecryptable(format!("case {case}: its data key is gone (purged)"))
        })?;
        let key = self.unwrap(case, wrapped)?;
        let plaintext = envelope::open(&key, content, &place(case, config_version))
            .map_err(|e| StoreError::Undecryptable(format!("case {case}: content: {e}")))?;
        codec::decode(&plaintext)
    }
}
