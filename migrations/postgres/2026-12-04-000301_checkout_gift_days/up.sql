-- How many of a checkout's free days are the rest of a running gift
-- carried into the paid subscription (its first payment falls when the
-- gift ends): those days are not the reader's one free trial.
ALTER TABLE checkouts ADD COLUMN gift_days INTEGER NOT NULL DEFAULT 0;
