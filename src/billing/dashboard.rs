//! The staff dashboard's figures: subscribers now by tier, interval and
//! state; MRR per currency; per week or month, new and churned paid
//! subscriptions, refunds (and those inside the guarantee), trial and gift
//! conversions; and which articles' paywalls led to checkouts. Read in one
//! repeatable snapshot of the database; the definitions are in
//! `domain::dashboard` and docs/dashboard.md.

use crate::db::{self, Database};
use crate::domain::{
    BillingInterval, DashboardPeriod, PayingSubscription, PriceList, SubscriptionState, mrr,
    percent,
};
use crate::error::ApiError;
use chrono::{Duration, NaiveDateTime};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Subscribers holding one state of one tier and interval.
#[derive(Debug, Clone)]
pub struct SubscriberCount {
    /// The tier.
    pub tier: String,
    /// `month`, `year`, or `None` (comps and gifts).
    pub interval: Option<String>,
    /// The state.
    pub state: String,
    /// How many.
    pub count: i64,
}

/// One period's row.
#[derive(Debug, Clone, Default)]
pub struct PeriodFigures {
    /// Its start (inclusive).
    pub start: NaiveDateTime,
    /// Its end (exclusive).
    pub end: NaiveDateTime,
    /// Paid subscriptions active at its start.
    pub active_at_start: i64,
    /// Paid subscriptions started in it.
    pub new: i64,
    /// Paid subscriptions that ended in it (expired or refunded).
    pub churned: i64,
    /// `churned` over `active_at_start`, in percent.
    pub churn_percent: Option<f64>,
    /// Refunds made in it.
    pub refunds: i64,
    /// Of those, made within the guarantee of the subscription's first payment.
    pub refunds_inside_guarantee: i64,
    /// Money refunded in it, per currency, in minor units.
    pub refunded: BTreeMap<String, i64>,
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
#[derive(Debug, Clone)]
pub struct ArticleConversions {
    /// The article's slug.
    pub article: String,
    /// Checkouts started from it.
    pub started: i64,
    /// Of those, completed (paid or trial started).
    pub completed: i64,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// When the figures were read.
    pub generated_at: NaiveDateTime,
    /// Weeks or months.
    pub period: DashboardPeriod,
    /// Subscribers now.
    pub subscribers: Vec<SubscriberCount>,
    /// MRR per currency, minor units.
    pub mrr: BTreeMap<String, i64>,
    /// Paying subscriptions whose tier has no price in their currency (not in the MRR).
    pub unpriced: usize,
    /// The periods, oldest first.
    pub periods: Vec<PeriodFigures>,
    /// Paywall conversions over all the periods, by article.
    pub paywall: Vec<ArticleConversions>,
}

/// The dashboard of the last `count` periods of `period` at `now`.
pub async fn dashboard(
    db: &Database,
    period: DashboardPeriod,
    count: usize,
    guarantee_days: i64,
    now: NaiveDateTime,
) -> Result<Dashboard, ApiError> {
    db.run(move |conn| {
        {
            let mut subscribers: Vec<SubscriberCount> = db::dashboard::holding_by_tier(conn)?
                .into_iter()
                .map(|(tier, interval, state, count)| SubscriberCount {
                    tier,
                    interval,
                    state,
                    count,
                })
                .collect();
            // One order on both backends (they sort NULLs differently):
            // by tier, paid intervals before none, then state.
            subscribers.sort_by(|a, b| {
                (&a.tier, a.interval.is_none(), &a.interval, &a.state).cmp(&(
                    &b.tier,
                    b.interval.is_none(),
                    &b.interval,
                    &b.state,
                ))
            });
            let prices = price_list(db::dashboard::prices(conn)?);
            let paying = paying_subscriptions(db::dashboard::paying(conn)?, &prices);
            let figures = mrr(&paying, &prices, now);
            let windows = period.last(count, now);
            let (from, to) = (windows[0].0, windows[windows.len() - 1].1);
            let mut periods = Vec::with_capacity(windows.len());
            for &(start, end) in &windows {
                periods.push(PeriodFigures {
                    start,
                    end,
                    active_at_start: db::dashboard::paid_active_at(conn, start)?,
                    gifts_redeemed: db::dashboard::gifts_redeemed(conn, start, end)?,
                    ..PeriodFigures::default()
                });
            }
            let slot = |at: NaiveDateTime| windows.iter().position(|(s, e)| *s <= at && at < *e);
            for started in db::dashboard::paid_starts(conn, from, to)? {
                if let Some(i) = slot(started) {
                    periods[i].new += 1;
                }
            }
            for (from_state, to_state, at) in db::dashboard::paid_transitions(conn, from, to)? {
                let Some(i) = slot(at) else { continue };
                count_transition(&mut periods[i], from_state.as_deref(), &to_state);
            }
            count_refunds(conn, &mut periods, &slot, (from, to), guarantee_days)?;
            let mut converted = HashSet::new();
            for (gift, started) in db::dashboard::gift_conversions(conn, from, to)? {
                if let Some(i) = slot(started).filter(|_| converted.insert(gift)) {
                    periods[i].gift_conversions += 1;
                }
            }
            for figures in &mut periods {
                figures.churn_percent = percent(figures.churned, figures.active_at_start);
            }
            let paywall = db::dashboard::paywall_checkouts(conn, from, to)?
                .into_iter()
                .map(|(article, started, completed)| ArticleConversions {
                    article,
                    started,
                    completed,
                })
                .collect();
            Ok(Dashboard {
                generated_at: now,
                period,
                subscribers,
                mrr: figures.by_currency,
                unpriced: figures.unpriced,
                periods,
                paywall,
            })
        }
    })
    .await
}

/// Churn, trial endings and conversions from one state change.
fn count_transition(figures: &mut PeriodFigures, from: Option<&str>, to: &str) {
    let from = from.and_then(SubscriptionState::parse);
    let to = SubscriptionState::parse(to);
    let ended = matches!(
        to,
        Some(SubscriptionState::Expired | SubscriptionState::Refunded)
    );
    if from == Some(SubscriptionState::Trialing) {
        if to != Some(SubscriptionState::Trialing) {
            figures.trials_ended += 1;
        }
        if to == Some(SubscriptionState::Active) {
            figures.trials_converted += 1;
        }
    } else if ended && from.is_some() {
        figures.churned += 1;
    }
}

/// Refunds per period, in money and inside the guarantee of each
/// subscription's first payment.
fn count_refunds(
    conn: &mut db::DbConnection,
    periods: &mut [PeriodFigures],
    slot: &impl Fn(NaiveDateTime) -> Option<usize>,
    (from, to): (NaiveDateTime, NaiveDateTime),
    guarantee_days: i64,
) -> Result<(), ApiError> {
    let refunds = db::dashboard::refunds_between(conn, from, to)?;
    let mut subscriptions: Vec<String> = refunds.iter().map(|r| r.0.clone()).collect();
    subscriptions.sort();
    subscriptions.dedup();
    let first: HashMap<String, Option<NaiveDateTime>> =
        db::dashboard::first_payments(conn, &subscriptions)?
            .into_iter()
            .collect();
    for (subscription, amount, currency, at) in refunds {
        let Some(i) = slot(at) else { continue };
        let figures = &mut periods[i];
        figures.refunds += 1;
        *figures.refunded.entry(currency).or_default() += amount;
        let inside = first
            .get(&subscription)
            .copied()
            .flatten()
            .is_some_and(|paid| at <= paid + Duration::days(guarantee_days));
        if inside {
            figures.refunds_inside_guarantee += 1;
        }
    }
    Ok(())
}

/// The paying subscriptions, each in its checkout's currency; one no
/// checkout made (imported, or made at Stripe) pays in the only currency its
/// tier and interval are sold in, and is left unpriced if there are several.
fn paying_subscriptions(
    rows: Vec<db::dashboard::PayingRow>,
    prices: &PriceList,
) -> Vec<PayingSubscription> {
    let only_currency = |tier: &str, interval: BillingInterval| {
        let mut sold = prices
            .keys()
            .filter(|(t, i, _)| t == tier && *i == interval)
            .map(|(_, _, currency)| currency.clone());
        match (sold.next(), sold.next()) {
            (Some(currency), None) => currency,
            _ => String::new(),
        }
    };
    rows.into_iter()
        .filter_map(
            |(tier, interval, started, currency, trial, gift, discount, payments)| {
                let interval = BillingInterval::parse(interval.as_deref()?)?;
                let free_days = i64::from(trial.unwrap_or(0)) + i64::from(gift.unwrap_or(0));
                let currency = currency.unwrap_or_else(|| only_currency(&tier, interval));
                Some(PayingSubscription {
                    tier,
                    interval,
                    currency,
                    first_payment_at: started + Duration::days(free_days),
                    discount_cents: discount.unwrap_or(0),
                    discount_payments: payments,
                })
            },
        )
        .collect()
}

fn price_list(rows: Vec<(String, String, String, i64)>) -> PriceList {
    rows.into_iter()
        .filter_map(|(tier, interval, currency, amount)| {
            Some(((tier, BillingInterval::parse(&interval)?, currency), amount))
        })
        .collect()
}
