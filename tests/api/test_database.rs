//! A PostgreSQL database that lives for one test.

use diesel::{Connection, RunQueryDsl, pg::PgConnection};

/// The server PostgreSQL tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("MASTHEAD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A PostgreSQL database that exists for one test and is dropped after it.
pub struct TestDatabase {
    pub name: String,
}

impl TestDatabase {
    /// Creates a uniquely named database; panics (never skips) when
    /// PostgreSQL is unreachable, so a run cannot silently test one backend.
    pub fn create() -> Self {
        let name = format!("masthead_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&postgres_admin_url()).unwrap_or_else(|error| {
            panic!(
                "PostgreSQL is required for the postgres tests ({}): {error}",
                postgres_admin_url()
            )
        });
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create the test database");
        Self { name }
    }

    /// The URL of this database.
    pub fn url(&self) -> String {
        let admin = postgres_admin_url();
        let base = admin
            .rsplit_once('/')
            .map_or(admin.as_str(), |(base, _)| base);
        format!("{base}/{}", self.name)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&postgres_admin_url()) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}
