//! The `masthead` binary as an operator runs it: defaults on a fresh
//! directory, layered configuration, the production guard, the CLI, and
//! crash safety under SIGKILL and SIGTERM.

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[allow(dead_code)]
#[path = "api/support/test_database.rs"]
mod test_database;

#[allow(dead_code)]
#[path = "api/support/smtp_sink.rs"]
mod smtp_sink;

const BIN: &str = env!("CARGO_BIN_EXE_masthead");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `masthead` command with a clean environment rooted in `dir`.
fn masthead(dir: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(mut command: Command, port: u16) -> Self {
        let child = command.spawn().expect("masthead starts");
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
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
        panic!("masthead did not become healthy at {}", self.base);
    }

    fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().unwrap();
    }

    /// Stops it with SIGTERM, as an operator does, and waits: the log
    /// writer writes out its queued lines on the way (a SIGKILL loses
    /// them).
    fn stop(&mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn defaults_serve_on_a_fresh_directory_with_sqlite_under_data() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut command = masthead(dir.path());
    command.env("MASTHEAD_BIND", format!("127.0.0.1:{port}"));
    let server = Server::start(command, port).await;
    let client = reqwest::Client::new();
    let signup = client
        .post(format!("{}/v1/auth/signup", server.base))
        .json(&json!({"email": "first@example.com", "password": "correct horse battery", "name": "First"}))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), StatusCode::CREATED);
    assert!(
        dir.path().join("data/masthead.db").exists(),
        "the SQLite file lives in ./data"
    );
    assert!(
        dir.path()
            .join("data/keys/access-token-ed25519.pem")
            .exists()
    );
}

#[tokio::test]
async fn environment_overrides_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let (file_port, env_port) = (free_port(), free_port());
    let config = dir.path().join("masthead.toml");
    std::fs::write(
        &config,
        format!("bind = \"127.0.0.1:{file_port}\"\ndata_dir = \"from-file\"\n"),
    )
    .unwrap();
    let mut command = masthead(dir.path());
    command
        .arg("--config")
        .arg(&config)
        .env("MASTHEAD_BIND", format!("127.0.0.1:{env_port}"));
    let _server = Server::start(command, env_port).await;
    assert!(
        dir.path().join("from-file/masthead.db").exists(),
        "the file's data_dir applies"
    );
    assert!(
        reqwest::get(format!("http://127.0.0.1:{file_port}/healthz"))
            .await
            .is_err()
    );
}

#[test]
fn production_refuses_development_defaults_and_names_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let output = masthead(dir.path())
        .env("MASTHEAD_ENV", "production")
        .env("MASTHEAD_BIND", "127.0.0.1:0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for name in [
        "MASTHEAD_JWT_PRIVATE_KEY",
        "MASTHEAD_STRIPE_SECRET_KEY",
        "MASTHEAD_STRIPE_WEBHOOK_SECRET",
        "MASTHEAD_PUBLIC_URL",
        "MASTHEAD_SMTP_URL",
        "MASTHEAD_MAIL_FROM",
        "MASTHEAD_METRICS_TOKEN",
    ] {
        assert!(stderr.contains(name), "{name} not named in: {stderr}");
    }
    assert!(
        !dir.path().join("data").exists(),
        "nothing was created before refusing"
    );
}

/// A reminder day count out of 1 to 365 (`MASTHEAD_RENEWAL_REMINDER_DAYS`)
/// refuses to start, saying which setting and why, before anything is
/// created.
#[test]
fn reminder_days_out_of_range_refuse_to_start() {
    for bad in ["30,0", "400", "30,x"] {
        let dir = tempfile::tempdir().unwrap();
        let output = masthead(dir.path())
            .env("MASTHEAD_BIND", "127.0.0.1:0")
            .env("MASTHEAD_RENEWAL_REMINDER_DAYS", bad)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{bad} accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr
                .to_ascii_lowercase()
                .contains("renewal_reminder_days"),
            "{bad}: {stderr}"
        );
        assert!(!dir.path().join("data").exists(), "{bad}: nothing created");
    }
}

#[test]
fn migrate_applies_migrations_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let output = masthead(dir.path()).arg("migrate").output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.path().join("data/masthead.db").exists());
}

/// `staff create --help` offers the staff roles only; `reader` is not one
/// (readers sign up through the API), so it is neither listed nor accepted.
#[test]
fn staff_create_help_lists_only_staff_roles() {
    let dir = tempfile::tempdir().unwrap();
    for flag in ["-h", "--help"] {
        let help = masthead(dir.path())
            .args(["staff", "create", flag])
            .output()
            .unwrap();
        assert!(help.status.success());
        let text = String::from_utf8(help.stdout).unwrap();
        for role in ["admin", "support", "editor"] {
            assert!(text.contains(role), "{role} missing from:\n{text}");
        }
        assert!(
            !text.contains("- reader") && !text.contains("reader]") && !text.contains(" reader,"),
            "{text}"
        );
    }
    let refused = masthead(dir.path())
        .args([
            "staff",
            "create",
            "--email",
            "r@example.com",
            "--role",
            "reader",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!refused.status.success());
}

#[tokio::test]
async fn staff_create_makes_an_account_with_a_role() {
    let dir = tempfile::tempdir().unwrap();
    let mut create = masthead(dir.path())
        .args([
            "staff",
            "create",
            "--email",
            "Support@Magazine.EXAMPLE",
            "--role",
            "support",
            "--name",
            "Sam",
        ])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    create
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long staff passphrase\n")
        .unwrap();
    let output = create.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let again = masthead(dir.path())
        .args([
            "staff",
            "create",
            "--email",
            "support@magazine.example",
            "--role",
            "admin",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "a second account with the same email is refused"
    );

    let port = free_port();
    let mut command = masthead(dir.path());
    command.env("MASTHEAD_BIND", format!("127.0.0.1:{port}"));
    let server = Server::start(command, port).await;
    let login: Value = reqwest::Client::new()
        .post(format!("{}/v1/auth/login", server.base))
        .json(&json!({"email": "Support@magazine.example", "password": "a long staff passphrase"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(login["reader"]["role"], "support");
}

/// Whether `GET /healthz` answers 200, over a plain blocking socket.
fn healthz_answers(port: u16) -> bool {
    use std::io::Read;
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let request = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    let mut response = String::new();
    stream.write_all(request).is_ok()
        && stream.read_to_string(&mut response).is_ok()
        && response.starts_with("HTTP/1.1 200")
}

#[test]
fn sigterm_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = masthead(dir.path())
        .env("MASTHEAD_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "info")
        .spawn()
        .unwrap();
    // Wait until requests are served (the signal handlers are installed by
    // then), not merely until the port is bound.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !healthz_answers(port) {
        assert!(Instant::now() < deadline, "never served /healthz");
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status after SIGTERM: {status}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("graceful shutdown"), "{stderr}");
}

/// Signs readers up from many connections, kills the server with SIGKILL
/// mid-burst, restarts it, and checks that every signup that was answered
/// 201 can log in.
async fn no_acknowledged_signup_is_lost(database_url: Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let command = || {
        let mut command = masthead(dir.path());
        command.env("MASTHEAD_BIND", format!("127.0.0.1:{port}"));
        // One address signing up (then logging every reader in) as fast as
        // it can: lift the per-address limits.
        command.env("MASTHEAD_SIGNUPS_PER_MINUTE", "1000000");
        command.env("MASTHEAD_LOGIN_ATTEMPTS_PER_MINUTE", "1000000");
        command.env("MASTHEAD_EMAIL_REQUESTS_PER_MINUTE", "1000000");
        if let Some(url) = &database_url {
            command.env("MASTHEAD_DATABASE_URL", url);
        }
        command
    };
    let mut server = Server::start(command(), port).await;
    let base = server.base.clone();
    let client = reqwest::Client::new();
    let answered = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..16)
        .map(|writer| {
            let (client, base, answered) = (client.clone(), base.clone(), answered.clone());
            tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                for n in 0.. {
                    let email = format!("burst-{writer}-{n}@example.com");
                    let sent = client
                        .post(format!("{base}/v1/auth/signup"))
                        .json(&json!({"email": email, "password": "correct horse battery", "name": "Burst"}))
                        .send()
                        .await;
                    match sent {
                        Ok(response) if response.status() == StatusCode::CREATED => {
                            acknowledged.push(email);
                            answered.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(response) => panic!("unexpected {} during the burst", response.status()),
                        Err(_) => break,
                    }
                }
                acknowledged
            })
        })
        .collect();
    // Killed once a burst is under way, however slow the machine: after
    // at least ten acknowledged signups (and with sixteen more in flight).
    eventually(120, "ten signups were acknowledged", || {
        answered.load(Ordering::Relaxed) >= 10
    })
    .await;
    server.kill();
    let mut acknowledged = Vec::new();
    for writer in writers {
        acknowledged.extend(writer.await.unwrap());
    }
    assert!(
        acknowledged.len() >= 10,
        "the burst got only {} signups through",
        acknowledged.len()
    );

    let server = Server::start(command(), port).await;
    for chunk in acknowledged.chunks(8) {
        let logins = chunk.iter().map(|email| {
            client
                .post(format!("{}/v1/auth/login", server.base))
                .json(&json!({"email": email, "password": "correct horse battery"}))
                .send()
        });
        for (email, response) in chunk
            .iter()
            .zip(futures_util::future::join_all(logins).await)
        {
            assert_eq!(
                response.unwrap().status(),
                StatusCode::OK,
                "acknowledged signup {email} was lost"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_signup_sqlite() {
    no_acknowledged_signup_is_lost(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_signup_postgres() {
    let database = test_database::TestDatabase::create();
    no_acknowledged_signup_is_lost(Some(database.url())).await;
}

/// The `Message-ID` header of a raw message (RFC 5322 §3.6.4).
fn message_id(raw: &str) -> String {
    raw.lines()
        .find_map(|line| line.strip_prefix("Message-ID: "))
        .unwrap_or_else(|| panic!("no Message-ID in {raw}"))
        .trim()
        .to_owned()
}

/// The recipients and Message-IDs of `messages`, sorted.
fn deliveries(messages: &[String]) -> Vec<(String, String)> {
    let mut deliveries: Vec<_> = messages
        .iter()
        .map(|raw| {
            let to = raw
                .lines()
                .find_map(|line| line.strip_prefix("To: "))
                .unwrap_or_default()
                .trim()
                .to_owned();
            (to, message_id(raw))
        })
        .collect();
    deliveries.sort();
    deliveries
}

/// Polls `check` every 50 ms for at most `seconds`.
async fn eventually(seconds: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The worst moment to die: three verification emails handed to the mail
/// server, which has taken each message but not yet answered its end of
/// data (RFC 5321 §4.1.1.4), so the jobs are claimed and unsettled when
/// the instance is SIGKILLed. Another instance takes each over once its
/// lease lapses and sends it again with the same `Message-ID` (RFC 5322
/// §3.6.4: one message, however often delivered, which is how a mail
/// system recognises a duplicate), and no job runs a third time.
async fn claimed_jobs_survive_sigkill(database_url: Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let command = |smtp: &smtp_sink::SmtpSink| {
        let mut command = masthead(dir.path());
        command
            .env("MASTHEAD_BIND", format!("127.0.0.1:{port}"))
            .env("MASTHEAD_SMTP_URL", smtp.url())
            .env("MASTHEAD_SMTP_TIMEOUT_SECONDS", "60")
            .env("MASTHEAD_JOB_LEASE_SECONDS", "3")
            .env("MASTHEAD_JOB_POLL_MILLISECONDS", "100")
            .env("MASTHEAD_SIGNUPS_PER_MINUTE", "1000");
        if let Some(url) = &database_url {
            command.env("MASTHEAD_DATABASE_URL", url);
        }
        command
    };
    let readers = [
        "kill-1@example.com",
        "kill-2@example.com",
        "kill-3@example.com",
    ];

    let holding = smtp_sink::SmtpSink::start_holding().await;
    let mut first = Server::start(command(&holding), port).await;
    let client = reqwest::Client::new();
    for email in readers {
        let response = client
            .post(format!("{}/v1/auth/signup", first.base))
            .json(&json!({"email": email, "password": "correct horse battery", "name": "Kill"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    eventually(20, "the mail server holds all three", || {
        holding.messages().len() == readers.len()
    })
    .await;
    first.kill();
    let handed_over = deliveries(&holding.messages());

    let sink = smtp_sink::SmtpSink::start(true).await;
    let _second = Server::start(command(&sink), port).await;
    eventually(30, "the second instance sends all three", || {
        sink.messages().len() >= readers.len()
    })
    .await;
    // Two more leases' time: a job run twice would show by now.
    tokio::time::sleep(Duration::from_secs(7)).await;
    let sent = deliveries(&sink.messages());
    assert_eq!(
        sent, handed_over,
        "each email again, once, as the same message"
    );
    let to: Vec<_> = sent.iter().map(|(to, _)| to.as_str()).collect();
    assert_eq!(to, readers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claimed_jobs_survive_sigkill_sqlite() {
    claimed_jobs_survive_sigkill(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claimed_jobs_survive_sigkill_postgres() {
    let database = test_database::TestDatabase::create();
    claimed_jobs_survive_sigkill(Some(database.url())).await;
}

#[tokio::test]
async fn demo_loads_a_magazine_that_shows_the_gate_working() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let output = masthead(dir.path()).arg("demo").output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let port = free_port();
    let mut command = masthead(dir.path());
    command.env("MASTHEAD_BIND", format!("127.0.0.1:{port}"));
    let server = Server::start(command, port).await;
    let client = reqwest::Client::new();
    let issues: Value = client
        .get(format!("{}/v1/issues", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(issues["total"], 2, "running demo twice loads it once");

    let anonymous: Value = client
        .get(format!("{}/v1/articles/cities-of-water", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(anonymous["is_teaser"], true);

    let login: Value = client
        .post(format!("{}/v1/auth/login", server.base))
        .json(&json!({"email": "subscriber@demo.example", "password": "demo subscriber password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap();
    let audio: Value = client
        .get(format!("{}/v1/articles/cities-of-water/audio", server.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let wav = client
        .get(audio["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(wav.status(), StatusCode::OK);
    assert!(wav.bytes().await.unwrap().starts_with(b"RIFF"));
}

#[test]
fn readers_import_reports_rows_and_imports_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let hash = bcrypt::hash("imported password", 4).unwrap();
    let csv = format!(
        "email,name,password_hash,tier,paid_until
one@example.com,One,{hash},digital,2099-01-01
two@example.com,Two,,,
one@example.com,One Again,,,
broken,Broken,,,
three@example.com,Three,,platinum,2099-01-01
"
    );
    std::fs::write(dir.path().join("readers.csv"), csv).unwrap();
    let run = || {
        masthead(dir.path())
            .args([
                "readers",
                "import",
                "readers.csv",
                "--report",
                "rejected.csv",
            ])
            .output()
            .unwrap()
    };
    let first = run();
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        stdout.contains("imported 2 (with an active subscription: 1)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("duplicates 1\n  line 4 (one@example.com): duplicate of line 2"),
        "{stdout}"
    );
    assert!(
        stdout.contains("rejected 2\n  line 5 (broken): invalid email"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  line 6 (three@example.com): unknown tier \"platinum\""),
        "{stdout}"
    );
    let rejected = std::fs::read_to_string(dir.path().join("rejected.csv")).unwrap();
    assert!(
        rejected.starts_with("line,email,reason\n5,broken,invalid email"),
        "{rejected}"
    );

    let second = run();
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(second.status.success());
    assert!(stdout.contains("imported 0 "), "{stdout}");
    assert!(stdout.contains("duplicates 3\n"), "{stdout}");
}

#[test]
fn readers_import_of_a_missing_file_fails_without_creating_anything() {
    let dir = tempfile::tempdir().unwrap();
    let output = masthead(dir.path())
        .args(["readers", "import", "nowhere.csv"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot read nowhere.csv"), "{stderr}");
    assert!(!dir.path().join("data").exists());

    std::fs::write(
        dir.path().join("headless.csv"),
        "mail,who\na@example.com,A\n",
    )
    .unwrap();
    let output = masthead(dir.path())
        .args(["readers", "import", "headless.csv"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("lacks the required column(s): email, name"),
        "{stderr}"
    );
}

/// Runs `masthead args` (with `stdin` piped in, when given) `runs` times
/// against `url` and returns the exit statuses that were not success.
fn failures(
    dir: &Path,
    url: &str,
    runs: usize,
    args: impl Fn(usize) -> Vec<String>,
    stdin: Option<&[u8]>,
) -> Vec<String> {
    let mut failed = Vec::new();
    for run in 0..runs {
        let mut command = masthead(dir);
        command
            .env("MASTHEAD_DATABASE_URL", url)
            .args(args(run))
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        let mut child = command.spawn().expect("masthead starts");
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input).unwrap();
        }
        let output = child.wait_with_output().unwrap();
        if !output.status.success() {
            failed.push(format!(
                "run {run} of {:?}: {} {}",
                args(run),
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    failed
}

/// Every command closes what it opened before the process exits. Before,
/// r2d2 refilled its idle connection on its own thread after each checkout,
/// and a command that exited while libpq was in the TLS handshake of that
/// connection crashed in OpenSSL's exit handlers (SIGSEGV, exit 139; about
/// 1 `migrate` in 10 on an up-to-date database). Each command runs 100
/// times on one PostgreSQL database, in two lanes.
#[test]
fn every_command_exits_cleanly_100_times_on_postgres() {
    const RUNS: usize = 100;
    let database = test_database::TestDatabase::create();
    let url = database.url();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("readers.csv"),
        "email,name\nimported@reader.example,Imported Reader\n",
    )
    .unwrap();
    let first = failures(dir.path(), &url, 1, |_| vec!["migrate".into()], None);
    assert!(first.is_empty(), "{first:?}");
    let url = url.as_str();
    let dir = dir.path();
    let staff = |run: usize| -> Vec<String> {
        ["staff", "create", "--role", "editor", "--email"]
            .map(String::from)
            .into_iter()
            .chain([format!("editor-{run}@magazine.example")])
            .collect()
    };
    // Two lanes, not four: the SIGKILL tests beside this one need CPU too.
    std::thread::scope(|scope| {
        let lanes = [
            scope.spawn(move || {
                let mut failed = failures(dir, url, RUNS, |_| vec!["migrate".into()], None);
                failed.extend(failures(dir, url, RUNS, |_| vec!["demo".into()], None));
                failed
            }),
            scope.spawn(move || {
                let mut failed =
                    failures(dir, url, RUNS, staff, Some(b"a long staff passphrase\n"));
                failed.extend(failures(
                    dir,
                    url,
                    RUNS,
                    |_| {
                        ["readers", "import", "readers.csv"]
                            .map(String::from)
                            .to_vec()
                    },
                    None,
                ));
                failed
            }),
        ];
        let failed: Vec<String> = lanes
            .into_iter()
            .flat_map(|lane| lane.join().unwrap())
            .collect();
        assert!(
            failed.is_empty(),
            "{} failed runs: {failed:#?}",
            failed.len()
        );
    });
}

/// Attack: replaying a signed media URL read from the server's logs (OWASP
/// Logging Cheat Sheet: access tokens and session identifiers are never
/// logged, <https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude>).
/// The request log names the route pattern, not the path with the token.
#[tokio::test]
async fn signed_media_tokens_never_reach_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let demo = masthead(dir.path()).arg("demo").output().unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let port = free_port();
    let mut command = masthead(dir.path());
    command
        .env("MASTHEAD_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "info");
    let mut server = Server::start(command, port).await;
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{}/v1/auth/login", server.base))
        .json(&json!({"email": "subscriber@demo.example", "password": "demo subscriber password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let audio: Value = client
        .get(format!("{}/v1/articles/cities-of-water/audio", server.base))
        .bearer_auth(login["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = audio["url"].as_str().unwrap().to_owned();
    let token = url
        .split('?')
        .next()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let media = client.get(&url).send().await.unwrap();
    assert_eq!(media.status(), StatusCode::OK);
    server.stop();
    let mut logs = String::new();
    std::io::Read::read_to_string(server.child.stderr.as_mut().unwrap(), &mut logs).unwrap();
    assert!(
        logs.contains("/v1/media/{token}"),
        "the route is logged: {logs}"
    );
    assert!(!logs.contains(&token), "the signed token was logged");
}

/// Attack: another local user of the host reading the database, the
/// development signing key or the outbox's reset links. The data directory
/// is created 0700 and its files 0600 whatever the umask (CWE-276,
/// "Incorrect Default Permissions", <https://cwe.mitre.org/data/definitions/276.html>).
#[cfg(unix)]
#[tokio::test]
async fn data_directory_files_are_private_to_the_service_user() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut command = masthead(dir.path());
    command.env("MASTHEAD_BIND", format!("127.0.0.1:{port}"));
    let mut server = Server::start(command, port).await;
    let signup = reqwest::Client::new()
        .post(format!("{}/v1/auth/signup", server.base))
        .json(&json!({"email": "perm@reader.example", "password": "a long enough passphrase", "name": "P"}))
        .send()
        .await
        .unwrap();
    assert!(signup.status().is_success(), "{}", signup.status());
    server.kill();
    let data = dir.path().join("data");
    assert_eq!(mode(&data), 0o700, "the data directory");
    let outbox = data.join("outbox");
    assert_eq!(mode(&outbox), 0o700, "the outbox");
    let mut files = 0;
    for entry in std::fs::read_dir(&data)
        .unwrap()
        .chain(std::fs::read_dir(&outbox).unwrap())
    {
        let path = entry.unwrap().path();
        if path.is_file() {
            files += 1;
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
    }
    assert!(
        files >= 3,
        "the database, the key and a message were checked"
    );
}

/// Runs `masthead stripe setup` with `args` against `stripe` on a fresh
/// SQLite directory; returns (success, stdout, stderr).
async fn stripe_setup(stripe: &wiremock::MockServer, args: &[&str]) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = masthead(dir.path());
    command
        .args(["stripe", "setup"])
        .args(args)
        .env("MASTHEAD_STRIPE_SECRET_KEY", "sk_test_process")
        .env("MASTHEAD_STRIPE_API_BASE", stripe.uri())
        .env("MASTHEAD_PUBLIC_URL", "https://magazine.example");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    drop(dir);
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `masthead stripe setup` as an operator runs it, against a fake Stripe
/// account that is empty (every list answers no objects,
/// <https://docs.stripe.com/api/pagination>): `--dry-run` says it would
/// make the 2 products, 4 prices, portal configuration and webhook endpoint
/// and sends no write; the real run makes them and prints the endpoint's
/// signing secret, which Stripe returns only on creation
/// (<https://docs.stripe.com/api/webhook_endpoints/create>).
#[tokio::test]
async fn stripe_setup_command_dry_runs_then_prints_the_secret_once() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let stripe = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"object": "list", "data": [], "has_more": false, "url": "/v1/x"}),
        ))
        .mount(&stripe)
        .await;
    Mock::given(method("POST"))
        .respond_with(|request: &wiremock::Request| {
            let kind = request
                .url
                .path()
                .trim_start_matches("/v1/")
                .replace('/', "_");
            ResponseTemplate::new(200).set_body_json(json!({
                "id": format!("{kind}_1"), "secret": "whsec_from_stripe"
            }))
        })
        .mount(&stripe)
        .await;

    let (ok, out, err) = stripe_setup(&stripe, &["--dry-run"]).await;
    assert!(ok, "{err}");
    assert!(out.contains("dry run: 8 change(s) would be made"), "{out}");
    assert!(out.contains("webhook endpoint: created"), "{out}");
    assert!(!out.contains("whsec_"), "{out}");
    let requests = stripe.received_requests().await.unwrap();
    assert!(
        requests.iter().all(|r| r.method.as_str() == "GET"),
        "a dry run writes nothing"
    );

    let (ok, out, err) = stripe_setup(&stripe, &[]).await;
    assert!(ok, "{err}");
    assert!(out.contains("8 change(s) made"), "{out}");
    assert_eq!(out.matches("whsec_from_stripe").count(), 1, "{out}");
    assert!(out.contains("MASTHEAD_STRIPE_WEBHOOK_SECRET"), "{out}");
}

/// Without a secret key there is no account to set up: a clear error,
/// not a panic.
#[test]
fn stripe_setup_without_a_key_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let output = masthead(dir.path())
        .args(["stripe", "setup"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("MASTHEAD_STRIPE_SECRET_KEY"), "{err}");
}
