//! `GET /console/print`: the print mailing list of an issue, as the CSV
//! the mailing house takes, and the print readers still missing an
//! address (to chase before the cut-off).

use crate::pages::console::ConsoleStaff;
use crate::pages::console::render::{ConsoleError, Ctx, page};
use crate::routes::admin::print::mailing_list::{MailingListQuery, mailing_list_response};
use crate::routes::extract::SupportRole;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "console/print.html")]
struct PrintPage<'a> {
    ctx: Option<&'a Ctx>,
}

/// The download form.
pub async fn show(
    state: web::Data<AppState>,
    member: ConsoleStaff<SupportRole>,
) -> Result<HttpResponse, ConsoleError> {
    Ok(page(
        &state.settings,
        Some(&member.ctx),
        StatusCode::OK,
        &PrintPage {
            ctx: Some(&member.ctx),
        },
    ))
}

/// Which list.
#[derive(Debug, Deserialize)]
pub struct Which {
    /// The issue's number.
    #[serde(default)]
    issue: String,
    /// `true`: the readers missing an address.
    #[serde(default)]
    missing_address: Option<String>,
}

/// The CSV (the API's own answer, audited the same way).
pub async fn csv(
    state: web::Data<AppState>,
    member: ConsoleStaff<SupportRole>,
    req: HttpRequest,
    which: web::Query<Which>,
) -> Result<HttpResponse, ConsoleError> {
    let ctx = member.boxed_ctx();
    let Ok(number) = which.issue.trim().parse::<i32>() else {
        return Err(ConsoleError::Api(
            crate::error::ApiError::invalid_field(
                crate::domain::FieldError::new("invalid", "an issue is named by its number")
                    .at("issue"),
            ),
            ctx,
        ));
    };
    let query = MailingListQuery {
        issue: Some(number),
        missing_address: Some(
            which
                .missing_address
                .as_deref()
                .is_some_and(|v| v == "true"),
        ),
    };
    mailing_list_response(&state, &member.staff, &req, &query)
        .await
        .map_err(|error| ConsoleError::Api(error, ctx))
}
