ALTER TABLE readers DROP COLUMN time_zone;
ALTER TABLE readers DROP COLUMN product_updates;
