DROP TABLE articles;
DROP TABLE issues;
DROP TABLE media_files;
DROP TABLE subscription_events;
DROP TABLE subscriptions;
DROP TABLE tier_prices;
DROP TABLE tier_perks;
DROP TABLE tiers;
