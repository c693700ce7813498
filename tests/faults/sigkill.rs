//! SIGKILL in the middle of a mixed load of sign-ups, Stripe webhooks and
//! staff refunds, on SQLite and on PostgreSQL: after a restart every
//! operation that was acknowledged is there exactly once, unacknowledged
//! ones are there at most once, and delivering every webhook and sending
//! every refund again still applies each exactly once.

use crate::binary::{Server, run_cli};
use crate::support::fake_stripe::FakeStripe;
use crate::support::staff_fixtures::{PaidSubscription, paid_subscription_on};
use crate::support::stripe_events::{Purchase, WEBHOOK_SECRET, purchase_on, signature};
use crate::support::test_database::TestDatabase;
use diesel::prelude::*;
use masthead::db::DbConnection;
use masthead::db::readers::NewReader;
use masthead::db::schema::{payments, refunds, subscription_events, subscriptions, webhook_events};
use masthead::domain::{Password, ReaderId, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Prepared checkouts (webhooks) and paid subscriptions (refunds): more
/// than the load gets through before the kill.
const FIXTURES: usize = 60;
const PASSWORD: &str = "correct horse battery";
/// How many signups, events and refunds must have been acknowledged before
/// the kill, so that each kind is well under way (and, with [`FIXTURES`]
/// of each, far from done).
const ENOUGH_BEFORE_THE_KILL: [usize; 3] = [10, 10, 5];

/// What the load works on.
struct Fixtures {
    /// Each purchase with its two events, built once so that a
    /// redelivery carries the same event ids, as Stripe's retries do.
    purchases: Vec<(Purchase, [Value; 2])>,
    paid: Vec<PaidSubscription>,
    staff_token: String,
}

/// What the server acknowledged before it was killed.
#[derive(Default)]
struct Acknowledged {
    signups: Vec<String>,
    /// Event ids answered 200.
    events: HashSet<String>,
    /// Indexes into `Fixtures::paid` answered 200.
    refunds: HashSet<usize>,
}

/// `n` readers inserted directly (they only need to exist); their ids.
fn insert_readers(conn: &mut DbConnection, n: usize) -> Vec<String> {
    let hash =
        masthead::auth::hash_password(&Password::parse(PASSWORD.to_owned()).unwrap()).unwrap();
    let now = chrono::Utc::now().naive_utc();
    (0..n)
        .map(|_| {
            let id = ReaderId::generate();
            let email = format!("fixture-{}@example.com", uuid::Uuid::new_v4().simple());
            masthead::db::readers::insert(
                conn,
                &NewReader::new(&id, &email, &hash, "Fixture", Role::Reader, now),
            )
            .unwrap();
            id.to_string()
        })
        .collect()
}

async fn prepare(database_url: &str, server: &Server) -> Fixtures {
    let mut conn = DbConnection::open(database_url).unwrap();
    let readers = insert_readers(&mut conn, 2 * FIXTURES);
    let (buyers, subscribers) = readers.split_at(FIXTURES);
    let purchases = buyers
        .iter()
        .map(|r| {
            let purchase = purchase_on(&mut conn, r);
            let events = events_of(&purchase);
            (purchase, events)
        })
        .collect();
    let paid = subscribers
        .iter()
        .map(|r| paid_subscription_on(&mut conn, r, "stripe", 10, 1))
        .collect();
    let login: Value = reqwest::Client::new()
        .post(server.url("/v1/auth/login"))
        .json(&json!({"email": "support@magazine.example", "password": "a long staff passphrase"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Fixtures {
        purchases,
        paid,
        staff_token: login["access_token"].as_str().unwrap().to_owned(),
    }
}

/// Delivers `event` signed now; `None` when the server did not answer.
async fn deliver(client: &reqwest::Client, server: &str, event: &Value) -> Option<StatusCode> {
    let body = event.to_string();
    let header = signature(&body, WEBHOOK_SECRET, chrono::Utc::now().timestamp());
    let response = client
        .post(format!("{server}/v1/webhooks/stripe"))
        .header("content-type", "application/json")
        .header("stripe-signature", header)
        .body(body)
        .send()
        .await;
    response.ok().map(|r| r.status())
}

/// Refunds `paid` as staff; the status and body, `None` when the server
/// did not answer.
async fn refund(
    client: &reqwest::Client,
    server: &str,
    token: &str,
    paid: &PaidSubscription,
) -> Option<(StatusCode, Value)> {
    let response = client
        .post(format!(
            "{server}/v1/admin/subscriptions/{}/refund",
            paid.id
        ))
        .bearer_auth(token)
        .json(&json!({"reason": "asked within the guarantee"}))
        .send()
        .await
        .ok()?;
    let status = response.status();
    Some((status, response.json().await.unwrap_or_default()))
}

/// The two events that complete a purchase.
fn events_of(purchase: &Purchase) -> [Value; 2] {
    let now = chrono::Utc::now().timestamp();
    [
        purchase.session_completed(now),
        purchase.first_invoice_paid(now),
    ]
}

/// Counts of acknowledgements so far: signups, events, refunds.
type Progress = Arc<[AtomicUsize; 3]>;

fn signup_lane(
    client: reqwest::Client,
    base: String,
    lane: usize,
    progress: Progress,
) -> tokio::task::JoinHandle<Acknowledged> {
    tokio::spawn(async move {
        let mut acknowledged = Acknowledged::default();
        for n in 0.. {
            let email = format!("mixed-{lane}-{n}@example.com");
            let sent = client
                .post(format!("{base}/v1/auth/signup"))
                .json(&json!({"email": email, "password": PASSWORD, "name": "Mixed"}))
                .send()
                .await;
            match sent {
                Ok(response) if response.status() == StatusCode::CREATED => {
                    acknowledged.signups.push(email);
                    progress[0].fetch_add(1, Ordering::Relaxed);
                }
                Ok(response) => panic!("signup answered {}", response.status()),
                Err(_) => break,
            }
        }
        acknowledged
    })
}

fn webhook_lane(
    client: reqwest::Client,
    base: String,
    events: Vec<Value>,
    progress: Progress,
) -> tokio::task::JoinHandle<Acknowledged> {
    tokio::spawn(async move {
        let mut acknowledged = Acknowledged::default();
        for event in events {
            match deliver(&client, &base, &event).await {
                Some(StatusCode::OK) => {
                    acknowledged
                        .events
                        .insert(event["id"].as_str().unwrap().to_owned());
                    progress[1].fetch_add(1, Ordering::Relaxed);
                }
                Some(other) => panic!("{} answered {other}", event["type"]),
                None => break,
            }
        }
        acknowledged
    })
}

fn refund_lane(
    client: reqwest::Client,
    base: String,
    token: String,
    paid: Vec<(usize, PaidSubscription)>,
    progress: Progress,
) -> tokio::task::JoinHandle<Acknowledged> {
    tokio::spawn(async move {
        let mut acknowledged = Acknowledged::default();
        for (index, subscription) in paid {
            match refund(&client, &base, &token, &subscription).await {
                Some((StatusCode::OK, _)) => {
                    acknowledged.refunds.insert(index);
                    progress[2].fetch_add(1, Ordering::Relaxed);
                }
                Some((status, body)) => panic!("refund answered {status}: {body}"),
                None => break,
            }
        }
        acknowledged
    })
}

/// Runs the mixed load, SIGKILLs the server once each kind of operation
/// has been acknowledged [`ENOUGH_BEFORE_THE_KILL`] times, and returns what was acknowledged.
async fn load_and_kill(server: &mut Server, fixtures: &Fixtures) -> Acknowledged {
    let client = reqwest::Client::new();
    let progress: Progress = Arc::new(Default::default());
    let mut lanes = Vec::new();
    for lane in 0..4 {
        lanes.push(signup_lane(
            client.clone(),
            server.base.clone(),
            lane,
            progress.clone(),
        ));
    }
    for lane in 0..3 {
        let events = fixtures
            .purchases
            .iter()
            .skip(lane)
            .step_by(3)
            .flat_map(|(_, events)| events.iter().cloned())
            .collect();
        lanes.push(webhook_lane(
            client.clone(),
            server.base.clone(),
            events,
            progress.clone(),
        ));
        let paid = fixtures
            .paid
            .iter()
            .cloned()
            .enumerate()
            .skip(lane)
            .step_by(3)
            .collect();
        lanes.push(refund_lane(
            client.clone(),
            server.base.clone(),
            fixtures.staff_token.clone(),
            paid,
            progress.clone(),
        ));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while progress
        .iter()
        .zip(ENOUGH_BEFORE_THE_KILL)
        .any(|(count, enough)| count.load(Ordering::Relaxed) < enough)
    {
        assert!(
            Instant::now() < deadline,
            "the load did not get going:\n{}",
            server.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill();
    let mut acknowledged = Acknowledged::default();
    for lane in lanes {
        let done = lane.await.unwrap();
        acknowledged.signups.extend(done.signups);
        acknowledged.events.extend(done.events);
        acknowledged.refunds.extend(done.refunds);
    }
    acknowledged
}

fn count_where<F>(conn: &mut DbConnection, query: F) -> i64
where
    F: FnOnce(&mut DbConnection) -> QueryResult<i64>,
{
    query(conn).unwrap()
}

/// Each purchase's effects are there at most once, and exactly once when
/// one of its events was acknowledged; each acknowledged event is recorded.
fn assert_purchases_applied_once(
    conn: &mut DbConnection,
    fixtures: &Fixtures,
    acked: &HashSet<String>,
) {
    for (purchase, events) in &fixtures.purchases {
        let [completed, paid] = events
            .each_ref()
            .map(|e| acked.contains(e["id"].as_str().unwrap()));
        let ours: Vec<String> = subscriptions::table
            .filter(subscriptions::provider_subscription_id.eq(&purchase.subscription))
            .select(subscriptions::id)
            .load(conn)
            .unwrap();
        assert!(
            ours.len() <= 1,
            "{} subscriptions for one purchase",
            ours.len()
        );
        if completed || paid {
            assert_eq!(ours.len(), 1, "an acknowledged purchase was lost");
        }
        let payments = count_where(conn, |c| {
            payments::table
                .filter(payments::reader_id.eq(&purchase.reader_id))
                .count()
                .get_result(c)
        });
        assert!(payments <= 1, "{payments} payments for one invoice");
        if paid {
            assert_eq!(payments, 1, "the acknowledged invoice.paid was lost");
        }
        for id in &ours {
            let activations = count_where(conn, |c| {
                subscription_events::table
                    .filter(subscription_events::subscription_id.eq(id))
                    .filter(subscription_events::to_state.eq("active"))
                    .count()
                    .get_result(c)
            });
            assert_eq!(activations, 1, "one activation of {id}");
        }
    }
    for id in acked {
        let stored = count_where(conn, |c| {
            webhook_events::table
                .filter(webhook_events::id.eq(id))
                .count()
                .get_result(c)
        });
        assert_eq!(stored, 1, "acknowledged event {id} not recorded");
    }
}

/// Each subscription was refunded at most once (one refund row for its
/// one payment, one move to `refunded`), and exactly once when
/// `done` says so; at Stripe, each payment was only ever refunded under one
/// idempotency key, so the money moved at most once.
async fn assert_refunded_at_most_once(
    conn: &mut DbConnection,
    fixtures: &Fixtures,
    done: &HashSet<usize>,
    stripe: &FakeStripe,
) {
    for (index, paid) in fixtures.paid.iter().enumerate() {
        let rows = count_where(conn, |c| {
            refunds::table
                .filter(refunds::subscription_id.eq(&paid.id))
                .count()
                .get_result(c)
        });
        let moves = count_where(conn, |c| {
            subscription_events::table
                .filter(subscription_events::subscription_id.eq(&paid.id))
                .filter(subscription_events::to_state.eq("refunded"))
                .count()
                .get_result(c)
        });
        let state: String = subscriptions::table
            .find(&paid.id)
            .select(subscriptions::state)
            .first(conn)
            .unwrap();
        assert!(
            rows <= 1 && moves <= 1,
            "{}: {rows} refunds, {moves} moves",
            paid.id
        );
        assert_eq!(
            moves == 1,
            state == "refunded",
            "{}: {state} after {moves} moves",
            paid.id
        );
        if done.contains(&index) {
            assert_eq!(
                (rows, moves),
                (1, 1),
                "acknowledged refund of {} lost",
                paid.id
            );
        }
    }
    let mut keys: HashMap<String, HashSet<String>> = HashMap::new();
    for call in stripe.calls_to("/v1/refunds").await {
        let payment = call.param("payment_intent").unwrap_or_default().to_owned();
        keys.entry(payment)
            .or_default()
            .extend(call.idempotency_key);
    }
    for (payment, keys) in keys {
        assert_eq!(
            keys.len(),
            1,
            "{payment} refunded under several keys: {keys:?}"
        );
    }
}

/// After the restart: every acknowledged signup logs in.
async fn assert_signups_log_in(server: &Server, emails: &[String]) {
    let client = reqwest::Client::new();
    for chunk in emails.chunks(8) {
        let logins = chunk.iter().map(|email| {
            client
                .post(server.url("/v1/auth/login"))
                .json(&json!({"email": email, "password": PASSWORD}))
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

/// Delivers every event again (Stripe retrying what it never got an answer
/// to, and what it did); each answers 200.
async fn redeliver_everything(server: &Server, fixtures: &Fixtures) -> HashSet<String> {
    let client = reqwest::Client::new();
    let mut delivered = HashSet::new();
    for chunk in fixtures.purchases.chunks(8) {
        let rounds = chunk.iter().map(|(_, events)| {
            let client = &client;
            async move {
                for event in events {
                    let status = deliver(client, &server.base, event).await;
                    assert_eq!(
                        status,
                        Some(StatusCode::OK),
                        "redelivered {}",
                        event["type"]
                    );
                }
            }
        });
        futures_util::future::join_all(rounds).await;
        for (_, events) in chunk {
            delivered.extend(events.iter().map(|e| e["id"].as_str().unwrap().to_owned()));
        }
    }
    delivered
}

/// Sends every refund again: acknowledged ones replay, the others refund
/// now, except one whose claim the killed process held (409
/// `refund_in_progress` until the claim goes stale). Returns the indexes
/// now refunded.
async fn resend_every_refund(
    server: &Server,
    fixtures: &Fixtures,
    acked: &HashSet<usize>,
) -> HashSet<usize> {
    let client = reqwest::Client::new();
    let mut refunded = HashSet::new();
    for (index, paid) in fixtures.paid.iter().enumerate() {
        let (status, body) = refund(&client, &server.base, &fixtures.staff_token, paid)
            .await
            .expect("the restarted server answers");
        match status {
            StatusCode::OK => {
                assert_eq!(body["subscription"]["state"], "refunded", "{body}");
                if acked.contains(&index) {
                    assert_eq!(body["replayed"], true, "{body}");
                }
                refunded.insert(index);
            }
            StatusCode::CONFLICT if !acked.contains(&index) => {
                assert_eq!(body["code"], "refund_in_progress", "{body}");
            }
            other => panic!("refund of {} answered {other}: {body}", paid.id),
        }
    }
    refunded
}

async fn sigkill_during_mixed_load(database_url: String) {
    let dir = tempfile::tempdir().unwrap();
    let stripe = FakeStripe::start().await;
    let env = [
        ("MASTHEAD_DATABASE_URL", database_url.clone()),
        ("MASTHEAD_SIGNUPS_PER_MINUTE", "1000000".to_owned()),
        ("MASTHEAD_LOGIN_ATTEMPTS_PER_MINUTE", "1000000".to_owned()),
        // Sign-up mails a verification link, so it counts into the email limit too.
        ("MASTHEAD_EMAIL_REQUESTS_PER_MINUTE", "1000000".to_owned()),
        ("MASTHEAD_STRIPE_SECRET_KEY", "sk_test_masthead".to_owned()),
        ("MASTHEAD_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET.to_owned()),
        ("MASTHEAD_STRIPE_API_BASE", stripe.url()),
    ];
    let staff = [
        "staff",
        "create",
        "--email",
        "support@magazine.example",
        "--role",
        "support",
    ];
    run_cli(dir.path(), &env, &staff, "a long staff passphrase\n");
    let mut server = Server::start(dir.path(), &env).await;
    let fixtures = prepare(&database_url, &server).await;

    let acked = load_and_kill(&mut server, &fixtures).await;
    eprintln!(
        "acknowledged before SIGKILL: {} signups, {} of {} events, {} of {} refunds",
        acked.signups.len(),
        acked.events.len(),
        2 * FIXTURES,
        acked.refunds.len(),
        FIXTURES
    );
    let server = Server::start(dir.path(), &env).await;
    let mut conn = DbConnection::open(&database_url).unwrap();
    assert_signups_log_in(&server, &acked.signups).await;
    assert_purchases_applied_once(&mut conn, &fixtures, &acked.events);
    assert_refunded_at_most_once(&mut conn, &fixtures, &acked.refunds, &stripe).await;

    let delivered = redeliver_everything(&server, &fixtures).await;
    assert_purchases_applied_once(&mut conn, &fixtures, &delivered);
    let refunded = resend_every_refund(&server, &fixtures, &acked.refunds).await;
    assert!(refunded.is_superset(&acked.refunds));
    eprintln!(
        "after the restart: {} of {FIXTURES} subscriptions refunded, the others' claims \
         still held by the killed process",
        refunded.len()
    );
    assert_refunded_at_most_once(&mut conn, &fixtures, &refunded, &stripe).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_signups_webhooks_and_refunds_sqlite() {
    let _alone = crate::SERIAL.write().await;
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("masthead.db").to_str().unwrap().to_owned();
    sigkill_during_mixed_load(url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_signups_webhooks_and_refunds_postgres() {
    let _alone = crate::SERIAL.write().await;
    let database = TestDatabase::create();
    sigkill_during_mixed_load(database.url()).await;
}
