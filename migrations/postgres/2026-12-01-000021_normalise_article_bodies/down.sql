-- Normalising is not undone: the original line endings and blanks carry no meaning.
SELECT 1;
