//! The `gift_links` aggregate: links to one article, stored under the
//! SHA-256 of their token, with the giver and their opening count.

use super::DbConnection;
use super::schema::{articles, gift_links, readers, subscriptions};
use crate::domain::{GiftPass, Giver, Paging, ReaderId, SubscriptionState};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A new link.
#[derive(Insertable)]
#[diesel(table_name = gift_links)]
pub struct NewGiftLink<'a> {
    pub id: &'a str,
    pub token_hash: &'a str,
    pub article_id: &'a str,
    pub giver_id: &'a str,
    pub subscription_id: Option<&'a str>,
    pub publisher: i32,
    pub opens: i32,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
}

/// A link with what decides whether it still works and what shows it:
/// its article, its giver's name and standing, the state of the
/// subscription it was made under.
#[derive(Debug, Clone, Queryable)]
pub struct GiftLinkRow {
    pub id: String,
    pub article_id: String,
    pub giver_id: String,
    pub publisher: i32,
    pub opens: i32,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub article_slug: String,
    pub article_title: String,
    pub giver_name: String,
    pub giver_disabled_at: Option<NaiveDateTime>,
    pub subscription_state: Option<String>,
}

impl GiftLinkRow {
    /// Whether an editor made it for the magazine.
    pub fn is_publisher(&self) -> bool {
        self.publisher != 0
    }

    /// The link as the gate sees it.
    pub fn pass(&self) -> GiftPass<'_> {
        let disabled = self.giver_disabled_at.is_some();
        GiftPass {
            article_id: &self.article_id,
            expires_at: self.expires_at.map(|t| t.and_utc()),
            revoked: self.revoked_at.is_some(),
            giver: if self.is_publisher() {
                Giver::Publisher { disabled }
            } else {
                Giver::Subscriber {
                    disabled,
                    subscription: self
                        .subscription_state
                        .as_deref()
                        .and_then(SubscriptionState::parse),
                }
            },
        }
    }
}

macro_rules! selection {
    () => {
        (
            gift_links::id,
            gift_links::article_id,
            gift_links::giver_id,
            gift_links::publisher,
            gift_links::opens,
            gift_links::created_at,
            gift_links::expires_at,
            gift_links::revoked_at,
            articles::slug,
            articles::title,
            readers::name,
            readers::disabled_at,
            subscriptions::state.nullable(),
        )
    };
}

macro_rules! joined {
    () => {
        gift_links::table
            .inner_join(articles::table.on(articles::id.eq(gift_links::article_id)))
            .inner_join(readers::table.on(readers::id.eq(gift_links::giver_id)))
            .left_join(
                subscriptions::table
                    .on(subscriptions::id.nullable().eq(gift_links::subscription_id)),
            )
    };
}

/// Stores a link.
pub fn insert(conn: &mut DbConnection, link: &NewGiftLink<'_>) -> QueryResult<()> {
    diesel::insert_into(gift_links::table)
        .values(link)
        .execute(conn)
        .map(drop)
}

/// How many subscriber links `giver` made since `since` (revoked ones
/// count: revoking does not give a link back). Run inside the write
/// transaction that inserts, after locking the giver's row.
pub fn made_since(
    conn: &mut DbConnection,
    giver: &ReaderId,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    gift_links::table
        .filter(gift_links::giver_id.eq(giver.as_str()))
        .filter(gift_links::publisher.eq(0))
        .filter(gift_links::created_at.ge(since))
        .count()
        .get_result(conn)
}

/// The link stored under `token_hash`, if any.
pub fn find_by_hash(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<GiftLinkRow>> {
    joined!()
        .filter(gift_links::token_hash.eq(token_hash))
        .select(selection!())
        .first(conn)
        .optional()
}

/// Counts one full read through the link.
pub fn count_open(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::update(gift_links::table.find(id))
        .set(gift_links::opens.eq(gift_links::opens + 1))
        .execute(conn)
        .map(drop)
}

/// A page of the links `giver` made, newest first, and how many in all.
pub fn for_giver(
    conn: &mut DbConnection,
    giver: &ReaderId,
    paging: Paging,
) -> QueryResult<(Vec<GiftLinkRow>, i64)> {
    let total = gift_links::table
        .filter(gift_links::giver_id.eq(giver.as_str()))
        .count()
        .get_result(conn)?;
    let rows = joined!()
        .filter(gift_links::giver_id.eq(giver.as_str()))
        .order((gift_links::created_at.desc(), gift_links::id.desc()))
        .limit(paging.per_page())
        .offset(paging.offset())
        .select(selection!())
        .load(conn)?;
    Ok((rows, total))
}

/// Revokes `giver`'s link whose id is `id` or whose token hashes to
/// `token_hash`; a revoked link stays revoked at its first time. `false`
/// when the giver has no such link.
pub fn revoke(
    conn: &mut DbConnection,
    giver: &ReaderId,
    id: &str,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let mine = gift_links::table
        .filter(gift_links::giver_id.eq(giver.as_str()))
        .filter(
            gift_links::id
                .eq(id)
                .or(gift_links::token_hash.eq(token_hash)),
        );
    let found: i64 = mine.count().get_result(conn)?;
    if found == 0 {
        return Ok(false);
    }
    diesel::update(mine.filter(gift_links::revoked_at.is_null()))
        .set(gift_links::revoked_at.eq(now))
        .execute(conn)?;
    Ok(true)
}
