//! The names stored in the `provider` columns of checkouts, subscriptions,
//! payments and gifts, for the modules that filter on them without
//! depending on billing (the housekeeping sweeps).

/// The development provider: pages of this service, which never report
/// their own end (so the sweeps expire them).
pub const DEV_PROVIDER: &str = "dev";

/// Stripe.
pub const STRIPE_PROVIDER: &str = "stripe";
