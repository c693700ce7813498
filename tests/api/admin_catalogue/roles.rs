//! Only editors (and admins) manage the catalogue: every endpoint answers
//! 401 without a session and 403 to readers and support staff.

use super::{
    Part, article_body, create_article, create_issue, editor, issue_body, multipart, sample_mp3,
    sample_pdf,
};
use crate::support::helpers::{TestApp, assert_problem};
use masthead::domain::Role;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

on_both_backends!(every_catalogue_endpoint_needs_the_editor_role);

/// What a call sends.
enum Body {
    None,
    Json(Value),
    Multipart(String, Vec<u8>),
}

/// One endpoint, with what an allowed caller gets.
struct Call {
    method: Method,
    path: String,
    body: Body,
    allowed: StatusCode,
}

impl Call {
    async fn send(&self, app: &TestApp, token: Option<&str>) -> Response {
        let mut request = app.client.request(self.method.clone(), app.url(&self.path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request = match &self.body {
            Body::None => request,
            Body::Json(body) => request.json(body),
            Body::Multipart(content_type, bytes) => request
                .header("content-type", content_type)
                .body(bytes.clone()),
        };
        request.send().await.expect("request sent")
    }
}

fn call(method: Method, path: &str, body: Body, allowed: StatusCode) -> Call {
    Call {
        method,
        path: path.to_owned(),
        body,
        allowed,
    }
}

/// Every catalogue endpoint; creations use `n` so each allowed caller
/// creates something new. Issue 1 and article `target` must exist.
fn every_endpoint(n: i32) -> Vec<Call> {
    let (pdf_type, pdf) = multipart(&[Part::File(Some("application/pdf"), &sample_pdf())]);
    let (mp3_type, mp3) = multipart(&[
        Part::Text("duration_seconds", "60"),
        Part::File(Some("audio/mpeg"), &sample_mp3(8)),
    ]);
    vec![
        call(
            Method::POST,
            "/v1/admin/issues",
            Body::Json(issue_body(n)),
            StatusCode::CREATED,
        ),
        call(Method::GET, "/v1/admin/issues", Body::None, StatusCode::OK),
        call(
            Method::GET,
            "/v1/admin/issues/1",
            Body::None,
            StatusCode::OK,
        ),
        call(
            Method::PATCH,
            "/v1/admin/issues/1",
            Body::Json(json!({"title": format!("Retitled {n}")})),
            StatusCode::OK,
        ),
        call(
            Method::POST,
            "/v1/admin/issues/1/publish",
            Body::None,
            StatusCode::OK,
        ),
        call(
            Method::POST,
            "/v1/admin/issues/1/unpublish",
            Body::None,
            StatusCode::OK,
        ),
        call(
            Method::PUT,
            "/v1/admin/issues/1/edition",
            Body::Multipart(pdf_type, pdf),
            StatusCode::OK,
        ),
        call(
            Method::POST,
            "/v1/admin/articles",
            Body::Json(article_body(&format!("piece-{n}"), Some(1))),
            StatusCode::CREATED,
        ),
        call(
            Method::GET,
            "/v1/admin/articles",
            Body::None,
            StatusCode::OK,
        ),
        call(
            Method::GET,
            "/v1/admin/articles/target",
            Body::None,
            StatusCode::OK,
        ),
        call(
            Method::PATCH,
            "/v1/admin/articles/target",
            Body::Json(json!({"title": format!("Retitled {n}")})),
            StatusCode::OK,
        ),
        call(
            Method::POST,
            "/v1/admin/articles/target/publish",
            Body::None,
            StatusCode::OK,
        ),
        call(
            Method::POST,
            "/v1/admin/articles/target/unpublish",
            Body::None,
            StatusCode::OK,
        ),
        call(
            Method::PUT,
            "/v1/admin/articles/target/audio",
            Body::Multipart(mp3_type, mp3),
            StatusCode::OK,
        ),
    ]
}

async fn every_catalogue_endpoint_needs_the_editor_role(app: TestApp) {
    let setup = editor(&app).await;
    create_issue(&app, &setup, 1).await;
    create_article(&app, &setup, "target", Some(1)).await;
    let reader = app.new_reader().await.access_token;
    let support = app.new_staff(Role::Support).await.access_token;
    for call in every_endpoint(100) {
        let name = format!("{} {}", call.method, call.path);
        assert_problem(
            call.send(&app, None).await,
            StatusCode::UNAUTHORIZED,
            "missing_token",
        )
        .await;
        for (who, token) in [("reader", &reader), ("support", &support)] {
            let body = assert_problem(
                call.send(&app, Some(token)).await,
                StatusCode::FORBIDDEN,
                "insufficient_role",
            )
            .await;
            assert!(
                body["detail"].as_str().unwrap().contains("editor"),
                "{who} on {name}: {body}"
            );
        }
    }
    for (n, role) in [(10, Role::Editor), (20, Role::Admin)] {
        let token = app.new_staff(role).await.access_token;
        for call in every_endpoint(n) {
            let response = call.send(&app, Some(&token)).await;
            let status = response.status();
            assert_eq!(
                status,
                call.allowed,
                "{role:?} on {} {}: {}",
                call.method,
                call.path,
                response.text().await.unwrap()
            );
        }
    }
    let media = super::media_files(&app);
    assert_eq!(
        media.len(),
        2,
        "one edition and one audio file remain: {media:?}"
    );
}
