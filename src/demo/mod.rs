//! `masthead demo`: a small sample magazine so a first run shows the gate
//! working: two published issues (the older one is the archive), public,
//! registered and subscriber articles, an audio reading (a generated tone)
//! and a digital edition (a generated one-page PDF). Running it twice
//! changes nothing.
//!
//! Its dates are relative to the day it is loaded, so the archive, the
//! current issue and the print mailing list look as they would on a
//! working magazine: the current issue came out [`CURRENT_ISSUE_AGE_DAYS`]
//! ago, the one before a month earlier, and the next (not yet published)
//! issue's print cut-off is a week ahead.
//!
//! `masthead demo --scale N` is the other loader: a generated magazine of
//! N readers, for measuring ([`scale`]).

mod names;
pub mod scale;

use crate::accounts::{NewAccount, create_account};
use crate::auth::hash_password;
use crate::db::{
    self, DbConnection, articles::NewArticle, issues::NewIssue, media::NewMediaFile,
    readers::ProfileChanges, subscriptions::NewSubscription,
};
use crate::domain::{
    DisplayName, MediaKind, Password, ReaderEmail, Role, ShippingAddress, SubscriptionId,
    SubscriptionState, Visibility,
};
use crate::settings::Settings;
use anyhow::Context;
use chrono::{Datelike, Duration, NaiveDateTime};
use sha2::{Digest, Sha256};
use std::path::Path;

/// How long ago the current demo issue came out: inside the last two weeks.
pub const CURRENT_ISSUE_AGE_DAYS: i64 = 10;

/// The demo magazine's issues: `(number, title, publication date, published?)`.
/// The next issue is due a week after its print cut-off
/// (`MASTHEAD_PRINT_CUTOFF_DAYS` before publication), so its mailing list
/// is still open.
fn issues(
    now: NaiveDateTime,
    print_cutoff_days: i64,
) -> [(i32, &'static str, NaiveDateTime, bool); 3] {
    let at_nine = |day: NaiveDateTime| day.date().and_hms_opt(9, 0, 0).unwrap_or(day);
    let current = at_nine(now - Duration::days(CURRENT_ISSUE_AGE_DAYS));
    [
        (
            1,
            "The sea and the city",
            current - Duration::days(30),
            true,
        ),
        (2, "Repair", current, true),
        (
            3,
            "Light",
            at_nine(now + Duration::days(print_cutoff_days.max(0) + 7)),
            false,
        ),
    ]
}

/// A mono 16-bit WAV file: a 440 Hz tone fading out over `seconds`.
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
pub fn tone_wav(seconds: u32) -> Vec<u8> {
    const RATE: u32 = 8_000;
    let samples = RATE * seconds;
    let mut wav = Vec::with_capacity(44 + samples as usize * 2);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + samples * 2).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16_u32.to_le_bytes());
    wav.extend_from_slice(&1_u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1_u16.to_le_bytes()); // mono
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&(RATE * 2).to_le_bytes());
    wav.extend_from_slice(&2_u16.to_le_bytes());
    wav.extend_from_slice(&16_u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(samples * 2).to_le_bytes());
    for n in 0..samples {
        let t = f64::from(n) / f64::from(RATE);
        let fade = 1.0 - f64::from(n) / f64::from(samples);
        let sample = (t * 440.0 * std::f64::consts::TAU).sin() * fade * 8_000.0;
        wav.extend_from_slice(&(sample as i16).to_le_bytes());
    }
    wav
}

/// A valid one-page PDF showing `title`.
pub fn one_page_pdf(title: &str) -> Vec<u8> {
    let text: String = title
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect();
    let stream = format!("BT /F1 28 Tf 72 700 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// Writes a media file and records it; returns its id.
fn store_media(
    conn: &mut DbConnection,
    media_dir: &Path,
    kind: MediaKind,
    extension: &str,
    content_type: &str,
    bytes: &[u8],
) -> anyhow::Result<String> {
    std::fs::create_dir_all(media_dir)?;
    let id = uuid::Uuid::now_v7().to_string();
    let path = format!("{id}.{extension}");
    std::fs::write(media_dir.join(&path), bytes).with_context(|| format!("cannot write {path}"))?;
    let sha256 = format!("{:x}", Sha256::digest(bytes));
    db::media::insert(
        conn,
        &NewMediaFile {
            id: &id,
            kind,
            path: &path,
            content_type,
            size_bytes: i64::try_from(bytes.len())?,
            sha256: &sha256,
            created_at: chrono::Utc::now().naive_utc(),
        },
    )?;
    Ok(id)
}

struct DemoArticle {
    slug: &'static str,
    title: &'static str,
    dek: &'static str,
    visibility: Visibility,
    issue: usize,
    body: &'static str,
}

const ARTICLES: [DemoArticle; 6] = [
    DemoArticle {
        slug: "letter-from-the-editor",
        title: "Letter from the editor",
        dek: "What is in this issue, and why it matters.",
        visibility: Visibility::Public,
        issue: 1,
        body: "Welcome to the winter issue.\n\nThis month we look at the sea, the city and the slow work of repair.\n\nThank you for reading.",
    },
    DemoArticle {
        slug: "the-night-ferry",
        title: "The night ferry",
        dek: "Eleven hours across the North Sea with the people who keep a ship running.",
        visibility: Visibility::Subscribers,
        issue: 1,
        body: "The ferry leaves at dusk.\n\nBelow the car deck, the engine room hums like a held note.\n\nThe chief engineer has made this crossing four thousand times.\n\nBy dawn, the coast of Norway is a grey line, and the night shift goes to sleep.",
    },
    DemoArticle {
        slug: "readers-letters",
        title: "Readers' letters",
        dek: "You wrote back.",
        visibility: Visibility::Registered,
        issue: 1,
        body: "Your letters about the autumn issue filled two postbags.\n\nHere are a few of our favourites.",
    },
    DemoArticle {
        slug: "the-repair-cafe",
        title: "The repair café",
        dek: "In a church hall in Leeds, nothing is beyond saving.",
        visibility: Visibility::Public,
        issue: 0,
        body: "Every second Saturday the tables fill with broken things.\n\nToasters, lamps, a child's bicycle.\n\nMost of them go home working.",
    },
    DemoArticle {
        slug: "cities-of-water",
        title: "Cities of water",
        dek: "How three port cities are learning to live with the tide.",
        visibility: Visibility::Subscribers,
        issue: 0,
        body: "Rotterdam builds squares that flood on purpose.\n\nJakarta is moving its capital.\n\nVenice raises its gates forty times a winter.\n\nEach city has made a different bet on the same water.",
    },
    DemoArticle {
        slug: "notes-for-members",
        title: "Notes for members",
        dek: "Events and news for registered readers.",
        visibility: Visibility::Registered,
        issue: 0,
        body: "Our spring lecture series opens in March.\n\nRegistered readers get first pick of the seats.",
    },
];

/// The demo readers: `(email, password, tier of a year's comp, if any)`.
/// The print subscriber has a shipping address, so the next issue's
/// mailing list has someone on it.
pub const DEMO_READERS: [(&str, &str, Option<&str>); 3] = [
    ("reader@demo.example", "demo reader password", None),
    (
        "subscriber@demo.example",
        "demo subscriber password",
        Some("digital"),
    ),
    ("print@demo.example", "demo print password", Some("print")),
];

/// The print subscriber's address.
fn demo_address() -> ShippingAddress {
    ShippingAddress {
        line1: "1 Harbour Street".to_owned(),
        line2: None,
        city: "Leith".to_owned(),
        region: None,
        postal_code: "EH6 6AA".to_owned(),
        country: "GB".to_owned(),
    }
}

/// Creates the demo readers (hashes made before the transaction).
fn add_readers(
    conn: &mut DbConnection,
    hashes: &[String],
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    for ((email, _, tier), hash) in DEMO_READERS.iter().zip(hashes) {
        let email =
            ReaderEmail::parse((*email).to_owned()).map_err(|e| anyhow::anyhow!(e.message))?;
        let name = DisplayName::parse(
            match tier {
                None => "Demo Reader",
                Some("print") => "Demo Print Subscriber",
                Some(_) => "Demo Subscriber",
            }
            .to_owned(),
        )
        .map_err(|e| anyhow::anyhow!(e.message))?;
        let account = NewAccount {
            email: &email,
            password_hash: hash,
            name: &name,
            role: Role::Reader,
        };
        let id = create_account(conn, &account, now)?;
        let Some(tier) = tier else { continue };
        if *tier == "print" {
            let mut changes = ProfileChanges::default();
            changes.set_address(Some(demo_address()));
            db::readers::update_profile(conn, &id, &changes)?;
        }
        let subscription = SubscriptionId::generate();
        db::subscriptions::insert(
            conn,
            &NewSubscription {
                comped_until: Some(now + chrono::Duration::days(365)),
                ..NewSubscription::new(&subscription, &id, tier, SubscriptionState::Comped, now)
            },
            "demo",
            Some("demo subscriber"),
        )?;
    }
    Ok(())
}

/// Loads the demo magazine unless an issue numbered 1 exists already.
/// Returns whether anything was loaded.
pub fn load(conn: &mut DbConnection, settings: &Settings) -> anyhow::Result<bool> {
    if db::issues::id_by_number(conn, 1)?.is_some() {
        return Ok(false);
    }
    let media_dir = settings.media_dir();
    let hashes = DEMO_READERS
        .iter()
        .map(|(_, password, _)| {
            hash_password(
                &Password::parse((*password).to_owned()).map_err(|e| anyhow::anyhow!(e.message))?,
            )
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    db::write_transaction(conn, |conn| -> anyhow::Result<()> {
        let now = chrono::Utc::now().naive_utc();
        add_readers(conn, &hashes, now)?;
        let mut issue_ids = Vec::new();
        for (number, title, publication_date, published) in issues(now, settings.print_cutoff_days)
        {
            let id = uuid::Uuid::now_v7().to_string();
            db::issues::insert(
                conn,
                &NewIssue {
                    id: &id,
                    number,
                    volume: 1,
                    year: publication_date.year(),
                    title,
                    cover_image_url: None,
                    publication_date,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            if !published {
                continue;
            }
            let edition = store_media(
                conn,
                &media_dir,
                MediaKind::Edition,
                "pdf",
                "application/pdf",
                &one_page_pdf(&format!("Masthead No {number} {title}")),
            )?;
            db::issues::set_edition(conn, &id, &edition, now)?;
            db::issues::publish(conn, number, now)?;
            issue_ids.push(id);
        }
        for article in &ARTICLES {
            let id = uuid::Uuid::now_v7().to_string();
            // `issue` counts back from the newest: 0 is the current issue.
            let issue_id = &issue_ids[issue_ids.len() - 1 - article.issue];
            db::articles::insert(
                conn,
                &NewArticle {
                    id: &id,
                    slug: article.slug,
                    title: article.title,
                    dek: article.dek,
                    author: "The Masthead desk",
                    body: article.body,
                    issue_id: Some(issue_id),
                    visibility: article.visibility,
                    paywall_cut: Some(1),
                    meter_rule: crate::domain::MeterRule::Metered,
                    publication_date: now,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            db::articles::publish(conn, article.slug, now)?;
            if article.slug == "cities-of-water" {
                let audio = store_media(
                    conn,
                    &media_dir,
                    MediaKind::Audio,
                    "wav",
                    "audio/wav",
                    &tone_wav(3),
                )?;
                db::articles::set_recorded_audio(conn, &id, &audio, 3, now)?;
            }
        }
        Ok(())
    })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_files_look_like_what_they_claim() {
        let wav = tone_wav(1);
        assert_eq!(&wav[..4], b"RIFF");
        assert_eq!(&wav[8..12], b"WAVE");
        assert_eq!(wav.len(), 44 + 16_000);
        let pdf = one_page_pdf("Issue 1 (test)");
        assert!(pdf.starts_with(b"%PDF-1.4"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8(pdf).unwrap();
        let xref: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[xref..].starts_with("xref"));
    }
}
