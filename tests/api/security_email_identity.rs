//! Attack: a second account for one mailbox (or a login that misses the
//! real one) by spelling its address differently: letter case, Unicode
//! composition (Unicode Standard Annex #15, Normalization Forms,
//! <https://www.unicode.org/reports/tr15/>: `ü` precomposed and `u` +
//! U+0308 are canonically equivalent) or a domain in Unicode rather than
//! its IDNA form (UTS #46, <https://www.unicode.org/reports/tr46/>).
//! OWASP's Authentication Cheat Sheet: "User IDs ... should be case-
//! insensitive" (<https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#user-ids>).
//! Also: production refuses `localhost` and IP-literal domains, and the
//! migration lists existing collisions instead of failing.

use crate::support::helpers::{Backend, TestApp, assert_problem, spawn_app_with};
use diesel::prelude::*;
use masthead::db::readers::NewReader;
use masthead::db::schema::{email_collisions, readers};
use masthead::domain::{ReaderId, Role};
use masthead::settings::Environment;
use reqwest::StatusCode;
use serde_json::Value;

on_both_backends!(
    a_second_account_in_another_letter_case_is_refused,
    a_second_account_in_another_unicode_form_is_refused,
    a_unicode_domain_and_its_punycode_are_one_mailbox,
    the_migration_lists_collisions_instead_of_failing,
);
on_both_backends!(with = spawn_production;
    production_refuses_localhost_and_ip_literal_domains,
);

const PASSWORD: &str = "correct horse battery";

async fn signed_up(app: &TestApp, email: &str) -> Value {
    let response = app.signup(email, PASSWORD, "Reader").await;
    assert_eq!(response.status(), StatusCode::CREATED, "{email}");
    response.json().await.unwrap()
}

async fn a_second_account_in_another_letter_case_is_refused(app: TestApp) {
    let first = signed_up(&app, "Ada.Lovelace@Example.com").await;
    assert_eq!(first["reader"]["email"], "ada.lovelace@example.com");
    let second = app
        .signup("ada.lovelace@example.COM", PASSWORD, "Again")
        .await;
    assert_problem(second, StatusCode::CONFLICT, "email_taken").await;
    let login = app.login("ADA.LOVELACE@example.com", PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
}

/// Local parts are ASCII (non-ASCII ones were refused before and still
/// are), so composition matters in the domain: `u` + U+0308 and `ü`.
async fn a_second_account_in_another_unicode_form_is_refused(app: TestApp) {
    signed_up(&app, "reader@mu\u{308}nchen.example").await;
    let second = app
        .signup("reader@m\u{fc}nchen.example", PASSWORD, "Again")
        .await;
    assert_problem(second, StatusCode::CONFLICT, "email_taken").await;
    let login = app.login("READER@M\u{dc}NCHEN.example", PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
}

async fn a_unicode_domain_and_its_punycode_are_one_mailbox(app: TestApp) {
    let first = signed_up(&app, "leser@b\u{fc}cher.example").await;
    assert_eq!(first["reader"]["email"], "leser@xn--bcher-kva.example");
    let second = app
        .signup("leser@xn--bcher-kva.example", PASSWORD, "Again")
        .await;
    assert_problem(second, StatusCode::CONFLICT, "email_taken").await;
    let login = app.login("leser@B\u{dc}CHER.example", PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
}

/// Two accounts stored before the migration as `Mixed@` and `mixed@` (and
/// one not in ASCII) are listed in `email_collisions` and kept as they
/// are; a lone mixed-case address is lower-cased. The migration is run
/// again on the app's database after putting such rows in place.
async fn the_migration_lists_collisions_instead_of_failing(app: TestApp) {
    let mut conn = app.db();
    diesel::sql_query("DELETE FROM __diesel_schema_migrations WHERE version = '20261201000022'")
        .execute(&mut conn)
        .unwrap();
    diesel::sql_query("DROP TABLE email_collisions")
        .execute(&mut conn)
        .unwrap();
    let now = chrono::Utc::now().naive_utc();
    let ids: Vec<String> = (0..4).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    for (id, email) in ids.iter().zip([
        "Mixed@old.example",
        "mixed@old.example",
        "Lone@old.example",
        "J\u{f6}rg@old.example",
    ]) {
        let id = ReaderId::from_db(id.clone());
        masthead::db::readers::insert(
            &mut conn,
            &NewReader::new(&id, email, "x", "Old", Role::Reader, now),
        )
        .unwrap();
    }
    assert_eq!(masthead::db::run_migrations(&mut conn).unwrap(), 1);

    let listed: Vec<(String, String)> = email_collisions::table
        .select((email_collisions::reader_id, email_collisions::reason))
        .order(email_collisions::reader_id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        listed,
        vec![
            (ids[0].clone(), "same_address_as_another_account".to_owned()),
            (ids[1].clone(), "same_address_as_another_account".to_owned()),
            (ids[3].clone(), "not_ascii".to_owned()),
        ]
    );
    let emails: Vec<String> = readers::table
        .filter(readers::id.eq_any(&ids))
        .order(readers::id)
        .select(readers::email)
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        emails,
        [
            "Mixed@old.example",
            "mixed@old.example",
            "lone@old.example",
            "J\u{f6}rg@old.example"
        ]
    );
}

/// Production settings that pass the start-up guard (nothing here sends
/// mail or talks to Stripe).
async fn spawn_production(backend: Backend) -> TestApp {
    let keys = tempfile::tempdir().unwrap();
    masthead::auth::SigningKey::load_or_generate(keys.path()).unwrap();
    let pem = std::fs::read_to_string(keys.path().join("keys/access-token-ed25519.pem"))
        .expect("the generated key");
    spawn_app_with(backend, move |settings| {
        settings.env = Environment::Production;
        settings.jwt_private_key = Some(pem.into());
        settings.stripe_secret_key = Some("sk_test_unused".into());
        settings.stripe_webhook_secret = Some("whsec_unused".into());
        settings.public_url = Some("https://magazine.example".into());
        settings.smtp_url = Some("smtp://127.0.0.1:1".into());
        settings.mail_from = Some("Masthead <no-reply@magazine.example>".into());
        settings.metrics_token = Some("a metrics token".into());
    })
    .await
}

async fn production_refuses_localhost_and_ip_literal_domains(app: TestApp) {
    for email in [
        "someone@localhost",
        "someone@mail.localhost",
        "someone@[127.0.0.1]",
    ] {
        let response = app.signup(email, PASSWORD, "Local").await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            problem["errors"][0]["code"], "undeliverable_domain",
            "{email}: {problem}"
        );
    }
}
