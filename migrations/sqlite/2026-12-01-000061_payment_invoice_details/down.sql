ALTER TABLE payments DROP COLUMN invoice_url;
ALTER TABLE payments DROP COLUMN tax_cents;
