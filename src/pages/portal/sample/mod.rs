//! The sample magazine site, served in development only (production
//! answers 404): a home page, an article page per published article using
//! `<masthead-paywall>`, `/sample/subscribe`, and the site pages Masthead's
//! emails and payment returns link to (`SitePage`), each at its configured
//! path under `/sample`. When `MASTHEAD_SITE_URL` is not set the site *is*
//! the API's address, so those pages (and `/articles/{slug}`, where gift
//! links point) are also served at their paths from the root: a newcomer's
//! links from the outbox land on working pages.
//!
//! Server-rendered HTML (minijinja) under a strict Content-Security-Policy
//! (no inline script or style), the portal loaded from the API's own URL.

mod render;

use super::assets::SAMPLE_STYLES;
use crate::db;
use crate::domain::{Paging, Slug, Visibility, teaser};
use crate::settings::Settings;
use crate::site_url::SitePage;
use crate::state::AppState;
use actix_web::http::{StatusCode, header};
use actix_web::web::{self, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse};
use minijinja::context;
use render::{Page, render};

/// The portal element each site page shows, and the page's heading.
fn element(page: SitePage) -> (&'static str, &'static str) {
    match page {
        SitePage::VerifyEmail => ("masthead-verify-email", "Confirm your email"),
        SitePage::ResetPassword => ("masthead-reset-password", "Reset your password"),
        SitePage::CheckoutSuccess => ("masthead-checkout-success", "Welcome aboard"),
        SitePage::CheckoutCanceled => ("masthead-checkout-canceled", "Payment canceled"),
        SitePage::PortalReturn | SitePage::Account => ("masthead-account", "Your account"),
        SitePage::Unsubscribe => ("masthead-unsubscribe", "Product updates"),
        SitePage::GiftRedeem => ("masthead-gift-redeem", "A gift for you"),
        SitePage::GiftRefund => ("masthead-gift-refund", "Refund a gift"),
    }
}

/// A configured page path as a route: its own query string dropped.
fn route_path(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    format!("/{}", path.trim_start_matches('/'))
}

/// Registers the sample site (the caller checked it is development).
pub fn configure(cfg: &mut ServiceConfig, settings: &Settings) {
    let at_root = settings.site_url.is_none();
    cfg.route("/sample", web::get().to(to_home))
        .route("/sample/", web::get().to(home))
        .route("/sample/site.css", web::get().to(styles))
        .route("/sample/subscribe", web::get().to(subscribe))
        .route("/sample/articles/{slug}", web::get().to(article));
    if at_root {
        cfg.route("/articles/{slug}", web::get().to(article));
    }
    let mut seen = Vec::new();
    for page in SitePage::ALL {
        let (element, heading) = element(page);
        let path = route_path(page.path(settings));
        if path == "/" || seen.contains(&path) {
            continue;
        }
        let show = move |req: HttpRequest, state: web::Data<AppState>| async move {
            render(
                &req,
                &state.settings,
                StatusCode::OK,
                Page::Element { element, heading },
            )
        };
        cfg.route(&format!("/sample{path}"), web::get().to(show));
        if at_root {
            cfg.route(&path, web::get().to(show));
        }
        seen.push(path);
    }
}

async fn to_home() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/sample/"))
        .finish()
}

async fn styles(req: HttpRequest) -> HttpResponse {
    SAMPLE_STYLES.respond(&req)
}

/// The newest published articles.
async fn home(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let Ok(paging) = Paging::parse(Some(1), Some(50)) else {
        return render(
            &req,
            &state.settings,
            StatusCode::SERVICE_UNAVAILABLE,
            Page::Unavailable,
        );
    };
    let listed = state
        .db
        .run(move |conn| Ok(db::catalogue::published_articles(conn, None, paging)?))
        .await;
    let Ok((articles, _)) = listed else {
        return render(
            &req,
            &state.settings,
            StatusCode::SERVICE_UNAVAILABLE,
            Page::Unavailable,
        );
    };
    let articles: Vec<_> = articles
        .into_iter()
        .map(|a| {
            context! {
                slug => a.slug, title => a.title, dek => a.dek, author => a.author,
                label => visibility_label(a.visibility),
                issue => a.issue_title,
                audio => a.audio_media_id.is_some(),
            }
        })
        .collect();
    render(
        &req,
        &state.settings,
        StatusCode::OK,
        Page::Home { articles },
    )
}

/// What a visitor is told an article needs.
fn visibility_label(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Public => "Free to read",
        Visibility::Registered => "Free with an account",
        Visibility::Subscribers => "Subscribers",
    }
}

/// An article: its teaser in the page, the paywall element around it.
async fn article(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> HttpResponse {
    let settings = &state.settings;
    let Ok(slug) = Slug::parse(slug.into_inner()) else {
        return render(&req, settings, StatusCode::NOT_FOUND, Page::NotFound);
    };
    match state.cache.article(&state.db, slug.as_str()).await {
        Ok(Some(article)) => {
            let teaser = teaser(&article.body, article.paywall_cut);
            let paragraphs: Vec<String> = teaser
                .split("\n\n")
                .filter(|p| !p.trim().is_empty())
                .map(str::to_owned)
                .collect();
            let page = Page::Article {
                article: context! {
                    slug => article.slug.as_str(), title => article.title.as_str(),
                    dek => article.dek.as_str(), author => article.author.as_str(),
                    issue => article.issue_title.as_deref(),
                    label => visibility_label(article.visibility),
                    teaser => paragraphs,
                },
            };
            render(&req, settings, StatusCode::OK, page)
        }
        Ok(None) => render(&req, settings, StatusCode::NOT_FOUND, Page::NotFound),
        Err(_) => render(
            &req,
            settings,
            StatusCode::SERVICE_UNAVAILABLE,
            Page::Unavailable,
        ),
    }
}

async fn subscribe(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    render(&req, &state.settings, StatusCode::OK, Page::Subscribe)
}
