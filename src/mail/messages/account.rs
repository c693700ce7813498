//! The account's messages: confirming an address, moving it, resetting
//! the password, and the welcome once the address is confirmed.

use super::To;
use crate::mail::Email;
use crate::mail::catalog::Message;
use crate::mail::letters::{Letters, Values};
use crate::site_url::SitePage;

/// The link to the site's page that posts a verification token.
pub fn verify_link(letters: &Letters, token: &str) -> String {
    letters.link(SitePage::VerifyEmail, &[("token", token)])
}

/// The link to the site's page that asks for a new password.
pub fn reset_link(letters: &Letters, token: &str) -> String {
    letters.link(SitePage::ResetPassword, &[("token", token)])
}

/// Asks a new reader to confirm their address.
pub fn verify_email(letters: &Letters, name: &str, email: &str, token: &str, hours: i64) -> Email {
    let values = Values::default()
        .text("name", name)
        .text("email", email)
        .text("link", verify_link(letters, token))
        .text("hours", hours.to_string());
    letters.write(
        Message::VerifyEmail,
        email,
        "Confirm your email address",
        values,
    )
}

/// Asks a reader to confirm the new address their account should move to;
/// sent to that new address.
pub fn email_change(
    letters: &Letters,
    name: &str,
    new_email: &str,
    token: &str,
    hours: i64,
) -> Email {
    let values = Values::default()
        .text("name", name)
        .text("email", new_email)
        .text("link", verify_link(letters, token))
        .text("hours", hours.to_string());
    letters.write(
        Message::EmailChange,
        new_email,
        "Confirm your new email address",
        values,
    )
}

/// Tells the old address that a move to a new one was asked for, so a
/// hijacked session cannot quietly take the account away.
pub fn email_change_notice(
    letters: &Letters,
    name: &str,
    old_email: &str,
    new_email: &str,
) -> Email {
    let values = Values::default()
        .text("name", name)
        .text("old_email", old_email)
        .text("new_email", new_email);
    letters.write(
        Message::EmailChangeNotice,
        old_email,
        "Your email address is about to change",
        values,
    )
}

/// Sends a password-reset link.
pub fn password_reset(
    letters: &Letters,
    name: &str,
    email: &str,
    token: &str,
    minutes: i64,
) -> Email {
    let values = Values::default()
        .text("name", name)
        .text("email", email)
        .text("link", reset_link(letters, token))
        .text("minutes", minutes.to_string());
    letters.write(Message::PasswordReset, email, "Reset your password", values)
}

/// Tells the reader their password changed (after a reset).
pub fn password_changed(letters: &Letters, name: &str, email: &str) -> Email {
    let values = Values::default().text("name", name).text("email", email);
    letters.write(
        Message::PasswordChanged,
        email,
        "Your password was changed",
        values,
    )
}

/// Welcomes a reader whose address is now confirmed: where to read, and
/// where their account is.
pub fn welcome(letters: &Letters, to: To<'_>) -> Email {
    let site = crate::site_url::site_url(letters.settings(), "/");
    let values = Values::default()
        .text("name", to.name)
        .text("email", to.email)
        .text("site_link", site)
        .text("account_link", letters.link(SitePage::Account, &[]));
    letters.write(
        Message::Welcome,
        to.email,
        "Welcome to the magazine",
        values,
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_letters::letters;
    use super::*;

    fn every_message() -> Vec<Email> {
        let letters = letters();
        let ada = To {
            name: "Ada",
            email: "ada@example.com",
            zone: crate::domain::ReaderTimeZone::UTC,
        };
        vec![
            verify_email(&letters, "Ada", "ada@example.com", "tok", 48),
            email_change(&letters, "Ada", "new@example.com", "tok", 48),
            email_change_notice(&letters, "Ada", "ada@example.com", "new@example.com"),
            password_reset(&letters, "Ada", "ada@example.com", "tok", 30),
            password_changed(&letters, "Ada", "ada@example.com"),
            welcome(&letters, ada),
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
        let letters = letters();
        let email = password_reset(&letters, "Ada", "a@x.example", "T0k", 30);
        assert!(
            email
                .text
                .contains("https://magazine.example/reset-password?token=T0k")
        );
        assert!(email.text.contains("30 minutes"));
        let email = verify_email(&letters, "Ada", "a@x.example", "T0k", 48);
        assert!(
            email
                .html
                .contains(r#"href="https://magazine.example/verify-email?token=T0k""#)
        );
        let ada = To {
            name: "Ada",
            email: "a@x.example",
            zone: crate::domain::ReaderTimeZone::UTC,
        };
        let email = welcome(&letters, ada);
        assert!(email.text.contains("https://magazine.example/account"));
    }

    #[test]
    fn a_name_cannot_inject_html() {
        let email = password_changed(&letters(), "<b>Eve</b>", "eve@example.com");
        assert!(email.html.contains("&lt;b&gt;Eve&lt;/b&gt;"));
        assert!(!email.html.contains("<b>Eve"));
        assert!(email.text.contains("<b>Eve</b>"));
    }
}
