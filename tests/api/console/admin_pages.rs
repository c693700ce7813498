//! Admins' console pages: the dashboard (the API's figures, drawn as SVG
//! with their table and a CSV), turning ad-free live (the API's perk
//! change: audited, announced once, a double submit harmless), the audit
//! log's filters, the staff page's second-factor reset and archiving an
//! offer; none of them for support or editors.

use super::{Console, field};
use crate::support::billing_fixtures::subscribe;
use crate::support::helpers::TestApp;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::Value;

on_both_backends!(
    the_dashboard_page_shows_the_apis_figures_as_a_chart_and_a_table,
    ad_free_goes_live_once_however_often_the_button_is_pressed,
    the_audit_log_page_filters_by_action,
    support_and_editors_cannot_open_admin_pages,
    an_admin_resets_a_lost_second_factor_from_the_staff_page,
    an_offer_archived_from_the_console_stops_at_once,
);

async fn the_dashboard_page_shows_the_apis_figures_as_a_chart_and_a_table(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let reader = app.new_reader().await;
    subscribe(&app, &reader, "digital", "year").await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let page = console.get("/console/dashboard").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<svg class=\"chart\""), "a chart");
    assert!(
        page.body.contains("7.50 USD"),
        "MRR: 90.00 a year / 12\n{}",
        page.body
    );
    assert!(!page.body.contains("<script>"), "no inline script");
    let weekly = console.get("/console/dashboard?period=week").await;
    assert_eq!(weekly.status, StatusCode::OK);
    let bad = console.get("/console/dashboard?period=fortnight").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let csv = console.get("/console/dashboard.csv?period=month").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert_eq!(csv.body.lines().count(), 13, "a header and twelve months");
}

async fn ad_free_goes_live_once_however_often_the_button_is_pressed(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let page = console.get("/console/perks").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Make ad_free live on Digital"),
        "{}",
        page.body
    );
    let csrf = field(&page.body, "csrf");
    let form = [("csrf", csrf.as_str()), ("status", "live")];
    let first = console.post("/console/perks/digital/ad_free", &form).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let second = console.post("/console/perks/digital/ad_free", &form).await;
    assert_eq!(
        second.status,
        StatusCode::SEE_OTHER,
        "a double click is harmless"
    );
    console
        .assert_refuses_forgeries(
            "/console/perks/digital/ad_free",
            &[("status", "coming_soon")],
        )
        .await;
    let plans: Value = app.get("/v1/plans").await.json().await.unwrap();
    let digital = plans["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "digital")
        .unwrap();
    let ad_free = digital["perks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "ad_free")
        .unwrap();
    assert_eq!(ad_free["status"], "live");
    let log: Value = app
        .get_auth(
            "/v1/admin/audit-log?action=perk_status_changed",
            &admin.access_token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["total"], 1, "one change audited, not two: {log}");
    let unknown = console
        .post(
            "/console/perks/digital/free_coffee",
            &[("csrf", csrf.as_str()), ("status", "live")],
        )
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.body
    );
}

async fn the_audit_log_page_filters_by_action(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let perks = console.get("/console/perks").await;
    let csrf = field(&perks.body, "csrf");
    console
        .post(
            "/console/perks/print/ad_free",
            &[("csrf", csrf.as_str()), ("status", "live")],
        )
        .await;
    let all = console.get("/console/audit-log").await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("perk_status_changed"), "{}", all.body);
    let none = console
        .get("/console/audit-log?action=subscription_refunded")
        .await;
    assert!(none.body.contains("0 entries"), "{}", none.body);
    let bad = console.get("/console/audit-log?from=yesterday").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let script = console
        .get("/console/audit-log?action=%3Cscript%3Ealert(1)%3C/script%3E")
        .await;
    assert!(!script.body.contains("<script>alert(1)"), "escaped");
}

async fn support_and_editors_cannot_open_admin_pages(app: TestApp) {
    for role in [Role::Support, Role::Editor] {
        let staff = app.new_staff(role).await;
        let console = Console::signed_in(&app, &staff.email, &staff.password).await;
        for path in [
            "/console/dashboard",
            "/console/perks",
            "/console/audit-log",
            "/console/staff",
            "/console/offers",
            "/console/tiers",
            "/console/jobs",
        ] {
            let page = console.get(path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{role:?} at {path}");
        }
    }
}

/// The console's reset is the API's: the factor goes, the member's
/// sessions end, the audit log says who and why; one's own row offers no
/// reset, and a forged post is refused.
async fn an_admin_resets_a_lost_second_factor_from_the_staff_page(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let support = app.new_staff(Role::Support).await;
    let started: Value = app
        .post_json_auth(
            "/v1/me/second-factor",
            &support.access_token,
            &serde_json::json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    let secret = started["secret"].as_str().unwrap();
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap();
    let code = masthead::auth::totp::TotpSecret::from_stored(secret)
        .unwrap()
        .code_at_step(now / masthead::auth::totp::TOTP_STEP_SECONDS);
    let confirmed = app
        .post_json_auth(
            "/v1/me/second-factor/confirm",
            &support.access_token,
            &serde_json::json!({"password": support.password, "code": code}),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let page = console.get("/console/staff").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&support.email), "{}", page.body);
    assert!(
        !page
            .body
            .contains(&format!("/console/staff/{}/second-factor/reset", admin.id)),
        "no reset of one's own"
    );
    let csrf = field(&page.body, "csrf");
    let path = format!("/console/staff/{}/second-factor/reset", support.id);
    console
        .assert_refuses_forgeries(&path, &[("reason", "x")])
        .await;
    let reset = console
        .post(&path, &[("csrf", csrf.as_str()), ("reason", "lost phone")])
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER, "{}", reset.body);
    let me = app.get_auth("/v1/me", &support.access_token).await;
    assert_eq!(
        me.status(),
        StatusCode::UNAUTHORIZED,
        "their sessions ended"
    );
    let again = console
        .post(&path, &[("csrf", csrf.as_str()), ("reason", "twice")])
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing left to reset"
    );
    assert!(again.body.contains("no second factor"), "{}", again.body);
    let log: Value = app
        .get_auth(
            "/v1/admin/audit-log?action=second_factor_reset",
            &admin.access_token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["total"], 1, "{log}");
    assert_eq!(log["items"][0]["reason"], "lost phone");
}

/// Archiving through the console is the API's archive: the offer stops,
/// one audit entry however often the button is pressed, and a forged post
/// changes nothing.
async fn an_offer_archived_from_the_console_stops_at_once(app: TestApp) {
    crate::support::offer_fixtures::create_offer(
        &app,
        serde_json::json!({"code": "SPRING", "percent_off": 20}),
    )
    .await;
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let page = console.get("/console/offers").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Archive SPRING"), "{}", page.body);
    console
        .assert_refuses_forgeries("/console/offers/SPRING/archive", &[])
        .await;
    assert!(
        console
            .get("/console/offers")
            .await
            .body
            .contains("Archive SPRING"),
        "a forged post archives nothing"
    );
    let csrf = field(&page.body, "csrf");
    for _ in 0..2 {
        let archived = console
            .post("/console/offers/SPRING/archive", &[("csrf", csrf.as_str())])
            .await;
        assert_eq!(archived.status, StatusCode::SEE_OTHER, "{}", archived.body);
    }
    let listed: Value = app
        .get_auth("/v1/admin/offers", &admin.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["offers"][0]["status"], "archived", "{listed}");
    let after = console.get("/console/offers").await;
    assert!(
        !after.body.contains("Archive SPRING"),
        "no button for an archived offer"
    );
    let log: Value = app
        .get_auth(
            "/v1/admin/audit-log?action=offer_archived",
            &admin.access_token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["total"], 1, "{log}");
    let unknown = console
        .post(
            "/console/offers/NOPE%0D%0A/archive",
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
}
