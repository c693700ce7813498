//! The rules of the business as types: parse, don't validate. Nothing here
//! does I/O, so every rule has unit tests beside it.

mod access;
mod display_name;
mod email;
mod ids;
mod money;
mod password;
mod perk;
mod role;
mod shipping_address;
mod subscription_state;

pub use access::{
    AccessDecision, AccessView, Denial, Resource, SubscriptionSnapshot, Viewer, Visibility, decide,
    entitlements,
};
pub use display_name::DisplayName;
pub use email::ReaderEmail;
pub use ids::{ReaderId, SessionId};
pub use money::{AmountCents, BillingInterval, Currency};
pub use password::Password;
pub use perk::{Perk, PerkStatus};
pub use role::Role;
pub use shipping_address::ShippingAddress;
pub use subscription_state::{SubscriptionState, TransitionRefused};
