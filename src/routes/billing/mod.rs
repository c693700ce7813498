//! Buying a subscription: checkout, the billing portal, and the
//! development provider's own pages (which answer 404 when another provider
//! is in use).

pub mod checkout;
pub mod dev_checkout_button;
pub mod dev_checkout_page;
pub mod dev_confirm;
pub mod dev_portal;
pub mod portal;

use crate::error::ApiError;
use crate::state::AppState;

/// The development provider's pages exist only while it is in use.
fn dev_provider(state: &AppState) -> Result<&crate::billing::DevProvider, ApiError> {
    state.payments.dev().ok_or_else(|| {
        ApiError::not_found(
            "dev_provider_disabled",
            "the development payment provider is not in use here",
        )
    })
}
