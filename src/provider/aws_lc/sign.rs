//! PLACEHOLDER, to be overwritten at merge by the signature helper's
//! `sign.rs`: PKCS#8 signing keys for the aws-lc-rs provider.
//! Until then no key loads.

use crate::error::CryptoError;
use crate::provider::SigningKey;
use alloc::boxed::Box;

/// PLACEHOLDER: always fails with [`CryptoError::Unsupported`].
pub(crate) fn load_signing_key(_pkcs8: &[u8]) -> Result<Box<dyn SigningKey>, CryptoError> {
    Err(CryptoError::Unsupported)
}
