//! Where an article's audio came from (`articles.audio_source`): an
//! editor's recording or the narration job's text-to-speech. It decides
//! what may replace what: an upload replaces narrated audio, and neither a
//! republish nor a narration still running replaces a recording.

use super::stored_text::stored_enum;

stored_enum! {
    /// Where an article's audio came from. An unknown stored value (a newer
    /// release's) reads as `recorded`, the one narration never overwrites.
    #[derive(serde::Serialize, utoipa::ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum AudioSource (unknown = Recorded) {
        /// Uploaded by an editor.
        Recorded,
        /// Made by the narration job from the article's text.
        Narrated,
    }
}

impl AudioSource {
    /// Whether the narration job may (re)place audio from this source:
    /// none yet, or its own earlier narration.
    pub fn narration_may_replace(source: Option<Self>) -> bool {
        source != Some(Self::Recorded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_and_what_narration_may_replace() {
        assert_eq!(AudioSource::Recorded.as_str(), "recorded");
        assert_eq!(AudioSource::Narrated.as_str(), "narrated");
        assert_eq!(AudioSource::parse("synthesised"), None);
        assert!(AudioSource::narration_may_replace(None));
        assert!(AudioSource::narration_may_replace(Some(
            AudioSource::Narrated
        )));
        assert!(!AudioSource::narration_may_replace(Some(
            AudioSource::Recorded
        )));
    }
}
