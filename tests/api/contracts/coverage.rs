//! The coverage claim of the contract snapshots, as a test that can fail:
//! every operation of the OpenAPI document whose success answer is an
//! `application/json` body names, in [`PINNED_BY`], the snapshots that pin
//! its shape, and each of those `.snap` files exists. A new JSON operation
//! without a snapshot, a snapshot renamed or deleted, or a row left behind
//! by a removed operation fails here rather than in review.
//!
//! It reads the document the server serves at `/openapi.json`
//! ([`masthead::routes::openapi_document`], built from the same route
//! registration), so it needs no running app.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Each operation with a JSON 2xx body and the snapshots that pin it, named
/// by the module path of the test and the snapshot's name (insta's file is
/// `api__<path with __>.snap`, beside the module's file). `GET /readyz`
/// answers JSON though its documented 200 has no body, so the checker
/// would not ask for it; it is listed all the same.
const PINNED_BY: &[(&str, &[&str])] = &[
    // Operations
    ("GET /readyz", &["contracts::account::readyz"]),
    (
        "GET /openapi.json",
        &["contracts::account::openapi_document"],
    ),
    ("GET /.well-known/jwks.json", &["contracts::account::jwks"]),
    // Auth
    ("POST /v1/auth/signup", &["auth_signup::signup_response"]),
    ("POST /v1/auth/login", &["contracts::account::login"]),
    ("POST /v1/auth/refresh", &["contracts::account::refresh"]),
    (
        "POST /v1/auth/verify-email",
        &[
            "contracts::account::verify_email",
            "contracts::account::email_change_verified",
        ],
    ),
    (
        "POST /v1/auth/verify-email/resend",
        &["contracts::account::verify_email_resent"],
    ),
    (
        "POST /v1/auth/password-reset",
        &["contracts::account::password_reset_accepted"],
    ),
    // The reader's own account
    ("GET /v1/me", &["me::me_response"]),
    ("PATCH /v1/me", &["contracts::account::me_patched"]),
    (
        "POST /v1/me/email",
        &["contracts::account::email_change_accepted"],
    ),
    ("GET /v1/me/sessions", &["contracts::account::me_sessions"]),
    (
        "GET /v1/me/second-factor",
        &["contracts::second_factor::second_factor_status"],
    ),
    (
        "POST /v1/me/second-factor",
        &["contracts::second_factor::second_factor_started"],
    ),
    (
        "POST /v1/me/second-factor/confirm",
        &["contracts::second_factor::second_factor_confirmed"],
    ),
    ("GET /v1/me/export", &["me_export::me_export"]),
    (
        "GET /v1/me/payments",
        &[
            "contracts::money::me_payments_page",
            "me_payments::me_payments",
        ],
    ),
    (
        "GET /v1/me/refund-requests",
        &[
            "contracts::money::me_refund_requests_page",
            "me_payments::me_refund_requests",
        ],
    ),
    // Plans, subscription and billing
    ("GET /v1/plans", &["plans::plans_response"]),
    (
        "GET /v1/me/subscription",
        &[
            "subscription::my_subscription_active",
            "me_guarantee::my_subscription_in_guarantee",
        ],
    ),
    (
        "POST /v1/me/subscription/cancel",
        &["contracts::billing::subscription_cancel"],
    ),
    (
        "POST /v1/me/subscription/resume",
        &["contracts::billing::subscription_resume"],
    ),
    (
        "POST /v1/me/subscription/change",
        &[
            "contracts::billing::plan_change_upgrade",
            "contracts::billing::plan_change_downgrade",
        ],
    ),
    (
        "GET /v1/me/subscription/change",
        &["contracts::billing::plan_change_pending"],
    ),
    (
        "POST /v1/me/subscription/change/undo",
        &["contracts::billing::plan_change_undone"],
    ),
    (
        "POST /v1/me/subscription/refund-request",
        &["contracts::money::refund_request_created"],
    ),
    (
        "POST /v1/billing/checkout",
        &["contracts::billing::billing_checkout"],
    ),
    (
        "POST /v1/billing/portal",
        &["contracts::billing::billing_portal"],
    ),
    (
        "GET /v1/billing/dev/portal",
        &["contracts::billing::billing_dev_portal"],
    ),
    (
        "POST /v1/billing/dev/checkout/{id}",
        &["billing_dev::dev_checkout_confirmed"],
    ),
    (
        "POST /v1/webhooks/stripe",
        &[
            "contracts::billing::webhook_ack",
            "contracts::billing::webhook_ack_duplicate",
        ],
    ),
    // The catalogue, as readers see it
    ("GET /v1/articles", &["contracts::catalogue::articles_list"]),
    (
        "GET /v1/articles/{slug}",
        &["gate::article_page_subscriber"],
    ),
    (
        "GET /v1/articles/{slug}/access",
        &["contracts::catalogue::article_access_anonymous"],
    ),
    (
        "GET /v1/articles/{slug}/audio",
        &["contracts::catalogue::article_audio_url"],
    ),
    (
        "POST /v1/articles/{slug}/gift-links",
        &["contracts::gift_links::gift_link_created"],
    ),
    (
        "GET /v1/me/gift-links",
        &["contracts::gift_links::my_gift_links"],
    ),
    ("GET /v1/issues", &["contracts::catalogue::issues_list"]),
    (
        "GET /v1/issues/{number}",
        &["contracts::catalogue::issue_detail"],
    ),
    (
        "GET /v1/issues/{number}/edition",
        &["contracts::catalogue::issue_edition_url"],
    ),
    // The catalogue, as editors keep it
    (
        "GET /v1/admin/issues",
        &["contracts::catalogue::admin_issues_list"],
    ),
    (
        "POST /v1/admin/issues",
        &["contracts::catalogue::admin_issue_created"],
    ),
    (
        "GET /v1/admin/issues/{number}",
        &["contracts::catalogue::admin_issue_detail"],
    ),
    (
        "PATCH /v1/admin/issues/{number}",
        &["contracts::catalogue::admin_issue_patched"],
    ),
    (
        "POST /v1/admin/issues/{number}/publish",
        &["contracts::catalogue::admin_issue_published"],
    ),
    (
        "POST /v1/admin/issues/{number}/unpublish",
        &["contracts::catalogue::admin_issue_unpublished"],
    ),
    (
        "PUT /v1/admin/issues/{number}/edition",
        &["contracts::catalogue::admin_issue_edition_uploaded"],
    ),
    (
        "GET /v1/admin/articles",
        &["contracts::catalogue::admin_articles_list"],
    ),
    (
        "POST /v1/admin/articles",
        &["contracts::catalogue::admin_article_created"],
    ),
    (
        "GET /v1/admin/articles/{slug}",
        &["contracts::catalogue::admin_article_detail"],
    ),
    (
        "PATCH /v1/admin/articles/{slug}",
        &["contracts::catalogue::admin_article_patched"],
    ),
    (
        "POST /v1/admin/articles/{slug}/publish",
        &["contracts::catalogue::admin_article_published"],
    ),
    (
        "POST /v1/admin/articles/{slug}/unpublish",
        &["contracts::catalogue::admin_article_unpublished"],
    ),
    (
        "PUT /v1/admin/articles/{slug}/audio",
        &["contracts::catalogue::admin_article_audio_uploaded"],
    ),
    // Staff: the directory, comps, money and the queue
    (
        "GET /v1/admin/readers",
        &["contracts::staff::admin_readers_list"],
    ),
    (
        "GET /v1/admin/readers/{id}",
        &["admin_readers::admin_reader_detail"],
    ),
    (
        "POST /v1/admin/readers/{id}/disable",
        &["contracts::staff::admin_reader_disable"],
    ),
    (
        "POST /v1/admin/readers/{id}/enable",
        &["contracts::staff::admin_reader_enable"],
    ),
    (
        "POST /v1/admin/readers/{id}/sessions/revoke",
        &["contracts::staff::admin_reader_sessions_revoked"],
    ),
    ("GET /v1/admin/dashboard", &["dashboard::dashboard_shape"]),
    (
        "POST /v1/admin/readers/{id}/second-factor/reset",
        &["contracts::second_factor::admin_second_factor_reset"],
    ),
    (
        "POST /v1/admin/readers/{id}/comp",
        &["contracts::staff::admin_comp"],
    ),
    (
        "POST /v1/admin/subscriptions/{id}/extend",
        &["contracts::staff::admin_extend"],
    ),
    (
        "POST /v1/admin/subscriptions/{id}/end-comp",
        &["contracts::staff::admin_end_comp"],
    ),
    (
        "POST /v1/admin/subscriptions/{id}/refund",
        &["contracts::money::admin_refund"],
    ),
    (
        "POST /v1/admin/subscriptions/{id}/cancel",
        &["contracts::money::admin_cancel"],
    ),
    (
        "GET /v1/admin/refund-requests",
        &[
            "contracts::money::admin_refund_requests_page",
            "staff_views::refund_queue_item",
        ],
    ),
    (
        "POST /v1/admin/refund-requests/{id}/approve",
        &["contracts::money::refund_request_approved"],
    ),
    (
        "POST /v1/admin/refund-requests/{id}/deny",
        &["contracts::money::refund_request_denied"],
    ),
    (
        "GET /v1/admin/audit-log",
        &["contracts::staff::admin_audit_log"],
    ),
    (
        "GET /v1/admin/print/mailing-list",
        &["contracts::staff::admin_print_mailing_list"],
    ),
    ("GET /v1/admin/jobs", &["contracts::jobs::admin_jobs_dead"]),
    (
        "POST /v1/admin/jobs/{id}/retry",
        &["contracts::jobs::admin_job_retried"],
    ),
    (
        "PATCH /v1/admin/tiers/{tier}/perks/{perk}",
        &["contracts::preferences::admin_tier_perk_launched"],
    ),
    (
        "GET /v1/admin/tiers/{tier}/prices",
        &["contracts::prices::admin_tier_prices"],
    ),
    (
        "POST /v1/admin/tiers/{tier}/prices",
        &["contracts::prices::admin_tier_price_scheduled"],
    ),
    (
        "PATCH /v1/admin/tiers/{tier}/trial",
        &["contracts::offers::admin_tier_trial_set"],
    ),
    ("GET /v1/admin/offers", &["contracts::offers::admin_offers"]),
    (
        "POST /v1/admin/offers",
        &["contracts::offers::admin_offer_created"],
    ),
    (
        "POST /v1/admin/offers/{code}/archive",
        &["contracts::offers::admin_offer_archived"],
    ),
    (
        "GET /v1/offers/{code}",
        &["contracts::offers::public_offer"],
    ),
    // Gift subscriptions
    (
        "POST /v1/gifts/checkout",
        &["contracts::gifts::gift_checkout"],
    ),
    ("GET /v1/gifts/{token}", &["contracts::gifts::gift_view"]),
    (
        "POST /v1/gifts/{token}/redeem",
        &["contracts::gifts::gift_redeemed"],
    ),
    (
        "GET /v1/gifts/refunds/{token}",
        &["contracts::gifts::gift_refund_view"],
    ),
    (
        "POST /v1/gifts/refunds/{token}",
        &["contracts::gifts::gift_refunded"],
    ),
    (
        "POST /v1/admin/gifts/{id}/refund",
        &["contracts::gifts::admin_gift_refunded"],
    ),
    // Links in emails
    (
        "POST /v1/email/unsubscribe",
        &["contracts::preferences::email_unsubscribed"],
    ),
];

/// The folders insta writes this binary's snapshots to.
const SNAPSHOT_DIRS: [&str; 2] = ["tests/api/contracts/snapshots", "tests/api/snapshots"];

/// The HTTP methods an OpenAPI path item can hold operations under.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

#[test]
fn every_json_success_shape_has_a_snapshot() {
    let document: Value =
        serde_json::from_str(&masthead::routes::openapi_document()).expect("the document is JSON");
    let documented = operations(&document, |_| true);
    let answering_json = operations(&document, has_json_success);
    let pinned: BTreeSet<String> = PINNED_BY.iter().map(|(op, _)| (*op).to_owned()).collect();

    let unpinned: Vec<_> = answering_json.difference(&pinned).collect();
    assert!(
        unpinned.is_empty(),
        "operations answering JSON without a snapshot in PINNED_BY: {unpinned:#?}"
    );
    let unknown: Vec<_> = pinned.difference(&documented).collect();
    assert!(
        unknown.is_empty(),
        "PINNED_BY rows for operations the document does not have: {unknown:#?}"
    );
    let missing: Vec<_> = PINNED_BY
        .iter()
        .flat_map(|(op, names)| names.iter().map(move |name| (*op, *name)))
        .filter(|(_, name)| snapshot_file(name).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "snapshots named in PINNED_BY with no .snap file: {missing:#?}"
    );
    assert!(
        PINNED_BY.iter().all(|(_, names)| !names.is_empty()),
        "a row of PINNED_BY names no snapshot"
    );
}

/// `"METHOD /path"` of every operation in `document` that `keep` accepts.
fn operations(document: &Value, keep: impl Fn(&Value) -> bool) -> BTreeSet<String> {
    let paths = document["paths"].as_object().expect("a paths object");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS.iter().filter_map(move |method| {
                let operation = item.get(*method)?;
                Some((format!("{} {path}", method.to_uppercase()), operation))
            })
        })
        .filter(|(_, operation)| keep(operation))
        .map(|(name, _)| name)
        .collect()
}

/// Whether any 2xx response of `operation` has an `application/json` body.
fn has_json_success(operation: &Value) -> bool {
    operation["responses"]
        .as_object()
        .expect("a responses object")
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .any(|(_, response)| response["content"].get("application/json").is_some())
}

/// The `.snap` file of the snapshot `name` (`contracts::account::login`),
/// if it exists in one of [`SNAPSHOT_DIRS`].
fn snapshot_file(name: &str) -> Option<PathBuf> {
    let file = format!("api__{}.snap", name.replace("::", "__"));
    SNAPSHOT_DIRS
        .iter()
        .map(|dir| Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join(&file))
        .find(|path| path.is_file())
}
