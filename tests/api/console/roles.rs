//! Each console page is for its own roles: editors are kept from support's
//! pages, support from editors', strangers are sent to the login, and
//! neither support nor editors can open or post the admins' catalogue pages
//! (tiers, offers, jobs).

use super::admin_jobs::{dead_job, job_state};
use super::admin_tiers::{day_in, prices};
use super::{Console, audit};
use crate::support::helpers::TestApp;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    an_editor_cannot_open_support_pages,
    support_cannot_open_editor_pages,
    a_stranger_is_sent_to_the_login,
    support_and_editors_can_neither_open_nor_post_the_catalogue_pages,
);

async fn an_editor_cannot_open_support_pages(app: TestApp) {
    let editor = app.new_staff(Role::Editor).await;
    let reader = app.new_reader().await;
    let console = Console::signed_in(&app, &editor.email, &editor.password).await;
    let home = console.get("/console").await;
    assert!(
        !home.body.contains("/console/readers\""),
        "no support links for an editor"
    );
    for path in [
        "/console/readers".to_owned(),
        format!("/console/readers/{}", reader.id),
        "/console/refund-requests".to_owned(),
        "/console/readers/export.csv".to_owned(),
        "/console/print/mailing-list.csv?issue=1".to_owned(),
    ] {
        let refused = console.get(&path).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
        assert!(refused.body.contains("support"), "{path}: {}", refused.body);
    }
    let token = console.csrf().await;
    let refused = console
        .post(
            &format!("/console/readers/{}/disable", reader.id),
            &[("csrf", &token), ("reason", "no")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        console.get("/console/articles").await.status,
        StatusCode::OK
    );
}

async fn support_cannot_open_editor_pages(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let console = Console::signed_in(&app, &support.email, &support.password).await;
    for path in [
        "/console/articles",
        "/console/articles/new",
        "/console/issues",
    ] {
        assert_eq!(
            console.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let token = console.csrf().await;
    let refused = console
        .post("/console/articles", &[("csrf", &token), ("title", "Nope")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(console.get("/console/readers").await.status, StatusCode::OK);
}

async fn a_stranger_is_sent_to_the_login(app: TestApp) {
    let console = Console::new(&app);
    for path in [
        "/console",
        "/console/readers",
        "/console/articles",
        "/console/tiers",
        "/console/jobs",
    ] {
        let sent = console.get(path).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(sent.location(), "/console/login");
    }
    let refused = console
        .post(
            "/console/readers/x/disable",
            &[("csrf", "x"), ("reason", "x")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
}

async fn support_and_editors_can_neither_open_nor_post_the_catalogue_pages(app: TestApp) {
    let id = dead_job(&app);
    for role in [Role::Support, Role::Editor] {
        let staff = app.new_staff(role).await;
        let console = Console::signed_in(&app, &staff.email, &staff.password).await;
        let home = console.get("/console").await;
        for path in ["/console/tiers", "/console/jobs", "/console/offers"] {
            assert!(
                !home.body.contains(&format!("href=\"{path}\"")),
                "{role:?}: no link to {path}"
            );
            assert_eq!(
                console.get(path).await.status,
                StatusCode::FORBIDDEN,
                "{role:?} at {path}"
            );
        }
        let csrf = console.csrf().await;
        let effective = day_in(45);
        for (path, form) in [
            (
                "/console/tiers/prices".to_owned(),
                vec![
                    ("tier", "digital"),
                    ("interval", "month"),
                    ("currency", "usd"),
                    ("amount", "1200"),
                    ("effective_on", effective.as_str()),
                ],
            ),
            (
                "/console/tiers/digital/trial".to_owned(),
                vec![("interval", "month"), ("trial_days", "9")],
            ),
            (
                "/console/offers".to_owned(),
                vec![("code", "STAFF"), ("name", "x"), ("percent_off", "5")],
            ),
            (format!("/console/jobs/{id}/retry"), vec![]),
        ] {
            let mut form = form;
            form.push(("csrf", csrf.as_str()));
            let refused = console.post(&path, &form).await;
            assert_eq!(
                refused.status,
                StatusCode::FORBIDDEN,
                "{role:?} posting {path}"
            );
        }
    }
    assert_eq!(job_state(&app, &id), "dead");
    let admin = app.new_staff(Role::Admin).await;
    let listed = prices(&app, &admin.access_token, "digital").await;
    assert_eq!(listed["scheduled"], json!([]));
    assert!(
        audit(&app, &admin.access_token, "offer_created")
            .await
            .is_empty()
    );
}
