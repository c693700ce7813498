-- Back to the states before gifts: a `gift` subscription becomes `expired`
-- (its gift record goes with the table).
PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE gifts;
UPDATE subscriptions SET state = 'expired' WHERE state = 'gift';
CREATE TABLE subscriptions_rebuilt (
    id TEXT PRIMARY KEY NOT NULL,
    reader_id TEXT NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    tier_id TEXT NOT NULL REFERENCES tiers (id),
    state TEXT NOT NULL CHECK (state IN ('incomplete', 'trialing', 'active', 'past_due', 'canceling', 'expired', 'refunded', 'comped', 'unpaid', 'paused', 'duplicate')),
    billing_interval TEXT CHECK (billing_interval IN ('month', 'year')),
    current_period_start TIMESTAMP,
    current_period_end TIMESTAMP,
    grace_ends_at TIMESTAMP,
    comped_until TIMESTAMP,
    cancel_reason TEXT,
    provider TEXT,
    provider_customer_id TEXT,
    provider_subscription_id TEXT UNIQUE,
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    disputed_at TIMESTAMP,
    provider_updated_at TIMESTAMP,
    payment_action_url TEXT,
    duplicate_of TEXT REFERENCES subscriptions (id)
);
INSERT INTO subscriptions_rebuilt (id, reader_id, tier_id, state, billing_interval,
    current_period_start, current_period_end, grace_ends_at, comped_until, cancel_reason,
    provider, provider_customer_id, provider_subscription_id, started_at, ended_at,
    created_at, updated_at, disputed_at, provider_updated_at, payment_action_url, duplicate_of)
SELECT id, reader_id, tier_id, state, billing_interval,
    current_period_start, current_period_end, grace_ends_at, comped_until, cancel_reason,
    provider, provider_customer_id, provider_subscription_id, started_at, ended_at,
    created_at, updated_at, disputed_at, provider_updated_at, payment_action_url, duplicate_of
FROM subscriptions;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_rebuilt RENAME TO subscriptions;
CREATE INDEX subscriptions_reader_id ON subscriptions (reader_id);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
