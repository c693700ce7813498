-- Article bodies in the one form the paywall cut counts (see
-- src/domain/teaser.rs, normalise_body): `\n` line endings, no trailing
-- blanks (space, tab, U+00A0, U+3000) on any line, at most one blank line
-- between paragraphs. SQLite has no regular expressions, so each row is
-- rewritten step by step until nothing changes; every step shortens it.
UPDATE articles SET body = (
    WITH RECURSIVE steps(text) AS (
        SELECT replace(replace(articles.body, char(13, 10), char(10)), char(13), char(10))
        UNION ALL
        SELECT replace(replace(replace(replace(replace(text,
                   ' ' || char(10), char(10)),
                   char(9, 10), char(10)),
                   char(160, 10), char(10)),
                   char(12288, 10), char(10)),
                   char(10, 10, 10), char(10, 10))
        FROM steps
        WHERE instr(text, ' ' || char(10)) > 0
           OR instr(text, char(9, 10)) > 0
           OR instr(text, char(160, 10)) > 0
           OR instr(text, char(12288, 10)) > 0
           OR instr(text, char(10, 10, 10)) > 0
    )
    SELECT text FROM steps
    WHERE instr(text, ' ' || char(10)) = 0
      AND instr(text, char(9, 10)) = 0
      AND instr(text, char(160, 10)) = 0
      AND instr(text, char(12288, 10)) = 0
      AND instr(text, char(10, 10, 10)) = 0
    LIMIT 1
)
WHERE instr(body, char(13)) > 0
   OR instr(body, ' ' || char(10)) > 0
   OR instr(body, char(9, 10)) > 0
   OR instr(body, char(160, 10)) > 0
   OR instr(body, char(12288, 10)) > 0
   OR instr(body, char(10, 10, 10)) > 0;
