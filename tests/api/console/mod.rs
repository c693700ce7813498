//! The staff console, black-box: a browser-like client (cookies kept by
//! hand, redirects not followed) signs in through the login form and
//! submits the pages' own forms. Each test is named after what it stops.

mod admin_jobs;
mod admin_offers;
mod admin_pages;
mod admin_tiers;
mod csrf;
mod editor;
mod login;
mod refunds;
mod roles;
mod second_factor;
mod support_pages;

use crate::support::helpers::TestApp;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, HeaderMap, SET_COOKIE};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// A browser of the console: its own cookie jar, no redirects followed.
pub struct Console<'a> {
    pub app: &'a TestApp,
    client: reqwest::Client,
    jar: Mutex<BTreeMap<String, String>>,
}

/// What a page answered.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// Where a redirect points.
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .map_or("", |v| v.to_str().unwrap())
    }

    /// The `Set-Cookie` lines.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }
}

/// The value of the first `<input name="{name}" value="…">` on a page.
pub fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in:\n{html}"))
        + marker.len();
    html[start..][..html[start..].find('"').unwrap()].to_owned()
}

/// The audit log's entries with `action`, as the API lists them.
pub async fn audit(app: &TestApp, token: &str, action: &str) -> Vec<Value> {
    let log: Value = app
        .get_auth(&format!("/v1/admin/audit-log?action={action}"), token)
        .await
        .json()
        .await
        .unwrap();
    log["items"].as_array().unwrap().clone()
}

/// What an audit entry says, without who, when and which request.
pub fn gist(entry: &Value) -> Value {
    json!({
        "action": entry["action"],
        "staff_role": entry["staff_role"],
        "target_type": entry["target_type"],
        "detail_keys": entry["details"].as_object().map(|d| d.keys().cloned().collect::<Vec<_>>()),
    })
}

impl<'a> Console<'a> {
    /// A browser with no cookies.
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            jar: Mutex::new(BTreeMap::new()),
        }
    }

    /// Signs in with the login form; panics unless it worked.
    pub async fn signed_in(app: &'a TestApp, email: &str, password: &str) -> Self {
        let console = Self::new(app);
        let answer = console.log_in(email, password).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
        assert_eq!(answer.location(), "/console");
        console
    }

    /// Opens the login page and submits it.
    pub async fn log_in(&self, email: &str, password: &str) -> Answer {
        let login = self.get("/console/login").await;
        let nonce = field(&login.body, "login_token");
        self.post(
            "/console/login",
            &[
                ("login_token", &nonce),
                ("email", email),
                ("password", password),
                ("code", ""),
            ],
        )
        .await
    }

    /// The cookie jar's `Cookie` header.
    fn cookie_header(&self) -> String {
        self.jar
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Replaces the jar's cookies (to play another browser's).
    pub fn cookies(&self) -> BTreeMap<String, String> {
        self.jar.lock().unwrap().clone()
    }

    /// Uses `cookies` from now on.
    pub fn use_cookies(&self, cookies: BTreeMap<String, String>) {
        *self.jar.lock().unwrap() = cookies;
    }

    async fn answer(&self, response: reqwest::Response) -> Answer {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap();
        let mut jar = self.jar.lock().unwrap();
        for line in headers.get_all(SET_COOKIE) {
            let line = line.to_str().unwrap();
            let pair = line.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let expired = line.to_ascii_lowercase().contains("max-age=0");
            if value.is_empty() || expired {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
        Answer {
            status,
            headers,
            body,
        }
    }

    /// GET `path`.
    pub async fn get(&self, path: &str) -> Answer {
        let response = self
            .client
            .get(self.app.url(path))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.answer(response).await
    }

    /// POST a form to `path`, from the console's own origin.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        self.post_from(path, form, Some(&self.app.address)).await
    }

    /// POST a form to `path` with `origin` (or none).
    pub async fn post_from(
        &self,
        path: &str,
        form: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Answer {
        let mut request = self
            .client
            .post(self.app.url(path))
            .header(COOKIE, self.cookie_header())
            .form(form);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        self.answer(request.send().await.unwrap()).await
    }

    /// The CSRF token of this session (from any signed-in page).
    pub async fn csrf(&self) -> String {
        field(&self.get("/console").await.body, "csrf")
    }

    /// Posts the form `fields` (without its `csrf`) to `path` the three ways
    /// a forgery would, and asserts each is refused with 403: with a wrong
    /// CSRF token, with no token, and with this session's own token but from
    /// another origin. These are the two defences of the OWASP CSRF
    /// prevention cheat sheet, a synchronizer token tied to the session and
    /// a check of the `Origin` header, and each must hold on its own, so
    /// every form is tried against both. What the form would have changed
    /// is the caller's to check afterwards.
    pub async fn assert_refuses_forgeries(&self, path: &str, fields: &[(&str, &str)]) {
        assert!(
            fields.iter().all(|(name, _)| *name != "csrf"),
            "the token is the helper's to set"
        );
        let token = self.csrf().await;
        let with_token = |csrf| {
            std::iter::once(("csrf", csrf))
                .chain(fields.iter().copied())
                .collect::<Vec<_>>()
        };
        let forged = self.post(path, &with_token("forged")).await;
        assert_eq!(
            forged.status,
            StatusCode::FORBIDDEN,
            "a forged token at {path}: {}",
            forged.body
        );
        let no_token = self.post(path, fields).await;
        assert_eq!(
            no_token.status,
            StatusCode::FORBIDDEN,
            "no token at {path}: {}",
            no_token.body
        );
        let elsewhere = self
            .post_from(path, &with_token(&token), Some("https://evil.example"))
            .await;
        assert_eq!(
            elsewhere.status,
            StatusCode::FORBIDDEN,
            "another origin at {path}: {}",
            elsewhere.body
        );
    }
}
