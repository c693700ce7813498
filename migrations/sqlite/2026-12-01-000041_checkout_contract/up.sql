-- The checkout contract (one flow for every provider): the payment page's
-- URL is kept so a second checkout can answer 409 `checkout_open` with the
-- page to resume; the article that led to the purchase is recorded; the
-- development provider's page carries a per-checkout form token (CSRF).
ALTER TABLE checkouts ADD COLUMN url TEXT;
ALTER TABLE checkouts ADD COLUMN source_article TEXT;
ALTER TABLE checkouts ADD COLUMN page_token TEXT;

-- One open checkout per reader, enforced here so two concurrent starts
-- cannot both open one. Older duplicates are expired first (ids are
-- UUIDv7, so the greatest id is the newest checkout).
UPDATE checkouts SET status = 'expired'
WHERE status = 'open'
  AND id NOT IN (SELECT MAX(id) FROM checkouts WHERE status = 'open' GROUP BY reader_id);
CREATE UNIQUE INDEX checkouts_one_open_per_reader ON checkouts (reader_id) WHERE status = 'open';
