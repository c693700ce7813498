//! Offers (issue 15): admins create, list and archive them; anyone reads
//! one through its link; a checkout redeems one by `offer_code`, and the
//! development provider charges the discounted amount for the discounted
//! payments. The attacks: an archived, expired or exhausted offer, one on
//! a tier or interval it does not cover, two checkouts racing for the
//! last redemption, and codes with odd case, CRLF or NUL.

use crate::support::billing_fixtures::{confirm, stored};
use crate::support::helpers::{TestApp, assert_problem};
use crate::support::offer_fixtures::{
    admin_offer, checkout_plan, checkout_with, create_offer, set_trial,
};
use diesel::prelude::*;
use masthead::db::schema::offers;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    admins_create_list_and_archive_offers,
    an_offer_code_is_taken_in_any_case_and_terms_are_checked,
    a_percent_offer_discounts_the_first_payment_and_the_page_says_so,
    an_amount_offer_applies_only_in_its_currency,
    codes_ignore_case_and_crlf_or_nul_never_match,
    an_archived_offer_is_refused,
    an_expired_offer_is_refused_and_a_future_one_is_not_found,
    an_offer_on_a_tier_or_interval_it_does_not_cover_is_refused,
    an_exhausted_offer_is_refused_at_checkout,
    two_checkouts_racing_for_the_last_redemption_get_it_once,
    a_confirmation_replayed_counts_one_redemption,
    the_public_link_shows_terms_and_prices,
    plans_list_trial_days_and_listed_offers_only,
    support_and_editors_cannot_manage_offers,
);

async fn opened(response: reqwest::Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

async fn admins_create_list_and_archive_offers(app: TestApp) {
    let created = create_offer(
        &app,
        json!({"code": "spring25", "percent_off": 25, "duration_months": 3, "max_redemptions": 2}),
    )
    .await;
    assert_eq!(created["code"], "SPRING25");
    assert_eq!(created["status"], "active");
    assert_eq!(created["redemptions"], 0);
    assert!(
        created["url"]
            .as_str()
            .unwrap()
            .ends_with("/v1/offers/SPRING25")
    );
    let reader = app.new_reader().await;
    let checkout = opened(checkout_with(&app, &reader, "spring25").await).await;
    let paid = confirm(
        &app,
        checkout["url"].as_str().unwrap(),
        &reader.access_token,
    )
    .await;
    assert_eq!(paid.status(), StatusCode::OK);
    assert_eq!(admin_offer(&app, "SPRING25").await["redemptions"], 1);

    let admin = app.new_staff(Role::Admin).await;
    let archived: Value = app
        .post_json_auth(
            "/v1/admin/offers/spring25/archive",
            &admin.access_token,
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(archived["status"], "archived");
    let again = app
        .post_json_auth(
            "/v1/admin/offers/SPRING25/archive",
            &admin.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "archiving twice answers alike"
    );
    assert_problem(
        app.post_json_auth(
            "/v1/admin/offers/NOPE-NOPE/archive",
            &admin.access_token,
            &json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "offer_not_found",
    )
    .await;
    let audited: i64 = masthead::db::schema::audit_log::table
        .filter(masthead::db::schema::audit_log::target_id.eq("SPRING25"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(audited, 2, "created and archived once each");
}

async fn an_offer_code_is_taken_in_any_case_and_terms_are_checked(app: TestApp) {
    create_offer(&app, json!({"code": "WELCOME", "percent_off": 10})).await;
    let admin = app.new_staff(Role::Admin).await;
    let post = |body: Value| {
        let app = &app;
        let token = admin.access_token.clone();
        async move { app.post_json_auth("/v1/admin/offers", &token, &body).await }
    };
    assert_problem(
        post(json!({"code": "welcome", "name": "x", "percent_off": 5,
                    "plans": [{"tier": "digital", "interval": "month"}]}))
        .await,
        StatusCode::CONFLICT,
        "offer_code_taken",
    )
    .await;
    let cases = [
        (
            json!({"code": "BOTH", "name": "x", "percent_off": 5, "trial_days": 7,
                   "plans": [{"tier": "digital", "interval": "month"}]}),
            "one_benefit",
        ),
        (
            json!({"code": "NOPLANS", "name": "x", "percent_off": 5}),
            "required",
        ),
        (
            json!({"code": "GHOST", "name": "x", "percent_off": 5,
                   "plans": [{"tier": "hologram", "interval": "month"}]}),
            "price_not_offered",
        ),
        (
            json!({"code": "EUROS", "name": "x", "amount_off": 100, "currency": "eur",
                   "plans": [{"tier": "digital", "interval": "month"}]}),
            "price_not_offered",
        ),
        (
            json!({"code": "DAYS", "name": "x", "trial_days": 7, "duration_months": 2,
                   "plans": [{"tier": "digital", "interval": "month"}]}),
            "not_a_discount",
        ),
        (
            json!({"code": "PAST", "name": "x", "percent_off": 5, "ends_at": "2020-01-01T00:00:00Z",
                   "plans": [{"tier": "digital", "interval": "month"}]}),
            "ends_before_start",
        ),
        (
            json!({"code": "BAD\r\nCODE", "name": "x", "percent_off": 5,
                   "plans": [{"tier": "digital", "interval": "month"}]}),
            "invalid_offer_code",
        ),
    ];
    for (body, code) in cases {
        let problem = assert_problem(
            post(body.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let codes: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&code), "{body}: {problem}");
    }
}

async fn a_percent_offer_discounts_the_first_payment_and_the_page_says_so(app: TestApp) {
    create_offer(
        &app,
        json!({"code": "QUARTER", "percent_off": 25, "duration_months": 3}),
    )
    .await;
    let reader = app.new_reader().await;
    let checkout = opened(checkout_with(&app, &reader, "quarter").await).await;
    let url = checkout["url"].as_str().unwrap();
    let page = crate::support::checkout_fixtures::page(url).await;
    assert!(
        page.contains("6.75 USD per month for 3 payment(s), then 9.00 USD per month"),
        "{page}"
    );
    assert_eq!(
        confirm(&app, url, &reader.access_token).await.status(),
        StatusCode::OK
    );
    let mine = stored(&app, &reader);
    assert_eq!(mine[0].row.state, "active");
    let amounts: Vec<i64> = mine[0].payments.iter().map(|p| p.amount_cents).collect();
    assert_eq!(amounts, [675], "900 less 25%");
}

async fn an_amount_offer_applies_only_in_its_currency(app: TestApp) {
    create_offer(
        &app,
        json!({"code": "TWODOLLARS", "amount_off": 200, "currency": "usd"}),
    )
    .await;
    let reader = app.new_reader().await;
    let checkout = opened(checkout_with(&app, &reader, "TwoDollars").await).await;
    confirm(
        &app,
        checkout["url"].as_str().unwrap(),
        &reader.access_token,
    )
    .await;
    let amounts: Vec<i64> = stored(&app, &reader)[0]
        .payments
        .iter()
        .map(|p| p.amount_cents)
        .collect();
    assert_eq!(amounts, [700]);
}

async fn codes_ignore_case_and_crlf_or_nul_never_match(app: TestApp) {
    create_offer(&app, json!({"code": "SPRING", "percent_off": 10})).await;
    let reader = app.new_reader().await;
    for smuggled in ["SPRING\r\n", "SPRING\nSet-Cookie: x=1", "SPR\tING"] {
        let problem = assert_problem(
            checkout_with(&app, &reader, smuggled).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], "offer_code");
        assert_eq!(problem["errors"][0]["code"], "invalid_offer_code");
    }
    assert_problem(
        checkout_with(&app, &reader, "SPRING\0").await,
        StatusCode::BAD_REQUEST,
        "nul_character",
    )
    .await;
    assert_problem(
        app.get("/v1/offers/SPRING%0D%0A").await,
        StatusCode::NOT_FOUND,
        "offer_not_found",
    )
    .await;
    assert_problem(
        app.get("/v1/offers/SPRING%00").await,
        StatusCode::BAD_REQUEST,
        "nul_character",
    )
    .await;
    // Nothing was opened by the refused ones; the right code in any case works.
    let checkout = opened(checkout_with(&app, &reader, "  spring ").await).await;
    assert!(checkout["url"].is_string());
}

async fn an_archived_offer_is_refused(app: TestApp) {
    create_offer(&app, json!({"code": "GONE", "percent_off": 50})).await;
    let admin = app.new_staff(Role::Admin).await;
    app.post_json_auth(
        "/v1/admin/offers/GONE/archive",
        &admin.access_token,
        &json!({}),
    )
    .await;
    let reader = app.new_reader().await;
    assert_problem(
        checkout_with(&app, &reader, "GONE").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "offer_ended",
    )
    .await;
    let public: Value = app.get("/v1/offers/gone").await.json().await.unwrap();
    assert_eq!(
        (public["available"].clone(), public["status"].clone()),
        (json!(false), json!("archived"))
    );
}

async fn an_expired_offer_is_refused_and_a_future_one_is_not_found(app: TestApp) {
    create_offer(
        &app,
        json!({"code": "OVER", "percent_off": 50, "ends_at": "2099-01-01T00:00:00Z"}),
    )
    .await;
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::days(1);
    diesel::update(offers::table.find("OVER"))
        .set(offers::ends_at.eq(past))
        .execute(&mut app.db())
        .unwrap();
    create_offer(
        &app,
        json!({"code": "LATER", "percent_off": 50, "starts_at": "2099-01-01T00:00:00Z"}),
    )
    .await;
    let reader = app.new_reader().await;
    assert_problem(
        checkout_with(&app, &reader, "OVER").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "offer_ended",
    )
    .await;
    assert_problem(
        checkout_with(&app, &reader, "LATER").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "offer_not_found",
    )
    .await;
    assert_problem(
        app.get("/v1/offers/LATER").await,
        StatusCode::NOT_FOUND,
        "offer_not_found",
    )
    .await;
    assert_eq!(admin_offer(&app, "LATER").await["status"], "scheduled");
}

async fn an_offer_on_a_tier_or_interval_it_does_not_cover_is_refused(app: TestApp) {
    create_offer(&app, json!({"code": "MONTHLY", "percent_off": 20})).await;
    let reader = app.new_reader().await;
    assert_problem(
        checkout_plan(&app, &reader, "digital", "year", Some("MONTHLY")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "offer_not_applicable",
    )
    .await;
    crate::support::reader_fixtures::give_address(&app, &reader, "1 Print Lane").await;
    assert_problem(
        checkout_plan(&app, &reader, "print", "year", Some("MONTHLY")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "offer_not_applicable",
    )
    .await;
    assert!(stored(&app, &reader).is_empty());
}

async fn an_exhausted_offer_is_refused_at_checkout(app: TestApp) {
    create_offer(
        &app,
        json!({"code": "ONLYONE", "percent_off": 30, "max_redemptions": 1}),
    )
    .await;
    let first = app.new_reader().await;
    let checkout = opened(checkout_with(&app, &first, "ONLYONE").await).await;
    confirm(&app, checkout["url"].as_str().unwrap(), &first.access_token).await;
    let second = app.new_reader().await;
    assert_problem(
        checkout_with(&app, &second, "ONLYONE").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "offer_exhausted",
    )
    .await;
    assert_eq!(admin_offer(&app, "ONLYONE").await["status"], "exhausted");
}

/// Both checkouts open while one redemption is left; the confirmations
/// race. The count is raised by a conditional UPDATE on completion, so
/// one wins and the other is refused (409) with nothing charged, and its
/// checkout expired so the reader can start again.
async fn two_checkouts_racing_for_the_last_redemption_get_it_once(app: TestApp) {
    create_offer(
        &app,
        json!({"code": "LAST", "percent_off": 40, "max_redemptions": 1}),
    )
    .await;
    let (a, b) = (app.new_reader().await, app.new_reader().await);
    let ca = opened(checkout_with(&app, &a, "LAST").await).await;
    let cb = opened(checkout_with(&app, &b, "LAST").await).await;
    let (ra, rb) = tokio::join!(
        confirm(&app, ca["url"].as_str().unwrap(), &a.access_token),
        confirm(&app, cb["url"].as_str().unwrap(), &b.access_token),
    );
    let mut statuses = [ra.status(), rb.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let loser = if ra.status() == StatusCode::CONFLICT {
        ra
    } else {
        rb
    };
    assert_problem(loser, StatusCode::CONFLICT, "offer_exhausted").await;
    assert_eq!(admin_offer(&app, "LAST").await["redemptions"], 1);
    let subscriptions = stored(&app, &a).len() + stored(&app, &b).len();
    assert_eq!(subscriptions, 1, "only the winner has a subscription");
    let redemptions: i64 = masthead::db::schema::offer_redemptions::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(redemptions, 1);
    // The loser's checkout no longer blocks a new one (without the offer).
    let loser = if stored(&app, &a).is_empty() { &a } else { &b };
    opened(checkout_plan(&app, loser, "digital", "month", None).await).await;
}

async fn a_confirmation_replayed_counts_one_redemption(app: TestApp) {
    create_offer(&app, json!({"code": "TWICE", "percent_off": 10})).await;
    let reader = app.new_reader().await;
    let checkout = opened(checkout_with(&app, &reader, "TWICE").await).await;
    let url = checkout["url"].as_str().unwrap();
    for _ in 0..3 {
        assert_eq!(
            confirm(&app, url, &reader.access_token).await.status(),
            StatusCode::OK
        );
    }
    assert_eq!(admin_offer(&app, "TWICE").await["redemptions"], 1);
    assert_eq!(stored(&app, &reader)[0].payments.len(), 1);
}

async fn the_public_link_shows_terms_and_prices(app: TestApp) {
    create_offer(
        &app,
        json!({"code": "YEARLY", "percent_off": 50, "duration_months": 12,
               "plans": [{"tier": "digital", "interval": "year"}]}),
    )
    .await;
    let public: Value = app.get("/v1/offers/yearly").await.json().await.unwrap();
    assert_eq!(public["available"], true);
    assert_eq!(public["percent_off"], 50);
    let prices = public["prices"].as_array().unwrap();
    assert_eq!(prices.len(), 1, "{public}");
    assert_eq!(prices[0]["interval"], "year");
    assert_eq!(
        prices[0]["discounted_payments"], 1,
        "12 months cover one yearly payment"
    );
    assert_eq!(
        prices[0]["discounted_cents"].as_i64().unwrap() * 2,
        prices[0]["amount_cents"].as_i64().unwrap()
    );
    assert_problem(
        app.get("/v1/offers/NO-SUCH").await,
        StatusCode::NOT_FOUND,
        "offer_not_found",
    )
    .await;
}

async fn plans_list_trial_days_and_listed_offers_only(app: TestApp) {
    set_trial(&app, "digital", "month", 14).await;
    create_offer(
        &app,
        json!({"code": "LISTED", "percent_off": 10, "listed": true}),
    )
    .await;
    create_offer(&app, json!({"code": "SECRET", "percent_off": 90})).await;
    let plans: Value = app.get("/v1/plans").await.json().await.unwrap();
    let digital = plans["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|tier| tier["id"] == "digital")
        .unwrap();
    let monthly = digital["prices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|price| price["interval"] == "month")
        .unwrap();
    assert_eq!(monthly["trial_days"], 14);
    let codes: Vec<&str> = digital["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|offer| offer["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["LISTED"]);
}

async fn support_and_editors_cannot_manage_offers(app: TestApp) {
    for role in [Role::Support, Role::Editor] {
        let staff = app.new_staff(role).await;
        assert_problem(
            app.post_json_auth(
                "/v1/admin/offers",
                &staff.access_token,
                &json!({"code": "MINE", "name": "x", "percent_off": 100,
                        "plans": [{"tier": "digital", "interval": "month"}]}),
            )
            .await,
            StatusCode::FORBIDDEN,
            "insufficient_role",
        )
        .await;
    }
}
