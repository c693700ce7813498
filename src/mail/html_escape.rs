//! Escaping values written into the HTML part of a message: `& < > " '`,
//! so a reader's name cannot inject markup or break out of an `href`.
//! Ours rather than minijinja's default, which also writes `/` as `&#x2f;`
//! and so makes every link in the HTML source unreadable to a person (and
//! to the tests that look for it).

/// Appends `value` to `out` with `& < > " '` escaped.
pub fn push_html_escaped(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::push_html_escaped;

    fn escaped(value: &str) -> String {
        let mut out = String::new();
        push_html_escaped(&mut out, value);
        out
    }

    #[test]
    fn markup_and_quotes_are_escaped() {
        assert_eq!(
            escaped("<script>alert('x')</script> & \"co\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"
        );
    }

    #[test]
    fn links_stay_readable() {
        assert_eq!(
            escaped("https://x.example/a?b=c&d=e"),
            "https://x.example/a?b=c&amp;d=e"
        );
    }
}
