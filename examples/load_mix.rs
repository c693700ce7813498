//! A realistic load mix against a running Masthead on the demo magazine
//! (`bench/mix` starts one and runs this): virtual readers, one connection
//! each, in a closed loop for a fixed time. By default, the shares of a
//! real magazine's traffic (a reader logs in about once a month against
//! dozens of page views; refresh tokens do the rest):
//!
//! - 90 % article reads and access checks (`GET /v1/articles/{slug}` and
//!   `/access`), half anonymous, half as a logged-in reader (the demo
//!   subscriber or the demo reader),
//! - 5 % `GET /v1/me` and `POST /v1/auth/refresh` (each virtual reader
//!   keeps its own session and rotates its refresh token),
//! - 0.05 % login (the new session replaces the reader's tokens),
//! - 5 % Stripe webhooks, signed like Stripe signs them, each with a new
//!   event id (`customer.subscription.updated` for a subscription that is
//!   not ours, and types Masthead only records).
//!
//! With `--meter` (the server's metered paywall switched on), each virtual
//! reader is also an anonymous visitor who keeps the `masthead_meter`
//! cookie the server sets and sends it back on its anonymous article reads
//! and access checks, as a browser does; `--new-visitors` percent of its
//! anonymous article reads come from a visitor without a cookie, whose
//! first read the meter counts (a write), so both the cached path and the
//! counting path are measured.
//!
//! With `--accounts` and `--slugs` (a magazine from `masthead demo
//! --scale`: `bench/mix` with `SCALE`), the virtual readers log in as the
//! listed accounts and read any of the listed articles instead.
//!
//! Prints requests/s, the count, p50/p99 and the errors (non-2xx or
//! transport) of each operation, and exits 1 on any error.
//!
//! `cargo run --release --example load_mix -- --base http://127.0.0.1:18181 \
//!     --seconds 60 --connections 64 --webhook-secret whsec_...`

use clap::Parser;
use hdrhistogram::Histogram;
use hmac::{Hmac, Mac};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{Value, json};
use sha2::Sha256;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

#[derive(Parser, Debug, Clone)]
#[command(about = "Drives a running Masthead with a realistic request mix")]
struct Args {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:18181")]
    base: String,
    /// How long to run, in seconds.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Virtual readers (= concurrent connections).
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Threads of the load generator's runtime.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// The webhook secret the server is configured with.
    #[arg(long, env = "MASTHEAD_STRIPE_WEBHOOK_SECRET")]
    webhook_secret: String,
    /// Shares (any scale) of articles+access, me+refresh, login, webhooks.
    #[arg(long, default_value = "1800,100,1,100")]
    mix: String,
    /// Seed of the random choices (each reader derives its own).
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Carry the meter cookie on anonymous reads (the server meters).
    #[arg(long)]
    meter: bool,
    /// With `--meter`: percent of anonymous article reads by a new visitor.
    #[arg(long, default_value_t = 10)]
    new_visitors: u32,
    /// A file of accounts to log in as, one email per line, all with
    /// `--password` (a magazine from `masthead demo --scale`); default:
    /// the demo subscriber and the demo reader.
    #[arg(long, requires = "password")]
    accounts: Option<std::path::PathBuf>,
    /// Percent of webhook posts that re-deliver the virtual reader's
    /// previous event (same id and body, signed anew, as Stripe retries):
    /// the server must record each event once.
    #[arg(long, default_value_t = 0)]
    webhook_replays: u32,
    /// The password of every account in `--accounts`.
    #[arg(long)]
    password: Option<String>,
    /// A file of published article slugs to read, one per line; default:
    /// the demo magazine's six.
    #[arg(long)]
    slugs: Option<std::path::PathBuf>,
}

/// The non-empty lines of `path`.
fn lines_of(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    assert!(!lines.is_empty(), "{} is empty", path.display());
    lines
}

/// The accounts the virtual readers log in as: `--accounts`, or the demo's.
fn accounts(args: &Args) -> Vec<(String, String)> {
    match (&args.accounts, &args.password) {
        (Some(path), Some(password)) => lines_of(path)
            .into_iter()
            .map(|email| (email, password.clone()))
            .collect(),
        _ => ACCOUNTS
            .iter()
            .map(|(email, password)| ((*email).to_owned(), (*password).to_owned()))
            .collect(),
    }
}

/// The articles read: `--slugs`, or the demo magazine's.
fn slugs(args: &Args) -> Vec<String> {
    args.slugs.as_deref().map_or_else(
        || SLUGS.iter().map(|slug| (*slug).to_owned()).collect(),
        lines_of,
    )
}

/// The meter cookie's name (`MeterCredential` in the server).
const METER_COOKIE: &str = "masthead_meter";

/// The `name=value` of the meter cookie a response sets, if it sets one.
fn meter_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|cookie| cookie.split(';').next())
        .find(|pair| pair.starts_with(&format!("{METER_COOKIE}=")))
        .map(str::to_owned)
}

/// The demo magazine's published articles (`masthead demo`).
const SLUGS: [&str; 6] = [
    "letter-from-the-editor",
    "the-night-ferry",
    "readers-letters",
    "the-repair-cafe",
    "cities-of-water",
    "notes-for-members",
];

/// The demo readers: even virtual readers are the subscriber.
const ACCOUNTS: [(&str, &str); 2] = [
    ("subscriber@demo.example", "demo subscriber password"),
    ("reader@demo.example", "demo reader password"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    ArticleAnonymous,
    ArticleReader,
    AccessAnonymous,
    AccessReader,
    Me,
    Refresh,
    Login,
    Webhook,
}

impl Op {
    const ALL: [Op; 8] = [
        Op::ArticleAnonymous,
        Op::ArticleReader,
        Op::AccessAnonymous,
        Op::AccessReader,
        Op::Me,
        Op::Refresh,
        Op::Login,
        Op::Webhook,
    ];

    fn name(self) -> &'static str {
        match self {
            Op::ArticleAnonymous => "GET article, anonymous",
            Op::ArticleReader => "GET article, logged in",
            Op::AccessAnonymous => "GET access, anonymous",
            Op::AccessReader => "GET access, logged in",
            Op::Me => "GET /v1/me",
            Op::Refresh => "POST /v1/auth/refresh",
            Op::Login => "POST /v1/auth/login",
            Op::Webhook => "POST /v1/webhooks/stripe",
        }
    }

    fn is_gate(self) -> bool {
        matches!(
            self,
            Op::ArticleAnonymous | Op::ArticleReader | Op::AccessAnonymous | Op::AccessReader
        )
    }
}

/// Cumulative thresholds out of 100 for articles, me+refresh, login.
#[derive(Debug, Clone, Copy)]
struct Mix {
    articles: u32,
    session: u32,
    login: u32,
    total: u32,
}

fn parse_mix(text: &str) -> Mix {
    let parts: Vec<u32> = text
        .split(',')
        .map(|p| p.trim().parse().expect("--mix takes four integers"))
        .collect();
    assert_eq!(parts.len(), 4, "--mix takes four integers");
    Mix {
        articles: parts[0],
        session: parts[0] + parts[1],
        login: parts[0] + parts[1] + parts[2],
        total: parts.iter().sum(),
    }
}

fn pick(rng: &mut StdRng, mix: Mix) -> Op {
    let roll = rng.random_range(0..mix.total);
    let coin = rng.random_bool(0.5);
    if roll < mix.articles {
        match (rng.random_bool(0.5), coin) {
            (true, true) => Op::ArticleAnonymous,
            (true, false) => Op::ArticleReader,
            (false, true) => Op::AccessAnonymous,
            (false, false) => Op::AccessReader,
        }
    } else if roll < mix.session {
        if coin { Op::Me } else { Op::Refresh }
    } else if roll < mix.login {
        Op::Login
    } else {
        Op::Webhook
    }
}

/// What one virtual reader measured.
struct Tally {
    latency: Vec<Histogram<u64>>,
    errors: Vec<u64>,
    samples: Vec<String>,
    /// Webhook posts that re-delivered an event already sent.
    replays: u64,
}

impl Tally {
    fn new() -> Self {
        Self {
            latency: Op::ALL
                .iter()
                .map(|_| Histogram::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds"))
                .collect(),
            errors: vec![0; Op::ALL.len()],
            samples: Vec::new(),
            replays: 0,
        }
    }

    fn merge(&mut self, other: &Tally) {
        for (mine, theirs) in self.latency.iter_mut().zip(&other.latency) {
            mine.add(theirs).expect("same bounds");
        }
        for (mine, theirs) in self.errors.iter_mut().zip(&other.errors) {
            *mine += theirs;
        }
        self.replays += other.replays;
        for sample in &other.samples {
            if self.samples.len() < 10 {
                self.samples.push(sample.clone());
            }
        }
    }
}

struct Reader {
    email: String,
    password: String,
    access: String,
    refresh: String,
}

fn tokens(body: &[u8]) -> Option<(String, String)> {
    let value: Value = serde_json::from_slice(body).ok()?;
    Some((
        value["access_token"].as_str()?.to_owned(),
        value["refresh_token"].as_str()?.to_owned(),
    ))
}

async fn login(client: &reqwest::Client, base: &str, reader: &mut Reader) -> Result<(), String> {
    let response = client
        .post(format!("{base}/v1/auth/login"))
        .json(&json!({"email": reader.email, "password": reader.password}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    let (access, refresh) = tokens(&body)
        .filter(|_| status.is_success())
        .ok_or_else(|| format!("login answered {status}"))?;
    reader.access = access;
    reader.refresh = refresh;
    Ok(())
}

/// `t=<t>,v1=<hex HMAC-SHA256 of "t.body">`, as Stripe signs.
fn stripe_signature(body: &str, secret: &str, t: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{body}").as_bytes());
    let hex = mac
        .finalize()
        .into_bytes()
        .iter()
        .fold(String::new(), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        });
    format!("t={t},v1={hex}")
}

/// A Stripe event with a new id: a subscription snapshot Masthead has no
/// checkout for (looked up, logged, recorded), or a type it only records.
fn stripe_event(n: u64, now: i64) -> String {
    let id = |prefix: &str| format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
    let (kind, object) = match n % 3 {
        0 => (
            "customer.subscription.updated",
            json!({
                "id": id("sub"), "object": "subscription", "customer": id("cus"),
                "status": "active", "cancel_at_period_end": false, "currency": "eur",
                "items": {"object": "list", "data": [{
                    "id": id("si"), "object": "subscription_item",
                    "current_period_start": now - 60, "current_period_end": now + 30 * 86_400,
                }]},
                "metadata": {},
            }),
        ),
        1 => (
            "customer.updated",
            json!({"id": id("cus"), "object": "customer", "email": "someone@example.com"}),
        ),
        _ => (
            "invoice.finalized",
            json!({"id": id("in"), "object": "invoice", "customer": id("cus"), "status": "open"}),
        ),
    };
    json!({
        "id": id("evt"), "object": "event", "api_version": "2025-08-27.basil",
        "created": now, "livemode": false, "pending_webhooks": 1, "type": kind,
        "data": {"object": object},
    })
    .to_string()
}

/// Virtual reader `index`, logged in as one of `accounts` (before the
/// clock starts).
async fn logged_in(
    client: &reqwest::Client,
    base: &str,
    index: usize,
    accounts: &[(String, String)],
) -> Reader {
    let (email, password) = accounts[index % accounts.len()].clone();
    let mut reader = Reader {
        email,
        password,
        access: String::new(),
        refresh: String::new(),
    };
    if let Err(error) = login(client, base, &mut reader).await {
        eprintln!("virtual reader {index} cannot log in: {error}");
        std::process::exit(1);
    }
    reader
}

/// The request of `op` on `slug` by `reader` (an anonymous one carrying the
/// meter `cookie` when metering), or the webhook event `event` (its body).
fn request_for(
    client: &reqwest::Client,
    args: &Args,
    op: Op,
    slug: &str,
    reader: &Reader,
    cookie: Option<&str>,
    event: &str,
) -> reqwest::RequestBuilder {
    let base = args.base.as_str();
    let anonymous = |request: reqwest::RequestBuilder| match (cookie, args.meter) {
        (Some(cookie), true) => request.header(reqwest::header::COOKIE, cookie),
        _ => request,
    };
    match op {
        Op::ArticleAnonymous => anonymous(client.get(format!("{base}/v1/articles/{slug}"))),
        Op::ArticleReader => client
            .get(format!("{base}/v1/articles/{slug}"))
            .bearer_auth(&reader.access),
        Op::AccessAnonymous => anonymous(client.get(format!("{base}/v1/articles/{slug}/access"))),
        Op::AccessReader => client
            .get(format!("{base}/v1/articles/{slug}/access"))
            .bearer_auth(&reader.access),
        Op::Me => client
            .get(format!("{base}/v1/me"))
            .bearer_auth(&reader.access),
        Op::Refresh => client
            .post(format!("{base}/v1/auth/refresh"))
            .json(&json!({"refresh_token": reader.refresh})),
        Op::Login => client
            .post(format!("{base}/v1/auth/login"))
            .json(&json!({"email": reader.email, "password": reader.password})),
        Op::Webhook => {
            let now = chrono::Utc::now().timestamp();
            let body = event.to_owned();
            client
                .post(format!("{base}/v1/webhooks/stripe"))
                .header("content-type", "application/json")
                .header(
                    "stripe-signature",
                    stripe_signature(&body, &args.webhook_secret, now),
                )
                .body(body)
        }
    }
}

async fn run_reader(
    client: reqwest::Client,
    args: Args,
    index: usize,
    mut reader: Reader,
    slugs: std::sync::Arc<Vec<String>>,
    deadline: Instant,
) -> Tally {
    let mix = parse_mix(&args.mix);
    let base = args.base.as_str();
    let mut rng = StdRng::seed_from_u64(args.seed.wrapping_mul(1_000_003) + index as u64);
    let mut tally = Tally::new();
    let mut events = index as u64 * 1_000_000;
    // The body of the last webhook event sent (a replay sends it again).
    let mut event = String::new();
    // The anonymous visitor's meter cookie, once the server set one.
    let mut cookie: Option<String> = None;
    while Instant::now() < deadline {
        let op = pick(&mut rng, mix);
        let slug = slugs[rng.random_range(0..slugs.len())].as_str();
        if args.meter && op == Op::ArticleAnonymous && rng.random_range(0..100) < args.new_visitors
        {
            cookie = None;
        }
        if op == Op::Webhook {
            let replay = !event.is_empty() && rng.random_range(0..100) < args.webhook_replays;
            if replay {
                tally.replays += 1;
            } else {
                events += 1;
                event = stripe_event(events, chrono::Utc::now().timestamp());
            }
        }
        let request = request_for(&client, &args, op, slug, &reader, cookie.as_deref(), &event);
        let started = Instant::now();
        let outcome = match request.send().await {
            Ok(response) => {
                let status = response.status();
                if op == Op::ArticleAnonymous
                    && let Some(set) = meter_cookie(response.headers())
                {
                    cookie = Some(set);
                }
                response
                    .bytes()
                    .await
                    .map(|body| (status, body))
                    .map_err(|e| e.to_string())
            }
            Err(error) => Err(error.to_string()),
        };
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        tally.latency[op as usize].saturating_record(micros.max(1));
        let failure = match outcome {
            Ok((status, body)) if status.is_success() => {
                if matches!(op, Op::Login | Op::Refresh) {
                    if let Some((access, refresh)) = tokens(&body) {
                        reader.access = access;
                        reader.refresh = refresh;
                        None
                    } else {
                        Some(format!("{}: no token pair in the answer", op.name()))
                    }
                } else {
                    None
                }
            }
            Ok((status, body)) => Some(format!(
                "{}: {status} {}",
                op.name(),
                String::from_utf8_lossy(&body[..body.len().min(300)])
            )),
            Err(error) => Some(format!("{}: {error}", op.name())),
        };
        if let Some(failure) = failure {
            tally.errors[op as usize] += 1;
            if tally.samples.len() < 10 {
                tally.samples.push(failure);
            }
            if op == Op::Refresh {
                // The session is gone: start a new one, unmeasured.
                let _ = login(&client, base, &mut reader).await;
            }
        }
    }
    tally
}

#[allow(clippy::cast_precision_loss)]
fn millis(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

#[allow(clippy::cast_precision_loss)]
fn report(args: &Args, total: &Tally, elapsed: Duration) -> u64 {
    let seconds = elapsed.as_secs_f64();
    println!(
        "load mix {} (articles+access, me+refresh, login, webhooks), {} virtual readers, {:.1} s",
        args.mix, args.connections, seconds
    );
    println!(
        "{:<28} {:>9} {:>9} {:>9} {:>9} {:>7}",
        "operation", "count", "req/s", "p50 ms", "p99 ms", "errors"
    );
    let line = |name: &str, h: &Histogram<u64>, errors: u64| {
        println!(
            "{:<28} {:>9} {:>9.0} {:>9.2} {:>9.2} {:>7}",
            name,
            h.len(),
            h.len() as f64 / seconds,
            millis(h.value_at_quantile(0.50)),
            millis(h.value_at_quantile(0.99)),
            errors
        );
    };
    let mut all = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("bounds");
    let mut gate = all.clone();
    let mut errors = 0;
    for op in Op::ALL {
        let h = &total.latency[op as usize];
        line(op.name(), h, total.errors[op as usize]);
        all.add(h).expect("same bounds");
        if op.is_gate() {
            gate.add(h).expect("same bounds");
        }
        errors += total.errors[op as usize];
    }
    let gate_errors = Op::ALL
        .iter()
        .filter(|op| op.is_gate())
        .map(|op| total.errors[*op as usize])
        .sum();
    line("gate (articles + access)", &gate, gate_errors);
    let webhooks = total.latency[Op::Webhook as usize].len();
    if webhooks > 0 {
        println!(
            "webhook posts: {webhooks}, of them {} re-deliveries: {} distinct events",
            total.replays,
            webhooks - total.replays
        );
    }
    line("all", &all, errors);
    for sample in &total.samples {
        println!("  error: {sample}");
    }
    errors
}

fn main() {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads.max(1))
        .enable_all()
        .build()
        .expect("a runtime");
    let (total, elapsed) = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(args.connections)
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        let accounts = accounts(&args);
        let slugs = std::sync::Arc::new(slugs(&args));
        let mut readers = Vec::with_capacity(args.connections);
        for index in 0..args.connections {
            readers.push(logged_in(&client, &args.base, index, &accounts).await);
        }
        let started = Instant::now();
        let deadline = started + Duration::from_secs(args.seconds);
        let tasks: Vec<_> = readers
            .into_iter()
            .enumerate()
            .map(|(index, reader)| {
                tokio::spawn(run_reader(
                    client.clone(),
                    args.clone(),
                    index,
                    reader,
                    std::sync::Arc::clone(&slugs),
                    deadline,
                ))
            })
            .collect();
        let mut total = Tally::new();
        for task in tasks {
            total.merge(&task.await.expect("a reader task"));
        }
        (total, started.elapsed())
    });
    let errors = report(&args, &total, elapsed);
    if errors > 0 {
        std::process::exit(1);
    }
}
