//! Audio for every article (`src/catalogue/narration`), with a real engine:
//! Debian's `espeak-ng --stdout` (espeak-ng(1): `--stdout` writes the
//! speech to stdout as WAV) and `lame` (installed by `.ci/run`). A
//! published article is narrated once per version and its MP3 served
//! through the gate; a recording is never narrated over; `none` queues
//! nothing; a failing, babbling or stalling narrator ends in the admin's
//! dead jobs, the stalling one killed.

use crate::admin_catalogue::{
    Part, article_body, editor, json_with, media_files, sample_mp3, send, upload,
};
use crate::support::fixtures::subscription;
use crate::support::helpers::{Backend, TestApp, assert_problem, spawn_app_with, the_backend};
use chrono::{Duration as Days, Utc};
use diesel::prelude::*;
use masthead::db::schema::jobs;
use masthead::domain::{Role, SubscriptionState};
use masthead::settings::{NarratorKind, Settings};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

on_both_backends!(with = with_espeak;
    a_published_article_is_narrated_once_and_served_through_the_gate,
    an_edit_is_narrated_again_and_a_recording_is_never_narrated_over,
);
on_both_backends!(none_queues_nothing_and_staff_list_what_lacks_audio);
on_both_backends!(with = with_failing_narrator;
    a_failing_narrator_is_retried_then_dead_for_the_admin,
);
on_both_backends!(with = with_babbling_narrator;
    output_that_is_not_audio_is_refused_by_the_format_check,
);
on_both_backends!(with = the_backend;
    a_narrator_past_its_timeout_is_killed,
    a_long_narration_does_not_hold_up_the_emails_behind_it,
);

/// The narrator set to `command`, with `adjust` applied after.
async fn narrating(
    backend: Backend,
    command: &[&str],
    adjust: impl FnOnce(&mut Settings),
) -> TestApp {
    let command: Vec<String> = command.iter().map(|word| (*word).to_owned()).collect();
    spawn_app_with(backend, move |settings| {
        settings.narrator = NarratorKind::Command;
        settings.narrator_command = command;
        adjust(settings);
    })
    .await
}

async fn with_espeak(backend: Backend) -> TestApp {
    narrating(backend, &["espeak-ng", "--stdout"], |_| {}).await
}

/// `false` (coreutils) exits 1 at once; two attempts, 1 s apart.
async fn with_failing_narrator(backend: Backend) -> TestApp {
    narrating(backend, &["false"], |settings| {
        settings.job_max_attempts = 2;
    })
    .await
}

/// `cat` hands the article's text back: text, not audio.
async fn with_babbling_narrator(backend: Backend) -> TestApp {
    narrating(backend, &["cat"], |_| {}).await
}

/// The `narrate_article` jobs: (state, attempts, last error), oldest first.
fn narrations(app: &TestApp) -> Vec<(String, i32, Option<String>)> {
    jobs::table
        .filter(jobs::kind.eq("narrate_article"))
        .order(jobs::created_at.asc())
        .select((jobs::state, jobs::attempts, jobs::last_error))
        .load(&mut app.db())
        .unwrap()
}

/// Polls `check` every 50 ms until it holds, for at most `seconds`.
async fn eventually(seconds: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until every narration queued so far has settled in `state`.
async fn narrations_settle(app: &TestApp, count: usize, state: &str) {
    eventually(60, &format!("{count} narration(s) {state}"), || {
        let jobs = narrations(app);
        jobs.len() == count && jobs.iter().all(|job| job.0 == state)
    })
    .await;
}

/// Creates the article `slug` (subscribers only, in no issue) as `token`.
async fn create(app: &TestApp, token: &str, slug: &str) {
    let response = send(
        app,
        Method::POST,
        "/v1/admin/articles",
        Some(token),
        Some(&article_body(slug, None)),
    )
    .await;
    json_with(response, StatusCode::CREATED).await;
}

/// Publishes `slug` as `token`; returns the admin view.
async fn publish(app: &TestApp, token: &str, slug: &str) -> Value {
    let path = format!("/v1/admin/articles/{slug}/publish");
    json_with(
        send(app, Method::POST, &path, Some(token), None).await,
        StatusCode::OK,
    )
    .await
}

/// The admin view of `slug`.
async fn admin_view(app: &TestApp, token: &str, slug: &str) -> Value {
    let path = format!("/v1/admin/articles/{slug}");
    json_with(
        send(app, Method::GET, &path, Some(token), None).await,
        StatusCode::OK,
    )
    .await
}

/// Changes the body of `slug`, as an editor fixing a typo.
async fn edit(app: &TestApp, token: &str, slug: &str, body: &str) {
    let path = format!("/v1/admin/articles/{slug}");
    let response = send(
        app,
        Method::PATCH,
        &path,
        Some(token),
        Some(&json!({ "body": body })),
    )
    .await;
    json_with(response, StatusCode::OK).await;
}

async fn a_published_article_is_narrated_once_and_served_through_the_gate(app: TestApp) {
    let token = editor(&app).await;
    create(&app, &token, "spoken").await;
    let published = publish(&app, &token, "spoken").await;
    assert_eq!(published["audio_source"], Value::Null, "not narrated yet");
    publish(&app, &token, "spoken").await;
    narrations_settle(&app, 1, "done").await;
    assert_eq!(narrations(&app).len(), 1, "publishing twice narrates once");

    let article = admin_view(&app, &token, "spoken").await;
    assert_eq!(article["audio_source"], "narrated", "{article}");
    assert_eq!(article["audio"]["content_type"], "audio/mpeg", "{article}");
    // "The Long Read. Why it matters." and three short paragraphs: a few
    // seconds of espeak-ng at its default 175 words a minute.
    let seconds = article["audio"]["duration_seconds"].as_i64().unwrap();
    assert!((2..=30).contains(&seconds), "{article}");
    let files = media_files(&app);
    assert_eq!(files.len(), 1, "one file, no leftovers in tmp/: {files:?}");
    assert_eq!(files[0].extension().unwrap(), "mp3");

    let public: Value = app.get("/v1/articles/spoken").await.json().await.unwrap();
    assert_eq!(public["audio_source"], "narrated", "{public}");
    assert_eq!(public["audio_duration_seconds"], seconds);

    let stranger = app.new_reader().await;
    let refused = app
        .get_auth("/v1/articles/spoken/audio", &stranger.access_token)
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "subscription_required").await;
    let anonymous = app.get("/v1/articles/spoken/audio").await;
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "login_required").await;

    let subscriber = app.new_reader().await;
    subscription("digital", SubscriptionState::Active)
        .period_end(Utc::now() + Days::days(30))
        .give(&app, &subscriber.id);
    let signed: Value = app
        .get_auth("/v1/articles/spoken/audio", &subscriber.access_token)
        .await
        .json()
        .await
        .unwrap();
    let served = app
        .client
        .get(signed["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "audio/mpeg");
    let mp3 = served.bytes().await.unwrap();
    assert_eq!(mp3.len(), std::fs::read(&files[0]).unwrap().len());
    assert!(
        mp3[0] == 0xFF && mp3[1] & 0xE0 == 0xE0,
        "an MPEG audio frame first: {:x?}",
        &mp3[..4]
    );
    // 48 kbit/s is 6,000 bytes a second.
    let expected = usize::try_from(seconds).unwrap() * 6_000;
    assert!(
        mp3.len() <= expected && mp3.len() > expected / 3,
        "{} bytes for {seconds} s",
        mp3.len()
    );
}

async fn an_edit_is_narrated_again_and_a_recording_is_never_narrated_over(app: TestApp) {
    let token = editor(&app).await;
    create(&app, &token, "revised").await;
    publish(&app, &token, "revised").await;
    narrations_settle(&app, 1, "done").await;
    let first = media_files(&app);

    edit(
        &app,
        &token,
        "revised",
        "A longer text now.\n\nWith a second thought, and a third one, read aloud in full.",
    )
    .await;
    publish(&app, &token, "revised").await;
    narrations_settle(&app, 2, "done").await;
    let second = media_files(&app);
    assert_eq!(second.len(), 1, "the old narration is removed: {second:?}");
    assert_ne!(first, second, "a new narration");
    assert_eq!(
        admin_view(&app, &token, "revised").await["audio_source"],
        "narrated"
    );

    let recording = sample_mp3(50);
    let uploaded = json_with(
        upload(
            &app,
            "/v1/admin/articles/revised/audio",
            Some(&token),
            &[
                Part::Text("duration_seconds", "42"),
                Part::File(Some("audio/mpeg"), &recording),
            ],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(uploaded["audio_source"], "recorded", "{uploaded}");
    let files = media_files(&app);
    assert_eq!(files.len(), 1, "the narration gave way: {files:?}");
    assert_eq!(std::fs::read(&files[0]).unwrap(), recording);

    edit(&app, &token, "revised", "Edited once more.").await;
    publish(&app, &token, "revised").await;
    let unpublished = send(
        &app,
        Method::POST,
        "/v1/admin/articles/revised/unpublish",
        Some(&token),
        None,
    )
    .await;
    json_with(unpublished, StatusCode::OK).await;
    publish(&app, &token, "revised").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        narrations(&app).len(),
        2,
        "a recording is never narrated over"
    );
    let article = admin_view(&app, &token, "revised").await;
    assert_eq!(article["audio_source"], "recorded");
    assert_eq!(article["audio"]["duration_seconds"], 42);
    let public: Value = app.get("/v1/articles/revised").await.json().await.unwrap();
    assert_eq!(public["audio_source"], "recorded", "{public}");
}

async fn none_queues_nothing_and_staff_list_what_lacks_audio(app: TestApp) {
    let token = editor(&app).await;
    for slug in ["silent", "recorded", "draft"] {
        create(&app, &token, slug).await;
    }
    publish(&app, &token, "silent").await;
    publish(&app, &token, "recorded").await;
    let recording = sample_mp3(20);
    upload(
        &app,
        "/v1/admin/articles/recorded/audio",
        Some(&token),
        &[
            Part::Text("duration_seconds", "9"),
            Part::File(Some("audio/mpeg"), &recording),
        ],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(narrations(&app).is_empty(), "no narrator, no narration");

    let missing = json_with(
        send(
            &app,
            Method::GET,
            "/v1/admin/articles?audio=missing",
            Some(&token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let slugs: Vec<&str> = missing["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|article| article["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["silent"], "published and without audio: {missing}");
    assert_eq!(missing["total"], 1);
    assert_eq!(missing["items"][0]["audio_source"], Value::Null);
    let all = json_with(
        send(&app, Method::GET, "/v1/admin/articles", Some(&token), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["total"], 3);
    let bogus = send(
        &app,
        Method::GET,
        "/v1/admin/articles?audio=some",
        Some(&token),
        None,
    )
    .await;
    assert_problem(bogus, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

/// The admin's dead `narrate_article` jobs.
async fn dead_narrations(app: &TestApp) -> Vec<Value> {
    let admin = app.new_staff(Role::Admin).await;
    let listed: Value = app
        .get_auth("/v1/admin/jobs?state=dead", &admin.access_token)
        .await
        .json()
        .await
        .unwrap();
    listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|job| job["kind"] == "narrate_article")
        .cloned()
        .collect()
}

async fn a_failing_narrator_is_retried_then_dead_for_the_admin(app: TestApp) {
    let token = editor(&app).await;
    create(&app, &token, "unspoken").await;
    publish(&app, &token, "unspoken").await;
    narrations_settle(&app, 1, "dead").await;
    let dead = dead_narrations(&app).await;
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0]["attempts"], 2, "retried once: {dead:?}");
    let error = dead[0]["last_error"].as_str().unwrap();
    assert!(error.contains("the narrator `false` failed"), "{error}");
    let article = admin_view(&app, &token, "unspoken").await;
    assert_eq!(
        (&article["audio"], &article["audio_source"]),
        (&Value::Null, &Value::Null)
    );
    assert!(media_files(&app).is_empty());
}

async fn output_that_is_not_audio_is_refused_by_the_format_check(app: TestApp) {
    let token = editor(&app).await;
    create(&app, &token, "babble").await;
    publish(&app, &token, "babble").await;
    narrations_settle(&app, 1, "dead").await;
    let dead = dead_narrations(&app).await;
    assert_eq!(dead[0]["attempts"], 1, "no retry can help: {dead:?}");
    let error = dead[0]["last_error"].as_str().unwrap();
    assert!(
        error.contains("not audio") && error.contains("not a WAV header"),
        "{error}"
    );
    assert_eq!(
        admin_view(&app, &token, "babble").await["audio"],
        Value::Null
    );
    assert!(media_files(&app).is_empty(), "nothing stored");
}

/// Processes whose command line holds `argument`, with their state
/// (`/proc/<pid>/stat`; `Z`: a zombie nobody reaped).
fn processes_with(argument: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let holds = cmdline
            .split(|byte| *byte == 0)
            .any(|word| word == argument.as_bytes());
        if holds {
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            let state = stat
                .rsplit(") ")
                .next()
                .unwrap_or("")
                .chars()
                .take(1)
                .collect();
            found.push((entry.file_name().to_string_lossy().into_owned(), state));
        }
    }
    found
}

async fn a_narrator_past_its_timeout_is_killed(backend: Backend) {
    // A length no other process sleeps for, so this test finds its own.
    let seconds = format!("61.{}", uuid::Uuid::new_v4().as_u128() % 1_000_000_000);
    let app = narrating(backend, &["sleep", &seconds], |settings| {
        settings.narrator_timeout_seconds = 1;
        settings.job_max_attempts = 1;
    })
    .await;
    let token = editor(&app).await;
    create(&app, &token, "stalled").await;
    publish(&app, &token, "stalled").await;
    eventually(10, "the narrator runs", || {
        !processes_with(&seconds).is_empty()
    })
    .await;
    narrations_settle(&app, 1, "dead").await;
    let dead = dead_narrations(&app).await;
    let error = dead[0]["last_error"].as_str().unwrap();
    assert!(
        error.contains("ran past 1 s; the narrator was killed"),
        "{error}"
    );
    let left = processes_with(&seconds);
    assert!(
        left.is_empty(),
        "killed and reaped, not left running or a zombie: {left:?}"
    );
}

/// A narration holds one worker for as long as the engine runs (minutes,
/// for a long article): the emails queued meanwhile go out on the other
/// workers at once, not after it.
async fn a_long_narration_does_not_hold_up_the_emails_behind_it(backend: Backend) {
    let seconds = format!("62.{}", uuid::Uuid::new_v4().as_u128() % 1_000_000_000);
    let app = narrating(backend, &["sleep", &seconds], |settings| {
        settings.narrator_timeout_seconds = 60;
    })
    .await;
    let token = editor(&app).await;
    create(&app, &token, "long-read").await;
    publish(&app, &token, "long-read").await;
    eventually(10, "the narrator runs", || {
        !processes_with(&seconds).is_empty()
    })
    .await;
    let signup = app
        .post_json(
            "/v1/auth/signup",
            &json!({"email": "waiting@example.com", "password": "correct horse battery", "name": "Waiting"}),
        )
        .await;
    assert_eq!(signup.status(), reqwest::StatusCode::CREATED);
    let outbox = app.data_dir.path().join("outbox");
    eventually(10, "the verification email is written", || {
        std::fs::read_dir(&outbox).is_ok_and(|entries| entries.count() > 0)
    })
    .await;
    assert!(
        !processes_with(&seconds).is_empty(),
        "the narration is still running alongside"
    );
}
