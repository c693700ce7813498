//! Article bodies are plain text: paragraphs separated by an empty line.
//! Whatever line endings an editor's tool sends, the teaser shows only the
//! paragraphs before the paywall cut.

use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::helpers::TestApp;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(a_body_with_windows_line_endings_still_has_a_teaser);

/// A body pasted from a Windows editor arrives with `\r\n` line endings
/// (what a `<textarea>` submits too: HTML's form submission normalises
/// line breaks to CRLF,
/// <https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#converting-an-entry-list-to-a-list-of-name-value-pairs>).
/// It is stored with `\n`, so its teaser is its first paragraph, not the
/// whole text.
async fn a_body_with_windows_line_endings_still_has_a_teaser(app: TestApp) {
    publish_sample_catalogue(&app).await;
    let editor = app.new_staff(Role::Editor).await;
    let created = app
        .post_json_auth(
            "/v1/admin/articles",
            &editor.access_token,
            &json!({
                "slug": "pasted-from-word",
                "title": "Pasted from Word",
                "dek": "A standfirst.",
                "author": "A. Writer",
                "body": "The free paragraph.\r\n\r\nThe paid one.\r\n\r\nAnd another.",
                "issue_number": 2,
                "visibility": "subscribers",
                "paywall_cut": 1,
                "publication_date": "2026-02-10T09:00:00Z",
            }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let stored: Value = created.json().await.unwrap();
    assert_eq!(
        stored["body"],
        "The free paragraph.\n\nThe paid one.\n\nAnd another."
    );
    let published = app
        .post_json_auth(
            "/v1/admin/articles/pasted-from-word/publish",
            &editor.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(published.status(), StatusCode::OK);

    let page: Value = app
        .get("/v1/articles/pasted-from-word")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["is_teaser"], true, "{page}");
    assert_eq!(page["body"], "The free paragraph.");
}
