//! Measures the raw argon2id verification rate on every core, the ceiling
//! for login throughput (`bench/run` compares the two).
//!
//! `cargo run --release --example argon2_rate -- [seconds]`

use masthead::auth::{hash_password, verify_password};
use masthead::domain::Password;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn main() {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let password = Password::parse("correct horse battery".to_owned()).expect("valid");
    let hash = hash_password(&password).expect("hash");
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let done = AtomicU64::new(0);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while Instant::now() < deadline {
                    assert!(verify_password("correct horse battery", Some(&hash)));
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    #[allow(clippy::cast_precision_loss)]
    let rate = done.load(Ordering::Relaxed) as f64 / seconds as f64;
    println!("argon2id verifications/s on {threads} threads: {rate:.1}");
}
