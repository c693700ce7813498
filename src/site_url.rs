//! The magazine's site, as opposed to this API: the pages a reader is sent
//! to (email links, Stripe's return pages) are served by the front-end at
//! `MASTHEAD_SITE_URL`, which is a different host from the API when the
//! site is `www.` and the API `api.`. Every such link is built here, from
//! the configured base and the configured path of each page, never from a
//! request's `Host` header (which a client controls).

use crate::settings::Settings;

/// A page of the site that Masthead sends readers to. The site must serve
/// each one (see `docs/integration/site-pages.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SitePage {
    /// Posts the `token` query parameter to `POST /v1/auth/verify-email`.
    VerifyEmail,
    /// Asks for a new password and posts it with the `token` to
    /// `POST /v1/auth/password-reset/confirm`.
    ResetPassword,
    /// Where a paid checkout returns (`checkout_id`, and Stripe's `session_id`).
    CheckoutSuccess,
    /// Where an abandoned checkout returns (`checkout_id`).
    CheckoutCanceled,
    /// Where the provider's billing portal returns.
    PortalReturn,
    /// The reader's account page: their subscription, payments and the
    /// buttons that cancel, resume and open the billing portal (the
    /// lifecycle emails link to it).
    Account,
    /// Where the footer of optional mail sends a person to leave a list
    /// (`token`): the page confirms and posts `List-Unsubscribe=One-Click`
    /// to `POST /v1/email/unsubscribe?token=` (opening the page alone
    /// unsubscribes nobody, so a link scanner does no harm).
    Unsubscribe,
    /// Where a gift's recipient redeems it (`token`): shows
    /// `GET /v1/gifts/{token}`, asks the reader to log in or sign up, and
    /// posts `POST /v1/gifts/{token}/redeem`.
    GiftRedeem,
    /// Where the gift receipt's refund link goes (`token`): confirms, then
    /// posts `POST /v1/gifts/refunds/{token}` (opening it refunds nothing).
    GiftRefund,
}

impl SitePage {
    /// Every page, for documentation and tests.
    pub const ALL: [Self; 9] = [
        Self::VerifyEmail,
        Self::ResetPassword,
        Self::CheckoutSuccess,
        Self::CheckoutCanceled,
        Self::PortalReturn,
        Self::Account,
        Self::Unsubscribe,
        Self::GiftRedeem,
        Self::GiftRefund,
    ];

    /// The page's path in the settings.
    pub fn path(self, settings: &Settings) -> &str {
        match self {
            Self::VerifyEmail => &settings.site_verify_email_path,
            Self::ResetPassword => &settings.site_reset_password_path,
            Self::CheckoutSuccess => &settings.site_checkout_success_path,
            Self::CheckoutCanceled => &settings.site_checkout_canceled_path,
            Self::PortalReturn => &settings.site_portal_return_path,
            Self::Account => &settings.site_account_path,
            Self::Unsubscribe => &settings.site_unsubscribe_path,
            Self::GiftRedeem => &settings.site_gift_redeem_path,
            Self::GiftRefund => &settings.site_gift_refund_path,
        }
    }

    /// The absolute URL of this page with `query` appended (values are
    /// percent-encoded, except Stripe's `{CHECKOUT_SESSION_ID}` template,
    /// which must reach Stripe verbatim).
    pub fn url(self, settings: &Settings, query: &[(&str, &str)]) -> String {
        let mut url = site_url(settings, self.path(settings));
        for (name, value) in query {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(name);
            url.push('=');
            url.push_str(&encode(value));
        }
        url
    }
}

/// The one function that turns a path of the site into an absolute URL:
/// `MASTHEAD_SITE_URL` (default: the public URL) joined with `path` (which
/// may carry its own query string) by exactly one slash.
pub fn site_url(settings: &Settings, path: &str) -> String {
    format!("{}/{}", settings.site_url(), path.trim_start_matches('/'))
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay),
/// leaving a `{TEMPLATE}` placeholder as it is.
fn encode(value: &str) -> String {
    if value.starts_with('{') && value.ends_with('}') {
        return value.to_owned();
    }
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(byte).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Settings {
        Settings {
            public_url: Some("https://api.magazine.example".into()),
            site_url: Some("https://www.magazine.example/".into()),
            ..Settings::default()
        }
    }

    #[test]
    fn pages_live_on_the_site_not_the_api() {
        assert_eq!(
            SitePage::VerifyEmail.url(&site(), &[("token", "T0k")]),
            "https://www.magazine.example/verify-email?token=T0k"
        );
        assert_eq!(
            SitePage::PortalReturn.url(&site(), &[]),
            "https://www.magazine.example/billing/portal/return"
        );
    }

    #[test]
    fn the_site_defaults_to_the_public_url() {
        let settings = Settings {
            public_url: Some("https://magazine.example".into()),
            ..Settings::default()
        };
        assert_eq!(
            site_url(&settings, "/reset-password"),
            "https://magazine.example/reset-password"
        );
    }

    #[test]
    fn configured_paths_keep_their_own_query() {
        let settings = Settings {
            site_checkout_success_path: "account?tab=billing".into(),
            ..site()
        };
        assert_eq!(
            SitePage::CheckoutSuccess.url(
                &settings,
                &[
                    ("checkout_id", "a b&c"),
                    ("session_id", "{CHECKOUT_SESSION_ID}")
                ]
            ),
            "https://www.magazine.example/account?tab=billing&checkout_id=a%20b%26c&session_id={CHECKOUT_SESSION_ID}"
        );
    }
}
