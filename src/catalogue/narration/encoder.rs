//! Turning the engine's WAV into MP3 as it streams: the header is read
//! (`media::wav`) and checked by the media format check, then the samples
//! are piped through `lame` in raw mode, so the placeholder sizes an engine
//! writes to a pipe are never believed. The length of the audio is the
//! number of sample bytes actually read, over the header's byte rate.
//!
//! Why MP3 and lame: docs/decisions.md. The flags, from lame(1): `-r` raw
//! PCM input, whose `-s` sampling rate (kHz), `--bitwidth`, `--signed` or
//! `--unsigned` and `--little-endian` the header gave; `-a` mixes stereo
//! input down (raw input needs it told); `-m m` mono; `-b 48` a constant
//! 48 kbit/s, ample for speech; `--quiet`; `- -` stdin to stdout.

use super::engine::{keep_stderr, spawn, stderr_of, stop};
use super::error::NarrationError;
use super::narrator::ENCODER;
use crate::media::wav::{PcmFormat, WavHeader, parse_header};
use crate::media::{MediaFormat, SNIFF_BYTES};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::ChildStdin;

/// The most header bytes read before the samples must have started.
const HEADER_MAX_BYTES: usize = 64 * 1024;
/// Bytes read from a pipe at a time.
const CHUNK_BYTES: usize = 64 * 1024;

/// Encoded narration.
#[derive(Debug)]
pub struct Encoded {
    /// The MP3 file.
    pub mp3: Vec<u8>,
    /// How long it runs, in whole seconds (rounded up).
    pub seconds: u64,
}

/// Reads the engine's WAV from `wav` (at most `max_wav_bytes`) and
/// encodes it to MP3 (at most `max_mp3_bytes`).
pub async fn transcode(
    mut wav: impl AsyncRead + Unpin,
    max_wav_bytes: u64,
    max_mp3_bytes: u64,
) -> Result<Encoded, NarrationError> {
    let mut input = Limited {
        read: 0,
        limit: max_wav_bytes,
        what: "the narrator's WAV",
    };
    let mut head = Vec::new();
    let (format, data_starts, data_len) = loop {
        let read = input.read_into(&mut wav, &mut head).await?;
        if head.len() >= SNIFF_BYTES || read == 0 {
            check_is_wav(&head)?;
        }
        match parse_header(&head) {
            WavHeader::Ready {
                format,
                data_starts,
                data_len,
            } => break (format, data_starts, data_len),
            WavHeader::Invalid(why) => return Err(NarrationError::NotAudio(why.to_owned())),
            WavHeader::NeedMore if read == 0 => {
                return Err(NarrationError::NotAudio(
                    "the WAV stream ends inside its header".to_owned(),
                ));
            }
            WavHeader::NeedMore if head.len() > HEADER_MAX_BYTES => {
                return Err(NarrationError::NotAudio(
                    "no samples start in the first 64 KiB".to_owned(),
                ));
            }
            WavHeader::NeedMore => {}
        }
    };
    let mut encoder = spawn(ENCODER, &lame_args(format)?)?;
    let samples_in = encoder.stdin.take().expect("stdin is piped");
    let mp3_out = encoder.stdout.take().expect("stdout is piped");
    let stderr = keep_stderr(&mut encoder);
    let samples = Samples {
        first: head.split_off(data_starts),
        left: data_len.unwrap_or(u64::MAX),
    };
    let outcome = tokio::try_join!(
        samples.pump(wav, input, samples_in),
        read_all(mp3_out, max_mp3_bytes)
    );
    let status = if outcome.is_ok() {
        encoder.wait().await?
    } else {
        stop(&mut encoder).await?
    };
    // As for the engine: its own failure explains a broken pipe best.
    let failed = !status.success() && (outcome.is_ok() || status.code().is_some());
    if failed {
        return Err(NarrationError::EncoderFailed {
            status: status.to_string(),
            stderr: stderr_of(stderr).await,
        });
    }
    stderr.abort();
    let (sample_bytes, mp3) = outcome?;
    if sample_bytes == 0 {
        return Err(NarrationError::NotAudio(
            "the WAV stream holds no samples".to_owned(),
        ));
    }
    Ok(Encoded {
        mp3,
        seconds: format.seconds(sample_bytes),
    })
}

/// The media format check on the stream's first bytes: WAV, or refused.
fn check_is_wav(head: &[u8]) -> Result<(), NarrationError> {
    let sniffed = MediaFormat::sniff(&head[..head.len().min(SNIFF_BYTES)]);
    match sniffed {
        Some(MediaFormat::Wav) => Ok(()),
        Some(other) => Err(NarrationError::NotAudio(format!(
            "it is {}, not WAV",
            other.content_type()
        ))),
        None if head.is_empty() => Err(NarrationError::NotAudio("it wrote nothing".to_owned())),
        None => Err(NarrationError::NotAudio(
            "its first bytes are not a WAV header".to_owned(),
        )),
    }
}

/// lame's arguments for raw samples of `format`, read from stdin and
/// written to stdout as mono MP3.
fn lame_args(format: PcmFormat) -> Result<Vec<String>, NarrationError> {
    let rate = match format.sample_rate {
        8_000 => "8",
        11_025 => "11.025",
        12_000 => "12",
        16_000 => "16",
        22_050 => "22.05",
        24_000 => "24",
        32_000 => "32",
        44_100 => "44.1",
        48_000 => "48",
        other => {
            return Err(NarrationError::NotAudio(format!(
                "{other} Hz is not a sampling rate MP3 has"
            )));
        }
    };
    let bits = format.bits_per_sample.to_string();
    let sign = if format.bits_per_sample == 8 {
        "--unsigned"
    } else {
        "--signed"
    };
    let mut args = vec![
        "-r",
        "-s",
        rate,
        "--bitwidth",
        bits.as_str(),
        sign,
        "--little-endian",
    ];
    if format.channels == 2 {
        args.push("-a");
    }
    args.extend(["-m", "m", "-b", "48", "--quiet", "-", "-"]);
    Ok(args.into_iter().map(str::to_owned).collect())
}

/// Counts what is read from the engine against its limit.
struct Limited {
    read: u64,
    limit: u64,
    what: &'static str,
}

impl Limited {
    /// Reads one chunk from `from` onto `into`; returns how many bytes (0:
    /// the end).
    async fn read_into(
        &mut self,
        from: &mut (impl AsyncRead + Unpin),
        into: &mut Vec<u8>,
    ) -> Result<usize, NarrationError> {
        let before = into.len();
        into.resize(before + CHUNK_BYTES, 0);
        let read = match from.read(&mut into[before..]).await {
            Ok(read) => read,
            Err(error) => {
                into.truncate(before);
                return Err(error.into());
            }
        };
        into.truncate(before + read);
        self.read = self
            .read
            .saturating_add(u64::try_from(read).unwrap_or(u64::MAX));
        if self.read > self.limit {
            return Err(NarrationError::TooLarge {
                what: self.what,
                limit: self.limit,
            });
        }
        Ok(read)
    }
}

/// The samples: those read with the header, then the rest of the stream,
/// up to the `data` chunk's declared length when it declared one.
struct Samples {
    first: Vec<u8>,
    left: u64,
}

impl Samples {
    /// Writes every sample to the encoder, then closes its stdin; what
    /// follows the samples is read and dropped, so the engine never blocks
    /// on a full pipe. Returns the number of sample bytes.
    async fn pump(
        mut self,
        mut wav: impl AsyncRead + Unpin,
        mut input: Limited,
        mut encoder: ChildStdin,
    ) -> Result<u64, NarrationError> {
        let mut sent = 0;
        let mut chunk = std::mem::take(&mut self.first);
        loop {
            let length = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
            let take = length.min(self.left);
            if take > 0 {
                let end = usize::try_from(take).unwrap_or(chunk.len());
                encoder.write_all(&chunk[..end]).await?;
                self.left -= take;
                sent += take;
            }
            chunk.clear();
            if input.read_into(&mut wav, &mut chunk).await? == 0 {
                break;
            }
        }
        drop(encoder);
        Ok(sent)
    }
}

/// Reads `reader` to its end, refusing more than `limit` bytes.
async fn read_all(
    mut reader: impl AsyncRead + Unpin,
    limit: u64,
) -> Result<Vec<u8>, NarrationError> {
    let mut output = Limited {
        read: 0,
        limit,
        what: "the encoded audio",
    };
    let mut bytes = Vec::new();
    while output.read_into(&mut reader, &mut bytes).await? > 0 {}
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lame_is_told_the_raw_format() {
        let mono = PcmFormat {
            channels: 1,
            sample_rate: 22_050,
            bits_per_sample: 16,
        };
        assert_eq!(
            lame_args(mono).unwrap().join(" "),
            "-r -s 22.05 --bitwidth 16 --signed --little-endian -m m -b 48 --quiet - -"
        );
        let stereo = PcmFormat {
            channels: 2,
            sample_rate: 44_100,
            bits_per_sample: 8,
        };
        let args = lame_args(stereo).unwrap().join(" ");
        assert!(
            args.contains("-s 44.1 --bitwidth 8 --unsigned --little-endian -a -m m"),
            "{args}"
        );
        let odd = PcmFormat {
            sample_rate: 44_000,
            ..mono
        };
        assert!(lame_args(odd).is_err());
    }

    #[tokio::test]
    async fn what_is_not_wav_is_refused_before_any_encoder_runs() {
        let cases: [(&[u8], &str); 4] = [
            (b"", "it wrote nothing"),
            (b"The title.\n\nA standfirst.", "not a WAV header"),
            (
                b"ID3\x04\x00\x00\x00\x00\x00\x00\x00\x00",
                "audio/mpeg, not WAV",
            ),
            (b"RIFF\x24\x00\x00\x00WAVEfmt ", "ends inside its header"),
        ];
        for (bytes, why) in cases {
            let refused = transcode(bytes, 1 << 20, 1 << 20).await.unwrap_err();
            assert!(refused.to_string().contains(why), "{refused}");
        }
        let too_much = transcode(&[b'R'; 100][..], 10, 1 << 20).await.unwrap_err();
        assert!(
            matches!(too_much, NarrationError::TooLarge { limit: 10, .. }),
            "{too_much}"
        );
    }
}
