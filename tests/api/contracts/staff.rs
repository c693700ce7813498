//! Shapes of the staff directory: the reader list, disabling and enabling a
//! reader, ending their sessions, the audit log those actions write, a
//! comp's life (given, extended, ended) and the print mailing list.

use super::{redact, shape};
use crate::print_mailing_list::create_issue;
use crate::support::fixtures::subscription;
use crate::support::helpers::TestApp;
use crate::support::reader_fixtures::{give_address, reader_named};
use chrono::{Duration, Utc};
use masthead::domain::{Role, SubscriptionState};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(directory_shapes, comp_shapes, mailing_list_shape);

async fn directory_shapes(app: TestApp) {
    let support = app.new_staff(Role::Admin).await;
    let reader = app.new_reader().await;
    let token = support.access_token.as_str();
    let listed = shape(
        app.get_auth("/v1/admin/readers?role=reader", token).await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("admin_readers_list", listed);
    for action in ["disable", "enable"] {
        let response = app
            .post_json_auth(
                &format!("/v1/admin/readers/{}/{action}", reader.id),
                token,
                &json!({"reason": "a contract test"}),
            )
            .await;
        let body = shape(response, StatusCode::OK).await;
        insta::assert_json_snapshot!(format!("admin_reader_{action}"), body);
    }
    let log = shape(
        app.get_auth("/v1/admin/audit-log", token).await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("admin_audit_log", log);
    // After the log, so its snapshot keeps the two entries above. Disabling
    // ended the reader's sessions; a new login gives one to end.
    let login = app.login(&reader.email, &reader.password).await;
    assert_eq!(login.status(), StatusCode::OK);
    let revoked = shape(
        app.post_json_auth(
            &format!("/v1/admin/readers/{}/sessions/revoke", reader.id),
            token,
            &json!({"reason": "a contract test"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("admin_reader_sessions_revoked", revoked);
}

async fn comp_shapes(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let reader = app.new_reader().await;
    let token = support.access_token.as_str();
    let response = app
        .post_json_auth(
            &format!("/v1/admin/readers/{}/comp", reader.id),
            token,
            &json!({"tier": "print", "until": "2099-01-01T00:00:00Z", "reason": "contributor"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let mut comp: Value = response.json().await.expect("a JSON body");
    let subscription = comp["id"].as_str().expect("an id").to_owned();
    redact(&mut comp);
    insta::assert_json_snapshot!("admin_comp", comp);
    let extended = shape(
        app.post_json_auth(
            &format!("/v1/admin/subscriptions/{subscription}/extend"),
            token,
            &json!({"until": "2100-06-01T00:00:00Z", "reason": "a second year"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("admin_extend", extended);
    let ended = shape(
        app.post_json_auth(
            &format!("/v1/admin/subscriptions/{subscription}/end-comp"),
            token,
            &json!({"reason": "left the magazine"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("admin_end_comp", ended);
}

async fn mailing_list_shape(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    // Published in 30 days: both readers hold print at the cut-off.
    let issue = create_issue(&app, 7, Utc::now() + Duration::days(30));
    let mailable = reader_named(&app, "posted", "Posted Reader").await;
    give_address(&app, &mailable, "1 Fleet Street").await;
    let unaddressed = reader_named(&app, "chased", "Chased Reader").await;
    for reader in [&mailable, &unaddressed] {
        subscription("print", SubscriptionState::Active)
            .period_end(Utc::now() + Duration::days(365))
            .give(&app, &reader.id);
    }
    let response = app
        .client
        .get(app.url(&format!("/v1/admin/print/mailing-list?issue={issue}")))
        .bearer_auth(&support.access_token)
        .header("accept", "application/json")
        .send()
        .await
        .expect("request sent");
    let list = shape(response, StatusCode::OK).await;
    insta::assert_json_snapshot!("admin_print_mailing_list", list);
}
