//! Gift links to one article: a subscriber (within a monthly allowance) or
//! an editor (unlimited, for the magazine) makes a link; anyone holding it
//! reads that article's full text; the giver sees how often it was opened
//! and can revoke it. The rules are in `domain::gift_link` and the gate.

pub mod create;
pub mod list;
pub mod open;
pub mod revoke;

use crate::db::catalogue::PublishedArticle;
use crate::db::gift_links::GiftLinkRow;
use crate::settings::Settings;
use crate::site_url::site_url;
use chrono::{DateTime, Utc};

/// The site's address of `article` opened with `token`.
pub fn gift_url(settings: &Settings, article: &PublishedArticle, token: &str) -> String {
    site_url(
        settings,
        &format!("/articles/{}?gift={token}", article.slug),
    )
}

/// Who a link says the gift is from: the giver's display name, or for a
/// publisher link the magazine (`MASTHEAD_GIFT_LINKS_PUBLISHER_NAME`).
pub fn given_by(settings: &Settings, link: &GiftLinkRow) -> String {
    if link.is_publisher() {
        settings.gift_links_publisher_name.clone()
    } else {
        link.giver_name.clone()
    }
}

/// Whether the link still opens its own article at `now`.
pub fn still_works(link: &GiftLinkRow, now: DateTime<Utc>) -> bool {
    link.pass().opens(&link.article_id, now)
}
