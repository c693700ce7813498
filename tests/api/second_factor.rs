//! Staff's second factor: TOTP (RFC 6238, https://www.rfc-editor.org/rfc/rfc6238)
//! with one-time recovery codes, enrolled by the staff member, asked for at
//! login, required for staff actions where the setting says so (on in
//! production), reset by another admin. The codes are computed here with
//! `masthead::auth::totp`, whose unit tests check it against RFC 6238's
//! Appendix B vectors; the secret comes from the enrolment answer, as an
//! authenticator app would read it.

use crate::support::helpers::{TestApp, TestReader, assert_problem, spawn_app_with};
use masthead::auth::totp::{TOTP_STEP_SECONDS, TotpSecret};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    enrolment_shows_a_secret_an_app_can_read,
    a_staff_login_after_enrolment_needs_the_code,
    a_replayed_code_does_not_log_in_twice,
    a_code_from_a_minute_ago_is_refused,
    a_recovery_code_logs_in_once,
    guessing_codes_runs_into_the_login_lockout,
    a_stolen_access_token_cannot_confirm_an_enrolment,
    confirming_ends_the_other_sessions,
    a_second_enrolment_cannot_replace_a_confirmed_factor,
    readers_have_no_second_factor,
    an_admin_resets_another_staff_members_factor,
    only_admins_reset_and_never_their_own,
    staff_actions_work_without_a_factor_where_it_is_not_required,
);

on_both_backends!(with = |backend| spawn_app_with(backend, |s| s.staff_second_factor_required = Some(true));
    where_required_staff_actions_need_a_session_that_proved_the_factor,
    where_required_confirming_lifts_the_same_session,
);

/// The code an app holding `secret` shows now.
fn code_now(secret: &str) -> String {
    code_steps_ago(secret, 0)
}

fn code_steps_ago(secret: &str, steps: u64) -> String {
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap();
    TotpSecret::from_stored(secret)
        .expect("base32 secret")
        .code_at_step(now / TOTP_STEP_SECONDS - steps)
}

/// The code of the step after the one `code_now` gave: a fresh code that
/// the one-step window still accepts, for a second login in the same 30 s.
fn next_code(secret: &str) -> String {
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap();
    TotpSecret::from_stored(secret)
        .unwrap()
        .code_at_step(now / TOTP_STEP_SECONDS + 1)
}

async fn start(app: &TestApp, member: &TestReader) -> Value {
    let response = app
        .post_json_auth("/v1/me/second-factor", &member.access_token, &json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

/// Enrols `member` (start, confirm); returns the secret and the recovery codes.
async fn enrol(app: &TestApp, member: &TestReader) -> (String, Vec<String>) {
    let secret = start(app, member).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = app
        .post_json_auth(
            "/v1/me/second-factor/confirm",
            &member.access_token,
            &json!({"password": member.password, "code": code_now(&secret)}),
        )
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    let codes = body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap().to_owned())
        .collect();
    (secret, codes)
}

async fn login_with(app: &TestApp, member: &TestReader, code: Option<&str>) -> reqwest::Response {
    let mut body = json!({"email": member.email, "password": member.password});
    if let Some(code) = code {
        body["second_factor"] = json!(code);
    }
    app.post_json("/v1/auth/login", &body).await
}

async fn token_of(response: reqwest::Response) -> String {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

/// The Key Uri Format an authenticator app reads
/// (https://github.com/google/google-authenticator/wiki/Key-Uri-Format).
async fn enrolment_shows_a_secret_an_app_can_read(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let enrolment = start(&app, &admin).await;
    let secret = enrolment["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 32, "160 bits in base32");
    let uri = enrolment["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(uri.contains(&format!("secret={secret}")), "{uri}");
    assert!(
        uri.contains("digits=6") && uri.contains("period=30"),
        "{uri}"
    );
    assert!(uri.contains(&admin.email.replace('@', "%40")), "{uri}");
    let status: Value = app
        .get_auth("/v1/me/second-factor", &admin.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["enrolled"], false, "started, not confirmed");
    // Starting again replaces the unconfirmed secret.
    let again = start(&app, &admin).await;
    assert_ne!(again["secret"], enrolment["secret"]);
}

async fn a_staff_login_after_enrolment_needs_the_code(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let (secret, codes) = enrol(&app, &support).await;
    assert_eq!(codes.len(), 10);
    let status: Value = app
        .get_auth("/v1/me/second-factor", &support.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["enrolled"], true);
    assert_eq!(status["recovery_codes_left"], 10);
    assert_eq!(status["this_session_verified"], true);
    assert_problem(
        login_with(&app, &support, None).await,
        StatusCode::UNAUTHORIZED,
        "second_factor_required",
    )
    .await;
    assert_problem(
        login_with(&app, &support, Some("000000")).await,
        StatusCode::UNAUTHORIZED,
        "invalid_second_factor",
    )
    .await;
    let token = token_of(login_with(&app, &support, Some(&next_code(&secret))).await).await;
    let readers = app.get_auth("/v1/admin/readers", &token).await;
    assert_eq!(readers.status(), StatusCode::OK);
}

/// RFC 6238 section 5.2: "the verifier MUST NOT accept the second attempt
/// of the same OTP after the successful validation has been issued".
async fn a_replayed_code_does_not_log_in_twice(app: TestApp) {
    let editor = app.new_staff(Role::Editor).await;
    let (secret, _) = enrol(&app, &editor).await;
    let code = next_code(&secret);
    token_of(login_with(&app, &editor, Some(&code)).await).await;
    assert_problem(
        login_with(&app, &editor, Some(&code)).await,
        StatusCode::UNAUTHORIZED,
        "invalid_second_factor",
    )
    .await;
}

/// RFC 6238 section 5.2 allows at most one step of network delay back.
async fn a_code_from_a_minute_ago_is_refused(app: TestApp) {
    let editor = app.new_staff(Role::Editor).await;
    let (secret, _) = enrol(&app, &editor).await;
    assert_problem(
        login_with(&app, &editor, Some(&code_steps_ago(&secret, 2))).await,
        StatusCode::UNAUTHORIZED,
        "invalid_second_factor",
    )
    .await;
}

async fn a_recovery_code_logs_in_once(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let (_, codes) = enrol(&app, &admin).await;
    // Typed in capitals with a space for the dash: still the code.
    let typed = codes[3].to_uppercase().replace('-', " ");
    let token = token_of(login_with(&app, &admin, Some(&typed)).await).await;
    let status: Value = app
        .get_auth("/v1/me/second-factor", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["recovery_codes_left"], 9);
    assert_problem(
        login_with(&app, &admin, Some(&codes[3])).await,
        StatusCode::UNAUTHORIZED,
        "invalid_second_factor",
    )
    .await;
}

/// A million six-digit codes cannot be tried one login at a time: a wrong
/// code counts as a failed login, so the lockout (OWASP Authentication
/// Cheat Sheet, "Login Throttling") stops the guessing, right code or not.
async fn guessing_codes_runs_into_the_login_lockout(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let (secret, _) = enrol(&app, &support).await;
    let mut locked = false;
    for guess in 0..40 {
        let response = login_with(&app, &support, Some(&format!("{guess:06}"))).await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            locked = true;
            break;
        }
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    assert!(locked, "wrong codes never locked the login");
    let response = login_with(&app, &support, Some(&next_code(&secret))).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

/// Confirming lifts a session to one that may act as staff, so it asks
/// for the password: a leaked access token alone cannot enrol its own
/// factor and keep the account.
async fn a_stolen_access_token_cannot_confirm_an_enrolment(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let secret = start(&app, &admin).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = app
        .post_json_auth(
            "/v1/me/second-factor/confirm",
            &admin.access_token,
            &json!({"password": "a guess", "code": code_now(&secret)}),
        )
        .await;
    assert_problem(response, StatusCode::FORBIDDEN, "wrong_password").await;
    let status: Value = app
        .get_auth("/v1/me/second-factor", &admin.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["enrolled"], false);
    let wrong_code = app
        .post_json_auth(
            "/v1/me/second-factor/confirm",
            &admin.access_token,
            &json!({"password": admin.password, "code": "12345\r\n"}),
        )
        .await;
    assert_problem(
        wrong_code,
        StatusCode::UNAUTHORIZED,
        "invalid_second_factor",
    )
    .await;
}

async fn confirming_ends_the_other_sessions(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let other = token_of(login_with(&app, &support, None).await).await;
    enrol(&app, &support).await;
    let response = app.get_auth("/v1/me", &other).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = app.get_auth("/v1/me", &support.access_token).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the confirming session stays"
    );
}

async fn a_second_enrolment_cannot_replace_a_confirmed_factor(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    enrol(&app, &admin).await;
    let response = app
        .post_json_auth("/v1/me/second-factor", &admin.access_token, &json!({}))
        .await;
    assert_problem(
        response,
        StatusCode::CONFLICT,
        "second_factor_already_enrolled",
    )
    .await;
}

async fn readers_have_no_second_factor(app: TestApp) {
    let reader = app.new_reader().await;
    for response in [
        app.post_json_auth("/v1/me/second-factor", &reader.access_token, &json!({}))
            .await,
        app.get_auth("/v1/me/second-factor", &reader.access_token)
            .await,
    ] {
        assert_problem(response, StatusCode::FORBIDDEN, "insufficient_role").await;
    }
    // A reader's login ignores the field.
    let response = login_with(&app, &reader, Some("123456")).await;
    assert_eq!(response.status(), StatusCode::OK);
}

async fn an_admin_resets_another_staff_members_factor(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let support = app.new_staff(Role::Support).await;
    enrol(&app, &support).await;
    let response = app
        .post_json_auth(
            &format!("/v1/admin/readers/{}/second-factor/reset", support.id),
            &admin.access_token,
            &json!({"reason": "lost phone"}),
        )
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["revoked"], 1);
    let response = app.get_auth("/v1/me", &support.access_token).await;
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "sessions ended"
    );
    let again = app
        .post_json_auth(
            &format!("/v1/admin/readers/{}/second-factor/reset", support.id),
            &admin.access_token,
            &json!({}),
        )
        .await;
    assert_problem(again, StatusCode::NOT_FOUND, "second_factor_not_enrolled").await;
    // The password alone logs in again, and a new enrolment can start.
    let token = token_of(login_with(&app, &support, None).await).await;
    let response = app
        .post_json_auth("/v1/me/second-factor", &token, &json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let log: Value = app
        .get_auth(
            "/v1/admin/audit-log?action=second_factor_reset",
            &admin.access_token,
        )
        .await
        .json()
        .await
        .unwrap();
    let entries = log["items"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    assert_eq!(entries[0]["reader_id"], support.id.as_str());
    assert_eq!(entries[0]["reason"], "lost phone");
}

async fn only_admins_reset_and_never_their_own(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let support = app.new_staff(Role::Support).await;
    enrol(&app, &admin).await;
    let own = app
        .post_json_auth(
            &format!("/v1/admin/readers/{}/second-factor/reset", admin.id),
            &admin.access_token,
            &json!({}),
        )
        .await;
    assert_problem(own, StatusCode::CONFLICT, "cannot_change_own_account").await;
    let by_support = app
        .post_json_auth(
            &format!("/v1/admin/readers/{}/second-factor/reset", admin.id),
            &support.access_token,
            &json!({}),
        )
        .await;
    assert_problem(by_support, StatusCode::FORBIDDEN, "insufficient_role").await;
}

async fn staff_actions_work_without_a_factor_where_it_is_not_required(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let response = app
        .get_auth("/v1/admin/readers", &support.access_token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let status: Value = app
        .get_auth("/v1/me/second-factor", &support.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["required"], false);
}

async fn where_required_staff_actions_need_a_session_that_proved_the_factor(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let response = app
        .get_auth("/v1/admin/readers", &support.access_token)
        .await;
    assert_problem(
        response,
        StatusCode::FORBIDDEN,
        "staff_second_factor_required",
    )
    .await;
    let (secret, _) = enrol(&app, &support).await;
    let token = token_of(login_with(&app, &support, Some(&next_code(&secret))).await).await;
    let response = app.get_auth("/v1/admin/readers", &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    // A refreshed token keeps the session's proof.
    let status: Value = app
        .get_auth("/v1/me/second-factor", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["required"], true);
    assert_eq!(status["this_session_verified"], true);
}

async fn where_required_confirming_lifts_the_same_session(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    enrol(&app, &admin).await;
    let response = app.get_auth("/v1/admin/readers", &admin.access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let refreshed: Value = app
        .refresh(&admin.refresh_token)
        .await
        .json()
        .await
        .unwrap();
    let token = refreshed["access_token"].as_str().unwrap();
    let response = app.get_auth("/v1/admin/readers", token).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the refreshed session too"
    );
}
