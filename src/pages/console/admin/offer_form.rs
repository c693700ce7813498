//! The offers page's create form: its fields as typed (kept when the
//! API's use case refuses them) and the `POST /v1/admin/offers` body they
//! make. The radios choose which benefit and duration field is sent, so
//! the admin never sends two benefits by leaving a stale value behind.

use crate::billing::price_changes::TierPrices;
use crate::db::tiers::Tier;
use crate::domain::BillingInterval;
use crate::pages::console::{Fields, fmt};
use serde_json::json;

/// A tier and interval the offer may cover: a checkbox.
pub struct PlanChoice {
    /// `digital/month`: the checkbox's value.
    pub value: String,
    /// `Digital, monthly`.
    pub label: String,
    /// Ticked (as posted).
    pub checked: bool,
}

/// The form's fields, as typed.
#[derive(Debug, Default)]
pub struct OfferForm {
    pub code: String,
    pub name: String,
    /// `percent`, `amount` or `trial`.
    pub benefit: String,
    pub percent_off: String,
    pub amount_off: String,
    pub currency: String,
    pub trial_days: String,
    /// `once`, `months` or `forever`.
    pub duration: String,
    pub duration_months: String,
    /// The ticked `tier/interval`s.
    pub plans: Vec<String>,
    pub max_redemptions: String,
    pub starts_on: String,
    pub ends_on: String,
    pub listed: bool,
}

fn text(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

impl OfferForm {
    /// An empty form: a percent discount, forever, on nothing yet.
    pub fn blank() -> Self {
        Self {
            benefit: "percent".to_owned(),
            duration: "forever".to_owned(),
            ..Self::default()
        }
    }

    /// The fields `fields` posted.
    pub fn posted(fields: &Fields) -> Self {
        let get = |name: &str| fields.get(name).unwrap_or_default().to_owned();
        Self {
            code: get("code"),
            name: get("name"),
            benefit: get("benefit"),
            percent_off: get("percent_off"),
            amount_off: get("amount_off"),
            currency: get("currency"),
            trial_days: get("trial_days"),
            duration: get("duration"),
            duration_months: get("duration_months"),
            plans: fields.all("plan"),
            max_redemptions: get("max_redemptions"),
            starts_on: get("starts_on"),
            ends_on: get("ends_on"),
            listed: fields.checked("listed"),
        }
    }

    /// The API's request body. Only the chosen benefit's field is sent
    /// (none chosen: every one filled in, for the API to refuse); "once"
    /// is one month, which covers exactly the first payment of a monthly
    /// or a yearly plan.
    pub fn json(&self) -> serde_json::Value {
        let chosen = |kind: &str, value: &str| {
            (self.benefit.is_empty() || self.benefit == kind)
                .then(|| text(value))
                .flatten()
        };
        let months = match self.duration.as_str() {
            "once" => Some("1".to_owned()),
            "months" => text(&self.duration_months),
            _ => None,
        };
        let plans: Vec<_> = self
            .plans
            .iter()
            .map(|plan| {
                let (tier, interval) = plan.split_once('/').unwrap_or((plan, ""));
                json!({"tier": tier, "interval": interval})
            })
            .collect();
        json!({
            "code": text(&self.code),
            "name": text(&self.name),
            "percent_off": fmt::number(chosen("percent", &self.percent_off)),
            "amount_off": fmt::number(chosen("amount", &self.amount_off)),
            "currency": chosen("amount", &self.currency).map(|c| c.to_ascii_lowercase()),
            "trial_days": fmt::number(chosen("trial", &self.trial_days)),
            "duration_months": fmt::number(months),
            "plans": plans,
            "max_redemptions": fmt::number(text(&self.max_redemptions)),
            "starts_at": fmt::start_of_day(text(&self.starts_on)),
            "ends_at": fmt::end_of_day(text(&self.ends_on)),
            "listed": self.listed,
        })
    }

    /// A checkbox per tier and interval sold, ticked as posted.
    pub fn plan_choices(&self, tiers: &[(Tier, TierPrices)]) -> Vec<PlanChoice> {
        let mut choices: Vec<PlanChoice> = Vec::new();
        for (tier, prices) in tiers {
            for price in &prices.current {
                let value = format!("{}/{}", tier.id, price.interval.as_str());
                if choices.iter().any(|c| c.value == value) {
                    continue;
                }
                let every = match price.interval {
                    BillingInterval::Year => "yearly",
                    BillingInterval::Month => "monthly",
                };
                choices.push(PlanChoice {
                    checked: self.plans.contains(&value),
                    label: format!("{}, {every}", tier.name),
                    value,
                });
            }
        }
        choices
    }
}
