ALTER TABLE readers DROP COLUMN credentials_changed_at;
