//! Files the service makes itself (narrated audio) are stored like
//! uploads: written to `tmp/` with their SHA-256, held to the size limit
//! and the format check an upload of their kind gets, and only then handed
//! back as a [`ReceivedFile`] for the caller to persist and record.

use super::stored::{FileGuard, ReceivedFile, blocking};
use super::upload::{UploadRules, check_content};
use super::{MediaFormat, format::SNIFF_BYTES};
use crate::error::ApiError;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

/// Checks `bytes` as an upload declared `declared` under `rules` would be
/// checked (413 past the size limit, 415 when the kind is not accepted or
/// the first bytes are not that format) and writes them to `tmp/`.
pub async fn receive_produced(
    media_dir: &Path,
    rules: UploadRules,
    declared: MediaFormat,
    bytes: Vec<u8>,
) -> Result<ReceivedFile, ApiError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > rules.max_bytes {
        return Err(ApiError::PayloadTooLarge {
            limit: usize::try_from(rules.max_bytes).unwrap_or(usize::MAX),
        });
    }
    if declared.kind() != rules.kind {
        return Err(ApiError::UnsupportedMediaType {
            detail: format!(
                "{} is not accepted here; send {}",
                declared.content_type(),
                rules.kind.accepted()
            ),
        });
    }
    check_content(&bytes[..bytes.len().min(SNIFF_BYTES)], declared)?;
    let tmp_dir = media_dir.join("tmp");
    let path = tmp_dir.join(format!("{}.part", uuid::Uuid::new_v4()));
    let temp = FileGuard::new(path.clone());
    let sha256 = blocking(move || {
        std::fs::create_dir_all(&tmp_dir)?;
        let mut file = std::fs::File::create_new(&path)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        Ok(format!("{:x}", Sha256::digest(&bytes)))
    })
    .await?;
    Ok(ReceivedFile::new(temp, declared, size, sha256))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::MediaKind;

    fn audio(max_bytes: u64) -> UploadRules {
        UploadRules {
            kind: MediaKind::Audio,
            max_bytes,
        }
    }

    #[tokio::test]
    async fn produced_files_get_an_upload_s_checks() {
        let dir = tempfile::tempdir().unwrap();
        let mp3 = [0xFF, 0xF3, 0x60, 0xC4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0].to_vec();
        let refused = |result: Result<ReceivedFile, ApiError>| result.err().map(|e| e.code());
        assert_eq!(
            refused(receive_produced(dir.path(), audio(4), MediaFormat::Mp3, mp3.clone()).await),
            Some("payload_too_large")
        );
        assert_eq!(
            refused(
                receive_produced(
                    dir.path(),
                    audio(100),
                    MediaFormat::Mp3,
                    b"not audio".to_vec()
                )
                .await
            ),
            Some("unsupported_media_type")
        );
        assert_eq!(
            refused(receive_produced(dir.path(), audio(100), MediaFormat::Pdf, mp3.clone()).await),
            Some("unsupported_media_type")
        );
        let file = receive_produced(dir.path(), audio(100), MediaFormat::Mp3, mp3)
            .await
            .unwrap();
        let stored = file.persist(dir.path()).unwrap();
        assert_eq!(stored.record.content_type, "audio/mpeg");
        assert_eq!(stored.record.size_bytes, 14);
        assert!(dir.path().join(&stored.record.path).is_file());
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
            0
        );
    }
}
