//! `GET /console/readers`: find readers by email or name fragment, state
//! and tier, paged; `GET /console/readers/export.csv`: every reader.

use crate::domain::SubscriptionState;
use crate::pages::console::ConsoleStaff;
use crate::pages::console::fmt;
use crate::pages::console::render::{ConsoleError, Ctx, describe, page, status_of};
use crate::routes::admin::readers::ReaderSummary;
use crate::routes::admin::readers::export::{ExportQuery, export_response};
use crate::routes::admin::readers::list::{SearchReadersQuery, search_page};
use crate::routes::extract::SupportRole;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

/// Readers per page.
const PER_PAGE: i64 = 25;

/// The search form, as sent (text, so a bad page number is a message).
#[derive(Debug, Default, Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    page: String,
}

#[derive(Template)]
#[template(path = "console/readers.html")]
struct ReadersPage<'a> {
    ctx: Option<&'a Ctx>,
    form: &'a SearchForm,
    states: Vec<&'static str>,
    readers: Vec<ReaderSummary>,
    total: i64,
    /// `false`: more than `total` readers match (the count stops there).
    total_exact: bool,
    page: i64,
    prev: Option<String>,
    next: Option<String>,
    error: Option<String>,
}

// askama calls these helpers as methods of the template (`self.at(..)`).
#[allow(clippy::unused_self)]
impl ReadersPage<'_> {
    fn at(&self, value: &chrono::DateTime<chrono::Utc>) -> String {
        fmt::at(value)
    }
}

fn link(form: &SearchForm, page: i64) -> String {
    let mut query = String::new();
    for (key, value) in [("q", &form.q), ("state", &form.state), ("tier", &form.tier)] {
        if !value.is_empty() {
            query.push_str(key);
            query.push('=');
            query.push_str(&fmt::encode(value));
            query.push('&');
        }
    }
    format!("/console/readers?{query}page={page}")
}

/// Searches (or, with no criteria, lists the newest readers).
pub async fn search(
    state: web::Data<AppState>,
    member: ConsoleStaff<SupportRole>,
    form: web::Query<SearchForm>,
) -> Result<HttpResponse, ConsoleError> {
    let form = form.into_inner();
    let page_number = match form.page.trim() {
        "" => Ok(1),
        raw => raw
            .parse::<i64>()
            .map_err(|_| "page: a page is a whole number".to_owned()),
    };
    let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let mut shown = ReadersPage {
        ctx: Some(&member.ctx),
        form: &form,
        states: SubscriptionState::ALL.iter().map(|s| s.as_str()).collect(),
        readers: Vec::new(),
        total: 0,
        total_exact: true,
        page: 1,
        prev: None,
        next: None,
        error: None,
    };
    let page_number = match page_number {
        Ok(number) => number,
        Err(message) => {
            shown.error = Some(message);
            return Ok(page(
                &state.settings,
                shown.ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &shown,
            ));
        }
    };
    let query = SearchReadersQuery {
        q: text(&form.q),
        state: text(&form.state),
        tier: text(&form.tier),
        page: Some(page_number),
        per_page: Some(PER_PAGE),
        ..SearchReadersQuery::default()
    };
    match search_page(&state, &query).await {
        Ok(found) => {
            let exact = found.total_exact != Some(false);
            // Past a capped total, a full page says there may be more.
            let more = if exact {
                found.page * found.per_page < found.total
            } else {
                i64::try_from(found.items.len()).unwrap_or(i64::MAX) == found.per_page
            };
            shown.total = found.total;
            shown.total_exact = exact;
            shown.page = found.page;
            shown.prev = (found.page > 1).then(|| link(&form, found.page - 1));
            shown.next = more.then(|| link(&form, found.page + 1));
            shown.readers = found.items;
            Ok(page(&state.settings, shown.ctx, StatusCode::OK, &shown))
        }
        Err(error) => {
            shown.error = Some(describe(&error));
            Ok(page(&state.settings, shown.ctx, status_of(&error), &shown))
        }
    }
}

/// Every reader as CSV, audited as the API's export is.
pub async fn export(
    state: web::Data<AppState>,
    member: ConsoleStaff<SupportRole>,
) -> Result<HttpResponse, ConsoleError> {
    let ctx = member.boxed_ctx();
    export_response(&state, &member.staff, &ExportQuery::default())
        .await
        .map_err(|error| ConsoleError::Api(error, ctx))
}
