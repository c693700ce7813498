//! The `Authorization` scheme is case-insensitive: RFC 9110 §11.1 says "It
//! uses a case-insensitive token to identify the authentication scheme"
//! (<https://www.rfc-editor.org/rfc/rfc9110#section-11.1>). A client sending
//! `BEARER` or `bEaReR` was refused as unauthenticated; another scheme still is.

use crate::support::helpers::{TestApp, assert_problem};
use reqwest::StatusCode;

on_both_backends!(the_bearer_scheme_is_accepted_in_any_case);

async fn the_bearer_scheme_is_accepted_in_any_case(app: TestApp) {
    let reader = app.new_reader().await;
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let response = app
            .client
            .get(app.url("/v1/me"))
            .header("authorization", format!("{scheme} {}", reader.access_token))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{scheme}");
    }
    let basic = app
        .client
        .get(app.url("/v1/me"))
        .header("authorization", format!("Basic {}", reader.access_token))
        .send()
        .await
        .unwrap();
    assert_problem(basic, StatusCode::UNAUTHORIZED, "invalid_token").await;
}
