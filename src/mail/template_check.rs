//! The start-up check of one template: it uses only its message's
//! placeholders, shows every required one, and renders with the samples.
//! What it refuses is listed in docs/operations/emails.md.

use super::catalog::{Message, Placeholder, Sample};
use super::templates::{Part, file_name};
use anyhow::{Context, bail};
use minijinja::Environment;
use minijinja::value::Value;
use std::collections::BTreeMap;

/// Checks one template: it uses only the message's placeholders, shows
/// every required one, and renders with the samples.
pub(super) fn check(env: &Environment<'_>, message: Message, part: Part) -> anyhow::Result<()> {
    let template = env.get_template(&file_name(message, part))?;
    let used = template.undeclared_variables(false);
    let placeholders = message.placeholders();
    let known = |name: &str| placeholders.iter().any(|p| p.name == name);
    let globals: Vec<_> = env.globals().map(|(name, _)| name.to_owned()).collect();
    let mut unknown: Vec<_> = used
        .iter()
        .filter(|name| !known(name) && !globals.contains(name))
        .collect();
    unknown.sort();
    if let Some(first) = unknown.first() {
        bail!(
            "uses the unknown placeholder `{first}`; {}'s placeholders are: {}",
            message.name(),
            names(placeholders)
        );
    }
    if let Some(missing) = placeholders
        .iter()
        .find(|p| p.required && !used.contains(p.name))
    {
        bail!(
            "leaves out the required placeholder `{}` (write it as {{{{ {} }}}})",
            missing.name,
            missing.name
        );
    }
    template
        .render(samples(placeholders))
        .context("fails when rendered with sample values")?;
    Ok(())
}

fn names(placeholders: &[Placeholder]) -> String {
    placeholders
        .iter()
        .map(|p| {
            if p.required {
                format!("{} (required)", p.name)
            } else {
                p.name.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The sample values of `placeholders`, as a template context.
fn samples(placeholders: &[Placeholder]) -> Value {
    let values: BTreeMap<String, Value> = placeholders
        .iter()
        .map(|p| {
            let value = match p.sample {
                Sample::Text(text) | Sample::MaybeEmpty(text) => Value::from(text),
                Sample::Flag(flag) => Value::from(flag),
            };
            (p.name.to_owned(), value)
        })
        .collect();
    Value::from(values)
}
