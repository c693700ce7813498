//! The tax a refund gives back. Stripe reports the tax of an invoice, not
//! of a refund: a refund of part of a payment returns the same share of
//! its tax, which is also how Stripe Tax reverses a partial refund
//! proportionally (<https://docs.stripe.com/tax/custom#reversals>, a
//! `flat_amount` reversal spreads the amount over the lines pro rata).

/// The tax in `refunded` minor units of a payment of `paid` that carried
/// `tax`: `refunded × tax / paid`, rounded half away from zero, never more
/// than `tax`. `None` when the payment's tax is not known; 0 for a
/// payment of 0.
pub fn refund_tax_share(refunded: i64, paid: i64, tax: Option<i64>) -> Option<i64> {
    let tax = tax?;
    if paid <= 0 || refunded <= 0 || tax <= 0 {
        return Some(0);
    }
    let refunded = i128::from(refunded.min(paid));
    let (paid, tax_wide) = (i128::from(paid), i128::from(tax));
    let share = (refunded * tax_wide * 2 + paid) / (paid * 2);
    Some(i64::try_from(share).unwrap_or(tax).min(tax))
}

#[cfg(test)]
mod tests {
    use super::refund_tax_share;

    #[test]
    fn a_full_refund_returns_all_the_tax() {
        assert_eq!(refund_tax_share(900, 900, Some(150)), Some(150));
    }

    #[test]
    fn a_partial_refund_returns_its_share_rounded_half_up() {
        assert_eq!(refund_tax_share(300, 900, Some(150)), Some(50));
        // 100 × 150 / 900 = 16.67
        assert_eq!(refund_tax_share(100, 900, Some(150)), Some(17));
        // 3 × 1 / 2 ... 1 × 1 / 2 = 0.5 rounds up
        assert_eq!(refund_tax_share(1, 2, Some(1)), Some(1));
    }

    #[test]
    fn unknown_tax_stays_unknown_and_nothing_exceeds_the_tax() {
        assert_eq!(refund_tax_share(300, 900, None), None);
        assert_eq!(refund_tax_share(5_000, 900, Some(150)), Some(150));
        assert_eq!(refund_tax_share(300, 0, Some(0)), Some(0));
    }

    #[test]
    fn large_amounts_do_not_overflow() {
        let big = 1_000_000_000_000_i64;
        assert_eq!(refund_tax_share(big, big, Some(big / 5)), Some(big / 5));
    }
}
