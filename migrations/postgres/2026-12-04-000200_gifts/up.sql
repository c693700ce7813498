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
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_state_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_state_check
    CHECK (state IN ('incomplete', 'trialing', 'active', 'past_due', 'canceling', 'expired', 'refunded', 'comped', 'unpaid', 'paused', 'duplicate', 'gift'));
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
