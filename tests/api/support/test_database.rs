//! Databases that live for one test. PostgreSQL ones are either empty
//! ([`TestDatabase::create`], for the migration tests and the binaries that
//! migrate themselves) or copies of a template migrated once per test
//! process ([`TestDatabase::migrated`]), so a test does not pay for every
//! migration again; SQLite tests copy a file migrated once per process
//! ([`migrated_sqlite_file`]).

use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use std::sync::OnceLock;

/// The server PostgreSQL tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("MASTHEAD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// The prefix of the per-process templates; the process id follows it, so
/// several test processes never share (or drop) each other's template.
const TEMPLATE_PREFIX: &str = "masthead_template_";

/// A PostgreSQL database that exists for one test and is dropped after it.
pub struct TestDatabase {
    pub name: String,
}

/// An administrative connection; panics (never skips) when PostgreSQL is
/// unreachable, so a run cannot silently test one backend.
fn admin() -> PgConnection {
    PgConnection::establish(&postgres_admin_url()).unwrap_or_else(|error| {
        panic!(
            "PostgreSQL is required for the postgres tests ({}): {error}",
            postgres_admin_url()
        )
    })
}

/// The URL of database `name` on the test server.
fn url_of(name: &str) -> String {
    let admin = postgres_admin_url();
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}

/// Drops the templates of test processes that are gone (a process cannot
/// drop its own at exit: statics have no destructor), then creates and
/// migrates this process's template. Its name carries the process id, so
/// concurrent test processes each own one.
fn template() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let mut admin = admin();
        drop_stale_templates(&mut admin);
        let name = format!("{TEMPLATE_PREFIX}{}", std::process::id());
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .expect("drop a template left by an earlier process with this id");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create the template database");
        {
            let mut conn = masthead::db::DbConnection::open(&url_of(&name))
                .expect("open the template database");
            masthead::db::run_migrations(&mut conn).expect("migrate the template database");
        } // Closed: PostgreSQL copies a template only while nobody is connected.
        name
    })
}

/// Drops `masthead_template_<pid>` databases whose process no longer runs.
fn drop_stale_templates(admin: &mut PgConnection) {
    #[derive(diesel::QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        datname: String,
    }
    let names: Vec<Name> = diesel::sql_query(format!(
        "SELECT datname FROM pg_database WHERE datname LIKE '{TEMPLATE_PREFIX}%'"
    ))
    .load(admin)
    .unwrap_or_default();
    for Name { datname } in names {
        let Some(pid) = datname.strip_prefix(TEMPLATE_PREFIX) else {
            continue;
        };
        let alive = std::path::Path::new("/proc").join(pid).exists();
        if !alive && pid.parse::<u32>().is_ok() {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {datname} WITH (FORCE)"))
                .execute(admin);
        }
    }
}

impl TestDatabase {
    /// Creates a uniquely named, empty database.
    pub fn create() -> Self {
        Self::create_from(None)
    }

    /// Creates a uniquely named database with every migration applied, as a
    /// copy of this process's migrated template.
    pub fn migrated() -> Self {
        Self::create_from(Some(template()))
    }

    fn create_from(template: Option<&str>) -> Self {
        let name = format!("masthead_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = admin();
        let from = template.map_or_else(String::new, |t| format!(" TEMPLATE {t}"));
        diesel::sql_query(format!("CREATE DATABASE {name}{from}"))
            .execute(&mut admin)
            .expect("create the test database");
        Self { name }
    }

    /// The URL of this database.
    pub fn url(&self) -> String {
        url_of(&self.name)
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

/// A SQLite file with every migration applied, made once per process in a
/// temporary directory; each test copies it into its own data directory.
pub fn migrated_sqlite_file() -> &'static std::path::Path {
    static FILE: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    let (_, path) = FILE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a directory for the template database");
        let path = dir.path().join("template.db");
        {
            let mut conn = masthead::db::DbConnection::open(&path.display().to_string())
                .expect("open the template database");
            masthead::db::run_migrations(&mut conn).expect("migrate the template database");
        } // Closed: the last connection checkpoints the WAL into the file.
        (dir, path)
    });
    path
}
