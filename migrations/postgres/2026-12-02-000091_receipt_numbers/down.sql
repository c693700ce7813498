DROP TABLE receipt_numbers;
