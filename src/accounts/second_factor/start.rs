//! Starting an enrolment: a new secret, shown once, to put in an app.

use super::staff_only;
use crate::accounts::Accounts;
use crate::auth::totp::TotpSecret;
use crate::db::{self, readers::ReaderRow};
use crate::error::ApiError;

/// What the staff member types or scans into their authenticator app.
#[derive(Debug)]
pub struct Enrolment {
    /// The base32 secret.
    pub secret: String,
    /// The `otpauth://` address (for a QR code).
    pub otpauth_uri: String,
}

/// Starts (or starts again) `account`'s enrolment. Refused once a factor is
/// confirmed: an admin resets it first (a lost phone), so a stolen session
/// cannot quietly swap the factor.
pub async fn start_enrolment(
    accounts: &Accounts<'_>,
    account: &ReaderRow,
) -> Result<Enrolment, ApiError> {
    staff_only(account.role())?;
    let member = account.reader_id();
    let secret = TotpSecret::generate();
    let stored = secret.as_base32().to_owned();
    let started = accounts
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            db::write_transaction(conn, |conn| {
                db::second_factors::start(conn, &member, &stored, now)
            })
            .map_err(ApiError::from)
        })
        .await?;
    if !started {
        return Err(ApiError::conflict(
            "second_factor_already_enrolled",
            "a second factor is already enrolled; an admin can reset it",
        ));
    }
    let issuer = issuer(&accounts.settings.site_url());
    Ok(Enrolment {
        otpauth_uri: secret.otpauth_uri(&issuer, &account.email),
        secret: secret.as_base32().to_owned(),
    })
}

/// The name the app lists the account under: the site's host.
fn issuer(site_url: &str) -> String {
    let host = site_url
        .split_once("://")
        .map_or(site_url, |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    if host.is_empty() {
        "Masthead".to_owned()
    } else {
        host.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::issuer;

    #[test]
    fn the_issuer_is_the_sites_host() {
        assert_eq!(
            issuer("https://www.magazine.example/"),
            "www.magazine.example"
        );
        assert_eq!(issuer("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(issuer(""), "Masthead");
    }
}
