//! The `issues` aggregate as editors manage it: every issue, published or
//! not, with its digital edition's file details. What readers see lives in
//! `catalogue.rs`.

use super::schema::{issues, media_files};
use super::{DbConnection, InsertError};
use crate::domain::Paging;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// An issue as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = issues)]
pub struct IssueRow {
    pub id: String,
    pub number: i32,
    pub volume: i32,
    pub year: i32,
    pub title: String,
    pub cover_image_url: Option<String>,
    pub publication_date: NaiveDateTime,
    pub edition_media_id: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An issue with its edition file's type and size (when it has one).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = issues)]
pub struct IssueRecord {
    #[diesel(embed)]
    pub issue: IssueRow,
    #[diesel(select_expression = media_files::content_type.nullable())]
    pub edition_content_type: Option<String>,
    #[diesel(select_expression = media_files::size_bytes.nullable())]
    pub edition_size_bytes: Option<i64>,
}

/// A new issue (unpublished: `published_at` stays NULL).
#[derive(Debug, Insertable)]
#[diesel(table_name = issues)]
pub struct NewIssue<'a> {
    pub id: &'a str,
    pub number: i32,
    pub volume: i32,
    pub year: i32,
    pub title: &'a str,
    pub cover_image_url: Option<&'a str>,
    pub publication_date: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The fields an editor may change; `None` leaves a field alone.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = issues)]
pub struct IssueChanges {
    pub number: Option<i32>,
    pub volume: Option<i32>,
    pub year: Option<i32>,
    pub title: Option<String>,
    pub cover_image_url: Option<Option<String>>,
    pub publication_date: Option<NaiveDateTime>,
    /// Always set, so a change set is never empty.
    pub updated_at: NaiveDateTime,
}

/// Issues joined to their edition file.
macro_rules! issues_with_edition {
    () => {
        issues::table.left_join(
            media_files::table.on(issues::edition_media_id.eq(media_files::id.nullable())),
        )
    };
}

/// Inserts an issue; a taken number is [`InsertError::Taken`].
pub fn insert(conn: &mut DbConnection, issue: &NewIssue<'_>) -> Result<(), InsertError> {
    diesel::insert_into(issues::table)
        .values(issue)
        .execute(conn)
        .map(drop)
        .map_err(InsertError::from)
}

/// One issue by number, published or not.
pub fn find_by_number(conn: &mut DbConnection, number: i32) -> QueryResult<Option<IssueRecord>> {
    issues_with_edition!()
        .filter(issues::number.eq(number))
        .select(IssueRecord::as_select())
        .first(conn)
        .optional()
}

/// The id of the issue with this number, published or not.
pub fn id_by_number(conn: &mut DbConnection, number: i32) -> QueryResult<Option<String>> {
    issues::table
        .filter(issues::number.eq(number))
        .select(issues::id)
        .first(conn)
        .optional()
}

/// A page of every issue, newest number first, and how many there are.
pub fn list_all(conn: &mut DbConnection, paging: Paging) -> QueryResult<(Vec<IssueRecord>, i64)> {
    let items = issues_with_edition!()
        .order(issues::number.desc())
        .limit(paging.per_page())
        .offset(paging.offset())
        .select(IssueRecord::as_select())
        .load(conn)?;
    let total = issues::table.count().get_result(conn)?;
    Ok((items, total))
}

/// Applies changes to the issue with this number; returns how many rows
/// changed (0: no such issue). A taken new number is [`InsertError::Taken`].
pub fn update(
    conn: &mut DbConnection,
    number: i32,
    changes: &IssueChanges,
) -> Result<usize, InsertError> {
    diesel::update(issues::table.filter(issues::number.eq(number)))
        .set(changes)
        .execute(conn)
        .map_err(InsertError::from)
}

/// Publishes the issue unless it already is (its first `published_at`
/// stands); returns how many rows changed.
pub fn publish(conn: &mut DbConnection, number: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        issues::table
            .filter(issues::number.eq(number))
            .filter(issues::published_at.is_null()),
    )
    .set((issues::published_at.eq(now), issues::updated_at.eq(now)))
    .execute(conn)
}

/// Takes the issue off the public catalogue; returns how many rows changed.
pub fn unpublish(conn: &mut DbConnection, number: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        issues::table
            .filter(issues::number.eq(number))
            .filter(issues::published_at.is_not_null()),
    )
    .set((
        issues::published_at.eq(None::<NaiveDateTime>),
        issues::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Points the issue at a new edition file.
pub fn set_edition(
    conn: &mut DbConnection,
    issue_id: &str,
    media_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(issues::table.find(issue_id))
        .set((
            issues::edition_media_id.eq(media_id),
            issues::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}
