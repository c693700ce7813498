//! Runs password hashing off the async workers, at most one hash per core
//! (plus one) at a time. Argon2id uses 19 MiB per hash: unbounded, a login burst would
//! fan out over the blocking pool's many threads, multiplying memory and
//! slowing every hash by oversubscribing the cores. Queued hashes wait for
//! a permit instead.

use super::password_hashing::{HashWork, measure_work};
use crate::error::ApiError;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use tokio::sync::Semaphore;

/// A bounded lane for CPU-heavy password work.
pub struct PasswordWork {
    permits: Semaphore,
    /// Whether this application's database holds bcrypt hashes (see
    /// `password_hashing::measure_work`).
    bcrypt_in_use: AtomicBool,
    /// Checks made, to ask the database again now and then.
    checks: AtomicU64,
}

/// Ask the database whether bcrypt hashes are stored at the first check
/// and every this many after (an import runs in another process).
const BCRYPT_CHECK_EVERY: u64 = 256;

impl PasswordWork {
    /// One lane per available core, plus one: while a finished hash hands
    /// its result back to the async worker, the spare lane keeps every core
    /// hashing (measured: login throughput 86% -> 90% of the raw rate).
    pub fn per_core() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self {
            permits: Semaphore::new(cores + 1),
            bcrypt_in_use: AtomicBool::new(false),
            checks: AtomicU64::new(0),
        }
    }

    /// Whether it is time to ask the database whether bcrypt hashes are
    /// stored (the first check, then every so often).
    pub fn due_for_bcrypt_check(&self) -> bool {
        self.checks
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(BCRYPT_CHECK_EVERY)
    }

    /// Records whether bcrypt hashes are stored.
    pub fn note_bcrypt_in_use(&self, in_use: bool) {
        self.bcrypt_in_use.store(in_use, Ordering::Relaxed);
    }

    /// Runs a password check in the lane, with the bcrypt budget this
    /// application needs, and returns the hash work it did.
    pub async fn run_measured<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<(T, HashWork), ApiError> {
        let bcrypt = self.bcrypt_in_use.load(Ordering::Relaxed);
        let (result, work) = self.run(move || measure_work(bcrypt, f)).await?;
        if work.met_bcrypt {
            self.note_bcrypt_in_use(true);
        }
        Ok((result, work))
    }

    /// Runs `f` on the blocking pool once a lane is free.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.permits.acquire().await.map_err(|error| {
            ApiError::Unexpected(anyhow::anyhow!("password lane closed: {error}"))
        })?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|error| ApiError::Unexpected(anyhow::anyhow!("blocking task failed: {error}")))
    }
}
