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
-- `trials_used.card_fingerprint` goes.
ALTER TABLE trials_used DROP COLUMN card_fingerprint;
