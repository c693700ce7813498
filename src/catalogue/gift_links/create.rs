//! A subscriber or an editor makes a gift link to one article. The
//! allowance is counted inside the write transaction that inserts, after
//! locking the giver's row, so two requests at the last free link (a
//! double click) cannot both get one, on SQLite (one writer) and
//! PostgreSQL (the row lock) alike.

use super::gift_url;
use crate::auth::new_gift_link_token;
use crate::db::gift_links::{self, NewGiftLink};
use crate::db::{self, Database, DbConnection};
use crate::domain::{
    AccessDecision, ReaderId, Resource, Role, Viewer, allowance_month_start, allowance_resets_at,
    decide,
};
use crate::error::ApiError;
use crate::settings::Settings;
use chrono::{DateTime, Utc};

/// A link just made: the token is shown this once (only its hash is kept).
#[derive(Debug)]
pub struct CreatedGiftLink {
    /// The token, for `?gift=`.
    pub token: String,
    /// The site's address of the article with the token.
    pub url: String,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Who asks for a link, and for which article.
pub struct GiftLinkOrder {
    /// The giver.
    pub giver: ReaderId,
    /// The giver's role: editors and admins make publisher links.
    pub role: Role,
    /// The article.
    pub article: std::sync::Arc<crate::cache::CachedArticle>,
    /// Whether the article is in a past issue (the archive perk counts).
    pub in_past_issue: bool,
    /// The expiry asked for (already bounded).
    pub expires_at: Option<DateTime<Utc>>,
}

/// Makes the link: 403 `gift_link_not_allowed` when the giver is no
/// editor and none of their subscriptions grants the article now; 429
/// `gift_link_allowance_used` (with `Retry-After` until the first of next
/// month, UTC) when this month's allowance is spent.
pub async fn create_gift_link(
    db: &Database,
    settings: &Settings,
    order: GiftLinkOrder,
) -> Result<CreatedGiftLink, ApiError> {
    let (token, hash) = new_gift_link_token();
    let allowance = settings.gift_links_per_month;
    let url = gift_url(settings, &order.article, &token);
    let expires_at = order.expires_at;
    db.run(move |conn| {
        let now = Utc::now();
        db::write_transaction(conn, |conn| {
            let publisher = order.role.grants(Role::Editor);
            let subscription = if publisher {
                None
            } else {
                Some(granting_subscription(conn, &order, now)?)
            };
            if !publisher {
                db::readers::lock(conn, &order.giver)?;
                let since = allowance_month_start(now).naive_utc();
                if gift_links::made_since(conn, &order.giver, since)? >= allowance {
                    let resets = allowance_resets_at(now);
                    let wait = u64::try_from((resets - now).num_seconds()).unwrap_or(1);
                    return Err(ApiError::too_many_requests(
                        "gift_link_allowance_used",
                        format!(
                            "you have made your {allowance} gift links this month; more from {}",
                            resets.to_rfc3339()
                        ),
                        wait,
                    ));
                }
            }
            let id = uuid::Uuid::now_v7().to_string();
            gift_links::insert(
                conn,
                &NewGiftLink {
                    id: &id,
                    token_hash: &hash,
                    article_id: &order.article.id,
                    giver_id: order.giver.as_str(),
                    subscription_id: subscription.as_deref(),
                    publisher: i32::from(publisher),
                    opens: 0,
                    created_at: now.naive_utc(),
                    expires_at: expires_at.map(|t| t.naive_utc()),
                },
            )?;
            Ok(())
        })
    })
    .await?;
    Ok(CreatedGiftLink {
        token,
        url,
        expires_at,
    })
}

/// The id of a subscription of the giver that grants the article's full
/// text now on its own: the link lives and dies with it (a refund of it
/// ends the link).
fn granting_subscription(
    conn: &mut DbConnection,
    order: &GiftLinkOrder,
    now: DateTime<Utc>,
) -> Result<String, ApiError> {
    let resource = Resource::Article {
        visibility: order.article.visibility,
        in_past_issue: order.in_past_issue,
    };
    db::subscriptions::for_reader_with_perks(conn, &order.giver)?
        .into_iter()
        .find_map(|(row, perks)| {
            let snapshot = row.snapshot(perks)?;
            let alone = [snapshot];
            let granted = alone[0].grants_access(now)
                && decide(
                    &Viewer::Reader {
                        subscriptions: &alone,
                    },
                    &resource,
                    now,
                ) == AccessDecision::Granted;
            granted.then_some(row.id)
        })
        .ok_or_else(|| {
            ApiError::forbidden(
                "gift_link_not_allowed",
                "only a subscriber whose subscription opens this article (or an editor) can give it",
            )
        })
}
