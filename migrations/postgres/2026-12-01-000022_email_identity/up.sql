-- Email addresses are stored in one spelling (see src/domain/email.rs):
-- lower case, NFC, IDNA domains. Stored ASCII addresses are lower-cased
-- here. An address that would then equal another account's, or that is
-- not ASCII (its NFC and IDNA forms need the application), is left as it
-- is and listed in email_collisions for an operator to resolve; the
-- migration never fails on them, and `masthead migrate` reports how many.
CREATE TABLE email_collisions (
    reader_id TEXT PRIMARY KEY REFERENCES readers (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    reason TEXT NOT NULL,
    found_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

INSERT INTO email_collisions (reader_id, email, reason)
SELECT r.id, r.email, 'same_address_as_another_account'
FROM readers r
WHERE EXISTS (
    SELECT 1 FROM readers o WHERE o.id <> r.id AND lower(o.email) = lower(r.email)
);

INSERT INTO email_collisions (reader_id, email, reason)
SELECT r.id, r.email, 'not_ascii'
FROM readers r
WHERE r.email ~ '[^\x01-\x7e]'
  AND NOT EXISTS (SELECT 1 FROM email_collisions c WHERE c.reader_id = r.id);

UPDATE readers SET email = lower(email)
WHERE email <> lower(email)
  AND NOT EXISTS (SELECT 1 FROM email_collisions c WHERE c.reader_id = readers.id);
