//! Staff actions on gifts: a refund to the buyer (support inside the
//! guarantee, an admin after it).

pub mod refund;
