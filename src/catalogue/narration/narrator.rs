//! The narrator seam: who turns an article's text into speech, from the
//! settings. `MASTHEAD_NARRATOR=none` is nobody; `command` runs
//! `MASTHEAD_NARRATOR_COMMAND` (text on stdin, WAV on stdout) without a
//! shell, so an article's text can never become part of a command line.
//! The start refuses a command or an encoder that is not installed, rather
//! than letting every narration go dead.

use crate::settings::{NarratorKind, Settings};
use std::path::Path;
use std::time::Duration;

/// The encoder narrated WAV is turned into MP3 with (Debian's `lame`; see
/// docs/decisions.md for why MP3).
pub const ENCODER: &str = "lame";

/// A configured text-to-speech command and its limits.
#[derive(Debug, Clone)]
pub struct NarratorCommand {
    /// The program (looked up on `PATH` unless it names a path).
    pub program: String,
    /// Its arguments, as configured.
    pub args: Vec<String>,
    /// The longest one narration (engine and encoder) may run.
    pub timeout: Duration,
    /// The most WAV the engine may write for one article.
    pub max_output_bytes: u64,
}

/// Who narrates published articles.
#[derive(Debug, Clone)]
pub enum Narrator {
    /// Nobody: nothing is queued.
    None,
    /// The command.
    Command(NarratorCommand),
}

impl Narrator {
    /// The narrator the settings name; an error when `command` is chosen
    /// without a command, or when it or the encoder is not installed.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        if settings.narrator == NarratorKind::None {
            return Ok(Self::None);
        }
        let Some((program, args)) = settings.narrator_command.split_first() else {
            anyhow::bail!(
                "MASTHEAD_NARRATOR=command needs MASTHEAD_NARRATOR_COMMAND (e.g. `espeak-ng --stdout`)"
            );
        };
        for needed in [program.as_str(), ENCODER] {
            anyhow::ensure!(
                installed(needed),
                "MASTHEAD_NARRATOR=command: `{needed}` is not installed (not found on PATH){}",
                if needed == ENCODER {
                    "; narrated audio is encoded to MP3 with it (Debian: apt-get install lame)"
                } else {
                    ""
                }
            );
        }
        Ok(Self::Command(NarratorCommand {
            program: program.clone(),
            args: args.to_vec(),
            timeout: Duration::from_secs(settings.narrator_timeout_seconds.max(1)),
            max_output_bytes: settings.narrator_max_output_bytes,
        }))
    }

    /// Whether publishing queues narrations.
    pub fn is_on(&self) -> bool {
        matches!(self, Self::Command(_))
    }
}

/// Whether `program` can be run: a path to a file, or a name found in a
/// folder of `PATH` (as the process spawn will look it up).
fn installed(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).is_file();
    }
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|folder| folder.join(program).is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(kind: NarratorKind, command: &[&str]) -> anyhow::Result<Narrator> {
        Narrator::from_settings(&Settings {
            narrator: kind,
            narrator_command: command.iter().map(|word| (*word).to_owned()).collect(),
            ..Settings::default()
        })
    }

    #[test]
    fn none_needs_nothing_and_command_needs_a_command() {
        assert!(!with(NarratorKind::None, &[]).unwrap().is_on());
        let missing = with(NarratorKind::Command, &[]).unwrap_err().to_string();
        assert!(missing.contains("MASTHEAD_NARRATOR_COMMAND"), "{missing}");
        let unknown = with(
            NarratorKind::Command,
            &["no-such-narrator-here", "--stdout"],
        )
        .unwrap_err()
        .to_string();
        assert!(
            unknown.contains("`no-such-narrator-here` is not installed"),
            "{unknown}"
        );
    }

    #[test]
    fn programs_are_found_on_the_path_or_by_their_path() {
        assert!(installed("sh"));
        assert!(installed("/bin/sh"));
        assert!(!installed("/bin/no-such-program"));
        assert!(!installed("no-such-program-anywhere"));
    }
}
