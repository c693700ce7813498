//! The names of the `MASTHEAD_*` environment variables, derived from
//! [`Settings`] itself: figment's `Env::prefixed("MASTHEAD_")` maps
//! `MASTHEAD_GRACE_DAYS` to the field `grace_days`, so the variables are
//! exactly the field names serde knows, upper-cased behind the prefix. The
//! field names are read from the derived `Deserialize` (the list it hands
//! to `deserialize_struct`), so a field added to `Settings` is a variable
//! here with nothing kept by hand.

use super::Settings;
use serde::Deserialize;
use serde::de::{self, Visitor};
use std::fmt;

/// Every environment variable `Settings` reads, in field order.
pub fn environment_variables() -> Vec<String> {
    let mut recorder = FieldNames(None);
    // The recorder refuses to produce a value once it has the names.
    let _ = Settings::deserialize(&mut recorder);
    recorder
        .0
        .expect("Settings deserialises as a struct")
        .iter()
        .map(|field| format!("MASTHEAD_{}", field.to_ascii_uppercase()))
        .collect()
}

/// A deserializer that only records the field names of the struct asked for.
struct FieldNames(Option<&'static [&'static str]>);

#[derive(Debug)]
struct Recorded;

impl fmt::Display for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field names recorded")
    }
}

impl std::error::Error for Recorded {}

impl de::Error for Recorded {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Self
    }
}

impl<'de> de::Deserializer<'de> for &mut FieldNames {
    type Error = Recorded;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Recorded> {
        Err(Recorded)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Recorded> {
        self.0 = Some(fields);
        Err(Recorded)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::environment_variables;
    use std::collections::BTreeSet;

    /// The variables `docs/configuration.md` documents: every
    /// `MASTHEAD_*` name in the first cell of a table row.
    fn documented() -> BTreeSet<String> {
        let text = include_str!("../../docs/configuration.md");
        text.lines()
            .filter_map(|line| line.strip_prefix('|'))
            .filter_map(|row| row.split('|').next())
            .flat_map(|cell| {
                cell.split('`')
                    .filter(|word| word.starts_with("MASTHEAD_"))
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn variables_follow_the_settings_fields() {
        let variables = environment_variables();
        assert_eq!(variables[0], "MASTHEAD_BIND");
        assert!(variables.contains(&"MASTHEAD_GRACE_DAYS".to_owned()));
        assert!(variables.len() > 30, "{variables:?}");
    }

    /// Every setting is documented in docs/configuration.md, and nothing
    /// documented there is a setting the service does not read.
    #[test]
    fn every_setting_is_documented_and_every_documented_one_exists() {
        let code: BTreeSet<String> = environment_variables().into_iter().collect();
        let documented = documented();
        let undocumented: Vec<_> = code.difference(&documented).collect();
        let unknown: Vec<_> = documented.difference(&code).collect();
        assert!(
            undocumented.is_empty(),
            "settings missing from docs/configuration.md: {undocumented:?}"
        );
        assert!(
            unknown.is_empty(),
            "docs/configuration.md documents settings that do not exist: {unknown:?}"
        );
    }
}
