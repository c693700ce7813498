-- What a reader's payment history shows beside the amount: the tax the
-- provider reported on the invoice, and the provider's page for that
-- invoice (Stripe's hosted_invoice_url). Both unknown (NULL) for payments
-- whose provider reports neither (the development provider, older rows).
ALTER TABLE payments ADD COLUMN tax_cents BIGINT;
ALTER TABLE payments ADD COLUMN invoice_url TEXT;
