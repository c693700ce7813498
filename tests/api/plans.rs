//! `GET /v1/plans`: the default tiers with their perks and prices.

use crate::support::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    plans_list_the_default_tiers,
    ad_free_is_coming_soon_on_every_tier,
    print_adds_the_print_edition,
    plans_carry_prices_in_cents,
);

async fn plans(app: &TestApp) -> Value {
    let response = app.get("/v1/plans").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// The perks of `tier` as `(name, status)` pairs.
fn perks(body: &Value, tier: &str) -> Vec<(String, String)> {
    let tier = body["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == tier)
        .unwrap_or_else(|| panic!("no tier {tier}"));
    tier["perks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn plans_list_the_default_tiers(app: TestApp) {
    let body = plans(&app).await;
    let ids: Vec<&str> = body["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["digital", "print"], "ordered by position");
    insta::assert_json_snapshot!("plans_response", body);
}

async fn ad_free_is_coming_soon_on_every_tier(app: TestApp) {
    let body = plans(&app).await;
    for tier in ["digital", "print"] {
        let perks = perks(&body, tier);
        assert!(
            perks.contains(&("ad_free".to_owned(), "coming_soon".to_owned())),
            "{tier}: {perks:?}"
        );
        let live: Vec<&str> = perks
            .iter()
            .filter(|(_, s)| s == "live")
            .map(|(p, _)| p.as_str())
            .collect();
        for perk in ["digital_edition", "audio", "exclusive_content", "archive"] {
            assert!(live.contains(&perk), "{tier} lacks live {perk}: {perks:?}");
        }
    }
}

async fn print_adds_the_print_edition(app: TestApp) {
    let body = plans(&app).await;
    assert!(perks(&body, "print").contains(&("print_edition".to_owned(), "live".to_owned())));
    assert!(
        !perks(&body, "digital")
            .iter()
            .any(|(p, _)| p == "print_edition")
    );
    assert_eq!(body["tiers"][1]["needs_shipping_address"], true);
    assert_eq!(body["tiers"][0]["needs_shipping_address"], false);
}

async fn plans_carry_prices_in_cents(app: TestApp) {
    let body = plans(&app).await;
    assert_eq!(
        body["tiers"][0]["prices"],
        json!([
            {"interval": "month", "amount_cents": 900, "currency": "usd", "trial_days": 0},
            {"interval": "year", "amount_cents": 9000, "currency": "usd", "trial_days": 0},
        ])
    );
    assert_eq!(
        body["tiers"][1]["prices"],
        json!([
            {"interval": "month", "amount_cents": 1500, "currency": "usd", "trial_days": 0},
            {"interval": "year", "amount_cents": 15000, "currency": "usd", "trial_days": 0},
        ])
    );
}
