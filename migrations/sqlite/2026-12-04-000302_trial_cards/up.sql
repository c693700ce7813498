-- The cards Stripe has shown us for each reader: a PaymentMethod's
-- `card.fingerprint` (the same for every copy of one card number), from
-- `payment_method.attached`. One free trial per card: a trial whose
-- reader's card already carried another reader's earlier trial is ended at
-- once. Kept, like `trials_used`, when the account is deleted.
CREATE TABLE reader_cards (
    reader_id TEXT NOT NULL REFERENCES readers (id),
    fingerprint TEXT NOT NULL,
    seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (reader_id, fingerprint)
);
CREATE INDEX reader_cards_fingerprint ON reader_cards (fingerprint);

-- The card of a trial is now known through `reader_cards`; the unused
-- `trials_used.card_fingerprint` goes (SQLite cannot drop a UNIQUE column
-- in place: the table is rebuilt; nothing refers to it).
CREATE TABLE trials_used_rebuilt (
    reader_id TEXT PRIMARY KEY NOT NULL REFERENCES readers (id),
    checkout_id TEXT NOT NULL REFERENCES checkouts (id),
    trial_days INTEGER NOT NULL,
    used_at TIMESTAMP NOT NULL
);
INSERT INTO trials_used_rebuilt (reader_id, checkout_id, trial_days, used_at)
    SELECT reader_id, checkout_id, trial_days, used_at FROM trials_used;
DROP TABLE trials_used;
ALTER TABLE trials_used_rebuilt RENAME TO trials_used;
