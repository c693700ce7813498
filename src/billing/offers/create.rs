//! An admin creating an offer, audited in the same transaction. The
//! offer's terms never change afterwards (a checkout quoted them, Stripe's
//! coupon holds them): to change an offer, archive it and create another.

use crate::db::audit_log::{self, AuditEntry};
use crate::db::offers::{self, NewOffer, Offer};
use crate::db::{self, Database};
use crate::domain::{
    Benefit, BillingInterval, FieldError, MAX_DURATION_MONTHS, OfferCode, parse_instant,
    rfc3339_seconds_naive,
};
use crate::error::ApiError;
use chrono::NaiveDateTime;

/// The raw fields of the request, owned so they cross into the pool.
#[derive(Debug, Clone, Default)]
pub struct OfferInput {
    pub code: Option<String>,
    pub name: Option<String>,
    pub percent_off: Option<i64>,
    pub amount_off: Option<i64>,
    pub currency: Option<String>,
    pub trial_days: Option<i64>,
    pub duration_months: Option<i64>,
    pub plans: Option<Vec<PlanInput>>,
    pub max_redemptions: Option<i64>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub listed: Option<bool>,
}

/// One tier and interval the offer covers.
#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    pub tier: Option<String>,
    pub interval: Option<String>,
}

/// The longest name: Stripe's limit for a coupon's name (40).
const MAX_NAME_CHARS: usize = 40;

fn name(raw: Option<String>) -> Result<String, FieldError> {
    let name = raw.unwrap_or_default().trim().to_owned();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(FieldError::new(
            "invalid_name",
            format!("a name readers see, 1 to {MAX_NAME_CHARS} characters on one line"),
        ));
    }
    Ok(name)
}

fn positive(raw: Option<i64>, max: i64, what: &str) -> Result<Option<i32>, FieldError> {
    raw.map(|n| {
        i32::try_from(n)
            .ok()
            .filter(|n| (1..=max).contains(&i64::from(*n)))
            .ok_or_else(|| FieldError::new("out_of_range", format!("{what} from 1 to {max}")))
    })
    .transpose()
}

fn optional_instant(raw: Option<&str>) -> Result<Option<NaiveDateTime>, FieldError> {
    raw.map(|raw| parse_instant(Some(raw)).map(|at| at.naive_utc()))
        .transpose()
}

/// The value of `parsed`, or `None` with its error kept in `errors`.
fn take<T>(parsed: Result<T, FieldError>, errors: &mut Vec<FieldError>) -> Option<T> {
    parsed.map_err(|error| errors.push(error)).ok()
}

/// Parsed terms, checked against each other.
struct Terms {
    code: OfferCode,
    name: String,
    benefit: Benefit,
    duration_months: Option<i32>,
    max_redemptions: Option<i32>,
    starts_at: NaiveDateTime,
    ends_at: Option<NaiveDateTime>,
    plans: Vec<(String, BillingInterval)>,
}

fn plans(
    conn: &mut db::DbConnection,
    raw: Option<Vec<PlanInput>>,
    benefit: &Benefit,
) -> Result<Result<Vec<(String, BillingInterval)>, FieldError>, ApiError> {
    let raw = raw.unwrap_or_default();
    if raw.is_empty() {
        return Ok(Err(FieldError::new(
            "required",
            "name at least one {tier, interval} the offer covers",
        )));
    }
    let mut plans = Vec::new();
    for (i, plan) in raw.into_iter().enumerate() {
        let tier = plan.tier.unwrap_or_default();
        let interval = plan.interval.as_deref().and_then(BillingInterval::parse);
        let found = db::tiers::find(conn, tier.trim())?;
        let sold = match (&found, interval) {
            (Some(tier), Some(interval)) => tier
                .prices
                .iter()
                .any(|p| p.interval == interval && benefit.applies_in(&p.currency)),
            _ => false,
        };
        let (Some(found), Some(interval), true) = (found, interval, sold) else {
            return Ok(Err(FieldError::new(
                "price_not_offered",
                "each plan is a tier and interval sold (in the amount's currency), as GET /v1/plans lists them",
            )
            .at(&format!("plans[{i}]"))));
        };
        if !plans.contains(&(found.id.clone(), interval)) {
            plans.push((found.id, interval));
        }
    }
    Ok(Ok(plans))
}

fn terms(
    conn: &mut db::DbConnection,
    input: OfferInput,
    now: NaiveDateTime,
) -> Result<Terms, ApiError> {
    let benefit = Benefit::parse(
        input.percent_off,
        input.amount_off,
        input.currency,
        input.trial_days,
    );
    let plans = match &benefit {
        Ok(benefit) => plans(conn, input.plans, benefit)?,
        Err(_) => Ok(Vec::new()),
    };
    let duration = positive(
        input.duration_months,
        i64::from(MAX_DURATION_MONTHS),
        "months",
    )
    .and_then(|months| match (&benefit, months) {
        (Ok(Benefit::TrialDays(_)), Some(_)) => Err(FieldError::new(
            "not_a_discount",
            "free days have no duration; leave `duration_months` out",
        )),
        _ => Ok(months),
    });
    let max = positive(input.max_redemptions, i64::from(i32::MAX), "redemptions");
    let starts_at = optional_instant(input.starts_at.as_deref()).map(|at| at.unwrap_or(now));
    let ends_at =
        optional_instant(input.ends_at.as_deref()).and_then(|end| match (end, &starts_at) {
            (Some(end), Ok(start)) if end <= *start || end <= now => Err(FieldError::new(
                "ends_before_start",
                "the end is after the start and in the future",
            )),
            (end, _) => Ok(end),
        });
    let mut errors = Vec::new();
    let code = take(
        OfferCode::parse(input.code.as_deref().unwrap_or_default()).map_err(|e| e.at("code")),
        &mut errors,
    );
    let name = take(name(input.name).map_err(|e| e.at("name")), &mut errors);
    // The benefit's errors name their own field.
    let benefit = take(benefit, &mut errors);
    let plans = take(plans.map_err(|e| e.at("plans")), &mut errors);
    let duration_months = take(duration.map_err(|e| e.at("duration_months")), &mut errors);
    let max_redemptions = take(max.map_err(|e| e.at("max_redemptions")), &mut errors);
    let starts_at = take(starts_at.map_err(|e| e.at("starts_at")), &mut errors);
    let ends_at = take(ends_at.map_err(|e| e.at("ends_at")), &mut errors);
    let (
        Some(code),
        Some(name),
        Some(benefit),
        Some(plans),
        Some(duration_months),
        Some(max_redemptions),
        Some(starts_at),
        Some(ends_at),
    ) = (
        code,
        name,
        benefit,
        plans,
        duration_months,
        max_redemptions,
        starts_at,
        ends_at,
    )
    else {
        return Err(ApiError::Validation(errors));
    };
    Ok(Terms {
        code,
        name,
        benefit,
        duration_months,
        max_redemptions,
        starts_at,
        ends_at,
        plans,
    })
}

/// Creates the offer `input` describes, recording `audit`; 422 with a
/// field error per bad field, 409 `offer_code_taken` when the code (in
/// any case) names an offer already, archived ones included.
pub async fn create_offer(
    db: &Database,
    input: OfferInput,
    audit: AuditEntry,
) -> Result<Offer, ApiError> {
    db.run(move |conn| {
        db::write_transaction(conn, |conn| {
            let now = chrono::Utc::now().naive_utc();
            let listed = input.listed.unwrap_or(false);
            let terms = terms(conn, input, now)?;
            let (percent_off, amount_off, currency, trial_days) = match &terms.benefit {
                Benefit::PercentOff(p) => (Some(i32::try_from(*p).unwrap_or(100)), None, None, 0),
                Benefit::AmountOff(a, c) => (None, Some(a.get()), Some(c.as_str()), 0),
                Benefit::TrialDays(d) => (None, None, None, i32::try_from(*d).unwrap_or(0)),
            };
            let stored = offers::insert(
                conn,
                &NewOffer {
                    code: terms.code.as_str(),
                    name: &terms.name,
                    percent_off,
                    amount_off_cents: amount_off,
                    currency,
                    trial_days,
                    duration_months: terms.duration_months,
                    listed: i32::from(listed),
                    max_redemptions: terms.max_redemptions,
                    starts_at: terms.starts_at,
                    ends_at: terms.ends_at,
                    created_by: &audit.staff_id,
                    created_at: now,
                },
                &terms.plans,
            )?;
            if !stored {
                return Err(ApiError::conflict(
                    "offer_code_taken",
                    format!(
                        "an offer with the code {} exists already (codes ignore case; archived offers keep theirs)",
                        terms.code
                    ),
                ));
            }
            let details = serde_json::json!({
                "name": terms.name,
                "percent_off": percent_off,
                "amount_off": amount_off,
                "currency": currency,
                "trial_days": trial_days,
                "duration_months": terms.duration_months,
                "max_redemptions": terms.max_redemptions,
                "starts_at": rfc3339_seconds_naive(terms.starts_at),
                "ends_at": terms.ends_at.map(rfc3339_seconds_naive),
                "plans": terms.plans.iter().map(|(t, i)| format!("{t}/{}", i.as_str())).collect::<Vec<_>>(),
            });
            let audit = AuditEntry {
                target_id: terms.code.as_str().to_owned(),
                ..audit
            };
            audit_log::record(conn, &audit.details(&details).at(now))?;
            offers::find(conn, &terms.code)?
                .ok_or_else(|| anyhow::anyhow!("the offer just stored is gone").into())
        })
    })
    .await
}
