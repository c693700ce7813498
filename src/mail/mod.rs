//! Outgoing email: the account's links and notices, and the lifecycle
//! emails of a subscription (receipts, failed payments, cancellations,
//! refunds).
//!
//! What a message says comes from its templates ([`templates`]: built in,
//! or a magazine's own from `MASTHEAD_TEMPLATES_DIR`, checked at start),
//! filled by its builder in [`messages`] through [`Letters`]; the list of
//! messages and their placeholders is [`catalog`].
//!
//! Two transports. SMTP (`MASTHEAD_SMTP_URL`, through lettre) for real
//! readers; the outbox (the default, for development and tests) writes each
//! message as a file under `<data dir>/outbox/` (see [`outbox`]).
//! Production refuses to start on the outbox.
//!
//! Sending never fails a request and never holds it up: a request calls
//! `jobs::queue_email` inside its own transaction, so the message is a
//! `send_email` job committed with the change (the queue is above this
//! module: it imports the mailer, not the other way); a worker delivers
//! it, each attempt bounded by `MASTHEAD_SMTP_TIMEOUT_SECONDS`, retrying
//! with backoff while the mail server is down. So a reset request answers
//! the same, and in the same time, whether the mail server is fast, slow
//! or down, and the message still arrives once the server is back.

pub mod catalog;
pub mod format;
mod html_escape;
pub mod letters;
pub mod messages;
pub mod outbox;
mod template_check;
pub mod templates;

pub use catalog::Message;
pub use letters::Letters;

use crate::settings::Settings;
use anyhow::Context;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// One message: a plain-text and an HTML rendering of the same content.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Email {
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
    /// Header fields beyond From, To, Subject and Message-ID, by name
    /// (`List-Unsubscribe`). Carried through the queue's JSON payload; a
    /// payload queued before this field existed reads as none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

/// RFC 2369's header naming where to unsubscribe.
pub const LIST_UNSUBSCRIBE: &str = "List-Unsubscribe";
/// RFC 8058's header saying a POST to that URI unsubscribes in one click.
pub const LIST_UNSUBSCRIBE_POST: &str = "List-Unsubscribe-Post";

impl Email {
    /// Marks an optional message as one the reader can leave in one click:
    /// `List-Unsubscribe: <url>` (RFC 2369 §3.2) and
    /// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058 §3.1),
    /// so mail clients show an unsubscribe button that POSTs to `url`.
    /// Transactional messages never carry these.
    #[must_use]
    pub fn with_one_click_unsubscribe(mut self, url: &str) -> Self {
        self.headers
            .insert(LIST_UNSUBSCRIBE.to_owned(), format!("<{url}>"));
        self.headers.insert(
            LIST_UNSUBSCRIBE_POST.to_owned(),
            "List-Unsubscribe=One-Click".to_owned(),
        );
        self
    }
}

enum Transport {
    Outbox(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// Sends the service's emails through the configured transport.
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
    timeout: Duration,
}

/// The sender used when `MASTHEAD_MAIL_FROM` is not set (development).
pub const DEVELOPMENT_FROM: &str = "Masthead <no-reply@masthead.localhost>";

impl Mailer {
    /// SMTP when `MASTHEAD_SMTP_URL` is set, else the outbox in the data
    /// directory (created here).
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let from = settings
            .mail_from
            .as_deref()
            .unwrap_or(DEVELOPMENT_FROM)
            .parse::<Mailbox>()
            .context("MASTHEAD_MAIL_FROM is not an email address (e.g. `Masthead <no-reply@magazine.example>`)")?;
        let timeout = Duration::from_secs(settings.smtp_timeout_seconds);
        let transport = if let Some(url) = &settings.smtp_url {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                .context(
                    "MASTHEAD_SMTP_URL is not a valid SMTP URL (e.g. smtps://user:pass@host:465)",
                )?
                .timeout(Some(timeout))
                .build();
            Transport::Smtp(transport)
        } else {
            let dir = settings.outbox_dir();
            crate::private_files::create_private_dir(&dir)
                .with_context(|| format!("cannot create the outbox {}", dir.display()))?;
            Transport::Outbox(dir)
        };
        Ok(Self {
            from,
            transport,
            timeout,
        })
    }

    /// Delivers `email` as the message with id `id` (the job's), and
    /// returns its `Message-ID`. The outbox writes a given id once; SMTP
    /// sends with `Message-ID: <id@sender's domain>`, so a message sent
    /// twice (a worker killed before settling) is recognisably one. An
    /// error is worth retrying (the server refused, timed out, or is down).
    /// `retried`: an earlier attempt may have delivered it.
    pub async fn deliver(&self, email: &Email, id: &str, retried: bool) -> Result<String, String> {
        let to = email
            .to
            .parse::<Mailbox>()
            .map_err(|error| format!("the recipient is not a mailbox: {error}"))?;
        let message_id = format!("<{id}@{}>", self.from.email.domain());
        match &self.transport {
            Transport::Outbox(dir) => {
                outbox::write_once(dir, &self.from.to_string(), email, id, retried)
                    .map_err(|error| format!("cannot write to the outbox: {error}"))?;
                Ok(message_id)
            }
            Transport::Smtp(transport) => {
                let message = self
                    .message(to, email, Some(message_id.clone()))
                    .map_err(|error| format!("cannot build the email: {error}"))?;
                match tokio::time::timeout(self.timeout, transport.send(message)).await {
                    Ok(Ok(response)) => {
                        let reply = response.message().collect::<Vec<_>>().join(" ");
                        tracing::info!(subject = %email.subject, %message_id, %reply, "email sent");
                        Ok(message_id)
                    }
                    Ok(Err(error)) => Err(format!("the SMTP server refused the email: {error}")),
                    Err(_) => Err(format!(
                        "sending the email timed out after {} s",
                        self.timeout.as_secs()
                    )),
                }
            }
        }
    }

    fn message(
        &self,
        to: Mailbox,
        email: &Email,
        message_id: Option<String>,
    ) -> Result<lettre::Message, String> {
        let mut builder = lettre::Message::builder().message_id(message_id);
        for (name, value) in &email.headers {
            if value.contains(['\r', '\n']) {
                return Err(format!("the {name} header holds a line break"));
            }
            let name = HeaderName::new_from_ascii(name.clone())
                .map_err(|error| format!("{name} is not a header name: {error}"))?;
            builder = builder.raw_header(HeaderValue::new(name, value.clone()));
        }
        builder
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
            .map_err(|error| error.to_string())
    }

    /// Whether messages go to the outbox (development and tests).
    pub fn uses_outbox(&self) -> bool {
        matches!(self.transport, Transport::Outbox(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dir: &std::path::Path) -> Settings {
        Settings {
            data_dir: dir.to_path_buf(),
            ..Settings::default()
        }
    }

    #[tokio::test]
    async fn the_outbox_is_the_default_and_holds_readable_json() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::from_settings(&settings(dir.path())).unwrap();
        assert!(mailer.uses_outbox());
        let letters = messages::test_letters::letters();
        let email = messages::password_changed(&letters, "Ada <3", "ada@example.com");
        let id = uuid::Uuid::now_v7().to_string();
        let message_id = mailer.deliver(&email, &id, false).await.unwrap();
        assert_eq!(message_id, format!("<{id}@masthead.localhost>"));
        // A second delivery under the same id (a retried job) writes nothing.
        mailer.deliver(&email, &id, true).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path().join("outbox"))
            .unwrap()
            .flatten()
            .collect();
        assert_eq!(files.len(), 1);
        let message: serde_json::Value =
            serde_json::from_slice(&std::fs::read(files[0].path()).unwrap()).unwrap();
        assert_eq!(message["to"], "ada@example.com");
        assert_eq!(message["from"], DEVELOPMENT_FROM);
        assert_eq!(message["subject"], "Your password was changed");
        assert!(message["text"].as_str().unwrap().contains("Ada <3"));
        assert!(message["html"].as_str().unwrap().contains("Ada &lt;3"));
    }

    #[test]
    fn an_smtp_url_selects_smtp() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::from_settings(&Settings {
            smtp_url: Some("smtps://user:pass@smtp.magazine.example:465".into()),
            mail_from: Some("Masthead <no-reply@magazine.example>".into()),
            ..settings(dir.path())
        })
        .unwrap();
        assert!(!mailer.uses_outbox());
        assert!(!dir.path().join("outbox").exists());
    }

    #[test]
    fn bad_mail_settings_are_refused_at_start() {
        let dir = tempfile::tempdir().unwrap();
        let bad_from = Settings {
            mail_from: Some("not an address".into()),
            ..settings(dir.path())
        };
        assert!(Mailer::from_settings(&bad_from).is_err());
        let bad_url = Settings {
            smtp_url: Some("http://smtp.magazine.example".into()),
            ..settings(dir.path())
        };
        assert!(Mailer::from_settings(&bad_url).is_err());
    }

    #[test]
    fn the_message_is_multipart_alternative() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::from_settings(&settings(dir.path())).unwrap();
        let letters = messages::test_letters::letters();
        let email = messages::password_changed(&letters, "Ada", "ada@example.com");
        let message = mailer
            .message(
                "ada@example.com".parse().unwrap(),
                &email,
                Some("<j@masthead.localhost>".into()),
            )
            .unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain"));
        assert!(raw.contains("text/html"));
        assert!(raw.contains("Message-ID: <j@masthead.localhost>"));
        assert!(!raw.contains("List-Unsubscribe"));
    }

    /// RFC 8058 §3.1: the message carries both `List-Unsubscribe` (an
    /// HTTPS URI, RFC 2369 §3.2) and `List-Unsubscribe-Post:
    /// List-Unsubscribe=One-Click`; both reach the SMTP message.
    #[test]
    fn an_optional_message_carries_the_one_click_headers() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::from_settings(&settings(dir.path())).unwrap();
        let letters = messages::test_letters::letters();
        let email = messages::password_changed(&letters, "Ada", "ada@example.com")
            .with_one_click_unsubscribe(
                "https://api.magazine.example/v1/email/unsubscribe?token=t",
            );
        let message = mailer
            .message("ada@example.com".parse().unwrap(), &email, None)
            .unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(raw.contains(
            "List-Unsubscribe: <https://api.magazine.example/v1/email/unsubscribe?token=t>"
        ));
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    }

    #[test]
    fn a_payload_queued_before_headers_existed_still_reads() {
        let old = r#"{"to":"a@example.com","subject":"s","text":"t","html":"h"}"#;
        let email: Email = serde_json::from_str(old).unwrap();
        assert!(email.headers.is_empty());
        assert!(!serde_json::to_string(&email).unwrap().contains("headers"));
    }
}
