-- Failed logins per account in the current window (an hour from the first
-- failure): counted in the database, so the limit holds across instances
-- and whatever addresses the attempts come from.
CREATE TABLE login_throttle (
    reader_id TEXT PRIMARY KEY NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    window_start TIMESTAMP NOT NULL,
    failures INTEGER NOT NULL
);
