DROP TABLE price_change_moves;
DROP TABLE price_changes;
