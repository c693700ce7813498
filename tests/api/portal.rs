//! The reader portal (`GET /portal/v1.js`, `GET /portal/v1.css`) and the
//! development sample site (`/sample/`): served with the right types and
//! caching, no `eval` in the script, pages under a strict CSP, and no
//! sample site in production.

use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::helpers::{Backend, TestApp, spawn_app_with};
use masthead::settings::Environment;
use reqwest::StatusCode;

on_both_backends!(
    the_script_and_stylesheet_are_served_with_types_and_validators,
    the_sample_site_serves_a_teaser_inside_the_paywall,
    the_site_pages_answer_at_their_default_paths,
);
on_both_backends!(with = spawn_production; the_sample_site_is_not_served_in_production);

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn the_script_and_stylesheet_are_served_with_types_and_validators(app: TestApp) {
    for (path, kind) in [
        ("/portal/v1.js", "text/javascript"),
        ("/portal/v1.css", "text/css"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            header(&response, "content-type").starts_with(kind),
            "{path}"
        );
        assert_eq!(header(&response, "cache-control"), "public, max-age=300");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        let etag = header(&response, "etag");
        assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
        let again = app
            .client
            .get(app.url(path))
            .header("If-None-Match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.bytes().await.unwrap().is_empty());
    }
    let script = app.get("/portal/v1.js").await.text().await.unwrap();
    for forbidden in [
        "eval(",
        "new Function",
        ".innerHTML",
        "style=",
        "setAttribute(\"style",
    ] {
        assert!(
            !script.contains(forbidden),
            "the portal contains {forbidden}"
        );
    }
}

/// The page's CSP allows scripts and styles only from origins (no
/// `'unsafe-inline'`, `'unsafe-eval'`), and the page has no inline script.
fn assert_strict_page(headers: &reqwest::header::HeaderMap, html: &str) {
    let value = |name: &str| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let csp = value("content-security-policy");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(value("content-type").starts_with("text/html"));
    assert!(
        !html.contains("<script>") && !html.contains(" style="),
        "{html}"
    );
    assert!(html.contains("/portal/v1.js"), "{html}");
}

async fn the_sample_site_serves_a_teaser_inside_the_paywall(app: TestApp) {
    publish_sample_catalogue(&app).await;
    let home = app.get("/sample/").await;
    assert_eq!(home.status(), StatusCode::OK);
    let headers = home.headers().clone();
    let html = home.text().await.unwrap();
    assert!(html.contains("href=\"./articles/deep-dive\""), "{html}");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(!csp.contains("unsafe-inline"), "{csp}");

    let page = app.get("/sample/articles/deep-dive").await;
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers().clone();
    let html = page.text().await.unwrap();
    assert_strict_page(&headers, &html);
    assert!(
        html.contains("<masthead-paywall article=\"deep-dive\" lang=\"en\">"),
        "{html}"
    );
    assert!(html.contains("First paragraph of the deep dive."), "{html}");
    assert!(
        !html.contains("for subscribers only"),
        "the full text leaked: {html}"
    );

    let missing = app.get("/sample/articles/no-such-article").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let html = missing.text().await.unwrap();
    assert!(html.contains("There is no published article"), "{html}");
    let odd = app.get("/sample/articles/%3Cscript%3E").await;
    assert_eq!(odd.status(), StatusCode::NOT_FOUND);

    let subscribe = app.get("/sample/subscribe").await;
    let html = subscribe.text().await.unwrap();
    assert!(html.contains("<masthead-subscribe"), "{html}");
}

/// Without `MASTHEAD_SITE_URL` the site is this address: the pages the
/// emails link to answer at their default paths (and under /sample).
async fn the_site_pages_answer_at_their_default_paths(app: TestApp) {
    for (path, element) in [
        ("/verify-email?token=x", "masthead-verify-email"),
        ("/reset-password?token=x", "masthead-reset-password"),
        (
            "/billing/checkout/success?checkout_id=x",
            "masthead-checkout-success",
        ),
        ("/billing/checkout/canceled", "masthead-checkout-canceled"),
        ("/billing/portal/return", "masthead-account"),
        ("/account", "masthead-account"),
        ("/unsubscribe?token=x", "masthead-unsubscribe"),
        ("/gifts/redeem?token=x", "masthead-gift-redeem"),
        ("/gifts/refund?token=x", "masthead-gift-refund"),
        ("/sample/account", "masthead-account"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let headers = response.headers().clone();
        let html = response.text().await.unwrap();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(
            html.contains(&format!("<{element} lang=\"en\">")),
            "{path}: {html}"
        );
    }
    let page = app.get("/account").await;
    let html = page.text().await.unwrap_or_default();
    assert!(html.contains("href=\"/sample/subscribe\""), "{html}");
    let page = app.get("/sample/billing/checkout/success").await;
    let html = page.text().await.unwrap();
    assert!(html.contains("href=\"../../subscribe\""), "{html}");
}

/// Production settings that pass the start-up guard.
async fn spawn_production(backend: Backend) -> TestApp {
    let keys = tempfile::tempdir().unwrap();
    masthead::auth::SigningKey::load_or_generate(keys.path()).unwrap();
    let pem = std::fs::read_to_string(keys.path().join("keys/access-token-ed25519.pem"))
        .expect("the generated key");
    spawn_app_with(backend, move |settings| {
        settings.env = Environment::Production;
        settings.jwt_private_key = Some(pem.into());
        settings.stripe_secret_key = Some("sk_test_unused".into());
        settings.stripe_webhook_secret = Some("whsec_unused".into());
        settings.public_url = Some("https://magazine.example".into());
        settings.smtp_url = Some("smtp://127.0.0.1:1".into());
        settings.mail_from = Some("Masthead <no-reply@magazine.example>".into());
        settings.metrics_token = Some("a metrics token".into());
    })
    .await
}

async fn the_sample_site_is_not_served_in_production(app: TestApp) {
    for path in [
        "/sample/",
        "/sample/subscribe",
        "/sample/articles/deep-dive",
        "/account",
        "/verify-email",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // The portal itself is served everywhere.
    assert_eq!(app.get("/portal/v1.js").await.status(), StatusCode::OK);
}
