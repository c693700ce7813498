use super::{Console, field};
use crate::support::helpers::TestApp;
use masthead::auth::totp::{TOTP_STEP_SECONDS, TotpSecret};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(a_stolen_password_alone_does_not_open_the_console);

/// The code of the step `ahead` steps from now (the window accepts the next
/// one, so a login right after the enrolment need not reuse its code).
fn code_at(secret: &str, ahead: u64) -> String {
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap();
    TotpSecret::from_stored(secret)
        .unwrap()
        .code_at_step(now / TOTP_STEP_SECONDS + ahead)
}

async fn a_stolen_password_alone_does_not_open_the_console(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let started: Value = app
        .post_json_auth("/v1/me/second-factor", &support.access_token, &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let secret = started["secret"].as_str().unwrap().to_owned();
    let confirmed = app
        .post_json_auth(
            "/v1/me/second-factor/confirm",
            &support.access_token,
            &json!({"password": support.password, "code": code_at(&secret, 0)}),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);

    let console = Console::new(&app);
    let asked = console.log_in(&support.email, &support.password).await;
    assert_eq!(asked.status, StatusCode::UNAUTHORIZED, "{}", asked.body);
    assert!(asked.body.contains("authenticator app"), "{}", asked.body);
    assert!(!console.cookies().contains_key("masthead_console"));

    let login = console.get("/console/login").await;
    let nonce = field(&login.body, "login_token");
    let code = code_at(&secret, 1);
    let signed_in = console
        .post(
            "/console/login",
            &[
                ("login_token", &nonce),
                ("email", &support.email),
                ("password", &support.password),
                ("code", &code),
            ],
        )
        .await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    assert_eq!(console.get("/console/readers").await.status, StatusCode::OK);
}
