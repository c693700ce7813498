//! What readers can see of the catalogue: published issues and articles.
//! An article is visible when it is published and, if it belongs to an
//! issue, that issue is published too. Editors' writes live in `issues.rs`
//! and `articles.rs`.

use super::DbConnection;
use super::schema::{articles, issues, media_files};
use crate::domain::{AudioSource, MeterRule, Paging, Visibility};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A published article with what the gate and the page need.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub struct PublishedArticle {
    /// The article's id, which a gift link names (a slug may change).
    pub id: String,
    pub slug: String,
    pub title: String,
    pub dek: String,
    pub author: String,
    pub body: String,
    pub visibility: Visibility,
    pub paywall_cut: Option<i32>,
    pub audio_media_id: Option<String>,
    pub audio_duration_seconds: Option<i32>,
    pub audio_source: Option<AudioSource>,
    /// How the metered paywall treats it.
    pub meter_rule: MeterRule,
    pub publication_date: NaiveDateTime,
    #[diesel(select_expression = issues::number.nullable())]
    pub issue_number: Option<i32>,
    #[diesel(select_expression = issues::title.nullable())]
    pub issue_title: Option<String>,
}

/// A published issue.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = issues)]
pub struct PublishedIssue {
    pub number: i32,
    pub volume: i32,
    pub year: i32,
    pub title: String,
    pub cover_image_url: Option<String>,
    pub publication_date: NaiveDateTime,
    pub edition_media_id: Option<String>,
}

/// A stored media file.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = media_files)]
pub struct MediaFile {
    pub id: String,
    pub path: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// Articles readers may see: published, in no issue or a published one.
macro_rules! visible_articles {
    () => {
        articles::table
            .left_join(issues::table)
            .filter(articles::published_at.is_not_null())
            .filter(
                articles::issue_id
                    .is_null()
                    .or(issues::published_at.is_not_null()),
            )
    };
}

/// One visible article by slug.
pub fn published_article(
    conn: &mut DbConnection,
    slug: &str,
) -> QueryResult<Option<PublishedArticle>> {
    visible_articles!()
        .filter(articles::slug.eq(slug))
        .select(PublishedArticle::as_select())
        .first(conn)
        .optional()
}

/// A page of visible articles, newest first, optionally of one issue; and
/// how many there are in all.
pub fn published_articles(
    conn: &mut DbConnection,
    issue_number: Option<i32>,
    paging: Paging,
) -> QueryResult<(Vec<PublishedArticle>, i64)> {
    let mut page = visible_articles!()
        .select(PublishedArticle::as_select())
        .into_boxed();
    let mut count = visible_articles!().count().into_boxed();
    if let Some(number) = issue_number {
        page = page.filter(issues::number.eq(number));
        count = count.filter(issues::number.eq(number));
    }
    let items = page
        .order((articles::publication_date.desc(), articles::slug.asc()))
        .limit(paging.per_page())
        .offset(paging.offset())
        .load(conn)?;
    Ok((items, count.get_result(conn)?))
}

/// The newest published issue's number.
pub fn current_issue_number(conn: &mut DbConnection) -> QueryResult<Option<i32>> {
    issues::table
        .filter(issues::published_at.is_not_null())
        .select(diesel::dsl::max(issues::number))
        .first(conn)
}

/// A page of published issues, newest first, and how many there are.
pub fn published_issues(
    conn: &mut DbConnection,
    paging: Paging,
) -> QueryResult<(Vec<PublishedIssue>, i64)> {
    let items = issues::table
        .filter(issues::published_at.is_not_null())
        .order(issues::number.desc())
        .limit(paging.per_page())
        .offset(paging.offset())
        .select(PublishedIssue::as_select())
        .load(conn)?;
    let total = issues::table
        .filter(issues::published_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok((items, total))
}

/// One published issue by number.
pub fn published_issue(
    conn: &mut DbConnection,
    number: i32,
) -> QueryResult<Option<PublishedIssue>> {
    issues::table
        .filter(issues::published_at.is_not_null())
        .filter(issues::number.eq(number))
        .select(PublishedIssue::as_select())
        .first(conn)
        .optional()
}

/// A media file by id.
pub fn media_file(conn: &mut DbConnection, id: &str) -> QueryResult<Option<MediaFile>> {
    media_files::table
        .find(id)
        .select(MediaFile::as_select())
        .first(conn)
        .optional()
}
