//! `GET /docs`: the API reference page and the assets Masthead serves for
//! it itself.

use crate::support::helpers::{Backend, spawn_app};
use reqwest::StatusCode;

/// The `src`/`href` values of the page.
fn references(html: &str) -> Vec<String> {
    ["src=\"", "href=\""]
        .iter()
        .flat_map(|attribute| html.split(attribute).skip(1))
        .filter_map(|rest| rest.split_once('"').map(|(value, _)| value.to_owned()))
        .collect()
}

#[tokio::test]
async fn the_reference_page_loads_only_its_own_assets() {
    let app = spawn_app(Backend::Sqlite).await;
    let page = app.get("/docs").await;
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("style-src 'self'"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "{html}"
    );
    assert!(!html.contains("<script>"), "no inline script: {html}");

    let assets: Vec<String> = references(&html)
        .into_iter()
        .filter(|reference| reference.starts_with("/docs/assets/"))
        .collect();
    assert_eq!(assets.len(), 3, "{html}");
    for asset in assets {
        let response = app.get(&asset).await;
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let expected = if asset.contains(".css") {
            "text/css"
        } else {
            "text/javascript"
        };
        assert!(
            content_type.starts_with(expected),
            "{asset}: {content_type}"
        );
        let cache = response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(cache.contains("max-age=31536000"), "{asset}: {cache}");
        assert!(!response.bytes().await.unwrap().is_empty());
    }
    let init = app
        .get("/docs/assets/docs-init.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains("\"/openapi.json\""));
    assert!(
        init.contains("validatorUrl: null"),
        "no request to the public validator"
    );

    let missing = app.get("/docs/assets/nothing.js").await;
    crate::support::helpers::assert_problem(missing, StatusCode::NOT_FOUND, "asset_not_found")
        .await;
}
