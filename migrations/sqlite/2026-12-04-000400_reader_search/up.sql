-- Staff search readers by a fragment of their email or name, anywhere in
-- it (`q` of GET /v1/admin/readers): a LIKE '%...%' that scanned every
-- account. A trigram index finds the candidates; the LIKE still decides
-- (src/db/reader_directory.rs), so the answers are the same.
--
-- The FTS5 table keeps no copy of the text (contentless, deletable) and
-- its rowids come from reader_search_keys, whose INTEGER PRIMARY KEY
-- (unlike readers' implicit rowid) survives a VACUUM. Triggers keep both
-- in step with readers (a later migration that rebuilds readers drops
-- them with the table, and must create them again).
CREATE TABLE reader_search_keys (
    search_row INTEGER PRIMARY KEY,
    reader_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE reader_search USING fts5 (
    email, name, content = '', contentless_delete = 1, tokenize = 'trigram'
);

INSERT INTO reader_search_keys (reader_id) SELECT id FROM readers;
INSERT INTO reader_search (rowid, email, name)
SELECT k.search_row, r.email, r.name
FROM reader_search_keys k JOIN readers r ON r.id = k.reader_id;

CREATE TRIGGER reader_search_insert AFTER INSERT ON readers
BEGIN
    INSERT INTO reader_search_keys (reader_id) VALUES (new.id);
    INSERT INTO reader_search (rowid, email, name)
    VALUES ((SELECT search_row FROM reader_search_keys WHERE reader_id = new.id), new.email, new.name);
END;

CREATE TRIGGER reader_search_update AFTER UPDATE OF email, name ON readers
WHEN old.email IS NOT new.email OR old.name IS NOT new.name
BEGIN
    DELETE FROM reader_search
    WHERE rowid = (SELECT search_row FROM reader_search_keys WHERE reader_id = new.id);
    INSERT INTO reader_search (rowid, email, name)
    VALUES ((SELECT search_row FROM reader_search_keys WHERE reader_id = new.id), new.email, new.name);
END;

CREATE TRIGGER reader_search_delete AFTER DELETE ON readers
BEGIN
    DELETE FROM reader_search
    WHERE rowid = (SELECT search_row FROM reader_search_keys WHERE reader_id = old.id);
    DELETE FROM reader_search_keys WHERE reader_id = old.id;
END;

-- What the directory and the reader record read on large tables: the
-- directory's default order, its name order and state filter, and a
-- payment's refunds.
CREATE INDEX readers_created_at ON readers (created_at, id);
CREATE INDEX readers_name ON readers (name, id);
CREATE INDEX subscriptions_state ON subscriptions (state);
CREATE INDEX refunds_payment_id ON refunds (payment_id);
