-- The durable job queue: work a change makes necessary (an email, a
-- scheduled sweep), written in the change's own transaction so a committed
-- change always gets its job and a rolled-back one never does. Workers in
-- every instance claim due jobs by setting `lease_until`; a job whose
-- worker died is claimed again once its lease has passed. `dedupe_key`
-- makes one effect one job (a periodic sweep's kind and period, so it runs
-- once per period across instances). `provider_message_id` is what the
-- mail provider called the message a job sent.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    run_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    dedupe_key TEXT UNIQUE,
    last_error TEXT,
    provider_message_id TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX jobs_due ON jobs (state, run_at);
