//! `GET /v1/admin/print/mailing-list?issue=N`: who gets issue N in the
//! post. Everyone whose subscription granted the print edition at the
//! cut-off (the publication date minus `MASTHEAD_PRINT_CUTOFF_DAYS`), even
//! if it has ended since: the copy was paid for. CSV by default (for the
//! mailing house); JSON with `Accept: application/json`.

use super::{MailingList, MissingAddress, Recipient};
use crate::catalogue::export_mailing_list::{MailingListExport, export_mailing_list as export};
use crate::domain::AuditAction;
use crate::error::{ApiError, FieldError, Problem};
use crate::routes::extract::{Staff, SupportRole};
use crate::spreadsheet::Spreadsheet;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

/// Which issue, and which list.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct MailingListQuery {
    /// The issue number.
    pub issue: Option<i32>,
    /// With CSV: `true` gives the readers entitled to print who have no
    /// complete shipping address (the list to chase) instead of the
    /// mailable ones. JSON always carries both.
    pub missing_address: Option<bool>,
}

/// Whether the client asked for JSON: the first of `application/json`
/// and `text/csv` in the `Accept` header's ranking wins; CSV otherwise.
fn wants_json(req: &HttpRequest) -> bool {
    crate::routes::csv_or_json::csv_ranks_first(req) == Some(false)
}

fn recipients_csv(recipients: &[Recipient]) -> anyhow::Result<Spreadsheet> {
    let mut sheet = Spreadsheet::new(&[
        "reader_id",
        "name",
        "email",
        "line1",
        "line2",
        "city",
        "region",
        "postal_code",
        "country",
        "tier",
    ])?;
    for r in recipients {
        sheet.row([
            Some(r.reader_id.as_str()),
            Some(r.name.as_str()),
            Some(r.email.as_str()),
            Some(r.line1.as_str()),
            r.line2.as_deref(),
            Some(r.city.as_str()),
            r.region.as_deref(),
            Some(r.postal_code.as_str()),
            Some(r.country.as_str()),
            Some(r.tier.as_str()),
        ])?;
    }
    Ok(sheet)
}

fn missing_csv(missing: &[MissingAddress]) -> anyhow::Result<Spreadsheet> {
    let mut sheet = Spreadsheet::new(&["reader_id", "name", "email", "tier"])?;
    for m in missing {
        sheet.row([
            Some(m.reader_id.as_str()),
            Some(m.name.as_str()),
            Some(m.email.as_str()),
            Some(m.tier.as_str()),
        ])?;
    }
    Ok(sheet)
}

/// The print mailing list of an issue.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(MailingListQuery),
    responses(
        (status = 200, description = "CSV `mailing-list-<issue>.csv` (columns reader_id, name, email, line1, line2, city, region, postal_code, country, tier; with `missing_address=true`: reader_id, name, email, tier), or JSON with `Accept: application/json`",
            content(
                (String = "text/csv"),
                (MailingList = "application/json"),
            )
        ),
        (status = 400, description = "Unparseable query (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such issue (`issue_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No `issue` given", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mailing-list")]
pub async fn mailing_list(
    state: web::Data<AppState>,
    support: Staff<SupportRole>,
    req: HttpRequest,
    query: web::Query<MailingListQuery>,
) -> Result<HttpResponse, ApiError> {
    mailing_list_response(&state, &support, &req, &query).await
}

/// The mailing list for `query` (JSON when `req` accepts it, else CSV),
/// audited for `support`: the one path of this endpoint and the staff
/// console's downloads.
pub async fn mailing_list_response(
    state: &AppState,
    support: &Staff<SupportRole>,
    req: &HttpRequest,
    query: &MailingListQuery,
) -> Result<HttpResponse, ApiError> {
    let number = query.issue.ok_or_else(|| {
        ApiError::invalid_field(
            FieldError::new("required", "name the issue by its number").at("issue"),
        )
    })?;
    let json = wants_json(req);
    let chase = !json && query.missing_address.unwrap_or(false);
    let form = match (json, chase) {
        (true, _) => MailingListExport::Json,
        (false, true) => MailingListExport::MissingAddressCsv,
        (false, false) => MailingListExport::RecipientsCsv,
    };
    let audit = support.audit(
        AuditAction::MailingListExported,
        ("issue", &number.to_string()),
    );
    let cutoff_days = state.settings.print_cutoff_days;
    let list = export(&state.db, number, cutoff_days, form, audit).await?;
    if json {
        return Ok(HttpResponse::Ok().json(list));
    }
    Ok(if chase {
        missing_csv(&list.missing_address)?
            .into_response(&format!("mailing-list-{number}-missing-address.csv"))?
    } else {
        recipients_csv(&list.recipients)?.into_response(&format!("mailing-list-{number}.csv"))?
    })
}
