ALTER TABLE sessions DROP COLUMN second_factor_at;
DROP TABLE staff_recovery_codes;
DROP TABLE staff_second_factors;
