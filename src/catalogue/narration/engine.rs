//! Running the speech engine: the configured command is started without a
//! shell, the article's text written to its stdin (then closed, so the
//! engine sees the end), and its stdout handed to the encoder as it comes
//! (`encoder::transcode`), all within `MASTHEAD_NARRATOR_TIMEOUT_SECONDS`.
//! Past the timeout, or once its output is refused, the engine is killed
//! and waited for, so no narrator outlives its job. Its stderr is kept (the
//! start of it) for the job's `last_error`.

use super::encoder::{Encoded, transcode};
use super::error::NarrationError;
use super::narrator::NarratorCommand;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, ChildStdin, Command};
use tokio::task::JoinHandle;

/// How much of a program's stderr is kept for the error message.
const STDERR_KEPT: usize = 1024;
/// How long a finished program's stderr is waited for (a grandchild it
/// left behind may hold it open).
const STDERR_WAIT: Duration = Duration::from_secs(1);

/// Reads `text` aloud with `narrator` and encodes the speech;
/// `max_audio_bytes` caps the encoded file.
pub async fn narrate(
    narrator: &NarratorCommand,
    text: String,
    max_audio_bytes: u64,
) -> Result<Encoded, NarrationError> {
    let mut engine = spawn(&narrator.program, &narrator.args)?;
    let stdin = engine.stdin.take().expect("stdin is piped");
    let stdout = engine.stdout.take().expect("stdout is piped");
    let stderr = keep_stderr(&mut engine);
    let work = async {
        let ((), encoded) = tokio::try_join!(
            feed(stdin, text),
            transcode(stdout, narrator.max_output_bytes, max_audio_bytes)
        )?;
        Ok::<_, NarrationError>(encoded)
    };
    let Ok(outcome) = tokio::time::timeout(narrator.timeout, work).await else {
        // The encoder went with the dropped work (killed on drop).
        stderr.abort();
        let _ = engine.kill().await;
        return Err(NarrationError::TimedOut {
            seconds: narrator.timeout.as_secs(),
        });
    };
    let status = if outcome.is_ok() {
        engine.wait().await?
    } else {
        stop(&mut engine).await?
    };
    // The engine's own failure explains a refused output better than the
    // refusal does; a kill of ours (no exit code) is not a failure of its.
    let failed = !status.success() && (outcome.is_ok() || status.code().is_some());
    if failed {
        return Err(NarrationError::EngineFailed {
            program: narrator.program.clone(),
            status,
            stderr: stderr_of(stderr).await,
        });
    }
    stderr.abort();
    outcome
}

/// Starts `program` with piped stdio, killed if dropped.
pub(super) fn spawn(program: &str, args: &[String]) -> Result<Child, NarrationError> {
    Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|source| NarrationError::Spawn {
            program: program.to_owned(),
            source,
        })
}

/// Kills `child` unless it has exited, and reaps it.
pub(super) async fn stop(child: &mut Child) -> std::io::Result<ExitStatus> {
    // An error here means it has exited already; `wait` tells how.
    let _ = child.start_kill();
    child.wait().await
}

/// Reads `child`'s stderr to its end in the background, keeping the start.
pub(super) fn keep_stderr(child: &mut Child) -> JoinHandle<String> {
    let stderr = child.stderr.take().expect("stderr is piped");
    tokio::spawn(read_capped(stderr))
}

/// What the stderr reader kept, once the program has ended.
pub(super) async fn stderr_of(reader: JoinHandle<String>) -> String {
    match tokio::time::timeout(STDERR_WAIT, reader).await {
        Ok(Ok(kept)) => kept,
        _ => String::new(),
    }
}

/// Writes the text and closes stdin. An engine that stops reading (it
/// exited, or takes only part of its input) is not an error here: its
/// exit status and output tell.
async fn feed(mut stdin: ChildStdin, text: String) -> Result<(), NarrationError> {
    match stdin.write_all(text.as_bytes()).await {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(error.into()),
        _ => Ok(()),
    }
}

/// Reads `reader` to its end; returns the first [`STDERR_KEPT`] bytes.
async fn read_capped(mut reader: impl AsyncRead + Unpin) -> String {
    let mut kept = Vec::new();
    let mut chunk = [0_u8; 4096];
    while let Ok(read) = reader.read(&mut chunk).await {
        if read == 0 {
            break;
        }
        let room = STDERR_KEPT.saturating_sub(kept.len());
        kept.extend_from_slice(&chunk[..read.min(room)]);
    }
    String::from_utf8_lossy(&kept).into_owned()
}
