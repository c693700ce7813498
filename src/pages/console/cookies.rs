//! The console's cookies. The session cookie holds the session's refresh
//! token (never rotated: the console does not refresh), HttpOnly and
//! `SameSite=Strict`. Over https it is `__Host-masthead_console`: Secure,
//! no `Domain`, and (as the prefix requires) `Path=/`, so no sibling
//! subdomain (`www.`) can plant or overwrite it; over plain http (a
//! development machine) it is `masthead_console` on `Path=/console`.

use crate::settings::Settings;
use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite, time::Duration};

/// Which cookie.
#[derive(Debug, Clone, Copy)]
pub enum Jar {
    /// The staff session.
    Session,
    /// The login form's anti-forgery nonce (login CSRF), before a session.
    Login,
    /// A one-time message for the next page.
    Flash,
}

impl Jar {
    fn base(self) -> &'static str {
        match self {
            Self::Session => "masthead_console",
            Self::Login => "masthead_console_login",
            Self::Flash => "masthead_console_flash",
        }
    }

    /// The cookie's name under `settings` (`__Host-` over https).
    pub fn name(self, settings: &Settings) -> String {
        if secure(settings) {
            format!("__Host-{}", self.base())
        } else {
            self.base().to_owned()
        }
    }
}

/// Whether the console is reached over https.
pub fn secure(settings: &Settings) -> bool {
    settings.public_url().starts_with("https://")
}

/// The value of `jar`'s cookie on `req`, when present and not empty.
pub fn read(req: &HttpRequest, settings: &Settings, jar: Jar) -> Option<String> {
    req.cookie(&jar.name(settings))
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// A cookie of `jar` holding `value`; `max_age` `None` lives as long as
/// the browser session.
pub fn make(
    settings: &Settings,
    jar: Jar,
    value: String,
    max_age: Option<Duration>,
) -> Cookie<'static> {
    let secure = secure(settings);
    let mut cookie = Cookie::build(jar.name(settings), value)
        .path(if secure { "/" } else { "/console" })
        .secure(secure)
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish();
    if let Some(max_age) = max_age {
        cookie.set_max_age(max_age);
    }
    cookie
}

/// The cookie that removes `jar`'s.
pub fn removal(settings: &Settings, jar: Jar) -> Cookie<'static> {
    let mut cookie = make(settings, jar, String::new(), None);
    cookie.make_removal();
    cookie
}
