//! The role matrix of every admin endpoint, read from the OpenAPI document
//! so an endpoint added later is covered without touching this file:
//! anonymous 401, readers 403, each staff role 403 unless its role may.

use crate::support::helpers::TestApp;
use masthead::domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_backends!(every_admin_endpoint_answers_by_role);

/// Which staff roles may use the endpoints under a path prefix.
fn allowed(path: &str) -> &'static [Role] {
    const EDITORS: &[Role] = &[Role::Editor, Role::Admin];
    const SUPPORT: &[Role] = &[Role::Support, Role::Admin];
    const ADMINS: &[Role] = &[Role::Admin];
    // Resetting a staff member's second factor is the admins' alone.
    if path.ends_with("/second-factor/reset") {
        return ADMINS;
    }
    let area = path
        .trim_start_matches("/v1/admin/")
        .split('/')
        .next()
        .unwrap();
    match area {
        "issues" | "articles" => EDITORS,
        "readers" | "print" | "subscriptions" | "refund-requests" | "gifts" => SUPPORT,
        "audit-log" | "jobs" | "tiers" | "offers" | "dashboard" => ADMINS,
        other => panic!("no role rule for /v1/admin/{other}: add it here"),
    }
}

/// The path with its parameters filled with values naming nothing.
fn concrete(path: &str) -> String {
    path.replace("{number}", "999")
        .replace("{slug}", "no-such-article")
        .replace("{id}", &uuid::Uuid::now_v7().to_string())
        .replace("{tier}", "no-such-tier")
        .replace("{perk}", "ad_free")
        .replace("{code}", "NO-SUCH-OFFER")
}

async fn call(app: &TestApp, method: &Method, path: &str, token: Option<&str>) -> StatusCode {
    let mut request = app.client.request(method.clone(), app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if *method != Method::GET {
        request = request.json(&json!({}));
    }
    request.send().await.unwrap().status()
}

async fn every_admin_endpoint_answers_by_role(app: TestApp) {
    let document: Value = app.get("/openapi.json").await.json().await.unwrap();
    let reader = app.new_reader().await;
    let mut staff = Vec::new();
    for role in [Role::Support, Role::Editor, Role::Admin] {
        staff.push((role, app.new_staff(role).await));
    }
    let mut checked = 0;
    for (path, operations) in document["paths"].as_object().unwrap() {
        if !path.starts_with("/v1/admin/") {
            continue;
        }
        for method in operations.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let url = concrete(path);
            let anonymous = call(&app, &method, &url, None).await;
            assert_eq!(
                anonymous,
                StatusCode::UNAUTHORIZED,
                "{method} {path} anonymous"
            );
            let as_reader = call(&app, &method, &url, Some(&reader.access_token)).await;
            assert_eq!(
                as_reader,
                StatusCode::FORBIDDEN,
                "{method} {path} as a reader"
            );
            for (role, member) in &staff {
                let status = call(&app, &method, &url, Some(&member.access_token)).await;
                if allowed(path).contains(role) {
                    assert!(
                        status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                        "{method} {path} as {role:?}: {status}"
                    );
                    assert!(
                        !status.is_server_error(),
                        "{method} {path} as {role:?}: {status}"
                    );
                } else {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path} as {role:?}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} admin operations found");
}
