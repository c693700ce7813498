ALTER TABLE subscriptions DROP COLUMN provider_updated_at;
ALTER TABLE subscriptions DROP COLUMN disputed_at;
DROP TABLE refunds;
DROP TABLE webhook_events;
DROP TABLE billing_customers;
