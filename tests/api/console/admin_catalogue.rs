//! Admins' catalogue pages in the console: tiers and prices (scheduling a
//! price change, withdrawing it, a price's trial), creating offers, and
//! retrying dead jobs. Each form's action is the API's own (the JSON API
//! then reports it, the audit log records the same entry as the API's),
//! bad input gets a page with the API's reason and changes nothing, a
//! forged form is refused, and none of it is for support or editors.

use super::{Console, field};
use crate::support::helpers::TestApp;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use masthead::db::schema::jobs;
use masthead::db::write_transaction;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_price_change_scheduled_in_the_console_is_the_apis_and_audited_alike,
    a_price_change_withdrawn_in_the_console_is_gone_from_the_api_and_audited,
    a_trial_set_in_the_console_is_the_prices_trial_and_audited,
    forged_tier_forms_are_refused_and_change_nothing,
    a_price_change_inside_the_notice_is_refused_on_the_page_and_changes_nothing,
    an_offer_created_in_the_console_is_found_by_the_api_and_a_double_submit_creates_one,
    bad_offers_are_refused_with_the_apis_reason_the_values_kept_and_nothing_created,
    a_dead_job_retried_from_the_console_is_queued_again_and_audited_once,
    support_and_editors_can_neither_open_nor_post_the_catalogue_pages,
);

/// The audit log's entries with `action`, as the API lists them.
async fn audit(app: &TestApp, token: &str, action: &str) -> Vec<Value> {
    let log: Value = app
        .get_auth(&format!("/v1/admin/audit-log?action={action}"), token)
        .await
        .json()
        .await
        .unwrap();
    log["items"].as_array().unwrap().clone()
}

/// What an audit entry says, without who, when and which request.
fn gist(entry: &Value) -> Value {
    json!({
        "action": entry["action"],
        "staff_role": entry["staff_role"],
        "target_type": entry["target_type"],
        "detail_keys": entry["details"].as_object().map(|d| d.keys().cloned().collect::<Vec<_>>()),
    })
}

fn day_in(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

async fn prices(app: &TestApp, token: &str, tier: &str) -> Value {
    app.get_auth(&format!("/v1/admin/tiers/{tier}/prices"), token)
        .await
        .json()
        .await
        .unwrap()
}

async fn a_price_change_scheduled_in_the_console_is_the_apis_and_audited_alike(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let page = console.get("/console/tiers").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("9.00 USD"),
        "digital monthly: {}",
        page.body
    );
    assert!(page.body.contains("None scheduled."));
    let home = console.get("/console").await;
    assert!(
        home.body.contains("href=\"/console/tiers\""),
        "in the navigation"
    );
    let perks = console.get("/console/perks").await;
    assert!(
        perks.body.contains("href=\"/console/tiers\""),
        "linked from the perks"
    );
    let csrf = field(&page.body, "csrf");
    let effective = day_in(45);
    let scheduled = console
        .post(
            "/console/tiers/prices",
            &[
                ("csrf", csrf.as_str()),
                ("tier", "digital"),
                ("interval", "month"),
                ("currency", "usd"),
                ("amount", "1200"),
                ("effective_on", effective.as_str()),
            ],
        )
        .await;
    assert_eq!(
        scheduled.status,
        StatusCode::SEE_OTHER,
        "{}",
        scheduled.body
    );
    assert_eq!(scheduled.location(), "/console/tiers");
    let listed = prices(&app, &admin.access_token, "digital").await;
    let change = &listed["scheduled"][0];
    assert_eq!(change["amount_cents"], 1_200, "{listed}");
    assert_eq!(change["interval"], "month");
    assert_eq!(change["effective_at"], format!("{effective}T00:00:00Z"));
    let id = change["id"].as_str().unwrap().to_owned();
    let after = console.get("/console/tiers").await;
    assert!(after.body.contains("Withdraw 12.00 USD"), "{}", after.body);
    assert!(after.body.contains("at least 30 days before"), "the notice");

    // The API's own scheduling writes the same kind of entry.
    let through_api = app
        .post_json_auth(
            "/v1/admin/tiers/digital/prices",
            &admin.access_token,
            &json!({"interval": "year", "currency": "usd", "amount": 9_900,
                    "effective_at": format!("{}T00:00:00Z", day_in(60))}),
        )
        .await;
    assert_eq!(through_api.status(), StatusCode::CREATED);
    let entries = audit(&app, &admin.access_token, "price_change_scheduled").await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    let from_console = entries
        .iter()
        .find(|e| e["target_id"] == id.as_str())
        .unwrap();
    let from_api = entries
        .iter()
        .find(|e| e["target_id"] != id.as_str())
        .unwrap();
    assert_eq!(gist(from_console), gist(from_api));
    assert_eq!(from_console["staff_id"], admin.id.as_str());
    assert_eq!(from_console["details"]["amount_cents"], 1_200);
}

async fn a_price_change_withdrawn_in_the_console_is_gone_from_the_api_and_audited(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let csrf = console.csrf().await;
    let scheduled: Value = app
        .post_json_auth(
            "/v1/admin/tiers/digital/prices",
            &admin.access_token,
            &json!({"interval": "month", "currency": "usd", "amount": 1_200,
                    "effective_at": format!("{}T00:00:00Z", day_in(45))}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = scheduled["id"].as_str().unwrap().to_owned();
    let page = console.get("/console/tiers").await;
    assert!(page.body.contains("Withdraw 12.00 USD"), "{}", page.body);
    let withdrawn = console
        .post(
            &format!("/console/tiers/digital/prices/{id}/withdraw"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(
        withdrawn.status,
        StatusCode::SEE_OTHER,
        "{}",
        withdrawn.body
    );
    let listed = prices(&app, &admin.access_token, "digital").await;
    assert!(
        listed["scheduled"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["id"] != id.as_str()),
        "{listed}"
    );
    let entries = audit(&app, &admin.access_token, "price_change_withdrawn").await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["target_id"], id.as_str());
    let twice = console
        .post(
            &format!("/console/tiers/digital/prices/{id}/withdraw"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND, "{}", twice.body);
    assert!(
        twice.body.contains("no scheduled price with this id"),
        "{}",
        twice.body
    );
}

async fn a_trial_set_in_the_console_is_the_prices_trial_and_audited(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let csrf = console.csrf().await;
    let trial = console
        .post(
            "/console/tiers/digital/trial",
            &[
                ("csrf", csrf.as_str()),
                ("interval", "month"),
                ("currency", "usd"),
                ("trial_days", "14"),
            ],
        )
        .await;
    assert_eq!(trial.status, StatusCode::SEE_OTHER, "{}", trial.body);
    let listed = prices(&app, &admin.access_token, "digital").await;
    let monthly = listed["current"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["interval"] == "month" && p["currency"] == "usd")
        .unwrap();
    assert_eq!(monthly["trial_days"], 14, "{listed}");
    let entries = audit(&app, &admin.access_token, "trial_days_changed").await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["target_id"], "digital/month/usd");
    assert_eq!(entries[0]["details"]["previous_trial_days"], 0);
}

async fn a_price_change_inside_the_notice_is_refused_on_the_page_and_changes_nothing(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let csrf = console.csrf().await;
    let soon = day_in(10);
    let refs = [
        ("csrf", csrf.as_str()),
        ("tier", "digital"),
        ("interval", "year"),
        ("currency", "usd"),
        ("amount", "4321"),
        ("effective_on", soon.as_str()),
    ];
    let refused = console.post("/console/tiers/prices", &refs).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("at least 30 days ahead"),
        "the notice rule, said: {}",
        refused.body
    );
    assert!(refused.body.contains("value=\"4321\""), "the amount kept");
    assert!(
        refused.body.contains(&format!("value=\"{soon}\"")),
        "the date kept"
    );
    assert!(
        refused.body.contains("value=\"year\" checked"),
        "the interval kept"
    );

    let unknown = console
        .post(
            "/console/tiers/prices",
            &[
                ("csrf", csrf.as_str()),
                ("tier", "platinum"),
                ("interval", "month"),
                ("currency", "usd"),
                ("amount", "1200"),
                ("effective_on", day_in(45).as_str()),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    let not_a_number = console
        .post(
            "/console/tiers/digital/trial",
            &[
                ("csrf", csrf.as_str()),
                ("interval", "month"),
                ("trial_days", "9999"),
            ],
        )
        .await;
    assert_eq!(
        not_a_number.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        not_a_number.body
    );
    assert!(not_a_number.body.contains("730"), "{}", not_a_number.body);

    let listed = prices(&app, &admin.access_token, "digital").await;
    assert_eq!(listed["scheduled"], json!([]), "nothing scheduled");
    assert!(
        listed["current"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["trial_days"] == 0),
        "no trial set: {listed}"
    );
    for action in ["price_change_scheduled", "trial_days_changed"] {
        assert!(
            audit(&app, &admin.access_token, action).await.is_empty(),
            "{action}"
        );
    }
}

async fn forged_tier_forms_are_refused_and_change_nothing(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let csrf = console.csrf().await;
    let effective = day_in(45);
    let forged = console
        .post(
            "/console/tiers/prices",
            &[
                ("csrf", "forged"),
                ("tier", "digital"),
                ("interval", "month"),
                ("currency", "usd"),
                ("amount", "1200"),
                ("effective_on", effective.as_str()),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let no_token = console
        .post(
            "/console/tiers/digital/trial",
            &[("interval", "month"), ("trial_days", "9")],
        )
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let elsewhere = console
        .post_from(
            "/console/tiers/digital/trial",
            &[
                ("csrf", csrf.as_str()),
                ("interval", "month"),
                ("trial_days", "9"),
            ],
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
    let listed = prices(&app, &admin.access_token, "digital").await;
    assert_eq!(listed["scheduled"], json!([]));
    assert!(
        listed["current"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["trial_days"] == 0)
    );
}

/// The create form's fields for `code` (a quarter off digital monthly for
/// three months, at most 100 times), with `changes` replacing some.
fn offer_form(csrf: &str, code: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = [
        ("csrf", csrf),
        ("code", code),
        ("name", "Spring sale"),
        ("benefit", "percent"),
        ("percent_off", "25"),
        ("amount_off", ""),
        ("currency", ""),
        ("trial_days", ""),
        ("duration", "months"),
        ("duration_months", "3"),
        ("plan", "digital/month"),
        ("max_redemptions", "100"),
        ("starts_on", ""),
        ("ends_on", ""),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (key, value) in changes {
        match form.iter_mut().find(|(k, _)| k == key) {
            Some(pair) => (*value).clone_into(&mut pair.1),
            None => form.push(((*key).to_owned(), (*value).to_owned())),
        }
    }
    form
}

async fn post_offer(console: &Console<'_>, form: &[(String, String)]) -> super::Answer {
    let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    console.post("/console/offers", &refs).await
}

async fn an_offer_created_in_the_console_is_found_by_the_api_and_a_double_submit_creates_one(
    app: TestApp,
) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let page = console.get("/console/offers").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("created with <code>POST"),
        "the API-only sentence is gone"
    );
    assert!(
        page.body.contains("value=\"digital/month\""),
        "a plan checkbox: {}",
        page.body
    );
    let csrf = field(&page.body, "csrf");
    let form = offer_form(&csrf, "Spring25", &[("plan", "digital/month")]);
    let created = post_offer(&console, &form).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(created.location(), "/console/offers");
    let public = app.get("/v1/offers/SPRING25").await;
    assert_eq!(public.status(), StatusCode::OK);
    let public: Value = public.json().await.unwrap();
    assert_eq!(public["percent_off"], 25, "{public}");
    assert_eq!(public["duration_months"], 3);
    let listed: Value = app
        .get_auth("/v1/admin/offers", &admin.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["offers"].as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed["offers"][0]["max_redemptions"], 100);
    assert_eq!(listed["offers"][0]["listed"], false);

    // The double submit: a clear refusal, no second offer, no second entry.
    let again = post_offer(&console, &form).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(again.body.contains("exists already"), "{}", again.body);
    assert!(again.body.contains("value=\"Spring25\""), "the code kept");
    let listed: Value = app
        .get_auth("/v1/admin/offers", &admin.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["offers"].as_array().unwrap().len(), 1);

    // The API's own creation writes the same kind of entry.
    crate::support::offer_fixtures::create_offer(&app, json!({"code": "API10", "percent_off": 10}))
        .await;
    let entries = audit(&app, &admin.access_token, "offer_created").await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    let from_console = entries
        .iter()
        .find(|e| e["target_id"] == "SPRING25")
        .unwrap();
    let from_api = entries.iter().find(|e| e["target_id"] == "API10").unwrap();
    assert_eq!(gist(from_console), gist(from_api));
    assert_eq!(from_console["staff_id"], admin.id.as_str());
    assert_eq!(from_console["details"]["plans"], json!(["digital/month"]));

    // Free days, once-only amounts and listing go through as the API has them.
    let trial = offer_form(
        &csrf,
        "FREEWEEK",
        &[
            ("benefit", "trial"),
            ("trial_days", "7"),
            ("duration", "forever"),
            ("listed", "on"),
        ],
    );
    let made = post_offer(&console, &trial).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let free: Value = app.get("/v1/offers/FREEWEEK").await.json().await.unwrap();
    assert_eq!(
        free["trial_days"], 7,
        "the stale percent was not sent: {free}"
    );
    let once = offer_form(
        &csrf,
        "THREEOFF",
        &[
            ("benefit", "amount"),
            ("amount_off", "300"),
            ("currency", "USD"),
            ("duration", "once"),
        ],
    );
    let made = post_offer(&console, &once).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let three: Value = app.get("/v1/offers/THREEOFF").await.json().await.unwrap();
    assert_eq!(
        (&three["amount_off"], &three["duration_months"]),
        (&json!(300), &json!(1)),
        "{three}"
    );
}

async fn bad_offers_are_refused_with_the_apis_reason_the_values_kept_and_nothing_created(
    app: TestApp,
) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let csrf = console.csrf().await;
    let too_much = post_offer(
        &console,
        &offer_form(&csrf, "HALFOFF", &[("percent_off", "150")]),
    )
    .await;
    assert_eq!(
        too_much.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        too_much.body
    );
    assert!(
        too_much.body.contains("role=\"alert\""),
        "{}",
        too_much.body
    );
    assert!(
        too_much.body.contains("percent off"),
        "the API's reason: {}",
        too_much.body
    );
    assert!(too_much.body.contains("value=\"150\""), "the percent kept");
    assert!(too_much.body.contains("value=\"HALFOFF\""), "the code kept");
    assert!(
        too_much.body.contains("value=\"digital/month\" checked"),
        "the plan kept"
    );
    for (what, changes) in [
        (
            "CRLF in the code",
            vec![("code", "SPRING\r\nSet-Cookie: x=1")],
        ),
        ("NUL in the code", vec![("code", "SPR\0ING")]),
        ("NUL in the name", vec![("name", "Spring\0sale")]),
        ("no plan", vec![("plan", "")]),
        ("a plan not sold", vec![("plan", "digital/week")]),
        ("two benefits", vec![("benefit", ""), ("trial_days", "7")]),
        ("not a number", vec![("max_redemptions", "lots")]),
        ("an end in the past", vec![("ends_on", "2001-01-01")]),
    ] {
        let refused = post_offer(&console, &offer_form(&csrf, "BADONE", &changes)).await;
        assert!(
            refused.status.is_client_error(),
            "{what}: {} {}",
            refused.status,
            refused.body
        );
        assert!(
            refused.body.contains("class=\"error\""),
            "{what}: {}",
            refused.body
        );
        assert!(!refused.body.contains("Set-Cookie: x=1\r"), "{what}");
    }
    let forged = post_offer(&console, &offer_form("forged", "FORGED", &[])).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let from_elsewhere = console
        .post_from(
            "/console/offers",
            &[
                ("csrf", csrf.as_str()),
                ("code", "ELSEWHERE"),
                ("name", "x"),
            ],
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(from_elsewhere.status, StatusCode::FORBIDDEN);
    let listed: Value = app
        .get_auth("/v1/admin/offers", &admin.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["offers"], json!([]), "nothing created");
    assert!(
        audit(&app, &admin.access_token, "offer_created")
            .await
            .is_empty()
    );
}

/// Plants a `send_email` job that gave up (dead, in one transaction so no
/// worker claims it first); returns its id.
fn dead_job(app: &TestApp) -> String {
    let mut conn = app.db();
    let now = Utc::now().naive_utc();
    write_transaction(&mut conn, |conn| {
        let email = masthead::mail::Email {
            to: "grace@example.com".to_owned(),
            subject: "A queued message".to_owned(),
            text: "plain".to_owned(),
            html: "<p>html</p>".to_owned(),
            headers: std::collections::BTreeMap::new(),
        };
        let id =
            masthead::jobs::enqueue(conn, masthead::jobs::JobKind::SendEmail, &email, now, None)?
                .unwrap();
        diesel::update(jobs::table.find(id.as_str()))
            .set((
                jobs::state.eq("dead"),
                jobs::attempts.eq(10),
                jobs::last_error.eq(Some("SMTP: connection refused")),
                jobs::finished_at.eq(Some(now)),
            ))
            .execute(conn)?;
        Ok::<_, diesel::result::Error>(id.as_str().to_owned())
    })
    .unwrap()
}

fn job_state(app: &TestApp, id: &str) -> String {
    jobs::table
        .find(id)
        .select(jobs::state)
        .first(&mut app.db())
        .unwrap()
}

async fn a_dead_job_retried_from_the_console_is_queued_again_and_audited_once(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let console = Console::signed_in(&app, &admin.email, &admin.password).await;
    let empty = console.get("/console/jobs").await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert!(empty.body.contains("No dead jobs"), "{}", empty.body);
    assert!(
        console
            .get("/console")
            .await
            .body
            .contains("href=\"/console/jobs\"")
    );
    let id = dead_job(&app);
    let page = console.get("/console/jobs").await;
    assert!(page.body.contains("send_email"), "{}", page.body);
    assert!(
        page.body.contains("SMTP: connection refused"),
        "the last error"
    );
    assert!(
        page.body.contains(&format!("/console/jobs/{id}/retry")),
        "a Retry button"
    );
    let bad_state = console.get("/console/jobs?state=zombie").await;
    assert_eq!(
        bad_state.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        bad_state.body
    );

    let csrf = field(&page.body, "csrf");
    let forged = console
        .post(&format!("/console/jobs/{id}/retry"), &[("csrf", "forged")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        job_state(&app, &id),
        "dead",
        "a forged post retries nothing"
    );

    let retried = console
        .post(
            &format!("/console/jobs/{id}/retry"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(retried.status, StatusCode::SEE_OTHER, "{}", retried.body);
    assert_ne!(job_state(&app, &id), "dead", "queued again");
    let dead: Value = app
        .get_auth("/v1/admin/jobs?state=dead", &admin.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        dead["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["id"] != id.as_str()),
        "{dead}"
    );
    let again = console
        .post(
            &format!("/console/jobs/{id}/retry"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(
        again.body.contains("Only a dead job can be retried"),
        "{}",
        again.body
    );
    let entries = audit(&app, &admin.access_token, "job_retried").await;
    assert_eq!(entries.len(), 1, "one retry audited: {entries:?}");
    assert_eq!(entries[0]["target_id"], id.as_str());
    assert_eq!(entries[0]["target_type"], "job");
    assert_eq!(entries[0]["staff_id"], admin.id.as_str());
    let unknown = console
        .post(
            &format!("/console/jobs/{}/retry", uuid::Uuid::now_v7()),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    let garbage = console
        .post("/console/jobs/%0D%0Anope/retry", &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(garbage.status, StatusCode::NOT_FOUND, "{}", garbage.body);
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
