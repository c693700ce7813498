//! Attacks on the per-account login lock: locking a reader out by
//! guessing, telling a locked account from an unknown address by its
//! answer (enumeration), and a burst of concurrent guesses that gets more
//! verifications than the cap. The lock counts per (email, client
//! address) and, with its own cap, over every address; the attempt is
//! counted before the password is verified; an address the reader holds a
//! session from is not held back by the count over every address; a
//! password reset lifts the lock.
//!
//! Follows the OWASP Authentication Cheat Sheet, "Account Lockout" (count
//! per account, beware of denial of service, same answer for existing and
//! unknown accounts) and "Authentication and Error Messages":
//! <https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html>,
//! and the per user/IP-pair blocking of Auth0's brute-force protection:
//! <https://auth0.com/docs/secure/attack-protection/brute-force-protection>.

use crate::support::helpers::{Backend, TestApp, TestReader, assert_problem, spawn_app_with};
use crate::support::outbox::{RESET, latest_token};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

on_both_backends!(with = behind_a_proxy;
    a_locked_account_and_an_unknown_address_answer_alike,
    a_burst_of_concurrent_guesses_from_one_address_gets_no_more_than_the_cap,
    a_burst_of_concurrent_guesses_from_many_addresses_gets_no_more_than_the_cap,
    an_attacker_guessing_does_not_lock_the_reader_out,
);

/// Behind a trusted proxy (the test client sets `X-Forwarded-For`), with 3
/// checks per (email, address) and 5 over every address in the hour.
async fn behind_a_proxy(backend: Backend) -> TestApp {
    spawn_app_with(backend, |settings| {
        settings.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        settings.login_failures_per_address_per_hour = 3;
        settings.login_failures_per_hour = 5;
    })
    .await
}

async fn login_from(app: &TestApp, address: &str, email: &str, password: &str) -> Response {
    app.client
        .post(app.url("/v1/auth/login"))
        .header("x-forwarded-for", address)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

/// Status and body with the instance field (the request's own) left out.
async fn answer(response: Response) -> (StatusCode, bool, Value) {
    let status = response.status();
    let retry = response.headers().contains_key("retry-after");
    let mut body: Value = response.json().await.unwrap();
    body.as_object_mut().unwrap().remove("instance");
    (status, retry, body)
}

/// Attack (enumeration): a locked known email answered 429 while an
/// unknown one answered 401. Both are counted alike now, so both answer
/// the same, attempt by attempt.
async fn a_locked_account_and_an_unknown_address_answer_alike(app: TestApp) {
    let reader = app.new_reader().await;
    let unknown = "nobody-here@example.com";
    for attempt in 0..5 {
        let known =
            answer(login_from(&app, "10.1.0.1", &reader.email, "wrong guess 123").await).await;
        let nobody = answer(login_from(&app, "10.1.0.1", unknown, "wrong guess 123").await).await;
        assert_eq!(known, nobody, "attempt {attempt}");
        let expected = if attempt < 3 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(known.0, expected, "attempt {attempt}: {:?}", known.2);
    }
    let locked = login_from(&app, "10.1.0.1", unknown, "wrong guess 123").await;
    assert_problem(
        locked,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_failed_logins",
    )
    .await;
}

/// Fires `n` wrong logins at once, from `address(i)`; returns how many
/// were verified (401) and how many refused unverified (429).
async fn burst(
    app: &TestApp,
    reader: &TestReader,
    n: usize,
    address: fn(usize) -> String,
) -> (usize, usize) {
    let attempts = (0..n).map(|i| {
        let app_address = address(i);
        async move {
            login_from(app, &app_address, &reader.email, "wrong guess 123")
                .await
                .status()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let verified = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    (verified, refused)
}

/// Attack: 40 concurrent guesses from one address against a cap of 3 used
/// to all be verified (the lock was read before and written after each
/// hash). Counted first, exactly 3 are.
async fn a_burst_of_concurrent_guesses_from_one_address_gets_no_more_than_the_cap(app: TestApp) {
    let reader = app.new_reader().await;
    let (verified, refused) = burst(&app, &reader, 40, |_| "10.2.0.1".to_owned()).await;
    assert_eq!((verified, refused), (3, 37));
}

/// Attack: 40 concurrent guesses from 40 addresses against the cap of 5
/// over every address: exactly 5 are verified.
async fn a_burst_of_concurrent_guesses_from_many_addresses_gets_no_more_than_the_cap(app: TestApp) {
    let reader = app.new_reader().await;
    let (verified, refused) = burst(&app, &reader, 40, |i| format!("10.3.0.{}", i + 1)).await;
    assert_eq!((verified, refused), (5, 35));
}

/// Attack (denial of service): guessing locked the reader out for an hour.
/// Now a guesser locks only their own address; guessers from many
/// addresses lock out new addresses but not one the reader holds a session
/// from; and a password reset lifts every lock.
async fn an_attacker_guessing_does_not_lock_the_reader_out(app: TestApp) {
    let reader = app.new_reader().await;
    let home = "10.4.0.1";
    assert_eq!(
        login_from(&app, home, &reader.email, &reader.password)
            .await
            .status(),
        StatusCode::OK
    );

    for _ in 0..3 {
        login_from(&app, "10.4.0.66", &reader.email, "wrong guess 123").await;
    }
    let attacker = login_from(&app, "10.4.0.66", &reader.email, &reader.password).await;
    assert_problem(
        attacker,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_failed_logins",
    )
    .await;
    assert_eq!(
        login_from(&app, home, &reader.email, &reader.password)
            .await
            .status(),
        StatusCode::OK
    );

    // A botnet uses up the count over every address.
    for i in 0..10 {
        login_from(
            &app,
            &format!("10.5.0.{}", i + 1),
            &reader.email,
            "wrong guess 123",
        )
        .await;
    }
    let elsewhere = login_from(&app, "10.6.0.1", &reader.email, &reader.password).await;
    assert_problem(
        elsewhere,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_failed_logins",
    )
    .await;
    assert_eq!(
        login_from(&app, home, &reader.email, &reader.password)
            .await
            .status(),
        StatusCode::OK,
        "the reader's own address still gets in"
    );

    // From a new address, the reader's way in is a password reset.
    let asked = app
        .post_json("/v1/auth/password-reset", &json!({"email": reader.email}))
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let token = latest_token(&app, &reader.email, RESET).await;
    let confirmed = app
        .post_json(
            "/v1/auth/password-reset/confirm",
            &json!({"token": token, "new_password": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::NO_CONTENT);
    let back = login_from(&app, "10.6.0.1", &reader.email, "a brand new passphrase").await;
    assert_eq!(back.status(), StatusCode::OK);
}
