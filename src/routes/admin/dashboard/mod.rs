//! `/v1/admin/dashboard`: the business at a glance, for admins (the
//! console's dashboard page shows the same figures).

pub mod get;
mod views;

pub use views::{
    ArticleConversionsView, DashboardView, MoneyView, PeriodView, SubscriberCountView,
};
