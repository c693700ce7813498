//! `masthead demo --scale N`: a magazine of N readers, to measure the
//! service at the size it will reach rather than at the demo's three
//! readers. The rows follow the proportions of a working magazine (issue
//! 17): 10% of readers subscribe (across tiers and every state a reader
//! meets), 2% take print and have an address, and for a million readers
//! there are about 2,000,000 subscription events, 3,000,000 payments and
//! refunds, 500 issues, 20,000 articles, 500,000 sessions, 50,000 audit
//! entries and a recorded Stripe event per Stripe subscription.
//!
//! It is a loader, not a use case: rows are generated here (from a fixed
//! seed, so two runs make the same magazine) and stored by `db::seed` in
//! multi-row statements, one transaction per slice of readers. Every
//! seeded account shares one argon2id hash of [`SCALE_PASSWORD`] (hashing a
//! million passwords would take hours); nothing is narrated or emailed.

use super::names::{CITIES, EMAIL_DOMAINS, FIRST_NAMES, SENTENCES, STREETS, SURNAMES, TITLE_WORDS};
use crate::auth::hash_password;
use crate::db::{
    self, DbConnection,
    seed::{
        SeedArticle, SeedAudit, SeedBatch, SeedEvent, SeedIssue, SeedPayment, SeedReader,
        SeedRefund, SeedSession, SeedSubscription, SeedWebhookEvent,
    },
};
use crate::domain::{AuditAction, Password, Role, SubscriptionState};
use chrono::{Datelike, Duration, NaiveDateTime};
use std::time::Instant;

/// The share of readers, in percent, who take print by default.
pub const PRINT_PERCENT: usize = 2;

/// The share of readers, in percent, who subscribe (more when more take
/// print: every print reader is a subscriber).
const SUBSCRIBED_PERCENT: usize = 10;

/// The password of every seeded account, readers and staff.
pub const SCALE_PASSWORD: &str = "scale reader password";

/// The seeded staff accounts (the audit log's authors).
pub const SCALE_STAFF: [(&str, Role); 3] = [
    ("admin@staff.masthead.example", Role::Admin),
    ("support@staff.masthead.example", Role::Support),
    ("editor@staff.masthead.example", Role::Editor),
];

/// Readers generated and stored per transaction.
const SLICE: usize = 10_000;

/// How many rows of each kind a load stored, and how long it took.
#[derive(Debug, Default, Clone)]
pub struct ScaleReport {
    pub readers: usize,
    pub subscriptions: usize,
    pub events: usize,
    pub payments: usize,
    pub refunds: usize,
    pub sessions: usize,
    pub audit: usize,
    pub webhook_events: usize,
    pub issues: usize,
    pub articles: usize,
    pub rows: usize,
    pub seconds: f64,
}

impl ScaleReport {
    /// Rows stored per second.
    #[allow(clippy::cast_precision_loss)]
    pub fn rate(&self) -> f64 {
        self.rows as f64 / self.seconds.max(1e-9)
    }
}

/// A small deterministic generator (splitmix64): the same magazine every
/// run, without a random-number dependency in the server.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    #[allow(clippy::cast_possible_truncation)]
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + i64::try_from(self.below(usize::try_from(high - low + 1).unwrap_or(1))).unwrap_or(0)
    }

    /// True `percent`% of the time.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
}

fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The states of subscribers and their shares (percent).
const STATES: [(SubscriptionState, usize); 8] = [
    (SubscriptionState::Active, 45),
    (SubscriptionState::Canceling, 8),
    (SubscriptionState::PastDue, 4),
    (SubscriptionState::Expired, 20),
    (SubscriptionState::Refunded, 3),
    (SubscriptionState::Comped, 5),
    (SubscriptionState::Gift, 5),
    (SubscriptionState::Trialing, 10),
];

/// Subscriptions that were paid for (have payments and a history).
fn paid(state: SubscriptionState) -> bool {
    !matches!(
        state,
        SubscriptionState::Comped | SubscriptionState::Gift | SubscriptionState::Trialing
    )
}

/// Payments per monthly paid subscriber on average: 3 payments and
/// refunds per reader over the 8% of readers who paid is 37 each, and a
/// quarter of them pay yearly (a twelfth as many payments).
const PAYMENTS_PER_PAID: i64 = 48;
/// Subscription events per paid subscriber on average: 2 per reader.
const EVENTS_PER_PAID: i64 = 24;

struct Generator {
    rng: Rng,
    now: NaiveDateTime,
    hash: String,
    staff: Vec<(String, Role)>,
    counter: u64,
    grace_days: i64,
    print_percent: usize,
}

impl Generator {
    fn next_number(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// A name and a matching, unique email for reader number `n`.
    fn identity(&mut self, n: usize) -> (String, String) {
        let first = self.rng.pick(FIRST_NAMES);
        let last = self.rng.pick(SURNAMES);
        let name = if self.rng.chance(10) {
            let initial = char::from(b'A' + u8::try_from(self.rng.below(26)).unwrap_or(0));
            format!("{first} {initial}. {last}")
        } else {
            format!("{first} {last}")
        };
        let (f, l) = (first.to_lowercase(), last.to_lowercase());
        let local = match self.rng.below(5) {
            0 => format!("{f}.{l}{n}"),
            1 => format!("{}{l}{n}", &f[..1]),
            2 => format!("{l}.{f}{n}"),
            3 => format!("{f}_{l}.{n}"),
            _ => format!("{f}{n}"),
        };
        let domain = self.rng.pick(EMAIL_DOMAINS);
        (name, format!("{local}@{domain}"))
    }

    fn reader(&mut self, n: usize, total: usize) -> SeedReader {
        let (name, email) = self.identity(n);
        // Older accounts first, over ten years, with a little jitter.
        let span = 10 * 365 * 24 * 3600_i64;
        let position =
            i64::try_from(n).unwrap_or(0) * span / i64::try_from(total.max(1)).unwrap_or(1);
        // Never after the load: an account from the future would be left
        // out of anything listing the accounts created "so far".
        let created_at = (self.now - Duration::seconds(span - position)
            + Duration::seconds(self.rng.between(0, 3600)))
        .min(self.now);
        SeedReader {
            id: uuid(),
            email,
            password_hash: self.hash.clone(),
            name,
            role: Role::Reader.as_str().to_owned(),
            address_line1: None,
            address_line2: None,
            address_city: None,
            address_region: None,
            address_postal_code: None,
            address_country: None,
            email_verified_at: self
                .rng
                .chance(90)
                .then_some(created_at + Duration::minutes(5)),
            disabled_at: None,
            created_at,
            updated_at: created_at,
            product_updates: i32::from(self.rng.chance(60)),
        }
    }

    fn address(&mut self, reader: &mut SeedReader) {
        let (city, postal_code, country) = CITIES[self.rng.below(CITIES.len())];
        reader.address_line1 = Some(format!(
            "{} {}",
            self.rng.between(1, 180),
            self.rng.pick(STREETS)
        ));
        reader.address_city = Some(city.to_owned());
        reader.address_postal_code = Some(postal_code.to_owned());
        reader.address_country = Some(country.to_owned());
    }

    fn state(&mut self) -> SubscriptionState {
        let mut roll = self.rng.below(100);
        for (state, share) in STATES {
            if roll < share {
                return state;
            }
            roll -= share;
        }
        SubscriptionState::Active
    }

    /// A subscription for `reader`, with its history and money.
    #[allow(clippy::too_many_lines)]
    fn subscribe(&mut self, reader: &mut SeedReader, print: bool, batch: &mut SeedBatch) {
        let state = if print {
            // Print subscribers are mostly current: they are on the list.
            if self.rng.chance(80) {
                SubscriptionState::Active
            } else {
                self.state()
            }
        } else {
            self.state()
        };
        let tier = if print { "print" } else { "digital" };
        let yearly = self.rng.chance(25);
        let (interval, days, amount) = match (print, yearly) {
            (false, false) => ("month", 30, 900),
            (false, true) => ("year", 365, 9_000),
            (true, false) => ("month", 30, 1_500),
            (true, true) => ("year", 365, 15_000),
        };
        let payments = if paid(state) {
            let count = self.rng.between(1, 2 * PAYMENTS_PER_PAID - 1);
            if yearly { (count / 12).max(1) } else { count }
        } else {
            0
        };
        // The latest period: current for live states, in the past for ended ones.
        let ended = matches!(
            state,
            SubscriptionState::Expired | SubscriptionState::Refunded
        );
        let last_period_end = match state {
            SubscriptionState::PastDue => self.now - Duration::days(self.rng.between(1, 5)),
            _ if ended => self.now - Duration::days(self.rng.between(10, 700)),
            _ => self.now + Duration::days(self.rng.between(1, days)),
        };
        let last_period_start = last_period_end - Duration::days(days);
        let started_at = match state {
            SubscriptionState::Trialing => self.now - Duration::days(self.rng.between(0, 13)),
            SubscriptionState::Comped | SubscriptionState::Gift => {
                self.now - Duration::days(self.rng.between(1, 300))
            }
            _ => last_period_start - Duration::days(days * (payments - 1).max(0)),
        };
        if reader.created_at > started_at {
            reader.created_at = started_at - Duration::days(3);
            reader.updated_at = reader.created_at;
            if reader.email_verified_at.is_some() {
                reader.email_verified_at = Some(reader.created_at + Duration::minutes(5));
            }
        }
        let number = self.next_number();
        let stripe = !matches!(state, SubscriptionState::Comped | SubscriptionState::Gift);
        let id = uuid();
        let mut sub = SeedSubscription {
            id: id.clone(),
            reader_id: reader.id.clone(),
            tier_id: tier.to_owned(),
            state: state.as_str().to_owned(),
            billing_interval: stripe.then(|| interval.to_owned()),
            current_period_start: Some(last_period_start),
            current_period_end: Some(last_period_end),
            grace_ends_at: None,
            comped_until: None,
            cancel_reason: None,
            provider: stripe.then(|| "stripe".to_owned()),
            provider_customer_id: stripe.then(|| format!("cus_seed{number}")),
            provider_subscription_id: stripe.then(|| format!("sub_seed{number}")),
            started_at,
            ended_at: ended.then_some(last_period_end),
            created_at: started_at,
            updated_at: started_at,
        };
        match state {
            SubscriptionState::PastDue => {
                sub.grace_ends_at = Some(last_period_end + Duration::days(self.grace_days));
            }
            SubscriptionState::Canceling => {
                sub.cancel_reason = Some("reader canceled".to_owned());
            }
            SubscriptionState::Comped => {
                sub.current_period_start = None;
                sub.current_period_end = None;
                sub.comped_until = Some(self.now + Duration::days(self.rng.between(30, 365)));
            }
            SubscriptionState::Gift => {
                sub.current_period_start = Some(started_at);
                sub.current_period_end = Some(started_at + Duration::days(365));
            }
            SubscriptionState::Trialing => {
                sub.current_period_start = Some(started_at);
                sub.current_period_end = Some(started_at + Duration::days(14));
            }
            _ => {}
        }
        if let Some(stripe_id) = &sub.provider_subscription_id {
            // The latest event Stripe sent about it, kept for deduplication.
            batch.webhook_events.push(SeedWebhookEvent {
                id: format!("evt_seed{number}"),
                provider: "stripe".to_owned(),
                event_type: "customer.subscription.updated".to_owned(),
                object_id: Some(stripe_id.clone()),
                received_at: last_period_start.min(self.now),
            });
        }
        self.history(&sub, state, batch);
        self.money(&sub, state, payments, days, amount, batch);
        batch.subscriptions.push(sub);
    }

    /// The subscription's events: its creation, months of renewals with a
    /// failed payment now and then (active, past due, active again), and
    /// the move into its present state.
    fn history(&mut self, sub: &SeedSubscription, state: SubscriptionState, batch: &mut SeedBatch) {
        let first = if paid(state) {
            SubscriptionState::Active
        } else {
            state
        };
        let actor = if sub.provider.is_some() {
            "provider:stripe".to_owned()
        } else {
            format!("staff:{}", self.staff[1].0)
        };
        let mut moves = vec![(None, first)];
        if paid(state) {
            let cycles = self.rng.between(0, EVENTS_PER_PAID - 3);
            for _ in 0..cycles {
                moves.push((Some(SubscriptionState::Active), SubscriptionState::PastDue));
                moves.push((Some(SubscriptionState::PastDue), SubscriptionState::Active));
            }
            match state {
                SubscriptionState::Expired => {
                    moves.push((
                        Some(SubscriptionState::Active),
                        SubscriptionState::Canceling,
                    ));
                    moves.push((
                        Some(SubscriptionState::Canceling),
                        SubscriptionState::Expired,
                    ));
                }
                SubscriptionState::Active => {}
                other => moves.push((Some(SubscriptionState::Active), other)),
            }
        }
        let end = sub.ended_at.unwrap_or(self.now);
        let span = (end - sub.started_at).num_seconds().max(1);
        let steps = i64::try_from(moves.len()).unwrap_or(1);
        for (step, (from, to)) in (0_i64..).zip(moves) {
            batch.events.push(SeedEvent {
                id: uuid(),
                subscription_id: sub.id.clone(),
                from_state: from.map(|s| s.as_str().to_owned()),
                to_state: to.as_str().to_owned(),
                actor: actor.clone(),
                reason: None,
                occurred_at: sub.started_at + Duration::seconds(span * step / steps),
            });
        }
    }

    /// One payment per period paid, the last first backwards; a refunded
    /// subscription's last payment and about 1% of the others refunded.
    fn money(
        &mut self,
        sub: &SeedSubscription,
        state: SubscriptionState,
        payments: i64,
        days: i64,
        amount: i64,
        batch: &mut SeedBatch,
    ) {
        for k in 0..payments {
            let number = self.next_number();
            let paid_at = sub.started_at + Duration::days(days * k) + Duration::minutes(1);
            let refunded =
                (state == SubscriptionState::Refunded && k == payments - 1) || self.rng.chance(1);
            let payment = SeedPayment {
                id: uuid(),
                subscription_id: sub.id.clone(),
                reader_id: sub.reader_id.clone(),
                amount_cents: amount,
                currency: "usd".to_owned(),
                provider: "stripe".to_owned(),
                provider_payment_id: format!("pi_seed{number}"),
                provider_invoice_id: Some(format!("in_seed{number}")),
                paid_at,
                refunded_cents: if refunded { amount } else { 0 },
                created_at: paid_at,
                provider_charge_id: Some(format!("ch_seed{number}")),
            };
            if refunded {
                let refunded_at = paid_at + Duration::days(self.rng.between(1, 20));
                batch.refunds.push(SeedRefund {
                    id: uuid(),
                    payment_id: payment.id.clone(),
                    subscription_id: sub.id.clone(),
                    amount_cents: amount,
                    currency: "usd".to_owned(),
                    provider: "stripe".to_owned(),
                    provider_refund_id: Some(format!("re_seed{number}")),
                    reason: Some("requested by the reader".to_owned()),
                    actor: format!("staff:{}", self.staff[1].0),
                    created_at: refunded_at.min(self.now),
                });
            }
            batch.payments.push(payment);
        }
    }

    fn session(&mut self, reader: &SeedReader) -> SeedSession {
        let created_at = self.now - Duration::minutes(self.rng.between(1, 60 * 24 * 60));
        let revoked = self.rng.chance(10);
        SeedSession {
            id: uuid(),
            reader_id: reader.id.clone(),
            user_agent: Some(
                [
                    "Mozilla/5.0 (Macintosh)",
                    "Mozilla/5.0 (iPhone)",
                    "Mozilla/5.0 (X11; Linux)",
                    "Masthead iOS/3.2",
                ][self.rng.below(4)]
                .to_owned(),
            ),
            ip: Some(format!("198.51.100.{}", self.rng.between(1, 254))),
            created_at,
            last_used_at: created_at + Duration::minutes(self.rng.between(0, 600)),
            expires_at: created_at + Duration::days(30),
            revoked_at: revoked.then_some(created_at + Duration::hours(2)),
            revoked_reason: revoked.then(|| "logout".to_owned()),
        }
    }

    fn audit(&mut self, reader: &SeedReader, subscription: Option<&SeedSubscription>) -> SeedAudit {
        let (staff_id, role) = self.staff[self.rng.below(2)].clone();
        let occurred_at = self.now - Duration::minutes(self.rng.between(1, 60 * 24 * 365));
        let (action, target_type, target_id) = match subscription {
            Some(sub) => (
                AuditAction::SubscriptionExtended,
                "subscription",
                sub.id.clone(),
            ),
            None => (AuditAction::SessionsRevoked, "reader", reader.id.clone()),
        };
        SeedAudit {
            id: uuid(),
            staff_id,
            staff_role: role.as_str().to_owned(),
            action: action.as_str().to_owned(),
            target_type: target_type.to_owned(),
            target_id,
            reader_id: Some(reader.id.clone()),
            reason: Some("seeded".to_owned()),
            occurred_at,
        }
    }

    /// Readers `from..to` of `total`, with everything that hangs off them.
    fn slice(&mut self, from: usize, to: usize, total: usize) -> SeedBatch {
        let mut batch = SeedBatch::default();
        for n in from..to {
            let mut reader = self.reader(n, total);
            // 10% subscribe; 2% of all readers (a fifth of subscribers)
            // take print, or the share asked for.
            let roll = self.rng.below(100);
            let subscribed = roll < SUBSCRIBED_PERCENT.max(self.print_percent);
            let subscriptions_before = batch.subscriptions.len();
            if subscribed {
                let print = roll < self.print_percent;
                if print {
                    self.address(&mut reader);
                }
                self.subscribe(&mut reader, print, &mut batch);
            }
            if self.rng.chance(50) {
                let session = self.session(&reader);
                batch.sessions.push(session);
            }
            if self.rng.chance(5) {
                let subscription = batch.subscriptions[subscriptions_before..].first().cloned();
                let entry = self.audit(&reader, subscription.as_ref());
                batch.audit.push(entry);
            }
            batch.readers.push(reader);
        }
        batch
    }

    fn staff_rows(&mut self) -> Vec<SeedReader> {
        let mut rows = Vec::new();
        for (email, role) in SCALE_STAFF {
            let id = uuid();
            rows.push(SeedReader {
                id: id.clone(),
                email: email.to_owned(),
                password_hash: self.hash.clone(),
                name: format!("Staff {}", role.as_str()),
                role: role.as_str().to_owned(),
                address_line1: None,
                address_line2: None,
                address_city: None,
                address_region: None,
                address_postal_code: None,
                address_country: None,
                email_verified_at: Some(self.now),
                disabled_at: None,
                created_at: self.now - Duration::days(3_700),
                updated_at: self.now,
                product_updates: 0,
            });
            self.staff.push((id, role));
        }
        rows
    }

    /// `issues` published fortnightly back from ten days ago, and
    /// `articles` spread over them.
    fn catalogue(
        &mut self,
        issue_count: usize,
        article_count: usize,
    ) -> (Vec<SeedIssue>, Vec<SeedArticle>) {
        let newest = self.now - Duration::days(super::CURRENT_ISSUE_AGE_DAYS);
        let mut issues = Vec::with_capacity(issue_count);
        for k in 0..issue_count {
            let back = i64::try_from(issue_count - 1 - k).unwrap_or(0);
            let date = newest - Duration::days(14 * back);
            let first_year =
                (newest - Duration::days(14 * i64::try_from(issue_count).unwrap_or(0))).year();
            issues.push(SeedIssue {
                id: uuid(),
                number: i32::try_from(k + 1).unwrap_or(i32::MAX),
                volume: date.year() - first_year + 1,
                year: date.year(),
                title: format!(
                    "The {} and the {}",
                    self.rng.pick(TITLE_WORDS),
                    self.rng.pick(TITLE_WORDS)
                ),
                publication_date: date,
                published_at: Some(date),
                created_at: date - Duration::days(30),
                updated_at: date,
            });
        }
        let mut articles = Vec::with_capacity(article_count);
        for k in 0..article_count {
            let issue = &issues[k * issue_count / article_count.max(1)];
            let (a, b) = (self.rng.pick(TITLE_WORDS), self.rng.pick(TITLE_WORDS));
            let body = (0..5)
                .map(|_| self.rng.pick(SENTENCES))
                .collect::<Vec<_>>()
                .join("\n\n");
            let visibility = match self.rng.below(10) {
                0..=2 => "public",
                3 | 4 => "registered",
                _ => "subscribers",
            };
            articles.push(SeedArticle {
                id: uuid(),
                slug: format!("{a}-of-{b}-{}", k + 1),
                title: format!("Of {a} and {b}"),
                dek: self.rng.pick(SENTENCES).to_owned(),
                author: format!("{} {}", self.rng.pick(FIRST_NAMES), self.rng.pick(SURNAMES)),
                body,
                issue_id: Some(issue.id.clone()),
                visibility: visibility.to_owned(),
                paywall_cut: Some(2),
                publication_date: issue.publication_date,
                published_at: issue.published_at,
                created_at: issue.created_at,
                updated_at: issue.updated_at,
                meter_rule: "metered".to_owned(),
            });
        }
        (issues, articles)
    }
}

/// Fills an empty database with a magazine of `readers` readers; refuses
/// a database that already has readers or issues.
pub fn load(
    conn: &mut DbConnection,
    readers: usize,
    grace_days: i64,
) -> anyhow::Result<ScaleReport> {
    load_with_print(conn, readers, PRINT_PERCENT, grace_days)
}

/// [`load`] with `print_percent` of the readers taking print (to measure
/// an issue's mailing list at 100,000 print readers without seeding five
/// million readers).
pub fn load_with_print(
    conn: &mut DbConnection,
    readers: usize,
    print_percent: usize,
    grace_days: i64,
) -> anyhow::Result<ScaleReport> {
    anyhow::ensure!(readers > 0, "--scale needs at least one reader");
    anyhow::ensure!(
        print_percent <= 100,
        "--print-percent is a share of the readers, 0 to 100"
    );
    anyhow::ensure!(
        db::seed::is_empty(conn)?,
        "the database already has readers or issues: --scale fills an empty one"
    );
    let password =
        Password::parse(SCALE_PASSWORD.to_owned()).map_err(|e| anyhow::anyhow!(e.message))?;
    let started = Instant::now();
    let mut generator = Generator {
        rng: Rng(0x4D41_5354_4845_4144),
        now: chrono::Utc::now().naive_utc(),
        hash: hash_password(&password)?,
        staff: Vec::new(),
        counter: 0,
        grace_days,
        print_percent,
    };
    let mut report = ScaleReport::default();
    let staff = generator.staff_rows();
    let (issues, articles) = generator.catalogue((readers / 2_000).max(3), (readers / 50).max(6));
    db::write_transaction(conn, |conn| -> anyhow::Result<()> {
        db::seed::insert_batch(
            conn,
            &SeedBatch {
                readers: staff.clone(),
                ..SeedBatch::default()
            },
        )?;
        report.rows += staff.len() + db::seed::insert_catalogue(conn, &issues, &articles)?;
        Ok(())
    })?;
    report.issues = issues.len();
    report.articles = articles.len();
    let mut from = 0;
    while from < readers {
        let to = (from + SLICE).min(readers);
        let batch = generator.slice(from, to, readers);
        db::write_transaction(conn, |conn| db::seed::insert_batch(conn, &batch))?;
        report.readers += batch.readers.len();
        report.subscriptions += batch.subscriptions.len();
        report.events += batch.events.len();
        report.payments += batch.payments.len();
        report.refunds += batch.refunds.len();
        report.sessions += batch.sessions.len();
        report.audit += batch.audit.len();
        report.webhook_events += batch.webhook_events.len();
        report.rows += batch.rows();
        from = to;
    }
    db::seed::analyze(conn)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
