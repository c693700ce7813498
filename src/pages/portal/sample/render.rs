//! Rendering the sample site's pages: one minijinja environment over the
//! templates in templates/sample (compiled in), the links each page needs,
//! and the page's Content-Security-Policy.

use crate::settings::Settings;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse};
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, context};
use std::sync::LazyLock;

/// A page of the sample site and what it shows.
pub enum Page {
    /// The list of articles.
    Home { articles: Vec<Value> },
    /// One article's teaser inside `<masthead-paywall>`.
    Article { article: Value },
    /// The subscribe box.
    Subscribe,
    /// A site page that is one portal element (`SitePage`).
    Element {
        element: &'static str,
        heading: &'static str,
    },
    /// No such article.
    NotFound,
    /// The database did not answer.
    Unavailable,
}

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    // `& < > " '` escaped, `/` kept readable in links (minijinja's default
    // writes it as `&#x2f;`).
    env.set_formatter(|out, state, value| {
        if value.is_safe() || value.is_none() || value.is_undefined() {
            return minijinja::escape_formatter(out, state, value);
        }
        let text = value.to_string();
        let mut escaped = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '&' => escaped.push_str("&amp;"),
                '<' => escaped.push_str("&lt;"),
                '>' => escaped.push_str("&gt;"),
                '"' => escaped.push_str("&quot;"),
                '\'' => escaped.push_str("&#39;"),
                other => escaped.push(other),
            }
        }
        out.write_str(&escaped).map_err(minijinja::Error::from)
    });
    for (name, source) in [
        (
            "layout.html",
            include_str!("../../../../templates/sample/layout.html"),
        ),
        (
            "home.html",
            include_str!("../../../../templates/sample/home.html"),
        ),
        (
            "article.html",
            include_str!("../../../../templates/sample/article.html"),
        ),
        (
            "subscribe.html",
            include_str!("../../../../templates/sample/subscribe.html"),
        ),
        (
            "element.html",
            include_str!("../../../../templates/sample/element.html"),
        ),
        (
            "message.html",
            include_str!("../../../../templates/sample/message.html"),
        ),
    ] {
        if let Err(error) = env.add_template(name, source) {
            tracing::error!(%error, name, "a sample-site template does not parse");
        }
    }
    env
});

/// The prefix that turns a page-relative link into one of the sample site:
/// relative (`./`, `../`) under `/sample/`, so the same page works at
/// `/sample/...` and behind a proxy that serves it from a site's root;
/// `/sample/` for the site pages served from the root.
fn base(path: &str) -> String {
    match path.strip_prefix("/sample/") {
        Some(rest) => match rest.matches('/').count() {
            0 => "./".to_owned(),
            depth => "../".repeat(depth),
        },
        None => "/sample/".to_owned(),
    }
}

/// The portal's language on this page: `?lang=fr` shows the French
/// catalogue (the sample's own text stays English), else English.
fn language(req: &HttpRequest) -> &'static str {
    if req.query_string().split('&').any(|pair| pair == "lang=fr") {
        "fr"
    } else {
        "en"
    }
}

/// Where the page loads the portal from: the API's public URL when the
/// site has an address of its own, else this origin.
fn api(settings: &Settings) -> String {
    if settings.site_url.is_some() {
        settings.public_url()
    } else {
        String::new()
    }
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    url[after_scheme..]
        .find('/')
        .map_or(url, |end| &url[..after_scheme + end])
}

/// Scripts, styles, media and API calls only from this origin and the
/// API's; no inline script or style, no plugins, no framing.
pub fn content_security_policy(settings: &Settings) -> String {
    let api = api(settings);
    let sources = if api.is_empty() {
        "'self'".to_owned()
    } else {
        format!("'self' {}", origin(&api))
    };
    format!(
        "default-src 'none'; script-src {sources}; style-src {sources}; img-src {sources} data:; \
         media-src {sources}; connect-src {sources}; form-action {sources}; base-uri 'none'; \
         frame-ancestors 'none'; object-src 'none'"
    )
}

/// The page as HTML with its own headers; a template error becomes a
/// plain 500 page (logged), never a panic.
pub fn render(
    req: &HttpRequest,
    settings: &Settings,
    status: StatusCode,
    page: Page,
) -> HttpResponse {
    let common = context! { base => base(req.path()), api => api(settings), lang => language(req) };
    let (name, values) = match page {
        Page::Home { articles } => (
            "home.html",
            context! { title => "Home", articles, ..common },
        ),
        Page::Article { article } => (
            "article.html",
            context! { title => article.get_attr("title").unwrap_or_default(), article, ..common },
        ),
        Page::Subscribe => (
            "subscribe.html",
            context! { title => "Subscribe", ..common },
        ),
        Page::Element { element, heading } => (
            "element.html",
            context! { title => heading, heading, element => Value::from_safe_string(element.to_owned()), ..common },
        ),
        Page::NotFound => (
            "message.html",
            context! { title => "Not found", text => "There is no published article at this address.", ..common },
        ),
        Page::Unavailable => (
            "message.html",
            context! { title => "Unavailable", text => "The magazine cannot answer right now. Please try again in a moment.", ..common },
        ),
    };
    // The page's own part, then the layout around it (one template
    // each: the engine is built without template inheritance).
    let html = TEMPLATES
        .get_template(name)
        .and_then(|template| template.render(&values))
        .and_then(|main| {
            TEMPLATES
                .get_template("layout.html")?
                .render(context! { main => Value::from_safe_string(main), ..values })
        });
    let mut response = HttpResponse::build(status);
    response
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            content_security_policy(settings),
        ))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .content_type("text/html; charset=utf-8");
    match html {
        Ok(html) => response.body(html),
        Err(error) => {
            tracing::error!(%error, name, "cannot render a sample-site page");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("The sample page could not be rendered.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{base, origin};

    #[test]
    fn links_are_relative_under_sample() {
        assert_eq!(base("/sample/"), "./");
        assert_eq!(base("/sample/articles/x"), "../");
        assert_eq!(base("/sample/billing/checkout/success"), "../../");
        assert_eq!(base("/account"), "/sample/");
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin("https://api.example:8443"),
            "https://api.example:8443"
        );
        assert_eq!(origin("https://api.example/x/y"), "https://api.example");
    }
}
