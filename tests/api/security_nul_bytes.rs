//! Attack: NUL-byte injection (CWE-158, "Improper Neutralization of Null
//! Byte or NUL Character", <https://cwe.mitre.org/data/definitions/158.html>).
//! A `%00` in a path or query, or a `\u0000` in a JSON string (RFC 8259
//! §7 allows it, <https://www.rfc-editor.org/rfc/rfc8259#section-7>),
//! reached PostgreSQL, which refuses NUL in `text`, and answered 500. Every
//! such request is now a 400 problem with code `nul_character`, on both
//! backends; the Stripe webhook's raw signed body is not inspected.

use crate::support::helpers::{TestApp, assert_problem};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    nul_in_an_article_slug_is_refused,
    nul_in_ids_of_admin_paths_is_refused,
    nul_in_search_terms_and_audit_filters_is_refused,
    nul_in_json_bodies_is_refused,
    nul_in_a_tier_is_refused,
    a_junk_slug_is_not_found_without_being_cached,
    the_webhook_body_is_not_inspected,
);

async fn nul_in_an_article_slug_is_refused(app: TestApp) {
    for path in [
        "/v1/articles/%00",
        "/v1/articles/a%00b/access",
        "/v1/articles/a%00/audio",
    ] {
        assert_problem(
            app.get(path).await,
            StatusCode::BAD_REQUEST,
            "nul_character",
        )
        .await;
    }
}

async fn nul_in_ids_of_admin_paths_is_refused(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    for path in [
        "/v1/admin/readers/%00",
        "/v1/admin/articles/x%00",
        "/v1/admin/issues/1%00",
    ] {
        assert_problem(
            app.get_auth(path, &admin.access_token).await,
            StatusCode::BAD_REQUEST,
            "nul_character",
        )
        .await;
    }
}

async fn nul_in_search_terms_and_audit_filters_is_refused(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    for path in [
        "/v1/admin/readers?q=ann%00",
        "/v1/admin/audit-log?action=%00",
        "/v1/admin/audit-log?staff=%00&reader=x",
        "/v1/admin/audit-log?target=a%00b",
        "/v1/admin/refund-requests?status=%00",
    ] {
        assert_problem(
            app.get_auth(path, &admin.access_token).await,
            StatusCode::BAD_REQUEST,
            "nul_character",
        )
        .await;
    }
}

async fn nul_in_json_bodies_is_refused(app: TestApp) {
    let signup = app
        .post_json(
            "/v1/auth/signup",
            &json!({"email": "nul@reader.example", "password": "a long pass\u{0}phrase", "name": "N"}),
        )
        .await;
    assert_problem(signup, StatusCode::BAD_REQUEST, "nul_character").await;
    let login = app
        .post_json(
            "/v1/auth/login",
            &json!({"email": "a\u{0}@reader.example", "password": "whatever it is"}),
        )
        .await;
    assert_problem(login, StatusCode::BAD_REQUEST, "nul_character").await;
    // A key, nested deep.
    let reader = app.new_reader().await;
    let nested = app
        .post_json_auth(
            "/v1/me/email",
            &reader.access_token,
            &json!({"new_email": "b@reader.example", "extra": [{"k\u{0}": 1}]}),
        )
        .await;
    assert_problem(nested, StatusCode::BAD_REQUEST, "nul_character").await;
    // An escaped backslash before `u0000` is text, not a NUL: the request
    // goes on to the handler (here: wrong credentials).
    let text = app
        .client
        .post(app.url("/v1/auth/login"))
        .header("content-type", "application/json")
        .body(r#"{"email": "x@reader.example", "password": "\\u0000 is six characters"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), StatusCode::UNAUTHORIZED);
}

async fn nul_in_a_tier_is_refused(app: TestApp) {
    let reader = app.new_reader().await;
    let checkout = app
        .post_json_auth(
            "/v1/billing/checkout",
            &reader.access_token,
            &json!({"tier": "digital\u{0}", "interval": "month"}),
        )
        .await;
    assert_problem(checkout, StatusCode::BAD_REQUEST, "nul_character").await;
}

/// A 16 KiB junk slug answers 404 like any unknown article (and is parsed
/// before the article cache, so it is not kept there).
async fn a_junk_slug_is_not_found_without_being_cached(app: TestApp) {
    let junk = "a".repeat(16 * 1024);
    let response = app.get(&format!("/v1/articles/{junk}")).await;
    assert_problem(response, StatusCode::NOT_FOUND, "article_not_found").await;
}

/// The webhook's body is the provider's bytes: it is checked by its
/// signature, not by the NUL guard, so an unsigned one is still refused as
/// unsigned (400 from the signature check), not as a NUL.
async fn the_webhook_body_is_not_inspected(app: TestApp) {
    let response = app
        .client
        .post(app.url("/v1/webhooks/stripe"))
        .header("content-type", "application/json")
        .body(r#"{"id": "evt_\u0000"}"#)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_ne!(body["code"], "nul_character", "{status} {body}");
}
