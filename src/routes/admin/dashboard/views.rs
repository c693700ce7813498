//! The dashboard's JSON shape and its CSV table.

use crate::billing::dashboard::Dashboard;
use crate::spreadsheet::Spreadsheet;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// An amount in one currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoneyView {
    /// ISO 4217, lower case.
    pub currency: String,
    /// Minor units (cents).
    pub amount_cents: i64,
}

/// Subscribers in one state of one tier and interval, now.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriberCountView {
    /// The tier id.
    pub tier: String,
    /// `month`, `year`, or null for comps and gifts.
    pub interval: Option<String>,
    /// The subscription state.
    pub state: String,
    /// How many.
    pub count: i64,
}

/// One week's or month's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodView {
    /// Its start (inclusive).
    pub start: DateTime<Utc>,
    /// Its end (exclusive).
    pub end: DateTime<Utc>,
    /// Paid subscriptions active at its start.
    pub active_at_start: i64,
    /// Paid subscriptions started in it.
    pub new: i64,
    /// Paid subscriptions ended in it (expired, refunded, canceled at period end).
    pub churned: i64,
    /// `churned` over `active_at_start`, percent with one decimal; null without any.
    pub churn_percent: Option<f64>,
    /// Refunds made in it.
    pub refunds: i64,
    /// Of those, within the money-back guarantee of the first payment.
    pub refunds_inside_guarantee: i64,
    /// Money refunded in it, per currency.
    pub refunded: Vec<MoneyView>,
    /// Trials that ended in it.
    pub trials_ended: i64,
    /// Of those, the ones that became paying.
    pub trials_converted: i64,
    /// Gifts redeemed in it.
    pub gifts_redeemed: i64,
    /// Gift recipients who started a paid subscription in it.
    pub gift_conversions: i64,
}

/// Checkouts one article's paywall led to.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleConversionsView {
    /// The article's slug (the checkout's `source_article`).
    pub article: String,
    /// Checkouts started from it in the periods shown.
    pub checkouts_started: i64,
    /// Of those, completed.
    pub checkouts_completed: i64,
}

/// The dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    /// When the figures were read.
    pub generated_at: DateTime<Utc>,
    /// `week` or `month`.
    pub period: String,
    /// Subscribers now, by tier, interval and state.
    pub subscribers: Vec<SubscriberCountView>,
    /// Monthly recurring revenue per currency: paying subscriptions at their
    /// tier's price, yearly divided by 12, net of running discounts,
    /// excluding tax, trials, gifts and comps.
    pub mrr: Vec<MoneyView>,
    /// Paying subscriptions left out of the MRR: their tier has no price in
    /// their currency any more.
    pub unpriced_subscriptions: usize,
    /// The periods, oldest first.
    pub periods: Vec<PeriodView>,
    /// Paywall conversions by article over the periods shown, most completed first.
    pub paywall_conversions: Vec<ArticleConversionsView>,
}

fn money(map: std::collections::BTreeMap<String, i64>) -> Vec<MoneyView> {
    map.into_iter()
        .map(|(currency, amount_cents)| MoneyView {
            currency,
            amount_cents,
        })
        .collect()
}

impl From<Dashboard> for DashboardView {
    fn from(dashboard: Dashboard) -> Self {
        Self {
            generated_at: dashboard.generated_at.and_utc(),
            period: dashboard.period.as_str().to_owned(),
            subscribers: dashboard
                .subscribers
                .into_iter()
                .map(|s| SubscriberCountView {
                    tier: s.tier,
                    interval: s.interval,
                    state: s.state,
                    count: s.count,
                })
                .collect(),
            mrr: money(dashboard.mrr),
            unpriced_subscriptions: dashboard.unpriced,
            periods: dashboard
                .periods
                .into_iter()
                .map(|p| PeriodView {
                    start: p.start.and_utc(),
                    end: p.end.and_utc(),
                    active_at_start: p.active_at_start,
                    new: p.new,
                    churned: p.churned,
                    churn_percent: p.churn_percent,
                    refunds: p.refunds,
                    refunds_inside_guarantee: p.refunds_inside_guarantee,
                    refunded: money(p.refunded),
                    trials_ended: p.trials_ended,
                    trials_converted: p.trials_converted,
                    gifts_redeemed: p.gifts_redeemed,
                    gift_conversions: p.gift_conversions,
                })
                .collect(),
            paywall_conversions: dashboard
                .paywall
                .into_iter()
                .map(|a| ArticleConversionsView {
                    article: a.article,
                    checkouts_started: a.started,
                    checkouts_completed: a.completed,
                })
                .collect(),
        }
    }
}

impl DashboardView {
    /// The periods as a table, one row per period (refunded money as
    /// `usd:1200 eur:900`).
    pub fn periods_csv(&self) -> anyhow::Result<Spreadsheet> {
        let mut sheet = Spreadsheet::new(&[
            "period_start",
            "period_end",
            "active_at_start",
            "new",
            "churned",
            "churn_percent",
            "refunds",
            "refunds_inside_guarantee",
            "refunded",
            "trials_ended",
            "trials_converted",
            "gifts_redeemed",
            "gift_conversions",
        ])?;
        for p in &self.periods {
            let refunded: Vec<String> = p
                .refunded
                .iter()
                .map(|m| format!("{}:{}", m.currency, m.amount_cents))
                .collect();
            let cells = [
                crate::domain::rfc3339_seconds(p.start),
                crate::domain::rfc3339_seconds(p.end),
                p.active_at_start.to_string(),
                p.new.to_string(),
                p.churned.to_string(),
                p.churn_percent
                    .map(|c| format!("{c:.1}"))
                    .unwrap_or_default(),
                p.refunds.to_string(),
                p.refunds_inside_guarantee.to_string(),
                refunded.join(" "),
                p.trials_ended.to_string(),
                p.trials_converted.to_string(),
                p.gifts_redeemed.to_string(),
                p.gift_conversions.to_string(),
            ];
            sheet.row(cells.iter().map(|cell| Some(cell.as_str())))?;
        }
        Ok(sheet)
    }
}
