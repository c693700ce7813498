//! `{{placeholder}}` substitution for the mail templates in
//! `templates/mail/`. Hand-written rather than a template engine: five
//! short messages with a handful of values each need nothing more, and the
//! one rule that matters, escaping values in the HTML part, stays visible.

/// How values are written into a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// Plain text: values as they are.
    Text,
    /// HTML: `& < > " '` escaped, so a reader's name cannot inject markup
    /// (or break out of an `href`).
    Html,
}

/// Fills each `{{key}}` of `template` with its value, in one pass (a value
/// containing `{{...}}` is never substituted again). A key without a value
/// is left as written, which the tests beside the messages catch.
pub fn render(template: &str, values: &[(&str, &str)], escape: Escape) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = after[..end].trim();
        match values.iter().find(|(k, _)| *k == key) {
            Some((_, value)) if escape == Escape::Html => push_html_escaped(&mut out, value),
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn push_html_escaped(out: &mut String, value: &str) {
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
    use super::*;

    #[test]
    fn fills_every_placeholder() {
        let out = render(
            "Hi {{name}}, see {{ link }}.",
            &[("name", "Ada"), ("link", "https://x.example/a?b=c")],
            Escape::Text,
        );
        assert_eq!(out, "Hi Ada, see https://x.example/a?b=c.");
    }

    #[test]
    fn html_values_are_escaped_text_values_are_not() {
        let values = [("name", "<script>alert('x')</script> & \"co\"")];
        assert_eq!(
            render("<p>{{name}}</p>", &values, Escape::Html),
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;</p>"
        );
        assert_eq!(
            render("{{name}}", &values, Escape::Text),
            "<script>alert('x')</script> & \"co\""
        );
    }

    #[test]
    fn links_in_attributes_cannot_break_out() {
        let out = render(
            r#"<a href="{{link}}">"#,
            &[("link", r#"https://x.example/?a=1&b="><img>"#)],
            Escape::Html,
        );
        assert_eq!(
            out,
            r#"<a href="https://x.example/?a=1&amp;b=&quot;&gt;&lt;img&gt;">"#
        );
    }

    #[test]
    fn values_are_not_substituted_twice() {
        let out = render(
            "{{name}} {{link}}",
            &[("name", "{{link}}"), ("link", "L")],
            Escape::Text,
        );
        assert_eq!(out, "{{link}} L");
    }

    #[test]
    fn unknown_and_unclosed_placeholders_stay_as_written() {
        assert_eq!(render("a {{nope}} b", &[], Escape::Text), "a {{nope}} b");
        assert_eq!(render("a {{open", &[], Escape::Text), "a {{open");
    }
}
