//! The `readers` aggregate: accounts, profiles, password hashes.

use super::schema::readers;
use super::{DbConnection, InsertError};
use crate::domain::{ReaderId, ReaderTimeZone, Role, ShippingAddress};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A reader as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = readers)]
pub struct ReaderRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub name: String,
    pub role: Role,
    /// The shipping address's columns.
    #[diesel(embed)]
    pub address: AddressColumns,
    pub email_verified_at: Option<NaiveDateTime>,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Set for accounts moved in by `masthead readers import`.
    pub imported_at: Option<NaiveDateTime>,
    /// When the credentials last changed (see [`credentials_changed`]).
    pub credentials_changed_at: Option<NaiveDateTime>,
    /// Whether optional mail (perk launches, product news) is sent: 1 or 0.
    pub product_updates: i32,
    /// The IANA zone the reader's email dates are written in; `None`: UTC.
    pub time_zone: Option<String>,
}

impl ReaderRow {
    /// The typed id.
    pub fn reader_id(&self) -> ReaderId {
        ReaderId::from_db(self.id.clone())
    }

    /// The role; an unknown stored value decodes as the least privilege.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Whether the reader takes optional mail (perk launches, product news).
    pub fn product_updates(&self) -> bool {
        self.product_updates != 0
    }

    /// The reader's time zone (UTC when none is set).
    pub fn time_zone(&self) -> ReaderTimeZone {
        ReaderTimeZone::from_stored(self.time_zone.as_deref())
    }

    /// The shipping address, when one is complete.
    pub fn shipping_address(&self) -> Option<ShippingAddress> {
        self.address.shipping_address()
    }
}

/// A reader's shipping address as stored: six nullable columns, read
/// wherever a reader row is (embedded in [`ReaderRow`] and in the mailing
/// list's narrower reader row).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = readers)]
pub struct AddressColumns {
    #[diesel(column_name = address_line1)]
    pub line1: Option<String>,
    #[diesel(column_name = address_line2)]
    pub line2: Option<String>,
    #[diesel(column_name = address_city)]
    pub city: Option<String>,
    #[diesel(column_name = address_region)]
    pub region: Option<String>,
    #[diesel(column_name = address_postal_code)]
    pub postal_code: Option<String>,
    #[diesel(column_name = address_country)]
    pub country: Option<String>,
}

impl AddressColumns {
    /// The address, if every required part of it was given.
    pub fn shipping_address(&self) -> Option<ShippingAddress> {
        Some(ShippingAddress {
            line1: self.line1.clone()?,
            line2: self.line2.clone(),
            city: self.city.clone()?,
            region: self.region.clone(),
            postal_code: self.postal_code.clone()?,
            country: self.country.clone()?,
        })
    }
}

/// A new account. Sign-up, `staff create`, `demo` and `readers import` all
/// insert through [`insert`] (the import a batch at a time through
/// [`insert_many`]); only the import brings an address and an import time.
#[derive(Insertable)]
#[diesel(table_name = readers)]
pub struct NewReader<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub address_line1: Option<&'a str>,
    pub address_line2: Option<&'a str>,
    pub address_city: Option<&'a str>,
    pub address_region: Option<&'a str>,
    pub address_postal_code: Option<&'a str>,
    pub address_country: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub imported_at: Option<NaiveDateTime>,
}

impl<'a> NewReader<'a> {
    /// An account with no address, created `now`.
    pub fn new(
        id: &'a ReaderId,
        email: &'a str,
        password_hash: &'a str,
        name: &'a str,
        role: Role,
        now: NaiveDateTime,
    ) -> Self {
        Self {
            id: id.as_str(),
            email,
            password_hash,
            name,
            role,
            address_line1: None,
            address_line2: None,
            address_city: None,
            address_region: None,
            address_postal_code: None,
            address_country: None,
            created_at: now,
            updated_at: now,
            imported_at: None,
        }
    }
}

/// Inserts an account; a taken email is [`InsertError::Taken`] (the
/// unique constraint is the arbiter under concurrency).
pub fn insert(conn: &mut DbConnection, reader: &NewReader<'_>) -> Result<(), InsertError> {
    diesel::insert_into(readers::table)
        .values(reader)
        .execute(conn)
        .map(drop)
        .map_err(InsertError::from)
}

/// Inserts `new` accounts in as few statements as the backend allows; a
/// taken email refuses them all (`InsertError::Taken`).
pub fn insert_many(conn: &mut DbConnection, new: &[NewReader<'_>]) -> Result<usize, InsertError> {
    super::batch::insert_batched!(conn, readers::table, new, NEW_READER_COLUMNS)
        .map_err(InsertError::from)
}

/// The columns [`NewReader`] binds.
const NEW_READER_COLUMNS: usize = 14;

/// Finds an account by its normalised email.
pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<ReaderRow>> {
    readers::table
        .filter(readers::email.eq(email))
        .select(ReaderRow::as_select())
        .first(conn)
        .optional()
}

/// Whether any account holds a bcrypt hash (brought by an import, not yet
/// upgraded by a login): while one does, every verification pays the
/// bcrypt budget too.
pub fn any_bcrypt_hash(conn: &mut DbConnection) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        readers::table.filter(readers::password_hash.like("$2%")),
    ))
    .get_result(conn)
}

/// Finds an account by id (`NotFound` when absent).
pub fn find(conn: &mut DbConnection, id: &ReaderId) -> QueryResult<ReaderRow> {
    readers::table
        .find(id.as_str())
        .select(ReaderRow::as_select())
        .first(conn)
}

/// The profile fields a reader may change; `None` leaves a field alone.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = readers)]
pub struct ProfileChanges {
    pub name: Option<String>,
    pub address_line1: Option<Option<String>>,
    pub address_line2: Option<Option<String>>,
    pub address_city: Option<Option<String>>,
    pub address_region: Option<Option<String>>,
    pub address_postal_code: Option<Option<String>>,
    pub address_country: Option<Option<String>>,
    /// 1 or 0: optional mail on or off.
    pub product_updates: Option<i32>,
    /// A checked IANA zone name, or `Some(None)` for UTC.
    pub time_zone: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

impl ProfileChanges {
    /// Sets (or, with `None`, clears) the whole shipping address.
    pub fn set_address(&mut self, address: Option<ShippingAddress>) {
        let a = address.as_ref();
        self.address_line1 = Some(a.map(|a| a.line1.clone()));
        self.address_line2 = Some(a.and_then(|a| a.line2.clone()));
        self.address_city = Some(a.map(|a| a.city.clone()));
        self.address_region = Some(a.and_then(|a| a.region.clone()));
        self.address_postal_code = Some(a.map(|a| a.postal_code.clone()));
        self.address_country = Some(a.map(|a| a.country.clone()));
    }
}

/// Applies profile changes and returns the updated reader.
pub fn update_profile(
    conn: &mut DbConnection,
    id: &ReaderId,
    changes: &ProfileChanges,
) -> QueryResult<ReaderRow> {
    diesel::update(readers::table.find(id.as_str()))
        .set(changes)
        .execute(conn)?;
    find(conn, id)
}

/// Replaces the password hash (a credential change: see
/// [`credentials_changed`]).
pub fn set_password_hash(
    conn: &mut DbConnection,
    id: &ReaderId,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(readers::table.find(id.as_str()))
        .set((
            readers::password_hash.eq(hash),
            readers::credentials_changed_at.eq(now),
            readers::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Records that the account's credentials changed at `now` (a password
/// set, the address first verified, the account deleted or disabled):
/// account tokens issued before it are no longer honoured.
pub fn credentials_changed(
    conn: &mut DbConnection,
    id: &ReaderId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(readers::table.find(id.as_str()))
        .set(readers::credentials_changed_at.eq(now))
        .execute(conn)
        .map(drop)
}

/// Holds the reader's row lock until the transaction ends (a no-op write:
/// `SELECT .. FOR UPDATE` exists on PostgreSQL only), so two purchases by
/// the same reader cannot both pass an "already subscribed?" check. On
/// SQLite a write transaction is already exclusive. `NotFound` when the
/// reader is gone.
pub fn lock(conn: &mut DbConnection, id: &ReaderId) -> QueryResult<()> {
    let locked = diesel::update(readers::table.find(id.as_str()))
        .set(readers::updated_at.eq(readers::updated_at))
        .execute(conn)?;
    if locked == 0 {
        return Err(diesel::result::Error::NotFound);
    }
    Ok(())
}

/// Removes a departing reader's personal data but keeps the row, so the
/// payments, refunds and history that name it stay whole (the magazine
/// must keep its books): the email becomes a unique placeholder, the name
/// generic, the address gone, the password unusable, and the account
/// disabled.
pub fn anonymise(
    conn: &mut DbConnection,
    id: &ReaderId,
    unusable_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(readers::table.find(id.as_str()))
        .set((
            readers::email.eq(format!("deleted-{id}@deleted.invalid")),
            readers::name.eq("Deleted reader"),
            readers::password_hash.eq(unusable_hash),
            readers::address_line1.eq(None::<String>),
            readers::address_line2.eq(None::<String>),
            readers::address_city.eq(None::<String>),
            readers::address_region.eq(None::<String>),
            readers::address_postal_code.eq(None::<String>),
            readers::address_country.eq(None::<String>),
            readers::email_verified_at.eq(None::<NaiveDateTime>),
            readers::product_updates.eq(0),
            readers::time_zone.eq(None::<String>),
            readers::disabled_at.eq(now),
            readers::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Marks the account's address verified, provided it is still `email` (a
/// link sent to an address the account has since left verifies nothing).
/// Returns whether it did.
pub fn mark_email_verified(
    conn: &mut DbConnection,
    id: &ReaderId,
    email: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        readers::table
            .filter(readers::id.eq(id.as_str()))
            .filter(readers::email.eq(email)),
    )
    .set((
        readers::email_verified_at.eq(now),
        readers::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Moves the account to a new, just verified, address; a taken address is
/// [`InsertError::Taken`].
pub fn change_email(
    conn: &mut DbConnection,
    id: &ReaderId,
    email: &str,
    now: NaiveDateTime,
) -> Result<(), InsertError> {
    diesel::update(readers::table.find(id.as_str()))
        .set((
            readers::email.eq(email),
            readers::email_verified_at.eq(now),
            readers::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
        .map_err(InsertError::from)
}

/// Turns optional mail (`product_updates`) off for `id`, stamped `now`;
/// returns whether the account exists. Setting it off twice is the same
/// as once.
pub fn stop_product_updates(
    conn: &mut DbConnection,
    id: &ReaderId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(readers::table.find(id.as_str()))
        .set((readers::product_updates.eq(0), readers::updated_at.eq(now)))
        .execute(conn)?;
    Ok(changed == 1)
}
