-- The last receipt number each payment provider that numbers its own
-- receipts has given: the development provider's receipts are numbered
-- DEV-000001, DEV-000002, ... (Stripe numbers its invoices itself). A
-- payment takes the next number by incrementing its provider's row in the
-- transaction that records it, so two payments never share a number.
CREATE TABLE receipt_numbers (
    provider TEXT PRIMARY KEY NOT NULL,
    last_number BIGINT NOT NULL
);
INSERT INTO receipt_numbers (provider, last_number) VALUES ('dev', 0);
