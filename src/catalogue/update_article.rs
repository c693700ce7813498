//! An editor changes some of an article's fields, possibly its slug.

use super::{article_not_found, edit, issue_id, slug_taken};
use crate::cache::AppCache;
use crate::db::audit_log::AuditEntry;
use crate::db::{self, Database, articles::ArticleChanges, articles::ArticleRecord};
use crate::domain::{
    ArticleBody, Author, Change, Dek, IssueNumber, MeterRule, PaywallCut, PublicationDate, Slug,
    Title, Visibility,
};
use crate::error::ApiError;

/// What the editor changes; `None` (or [`Change::Keep`]) leaves a field
/// alone.
#[derive(Debug)]
pub struct ArticleEdit {
    /// A new slug.
    pub slug: Option<Slug>,
    /// A new headline.
    pub title: Option<Title>,
    /// A new standfirst.
    pub dek: Option<Dek>,
    /// A new byline.
    pub author: Option<Author>,
    /// A new text.
    pub body: Option<ArticleBody>,
    /// Another issue, or none.
    pub issue_number: Change<IssueNumber>,
    /// Who may read it.
    pub visibility: Option<Visibility>,
    /// Another cut, or the default one.
    pub paywall_cut: Change<PaywallCut>,
    /// Another rule for the metered paywall.
    pub meter_rule: Option<MeterRule>,
    /// Another date.
    pub publication_date: Option<PublicationDate>,
}

/// Applies the edit to the article at `current`, audited, and returns it
/// under its (maybe new) slug. 404 for an unknown slug, 409 `slug_taken`,
/// 422 when `issue_number` names no issue.
pub async fn update_article(
    db: &Database,
    cache: &AppCache,
    audit: AuditEntry,
    current: Slug,
    wanted: ArticleEdit,
) -> Result<ArticleRecord, ApiError> {
    let renamed = wanted.slug.clone().unwrap_or_else(|| current.clone());
    let mut changes = ArticleChanges {
        slug: Some(renamed.as_str().to_owned()).filter(|new| new != current.as_str()),
        title: wanted.title.map(|title| title.as_str().to_owned()),
        dek: wanted.dek.map(|dek| dek.as_str().to_owned()),
        author: wanted.author.map(|author| author.as_str().to_owned()),
        body: wanted.body.map(|text| text.as_str().to_owned()),
        issue_id: None,
        visibility: wanted.visibility,
        paywall_cut: wanted.paywall_cut.into_column(PaywallCut::get),
        meter_rule: wanted.meter_rule,
        publication_date: wanted.publication_date.map(PublicationDate::naive_utc),
        updated_at: chrono::Utc::now().naive_utc(),
    };
    let issue_number = wanted.issue_number;
    edit(db, cache, audit, move |conn, _| {
        changes.issue_id = match issue_number {
            Change::Keep => None,
            Change::Clear => Some(None),
            Change::Set(number) => Some(Some(issue_id(conn, number)?)),
        };
        if db::articles::update(conn, current.as_str(), &changes).map_err(slug_taken)? == 0 {
            return Err(article_not_found());
        }
        db::articles::find_by_slug(conn, renamed.as_str())?.ok_or_else(article_not_found)
    })
    .await
}
