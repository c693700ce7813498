//! `spawn_app()`: the real application, a fresh database, an HTTP client.

use masthead::db::{DbConnection, readers::NewReader};
use masthead::domain::{Password, ReaderId, Role};
use masthead::settings::Settings;
use masthead::startup::Application;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use std::sync::Once;

pub use crate::support::test_database::{TestDatabase, postgres_admin_url};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running application and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    /// The database the app runs on, for arranging fixtures directly.
    pub database_url: String,
    pub client: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    /// The application's clock, shared: [`TestApp::advance`] moves it.
    pub clock: masthead::clock::Clock,
    _database: Option<TestDatabase>,
}

fn quiet_logs() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if std::env::var("TEST_LOG").is_ok() {
            // Kept for the rest of the test process: the writer thread
            // lives as long as the tests log.
            std::mem::forget(masthead::telemetry::init(
                masthead::settings::LogFormat::Text,
            ));
        }
    });
}

/// Test settings on a backend: port 0, a temporary data directory, small pool.
pub fn test_settings(
    backend: Backend,
    data_dir: &std::path::Path,
) -> (Settings, Option<TestDatabase>) {
    let database = (backend == Backend::Postgres).then(TestDatabase::migrated);
    if backend == Backend::Sqlite {
        // A copy of the file migrated once for this process; the app's own
        // migration run then finds nothing pending.
        std::fs::copy(
            crate::support::test_database::migrated_sqlite_file(),
            data_dir.join("masthead.db"),
        )
        .expect("copy the migrated SQLite database");
    }
    let settings = Settings {
        bind: "127.0.0.1:0".to_owned(),
        data_dir: data_dir.to_path_buf(),
        database_url: database.as_ref().map(|db| db.url().into()),
        database_pool_size: Some(4),
        workers: Some(2),
        // Tests sign up and log in far faster than any person; the tests
        // of the limits themselves set them low again.
        login_attempts_per_minute: 100_000,
        signups_per_minute: 100_000,
        email_requests_per_minute: 100_000,
        // The tests of reuse detection replay a rotated token at once; the
        // reuse interval's own tests (refresh_reuse_interval.rs) set it.
        refresh_reuse_interval_seconds: 0,
        // Emails are jobs: the tests read them as soon as they are written,
        // and a retry (a server down in the test) comes round quickly.
        job_poll_milliseconds: 50,
        ..Settings::default()
    };
    (settings, database)
}

/// Starts the application on `backend` with default test settings.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Starts the application after letting the test adjust the settings.
pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    quiet_logs();
    let data_dir = tempfile::tempdir().expect("temporary data directory");
    let (mut settings, database) = test_settings(backend, data_dir.path());
    adjust(&mut settings);
    launch(settings, data_dir, database).await
}

/// Starts a second instance beside `first`, as another server behind the
/// same load balancer runs: the same database and signing key, its own data
/// directory, caches and rate limits. `first` owns the database, so it must
/// outlive this one.
pub async fn spawn_instance_beside(first: &TestApp, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    quiet_logs();
    let data_dir = tempfile::tempdir().expect("temporary data directory");
    // (Backend::Sqlite only because it creates no database of its own.)
    let (mut settings, _) = test_settings(Backend::Sqlite, data_dir.path());
    settings.database_url = Some(first.database_url.clone().into());
    settings.jwt_private_key = Some(first.signing_key_pem().into());
    adjust(&mut settings);
    launch(settings, data_dir, None).await
}

/// Builds and starts the application on `settings`.
async fn launch(
    settings: Settings,
    data_dir: tempfile::TempDir,
    database: Option<TestDatabase>,
) -> TestApp {
    let database_url = settings.database_url();
    let app = Application::build(settings)
        .await
        .expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let clock = app.clock();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        database_url,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        data_dir,
        clock,
        _database: database,
    }
}

/// A reader created through the API.
pub struct TestReader {
    pub email: String,
    pub password: String,
    pub access_token: String,
    pub refresh_token: String,
    pub id: String,
}

impl TestApp {
    /// Moves the application's clock forward by `by`, so a test of an
    /// expiry need not sleep through it.
    pub fn advance(&self, by: std::time::Duration) {
        self.clock.advance(by);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post_json_auth(&self, path: &str, token: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_auth(&self, path: &str, token: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn signup(&self, email: &str, password: &str, name: &str) -> Response {
        self.post_json(
            "/v1/auth/signup",
            &json!({"email": email, "password": password, "name": name}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_json(
            "/v1/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.post_json("/v1/auth/refresh", &json!({"refresh_token": refresh_token}))
            .await
    }

    /// Signs a new reader up and returns its tokens.
    pub async fn new_reader(&self) -> TestReader {
        let email = format!("reader-{}@example.com", uuid::Uuid::new_v4().simple());
        let password = "correct horse battery".to_owned();
        let response = self.signup(&email, &password, "Test Reader").await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        TestReader {
            email,
            password,
            access_token: body["access_token"].as_str().unwrap().to_owned(),
            refresh_token: body["refresh_token"].as_str().unwrap().to_owned(),
            id: body["reader"]["id"].as_str().unwrap().to_owned(),
        }
    }

    /// A connection to the app's database, for arranging fixtures that no
    /// endpoint creates yet. Assertions still go through HTTP.
    pub fn db(&self) -> DbConnection {
        DbConnection::open(&self.database_url).expect("open the test database")
    }

    /// Creates a staff account with `role` directly and logs it in.
    pub async fn new_staff(&self, role: Role) -> TestReader {
        let email = format!(
            "{}-{}@magazine.example",
            role.as_str(),
            uuid::Uuid::new_v4().simple()
        );
        let password = "a long staff passphrase".to_owned();
        let hash =
            masthead::auth::hash_password(&Password::parse(password.clone()).unwrap()).unwrap();
        let now = chrono::Utc::now().naive_utc();
        let id = ReaderId::generate();
        masthead::db::readers::insert(
            &mut self.db(),
            &NewReader::new(&id, &email, &hash, "Staff", role, now),
        )
        .expect("insert staff");
        let body: Value = self.login(&email, &password).await.json().await.unwrap();
        TestReader {
            email,
            password,
            access_token: body["access_token"].as_str().unwrap().to_owned(),
            refresh_token: body["refresh_token"].as_str().unwrap().to_owned(),
            id: id.to_string(),
        }
    }

    /// The PEM of the development signing key the app generated.
    pub fn signing_key_pem(&self) -> String {
        std::fs::read_to_string(self.data_dir.path().join("keys/access-token-ed25519.pem"))
            .expect("the development key exists")
    }
}

/// Asserts a problem+json error with the given status and code; returns the body.
pub async fn assert_problem(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status, "unexpected status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.expect("a JSON problem body");
    assert_eq!(body["code"], code, "unexpected problem: {body}");
    assert_eq!(body["status"], status.as_u16());
    for field in ["type", "title", "detail"] {
        assert!(body[field].is_string(), "problem without {field}: {body}");
    }
    body
}

/// A test function the per-backend macro can call with what its spawner
/// made: `async fn(T)` with `T`, or `async fn(A, B)` with a pair `(A, B)`
/// (an app and its fake Stripe). `Marker` only keeps the two apart.
pub trait TestFn<Made, Marker> {
    /// Runs the test on `made`.
    fn call(self, made: Made) -> impl Future<Output = ()>;
}

impl<F, T, Fut> TestFn<T, (T,)> for F
where
    F: FnOnce(T) -> Fut,
    Fut: Future<Output = ()>,
{
    fn call(self, made: T) -> impl Future<Output = ()> {
        self(made)
    }
}

impl<F, A, B, Fut> TestFn<(A, B), (A, B)> for F
where
    F: FnOnce(A, B) -> Fut,
    Fut: Future<Output = ()>,
{
    fn call(self, (a, b): (A, B)) -> impl Future<Output = ()> {
        self(a, b)
    }
}

/// The spawner for tests that start their own app: hands them the backend.
#[allow(clippy::unused_async)]
pub async fn the_backend(backend: Backend) -> Backend {
    backend
}

/// Runs each named test once on SQLite and once on PostgreSQL, as
/// `<name>::sqlite` and `<name>::postgres`.
///
/// `on_both_backends!(a, b)` calls each `async fn(TestApp)` with the app of
/// [`spawn_app`]. `on_both_backends!(with = SPAWN; a, b)` calls each with
/// what `SPAWN(backend).await` makes instead: an app with adjusted settings,
/// an `(app, fake Stripe)` pair (then the test takes two arguments), or just
/// the backend ([`the_backend`]). `SPAWN` is any expression callable with a
/// [`Backend`], a function or a closure, named as in the test's module.
macro_rules! on_both_backends {
    (with = $spawn:expr; $($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                #[tokio::test]
                async fn sqlite() {
                    let made = ($spawn)($crate::support::helpers::Backend::Sqlite).await;
                    $crate::support::helpers::TestFn::call(super::$name, made).await;
                }

                #[tokio::test]
                async fn postgres() {
                    let made = ($spawn)($crate::support::helpers::Backend::Postgres).await;
                    $crate::support::helpers::TestFn::call(super::$name, made).await;
                }
            }
        )+
    };
    ($($name:ident),+ $(,)?) => {
        on_both_backends!(with = $crate::support::helpers::spawn_app; $($name),+);
    };
}
