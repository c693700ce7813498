//! One CSV row of a reader import turned into a validated record, or the
//! reason it cannot be imported. No I/O: every rule is unit-tested here.

use crate::auth::check_imported_hash;
use crate::domain::{DisplayName, FieldError, ReaderEmail, ShippingAddress};
use chrono::{DateTime, NaiveDate, Utc};
use csv::StringRecord;
use std::collections::HashMap;

/// The tiers a row may name, each with whether it ships print (and so
/// needs an address).
pub type TierCatalogue = HashMap<String, bool>;

/// Where each known column is in the file; headers are matched without
/// regard to case, in any order, and unknown ones are ignored.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    count: usize,
    email: usize,
    name: usize,
    password_hash: Option<usize>,
    address_line1: Option<usize>,
    address_line2: Option<usize>,
    city: Option<usize>,
    region: Option<usize>,
    postal_code: Option<usize>,
    country: Option<usize>,
    tier: Option<usize>,
    paid_until: Option<usize>,
}

impl Columns {
    /// Finds the columns; the error names every missing required header.
    pub fn from_headers(headers: &StringRecord) -> Result<Self, String> {
        let find = |name: &str| {
            headers
                .iter()
                .position(|header| header.trim().eq_ignore_ascii_case(name))
        };
        let (email, name) = match (find("email"), find("name")) {
            (Some(email), Some(name)) => (email, name),
            (email, name) => {
                let missing: Vec<_> = [("email", email), ("name", name)]
                    .into_iter()
                    .filter_map(|(header, at)| at.is_none().then_some(header))
                    .collect();
                return Err(format!(
                    "the header row lacks the required column(s): {}",
                    missing.join(", ")
                ));
            }
        };
        Ok(Self {
            count: headers.len(),
            email,
            name,
            password_hash: find("password_hash"),
            address_line1: find("address_line1"),
            address_line2: find("address_line2"),
            city: find("city"),
            region: find("region"),
            postal_code: find("postal_code"),
            country: find("country"),
            tier: find("tier"),
            paid_until: find("paid_until"),
        })
    }

    /// The raw email of a row, for reports even when the row is rejected.
    pub fn raw_email<'r>(&self, record: &'r StringRecord) -> &'r str {
        record.get(self.email).unwrap_or_default().trim()
    }
}

/// A paid subscription the reader brings along.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidTier {
    /// An existing tier id.
    pub tier: String,
    /// End of the paid period (exclusive).
    pub paid_until: DateTime<Utc>,
    /// The tier mails print, so the reader needs a shipping address.
    pub ships_print: bool,
}

/// A row that passed every check. A print subscriber without an address
/// passes too: support collects the address later.
#[derive(Debug, Clone)]
pub struct ReaderRecord {
    pub email: ReaderEmail,
    pub name: DisplayName,
    /// A checked bcrypt or argon2 hash; `None` when the row had none.
    pub password_hash: Option<String>,
    pub address: Option<ShippingAddress>,
    pub paid: Option<PaidTier>,
    /// Imported anyway, but someone should look.
    pub warnings: Vec<String>,
}

/// Why a row is not imported; the text goes into the report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("expected {expected} columns, found {found}")]
    ColumnCount { expected: usize, found: usize },
    #[error("invalid email: {0}")]
    Email(String),
    #[error("invalid name: {0}")]
    Name(String),
    #[error("unsupported password_hash: {0}")]
    PasswordHash(String),
    #[error("unknown tier {0:?}")]
    UnknownTier(String),
    #[error("paid_until is required with a tier")]
    MissingPaidUntil,
    #[error("invalid paid_until {0:?}: expected RFC 3339 or YYYY-MM-DD")]
    PaidUntil(String),
    #[error("incomplete or invalid address: {0}")]
    Address(String),
    #[error("unreadable row: {0}")]
    Unreadable(String),
}

fn describe(error: &FieldError) -> String {
    error.message.clone()
}

/// Parses a `paid_until`: an RFC 3339 instant, or a date meaning the whole
/// of that day in UTC (the period ends at the next midnight, exclusive).
pub fn parse_paid_until(raw: &str) -> Result<DateTime<Utc>, Rejection> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(raw) {
        return Ok(instant.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.succ_opt())
        .and_then(|next| next.and_hms_opt(0, 0, 0))
        .map(|midnight| midnight.and_utc())
        .ok_or_else(|| Rejection::PaidUntil(raw.to_owned()))
}

/// The address of a row: absent when every address column is empty,
/// otherwise checked in full by the domain rules.
fn parse_address(
    columns: &Columns,
    get: impl Fn(Option<usize>) -> String,
) -> Result<Option<ShippingAddress>, Rejection> {
    let optional = |value: String| (!value.is_empty()).then_some(value);
    let raw = ShippingAddress {
        line1: get(columns.address_line1),
        line2: optional(get(columns.address_line2)),
        city: get(columns.city),
        region: optional(get(columns.region)),
        postal_code: get(columns.postal_code),
        country: get(columns.country),
    };
    let empty = raw.line1.is_empty()
        && raw.line2.is_none()
        && raw.city.is_empty()
        && raw.region.is_none()
        && raw.postal_code.is_empty()
        && raw.country.is_empty();
    if empty {
        return Ok(None);
    }
    ShippingAddress::parse(raw).map(Some).map_err(|errors| {
        let fields: Vec<_> = errors
            .iter()
            .map(|e| format!("{} {}", e.field, e.message))
            .collect();
        Rejection::Address(fields.join("; "))
    })
}

/// Checks one row against the columns and the existing tiers.
pub fn parse_row(
    columns: &Columns,
    record: &StringRecord,
    tiers: &TierCatalogue,
) -> Result<ReaderRecord, Rejection> {
    if record.len() != columns.count {
        return Err(Rejection::ColumnCount {
            expected: columns.count,
            found: record.len(),
        });
    }
    let get = |at: Option<usize>| {
        at.and_then(|i| record.get(i))
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let email =
        ReaderEmail::parse(get(Some(columns.email))).map_err(|e| Rejection::Email(describe(&e)))?;
    let name =
        DisplayName::parse(get(Some(columns.name))).map_err(|e| Rejection::Name(describe(&e)))?;
    let hash = get(columns.password_hash);
    let password_hash = if hash.is_empty() {
        None
    } else {
        check_imported_hash(&hash).map_err(Rejection::PasswordHash)?;
        Some(hash)
    };
    let address = parse_address(columns, get)?;
    let (tier, paid_until) = (get(columns.tier), get(columns.paid_until));
    let mut warnings = Vec::new();
    let paid = if tier.is_empty() {
        if !paid_until.is_empty() {
            warnings.push("paid_until without a tier is ignored".to_owned());
        }
        None
    } else {
        let Some(&ships_print) = tiers.get(&tier) else {
            return Err(Rejection::UnknownTier(tier));
        };
        if paid_until.is_empty() {
            return Err(Rejection::MissingPaidUntil);
        }
        let paid_until = parse_paid_until(&paid_until)?;
        Some(PaidTier {
            tier,
            paid_until,
            ships_print,
        })
    };
    Ok(ReaderRecord {
        email,
        name,
        password_hash,
        address,
        paid,
        warnings,
    })
}

#[cfg(test)]
mod tests;
