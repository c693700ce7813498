//! Where the print edition is mailed.

use crate::domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A postal address as the reader typed it, each field checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ShippingAddress {
    /// Street and number.
    pub line1: String,
    /// Flat, floor, c/o.
    #[serde(default)]
    pub line2: Option<String>,
    /// City or town.
    pub city: String,
    /// State, county or province, where the country uses one.
    #[serde(default)]
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code, e.g. `GB`.
    pub country: String,
}

fn required(value: &str, max: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new("required", "this field is required"));
    }
    optional(trimmed, max).map(Option::unwrap_or_default)
}

fn optional(value: &str, max: usize) -> Result<Option<String>, FieldError> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max {
        return Err(FieldError::new(
            "too_long",
            format!("at most {max} characters"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(FieldError::new(
            "invalid_characters",
            "control characters are not allowed",
        ));
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
}

impl ShippingAddress {
    /// Checks every field and normalises it (trimmed, country upper-case);
    /// returns every invalid field at once.
    pub fn parse(raw: Self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |field: &str, result: Result<String, FieldError>| {
            result.unwrap_or_else(|error| {
                errors.push(error.at(field));
                String::new()
            })
        };
        let line1 = check("line1", required(&raw.line1, 200));
        let city = check("city", required(&raw.city, 100));
        let postal_code = check("postal_code", required(&raw.postal_code, 20));
        let country = check(
            "country",
            required(&raw.country, 2).and_then(|c| {
                if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()) {
                    Ok(c.to_ascii_uppercase())
                } else {
                    Err(FieldError::new(
                        "invalid_country",
                        "an ISO 3166-1 alpha-2 code, e.g. GB",
                    ))
                }
            }),
        );
        let line2 = optional(raw.line2.as_deref().unwrap_or_default(), 200)
            .map_err(|e| errors.push(e.at("line2")))
            .unwrap_or_default();
        let region = optional(raw.region.as_deref().unwrap_or_default(), 100)
            .map_err(|e| errors.push(e.at("region")))
            .unwrap_or_default();
        if errors.is_empty() {
            Ok(Self {
                line1,
                line2,
                city,
                region,
                postal_code,
                country,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address() -> ShippingAddress {
        ShippingAddress {
            line1: " 1 Fleet Street ".into(),
            line2: Some(String::new()),
            city: "London".into(),
            region: None,
            postal_code: "EC4Y 1AA".into(),
            country: "gb".into(),
        }
    }

    #[test]
    fn normalises() {
        let parsed = ShippingAddress::parse(address()).unwrap();
        assert_eq!(parsed.line1, "1 Fleet Street");
        assert_eq!(parsed.line2, None);
        assert_eq!(parsed.country, "GB");
    }

    #[test]
    fn lists_every_bad_field() {
        let bad = ShippingAddress {
            line1: String::new(),
            city: String::new(),
            country: "Great Britain".into(),
            ..address()
        };
        let fields: Vec<_> = ShippingAddress::parse(bad)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["line1", "city", "country"]);
    }
}
