//! The `audit_log` aggregate: every staff action, appended in the same
//! transaction as the change it describes, so there is never a change
//! without its entry nor an entry for a change that rolled back. The table
//! refuses updates and deletes (triggers); this module only appends and
//! reads.

use super::DbConnection;
use super::schema::audit_log;
use crate::domain::{AuditAction, Paging, Role};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// One entry to append. Built by [`crate::routes::extract::Staff::audit`], which fills
/// in who, in which role, and the request id.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub staff_id: String,
    pub staff_role: Role,
    pub action: AuditAction,
    pub target_type: String,
    pub target_id: String,
    /// The reader the action concerns, when there is one (to find every
    /// action on a reader whatever the target).
    pub reader_id: Option<String>,
    pub reason: Option<String>,
    /// A small JSON object with what the action changed (amounts, dates).
    pub details: Option<String>,
    pub request_id: Option<String>,
    pub occurred_at: NaiveDateTime,
}

impl AuditEntry {
    /// The entry, concerning `reader`.
    #[must_use]
    pub fn reader(mut self, reader: &str) -> Self {
        self.reader_id = Some(reader.to_owned());
        self
    }

    /// The entry, with the staff member's reason.
    #[must_use]
    pub fn reason(mut self, reason: Option<&str>) -> Self {
        self.reason = reason.map(str::to_owned);
        self
    }

    /// The entry, with details of the change.
    #[must_use]
    pub fn details(mut self, details: &serde_json::Value) -> Self {
        self.details = Some(details.to_string());
        self
    }

    /// The entry, stamped with the time of the change it records.
    #[must_use]
    pub fn at(mut self, now: NaiveDateTime) -> Self {
        self.occurred_at = now;
        self
    }
}

/// A stored entry. Role and action stay the text as recorded: the log is
/// history, so a value a newer release wrote is shown as written rather
/// than decoded to the nearest variant this build knows.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: String,
    pub staff_id: String,
    pub staff_role: String,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub reader_id: Option<String>,
    pub reason: Option<String>,
    pub details: Option<String>,
    pub request_id: Option<String>,
    pub occurred_at: NaiveDateTime,
}

/// Appends an entry with a new time-ordered id. Call it inside the write
/// transaction of the change it records.
pub fn record(conn: &mut DbConnection, entry: &AuditEntry) -> QueryResult<()> {
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(audit_log::table)
        .values((audit_log::id.eq(&id), entry))
        .execute(conn)
        .map(drop)
}

/// What to look for in the log; every field narrows the search.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub staff_id: Option<String>,
    pub reader_id: Option<String>,
    pub action: Option<AuditAction>,
    pub target_id: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

type Boxed<'a> = audit_log::BoxedQuery<'a, super::connection::MultiBackend>;

fn filtered(filter: &AuditFilter) -> Boxed<'_> {
    let mut query = audit_log::table.into_boxed();
    if let Some(staff) = &filter.staff_id {
        query = query.filter(audit_log::staff_id.eq(staff));
    }
    if let Some(reader) = &filter.reader_id {
        query = query.filter(audit_log::reader_id.eq(reader));
    }
    if let Some(action) = filter.action {
        query = query.filter(audit_log::action.eq(action));
    }
    if let Some(target) = &filter.target_id {
        query = query.filter(audit_log::target_id.eq(target));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::occurred_at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_log::occurred_at.lt(until));
    }
    query
}

/// A page of matching entries, newest first, and how many match in all.
pub fn search(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    paging: Paging,
) -> QueryResult<(Vec<AuditRow>, i64)> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows = filtered(filter)
        .order((audit_log::occurred_at.desc(), audit_log::id.desc()))
        .limit(paging.per_page())
        .offset(paging.offset())
        .select(AuditRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}
