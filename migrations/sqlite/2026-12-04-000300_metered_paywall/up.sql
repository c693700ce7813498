-- The metered paywall. Each article says how it stands towards the meter
-- (`metered`: the meter may open it, counting a read; `exempt`: opens
-- without counting; `walled`: never). A meter is a reader's
-- (`reader:<id>`) or an anonymous visitor's (`visitor:<random id>`, named
-- by a signed cookie); its row is what concurrent reads of one meter lock,
-- so two tabs cannot both take the last free article. One row per article
-- counted: re-reading it inside the window counts nothing more.
ALTER TABLE articles ADD COLUMN meter_rule TEXT NOT NULL DEFAULT 'metered'
    CHECK (meter_rule IN ('metered', 'exempt', 'walled'));
CREATE TABLE meters (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL,
    touched_at TIMESTAMP NOT NULL
);
CREATE TABLE meter_reads (
    meter_id TEXT NOT NULL REFERENCES meters (id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    read_at TIMESTAMP NOT NULL,
    PRIMARY KEY (meter_id, article_id)
);
CREATE INDEX meters_touched ON meters (touched_at);
