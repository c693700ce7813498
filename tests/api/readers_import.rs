//! `masthead readers import`, through the library function the command
//! calls, against the app's own database: duplicates and bad rows, running
//! twice, imported passwords (bcrypt, argon2, none) and imported
//! subscriptions, checked through the HTTP API.

use crate::support::helpers::TestApp;
use chrono::{DateTime, Utc};
use indicatif::ProgressBar;
use masthead::domain::{Password, SubscriptionId};
use masthead::import::{ImportReport, import_readers};
use reqwest::StatusCode;
use serde_json::Value;
use std::fmt::Write as _;

on_both_backends!(
    good_rows_are_imported_once_and_bad_rows_reported,
    imported_passwords_log_in_and_are_upgraded,
    imported_subscribers_have_access_until_paid_until,
    a_file_without_the_required_headers_is_refused,
    crlf_files_report_the_lines_an_editor_shows,
    a_file_of_several_batches_reports_every_bad_row_in_file_order,
    a_batch_stores_every_column_of_every_row,
);

fn import(app: &TestApp, csv: &[u8]) -> ImportReport {
    import_readers(&mut app.db(), csv, "readers.csv", &ProgressBar::hidden())
        .expect("the file is imported")
}

fn lines(rows: &[masthead::import::RowNote]) -> Vec<u64> {
    rows.iter().map(|row| row.line).collect()
}

async fn good_rows_are_imported_once_and_bad_rows_reported(app: TestApp) {
    assert_eq!(
        app.signup("taken@example.com", "correct horse battery", "Taken")
            .await
            .status(),
        StatusCode::CREATED
    );
    let mut csv = b"Legacy Id,EMAIL,Name,password_hash,tier,paid_until
1,first@example.com,First Reader,,,
2,Second@Example.COM,Second Reader,,digital,2099-01-01
3,first@example.com,First Again,,,
4,taken@example.com,Taken Elsewhere,,,
5,not-an-email,Bad Email,,,
6,short@example.com,Short Row
7,hash@example.com,Bad Hash,5f4dcc3b5aa765d61d8327deb882cf99,,
8,tier@example.com,Bad Tier,,platinum,2099-01-01
9,date@example.com,Bad Date,,digital,someday
10,odd\"quote@example.com,Odd Quote,,,
11,\"\",Empty Email,,,
"
    .to_vec();
    csv.extend_from_slice(b"12,latin1@example.com,Caf\xe9,,,\n");
    csv.extend_from_slice(b"13,\"never closed@example.com,Unterminated,,,\n");

    let report = import(&app, &csv);
    assert_eq!(report.imported, 2, "{report}");
    assert_eq!(report.subscribed, 1);
    assert_eq!(lines(&report.duplicates), [4, 5]);
    assert_eq!(report.duplicates[0].message, "duplicate of line 2");
    assert_eq!(lines(&report.rejected), [6, 7, 8, 9, 10, 11, 12, 13, 14]);
    assert!(report.rejected[0].message.starts_with("invalid email"));
    assert_eq!(report.rejected[1].message, "expected 6 columns, found 3");
    assert!(
        report.rejected[2]
            .message
            .starts_with("unsupported password_hash")
    );
    assert!(report.rejected[3].message.starts_with("unknown tier"));
    assert!(report.rejected[4].message.starts_with("invalid paid_until"));
    assert!(report.rejected[7].message.starts_with("unreadable row"));

    let second = masthead::db::readers::find_by_email(&mut app.db(), "second@example.com")
        .unwrap()
        .expect("imported with its email normalised");
    assert_eq!(second.name, "Second Reader");
    assert_eq!(second.role, masthead::domain::Role::Reader);
    assert!(second.imported_at.is_some());
    let taken = masthead::db::readers::find_by_email(&mut app.db(), "taken@example.com")
        .unwrap()
        .unwrap();
    assert_eq!(taken.name, "Taken", "an existing account is left alone");
    assert!(taken.imported_at.is_none());

    let again = import(&app, &csv);
    assert_eq!(again.imported, 0, "{again}");
    assert_eq!(lines(&again.duplicates), [2, 3, 4, 5]);
    assert_eq!(again.rejected.len(), report.rejected.len());
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

fn stored_hash(app: &TestApp, email: &str) -> String {
    masthead::db::readers::find_by_email(&mut app.db(), email)
        .unwrap()
        .expect("the reader exists")
        .password_hash
}

async fn imported_passwords_log_in_and_are_upgraded(app: TestApp) {
    let bcrypt = bcrypt::hash("short1", 4).unwrap();
    let older_argon2 = argon2_hash("older argon2 pw", 8_192, 3);
    let current =
        masthead::auth::hash_password(&Password::parse("current argon2 pw".into()).unwrap())
            .unwrap();
    let csv = format!(
        r#"email,name,password_hash
bcrypt@example.com,Bcrypt,{bcrypt}
older@example.com,Older,"{older_argon2}"
current@example.com,Current,"{current}"
nohash@example.com,No Hash,
"#
    );
    assert_eq!(import(&app, csv.as_bytes()).imported, 4);

    assert_eq!(
        app.login("bcrypt@example.com", "short2").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        stored_hash(&app, "bcrypt@example.com"),
        bcrypt,
        "a failed login upgrades nothing"
    );
    assert_eq!(
        app.login("bcrypt@example.com", "short1").await.status(),
        StatusCode::OK
    );
    let upgraded = stored_hash(&app, "bcrypt@example.com");
    assert!(
        upgraded.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{upgraded}"
    );
    assert_eq!(
        app.login("bcrypt@example.com", "short1").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        stored_hash(&app, "bcrypt@example.com"),
        upgraded,
        "upgraded once"
    );

    assert_eq!(
        app.login("older@example.com", "older argon2 pw")
            .await
            .status(),
        StatusCode::OK
    );
    assert!(stored_hash(&app, "older@example.com").starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));

    assert_eq!(
        app.login("current@example.com", "current argon2 pw")
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        stored_hash(&app, "current@example.com"),
        current,
        "already current"
    );

    let unusable = stored_hash(&app, "nohash@example.com");
    assert!(unusable.starts_with('!'));
    for attempt in ["x", unusable.as_str(), &unusable[1..]] {
        assert_eq!(
            app.login("nohash@example.com", attempt).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
}

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

async fn imported_subscribers_have_access_until_paid_until(app: TestApp) {
    let hash = bcrypt::hash("subscriber pw", 4).unwrap();
    let csv = format!(
        "email,name,password_hash,address_line1,city,postal_code,country,tier,paid_until
paid@example.com,Paid,{hash},,,,,digital,2099-06-30T12:00:00Z
lapsed@example.com,Lapsed,{hash},,,,,digital,2001-01-31
print@example.com,Print,{hash},,,,,print,2099-12-31
half@example.com,Half,{hash},1 Fleet Street,London,,,print,2099-12-31
"
    );
    let report = import(&app, csv.as_bytes());
    assert_eq!((report.imported, report.subscribed), (3, 2), "{report}");
    assert_eq!(lines(&report.warnings), [3, 4]);
    assert!(report.warnings[0].message.contains("has passed"));
    assert!(report.warnings[1].message.contains("shipping address"));
    assert_eq!(lines(&report.rejected), [5]);

    let subscription = |email: &'static str| {
        let app = &app;
        async move {
            let login: Value = app
                .login(email, "subscriber pw")
                .await
                .json()
                .await
                .unwrap();
            let token = login["access_token"].as_str().unwrap().to_owned();
            let response = app.get_auth("/v1/me/subscription", &token).await;
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<Value>().await.unwrap()
        }
    };
    let paid = subscription("paid@example.com").await;
    assert_eq!(paid["subscription"]["state"], "active");
    assert_eq!(paid["subscription"]["tier"], "digital");
    assert_eq!(paid["subscription"]["billing_interval"], Value::Null);
    assert_eq!(
        time(&paid["subscription"]["current_period_end"]),
        time(&Value::from("2099-06-30T12:00:00Z"))
    );
    assert!(
        paid["entitlements"]["granted"]
            .as_array()
            .unwrap()
            .contains(&Value::from("exclusive_content"))
    );
    let id = SubscriptionId::from_db(paid["subscription"]["id"].as_str().unwrap().to_owned());
    let events = masthead::db::subscriptions::events(&mut app.db(), &id).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor, "import");
    assert_eq!(
        events[0].reason.as_deref(),
        Some("imported from readers.csv")
    );

    let lapsed = subscription("lapsed@example.com").await;
    assert_eq!(lapsed["subscription"], Value::Null);

    let print = subscription("print@example.com").await;
    assert_eq!(print["subscription"]["tier"], "print");
    assert_eq!(
        time(&print["subscription"]["current_period_end"]),
        time(&Value::from("2100-01-01T00:00:00Z")),
        "a date means the whole of that day"
    );
}

async fn a_file_without_the_required_headers_is_refused(app: TestApp) {
    let csv = b"mail,full name\nada@example.com,Ada\n";
    let error =
        import_readers(&mut app.db(), &csv[..], "x.csv", &ProgressBar::hidden()).unwrap_err();
    assert!(format!("{error:#}").contains("email, name"), "{error:#}");
    assert_eq!(
        app.login("ada@example.com", "anything at all")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

/// What Excel and Python's csv module write: `\r\n` line endings (RFC
/// 4180 §2, <https://www.rfc-editor.org/rfc/rfc4180#section-2>). Every
/// reported line is the one an editor shows, after blank lines and a
/// quoted field spanning two lines too; dates in notes are RFC 3339 to the
/// second.
async fn crlf_files_report_the_lines_an_editor_shows(app: TestApp) {
    let csv = "email,name,tier,paid_until,note\r\n\
               one@example.com,One,,,\r\n\
               not-an-email,Bad,,,\r\n\
               \r\n\
               one@example.com,One Again,,,\r\n\
               two@example.com,Two,,,\"a note\r\non two lines\"\r\n\
               lapsed@example.com,Lapsed,digital,2001-01-31T12:00:00.5Z,\r\n\
               three@example.com,Three,platinum,2099-01-01,\r\n";
    let report = import(&app, csv.as_bytes());
    assert_eq!(report.imported, 3, "{report}");
    assert_eq!(lines(&report.rejected), [3, 9], "{report}");
    assert_eq!(lines(&report.duplicates), [5]);
    assert_eq!(report.duplicates[0].message, "duplicate of line 2");
    assert_eq!(lines(&report.warnings), [8]);
    assert_eq!(
        report.warnings[0].message,
        "paid_until 2001-01-31T12:00:00Z has passed: imported without a subscription"
    );
}

/// Rows are written 500 to a transaction: a file spanning several batches,
/// its bad rows, in-file repeats and registered emails scattered across
/// the batch boundaries, imports every good row once and reports every
/// other one, in file order, whichever batch it fell in.
async fn a_file_of_several_batches_reports_every_bad_row_in_file_order(app: TestApp) {
    assert_eq!(
        app.signup(
            "registered@example.com",
            "correct horse battery",
            "Registered"
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    let mut csv = String::from("email,name,tier,paid_until\n");
    let (mut bad, mut repeats, mut good, mut subscribed) = (Vec::new(), Vec::new(), 0, 0);
    for n in 0..1_300_u64 {
        let line = n + 2;
        if n % 97 == 13 {
            writeln!(csv, "broken-{n},Broken {n},,").unwrap();
            bad.push(line);
        } else if n == 499 || n == 1_000 {
            csv.push_str("registered@example.com,Registered Again,,\n");
            repeats.push(line);
        } else if n % 211 == 5 {
            csv.push_str("reader0@example.com,Repeat,,\n");
            repeats.push(line);
        } else {
            let paid = if n % 10 == 0 {
                "digital,2099-01-01"
            } else {
                ","
            };
            subscribed += usize::from(n % 10 == 0);
            writeln!(csv, "reader{n}@example.com,Reader {n},{paid}").unwrap();
            good += 1;
        }
    }
    let report = import(&app, csv.as_bytes());
    assert_eq!(report.imported, good, "{report}");
    assert_eq!(report.subscribed, subscribed);
    assert_eq!(lines(&report.rejected), bad);
    assert_eq!(lines(&report.duplicates), repeats);
    let again = import(&app, csv.as_bytes());
    assert_eq!(again.imported, 0, "a second run imports nothing");
    assert_eq!(again.duplicates.len(), good + repeats.len());
}

/// A batch goes in as a few multi-row statements: every row keeps its own
/// columns (addresses with and without their optional parts, a password
/// or none, a subscription or none) and every subscription one creation
/// event, across a batch boundary.
async fn a_batch_stores_every_column_of_every_row(app: TestApp) {
    let hash = bcrypt::hash("imported pw", 4).unwrap();
    let mut csv = String::from(
        "email,name,password_hash,address_line1,address_line2,city,region,postal_code,country,tier,paid_until\n",
    );
    for n in 0..700_u32 {
        let password = if n % 7 == 0 { hash.as_str() } else { "" };
        let address = match n % 3 {
            0 => format!("{n} Long Lane,Flat {n},Leeds,West Yorkshire,LS{n} 1AA,GB"),
            1 => format!("{n} Short Street,,Dublin,,D0{n},IE"),
            _ => ",,,,,".to_owned(),
        };
        let paid = match n % 4 {
            0 => "print,2099-01-01",
            1 => "digital,2098-06-30T12:00:00Z",
            _ => ",",
        };
        writeln!(
            csv,
            "row{n}@example.com,Row {n},{password},{address},{paid}"
        )
        .unwrap();
    }
    let report = import(&app, csv.as_bytes());
    assert_eq!(report.imported, 700, "{report}");
    assert_eq!(report.subscribed, 350);

    let mut unusable = std::collections::HashSet::new();
    for n in [0_u32, 1, 2, 3, 497, 498, 499, 500, 501, 503, 699] {
        let email = format!("row{n}@example.com");
        let reader = masthead::db::readers::find_by_email(&mut app.db(), &email)
            .unwrap()
            .unwrap_or_else(|| panic!("{email} is imported"));
        assert_eq!(reader.name, format!("Row {n}"));
        assert!(reader.imported_at.is_some());
        assert_eq!(reader.product_updates, 1, "the column's default applies");
        assert_eq!(address_of(&reader), expected_address(n), "{email}");
        if n % 7 == 0 {
            assert_eq!(reader.password_hash, hash, "{email}");
        } else {
            assert!(
                reader.password_hash.starts_with('!'),
                "{email}: no password"
            );
            assert!(
                unusable.insert(reader.password_hash.clone()),
                "each its own"
            );
        }

        let subscriptions =
            masthead::db::subscriptions::for_reader(&mut app.db(), &reader.reader_id()).unwrap();
        let expected_tier = match n % 4 {
            0 => Some("print"),
            1 => Some("digital"),
            _ => None,
        };
        assert_eq!(
            subscriptions.first().map(|s| s.tier_id.as_str()),
            expected_tier,
            "{email}"
        );
        if let Some(subscription) = subscriptions.first() {
            assert_eq!(subscriptions.len(), 1);
            assert_eq!(subscription.state, "active");
            assert_eq!(subscription.current_period_start, reader.imported_at);
            let id = SubscriptionId::from_db(subscription.id.clone());
            let events = masthead::db::subscriptions::events(&mut app.db(), &id).unwrap();
            assert_eq!(events.len(), 1, "{email}");
            assert_eq!(events[0].from_state, None);
            assert_eq!(events[0].to_state, "active");
            assert_eq!(events[0].actor, "import");
        }
    }
}

/// The six address columns a row of [`a_batch_stores_every_column_of_every_row`] gave.
fn expected_address(n: u32) -> [Option<String>; 6] {
    match n % 3 {
        0 => [
            Some(format!("{n} Long Lane")),
            Some(format!("Flat {n}")),
            Some("Leeds".into()),
            Some("West Yorkshire".into()),
            Some(format!("LS{n} 1AA")),
            Some("GB".into()),
        ],
        1 => [
            Some(format!("{n} Short Street")),
            None,
            Some("Dublin".into()),
            None,
            Some(format!("D0{n}")),
            Some("IE".into()),
        ],
        _ => Default::default(),
    }
}

/// A stored account's six address columns.
fn address_of(reader: &masthead::db::readers::ReaderRow) -> [Option<String>; 6] {
    let address = &reader.address;
    [
        address.line1.clone(),
        address.line2.clone(),
        address.city.clone(),
        address.region.clone(),
        address.postal_code.clone(),
        address.country.clone(),
    ]
}
