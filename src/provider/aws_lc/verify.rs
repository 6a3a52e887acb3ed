//! PLACEHOLDER, to be overwritten at merge by the signature helper's
//! `verify.rs`: signature verification for the aws-lc-rs provider.
//! Until then every verification fails as unsupported.

use crate::error::CryptoError;
use crate::provider::SignatureAlgorithm;

/// PLACEHOLDER: always fails with [`CryptoError::Unsupported`].
pub(crate) fn verify_signature(
    _alg: SignatureAlgorithm,
    _spki: &[u8],
    _message: &[u8],
    _signature: &[u8],
) -> Result<(), CryptoError> {
    Err(CryptoError::Unsupported)
}
