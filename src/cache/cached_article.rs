//! A published article as the cache keeps it: the row, its teaser cut once
//! rather than on every anonymous page view, and room for the page's JSON
//! pieces, which the web layer renders on the first view and every later
//! view of the entry reuses (the row does not change while it is cached:
//! an editor's change drops the entry).

use crate::db::catalogue::PublishedArticle;
use crate::domain::teaser;
use std::ops::Deref;
use std::sync::OnceLock;

/// A cached published article.
#[derive(Debug)]
pub struct CachedArticle {
    article: PublishedArticle,
    /// What a visitor without access reads.
    pub teaser: String,
    /// The page's JSON pieces, rendered on first use by the web layer,
    /// which alone knows their shape (see `routes::articles::page_json`).
    pub rendered: OnceLock<RenderedPage>,
}

/// The parts of an article page's JSON that are the same for every
/// visitor, as bytes ready to be joined around the visitor's own part.
#[derive(Debug)]
pub struct RenderedPage {
    /// Everything before the visitor's access answer.
    pub head: Box<[u8]>,
    /// What follows the access answer when the visitor reads in full.
    pub full: Box<[u8]>,
    /// What follows it when the visitor reads the teaser.
    pub teaser: Box<[u8]>,
}

impl CachedArticle {
    /// The entry for a row just read.
    pub fn new(article: PublishedArticle) -> Self {
        Self {
            teaser: teaser(&article.body, article.paywall_cut),
            article,
            rendered: OnceLock::new(),
        }
    }
}

impl Deref for CachedArticle {
    type Target = PublishedArticle;

    fn deref(&self) -> &PublishedArticle {
        &self.article
    }
}
