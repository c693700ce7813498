//! The development transport: each message becomes a JSON file in
//! `<data dir>/outbox/`, named `<UTC timestamp>-<uuid>.json` so names sort
//! by sending time, with the fields `id`, `created_at`, `from`, `to`,
//! `subject`, `text`, `html`, and `headers` when the message has extra
//! header fields (`List-Unsubscribe`). Developers open the links from there; the
//! tests read tokens from there.

use super::Email;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One outbox file.
#[derive(Serialize)]
struct OutboxMessage<'a> {
    id: String,
    created_at: String,
    from: &'a str,
    to: &'a str,
    subject: &'a str,
    text: &'a str,
    html: &'a str,
    /// The extra header fields (`List-Unsubscribe`), when there are any.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    headers: &'a BTreeMap<String, String>,
}

/// Writes `email` into `dir` as the message `id` (a job's id), unless a
/// message with that id is there already (a retried job); returns the
/// file's path. Only a retry (`retried`) looks, so a first delivery costs
/// one write however full the outbox is.
pub fn write_once(
    dir: &Path,
    from: &str,
    email: &Email,
    id: &str,
    retried: bool,
) -> std::io::Result<PathBuf> {
    if retried {
        let suffix = format!("-{id}.json");
        for entry in std::fs::read_dir(dir)?.flatten() {
            if entry.file_name().to_string_lossy().ends_with(&suffix) {
                return Ok(entry.path());
            }
        }
    }
    let now = chrono::Utc::now();
    let id = id.to_owned();
    let path = dir.join(format!("{}-{id}.json", now.format("%Y%m%dT%H%M%S%.6fZ")));
    let message = OutboxMessage {
        id,
        created_at: now.to_rfc3339(),
        from,
        to: &email.to,
        subject: &email.subject,
        text: &email.text,
        html: &email.html,
        headers: &email.headers,
    };
    let json = serde_json::to_vec_pretty(&message).map_err(std::io::Error::other)?;
    crate::private_files::write_new_private(&path, &json)?;
    Ok(path)
}
