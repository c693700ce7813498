//! The development provider's payment page as a browser uses it: open the
//! checkout's URL, read the form token from the page, post a button's form
//! and see where the answer redirects.

use crate::support::helpers::TestApp;
use reqwest::Response;
use reqwest::header::LOCATION;

/// A client that shows redirects instead of following them, with no
/// bearer token: the page works on the checkout id alone.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The page at `url`, as HTML (asserting a 200 `text/html` answer).
pub async fn page(url: &str) -> String {
    let response = browser().get(url).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    response.text().await.unwrap()
}

/// The value of the page's hidden `token` input.
pub fn form_token(html: &str) -> String {
    let marker = r#"name="token" value=""#;
    let start = html.find(marker).expect("the page has a form token") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

/// Posts the page's `button` (`pay` or `cancel`) form with `token`.
pub async fn press(app: &TestApp, checkout_id: &str, button: &str, token: &str) -> Response {
    browser()
        .post(app.url(&format!("/v1/billing/dev/checkout/{checkout_id}/{button}")))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
}

/// Where a `303` answer sends the browser.
pub fn location(response: &Response) -> String {
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
    response.headers()[LOCATION].to_str().unwrap().to_owned()
}
