-- Free trials and offers (issue 15, part 1).
--
-- A tier price may carry a free trial of `trial_days` (0: none).
ALTER TABLE tier_prices ADD COLUMN trial_days INTEGER NOT NULL DEFAULT 0;

-- What a checkout was quoted beyond its price: the offer it redeems (if
-- any), the free days before the first payment, and the amount off each
-- of the first `discount_payments` payments (NULL: every payment).
ALTER TABLE checkouts ADD COLUMN offer_code TEXT;
ALTER TABLE checkouts ADD COLUMN trial_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE checkouts ADD COLUMN discount_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE checkouts ADD COLUMN discount_payments INTEGER;

-- A named, time-boxed offer: exactly one of a percentage off, an amount
-- off (in `currency`) or extra trial days; a discount lasts
-- `duration_months` (NULL: forever). `redemptions` counts completed
-- checkouts and never passes `max_redemptions` (NULL: no limit): it is
-- raised by a conditional UPDATE when a checkout completes. The code is
-- stored upper case and matched case-insensitively by upper-casing the
-- reader's input.
CREATE TABLE offers (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    percent_off INTEGER,
    amount_off_cents BIGINT,
    currency TEXT,
    trial_days INTEGER NOT NULL DEFAULT 0,
    duration_months INTEGER,
    listed INTEGER NOT NULL DEFAULT 0,
    max_redemptions INTEGER,
    redemptions INTEGER NOT NULL DEFAULT 0,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP,
    archived_at TIMESTAMP,
    stripe_coupon_id TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (redemptions >= 0),
    CHECK (max_redemptions IS NULL OR redemptions <= max_redemptions)
);

-- The tiers and intervals an offer covers.
CREATE TABLE offer_plans (
    offer_code TEXT NOT NULL REFERENCES offers (code),
    tier_id TEXT NOT NULL REFERENCES tiers (id),
    billing_interval TEXT NOT NULL,
    PRIMARY KEY (offer_code, tier_id, billing_interval)
);

-- One row per completed checkout that redeemed an offer: the checkout is
-- the key, so a confirmation delivered twice counts once.
CREATE TABLE offer_redemptions (
    checkout_id TEXT PRIMARY KEY NOT NULL REFERENCES checkouts (id),
    offer_code TEXT NOT NULL REFERENCES offers (code),
    reader_id TEXT NOT NULL REFERENCES readers (id),
    subscription_id TEXT,
    redeemed_at TIMESTAMP NOT NULL
);
CREATE INDEX offer_redemptions_offer ON offer_redemptions (offer_code);

-- The one free trial of each reader, marked when a checkout with trial
-- days (a tier price's or an offer's) completes. Kept when the
-- subscription ends, is refunded, or the account is deleted (anonymised).
-- `card_fingerprint` is Stripe's payment_method.card.fingerprint when it
-- is known; unique, so one card gets one trial.
CREATE TABLE trials_used (
    reader_id TEXT PRIMARY KEY NOT NULL REFERENCES readers (id),
    checkout_id TEXT NOT NULL REFERENCES checkouts (id),
    trial_days INTEGER NOT NULL,
    card_fingerprint TEXT UNIQUE,
    used_at TIMESTAMP NOT NULL
);
