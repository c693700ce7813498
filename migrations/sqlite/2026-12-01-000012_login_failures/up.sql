-- Failed password checks in the current window (an hour from the first
-- failure), keyed by who is guessed (`subject`: the SHA-256 of the
-- normalised email, whether or not an account uses it, so a locked account
-- and an unknown address answer alike) and from where (`client`: the
-- client address, or '*' for the count over every address). Replaces
-- login_throttle, which counted per account only: anyone could lock a
-- reader out, and only known accounts could be locked.
CREATE TABLE login_failures (
    subject TEXT NOT NULL,
    client TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    failures INTEGER NOT NULL,
    PRIMARY KEY (subject, client)
);
CREATE INDEX login_failures_window_start ON login_failures (window_start);
DROP TABLE login_throttle;
