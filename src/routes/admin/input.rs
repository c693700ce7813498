//! Request fields that report their own problems. Every field of an
//! editor's request decodes into an [`Input`], so a wrong JSON type on one
//! field is a field error beside the others (one 422 listing them all)
//! rather than a failure of the whole body; and a PATCH can tell a field
//! left out from a field set to `null`.

pub use crate::domain::Change;
use crate::domain::FieldError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// One field of a request body as sent.
#[derive(Debug, Default)]
pub enum Input<T> {
    /// Not in the body (use `#[serde(default)]`).
    #[default]
    Absent,
    /// Sent as `null`.
    Null,
    /// Sent with a value of the right JSON type.
    Given(T),
    /// Sent with a value of the wrong JSON type; says why.
    Invalid(String),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Input<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::Null => Self::Null,
            value => serde_json::from_value(value)
                .map_or_else(|e| Self::Invalid(e.to_string()), Self::Given),
        })
    }
}

fn required_error() -> FieldError {
    FieldError::new("required", "this field is required")
}

impl<T> Input<T> {
    /// A field that must be given; `parse` checks its value.
    pub fn required<U>(
        self,
        parse: impl FnOnce(T) -> Result<U, FieldError>,
    ) -> Result<U, FieldError> {
        match self {
            Self::Absent | Self::Null => Err(required_error()),
            Self::Given(value) => parse(value),
            Self::Invalid(why) => Err(FieldError::new("invalid_type", why)),
        }
    }

    /// A field that may be left out or `null`.
    pub fn optional<U>(
        self,
        parse: impl FnOnce(T) -> Result<U, FieldError>,
    ) -> Result<Option<U>, FieldError> {
        match self {
            Self::Absent | Self::Null => Ok(None),
            other => other.required(parse).map(Some),
        }
    }

    /// A PATCH of a field that cannot be cleared: left out keeps it,
    /// `null` is refused.
    pub fn change<U>(
        self,
        parse: impl FnOnce(T) -> Result<U, FieldError>,
    ) -> Result<Option<U>, FieldError> {
        match self {
            Self::Absent => Ok(None),
            Self::Null => Err(FieldError::new(
                "required",
                "this field cannot be null; leave it out to keep it",
            )),
            other => other.required(parse).map(Some),
        }
    }

    /// A PATCH of a field that can be cleared with `null`.
    pub fn nullable_change<U>(
        self,
        parse: impl FnOnce(T) -> Result<U, FieldError>,
    ) -> Result<Change<U>, FieldError> {
        match self {
            Self::Absent => Ok(Change::Keep),
            Self::Null => Ok(Change::Clear),
            other => other.required(parse).map(Change::Set),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Body {
        #[serde(default)]
        number: Input<i64>,
    }

    fn number(json: &str) -> Input<i64> {
        serde_json::from_str::<Body>(json).unwrap().number
    }

    #[test]
    fn tells_absent_null_given_and_invalid_apart() {
        assert!(matches!(number("{}"), Input::Absent));
        assert!(matches!(number(r#"{"number": null}"#), Input::Null));
        assert!(matches!(number(r#"{"number": 7}"#), Input::Given(7)));
        assert!(matches!(number(r#"{"number": "7"}"#), Input::Invalid(_)));
    }

    #[test]
    fn required_optional_and_changes() {
        let ok = |n: i64| Ok::<_, FieldError>(n);
        assert_eq!(number("{}").required(ok).unwrap_err().code, "required");
        assert_eq!(
            number(r#"{"number": []}"#).optional(ok).unwrap_err().code,
            "invalid_type"
        );
        assert_eq!(number(r#"{"number": null}"#).optional(ok).unwrap(), None);
        assert_eq!(number("{}").change(ok).unwrap(), None);
        assert_eq!(
            number(r#"{"number": null}"#).change(ok).unwrap_err().code,
            "required"
        );
        let cleared = number(r#"{"number": null}"#).nullable_change(ok).unwrap();
        assert_eq!(cleared.into_column(|n| n), Some(None));
        let set = number(r#"{"number": 3}"#).nullable_change(ok).unwrap();
        assert_eq!(set.into_column(|n| n + 1), Some(Some(4)));
    }
}
