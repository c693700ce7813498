//! Shapes of a staff member's second factor: its status, a started
//! enrolment, the recovery codes a confirmation hands out, and an admin's
//! reset. The secret and the codes differ every run, so their text is
//! replaced by what it looks like.

use super::shape;
use crate::support::helpers::TestApp;
use masthead::auth::totp::{TOTP_STEP_SECONDS, TotpSecret};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(second_factor_shapes);

fn code_now(secret: &str) -> String {
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap();
    TotpSecret::from_stored(secret)
        .unwrap()
        .code_at_step(now / TOTP_STEP_SECONDS)
}

async fn second_factor_shapes(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let support = app.new_staff(Role::Support).await;
    let token = support.access_token.as_str();
    let started = app
        .post_json_auth("/v1/me/second-factor", token, &json!({}))
        .await;
    let mut started = shape(started, StatusCode::CREATED).await;
    let secret = started["secret"].as_str().unwrap().to_owned();
    assert!(started["otpauth_uri"].as_str().unwrap().contains(&secret));
    started["secret"] = json!("[base32 secret]");
    started["otpauth_uri"] = json!("[otpauth uri]");
    insta::assert_json_snapshot!("second_factor_started", started);
    let confirmed = app
        .post_json_auth(
            "/v1/me/second-factor/confirm",
            token,
            &json!({"password": support.password, "code": code_now(&secret)}),
        )
        .await;
    let mut confirmed = shape(confirmed, StatusCode::OK).await;
    for code in confirmed["recovery_codes"].as_array_mut().unwrap() {
        assert_eq!(code.as_str().unwrap().len(), 11);
        *code = json!("[recovery code]");
    }
    insta::assert_json_snapshot!("second_factor_confirmed", confirmed);
    let status = shape(
        app.get_auth("/v1/me/second-factor", token).await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("second_factor_status", status);
    let reset: Value = shape(
        app.post_json_auth(
            &format!("/v1/admin/readers/{}/second-factor/reset", support.id),
            &admin.access_token,
            &json!({"reason": "a contract test"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("admin_second_factor_reset", reset);
}
