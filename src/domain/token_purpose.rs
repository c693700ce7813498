//! What an emailed single-use token is for. A token is only ever accepted
//! by the endpoint of its own purpose.

use super::stored_text::stored_enum;

stored_enum! {
    /// The purpose of an account token, as stored in `account_tokens.purpose`.
    /// Queries select tokens by the purposes they accept, so a token of a
    /// purpose this build does not know is never returned to be used;
    /// reading one as a verification (which only proves an address) keeps
    /// any other read harmless.
    pub enum TokenPurpose (unknown = VerifyEmail) {
        /// Proves the reader receives mail at the account's address.
        VerifyEmail,
        /// Lets the holder set a new password without the old one.
        PasswordReset,
        /// Proves the reader receives mail at a new address before the
        /// account moves to it.
        EmailChange,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_round_trip() {
        use strum::VariantArray;
        for purpose in TokenPurpose::VARIANTS {
            assert_eq!(TokenPurpose::parse(purpose.as_str()), Some(*purpose));
        }
        // The names are stored: renaming a variant must fail here.
        assert_eq!(TokenPurpose::VerifyEmail.as_str(), "verify_email");
        assert_eq!(TokenPurpose::PasswordReset.as_str(), "password_reset");
        assert_eq!(TokenPurpose::EmailChange.as_str(), "email_change");
        assert_eq!(TokenPurpose::parse("refresh"), None);
    }
}
