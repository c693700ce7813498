//! The `masthead` binary as a child process the test owns: a clean
//! environment, its output in a log file (a pipe nobody reads fills up and
//! blocks the server once it logs enough warnings, as it does during an
//! outage), and SIGKILL on drop so no server outlives its test.

use reqwest::StatusCode;
use std::fs::File;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_masthead");

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `masthead` command rooted in `dir` with only `PATH`, `RUST_LOG=warn`
/// and `env` in its environment.
pub fn masthead(dir: &Path, env: &[(&str, String)]) -> Command {
    let mut command = Command::new(BIN);
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn");
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

/// Runs a CLI command of the binary (`demo`, `staff create`), feeding it
/// `stdin`, and asserts it succeeded.
pub fn run_cli(dir: &Path, env: &[(&str, String)], args: &[&str], stdin: &str) -> Output {
    let mut child = masthead(dir, env)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("masthead runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "masthead {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A running server, killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    log: PathBuf,
}

impl Server {
    /// Starts `masthead serve` in `dir` on `port` (the environment must bind
    /// it) and waits until `/healthz` answers; output goes to
    /// `dir/server.log`, appended across restarts.
    pub async fn start(dir: &Path, env: &[(&str, String)], port: u16) -> Self {
        let log = dir.join("server.log");
        let file = File::options()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let child = masthead(dir, env)
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .expect("masthead starts");
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        server.wait_until_healthy().await;
        server
    }

    async fn wait_until_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let response = reqwest::get(format!("{}/healthz", self.base)).await;
            if response.is_ok_and(|r| r.status() == StatusCode::OK) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "masthead did not become healthy at {}:\n{}",
            self.base,
            self.log_tail()
        );
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// SIGKILL: no shutdown, no draining, nothing flushed.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().unwrap();
    }

    /// The last lines the server logged, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
