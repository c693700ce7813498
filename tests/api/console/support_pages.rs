use super::{Console, field};
use crate::print_mailing_list::create_issue;
use crate::support::helpers::TestApp;
use crate::support::reader_fixtures::{audit_entries, reader_named};
use chrono::{Duration, Utc};
use masthead::demo::scale::load;
use masthead::domain::Role;
use reqwest::StatusCode;

on_both_backends!(
    a_search_finds_readers_and_bad_input_is_a_page_not_a_crash,
    the_mailing_list_downloads_as_csv_and_is_audited,
    a_comp_with_bad_input_shows_the_page_again,
    past_a_thousand_matches_the_page_says_more_and_pages_on,
);

async fn a_search_finds_readers_and_bad_input_is_a_page_not_a_crash(app: TestApp) {
    let ada = reader_named(&app, "ada", "Ada Lovelace").await;
    reader_named(&app, "grace", "Grace Hopper").await;
    let support = app.new_staff(Role::Support).await;
    let console = Console::signed_in(&app, &support.email, &support.password).await;
    let found = console.get("/console/readers?q=lovel").await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.body.contains("Ada Lovelace"));
    assert!(!found.body.contains("Grace Hopper"));
    assert!(
        found.body.contains("1 reader(s), page 1."),
        "{}",
        found.body
    );
    let page = console.get(&format!("/console/readers/{}", ada.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&ada.email));
    for (query, status) in [
        ("state=gone", StatusCode::UNPROCESSABLE_ENTITY),
        ("page=0", StatusCode::UNPROCESSABLE_ENTITY),
        ("page=abc", StatusCode::UNPROCESSABLE_ENTITY),
        ("q=lo", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let refused = console.get(&format!("/console/readers?{query}")).await;
        assert_eq!(refused.status, status, "{query}: {}", refused.body);
        assert!(refused.body.contains("role=\"alert\""), "{query}");
    }
    let missing = console.get("/console/readers/not-an-id").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // Markup typed into a search comes back escaped.
    let typed = console.get("/console/readers?q=%3Cscript%3Ex").await;
    assert!(!typed.body.contains("<script>x"), "{}", typed.body);
}

async fn the_mailing_list_downloads_as_csv_and_is_audited(app: TestApp) {
    let issue = create_issue(&app, 7, Utc::now() + Duration::days(30));
    let support = app.new_staff(Role::Support).await;
    let console = Console::signed_in(&app, &support.email, &support.password).await;
    assert_eq!(console.get("/console/print").await.status, StatusCode::OK);
    let csv = console
        .get(&format!("/console/print/mailing-list.csv?issue={issue}"))
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(csv.body.starts_with("reader_id,"), "{}", csv.body);
    let chase = console
        .get(&format!(
            "/console/print/mailing-list.csv?issue={issue}&missing_address=true"
        ))
        .await;
    assert_eq!(chase.status, StatusCode::OK);
    assert_eq!(audit_entries(&app, &issue.to_string()).len(), 2);
    let unknown = console
        .get("/console/print/mailing-list.csv?issue=999")
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let bad = console.get("/console/print/mailing-list.csv?issue=x").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let export = console.get("/console/readers/export.csv").await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(
        export.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
}

async fn a_comp_with_bad_input_shows_the_page_again(app: TestApp) {
    let reader = app.new_reader().await;
    let support = app.new_staff(Role::Support).await;
    let console = Console::signed_in(&app, &support.email, &support.password).await;
    let page = console
        .get(&format!("/console/readers/{}", reader.id))
        .await;
    let csrf = field(&page.body, "csrf");
    let path = format!("/console/readers/{}/comp", reader.id);
    let refused = console
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("tier", "digital"),
                ("until", "someday"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains(&reader.email),
        "the reader's page again"
    );
    assert!(refused.body.contains("until"), "{}", refused.body);
    let until = (Utc::now() + Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let granted = console
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("tier", "digital"),
                ("until", &until),
                ("reason", "contributor"),
            ],
        )
        .await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER, "{}", granted.body);
    let shown = console.get(granted.location()).await;
    assert!(
        shown.body.contains("Comp of digital granted"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("comped"));
}

async fn past_a_thousand_matches_the_page_says_more_and_pages_on(app: TestApp) {
    load(&mut app.db(), 1_110, 7).unwrap();
    let support = app.new_staff(Role::Support).await;
    let console = Console::signed_in(&app, &support.email, &support.password).await;
    let first = console.get("/console/readers").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(
        first.body.contains("More than 1000 readers"),
        "{}",
        first.body
    );
    assert!(first.body.contains("rel=\"next\""));
    // 1,110 readers at 25 a page: the 45th is the last, and says so.
    let last = console.get("/console/readers?page=45").await;
    assert!(last.body.contains("<tbody>"), "{}", last.body);
    assert!(!last.body.contains("rel=\"next\""), "{}", last.body);
}
