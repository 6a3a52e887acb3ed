//! Helpers shared by the integration tests.

pub(crate) mod pair;
pub(crate) mod provider;
