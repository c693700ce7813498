-- Gift subscriptions (issue 15, part 2): a one-time purchase of a tier for
-- 1, 3, 6 or 12 months for a recipient, and the `gift` state of the
-- subscription it is redeemed into (like `comped`: an end date, no billing;
-- its period is current_period_start .. current_period_end).
-- A gift row is its own checkout (the buyer may have no account, so the
-- reader-bound `checkouts` and `payments` tables do not fit): status moves
-- open -> paid -> redeemed, or to expired (checkout not paid in time) or
-- refunded, each by a conditional UPDATE on the status. Only SHA-256 hashes
-- of the redemption and refund tokens are kept (set when the link is first
-- mailed), so a copy of the database redeems and refunds nothing.
-- SQLite cannot change a CHECK constraint in place: the subscriptions table
-- is rebuilt as in 2026-12-01-000071_subscription_states (foreign keys off
-- outside the transaction, see metadata.toml; copy, drop, rename, check).
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE subscriptions_rebuilt (
    id TEXT PRIMARY KEY NOT NULL,
    reader_id TEXT NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    tier_id TEXT NOT NULL REFERENCES tiers (id),
    state TEXT NOT NULL CHECK (state IN ('incomplete', 'trialing', 'active', 'past_due', 'canceling', 'expired', 'refunded', 'comped', 'unpaid', 'paused', 'duplicate', 'gift')),
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
CREATE TABLE gifts (
    id TEXT PRIMARY KEY NOT NULL,
    tier_id TEXT NOT NULL REFERENCES tiers (id),
    months INTEGER NOT NULL CHECK (months IN (1, 3, 6, 12)),
    amount_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    buyer_email TEXT NOT NULL,
    buyer_reader_id TEXT REFERENCES readers (id) ON DELETE SET NULL,
    recipient_email TEXT NOT NULL,
    message TEXT,
    deliver_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'paid', 'redeemed', 'refunded', 'expired')),
    provider TEXT NOT NULL,
    provider_session_id TEXT UNIQUE,
    provider_payment_id TEXT,
    url TEXT,
    page_token TEXT,
    redeem_token_hash TEXT UNIQUE,
    refund_token_hash TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    paid_at TIMESTAMP,
    delivered_at TIMESTAMP,
    redeemed_at TIMESTAMP,
    redeemed_by TEXT REFERENCES readers (id) ON DELETE SET NULL,
    subscription_id TEXT REFERENCES subscriptions (id),
    refunded_at TIMESTAMP,
    provider_refund_id TEXT,
    refunded_by TEXT
);
CREATE INDEX gifts_buyer ON gifts (buyer_reader_id);
CREATE INDEX gifts_redeemed_by ON gifts (redeemed_by);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
