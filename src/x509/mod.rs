//! X.509 certificates: decoding, path building and validation (RFC 5280 §6),
//! name constraints, CRLs, host-name matching with GnuTLS's rules, and the
//! ranked reasons a chain is rejected.
//!
//! The entry point for TLS is [`Verifier`], which implements the
//! handshake's [`crate::verify::ServerCertVerifier`] and
//! [`crate::verify::ClientCertVerifier`]. Signatures are checked through
//! the [`crate::provider::CryptoProvider`] the verifier is given.
//!
//! Module map: `asn1` (DER walk with the `der` crate's rules), `oid`, `name` (DN
//! comparison and GnuTLS DN strings), `cert` (one certificate), `sigalg`
//! (signature algorithms and weak-algorithm policy), `hostname`,
//! `constraints` (name constraints), `crl`, `path` (building and
//! validation), `verifier`, `error` (ranked reasons).

mod asn1;
mod cert;
mod constraints;
mod crl;
mod error;
mod hostname;
mod name;
mod oid;
mod path;
mod sigalg;
mod verifier;

#[cfg(all(test, feature = "std"))]
mod tests;

pub use cert::Certificate;
pub(crate) use cert::spki_of_decoded;
pub use crl::Crl;
pub use error::{Reason, VerifyError};
pub use hostname::{NameMode, ReferenceName};
pub use name::dn_string;
pub use path::{Budget, Options, Profile, Purpose, Revocation, VerifiedPath};
pub use sigalg::cert_signature_schemes;
pub use verifier::Verifier;

use crate::error::CertificateError;

/// The parts of a certificate the handshake uses, borrowed from its DER.
#[derive(Debug, Clone, Copy)]
pub struct CertSummary<'a> {
    /// The DER SubjectPublicKeyInfo (tag and length included).
    pub spki: &'a [u8],
    /// The outer signatureAlgorithm AlgorithmIdentifier (tag and length included).
    pub signature_algorithm: &'a [u8],
    /// The DER subject Name (tag and length included).
    pub subject: &'a [u8],
    /// The DER issuer Name (tag and length included).
    pub issuer: &'a [u8],
}

/// Splits a certificate into the parts of [`CertSummary`].
pub fn summarize(cert: &[u8]) -> Result<CertSummary<'_>, CertificateError> {
    let c = Certificate::parse(cert).map_err(|r| r.certificate_error())?;
    Ok(CertSummary {
        spki: c.spki_der(),
        signature_algorithm: c.signature_algorithm_der(),
        subject: c.subject_der(),
        issuer: c.issuer_der(),
    })
}

/// Whether `cert` is valid for `host` (a DNS name or IP address) by
/// GnuTLS's `gnutls_x509_crt_check_hostname` rules ([`NameMode::GnuTls`]),
/// without validating the chain: QEMU checks the name separately, after the
/// chain, with its own message. An unparsable `host` matches nothing.
pub fn check_hostname(cert: &Certificate<'_>, host: &str) -> bool {
    match ReferenceName::parse(host) {
        Ok(reference) => hostname::verify_name(cert, &reference, NameMode::GnuTls).is_ok(),
        Err(_) => false,
    }
}
