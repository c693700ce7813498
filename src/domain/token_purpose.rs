//! What an emailed single-use token is for. A token is only ever accepted
//! by the endpoint of its own purpose.

/// The purpose of an account token, as stored in `account_tokens.purpose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Proves the reader receives mail at the account's address.
    VerifyEmail,
    /// Lets the holder set a new password without the old one.
    PasswordReset,
    /// Proves the reader receives mail at a new address before the account
    /// moves to it.
    EmailChange,
}

impl TokenPurpose {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::PasswordReset => "password_reset",
            Self::EmailChange => "email_change",
        }
    }

    /// Reads a stored value.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::VerifyEmail, Self::PasswordReset, Self::EmailChange]
            .into_iter()
            .find(|purpose| purpose.as_str() == raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_round_trip() {
        for purpose in [
            TokenPurpose::VerifyEmail,
            TokenPurpose::PasswordReset,
            TokenPurpose::EmailChange,
        ] {
            assert_eq!(TokenPurpose::parse(purpose.as_str()), Some(purpose));
        }
        assert_eq!(TokenPurpose::parse("refresh"), None);
    }
}
