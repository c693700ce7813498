//! Structured logs and the request id that ties a request's lines together.
//!
//! Lines are formatted on the thread that logs them and handed to a
//! dedicated writer thread through a bounded queue
//! (`tracing-appender`'s non-blocking writer), so a request never waits
//! on a write to stderr: written synchronously, the line per request
//! halved the gate's throughput at the default level. When the writer
//! falls behind (a slow terminal or log shipper) and the queue is full,
//! new lines are dropped rather than slowing the service, and counted:
//! `masthead_log_lines_dropped_total` in `/metrics`.

use crate::settings::LogFormat;
use std::io::Write;
use std::sync::OnceLock;
use tracing_appender::non_blocking::{ErrorCounter, NonBlocking, NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

/// How many formatted lines may wait for the writer thread (a burst of
/// about a second at full load) before new ones are dropped.
pub const QUEUED_LINES: usize = 65_536;

/// The installed writer's count of dropped lines.
static DROPPED: OnceLock<ErrorCounter> = OnceLock::new();

/// Keeps the writer thread running; dropping it writes out what is
/// queued. Held for the life of the process.
#[must_use = "dropping the guard stops the log writer"]
pub struct Logging {
    _writer: WorkerGuard,
}

/// Installs the global subscriber; `RUST_LOG` overrides the default level.
pub fn init(format: LogFormat) -> Logging {
    let (writer, guard) = non_blocking(std::io::stderr(), QUEUED_LINES);
    let _ = DROPPED.set(writer.error_counter());
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    Logging { _writer: guard }
}

/// A writer that hands lines to a thread writing them to `sink`, holding
/// at most `queued` of them and dropping (and counting) the rest.
pub fn non_blocking<W: Write + Send + 'static>(
    sink: W,
    queued: usize,
) -> (NonBlocking, WorkerGuard) {
    NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(queued)
        .thread_name("masthead-log-writer")
        .finish(sink)
}

/// Lines dropped so far because the writer was behind (0 before
/// [`init`], as in tests, which log nowhere).
pub fn dropped_lines() -> u64 {
    DROPPED
        .get()
        .map_or(0, |counter| counter.dropped_lines() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// A sink stuck on its first write until told to go on: a log shipper
    /// that stopped reading.
    struct Stuck(mpsc::Receiver<()>);

    impl Write for Stuck {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let _ = self.0.recv();
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_stuck_sink_drops_and_counts_lines_instead_of_blocking() {
        let (go_on, wait) = mpsc::channel();
        let (mut writer, guard) = non_blocking(Stuck(wait), 4);
        let counter = writer.error_counter();
        let (done, finished) = mpsc::channel();
        std::thread::spawn(move || {
            for _ in 0..100 {
                writer.write_all(b"a line\n").unwrap();
            }
            done.send(()).unwrap();
        });
        // A deadlock guard, not a speed target: a blocking writer never
        // returns while the sink is stuck.
        finished
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("logging waited on a stuck sink");
        // At most the queue and the line being written get through.
        assert!(counter.dropped_lines() >= 90, "{}", counter.dropped_lines());
        drop(go_on);
        drop(guard);
    }
}
