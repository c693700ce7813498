//! Files of the media folder and their lifetimes: an upload waits in
//! `tmp/` until it is whole and checked, then moves to its final name; a
//! guard removes either copy whenever the request fails (or is dropped)
//! before the database records it.

use super::{MediaFormat, MediaKind};
use crate::db::media::NewMediaFile;
use crate::error::ApiError;
use actix_web::web;
use chrono::NaiveDateTime;
use std::path::{Path, PathBuf};

/// A whole, checked file waiting in `tmp/`.
pub struct ReceivedFile {
    temp: FileGuard,
    format: MediaFormat,
    size_bytes: u64,
    sha256: String,
}

/// What the database records about a stored file.
#[derive(Debug, Clone)]
pub struct MediaRecord {
    /// The `media_files` id (also the file's name).
    pub id: String,
    /// Audio or edition.
    pub kind: MediaKind,
    /// Relative to the media folder.
    pub path: String,
    /// The canonical content type of the detected format.
    pub content_type: &'static str,
    /// Size in bytes.
    pub size_bytes: i64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

impl MediaRecord {
    /// The row to insert.
    pub fn as_new_row(&self, created_at: NaiveDateTime) -> NewMediaFile<'_> {
        NewMediaFile {
            id: &self.id,
            kind: self.kind,
            path: &self.path,
            content_type: self.content_type,
            size_bytes: self.size_bytes,
            sha256: &self.sha256,
            created_at,
        }
    }
}

/// A file in its final place in the media folder; removed when dropped
/// unless [`StoredFile::keep`] says the database now records it.
pub struct StoredFile {
    guard: FileGuard,
    /// What to record.
    pub record: MediaRecord,
}

impl StoredFile {
    /// Keeps the file for good: call once the row is committed.
    pub fn keep(mut self) {
        self.guard.keep = true;
    }
}

/// Removes its path on drop unless told to keep it.
pub(super) struct FileGuard {
    path: PathBuf,
    keep: bool,
}

impl FileGuard {
    /// Guards `path` (which need not exist yet).
    pub(super) fn new(path: PathBuf) -> Self {
        Self { path, keep: false }
    }
}

impl Drop for FileGuard {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        // An unlink is quick; doing it here (not on the blocking pool) means
        // it also happens when the request future is dropped mid-upload.
        if let Err(error) = std::fs::remove_file(&self.path)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(%error, path = %self.path.display(), "cannot remove an unused media file");
        }
    }
}

impl ReceivedFile {
    /// A file `temp` guards, whole and checked.
    pub(super) fn new(
        temp: FileGuard,
        format: MediaFormat,
        size_bytes: u64,
        sha256: String,
    ) -> Self {
        Self {
            temp,
            format,
            size_bytes,
            sha256,
        }
    }

    /// Moves the file from `tmp/` to `<media>/<uuid>.<ext>`.
    pub fn persist(self, media_dir: &Path) -> Result<StoredFile, ApiError> {
        let Self {
            mut temp,
            format,
            size_bytes,
            sha256,
        } = self;
        let id = uuid::Uuid::now_v7().to_string();
        let path = format!("{id}.{}", format.extension());
        let target = media_dir.join(&path);
        // A rename within one folder tree is a metadata update, done inline
        // so no cancellation can fall between moving the file and guarding
        // its new path.
        std::fs::rename(&temp.path, &target).map_err(io_error)?;
        temp.keep = true;
        Ok(StoredFile {
            guard: FileGuard::new(target),
            record: MediaRecord {
                id,
                kind: format.kind(),
                path,
                content_type: format.content_type(),
                size_bytes: i64::try_from(size_bytes).unwrap_or(i64::MAX),
                sha256,
            },
        })
    }
}

/// Removes a file the database no longer records (a replaced edition or
/// audio); a failure is logged, never shown: the new file is in place.
pub async fn remove_replaced(media_dir: &Path, relative_path: String) {
    let path = media_dir.join(relative_path);
    let shown = path.display().to_string();
    if let Err(error) = blocking(move || std::fs::remove_file(path)).await {
        tracing::warn!(%error, path = shown, "cannot remove a replaced media file");
    }
}

/// Runs file I/O on the blocking pool.
pub(super) async fn blocking<T, F>(f: F) -> Result<T, ApiError>
where
    F: FnOnce() -> std::io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    web::block(f)
        .await
        .map_err(|error| ApiError::Unexpected(anyhow::anyhow!("blocking task failed: {error}")))?
        .map_err(io_error)
}

pub(super) fn io_error(error: std::io::Error) -> ApiError {
    ApiError::Unexpected(anyhow::Error::new(error).context("media file I/O failed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_remove_files_unless_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (dropped, kept) = (dir.path().join("dropped"), dir.path().join("kept"));
        for path in [&dropped, &kept] {
            std::fs::write(path, b"x").unwrap();
        }
        drop(FileGuard {
            path: dropped.clone(),
            keep: false,
        });
        drop(FileGuard {
            path: kept.clone(),
            keep: true,
        });
        assert!(!dropped.exists());
        assert!(kept.exists());
        drop(FileGuard {
            path: dir.path().join("never-created"),
            keep: false,
        });
    }
}
