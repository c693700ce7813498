CREATE TABLE trials_used_rebuilt (
    reader_id TEXT PRIMARY KEY NOT NULL REFERENCES readers (id),
    checkout_id TEXT NOT NULL REFERENCES checkouts (id),
    trial_days INTEGER NOT NULL,
    card_fingerprint TEXT UNIQUE,
    used_at TIMESTAMP NOT NULL
);
INSERT INTO trials_used_rebuilt (reader_id, checkout_id, trial_days, used_at)
    SELECT reader_id, checkout_id, trial_days, used_at FROM trials_used;
DROP TABLE trials_used;
ALTER TABLE trials_used_rebuilt RENAME TO trials_used;
DROP TABLE reader_cards;
