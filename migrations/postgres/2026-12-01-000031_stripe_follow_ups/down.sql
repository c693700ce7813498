DROP TABLE provider_follow_ups;
ALTER TABLE subscriptions DROP COLUMN payment_action_url;
DROP INDEX payments_provider_charge_id;
ALTER TABLE payments DROP COLUMN provider_charge_id;
