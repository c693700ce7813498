//! Everything support needs to answer a reader's email: the profile, the
//! address, every subscription with its history, payments and refunds, the
//! refund requests, the live sessions, gift links and gift subscriptions.

use crate::catalogue::gift_links::list::GiftLinkEntry;
use crate::db::gifts::GiftRow;
use crate::db::payments::PaymentRow;
use crate::db::provider_follow_ups::FollowUpRow;
use crate::db::readers::ReaderRow;
use crate::db::refund_requests::RefundRequestRow;
use crate::db::refunds::RefundRow;
use crate::db::sessions::SessionRow;
use crate::db::subscriptions::{EventRow, SubscriptionRow};
use crate::domain::{Role, ShippingAddress, refund_tax_share};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// A reader as support sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReaderDetail {
    /// The reader id.
    pub id: String,
    /// The normalised email.
    pub email: String,
    /// The display name.
    pub name: String,
    /// `reader`, or a staff role.
    pub role: Role,
    /// Whether the email was verified.
    pub verified: bool,
    /// When the email was verified.
    pub email_verified_at: Option<DateTime<Utc>>,
    /// When the account was disabled, while it is.
    pub disabled_at: Option<DateTime<Utc>>,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// When `masthead readers import` brought the account in, if it did.
    pub imported_at: Option<DateTime<Utc>>,
    /// Where the print edition goes, when a complete address is set.
    pub shipping_address: Option<ShippingAddress>,
    /// Every subscription, newest first.
    pub subscriptions: Vec<SubscriptionDetail>,
    /// Every refund request, newest first.
    pub refund_requests: Vec<RefundRequestView>,
    /// Sessions still live, most recently used first.
    pub sessions: Vec<SessionView>,
    /// The 50 newest gift links the reader made, with their openings.
    pub gift_links: Vec<GiftLinkEntry>,
    /// Gift subscriptions the reader bought or redeemed, newest first.
    pub gifts: Vec<GiftEntry>,
}

/// A gift subscription on a reader's page.
#[derive(Debug, Serialize, ToSchema)]
pub struct GiftEntry {
    /// The gift's id (`POST /v1/admin/gifts/{id}/refund`).
    pub id: String,
    /// `bought` or `redeemed`: the reader's side of it.
    #[schema(example = "bought")]
    pub role: &'static str,
    /// The tier.
    pub tier: String,
    /// How many months.
    pub months: i32,
    /// What was paid, in minor units of `currency`.
    pub amount_cents: i64,
    /// Lower-case ISO 4217.
    pub currency: String,
    /// Who bought it.
    pub buyer_email: String,
    /// Who it was sent to.
    pub recipient_email: String,
    /// `paid`, `redeemed` or `refunded`.
    pub status: String,
    /// When it was paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// When it is (or was) mailed to the recipient.
    pub deliver_at: DateTime<Utc>,
    /// When it was mailed.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When it was redeemed, and into which subscription.
    pub redeemed_at: Option<DateTime<Utc>>,
    /// The `gift` subscription it became.
    pub subscription_id: Option<String>,
    /// When it was refunded, and by whom (`buyer` or `staff:<id>`).
    pub refunded_at: Option<DateTime<Utc>>,
    /// Who refunded it.
    pub refunded_by: Option<String>,
}

impl GiftEntry {
    /// The entry of `gift` on the page of `reader`.
    pub fn new(gift: GiftRow, reader: &str) -> Self {
        let role = if gift.redeemed_by.as_deref() == Some(reader) {
            "redeemed"
        } else {
            "bought"
        };
        Self {
            role,
            paid_at: gift.paid_at.map(utc),
            deliver_at: utc(gift.deliver_at),
            delivered_at: gift.delivered_at.map(utc),
            redeemed_at: gift.redeemed_at.map(utc),
            refunded_at: gift.refunded_at.map(utc),
            id: gift.id,
            tier: gift.tier_id,
            months: gift.months,
            amount_cents: gift.amount_cents,
            currency: gift.currency,
            buyer_email: gift.buyer_email,
            recipient_email: gift.recipient_email,
            status: gift.status,
            subscription_id: gift.subscription_id,
            refunded_by: gift.refunded_by,
        }
    }
}

impl ReaderDetail {
    /// Assembles the view.
    pub fn new(
        reader: ReaderRow,
        subscriptions: Vec<SubscriptionDetail>,
        refund_requests: Vec<RefundRequestRow>,
        sessions: Vec<SessionRow>,
    ) -> Self {
        Self {
            role: reader.role(),
            shipping_address: reader.shipping_address(),
            verified: reader.email_verified_at.is_some(),
            email_verified_at: reader.email_verified_at.map(utc),
            disabled_at: reader.disabled_at.map(utc),
            created_at: utc(reader.created_at),
            imported_at: reader.imported_at.map(utc),
            id: reader.id,
            email: reader.email,
            name: reader.name,
            subscriptions,
            refund_requests: refund_requests.into_iter().map(Into::into).collect(),
            sessions: sessions.into_iter().map(Into::into).collect(),
            gift_links: Vec::new(),
            gifts: Vec::new(),
        }
    }

    /// The view with the gifts the reader bought or redeemed.
    #[must_use]
    pub fn with_gifts(mut self, gifts: Vec<GiftRow>) -> Self {
        self.gifts = gifts
            .into_iter()
            .map(|gift| GiftEntry::new(gift, &self.id))
            .collect();
        self
    }

    /// The view with the reader's gift links.
    #[must_use]
    pub fn with_gift_links(mut self, gift_links: Vec<GiftLinkEntry>) -> Self {
        self.gift_links = gift_links;
        self
    }
}

/// One subscription with its history and money.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionDetail {
    /// The subscription id.
    pub id: String,
    /// The tier, e.g. `print`.
    pub tier: String,
    /// The state as stored, e.g. `active`.
    pub state: String,
    /// `month` or `year`; `null` for comps.
    pub billing_interval: Option<String>,
    /// Start of the paid period.
    pub current_period_start: Option<DateTime<Utc>>,
    /// End of the paid period.
    pub current_period_end: Option<DateTime<Utc>>,
    /// End of a `past_due` grace window.
    pub grace_ends_at: Option<DateTime<Utc>>,
    /// End of a comp.
    pub comped_until: Option<DateTime<Utc>>,
    /// Why the reader canceled, if they said.
    pub cancel_reason: Option<String>,
    /// The payment provider, e.g. `stripe`.
    pub provider: Option<String>,
    /// The provider's subscription id.
    pub provider_subscription_id: Option<String>,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended, if it has.
    pub ended_at: Option<DateTime<Utc>>,
    /// Every state change, oldest first.
    pub events: Vec<EventView>,
    /// Payments received, oldest first.
    pub payments: Vec<PaymentView>,
    /// Refunds given, oldest first.
    pub refunds: Vec<RefundView>,
    /// For a `duplicate` (a second paid subscription Stripe reported while
    /// this reader had a renewing one, cancelled and refunded at Stripe):
    /// the subscription it duplicated, which kept the access; absent
    /// otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// Calls to the payment provider that its webhooks made necessary
    /// (cancel after a dashboard refund, pause or resume collection during
    /// a dispute, learn an invoice's payment, cancel and refund a
    /// duplicate), oldest first; absent when
    /// there were none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provider_follow_ups: Vec<FollowUpView>,
}

/// One call to the payment provider a webhook event made necessary.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpView {
    /// `learn_invoice_payment`, `cancel_subscription`, `pause_collection`,
    /// `resume_collection`, `refund_payment` or `end_trial`.
    pub kind: String,
    /// The provider's object it acts on (`in_...`, `sub_...`).
    pub target: String,
    /// `pending` (queued or retrying), `done`, or `failed` (needs staff).
    pub status: String,
    /// Who caused it: always the provider (`stripe`).
    pub actor: String,
    /// The event that made it necessary (type and id).
    pub reason: String,
    /// Attempts made so far.
    pub attempts: i32,
    /// The last attempt's error, if it failed.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it was done or given up on.
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<FollowUpRow> for FollowUpView {
    fn from(row: FollowUpRow) -> Self {
        Self {
            kind: row.kind,
            target: row.target,
            status: row.status.as_str().to_owned(),
            actor: row.provider,
            reason: row.reason,
            attempts: row.attempts,
            last_error: row.last_error,
            created_at: utc(row.created_at),
            finished_at: row.finished_at.map(utc),
        }
    }
}

impl SubscriptionDetail {
    /// The detail with the provider follow-ups of the subscription.
    #[must_use]
    pub fn with_follow_ups(mut self, rows: Vec<FollowUpRow>) -> Self {
        self.provider_follow_ups = rows.into_iter().map(Into::into).collect();
        self
    }

    /// A subscription with its events, payments and refunds.
    pub fn new(
        row: SubscriptionRow,
        events: Vec<EventRow>,
        payments: Vec<PaymentRow>,
        refunds: Vec<RefundRow>,
    ) -> Self {
        Self {
            id: row.id,
            tier: row.tier_id,
            state: row.state,
            billing_interval: row.billing_interval,
            current_period_start: row.current_period_start.map(utc),
            current_period_end: row.current_period_end.map(utc),
            grace_ends_at: row.grace_ends_at.map(utc),
            comped_until: row.comped_until.map(utc),
            cancel_reason: row.cancel_reason,
            provider: row.provider,
            provider_subscription_id: row.provider_subscription_id,
            started_at: utc(row.started_at),
            ended_at: row.ended_at.map(utc),
            duplicate_of: row.duplicate_of,
            events: events.into_iter().map(Into::into).collect(),
            refunds: refunds
                .into_iter()
                .map(|refund| RefundView::of(refund, &payments))
                .collect(),
            payments: payments.into_iter().map(Into::into).collect(),
            provider_follow_ups: Vec::new(),
        }
    }
}

/// One state change of a subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// The state before (`null` for the creation).
    pub from_state: Option<String>,
    /// The state after.
    pub to_state: String,
    /// Who: `reader:<id>`, `staff:<id>`, `stripe`, ...
    pub actor: String,
    /// Why, when known.
    pub reason: Option<String>,
    /// When.
    pub occurred_at: DateTime<Utc>,
}

impl From<EventRow> for EventView {
    fn from(row: EventRow) -> Self {
        Self {
            from_state: row.from_state,
            to_state: row.to_state,
            actor: row.actor,
            reason: row.reason,
            occurred_at: utc(row.occurred_at),
        }
    }
}

/// One payment received.
#[derive(Debug, Serialize, ToSchema)]
// Named apart from the other `PaymentView` so the document keeps both.
#[schema(as = ReaderDetailPaymentView)]
pub struct PaymentView {
    /// The payment id.
    pub id: String,
    /// Amount in minor units.
    pub amount_cents: i64,
    /// ISO currency, lower case.
    pub currency: String,
    /// The payment provider.
    pub provider: String,
    /// The provider's payment id.
    pub provider_payment_id: String,
    /// When it was paid.
    pub paid_at: DateTime<Utc>,
    /// How much of it was refunded.
    pub refunded_cents: i64,
    /// The tax included in the amount, when the provider reported it.
    pub tax_cents: Option<i64>,
}

impl From<PaymentRow> for PaymentView {
    fn from(row: PaymentRow) -> Self {
        Self {
            id: row.id,
            amount_cents: row.amount_cents,
            currency: row.currency,
            provider: row.provider,
            provider_payment_id: row.provider_payment_id,
            paid_at: utc(row.paid_at),
            refunded_cents: row.refunded_cents,
            tax_cents: row.tax_cents,
        }
    }
}

/// One refund given.
#[derive(Debug, Serialize, ToSchema)]
// Named apart from the other `RefundView` so the document keeps both.
#[schema(as = ReaderDetailRefundView)]
pub struct RefundView {
    /// The refund id.
    pub id: String,
    /// The payment it returns money of.
    pub payment_id: String,
    /// Amount in minor units.
    pub amount_cents: i64,
    /// ISO currency, lower case.
    pub currency: String,
    /// The payment provider.
    pub provider: String,
    /// Why.
    pub reason: Option<String>,
    /// Who refunded.
    pub actor: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The refund's share of its payment's tax, when that is known.
    pub tax_cents: Option<i64>,
}

impl RefundView {
    /// The view of `row`, its tax the share of its payment's (one of
    /// `payments`).
    fn of(row: RefundRow, payments: &[PaymentRow]) -> Self {
        let tax_cents = payments
            .iter()
            .find(|payment| payment.id == row.payment_id)
            .and_then(|payment| {
                refund_tax_share(row.amount_cents, payment.amount_cents, payment.tax_cents)
            });
        Self {
            tax_cents,
            id: row.id,
            payment_id: row.payment_id,
            amount_cents: row.amount_cents,
            currency: row.currency,
            provider: row.provider,
            reason: row.reason,
            actor: row.actor,
            created_at: utc(row.created_at),
        }
    }
}

/// A reader's request for their money back.
#[derive(Debug, Serialize, ToSchema)]
// Named apart from the other `RefundRequestView` so the document keeps both.
#[schema(as = ReaderDetailRefundRequestView)]
pub struct RefundRequestView {
    /// The request id.
    pub id: String,
    /// The subscription it is about.
    pub subscription_id: String,
    /// The reader's reason.
    pub reason: String,
    /// `pending`, `approved` or `denied`.
    pub status: String,
    /// Who decided.
    pub decided_by: Option<String>,
    /// The decision's note.
    pub decision_note: Option<String>,
    /// When it was decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// When it was asked.
    pub created_at: DateTime<Utc>,
}

impl From<RefundRequestRow> for RefundRequestView {
    fn from(row: RefundRequestRow) -> Self {
        Self {
            id: row.id,
            subscription_id: row.subscription_id,
            reason: row.reason,
            status: row.status.as_str().to_owned(),
            decided_by: row.decided_by,
            decision_note: row.decision_note,
            decided_at: row.decided_at.map(utc),
            created_at: utc(row.created_at),
        }
    }
}

/// A live session.
#[derive(Debug, Serialize, ToSchema)]
// Named apart from the other `SessionView` so the document keeps both.
#[schema(as = ReaderDetailSessionView)]
pub struct SessionView {
    /// The session id.
    pub id: String,
    /// The browser or app it was opened from.
    pub user_agent: Option<String>,
    /// The address it was opened from.
    pub ip: Option<String>,
    /// When it was opened (the login).
    pub created_at: DateTime<Utc>,
    /// When a refresh token of it was last used.
    pub last_used_at: DateTime<Utc>,
    /// When it ends unless used.
    pub expires_at: DateTime<Utc>,
}

impl From<SessionRow> for SessionView {
    fn from(row: SessionRow) -> Self {
        Self {
            id: row.id,
            user_agent: row.user_agent,
            ip: row.ip,
            created_at: utc(row.created_at),
            last_used_at: utc(row.last_used_at),
            expires_at: utc(row.expires_at),
        }
    }
}
