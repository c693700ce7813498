DROP TABLE trials_used;
DROP TABLE offer_redemptions;
DROP TABLE offer_plans;
DROP TABLE offers;
ALTER TABLE checkouts DROP COLUMN discount_payments;
ALTER TABLE checkouts DROP COLUMN discount_cents;
ALTER TABLE checkouts DROP COLUMN trial_days;
ALTER TABLE checkouts DROP COLUMN offer_code;
ALTER TABLE tier_prices DROP COLUMN trial_days;
