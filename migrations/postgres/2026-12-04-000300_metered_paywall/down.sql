DROP INDEX meters_touched;
DROP TABLE meter_reads;
DROP TABLE meters;
ALTER TABLE articles DROP COLUMN meter_rule;
