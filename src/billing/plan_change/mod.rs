//! Changing a paid subscription's plan (tier or interval): through our API
//! (`POST /v1/me/subscription/change`, undone by `.../change/undo`) and as
//! Stripe reports a change made in its billing portal. The subscription's
//! tier is what the gate, the perks and the print mailing list read, so
//! they follow the plan by themselves. A change never touches the first
//! payment, so the money-back guarantee window does not restart.

mod follow;
mod request;
mod undo;

pub use follow::follow_provider_plan;
pub use request::{PlanChangeOutcome, PlanOrder, change_plan};
pub use undo::undo_plan_change;
