-- A reader's email preferences and time zone (issue 18).
-- product_updates: whether optional mail (perk launches, product news) is
-- sent; 1 by default, the soft opt-in for existing customers that
-- docs/decisions.md explains; every such message carries a one-click
-- unsubscribe that sets it to 0. Transactional mail ignores it.
-- time_zone: an IANA zone name ("Europe/Paris") the dates in the reader's
-- emails are written in; NULL means UTC.
ALTER TABLE readers ADD COLUMN product_updates INTEGER NOT NULL DEFAULT 1;
ALTER TABLE readers ADD COLUMN time_zone TEXT;
