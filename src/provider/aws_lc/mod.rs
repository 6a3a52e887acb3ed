//! The default crypto provider, on aws-lc-rs (feature `std`).

pub(crate) mod sign;
pub(crate) mod verify;
