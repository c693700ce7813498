DROP INDEX checkouts_one_open_per_reader;
ALTER TABLE checkouts DROP COLUMN page_token;
ALTER TABLE checkouts DROP COLUMN source_article;
ALTER TABLE checkouts DROP COLUMN url;
