use super::Console;
use crate::support::helpers::TestApp;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::Value;

on_both_backends!(
    a_forged_form_without_a_token_changes_nothing,
    a_token_from_another_session_is_refused,
    a_form_posted_from_another_site_is_refused,
    a_login_form_forged_by_another_site_signs_no_one_in,
);

/// Whether support's API sees `reader` as disabled.
async fn disabled(app: &TestApp, token: &str, reader: &str) -> bool {
    let shown: Value = app
        .get_auth(&format!("/v1/admin/readers/{reader}"), token)
        .await
        .json()
        .await
        .unwrap();
    !shown["disabled_at"].is_null()
}

async fn a_forged_form_without_a_token_changes_nothing(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let reader = app.new_reader().await;
    let console = Console::signed_in(&app, &support.email, &support.password).await;
    let path = format!("/console/readers/{}/disable", reader.id);
    for form in [
        vec![("reason", "forged")],
        vec![("reason", "forged"), ("csrf", "")],
    ] {
        let refused = console.post(&path, &form).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    }
    assert!(!disabled(&app, &support.access_token, &reader.id).await);
}

async fn a_token_from_another_session_is_refused(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let reader = app.new_reader().await;
    let mine = Console::signed_in(&app, &support.email, &support.password).await;
    let theirs = Console::signed_in(&app, &support.email, &support.password).await;
    let their_token = theirs.csrf().await;
    assert_ne!(
        their_token,
        mine.csrf().await,
        "each session has its own token"
    );
    let path = format!("/console/readers/{}/disable", reader.id);
    let refused = mine
        .post(&path, &[("csrf", &their_token), ("reason", "forged")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!disabled(&app, &support.access_token, &reader.id).await);
    // The right token does it.
    let token = mine.csrf().await;
    let done = mine
        .post(&path, &[("csrf", &token), ("reason", "asked to")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert!(disabled(&app, &support.access_token, &reader.id).await);
}

async fn a_form_posted_from_another_site_is_refused(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let reader = app.new_reader().await;
    let console = Console::signed_in(&app, &support.email, &support.password).await;
    let token = console.csrf().await;
    let path = format!("/console/readers/{}/disable", reader.id);
    let form = [("csrf", token.as_str()), ("reason", "forged")];
    for origin in ["https://evil.example", "null"] {
        let refused = console.post_from(&path, &form, Some(origin)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{origin}");
    }
    assert!(!disabled(&app, &support.access_token, &reader.id).await);
}

async fn a_login_form_forged_by_another_site_signs_no_one_in(app: TestApp) {
    // Login CSRF: another site posts its own credentials to make the
    // victim's browser work in the attacker's session.
    let attacker = app.new_staff(Role::Support).await;
    let victim = Console::new(&app);
    let form = [
        ("email", attacker.email.as_str()),
        ("password", attacker.password.as_str()),
        ("login_token", "guessed"),
    ];
    let refused = victim.post_from("/console/login", &form, None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!victim.cookies().contains_key("masthead_console"));
    // With the victim's own nonce but from another origin: refused too.
    let login = victim.get("/console/login").await;
    let nonce = super::field(&login.body, "login_token");
    let form = [
        ("email", attacker.email.as_str()),
        ("password", attacker.password.as_str()),
        ("login_token", nonce.as_str()),
    ];
    let refused = victim
        .post_from("/console/login", &form, Some("https://evil.example"))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!victim.cookies().contains_key("masthead_console"));
}
