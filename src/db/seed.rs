//! Bulk rows for `masthead demo --scale N`: multi-row inserts of generated
//! readers, subscriptions, their history, money, catalogue, sessions and
//! audit entries. Nothing here runs the application's rules: the generator
//! (`demo::scale`) makes rows that obey them, and these functions only store
//! them as fast as each backend takes them ([`super::batch`]).

use super::DbConnection;
use super::batch::insert_batched;
use super::schema::{
    articles, audit_log, issues, payments, readers, refunds, sessions, subscription_events,
    subscriptions, webhook_events,
};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A generated account.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = readers, treat_none_as_default_value = false)]
pub struct SeedReader {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub name: String,
    pub role: String,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub address_city: Option<String>,
    pub address_region: Option<String>,
    pub address_postal_code: Option<String>,
    pub address_country: Option<String>,
    pub email_verified_at: Option<NaiveDateTime>,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub product_updates: i32,
}

/// A generated subscription.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = subscriptions, treat_none_as_default_value = false)]
pub struct SeedSubscription {
    pub id: String,
    pub reader_id: String,
    pub tier_id: String,
    pub state: String,
    pub billing_interval: Option<String>,
    pub current_period_start: Option<NaiveDateTime>,
    pub current_period_end: Option<NaiveDateTime>,
    pub grace_ends_at: Option<NaiveDateTime>,
    pub comped_until: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
    pub provider: Option<String>,
    pub provider_customer_id: Option<String>,
    pub provider_subscription_id: Option<String>,
    pub started_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A generated move of a subscription.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = subscription_events, treat_none_as_default_value = false)]
pub struct SeedEvent {
    pub id: String,
    pub subscription_id: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub actor: String,
    pub reason: Option<String>,
    pub occurred_at: NaiveDateTime,
}

/// A generated payment.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = payments, treat_none_as_default_value = false)]
pub struct SeedPayment {
    pub id: String,
    pub subscription_id: String,
    pub reader_id: String,
    pub amount_cents: i64,
    pub currency: String,
    pub provider: String,
    pub provider_payment_id: String,
    pub provider_invoice_id: Option<String>,
    pub paid_at: NaiveDateTime,
    pub refunded_cents: i64,
    pub created_at: NaiveDateTime,
    pub provider_charge_id: Option<String>,
}

/// A generated refund of a whole payment.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = refunds, treat_none_as_default_value = false)]
pub struct SeedRefund {
    pub id: String,
    pub payment_id: String,
    pub subscription_id: String,
    pub amount_cents: i64,
    pub currency: String,
    pub provider: String,
    pub provider_refund_id: Option<String>,
    pub reason: Option<String>,
    pub actor: String,
    pub created_at: NaiveDateTime,
}

/// A generated login.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = sessions, treat_none_as_default_value = false)]
pub struct SeedSession {
    pub id: String,
    pub reader_id: String,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_reason: Option<String>,
}

/// A generated staff action.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
pub struct SeedAudit {
    pub id: String,
    pub staff_id: String,
    pub staff_role: String,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub reader_id: Option<String>,
    pub reason: Option<String>,
    pub occurred_at: NaiveDateTime,
}

/// A generated Stripe event, as recorded for deduplication.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = webhook_events, treat_none_as_default_value = false)]
pub struct SeedWebhookEvent {
    pub id: String,
    pub provider: String,
    pub event_type: String,
    pub object_id: Option<String>,
    pub received_at: NaiveDateTime,
}

/// A generated, published issue (no edition file).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = issues, treat_none_as_default_value = false)]
pub struct SeedIssue {
    pub id: String,
    pub number: i32,
    pub volume: i32,
    pub year: i32,
    pub title: String,
    pub publication_date: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A generated, published article (no audio).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = articles, treat_none_as_default_value = false)]
pub struct SeedArticle {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub dek: String,
    pub author: String,
    pub body: String,
    pub issue_id: Option<String>,
    pub visibility: String,
    pub paywall_cut: Option<i32>,
    pub publication_date: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub meter_rule: String,
}

/// Everything generated for one slice of readers, stored together.
#[derive(Debug, Default)]
pub struct SeedBatch {
    pub readers: Vec<SeedReader>,
    pub subscriptions: Vec<SeedSubscription>,
    pub events: Vec<SeedEvent>,
    pub payments: Vec<SeedPayment>,
    pub refunds: Vec<SeedRefund>,
    pub sessions: Vec<SeedSession>,
    pub audit: Vec<SeedAudit>,
    pub webhook_events: Vec<SeedWebhookEvent>,
}

impl SeedBatch {
    /// Rows in the batch.
    pub fn rows(&self) -> usize {
        self.readers.len()
            + self.subscriptions.len()
            + self.events.len()
            + self.payments.len()
            + self.refunds.len()
            + self.sessions.len()
            + self.audit.len()
            + self.webhook_events.len()
    }
}

/// Whether the database holds no reader and no issue: the generator only
/// fills an empty magazine (its numbers and slugs would collide otherwise).
pub fn is_empty(conn: &mut DbConnection) -> QueryResult<bool> {
    let readers: i64 = readers::table.count().get_result(conn)?;
    let issues: i64 = issues::table.count().get_result(conn)?;
    Ok(readers == 0 && issues == 0)
}

/// Stores a batch, parents before children, in the caller's transaction;
/// returns the rows stored.
pub fn insert_batch(conn: &mut DbConnection, batch: &SeedBatch) -> QueryResult<usize> {
    let mut stored = insert_batched!(conn, readers::table, batch.readers, 16)?;
    stored += insert_batched!(conn, subscriptions::table, batch.subscriptions, 17)?;
    stored += insert_batched!(conn, subscription_events::table, batch.events, 7)?;
    stored += insert_batched!(conn, payments::table, batch.payments, 12)?;
    stored += insert_batched!(conn, refunds::table, batch.refunds, 10)?;
    stored += insert_batched!(conn, sessions::table, batch.sessions, 9)?;
    stored += insert_batched!(conn, audit_log::table, batch.audit, 9)?;
    stored += insert_batched!(conn, webhook_events::table, batch.webhook_events, 5)?;
    Ok(stored)
}

/// Stores the catalogue, issues before their articles; returns the rows.
pub fn insert_catalogue(
    conn: &mut DbConnection,
    issue_rows: &[SeedIssue],
    article_rows: &[SeedArticle],
) -> QueryResult<usize> {
    let stored = insert_batched!(conn, issues::table, issue_rows, 9)?;
    Ok(stored + insert_batched!(conn, articles::table, article_rows, 14)?)
}

/// Refreshes PostgreSQL's planner statistics after the load (SQLite keeps
/// none unless asked, and the application never asks).
pub fn analyze(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Postgres(_) = conn {
        diesel::sql_query("ANALYZE").execute(conn)?;
    }
    Ok(())
}
