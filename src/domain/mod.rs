//! The rules of the business as types: parse, don't validate. Nothing here
//! does I/O, so every rule has unit tests beside it.

mod display_name;
mod email;
mod ids;
mod password;
mod role;
mod shipping_address;

pub use display_name::DisplayName;
pub use email::ReaderEmail;
pub use ids::{ReaderId, SessionId};
pub use password::Password;
pub use role::Role;
pub use shipping_address::ShippingAddress;
