//! Support's reader tools: search, the full account view, ending sessions,
//! disabling and enabling accounts, and the CSV export.

use crate::support::fixtures::subscription;
use crate::support::helpers::{TestApp, TestReader, assert_problem};
use crate::support::reader_fixtures::{audit_entries, give_address, parse_csv, reader_named};
use chrono::{Duration, Utc};
use masthead::db::{payments, refund_requests, refunds};
use masthead::domain::{RefundRequestStatus, Role, SubscriptionState};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    search_matches_email_and_name_fragments_in_any_case,
    search_filters_by_state_and_tier_pages_and_sorts,
    search_refuses_bad_parameters,
    detail_shows_history_money_requests_and_sessions,
    detail_of_an_unknown_reader_is_404,
    revoking_sessions_ends_the_readers_tokens,
    disabling_blocks_login_and_refresh_until_enabled,
    staff_cannot_lock_themselves_out_nor_support_an_admin,
    every_reader_endpoint_needs_the_support_role,
    export_lists_every_reader_without_password_hashes,
);

async fn search(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app
        .get_auth(&format!("/v1/admin/readers?{query}"), token)
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn names(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect()
}

async fn search_matches_email_and_name_fragments_in_any_case(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let ada = reader_named(&app, "countess", "Ada Lovelace").await;
    reader_named(&app, "hopper", "Grace Hopper").await;
    reader_named(&app, "sale", "Half_100% Off").await;
    let by_name = search(&app, &support.access_token, "q=LOVELACE").await;
    assert_eq!(names(&by_name), ["Ada Lovelace"]);
    assert_eq!(by_name["items"][0]["id"], ada.id.as_str());
    assert_eq!(by_name["items"][0]["email"], ada.email.as_str());
    assert_eq!(by_name["items"][0]["role"], "reader");
    assert_eq!(by_name["items"][0]["disabled"], false);
    assert_eq!(by_name["items"][0]["subscription"], Value::Null);
    let by_email = search(&app, &support.access_token, "q=HoPPeR-").await;
    assert_eq!(names(&by_email), ["Grace Hopper"]);
    let percent = search(&app, &support.access_token, "q=100%25").await;
    assert_eq!(names(&percent), ["Half_100% Off"], "% is literal");
    let underscore = search(&app, &support.access_token, "q=f_1").await;
    assert_eq!(names(&underscore), ["Half_100% Off"], "_ is literal");
    let nobody = search(&app, &support.access_token, "q=a_a").await;
    assert_eq!(nobody["total"], 0);
}

async fn search_filters_by_state_and_tier_pages_and_sorts(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let month = Some(Utc::now() + Duration::days(30));
    let zoe = reader_named(&app, "zoe", "Zoe Print").await;
    subscription("print", SubscriptionState::Active)
        .period_end(month)
        .give(&app, &zoe.id);
    let bob = reader_named(&app, "bob", "Bob Digital").await;
    subscription("digital", SubscriptionState::Canceling)
        .period_end(month)
        .give(&app, &bob.id);
    let cy = reader_named(&app, "cy", "Cy Lapsed").await;
    let past = Some(Utc::now() - Duration::days(3));
    subscription("digital", SubscriptionState::Expired)
        .period_end(past)
        .give(&app, &cy.id);

    let active = search(&app, &support.access_token, "state=active").await;
    assert_eq!(names(&active), ["Zoe Print"]);
    let summary = &active["items"][0]["subscription"];
    assert_eq!(summary["state"], "active");
    assert_eq!(summary["tier"], "print");
    assert!(summary["ends"].is_string());
    let digital = search(&app, &support.access_token, "tier=digital&sort=name").await;
    assert_eq!(names(&digital), ["Bob Digital", "Cy Lapsed"]);
    assert_eq!(digital["items"][1]["subscription"]["state"], "expired");
    let both = search(&app, &support.access_token, "tier=digital&state=expired").await;
    assert_eq!(names(&both), ["Cy Lapsed"]);

    let q = "q=example.com&sort=name&per_page=2";
    let first = search(&app, &support.access_token, q).await;
    assert_eq!(first["total"], 3, "staff accounts are not @example.com");
    assert_eq!(
        (first["page"].as_i64(), first["per_page"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(names(&first), ["Bob Digital", "Cy Lapsed"]);
    let second = search(&app, &support.access_token, &format!("{q}&page=2")).await;
    assert_eq!(names(&second), ["Zoe Print"]);
    let newest = search(&app, &support.access_token, "q=example.com").await;
    assert_eq!(names(&newest), ["Cy Lapsed", "Bob Digital", "Zoe Print"]);
    let oldest = search(&app, &support.access_token, "q=example.com&sort=created_at").await;
    assert_eq!(names(&oldest), ["Zoe Print", "Bob Digital", "Cy Lapsed"]);
    let by_email = search(&app, &support.access_token, "q=example.com&sort=email").await;
    assert_eq!(names(&by_email), ["Bob Digital", "Cy Lapsed", "Zoe Print"]);
}

async fn search_refuses_bad_parameters(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let get = |query: &str| {
        let (app, token, path) = (
            &app,
            &support.access_token,
            format!("/v1/admin/readers?{query}"),
        );
        async move { app.get_auth(&path, token).await }
    };
    let body = assert_problem(
        get("sort=shoe_size&state=happy&per_page=500").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["state", "sort", "per_page"]);
    let tier = assert_problem(
        get("tier=vinyl").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(tier["errors"][0]["code"], "unknown_tier");
    assert_problem(
        get("page=x").await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
}

/// Arranges a payment, its partial refund and a refund request on a
/// subscription (no endpoint creates these yet).
fn arrange_money(app: &TestApp, reader_id: &str, subscription_id: &str) {
    let mut conn = app.db();
    let now = Utc::now().naive_utc();
    let payment_id = uuid::Uuid::now_v7().to_string();
    payments::insert(
        &mut conn,
        &payments::NewPayment {
            id: &payment_id,
            subscription_id,
            reader_id,
            amount_cents: 9000,
            currency: "usd",
            provider: "dev",
            provider_payment_id: "dev_pay_1",
            provider_invoice_id: None,
            paid_at: now,
            created_at: now,
        },
    )
    .unwrap();
    refunds::insert(
        &mut conn,
        &refunds::NewRefund {
            id: &uuid::Uuid::now_v7().to_string(),
            payment_id: &payment_id,
            subscription_id,
            amount_cents: 1500,
            currency: "usd",
            provider: "dev",
            provider_refund_id: Some("dev_re_1"),
            reason: Some("goodwill"),
            actor: "staff:someone",
            created_at: now,
        },
    )
    .unwrap();
    refund_requests::insert(
        &mut conn,
        &refund_requests::NewRefundRequest {
            id: &uuid::Uuid::now_v7().to_string(),
            subscription_id,
            reader_id,
            reason: "I never read it",
            status: RefundRequestStatus::Pending,
            created_at: now,
        },
    )
    .unwrap();
}

/// Replaces ids, emails and times so the snapshot shows the shape only.
pub(crate) fn redact(value: &mut Value) {
    const TIMES: [&str; 4] = [
        "current_period_start",
        "current_period_end",
        "comped_until",
        "grace_ends_at",
    ];
    match value {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                if !field.is_string() {
                    redact(field);
                } else if key == "id" || key.ends_with("_id") {
                    *field = "[id]".into();
                } else if key.ends_with("_at") || TIMES.contains(&key.as_str()) {
                    *field = "[timestamp]".into();
                } else if key == "email" {
                    *field = "[email]".into();
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

async fn detail_shows_history_money_requests_and_sessions(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let reader = reader_named(&app, "detail", "Dee Tail").await;
    give_address(&app, &reader, "1 Fleet Street").await;
    let old = Some(Utc::now() - Duration::days(40));
    subscription("digital", SubscriptionState::Expired)
        .period_end(old)
        .give(&app, &reader.id);
    let year = Some(Utc::now() + Duration::days(365));
    let current = subscription("print", SubscriptionState::Active)
        .period_end(year)
        .give(&app, &reader.id);
    arrange_money(&app, &reader.id, &current);
    app.login(&reader.email, &reader.password).await;

    let response = app
        .get_auth(
            &format!("/v1/admin/readers/{}", reader.id),
            &support.access_token,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut body: Value = response.json().await.unwrap();
    assert_eq!(body["id"], reader.id.as_str());
    assert_eq!(
        body["subscriptions"][0]["id"],
        current.as_str(),
        "newest first"
    );
    assert_eq!(
        body["sessions"].as_array().unwrap().len(),
        2,
        "signup and login"
    );
    assert!(body.get("password_hash").is_none());
    redact(&mut body);
    insta::assert_json_snapshot!("admin_reader_detail", body);
}

async fn detail_of_an_unknown_reader_is_404(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    for id in [uuid::Uuid::now_v7().to_string(), "not-an-id".to_owned()] {
        let response = app
            .get_auth(&format!("/v1/admin/readers/{id}"), &support.access_token)
            .await;
        assert_problem(response, StatusCode::NOT_FOUND, "reader_not_found").await;
    }
}

async fn post(app: &TestApp, path: &str, token: &str, body: Option<Value>) -> Response {
    let mut request = app.client.post(app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request sent")
}

async fn revoking_sessions_ends_the_readers_tokens(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let reader = app.new_reader().await;
    app.login(&reader.email, &reader.password).await;
    assert_eq!(
        app.get_auth("/v1/me", &reader.access_token).await.status(),
        StatusCode::OK
    );

    let path = format!("/v1/admin/readers/{}/sessions/revoke", reader.id);
    let body = json!({"reason": "lost phone"});
    let response = post(&app, &path, &support.access_token, Some(body)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let revoked: Value = response.json().await.unwrap();
    assert_eq!(revoked, json!({"revoked": 2}));

    assert_problem(
        app.get_auth("/v1/me", &reader.access_token).await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;
    assert_problem(
        app.refresh(&reader.refresh_token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_refresh_token",
    )
    .await;
    let again = post(&app, &path, &support.access_token, None).await;
    assert_eq!(again.json::<Value>().await.unwrap(), json!({"revoked": 0}));

    let entries = audit_entries(&app, &reader.id);
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].action, "sessions_revoked");
    assert_eq!(entries[0].staff_id, support.id);
    assert_eq!(entries[0].reader_id.as_deref(), Some(reader.id.as_str()));
    assert_eq!(entries[0].reason.as_deref(), Some("lost phone"));
    assert_eq!(entries[0].details, Some(json!({"sessions": 2})));
    assert_eq!(entries[1].details, Some(json!({"sessions": 0})));
}

async fn disabling_blocks_login_and_refresh_until_enabled(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let reader = app.new_reader().await;
    let disable = format!("/v1/admin/readers/{}/disable", reader.id);
    let enable = format!("/v1/admin/readers/{}/enable", reader.id);

    for (body, code) in [
        (json!({}), "required"),
        (json!({"reason": "  "}), "required"),
        (
            json!({"reason": "x".repeat(masthead::domain::MAX_REASON_CHARS + 1)}),
            "too_long",
        ),
        (json!({"reason": 7}), "invalid_type"),
    ] {
        let refused = post(&app, &disable, &support.access_token, Some(body)).await;
        let problem = assert_problem(
            refused,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["code"], code);
    }

    let response = post(
        &app,
        &disable,
        &support.access_token,
        Some(json!({"reason": "fraud"})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let status: Value = response.json().await.unwrap();
    assert_eq!(status["disabled"], true);
    assert_eq!(status["changed"], true);
    assert_eq!(status["sessions_revoked"], 1);
    assert!(status["disabled_at"].is_string());

    assert_problem(
        app.login(&reader.email, &reader.password).await,
        StatusCode::FORBIDDEN,
        "account_disabled",
    )
    .await;
    assert_problem(
        app.login(&reader.email, "not the password").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_problem(
        app.refresh(&reader.refresh_token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_refresh_token",
    )
    .await;
    assert_problem(
        app.get_auth("/v1/me", &reader.access_token).await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;

    let again = post(
        &app,
        &disable,
        &support.access_token,
        Some(json!({"reason": "twice"})),
    )
    .await;
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        (again["disabled"].clone(), again["changed"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(
        again["disabled_at"], status["disabled_at"],
        "the first date stands"
    );

    let enabled = post(&app, &enable, &support.access_token, None).await;
    let enabled: Value = enabled.json().await.unwrap();
    assert_eq!(
        (enabled["disabled"].clone(), enabled["changed"].clone()),
        (json!(false), json!(true))
    );
    assert_eq!(
        app.login(&reader.email, &reader.password).await.status(),
        StatusCode::OK
    );

    let actions: Vec<_> = audit_entries(&app, &reader.id)
        .into_iter()
        .map(|e| (e.action, e.reason))
        .collect();
    assert_eq!(
        actions,
        [
            ("reader_disabled".to_owned(), Some("fraud".to_owned())),
            ("reader_enabled".to_owned(), None),
        ],
        "the idempotent second disable wrote nothing"
    );
}

async fn staff_cannot_lock_themselves_out_nor_support_an_admin(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let admin = app.new_staff(Role::Admin).await;
    let reason = Some(json!({"reason": "testing"}));
    let disable = |who: &TestReader| format!("/v1/admin/readers/{}/disable", who.id);

    let own = post(
        &app,
        &disable(&support),
        &support.access_token,
        reason.clone(),
    )
    .await;
    assert_problem(own, StatusCode::CONFLICT, "cannot_change_own_account").await;
    let own = post(&app, &disable(&admin), &admin.access_token, reason.clone()).await;
    assert_problem(own, StatusCode::CONFLICT, "cannot_change_own_account").await;
    let upward = post(
        &app,
        &disable(&admin),
        &support.access_token,
        reason.clone(),
    )
    .await;
    assert_problem(upward, StatusCode::FORBIDDEN, "admin_account_protected").await;

    let other_admin = app.new_staff(Role::Admin).await;
    let by_admin = post(
        &app,
        &disable(&other_admin),
        &admin.access_token,
        reason.clone(),
    )
    .await;
    assert_eq!(by_admin.status(), StatusCode::OK);
    let peer = post(&app, &disable(&support), &admin.access_token, reason).await;
    assert_eq!(peer.status(), StatusCode::OK);
    assert_eq!(
        audit_entries(&app, &admin.id).len(),
        0,
        "refusals leave no entry"
    );
}

async fn every_reader_endpoint_needs_the_support_role(app: TestApp) {
    let target = app.new_reader().await;
    let issue = crate::print_mailing_list::create_issue(&app, 7, Utc::now() + Duration::days(20));
    let calls = [
        (Method::GET, "/v1/admin/readers".to_owned(), None),
        (Method::GET, "/v1/admin/readers/export".to_owned(), None),
        (
            Method::GET,
            format!("/v1/admin/readers/{}", target.id),
            None,
        ),
        (
            Method::POST,
            format!("/v1/admin/readers/{}/sessions/revoke", target.id),
            None,
        ),
        (
            Method::POST,
            format!("/v1/admin/readers/{}/disable", target.id),
            Some(json!({"reason": "roles"})),
        ),
        (
            Method::POST,
            format!("/v1/admin/readers/{}/enable", target.id),
            None,
        ),
        (
            Method::GET,
            format!("/v1/admin/print/mailing-list?issue={issue}"),
            None,
        ),
    ];
    let reader = app.new_reader().await;
    let editor = app.new_staff(Role::Editor).await;
    let support = app.new_staff(Role::Support).await;
    let admin = app.new_staff(Role::Admin).await;
    for (method, path, body) in &calls {
        let send = |token: Option<&str>| {
            let mut request = app.client.request(method.clone(), app.url(path));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            request.send()
        };
        assert_problem(
            send(None).await.unwrap(),
            StatusCode::UNAUTHORIZED,
            "missing_token",
        )
        .await;
        for refused in [&reader, &editor] {
            let response = send(Some(&refused.access_token)).await.unwrap();
            assert_problem(response, StatusCode::FORBIDDEN, "insufficient_role").await;
        }
        for allowed in [&support, &admin] {
            let response = send(Some(&allowed.access_token)).await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{method} {path}");
        }
    }
}

async fn export_lists_every_reader_without_password_hashes(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let ada = reader_named(&app, "ada", "Ada, Countess").await;
    give_address(&app, &ada, "=1+2").await;
    let year = Utc::now() + Duration::days(365);
    subscription("print", SubscriptionState::Active)
        .period_end(year)
        .give(&app, &ada.id);
    let lapsed = reader_named(&app, "lapsed", "@Lapsed").await;
    let past = Some(Utc::now() - Duration::days(2));
    subscription("digital", SubscriptionState::Expired)
        .period_end(past)
        .give(&app, &lapsed.id);

    let response = app
        .get_auth("/v1/admin/readers/export?role=all", &support.access_token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"readers.csv\""
    );
    let text = response.text().await.unwrap();
    assert!(!text.contains("$argon2"), "no password hash leaves");
    let (header, rows) = parse_csv(&text);
    assert_eq!(
        header,
        [
            "id",
            "email",
            "name",
            "role",
            "address_line1",
            "address_line2",
            "city",
            "region",
            "postal_code",
            "country",
            "tier",
            "state",
            "paid_until",
            "created_at"
        ]
    );
    assert_eq!(rows.len(), 3, "the staff member and both readers");
    let row = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().clone();
    let ada_row = row(&ada.id);
    assert_eq!(ada_row[1], ada.email);
    assert_eq!(ada_row[2], "Ada, Countess");
    assert_eq!(ada_row[3], "reader");
    assert_eq!(ada_row[4], "'=1+2", "formulas are escaped");
    assert_eq!((ada_row[6].as_str(), ada_row[9].as_str()), ("London", "GB"));
    assert_eq!(
        (ada_row[10].as_str(), ada_row[11].as_str()),
        ("print", "active")
    );
    assert!(ada_row[12].starts_with(&year.format("%Y-%m-%dT").to_string()));
    let lapsed_row = row(&lapsed.id);
    assert_eq!(lapsed_row[2], "'@Lapsed");
    assert_eq!(
        &lapsed_row[10..13],
        ["", "", ""],
        "no subscription grants access"
    );
    assert_eq!(row(&support.id)[3], "support");

    let entries = audit_entries(&app, "all");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "readers_exported");
    assert_eq!(entries[0].details, Some(json!({"rows": 3})));
}
