ALTER TABLE articles DROP COLUMN audio_source;
