//! Outgoing email: verification links, password resets, notices.
//!
//! Two transports. SMTP (`MASTHEAD_SMTP_URL`, through lettre) for real
//! readers; the outbox (the default, for development and tests) writes each
//! message as a file under `<data dir>/outbox/` (see [`outbox`]).
//! Production refuses to start on the outbox.
//!
//! Sending never fails a request and never holds it up: an SMTP message is
//! handed to a background task bounded by `MASTHEAD_SMTP_TIMEOUT_SECONDS`,
//! and a failure is logged. So a reset request answers the same, and in
//! the same time, whether the mail server is fast, slow or down.

pub mod messages;
pub mod outbox;
mod template;

use crate::settings::Settings;
use anyhow::Context;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use std::path::PathBuf;
use std::time::Duration;

/// One message: a plain-text and an HTML rendering of the same content.
#[derive(Debug, Clone)]
pub struct Email {
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
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

    /// Sends `email` without making the caller wait for a mail server;
    /// failures are logged, never returned.
    pub fn send(&self, email: Email) {
        let to = match email.to.parse::<Mailbox>() {
            Ok(to) => to,
            Err(error) => {
                tracing::error!(%error, subject = %email.subject, "cannot send: the recipient is not a mailbox");
                return;
            }
        };
        match &self.transport {
            Transport::Outbox(dir) => match outbox::write(dir, &self.from.to_string(), &email) {
                Ok(path) => tracing::info!(
                    to = %email.to,
                    subject = %email.subject,
                    path = %path.display(),
                    "email written to the outbox"
                ),
                Err(error) => {
                    tracing::error!(%error, to = %email.to, "cannot write an email to the outbox");
                }
            },
            Transport::Smtp(transport) => {
                let message = match self.message(to, &email) {
                    Ok(message) => message,
                    Err(error) => {
                        tracing::error!(%error, subject = %email.subject, "cannot build an email");
                        return;
                    }
                };
                let transport = transport.clone();
                let timeout = self.timeout;
                let subject = email.subject;
                tokio::spawn(async move {
                    match tokio::time::timeout(timeout, transport.send(message)).await {
                        Ok(Ok(_)) => tracing::info!(%subject, "email sent"),
                        Ok(Err(error)) => {
                            tracing::error!(%error, %subject, "the SMTP server refused an email");
                        }
                        Err(_) => tracing::error!(
                            %subject,
                            seconds = timeout.as_secs(),
                            "sending an email timed out"
                        ),
                    }
                });
            }
        }
    }

    fn message(&self, to: Mailbox, email: &Email) -> Result<Message, lettre::error::Error> {
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
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

    #[test]
    fn the_outbox_is_the_default_and_holds_readable_json() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::from_settings(&settings(dir.path())).unwrap();
        assert!(mailer.uses_outbox());
        mailer.send(messages::password_changed("Ada <3", "ada@example.com"));
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
        let email = messages::password_changed("Ada", "ada@example.com");
        let message = mailer
            .message("ada@example.com".parse().unwrap(), &email)
            .unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain"));
        assert!(raw.contains("text/html"));
    }
}
