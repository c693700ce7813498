//! Attack: reading someone else's personal data, staff data or a paid
//! article body from a shared cache (a CDN, a corporate proxy) or from the
//! browser cache of a shared computer. RFC 9111 §5.2.2.7: `private` keeps
//! an answer out of shared caches; §5.2.2.5: `no-store` keeps it out of
//! every cache (<https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2>);
//! §4.1: `Vary` names the request headers an answer depends on
//! (<https://www.rfc-editor.org/rfc/rfc9111#section-4.1>). OWASP's REST
//! Security Cheat Sheet asks for `no-store` on sensitive answers
//! (<https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#security-headers>).

use crate::security_teaser_leak::publish;
use crate::support::helpers::TestApp;
use masthead::domain::Role;
use reqwest::Response;
use reqwest::StatusCode;

on_both_backends!(
    staff_answers_are_never_stored,
    personal_answers_are_never_stored,
    article_answers_stay_out_of_shared_caches,
    answers_to_credentialed_requests_stay_out_of_shared_caches,
);

fn header<'a>(response: &'a Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map_or("", |value| value.to_str().unwrap())
}

fn varies_on_authorization(response: &Response) -> bool {
    response
        .headers()
        .get_all("vary")
        .iter()
        .flat_map(|value| value.to_str().unwrap().split(','))
        .any(|name| name.trim().eq_ignore_ascii_case("authorization"))
}

async fn staff_answers_are_never_stored(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    for path in [
        "/v1/admin/readers",
        "/v1/admin/audit-log",
        "/v1/admin/articles",
        "/v1/admin/readers/export",
    ] {
        let response = app.get_auth(path, &admin.access_token).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header(&response, "cache-control"),
            "private, no-store",
            "{path}"
        );
    }
    let refused = app.get("/v1/admin/readers").await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&refused, "cache-control"), "private, no-store");
}

async fn personal_answers_are_never_stored(app: TestApp) {
    let reader = app.new_reader().await;
    for path in ["/v1/me", "/v1/me/subscription", "/v1/me/sessions"] {
        let response = app.get_auth(path, &reader.access_token).await;
        assert_eq!(
            header(&response, "cache-control"),
            "private, no-store",
            "{path}"
        );
    }
}

/// An article answer (here a teaser; the same route sends a subscriber the
/// full body) and the lists carrying the gate's answer are `private`, and
/// vary on who asks, with or without credentials.
async fn article_answers_stay_out_of_shared_caches(app: TestApp) {
    publish(&app, "cached", "One.\n\nTwo.\n\nThree.", 1).await;
    let anonymous = app.get("/v1/articles/cached").await;
    assert_eq!(anonymous.status(), StatusCode::OK);
    assert_eq!(header(&anonymous, "cache-control"), "private");
    assert!(varies_on_authorization(&anonymous));
    let reader = app.new_reader().await;
    for path in ["/v1/articles/cached", "/v1/articles", "/v1/issues"] {
        let response = app.get_auth(path, &reader.access_token).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&response, "cache-control"), "private", "{path}");
        assert!(varies_on_authorization(&response), "{path}");
    }
}

async fn answers_to_credentialed_requests_stay_out_of_shared_caches(app: TestApp) {
    let reader = app.new_reader().await;
    let plans = app.get_auth("/v1/plans", &reader.access_token).await;
    assert_eq!(plans.status(), StatusCode::OK);
    assert_eq!(header(&plans, "cache-control"), "private");
    assert!(varies_on_authorization(&plans));
    let anonymous = app.get("/v1/plans").await;
    assert_eq!(
        header(&anonymous, "cache-control"),
        "",
        "public answers may be cached"
    );
}
