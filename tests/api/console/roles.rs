use super::Console;
use crate::support::helpers::TestApp;
use masthead::domain::Role;
use reqwest::StatusCode;

on_both_backends!(
    an_editor_cannot_open_support_pages,
    support_cannot_open_editor_pages,
    a_stranger_is_sent_to_the_login,
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
