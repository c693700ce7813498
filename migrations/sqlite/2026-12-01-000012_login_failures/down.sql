DROP TABLE login_failures;
CREATE TABLE login_throttle (
    reader_id TEXT PRIMARY KEY NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    window_start TIMESTAMP NOT NULL,
    failures INTEGER NOT NULL
);
