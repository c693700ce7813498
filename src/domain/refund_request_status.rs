//! Where a reader's refund request stands (`refund_requests.status`).

use super::stored_text::stored_enum;

stored_enum! {
    /// The life of a refund request: `pending` until staff decide, once.
    /// An unknown stored status reads as `denied`: decided, so this build
    /// never approves a request a newer one settled.
    pub enum RefundRequestStatus (unknown = Denied) {
        /// Waiting for staff (or for the guarantee's automatic approval).
        Pending,
        /// Refunded.
        Approved,
        /// Refused, with a note to the reader.
        Denied,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for status in RefundRequestStatus::ALL {
            assert_eq!(RefundRequestStatus::parse(status.as_str()), Some(*status));
        }
        // The names are stored: renaming a variant must fail here.
        let names: Vec<&str> = RefundRequestStatus::ALL
            .iter()
            .map(|s| s.as_str())
            .collect();
        assert_eq!(names, ["pending", "approved", "denied"]);
        assert_eq!(RefundRequestStatus::parse("maybe"), None);
    }
}
