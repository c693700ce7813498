//! Reading the development mail outbox (`<data dir>/outbox/*.json`), where
//! the tests find the links Masthead emails.

use crate::helpers::TestApp;
use serde_json::Value;

/// Every message written so far, oldest first.
pub fn outbox(app: &TestApp) -> Vec<Value> {
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
pub fn emails_to(app: &TestApp, to: &str, subject: &str) -> Vec<Value> {
    outbox(app)
        .into_iter()
        .filter(|m| m["to"] == to && m["subject"].as_str().unwrap().contains(subject))
        .collect()
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
pub fn latest_token(app: &TestApp, to: &str, subject: &str) -> String {
    let emails = emails_to(app, to, subject);
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
