//! The JSON of an article page, joined from pieces. Of an [`ArticlePage`]
//! only the access answer (and a presented gift link) differs between
//! visitors; the headline, byline, issue and the escaped text are the same
//! for all of them. Those pieces are rendered once per cached article
//! ([`RenderedPage`]) and every view joins them around its own part, so a
//! page view neither copies the article's strings nor escapes its text
//! again (issue 17, item 4: the gate close to the framework's ceiling).
//!
//! The pieces are cut from what serde writes for the very types the
//! OpenAPI document describes, never written by hand, and a unit test
//! compares the joined bytes with `serde_json::to_vec(&ArticlePage)`.

use super::ArticleSummary;
#[cfg(test)]
use super::get::ArticlePage;
use super::get::GiftNote;
use crate::cache::{CachedArticle, RenderedPage};
use crate::domain::ArticleAccess;
use serde::Serialize;

/// The page's JSON for one visitor: the full text when `full`, else the
/// teaser.
pub fn page_json(
    article: &CachedArticle,
    access: ArticleAccess,
    full: bool,
    gift: Option<&GiftNote>,
) -> Vec<u8> {
    let rendered = article.rendered.get_or_init(|| render(article));
    let text = if full {
        &rendered.full
    } else {
        &rendered.teaser
    };
    let mut out = Vec::with_capacity(rendered.head.len() + text.len() + 160);
    out.extend_from_slice(&rendered.head);
    write(&mut out, &access.view());
    out.extend_from_slice(text);
    if let Some(gift) = gift {
        out.extend_from_slice(b",\"gift\":");
        write(&mut out, gift);
    }
    out.push(b'}');
    out
}

/// Appends `value`'s JSON. Writing into a `Vec` cannot fail, and these
/// types (strings, numbers, booleans, dates) always serialise.
fn write(out: &mut Vec<u8>, value: &impl Serialize) {
    serde_json::to_writer(out, value).expect("an article page's parts serialise");
}

/// The pieces of `article`'s page. The summary serialises with its access
/// answer last, so its JSON is the head, the access answer and the closing
/// brace; the text follows as `ArticlePage` orders it (`body`, then
/// `is_teaser`).
fn render(article: &CachedArticle) -> RenderedPage {
    let access = ArticleAccess {
        decision: crate::domain::AccessDecision::Denied(crate::domain::Denial::LoginRequired),
        meter: None,
    };
    let summary =
        serde_json::to_vec(&ArticleSummary::new(article, access)).expect("a summary serialises");
    let mut answer = serde_json::to_vec(&access.view()).expect("an access answer serialises");
    answer.push(b'}');
    assert!(
        summary.ends_with(&answer),
        "the summary's access answer is its last field"
    );
    let head = summary[..summary.len() - answer.len()].into();
    let text = |body: &str, is_teaser: bool| {
        let mut out = b",\"body\":".to_vec();
        write(&mut out, &body);
        out.extend_from_slice(if is_teaser {
            b",\"is_teaser\":true"
        } else {
            b",\"is_teaser\":false"
        });
        out.into_boxed_slice()
    };
    RenderedPage {
        head,
        full: text(&article.body, false),
        teaser: text(&article.teaser, true),
    }
}

/// The page as a value, for the joined bytes to be compared with.
#[cfg(test)]
fn page(
    article: &CachedArticle,
    access: ArticleAccess,
    full: bool,
    gift: Option<GiftNote>,
) -> ArticlePage {
    ArticlePage {
        summary: ArticleSummary::new(article, access),
        body: if full {
            article.body.clone()
        } else {
            article.teaser.clone()
        },
        is_teaser: !full,
        gift,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::catalogue::PublishedArticle;
    use crate::domain::{
        AccessDecision, AudioSource, Denial, MeterRule, MeterView, Perk, Visibility,
    };

    fn article(issue: bool, audio: bool) -> CachedArticle {
        CachedArticle::new(PublishedArticle {
            id: "a1".into(),
            slug: "cities-of-water".into(),
            title: "Cities of \"water\" \u{2014} and <b>tags</b>".into(),
            dek: "A dek with a\ttab and \\ backslash".into(),
            author: "Ada Lovelace".into(),
            body: "First paragraph, with \u{e9}.\n\nSecond one.\n\nThird, walled.\n\nFourth."
                .into(),
            visibility: Visibility::Subscribers,
            paywall_cut: Some(1),
            audio_media_id: audio.then(|| "m1".into()),
            audio_duration_seconds: Some(61),
            audio_source: audio.then_some(AudioSource::Narrated),
            meter_rule: MeterRule::Metered,
            publication_date: chrono::DateTime::from_timestamp(1_764_000_000, 0)
                .unwrap()
                .naive_utc(),
            issue_number: issue.then_some(7),
            issue_title: issue.then(|| "Spring".into()),
        })
    }

    /// The article cache's byte budget (`CachedArticle::weight`) is spent
    /// by what an entry really keeps once rendered: the weight covers the
    /// row's text, the teaser and the three rendered pieces (escaped), and
    /// is not far above them (so the budget is not wasted on a guess).
    #[test]
    fn an_articles_weight_covers_its_rendered_page() {
        for paragraphs in [1, 40, 400] {
            let mut article = PublishedArticle::clone(&article(true, true));
            article.body = (0..paragraphs)
                .map(|i| format!("Paragraph {i}, \"quoted\" and <tagged>, of some length."))
                .collect::<Vec<_>>()
                .join("\n\n");
            let cached = CachedArticle::new(article);
            let before = cached.weight() as usize;
            page_json(
                &cached,
                ArticleAccess {
                    decision: AccessDecision::Granted,
                    meter: None,
                },
                true,
                None,
            );
            let rendered = cached.rendered.get().unwrap();
            let kept = cached.body.len()
                + cached.title.len()
                + cached.dek.len()
                + cached.author.len()
                + cached.teaser.len()
                + rendered.head.len()
                + rendered.full.len()
                + rendered.teaser.len();
            assert!(
                before >= kept,
                "{paragraphs} paragraphs: weight {before} < {kept} kept"
            );
            assert!(
                before <= kept + kept / 16 + 2_048,
                "{paragraphs} paragraphs: weight {before} ≫ {kept} kept"
            );
            assert_eq!(
                cached.weight() as usize,
                before,
                "rendering does not change the weight"
            );
        }
    }

    #[test]
    fn joined_pages_are_what_serde_writes_for_the_page() {
        let accesses = [
            ArticleAccess {
                decision: AccessDecision::Granted,
                meter: None,
            },
            ArticleAccess {
                decision: AccessDecision::Denied(Denial::LoginRequired),
                meter: None,
            },
            ArticleAccess {
                decision: AccessDecision::Denied(Denial::PerkRequired(Perk::Audio)),
                meter: None,
            },
            ArticleAccess {
                decision: AccessDecision::Metered { counts: true },
                meter: Some(MeterView {
                    used: 2,
                    limit: 3,
                    resets_at: chrono::DateTime::from_timestamp(1_765_000_000, 0),
                }),
            },
        ];
        for (issue, audio) in [(true, true), (false, false), (true, false)] {
            let article = article(issue, audio);
            for access in accesses {
                for full in [true, false] {
                    for gift in [
                        None,
                        Some((true, Some("Grace \"G\" Hopper"))),
                        Some((false, None)),
                    ] {
                        let note = |(valid, from): (bool, Option<&str>)| GiftNote {
                            valid,
                            from: from.map(str::to_owned),
                        };
                        let joined = page_json(&article, access, full, gift.map(note).as_ref());
                        let expected =
                            serde_json::to_vec(&page(&article, access, full, gift.map(note)))
                                .unwrap();
                        assert_eq!(
                            String::from_utf8(joined).unwrap(),
                            String::from_utf8(expected).unwrap(),
                            "issue {issue}, audio {audio}, {access:?}, full {full}, gift {gift:?}"
                        );
                    }
                }
            }
        }
    }
}
