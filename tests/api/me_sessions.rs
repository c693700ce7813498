//! The reader's own sessions (list, end one, end all) and leaving for good.

use crate::support::helpers::{TestApp, assert_problem};
use crate::support::staff_fixtures::paid_subscription;
use diesel::prelude::*;
use masthead::db::schema::{payments, readers, subscriptions};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_reader_sees_and_ends_their_sessions,
    logout_everywhere_ends_every_session,
    deleting_the_account_erases_personal_data_and_keeps_the_books,
);

async fn login_as(app: &TestApp, email: &str, password: &str, agent: &str) -> Value {
    app.client
        .post(app.url("/v1/auth/login"))
        .header("user-agent", agent)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn delete(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client
        .delete(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn a_reader_sees_and_ends_their_sessions(app: TestApp) {
    let reader = app.new_reader().await;
    let phone = login_as(&app, &reader.email, &reader.password, "Phone/1.0").await;
    let phone_token = phone["access_token"].as_str().unwrap();
    let listed: Value = app
        .get_auth("/v1/me/sessions", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let current: Vec<bool> = items
        .iter()
        .map(|s| s["current"].as_bool().unwrap())
        .collect();
    assert_eq!(current.iter().filter(|c| **c).count(), 1);
    let other = items
        .iter()
        .find(|s| s["user_agent"] == "Phone/1.0")
        .unwrap();
    assert_eq!(other["current"], false);
    assert_eq!(other["ip"], "127.0.0.1");

    let stranger = app.new_reader().await;
    let not_theirs = delete(
        &app,
        &format!("/v1/me/sessions/{}", other["id"].as_str().unwrap()),
        &stranger.access_token,
    )
    .await;
    assert_problem(not_theirs, StatusCode::NOT_FOUND, "session_not_found").await;

    let path = format!("/v1/me/sessions/{}", other["id"].as_str().unwrap());
    let ended = delete(&app, &path, &reader.access_token).await;
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_auth("/v1/me", phone_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let refreshed = app.refresh(phone["refresh_token"].as_str().unwrap()).await;
    assert_eq!(refreshed.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get_auth("/v1/me", &reader.access_token).await.status(),
        StatusCode::OK
    );
    let again = delete(&app, &path, &reader.access_token).await;
    assert_problem(again, StatusCode::NOT_FOUND, "session_not_found").await;
}

async fn logout_everywhere_ends_every_session(app: TestApp) {
    let reader = app.new_reader().await;
    let laptop = login_as(&app, &reader.email, &reader.password, "Laptop").await;
    let gone = delete(&app, "/v1/me/sessions", &reader.access_token).await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    for token in [
        reader.access_token.as_str(),
        laptop["access_token"].as_str().unwrap(),
    ] {
        assert_eq!(
            app.get_auth("/v1/me", token).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
}

async fn deleting_the_account_erases_personal_data_and_keeps_the_books(app: TestApp) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "dev", 10, 1);
    let path = "/v1/me";
    let wrong = app
        .client
        .delete(app.url(path))
        .bearer_auth(&reader.access_token)
        .json(&json!({"password": "not my password"}))
        .send()
        .await
        .unwrap();
    assert_problem(wrong, StatusCode::FORBIDDEN, "wrong_password").await;
    let deleted = app
        .client
        .delete(app.url(path))
        .bearer_auth(&reader.access_token)
        .json(&json!({"password": reader.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    assert_eq!(
        app.get_auth("/v1/me", &reader.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let login = app.login(&reader.email, &reader.password).await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
    let mut conn = app.db();
    let (email, name, line1): (String, String, Option<String>) = readers::table
        .find(&reader.id)
        .select((readers::email, readers::name, readers::address_line1))
        .first(&mut conn)
        .unwrap();
    assert!(!email.contains("reader-"), "{email}");
    assert_eq!(name, "Deleted reader");
    assert_eq!(line1, None);
    let state: String = subscriptions::table
        .find(&paid.id)
        .select(subscriptions::state)
        .first(&mut conn)
        .unwrap();
    assert_eq!(state, "canceling", "no renewal after the paid period");
    let kept: i64 = payments::table
        .filter(payments::reader_id.eq(&reader.id))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(kept, 1, "payment records stay");
    let signup_again = app
        .signup(&reader.email, "another long password", "Back")
        .await;
    assert_eq!(
        signup_again.status(),
        StatusCode::CREATED,
        "the address is free again"
    );
}
