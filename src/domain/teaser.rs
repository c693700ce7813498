//! The teaser a reader without access sees, and the one form of an article
//! body it is cut from.
//!
//! A body is stored normalised (see [`normalise_body`]) so that what an
//! editor meant as paragraphs is what the cut counts: a browser
//! `<textarea>` submits `\r\n\r\n`, and a line of spaces looks blank on a
//! page. Without that, a body the cut could not split was sent whole as its
//! own "teaser".

/// Paragraphs shown before the paywall when an editor set no cut.
pub const DEFAULT_TEASER_PARAGRAPHS: usize = 2;

/// The most words the teaser shows of a body too short to cut by paragraphs.
pub const FALLBACK_TEASER_WORDS: usize = 60;

/// What counts as trailing blank space on a line: what an editor's keyboard
/// or a paste leaves there. The migration lists the same characters.
const BLANK: &[char] = &[' ', '\t', '\u{a0}', '\u{3000}'];

/// Line endings become `\n`, every line loses its trailing [`BLANK`]s (so
/// a line of spaces is blank), runs of blank lines become one, and the
/// whole is trimmed. Paragraphs are then exactly the parts between `\n\n`.
/// Idempotent; the migration `2026-12-01-000021_normalise_bodies` applies
/// the same rule to bodies stored before it.
pub fn normalise_body(raw: &str) -> String {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(unified.len());
    let mut blank_run = false;
    for line in unified.split('\n') {
        let line = line.trim_end_matches(BLANK);
        if line.is_empty() {
            blank_run = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run { "\n\n" } else { "\n" });
        }
        blank_run = false;
        out.push_str(line);
    }
    out.trim().to_owned()
}

/// The teaser: the `cut` paragraphs before the paywall (two when no cut is
/// set). When the body has no more paragraphs than that, cutting by
/// paragraphs would send all of it, so the teaser is the first 60 words or
/// a third of the body's words, whichever is fewer. The teaser is always a
/// strict prefix of the normalised body (empty for a body of under three
/// words), never the whole of it.
pub fn teaser(body: &str, cut: Option<i32>) -> String {
    let body = normalise_body(body);
    let keep = cut
        .and_then(|c| usize::try_from(c).ok())
        .filter(|c| *c > 0)
        .unwrap_or(DEFAULT_TEASER_PARAGRAPHS);
    if let Some((end, _)) = body.match_indices("\n\n").nth(keep - 1) {
        return body[..end].to_owned();
    }
    let words = body.split_whitespace().count();
    let shown = FALLBACK_TEASER_WORDS.min(words / 3);
    first_words(&body, shown).to_owned()
}

/// The prefix of `text` up to the end of its `n`th word (empty for 0).
fn first_words(text: &str, n: usize) -> &str {
    if n == 0 {
        return "";
    }
    let mut seen = 0;
    let mut in_word = false;
    for (index, c) in text.char_indices() {
        if c.is_whitespace() {
            if in_word {
                seen += 1;
                if seen == n {
                    return &text[..index];
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_line_endings_and_blank_lines() {
        assert_eq!(
            normalise_body("One.\r\n\r\nTwo.\rThree."),
            "One.\n\nTwo.\nThree."
        );
        assert_eq!(normalise_body("One.  \n \t \n\n\nTwo.\n"), "One.\n\nTwo.");
        assert_eq!(normalise_body("  Indented\n  poem  "), "Indented\n  poem");
        let once = normalise_body("a\r\n \r\n\r\nb \nc");
        assert_eq!(normalise_body(&once), once);
    }

    #[test]
    fn keeps_the_paragraphs_before_the_cut() {
        let body = "One.\n\nTwo.\n\n\n\nThree.\n\nFour.";
        assert_eq!(teaser(body, Some(1)), "One.");
        assert_eq!(teaser(body, Some(3)), "One.\n\nTwo.\n\nThree.");
        assert_eq!(teaser(body, None), "One.\n\nTwo.");
        assert_eq!(teaser(body, Some(0)), "One.\n\nTwo.");
    }

    #[test]
    fn cuts_textarea_paragraphs() {
        let body = "One.\r\n\r\nTwo.\r\n \r\nThree.";
        assert_eq!(teaser(body, Some(1)), "One.");
    }

    #[test]
    fn a_body_the_cut_cannot_split_gives_at_most_a_third_of_its_words() {
        let body = "w ".repeat(30);
        assert_eq!(teaser(&body, Some(1)), "w ".repeat(10).trim_end());
        let long = "word ".repeat(600);
        assert_eq!(teaser(&long, Some(99)).split_whitespace().count(), 60);
        assert_eq!(teaser("Two words", Some(5)), "");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::domain::ArticleBody;
    use proptest::prelude::*;

    /// Pieces a body is made of: words, and every separator an editor or a
    /// browser produces.
    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "word",
            "Ünïcode",
            "x",
            " ",
            "  ",
            "\t",
            "\n",
            "\n\n",
            "\r\n",
            "\r\n\r\n",
            "\r",
            "\n \n",
            "\n\t\n",
            " \u{a0}\n",
            "\n\n\n",
            "\u{3000}",
        ])
    }

    proptest! {
        /// The teaser of a stored body is a strict prefix of it and holds no
        /// paragraph past the cut.
        #[test]
        fn the_teaser_is_a_strict_prefix_within_the_cut(
            pieces in prop::collection::vec(piece(), 1..80),
            cut in prop::option::of(-2i32..8),
        ) {
            let Ok(body) = ArticleBody::parse(pieces.concat()) else {
                return Ok(());
            };
            let stored = body.as_str();
            let shown = teaser(stored, cut);
            prop_assert!(stored.starts_with(&shown), "{shown:?} is not a prefix of {stored:?}");
            prop_assert!(shown.len() < stored.len(), "the whole body {stored:?} was sent");
            let keep = cut.and_then(|c| usize::try_from(c).ok()).filter(|c| *c > 0)
                .unwrap_or(DEFAULT_TEASER_PARAGRAPHS);
            prop_assert!(shown.matches("\n\n").count() < keep, "{shown:?} passes cut {keep}");
            prop_assert_eq!(normalise_body(stored), stored);
        }
    }
}
