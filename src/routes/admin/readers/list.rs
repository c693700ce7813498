//! `GET /v1/admin/readers`: find readers by a fragment of their email or
//! name, by subscription state or tier; paged, in a chosen order.

use super::{ReaderSummary, current_subscription, role_filter};
use crate::accounts::directory::{SearchPage, search_readers as search};
use crate::db::reader_directory::{ReaderSearch, SearchOrder, TOTAL_CAP, TRIGRAM};
use crate::domain::{FieldError, Paging, SubscriptionState};
use crate::error::{ApiError, Problem};
use crate::routes::auth::accounts;
use crate::routes::extract::{Staff, SupportRole};
use crate::routes::page::{Listed, Page};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

/// Longest search fragment: longer cannot match an email or a name.
const MAX_QUERY_CHARS: usize = 200;

/// Search, filters, order and paging.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct SearchReadersQuery {
    /// A fragment of the email or the name, any case, found anywhere in
    /// either: at least 3 characters (shorter ones match too many readers
    /// to help and no index can find them: 422 `too_short`).
    pub q: Option<String>,
    /// Readers having a subscription in this state (`active`, `past_due`,
    /// `canceling`, `expired`, `refunded`, `comped`, `incomplete`).
    pub state: Option<String>,
    /// Readers having a subscription of this tier, e.g. `print`.
    pub tier: Option<String>,
    /// `reader` (default: staff accounts are not readers), `staff`,
    /// `support`, `editor`, `admin` or `all`.
    pub role: Option<String>,
    /// `created_at`, `-created_at` (default, newest first), `email` or `name`.
    pub sort: Option<String>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Readers per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
}

impl Listed for ReaderSummary {
    const LIST: &'static str = "ReaderList";
    const PLURAL: &'static str = "readers";
    const TOTAL_CAP: Option<i64> = Some(TOTAL_CAP);
}

/// A page of readers (its schema keeps this name).
pub type ReaderList = Page<ReaderSummary>;

fn parse_sort(raw: Option<&str>) -> Result<SearchOrder, FieldError> {
    match raw.map(str::trim) {
        None | Some("" | "-created_at") => Ok(SearchOrder::CreatedAtDesc),
        Some("created_at") => Ok(SearchOrder::CreatedAt),
        Some("email") => Ok(SearchOrder::Email),
        Some("name") => Ok(SearchOrder::Name),
        Some(_) => Err(FieldError::new(
            "invalid_sort",
            "sort is one of created_at, -created_at, email, name",
        )),
    }
}

fn parse_state(raw: Option<&str>) -> Result<Option<SubscriptionState>, FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(state) => SubscriptionState::parse(state).map(Some).ok_or_else(|| {
            FieldError::new("invalid_state", "not a subscription state, e.g. active")
        }),
    }
}

fn parse_text(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    match raw.map(str::trim).filter(|q| !q.is_empty()) {
        None => Ok(None),
        Some(q) if q.chars().count() > MAX_QUERY_CHARS => Err(FieldError::new(
            "too_long",
            format!("at most {MAX_QUERY_CHARS} characters"),
        )),
        Some(q) if q.chars().count() < TRIGRAM => Err(FieldError::new(
            "too_short",
            format!("at least {TRIGRAM} characters of the email or the name"),
        )),
        Some(q) => Ok(Some(q.to_owned())),
    }
}

/// Collects every bad parameter into one 422.
fn parse_search(query: &SearchReadersQuery) -> Result<ReaderSearch, ApiError> {
    let text = parse_text(query.q.as_deref()).map_err(|e| e.at("q"));
    let state = parse_state(query.state.as_deref()).map_err(|e| e.at("state"));
    let order = parse_sort(query.sort.as_deref()).map_err(|e| e.at("sort"));
    let roles = role_filter(query.role.as_deref());
    let paged = Paging::parse(query.page, query.per_page);
    let mut errors: Vec<FieldError> = [
        text.as_ref().err(),
        state.as_ref().err(),
        order.as_ref().err(),
        roles.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    if let Err(paging_errors) = paged {
        errors.extend(paging_errors);
    }
    match (text, state, order, roles) {
        (Ok(text), Ok(state), Ok(order), Ok(roles)) if errors.is_empty() => Ok(ReaderSearch {
            roles,
            text,
            state,
            tier: query
                .tier
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
            order,
        }),
        _ => Err(ApiError::Validation(errors)),
    }
}

/// Searches readers.
///
/// `q` is a fragment of at least 3 characters found anywhere in the email
/// or the name, in any case, `%` and `_` taken literally; a shorter one is
/// refused (422 `too_short`): it matches too many readers to help and no
/// index can serve it. `total` counts the matches up to 1000, which keeps
/// a broad search (every reader, a mail domain) as quick as a narrow one:
/// `total_exact` is false when more match, and the pages go on past it.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(SearchReadersQuery),
    responses(
        (status = 200, description = "A page of readers, each with its current subscription; `total` counts the matches up to 1000 (`total_exact` false: more match)", body = ReaderList),
        (status = 400, description = "Unparseable query (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown sort, state, role or tier, a `q` shorter than 3 characters (`too_short`) or too long (`too_long`), or paging out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn search_readers(
    state: web::Data<AppState>,
    _support: Staff<SupportRole>,
    query: web::Query<SearchReadersQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(search_page(&state, &query).await?))
}

/// A page of readers for `query`: the one path of this endpoint and the
/// staff console's search.
pub async fn search_page(
    state: &AppState,
    query: &SearchReadersQuery,
) -> Result<ReaderList, ApiError> {
    let criteria = parse_search(query)?;
    let paging = Paging::parse(query.page, query.per_page).map_err(ApiError::Validation)?;
    let now = chrono::Utc::now();
    let SearchPage {
        readers,
        subscriptions,
        total,
        total_exact,
    } = search(&accounts(state), criteria, paging).await?;
    let items = readers
        .into_iter()
        .map(|reader| {
            let own: Vec<_> = subscriptions
                .iter()
                .filter(|(row, _)| row.reader_id == reader.id)
                .cloned()
                .collect();
            ReaderSummary::new(reader, current_subscription(&own, now))
        })
        .collect();
    Ok(Page::capped(paging, items, total, total_exact))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_and_states_parse_or_say_why() {
        assert_eq!(parse_sort(None).unwrap(), SearchOrder::CreatedAtDesc);
        assert_eq!(parse_sort(Some("name")).unwrap(), SearchOrder::Name);
        assert_eq!(parse_sort(Some("-name")).unwrap_err().code, "invalid_sort");
        assert_eq!(
            parse_state(Some("active")).unwrap(),
            Some(SubscriptionState::Active)
        );
        assert_eq!(parse_state(Some("gone")).unwrap_err().code, "invalid_state");
    }

    #[test]
    fn a_fragment_is_a_trigram_at_least() {
        assert_eq!(parse_text(Some(" ab ")).unwrap_err().code, "too_short");
        assert_eq!(parse_text(Some("ab%")).unwrap().as_deref(), Some("ab%"));
        assert_eq!(parse_text(Some("ÅÄ")).unwrap_err().code, "too_short");
        assert_eq!(parse_text(Some("  ")).unwrap(), None);
    }
}
