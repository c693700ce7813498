//! The `gifts` aggregate: a purchase of a tier for someone else, which is
//! its own checkout and payment (the buyer may have no account). Its
//! status moves only through conditional updates on the status checked by
//! affected rows, so a payment reported twice, two redemptions racing or a
//! refund link replayed apply once.

use super::DbConnection;
use super::schema::gifts;
use crate::domain::{GiftId, GiftMonths, GiftStatus, ReaderId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A gift as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = gifts)]
pub struct GiftRow {
    pub id: String,
    pub tier_id: String,
    pub months: i32,
    pub amount_cents: i64,
    pub currency: String,
    pub buyer_email: String,
    /// The buyer's account, when they were logged in.
    pub buyer_reader_id: Option<String>,
    pub recipient_email: String,
    pub message: Option<String>,
    pub deliver_at: NaiveDateTime,
    pub status: String,
    pub provider: String,
    pub provider_session_id: Option<String>,
    /// What paid it: a Stripe payment intent (`pi_...`), or `dev_...`.
    pub provider_payment_id: Option<String>,
    pub url: Option<String>,
    /// The development provider's form token (see `checkouts.page_token`).
    pub page_token: Option<String>,
    pub redeem_token_hash: Option<String>,
    pub refund_token_hash: Option<String>,
    pub created_at: NaiveDateTime,
    /// Until when the payment page can be paid.
    pub expires_at: NaiveDateTime,
    pub paid_at: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
    pub redeemed_at: Option<NaiveDateTime>,
    pub redeemed_by: Option<String>,
    pub subscription_id: Option<String>,
    pub refunded_at: Option<NaiveDateTime>,
    /// The provider's refund (`re_...`), or for a chargeback its dispute
    /// (`dp_...`).
    pub provider_refund_id: Option<String>,
    /// Who refunded it (`staff:<id>`, `buyer` through the receipt's link,
    /// or the provider's actor for a refund or dispute made there).
    pub refunded_by: Option<String>,
}

impl GiftRow {
    /// The typed id.
    pub fn gift_id(&self) -> GiftId {
        GiftId::from_db(self.id.clone())
    }

    /// The status; `None` for a value this build does not know (treated as
    /// opening nothing).
    pub fn status(&self) -> Option<GiftStatus> {
        GiftStatus::parse(&self.status)
    }

    /// The length (the database allows only the lengths on sale).
    pub fn months(&self) -> Option<GiftMonths> {
        GiftMonths::from_db(self.months)
    }
}

/// A gift to record as `open`.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = gifts)]
pub struct NewGift<'a> {
    pub id: &'a str,
    pub tier_id: &'a str,
    pub months: i32,
    pub amount_cents: i64,
    pub currency: &'a str,
    pub buyer_email: &'a str,
    pub buyer_reader_id: Option<&'a str>,
    pub recipient_email: &'a str,
    pub message: Option<&'a str>,
    pub deliver_at: NaiveDateTime,
    pub status: &'a str,
    pub provider: &'a str,
    pub page_token: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Records a new gift.
pub fn insert(conn: &mut DbConnection, gift: &NewGift<'_>) -> QueryResult<()> {
    diesel::insert_into(gifts::table)
        .values(gift)
        .execute(conn)
        .map(drop)
}

/// One gift by id.
pub fn find(conn: &mut DbConnection, id: &GiftId) -> QueryResult<Option<GiftRow>> {
    gifts::table
        .find(id.as_str())
        .select(GiftRow::as_select())
        .first(conn)
        .optional()
}

/// The gift whose payment page the provider knows as `session`.
pub fn find_by_session(conn: &mut DbConnection, session: &str) -> QueryResult<Option<GiftRow>> {
    gifts::table
        .filter(gifts::provider_session_id.eq(session))
        .select(GiftRow::as_select())
        .first(conn)
        .optional()
}

/// The gift `provider` was paid for by `payment` (a Stripe payment intent,
/// or its charge): how a refund or dispute made at the provider finds it.
pub fn find_by_payment(
    conn: &mut DbConnection,
    provider: &str,
    payment: &[&str],
) -> QueryResult<Option<GiftRow>> {
    gifts::table
        .filter(gifts::provider.eq(provider))
        .filter(gifts::provider_payment_id.eq_any(payment))
        .select(GiftRow::as_select())
        .first(conn)
        .optional()
}

/// The gift whose redemption token hashes to `hash`.
pub fn find_by_redeem_hash(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<GiftRow>> {
    gifts::table
        .filter(gifts::redeem_token_hash.eq(hash))
        .select(GiftRow::as_select())
        .first(conn)
        .optional()
}

/// The gift whose refund token hashes to `hash`.
pub fn find_by_refund_hash(conn: &mut DbConnection, hash: &str) -> QueryResult<Option<GiftRow>> {
    gifts::table
        .filter(gifts::refund_token_hash.eq(hash))
        .select(GiftRow::as_select())
        .first(conn)
        .optional()
}

/// Remembers the provider's payment page of an open gift.
pub fn set_provider_session(
    conn: &mut DbConnection,
    id: &GiftId,
    session: &str,
    url: &str,
) -> QueryResult<()> {
    diesel::update(gifts::table.find(id.as_str()))
        .set((gifts::provider_session_id.eq(session), gifts::url.eq(url)))
        .execute(conn)
        .map(drop)
}

/// `open` to `paid`, with what paid it and the hash of the buyer's refund
/// token; `false` when it was not open any more (reported twice, or
/// expired).
pub fn mark_paid(
    conn: &mut DbConnection,
    id: &GiftId,
    payment: &str,
    refund_token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let moved = diesel::update(
        gifts::table
            .find(id.as_str())
            .filter(gifts::status.eq(GiftStatus::Open.as_str())),
    )
    .set((
        gifts::status.eq(GiftStatus::Paid.as_str()),
        gifts::provider_payment_id.eq(payment),
        gifts::refund_token_hash.eq(refund_token_hash),
        gifts::paid_at.eq(now),
    ))
    .execute(conn)?;
    Ok(moved == 1)
}

/// An open gift given up (its page cancelled, or never opened).
pub fn expire(conn: &mut DbConnection, id: &GiftId) -> QueryResult<bool> {
    let moved = diesel::update(
        gifts::table
            .find(id.as_str())
            .filter(gifts::status.eq(GiftStatus::Open.as_str())),
    )
    .set(gifts::status.eq(GiftStatus::Expired.as_str()))
    .execute(conn)?;
    Ok(moved == 1)
}

/// Marks a paid gift delivered with the hash of its redemption token;
/// `false` when it was delivered already (the job ran twice) or is no
/// longer paid (refunded before its date).
pub fn mark_delivered(
    conn: &mut DbConnection,
    id: &GiftId,
    redeem_token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let moved = diesel::update(
        gifts::table
            .find(id.as_str())
            .filter(gifts::status.eq(GiftStatus::Paid.as_str()))
            .filter(gifts::delivered_at.is_null()),
    )
    .set((
        gifts::redeem_token_hash.eq(redeem_token_hash),
        gifts::delivered_at.eq(now),
    ))
    .execute(conn)?;
    Ok(moved == 1)
}

/// `paid` to `redeemed` by `reader` into `subscription`; `false` when it
/// was not paid any more (redeemed by a racing request, or refunded).
pub fn mark_redeemed(
    conn: &mut DbConnection,
    id: &GiftId,
    reader: &ReaderId,
    subscription: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let moved = diesel::update(
        gifts::table
            .find(id.as_str())
            .filter(gifts::status.eq(GiftStatus::Paid.as_str())),
    )
    .set((
        gifts::status.eq(GiftStatus::Redeemed.as_str()),
        gifts::redeemed_by.eq(reader.as_str()),
        gifts::redeemed_at.eq(now),
        gifts::subscription_id.eq(subscription),
    ))
    .execute(conn)?;
    Ok(moved == 1)
}

/// `paid` or `redeemed` to `refunded`; `false` when it was refunded
/// already (a replayed link, two staff at once).
pub fn mark_refunded(
    conn: &mut DbConnection,
    id: &GiftId,
    provider_refund_id: Option<&str>,
    actor: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let moved =
        diesel::update(gifts::table.find(id.as_str()).filter(
            gifts::status.eq_any([GiftStatus::Paid.as_str(), GiftStatus::Redeemed.as_str()]),
        ))
        .set((
            gifts::status.eq(GiftStatus::Refunded.as_str()),
            gifts::provider_refund_id.eq(provider_refund_id),
            gifts::refunded_by.eq(actor),
            gifts::refunded_at.eq(now),
        ))
        .execute(conn)?;
    Ok(moved == 1)
}

/// The gifts a reader bought (logged in, or with their address) and those
/// they redeemed, newest first: what staff see on the reader's page.
pub fn for_reader(
    conn: &mut DbConnection,
    reader: &ReaderId,
    email: &str,
) -> QueryResult<Vec<GiftRow>> {
    gifts::table
        .filter(
            gifts::buyer_reader_id
                .eq(reader.as_str())
                .or(gifts::buyer_email.eq(email))
                .or(gifts::redeemed_by.eq(reader.as_str())),
        )
        .filter(gifts::status.ne(GiftStatus::Open.as_str()))
        .filter(gifts::status.ne(GiftStatus::Expired.as_str()))
        .order((gifts::created_at.desc(), gifts::id.desc()))
        .select(GiftRow::as_select())
        .load(conn)
}

/// Every gift of a reader's own data export: those [`for_reader`] lists,
/// with the ones never paid (open and expired), and those delivered to
/// their address (a gift not delivered yet stays a surprise).
pub fn all_for_reader(
    conn: &mut DbConnection,
    reader: &ReaderId,
    email: &str,
) -> QueryResult<Vec<GiftRow>> {
    gifts::table
        .filter(
            gifts::buyer_reader_id
                .eq(reader.as_str())
                .or(gifts::buyer_email.eq(email))
                .or(gifts::redeemed_by.eq(reader.as_str()))
                .or(gifts::recipient_email
                    .eq(email)
                    .and(gifts::delivered_at.is_not_null())),
        )
        .order((gifts::created_at.desc(), gifts::id.desc()))
        .select(GiftRow::as_select())
        .load(conn)
}
