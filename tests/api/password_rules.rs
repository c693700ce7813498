//! New passwords: not among the 10,000 most common, not the email, at
//! signup and at a change (the reset is covered in `password_reset`).

use crate::support::helpers::{TestApp, assert_problem};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    signup_refuses_weak_passwords,
    a_change_refuses_weak_passwords
);

async fn signup_refuses_weak_passwords(app: TestApp) {
    let email = "Weak.Reader@example.com";
    for (password, code) in [
        ("password", "too_common"),
        ("123456789", "too_common"),
        ("PassWord1", "too_common"),
        ("weak.reader@example.com", "same_as_email"),
        ("WEAK.READER", "same_as_email"),
    ] {
        let response = app.signup(email, password, "Weak").await;
        let body = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "password", "{password}");
        assert_eq!(body["errors"][0]["code"], code, "{password}");
    }
    assert_eq!(
        app.signup(email, "weak reader no more", "Weak")
            .await
            .status(),
        StatusCode::CREATED
    );
}

async fn a_change_refuses_weak_passwords(app: TestApp) {
    let reader = app.new_reader().await;
    for (new_password, code) in [
        ("password", "too_common"),
        ("123456789", "too_common"),
        (reader.email.as_str(), "same_as_email"),
    ] {
        let response = app
            .post_json_auth(
                "/v1/me/password",
                &reader.access_token,
                &json!({"current_password": reader.password, "new_password": new_password}),
            )
            .await;
        let body = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "new_password");
        assert_eq!(body["errors"][0]["code"], code, "{new_password}");
    }
}
