//! The service when PostgreSQL misbehaves: connections the server killed
//! are discarded instead of poisoning the pool, and readiness reports an
//! unreachable database as 503.

use crate::support::helpers::{Backend, assert_problem, postgres_admin_url, spawn_app_with};
use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use reqwest::StatusCode;

fn on_admin_connection(sql: &str) {
    let mut admin = PgConnection::establish(&postgres_admin_url()).expect("admin connection");
    diesel::sql_query(sql)
        .execute(&mut admin)
        .expect("admin statement");
}

fn database_name(url: &str) -> &str {
    url.rsplit('/').next().unwrap()
}

#[tokio::test]
async fn killed_connections_are_replaced_not_reused() {
    let app = spawn_app_with(Backend::Postgres, |s| s.database_timeout_seconds = 2).await;
    let reader = app.new_reader().await;
    assert_eq!(
        app.get_auth("/v1/me", &reader.access_token).await.status(),
        StatusCode::OK
    );
    let name = database_name(&app.database_url).to_owned();
    on_admin_connection(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    ));
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(app.get_auth("/v1/me", &reader.access_token).await.status());
    }
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::SERVICE_UNAVAILABLE),
        "a killed connection gave something other than 200 or 503: {statuses:?}"
    );
    assert!(
        statuses[statuses.len() - 4..]
            .iter()
            .all(|s| *s == StatusCode::OK),
        "the pool did not heal: {statuses:?}"
    );
}

#[tokio::test]
async fn readiness_is_503_when_the_database_is_gone() {
    let app = spawn_app_with(Backend::Postgres, |s| s.database_timeout_seconds = 1).await;
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
    let name = database_name(&app.database_url).to_owned();
    on_admin_connection(&format!("DROP DATABASE {name} WITH (FORCE)"));
    let started = std::time::Instant::now();
    assert_problem(
        app.get("/readyz").await,
        StatusCode::SERVICE_UNAVAILABLE,
        "database_unavailable",
    )
    .await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "readiness hung"
    );
    assert_eq!(
        app.get("/healthz").await.status(),
        StatusCode::OK,
        "liveness does not depend on the database"
    );
}
