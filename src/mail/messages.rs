//! The emails Masthead sends, each built from a plain-text and an HTML
//! template in `templates/mail/`. Links are made from the configured public
//! URL, never from a request's `Host` header (which a client controls).

use super::Email;
use super::template::{Escape, render};
use crate::settings::Settings;
use crate::site_url::SitePage;

/// A template pair, compiled into the binary.
struct Template {
    text: &'static str,
    html: &'static str,
}

macro_rules! template {
    ($name:literal) => {
        Template {
            text: include_str!(concat!("../../templates/mail/", $name, ".txt")),
            html: include_str!(concat!("../../templates/mail/", $name, ".html")),
        }
    };
}

const VERIFY_EMAIL: Template = template!("verify_email");
const EMAIL_CHANGE: Template = template!("email_change");
const EMAIL_CHANGE_NOTICE: Template = template!("email_change_notice");
const PASSWORD_RESET: Template = template!("password_reset");
const PASSWORD_CHANGED: Template = template!("password_changed");

fn build(to: &str, subject: &str, template: &Template, values: &[(&str, &str)]) -> Email {
    Email {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text: render(template.text, values, Escape::Text),
        html: render(template.html, values, Escape::Html),
    }
}

/// The link to the site's page that posts a verification token.
pub fn verify_link(settings: &Settings, token: &str) -> String {
    SitePage::VerifyEmail.url(settings, &[("token", token)])
}

/// The link to the site's page that asks for a new password.
pub fn reset_link(settings: &Settings, token: &str) -> String {
    SitePage::ResetPassword.url(settings, &[("token", token)])
}

/// Asks a new reader to confirm their address.
pub fn verify_email(
    settings: &Settings,
    name: &str,
    email: &str,
    token: &str,
    hours: i64,
) -> Email {
    let link = verify_link(settings, token);
    let hours = hours.to_string();
    build(
        email,
        "Confirm your email address",
        &VERIFY_EMAIL,
        &[
            ("name", name),
            ("email", email),
            ("link", &link),
            ("hours", &hours),
        ],
    )
}

/// Asks a reader to confirm the new address their account should move to;
/// sent to that new address.
pub fn email_change(
    settings: &Settings,
    name: &str,
    new_email: &str,
    token: &str,
    hours: i64,
) -> Email {
    let link = verify_link(settings, token);
    let hours = hours.to_string();
    build(
        new_email,
        "Confirm your new email address",
        &EMAIL_CHANGE,
        &[
            ("name", name),
            ("email", new_email),
            ("link", &link),
            ("hours", &hours),
        ],
    )
}

/// Tells the old address that a move to a new one was asked for, so a
/// hijacked session cannot quietly take the account away.
pub fn email_change_notice(name: &str, old_email: &str, new_email: &str) -> Email {
    build(
        old_email,
        "Your email address is about to change",
        &EMAIL_CHANGE_NOTICE,
        &[
            ("name", name),
            ("old_email", old_email),
            ("new_email", new_email),
        ],
    )
}

/// Sends a password-reset link.
pub fn password_reset(
    settings: &Settings,
    name: &str,
    email: &str,
    token: &str,
    minutes: i64,
) -> Email {
    let link = reset_link(settings, token);
    let minutes = minutes.to_string();
    build(
        email,
        "Reset your password",
        &PASSWORD_RESET,
        &[
            ("name", name),
            ("email", email),
            ("link", &link),
            ("minutes", &minutes),
        ],
    )
}

/// Tells the reader their password changed (after a reset).
pub fn password_changed(name: &str, email: &str) -> Email {
    build(
        email,
        "Your password was changed",
        &PASSWORD_CHANGED,
        &[("name", name), ("email", email)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_message() -> Vec<Email> {
        let settings = Settings {
            public_url: Some("https://magazine.example".into()),
            ..Settings::default()
        };
        let url = &settings;
        vec![
            verify_email(url, "Ada", "ada@example.com", "tok", 48),
            email_change(url, "Ada", "new@example.com", "tok", 48),
            email_change_notice("Ada", "ada@example.com", "new@example.com"),
            password_reset(url, "Ada", "ada@example.com", "tok", 30),
            password_changed("Ada", "ada@example.com"),
        ]
    }

    #[test]
    fn every_placeholder_is_filled() {
        for email in every_message() {
            for body in [&email.text, &email.html] {
                assert!(!body.contains("{{"), "{}: {body}", email.subject);
                assert!(body.contains("Ada"), "{}: {body}", email.subject);
            }
        }
    }

    #[test]
    fn links_use_the_site_url() {
        let settings = Settings {
            public_url: Some("https://api.magazine.example".into()),
            site_url: Some("https://magazine.example".into()),
            ..Settings::default()
        };
        let email = password_reset(&settings, "Ada", "a@x.example", "T0k", 30);
        assert!(
            email
                .text
                .contains("https://magazine.example/reset-password?token=T0k")
        );
        assert!(email.text.contains("30 minutes"));
        let email = verify_email(&settings, "Ada", "a@x.example", "T0k", 48);
        assert!(
            email
                .html
                .contains(r#"href="https://magazine.example/verify-email?token=T0k""#)
        );
    }

    #[test]
    fn a_name_cannot_inject_html() {
        let email = password_changed("<b>Eve</b>", "eve@example.com");
        assert!(email.html.contains("&lt;b&gt;Eve&lt;/b&gt;"));
        assert!(!email.html.contains("<b>Eve"));
        assert!(email.text.contains("<b>Eve</b>"));
    }
}
