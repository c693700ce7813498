-- Article bodies in the one form the paywall cut counts (see
-- src/domain/teaser.rs, normalise_body): `\n` line endings, no trailing
-- blanks (space, tab, U+00A0, U+3000) on any line, at most one blank line
-- between paragraphs.
UPDATE articles SET body = regexp_replace(
    regexp_replace(
        regexp_replace(body, '\r\n?', E'\n', 'g'),
        '[ \t\u00a0\u3000]+\n', E'\n', 'g'),
    '\n{3,}', E'\n\n', 'g')
WHERE body ~ '\r|[ \t\u00a0\u3000]\n|\n\n\n';
