//! Attacks by staff on accounts outside their reach: support logging an
//! admin out everywhere, and support comping or extending their own
//! account (self-dealing). Revoking sessions, comps and extensions follow
//! the rule disable and enable already follow: only admins touch admins,
//! nobody their own account.
//!
//! Follows the OWASP Authorization Cheat Sheet, "Enforce Least Privileges"
//! and "Deny by Default":
//! <https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html>

use crate::support::helpers::{TestApp, TestReader, assert_problem};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    support_logs_an_admin_out_everywhere,
    staff_log_themselves_out_through_the_directory,
    support_comps_their_own_account,
    support_comps_an_admin,
    support_extends_their_own_comp,
);

fn revoke(who: &TestReader) -> String {
    format!("/v1/admin/readers/{}/sessions/revoke", who.id)
}

fn comp(who: &TestReader) -> String {
    format!("/v1/admin/readers/{}/comp", who.id)
}

fn comp_body() -> Value {
    json!({"tier": "print", "until": "2099-01-01T00:00:00Z", "reason": "a favour"})
}

async fn still_logged_in(app: &TestApp, who: &TestReader) -> bool {
    app.get_auth("/v1/me", &who.access_token).await.status() == StatusCode::OK
}

/// Attack: support revokes every session of an admin (a denial of
/// service against the people who could stop them). Refused with 403;
/// the admin stays logged in; another admin may do it.
async fn support_logs_an_admin_out_everywhere(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let admin = app.new_staff(Role::Admin).await;
    let refused = app
        .post_json_auth(&revoke(&admin), &support.access_token, &json!({}))
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "admin_account_protected").await;
    assert!(still_logged_in(&app, &admin).await);

    let other_admin = app.new_staff(Role::Admin).await;
    let allowed = app
        .post_json_auth(&revoke(&admin), &other_admin.access_token, &json!({}))
        .await;
    assert_eq!(allowed.status(), StatusCode::OK);
    assert!(!still_logged_in(&app, &admin).await);
    // Support still logs readers and other support staff out.
    let reader = app.new_reader().await;
    let peer = app.new_staff(Role::Support).await;
    for target in [&reader, &peer] {
        let done = app
            .post_json_auth(&revoke(target), &support.access_token, &json!({}))
            .await;
        assert_eq!(done.status(), StatusCode::OK);
    }
}

/// Staff ending their own sessions through the directory would write an
/// audit entry about themselves as if about a reader; 409, as for disable.
async fn staff_log_themselves_out_through_the_directory(app: TestApp) {
    for role in [Role::Support, Role::Admin] {
        let staff = app.new_staff(role).await;
        let own = app
            .post_json_auth(&revoke(&staff), &staff.access_token, &json!({}))
            .await;
        assert_problem(own, StatusCode::CONFLICT, "cannot_change_own_account").await;
        assert!(still_logged_in(&app, &staff).await);
    }
}

/// Attack: a support agent comps their own account with a free print
/// subscription. 409, and nothing granted.
async fn support_comps_their_own_account(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let own = app
        .post_json_auth(&comp(&support), &support.access_token, &comp_body())
        .await;
    assert_problem(own, StatusCode::CONFLICT, "cannot_change_own_account").await;
    let mine: Value = app
        .get_auth("/v1/me/subscription", &support.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["entitlements"]["granted"], json!([]), "{mine}");
    let admin = app.new_staff(Role::Admin).await;
    let own = app
        .post_json_auth(&comp(&admin), &admin.access_token, &comp_body())
        .await;
    assert_problem(own, StatusCode::CONFLICT, "cannot_change_own_account").await;
}

/// Support may not comp an admin (only admins touch admins); an admin may.
async fn support_comps_an_admin(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let admin = app.new_staff(Role::Admin).await;
    let refused = app
        .post_json_auth(&comp(&admin), &support.access_token, &comp_body())
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "admin_account_protected").await;
    let other_admin = app.new_staff(Role::Admin).await;
    let allowed = app
        .post_json_auth(&comp(&admin), &other_admin.access_token, &comp_body())
        .await;
    assert_eq!(allowed.status(), StatusCode::CREATED);
}

/// Attack: an admin comps a support agent for a month; the agent then
/// extends their own comp by a century. 409, and the end is unchanged.
async fn support_extends_their_own_comp(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let admin = app.new_staff(Role::Admin).await;
    let granted = app
        .post_json_auth(&comp(&support), &admin.access_token, &comp_body())
        .await;
    assert_eq!(granted.status(), StatusCode::CREATED);
    let granted: Value = granted.json().await.unwrap();
    let extend = format!(
        "/v1/admin/subscriptions/{}/extend",
        granted["id"].as_str().unwrap()
    );
    let body = json!({"until": "2199-01-01T00:00:00Z", "reason": "me"});
    let own = app
        .post_json_auth(&extend, &support.access_token, &body)
        .await;
    assert_problem(own, StatusCode::CONFLICT, "cannot_change_own_account").await;
    let peer = app.new_staff(Role::Support).await;
    let by_peer = app.post_json_auth(&extend, &peer.access_token, &body).await;
    assert_eq!(by_peer.status(), StatusCode::OK);
    let extended: Value = by_peer.json().await.unwrap();
    assert_eq!(extended["comped_until"], "2199-01-01T00:00:00Z");
    // And support cannot extend an admin's comp.
    let admin_comp = app
        .post_json_auth(
            &comp(&admin),
            &app.new_staff(Role::Admin).await.access_token,
            &comp_body(),
        )
        .await;
    let admin_comp: Value = admin_comp.json().await.unwrap();
    let extend_admin = format!(
        "/v1/admin/subscriptions/{}/extend",
        admin_comp["id"].as_str().unwrap()
    );
    let upward = app
        .post_json_auth(&extend_admin, &support.access_token, &body)
        .await;
    assert_problem(upward, StatusCode::FORBIDDEN, "admin_account_protected").await;
}
