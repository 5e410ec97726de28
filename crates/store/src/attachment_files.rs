//! Attachment content on disk: each file stream-encrypted (`crypto::stream`) under a key
//! derived from its case's data key, in `<root>/<case id>/<attachment id>.cws`. Nothing in
//! the folder is readable without the keyring; purging the case (destroying its data key)
//! makes its files noise even where a copy survives, and removes them.
//!
//! A file is written to a temporary name, synced, then renamed into place, so a reader never
//! sees half a file; its database row is written after (a crash in between leaves an
//! unreferenced file, which holds nothing readable and is removed with its case).

use crate::sealing::attachment_place;
use crate::{Result, StoreError};
use caseward_crypto::envelope::DataKey;
use caseward_crypto::stream::{CHUNK, HEADER, StreamOpener, StreamSealer, TAG, sealed_len};
use caseward_domain::case::CaseId;
use futures_util::StreamExt;
use std::path::{Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;
use zeroize::Zeroizing;

/// An upload's content: its bytes as they arrive.
pub type Upload<'a> =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'a>>;

/// The folder of attachment files.
#[derive(Debug, Clone)]
pub struct AttachmentFiles {
    root: PathBuf,
}

impl AttachmentFiles {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn case_dir(&self, case: CaseId) -> PathBuf {
        self.root.join(case.to_string())
    }

    fn path(&self, case: CaseId, id: Uuid) -> PathBuf {
        self.case_dir(case).join(format!("{id}.cws"))
    }

    /// Encrypt `content` into the attachment's file; its plaintext size. More than
    /// `max_bytes` stops the write (`TooLarge`) and leaves nothing behind.
    pub async fn write(
        &self,
        key: &DataKey,
        case: CaseId,
        id: Uuid,
        mut content: Upload<'_>,
        max_bytes: u64,
    ) -> Result<u64> {
        let dir = self.case_dir(case);
        tokio::fs::create_dir_all(&dir).await?;
        let partial = dir.join(format!(".{id}.part"));
        let written = write_sealed(key, case, id, &mut content, max_bytes, &partial).await;
        match written {
            Ok(size) => {
                tokio::fs::rename(&partial, self.path(case, id)).await?;
                sync_dir(&dir).await?;
                Ok(size)
            }
            Err(error) => {
                let _ = tokio::fs::remove_file(&partial).await;
                Err(error)
            }
        }
    }

    /// The decrypted content of an attachment of `size` plaintext bytes, chunk by chunk.
    pub async fn open(
        &self,
        key: &DataKey,
        case: CaseId,
        id: Uuid,
        size: u64,
    ) -> Result<AttachmentContent> {
        let path = self.path(case, id);
        let mut file = tokio::fs::File::open(&path).await.map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                StoreError::Undecryptable(format!("attachment {id}: its file is missing"))
            } else {
                StoreError::Io(e)
            }
        })?;
        if file.metadata().await?.len() != sealed_len(size) {
            return Err(StoreError::Undecryptable(format!(
                "attachment {id}: the file is not the length its size gives"
            )));
        }
        let mut header = [0u8; HEADER];
        file.read_exact(&mut header).await?;
        let opener = StreamOpener::new(key, &attachment_place(case, id, "content"), &header)
            .map_err(|e| StoreError::Undecryptable(format!("attachment {id}: {e}")))?;
        Ok(AttachmentContent {
            id,
            file,
            opener,
            remaining: size,
            chunks_left: size.div_ceil(CHUNK as u64).max(1),
        })
    }

    /// Remove one attachment's file (it may already be gone).
    pub async fn remove(&self, case: CaseId, id: Uuid) -> Result<()> {
        match tokio::fs::remove_file(self.path(case, id)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    /// Remove every file of a case (a purge).
    pub async fn remove_case(&self, case: CaseId) -> Result<()> {
        match tokio::fs::remove_dir_all(self.case_dir(case)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}

async fn write_sealed(
    key: &DataKey,
    case: CaseId,
    id: Uuid,
    content: &mut Upload<'_>,
    max_bytes: u64,
    path: &Path,
) -> Result<u64> {
    let mut file = tokio::fs::File::create(path).await?;
    let (mut sealer, header) = StreamSealer::new(
        key,
        &attachment_place(case, id, "content"),
        &mut rand::rngs::OsRng,
    );
    file.write_all(&header).await?;
    let mut reader = Chunks::new(content);
    let mut size = 0u64;
    let mut current = reader.next_chunk().await?;
    loop {
        size += current.len() as u64;
        if size > max_bytes {
            return Err(StoreError::TooLarge { max_bytes });
        }
        let next = if current.len() == CHUNK {
            reader.next_chunk().await?
        } else {
            Zeroizing::new(Vec::new())
        };
        let last = next.is_empty();
        let sealed = sealer
            .seal_chunk(&current, last)
            .map_err(|e| StoreError::Corrupt(format!("attachment {id}: {e}")))?;
        file.write_all(&sealed).await?;
        if last {
            break;
        }
        current = next;
    }
    file.sync_all().await?;
    Ok(size)
}

/// Make a rename in `dir` durable.
async fn sync_dir(dir: &Path) -> Result<()> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
        .await
        .map_err(|e| StoreError::Io(std::io::Error::other(e)))??;
    Ok(())
}

/// Regroups an upload's pieces into chunks of exactly [`CHUNK`] bytes (the last shorter).
struct Chunks<'s, 'a> {
    content: &'s mut Upload<'a>,
    pending: Zeroizing<Vec<u8>>,
    ended: bool,
}

impl<'s, 'a> Chunks<'s, 'a> {
    fn new(content: &'s mut Upload<'a>) -> Self {
        Self {
            content,
            pending: Zeroizing::new(Vec::new()),
            ended: false,
        }
    }

    /// The next chunk: [`CHUNK`] bytes, fewer only at the end (empty once all is read).
    async fn next_chunk(&mut self) -> Result<Zeroizing<Vec<u8>>> {
        while self.pending.len() < CHUNK && !self.ended {
            match self.content.next().await {
                Some(piece) => self.pending.extend_from_slice(&Zeroizing::new(piece?)),
                None => self.ended = true,
            }
        }
        let take = self.pending.len().min(CHUNK);
        let rest = Zeroizing::new(self.pending[take..].to_vec());
        self.pending.truncate(take);
        Ok(std::mem::replace(&mut self.pending, rest))
    }
}

/// An attachment's content being read: each chunk opens only in its place and order.
pub struct AttachmentContent {
    id: Uuid,
    file: tokio::fs::File,
    opener: StreamOpener,
    remaining: u64,
    chunks_left: u64,
}

impl std::fmt::Debug for AttachmentContent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachmentContent")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl AttachmentContent {
    /// The next decrypted chunk, `None` at the end. A chunk that does not open (the file was
    /// changed, cut or moved) is an `Undecryptable` error.
    pub async fn next_chunk(&mut self) -> Result<Option<Zeroizing<Vec<u8>>>> {
        if self.chunks_left == 0 {
            return Ok(None);
        }
        let plain = self.remaining.min(CHUNK as u64) as usize;
        let mut sealed = vec![0u8; plain + TAG];
        self.file.read_exact(&mut sealed).await?;
        self.chunks_left -= 1;
        self.remaining -= plain as u64;
        let chunk = self
            .opener
            .open_chunk(&sealed, self.chunks_left == 0)
            .map_err(|e| StoreError::Undecryptable(format!("attachment {}: {e}", self.id)))?;
        Ok(Some(chunk))
    }
}
