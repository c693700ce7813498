//! Admins' offers page in the console: an offer created through the form
//! is the API's (found by it, audited alike, free days and once-only
//! amounts as the API has them), a double submit creates one, bad input is
//! refused with the API's reason and the values kept, and a forged form is
//! refused; none of the refusals creates anything.

use super::{Answer, Console, audit, field, gist};
use crate::support::helpers::TestApp;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    an_offer_created_in_the_console_is_found_by_the_api_and_a_double_submit_creates_one,
    bad_offers_are_refused_with_the_apis_reason_the_values_kept_and_nothing_created,
);

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

/// A form's fields as `post` takes them.
fn refs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn post_offer(console: &Console<'_>, form: &[(String, String)]) -> Answer {
    console.post("/console/offers", &refs(form)).await
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
    let forged = offer_form("", "FORGED", &[]);
    let fields: Vec<_> = refs(&forged)
        .into_iter()
        .filter(|(name, _)| *name != "csrf")
        .collect();
    console
        .assert_refuses_forgeries("/console/offers", &fields)
        .await;
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
