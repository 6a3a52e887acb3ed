//! Why a certificate (chain) was rejected: a ranked reason, the certificate
//! it concerns, stable texts for logs and the CLI, the GnuTLS status strings
//! QEMU prints, and the mapping onto the engine's [`CertificateError`].
//!
//! Path building may try many candidate paths; each failure is a [`Reason`]
//! and the one reported is the most specific (highest [`Reason::rank`]), so
//! an administrator hears "expired" rather than "unknown issuer" when an
//! expired intermediate was the only way to the trust anchor.

use crate::error::CertificateError;
use alloc::string::String;
use core::fmt;

/// Every reason the validator rejects a chain. The text of each reason
/// ([`Reason::text`]) is stable: scripts may match on it.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// A certificate could not be decoded (DER, structure or a field value).
    BadEncoding,
    /// An extension the validator understands is malformed.
    MalformedExtension,
    /// The same extension appears twice (RFC 5280 §4.2).
    DuplicateExtension,
    /// A critical extension the validator does not know (RFC 5280 §4.2).
    UnknownCriticalExtension,
    /// The certificate's version does not fit its contents or the profile.
    BadVersion,
    /// The serial number is not a positive integer of at most 20 octets.
    BadSerialNumber,
    /// The two signature algorithm fields of a certificate differ (RFC 5280 §4.1.1.2).
    SignatureAlgorithmMismatch,
    /// The certificate's validity period has ended.
    Expired,
    /// The certificate's validity period has not started.
    NotYetValid,
    /// A validity date is encoded in the wrong ASN.1 time type (RFC 5280 §4.1.2.5).
    BadValidityEncoding,
    /// A signature uses an algorithm considered broken (MD5, SHA-1) or a key too small.
    InsecureAlgorithm,
    /// A signature or public key algorithm the validator does not support.
    UnsupportedAlgorithm,
    /// A signature does not verify under the issuer's key.
    BadSignature,
    /// An issuer is not a CA (basicConstraints absent or cA false).
    NotCa,
    /// An end-entity certificate claims to be a CA where the profile forbids it.
    EndEntityIsCa,
    /// An issuer's pathLenConstraint is exceeded.
    PathLenExceeded,
    /// A key usage forbids what the certificate is used for.
    KeyUsageViolation,
    /// The extended key usage does not allow the requested purpose.
    ExtendedKeyUsageViolation,
    /// A name in the chain is outside a CA's permitted subtrees or inside its excluded subtrees.
    NameConstraintViolation,
    /// A name constraint cannot be evaluated (unsupported or malformed form).
    UnsupportedNameConstraint,
    /// The certificate does not match the expected host name or address.
    NameMismatch,
    /// The reference name (host name or address) is not a valid name.
    InvalidReferenceName,
    /// A CRL lists the certificate as revoked.
    Revoked,
    /// A CRL for the certificate exists but cannot be used (bad signature, expired, malformed).
    BadCrl,
    /// A certificate required by the profile is missing an extension.
    MissingExtension,
    /// An extension violates the profile (criticality or content).
    ProfileViolation,
    /// No path leads from the certificate to a trust anchor.
    UnknownIssuer,
    /// Every path to a trust anchor is longer than the maximum depth.
    MaxDepthExceeded,
    /// Path building used up its budget of signature checks, build steps or
    /// name-constraint comparisons (a hostile or pathological chain).
    BudgetExhausted,
    /// The chain is empty.
    EmptyChain,
}

impl Reason {
    /// How specific the reason is: the reason with the highest rank among
    /// all candidate paths is reported. Generic outcomes ("no path") rank
    /// lowest, precise facts about a certificate rank highest.
    pub const fn rank(self) -> u16 {
        match self {
            Reason::BudgetExhausted => 1000,
            Reason::Expired => 300,
            Reason::NotYetValid => 299,
            Reason::Revoked => 290,
            Reason::NameMismatch => 285,
            Reason::InvalidReferenceName => 284,
            Reason::InsecureAlgorithm => 280,
            Reason::BadSignature => 270,
            Reason::NameConstraintViolation => 260,
            Reason::UnsupportedNameConstraint => 259,
            Reason::ExtendedKeyUsageViolation => 250,
            Reason::KeyUsageViolation => 249,
            Reason::EndEntityIsCa => 248,
            Reason::PathLenExceeded => 240,
            Reason::NotCa => 239,
            Reason::BadCrl => 230,
            Reason::UnknownCriticalExtension => 220,
            Reason::DuplicateExtension => 219,
            Reason::MalformedExtension => 218,
            Reason::MissingExtension => 217,
            Reason::ProfileViolation => 216,
            Reason::BadValidityEncoding => 215,
            Reason::BadSerialNumber => 214,
            Reason::BadVersion => 213,
            Reason::SignatureAlgorithmMismatch => 212,
            Reason::UnsupportedAlgorithm => 210,
            Reason::BadEncoding => 200,
            Reason::MaxDepthExceeded => 110,
            Reason::UnknownIssuer => 100,
            Reason::EmptyChain => 50,
        }
    }

    /// A short, stable description.
    pub const fn text(self) -> &'static str {
        match self {
            Reason::BadEncoding => "certificate is not valid DER",
            Reason::MalformedExtension => "certificate has a malformed extension",
            Reason::DuplicateExtension => "certificate has a duplicate extension",
            Reason::UnknownCriticalExtension => "certificate has an unknown critical extension",
            Reason::BadVersion => "certificate has a wrong version",
            Reason::BadSerialNumber => "certificate has an invalid serial number",
            Reason::SignatureAlgorithmMismatch => "certificate signature algorithm fields differ",
            Reason::Expired => "certificate has expired",
            Reason::NotYetValid => "certificate is not yet valid",
            Reason::BadValidityEncoding => "certificate validity uses the wrong time encoding",
            Reason::InsecureAlgorithm => "certificate uses an insecure algorithm",
            Reason::UnsupportedAlgorithm => "certificate uses an unsupported algorithm",
            Reason::BadSignature => "certificate signature is invalid",
            Reason::NotCa => "issuer is not a CA",
            Reason::EndEntityIsCa => "end-entity certificate is a CA",
            Reason::PathLenExceeded => "path length constraint exceeded",
            Reason::KeyUsageViolation => "key usage does not permit this use",
            Reason::ExtendedKeyUsageViolation => "extended key usage does not permit this purpose",
            Reason::NameConstraintViolation => "name constraints violated",
            Reason::UnsupportedNameConstraint => "name constraint cannot be evaluated",
            Reason::NameMismatch => "certificate does not match the expected name",
            Reason::InvalidReferenceName => "expected name is not a valid host name or address",
            Reason::Revoked => "certificate has been revoked",
            Reason::BadCrl => "CRL cannot be used",
            Reason::MissingExtension => "certificate lacks a required extension",
            Reason::ProfileViolation => "certificate violates the certificate profile",
            Reason::UnknownIssuer => "certificate issuer is unknown",
            Reason::MaxDepthExceeded => "certificate chain is too long",
            Reason::BudgetExhausted => "path building budget exhausted",
            Reason::EmptyChain => "no certificate was presented",
        }
    }

    /// The reason QEMU prints for a failed GnuTLS verification (spec
    /// qemu-gnutls-compat §1.4 step D and §1.5): the cascade over GnuTLS
    /// status bits collapses to one of five strings. A host-name mismatch is
    /// not a GnuTLS status: QEMU reports it on its own ("Certificate does
    /// not match the hostname ..."), so callers render
    /// [`Reason::NameMismatch`] themselves.
    pub const fn gnutls_text(self) -> &'static str {
        match self {
            Reason::UnknownIssuer | Reason::MaxDepthExceeded | Reason::EmptyChain => {
                "The certificate hasn't got a known issuer"
            }
            Reason::Revoked => "The certificate has been revoked",
            Reason::InsecureAlgorithm => "The certificate uses an insecure algorithm",
            Reason::BadEncoding => "Invalid certificate",
            _ => "The certificate is not trusted",
        }
    }

    /// The engine-level error this reason maps to (each maps to one alert
    /// in [`crate::Error::alert`]).
    pub const fn certificate_error(self) -> CertificateError {
        match self {
            Reason::BadEncoding | Reason::EmptyChain => CertificateError::BadEncoding,
            Reason::UnknownIssuer | Reason::MaxDepthExceeded => CertificateError::UnknownIssuer,
            Reason::Expired => CertificateError::Expired,
            Reason::NotYetValid => CertificateError::NotValidYet,
            Reason::Revoked => CertificateError::Revoked,
            Reason::NameMismatch | Reason::InvalidReferenceName => CertificateError::NameMismatch,
            Reason::BadSignature => CertificateError::BadSignature,
            Reason::InsecureAlgorithm | Reason::UnsupportedAlgorithm => {
                CertificateError::UnsupportedAlgorithm
            }
            Reason::KeyUsageViolation | Reason::ExtendedKeyUsageViolation => {
                CertificateError::InvalidPurpose
            }
            other => CertificateError::Other(other.text()),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

/// A rejected chain: the most specific reason and, when known, which
/// certificate it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyError {
    /// The most specific reason found.
    pub reason: Reason,
    /// Position of the certificate in the path that failed (0 = the leaf),
    /// when the reason concerns one certificate.
    pub depth: Option<usize>,
    /// Subject DN of that certificate in GnuTLS compat format (spec §1.11).
    pub subject: Option<String>,
}

impl VerifyError {
    /// An error not tied to one certificate.
    pub const fn new(reason: Reason) -> Self {
        Self {
            reason,
            depth: None,
            subject: None,
        }
    }

    /// Keeps the more specific of two errors (the first on a tie).
    pub fn most_specific(self, other: VerifyError) -> VerifyError {
        if other.reason.rank() > self.reason.rank() {
            other
        } else {
            self
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason.text())?;
        match (&self.subject, self.depth) {
            (Some(s), Some(d)) => write!(f, " (depth {d}: '{s}')"),
            (Some(s), None) => write!(f, " ('{s}')"),
            (None, Some(d)) => write!(f, " (depth {d})"),
            (None, None) => Ok(()),
        }
    }
}

impl From<VerifyError> for crate::error::Error {
    fn from(e: VerifyError) -> Self {
        crate::error::Error::Certificate(e.reason.certificate_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_prefers_specific_reasons() {
        let unknown = VerifyError::new(Reason::UnknownIssuer);
        let expired = VerifyError::new(Reason::Expired);
        assert_eq!(unknown.clone().most_specific(expired.clone()), expired);
        assert_eq!(expired.clone().most_specific(unknown), expired);
        assert!(Reason::Revoked.rank() > Reason::BadSignature.rank());
        assert!(Reason::NotCa.rank() > Reason::UnknownIssuer.rank());
    }

    #[test]
    fn gnutls_strings() {
        assert_eq!(
            Reason::UnknownIssuer.gnutls_text(),
            "The certificate hasn't got a known issuer"
        );
        assert_eq!(
            Reason::Revoked.gnutls_text(),
            "The certificate has been revoked"
        );
        assert_eq!(
            Reason::InsecureAlgorithm.gnutls_text(),
            "The certificate uses an insecure algorithm"
        );
        assert_eq!(
            Reason::Expired.gnutls_text(),
            "The certificate is not trusted"
        );
        assert_eq!(Reason::BadEncoding.gnutls_text(), "Invalid certificate");
    }

    #[test]
    fn maps_to_certificate_errors() {
        assert_eq!(
            Reason::Expired.certificate_error(),
            CertificateError::Expired
        );
        assert_eq!(
            Reason::UnknownIssuer.certificate_error(),
            CertificateError::UnknownIssuer
        );
        assert_eq!(
            Reason::NameConstraintViolation.certificate_error(),
            CertificateError::Other("name constraints violated")
        );
        let e: crate::error::Error = VerifyError::new(Reason::Revoked).into();
        assert_eq!(
            e.alert(),
            Some(crate::codec::enums::AlertDescription::CERTIFICATE_REVOKED)
        );
    }

    #[test]
    fn display_names_the_certificate() {
        let e = VerifyError {
            reason: Reason::Expired,
            depth: Some(1),
            subject: Some(String::from("CN=ca")),
        };
        assert_eq!(
            alloc::format!("{e}"),
            "certificate has expired (depth 1: 'CN=ca')"
        );
    }
}
