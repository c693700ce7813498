use crate::support::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

on_both_backends!(
    health_and_readiness,
    request_ids_are_echoed,
    openapi_lists_every_endpoint
);

async fn health_and_readiness(app: TestApp) {
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    let ready: Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["status"], "ready");
}

async fn request_ids_are_echoed(app: TestApp) {
    let given = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "abc-123");
    let made = app.get("/healthz").await;
    let id = made.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID is made up when none is given");
    let errors_too = app.get("/v1/me").await;
    assert!(errors_too.headers().contains_key("x-request-id"));
}

// One row per operation: the list is long by nature.
#[allow(clippy::too_many_lines)]
async fn openapi_lists_every_endpoint(app: TestApp) {
    let document: Value = app.get("/openapi.json").await.json().await.unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    let expected = [
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/openapi.json", "get"),
        ("/.well-known/jwks.json", "get"),
        ("/metrics", "get"),
        ("/docs", "get"),
        ("/docs/assets/{file}", "get"),
        ("/v1/auth/signup", "post"),
        ("/v1/auth/login", "post"),
        ("/v1/auth/refresh", "post"),
        ("/v1/auth/logout", "post"),
        ("/v1/auth/verify-email", "post"),
        ("/v1/auth/verify-email/resend", "post"),
        ("/v1/auth/password-reset", "post"),
        ("/v1/auth/password-reset/confirm", "post"),
        ("/v1/me/email", "post"),
        ("/v1/me", "get"),
        ("/v1/me", "patch"),
        ("/v1/me/password", "post"),
        ("/v1/me/subscription/refund-request", "post"),
        ("/v1/me/second-factor", "get"),
        ("/v1/me/second-factor", "post"),
        ("/v1/me/second-factor/confirm", "post"),
        ("/v1/me/sessions", "get"),
        ("/v1/me/sessions", "delete"),
        ("/v1/me/sessions/{id}", "delete"),
        ("/v1/me", "delete"),
        ("/v1/admin/subscriptions/{id}/refund", "post"),
        ("/v1/admin/subscriptions/{id}/cancel", "post"),
        ("/v1/admin/subscriptions/{id}/end-comp", "post"),
        ("/v1/admin/subscriptions/{id}/extend", "post"),
        ("/v1/admin/readers/{id}/comp", "post"),
        ("/v1/admin/refund-requests", "get"),
        ("/v1/admin/refund-requests/{id}/approve", "post"),
        ("/v1/admin/refund-requests/{id}/deny", "post"),
        ("/v1/admin/audit-log", "get"),
        ("/v1/admin/jobs", "get"),
        ("/v1/admin/jobs/{id}/retry", "post"),
        ("/v1/admin/tiers/{tier}/perks/{perk}", "patch"),
        ("/v1/admin/tiers/{tier}/prices", "get"),
        ("/v1/admin/tiers/{tier}/prices", "post"),
        ("/v1/admin/tiers/{tier}/prices/{id}", "delete"),
        ("/v1/admin/tiers/{tier}/trial", "patch"),
        ("/v1/admin/offers", "get"),
        ("/v1/admin/offers", "post"),
        ("/v1/admin/offers/{code}/archive", "post"),
        ("/v1/offers/{code}", "get"),
        ("/v1/email/unsubscribe", "post"),
        ("/v1/email/unsubscribe", "get"),
        ("/v1/admin/issues", "post"),
        ("/v1/admin/issues", "get"),
        ("/v1/admin/issues/{number}", "get"),
        ("/v1/admin/issues/{number}", "patch"),
        ("/v1/admin/issues/{number}/publish", "post"),
        ("/v1/admin/issues/{number}/unpublish", "post"),
        ("/v1/admin/issues/{number}/edition", "put"),
        ("/v1/admin/articles", "post"),
        ("/v1/admin/articles", "get"),
        ("/v1/admin/articles/{slug}", "get"),
        ("/v1/admin/articles/{slug}", "patch"),
        ("/v1/admin/articles/{slug}/publish", "post"),
        ("/v1/admin/articles/{slug}/unpublish", "post"),
        ("/v1/admin/articles/{slug}/audio", "put"),
        ("/v1/admin/readers", "get"),
        ("/v1/admin/readers/export", "get"),
        ("/v1/admin/readers/{id}", "get"),
        ("/v1/admin/readers/{id}/sessions/revoke", "post"),
        ("/v1/admin/readers/{id}/second-factor/reset", "post"),
        ("/v1/admin/dashboard", "get"),
        ("/v1/admin/readers/{id}/disable", "post"),
        ("/v1/admin/readers/{id}/enable", "post"),
        ("/v1/admin/print/mailing-list", "get"),
        ("/v1/plans", "get"),
        ("/v1/me/subscription", "get"),
        ("/v1/me/subscription/cancel", "post"),
        ("/v1/me/subscription/resume", "post"),
        ("/v1/me/subscription/change", "post"),
        ("/v1/me/subscription/change", "get"),
        ("/v1/me/subscription/change/undo", "post"),
        ("/v1/billing/checkout", "post"),
        ("/v1/billing/portal", "post"),
        ("/v1/billing/dev/checkout/{id}", "post"),
        ("/v1/billing/dev/portal", "get"),
        ("/v1/billing/dev/checkout/{id}", "get"),
        ("/v1/billing/dev/checkout/{id}/pay", "post"),
        ("/v1/billing/dev/checkout/{id}/cancel", "post"),
        ("/v1/webhooks/stripe", "post"),
        ("/v1/articles", "get"),
        ("/v1/articles/{slug}", "get"),
        ("/v1/articles/{slug}/access", "get"),
        ("/v1/articles/{slug}/audio", "get"),
        ("/v1/issues", "get"),
        ("/v1/issues/{number}", "get"),
        ("/v1/issues/{number}/edition", "get"),
        ("/v1/media/{token}", "get"),
        ("/problems/{code}", "get"),
        ("/v1/me/payments", "get"),
        ("/v1/me/refund-requests", "get"),
        ("/v1/me/export", "get"),
        ("/v1/articles/{slug}/gift-links", "post"),
        ("/v1/me/gift-links", "get"),
        ("/v1/me/gift-links/{token}", "delete"),
        ("/v1/gifts/checkout", "post"),
        ("/v1/gifts/{token}", "get"),
        ("/v1/gifts/{token}/redeem", "post"),
        ("/v1/gifts/refunds/{token}", "get"),
        ("/v1/gifts/refunds/{token}", "post"),
        ("/v1/gifts/dev/checkout/{id}", "get"),
        ("/v1/gifts/dev/checkout/{id}/pay", "post"),
        ("/v1/gifts/dev/checkout/{id}/cancel", "post"),
        ("/v1/admin/gifts/{id}/refund", "post"),
    ];
    for (path, method) in expected {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is not documented"
        );
    }
    let operations: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        operations,
        expected.len(),
        "the document has operations this test does not know"
    );
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
}
