//! Admins' dead jobs page in the console: a job that gave up is listed with
//! its last error, a retry queues it again and is audited once, a second
//! retry, an unknown job and a forged post are refused and retry nothing.

use super::{Console, audit, field};
use crate::support::helpers::TestApp;
use chrono::Utc;
use diesel::prelude::*;
use masthead::db::schema::jobs;
use masthead::db::write_transaction;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::Value;

on_both_backends!(a_dead_job_retried_from_the_console_is_queued_again_and_audited_once);

/// Plants a `send_email` job that gave up (dead, in one transaction so no
/// worker claims it first); returns its id.
pub(super) fn dead_job(app: &TestApp) -> String {
    let mut conn = app.db();
    let now = Utc::now().naive_utc();
    write_transaction(&mut conn, |conn| {
        let email = masthead::mail::Email {
            to: "grace@example.com".to_owned(),
            subject: "A queued message".to_owned(),
            text: "plain".to_owned(),
            html: "<p>html</p>".to_owned(),
            headers: std::collections::BTreeMap::new(),
        };
        let id =
            masthead::jobs::enqueue(conn, masthead::jobs::JobKind::SendEmail, &email, now, None)?
                .unwrap();
        diesel::update(jobs::table.find(id.as_str()))
            .set((
                jobs::state.eq("dead"),
                jobs::attempts.eq(10),
                jobs::last_error.eq(Some("SMTP: connection refused")),
                jobs::finished_at.eq(Some(now)),
            ))
            .execute(conn)?;
        Ok::<_, diesel::result::Error>(id.as_str().to_owned())
    })
    .unwrap()
}

/// The state `id` is in.
pub(super) fn job_state(app: &TestApp, id: &str) -> String {
    jobs::table
        .find(id)
        .select(jobs::state)
        .first(&mut app.db())
        .unwrap()
}

async fn a_dead_job_retried_from_the_console_is_queued_again_and_audited_once(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let empty = console.get("/console/jobs").await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert!(empty.body.contains("No dead jobs"), "{}", empty.body);
    assert!(
        console
            .get("/console")
            .await
            .body
            .contains("href=\"/console/jobs\"")
    );
    let id = dead_job(&app);
    let page = console.get("/console/jobs").await;
    assert!(page.body.contains("send_email"), "{}", page.body);
    assert!(
        page.body.contains("SMTP: connection refused"),
        "the last error"
    );
    assert!(
        page.body.contains(&format!("/console/jobs/{id}/retry")),
        "a Retry button"
    );
    let bad_state = console.get("/console/jobs?state=zombie").await;
    assert_eq!(
        bad_state.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        bad_state.body
    );

    let csrf = field(&page.body, "csrf");
    console
        .assert_refuses_forgeries(&format!("/console/jobs/{id}/retry"), &[])
        .await;
    assert_eq!(
        job_state(&app, &id),
        "dead",
        "a forged post retries nothing"
    );

    let retried = console
        .post(
            &format!("/console/jobs/{id}/retry"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER, "{}", retried.body);
    assert_ne!(job_state(&app, &id), "dead", "queued again");
    let dead: Value = app
        .get_auth("/v1/admin/jobs?state=dead", &admin.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        dead["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["id"] != id.as_str()),
        "{dead}"
    );
    let again = console
        .post(
            &format!("/console/jobs/{id}/retry"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(
        again.body.contains("Only a dead job can be retried"),
        "{}",
        again.body
    );
    let entries = audit(&app, &admin.access_token, "job_retried").await;
    assert_eq!(entries.len(), 1, "one retry audited: {entries:?}");
    assert_eq!(entries[0]["target_id"], id.as_str());
    assert_eq!(entries[0]["target_type"], "job");
    assert_eq!(entries[0]["staff_id"], admin.id.as_str());
    let unknown = console
        .post(
            &format!("/console/jobs/{}/retry", uuid::Uuid::now_v7()),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    let garbage = console
        .post("/console/jobs/%0D%0Anope/retry", &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(garbage.status, StatusCode::NOT_FOUND, "{}", garbage.body);
}
