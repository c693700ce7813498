//! Optional mail: product news a reader may leave in one click. Each
//! message here carries `List-Unsubscribe` and `List-Unsubscribe-Post`
//! (RFC 2369, RFC 8058) pointing at `POST /v1/email/unsubscribe`, and a
//! footer link to the site's unsubscribe page for people.

use super::To;
use crate::domain::Perk;
use crate::mail::Email;
use crate::mail::catalog::Message;
use crate::mail::letters::{Letters, Values};
use crate::site_url::SitePage;

/// The path of the one-click endpoint, under the public URL.
pub const ONE_CLICK_PATH: &str = "/v1/email/unsubscribe";

/// A perk of the reader's tier that went live.
#[derive(Debug, Clone, Copy)]
pub struct PerkLaunch<'a> {
    /// The subscriber.
    pub to: To<'a>,
    /// The tier's name.
    pub plan: &'a str,
    /// The perk now delivered.
    pub perk: Perk,
    /// The reader's unsubscribe token for product updates
    /// (`crate::auth::UnsubscribeTokens`).
    pub unsubscribe_token: &'a str,
}

/// The one-click URI of `token`: what `List-Unsubscribe` names and a mail
/// client POSTs `List-Unsubscribe=One-Click` to (an HTTPS URI in
/// production, where the public URL must be `https://`).
pub fn one_click_url(letters: &Letters, token: &str) -> String {
    format!(
        "{}{ONE_CLICK_PATH}?token={token}",
        letters.settings().public_url()
    )
}

/// "Ad-free is here": the perk is live on the reader's tier.
pub fn perk_launched(letters: &Letters, launch: &PerkLaunch<'_>) -> Email {
    let headline = format!("{} is here", launch.perk.label());
    let values = Values::default()
        .text("name", launch.to.name)
        .text("plan", launch.plan)
        .text("perk", launch.perk.description())
        .text("headline", &headline)
        .text("account_link", letters.link(SitePage::Account, &[]))
        .text(
            "unsubscribe_link",
            letters.link(
                SitePage::Unsubscribe,
                &[("token", launch.unsubscribe_token)],
            ),
        );
    letters
        .write(Message::PerkLaunched, launch.to.email, &headline, values)
        .with_one_click_unsubscribe(&one_click_url(letters, launch.unsubscribe_token))
}

#[cfg(test)]
mod tests {
    use super::super::test_letters::{ADA, letters};
    use super::*;

    #[test]
    fn a_launch_names_the_perk_and_offers_one_click_unsubscribe() {
        let email = perk_launched(
            &letters(),
            &PerkLaunch {
                to: ADA,
                plan: "Digital",
                perk: Perk::AdFree,
                unsubscribe_token: "T0k",
            },
        );
        assert_eq!(email.subject, "Ad-free is here");
        for body in [&email.text, &email.html] {
            assert!(body.contains("Ad-free reading"), "{body}");
            assert!(
                body.contains("https://magazine.example/unsubscribe?token=T0k"),
                "{body}"
            );
        }
        assert_eq!(
            email.headers["List-Unsubscribe"],
            "<https://api.magazine.example/v1/email/unsubscribe?token=T0k>"
        );
        assert_eq!(
            email.headers["List-Unsubscribe-Post"],
            "List-Unsubscribe=One-Click"
        );
    }

    #[test]
    fn transactional_messages_carry_no_unsubscribe() {
        let email = crate::mail::messages::welcome(&letters(), ADA);
        assert!(email.headers.is_empty());
        assert!(!email.text.contains("nsubscribe"));
    }
}
