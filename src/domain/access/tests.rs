//! Table-driven tests of the gate: every rule of PRODUCT.md.

use super::*;
use PerkStatus::{ComingSoon, Live};
use SubscriptionState::{Active, Canceling, Comped, Expired, Gift, Incomplete, PastDue, Refunded};
use chrono::{TimeDelta, TimeZone};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 15, 12, 0, 0).unwrap()
}

fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

/// The default `digital` tier: four live perks, `ad_free` announced.
fn digital() -> Vec<(Perk, PerkStatus)> {
    vec![
        (Perk::DigitalEdition, Live),
        (Perk::Audio, Live),
        (Perk::ExclusiveContent, Live),
        (Perk::Archive, Live),
        (Perk::AdFree, ComingSoon),
    ]
}

/// The default `print` tier: `digital` plus the print edition.
fn print() -> Vec<(Perk, PerkStatus)> {
    let mut perks = digital();
    perks.push((Perk::PrintEdition, Live));
    perks
}

/// A subscription started 100 days ago, paid until 10 days from now.
fn sub(state: SubscriptionState, perks: Vec<(Perk, PerkStatus)>) -> SubscriptionSnapshot {
    SubscriptionSnapshot {
        state,
        perks,
        current_period_end: Some(now() + days(10)),
        grace_ends_at: None,
        comped_until: None,
        started_at: now() - days(100),
    }
}

fn with(
    mut snapshot: SubscriptionSnapshot,
    edit: impl FnOnce(&mut SubscriptionSnapshot),
) -> SubscriptionSnapshot {
    edit(&mut snapshot);
    snapshot
}

fn article(visibility: Visibility, in_past_issue: bool) -> Resource {
    Resource::Article {
        visibility,
        in_past_issue,
    }
}

fn audio(visibility: Visibility, in_past_issue: bool) -> Resource {
    Resource::Audio {
        visibility,
        in_past_issue,
    }
}

/// The columns of the table below, in order.
fn resources() -> [Resource; 11] {
    use Visibility::{Public, Registered, Subscribers};
    [
        article(Public, false),
        article(Public, true),
        article(Registered, false),
        article(Registered, true),
        article(Subscribers, false),
        article(Subscribers, true),
        audio(Subscribers, false),
        audio(Public, false),
        audio(Subscribers, true),
        Resource::Edition {
            in_past_issue: false,
        },
        Resource::Edition {
            in_past_issue: true,
        },
    ]
}

fn expected(token: &str) -> AccessDecision {
    AccessDecision::Denied(match token {
        "ok" => return AccessDecision::Granted,
        "login" => Denial::LoginRequired,
        "sub" => Denial::SubscriptionRequired,
        "expired" => Denial::SubscriptionExpired,
        "past_due" => Denial::PaymentPastDue,
        perk => Denial::PerkRequired(Perk::parse(perk).expect(perk)),
    })
}

/// A subscription whose bounding date (period end, grace end or comp
/// end, by state) is `in_days` from now; negative means already past.
fn ends(
    state: SubscriptionState,
    perks: Vec<(Perk, PerkStatus)>,
    in_days: i64,
) -> SubscriptionSnapshot {
    let mut snapshot = sub(state, perks);
    let end = Some(now() + days(in_days));
    match state {
        PastDue => snapshot.grace_ends_at = end,
        Comped => snapshot.comped_until = end,
        _ => snapshot.current_period_end = end,
    }
    snapshot
}

/// The `digital` tier with audio announced but not delivered.
fn audio_coming_soon() -> Vec<(Perk, PerkStatus)> {
    let mut perks = digital();
    for (perk, status) in &mut perks {
        if *perk == Perk::Audio {
            *status = ComingSoon;
        }
    }
    perks
}

#[test]
fn every_viewer_against_every_resource() {
    let undated = with(sub(Active, digital()), |s| s.current_period_end = None);
    let viewers: Vec<(&str, Option<Vec<SubscriptionSnapshot>>)> = vec![
        ("anonymous", None),
        ("registered, never subscribed", Some(vec![])),
        ("digital subscriber", Some(vec![sub(Active, digital())])),
        ("print subscriber", Some(vec![sub(Active, print())])),
        ("digital, no period end known", Some(vec![undated])),
        (
            "active, period over",
            Some(vec![ends(Active, digital(), -1)]),
        ),
        ("past_due in grace", Some(vec![ends(PastDue, digital(), 3)])),
        (
            "past_due after grace",
            Some(vec![ends(PastDue, digital(), -1)]),
        ),
        (
            "canceling before end",
            Some(vec![ends(Canceling, digital(), 5)]),
        ),
        (
            "canceling after end",
            Some(vec![ends(Canceling, digital(), -1)]),
        ),
        ("comped before end", Some(vec![ends(Comped, print(), 30)])),
        ("comped after end", Some(vec![ends(Comped, print(), -1)])),
        ("gift before end", Some(vec![ends(Gift, digital(), 30)])),
        ("gift after end", Some(vec![ends(Gift, digital(), -1)])),
        (
            "gift not started yet (after a paid period)",
            Some(vec![with(ends(Gift, digital(), 60), |s| {
                s.started_at = now() + days(30);
            })]),
        ),
        (
            "refunded gift",
            Some(vec![with(ends(Gift, digital(), 30), |s| {
                s.state = Refunded;
            })]),
        ),
        ("refunded", Some(vec![sub(Refunded, digital())])),
        ("expired", Some(vec![sub(Expired, digital())])),
        ("incomplete", Some(vec![sub(Incomplete, digital())])),
        (
            "audio coming soon",
            Some(vec![sub(Active, audio_coming_soon())]),
        ),
        (
            "print-only tier",
            Some(vec![sub(Active, vec![(Perk::PrintEdition, Live)])]),
        ),
    ];
    // Columns: article public, public past, registered, registered past,
    // subscribers, subscribers past, audio (subscribers), audio (public),
    // audio past, edition, edition past.
    let table = [
        "ok ok login login login login login login login login login",
        "ok ok ok sub sub sub sub sub sub sub sub",
        "ok ok ok ok ok ok ok ok ok ok ok",
        "ok ok ok ok ok ok ok ok ok ok ok",
        "ok ok ok ok ok ok ok ok ok ok ok",
        "ok ok ok expired expired expired expired expired expired expired expired",
        "ok ok ok ok ok ok ok ok ok ok ok",
        "ok ok ok past_due past_due past_due past_due past_due past_due past_due past_due",
        "ok ok ok ok ok ok ok ok ok ok ok",
        "ok ok ok expired expired expired expired expired expired expired expired",
        "ok ok ok ok ok ok ok ok ok ok ok",
        "ok ok ok expired expired expired expired expired expired expired expired",
        "ok ok ok ok ok ok ok ok ok ok ok",
        "ok ok ok expired expired expired expired expired expired expired expired",
        "ok ok ok expired expired expired expired expired expired expired expired",
        "ok ok ok expired expired expired expired expired expired expired expired",
        "ok ok ok expired expired expired expired expired expired expired expired",
        "ok ok ok expired expired expired expired expired expired expired expired",
        "ok ok ok sub sub sub sub sub sub sub sub",
        "ok ok ok ok ok ok audio audio audio ok ok",
        "ok ok ok archive exclusive_content exclusive_content exclusive_content audio \
         exclusive_content digital_edition digital_edition",
    ];
    assert_eq!(viewers.len(), table.len());
    for ((name, subscriptions), row) in viewers.iter().zip(table) {
        let viewer = match subscriptions {
            None => Viewer::Anonymous,
            Some(subscriptions) => Viewer::Reader { subscriptions },
        };
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells.len(), resources().len(), "{name}");
        for (resource, cell) in resources().iter().zip(cells) {
            assert_eq!(
                decide(&viewer, resource, now()),
                expected(cell),
                "{name} / {resource:?}"
            );
        }
    }
}

#[test]
fn coming_soon_perks_never_grant() {
    let digital = sub(Active, digital());
    assert!(!digital.live_perks(now()).contains(&Perk::AdFree));
    let ad_free_only = [sub(
        Active,
        vec![(Perk::AdFree, ComingSoon), (Perk::Audio, ComingSoon)],
    )];
    let viewer = Viewer::Reader {
        subscriptions: &ad_free_only,
    };
    assert_eq!(
        decide(&viewer, &audio(Visibility::Public, false), now()),
        AccessDecision::Denied(Denial::PerkRequired(Perk::Audio))
    );
}

#[test]
fn a_later_live_subscription_wins_over_an_older_expired_one() {
    let old = with(sub(Expired, print()), |s| s.started_at = now() - days(400));
    let new = with(sub(Active, digital()), |s| s.started_at = now() - days(5));
    for subscriptions in [[old.clone(), new.clone()], [new, old]] {
        let viewer = Viewer::Reader {
            subscriptions: &subscriptions,
        };
        assert!(decide(&viewer, &article(Visibility::Subscribers, true), now()).is_granted());
    }
}

#[test]
fn only_granting_subscriptions_contribute_perks() {
    let lapsed = sub(Expired, digital());
    let print_only = sub(Active, vec![(Perk::PrintEdition, Live)]);
    let subscriptions = [lapsed, print_only];
    let viewer = Viewer::Reader {
        subscriptions: &subscriptions,
    };
    assert_eq!(
        decide(&viewer, &article(Visibility::Subscribers, false), now()),
        AccessDecision::Denied(Denial::PerkRequired(Perk::ExclusiveContent))
    );
}

#[test]
fn perks_add_up_across_granting_subscriptions() {
    let subscriptions = [
        sub(Active, vec![(Perk::Audio, Live)]),
        with(sub(Comped, vec![(Perk::ExclusiveContent, Live)]), |s| {
            s.comped_until = Some(now() + days(1));
        }),
    ];
    let viewer = Viewer::Reader {
        subscriptions: &subscriptions,
    };
    assert!(decide(&viewer, &audio(Visibility::Subscribers, false), now()).is_granted());
}

#[test]
fn the_most_recent_subscription_explains_a_refusal() {
    let started = |mut s: SubscriptionSnapshot, ago: i64| {
        s.started_at = now() - days(ago);
        s
    };
    let overdue = ends(PastDue, digital(), -1);
    let cases = [
        (
            started(overdue.clone(), 10),
            started(sub(Expired, digital()), 400),
            Denial::PaymentPastDue,
        ),
        (
            started(overdue, 400),
            started(sub(Refunded, digital()), 10),
            Denial::SubscriptionExpired,
        ),
        (
            started(sub(Expired, digital()), 400),
            started(sub(Incomplete, digital()), 1),
            Denial::SubscriptionRequired,
        ),
    ];
    for (a, b, denial) in cases {
        let subscriptions = [a, b];
        let viewer = Viewer::Reader {
            subscriptions: &subscriptions,
        };
        assert_eq!(
            decide(
                &viewer,
                &Resource::Edition {
                    in_past_issue: false
                },
                now()
            ),
            AccessDecision::Denied(denial)
        );
    }
}

#[test]
fn access_ends_exactly_at_each_end_and_fails_closed_without_one() {
    let end = Some(now());
    assert!(!with(sub(Active, digital()), |s| s.current_period_end = end).grants_access(now()));
    assert!(!sub(Canceling, digital()).grants_access(now() + days(10)));
    assert!(sub(Canceling, digital()).grants_access(now() + days(10) - TimeDelta::seconds(1)));
    assert!(!with(sub(PastDue, digital()), |s| s.grace_ends_at = end).grants_access(now()));
    assert!(!with(sub(Comped, digital()), |s| s.comped_until = end).grants_access(now()));
    assert!(!ends(Gift, digital(), 0).grants_access(now()));
    assert!(ends(Gift, digital(), 1).grants_access(now()));
    let later = with(ends(Gift, digital(), 40), |s| s.started_at = now());
    assert!(later.grants_access(now()), "a gift opens from its start");
    assert!(!later.grants_access(now() - TimeDelta::seconds(1)));
    for state in [Canceling, PastDue, Comped, Gift] {
        let undated = with(sub(state, digital()), |s| s.current_period_end = None);
        assert!(!undated.grants_access(now()), "{state}");
    }
}

#[test]
fn entitlements_split_granted_from_announced() {
    let (granted, announced) = entitlements(&[sub(Active, print())], now());
    assert_eq!(
        granted,
        BTreeSet::from([
            Perk::DigitalEdition,
            Perk::Audio,
            Perk::ExclusiveContent,
            Perk::Archive,
            Perk::PrintEdition,
        ])
    );
    assert_eq!(announced, BTreeSet::from([Perk::AdFree]));

    let (granted, announced) = entitlements(&[sub(Expired, print())], now());
    assert!(granted.is_empty() && announced.is_empty());

    let live_ad_free = sub(Active, vec![(Perk::AdFree, Live)]);
    let (granted, announced) = entitlements(&[sub(Active, digital()), live_ad_free], now());
    assert!(granted.contains(&Perk::AdFree));
    assert!(announced.is_empty());
}

#[test]
fn denials_have_stable_codes_and_the_view_serialises() {
    let cases = [
        (Denial::LoginRequired, "login_required"),
        (Denial::SubscriptionRequired, "subscription_required"),
        (Denial::PerkRequired(Perk::Archive), "perk_required"),
        (Denial::SubscriptionExpired, "subscription_expired"),
        (Denial::PaymentPastDue, "payment_past_due"),
    ];
    for (denial, code) in cases {
        assert_eq!(denial.code(), code);
        assert_eq!(denial.perk().is_some(), code == "perk_required");
    }
    assert_eq!(
        serde_json::to_value(AccessDecision::Granted.view()).unwrap(),
        serde_json::json!({"granted": true, "reason": null, "perk": null})
    );
    assert_eq!(
        serde_json::to_value(AccessDecision::Denied(Denial::PerkRequired(Perk::Archive)).view())
            .unwrap(),
        serde_json::json!({"granted": false, "reason": "perk_required", "perk": "archive"})
    );
}

#[test]
fn visibility_names_round_trip() {
    for visibility in [
        Visibility::Public,
        Visibility::Registered,
        Visibility::Subscribers,
    ] {
        assert_eq!(Visibility::parse(visibility.as_str()), Some(visibility));
        assert_eq!(
            serde_json::to_value(visibility).unwrap(),
            serde_json::Value::from(visibility.as_str())
        );
    }
    assert_eq!(Visibility::parse("private"), None);
}

/// A valid subscriber's gift link to article `a`.
fn gift() -> GiftPass<'static> {
    GiftPass {
        article_id: "a",
        expires_at: Some(now() + days(3)),
        revoked: false,
        giver: super::super::Giver::Subscriber {
            disabled: false,
            subscription: Some(Active),
        },
    }
}

#[test]
fn a_gift_link_opens_the_full_text_of_its_article_only() {
    use Visibility::Subscribers;
    let anonymous = Viewer::Anonymous;
    let lapsed = [sub(Expired, digital())];
    let former = Viewer::Reader {
        subscriptions: &lapsed,
    };
    let expired_gift = GiftPass {
        expires_at: Some(now() - days(1)),
        ..gift()
    };
    let revoked_gift = GiftPass {
        revoked: true,
        ..gift()
    };
    // (viewer, resource, article id, gift, decision)
    let table: [(&Viewer, Resource, &str, GiftPass, AccessDecision); 8] = [
        (
            &anonymous,
            article(Subscribers, false),
            "a",
            gift(),
            AccessDecision::GiftLink,
        ),
        (
            &anonymous,
            article(Subscribers, true),
            "a",
            gift(),
            AccessDecision::GiftLink,
        ),
        (
            &former,
            article(Subscribers, false),
            "a",
            gift(),
            AccessDecision::GiftLink,
        ),
        (
            &anonymous,
            article(Subscribers, false),
            "b",
            gift(),
            AccessDecision::Denied(Denial::LoginRequired),
        ),
        (
            &anonymous,
            audio(Subscribers, false),
            "a",
            gift(),
            AccessDecision::Denied(Denial::LoginRequired),
        ),
        (
            &former,
            Resource::Edition {
                in_past_issue: false,
            },
            "a",
            gift(),
            AccessDecision::Denied(Denial::SubscriptionExpired),
        ),
        (
            &anonymous,
            article(Subscribers, false),
            "a",
            expired_gift,
            AccessDecision::Denied(Denial::LoginRequired),
        ),
        (
            &anonymous,
            article(Subscribers, false),
            "a",
            revoked_gift,
            AccessDecision::Denied(Denial::LoginRequired),
        ),
    ];
    for (i, (viewer, resource, id, gift, expected)) in table.into_iter().enumerate() {
        assert_eq!(
            decide_with_gift(viewer, &resource, id, &gift, now()),
            expected,
            "row {i}"
        );
    }
}

#[test]
fn a_subscriber_opening_a_gift_link_reads_on_their_own_access() {
    let own = [sub(Active, digital())];
    let viewer = Viewer::Reader {
        subscriptions: &own,
    };
    let decision = decide_with_gift(
        &viewer,
        &article(Visibility::Subscribers, false),
        "a",
        &gift(),
        now(),
    );
    assert_eq!(decision, AccessDecision::Granted);
    let view = AccessDecision::GiftLink.view();
    assert!(view.granted);
    assert_eq!(view.reason, Some("gift_link"));
}

fn meter(limit: u32, counted: &[&str]) -> Meter {
    Meter {
        limit,
        window: days(30),
        reads: counted
            .iter()
            .map(|id| crate::domain::MeteredRead {
                article_id: (*id).to_owned(),
                read_at: now() - days(1),
            })
            .collect::<Vec<_>>()
            .into(),
    }
}

#[test]
fn the_meter_lifts_only_the_refusals_it_may_of_article_text() {
    use MeterRule::{Exempt, Metered, Walled};
    let none: [SubscriptionSnapshot; 0] = [];
    let lapsed = [sub(Expired, digital())];
    let past_due = [ends(PastDue, digital(), -1)];
    let active = [sub(Active, digital())];
    let anonymous = Viewer::Anonymous;
    let registered = Viewer::Reader {
        subscriptions: &none,
    };
    let expired = Viewer::Reader {
        subscriptions: &lapsed,
    };
    let unpaid = Viewer::Reader {
        subscriptions: &past_due,
    };
    let subscriber = Viewer::Reader {
        subscriptions: &active,
    };
    let open = AccessDecision::Metered { counts: true };
    let free = AccessDecision::Metered { counts: false };
    let walled = article(Visibility::Subscribers, false);
    let table = [
        (&anonymous, walled, Metered, meter(2, &[]), open),
        (
            &anonymous,
            walled,
            Metered,
            meter(2, &["x", "y"]),
            expected("login"),
        ),
        (&anonymous, walled, Metered, meter(2, &["a", "y"]), free),
        (&anonymous, walled, Exempt, meter(2, &["x", "y"]), free),
        (&anonymous, walled, Walled, meter(2, &[]), expected("login")),
        (
            &anonymous,
            article(Visibility::Registered, true),
            Metered,
            meter(1, &[]),
            open,
        ),
        (&registered, walled, Metered, meter(1, &[]), open),
        (
            &registered,
            walled,
            Metered,
            meter(1, &["x"]),
            expected("sub"),
        ),
        (
            &expired,
            article(Visibility::Subscribers, true),
            Metered,
            meter(1, &[]),
            open,
        ),
        (
            &unpaid,
            walled,
            Metered,
            meter(5, &[]),
            expected("past_due"),
        ),
        (
            &anonymous,
            audio(Visibility::Subscribers, false),
            Metered,
            meter(5, &[]),
            expected("login"),
        ),
        (
            &subscriber,
            walled,
            Metered,
            meter(0, &[]),
            AccessDecision::Granted,
        ),
        (
            &anonymous,
            article(Visibility::Public, false),
            Metered,
            meter(0, &[]),
            AccessDecision::Granted,
        ),
    ];
    for (i, (viewer, resource, rule, meter, expected)) in table.into_iter().enumerate() {
        let pass = MeterPass {
            meter: &meter,
            rule,
        };
        let access = decide_article(viewer, &resource, "a", None, Some(pass), now());
        assert_eq!(access.decision, expected, "row {i}");
        let reported = !matches!(
            access.decision,
            AccessDecision::Granted | AccessDecision::Denied(Denial::PaymentPastDue)
        ) && matches!(resource, Resource::Article { .. });
        assert_eq!(access.meter.is_some(), reported, "row {i}: meter reported");
    }
}

#[test]
fn a_metered_grant_reads_as_metered_with_the_meter_attached() {
    let m = meter(3, &["x"]);
    let access = decide_article(
        &Viewer::Anonymous,
        &article(Visibility::Subscribers, false),
        "a",
        None,
        Some(MeterPass {
            meter: &m,
            rule: MeterRule::Metered,
        }),
        now(),
    );
    let view = access.view();
    assert!(view.granted);
    assert_eq!(view.reason, Some("metered"));
    let reported = view.meter.expect("the meter");
    assert_eq!((reported.used, reported.limit), (1, 3));
}

#[test]
fn a_gift_link_comes_before_the_meter_and_uses_none_of_it() {
    let m = meter(1, &[]);
    let access = decide_article(
        &Viewer::Anonymous,
        &article(Visibility::Subscribers, false),
        "a",
        Some(&gift()),
        Some(MeterPass {
            meter: &m,
            rule: MeterRule::Metered,
        }),
        now(),
    );
    assert_eq!(access.decision, AccessDecision::GiftLink);
    assert_eq!(access.meter, None);
}
