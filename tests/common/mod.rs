//! Helpers shared by the integration tests.

pub(crate) mod provider;
pub(crate) mod pair;
