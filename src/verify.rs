//! The certificate verifier traits the handshake calls, and the two
//! simple verifiers that exist before (and beside) full path validation:
//! a pinned-certificate verifier and an explicitly dangerous no-op.
//!
//! The handshake itself checks the CertificateVerify signature with the
//! leaf's key; a verifier decides whether the chain is acceptable.

use crate::error::{CertificateError, Error};
use crate::time::UnixTime;
use alloc::vec::Vec;
use core::fmt;

/// Decides whether a server's certificate chain is acceptable.
pub trait ServerCertVerifier: Send + Sync + fmt::Debug {
    /// `chain` is DER, leaf first, as received. `server_name` is the name the
    /// client expects (None when the caller asked for no name check).
    fn verify_server_cert(
        &self,
        chain: &[Vec<u8>],
        server_name: Option<&str>,
        now: UnixTime,
    ) -> Result<(), Error>;

    /// Whether a successful [`Self::verify_server_cert`] implies that the
    /// leaf decoded in full as an X.509 certificate
    /// ([`crate::x509::Certificate::parse`]). When it does, the handshake
    /// finds the leaf's key for CertificateVerify without decoding the leaf
    /// a second time; otherwise it decodes the leaf itself. Answer `true`
    /// only if that holds: the handshake then skips that decoding's checks.
    fn decodes_leaf(&self) -> bool {
        false
    }
}

/// Decides whether a client's certificate chain is acceptable.
pub trait ClientCertVerifier: Send + Sync + fmt::Debug {
    /// `chain` is DER, leaf first, as received.
    fn verify_client_cert(&self, chain: &[Vec<u8>], now: UnixTime) -> Result<(), Error>;
    /// DER distinguished names of acceptable CAs, sent in certificate_authorities.
    fn root_subjects(&self) -> Vec<Vec<u8>> {
        Vec::new()
    }
}

/// Accepts exactly the leaf certificates it was given (byte for byte).
/// Useful for tests and for deployments that pin a peer's certificate.
#[derive(Debug, Clone)]
pub struct PinnedCertVerifier {
    leaves: Vec<Vec<u8>>,
}

impl PinnedCertVerifier {
    /// Trusts these DER leaf certificates.
    pub fn new(leaves: Vec<Vec<u8>>) -> Self {
        Self { leaves }
    }

    fn check(&self, chain: &[Vec<u8>]) -> Result<(), Error> {
        let leaf = chain.first().ok_or(CertificateError::BadEncoding)?;
        if self.leaves.iter().any(|l| l == leaf) {
            Ok(())
        } else {
            Err(CertificateError::UnknownIssuer.into())
        }
    }
}

impl ServerCertVerifier for PinnedCertVerifier {
    fn verify_server_cert(
        &self,
        chain: &[Vec<u8>],
        _: Option<&str>,
        _: UnixTime,
    ) -> Result<(), Error> {
        self.check(chain)
    }
}

impl ClientCertVerifier for PinnedCertVerifier {
    fn verify_client_cert(&self, chain: &[Vec<u8>], _: UnixTime) -> Result<(), Error> {
        self.check(chain)
    }
}

/// Accepts every certificate chain. The handshake still checks that the
/// peer holds the leaf's private key (CertificateVerify), but anyone can
/// present any certificate: use only where the caller authenticates the
/// peer some other way (QEMU's `verify-peer=no`).
#[derive(Debug, Clone, Copy, Default)]
pub struct DangerousNoVerification;

impl ServerCertVerifier for DangerousNoVerification {
    fn verify_server_cert(&self, _: &[Vec<u8>], _: Option<&str>, _: UnixTime) -> Result<(), Error> {
        Ok(())
    }
}

impl ClientCertVerifier for DangerousNoVerification {
    fn verify_client_cert(&self, _: &[Vec<u8>], _: UnixTime) -> Result<(), Error> {
        Ok(())
    }
}
