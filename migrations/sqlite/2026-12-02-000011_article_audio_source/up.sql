-- Where an article's audio came from: `recorded` (an editor uploaded it) or
-- `narrated` (the narration job made it with a text-to-speech engine), so
-- the site can say which, an upload can replace narrated audio, and a
-- republish never re-narrates a recording. NULL while there is no audio.
-- Audio stored before this migration was uploaded by an editor.
ALTER TABLE articles ADD COLUMN audio_source TEXT
    CHECK (audio_source IN ('recorded', 'narrated'));
UPDATE articles SET audio_source = 'recorded' WHERE audio_media_id IS NOT NULL;
