//! What the service writes to readers with: the checked templates in
//! effect and the settings its links and rules come from. Built once at
//! start ([`Letters::from_settings`], which refuses a broken template) and
//! shared; the message builders in [`super::messages`] fill one message's
//! placeholders and get back an [`Email`] to queue.

use super::Email;
use super::catalog::Message;
use super::templates::{Part, Templates};
use crate::settings::Settings;
use crate::site_url::SitePage;
use minijinja::value::Value;
use std::collections::BTreeMap;

/// The templates and the settings the messages are written with.
#[derive(Debug)]
pub struct Letters {
    templates: Templates,
    settings: Settings,
}

/// The values of one message's placeholders.
#[derive(Debug, Default)]
pub struct Values(BTreeMap<&'static str, Value>);

impl Values {
    /// `name` shows `value`.
    #[must_use]
    pub fn text(mut self, name: &'static str, value: impl AsRef<str>) -> Self {
        self.0.insert(name, Value::from(value.as_ref()));
        self
    }

    /// `name` is `value`, for `{% if name %}`.
    #[must_use]
    pub fn flag(mut self, name: &'static str, value: bool) -> Self {
        self.0.insert(name, Value::from(value));
        self
    }
}

impl Letters {
    /// The templates `MASTHEAD_TEMPLATES_DIR` makes (the built-in ones
    /// without it), checked; an error names the file and the problem.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let templates = Templates::load(settings.templates_dir.as_deref())?;
        Ok(Self::new(templates, settings.clone()))
    }

    /// Writes with `templates`, linking as `settings` say.
    pub fn new(templates: Templates, settings: Settings) -> Self {
        Self {
            templates,
            settings,
        }
    }

    /// The settings the messages follow (the guarantee's length, links).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The absolute URL of a page of the site.
    pub fn link(&self, page: SitePage, query: &[(&str, &str)]) -> String {
        page.url(&self.settings, query)
    }

    /// `message` to `to` under `subject`, both parts rendered with
    /// `values`. Every placeholder of the message gets a value (the tests
    /// beside each builder check it gives exactly the message's); one left
    /// out would be shown empty rather than fail the change that sends it.
    pub fn write(&self, message: Message, to: &str, subject: &str, values: Values) -> Email {
        let mut values = values.0;
        debug_assert_eq!(
            values.keys().copied().collect::<Vec<_>>(),
            {
                let mut names: Vec<_> = message.placeholders().iter().map(|p| p.name).collect();
                names.sort_unstable();
                names
            },
            "the values of {message:?}"
        );
        for placeholder in message.placeholders() {
            values.entry(placeholder.name).or_insert_with(|| {
                tracing::error!(
                    message = message.name(),
                    placeholder = placeholder.name,
                    "mail placeholder without a value; shown empty"
                );
                Value::from("")
            });
        }
        let context: BTreeMap<String, Value> = values
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        let context = Value::from(context);
        Email {
            to: to.to_owned(),
            subject: subject.to_owned(),
            text: self.templates.render(message, Part::Text, &context),
            html: self.templates.render(message, Part::Html, &context),
            headers: BTreeMap::new(),
        }
    }
}
