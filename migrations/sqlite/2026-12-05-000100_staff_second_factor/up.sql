-- A staff member's second factor (RFC 6238 TOTP): the shared secret, set
-- when enrolment starts and usable once a first code confirms it; the last
-- time step a code was accepted at, so no code is accepted twice (RFC 6238
-- section 5.2).
CREATE TABLE staff_second_factors (
    reader_id TEXT PRIMARY KEY NOT NULL REFERENCES readers (id),
    secret TEXT NOT NULL,
    confirmed_at TIMESTAMP,
    last_step BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

-- One-time recovery codes, kept as SHA-256 hashes (they are random, high
-- entropy: a slow hash adds nothing); each is used at most once.
CREATE TABLE staff_recovery_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    reader_id TEXT NOT NULL REFERENCES readers (id),
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX staff_recovery_codes_reader ON staff_recovery_codes (reader_id);

-- When the session proved the second factor (at login, or by confirming
-- an enrolment); staff actions need it where the factor is required.
ALTER TABLE sessions ADD COLUMN second_factor_at TIMESTAMP;
