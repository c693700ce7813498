//! The metered paywall (issue 15, part 4), end to end on both databases:
//! a few walled articles per rolling window for anonymous visitors and for
//! registered readers, counted on the server by a signed HttpOnly cookie
//! (or a server-side site's header), each test named after the behaviour
//! or the abuse it shows. Cookie attributes follow RFC 6265 §4.1 and the
//! `Vary` header RFC 9110 §12.5.5; OWASP's Session Management Cheat Sheet
//! is why the meter cookie is `HttpOnly`, `Secure` and `SameSite`.

use crate::support::catalogue_fixtures::{article, publish_sample_catalogue};
use crate::support::fixtures::subscription;
use crate::support::helpers::{Backend, TestApp, spawn_app_with};
use chrono::{Duration, Utc};
use masthead::domain::{Role, SubscriptionState};
use masthead::settings::Settings;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

on_both_backends!(with = crate::support::helpers::the_backend;
    an_anonymous_visitor_reads_the_allowance_then_meets_the_wall,
    rereading_a_counted_article_does_not_count_again,
    a_tampered_or_forged_meter_cookie_is_a_new_visitor_and_reaches_no_other_meter,
    a_meter_cookie_replayed_by_another_visitor_shares_its_count,
    access_lists_and_issues_report_the_meter_without_using_it,
    audio_is_never_opened_by_the_meter,
    exempt_articles_open_without_counting_and_walled_ones_never_open,
    signing_up_or_logging_in_carries_the_anonymous_count_into_the_account,
    logging_out_does_not_hand_out_a_fresh_allowance,
    a_subscriber_is_never_metered,
    the_meter_is_off_by_default,
    with_consent_required_an_anonymous_visitor_is_metered_only_after_consent,
    two_tabs_racing_for_the_last_free_article_get_one,
    reads_leave_the_rolling_window_and_the_allowance_comes_back,
    a_server_side_site_carries_the_meter_in_a_header,
    a_junk_meter_header_is_ignored,
    an_expired_readers_wall_keeps_its_reason_and_says_how_many_are_left,
);

/// The sample catalogue (subscriber articles `deep-dive` in the current
/// issue and `old-feature` in the past one) plus two more subscriber
/// articles in the current issue, `third-feature` and `fourth-feature`.
async fn magazine(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let app = spawn_app_with(backend, adjust).await;
    publish_sample_catalogue(&app).await;
    let editor = app.new_staff(Role::Editor).await;
    for slug in ["third-feature", "fourth-feature"] {
        let body = "Opening.\n\nSecond.\n\nThird, for subscribers.";
        article(
            &app,
            &editor.access_token,
            slug,
            2,
            "subscribers",
            body,
            true,
        )
        .await;
    }
    app
}

async fn metered(backend: Backend, anonymous: u32, registered: u32) -> TestApp {
    magazine(backend, |s| {
        s.meter_anonymous = anonymous;
        s.meter_registered = registered;
    })
    .await
}

/// One visitor's requests: the meter cookie they were given, if any, and
/// the bearer token of a logged-in reader.
#[derive(Default, Clone)]
struct Browser {
    cookie: Option<String>,
    bearer: Option<String>,
    header: Option<String>,
    consent: bool,
}

struct Answer {
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn meter(&self) -> &Value {
        &self.body["access"]["meter"]
    }

    fn used(&self) -> i64 {
        self.meter()["used"]
            .as_i64()
            .unwrap_or_else(|| panic!("a meter: {}", self.body))
    }

    fn full(&self) -> bool {
        self.body["is_teaser"] == false
    }

    fn set_cookie(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.starts_with("masthead_meter="))
    }
}

impl Browser {
    async fn get(&mut self, app: &TestApp, path: &str) -> Answer {
        let mut request = app.client.get(app.url(path));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", format!("masthead_meter={cookie}"));
        }
        if let Some(bearer) = &self.bearer {
            request = request.bearer_auth(bearer);
        }
        if let Some(header) = &self.header {
            request = request.header("x-masthead-meter", header);
        }
        if self.consent {
            request = request.header("x-masthead-meter-consent", "granted");
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let headers = response.headers().clone();
        let body = response.json().await.unwrap();
        let answer = Answer { headers, body };
        if let Some(set) = answer.set_cookie() {
            let value = set["masthead_meter=".len()..].split(';').next().unwrap();
            self.cookie = Some(value.to_owned());
        }
        answer
    }

    async fn read(&mut self, app: &TestApp, slug: &str) -> Answer {
        self.get(app, &format!("/v1/articles/{slug}")).await
    }
}

async fn an_anonymous_visitor_reads_the_allowance_then_meets_the_wall(backend: Backend) {
    let app = metered(backend, 2, 0).await;
    let mut visitor = Browser::default();

    let first = visitor.read(&app, "deep-dive").await;
    assert!(first.full(), "{}", first.body);
    assert_eq!(first.body["access"]["reason"], "metered");
    assert_eq!(first.body["access"]["granted"], true);
    assert_eq!(first.used(), 1);
    assert_eq!(first.meter()["limit"], 2);
    let set = first
        .set_cookie()
        .expect("a meter cookie for a new visitor");
    for attribute in [
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
        "Path=/v1",
        "Max-Age=2592000",
    ] {
        assert!(set.contains(attribute), "{attribute} in {set}");
    }
    assert_eq!(first.headers["cache-control"], "private, no-store");
    let vary: Vec<&str> = first
        .headers
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(vary.iter().any(|v| v.contains("Cookie")), "{vary:?}");
    let resets: chrono::DateTime<Utc> = first.meter()["resets_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (resets - (Utc::now() + Duration::days(30)))
            .num_seconds()
            .abs()
            < 60
    );

    let second = visitor.read(&app, "old-feature").await;
    assert!(second.full());
    assert_eq!(second.used(), 2);
    assert_eq!(second.set_cookie(), None, "the visitor keeps their cookie");

    let third = visitor.read(&app, "third-feature").await;
    assert!(!third.full(), "the wall after the allowance");
    assert_eq!(third.body["access"]["granted"], false);
    assert_eq!(third.body["access"]["reason"], "login_required");
    assert_eq!(third.used(), 2);
    assert_eq!(third.meter()["limit"], 2);
    assert!(
        !third.body["body"]
            .as_str()
            .unwrap()
            .contains("for subscribers")
    );
}

async fn rereading_a_counted_article_does_not_count_again(backend: Backend) {
    let app = metered(backend, 2, 0).await;
    let mut visitor = Browser::default();
    for _ in 0..4 {
        let again = visitor.read(&app, "deep-dive").await;
        assert!(again.full());
        assert_eq!(again.used(), 1);
    }
    assert!(visitor.read(&app, "third-feature").await.full());
    let reopened = visitor.read(&app, "deep-dive").await;
    assert!(
        reopened.full(),
        "a counted article reopens when the allowance is used up"
    );
    assert_eq!(reopened.body["access"]["reason"], "metered");
    assert!(!visitor.read(&app, "fourth-feature").await.full());
}

async fn a_tampered_or_forged_meter_cookie_is_a_new_visitor_and_reaches_no_other_meter(
    backend: Backend,
) {
    let app = metered(backend, 1, 0).await;
    let mut victim = Browser::default();
    assert!(victim.read(&app, "deep-dive").await.full());
    let genuine = victim.cookie.clone().unwrap();

    let mut flipped = genuine.clone().into_bytes();
    let last = flipped.len() - 1;
    flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
    let forged_values = [
        String::from_utf8(flipped).unwrap(),
        "visitor:00000000000000000000000000000000".to_owned(),
        format!("{genuine}x"),
        String::new(),
    ];
    for forged in forged_values {
        let mut attacker = Browser {
            cookie: Some(forged.clone()),
            ..Browser::default()
        };
        let read = attacker.read(&app, "third-feature").await;
        assert!(
            read.full(),
            "a forged cookie counts as a new visitor: {forged}"
        );
        assert_eq!(read.used(), 1);
        let replaced = attacker.cookie.clone().unwrap();
        assert_ne!(replaced, forged, "a forged cookie is replaced");
        assert_ne!(replaced, genuine, "never another visitor's meter");
    }
    // The victim's meter saw none of it.
    let own = victim.read(&app, "deep-dive").await;
    assert_eq!(own.used(), 1);
    assert!(!victim.read(&app, "fourth-feature").await.full());
}

async fn a_meter_cookie_replayed_by_another_visitor_shares_its_count(backend: Backend) {
    let app = metered(backend, 2, 0).await;
    let mut first = Browser::default();
    assert!(first.read(&app, "deep-dive").await.full());
    assert!(first.read(&app, "old-feature").await.full());
    let mut copycat = Browser {
        cookie: first.cookie.clone(),
        ..Browser::default()
    };
    let read = copycat.read(&app, "third-feature").await;
    assert!(
        !read.full(),
        "a copied cookie carries the count, not a new allowance"
    );
    assert_eq!(read.used(), 2);
}

async fn access_lists_and_issues_report_the_meter_without_using_it(backend: Backend) {
    let app = metered(backend, 2, 0).await;
    let mut visitor = Browser::default();
    let before = visitor.get(&app, "/v1/articles/deep-dive/access").await;
    assert_eq!(before.body["granted"], true);
    assert_eq!(before.body["reason"], "metered");
    assert_eq!(before.body["meter"]["used"], 0);
    assert_eq!(before.set_cookie(), None, "reporting issues no meter");
    assert_eq!(before.headers["cache-control"], "private, no-store");

    assert!(visitor.read(&app, "deep-dive").await.full());
    for _ in 0..3 {
        let access = visitor.get(&app, "/v1/articles/third-feature/access").await;
        assert_eq!(access.body["meter"]["used"], 1);
        let list = visitor.get(&app, "/v1/articles?per_page=50").await;
        let items = list.body["items"].as_array().expect("a page of articles");
        let third = items.iter().find(|a| a["slug"] == "third-feature").unwrap();
        assert_eq!(third["access"]["reason"], "metered");
        assert_eq!(third["access"]["meter"]["used"], 1);
        let public = items.iter().find(|a| a["slug"] == "free-read").unwrap();
        assert!(
            public["access"].get("meter").is_none(),
            "public articles have no meter"
        );
        let issue = visitor.get(&app, "/v1/issues/2").await;
        let listed = issue.body["articles"].as_array().unwrap();
        assert!(listed.iter().any(|a| a["access"]["meter"]["used"] == 1));
    }
    let still = visitor.read(&app, "third-feature").await;
    assert!(still.full(), "reports used nothing up");
    assert_eq!(still.used(), 2);
}

async fn audio_is_never_opened_by_the_meter(backend: Backend) {
    let app = metered(backend, 3, 0).await;
    let mut visitor = Browser::default();
    assert!(visitor.read(&app, "deep-dive").await.full());
    let mut request = app.client.get(app.url("/v1/articles/deep-dive/audio"));
    request = request.header(
        "cookie",
        format!("masthead_meter={}", visitor.cookie.clone().unwrap()),
    );
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

async fn exempt_articles_open_without_counting_and_walled_ones_never_open(backend: Backend) {
    let app = metered(backend, 1, 0).await;
    let editor = app.new_staff(Role::Editor).await;
    for (slug, rule) in [("third-feature", "exempt"), ("fourth-feature", "walled")] {
        let response = app
            .client
            .patch(app.url(&format!("/v1/admin/articles/{slug}")))
            .bearer_auth(&editor.access_token)
            .json(&json!({"meter": rule}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let view: Value = response.json().await.unwrap();
        assert_eq!(view["meter"], rule);
    }
    let refused = app
        .client
        .patch(app.url("/v1/admin/articles/deep-dive"))
        .bearer_auth(&editor.access_token)
        .json(&json!({"meter": "sometimes"}))
        .send()
        .await
        .unwrap();
    crate::support::helpers::assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    let mut visitor = Browser::default();
    let walled = visitor.read(&app, "fourth-feature").await;
    assert!(!walled.full(), "walled: never opened by the meter");
    assert_eq!(walled.used(), 0);
    for _ in 0..2 {
        let exempt = visitor.read(&app, "third-feature").await;
        assert!(exempt.full(), "exempt: opens");
        assert_eq!(exempt.used(), 0, "and counts nothing");
    }
    assert!(visitor.read(&app, "deep-dive").await.full());
    let after = visitor.read(&app, "third-feature").await;
    assert!(after.full(), "exempt opens with the allowance used up too");
    assert_eq!(after.used(), 1);
}

async fn signing_up_or_logging_in_carries_the_anonymous_count_into_the_account(backend: Backend) {
    let app = metered(backend, 2, 3).await;
    let mut visitor = Browser::default();
    assert!(visitor.read(&app, "deep-dive").await.full());
    assert!(visitor.read(&app, "old-feature").await.full());
    let cookie = visitor.cookie.clone().unwrap();

    let email = format!("metered-{}@example.com", uuid::Uuid::new_v4().simple());
    let signup = app
        .client
        .post(app.url("/v1/auth/signup"))
        .header("cookie", format!("masthead_meter={cookie}"))
        .json(&json!({"email": email, "password": "correct horse battery", "name": "Meter Reader"}))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), StatusCode::CREATED);
    let token: Value = signup.json().await.unwrap();
    let mut reader = Browser {
        bearer: Some(token["access_token"].as_str().unwrap().to_owned()),
        ..Browser::default()
    };
    let read = reader.read(&app, "third-feature").await;
    assert!(read.full());
    assert_eq!(read.used(), 3, "two anonymous reads came along");
    assert_eq!(read.meter()["limit"], 3);
    let wall = reader.read(&app, "fourth-feature").await;
    assert!(!wall.full());
    assert_eq!(wall.body["access"]["reason"], "subscription_required");
    assert!(
        reader.read(&app, "deep-dive").await.full(),
        "counted anonymously, reopens"
    );

    // Logging in with another anonymous meter merges that one too.
    let mut other = Browser::default();
    assert!(other.read(&app, "fourth-feature").await.full());
    let login = app
        .client
        .post(app.url("/v1/auth/login"))
        .header(
            "cookie",
            format!("masthead_meter={}", other.cookie.clone().unwrap()),
        )
        .json(&json!({"email": email, "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let reread = reader.read(&app, "fourth-feature").await;
    assert!(
        reread.full(),
        "read anonymously before logging in: counted, so it opens"
    );
}

async fn logging_out_does_not_hand_out_a_fresh_allowance(backend: Backend) {
    let app = metered(backend, 1, 1).await;
    let mut visitor = Browser::default();
    assert!(visitor.read(&app, "deep-dive").await.full());
    let reader = app.new_reader().await;
    let login = app
        .client
        .post(app.url("/v1/auth/login"))
        .header(
            "cookie",
            format!("masthead_meter={}", visitor.cookie.clone().unwrap()),
        )
        .json(&json!({"email": reader.email, "password": reader.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    // Back to anonymous with the same cookie: still used up.
    let read = visitor.read(&app, "third-feature").await;
    assert!(!read.full());
    assert_eq!(read.used(), 1);
}

async fn a_subscriber_is_never_metered(backend: Backend) {
    let app = metered(backend, 2, 2).await;
    let reader = app.new_reader().await;
    subscription("digital", SubscriptionState::Active)
        .period_end(Utc::now() + Duration::days(30))
        .give(&app, &reader.id);
    let mut subscriber = Browser {
        bearer: Some(reader.access_token.clone()),
        ..Browser::default()
    };
    for slug in [
        "deep-dive",
        "old-feature",
        "third-feature",
        "fourth-feature",
    ] {
        let read = subscriber.read(&app, slug).await;
        assert!(read.full());
        assert_eq!(read.body["access"]["reason"], Value::Null);
        assert!(read.body["access"].get("meter").is_none(), "{}", read.body);
        assert_eq!(read.set_cookie(), None);
    }
}

async fn the_meter_is_off_by_default(backend: Backend) {
    let app = magazine(backend, |_| {}).await;
    let mut visitor = Browser::default();
    let read = visitor.read(&app, "deep-dive").await;
    assert!(!read.full());
    assert_eq!(read.body["access"]["reason"], "login_required");
    assert!(read.body["access"].get("meter").is_none());
    assert_eq!(read.set_cookie(), None, "no cookie without a meter");
    let reader = app.new_reader().await;
    let mut registered = Browser {
        bearer: Some(reader.access_token),
        ..Browser::default()
    };
    let read = registered.read(&app, "deep-dive").await;
    assert_eq!(read.body["access"]["reason"], "subscription_required");
    assert!(read.body["access"].get("meter").is_none());
}

async fn with_consent_required_an_anonymous_visitor_is_metered_only_after_consent(
    backend: Backend,
) {
    let app = magazine(backend, |s| {
        s.meter_anonymous = 2;
        s.meter_consent_required = true;
    })
    .await;
    let mut visitor = Browser::default();
    let read = visitor.read(&app, "deep-dive").await;
    assert!(!read.full(), "no consent, no free article");
    assert!(read.body["access"].get("meter").is_none());
    assert_eq!(read.set_cookie(), None, "and no cookie");

    visitor.consent = true;
    let read = visitor.read(&app, "deep-dive").await;
    assert!(read.full());
    assert!(read.set_cookie().is_some());
    // Once given a meter, the cookie itself shows consent was given.
    visitor.consent = false;
    let read = visitor.read(&app, "old-feature").await;
    assert!(read.full());
    assert_eq!(read.used(), 2);
}

async fn two_tabs_racing_for_the_last_free_article_get_one(backend: Backend) {
    let app = metered(backend, 2, 0).await;
    let mut visitor = Browser::default();
    assert!(visitor.read(&app, "deep-dive").await.full());
    let slugs = ["old-feature", "third-feature", "fourth-feature"];
    let reads = slugs.map(|slug| {
        let mut tab = visitor.clone();
        let app = &app;
        async move { tab.read(app, slug).await }
    });
    let answers = futures_util::future::join_all(reads).await;
    let opened = answers.iter().filter(|a| a.full()).count();
    assert_eq!(opened, 1, "the last free article goes to one tab");
    for answer in &answers {
        assert_eq!(answer.used(), 2);
    }
}

async fn reads_leave_the_rolling_window_and_the_allowance_comes_back(backend: Backend) {
    let app = magazine(backend, |s| {
        s.meter_anonymous = 1;
        s.meter_window_days = 7;
    })
    .await;
    let mut visitor = Browser::default();
    let first = visitor.read(&app, "deep-dive").await;
    assert!(first.full());
    assert!(first.set_cookie().unwrap().contains("Max-Age=604800"));
    assert!(!visitor.read(&app, "third-feature").await.full());
    app.advance(std::time::Duration::from_secs(6 * 86_400));
    assert!(
        !visitor.read(&app, "third-feature").await.full(),
        "day 6: still used"
    );
    app.advance(std::time::Duration::from_secs(86_400 + 60));
    let back = visitor.read(&app, "third-feature").await;
    assert!(back.full(), "day 7: the first read left the window");
    assert_eq!(back.used(), 1);
    let recount = visitor.read(&app, "deep-dive").await;
    assert!(
        !recount.full(),
        "an article read before the window counts again"
    );
}

async fn a_server_side_site_carries_the_meter_in_a_header(backend: Backend) {
    let app = metered(backend, 1, 0).await;
    let mut site = Browser::default();
    let first = site.read(&app, "deep-dive").await;
    assert!(first.full());
    let handed = first.headers["x-masthead-meter"]
        .to_str()
        .unwrap()
        .to_owned();
    // The site keeps the value itself and sends it back as a header.
    let mut server = Browser {
        header: Some(handed),
        ..Browser::default()
    };
    let second = server.read(&app, "third-feature").await;
    assert!(!second.full(), "the same visitor's meter, from the header");
    assert_eq!(second.used(), 1);
    assert!(second.headers.get("x-masthead-meter").is_none());
}

async fn a_junk_meter_header_is_ignored(backend: Backend) {
    let app = metered(backend, 1, 0).await;
    for junk in [
        "x".repeat(8_000),
        "%00%0d%0a".to_owned(),
        "v1:visitor:abc".to_owned(),
    ] {
        let mut visitor = Browser {
            header: Some(junk),
            ..Browser::default()
        };
        let read = visitor.read(&app, "deep-dive").await;
        assert!(read.full(), "a new visitor");
        assert_eq!(read.used(), 1);
    }
}

async fn an_expired_readers_wall_keeps_its_reason_and_says_how_many_are_left(backend: Backend) {
    let app = metered(backend, 0, 1).await;
    let reader = app.new_reader().await;
    subscription("digital", SubscriptionState::Expired)
        .period_end(Utc::now() - Duration::days(3))
        .give(&app, &reader.id);
    let mut lapsed = Browser {
        bearer: Some(reader.access_token.clone()),
        ..Browser::default()
    };
    let read = lapsed.read(&app, "deep-dive").await;
    assert!(read.full(), "a lapsed subscriber is a registered reader");
    assert_eq!(read.body["access"]["reason"], "metered");
    let wall = lapsed.read(&app, "third-feature").await;
    assert!(!wall.full());
    assert_eq!(wall.body["access"]["reason"], "subscription_expired");
    assert_eq!(wall.used(), 1);
    // Anonymous metering is off: an anonymous visitor sees the plain wall.
    let mut visitor = Browser::default();
    let plain = visitor.read(&app, "deep-dive").await;
    assert!(plain.body["access"].get("meter").is_none());
}
