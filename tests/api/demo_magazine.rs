//! `masthead demo` dates its magazine relative to the day it is loaded, so
//! the archive, the current issue and the next issue's print mailing list
//! look as they would on a working magazine.

use crate::support::helpers::TestApp;
use chrono::{DateTime, Duration, Utc};
use masthead::domain::Role;
use masthead::settings::Settings;
use reqwest::StatusCode;
use serde_json::Value;

on_both_backends!(the_demo_magazine_is_dated_relative_to_today);

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

async fn the_demo_magazine_is_dated_relative_to_today(app: TestApp) {
    let settings = Settings {
        data_dir: app.data_dir.path().to_path_buf(),
        ..Settings::default()
    };
    assert!(masthead::demo::load(&mut app.db(), &settings).unwrap());
    let now = Utc::now();
    let admin = app.new_staff(Role::Admin).await;
    let issues: Value = app
        .get_auth("/v1/admin/issues", &admin.access_token)
        .await
        .json()
        .await
        .unwrap();
    let issue = |number: i64| {
        issues["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|issue| issue["number"] == number)
            .unwrap_or_else(|| panic!("no issue {number}: {issues}"))
            .clone()
    };
    let current = time(&issue(2)["publication_date"]);
    assert!(
        current <= now && now - current < Duration::days(14),
        "{current}"
    );
    let archive = time(&issue(1)["publication_date"]);
    assert!(archive < current - Duration::days(14), "{archive}");
    let next = issue(3);
    assert_eq!(next["published"], false, "{next}");
    let cutoff = time(&next["publication_date"]) - Duration::days(settings.print_cutoff_days);
    assert!(
        cutoff > now,
        "the next issue's print cut-off {cutoff} is ahead"
    );

    // What readers see: the current issue is the newest published one, and
    // the older one is the archive (it needs the `archive` perk).
    let published: Value = app.get("/v1/issues").await.json().await.unwrap();
    assert_eq!(published["total"], 2, "{published}");
    let list = app
        .get_auth("/v1/admin/print/mailing-list?issue=3", &admin.access_token)
        .await;
    assert_eq!(list.status(), StatusCode::OK);
    let csv = list.text().await.unwrap();
    assert!(csv.contains("print@demo.example"), "{csv}");
}
