//! Shapes of the staff directory: the reader list, disabling and enabling a
//! reader, the audit log those actions write, and a comp's life: given,
//! extended, ended.

use super::{redact, shape};
use crate::support::helpers::TestApp;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(directory_shapes, comp_shapes);

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
