//! Support's reader search through the trigram index (pg_trgm on
//! PostgreSQL, FTS5's trigram tokenizer on SQLite) answers exactly what
//! the plain case-insensitive substring match did: fragments anywhere in
//! an email or a name, wildcards and the index's own syntax taken
//! literally, and a renamed reader under the new name only. A fragment
//! shorter than a trigram is refused, and the total is counted up to
//! 1,000 readers, whichever way the page is then read (by key and sorted,
//! walked along the order's index, or, for a state or tier alone matching
//! up to 10,000, listed from the subscriptions and sorted).

use crate::support::helpers::{TestApp, assert_problem};
use crate::support::reader_fixtures::reader_named;
use masthead::demo::scale::{load, load_with_print};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    fragments_in_the_middle_of_emails_and_names_match_in_any_case,
    fragments_of_one_or_two_characters_are_refused_three_match,
    wildcards_quotes_and_index_syntax_are_taken_literally,
    a_renamed_reader_is_found_by_the_new_name_not_the_old,
    the_total_is_counted_up_to_a_thousand_and_says_so,
    a_capped_search_still_pages_in_order_through_its_matches,
    a_subscription_filter_past_the_count_pages_in_every_order,
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

async fn fragments_of_one_or_two_characters_are_refused_three_match(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    cast(&app).await;
    let token = &support.access_token;
    for query in [
        "q=Z",
        "q=zW",
        "q='",
        "q=%25",
        "q=_",
        "q=%20lo%20",
        "q=%C3%85n",
    ] {
        let body = assert_problem(
            app.get_auth(&format!("/v1/admin/readers?{query}"), token)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "q", "{query}: {body}");
        assert_eq!(body["errors"][0]["code"], "too_short", "{query}: {body}");
    }
    assert_eq!(
        names(&app, token, "q=%20%20").await.len(),
        6,
        "blank: no fragment"
    );
    assert_eq!(names(&app, token, "q=Zwi").await, ["Quentin Zwick"]);
    assert_eq!(names(&app, token, "q=n%20Z").await, ["Quentin Zwick"]);
    assert_eq!(names(&app, token, "q='Br").await, ["Miles O'Brien"]);
    assert_eq!(names(&app, token, "q=%25%20O").await, ["Half_100% Off"]);
    assert_eq!(names(&app, token, "q=f_1").await, ["Half_100% Off"]);
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
        "q=%22%22%22",
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

/// The body of a search, which must answer 200.
async fn page(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app
        .get_auth(&format!("/v1/admin/readers?{query}"), token)
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

/// The `field` of each reader on a page.
fn column(body: &Value, field: &str) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[field].as_str().unwrap().to_owned())
        .collect()
}

async fn the_total_is_counted_up_to_a_thousand_and_says_so(app: TestApp) {
    load(&mut app.db(), 1_500, 7).unwrap();
    let support = app.new_staff(Role::Support).await;
    let token = &support.access_token;

    let everyone = page(&app, token, "").await;
    assert_eq!(everyone["total"], 1_000, "{}", everyone["total"]);
    assert_eq!(everyone["total_exact"], false);
    assert_eq!(column(&everyone, "id").len(), 20);

    // One mail domain of eight: about 190 readers, counted exactly, every
    // one on the pages.
    let first = page(&app, token, "q=example.org&per_page=100").await;
    assert_eq!(first["total_exact"], true);
    let total = first["total"].as_u64().unwrap();
    assert!((100..=300).contains(&total), "{total}");
    let mut emails = column(&first, "email");
    for number in 2..=3 {
        let next = page(
            &app,
            token,
            &format!("q=example.org&per_page=100&page={number}"),
        )
        .await;
        assert_eq!(next["total"], total);
        emails.extend(column(&next, "email"));
    }
    assert_eq!(emails.len() as u64, total);
    assert!(emails.iter().all(|e| e.contains("example.org")));

    let nobody = page(&app, token, "q=no%20such%20reader").await;
    assert_eq!(
        (&nobody["total"], &nobody["total_exact"]),
        (&json!(0), &json!(true))
    );
    let past_the_end = page(&app, token, "q=example.org&page=50").await;
    assert_eq!(past_the_end["total"], total);
    assert!(column(&past_the_end, "id").is_empty());
}

async fn a_capped_search_still_pages_in_order_through_its_matches(app: TestApp) {
    load(&mut app.db(), 1_500, 7).unwrap();
    let support = app.new_staff(Role::Support).await;
    let token = &support.access_token;

    // Every generated email has "example" in it: 1,500 matches.
    let mut emails = Vec::new();
    for number in 1..=16 {
        let body = page(
            &app,
            token,
            &format!("q=EXAMPLE&sort=email&per_page=100&page={number}"),
        )
        .await;
        assert_eq!(
            (&body["total"], &body["total_exact"]),
            (&json!(1_000), &json!(false))
        );
        emails.extend(column(&body, "email"));
    }
    assert_eq!(emails.len(), 1_500, "the pages go on past the count");
    let mut sorted = emails.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(emails, sorted, "in order, none twice");

    // A narrow search (read by key and sorted) orders as a broad one
    // (walked along the order's index) does.
    let broad = page(&app, token, "q=example&sort=name&per_page=100").await;
    let names = column(&broad, "name");
    let surname = names[0].rsplit(' ').next().unwrap().to_owned();
    let narrow = page(&app, token, &format!("q={surname}&sort=name&per_page=100")).await;
    assert_eq!(narrow["total_exact"], true);
    let narrowed = column(&narrow, "name");
    let mut by_name = narrowed.clone();
    by_name.sort();
    assert_eq!(narrowed, by_name);
    for (order, key) in [("created_at", "created_at"), ("-created_at", "created_at")] {
        let body = page(
            &app,
            token,
            &format!("q={surname}&sort={order}&per_page=100"),
        )
        .await;
        assert_in_order(&column(&body, key), order);
    }
}

/// Asserts `keys` are in the order `sort` asks (`-` first: descending).
fn assert_in_order(keys: &[String], sort: &str) {
    let mut expected = keys.to_vec();
    expected.sort();
    if sort.starts_with('-') {
        expected.reverse();
    }
    assert_eq!(keys, expected, "{sort}");
}

/// Every page of `query` at 100 a page, each with the same total,
/// concatenated: the `field` of each reader.
async fn every_page(app: &TestApp, token: &str, query: &str, field: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut first_total = None;
    for number in 1.. {
        let body = page(app, token, &format!("{query}&per_page=100&page={number}")).await;
        let total = (body["total"].clone(), body["total_exact"].clone());
        assert_eq!(
            first_total.get_or_insert_with(|| total.clone()),
            &total,
            "{query}, page {number}"
        );
        let column = column(&body, field);
        if column.is_empty() {
            return values;
        }
        values.extend(column);
    }
    unreachable!("pages are numbered without end")
}

/// A tier alone matching more readers than the total counts (every
/// seeded reader takes print here, the staff do not) pages through exactly
/// its subscribers in each order, none twice and none left out, as the
/// plan that lists a subscription filter's few thousand matches and sorts
/// them must; a state beside it narrows to the readers of both.
async fn a_subscription_filter_past_the_count_pages_in_every_order(app: TestApp) {
    const READERS: usize = 1_200;
    load_with_print(&mut app.db(), READERS, 100, 7).unwrap();
    let support = app.new_staff(Role::Support).await;
    let token = &support.access_token;
    let print = page(&app, token, "tier=print").await;
    assert_eq!(
        (&print["total"], &print["total_exact"]),
        (&json!(1_000), &json!(false)),
        "more match than the total counts"
    );

    let emails = every_page(&app, token, "tier=print&sort=email", "email").await;
    assert_eq!(emails.len(), READERS, "every print reader, no staff");
    assert!(emails.iter().all(|e| !e.contains("staff")), "{emails:?}");
    let mut by_email = emails.clone();
    by_email.sort();
    by_email.dedup();
    assert_eq!(emails, by_email, "by email, none twice");

    for (order, field) in [
        ("name", "name"),
        ("created_at", "created_at"),
        ("-created_at", "created_at"),
    ] {
        let keys = every_page(&app, token, &format!("tier=print&sort={order}"), field).await;
        assert_eq!(keys.len(), READERS, "{order}");
        assert_in_order(&keys, order);
    }
    let ids = every_page(&app, token, "tier=print", "id").await;
    let mut distinct = ids.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), READERS, "the default order lists each once");

    // Every reader takes print, so a state and the tier together (walked,
    // not listed) list that state's readers.
    for state in ["active", "expired"] {
        let alone = every_page(&app, token, &format!("state={state}&sort=email"), "email").await;
        let both = every_page(
            &app,
            token,
            &format!("state={state}&tier=print&sort=email"),
            "email",
        )
        .await;
        assert!(!alone.is_empty(), "{state}");
        assert_eq!(both, alone, "{state}");
    }
    let none = page(&app, token, "state=active&tier=digital").await;
    assert_eq!((&none["total"], &none["items"]), (&json!(0), &json!([])));
}
