//! `PUT /v1/admin/articles/{slug}/audio`: uploads the article's audio
//! (MP3, M4A, Ogg or WAV as multipart part `file`) with its length in
//! seconds (a `duration_seconds` text part, or the query parameter),
//! replacing any earlier audio.

use super::{AdminArticleView, path_slug};
use crate::catalogue::upload_audio::upload_audio as store;
use crate::domain::{AudioDuration, AuditAction, FieldError};
use crate::error::{ApiError, Problem};
use crate::media::{self, MediaKind, UploadRules};
use crate::routes::extract::{EditorRole, Staff};
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, put, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The field (text part or query parameter) carrying the duration.
const DURATION_FIELD: &str = "duration_seconds";

/// The duration, when sent in the query string.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AudioUploadQuery {
    /// Length of the audio in seconds, 1 to 86400 (or send it as a text part).
    pub duration_seconds: Option<String>,
}

/// The multipart form of an audio upload.
#[derive(ToSchema)]
pub struct AudioUploadForm {
    /// The audio, declared `audio/mpeg`, `audio/mp4`, `audio/ogg` or `audio/wav`.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// Length in seconds, 1 to 86400 (or the query parameter).
    pub duration_seconds: Option<i32>,
}

/// Parses a duration sent as text.
fn parse_duration(raw: &str) -> Result<AudioDuration, ApiError> {
    raw.trim()
        .parse::<i64>()
        .map_err(|_| FieldError::new("invalid_type", "a duration is a whole number of seconds"))
        .and_then(AudioDuration::parse)
        .map_err(|error| ApiError::invalid_field(error.at(DURATION_FIELD)))
}

/// Stores the audio and returns the article.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug"), AudioUploadQuery),
    request_body(content = inline(AudioUploadForm), content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The article with its new audio", body = AdminArticleView),
        (status = 400, description = "The multipart body cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article (`article_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than `MASTHEAD_MAX_AUDIO_BYTES`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not multipart, or the file is not audio of its declared type", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No `file` part, or a missing or invalid `duration_seconds`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/{slug}/audio")]
pub async fn upload_audio(
    state: web::Data<AppState>,
    editor: Staff<EditorRole>,
    req: HttpRequest,
    slug: web::Path<String>,
    query: web::Query<AudioUploadQuery>,
    multipart: Multipart,
) -> Result<HttpResponse, ApiError> {
    let from_query = query.into_inner().duration_seconds;
    let article = upload_audio_as(
        &state,
        &editor,
        &req,
        slug.into_inner(),
        from_query,
        multipart,
    )
    .await?;
    Ok(HttpResponse::Ok().json(article))
}

/// Stores the audio `multipart` carries for article `slug` (its duration in
/// the form or `from_query`): the one path of this endpoint and the staff
/// console.
pub async fn upload_audio_as(
    state: &AppState,
    editor: &Staff<EditorRole>,
    req: &HttpRequest,
    slug: String,
    from_query: Option<String>,
    multipart: Multipart,
) -> Result<AdminArticleView, ApiError> {
    let slug = path_slug(slug)?;
    // Refuse before reading a byte of the body what can be refused already.
    if let Some(raw) = &from_query {
        parse_duration(raw)?;
    }
    let media_dir = state.settings.media_dir();
    let rules = UploadRules {
        kind: MediaKind::Audio,
        max_bytes: state.settings.max_audio_bytes,
    };
    // Read only once the use case knows the article exists.
    let receive = async {
        let upload = media::receive(req, multipart, &media_dir, rules).await?;
        let duration = upload
            .fields
            .get(DURATION_FIELD)
            .or(from_query.as_ref())
            .ok_or_else(|| {
                ApiError::invalid_field(
                    FieldError::new("required", "send the audio's length in seconds")
                        .at(DURATION_FIELD),
                )
            })
            .and_then(|raw| parse_duration(raw))?;
        Ok((upload.file, duration))
    };
    let audit = editor.audit(AuditAction::AudioUploaded, ("article", slug.as_str()));
    let article = store(&state.db, &state.cache, &media_dir, audit, slug, receive).await?;
    Ok(AdminArticleView::from(article))
}
