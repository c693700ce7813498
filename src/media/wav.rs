//! Reading the header of a WAV stream as it arrives, to learn the PCM
//! format and where the samples start. The sizes in the header are not
//! believed: a speech engine writing to a pipe cannot seek back to fill
//! them in (`espeak-ng --stdout` writes placeholders near 2 GiB), so the
//! length of the audio is the number of sample bytes actually read.
//! RIFF/WAVE layout: the Multimedia Programming Interface and Data
//! Specifications 1.0 (IBM/Microsoft, 1991), "WAVE Form".

/// The sample format of PCM audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PcmFormat {
    /// Interleaved channels (1 mono, 2 stereo).
    pub channels: u16,
    /// Samples per second per channel.
    pub sample_rate: u32,
    /// Bits per sample: 8 (unsigned), 16, 24 or 32 (signed, little-endian).
    pub bits_per_sample: u16,
}

impl PcmFormat {
    /// Bytes of one second of audio.
    pub fn bytes_per_second(self) -> u64 {
        u64::from(self.sample_rate) * u64::from(self.channels) * u64::from(self.bits_per_sample / 8)
    }

    /// Whole seconds `bytes` of samples last, rounded up (a clip of half
    /// a second lasts one).
    pub fn seconds(self, bytes: u64) -> u64 {
        bytes.div_ceil(self.bytes_per_second().max(1))
    }
}

/// What the first bytes of a stream tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WavHeader {
    /// The header goes on past the bytes seen so far.
    NeedMore,
    /// The samples start at `data_starts`; `data_len` is the declared
    /// length of the `data` chunk, unless it is 0 (unknown to the writer).
    Ready {
        /// The samples' format.
        format: PcmFormat,
        /// Offset of the first sample byte.
        data_starts: usize,
        /// The declared length of the samples, when declared.
        data_len: Option<u64>,
    },
    /// Not a WAV header this service can read, and why.
    Invalid(&'static str),
}

/// `WAVE_FORMAT_PCM`.
const FORMAT_PCM: u16 = 1;
/// `WAVE_FORMAT_EXTENSIBLE`, whose sub-format then says PCM or not.
const FORMAT_EXTENSIBLE: u16 = 0xFFFE;

/// Reads the header in `head` (the stream's first bytes).
pub fn parse_header(head: &[u8]) -> WavHeader {
    if head.len() < 12 {
        return WavHeader::NeedMore;
    }
    if &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return WavHeader::Invalid("not a RIFF/WAVE stream");
    }
    let mut format = None;
    let mut at = 12;
    loop {
        let Some(chunk) = head.get(at..at + 8) else {
            return WavHeader::NeedMore;
        };
        let size = u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]);
        let body = at + 8;
        let end = body.saturating_add(usize::try_from(size).unwrap_or(usize::MAX));
        match &chunk[0..4] {
            b"data" => {
                let Some(format) = format else {
                    return WavHeader::Invalid("the samples come before their format");
                };
                return WavHeader::Ready {
                    format,
                    data_starts: body,
                    data_len: (size != 0).then_some(u64::from(size)),
                };
            }
            b"fmt " => {
                let Some(fields) = head.get(body..end) else {
                    return WavHeader::NeedMore;
                };
                match pcm_format(fields) {
                    Ok(found) => format = Some(found),
                    Err(why) => return WavHeader::Invalid(why),
                }
            }
            _ => {}
        }
        // Chunks are padded to an even length.
        at = end.saturating_add(usize::from(size % 2 == 1));
    }
}

/// The format of a `fmt ` chunk's fields, if it is integer PCM.
fn pcm_format(fields: &[u8]) -> Result<PcmFormat, &'static str> {
    let u16_at = |offset: usize| u16::from_le_bytes([fields[offset], fields[offset + 1]]);
    if fields.len() < 16 {
        return Err("the format chunk is too short");
    }
    let tag = u16_at(0);
    let pcm = match tag {
        FORMAT_PCM => true,
        // The sub-format GUID's first two bytes are the format tag.
        FORMAT_EXTENSIBLE => fields.len() >= 26 && u16_at(24) == FORMAT_PCM,
        _ => false,
    };
    if !pcm {
        return Err("the samples are not integer PCM");
    }
    let format = PcmFormat {
        channels: u16_at(2),
        sample_rate: u32::from_le_bytes([fields[4], fields[5], fields[6], fields[7]]),
        bits_per_sample: u16_at(14),
    };
    if !matches!(format.channels, 1 | 2) {
        return Err("only mono or stereo audio is taken");
    }
    if !matches!(format.bits_per_sample, 8 | 16 | 24 | 32) {
        return Err("samples are 8, 16, 24 or 32 bits");
    }
    if format.sample_rate == 0 {
        return Err("the sample rate is 0");
    }
    Ok(format)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header `espeak-ng --stdout` writes: 22,050 Hz mono 16-bit, with
    /// placeholder sizes.
    fn espeak_header() -> Vec<u8> {
        let mut head = b"RIFF\x24\xf0\xff\x7fWAVEfmt \x10\x00\x00\x00".to_vec();
        head.extend_from_slice(&[1, 0, 1, 0]);
        head.extend_from_slice(&22_050_u32.to_le_bytes());
        head.extend_from_slice(&44_100_u32.to_le_bytes());
        head.extend_from_slice(&[2, 0, 16, 0]);
        head.extend_from_slice(b"data\x00\xf0\xff\x7f");
        head
    }

    #[test]
    fn reads_espeak_ng_s_header() {
        let head = espeak_header();
        let format = PcmFormat {
            channels: 1,
            sample_rate: 22_050,
            bits_per_sample: 16,
        };
        assert_eq!(
            parse_header(&head),
            WavHeader::Ready {
                format,
                data_starts: 44,
                data_len: Some(0x7fff_f000),
            }
        );
        assert_eq!(format.bytes_per_second(), 44_100);
        assert_eq!(format.seconds(44_100 * 3), 3);
        assert_eq!(format.seconds(44_100 * 3 + 1), 4);
        assert_eq!(format.seconds(0), 0);
    }

    #[test]
    fn waits_for_the_whole_header() {
        let head = espeak_header();
        for cut in [0, 11, 12, 19, 30, 43] {
            assert_eq!(parse_header(&head[..cut]), WavHeader::NeedMore, "{cut}");
        }
    }

    #[test]
    fn skips_other_chunks_and_reads_extensible_pcm() {
        let mut head = b"RIFF\x00\x00\x00\x00WAVELIST\x03\x00\x00\x00abc\x00".to_vec();
        head.extend_from_slice(b"fmt \x28\x00\x00\x00");
        head.extend_from_slice(&[0xFE, 0xFF, 2, 0]);
        head.extend_from_slice(&48_000_u32.to_le_bytes());
        head.extend_from_slice(&192_000_u32.to_le_bytes());
        head.extend_from_slice(&[4, 0, 16, 0, 22, 0, 16, 0, 3, 0, 0, 0, 1, 0]);
        head.extend_from_slice(&[0; 14]);
        head.extend_from_slice(b"data\x00\x00\x00\x00");
        let WavHeader::Ready {
            format,
            data_starts,
            data_len,
        } = parse_header(&head)
        else {
            panic!("{:?}", parse_header(&head));
        };
        assert_eq!((format.channels, format.sample_rate), (2, 48_000));
        assert_eq!((data_starts, data_len), (head.len(), None));
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert_eq!(
            parse_header(b"ID3\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
            WavHeader::Invalid("not a RIFF/WAVE stream")
        );
        let mut float = espeak_header();
        float[20] = 3;
        assert_eq!(
            parse_header(&float),
            WavHeader::Invalid("the samples are not integer PCM")
        );
        let mut surround = espeak_header();
        surround[22] = 6;
        assert!(matches!(parse_header(&surround), WavHeader::Invalid(_)));
        let mut data_first = b"RIFF\x00\x00\x00\x00WAVE".to_vec();
        data_first.extend_from_slice(b"data\x00\x00\x00\x00");
        assert!(matches!(parse_header(&data_first), WavHeader::Invalid(_)));
    }
}
