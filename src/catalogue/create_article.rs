//! An editor creates an article, unpublished until it is published
//! explicitly. The demo magazine is made through [`insert`] too.

use super::{article_not_found, edit, issue_id, slug_taken};
use crate::cache::AppCache;
use crate::db::audit_log::AuditEntry;
use crate::db::{self, Database, DbConnection, articles::ArticleRecord, articles::NewArticle};
use crate::domain::{
    ArticleBody, Author, Dek, IssueNumber, MeterRule, PaywallCut, PublicationDate, Slug, Title,
    Visibility,
};
use crate::error::ApiError;
use chrono::NaiveDateTime;

/// A new article, every field checked.
#[derive(Debug, Clone)]
pub struct ArticleDraft {
    /// The URL name (unique).
    pub slug: Slug,
    /// Headline.
    pub title: Title,
    /// Standfirst.
    pub dek: Dek,
    /// Byline.
    pub author: Author,
    /// The full text.
    pub body: ArticleBody,
    /// The issue it appears in, which must exist.
    pub issue_number: Option<IssueNumber>,
    /// Who may read the full text.
    pub visibility: Visibility,
    /// Paragraphs shown before the paywall (`None`: the default cut).
    pub paywall_cut: Option<PaywallCut>,
    /// How the metered paywall treats it.
    pub meter_rule: MeterRule,
    /// The date it carries.
    pub publication_date: PublicationDate,
}

/// Inserts the article inside the caller's transaction and returns its id.
/// 409 `slug_taken`; 422 when `issue_number` names no issue.
pub fn insert(
    conn: &mut DbConnection,
    draft: &ArticleDraft,
    now: NaiveDateTime,
) -> Result<String, ApiError> {
    let issue = draft
        .issue_number
        .map(|number| issue_id(conn, number))
        .transpose()?;
    let id = uuid::Uuid::now_v7().to_string();
    db::articles::insert(
        conn,
        &NewArticle {
            id: &id,
            slug: draft.slug.as_str(),
            title: draft.title.as_str(),
            dek: draft.dek.as_str(),
            author: draft.author.as_str(),
            body: draft.body.as_str(),
            issue_id: issue.as_deref(),
            visibility: draft.visibility,
            paywall_cut: draft.paywall_cut.map(PaywallCut::get),
            meter_rule: draft.meter_rule,
            publication_date: draft.publication_date.naive_utc(),
            created_at: now,
            updated_at: now,
        },
    )
    .map_err(slug_taken)?;
    Ok(id)
}

/// Creates the article, audited, and returns it as stored.
pub async fn create_article(
    db: &Database,
    cache: &AppCache,
    audit: AuditEntry,
    draft: ArticleDraft,
) -> Result<ArticleRecord, ApiError> {
    edit(db, cache, audit, move |conn, now| {
        insert(conn, &draft, now)?;
        db::articles::find_by_slug(conn, draft.slug.as_str())?.ok_or_else(article_not_found)
    })
    .await
}
