//! The reader export at a size that spans several pages: it streams
//! (chunked, `X-Total-Count` up front), lists every reader exactly once
//! across the page boundaries, and is audited before the first byte.
//!
//! Chunked transfer coding and why a streamed body has no
//! `Content-Length`: RFC 9112 §6.1 and §7.1.

use crate::support::helpers::TestApp;
use crate::support::reader_fixtures::parse_csv;
use diesel::RunQueryDsl;
use diesel::prelude::*;
use masthead::db::schema::{audit_log, readers};
use masthead::demo::scale::{SCALE_PASSWORD, SCALE_STAFF, load};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

on_both_backends!(
    an_export_of_several_pages_streams_every_reader_once,
    readers_sharing_one_creation_instant_are_not_lost_between_pages,
    the_audit_entry_is_on_record_before_the_download_is_read,
);

/// Readers the seed stores: more than two pages of the export's 1,000.
const READERS: usize = 2_500;

/// Every account id in the database.
fn stored_ids(app: &TestApp) -> BTreeSet<String> {
    readers::table
        .select(readers::id)
        .load::<String>(&mut app.db())
        .unwrap()
        .into_iter()
        .collect()
}

/// The `details` of every `readers_exported` entry.
fn export_entries(app: &TestApp) -> Vec<Option<Value>> {
    audit_log::table
        .filter(audit_log::action.eq("readers_exported"))
        .select(audit_log::details)
        .load::<Option<String>>(&mut app.db())
        .unwrap()
        .into_iter()
        .map(|details| details.map(|d| serde_json::from_str(&d).unwrap()))
        .collect()
}

/// Seeds the readers and logs in the seeded support account.
async fn seeded_support(app: &TestApp) -> String {
    load(&mut app.db(), READERS, 7).unwrap();
    let login = app.login(SCALE_STAFF[1].0, SCALE_PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    login.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Downloads the export of every account; asserts it was streamed and
/// returns the ids of its rows, in order, and the announced total.
async fn export_ids(app: &TestApp, token: &str) -> (Vec<String>, String) {
    let response = app
        .get_auth("/v1/admin/readers/export?role=all", token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(
        headers["transfer-encoding"], "chunked",
        "streamed, not built whole"
    );
    assert!(headers.get("content-length").is_none());
    let total = headers["x-total-count"].to_str().unwrap().to_owned();
    let (header, rows) = parse_csv(&response.text().await.unwrap());
    assert_eq!(header[0], "id");
    (rows.into_iter().map(|row| row[0].clone()).collect(), total)
}

async fn an_export_of_several_pages_streams_every_reader_once(app: TestApp) {
    let token = seeded_support(&app).await;
    let (ids, total) = export_ids(&app, &token).await;
    let accounts = READERS + SCALE_STAFF.len();
    assert_eq!(total, accounts.to_string());
    assert_eq!(ids.len(), accounts, "one row per account");
    let distinct: BTreeSet<String> = ids.into_iter().collect();
    assert_eq!(distinct, stored_ids(&app), "every account, none twice");
    assert_eq!(export_entries(&app), [Some(json!({ "rows": accounts }))]);
}

async fn readers_sharing_one_creation_instant_are_not_lost_between_pages(app: TestApp) {
    let token = seeded_support(&app).await;
    // An import stamps every row of a batch with one instant: the pages
    // then break between readers of the same `created_at`, ordered by id.
    diesel::sql_query("UPDATE readers SET created_at = (SELECT MIN(created_at) FROM readers)")
        .execute(&mut app.db())
        .unwrap();
    let (ids, _) = export_ids(&app, &token).await;
    assert_eq!(ids.len(), READERS + SCALE_STAFF.len());
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "one instant: by id");
    assert_eq!(ids.into_iter().collect::<BTreeSet<_>>(), stored_ids(&app));
}

async fn the_audit_entry_is_on_record_before_the_download_is_read(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    app.new_reader().await;
    // The answer's head has arrived; not one byte of the sheet is read.
    let response = app
        .get_auth("/v1/admin/readers/export", &support.access_token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        export_entries(&app),
        [Some(json!({ "rows": 1 }))],
        "a download cut off after its first byte is still on record"
    );
    drop(response);
}
