//! Money in a currency's minor units. ISO 4217 gives each currency an
//! exponent (JPY 0 decimals, EUR 2, KWD 3) and Stripe takes amounts in the
//! smallest unit accordingly, with its own list of zero- and three-decimal
//! currencies (<https://docs.stripe.com/currencies#zero-decimal>,
//! <https://docs.stripe.com/currencies#three-decimal>). An amount a
//! provider reports outside a sane range (negative, or above
//! [`MAX_MAJOR_UNITS`] in the major unit) is refused, not booked.

/// The largest amount in the major unit (10 million yen, euros, dinars)
/// a single payment or refund may carry.
pub const MAX_MAJOR_UNITS: i64 = 10_000_000;

/// The ISO 4217 exponent of `currency` (lower or upper case): how many
/// decimals its minor unit has. Unknown codes are taken as 2.
pub fn minor_unit_exponent(currency: &str) -> u32 {
    const ZERO: [&str; 16] = [
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
        "xaf", "xof", "xpf",
    ];
    const THREE: [&str; 5] = ["bhd", "jod", "kwd", "omr", "tnd"];
    let code = currency.to_ascii_lowercase();
    if ZERO.contains(&code.as_str()) {
        0
    } else if THREE.contains(&code.as_str()) {
        3
    } else {
        2
    }
}

/// Whether `amount` (minor units of `currency`) is one to book: not
/// negative and at most [`MAX_MAJOR_UNITS`] in the major unit.
pub fn sane_amount(amount: i64, currency: &str) -> bool {
    let ceiling = MAX_MAJOR_UNITS * 10_i64.pow(minor_unit_exponent(currency));
    (0..=ceiling).contains(&amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_follow_iso_4217() {
        assert_eq!(minor_unit_exponent("jpy"), 0);
        assert_eq!(minor_unit_exponent("JPY"), 0);
        assert_eq!(minor_unit_exponent("eur"), 2);
        assert_eq!(minor_unit_exponent("usd"), 2);
        assert_eq!(minor_unit_exponent("kwd"), 3);
    }

    #[test]
    fn ten_million_in_the_major_unit_is_the_ceiling() {
        assert!(sane_amount(0, "usd"));
        assert!(sane_amount(1_000_000_000, "usd"));
        assert!(!sane_amount(1_000_000_001, "usd"));
        assert!(sane_amount(10_000_000, "jpy"));
        assert!(!sane_amount(10_000_001, "jpy"));
        assert!(sane_amount(10_000_000_000, "kwd"));
        assert!(!sane_amount(10_000_000_001, "kwd"));
        assert!(!sane_amount(-1, "eur"));
    }
}
