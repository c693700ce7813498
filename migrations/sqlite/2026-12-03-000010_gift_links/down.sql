DROP TABLE gift_links;
