use crate::support::helpers::{TestApp, assert_problem};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    refresh_rotates_the_pair,
    reusing_a_rotated_token_revokes_the_whole_family,
    reuse_leaves_other_logins_alone,
    unknown_or_missing_refresh_token_is_refused,
    concurrent_refreshes_of_one_token_rotate_once,
);

async fn refresh_rotates_the_pair(app: TestApp) {
    let reader = app.new_reader().await;
    let response = app.refresh(&reader.refresh_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let new_refresh = body["refresh_token"].as_str().unwrap();
    assert_ne!(new_refresh, reader.refresh_token);
    let me = app
        .get_auth("/v1/me", body["access_token"].as_str().unwrap())
        .await;
    assert_eq!(me.status(), StatusCode::OK);
    // The new token rotates again.
    assert_eq!(app.refresh(new_refresh).await.status(), StatusCode::OK);
}

async fn reusing_a_rotated_token_revokes_the_whole_family(app: TestApp) {
    let reader = app.new_reader().await;
    let first: Value = app
        .refresh(&reader.refresh_token)
        .await
        .json()
        .await
        .unwrap();
    let second: Value = app
        .refresh(first["refresh_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    let newest_refresh = second["refresh_token"].as_str().unwrap();
    let newest_access = second["access_token"].as_str().unwrap();

    // An attacker replays the original, long rotated token.
    let replay = app.refresh(&reader.refresh_token).await;
    assert_problem(replay, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;

    // The legitimate newest tokens of that family are dead too.
    let newest = app.refresh(newest_refresh).await;
    assert_problem(newest, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    let me = app.get_auth("/v1/me", newest_access).await;
    assert_problem(me, StatusCode::UNAUTHORIZED, "session_revoked").await;
}

async fn reuse_leaves_other_logins_alone(app: TestApp) {
    let reader = app.new_reader().await;
    let other_login: Value = app
        .login(&reader.email, &reader.password)
        .await
        .json()
        .await
        .unwrap();
    app.refresh(&reader.refresh_token).await;
    app.refresh(&reader.refresh_token).await;
    let other = app
        .refresh(other_login["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(other.status(), StatusCode::OK);
}

async fn unknown_or_missing_refresh_token_is_refused(app: TestApp) {
    let unknown = app
        .refresh("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    assert_problem(unknown, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    let missing = app.post_json("/v1/auth/refresh", &json!({})).await;
    assert_problem(
        missing,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

async fn concurrent_refreshes_of_one_token_rotate_once(app: TestApp) {
    let reader = app.new_reader().await;
    let attempts = (0..8).map(|_| app.refresh(&reader.refresh_token));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.status())
        .collect();
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert!(
        ok <= 1,
        "a refresh token was rotated {ok} times: {statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::UNAUTHORIZED)
    );
}
