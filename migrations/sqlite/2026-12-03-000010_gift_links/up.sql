-- Gift links to one article: a subscriber's (allowance per calendar month)
-- or an editor's (`publisher` = 1, unlimited). Only the SHA-256 of the
-- token is kept, like account tokens, so a copy of the database opens
-- nothing. `subscription_id` is the giver's subscription that granted the
-- article when the link was made: a refund of it ends the link.
CREATE TABLE gift_links (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    article_id TEXT NOT NULL REFERENCES articles (id),
    giver_id TEXT NOT NULL REFERENCES readers (id),
    subscription_id TEXT REFERENCES subscriptions (id),
    publisher INTEGER NOT NULL,
    opens INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX gift_links_giver ON gift_links (giver_id, created_at);
