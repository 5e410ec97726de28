//! Case content at rest: sealed with the case's own data key, which is stored wrapped by a
//! master key of the keyring (`crypto::envelope`). The keyring comes from outside the database
//! (`OpenOptions::keyring`); without it, case content can be neither written nor read.
//!
//! A sealed content is bound to its case and the configuration version it was written with,
//! so content copied to another case (or relabelled with another version) does not open.
//!
//! When the keyring came from a file, a changed file (a key rotation by `caseward keys
//! rotate`) is read again, so a running server wraps new data keys with the new master key
//! and opens data keys already rewrapped with it.

use crate::codec;
use crate::{Result, StoreError};
use caseward_crypto::Keyring;
use caseward_crypto::envelope::{self, DataKey, WrappedKey};
use caseward_domain::case::{CaseFields, CaseId};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

/// The keyring in use, and the file to read it again from when it changes.
struct KeySource {
    current: RwLock<Arc<Keyring>>,
    file: Option<PathBuf>,
    /// The file's modification time when it was last read.
    read_at: Mutex<Option<SystemTime>>,
}

impl KeySource {
    fn modified(&self) -> Option<SystemTime> {
        let file = self.file.as_ref()?;
        std::fs::metadata(file).and_then(|m| m.modified()).ok()
    }

    /// The keyring, read again first if its file changed since.
    fn get(&self) -> Arc<Keyring> {
        let modified = self.modified();
        let stale = modified.is_some()
            && *self.read_at.lock().unwrap_or_else(|e| e.into_inner()) != modified;
        if stale {
            self.reload();
        }
        self.in_memory()
    }

    /// The keyring as last read, without looking at the file: for opening data keys, where a
    /// key this keyring lacks sends the caller to [`reload`](Self::reload). (Asking the file
    /// system for the file's time was a system call on every read of a case.)
    fn in_memory(&self) -> Arc<Keyring> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Read the file again; a file that does not parse leaves the keyring as it was.
    fn reload(&self) {
        let Some(file) = &self.file else {
            return;
        };
        let modified = self.modified();
        match std::fs::read_to_string(file)
            .map_err(|e| e.to_string())
            .and_then(|text| Keyring::parse(&text).map_err(|e| e.to_string()))
        {
            Ok(keyring) => {
                *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(keyring);
                tracing::info!("keyring read again");
            }
            Err(error) => {
                tracing::error!(%error, "the changed keyring file does not read; keeping the keys in use")
            }
        }
        *self.read_at.lock().unwrap_or_else(|e| e.into_inner()) = modified;
    }
}

/// Seals and opens case content with the keyring's keys.
#[derive(Clone)]
pub struct Sealing {
    keys: Arc<KeySource>,
}

impl std::fmt::Debug for Sealing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealing(..)")
    }
}

/// A stored data key from its two columns (both absent for a case from before sealing, or a
/// purged one).
pub fn wrapped_from_columns(
    master_key_id: Option<i64>,
    wrapped: Option<Vec<u8>>,
) -> Result<Option<WrappedKey>> {
    match (master_key_id, wrapped) {
        (Some(id), Some(bytes)) => Ok(Some(WrappedKey {
            master_key_id: u32::try_from(id)
                .map_err(|_| StoreError::Corrupt("master key id".into()))?,
            bytes,
        })),
        _ => Ok(None),
    }
}

/// Where a case's content belongs: its id and the configuration version it was written with.
fn place(case: CaseId, config_version: u32) -> Vec<u8> {
    format!("caseward/case/{case}/content/v{config_version}").into_bytes()
}

impl Sealing {
    pub fn new(keyring: Arc<Keyring>, file: Option<PathBuf>) -> Self {
        let source = KeySource {
            current: RwLock::new(keyring),
            file,
            read_at: Mutex::new(None),
        };
        let read_at = source.modified();
        *source.read_at.lock().unwrap_or_else(|e| e.into_inner()) = read_at;
        Self {
            keys: Arc::new(source),
        }
    }

    /// The keyring in use now.
    pub fn keyring(&self) -> Arc<Keyring> {
        self.keys.get()
    }

    /// A new case's data key (wrapped, to store) and its sealed content.
    pub fn seal_new(
        &self,
        case: CaseId,
        config_version: u32,
        fields: &CaseFields,
    ) -> (WrappedKey, Vec<u8>) {
        let (wrapped, sealed, _) = self.seal_new_with_texts(case, config_version, fields);
        (wrapped, sealed)
    }

    /// `seal_new`, and the new key kept to seal the case's other texts (a bulk import seals
    /// its history without unwrapping the key again).
    pub(crate) fn seal_new_with_texts(
        &self,
        case: CaseId,
        config_version: u32,
        fields: &CaseFields,
    ) -> (WrappedKey, Vec<u8>, crate::case_texts::CaseTexts) {
        let mut rng = rand::rngs::OsRng;
        let key = DataKey::generate(&mut rng);
        let wrapped = envelope::wrap(
            self.keys.get().current_master(),
            &key,
            case.as_bytes(),
            &mut rng,
        );
        let plaintext = zeroize::Zeroizing::new(codec::encode(fields));
        let sealed = envelope::seal(&key, &plaintext, &place(case, config_version), &mut rng);
        (
            wrapped,
            sealed,
            crate::case_texts::CaseTexts::with_key(case, key),
        )
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

    /// A case's data key, unwrapped: for its content, its texts and its attachments.
    pub(crate) fn unwrap(&self, case: CaseId, wrapped: &WrappedKey) -> Result<DataKey> {
        let result = match envelope::unwrap(&self.keys.in_memory(), wrapped, case.as_bytes()) {
            // Rewrapped by a rotation this process has not seen: read the keyring again.
            Err(envelope::EnvelopeError::UnknownMasterKey(_)) => {
                self.keys.reload();
                envelope::unwrap(&self.keys.in_memory(), wrapped, case.as_bytes())
            }
            other => other,
        };
        result.map_err(|e| StoreError::Undecryptable(format!("case {case}: data key: {e}")))
    }

    /// A wrapped data key under the current master key (rotation).
    pub fn rewrap(&self, case: CaseId, wrapped: &WrappedKey) -> Result<WrappedKey> {
        envelope::rewrap(
            &self.keys.get(),
            wrapped,
            case.as_bytes(),
            &mut rand::rngs::OsRng,
        )
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

/// Where an attachment's name and content belong: its case and its id.
pub(crate) fn attachment_place(case: CaseId, attachment: uuid::Uuid, part: &str) -> Vec<u8> {
    format!("caseward/case/{case}/attachment/{attachment}/{part}").into_bytes()
}

/// Seal a short value (an attachment's name) with a case's data key, bound to `place`.
pub(crate) fn seal_value(key: &DataKey, value: &str, place: &[u8]) -> Vec<u8> {
    envelope::seal(key, value.as_bytes(), place, &mut rand::rngs::OsRng)
}

/// Open a value sealed by [`seal_value`].
pub(crate) fn open_value(key: &DataKey, sealed: &[u8], place: &[u8]) -> Result<String> {
    let plaintext = envelope::open(key, sealed, place)
        .map_err(|e| StoreError::Undecryptable(format!("attachment name: {e}")))?;
    String::from_utf8(plaintext.to_vec()).map_err(|_| StoreError::Corrupt("attachment name".into()))
}
