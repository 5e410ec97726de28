/// What can go wrong in the store. Messages never contain case content.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("the record has changed since version {expected} (now version {current})")]
    Conflict { expected: i64, current: i64 },
    #[error("{0} is already taken")]
    Duplicate(&'static str),
    #[error("the data folder {0} does not exist (run `caseward init` first)")]
    MissingDataDir(String),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    /// A ciphertext did not open: damaged, moved from another place, or its key is gone.
    #[error("stored content could not be decrypted: {0}")]
    Undecryptable(String),
    /// Case content needs the keyring, and the store was opened without it.
    #[error("the store was opened without the keyring, which case content needs")]
    NoKeyring,
    /// An upload larger than its limit; nothing was kept.
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    /// Attachments need a folder, and the store was opened without one.
    #[error("the store was opened without an attachments folder")]
    NoAttachmentFolder,
    /// A write that ran in a batch whose commit failed (or that the writer never reached):
    /// nothing of it was kept.
    #[error("the write was not committed: {0}")]
    NotCommitted(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// From the SQLite connection that reads the audit trail for its verification.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// Map a unique-constraint violation to `Duplicate(what)`, other errors unchanged.
    pub(crate) fn unique(error: sqlx::Error, what: &'static str) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Duplicate(what),
            _ => Self::Database(error),
        }
    }
}
