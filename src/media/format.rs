//! Which files the magazine accepts, told apart by their first bytes:
//! the declared content type of an upload must name the format its
//! content really has, so a renamed text file is never served as a PDF.

pub use crate::domain::MediaKind;

/// A file format the magazine stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaFormat {
    /// A PDF document (digital edition).
    Pdf,
    /// MPEG audio layer III.
    Mp3,
    /// AAC or ALAC audio in an MPEG-4 container (`.m4a`).
    Mp4Audio,
    /// Vorbis or Opus audio in an Ogg container.
    Ogg,
    /// PCM audio in a RIFF/WAVE container.
    Wav,
}

/// How many leading bytes [`MediaFormat::sniff`] needs at most.
pub const SNIFF_BYTES: usize = 12;

impl MediaFormat {
    /// The canonical content type stored and served.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Mp3 => "audio/mpeg",
            Self::Mp4Audio => "audio/mp4",
            Self::Ogg => "audio/ogg",
            Self::Wav => "audio/wav",
        }
    }

    /// The file extension used in the media folder.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Mp3 => "mp3",
            Self::Mp4Audio => "m4a",
            Self::Ogg => "ogg",
            Self::Wav => "wav",
        }
    }

    /// What the format may be uploaded as.
    pub fn kind(self) -> MediaKind {
        match self {
            Self::Pdf => MediaKind::Edition,
            Self::Mp3 | Self::Mp4Audio | Self::Ogg | Self::Wav => MediaKind::Audio,
        }
    }

    /// The format a declared content type names (its essence, lowercase,
    /// without parameters), including common aliases.
    pub fn from_declared(essence: &str) -> Option<Self> {
        match essence {
            "application/pdf" | "application/x-pdf" => Some(Self::Pdf),
            "audio/mpeg" | "audio/mp3" | "audio/mpeg3" | "audio/x-mpeg-3" => Some(Self::Mp3),
            "audio/mp4" | "audio/m4a" | "audio/x-m4a" => Some(Self::Mp4Audio),
            "audio/ogg" | "application/ogg" | "audio/opus" => Some(Self::Ogg),
            "audio/wav" | "audio/x-wav" | "audio/wave" | "audio/vnd.wave" => Some(Self::Wav),
            _ => None,
        }
    }

    /// The format the first bytes of a file show, if any; `head` holds up
    /// to [`SNIFF_BYTES`] bytes (fewer when the file is shorter).
    pub fn sniff(head: &[u8]) -> Option<Self> {
        let at =
            |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
        if at(0, b"%PDF-") {
            Some(Self::Pdf)
        } else if at(0, b"ID3") || is_mpeg_frame_sync(head) {
            Some(Self::Mp3)
        } else if at(4, b"ftyp") {
            Some(Self::Mp4Audio)
        } else if at(0, b"OggS") {
            Some(Self::Ogg)
        } else if at(0, b"RIFF") && at(8, b"WAVE") {
            Some(Self::Wav)
        } else {
            None
        }
    }
}

/// An MPEG audio frame header: eleven set sync bits, and a layer other
/// than the reserved `00` (which AAC's ADTS uses instead).
fn is_mpeg_frame_sync(head: &[u8]) -> bool {
    matches!(head, [0xFF, second, ..] if second & 0xE0 == 0xE0 && second & 0x06 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_every_format() {
        let cases: [(&[u8], MediaFormat); 6] = [
            (b"%PDF-1.7\n", MediaFormat::Pdf),
            (b"ID3\x04\x00\x00\x00\x00", MediaFormat::Mp3),
            (&[0xFF, 0xFB, 0x90, 0x64], MediaFormat::Mp3),
            (b"\x00\x00\x00\x20ftypM4A ", MediaFormat::Mp4Audio),
            (b"OggS\x00\x02", MediaFormat::Ogg),
            (b"RIFF\x24\x08\x00\x00WAVEfmt ", MediaFormat::Wav),
        ];
        for (head, format) in cases {
            assert_eq!(MediaFormat::sniff(head), Some(format), "{head:?}");
        }
    }

    #[test]
    fn refuses_lookalikes() {
        for head in [
            &b"hello, this is text"[..],
            b"%PDF",
            b"RIFF\x24\x08\x00\x00AVI ",
            &[0xFF, 0xF1, 0x50, 0x80],
            &[0xFF],
            b"",
        ] {
            assert_eq!(MediaFormat::sniff(head), None, "{head:?}");
        }
    }

    #[test]
    fn declared_types_map_to_formats_of_the_right_kind() {
        assert_eq!(
            MediaFormat::from_declared("audio/x-wav"),
            Some(MediaFormat::Wav)
        );
        assert_eq!(MediaFormat::from_declared("text/plain"), None);
        assert_eq!(MediaFormat::Pdf.kind(), MediaKind::Edition);
        assert_eq!(MediaFormat::Ogg.kind(), MediaKind::Audio);
    }
}
