-- Support's directory filters readers by subscription state and tier
-- (GET /v1/admin/readers?state=...&tier=...): `readers.id IN (SELECT
-- reader_id FROM subscriptions WHERE state = ?)`. With the reader's id in
-- the index the subquery reads the index alone, not a subscription row
-- per match. (state, reader_id) serves whatever (state) did.
CREATE INDEX subscriptions_state_reader ON subscriptions (state, reader_id);
CREATE INDEX subscriptions_tier_reader ON subscriptions (tier_id, reader_id);
DROP INDEX subscriptions_state;
