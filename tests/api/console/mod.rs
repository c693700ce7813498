//! The staff console, black-box: a browser-like client (cookies kept by
//! hand, redirects not followed) signs in through the login form and
//! submits the pages' own forms. Each test is named after what it stops.

mod admin_catalogue;
mod admin_pages;
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
}
