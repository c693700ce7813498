ALTER TABLE checkouts DROP COLUMN gift_days;
