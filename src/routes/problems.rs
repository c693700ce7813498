//! `GET /problems/{code}`: the page a problem's `type` names. A person
//! following the `type` of an error answer reads what the code means and
//! what to do; an unknown code is a 404 problem like any other.

use crate::error::{ApiError, Problem};
use crate::problem_types::{self, ProblemType};
use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

/// What the problem type with this code means, as a short HTML page.
#[utoipa::path(
    tag = "operations",
    params(("code" = String, Path, description = "A problem's `code`, e.g. `email_taken`")),
    responses(
        (status = 200, description = "A short HTML page explaining the problem type", body = String, content_type = "text/html"),
        (status = 404, description = "No problem type has this code (`problem_type_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/problems/{code}")]
pub async fn problem_page(code: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let problem = problem_types::find(&code).ok_or_else(|| {
        ApiError::not_found("problem_type_not_found", "no problem type has this code")
    })?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(page(problem)))
}

/// The page: the code, its statuses and its meaning (`code` spans become
/// `<code>`), escaped.
fn page(problem: &ProblemType) -> String {
    let statuses = problem
        .statuses
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let meaning = escape(problem.meaning)
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_owned()
            }
        })
        .collect::<String>();
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{code} - Masthead API</title></head>\n<body>\n<h1><code>{code}</code></h1>\n<p>HTTP status: {statuses}</p>\n<p>{meaning}</p>\n<p>Every error of this API is <code>application/problem+json</code> (RFC 9457) with this <code>code</code>; see the <a href=\"/docs\">API reference</a>.</p>\n</body>\n</html>\n",
        code = problem.code,
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
