//! Shapes of the job queue as an admin sees it: the dead jobs listed, and
//! one of them retried. The job dies for real: the signup's email is sent
//! to a mail server that refuses it, with a single attempt allowed.

use super::shape;
use crate::support::helpers::{Backend, TestApp, spawn_app_with};
use crate::support::smtp_sink::SmtpSink;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

on_both_backends!(with = app_with_a_refusing_mail_server; dead_job_shapes);

/// The app sending its emails to a mail server that is down, giving each
/// email one attempt; the server is returned so it outlives the test.
async fn app_with_a_refusing_mail_server(backend: Backend) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start(false).await;
    let url = sink.url();
    let app = spawn_app_with(backend, move |settings| {
        settings.smtp_url = Some(url.into());
        settings.smtp_timeout_seconds = 2;
        settings.job_max_attempts = 1;
    })
    .await;
    (app, sink)
}

/// The dead jobs, once there is one (the worker gives up within seconds).
async fn dead_jobs(app: &TestApp, token: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let listed = app.get_auth("/v1/admin/jobs?state=dead", token).await;
        assert_eq!(listed.status(), StatusCode::OK);
        let listed: Value = listed.json().await.expect("a JSON body");
        if listed["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty())
        {
            return listed;
        }
        assert!(Instant::now() < deadline, "no job died within 15 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn dead_job_shapes(app: TestApp, _mail_server: SmtpSink) {
    let admin = app.new_staff(Role::Admin).await;
    app.new_reader().await;
    let mut listed = dead_jobs(&app, &admin.access_token).await;
    let id = listed["items"][0]["id"].as_str().expect("an id").to_owned();
    super::redact(&mut listed);
    insta::assert_json_snapshot!("admin_jobs_dead", listed);
    let retried = shape(
        app.post_json_auth(
            &format!("/v1/admin/jobs/{id}/retry"),
            &admin.access_token,
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("admin_job_retried", retried);
}
