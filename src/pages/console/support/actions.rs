//! Support's actions on a reader's page: comp, cancel, extend, revoke
//! sessions, disable and enable. Each builds the JSON endpoint's body from
//! the form and calls the endpoint's own use-case function; done, it
//! returns to the reader's page with a message, refused, it shows the page
//! again with the reason.

use super::reader;
use crate::error::ApiError;
use crate::pages::console::api_body as body;
use crate::pages::console::fmt;
use crate::pages::console::render::{ConsoleError, redirect};
use crate::pages::console::{ConsoleForm, ConsoleStaff};
use crate::routes::admin::readers::{disable, enable, revoke_sessions};
use crate::routes::admin::subscriptions::{cancel, extend, grant_comp};
use crate::routes::extract::SupportRole;
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use serde_json::json;

/// Back to the reader's page with `done`'s message, or the page again
/// with its error.
async fn finish(
    state: &AppState,
    member: &ConsoleStaff<SupportRole>,
    reader: &str,
    done: Result<String, ApiError>,
) -> Result<HttpResponse, ConsoleError> {
    match done {
        Ok(message) => Ok(redirect(
            &state.settings,
            &format!("/console/readers/{}", fmt::encode(reader)),
            Some(&message),
        )),
        Err(error) => reader::render(state, member, reader, Some(error)).await,
    }
}

/// Grants a comp.
pub async fn comp(
    state: web::Data<AppState>,
    form: ConsoleForm<SupportRole>,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let f = &form.fields;
    let sent = json!({
        "tier": f.text("tier"),
        "until": fmt::end_of_day(f.text("until")),
        "reason": f.text("reason"),
    });
    let done = match body(sent) {
        Ok(sent) => grant_comp::grant_comp_as(&state, &form.member.staff, &id, sent)
            .await
            .map(|comp| {
                format!(
                    "Comp of {} granted until {}.",
                    comp.tier_id,
                    fmt::at(comp.comped_until.map(|t| t.and_utc()))
                )
            }),
        Err(error) => Err(error),
    };
    finish(&state, &form.member, &id, done).await
}

/// Cancels a subscription at its period end or now.
pub async fn cancel(
    state: web::Data<AppState>,
    form: ConsoleForm<SupportRole>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ConsoleError> {
    let (reader, subscription) = path.into_inner();
    let f = &form.fields;
    let sent = json!({ "at": f.text("at"), "reason": f.text("reason") });
    let done = match body(sent) {
        Ok(sent) => cancel::cancel_as(&state, &form.member.staff, &subscription, sent)
            .await
            .map(|row| format!("Subscription canceled; it is now {}.", row.state)),
        Err(error) => Err(error),
    };
    finish(&state, &form.member, &reader, done).await
}

/// Extends a comp or an unbilled period.
pub async fn extend(
    state: web::Data<AppState>,
    form: ConsoleForm<SupportRole>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ConsoleError> {
    let (reader, subscription) = path.into_inner();
    let f = &form.fields;
    let sent = json!({
        "until": fmt::end_of_day(f.text("until")),
        "reason": f.text("reason"),
    });
    let done = match body(sent) {
        Ok(sent) => extend::extend_as(&state, &form.member.staff, &subscription, sent)
            .await
            .map(|_| "Subscription extended.".to_owned()),
        Err(error) => Err(error),
    };
    finish(&state, &form.member, &reader, done).await
}

/// Ends every session of the reader.
pub async fn revoke_sessions(
    state: web::Data<AppState>,
    form: ConsoleForm<SupportRole>,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let sent = json!({ "reason": form.fields.text("reason") });
    let done = match body(sent) {
        Ok(sent) => revoke_sessions::revoke_sessions_as(&state, &form.member.staff, &id, sent)
            .await
            .map(|revoked| format!("{revoked} session(s) ended.")),
        Err(error) => Err(error),
    };
    finish(&state, &form.member, &id, done).await
}

/// Disables the account (its sessions end at once).
pub async fn disable(
    state: web::Data<AppState>,
    form: ConsoleForm<SupportRole>,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let sent = json!({ "reason": form.fields.text("reason") });
    let done = match body(sent) {
        Ok(sent) => disable::disable_as(&state, &form.member.staff, &id, sent)
            .await
            .map(|change| {
                format!(
                    "Account disabled; {} session(s) ended.",
                    change.sessions_revoked
                )
            }),
        Err(error) => Err(error),
    };
    finish(&state, &form.member, &id, done).await
}

/// Enables the account again.
pub async fn enable(
    state: web::Data<AppState>,
    form: ConsoleForm<SupportRole>,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let sent = json!({ "reason": form.fields.text("reason") });
    let done = match body(sent) {
        Ok(sent) => enable::enable_as(&state, &form.member.staff, &id, sent)
            .await
            .map(|_| "Account enabled.".to_owned()),
        Err(error) => Err(error),
    };
    finish(&state, &form.member, &id, done).await
}
