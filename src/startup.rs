//! Builds the application: the same function serves the binary and the
//! tests, which start it on port 0.

use crate::auth::{AccessTokens, MediaTokens, PasswordWork, SigningKey, VerificationKey};
use crate::cache::AppCache;
use crate::catalogue::narration::{NarrateArticle, NarrationQueue, Narrator};
use crate::db::{self, Database};
use crate::routes;
use crate::settings::Settings;
use crate::state::AppState;
use actix_web::dev::Server;
use actix_web::{App, HttpServer, middleware::from_fn, web};
use anyhow::Context;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use utoipa_actix_web::AppExt;

/// A bound, not yet running, server.
pub struct Application {
    port: u16,
    server: Server,
    db: Database,
    clock: crate::clock::Clock,
}

/// Opens the database and applies pending migrations.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Database> {
    crate::private_files::create_private_dir(&settings.data_dir).with_context(|| {
        format!(
            "cannot create the data directory {}",
            settings.data_dir.display()
        )
    })?;
    if let Some(path) = settings.sqlite_path() {
        crate::private_files::prepare_sqlite_file(&path)
            .with_context(|| format!("cannot create the database {}", path.display()))?;
    }
    let db = Database::connect(
        &settings.database_url(),
        settings.pool_size(),
        Duration::from_secs(settings.database_timeout_seconds),
    )
    .context("cannot open the database")?;
    let migrated = db.clone();
    let applied = match web::block(move || -> anyhow::Result<usize> {
        let mut conn = migrated.get().map_err(|e| anyhow::anyhow!("{e}"))?;
        db::run_migrations(&mut conn)
    })
    .await
    {
        Ok(Ok(applied)) => applied,
        Ok(Err(error)) => {
            db.close();
            return Err(error);
        }
        Err(error) => {
            db.close();
            return Err(error.into());
        }
    };
    if applied > 0 {
        tracing::info!(applied, "applied database migrations");
    }
    report_email_collisions(&db);
    sweep_unfinished_uploads(settings);
    Ok(db)
}

/// Says how many accounts' addresses the email-identity migration could not
/// normalise (table `email_collisions`), at every start until resolved.
fn report_email_collisions(db: &Database) {
    let counted = db
        .get()
        .map_err(anyhow::Error::new)
        .and_then(|mut conn| Ok(db::email_collisions::count(&mut conn)?));
    match counted {
        Ok(0) => {}
        Ok(accounts) => tracing::warn!(
            accounts,
            "email addresses need an operator: two accounts share one address in another letter case, or an address is not ASCII; see the email_collisions table and docs/security.md"
        ),
        Err(error) => tracing::warn!(%error, "cannot count email collisions"),
    }
}

/// Removes uploads a crash left half-written: they were never recorded, so
/// nothing refers to them.
fn sweep_unfinished_uploads(settings: &Settings) {
    let tmp = settings.media_dir().join("tmp");
    if let Ok(entries) = std::fs::read_dir(&tmp) {
        for entry in entries.flatten() {
            if let Err(error) = std::fs::remove_file(entry.path()) {
                tracing::warn!(%error, path = %entry.path().display(), "cannot remove an unfinished upload");
            }
        }
    }
}

/// Loads the configured access-token key or the development one.
fn signing_key(settings: &Settings) -> anyhow::Result<SigningKey> {
    use secrecy::ExposeSecret;
    match &settings.jwt_private_key {
        Some(pem) => SigningKey::from_pem(pem.expose_secret()),
        None => SigningKey::load_or_generate(&settings.data_dir),
    }
}

/// The public keys of earlier signers, still accepted during a rotation.
fn previous_keys(settings: &Settings) -> anyhow::Result<Vec<VerificationKey>> {
    let mut keys = Vec::new();
    for text in &settings.jwt_previous_public_keys {
        keys.extend(
            VerificationKey::parse_pem_blocks(text)
                .context("invalid MASTHEAD_JWT_PREVIOUS_PUBLIC_KEYS")?,
        );
    }
    Ok(keys)
}

/// HTTP workers: the setting, else one per core.
fn worker_count(settings: &Settings) -> usize {
    settings
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
}

/// The self-verifying tokens signed under the instance's key: unsubscribe
/// links and anonymous meter credentials.
fn link_tokens(key: &SigningKey) -> (crate::auth::UnsubscribeTokens, crate::auth::MeterTokens) {
    let secret = key.secret_bytes();
    (
        crate::auth::UnsubscribeTokens::new(&secret),
        crate::auth::MeterTokens::new(&secret),
    )
}

impl Application {
    /// Checks the settings, opens the database, migrates, binds the port.
    // The one wiring function (STYLE rule 1): every component in one
    // place reads better than split across helpers to stay under 100 lines.
    #[allow(clippy::too_many_lines)]
    pub async fn build(mut settings: Settings) -> anyhow::Result<Self> {
        settings.check_fit_for_environment()?;
        let db = open_database(&settings).await?;
        let key = signing_key(&settings)?;
        let tokens = access_tokens(&settings, &key)?;
        let cors_origins = routes::middleware::cors::allowed_origins(&settings.cors_origins)?;
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let address = listener.local_addr()?;
        let port = address.port();
        // Links we hand out (signed media URLs) must point at the port really
        // bound, which differs from the setting when it asked for port 0.
        settings
            .public_url
            .get_or_insert_with(|| format!("http://{address}"));
        let workers = worker_count(&settings);
        let openapi = Arc::new(routes::openapi_document());
        let media_tokens = MediaTokens::new(&key.secret_bytes(), settings.media_url_ttl_seconds);
        let (unsubscribe_tokens, meter_tokens) = link_tokens(&key);
        let payments = crate::billing::Provider::from_settings(&settings)?;
        let mailer = Arc::new(crate::mail::Mailer::from_settings(&settings)?);
        let letters = Arc::new(crate::mail::Letters::from_settings(&settings)?);
        let metrics = Arc::new(crate::metrics::Metrics::new(&db, &openapi)?);
        let cache = AppCache::new(
            Duration::from_secs(settings.cache_ttl_seconds),
            settings.article_cache_bytes,
        );
        crate::cache_listener::start(&settings, &cache);
        let narrator = Narrator::from_settings(&settings)?;
        let jobs = crate::jobs::start(
            &db,
            &settings,
            crate::jobs::Handlers::standard(
                &db,
                mailer.clone(),
                crate::billing::follow_ups::RunFollowUps::new(&db, &payments),
                NarrateArticle::new(&db, &cache, &narrator, &settings),
                crate::billing::LifecycleSweeps::new(&db, &payments, &letters),
                crate::billing::perk_launch::AnnouncePerk::new(&db, &letters, &unsubscribe_tokens),
                crate::billing::gifts::DeliverGift::new(&db, &letters),
            ),
            metrics.clone(),
        );
        let state = web::Data::new(AppState {
            db: db.clone(),
            tokens,
            password_work: PasswordWork::per_core(),
            cache,
            media_tokens,
            unsubscribe_tokens,
            meter_tokens,
            payments,
            rate_limits: crate::auth::RateLimits::from_settings(&settings),
            mailer,
            letters,
            // Publishing queues narrations on the job queue.
            narration: NarrationQueue::new(&narrator, &jobs),
            jobs,
            metrics,
            settings,
            clock: crate::clock::Clock::system(),
        });
        let clock = state.clock.clone();
        // The request-metrics middleware reads only this component.
        let request_metrics = web::Data::from(Arc::clone(&state.metrics));
        let public_url = state.settings.public_url();
        let server = HttpServer::new(move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .configure(routes::configure)
                .split_for_parts();
            app.configure(|cfg| crate::pages::configure(cfg, &state.settings))
                .app_data(state.clone())
                .app_data(request_metrics.clone())
                .app_data(web::Data::from(openapi.clone()))
                .app_data(routes::decoding::json_config())
                .app_data(routes::decoding::path_config())
                .app_data(routes::decoding::query_config())
                .default_service(web::to(routes::decoding::route_not_found))
                .wrap(from_fn(routes::middleware::no_nul::refuse_nul))
                .wrap(routes::middleware::cors::policy(&cors_origins))
                .wrap(from_fn(routes::middleware::cors::preflight_problems))
                .wrap(from_fn(
                    routes::middleware::security_headers::no_store_when_private,
                ))
                .wrap(routes::middleware::security_headers::default_headers(
                    &public_url,
                ))
                .wrap(from_fn(routes::middleware::request_metrics::track_requests))
                .wrap(from_fn(routes::middleware::request_id::request_id))
                .wrap(from_fn(
                    routes::middleware::head_requests::route_head_as_get,
                ))
        })
        .workers(workers)
        .backlog(4096)
        .shutdown_timeout(30)
        .listen(listener)?
        .run();
        tracing::info!(port, workers, "masthead is listening");
        Ok(Self {
            port,
            server,
            db,
            clock,
        })
    }

    /// The clock the application reads, shared: a test that advances it
    /// moves the application's time.
    pub fn clock(&self) -> crate::clock::Clock {
        self.clock.clone()
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM or SIGINT, then drains in-flight requests and
    /// closes the database before the process exits.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.db.close();
        served
    }
}

/// The access-token signer for `key`, also accepting tokens signed with
/// the previous keys the settings name (a key rotation in progress).
fn access_tokens(settings: &Settings, key: &SigningKey) -> anyhow::Result<AccessTokens> {
    AccessTokens::new(
        key,
        &settings.jwt_issuer,
        &settings.jwt_audience,
        settings.access_token_ttl_seconds,
    )?
    .with_previous_keys(&previous_keys(settings)?)
}
