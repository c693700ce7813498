//! What the narrator reads: the headline, the standfirst and the body, as
//! plain text. Bodies are plain text already (docs/staff.md, "Article
//! bodies"); the headline and standfirst get a full stop when they end
//! without punctuation, so an engine pauses after them instead of running
//! them into the first sentence.

/// The text of an article to read aloud: title, dek and body, each a
/// paragraph (separated by a blank line); empty parts are left out.
pub fn script(title: &str, dek: &str, body: &str) -> String {
    [sentence(title), sentence(dek), body.trim().to_owned()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `text` trimmed, ending in punctuation.
fn sentence(text: &str) -> String {
    let text = text.trim();
    let ends_a_sentence = text
        .chars()
        .last()
        .is_none_or(|last| matches!(last, '.' | '!' | '?' | ':' | ';' | '…' | '"' | '”' | '’'));
    if ends_a_sentence {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_standfirst_and_body_are_paragraphs() {
        assert_eq!(
            script(" Cities of water ", "How they float", "One.\n\nTwo."),
            "Cities of water.\n\nHow they float.\n\nOne.\n\nTwo."
        );
        assert_eq!(
            script("Why?", "", "Because."),
            "Why?\n\nBecause.",
            "no full stop after a question, no empty paragraph"
        );
    }
}
