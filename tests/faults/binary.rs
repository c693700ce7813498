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

/// A port nobody listens on right now (someone else may take it before
/// the caller binds it: retry on failure).
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
    /// Starts `masthead serve` in `dir` on a port the operating system
    /// picks (so no other test can take it between choosing and binding,
    /// and be mistaken for this server), learns the port from the server's
    /// log, and waits until `/healthz` answers. Output goes to
    /// `dir/server.log` (JSON lines), appended across restarts.
    pub async fn start(dir: &Path, env: &[(&str, String)]) -> Self {
        let log = dir.join("server.log");
        let offset = std::fs::metadata(&log).map_or(0, |m| m.len());
        let file = File::options()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let child = masthead(dir, env)
            .env("MASTHEAD_BIND", "127.0.0.1:0")
            .env("MASTHEAD_LOG_FORMAT", "json")
            .env("RUST_LOG", "warn,masthead=info")
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .expect("masthead starts");
        let mut server = Self {
            child,
            base: String::new(),
            log,
        };
        let port = server.listening_port(offset).await;
        server.base = format!("http://127.0.0.1:{port}");
        server.wait_until_healthy().await;
        server
    }

    /// The port of the "masthead is listening" line logged after `offset`.
    async fn listening_port(&mut self, offset: u64) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = std::fs::read(&self.log).unwrap_or_default();
            let start = usize::try_from(offset).unwrap().min(text.len());
            let port = String::from_utf8_lossy(&text[start..])
                .lines()
                .filter(|line| line.contains("masthead is listening"))
                .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
                .find_map(|line| line["fields"]["port"].as_u64().or(line["port"].as_u64()));
            if let Some(port) = port {
                return port;
            }
            let exited = self.child.try_wait().unwrap();
            assert!(
                exited.is_none() && Instant::now() < deadline,
                "masthead did not start listening ({exited:?}):\n{}",
                self.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
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
