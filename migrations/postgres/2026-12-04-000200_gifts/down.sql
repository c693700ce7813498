DROP TABLE gifts;
UPDATE subscriptions SET state = 'expired' WHERE state = 'gift';
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_state_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_state_check
    CHECK (state IN ('incomplete', 'trialing', 'active', 'past_due', 'canceling', 'expired', 'refunded', 'comped', 'unpaid', 'paused', 'duplicate'));
