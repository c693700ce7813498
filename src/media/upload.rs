//! Streams a `multipart/form-data` upload into the media folder. The part
//! named `file` is written chunk by chunk to `<media>/tmp/` while its
//! SHA-256 is computed; the upload stops with 413 the moment it passes the
//! size limit and with 415 as soon as its first bytes or its declared type
//! are wrong. A file only leaves `tmp/` once it is whole and checked, and a
//! guard removes it on every failure (client gone included), so no partial
//! file is ever left behind.

use super::stored::{FileGuard, ReceivedFile, blocking};
use super::{MediaFormat, MediaKind, format::SNIFF_BYTES};
use crate::domain::FieldError;
use crate::error::ApiError;
use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::{HttpRequest, http::header};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// The name of the multipart part that carries the file.
pub const FILE_FIELD: &str = "file";
/// Largest accepted text part (e.g. `duration_seconds`).
const TEXT_FIELD_MAX_BYTES: usize = 1024;
/// Most text parts accepted beside the file.
const TEXT_FIELDS_MAX: usize = 16;
/// Bytes gathered before one write, so the blocking pool is not asked per
/// network chunk.
const FLUSH_BYTES: usize = 256 * 1024;
/// Room for boundaries, part headers and text parts when judging a
/// declared `Content-Length` against the file limit.
const ENVELOPE_BYTES: u64 = 64 * 1024;

/// What an endpoint accepts.
#[derive(Debug, Clone, Copy)]
pub struct UploadRules {
    /// Audio or edition: decides the accepted formats.
    pub kind: MediaKind,
    /// Largest accepted file, in bytes.
    pub max_bytes: u64,
}

/// A multipart request read to its end: the checked file, still in `tmp/`,
/// and the small text parts sent beside it.
pub struct Upload {
    /// The file, removed from `tmp/` when dropped without being persisted.
    pub file: ReceivedFile,
    /// Text parts by name.
    pub fields: HashMap<String, String>,
}

/// Reads the whole multipart request: the `file` part streamed to `tmp/`
/// and checked, every other part as short text.
pub async fn receive(
    req: &HttpRequest,
    mut multipart: Multipart,
    media_dir: &Path,
    rules: UploadRules,
) -> Result<Upload, ApiError> {
    reject_declared_oversize(req, rules)?;
    let mut file = None;
    let mut fields = HashMap::new();
    while let Some(part) = multipart.next().await {
        let mut part = part.map_err(multipart_error)?;
        let name = part.name().unwrap_or_default().to_owned();
        if name == FILE_FIELD {
            if file.is_some() {
                return Err(ApiError::invalid_field(
                    FieldError::new("duplicate", "send exactly one file").at(FILE_FIELD),
                ));
            }
            file = Some(receive_file(&mut part, media_dir, rules).await?);
        } else {
            if fields.len() >= TEXT_FIELDS_MAX {
                return Err(ApiError::bad_request(
                    "too_many_parts",
                    format!("send at most {TEXT_FIELDS_MAX} text parts beside the file"),
                ));
            }
            let value = read_text(&mut part, &name).await?;
            fields.insert(name, value);
        }
    }
    let file = file.ok_or_else(|| {
        ApiError::invalid_field(
            FieldError::new("required", "attach the file as the multipart part `file`")
                .at(FILE_FIELD),
        )
    })?;
    Ok(Upload { file, fields })
}

fn too_large(rules: UploadRules) -> ApiError {
    ApiError::PayloadTooLarge {
        limit: usize::try_from(rules.max_bytes).unwrap_or(usize::MAX),
    }
}

/// Refuses at once a request whose declared length cannot fit.
fn reject_declared_oversize(req: &HttpRequest, rules: UploadRules) -> Result<(), ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    match declared {
        Some(length) if length > rules.max_bytes.saturating_add(ENVELOPE_BYTES) => {
            Err(too_large(rules))
        }
        _ => Ok(()),
    }
}

/// The format the part declares, if this endpoint accepts it.
fn declared_format(part: &Field, kind: MediaKind) -> Result<MediaFormat, ApiError> {
    let declared = part
        .content_type()
        .map(|mime| mime.essence_str().to_ascii_lowercase());
    let Some(declared) = declared else {
        return Err(ApiError::UnsupportedMediaType {
            detail: format!("declare the file's content type: {}", kind.accepted()),
        });
    };
    MediaFormat::from_declared(&declared)
        .filter(|format| format.kind() == kind)
        .ok_or_else(|| ApiError::UnsupportedMediaType {
            detail: format!("{declared} is not accepted here; send {}", kind.accepted()),
        })
}

/// Checks the first bytes show the declared format.
pub(super) fn check_content(head: &[u8], declared: MediaFormat) -> Result<(), ApiError> {
    match MediaFormat::sniff(head) {
        Some(found) if found == declared => Ok(()),
        Some(found) => Err(ApiError::UnsupportedMediaType {
            detail: format!(
                "the file was declared {} but its content is {}",
                declared.content_type(),
                found.content_type()
            ),
        }),
        None => Err(ApiError::UnsupportedMediaType {
            detail: format!(
                "the file's content is not {} (its first bytes do not match)",
                declared.content_type()
            ),
        }),
    }
}

async fn receive_file(
    part: &mut Field,
    media_dir: &Path,
    rules: UploadRules,
) -> Result<ReceivedFile, ApiError> {
    let declared = declared_format(part, rules.kind)?;
    let tmp_dir = media_dir.join("tmp");
    let path = tmp_dir.join(format!("{}.part", uuid::Uuid::new_v4()));
    let temp = FileGuard::new(path.clone());
    let file = blocking(move || {
        std::fs::create_dir_all(&tmp_dir)?;
        std::fs::File::create_new(&path)
    })
    .await?;
    let mut sink = Sink {
        file,
        hasher: Sha256::new(),
    };
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let mut checked = false;
    let mut pending = Vec::with_capacity(FLUSH_BYTES);
    let mut size: u64 = 0;
    while let Some(chunk) = part.next().await {
        let chunk = chunk.map_err(multipart_error)?;
        size = size.saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
        if size > rules.max_bytes {
            return Err(too_large(rules));
        }
        if !checked {
            let wanted = (SNIFF_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..wanted]);
            if head.len() == SNIFF_BYTES {
                check_content(&head, declared)?;
                checked = true;
            }
        }
        pending.extend_from_slice(&chunk);
        if pending.len() >= FLUSH_BYTES {
            let full = std::mem::replace(&mut pending, Vec::with_capacity(FLUSH_BYTES));
            sink = sink.write(full).await?;
        }
    }
    if !checked {
        check_content(&head, declared)?;
    }
    let sha256 = sink.finish(pending).await?;
    Ok(ReceivedFile::new(temp, declared, size, sha256))
}

/// Reads a short text part.
async fn read_text(part: &mut Field, name: &str) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = part.next().await {
        let chunk = chunk.map_err(multipart_error)?;
        if bytes.len() + chunk.len() > TEXT_FIELD_MAX_BYTES {
            return Err(ApiError::invalid_field(
                FieldError::new(
                    "too_long",
                    format!("a text part has at most {TEXT_FIELD_MAX_BYTES} bytes"),
                )
                .at(name),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| {
        ApiError::invalid_field(FieldError::new("invalid_encoding", "send text as UTF-8").at(name))
    })
}

/// The open temp file and the hash of what was written to it; both move
/// to the blocking pool for each write.
struct Sink {
    file: std::fs::File,
    hasher: Sha256,
}

impl Sink {
    async fn write(mut self, bytes: Vec<u8>) -> Result<Self, ApiError> {
        blocking(move || {
            self.hasher.update(&bytes);
            self.file.write_all(&bytes)?;
            Ok(self)
        })
        .await
    }

    /// Writes the rest, flushes to disk and returns the hex SHA-256.
    async fn finish(mut self, bytes: Vec<u8>) -> Result<String, ApiError> {
        blocking(move || {
            self.hasher.update(&bytes);
            self.file.write_all(&bytes)?;
            self.file.sync_all()?;
            Ok(format!("{:x}", self.hasher.finalize()))
        })
        .await
    }
}

/// A malformed multipart body is the client's: 415 when it is not
/// multipart at all, 400 otherwise.
fn multipart_error(error: MultipartError) -> ApiError {
    match error {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing => ApiError::UnsupportedMediaType {
            detail: "send the upload as multipart/form-data with a boundary".to_owned(),
        },
        other => ApiError::bad_request(
            "malformed_multipart",
            format!("the multipart body cannot be read: {other}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn rules() -> UploadRules {
        UploadRules {
            kind: MediaKind::Audio,
            max_bytes: 1000,
        }
    }

    fn with_length(length: &str) -> HttpRequest {
        TestRequest::default()
            .insert_header((header::CONTENT_LENGTH, length))
            .to_http_request()
    }

    #[test]
    fn a_declared_length_that_cannot_fit_is_refused_at_once() {
        let refused = reject_declared_oversize(&with_length("100000"), rules());
        assert!(matches!(
            refused,
            Err(ApiError::PayloadTooLarge { limit: 1000 })
        ));
        assert!(
            reject_declared_oversize(&with_length("2000"), rules()).is_ok(),
            "room is left for the multipart envelope"
        );
        assert!(
            reject_declared_oversize(&TestRequest::default().to_http_request(), rules()).is_ok()
        );
    }

    #[test]
    fn content_must_be_what_was_declared() {
        assert!(check_content(b"%PDF-1.7\n", MediaFormat::Pdf).is_ok());
        for (head, declared) in [
            (&b"ID3\x04"[..], MediaFormat::Pdf),
            (b"plain text here", MediaFormat::Pdf),
            (b"OggS\x00\x02", MediaFormat::Mp3),
        ] {
            let error = check_content(head, declared).unwrap_err();
            assert_eq!(error.code(), "unsupported_media_type");
        }
    }
}
