-- The pg_trgm extension stays: something else may use it.
DROP INDEX refunds_payment_id;
DROP INDEX subscriptions_state;
DROP INDEX readers_name;
DROP INDEX readers_created_at;
DROP INDEX readers_name_trgm;
DROP INDEX readers_email_trgm;
