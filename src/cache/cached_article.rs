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

/// What an entry holds besides its strings: the structs, the `Arc`, the
/// key and moka's own bookkeeping, and the rendered head's JSON field names
/// and fixed values (about 300 bytes for a summary).
const FIXED_BYTES: usize = 1_024;

impl CachedArticle {
    /// The bytes this entry holds once its page is rendered, for the
    /// cache's byte budget: the row's text, the teaser, and the rendered
    /// page's copies of the summary, the full text and the teaser, weighed
    /// a sixteenth above their source for JSON's escapes (quotes, line
    /// breaks). An estimate rather than a count of allocations, within a
    /// few percent of what the entry keeps.
    pub fn weight(&self) -> u32 {
        let a = &self.article;
        let optional = |text: &Option<String>| text.as_ref().map_or(0, String::len);
        let summary = a.id.len()
            + a.slug.len()
            + a.title.len()
            + a.dek.len()
            + a.author.len()
            + optional(&a.audio_media_id)
            + optional(&a.issue_title);
        let row = summary + a.body.len();
        let rendered = (summary + a.body.len() + self.teaser.len()) * 17 / 16;
        let bytes = row + self.teaser.len() + rendered + FIXED_BYTES;
        u32::try_from(bytes).unwrap_or(u32::MAX)
    }
}

impl Deref for CachedArticle {
    type Target = PublishedArticle;

    fn deref(&self) -> &PublishedArticle {
        &self.article
    }
}
