-- The charge behind a payment, next to its payment intent: Stripe's
-- refunds and disputes name either, and since API version 2025-03-31
-- (basil) invoices name neither, so both are learnt from the invoice's
-- payments and kept.
ALTER TABLE payments ADD COLUMN provider_charge_id TEXT;
CREATE INDEX payments_provider_charge_id ON payments (provider_charge_id);

-- What the reader must do to finish a payment Stripe could not take
-- (3-D Secure on a renewal, a failed card): the hosted invoice page.
ALTER TABLE subscriptions ADD COLUMN payment_action_url TEXT;

-- Calls to the provider that a webhook event made necessary (cancel the
-- provider's subscription after a full refund, pause or resume collection
-- during a dispute, learn an invoice's payment), recorded in the event's
-- own transaction and run after the webhook is answered, with retries.
-- `id` is derived from the event and the kind, so one event queues each
-- follow-up once; it is also the provider's idempotency key.
CREATE TABLE provider_follow_ups (
    id TEXT PRIMARY KEY NOT NULL,
    provider TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    subscription_id TEXT REFERENCES subscriptions (id),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX provider_follow_ups_due ON provider_follow_ups (status, next_attempt_at);
CREATE INDEX provider_follow_ups_subscription ON provider_follow_ups (subscription_id);
