//! Why a narration did not produce audio, and whether trying again can
//! help: an engine that failed, stalled or was cut off may do better next
//! time; output that is not audio, or too much of it, will not change.

use crate::jobs::JobError;

/// A narration that failed.
#[derive(Debug, thiserror::Error)]
pub enum NarrationError {
    /// A program could not be started.
    #[error("cannot start `{program}`: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The speech engine exited with a failure.
    #[error("the narrator `{program}` failed ({status}){}", stderr_suffix(.stderr))]
    EngineFailed {
        /// The program.
        program: String,
        /// How it ended.
        status: std::process::ExitStatus,
        /// The start of what it wrote to stderr.
        stderr: String,
    },
    /// The encoder failed.
    #[error("the encoder `lame` failed ({status}){}", stderr_suffix(.stderr))]
    EncoderFailed {
        /// How it ended.
        status: String,
        /// The start of what it wrote to stderr.
        stderr: String,
    },
    /// The narration ran past `MASTHEAD_NARRATOR_TIMEOUT_SECONDS`; the
    /// engine and the encoder were killed.
    #[error("the narration ran past {seconds} s; the narrator was killed")]
    TimedOut {
        /// The limit.
        seconds: u64,
    },
    /// More output than a limit allows; the engine was killed.
    #[error("{what} passed its limit of {limit} bytes; the narrator was killed")]
    TooLarge {
        /// The engine's WAV or the encoded audio.
        what: &'static str,
        /// The limit.
        limit: u64,
    },
    /// The format check refused the engine's output.
    #[error("the narrator's output is not audio this service reads: {0}")]
    NotAudio(String),
    /// Reading or writing a pipe or a file failed.
    #[error("narration I/O failed: {0}")]
    Io(#[from] std::io::Error),
    /// Storing the audio failed (the database, the media folder).
    #[error("cannot store the narrated audio: {0}")]
    Storing(String),
}

fn stderr_suffix(stderr: &str) -> String {
    let stderr = stderr.trim();
    if stderr.is_empty() {
        String::new()
    } else {
        format!(": {stderr}")
    }
}

impl From<NarrationError> for JobError {
    fn from(error: NarrationError) -> Self {
        match error {
            NarrationError::TooLarge { .. } | NarrationError::NotAudio(_) => {
                JobError::Permanent(error.to_string())
            }
            NarrationError::Spawn { .. }
            | NarrationError::EngineFailed { .. }
            | NarrationError::EncoderFailed { .. }
            | NarrationError::TimedOut { .. }
            | NarrationError::Io(_)
            | NarrationError::Storing(_) => JobError::Retry(error.to_string()),
        }
    }
}
