use super::{Console, field};
use crate::support::catalogue_fixtures::{multipart, sample_audio};
use crate::support::helpers::TestApp;
use masthead::domain::Role;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::Value;

on_both_backends!(
    an_editor_writes_previews_publishes_and_adds_audio,
    an_upload_without_the_sessions_token_is_refused,
);

const BODY: &str = "The opening paragraph.\r\n\r\nThe second one.\r\n\r\nBehind the wall.";

async fn an_editor_writes_previews_publishes_and_adds_audio(app: TestApp) {
    let editor = app.new_staff(Role::Editor).await;
    let console = Console::signed_in(&app, &editor.email, &editor.password).await;
    let new = console.get("/console/articles/new").await;
    assert_eq!(new.status, StatusCode::OK);
    let csrf = field(&new.body, "csrf");
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("title", "Night Trains"),
        ("slug", "night-trains"),
        ("dek", "Across Europe by sleeper."),
        ("author", "A. Writer"),
        ("body", BODY),
        ("paywall_cut", "1"),
        ("visibility", "subscribers"),
        ("meter", "metered"),
        ("publication_date", "2026-03-01"),
    ];
    let bad = console
        .post(
            "/console/articles",
            &[("csrf", csrf.as_str()), ("title", "No slug")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("No slug"), "what was typed is kept");
    form.push(("preview", "1"));
    let preview = console.post("/console/articles", &form).await;
    assert_eq!(preview.status, StatusCode::OK);
    let teaser = &preview.body[preview.body.find("id=\"teaser\"").unwrap()..];
    assert!(teaser.contains("The opening paragraph."));
    assert!(
        !teaser.contains("Behind the wall."),
        "the cut leaves it out"
    );
    form.pop();
    let created = console.post("/console/articles", &form).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(created.location(), "/console/articles/night-trains");
    let published = console
        .post("/console/articles/night-trains/publish", &[("csrf", &csrf)])
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    let (content_type, body) = multipart(
        "reading.mp3",
        "audio/mpeg",
        &sample_audio(),
        &[("duration_seconds", "42")],
    );
    let uploaded = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url(&format!("/console/articles/night-trains/audio?csrf={csrf}")))
        .header(COOKIE, cookie_header(&console))
        .header("content-type", content_type)
        .header("origin", &app.address)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        uploaded.status(),
        StatusCode::SEE_OTHER,
        "{}",
        uploaded.text().await.unwrap()
    );
    let page = console.get("/console/articles/night-trains").await;
    assert!(page.body.contains("42 s"), "{}", page.body);
    let public: Value = app
        .get("/v1/articles/night-trains")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["title"], "Night Trains");
    assert!(!public.to_string().contains("Behind the wall."));
}

fn cookie_header(console: &Console<'_>) -> String {
    console
        .cookies()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

async fn an_upload_without_the_sessions_token_is_refused(app: TestApp) {
    let editor = app.new_staff(Role::Editor).await;
    let console = Console::signed_in(&app, &editor.email, &editor.password).await;
    let (content_type, body) = multipart(
        "reading.mp3",
        "audio/mpeg",
        &sample_audio(),
        &[("duration_seconds", "42")],
    );
    let refused = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/console/articles/anything/audio?csrf=forged"))
        .header(COOKIE, cookie_header(&console))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}
