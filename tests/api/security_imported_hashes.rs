//! Timing oracles through imported hashes: a failed login for a reader
//! imported with a bcrypt hash (or a cheaper argon2 one) did different
//! work from any other, so its time told that the account exists, and a
//! high-cost imported hash made each login cost up to 17 normal ones.
//! Every verification now does the same work, counted by parameters, not
//! by the clock: `masthead_password_work_total{algorithm}` grows by the
//! same argon2 KiB × passes and bcrypt rounds for every failed login; and
//! the import refuses hashes costlier than a normal login.
//!
//! Follows the OWASP Authentication Cheat Sheet, "Authentication and Error
//! Messages" (the same response, and response time, for a wrong password
//! and an unknown user):
//! <https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html>,
//! and the cost guidance of the OWASP Password Storage Cheat Sheet (bcrypt
//! work factor 10 or more; argon2id m=19 MiB, t=2, p=1):
//! <https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html>.

use crate::support::helpers::TestApp;
use indicatif::ProgressBar;
use masthead::import::{ImportReport, import_readers};
use reqwest::StatusCode;

on_both_backends!(
    a_failed_login_for_an_imported_bcrypt_reader_is_no_timing_oracle,
    without_bcrypt_hashes_logins_cost_one_argon2id,
    an_import_of_costlier_hashes_than_a_normal_login_is_refused,
);

/// argon2id at the current parameters: 19456 KiB × 2 passes.
const ARGON2_BUDGET: i64 = 19_456 * 2;
/// bcrypt at the cap, cost 10.
const BCRYPT_BUDGET: i64 = 1 << 10;

fn import(app: &TestApp, csv: &str) -> ImportReport {
    import_readers(
        &mut app.db(),
        csv.as_bytes(),
        "readers.csv",
        &ProgressBar::hidden(),
    )
    .expect("the file is imported")
}

fn argon2_hash(password: &str, memory: u32, passes: u32) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let params = argon2::Params::new(memory, passes, 1, None).unwrap();
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password(
            password.as_bytes(),
            &SaltString::generate(&mut rand_core::OsRng),
        )
        .unwrap()
        .to_string()
}

/// The password work counters: (argon2, bcrypt).
async fn work(app: &TestApp) -> (i64, i64) {
    let text = app.get("/metrics").await.text().await.unwrap();
    let value = |algorithm: &str| {
        let series = format!("masthead_password_work_total{{algorithm=\"{algorithm}\"}} ");
        text.lines()
            .find_map(|line| line.strip_prefix(series.as_str()))
            .map_or(0, |value| value.trim().parse::<i64>().unwrap())
    };
    (value("argon2"), value("bcrypt"))
}

/// The work one failed login for `email` did.
async fn failed_login_work(app: &TestApp, email: &str) -> (i64, i64) {
    let before = work(app).await;
    let response = app.login(email, "not the password at all").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{email}");
    let after = work(app).await;
    (after.0 - before.0, after.1 - before.1)
}

/// Attack: time failed logins to tell imported (bcrypt, cheap or costly;
/// older argon2) accounts from unknown addresses and native accounts.
/// Every failed login does exactly the same work.
async fn a_failed_login_for_an_imported_bcrypt_reader_is_no_timing_oracle(app: TestApp) {
    let cheap = bcrypt::hash("imported pw", 4).unwrap();
    let capped = bcrypt::hash("imported pw", 10).unwrap();
    let older = argon2_hash("imported pw", 8_192, 3);
    let csv = format!(
        "email,name,password_hash\n\
         cheap@example.com,Cheap,{cheap}\n\
         capped@example.com,Capped,{capped}\n\
         older@example.com,Older,\"{older}\"\n"
    );
    assert_eq!(import(&app, &csv).imported, 3);
    let native = app.new_reader().await;

    let expected = (ARGON2_BUDGET, BCRYPT_BUDGET);
    for email in [
        "cheap@example.com",
        "capped@example.com",
        "older@example.com",
        native.email.as_str(),
        "nobody-at-all@example.com",
    ] {
        assert_eq!(failed_login_work(&app, email).await, expected, "{email}");
    }
    // The right password still works (and upgrades the hash).
    let ok = app.login("cheap@example.com", "imported pw").await;
    assert_eq!(ok.status(), StatusCode::OK);
}

/// The bcrypt budget is paid only while bcrypt hashes are stored: with
/// none, a failed login is one argon2id at the current parameters, for
/// native, unknown and imported-argon2 accounts alike.
async fn without_bcrypt_hashes_logins_cost_one_argon2id(app: TestApp) {
    let older = argon2_hash("imported pw", 4_096, 2);
    let csv = format!("email,name,password_hash\nolder@example.com,Older,\"{older}\"\n");
    assert_eq!(import(&app, &csv).imported, 1);
    let native = app.new_reader().await;
    for email in [
        "older@example.com",
        native.email.as_str(),
        "nobody-at-all@example.com",
    ] {
        assert_eq!(
            failed_login_work(&app, email).await,
            (ARGON2_BUDGET, 0),
            "{email}"
        );
    }
}

/// Attack (CPU exhaustion): one imported row with a bcrypt cost of 14
/// made each login to it cost 17 normal ones. Hashes costlier than a
/// normal login are refused by the import, each row reported.
async fn an_import_of_costlier_hashes_than_a_normal_login_is_refused(app: TestApp) {
    let costly = bcrypt::hash("imported pw", 4)
        .unwrap()
        .replacen("$04$", "$11$", 1);
    let greedy = argon2_hash("imported pw", 19_456, 3);
    let csv = format!(
        "email,name,password_hash\n\
         costly@example.com,Costly,{costly}\n\
         greedy@example.com,Greedy,\"{greedy}\"\n"
    );
    let report = import(&app, &csv);
    assert_eq!(report.imported, 0);
    assert_eq!(report.rejected.len(), 2, "{:?}", report.rejected);
    assert_eq!(
        app.login("costly@example.com", "imported pw")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}
