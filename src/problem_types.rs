//! The problem types: every `code` an error answer can carry, with what it
//! means and what the caller can do. Each problem's `type` is
//! `/problems/{code}`, a relative URI that stays the same across
//! deployments (RFC 9457 §3.1.1); `GET /problems/{code}` serves the page
//! made from this table, and a unit test checks that every code the
//! source raises is listed here.

/// One problem type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemType {
    /// The stable snake_case code.
    pub code: &'static str,
    /// The HTTP statuses it comes with.
    pub statuses: &'static [u16],
    /// What happened and what to do about it.
    pub meaning: &'static str,
}

/// The relative URI of a code's problem type.
pub fn type_uri(code: &str) -> String {
    format!("/problems/{code}")
}

/// The problem type of `code`, if there is one.
pub fn find(code: &str) -> Option<&'static ProblemType> {
    PROBLEM_TYPES.iter().find(|problem| problem.code == code)
}

macro_rules! problem_types {
    ($($code:literal [$($status:literal),+] $meaning:literal,)+) => {
        /// Every problem type, by code.
        pub const PROBLEM_TYPES: &[ProblemType] = &[
            $(ProblemType { code: $code, statuses: &[$($status),+], meaning: $meaning },)+
        ];
    };
}

problem_types! {
    "account_disabled" [403] "Staff disabled this account; its sessions ended. Only staff can enable it again.",
    "admin_account_protected" [403] "Only an admin may change another admin's account.",
    "already_canceling" [409] "The subscription is already set to end at its period end; resume it to keep it.",
    "already_comped" [409] "The reader already has a running comp; extend it instead.",
    "already_refunded" [409] "This subscription has already been refunded.",
    "already_subscribed" [409] "The reader already has a subscription that grants access.",
    "already_verified" [409] "The email address is verified already; no link is sent.",
    "article_not_found" [404] "No such article (or it is not published).",
    "asset_not_found" [404] "No such file of the API reference page.",
    "audio_not_found" [404] "The article has no audio reading.",
    "billed_by_provider" [409] "The payment provider bills this subscription on its own dates, so it cannot be changed here; change it in the provider.",
    "cannot_change_own_account" [409] "Staff cannot disable or enable their own account.",
    "checkout_completed" [409] "This checkout was completed already.",
    "checkout_expired" [409] "The checkout is older than 24 hours; start a new one.",
    "checkout_not_found" [404] "No such checkout for this reader.",
    "checkout_open" [409] "The reader has an open checkout already; the problem's `url` is its page: send the reader there to finish or cancel it.",
    "checkout_token_invalid" [403] "The development payment page was sent without its own form token (a forged or stale form); reopen the checkout's page.",
    "concurrent_change" [503] "Another request changed the same data at the same moment; try again.",
    "conflict" [409] "The resource already exists.",
    "cors_refused" [400] "A browser preflight from an origin, method or header the API does not allow (`MASTHEAD_CORS_ORIGINS`).",
    "csrf_failed" [403] "Browser mode: a refresh or logout by cookie came without the `X-CSRF-Token` header, or from an origin that is not allowed.",
    "database_unavailable" [503] "The database cannot be reached right now; try again after `Retry-After` seconds.",
    "dev_provider_disabled" [404] "The development payment provider is not in use here (Stripe is configured).",
    "edition_not_found" [404] "The issue has no digital edition.",
    "email_not_verified" [403] "Checkout needs a verified email address here; verify it first (the link was emailed at signup, or ask for a new one).",
    "email_taken" [409] "An account with this email address exists already.",
    "gift_already_redeemed" [409] "This gift has been redeemed already (perhaps by a request a moment earlier); a gift is redeemed once.",
    "gift_already_refunded" [409] "This gift has been refunded already; nothing more is refunded.",
    "gift_link_allowance_used" [429] "The subscriber has made this month's gift links (`MASTHEAD_GIFT_LINKS_PER_MONTH`); `Retry-After` and the `detail` say when the allowance starts again (the first of next month, UTC).",
    "gift_link_not_allowed" [403] "Only a subscriber whose subscription opens the article, or an editor, can make a gift link to it.",
    "gift_link_not_found" [404] "The reader made no gift link with this token or id.",
    "gift_not_found" [404] "No gift has this link or id (the token may be mistyped, altered or forged).",
    "gift_not_paid" [409] "This gift was never paid, so there is nothing to refund.",
    "gift_refunded" [409] "This gift was refunded to its buyer and can no longer be redeemed.",
    "guarantee_window_passed" [403] "The money-back guarantee has ended; only an admin can refund now, with an override.",
    "idempotency_key_reused" [422] "This `Idempotency-Key` was used for a different request; use a new key.",
    "insufficient_role" [403] "The account's role does not allow this.",
    "internal_error" [500] "An unexpected error; it has been logged. Try again, and report it with the `X-Request-Id` if it persists.",
    "invalid_credentials" [401, 403] "The email and password do not match an account (the answer is the same for an unknown email).",
    "invalid_form" [400] "An HTML form could not be read: the development payment page's buttons send an `application/x-www-form-urlencoded` form with its `token`, and the staff console's pages send their fields the same way; this request did not.",
    "invalid_media_link" [403] "The media link was altered or is not one this service signed.",
    "invalid_or_expired_token" [400] "The emailed link's token is unknown, used already or expired; ask for a new link.",
    "invalid_query" [400] "The query string cannot be read.",
    "invalid_refresh_token" [401] "The refresh token is unknown or expired; log in again.",
    "invalid_second_factor" [401] "The staff second factor (a six-digit code or a recovery code) is wrong, outside its 30-second window, or was used already; try the code the app shows now.",
    "invalid_signature" [400] "A webhook whose signature does not verify with the configured secret.",
    "invalid_token" [401] "The access token is not valid (signature, issuer, audience or shape); log in again.",
    "invalid_transition" [409] "The subscription is not in a state that allows this change.",
    "issue_not_found" [404] "No such issue (or it is not published).",
    "issue_number_taken" [409] "An issue with this number exists already.",
    "job_not_dead" [409] "Only a dead job can be retried; this one is pending, running or done.",
    "job_not_found" [404] "No job has this id.",
    "livemode_mismatch" [400] "A Stripe event from live mode reached a test-mode key (or the reverse); nothing was changed. Check the webhook endpoint's account and key.",
    "login_required" [401] "The gate: log in to see this.",
    "malformed_body" [400] "The request body cannot be read.",
    "malformed_event" [400] "A webhook body that is not an event.",
    "malformed_json" [400] "The request body is not valid JSON.",
    "malformed_multipart" [400] "The multipart upload cannot be read.",
    "media_link_expired" [403] "The signed media link has expired; ask for a new one.",
    "media_not_found" [404] "The media file no longer exists.",
    "metrics_token_required" [401] "`/metrics` needs the configured bearer token (`MASTHEAD_METRICS_TOKEN`).",
    "missing_refresh_token" [401] "Browser mode: no refresh cookie was sent; log in.",
    "missing_signature" [400] "A webhook without a `Stripe-Signature` header.",
    "missing_token" [401] "This needs an `Authorization: Bearer` access token.",
    "no_pending_plan_change" [409] "There is no plan change waiting for the period end to undo.",
    "no_subscription" [409] "The reader has never subscribed, so there is no billing portal.",
    "not_comped" [409] "The subscription is not a comp.",
    "not_extendable" [409] "This subscription cannot be extended.",
    "not_found" [404] "No such resource.",
    "not_refundable" [409] "The subscription is in a state that cannot be refunded.",
    "nothing_to_cancel" [409] "The reader has no active subscription to cancel.",
    "nothing_to_refund" [409] "The subscription has no payment to refund.",
    "nothing_to_resume" [409] "Only a canceling subscription can be resumed.",
    "nul_character" [400] "A path, query or JSON string contains the NUL character (U+0000), which no field accepts.",
    "offer_code_taken" [409] "An offer with this code exists already (codes ignore case, and archived offers keep theirs); choose another code.",
    "offer_ended" [422] "The offer's end date has passed or an admin archived it; checkout without it, or with another offer.",
    "offer_exhausted" [409, 422] "Every redemption the offer allows is taken (409 when the last one went to another checkout while this one was open: start a new checkout).",
    "offer_not_applicable" [422] "The offer does not cover this tier, interval or currency; `GET /v1/offers/{code}` lists what it covers.",
    "offer_not_found" [404, 422] "There is no offer with this code (or it has not begun yet).",
    "override_required" [422] "The guarantee has ended: an admin refunds only with `override: true` and a reason.",
    "payload_too_large" [413] "The body is larger than this endpoint accepts.",
    "payment_not_yet_known" [503] "A Stripe refund or dispute names a payment Masthead is still looking up; Stripe delivers the event again later.",
    "payment_past_due" [403] "The gate: the last payment failed and the grace period is over; update the payment method.",
    "payment_provider_bad_response" [502] "The payment provider's answer could not be used; nothing was changed here.",
    "payment_provider_rejected" [502] "The payment provider refused the call; nothing was changed here.",
    "payment_provider_unavailable" [503] "The payment provider cannot be reached or did not answer in time; try again shortly.",
    "period_ended" [409] "The subscription's period has ended; start a new checkout.",
    "perk_not_found" [404] "The tier has no such perk (perks are listed by `GET /v1/plans`).",
    "perk_required" [403] "The gate: the subscription does not include the perk named in `perk`.",
    "plan_change_conflict" [409] "The subscription changed while the plan change was being made; read it again and retry.",
    "plan_change_not_allowed" [409] "The subscription's state does not allow a plan change (it must be renewing: active or past due).",
    "plan_change_pending" [409] "A plan change is waiting for the period end; undo it first.",
    "plan_unchanged" [409] "The subscription is on this plan already.",
    "price_change_in_effect" [409] "The scheduled price has taken effect already; schedule another to change it.",
    "price_change_not_found" [404] "The tier has no scheduled price with this id (`GET /v1/admin/tiers/{tier}/prices` lists them).",
    "problem_type_not_found" [404] "No problem type has this code; the codes are listed in `/openapi.json`.",
    "rate_limited" [429] "Too many attempts from this address; wait `Retry-After` seconds.",
    "reader_not_found" [404] "No such reader.",
    "refresh_token_reused" [401] "A refresh token that was already used: the whole session has been revoked; log in again.",
    "refund_in_progress" [409] "Another refund of this subscription is under way; try again shortly.",
    "refund_request_decided" [409] "This refund request was approved or denied already.",
    "refund_request_not_found" [404] "No such refund request.",
    "refund_request_pending" [409] "A refund request for this subscription is waiting for support already.",
    "route_not_found" [404] "No such endpoint; see `/openapi.json`.",
    "second_factor_already_enrolled" [409] "A second factor is already enrolled for this staff account; an admin resets it (a lost phone) before a new one is enrolled.",
    "second_factor_not_enrolled" [404] "This account has no second factor to reset.",
    "second_factor_not_started" [404] "No second-factor enrolment is started: `POST /v1/me/second-factor` first, then confirm with its code.",
    "second_factor_required" [401] "The password is right, but this staff account has a second factor: log in again with `second_factor` (the app's code or a recovery code).",
    "session_not_found" [404] "No such session of this reader.",
    "session_revoked" [401] "The session has ended (logout, password change or staff action); log in again.",
    "shipping_address_required" [422] "A print subscription needs a shipping address on the profile first (`PATCH /v1/me`).",
    "slug_taken" [409] "An article with this slug exists already.",
    "staff_second_factor_required" [403] "Staff actions need a session that proved a second factor (`MASTHEAD_STAFF_SECOND_FACTOR_REQUIRED`, on in production): enrol one at `POST /v1/me/second-factor`, then log in with its code.",
    "stale_signature" [400] "A webhook signed more than 300 seconds from now.",
    "subscription_changed" [409] "The subscription changed while this request was handled; reload it and try again.",
    "subscription_expired" [403] "The gate: the subscription has ended.",
    "subscription_not_found" [404] "No such subscription.",
    "subscription_required" [403] "The gate: this needs a subscription.",
    "tier_not_found" [404] "No tier has this id (tiers are listed by `GET /v1/plans`).",
    "token_expired" [401] "The access token has expired; refresh it.",
    "too_many_failed_logins" [429] "Too many failed logins for this account within the hour; wait `Retry-After` seconds or reset the password.",
    "too_many_parts" [400] "The multipart upload has more parts than allowed.",
    "trial_already_used" [409, 422] "The reader has had their one free trial; an offer of free days cannot be redeemed again (a price's own trial is simply left out).",
    "unsubscribe_link_invalid" [404] "The unsubscribe link is not one Masthead made, or it was altered or cut short; nothing changed. The reader can turn optional emails off from their account (`PATCH /v1/me`).",
    "unsupported_media_type" [415] "The body's content type is not one this endpoint accepts (JSON endpoints take `application/json`).",
    "upgrade_payment_failed" [409] "The payment for the upgrade's proration failed; the subscription stays on its old plan.",
    "validation_failed" [422] "Fields are invalid; `errors` lists each with its own `code`.",
    "verification_recently_sent" [429] "A verification email went out moments ago; wait `Retry-After` seconds.",
    "webhooks_not_configured" [503] "No webhook secret is configured, so events cannot be verified; the provider retries.",
    "wrong_password" [403] "The current password is wrong.",
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// The constructors and variants of `ApiError` that take a code first.
    const TAKES_A_CODE: [&str; 16] = [
        "bad_request(",
        "unauthenticated(",
        "forbidden(",
        "not_found(",
        "conflict(",
        "unprocessable(",
        "too_many_requests(",
        "BadRequest {",
        "Unauthenticated {",
        "Forbidden {",
        "NotFound {",
        "Conflict {",
        "Unprocessable {",
        "TooManyRequests {",
        "Unavailable {",
        "BadGateway {",
    ];

    fn rust_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }

    /// Every code literal passed to an `ApiError` constructor in `src/`.
    fn raised_codes() -> BTreeSet<String> {
        let mut files = Vec::new();
        rust_files(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut codes = BTreeSet::new();
        for file in files {
            let text: String = std::fs::read_to_string(&file)
                .unwrap()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            for opener in TAKES_A_CODE {
                for (at, _) in text.match_indices(opener) {
                    let rest = text[at + opener.len()..].trim_start();
                    let rest = rest.strip_prefix("code:").unwrap_or(rest).trim_start();
                    if let Some(literal) = rest.strip_prefix('"')
                        && let Some(end) = literal.find('"')
                    {
                        let code = &literal[..end];
                        if !code.is_empty()
                            && code.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                        {
                            codes.insert(code.to_owned());
                        }
                    }
                }
            }
        }
        codes
    }

    #[test]
    fn every_raised_code_has_a_problem_type() {
        let raised = raised_codes();
        assert!(raised.len() > 50, "{raised:?}");
        let missing: Vec<_> = raised.iter().filter(|code| find(code).is_none()).collect();
        assert!(
            missing.is_empty(),
            "codes without a problem type: {missing:?}"
        );
    }

    #[test]
    fn the_fixed_and_gate_codes_have_problem_types() {
        use crate::domain::{Denial, Perk};
        use crate::error::ApiError;
        let errors = [
            ApiError::Validation(Vec::new()),
            ApiError::PayloadTooLarge { limit: 1 },
            ApiError::UnsupportedMediaType {
                detail: String::new(),
            },
            ApiError::Unexpected(anyhow::anyhow!("x")),
            ApiError::AccessDenied(Denial::LoginRequired),
            ApiError::AccessDenied(Denial::SubscriptionRequired),
            ApiError::AccessDenied(Denial::PerkRequired(Perk::Audio)),
            ApiError::AccessDenied(Denial::SubscriptionExpired),
            ApiError::AccessDenied(Denial::PaymentPastDue),
        ];
        for error in errors {
            let problem = find(error.code()).unwrap_or_else(|| panic!("{}", error.code()));
            let status = actix_web::ResponseError::status_code(&error).as_u16();
            assert!(problem.statuses.contains(&status), "{}", problem.code);
        }
    }

    #[test]
    fn codes_are_unique_sorted_snake_case_and_explained() {
        let codes: Vec<_> = PROBLEM_TYPES.iter().map(|p| p.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
        for problem in PROBLEM_TYPES {
            assert!(
                problem
                    .code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_')
            );
            assert!(problem.meaning.ends_with('.'), "{}", problem.code);
            assert!(problem.statuses.iter().all(|s| (400..600).contains(s)));
        }
        assert_eq!(type_uri("email_taken"), "/problems/email_taken");
    }
}
