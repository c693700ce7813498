-- A reader's request for their money back under the guarantee; staff
-- approve (which refunds) or deny it with a note. At most one pending
-- request per subscription.
CREATE TABLE refund_requests (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    reader_id TEXT NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
    decided_by TEXT,
    decision_note TEXT,
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX refund_requests_one_pending ON refund_requests (subscription_id) WHERE status = 'pending';
CREATE INDEX refund_requests_status ON refund_requests (status, created_at);
CREATE INDEX refund_requests_reader_id ON refund_requests (reader_id);

-- The claim on refunding a subscription: one row per subscription, so of
-- twenty concurrent refund calls one does the work and the others see it
-- in flight (409) or done (the same result). A failed attempt releases
-- the claim for a retry; an attempt that died mid-way is taken over once
-- it is stale. The optional Idempotency-Key of the request that made the
-- claim is unique across subscriptions.
CREATE TABLE refund_actions (
    subscription_id TEXT PRIMARY KEY NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'succeeded', 'failed')),
    idempotency_key TEXT UNIQUE,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    failure TEXT,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);

-- Every staff action: who (and in which role), what, on which target,
-- why, when, and the request that did it; written in the same
-- transaction as the change. Append-only: triggers refuse updates and
-- deletes, and no endpoint offers them. No foreign keys, so an entry
-- outlives whatever it names.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    staff_id TEXT NOT NULL,
    staff_role TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    reader_id TEXT,
    reason TEXT,
    details TEXT,
    request_id TEXT,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_occurred_at ON audit_log (occurred_at);
CREATE INDEX audit_log_staff_id ON audit_log (staff_id, occurred_at);
CREATE INDEX audit_log_reader_id ON audit_log (reader_id, occurred_at);
CREATE INDEX audit_log_action ON audit_log (action, occurred_at);

-- Readers moved from another system: the source is remembered so the
-- import can be told apart from sign-ups.
ALTER TABLE readers ADD COLUMN imported_at TIMESTAMP;

CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
