CREATE INDEX subscriptions_state ON subscriptions (state);
DROP INDEX subscriptions_tier_reader;
DROP INDEX subscriptions_state_reader;
