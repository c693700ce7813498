//! Support's reader search through the trigram index (pg_trgm on
//! PostgreSQL, FTS5's trigram tokenizer on SQLite) answers exactly what
//! the plain case-insensitive substring match did: fragments anywhere in
//! an email or a name, short ones, wildcards and the index's own syntax
//! taken literally, and a renamed reader under the new name only.

use crate::support::helpers::{TestApp, assert_problem};
use crate::support::reader_fixtures::reader_named;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    fragments_in_the_middle_of_emails_and_names_match_in_any_case,
    fragments_of_one_or_two_characters_match_as_before,
    wildcards_quotes_and_index_syntax_are_taken_literally,
    a_renamed_reader_is_found_by_the_new_name_not_the_old,
);

/// The names a search answers, in its order.
async fn names(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let response = app
        .get_auth(&format!("/v1/admin/readers?{query}"), token)
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    assert_eq!(
        body["total"].as_u64(),
        Some(body["items"].as_array().unwrap().len() as u64),
        "{query}: one page holds every match here"
    );
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Readers whose emails and names share no accidental fragment (the
/// fixture's emails are `handle-<8 hex digits>@example.com`).
async fn cast(app: &TestApp) {
    for (handle, name) in [
        ("countess", "Ada Lovelace"),
        ("hopper", "Grace Hopper"),
        ("qz", "Quentin Zwick"),
        ("sale", "Half_100% Off"),
        ("miles", "Miles O'Brien"),
        ("nordic", "Liv Ångström"),
    ] {
        reader_named(app, handle, name).await;
    }
}

async fn fragments_in_the_middle_of_emails_and_names_match_in_any_case(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    cast(&app).await;
    let token = &support.access_token;
    assert_eq!(names(&app, token, "q=velac").await, ["Ada Lovelace"]);
    assert_eq!(names(&app, token, "q=VeLaC").await, ["Ada Lovelace"]);
    assert_eq!(
        names(&app, token, "q=ountes").await,
        ["Ada Lovelace"],
        "email"
    );
    assert_eq!(
        names(&app, token, "q=OPPER-").await,
        ["Grace Hopper"],
        "email"
    );
    assert_eq!(
        names(&app, token, "q=e%20hop").await,
        ["Grace Hopper"],
        "across the space"
    );
    assert_eq!(names(&app, token, "q=ngstr%C3%B6m").await, ["Liv Ångström"]);
    assert_eq!(
        names(&app, token, "q=example.com&sort=name").await,
        [
            "Ada Lovelace",
            "Grace Hopper",
            "Half_100% Off",
            "Liv Ångström",
            "Miles O'Brien",
            "Quentin Zwick"
        ]
    );
    assert_eq!(
        names(&app, token, "q=lovelace%20hopper").await,
        Vec::<String>::new()
    );
}

async fn fragments_of_one_or_two_characters_match_as_before(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    cast(&app).await;
    let token = &support.access_token;
    assert_eq!(names(&app, token, "q=Z").await, ["Quentin Zwick"]);
    assert_eq!(names(&app, token, "q=zW").await, ["Quentin Zwick"]);
    assert_eq!(names(&app, token, "q='").await, ["Miles O'Brien"]);
    assert_eq!(names(&app, token, "q=%25").await, ["Half_100% Off"]);
    assert_eq!(names(&app, token, "q=_").await, ["Half_100% Off"]);
    assert_eq!(names(&app, token, "q=lo&sort=name").await.len(), 1);
}

async fn wildcards_quotes_and_index_syntax_are_taken_literally(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    cast(&app).await;
    let token = &support.access_token;
    assert_eq!(names(&app, token, "q=100%25").await, ["Half_100% Off"]);
    assert_eq!(names(&app, token, "q=f_1").await, ["Half_100% Off"]);
    assert_eq!(names(&app, token, "q=O'Brien").await, ["Miles O'Brien"]);
    let none = Vec::<String>::new();
    for query in [
        "q=a_a",
        "q=%25%25%25",
        "q=l%25e",
        "q=%22",
        "q=%22Ada%22",
        "q=Ada%22%20OR%20%22Grace",
        "q=Ada%20OR%20Grace",
        "q=NEAR(Ada%20Grace)",
        "q=Lov*",
        "q=name:Ada",
        "q=%5C%5C%5C",
        "q=%27%27%27",
        "q=--%20x",
    ] {
        assert_eq!(names(&app, token, query).await, none, "{query}");
    }
    assert_eq!(names(&app, token, "q=Ada%20L").await, ["Ada Lovelace"]);
    for query in ["q=%00", "q=Ada%00Lovelace"] {
        assert_problem(
            app.get_auth(&format!("/v1/admin/readers?{query}"), token)
                .await,
            StatusCode::BAD_REQUEST,
            "nul_character",
        )
        .await;
    }
}

async fn a_renamed_reader_is_found_by_the_new_name_not_the_old(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    cast(&app).await;
    let reader = reader_named(&app, "renamed", "Dora Before").await;
    let token = &support.access_token;
    assert_eq!(names(&app, token, "q=before").await, ["Dora Before"]);
    let response = app
        .client
        .patch(app.url("/v1/me"))
        .bearer_auth(&reader.access_token)
        .json(&json!({"name": "Dora Afterwards"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(names(&app, token, "q=before").await, Vec::<String>::new());
    assert_eq!(names(&app, token, "q=afterw").await, ["Dora Afterwards"]);
    assert_eq!(
        names(&app, token, "q=renamed-").await,
        ["Dora Afterwards"],
        "the email still finds it"
    );
}
