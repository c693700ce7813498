-- A reader's customer at the payment provider, created once and reused.
CREATE TABLE billing_customers (
    reader_id TEXT PRIMARY KEY NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    customer_id TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- Every webhook event applied, recorded in the same transaction as its
-- effects: the primary key makes a redelivered event a no-op.
CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY NOT NULL,
    provider TEXT NOT NULL,
    event_type TEXT NOT NULL,
    object_id TEXT,
    received_at TIMESTAMP NOT NULL
);

-- Money given back, whoever started it (staff, the reader's request, the
-- provider's dashboard); the provider's refund id makes it unique.
CREATE TABLE refunds (
    id TEXT PRIMARY KEY NOT NULL,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    currency TEXT NOT NULL,
    provider TEXT NOT NULL,
    provider_refund_id TEXT UNIQUE,
    reason TEXT,
    actor TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX refunds_subscription_id ON refunds (subscription_id);

-- A dispute (chargeback) ends access and flags the subscription for staff.
ALTER TABLE subscriptions ADD COLUMN disputed_at TIMESTAMP;
-- The provider's timestamp of the newest object state applied, so an
-- older event delivered late never moves the subscription backwards.
ALTER TABLE subscriptions ADD COLUMN provider_updated_at TIMESTAMP;
