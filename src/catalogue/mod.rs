//! The catalogue's use cases: editors create, change, publish and
//! unpublish issues and articles and upload their files. Each action is
//! one file; each opens its own write transaction, appends its audit entry
//! in it, and forgets the cached catalogue once it has committed, so a
//! route only parses the request and calls one function here. Publishing
//! queues the article's narration (`narration`) when a narrator is set up.

pub mod create_article;
pub mod create_issue;
pub mod export_mailing_list;
pub mod gift_links;
pub mod mailing_list;
pub mod meter;
pub mod narration;
pub mod publish_article;
pub mod publish_issue;
pub mod unpublish_article;
pub mod unpublish_issue;
pub mod update_article;
pub mod update_issue;
pub mod upload_audio;
pub mod upload_edition;

use crate::cache::AppCache;
use crate::db::{self, Database, DbConnection, InsertError, audit_log::AuditEntry};
use crate::domain::IssueNumber;
use crate::error::{ApiError, FieldError};
use chrono::NaiveDateTime;

/// 404 for a slug nobody created.
pub fn article_not_found() -> ApiError {
    ApiError::not_found("article_not_found", "no article has this slug")
}

/// 404 for an issue number nobody created.
pub fn issue_not_found() -> ApiError {
    ApiError::not_found("issue_not_found", "no issue has this number")
}

/// A refused article write: its slug is taken.
fn slug_taken(error: InsertError) -> ApiError {
    match error {
        InsertError::Taken => ApiError::conflict("slug_taken", "another article has this slug"),
        InsertError::Database(other) => other.into(),
    }
}

/// A refused issue write: its number is taken.
fn number_taken(error: InsertError) -> ApiError {
    match error {
        InsertError::Taken => {
            ApiError::conflict("issue_number_taken", "another issue has this number")
        }
        InsertError::Database(other) => other.into(),
    }
}

/// The id of the issue an article is placed in; an unknown number is a
/// field error of `issue_number`.
fn issue_id(conn: &mut DbConnection, number: IssueNumber) -> Result<String, ApiError> {
    db::issues::id_by_number(conn, number.get())?.ok_or_else(|| {
        ApiError::invalid_field(
            FieldError::new("unknown_issue", "no issue has this number").at("issue_number"),
        )
    })
}

/// Runs one editor's change: `change` (given the time of the change) in a
/// write transaction with `audit` appended, so there is never a change
/// without its entry; then, once committed, the cached catalogue is
/// forgotten so readers see the change on their next request.
async fn edit<T, F>(
    db: &Database,
    cache: &AppCache,
    audit: AuditEntry,
    change: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, NaiveDateTime) -> Result<T, ApiError> + Send + 'static,
{
    let outcome = db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let outcome = change(conn, chrono::Utc::now().naive_utc())?;
                db::audit_log::record(conn, &audit.at(chrono::Utc::now().naive_utc()))?;
                Ok(outcome)
            })
        })
        .await?;
    cache.catalogue_changed();
    Ok(outcome)
}
