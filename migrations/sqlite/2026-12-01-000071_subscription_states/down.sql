-- Back to the seven states; rows in a state the older release does not
-- know become what it mapped them to (trialing -> active, unpaid and
-- paused -> past_due, duplicate -> expired).
PRAGMA foreign_keys = OFF;
BEGIN;
UPDATE subscriptions SET state = 'active' WHERE state = 'trialing';
UPDATE subscriptions SET state = 'past_due' WHERE state IN ('unpaid', 'paused');
UPDATE subscriptions SET state = 'expired' WHERE state = 'duplicate';
CREATE TABLE subscriptions_rebuilt (
    id TEXT PRIMARY KEY NOT NULL,
    reader_id TEXT NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    tier_id TEXT NOT NULL REFERENCES tiers (id),
    state TEXT NOT NULL CHECK (state IN ('incomplete', 'active', 'past_due', 'canceling', 'expired', 'refunded', 'comped')),
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
    payment_action_url TEXT
);
INSERT INTO subscriptions_rebuilt (id, reader_id, tier_id, state, billing_interval,
    current_period_start, current_period_end, grace_ends_at, comped_until, cancel_reason,
    provider, provider_customer_id, provider_subscription_id, started_at, ended_at,
    created_at, updated_at, disputed_at, provider_updated_at, payment_action_url)
SELECT id, reader_id, tier_id, state, billing_interval,
    current_period_start, current_period_end, grace_ends_at, comped_until, cancel_reason,
    provider, provider_customer_id, provider_subscription_id, started_at, ended_at,
    created_at, updated_at, disputed_at, provider_updated_at, payment_action_url
FROM subscriptions;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_rebuilt RENAME TO subscriptions;
CREATE INDEX subscriptions_reader_id ON subscriptions (reader_id);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
