//! The console's extractors. [`ConsoleStaff<R>`] is the console's
//! `Staff<R>`: the same role types, but identified by the console's
//! session cookie (checked against the database on every request, so a
//! revoked session or a disabled account is signed out at once) instead of
//! a bearer token. [`ConsoleForm<R>`] adds a posted form whose CSRF token
//! and origin are checked before any handler runs.

use super::cookies::{self, Jar};
use super::csrf;
use super::render::{ConsoleError, Ctx, decode_flash};
use crate::accounts::sessions::live_session_of_token;
use crate::domain::Role;
use crate::error::ApiError;
use crate::routes::auth::accounts;
use crate::routes::extract::{AuthenticatedReader, RequiredRole, Staff};
use crate::routes::middleware::RequestId;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

/// A signed-in staff member holding `R` (or admin), with the layout's
/// context. Not signed in: a redirect to the login; the wrong role: a 403
/// page.
pub struct ConsoleStaff<R: RequiredRole> {
    /// The staff member, as the admin use cases take them.
    pub staff: Staff<R>,
    /// What the layout shows (name, role, navigation, CSRF token, flash).
    pub ctx: Ctx,
}

impl<R: RequiredRole> ConsoleStaff<R> {
    /// The layout's context, boxed for an error page.
    pub fn boxed_ctx(&self) -> Option<Box<Ctx>> {
        Some(Box::new(self.ctx.clone()))
    }
}

fn state_of(req: &HttpRequest) -> Result<web::Data<AppState>, ConsoleError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("no application state")).into())
}

/// The context for a staff member `member` whose session secret is `token`.
fn context(member: &AuthenticatedReader, token: &str, flash: Option<String>) -> Ctx {
    Ctx {
        name: member.account.name.clone(),
        email: member.account.email.clone(),
        role: member.role.as_str(),
        support: member.role.grants(Role::Support),
        editor: member.role.grants(Role::Editor),
        admin: member.role == Role::Admin,
        csrf: csrf::session_token(token),
        flash,
    }
}

impl<R: RequiredRole + 'static> FromRequest for ConsoleStaff<R> {
    type Error = ConsoleError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
        let state = state_of(req);
        let req = req.clone();
        Box::pin(async move {
            let state = state?;
            let settings = &state.settings;
            let token =
                cookies::read(&req, settings, Jar::Session).ok_or(ConsoleError::SignedOut)?;
            let live = live_session_of_token(&accounts(&state), &token)
                .await?
                .ok_or(ConsoleError::SignedOut)?;
            let account = live.reader;
            let role = account.role();
            if !role.is_staff() {
                return Err(ConsoleError::SignedOut);
            }
            let member = AuthenticatedReader {
                reader_id: account.reader_id(),
                session_id: live.id,
                role,
                account,
                second_factor_at: live.second_factor_at,
            };
            let flash = cookies::read(&req, settings, Jar::Flash).map(|raw| decode_flash(&raw));
            let ctx = context(&member, &token, flash);
            if !R::allows(role) {
                return Err(ConsoleError::Forbidden {
                    ctx: Box::new(ctx),
                    needs: R::NAME,
                });
            }
            let factor_required = settings.staff_second_factor_required();
            match Staff::<R>::checked(member, request_id, factor_required) {
                Ok(staff) => Ok(Self { staff, ctx }),
                Err(refused) => Err(ConsoleError::Api(refused, Some(Box::new(ctx)))),
            }
        })
    }
}

/// A posted form's fields, as sent (decoding a form cannot fail on its
/// content: every field is text, judged by the use case it is given to).
#[derive(Debug, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The fields of `pairs`.
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    /// The first value of `name`, as sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every value of `name`, as sent (ticked checkboxes sharing a name).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }

    /// The value of `name`, trimmed; `None` when absent or blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// Whether the checkbox `name` was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| !v.is_empty())
    }
}

/// A staff member holding `R` and the form they posted, whose hidden
/// `csrf` field is this session's token and which came from the console's
/// own origin; anything else is refused with a 403 page before the
/// handler runs.
pub struct ConsoleForm<R: RequiredRole> {
    /// Who posted it.
    pub member: ConsoleStaff<R>,
    /// What they posted.
    pub fields: Fields,
}

impl<R: RequiredRole + 'static> FromRequest for ConsoleForm<R> {
    type Error = ConsoleError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let member = ConsoleStaff::<R>::from_request(req, payload);
        let form = web::Form::<Vec<(String, String)>>::from_request(req, payload);
        let origin_ok = state_of(req).map(|state| csrf::same_origin(req, &state.settings));
        Box::pin(async move {
            let member = member.await?;
            if !origin_ok? {
                return Err(ConsoleError::Forged);
            }
            let fields = Fields::new(
                form.await
                    .map_err(|error| {
                        ConsoleError::Api(
                            ApiError::bad_request("invalid_form", error.to_string()),
                            member.boxed_ctx(),
                        )
                    })?
                    .into_inner(),
            );
            let presented = fields.get("csrf").unwrap_or_default();
            if !csrf::matches(presented, &member.ctx.csrf) {
                return Err(ConsoleError::Forged);
            }
            Ok(Self { member, fields })
        })
    }
}
