-- Staff search readers by a fragment of their email or name, anywhere in
-- it (`q` of GET /v1/admin/readers): lower(email) LIKE '%...%', a scan of
-- every account. pg_trgm's GIN indexes answer those LIKEs on the same
-- expressions, so the query is unchanged (src/db/reader_directory.rs).
-- pg_trgm is a trusted extension: the database's owner may create it.
-- On a large existing table, build the indexes beforehand with CREATE
-- INDEX CONCURRENTLY under these names (this migration then skips them).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS readers_email_trgm ON readers USING gin (lower(email) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS readers_name_trgm ON readers USING gin (lower(name) gin_trgm_ops);
-- The planner estimates a LIKE '%...%' from a sample of these expressions;
-- at the default 100 values a surname matching 0.3% of the readers looked
-- like 3% and the count scanned the table instead (bench/index-check).
ALTER INDEX readers_email_trgm ALTER COLUMN 1 SET STATISTICS 1000;
ALTER INDEX readers_name_trgm ALTER COLUMN 1 SET STATISTICS 1000;

-- What the directory and the reader record read on large tables: the
-- directory's default order, its name order and state filter, and a
-- payment's refunds.
CREATE INDEX IF NOT EXISTS readers_created_at ON readers (created_at, id);
CREATE INDEX IF NOT EXISTS readers_name ON readers (name, id);
CREATE INDEX IF NOT EXISTS subscriptions_state ON subscriptions (state);
CREATE INDEX IF NOT EXISTS refunds_payment_id ON refunds (payment_id);
