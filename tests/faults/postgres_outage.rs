//! PostgreSQL stopped for 10 s under load: requests that need the database
//! answer 503 `database_unavailable` quickly instead of hanging, the gate
//! answers from its cache, the service recovers by itself when the
//! database is back, and no signup acknowledged with 201 is lost.

use crate::binary::{Server, run_cli};
use crate::cluster::PrivatePostgres;
use reqwest::{RequestBuilder, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long PostgreSQL stays down.
const OUTAGE: Duration = Duration::from_secs(10);
/// `MASTHEAD_DATABASE_TIMEOUT_SECONDS` for the server under test.
const DATABASE_TIMEOUT_SECONDS: u64 = 1;
/// The longest any answer may take: the database timeout plus slack for
/// the password hash a signup computes and for a busy two-core machine.
const ANSWER_BOUND: Duration = Duration::from_secs(DATABASE_TIMEOUT_SECONDS + 2);
/// The demo's subscriber-only article.
const ARTICLE: &str = "/v1/articles/cities-of-water/access";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Signup,
    AnonymousGate,
    SubscriberGate,
}

/// One request of the load and how it went.
#[derive(Debug)]
struct Sample {
    kind: Kind,
    sent: Instant,
    took: Duration,
    /// `None`: no answer at all (a transport error or the client's timeout).
    status: Option<StatusCode>,
    /// The problem's content type and code, for error answers.
    problem: Option<(String, String)>,
    email: Option<String>,
}

impl Sample {
    fn ended(&self) -> Instant {
        self.sent + self.took
    }
}

async fn send(kind: Kind, request: RequestBuilder, email: Option<String>) -> Sample {
    let sent = Instant::now();
    let response = request.send().await;
    let took = sent.elapsed();
    let (status, problem) = match response {
        Ok(response) if response.status().is_success() => (Some(response.status()), None),
        Ok(response) => {
            let status = response.status();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let body: Value = response.json().await.unwrap_or_default();
            let code = body["code"].as_str().unwrap_or_default().to_owned();
            (Some(status), Some((content_type, code)))
        }
        Err(_) => (None, None),
    };
    Sample {
        kind,
        sent,
        took,
        status,
        problem,
        email,
    }
}

fn signup(client: &reqwest::Client, base: &str, email: &str) -> RequestBuilder {
    client
        .post(format!("{base}/v1/auth/signup"))
        .json(&json!({"email": email, "password": "correct horse battery", "name": "Load"}))
}

/// Three sign-up loops and two gate loops (an anonymous visitor and the
/// demo subscriber) until `stop`.
fn spawn_load(
    client: &reqwest::Client,
    base: &str,
    subscriber_token: &str,
    stop: &Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<Vec<Sample>>> {
    let kinds = [
        Kind::Signup,
        Kind::Signup,
        Kind::Signup,
        Kind::AnonymousGate,
        Kind::SubscriberGate,
    ];
    kinds
        .into_iter()
        .enumerate()
        .map(|(lane, kind)| {
            let (client, base, stop) = (client.clone(), base.to_owned(), stop.clone());
            let token = subscriber_token.to_owned();
            tokio::spawn(async move {
                let mut samples = Vec::new();
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let sample = match kind {
                        Kind::Signup => {
                            let email = format!("load-{lane}-{n}@example.com");
                            send(kind, signup(&client, &base, &email), Some(email)).await
                        }
                        Kind::AnonymousGate => {
                            send(kind, client.get(format!("{base}{ARTICLE}")), None).await
                        }
                        Kind::SubscriberGate => {
                            let request =
                                client.get(format!("{base}{ARTICLE}")).bearer_auth(&token);
                            send(kind, request, None).await
                        }
                    };
                    samples.push(sample);
                    if kind != Kind::Signup {
                        // Pace the page views; the sign-ups are paced by their hashing.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
                samples
            })
        })
        .collect()
}

/// Signs up until one is acknowledged, from `since`; returns how long that
/// took and the email.
async fn first_signup_after(
    client: &reqwest::Client,
    server: &Server,
    since: Instant,
) -> (Duration, String) {
    for n in 0.. {
        let email = format!("recovery-{n}@example.com");
        let sample = send(Kind::Signup, signup(client, &server.base, &email), None).await;
        assert!(
            sample.took < ANSWER_BOUND,
            "a signup took {:?}",
            sample.took
        );
        if sample.status == Some(StatusCode::CREATED) {
            return (since.elapsed(), email);
        }
        assert!(
            since.elapsed() < Duration::from_secs(20),
            "no signup succeeded within 20 s of PostgreSQL coming back:\n{}",
            server.log_tail()
        );
    }
    unreachable!()
}

/// Every answer came, within the bound, and was a success or a 503
/// `database_unavailable` problem.
fn assert_every_answer_bounded_and_clean(samples: &[Sample], server: &Server) {
    for sample in samples {
        assert!(
            sample.status.is_some() && sample.took < ANSWER_BOUND,
            "{:?} got no answer within {ANSWER_BOUND:?}: {sample:?}\n{}",
            sample.kind,
            server.log_tail()
        );
        if let Some((content_type, code)) = &sample.problem {
            assert_eq!(
                sample.status,
                Some(StatusCode::SERVICE_UNAVAILABLE),
                "{sample:?}"
            );
            assert_eq!(content_type, "application/problem+json");
            assert_eq!(code, "database_unavailable");
        }
    }
}

fn count(samples: &[&Sample], kind: Kind, status: StatusCode) -> usize {
    samples
        .iter()
        .filter(|s| s.kind == kind && s.status == Some(status))
        .count()
}

/// What happened while the database was down.
fn assert_outage_behaviour(samples: &[Sample], down: Instant, back: Instant) {
    let during: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.sent >= down && s.ended() <= back)
        .collect();
    let unavailable = count(&during, Kind::Signup, StatusCode::SERVICE_UNAVAILABLE);
    assert!(unavailable > 0, "no signup was refused during the outage");
    assert_eq!(count(&during, Kind::Signup, StatusCode::CREATED), 0);
    let anonymous = count(&during, Kind::AnonymousGate, StatusCode::OK);
    let subscriber = count(&during, Kind::SubscriberGate, StatusCode::OK);
    assert!(
        anonymous > 0,
        "the anonymous gate did not answer from its cache"
    );
    assert!(
        subscriber > 0,
        "the subscriber's gate did not answer from the cache"
    );
    let slowest_503 = during
        .iter()
        .filter(|s| s.status == Some(StatusCode::SERVICE_UNAVAILABLE))
        .map(|s| s.took)
        .max()
        .unwrap_or_default();
    let gates = during.iter().filter(|s| s.kind != Kind::Signup).count();
    eprintln!(
        "outage: {} requests; signups 503: {unavailable} (slowest {slowest_503:?}); \
         gate 200 from cache: {} of {gates}",
        during.len(),
        anonymous + subscriber,
    );
}

/// Every acknowledged signup logs in.
async fn assert_acknowledged_signups_log_in(
    client: &reqwest::Client,
    server: &Server,
    emails: &[String],
) {
    for chunk in emails.chunks(4) {
        let logins = chunk.iter().map(|email| {
            client
                .post(server.url("/v1/auth/login"))
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

async fn subscriber_token(client: &reqwest::Client, server: &Server) -> String {
    let response = client
        .post(server.url("/v1/auth/login"))
        .json(&json!({"email": "subscriber@demo.example", "password": "demo subscriber password"}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let login: Value = response.json().await.unwrap_or_default();
    assert_eq!(status, StatusCode::OK, "{login}\n{}", server.log_tail());
    let token = login["access_token"].as_str().unwrap().to_owned();
    // Warm the gate's cache: the article, the current issue, the
    // subscriber's session and subscription.
    for bearer in [None, Some(&token)] {
        let mut request = client.get(server.url(ARTICLE));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let access: Value = request.send().await.unwrap().json().await.unwrap();
        assert_eq!(access["granted"], bearer.is_some(), "{access}");
    }
    token
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_for_ten_seconds_under_load_postgres() {
    let _alone = crate::SERIAL.write().await;
    let cluster = match PrivatePostgres::start() {
        Ok(cluster) => cluster,
        Err(why) => {
            eprintln!("SKIPPED: cannot start a private PostgreSQL cluster: {why}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("MASTHEAD_DATABASE_URL", cluster.url()),
        (
            "MASTHEAD_DATABASE_TIMEOUT_SECONDS",
            DATABASE_TIMEOUT_SECONDS.to_string(),
        ),
        ("MASTHEAD_SIGNUPS_PER_MINUTE", "1000000".to_owned()),
        ("MASTHEAD_LOGIN_ATTEMPTS_PER_MINUTE", "1000000".to_owned()),
        // Sign-up mails a verification link, so it counts into the email limit too.
        ("MASTHEAD_EMAIL_REQUESTS_PER_MINUTE", "1000000".to_owned()),
        ("MASTHEAD_WORKERS", "2".to_owned()),
    ];
    run_cli(dir.path(), &env, &["demo"], "");
    let server = Server::start(dir.path(), &env).await;
    // The client's own timeout only keeps a hung server from hanging the
    // test; the assertions use the much tighter ANSWER_BOUND.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let token = subscriber_token(&client, &server).await;

    let stop = Arc::new(AtomicBool::new(false));
    let load = spawn_load(&client, &server.base, &token, &stop);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    cluster.stop_immediately().expect("stop PostgreSQL");
    let down = Instant::now();
    tokio::time::sleep(OUTAGE).await;
    let back = Instant::now();
    cluster.start_again().expect("start PostgreSQL again");
    let (recovery, recovery_email) = first_signup_after(&client, &server, back).await;
    // Some load after the recovery too.
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let mut samples = Vec::new();
    for lane in load {
        samples.extend(lane.await.unwrap());
    }

    assert_every_answer_bounded_and_clean(&samples, &server);
    assert_outage_behaviour(&samples, down, back);
    let mut acknowledged: Vec<String> = samples
        .iter()
        .filter(|s| s.status == Some(StatusCode::CREATED))
        .filter_map(|s| s.email.clone())
        .collect();
    let after = samples
        .iter()
        .filter(|s| s.sent >= back && s.status == Some(StatusCode::CREATED))
        .count();
    assert!(after > 0, "the load's signups did not recover");
    acknowledged.push(recovery_email);
    eprintln!(
        "recovery: first signup 201 {recovery:?} after PostgreSQL was started again; \
         {} signups acknowledged in all, checking each logs in",
        acknowledged.len()
    );
    assert_acknowledged_signups_log_in(&client, &server, &acknowledged).await;
}
