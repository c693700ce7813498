//! The `checkouts` aggregate: a reader's attempts to buy a tier. A checkout
//! leaves `open` once, through a conditional update, so a confirmation
//! delivered twice (or twice at once) completes it once.

use super::DbConnection;
use super::schema::checkouts;
use crate::domain::{BillingInterval, CheckoutId, CheckoutStatus, ReaderId, SubscriptionId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A checkout as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = checkouts)]
pub struct CheckoutRow {
    pub id: String,
    pub reader_id: String,
    pub tier_id: String,
    pub billing_interval: String,
    pub amount_cents: i64,
    pub currency: String,
    pub provider: String,
    pub provider_session_id: Option<String>,
    pub status: String,
    pub subscription_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
    /// The payment page, once the provider opened it.
    pub url: Option<String>,
    /// The slug of the article that led the reader to buy, if the site said.
    pub source_article: Option<String>,
    /// The development provider's form token: its page's Pay and Cancel
    /// buttons must send it back, so a page elsewhere cannot submit them.
    pub page_token: Option<String>,
    /// The offer the checkout redeems, if any (upper case).
    pub offer_code: Option<String>,
    /// Free days before the first payment (0: no trial).
    pub trial_days: i32,
    /// The amount off each discounted payment, in minor units.
    pub discount_cents: i64,
    /// How many payments the discount covers; `None`: all of them.
    pub discount_payments: Option<i32>,
    /// How many of `trial_days` are a running gift's rest, carried over
    /// (not a trial: the reader's one free trial stays theirs).
    pub gift_days: i32,
}

impl CheckoutRow {
    /// The offer the checkout redeems.
    pub fn offer(&self) -> Option<crate::domain::OfferCode> {
        self.offer_code
            .clone()
            .map(crate::domain::OfferCode::from_db)
    }

    /// What the `nth` real payment (from 1) of the subscription it
    /// creates costs: the quoted price, less the offer's discount while it
    /// lasts.
    pub fn payment_cents(&self, nth: u32) -> i64 {
        let Ok(price) = crate::domain::AmountCents::parse(self.amount_cents) else {
            return self.amount_cents;
        };
        let covered = self
            .discount_payments
            .map(|n| u32::try_from(n).unwrap_or(0));
        crate::domain::payment_amount(price, self.discount_cents, covered, nth)
    }

    /// The typed id.
    pub fn checkout_id(&self) -> CheckoutId {
        CheckoutId::from_db(self.id.clone())
    }

    /// The status; `None` for a stored value this build does not know,
    /// which callers treat as not payable.
    pub fn status(&self) -> Option<CheckoutStatus> {
        CheckoutStatus::parse(&self.status)
    }

    /// The interval the reader chose (`None` if the stored value is unknown).
    pub fn billing_interval(&self) -> Option<BillingInterval> {
        BillingInterval::parse(&self.billing_interval)
    }

    /// The subscription a completed checkout created.
    pub fn subscription(&self) -> Option<SubscriptionId> {
        self.subscription_id.clone().map(SubscriptionId::from_db)
    }
}

/// A checkout to record as `open`, with the price quoted to the reader.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = checkouts)]
pub struct NewCheckout<'a> {
    pub id: &'a str,
    pub reader_id: &'a str,
    pub tier_id: &'a str,
    pub billing_interval: &'a str,
    pub amount_cents: i64,
    pub currency: &'a str,
    pub provider: &'a str,
    pub status: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub source_article: Option<&'a str>,
    pub page_token: Option<&'a str>,
    pub offer_code: Option<&'a str>,
    pub trial_days: i32,
    pub discount_cents: i64,
    pub discount_payments: Option<i32>,
    pub gift_days: i32,
}

/// Records a new checkout.
pub fn insert(conn: &mut DbConnection, checkout: &NewCheckout<'_>) -> QueryResult<()> {
    diesel::insert_into(checkouts::table)
        .values(checkout)
        .execute(conn)
        .map(drop)
}

/// One of `reader`'s checkouts; `None` when it does not exist or belongs to
/// someone else (the caller cannot tell which, so ids cannot be probed).
pub fn find_for_reader(
    conn: &mut DbConnection,
    id: &CheckoutId,
    reader: &ReaderId,
) -> QueryResult<Option<CheckoutRow>> {
    checkouts::table
        .filter(checkouts::id.eq(id.as_str()))
        .filter(checkouts::reader_id.eq(reader.as_str()))
        .select(CheckoutRow::as_select())
        .first(conn)
        .optional()
}

/// A checkout by id alone, for reports that name the checkout but not who
/// started it (a provider's webhook).
pub fn find(conn: &mut DbConnection, id: &CheckoutId) -> QueryResult<Option<CheckoutRow>> {
    checkouts::table
        .find(id.as_str())
        .select(CheckoutRow::as_select())
        .first(conn)
        .optional()
}

/// Remembers the provider's id for the payment page it opened, and the
/// page's URL (to hand back when the reader starts another checkout).
pub fn set_provider_session(
    conn: &mut DbConnection,
    id: &CheckoutId,
    provider_session_id: &str,
    url: &str,
) -> QueryResult<()> {
    diesel::update(checkouts::table.find(id.as_str()))
        .set((
            checkouts::provider_session_id.eq(provider_session_id),
            checkouts::url.eq(url),
        ))
        .execute(conn)
        .map(drop)
}

/// The checkout that created `subscription`, if one did.
pub fn for_subscription(
    conn: &mut DbConnection,
    subscription: &SubscriptionId,
) -> QueryResult<Option<CheckoutRow>> {
    checkouts::table
        .filter(checkouts::subscription_id.eq(subscription.as_str()))
        .select(CheckoutRow::as_select())
        .first(conn)
        .optional()
}

/// The reader's checkout that can still be paid at `now`, if any (the
/// database holds at most one `open` checkout per reader).
pub fn open_for_reader(
    conn: &mut DbConnection,
    reader: &ReaderId,
    now: NaiveDateTime,
) -> QueryResult<Option<CheckoutRow>> {
    checkouts::table
        .filter(checkouts::reader_id.eq(reader.as_str()))
        .filter(checkouts::status.eq(CheckoutStatus::Open.as_str()))
        .filter(checkouts::expires_at.gt(now))
        .select(CheckoutRow::as_select())
        .first(conn)
        .optional()
}

/// Moves the reader's `open` checkouts whose time ran out to `expired`, so
/// they no longer hold the one open place.
pub fn expire_lapsed_for_reader(
    conn: &mut DbConnection,
    reader: &ReaderId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        checkouts::table
            .filter(checkouts::reader_id.eq(reader.as_str()))
            .filter(checkouts::status.eq(CheckoutStatus::Open.as_str()))
            .filter(checkouts::expires_at.le(now)),
    )
    .set(checkouts::status.eq(CheckoutStatus::Expired.as_str()))
    .execute(conn)
}

/// Moves an `open`, unexpired checkout to `completed`; `false` when it was
/// no longer open (completed by someone else first) or has expired.
pub fn claim(conn: &mut DbConnection, id: &CheckoutId, now: NaiveDateTime) -> QueryResult<bool> {
    let claimed = diesel::update(
        checkouts::table
            .filter(checkouts::id.eq(id.as_str()))
            .filter(checkouts::status.eq(CheckoutStatus::Open.as_str()))
            .filter(checkouts::expires_at.gt(now)),
    )
    .set((
        checkouts::status.eq(CheckoutStatus::Completed.as_str()),
        checkouts::completed_at.eq(now),
    ))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Links a completed checkout to the subscription it created.
pub fn attach_subscription(
    conn: &mut DbConnection,
    id: &CheckoutId,
    subscription: &SubscriptionId,
) -> QueryResult<()> {
    diesel::update(checkouts::table.find(id.as_str()))
        .set(checkouts::subscription_id.eq(subscription.as_str()))
        .execute(conn)
        .map(drop)
}

/// Moves a checkout that is still `open` to `expired` (timed out, or the
/// provider never opened its page); `false` when it was not open.
pub fn expire(conn: &mut DbConnection, id: &CheckoutId) -> QueryResult<bool> {
    let expired = diesel::update(
        checkouts::table
            .filter(checkouts::id.eq(id.as_str()))
            .filter(checkouts::status.eq(CheckoutStatus::Open.as_str())),
    )
    .set(checkouts::status.eq(CheckoutStatus::Expired.as_str()))
    .execute(conn)?;
    Ok(expired == 1)
}
