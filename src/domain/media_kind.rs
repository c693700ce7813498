//! What an uploaded file is for, as stored in `media_files.kind`. It lives
//! in the domain (not beside the upload code) so `db/` can carry it in rows
//! without importing the media layer that itself writes through `db/`.

use super::stored_text::stored_as_text;

/// What an uploaded file is for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[strum(serialize_all = "snake_case")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum MediaKind {
    /// An article's audio.
    Audio,
    /// An issue's digital edition.
    Edition,
}

impl MediaKind {
    /// The stored name (`media_files.kind`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The content types accepted for this kind, for error messages.
    pub fn accepted(self) -> &'static str {
        match self {
            Self::Audio => "audio/mpeg, audio/mp4, audio/ogg or audio/wav",
            Self::Edition => "application/pdf",
        }
    }
}

// Rows only ever write the kind today; should one be read back, an unknown
// value must still decode, and which variant grants nothing either way.
stored_as_text!(MediaKind, unknown = MediaKind::Audio);

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
