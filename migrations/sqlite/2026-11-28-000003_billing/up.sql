-- A reader's attempt to buy a tier: created when checkout starts, completed
-- once the payment provider confirms payment (by the development provider's
-- confirmation, or Stripe's `checkout.session.completed`). The price is
-- copied in, so the reader pays what they were quoted.
CREATE TABLE checkouts (
    id TEXT PRIMARY KEY NOT NULL,
    reader_id TEXT NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    tier_id TEXT NOT NULL REFERENCES tiers (id),
    billing_interval TEXT NOT NULL CHECK (billing_interval IN ('month', 'year')),
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    currency TEXT NOT NULL,
    provider TEXT NOT NULL,
    provider_session_id TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('open', 'completed', 'expired')),
    subscription_id TEXT REFERENCES subscriptions (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP
);
CREATE INDEX checkouts_reader_id ON checkouts (reader_id);

-- Money received for a subscription, one row per successful charge; the
-- provider's payment id is unique, so a charge reported twice is recorded
-- once. The 60-day guarantee counts from the first `paid_at`; refunds add
-- up in `refunded_cents`.
CREATE TABLE payments (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    reader_id TEXT NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    currency TEXT NOT NULL,
    provider TEXT NOT NULL,
    provider_payment_id TEXT NOT NULL UNIQUE,
    provider_invoice_id TEXT,
    paid_at TIMESTAMP NOT NULL,
    refunded_cents BIGINT NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0 AND refunded_cents <= amount_cents),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX payments_subscription_id ON payments (subscription_id);
CREATE INDEX payments_reader_id ON payments (reader_id);
