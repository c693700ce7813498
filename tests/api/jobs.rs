//! The durable job queue (`src/jobs`), through what it does: emails queued
//! in the transaction that causes them, sent once a down mail server is
//! back, dead after the last attempt and retried by an admin, reclaimed
//! after a worker's lease lapses, run once across two instances.

use crate::support::helpers::{
    Backend, TestApp, assert_problem, spawn_app_with, spawn_instance_beside,
};
use crate::support::outbox::{VERIFY, emails_settled, outbox};
use crate::support::smtp_sink::SmtpSink;
use diesel::prelude::*;
use masthead::db::schema::jobs;
use masthead::db::write_transaction;
use masthead::domain::Role;
use masthead::jobs::queue_email as queue;
use masthead::mail::Email;
use reqwest::StatusCode;
use serde_json::Value;
use std::time::{Duration, Instant};

on_both_backends!(
    a_rolled_back_transaction_queues_nothing,
    a_worker_that_died_has_its_job_taken_over_once,
    sent_emails_show_in_the_metrics,
);

fn email(to: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: "A queued message".to_owned(),
        text: "plain".to_owned(),
        html: "<p>html</p>".to_owned(),
        headers: std::collections::BTreeMap::new(),
    }
}

/// (state, attempts, provider message id, last error) of every job of
/// `kind`, oldest first.
/// A job as the tests look at it: id, state, attempts, message id, last error.
type JobState = (String, String, i32, Option<String>, Option<String>);

fn job_states(app: &TestApp, kind: &str) -> Vec<JobState> {
    jobs::table
        .filter(jobs::kind.eq(kind))
        .order(jobs::created_at.asc())
        .select((
            jobs::id,
            jobs::state,
            jobs::attempts,
            jobs::provider_message_id,
            jobs::last_error,
        ))
        .load(&mut app.db())
        .unwrap()
}

/// Polls `check` every 20 ms until it holds, for at most `seconds`.
async fn eventually(seconds: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_rolled_back_transaction_queues_nothing(app: TestApp) {
    let mut conn = app.db();
    let rolled_back = write_transaction(&mut conn, |conn| {
        queue(conn, &email("rolled@example.com"))?;
        Err::<(), _>(diesel::result::Error::RollbackTransaction)
    });
    assert!(rolled_back.is_err());
    write_transaction(&mut conn, |conn| {
        queue(conn, &email("committed@example.com"))
    })
    .unwrap();
    // Only the committed one is a job, and only it is sent.
    assert_eq!(job_states(&app, "send_email").len(), 1);
    emails_settled(&app).await;
    let sent = outbox(&app).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["to"], "committed@example.com");
    let (id, state, attempts, message_id, _) = job_states(&app, "send_email").remove(0);
    assert_eq!((state.as_str(), attempts), ("done", 1));
    assert_eq!(message_id, Some(format!("<{id}@masthead.localhost>")));
    // The body (which may hold a live link) is not kept once sent.
    let payload: String = jobs::table
        .find(&id)
        .select(jobs::payload)
        .first(&mut app.db())
        .unwrap();
    assert!(!payload.contains("plain"), "{payload}");
}

async fn a_worker_that_died_has_its_job_taken_over_once(app: TestApp) {
    let mut conn = app.db();
    let now = chrono::Utc::now().naive_utc();
    // Two claimed jobs whose worker was killed: one lease lapsed, one
    // still running (its worker may yet be alive).
    let (lapsed, live) = write_transaction(&mut conn, |conn| {
        let lapsed = masthead::jobs::enqueue(
            conn,
            masthead::jobs::JobKind::SendEmail,
            &email("lapsed@example.com"),
            now,
            None,
        )?
        .unwrap();
        let live = masthead::jobs::enqueue(
            conn,
            masthead::jobs::JobKind::SendEmail,
            &email("live@example.com"),
            now,
            None,
        )?
        .unwrap();
        for (id, lease) in [
            (&lapsed, now - chrono::Duration::seconds(1)),
            (&live, now + chrono::Duration::hours(1)),
        ] {
            diesel::update(jobs::table.find(id.as_str()))
                .set((
                    jobs::state.eq("running"),
                    jobs::attempts.eq(1),
                    jobs::lease_until.eq(Some(lease)),
                ))
                .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>((lapsed, live))
    })
    .unwrap();
    eventually(10, "the lapsed job is taken over", || {
        job_states(&app, "send_email")
            .iter()
            .any(|(id, state, ..)| id == lapsed.as_str() && state == "done")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Read as written: `outbox` would wait for the live claim to settle.
    let sent: Vec<Value> = std::fs::read_dir(app.data_dir.path().join("outbox"))
        .unwrap()
        .flatten()
        .map(|e| serde_json::from_slice(&std::fs::read(e.path()).unwrap()).unwrap())
        .collect();
    let to: Vec<_> = sent.iter().map(|m| m["to"].as_str().unwrap()).collect();
    assert_eq!(
        to,
        ["lapsed@example.com"],
        "the live claim is left to its worker"
    );
    let states = job_states(&app, "send_email");
    let attempts = |wanted: &str| states.iter().find(|(id, ..)| id == wanted).unwrap().2;
    assert_eq!(
        attempts(lapsed.as_str()),
        2,
        "the dead worker's attempt counts"
    );
    assert_eq!(attempts(live.as_str()), 1);
}

async fn sent_emails_show_in_the_metrics(app: TestApp) {
    app.new_reader().await;
    emails_settled(&app).await;
    let mut scrape = String::new();
    for _ in 0..100 {
        scrape = app.get("/metrics").await.text().await.unwrap();
        // The counter moves when the email is sent, the depth once the
        // job's row is marked done just after: wait for both.
        if scrape.contains("masthead_jobs_total{kind=\"send_email\",outcome=\"done\"} 1")
            && scrape.contains("masthead_jobs_queue_depth{kind=\"send_email\"} 0")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        scrape.contains("masthead_jobs_total{kind=\"send_email\",outcome=\"done\"} 1"),
        "{scrape}"
    );
    assert!(
        scrape.contains("masthead_jobs_queue_depth{kind=\"send_email\"} 0"),
        "{scrape}"
    );
    assert!(
        scrape.contains("masthead_jobs_oldest_pending_age_seconds"),
        "{scrape}"
    );
}

/// An app sending through `sink`, retrying quickly, with `max_attempts`.
async fn app_with_smtp(backend: Backend, sink: &SmtpSink, max_attempts: i32) -> TestApp {
    let url = sink.url();
    spawn_app_with(backend, move |settings| {
        settings.smtp_url = Some(url.into());
        settings.smtp_timeout_seconds = 2;
        settings.job_max_attempts = max_attempts;
    })
    .await
}

async fn smtp_down_then_up_sends_once(backend: Backend) {
    let sink = SmtpSink::start(false).await;
    let app = app_with_smtp(backend, &sink, 10).await;
    let signup = app
        .signup("ada@example.com", "correct horse battery", "Ada")
        .await;
    assert_eq!(
        signup.status(),
        StatusCode::CREATED,
        "the answer does not wait for the mail server"
    );
    eventually(15, "two attempts fail while the server is down", || {
        job_states(&app, "send_email")
            .first()
            .is_some_and(|(_, state, attempts, _, error)| {
                state == "pending" && *attempts >= 2 && error.is_some()
            })
    })
    .await;
    assert!(sink.refused() >= 2);
    assert!(sink.messages().is_empty());
    sink.come_up();
    eventually(15, "the email is sent once the server is back", || {
        job_states(&app, "send_email")
            .first()
            .is_some_and(|job| job.1 == "done")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "sent exactly once");
    let (id, _, _, message_id, _) = job_states(&app, "send_email").remove(0);
    let message_id = message_id.unwrap();
    assert_eq!(message_id, format!("<{id}@masthead.localhost>"));
    assert!(
        messages[0].contains(&format!("Message-ID: {message_id}")),
        "{}",
        messages[0]
    );
    assert!(messages[0].contains(VERIFY));
}

#[tokio::test]
async fn smtp_down_then_up_sends_once_sqlite() {
    smtp_down_then_up_sends_once(Backend::Sqlite).await;
}

#[tokio::test]
async fn smtp_down_then_up_sends_once_postgres() {
    smtp_down_then_up_sends_once(Backend::Postgres).await;
}

async fn a_dead_job_is_listed_and_retried_by_an_admin(backend: Backend) {
    let sink = SmtpSink::start(false).await;
    let app = app_with_smtp(backend, &sink, 1).await;
    let admin = app.new_staff(Role::Admin).await;
    app.signup("grace@example.com", "correct horse battery", "Grace")
        .await;
    eventually(15, "the only attempt fails: dead", || {
        job_states(&app, "send_email")
            .iter()
            .any(|job| job.1 == "dead")
    })
    .await;
    let listed: Value = app
        .get_auth("/v1/admin/jobs?state=dead", &admin.access_token)
        .await
        .json()
        .await
        .unwrap();
    let items = listed["items"].as_array().unwrap();
    let dead: Vec<_> = items.iter().filter(|j| j["kind"] == "send_email").collect();
    assert_eq!(dead.len(), 1, "{listed}");
    assert_eq!(dead[0]["attempts"], 1);
    assert!(
        dead[0]["last_error"].as_str().unwrap().contains("SMTP"),
        "{listed}"
    );
    assert!(
        dead[0].get("payload").is_none(),
        "the body (a live link) is not shown"
    );
    let id = dead[0]["id"].as_str().unwrap().to_owned();

    let pending: Value = app
        .get_auth("/v1/admin/jobs?state=pending", &admin.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        pending["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["id"] != id.as_str())
    );
    let bad = app
        .get_auth("/v1/admin/jobs?state=zombie", &admin.access_token)
        .await;
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    sink.come_up();
    let retried = app
        .post_json_auth(
            &format!("/v1/admin/jobs/{id}/retry"),
            &admin.access_token,
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(retried.status(), StatusCode::OK);
    let retried: Value = retried.json().await.unwrap();
    assert_eq!(retried["state"], "pending");
    assert_eq!(retried["attempts"], 0);
    eventually(15, "the retried job is sent", || sink.messages().len() == 1).await;
    eventually(5, "and done", || {
        job_states(&app, "send_email")
            .iter()
            .any(|j| j.0 == id && j.1 == "done")
    })
    .await;

    let again = app
        .post_json_auth(
            &format!("/v1/admin/jobs/{id}/retry"),
            &admin.access_token,
            &serde_json::json!({}),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "job_not_dead").await;
    let unknown = format!("/v1/admin/jobs/{}/retry", uuid::Uuid::now_v7());
    let missing = app
        .post_json_auth(&unknown, &admin.access_token, &serde_json::json!({}))
        .await;
    assert_problem(missing, StatusCode::NOT_FOUND, "job_not_found").await;
    let garbage = app
        .post_json_auth(
            "/v1/admin/jobs/not-an-id/retry",
            &admin.access_token,
            &serde_json::json!({}),
        )
        .await;
    assert_problem(garbage, StatusCode::NOT_FOUND, "job_not_found").await;
}

#[tokio::test]
async fn a_dead_job_is_listed_and_retried_by_an_admin_sqlite() {
    a_dead_job_is_listed_and_retried_by_an_admin(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_dead_job_is_listed_and_retried_by_an_admin_postgres() {
    a_dead_job_is_listed_and_retried_by_an_admin(Backend::Postgres).await;
}

/// The outbox files' job ids (the `<uuid>` in `<time>-<uuid>.json`).
fn outbox_ids(app: &TestApp) -> Vec<String> {
    std::fs::read_dir(app.data_dir.path().join("outbox"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.trim_end_matches(".json")
                        .split_once('-')
                        .unwrap()
                        .1
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn two_instances_run_each_job_once_postgres() {
    let a = spawn_app_with(Backend::Postgres, |_| {}).await;
    let b = spawn_instance_beside(&a, |_| {}).await;
    let mut conn = a.db();
    write_transaction(&mut conn, |conn| {
        for n in 0..60 {
            queue(conn, &email(&format!("reader{n}@example.com")))?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
    emails_settled(&a).await;
    let mut ids = outbox_ids(&a);
    let from_a = ids.len();
    ids.extend(outbox_ids(&b));
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(
        (total, ids.len()),
        (60, 60),
        "each job once, by one instance"
    );
    let done = job_states(&a, "send_email")
        .iter()
        .filter(|j| j.1 == "done" && j.2 == 1)
        .count();
    assert_eq!(done, 60, "every job done on its first attempt");
    eprintln!("instance A sent {from_a}, B {}", total - from_a);
    // Housekeeping ran once per period although both instances schedule it.
    eventually(10, "both schedulers ticked", || {
        job_states(&a, "prune_jobs").iter().all(|j| j.1 == "done")
            && !job_states(&a, "prune_jobs").is_empty()
    })
    .await;
    assert_eq!(job_states(&a, "prune_jobs").len(), 1);
}
