-- What the magazine sells: tiers (bundles of perks) and their prices.
CREATE TABLE tiers (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    position INTEGER NOT NULL,
    needs_shipping_address INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A perk of a tier; `coming_soon` perks are announced but never granted.
CREATE TABLE tier_perks (
    tier_id TEXT NOT NULL REFERENCES tiers (id) ON DELETE CASCADE,
    perk TEXT NOT NULL CHECK (perk IN ('digital_edition', 'audio', 'exclusive_content', 'archive', 'print_edition', 'ad_free')),
    status TEXT NOT NULL CHECK (status IN ('live', 'coming_soon')),
    PRIMARY KEY (tier_id, perk)
);

CREATE TABLE tier_prices (
    id TEXT PRIMARY KEY NOT NULL,
    tier_id TEXT NOT NULL REFERENCES tiers (id) ON DELETE CASCADE,
    billing_interval TEXT NOT NULL CHECK (billing_interval IN ('month', 'year')),
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    currency TEXT NOT NULL,
    stripe_price_id TEXT,
    UNIQUE (tier_id, billing_interval, currency)
);

-- A reader's subscription to a tier. `state` only moves through
-- conditional updates (WHERE state = <expected>), see db/subscriptions.rs.
CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    reader_id TEXT NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    tier_id TEXT NOT NULL REFERENCES tiers (id),
    state TEXT NOT NULL CHECK (state IN ('incomplete', 'active', 'past_due', 'canceling', 'expired', 'refunded', 'comped')),
    billing_interval TEXT CHECK (billing_interval IN ('month', 'year')),
    current_period_start TIMESTAMP,
    current_period_end TIMESTAMP,
    grace_ends_at TIMESTAMP,
    comped_until TIMESTAMP,
    cancel_reason TEXT,
    provider TEXT,
    provider_customer_id TEXT,
    provider_subscription_id TEXT UNIQUE,
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX subscriptions_reader_id ON subscriptions (reader_id);

-- Append-only history of every state change: who, when, from, to, why.
CREATE TABLE subscription_events (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    from_state TEXT,
    to_state TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX subscription_events_subscription_id ON subscription_events (subscription_id);

-- Uploaded files (audio, edition PDFs), stored under <data dir>/media.
CREATE TABLE media_files (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('audio', 'edition')),
    path TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- An issue of the magazine; readers see it once published_at is set.
CREATE TABLE issues (
    id TEXT PRIMARY KEY NOT NULL,
    number INTEGER NOT NULL UNIQUE,
    volume INTEGER NOT NULL,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    cover_image_url TEXT,
    publication_date TIMESTAMP NOT NULL,
    edition_media_id TEXT REFERENCES media_files (id),
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- An article; the teaser is the first `paywall_cut` paragraphs of the body.
CREATE TABLE articles (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    dek TEXT NOT NULL,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    issue_id TEXT REFERENCES issues (id),
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'registered', 'subscribers')),
    paywall_cut INTEGER,
    audio_media_id TEXT REFERENCES media_files (id),
    audio_duration_seconds INTEGER,
    publication_date TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX articles_issue_id ON articles (issue_id);
CREATE INDEX articles_publication_date ON articles (publication_date);

-- The default offer (PRODUCT.md): digital, and print on top of it.
INSERT INTO tiers (id, name, description, position, needs_shipping_address, created_at, updated_at) VALUES
    ('digital', 'Digital', '24 issues a year, the digital edition, audio of every article, exclusive subscriber content and unlimited access to past issues.', 1, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('print', 'Print + Digital', 'Everything in Digital, plus the print edition mailed to your door.', 2, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
INSERT INTO tier_perks (tier_id, perk, status) VALUES
    ('digital', 'digital_edition', 'live'), ('digital', 'audio', 'live'),
    ('digital', 'exclusive_content', 'live'), ('digital', 'archive', 'live'),
    ('digital', 'ad_free', 'coming_soon'),
    ('print', 'digital_edition', 'live'), ('print', 'audio', 'live'),
    ('print', 'exclusive_content', 'live'), ('print', 'archive', 'live'),
    ('print', 'print_edition', 'live'), ('print', 'ad_free', 'coming_soon');
INSERT INTO tier_prices (id, tier_id, billing_interval, amount_cents, currency) VALUES
    ('digital-month-usd', 'digital', 'month', 900, 'usd'),
    ('digital-year-usd', 'digital', 'year', 9000, 'usd'),
    ('print-month-usd', 'print', 'month', 1500, 'usd'),
    ('print-year-usd', 'print', 'year', 15000, 'usd');
