-- The scheduled reminders already queued (a renewal reminder, a trial or
-- comp ending, a print address missing before an issue's cut-off), one
-- row per reminder under its key, e.g. `renewal:<subscription>:<period
-- end>:<days>`. Inserted in the transaction that queues the email, so a
-- repeated sweep, or two instances sweeping, send it once. Kept until the
-- date it is about (`about`) has passed, longer than the job that sent it
-- (done jobs are pruned after a week).
CREATE TABLE reminders_sent (
    reminder_key TEXT PRIMARY KEY NOT NULL,
    about TIMESTAMP NOT NULL,
    queued_at TIMESTAMP NOT NULL
);
