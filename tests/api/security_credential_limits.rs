//! Password oracles outside the login limits, and branded mail to anyone:
//! a stolen session guesses the current password at `POST /v1/me/email`,
//! `POST /v1/me/password` or `DELETE /v1/me` without limit, or makes the
//! magazine mail any address. Every password check counts into the login
//! limits (per client address in memory, per email and client address in
//! the database), and every endpoint that sends mail into the email limit.
//!
//! Follows the OWASP Authentication Cheat Sheet, "Protect Against
//! Automated Attacks" and "Account Lockout", which apply to every place a
//! password is checked, and "Require Re-authentication for Sensitive
//! Features":
//! <https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html>

use crate::support::helpers::{Backend, TestApp, TestReader, assert_problem, spawn_app_with};
use crate::support::outbox::{CHANGE, emails_to};
use reqwest::{Response, StatusCode};
use serde_json::json;

on_both_backends!(with = three_checks_an_hour;
    password_guessing_through_the_email_change,
    password_guessing_through_the_password_change,
    password_guessing_through_account_deletion,
);
on_both_backends!(with = three_attempts_a_minute;
    password_guessing_through_account_changes_meets_the_address_limit,
);
on_both_backends!(with = two_emails_a_minute;
    mail_bombing_through_the_email_change,
    mail_bombing_through_signup,
);

async fn three_checks_an_hour(backend: Backend) -> TestApp {
    spawn_app_with(backend, |settings| {
        settings.login_failures_per_address_per_hour = 3;
        settings.login_failures_per_hour = 3;
    })
    .await
}

async fn three_attempts_a_minute(backend: Backend) -> TestApp {
    spawn_app_with(backend, |settings| settings.login_attempts_per_minute = 3).await
}

async fn two_emails_a_minute(backend: Backend) -> TestApp {
    spawn_app_with(backend, |settings| settings.email_requests_per_minute = 2).await
}

/// One of the three password-checking account endpoints.
#[derive(Clone, Copy)]
enum Check {
    ChangeEmail,
    ChangePassword,
    Delete,
}

async fn check(app: &TestApp, holder: &TestReader, which: Check, password: &str) -> Response {
    match which {
        Check::ChangeEmail => {
            app.post_json_auth(
                "/v1/me/email",
                &holder.access_token,
                &json!({"new_email": "elsewhere@example.com", "current_password": password}),
            )
            .await
        }
        Check::ChangePassword => {
            app.post_json_auth(
                "/v1/me/password",
                &holder.access_token,
                &json!({"current_password": password, "new_password": "a replacement passphrase"}),
            )
            .await
        }
        Check::Delete => app
            .client
            .delete(app.url("/v1/me"))
            .bearer_auth(&holder.access_token)
            .json(&json!({"password": password}))
            .send()
            .await
            .unwrap(),
    }
}

/// Three wrong guesses through `which` use up the hour: the fourth, even
/// with the right password, is refused unverified, and so is a login
/// (the same count), until a password reset.
async fn guessing_is_limited(app: &TestApp, which: Check) {
    let stolen = app.new_reader().await;
    for _ in 0..3 {
        let wrong = check(app, &stolen, which, "guess guess guess").await;
        assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    }
    let refused = check(app, &stolen, which, &stolen.password).await;
    assert!(refused.headers().contains_key("retry-after"));
    assert_problem(
        refused,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_failed_logins",
    )
    .await;
    let login = app.login(&stolen.email, &stolen.password).await;
    assert_problem(
        login,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_failed_logins",
    )
    .await;
    // Nothing was changed by the refused request.
    assert!(
        emails_to(app, "elsewhere@example.com", CHANGE)
            .await
            .is_empty()
    );
    assert_eq!(
        app.get_auth("/v1/me", &stolen.access_token).await.status(),
        StatusCode::OK
    );
}

/// Attack: a password oracle at `POST /v1/me/email`.
async fn password_guessing_through_the_email_change(app: TestApp) {
    guessing_is_limited(&app, Check::ChangeEmail).await;
    // Login failures count the other way round too.
    let reader = app.new_reader().await;
    for _ in 0..3 {
        let wrong = app.login(&reader.email, "guess guess guess").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let refused = check(&app, &reader, Check::ChangeEmail, &reader.password).await;
    assert_problem(
        refused,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_failed_logins",
    )
    .await;
}

/// Attack: a password oracle at `POST /v1/me/password`.
async fn password_guessing_through_the_password_change(app: TestApp) {
    guessing_is_limited(&app, Check::ChangePassword).await;
}

/// Attack: a password oracle at `DELETE /v1/me`.
async fn password_guessing_through_account_deletion(app: TestApp) {
    guessing_is_limited(&app, Check::Delete).await;
}

/// The per-client-address limit on login attempts covers the account
/// endpoints too (one budget for every password check from an address).
async fn password_guessing_through_account_changes_meets_the_address_limit(app: TestApp) {
    let stolen = app.new_reader().await;
    let checks = [Check::ChangeEmail, Check::ChangePassword, Check::Delete];
    for which in checks {
        let wrong = check(&app, &stolen, which, "guess guess guess").await;
        assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    }
    for which in checks {
        let limited = check(&app, &stolen, which, "guess guess guess").await;
        assert_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    }
}

/// Attack: branded mail to any address through `POST /v1/me/email`, which
/// mails the new address: it shares the email limit with password-reset
/// requests and sign-up (which used the first of the two emails here).
async fn mail_bombing_through_the_email_change(app: TestApp) {
    let reader = app.new_reader().await;
    for n in 0..1 {
        let target = format!("target-{n}@example.com");
        let sent = app
            .post_json_auth(
                "/v1/me/email",
                &reader.access_token,
                &json!({"new_email": target, "current_password": reader.password}),
            )
            .await;
        assert_eq!(sent.status(), StatusCode::ACCEPTED);
    }
    let limited = app
        .post_json_auth(
            "/v1/me/email",
            &reader.access_token,
            &json!({"new_email": "target-2@example.com", "current_password": reader.password}),
        )
        .await;
    assert_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert!(
        emails_to(&app, "target-2@example.com", CHANGE)
            .await
            .is_empty()
    );
    let reset = app
        .post_json("/v1/auth/password-reset", &json!({"email": reader.email}))
        .await;
    assert_problem(reset, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

/// Attack: branded mail through sign-up, which mails a verification link
/// to whatever address it is given: it shares the email limit.
async fn mail_bombing_through_signup(app: TestApp) {
    let asked = app
        .post_json(
            "/v1/auth/password-reset",
            &json!({"email": "someone@example.com"}),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let first = app
        .signup("one@example.com", "a fine passphrase", "One")
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let limited = app
        .signup("two@example.com", "a fine passphrase", "Two")
        .await;
    assert_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert!(
        emails_to(&app, "two@example.com", crate::support::outbox::VERIFY)
            .await
            .is_empty()
    );
}
