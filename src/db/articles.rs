//! The `articles` aggregate as editors manage it: every article, published
//! or not, with its issue's number and its audio file's details. What
//! readers see lives in `catalogue.rs`.

use super::schema::{articles, issues, media_files};
use super::{DbConnection, InsertError};
use crate::domain::{AudioSource, MeterRule, Paging, Visibility};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// An article as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub struct ArticleRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub dek: String,
    pub author: String,
    pub body: String,
    pub issue_id: Option<String>,
    pub visibility: Visibility,
    pub paywall_cut: Option<i32>,
    pub audio_media_id: Option<String>,
    pub audio_duration_seconds: Option<i32>,
    pub publication_date: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// The editors' last change (publishing included; narration leaves it
    /// alone, so it names the version of the text that was narrated).
    pub updated_at: NaiveDateTime,
    /// Where the audio came from, while there is audio.
    pub audio_source: Option<AudioSource>,
    /// How the metered paywall treats it.
    pub meter_rule: MeterRule,
}

/// An article with its issue's number and its audio file's type and size.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub struct ArticleRecord {
    #[diesel(embed)]
    pub article: ArticleRow,
    #[diesel(select_expression = issues::number.nullable())]
    pub issue_number: Option<i32>,
    #[diesel(select_expression = media_files::content_type.nullable())]
    pub audio_content_type: Option<String>,
    #[diesel(select_expression = media_files::size_bytes.nullable())]
    pub audio_size_bytes: Option<i64>,
}

/// A new article (unpublished: `published_at` stays NULL).
#[derive(Debug, Insertable)]
#[diesel(table_name = articles)]
pub struct NewArticle<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub title: &'a str,
    pub dek: &'a str,
    pub author: &'a str,
    pub body: &'a str,
    pub issue_id: Option<&'a str>,
    pub visibility: Visibility,
    pub paywall_cut: Option<i32>,
    pub meter_rule: MeterRule,
    pub publication_date: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The fields an editor may change; `None` leaves a field alone.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = articles)]
pub struct ArticleChanges {
    pub slug: Option<String>,
    pub title: Option<String>,
    pub dek: Option<String>,
    pub author: Option<String>,
    pub body: Option<String>,
    pub issue_id: Option<Option<String>>,
    pub visibility: Option<Visibility>,
    pub paywall_cut: Option<Option<i32>>,
    pub meter_rule: Option<MeterRule>,
    pub publication_date: Option<NaiveDateTime>,
    /// Always set, so a change set is never empty.
    pub updated_at: NaiveDateTime,
}

/// Articles joined to their issue and their audio file.
macro_rules! articles_with_details {
    () => {
        articles::table.left_join(issues::table).left_join(
            media_files::table.on(articles::audio_media_id.eq(media_files::id.nullable())),
        )
    };
}

/// Inserts an article; a taken slug is [`InsertError::Taken`].
pub fn insert(conn: &mut DbConnection, article: &NewArticle<'_>) -> Result<(), InsertError> {
    diesel::insert_into(articles::table)
        .values(article)
        .execute(conn)
        .map(drop)
        .map_err(InsertError::from)
}

/// One article by slug, published or not.
pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<ArticleRecord>> {
    articles_with_details!()
        .filter(articles::slug.eq(slug))
        .select(ArticleRecord::as_select())
        .first(conn)
        .optional()
}

/// The id of the article with this slug, published or not.
pub fn id_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<String>> {
    articles::table
        .filter(articles::slug.eq(slug))
        .select(articles::id)
        .first(conn)
        .optional()
}

/// One article by id, published or not.
pub fn find_by_id(conn: &mut DbConnection, id: &str) -> QueryResult<Option<ArticleRow>> {
    articles::table
        .find(id)
        .select(ArticleRow::as_select())
        .first(conn)
        .optional()
}

/// Which articles an editors' list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArticleFilter {
    /// Only articles of the issue with this number.
    pub issue_number: Option<i32>,
    /// Only published articles without audio (what a narrator, or an
    /// editor with a microphone, has still to do).
    pub published_without_audio: bool,
}

/// A page of the articles `filter` picks, newest publication date first;
/// and how many there are in all.
pub fn list_all(
    conn: &mut DbConnection,
    filter: ArticleFilter,
    paging: Paging,
) -> QueryResult<(Vec<ArticleRecord>, i64)> {
    let mut page = articles_with_details!()
        .select(ArticleRecord::as_select())
        .into_boxed();
    let mut count = articles::table
        .left_join(issues::table)
        .count()
        .into_boxed();
    if let Some(number) = filter.issue_number {
        page = page.filter(issues::number.eq(number));
        count = count.filter(issues::number.eq(number));
    }
    if filter.published_without_audio {
        let without_audio = || {
            articles::published_at
                .is_not_null()
                .and(articles::audio_media_id.is_null())
        };
        page = page.filter(without_audio());
        count = count.filter(without_audio());
    }
    let items = page
        .order((articles::publication_date.desc(), articles::slug.asc()))
        .limit(paging.per_page())
        .offset(paging.offset())
        .load(conn)?;
    Ok((items, count.get_result(conn)?))
}

/// Applies changes to the article with this slug; returns how many rows
/// changed (0: no such article). A taken new slug is [`InsertError::Taken`].
pub fn update(
    conn: &mut DbConnection,
    slug: &str,
    changes: &ArticleChanges,
) -> Result<usize, InsertError> {
    diesel::update(articles::table.filter(articles::slug.eq(slug)))
        .set(changes)
        .execute(conn)
        .map_err(InsertError::from)
}

/// Publishes the article unless it already is (its first `published_at`
/// stands); returns how many rows changed.
pub fn publish(conn: &mut DbConnection, slug: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        articles::table
            .filter(articles::slug.eq(slug))
            .filter(articles::published_at.is_null()),
    )
    .set((articles::published_at.eq(now), articles::updated_at.eq(now)))
    .execute(conn)
}

/// Takes the article off the public catalogue; returns how many rows changed.
pub fn unpublish(conn: &mut DbConnection, slug: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        articles::table
            .filter(articles::slug.eq(slug))
            .filter(articles::published_at.is_not_null()),
    )
    .set((
        articles::published_at.eq(None::<NaiveDateTime>),
        articles::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Points the article at an editor's recording and records its duration.
pub fn set_recorded_audio(
    conn: &mut DbConnection,
    article_id: &str,
    media_id: &str,
    duration_seconds: i32,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(articles::table.find(article_id))
        .set((
            articles::audio_media_id.eq(media_id),
            articles::audio_duration_seconds.eq(duration_seconds),
            articles::audio_source.eq(Some(AudioSource::Recorded)),
            articles::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Points the article at narrated audio, only while it still is the
/// version that was narrated (`updated_at` unchanged) and has no
/// recording: an upload or an edit that commits while the narrator runs
/// wins. `updated_at` is left alone (narration is not an editor's change).
/// Returns whether the article was changed.
pub fn set_narrated_audio(
    conn: &mut DbConnection,
    article_id: &str,
    media_id: &str,
    duration_seconds: i32,
    version: NaiveDateTime,
) -> QueryResult<bool> {
    let not_recorded = articles::audio_source
        .is_null()
        .or(articles::audio_source.ne(AudioSource::Recorded));
    diesel::update(
        articles::table
            .find(article_id)
            .filter(articles::updated_at.eq(version))
            .filter(not_recorded),
    )
    .set((
        articles::audio_media_id.eq(media_id),
        articles::audio_duration_seconds.eq(duration_seconds),
        articles::audio_source.eq(Some(AudioSource::Narrated)),
    ))
    .execute(conn)
    .map(|updated| updated == 1)
}
