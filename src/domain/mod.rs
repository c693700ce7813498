//! The rules of the business as types: parse, don't validate. Nothing here
//! does I/O, so every rule has unit tests beside it.

mod access;
mod actor;
mod audio_source;
mod audit_action;
mod catalogue_numbers;
mod catalogue_text;
mod change;
mod checkout_status;
mod common_passwords;
mod cover_image_url;
mod dashboard;
mod display_name;
mod email;
mod email_list;
mod field_error;
mod follow_up;
mod gift;
mod gift_link;
mod ids;
mod instant_text;
mod job;
mod media_kind;
mod meter;
mod minor_units;
mod money;
mod offer;
mod paging;
mod password;
mod payment_status;
mod perk;
mod perk_history;
mod plan_change;
mod price_change;
mod provider_name;
mod publication_date;
mod reason;
mod refund_claim_status;
mod refund_policy;
mod refund_request_status;
mod refund_tax;
mod reminder_days;
mod role;
mod shipping_address;
mod slug;
mod staff_scope;
mod stored_text;
mod subscription_state;
mod teaser;
mod time_zone;
mod token_purpose;

pub use access::{
    AccessDecision, AccessView, ArticleAccess, Denial, MeterPass, Resource, SubscriptionSnapshot,
    Viewer, Visibility, decide, decide_article, decide_with_gift, entitlements,
};
pub use actor::{Actor, ProviderName};
pub use audio_source::AudioSource;
pub use audit_action::AuditAction;
pub use catalogue_numbers::{AudioDuration, IssueNumber, IssueYear, PaywallCut, Volume};
pub use catalogue_text::{ArticleBody, Author, Dek, Title};
pub use change::Change;
pub use checkout_status::CheckoutStatus;
pub use cover_image_url::CoverImageUrl;
pub use dashboard::{DashboardPeriod, Mrr, PayingSubscription, PriceList, mrr, percent};
pub use display_name::DisplayName;
pub use email::ReaderEmail;
pub use email_list::EmailList;
pub use field_error::FieldError;
pub use follow_up::{FollowUpKind, FollowUpStatus};
pub use gift::{
    GiftMessage, GiftMonths, GiftStatus, MAX_DELIVERY_AHEAD_DAYS, delivery_at, gift_price,
};
pub use gift_link::{
    GiftPass, Giver, MAX_GIFT_LINK_DAYS, allowance_month_start, allowance_resets_at,
    gift_link_expiry,
};
pub use ids::{
    CheckoutId, GiftId, JobId, PaymentId, PriceChangeId, ReaderId, SessionId, SubscriptionId,
};
pub use instant_text::{parse_instant, rfc3339_seconds, rfc3339_seconds_naive};
pub use job::{JobKind, JobState};
pub use media_kind::MediaKind;
pub use meter::{
    MAX_METER_WINDOW_DAYS, Meter, MeterPolicy, MeterRule, MeterVerdict, MeterView, MeteredRead,
    reader_meter,
};
pub use minor_units::{MAX_MAJOR_UNITS, minor_unit_exponent, sane_amount};
pub use money::{AmountCents, BillingInterval, Currency};
pub use offer::{
    Benefit, MAX_DURATION_MONTHS, MAX_TRIAL_DAYS, OfferCode, OfferWindow, Unavailable,
    discounted_payments, payment_amount,
};
pub use paging::{DEFAULT_PER_PAGE, MAX_PER_PAGE, Paging};
pub use password::Password;
pub use payment_status::PaymentStatus;
pub use perk::{Perk, PerkStatus};
pub use perk_history::granted_perk_at;
pub use plan_change::{PlanChangeKind, PlanChangeStatus, PricedPlan, Proration, classify, prorate};
pub use price_change::{PriceRequest, ScheduledPrice, first_renewal_at_new_price};
pub use provider_name::{DEV_PROVIDER, STRIPE_PROVIDER};
pub use publication_date::PublicationDate;
pub use reason::{MAX_REASON_CHARS, Reason};
pub use refund_claim_status::RefundClaimStatus;
pub use refund_policy::{Guarantee, RefundRefusal};
pub use refund_request_status::RefundRequestStatus;
pub use refund_tax::refund_tax_share;
pub use reminder_days::{MAX_REMINDER_DAYS, ReminderDays};
pub use role::Role;
pub use shipping_address::ShippingAddress;
pub use slug::Slug;
pub use staff_scope::{OutOfScope, StaffScope};
pub use subscription_state::{
    Access as StateAccess, Cause, SubscriptionState, TRANSITIONS, Transition, TransitionRefused,
};
pub use teaser::{normalise_body, teaser};
pub use time_zone::ReaderTimeZone;
pub use token_purpose::TokenPurpose;
