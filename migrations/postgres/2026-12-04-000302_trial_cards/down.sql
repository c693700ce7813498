ALTER TABLE trials_used ADD COLUMN card_fingerprint TEXT UNIQUE;
DROP TABLE reader_cards;
