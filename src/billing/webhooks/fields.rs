//! Reading the fields of a Stripe object from plain JSON. Every reader
//! answers `None` for a field that is absent, null or of another type, so
//! malformed optional data never stops an event from being applied.

use chrono::{DateTime, NaiveDateTime};
use serde_json::Value;

/// The value at `path` (`["parent", "subscription_details", "metadata"]`).
pub fn at<'a>(object: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(object, |value, key| value.get(key))
}

/// A non-empty string at `path`.
pub fn text<'a>(object: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(object, path)?.as_str().filter(|text| !text.is_empty())
}

/// The id of an expandable field: the string itself, or the expanded
/// object's `id`.
pub fn id<'a>(object: &'a Value, path: &[&str]) -> Option<&'a str> {
    let value = at(object, path)?;
    value
        .as_str()
        .or_else(|| value.get("id")?.as_str())
        .filter(|id| !id.is_empty())
}

/// An integer at `path`.
pub fn int(object: &Value, path: &[&str]) -> Option<i64> {
    at(object, path)?.as_i64()
}

/// A boolean at `path`.
pub fn flag(object: &Value, path: &[&str]) -> Option<bool> {
    at(object, path)?.as_bool()
}

/// A Unix timestamp (seconds) at `path`, as UTC.
pub fn time(object: &Value, path: &[&str]) -> Option<NaiveDateTime> {
    let seconds = int(object, path)?;
    DateTime::from_timestamp(seconds, 0).map(|at| at.naive_utc())
}

/// The elements of the list object at `path` (`{"data": [..]}`), or of a
/// bare array.
pub fn list<'a>(object: &'a Value, path: &[&str]) -> &'a [Value] {
    let Some(value) = at(object, path) else {
        return &[];
    };
    value
        .get("data")
        .unwrap_or(value)
        .as_array()
        .map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expandable_ids_read_either_way() {
        let object = json!({"a": "cus_1", "b": {"id": "cus_2"}, "c": null, "d": 3});
        assert_eq!(id(&object, &["a"]), Some("cus_1"));
        assert_eq!(id(&object, &["b"]), Some("cus_2"));
        assert_eq!(id(&object, &["c"]), None);
        assert_eq!(id(&object, &["d"]), None);
    }

    #[test]
    fn wrong_types_read_as_absent() {
        let object = json!({"n": "12", "t": "soon", "l": {"data": "x"}});
        assert_eq!(int(&object, &["n"]), None);
        assert_eq!(time(&object, &["t"]), None);
        assert!(list(&object, &["l"]).is_empty());
        assert_eq!(text(&object, &["missing", "deeper"]), None);
    }
}
