-- Single-use tokens sent by email: verifying an address, resetting a
-- password, moving the account to a new address. Stored only as a SHA-256
-- hash of the 256-bit token. `email` is the address the token was sent to
-- (for an email change: the new address the account moves to once the
-- token is used).
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    reader_id TEXT NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'password_reset', 'email_change')),
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_tokens_reader_purpose ON account_tokens (reader_id, purpose);
