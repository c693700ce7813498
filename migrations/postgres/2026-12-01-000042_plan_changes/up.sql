-- Changes of plan (tier or interval) of a subscription: an upgrade is
-- `applied` at once; a downgrade waits `pending` until `effective_at` (the
-- end of the period already paid) and may be `undone` until then. At most
-- one change per subscription is pending. The rows are also the history.
CREATE TABLE subscription_plan_changes (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('upgrade', 'downgrade')),
    from_tier_id TEXT NOT NULL,
    from_interval TEXT NOT NULL CHECK (from_interval IN ('month', 'year')),
    to_tier_id TEXT NOT NULL REFERENCES tiers (id),
    to_interval TEXT NOT NULL CHECK (to_interval IN ('month', 'year')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'applied', 'undone')),
    prorated_cents BIGINT,
    effective_at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    settled_at TIMESTAMP
);
CREATE INDEX subscription_plan_changes_subscription ON subscription_plan_changes (subscription_id);
CREATE UNIQUE INDEX subscription_plan_changes_one_pending ON subscription_plan_changes (subscription_id) WHERE status = 'pending';
