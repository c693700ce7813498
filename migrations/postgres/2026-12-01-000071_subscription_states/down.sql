ALTER TABLE subscriptions DROP COLUMN duplicate_of;
UPDATE subscriptions SET state = 'active' WHERE state = 'trialing';
UPDATE subscriptions SET state = 'past_due' WHERE state IN ('unpaid', 'paused');
UPDATE subscriptions SET state = 'expired' WHERE state = 'duplicate';
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_state_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_state_check
    CHECK (state IN ('incomplete', 'active', 'past_due', 'canceling', 'expired', 'refunded', 'comped'));
