//! What an uploaded file is for, as stored in `media_files.kind`. It lives
//! in the domain (not beside the upload code) so `db/` can carry it in rows
//! without importing the media layer that itself writes through `db/`.

use super::stored_text::stored_enum;

stored_enum! {
    /// What an uploaded file is for (`media_files.kind`). Rows only ever
    /// write the kind today; should one be read back, an unknown value must
    /// still decode, and which variant grants nothing either way.
    pub enum MediaKind (unknown = Audio) {
        /// An article's audio.
        Audio,
        /// An issue's digital edition.
        Edition,
    }
}

impl MediaKind {
    /// The content types accepted for this kind, for error messages.
    pub fn accepted(self) -> &'static str {
        match self {
            Self::Audio => "audio/mpeg, audio/mp4, audio/ogg or audio/wav",
            Self::Edition => "application/pdf",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn stored_names_round_trip() {
        for kind in MediaKind::VARIANTS {
            assert_eq!(kind.as_str().parse::<MediaKind>().ok(), Some(*kind));
        }
        assert_eq!(MediaKind::Audio.as_str(), "audio");
        assert_eq!(MediaKind::Edition.as_str(), "edition");
        assert!("podcast".parse::<MediaKind>().is_err());
    }
}
