//! Every problem's `type` resolves: a relative URI, `/problems/{code}`, the
//! same on every deployment, serving a short page about the code (RFC 9457
//! §3.1.1, <https://www.rfc-editor.org/rfc/rfc9457#section-3.1.1>: "when
//! dereferenced, it SHOULD provide human-readable documentation").

use crate::support::helpers::{TestApp, assert_problem};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    the_type_of_every_problem_met_resolves_to_its_page,
    an_unknown_problem_type_is_a_404_problem,
);

async fn problem_type(response: Response) -> (String, String) {
    let body: Value = response.json().await.unwrap();
    (
        body["type"].as_str().unwrap().to_owned(),
        body["code"].as_str().unwrap().to_owned(),
    )
}

async fn the_type_of_every_problem_met_resolves_to_its_page(app: TestApp) {
    let reader = app.new_reader().await;
    let mut met = vec![
        problem_type(
            app.signup(&reader.email, "correct horse battery", "Again")
                .await,
        )
        .await,
        problem_type(app.login(&reader.email, "not the password").await).await,
        problem_type(app.get("/v1/no-such-route").await).await,
        problem_type(app.get("/v1/me").await).await,
        problem_type(
            app.post_json("/v1/auth/signup", &json!({"email": "x"}))
                .await,
        )
        .await,
        problem_type(
            app.client
                .post(app.url("/v1/auth/login"))
                .header("content-type", "application/json")
                .body("{not json")
                .send()
                .await
                .unwrap(),
        )
        .await,
        problem_type(app.get("/v1/articles/no-such-article").await).await,
        problem_type(app.get("/v1/articles?page=0").await).await,
    ];
    met.sort();
    met.dedup();
    assert!(met.len() >= 7, "{met:?}");
    for (problem_type, code) in met {
        assert_eq!(
            problem_type,
            format!("/problems/{code}"),
            "relative and stable"
        );
        let page = app.get(&problem_type).await;
        assert_eq!(page.status(), StatusCode::OK, "{problem_type}");
        assert_eq!(
            page.headers()["content-type"],
            "text/html; charset=utf-8",
            "{problem_type}"
        );
        let html = page.text().await.unwrap();
        assert!(
            html.contains(&format!("<h1><code>{code}</code></h1>")),
            "{html}"
        );
        assert!(html.contains("HTTP status: "), "{html}");
    }
}

async fn an_unknown_problem_type_is_a_404_problem(app: TestApp) {
    let body = assert_problem(
        app.get("/problems/no_such_code").await,
        StatusCode::NOT_FOUND,
        "problem_type_not_found",
    )
    .await;
    assert_eq!(body["type"], "/problems/problem_type_not_found");
    // Its own type resolves too.
    assert_eq!(
        app.get("/problems/problem_type_not_found").await.status(),
        StatusCode::OK
    );
    // Markup in the path is never echoed into a page.
    let response = app.get("/problems/%3Cscript%3E").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(!response.text().await.unwrap().contains("<script>"));
}
