//! The default crypto provider, on aws-lc-rs (feature `std`).
