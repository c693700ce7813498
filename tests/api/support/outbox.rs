//! Reading the development mail outbox (`<data dir>/outbox/*.json`), where
//! the tests find the links Masthead emails.

use crate::support::helpers::TestApp;
use diesel::prelude::*;
use masthead::db::schema::jobs;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Waits until no email job is pending or running: every email the
/// requests so far queued (in their own transactions, so before they
/// answered) has been written, or has given up. So a test that expects no
/// email sees none because none was queued, not because it is late.
pub async fn emails_settled(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let waiting: i64 = jobs::table
            .filter(jobs::kind.eq("send_email"))
            .filter(jobs::state.eq_any(["pending", "running"]))
            .count()
            .get_result(&mut app.db())
            .unwrap();
        if waiting == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{waiting} emails still queued after 15 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Every message written so far, oldest first (once the queue is settled).
pub async fn outbox(app: &TestApp) -> Vec<Value> {
    emails_settled(app).await;
    let dir = app.data_dir.path().join("outbox");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    names.sort();
    names
        .into_iter()
        .map(|path| serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap())
        .collect()
}

/// The messages to `to` whose subject contains `subject`, oldest first.
pub async fn emails_to(app: &TestApp, to: &str, subject: &str) -> Vec<Value> {
    outbox(app)
        .await
        .into_iter()
        .filter(|m| m["to"] == to && m["subject"].as_str().unwrap().contains(subject))
        .collect()
}

/// The newest email to `to` about `subject`, waiting (up to 15 s) for the
/// job that sends it (a gift's delivery runs on the queue).
pub async fn wait_for_email(app: &TestApp, to: &str, subject: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(found) = emails_to(app, to, subject).await.pop() {
            return found;
        }
        assert!(Instant::now() < deadline, "no {subject:?} to {to}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The token of the link in a message's text.
pub fn token_in(message: &Value) -> String {
    let text = message["text"].as_str().unwrap();
    let start = text.find("token=").expect("a link with a token") + "token=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The token of the newest message to `to` with `subject`.
pub async fn latest_token(app: &TestApp, to: &str, subject: &str) -> String {
    let emails = emails_to(app, to, subject).await;
    let last = emails
        .last()
        .unwrap_or_else(|| panic!("no email to {to} about {subject:?}"));
    token_in(last)
}

/// Subjects of the messages Masthead sends.
pub const VERIFY: &str = "Confirm your email address";
pub const CHANGE: &str = "Confirm your new email address";
pub const CHANGE_NOTICE: &str = "Your email address is about to change";
pub const RESET: &str = "Reset your password";
pub const CHANGED: &str = "Your password was changed";
