DROP TABLE payments;
DROP TABLE checkouts;
