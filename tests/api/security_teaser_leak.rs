//! Attack: reading a subscribers-only article in full as an anonymous
//! visitor, because its body's paragraphs were not separated the way the
//! paywall cut counted them (`\r\n\r\n` from a browser `<textarea>`, single
//! newlines, whitespace-only lines). The teaser must never be the body.
//!
//! The `<textarea>` line endings follow the HTML standard's form
//! submission rules, which normalise every line break in a textarea's
//! value to CR LF:
//! <https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#converting-an-entry-list-to-a-list-of-name-value-pairs>

use crate::admin_catalogue::{article_body, editor, json_with, send};
use crate::support::helpers::TestApp;
use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    textarea_crlf_paragraphs_do_not_leak_past_the_cut,
    whitespace_only_separator_lines_do_not_leak_past_the_cut,
    a_body_of_single_newlines_does_not_leak_whole,
    a_one_paragraph_body_does_not_leak_whole,
    a_body_stored_before_normalising_does_not_leak,
);

/// Creates and publishes a subscribers-only article with `body` and `cut`.
pub async fn publish(app: &TestApp, slug: &str, body: &str, cut: i32) -> Value {
    let token = editor(app).await;
    let mut article = article_body(slug, None);
    article["body"] = json!(body);
    article["paywall_cut"] = json!(cut);
    let created = json_with(
        send(
            app,
            Method::POST,
            "/v1/admin/articles",
            Some(&token),
            Some(&article),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    json_with(
        send(
            app,
            Method::POST,
            &format!("/v1/admin/articles/{slug}/publish"),
            Some(&token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    created
}

/// The body an anonymous visitor gets, which must be a teaser.
async fn anonymous_body(app: &TestApp, slug: &str) -> String {
    let page = json_with(
        app.get(&format!("/v1/articles/{slug}")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["is_teaser"], true, "{page}");
    page["body"].as_str().unwrap().to_owned()
}

async fn textarea_crlf_paragraphs_do_not_leak_past_the_cut(app: TestApp) {
    let created = publish(
        &app,
        "crlf",
        "Open paragraph.\r\n\r\nSecret two.\r\n\r\nSecret three.",
        1,
    )
    .await;
    assert_eq!(
        created["body"], "Open paragraph.\n\nSecret two.\n\nSecret three.",
        "stored normalised"
    );
    assert_eq!(anonymous_body(&app, "crlf").await, "Open paragraph.");
}

async fn whitespace_only_separator_lines_do_not_leak_past_the_cut(app: TestApp) {
    publish(
        &app,
        "blank-lines",
        "Open paragraph.\n   \nSecret two.\n\t\nSecret three.",
        1,
    )
    .await;
    assert_eq!(anonymous_body(&app, "blank-lines").await, "Open paragraph.");
}

async fn a_body_of_single_newlines_does_not_leak_whole(app: TestApp) {
    let lines: Vec<String> = (1..=30).map(|n| format!("Line {n} secret")).collect();
    publish(&app, "single-newlines", &lines.join("\n"), 2).await;
    let teaser = anonymous_body(&app, "single-newlines").await;
    // 90 words: a third is 30, under the 60-word cap.
    assert_eq!(teaser.split_whitespace().count(), 30, "{teaser}");
    assert!(lines.join("\n").starts_with(&teaser));
    assert!(!teaser.contains("Line 11 "), "{teaser}");
}

async fn a_one_paragraph_body_does_not_leak_whole(app: TestApp) {
    let body = "word ".repeat(500);
    publish(&app, "one-paragraph", &body, 3).await;
    let teaser = anonymous_body(&app, "one-paragraph").await;
    assert_eq!(teaser.split_whitespace().count(), 60, "{teaser}");
}

/// A body written before bodies were normalised (here put straight into
/// the table) is cut on its normalised form when served.
async fn a_body_stored_before_normalising_does_not_leak(app: TestApp) {
    publish(&app, "legacy", "Placeholder one.\n\nPlaceholder two.", 1).await;
    let mut conn = app.db();
    diesel::update(
        masthead::db::schema::articles::table
            .filter(masthead::db::schema::articles::slug.eq("legacy")),
    )
    .set(masthead::db::schema::articles::body.eq("Open.\r\n \r\nSecret.\r\n\r\nSecret."))
    .execute(&mut conn)
    .expect("the body is rewritten");
    assert_eq!(anonymous_body(&app, "legacy").await, "Open.");
}
