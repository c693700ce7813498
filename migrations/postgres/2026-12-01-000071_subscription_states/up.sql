-- Stripe's `trialing`, `unpaid` and `paused` become states of their own
-- (they were mapped onto `active` and `past_due`), and `duplicate` records a
-- second paid subscription Stripe reported for a reader who already had one
-- (`duplicate_of`: the renewing subscription it duplicated).
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_state_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_state_check
    CHECK (state IN ('incomplete', 'trialing', 'active', 'past_due', 'canceling', 'expired', 'refunded', 'comped', 'unpaid', 'paused', 'duplicate'));
ALTER TABLE subscriptions ADD COLUMN duplicate_of TEXT REFERENCES subscriptions (id);
