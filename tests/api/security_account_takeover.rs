//! Account takeover through links left behind: a squatter signs up first
//! with the victim's address (or holds the password for a while), parks an
//! email change to their own address, and waits for the owner to recover
//! the account. Every credential change (a password reset or change,
//! deletion, a staff disable) spends every outstanding account token, a
//! token issued before the last credential change or for a disabled
//! account is refused, and the first proof of the mailbox (verification,
//! reset) ends every session and pending change made before it.
//!
//! Follows the OWASP Forgot Password Cheat Sheet ("invalidate ... existing
//! sessions" and tokens after a reset):
//! <https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html>,
//! and the "unexpired email change" and "unexpired session" pre-hijacking
//! attacks of Sudhodanan and Paverd (MSRC), "Pre-hijacked accounts"
//! (USENIX Security 2022):
//! <https://www.usenix.org/conference/usenixsecurity22/presentation/sudhodanan>.

use crate::support::helpers::{TestApp, TestReader, assert_problem};
use crate::support::outbox::{CHANGE, RESET, VERIFY, emails_to, latest_token};
use diesel::prelude::*;
use masthead::db::schema::account_tokens;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_parked_email_change_survives_no_password_reset,
    a_parked_email_change_survives_no_password_change,
    a_parked_email_change_survives_no_deletion,
    a_parked_email_change_survives_no_staff_disable,
    a_token_left_unspent_from_before_a_password_change_is_refused,
    the_first_verification_ends_the_squatters_sessions_and_changes,
    signing_up_with_a_squatted_address_mails_its_owner_a_way_in,
);

const VICTIM: &str = "victim@example.com";
const ATTACKER: &str = "attacker@evil.example";

/// The squatter signs up first with the victim's address (never verified).
async fn squat(app: &TestApp) -> TestReader {
    let password = "squatter's passphrase".to_owned();
    let response = app.signup(VICTIM, &password, "Squatter").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    TestReader {
        email: VICTIM.to_owned(),
        password,
        access_token: body["access_token"].as_str().unwrap().to_owned(),
        refresh_token: body["refresh_token"].as_str().unwrap().to_owned(),
        id: body["reader"]["id"].as_str().unwrap().to_owned(),
    }
}

/// Parks an email change to the attacker's address; returns its link.
async fn park_change(app: &TestApp, holder: &TestReader) -> String {
    let response = app
        .post_json_auth(
            "/v1/me/email",
            &holder.access_token,
            &json!({"new_email": ATTACKER, "current_password": holder.password}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    latest_token(app, ATTACKER, CHANGE).await
}

async fn verify(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_json("/v1/auth/verify-email", &json!({"token": token}))
        .await
}

/// The mailbox owner resets the password through the emailed link.
async fn owner_resets(app: &TestApp, email: &str, new_password: &str) {
    let asked = app
        .post_json("/v1/auth/password-reset", &json!({"email": email}))
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let token = latest_token(app, email, RESET).await;
    let confirmed = app
        .post_json(
            "/v1/auth/password-reset/confirm",
            &json!({"token": token, "new_password": new_password}),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::NO_CONTENT);
}

/// The account still answers to the victim's address with the owner's
/// password, and not to the attacker's.
async fn owner_keeps_the_account(app: &TestApp, password: &str) {
    assert_eq!(app.login(VICTIM, password).await.status(), StatusCode::OK);
    assert_eq!(
        app.login(ATTACKER, password).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

/// Attack: squat, park a change, wait for the owner's password reset,
/// then use the parked link to move the account to the attacker's address.
async fn a_parked_email_change_survives_no_password_reset(app: TestApp) {
    let squatter = squat(&app).await;
    let parked = park_change(&app, &squatter).await;
    owner_resets(&app, VICTIM, "the owner's own passphrase").await;

    let refused = verify(&app, &parked).await;
    assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
    owner_keeps_the_account(&app, "the owner's own passphrase").await;
    let me = app.get_auth("/v1/me", &squatter.access_token).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED, "the squatter is out");
    // The signup link in the owner's mailbox is spent too: the reset
    // already verified the address.
    let signup_link = latest_token(&app, VICTIM, VERIFY).await;
    let stale = verify(&app, &signup_link).await;
    assert_problem(stale, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
}

/// Attack: someone who knew the password parks a change; the owner
/// changes the password; the link must not still take the account.
async fn a_parked_email_change_survives_no_password_change(app: TestApp) {
    let owner = app.new_reader().await;
    let parked = park_change(&app, &owner).await;
    let changed = app
        .post_json_auth(
            "/v1/me/password",
            &owner.access_token,
            &json!({"current_password": owner.password, "new_password": "a changed passphrase"}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    let refused = verify(&app, &parked).await;
    assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
    let me: Value = app
        .get_auth("/v1/me", &owner.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], owner.email.as_str());
}

/// Attack: a parked change revives a deleted account under the attacker's
/// address (with the payment history that stays attached to it).
async fn a_parked_email_change_survives_no_deletion(app: TestApp) {
    let owner = app.new_reader().await;
    let parked = park_change(&app, &owner).await;
    let deleted = app
        .client
        .delete(app.url("/v1/me"))
        .bearer_auth(&owner.access_token)
        .json(&json!({"password": owner.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let refused = verify(&app, &parked).await;
    assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
    assert_eq!(
        app.login(ATTACKER, &owner.password).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

/// Attack: support disables a compromised account; the intruder's parked
/// change (or a reset link) must not act on it, then or after re-enabling.
async fn a_parked_email_change_survives_no_staff_disable(app: TestApp) {
    let owner = app.new_reader().await;
    let parked = park_change(&app, &owner).await;
    let support = app.new_staff(Role::Support).await;
    let disabled = app
        .post_json_auth(
            &format!("/v1/admin/readers/{}/disable", owner.id),
            &support.access_token,
            &json!({"reason": "compromised"}),
        )
        .await;
    assert_eq!(disabled.status(), StatusCode::OK);
    let refused = verify(&app, &parked).await;
    assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
    let enabled = app
        .post_json_auth(
            &format!("/v1/admin/readers/{}/enable", owner.id),
            &support.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(enabled.status(), StatusCode::OK);
    let still = verify(&app, &parked).await;
    assert_problem(still, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
    assert_eq!(
        app.login(&owner.email, &owner.password).await.status(),
        StatusCode::OK
    );
}

/// Defence in depth: a link issued before the last password change is
/// refused even if it was left unspent (written by an older instance in a
/// rolling deploy, say), and a verification link for a disabled account.
async fn a_token_left_unspent_from_before_a_password_change_is_refused(app: TestApp) {
    let owner = app.new_reader().await;
    let parked = park_change(&app, &owner).await;
    let changed = app
        .post_json_auth(
            "/v1/me/password",
            &owner.access_token,
            &json!({"current_password": owner.password, "new_password": "a changed passphrase"}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    diesel::update(account_tokens::table.filter(account_tokens::reader_id.eq(&owner.id)))
        .set(account_tokens::used_at.eq(None::<chrono::NaiveDateTime>))
        .execute(&mut app.db())
        .unwrap();
    let refused = verify(&app, &parked).await;
    assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;

    // A verification link of a disabled account verifies nothing.
    let other = app.new_reader().await;
    let link = latest_token(&app, &other.email, VERIFY).await;
    let support = app.new_staff(Role::Support).await;
    app.post_json_auth(
        &format!("/v1/admin/readers/{}/disable", other.id),
        &support.access_token,
        &json!({"reason": "fraud"}),
    )
    .await;
    diesel::update(account_tokens::table.filter(account_tokens::reader_id.eq(&other.id)))
        .set(account_tokens::used_at.eq(None::<chrono::NaiveDateTime>))
        .execute(&mut app.db())
        .unwrap();
    let refused = verify(&app, &link).await;
    assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
}

/// Attack ("unexpired session"): the squatter stays logged in after the
/// owner proves the mailbox by opening the signup link. The first
/// verification ends every session and pending change made before it.
async fn the_first_verification_ends_the_squatters_sessions_and_changes(app: TestApp) {
    let squatter = squat(&app).await;
    let parked = park_change(&app, &squatter).await;
    let link = latest_token(&app, VICTIM, VERIFY).await;
    assert_eq!(verify(&app, &link).await.status(), StatusCode::OK);

    let me = app.get_auth("/v1/me", &squatter.access_token).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    let refreshed = app.refresh(&squatter.refresh_token).await;
    assert_eq!(refreshed.status(), StatusCode::UNAUTHORIZED);
    let refused = verify(&app, &parked).await;
    assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
    // A later verification (after an email change, say) is no first one:
    // it leaves the sessions alone.
    let reader = app.new_reader().await;
    let first = latest_token(&app, &reader.email, VERIFY).await;
    assert_eq!(verify(&app, &first).await.status(), StatusCode::OK);
    let body: Value = app
        .login(&reader.email, &reader.password)
        .await
        .json()
        .await
        .unwrap();
    let token = body["access_token"].as_str().unwrap();
    let moved = app
        .post_json_auth(
            "/v1/me/email",
            token,
            &json!({"new_email": "moved@example.com", "current_password": reader.password}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::ACCEPTED);
    let change = latest_token(&app, "moved@example.com", CHANGE).await;
    assert_eq!(verify(&app, &change).await.status(), StatusCode::OK);
    assert_eq!(app.get_auth("/v1/me", token).await.status(), StatusCode::OK);
}

/// The owner of a squatted address tries to sign up: 409 as for any taken
/// address, and their mailbox gets a reset link that hands them the
/// account, ends the squatter's sessions and spends the parked change.
async fn signing_up_with_a_squatted_address_mails_its_owner_a_way_in(app: TestApp) {
    let squatter = squat(&app).await;
    let parked = park_change(&app, &squatter).await;
    assert!(emails_to(&app, VICTIM, RESET).await.is_empty());
    let refused_signup = app
        .signup(VICTIM, "the owner's own passphrase", "Owner")
        .await;
    assert_problem(refused_signup, StatusCode::CONFLICT, "email_taken").await;
    assert_eq!(emails_to(&app, VICTIM, RESET).await.len(), 1);
    let token = latest_token(&app, VICTIM, RESET).await;
    let confirmed = app
        .post_json(
            "/v1/auth/password-reset/confirm",
            &json!({"token": token, "new_password": "the owner's own passphrase"}),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::NO_CONTENT);
    owner_keeps_the_account(&app, "the owner's own passphrase").await;
    assert_eq!(
        app.get_auth("/v1/me", &squatter.access_token)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let refused = verify(&app, &parked).await;
    assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;

    // A verified address mails nothing: its owner already holds it.
    let verified = app.new_reader().await;
    let link = latest_token(&app, &verified.email, VERIFY).await;
    verify(&app, &link).await;
    let again = app.signup(&verified.email, "another passphrase", "X").await;
    assert_problem(again, StatusCode::CONFLICT, "email_taken").await;
    assert!(emails_to(&app, &verified.email, RESET).await.is_empty());
}
