-- The claim reads due jobs in (run_at, id) order a few at a time: with id
-- in the index the order comes from it, so a claim stops after the few
-- rows it takes instead of sorting every due job (a backlog of 100,000
-- jobs queued in one instant share their run_at).
DROP INDEX jobs_due;
CREATE INDEX jobs_due ON jobs (state, run_at, id);
