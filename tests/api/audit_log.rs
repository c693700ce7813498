//! The audit log: every staff action with who, role, what, target, reason,
//! when and request id; searchable by admins; never changed or deleted.

use crate::support::helpers::{TestApp, assert_problem};
use crate::support::staff_fixtures::paid_subscription;
use diesel::prelude::*;
use masthead::db::schema::audit_log;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    admins_search_the_log_by_staff_reader_action_and_date,
    entries_cannot_be_changed_or_deleted,
    editors_actions_are_audited_too,
);

async fn admins_search_the_log_by_staff_reader_action_and_date(app: TestApp) {
    let reader = app.new_reader().await;
    let support = app.new_staff(Role::Support).await;
    let admin = app.new_staff(Role::Admin).await;
    let comp = app
        .client
        .post(app.url(&format!("/v1/admin/readers/{}/comp", reader.id)))
        .bearer_auth(&support.access_token)
        .header("x-request-id", "support-ticket-4711")
        .json(
            &json!({"tier": "digital", "until": "2099-01-01T00:00:00Z", "reason": "prize winner"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(comp.status(), StatusCode::CREATED);
    let paid = paid_subscription(&app, &reader.id, "dev", 1, 1);
    let refund = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{}/refund", paid.id),
            &admin.access_token,
            &json!({"reason": "asked"}),
        )
        .await;
    assert_eq!(refund.status(), StatusCode::OK);

    let search = |query: String| {
        let token = admin.access_token.clone();
        let app = &app;
        async move {
            let response = app
                .get_auth(&format!("/v1/admin/audit-log{query}"), &token)
                .await;
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<Value>().await.unwrap()
        }
    };
    let everything = search(String::new()).await;
    assert_eq!(everything["total"], 2);
    assert_eq!(
        everything["items"][0]["action"], "subscription_refunded",
        "newest first"
    );

    let by_support = search(format!("?staff={}", support.id)).await;
    assert_eq!(by_support["total"], 1);
    let entry = &by_support["items"][0];
    assert_eq!(entry["action"], "comp_granted");
    assert_eq!(entry["staff_role"], "support");
    assert_eq!(entry["target_type"], "reader");
    assert_eq!(entry["reader_id"], reader.id.as_str());
    assert_eq!(entry["reason"], "prize winner");
    assert_eq!(entry["request_id"], "support-ticket-4711");
    assert_eq!(entry["details"]["tier"], "digital");

    assert_eq!(search(format!("?reader={}", reader.id)).await["total"], 2);
    assert_eq!(
        search("?action=subscription_refunded".to_owned()).await["total"],
        1
    );
    assert_eq!(
        search("?from=2099-01-01T00:00:00Z".to_owned()).await["total"],
        0
    );
    assert_eq!(
        search("?until=2099-01-01T00:00:00Z".to_owned()).await["total"],
        2
    );

    let bad = app
        .get_auth(
            "/v1/admin/audit-log?action=drop_table&from=yesterday",
            &admin.access_token,
        )
        .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);
    let support_reads = app
        .get_auth("/v1/admin/audit-log", &support.access_token)
        .await;
    assert_problem(support_reads, StatusCode::FORBIDDEN, "insufficient_role").await;
}

async fn entries_cannot_be_changed_or_deleted(app: TestApp) {
    let reader = app.new_reader().await;
    let support = app.new_staff(Role::Support).await;
    let comp = app
        .post_json_auth(
            &format!("/v1/admin/readers/{}/comp", reader.id),
            &support.access_token,
            &json!({"tier": "digital", "until": "2099-01-01T00:00:00Z", "reason": "prize"}),
        )
        .await;
    assert_eq!(comp.status(), StatusCode::CREATED);
    let mut conn = app.db();
    let rewrite = diesel::update(audit_log::table)
        .set(audit_log::reason.eq("nothing to see"))
        .execute(&mut conn);
    assert!(rewrite.is_err(), "the database refuses updates");
    let erase = diesel::delete(audit_log::table).execute(&mut conn);
    assert!(erase.is_err(), "the database refuses deletes");
    let reasons: Vec<Option<String>> = audit_log::table
        .select(audit_log::reason)
        .load(&mut conn)
        .unwrap();
    assert_eq!(reasons, [Some("prize".to_owned())]);
}

async fn editors_actions_are_audited_too(app: TestApp) {
    let editor = app.new_staff(Role::Editor).await;
    let created = app
        .post_json_auth(
            "/v1/admin/issues",
            &editor.access_token,
            &json!({"number": 7, "volume": 1, "year": 2026, "title": "Spring",
                    "publication_date": "2026-03-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let published = app
        .post_json_auth(
            "/v1/admin/issues/7/publish",
            &editor.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(published.status(), StatusCode::OK);
    let actions: Vec<(String, String, String)> = audit_log::table
        .filter(audit_log::staff_id.eq(&editor.id))
        .order(audit_log::id.asc())
        .select((
            audit_log::action,
            audit_log::target_type,
            audit_log::target_id,
        ))
        .load(&mut app.db())
        .unwrap();
    assert_eq!(
        actions,
        [
            (
                "issue_created".to_owned(),
                "issue".to_owned(),
                "7".to_owned()
            ),
            (
                "issue_published".to_owned(),
                "issue".to_owned(),
                "7".to_owned()
            ),
        ]
    );
}
