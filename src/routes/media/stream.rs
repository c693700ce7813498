//! `GET /v1/media/{token}`: streams a media file to whoever holds a valid
//! signed URL, with `Range`, `ETag` and `Cache-Control: private`.

use crate::auth::MediaTokenError;
use crate::db;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use actix_files::NamedFile;
use actix_web::http::header::{self, ContentDisposition, DispositionType, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, web};

/// The bytes of a stored file, for the document: every format the
/// magazine stores ([`crate::media::MediaFormat::content_type`]) is listed
/// as a content type of the answer, so a client (and schemathesis) knows a
/// narration may come back as `audio/wav` and an edition as a PDF.
/// A newtype, since utoipa 6 takes `value_type` and `format` only on a
/// struct with one field (a unit struct allows just a title and a
/// description).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct MediaBytes(#[expect(dead_code, reason = "only its schema is used")] Vec<u8>);

/// Streams the file a signed URL grants.
#[utoipa::path(
    tag = "media",
    params(("token" = String, Path, description = "The token of a signed URL")),
    responses(
        (status = 200, description = "The whole file, served as the format its content was checked to be", content(
            (MediaBytes = "application/pdf"),
            (MediaBytes = "audio/mpeg"),
            (MediaBytes = "audio/mp4"),
            (MediaBytes = "audio/ogg"),
            (MediaBytes = "audio/wav"),
        )),
        (status = 206, description = "The requested byte range, in the file's own content type (or `multipart/byteranges` for several ranges)"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 403, description = "The link is invalid (`invalid_media_link`) or expired (`media_link_expired`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The file is gone", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range cannot be satisfied"),
    )
)]
#[get("/v1/media/{token}")]
pub async fn stream_media(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let media_id = state
        .media_tokens
        .verify(&token, state.clock.now().timestamp())
        .map_err(|error| match error {
            MediaTokenError::Invalid => {
                ApiError::forbidden("invalid_media_link", error.to_string())
            }
            MediaTokenError::Expired => {
                ApiError::forbidden("media_link_expired", error.to_string())
            }
        })?;
    let id = media_id.clone();
    let file = state
        .db
        .run(move |conn| Ok(db::catalogue::media_file(conn, &id)?))
        .await?
        .ok_or_else(|| ApiError::not_found("media_not_found", "the file no longer exists"))?;
    let path = state.settings.media_dir().join(&file.path);
    let named = NamedFile::open_async(&path).await.map_err(|error| {
        tracing::error!(%error, path = %path.display(), "a recorded media file is missing");
        ApiError::not_found("media_not_found", "the file no longer exists")
    })?;
    let content_type = file
        .content_type
        .parse()
        .unwrap_or(actix_web::mime::APPLICATION_OCTET_STREAM);
    // NamedFile answers Range (206/416), If-None-Match and If-Range itself.
    let mut response = named
        .set_content_type(content_type)
        .set_content_disposition(ContentDisposition {
            disposition: DispositionType::Inline,
            parameters: vec![],
        })
        .use_etag(true)
        .use_last_modified(true)
        .into_response(&req);
    // Signed URLs are per reader: shared caches must not keep the bytes.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    Ok(response)
}
