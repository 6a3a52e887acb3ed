//! X.509 certificates: what the handshake needs from a certificate before
//! full path validation (the leaf's public key and the signature algorithm
//! of each certificate in a chain).

pub mod der;

use crate::codec::enums::SignatureScheme;
use crate::error::CertificateError;
use der::{DerReader, Tag};

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
    let bad = |_| CertificateError::BadEncoding;
    let mut outer = DerReader::new(cert);
    let mut certificate = outer.nested(Tag::SEQUENCE).map_err(bad)?;
    outer.finish().map_err(bad)?;
    let mut tbs = certificate.nested(Tag::SEQUENCE).map_err(bad)?;
    let signature_algorithm = certificate.raw(Tag::SEQUENCE).map_err(bad)?;
    certificate.raw(Tag::BIT_STRING).map_err(bad)?;
    certificate.finish().map_err(bad)?;

    tbs.skip_optional(Tag::context_constructed(0))
        .map_err(bad)?;
    tbs.raw(Tag::INTEGER).map_err(bad)?;
    tbs.raw(Tag::SEQUENCE).map_err(bad)?;
    let issuer = tbs.raw(Tag::SEQUENCE).map_err(bad)?;
    tbs.raw(Tag::SEQUENCE).map_err(bad)?;
    let subject = tbs.raw(Tag::SEQUENCE).map_err(bad)?;
    let spki = tbs.raw(Tag::SEQUENCE).map_err(bad)?;
    Ok(CertSummary {
        spki,
        signature_algorithm,
        subject,
        issuer,
    })
}

/// OIDs (DER content bytes) of the signature algorithms a TLS peer names
/// in signature_algorithms_cert.
mod oid {
    pub(super) const SHA256_WITH_RSA: &[u8] =
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
    pub(super) const SHA384_WITH_RSA: &[u8] =
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c];
    pub(super) const SHA512_WITH_RSA: &[u8] =
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d];
    pub(super) const SHA1_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05];
    pub(super) const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
    pub(super) const ECDSA_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    pub(super) const ECDSA_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
    pub(super) const ECDSA_SHA512: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04];
    pub(super) const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    pub(super) const MLDSA44: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x11];
    pub(super) const MLDSA65: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12];
    pub(super) const MLDSA87: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x13];
}

/// The TLS signature schemes that name a certificate signature algorithm
/// (for matching against signature_algorithms_cert, RFC 8446 §4.2.3).
/// RSASSA-PSS certificates match both the rsae and pss forms of their hash
/// because the hash sits in parameters we do not split here: a PSS
/// signature made with SHA-256 is named by either scheme by real peers.
pub fn cert_signature_schemes(algorithm_identifier: &[u8]) -> &'static [SignatureScheme] {
    let mut r = DerReader::new(algorithm_identifier);
    let Ok(mut seq) = r.nested(Tag::SEQUENCE) else {
        return &[];
    };
    let Ok(oid) = seq.value(Tag::OID) else {
        return &[];
    };
    match oid {
        o if o == oid::SHA256_WITH_RSA => &[SignatureScheme::RSA_PKCS1_SHA256],
        o if o == oid::SHA384_WITH_RSA => &[SignatureScheme::RSA_PKCS1_SHA384],
        o if o == oid::SHA512_WITH_RSA => &[SignatureScheme::RSA_PKCS1_SHA512],
        o if o == oid::SHA1_WITH_RSA => &[SignatureScheme::RSA_PKCS1_SHA1],
        o if o == oid::RSASSA_PSS => &[
            SignatureScheme::RSA_PSS_RSAE_SHA256,
            SignatureScheme::RSA_PSS_PSS_SHA256,
            SignatureScheme::RSA_PSS_RSAE_SHA384,
            SignatureScheme::RSA_PSS_PSS_SHA384,
            SignatureScheme::RSA_PSS_RSAE_SHA512,
            SignatureScheme::RSA_PSS_PSS_SHA512,
        ],
        o if o == oid::ECDSA_SHA256 => &[SignatureScheme::ECDSA_SECP256R1_SHA256],
        o if o == oid::ECDSA_SHA384 => &[SignatureScheme::ECDSA_SECP384R1_SHA384],
        o if o == oid::ECDSA_SHA512 => &[SignatureScheme::ECDSA_SECP521R1_SHA512],
        o if o == oid::ED25519 => &[SignatureScheme::ED25519],
        o if o == oid::MLDSA44 => &[SignatureScheme::MLDSA44],
        o if o == oid::MLDSA65 => &[SignatureScheme::MLDSA65],
        o if o == oid::MLDSA87 => &[SignatureScheme::MLDSA87],
        _ => &[],
    }
}
