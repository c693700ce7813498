-- Prices scheduled for a tier and interval: from `effective_at` new
-- subscribers pay `amount_cents`, and each existing subscriber moves to it
-- at their first renewal after that date, told `MASTHEAD_PRICE_CHANGE_NOTICE_DAYS`
-- before. The price in effect for a tier is the latest one whose date has
-- passed, else `tier_prices`. A scheduled price not yet effective can be
-- withdrawn (the row is deleted).
CREATE TABLE price_changes (
    id TEXT PRIMARY KEY NOT NULL,
    tier_id TEXT NOT NULL REFERENCES tiers (id),
    billing_interval TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    effective_at TIMESTAMP NOT NULL,
    stripe_price_id TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX price_changes_tier ON price_changes (tier_id, billing_interval, currency, effective_at);

-- Each subscriber's move to a scheduled price: told (`applies_at`, the
-- renewal charged the new price, at least the notice days after
-- `notified_at`), then moved at the provider shortly before that renewal
-- (`moved_at`). One row per subscription and price change, so the notice
-- goes out once and the provider is told once.
CREATE TABLE price_change_moves (
    price_change_id TEXT NOT NULL REFERENCES price_changes (id) ON DELETE CASCADE,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    applies_at TIMESTAMP NOT NULL,
    notified_at TIMESTAMP NOT NULL,
    moved_at TIMESTAMP,
    PRIMARY KEY (price_change_id, subscription_id)
);
