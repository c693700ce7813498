-- When the account's credentials last changed (a password set or reset,
-- the address first verified, the account deleted or disabled): account
-- tokens issued before it are refused even if they were somehow left
-- unspent, so a link parked before a recovery cannot undo it.
ALTER TABLE readers ADD COLUMN credentials_changed_at TIMESTAMP;
