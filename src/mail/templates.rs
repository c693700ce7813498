//! The mail templates in effect: the built-in ones (`templates/mail/`,
//! compiled into the binary), each replaceable at start by a file of the
//! same name in `MASTHEAD_TEMPLATES_DIR`. Templates are Jinja (minijinja:
//! `{{ name }}`, `{% if renews %}`, filters such as `upper`); why this
//! engine: docs/decisions.md, "Mail templates".
//!
//! Everything a template can get wrong is found at start, so a magazine's
//! typo refuses to start with the file and the placeholder named instead
//! of sending broken mail: a file that names no message, a syntax error,
//! a placeholder the message does not have, a required one left out, and
//! anything that fails when rendered with sample values. Values are
//! HTML-escaped in `.html` parts ([`super::html_escape`]) and written as
//! they are in `.txt` parts.

use super::catalog::Message;
use super::html_escape::push_html_escaped;
use super::template_check;
use anyhow::{Context, bail};
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use std::path::Path;

/// One of a message's two templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The plain-text part (`<name>.txt`): values as they are.
    Text,
    /// The HTML part (`<name>.html`): values HTML-escaped.
    Html,
}

impl Part {
    /// Both parts.
    pub const BOTH: [Self; 2] = [Self::Text, Self::Html];

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Text => "txt",
            Self::Html => "html",
        }
    }

    fn of(file_name: &str) -> Option<(&str, Self)> {
        let (stem, extension) = file_name.rsplit_once('.')?;
        Self::BOTH
            .into_iter()
            .find(|part| part.extension() == extension)
            .map(|part| (stem, part))
    }
}

/// The template source compiled into the binary.
fn builtin(message: Message, part: Part) -> &'static str {
    macro_rules! pair {
        ($name:literal) => {
            match part {
                Part::Text => include_str!(concat!("../../templates/mail/", $name, ".txt")),
                Part::Html => include_str!(concat!("../../templates/mail/", $name, ".html")),
            }
        };
    }
    match message {
        Message::VerifyEmail => pair!("verify_email"),
        Message::EmailChange => pair!("email_change"),
        Message::EmailChangeNotice => pair!("email_change_notice"),
        Message::PasswordReset => pair!("password_reset"),
        Message::PasswordChanged => pair!("password_changed"),
        Message::Welcome => pair!("welcome"),
        Message::PaymentReceipt => pair!("payment_receipt"),
        Message::PaymentFailed => pair!("payment_failed"),
        Message::SubscriptionCanceled => pair!("subscription_canceled"),
        Message::RefundConfirmed => pair!("refund_confirmed"),
        Message::RefundRequestReceived => pair!("refund_request_received"),
        Message::RefundRequestApproved => pair!("refund_request_approved"),
        Message::RefundRequestDenied => pair!("refund_request_denied"),
        Message::RenewalReminder => pair!("renewal_reminder"),
        Message::TrialEnding => pair!("trial_ending"),
        Message::CompGranted => pair!("comp_granted"),
        Message::CompEnding => pair!("comp_ending"),
        Message::PrintAddressMissing => pair!("print_address_missing"),
        Message::PerkLaunched => pair!("perk_launched"),
        Message::PriceChange => pair!("price_change"),
        Message::GiftReceipt => pair!("gift_receipt"),
        Message::GiftDelivered => pair!("gift_delivered"),
        Message::GiftRefunded => pair!("gift_refunded"),
        Message::GiftCanceled => pair!("gift_canceled"),
        Message::GiftEnding => pair!("gift_ending"),
    }
}

/// The name a template is registered under: its file name, whose
/// extension chooses the escaping.
pub(super) fn file_name(message: Message, part: Part) -> String {
    format!("{}.{}", message.name(), part.extension())
}

/// The built-in copy's name, kept beside an override to fall back to.
fn builtin_name(message: Message, part: Part) -> String {
    format!("builtin/{}", file_name(message, part))
}

/// The checked templates, ready to render.
pub struct Templates {
    env: Environment<'static>,
    /// The file names replaced from `MASTHEAD_TEMPLATES_DIR`.
    overridden: Vec<String>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("overridden", &self.overridden)
            .finish_non_exhaustive()
    }
}

impl Templates {
    /// The built-in templates only.
    pub fn builtin() -> Self {
        Self::load(None).expect("the built-in mail templates pass their own check")
    }

    /// The built-in templates, each replaced by the file of the same name
    /// in `dir` when there is one; every template checked. The error names
    /// the file and what is wrong with it.
    pub fn load(dir: Option<&Path>) -> anyhow::Result<Self> {
        let mut env = environment();
        for message in Message::ALL {
            for part in Part::BOTH {
                let source = builtin(message, part);
                env.add_template_owned(builtin_name(message, part), source)
                    .with_context(|| {
                        format!("built-in mail template {}", file_name(message, part))
                    })?;
                env.add_template_owned(file_name(message, part), source)?;
            }
        }
        let overridden = match dir {
            Some(dir) => add_overrides(&mut env, dir)?,
            None => Vec::new(),
        };
        for message in Message::ALL {
            for part in Part::BOTH {
                let name = file_name(message, part);
                let origin = if overridden.contains(&name) {
                    dir.map_or_else(|| name.clone(), |d| d.join(&name).display().to_string())
                } else {
                    format!("built-in {name}")
                };
                template_check::check(&env, message, part)
                    .with_context(|| format!("mail template {origin}"))?;
            }
        }
        if !overridden.is_empty() {
            tracing::info!(
                ?overridden,
                "mail templates replaced from MASTHEAD_TEMPLATES_DIR"
            );
        }
        Ok(Self { env, overridden })
    }

    /// The file names replaced from the templates directory.
    pub fn overridden(&self) -> &[String] {
        &self.overridden
    }

    /// Renders `message`'s `part` with `values`. A replaced template was
    /// rendered with samples at start; should it still fail on real values
    /// (a filter that refuses one), the built-in template is used and the
    /// error logged, so the reader still gets the message.
    pub fn render(&self, message: Message, part: Part, values: &Value) -> String {
        let name = file_name(message, part);
        match render_named(&self.env, &name, values) {
            Ok(text) => text,
            Err(error) => {
                tracing::error!(template = %name, error = %error, "mail template failed; the built-in one is sent instead");
                render_named(&self.env, &builtin_name(message, part), values)
                    .unwrap_or_else(|error| panic!("built-in mail template {name}: {error}"))
            }
        }
    }
}

fn render_named(
    env: &Environment<'_>,
    name: &str,
    values: &Value,
) -> Result<String, minijinja::Error> {
    env.get_template(name)?.render(values)
}

/// The engine as every template runs in it: an undefined value is an
/// error (never a silent blank), `.html` names escape values, and the
/// escaping is ours (`/` stays readable in links).
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_formatter(|out, state, value| {
        if value.is_safe() || *state.auto_escape() != AutoEscape::Html {
            return minijinja::escape_formatter(out, state, value);
        }
        let mut escaped = String::new();
        push_html_escaped(&mut escaped, &value.to_string());
        out.write_str(&escaped).map_err(minijinja::Error::from)
    });
    env
}

/// Adds every `<message>.txt` and `<message>.html` of `dir` in place of
/// the built-in one; refuses a `.txt` or `.html` file that names no
/// message (a typo would otherwise be ignored). Other files (a README)
/// are left alone.
fn add_overrides(env: &mut Environment<'static>, dir: &Path) -> anyhow::Result<Vec<String>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("MASTHEAD_TEMPLATES_DIR {} cannot be read", dir.display()))?;
    let mut overridden = Vec::new();
    for entry in entries {
        let path = entry?.path();
        let Some(file) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        let Some((stem, part)) = Part::of(file) else {
            continue;
        };
        let Some(message) = Message::named(stem) else {
            let known: Vec<_> = Message::ALL.iter().map(|m| m.name()).collect();
            bail!(
                "mail template {} names no message; the messages are: {}",
                path.display(),
                known.join(", ")
            );
        };
        let source = std::fs::read_to_string(&path)
            .with_context(|| format!("mail template {} cannot be read as UTF-8", path.display()))?;
        env.add_template_owned(file_name(message, part), source)
            .with_context(|| format!("mail template {}", path.display()))?;
        overridden.push(file.to_owned());
    }
    overridden.sort();
    Ok(overridden)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    fn refusal(files: &[(&str, &str)]) -> String {
        let dir = dir_with(files);
        format!("{:#}", Templates::load(Some(dir.path())).unwrap_err())
    }

    fn context(pairs: &[(&str, &str)]) -> Value {
        let map: BTreeMap<String, Value> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
            .collect();
        Value::from(map)
    }

    #[test]
    fn the_builtin_templates_pass_the_check() {
        let templates = Templates::builtin();
        assert!(templates.overridden().is_empty());
    }

    #[test]
    fn a_file_replaces_the_builtin_template_of_its_name() {
        let dir = dir_with(&[
            ("welcome.txt", "Welcome aboard, {{ name | upper }}!"),
            ("README.md", "not a template"),
        ]);
        let templates = Templates::load(Some(dir.path())).unwrap();
        assert_eq!(templates.overridden(), ["welcome.txt"]);
        let values = context(&[
            ("name", "Ada"),
            ("email", ""),
            ("site_link", ""),
            ("account_link", ""),
        ]);
        assert_eq!(
            templates.render(Message::Welcome, Part::Text, &values),
            "Welcome aboard, ADA!"
        );
        // The other part, and every other message, stay built in.
        assert!(
            templates
                .render(Message::Welcome, Part::Html, &values)
                .contains("Ada")
        );
    }

    #[test]
    fn an_unknown_placeholder_refuses_naming_the_file() {
        let message = refusal(&[(
            "payment_receipt.html",
            "{{ amount }} {{ receipt_number }} {{ period }} {{ amout }}",
        )]);
        assert!(message.contains("payment_receipt.html"), "{message}");
        assert!(message.contains("unknown placeholder `amout`"), "{message}");
        assert!(message.contains("amount (required)"), "{message}");
    }

    #[test]
    fn a_missing_required_placeholder_refuses() {
        let message = refusal(&[("password_reset.txt", "Hello {{ name }}, no link here.")]);
        assert!(message.contains("password_reset.txt"), "{message}");
        assert!(message.contains("required placeholder `link`"), "{message}");
    }

    #[test]
    fn a_file_naming_no_message_refuses() {
        let message = refusal(&[("welcom.txt", "Hi")]);
        assert!(message.contains("welcom.txt"), "{message}");
        assert!(message.contains("names no message"), "{message}");
    }

    #[test]
    fn syntax_and_render_errors_refuse() {
        let syntax = refusal(&[("welcome.txt", "{% if name %}unclosed")]);
        assert!(syntax.contains("welcome.txt"), "{syntax}");
        let nested = refusal(&[("welcome.txt", "{{ name.first }}")]);
        assert!(nested.contains("sample values"), "{nested}");
    }

    #[test]
    fn a_missing_directory_refuses() {
        let error = Templates::load(Some(Path::new("/nonexistent/templates"))).unwrap_err();
        assert!(format!("{error:#}").contains("/nonexistent/templates"));
    }

    #[test]
    fn html_parts_escape_values_and_text_parts_do_not() {
        let dir = dir_with(&[
            ("welcome.txt", "{{ name }}"),
            (
                "welcome.html",
                r#"<p>{{ name }}</p><a href="{{ site_link }}">"#,
            ),
        ]);
        let templates = Templates::load(Some(dir.path())).unwrap();
        let values = context(&[
            ("name", "<script>alert('x')</script>"),
            ("email", ""),
            ("site_link", r#"https://x.example/?a=1&b="><img>"#),
            ("account_link", ""),
        ]);
        assert_eq!(
            templates.render(Message::Welcome, Part::Html, &values),
            r#"<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p><a href="https://x.example/?a=1&amp;b=&quot;&gt;&lt;img&gt;">"#
        );
        assert_eq!(
            templates.render(Message::Welcome, Part::Text, &values),
            "<script>alert('x')</script>"
        );
    }
}
