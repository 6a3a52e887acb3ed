//! A small X.509 certificate factory for throw-away PKIs (feature `std`).
//!
//! It serves three users: the in-memory handshake tests, the `qtls demo`
//! command (a CA plus ECDSA and ML-DSA-65 server certificates made on the
//! fly) and the X.509 validation tests, which need deliberately crafted
//! certificates (wrong key usage, missing basicConstraints, expired, name
//! constraints, unknown critical extensions, ...). So every extension is
//! optional and its criticality settable, and nothing here checks that the
//! result is a *sensible* certificate: only that it is valid DER.
//!
//! Keys are generated and used through aws-lc-rs ([`KeyPair`]); the DER is
//! written by [`der_writer`]; certificates come out of [`CertBuilder`].
//!
//! ```
//! use qtls::pki::{CertBuilder, KeyPair, KeyType};
//! let ca_key = KeyPair::generate(KeyType::EcdsaP256)?;
//! let ca = CertBuilder::ca("Test CA").self_signed(&ca_key)?;
//! let key = KeyPair::generate(KeyType::MlDsa65)?;
//! let leaf = CertBuilder::server("server", &["localhost"]).signed_by(&key, &ca, &ca_key)?;
//! assert!(leaf.to_pem().starts_with("-----BEGIN CERTIFICATE-----\n"));
//! # Ok::<(), qtls::pki::PkiError>(())
//! ```

mod cert;
mod der_reader;
pub mod der_writer;
mod key;

pub use cert::{
    BasicConstraints, CertBuilder, Certificate, DistinguishedName, ExtendedKeyUsage, GeneralName,
    KeyPurpose, KeyUsage, NameAttribute, NameConstraints, RawExtension, SubjectAltName, Subtree,
    Version,
};
pub use der_writer::{CivilTime, civil_from_unix, unix_from_civil};
pub use key::{KeyPair, KeyType, SignatureAlgorithm};

use core::fmt;

/// Why a key or certificate could not be made.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PkiError {
    /// OID arcs that cannot be encoded (fewer than two, bad first arcs).
    InvalidOid,
    /// A string with characters its ASN.1 type does not allow.
    InvalidString,
    /// A time outside years 0..=9999 (or outside UTCTime's range).
    TimeOutOfRange,
    /// A parameter out of range; names it.
    InvalidParameter(&'static str),
    /// Key generation failed.
    KeyGeneration,
    /// A PKCS#8 key was not of the expected type or was malformed.
    KeyRejected,
    /// The key cannot sign with the requested algorithm.
    AlgorithmMismatch,
    /// Signing failed.
    Signing,
    /// The random number generator failed.
    Random,
    /// DER that could not be split into elements.
    MalformedDer,
    /// An issuer certificate whose structure could not be read.
    MalformedCertificate,
}

impl fmt::Display for PkiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PkiError::InvalidOid => f.write_str("invalid object identifier"),
            PkiError::InvalidString => f.write_str("string not representable in its ASN.1 type"),
            PkiError::TimeOutOfRange => f.write_str("time out of range"),
            PkiError::InvalidParameter(what) => write!(f, "invalid parameter: {what}"),
            PkiError::KeyGeneration => f.write_str("key generation failed"),
            PkiError::KeyRejected => f.write_str("private key rejected"),
            PkiError::AlgorithmMismatch => f.write_str("key cannot sign with that algorithm"),
            PkiError::Signing => f.write_str("signing failed"),
            PkiError::Random => f.write_str("random number generator failed"),
            PkiError::MalformedDer => f.write_str("malformed DER"),
            PkiError::MalformedCertificate => f.write_str("malformed certificate"),
        }
    }
}

impl std::error::Error for PkiError {}

#[cfg(test)]
mod tests;
