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

-- What the directory and the reader record read on large tables: the
-- directory's default order, its name order and state filter, and a
-- payment's refunds.
CREATE INDEX IF NOT EXISTS readers_created_at ON readers (created_at, id);
CREATE INDEX IF NOT EXISTS readers_name ON readers (name, id);
CREATE INDEX IF NOT EXISTS subscriptions_state ON subscriptions (state);
CREATE INDEX IF NOT EXISTS refunds_payment_id ON refunds (payment_id);
