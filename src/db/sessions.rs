//! The `sessions` aggregate: one row per login, plus every refresh token
//! rotated from it. A session is the "family" whose tokens are revoked
//! together when a rotated token is presented again.

use super::DbConnection;
use super::readers::ReaderRow;
use super::schema::{readers, refresh_tokens, sessions};
use crate::domain::{ReaderId, Role, SessionId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A new login.
#[derive(Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    pub id: &'a str,
    pub reader_id: &'a str,
    pub user_agent: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Creates a session and its first refresh token.
pub fn create(
    conn: &mut DbConnection,
    session: &NewSession<'_>,
    token_hash: &str,
) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(session)
        .execute(conn)?;
    insert_token(conn, session.id, token_hash, session.created_at)
}

fn insert_token(
    conn: &mut DbConnection,
    session_id: &str,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::issued_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// The reader of a live session (not revoked, not expired, account not
/// disabled), read in the same query that checks the session, with when the
/// session proved the second factor. `None` when the session is not live.
pub fn live_reader(
    conn: &mut DbConnection,
    session: &SessionId,
    reader: &ReaderId,
) -> QueryResult<Option<(ReaderRow, Option<NaiveDateTime>)>> {
    let now = chrono::Utc::now().naive_utc();
    sessions::table
        .inner_join(readers::table)
        .filter(sessions::id.eq(session.as_str()))
        .filter(sessions::reader_id.eq(reader.as_str()))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .filter(readers::disabled_at.is_null())
        .select((ReaderRow::as_select(), sessions::second_factor_at))
        .first(conn)
        .optional()
}

/// What presenting a refresh token led to.
#[derive(Debug)]
pub enum Rotation {
    /// The token was current: it is now used, and `new_token_hash` replaces it.
    Rotated {
        reader_id: ReaderId,
        session_id: SessionId,
        role: Role,
    },
    /// The token had already been rotated: the whole session is now revoked.
    Reused,
    /// Unknown, expired, revoked or disabled.
    Refused,
}

/// A presented refresh token with what decides whether it may rotate.
#[derive(Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
struct PresentedToken {
    used_at: Option<NaiveDateTime>,
    #[diesel(select_expression = sessions::id)]
    session_id: String,
    #[diesel(select_expression = sessions::reader_id)]
    reader_id: String,
    #[diesel(select_expression = sessions::revoked_at)]
    revoked_at: Option<NaiveDateTime>,
    #[diesel(select_expression = sessions::expires_at)]
    expires_at: NaiveDateTime,
    #[diesel(select_expression = readers::role)]
    role: String,
    #[diesel(select_expression = readers::disabled_at)]
    disabled_at: Option<NaiveDateTime>,
}

/// Why a session ended, as stored.
pub const REVOKED_BY_REUSE: &str = "refresh_token_reuse";

/// Rotates a refresh token. Call inside a write transaction: marking the old
/// token used is a conditional update, so of two concurrent rotations only
/// one claims the token. A token that was rotated less than
/// `reuse_interval` ago (the other of two tabs refreshing at once, or a
/// retry after a lost answer) gets a sibling: a new token in the same
/// family, stored only as its hash like every other. Presented later, it
/// is a reuse and the whole family is revoked.
pub fn rotate(
    conn: &mut DbConnection,
    presented_hash: &str,
    new_token_hash: &str,
    now: NaiveDateTime,
    reuse_interval: chrono::Duration,
) -> QueryResult<Rotation> {
    let found = refresh_tokens::table
        .inner_join(sessions::table.inner_join(readers::table))
        .filter(refresh_tokens::token_hash.eq(presented_hash))
        .select(PresentedToken::as_select())
        .first(conn)
        .optional()?;
    let Some(PresentedToken {
        used_at,
        session_id,
        reader_id,
        revoked_at,
        expires_at,
        role,
        disabled_at,
    }) = found
    else {
        return Ok(Rotation::Refused);
    };
    if revoked_at.is_some() || expires_at <= now || disabled_at.is_some() {
        return Ok(Rotation::Refused);
    }
    let within_interval = |used: NaiveDateTime| now - used < reuse_interval;
    match used_at {
        Some(used) if !within_interval(used) => {
            revoke(conn, &session_id, REVOKED_BY_REUSE, now)?;
            return Ok(Rotation::Reused);
        }
        Some(_) => {}
        None => {
            let claimed = diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::token_hash.eq(presented_hash))
                    .filter(refresh_tokens::used_at.is_null()),
            )
            .set(refresh_tokens::used_at.eq(now))
            .execute(conn)?;
            // Lost the race to a concurrent rotation, which used it just
            // now: a sibling inside any positive interval.
            if claimed == 0 && !within_interval(now) {
                revoke(conn, &session_id, REVOKED_BY_REUSE, now)?;
                return Ok(Rotation::Reused);
            }
        }
    }
    insert_token(conn, &session_id, new_token_hash, now)?;
    diesel::update(sessions::table.find(&session_id))
        .set(sessions::last_used_at.eq(now))
        .execute(conn)?;
    Ok(Rotation::Rotated {
        reader_id: ReaderId::from_db(reader_id),
        session_id: SessionId::from_db(session_id),
        role: Role::parse(&role).unwrap_or(Role::Reader),
    })
}

/// Revokes one session (idempotent: an already revoked one is left as it was).
pub fn revoke(
    conn: &mut DbConnection,
    session_id: &str,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)
}

/// Revokes one live session, only if it belongs to `reader`; returns how
/// many were revoked (0: not theirs, unknown, or already ended).
pub fn revoke_own(
    conn: &mut DbConnection,
    reader: &ReaderId,
    session_id: &str,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::reader_id.eq(reader.as_str()))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)
}

/// Revokes every live session of a reader except `keep`.
pub fn revoke_all_except(
    conn: &mut DbConnection,
    reader: &ReaderId,
    keep: Option<&SessionId>,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let keep = keep.map_or("", SessionId::as_str);
    diesel::update(
        sessions::table
            .filter(sessions::reader_id.eq(reader.as_str()))
            .filter(sessions::id.ne(keep))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)
}

/// A session as support sees it: where and when it was used.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: String,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// A reader's live sessions (not revoked, not expired at `now`), most
/// recently used first.
pub fn live_for_reader(
    conn: &mut DbConnection,
    reader: &ReaderId,
    now: NaiveDateTime,
) -> QueryResult<Vec<SessionRow>> {
    sessions::table
        .filter(sessions::reader_id.eq(reader.as_str()))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .order((sessions::last_used_at.desc(), sessions::id.desc()))
        .select(SessionRow::as_select())
        .load(conn)
}

/// Whether the reader holds a live session opened from `ip`: a client
/// address the reader has logged in from (the login lock lets it past the
/// count over every address).
pub fn live_from_address(
    conn: &mut DbConnection,
    reader: &ReaderId,
    ip: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        sessions::table
            .filter(sessions::reader_id.eq(reader.as_str()))
            .filter(sessions::ip.eq(ip))
            .filter(sessions::revoked_at.is_null())
            .filter(sessions::expires_at.gt(now)),
    ))
    .get_result(conn)
}

/// The session a refresh token belongs to, whatever the token's state, so
/// logging out with a browser's cookie ends that login even when the token
/// in the cookie was already rotated.
pub fn session_of_refresh_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<String>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(refresh_tokens::session_id)
        .first(conn)
        .optional()
}

/// The session, account and second-factor proof (when the session proved
/// one) behind a refresh token that was never rotated,
/// if the session is live (not revoked, not expired at `now`) and the
/// account enabled: the staff console's cookie holds such a token, so a
/// revoked session or a disabled account ends the console session at once.
pub fn live_by_unrotated_token(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(String, ReaderRow, Option<NaiveDateTime>)>> {
    refresh_tokens::table
        .inner_join(sessions::table.inner_join(readers::table))
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .filter(refresh_tokens::used_at.is_null())
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .filter(readers::disabled_at.is_null())
        .select((
            sessions::id,
            ReaderRow::as_select(),
            sessions::second_factor_at,
        ))
        .first(conn)
        .optional()
}
