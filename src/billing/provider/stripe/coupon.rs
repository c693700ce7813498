//! The Stripe coupon of an offer's discount: created on the offer's first
//! checkout through Stripe (idempotency key named after the offer) and
//! remembered on the offer, so every later checkout applies the same one
//! (`discounts: [{coupon}]` on the Checkout Session). It carries the
//! offer's terms: `percent_off`, or `amount_off` with its `currency`;
//! `duration` `forever`, or `repeating` for `duration_in_months`; the
//! offer's limit as `max_redemptions`, so Stripe stops at it too, and its
//! end as `redeem_by` (<https://docs.stripe.com/api/coupons/create>).
//! An offer of free days has no coupon: the session's
//! `subscription_data.trial_period_days` gives them.

use super::errors::from_stripe;
use super::{StripeProvider, once_with};
use crate::billing::provider::IdempotencyKey;
use crate::db::Database;
use crate::db::offers::{self, Offer};
use crate::domain::Benefit;
use crate::error::ApiError;
use std::collections::HashMap;
use std::convert::Infallible;
use stripe::StripeRequest;
use stripe_product::CouponDuration;
use stripe_product::coupon::CreateCoupon;

impl StripeProvider {
    /// The Stripe coupon to apply for `offer`; `None` for an offer that
    /// discounts nothing (free days).
    pub(super) async fn stripe_coupon(
        &self,
        db: &Database,
        offer: &Offer,
    ) -> Result<Option<String>, ApiError> {
        let Some(benefit) = offer.row.benefit().filter(Benefit::is_discount) else {
            return Ok(None);
        };
        if let Some(known) = &offer.row.stripe_coupon_id {
            return Ok(Some(known.clone()));
        }
        let code = offer.row.offer_code();
        let mut coupon = CreateCoupon::new()
            .name(offer.row.name.clone())
            .metadata(HashMap::from([("offer_code".to_owned(), code.to_string())]));
        coupon = match &benefit {
            Benefit::PercentOff(percent) => coupon.percent_off(f64::from(*percent)),
            Benefit::AmountOff(amount, currency) => {
                let currency: stripe_types::Currency = currency
                    .as_str()
                    .parse()
                    .unwrap_or_else(|never: Infallible| match never {});
                coupon.amount_off(amount.get()).currency(currency)
            }
            Benefit::TrialDays(_) => coupon,
        };
        coupon = match offer.row.duration_months {
            Some(months) => coupon
                .duration(CouponDuration::Repeating)
                .duration_in_months(i64::from(months)),
            None => coupon.duration(CouponDuration::Forever),
        };
        if let Some(max) = offer.row.max_redemptions {
            coupon = coupon.max_redemptions(i64::from(max));
        }
        if let Some(end) = offer.row.ends_at {
            coupon = coupon.redeem_by(end.and_utc().timestamp());
        }
        let created = coupon
            .customize()
            .request_strategy(once_with(&IdempotencyKey::coupon(code.as_str()))?)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe("set up the offer's coupon", e))?;
        let created = created.id.as_str().to_owned();
        db.run(move |conn| Ok(offers::remember_stripe_coupon(conn, &code, &created)?))
            .await
            .map(Some)
    }
}
