//! The `media_files` aggregate: uploaded audio and digital editions. A row
//! records a file stored under the media folder (its path relative to it),
//! what it is and its SHA-256; issues and articles point at rows.

use super::DbConnection;
use super::schema::media_files;
use crate::domain::MediaKind;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A newly stored file.
#[derive(Debug, Insertable)]
#[diesel(table_name = media_files)]
pub struct NewMediaFile<'a> {
    pub id: &'a str,
    pub kind: MediaKind,
    /// Relative to the media folder, e.g. `0190….pdf`.
    pub path: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    /// Lowercase hex.
    pub sha256: &'a str,
    pub created_at: NaiveDateTime,
}

/// Records a stored file.
pub fn insert(conn: &mut DbConnection, file: &NewMediaFile<'_>) -> QueryResult<()> {
    diesel::insert_into(media_files::table)
        .values(file)
        .execute(conn)
        .map(drop)
}

/// Deletes a file's row and returns its relative path, so the caller can
/// remove the file once the transaction has committed; `None` when there
/// was no such row. Nothing may still point at the row.
pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<Option<String>> {
    let path = media_files::table
        .find(id)
        .select(media_files::path)
        .first::<String>(conn)
        .optional()?;
    if path.is_some() {
        diesel::delete(media_files::table.find(id)).execute(conn)?;
    }
    Ok(path)
}
