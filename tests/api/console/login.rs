use super::Console;
use crate::support::helpers::TestApp;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    a_session_cookie_scripts_and_other_sites_cannot_use,
    a_signed_out_cookie_opens_nothing,
    a_reader_cannot_sign_in_to_the_console,
    a_wrong_password_signs_no_one_in,
    a_disabled_staff_member_is_signed_out_at_once,
);

async fn a_session_cookie_scripts_and_other_sites_cannot_use(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let console = Console::new(&app);
    let login = console.get("/console/login").await;
    assert_eq!(login.status, StatusCode::OK);
    let csp = login.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    // `no-referrer` would make browsers post `Origin: null`, refused.
    assert_eq!(login.headers["referrer-policy"], "same-origin");
    let signed_in = console.log_in(&support.email, &support.password).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    let session = signed_in
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("masthead_console="))
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
        assert!(session.contains(attribute), "{session}");
    }
    let home = console.get("/console").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("support"), "{}", home.body);
    assert_eq!(home.headers["cache-control"], "private, no-store");
}

async fn a_signed_out_cookie_opens_nothing(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let console = Console::signed_in(&app, &support.email, &support.password).await;
    let kept = console.cookies();
    let csrf = console.csrf().await;
    let out = console.post("/console/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/console/login");
    // A copy of the cookie kept from before the logout is worthless: the
    // session is revoked in the database.
    console.use_cookies(kept);
    let home = console.get("/console").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/console/login");
}

async fn a_reader_cannot_sign_in_to_the_console(app: TestApp) {
    let reader = app.new_reader().await;
    let console = Console::new(&app);
    let refused = console.log_in(&reader.email, &reader.password).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused.body.contains("for the magazine&#39;s staff")
            || refused.body.contains("for the magazine's staff"),
        "{}",
        refused.body
    );
    assert!(!console.cookies().contains_key("masthead_console"));
    // The session the password check opened is ended, not left lying about.
    let sessions: serde_json::Value = app
        .get_auth("/v1/me/sessions", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        sessions["items"].as_array().map_or(1, Vec::len),
        1,
        "{sessions}"
    );
}

async fn a_wrong_password_signs_no_one_in(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let console = Console::new(&app);
    let refused = console.log_in(&support.email, "not the password").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.body.contains("role=\"alert\""));
    assert!(
        refused
            .body
            .contains(&format!("value=\"{}\"", support.email)),
        "what was typed is kept"
    );
    assert!(!console.cookies().contains_key("masthead_console"));
}

async fn a_disabled_staff_member_is_signed_out_at_once(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &support.email, &support.password).await;
    assert_eq!(console.get("/console/readers").await.status, StatusCode::OK);
    let disabled = app
        .post_json_auth(
            &format!("/v1/admin/readers/{}/disable", support.id),
            &admin.access_token,
            &json!({"reason": "left the magazine"}),
        )
        .await;
    assert_eq!(disabled.status(), StatusCode::OK);
    let next = console.get("/console/readers").await;
    assert_eq!(next.status, StatusCode::SEE_OTHER);
    assert_eq!(next.location(), "/console/login");
}
