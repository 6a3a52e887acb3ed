//! The initial keywords (levels) and the lists the bulk `-ALL` items use,
//! with GnuTLS 3.8.13's contents (`pgroups[]` of `lib/priority.c`, non-FIPS,
//! AES acceleration present).

use super::algs::{CertType, Cipher, Group, Kx, Mac, Sign, Version};
use alloc::vec::Vec;

/// A certificate verification profile (`%PROFILE_*`, and set by levels):
/// the minimum key sizes a peer certificate must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// `%PROFILE_VERY_WEAK`
    VeryWeak,
    /// `%PROFILE_LOW` (NORMAL, PFS, PERFORMANCE, SECURE128)
    Low,
    /// `%PROFILE_LEGACY`
    Legacy,
    /// `%PROFILE_MEDIUM`
    Medium,
    /// `%PROFILE_HIGH` (SECURE192)
    High,
    /// `%PROFILE_ULTRA`
    Ultra,
    /// `%PROFILE_FUTURE`
    Future,
    /// `%PROFILE_SUITEB128` (SUITEB128)
    SuiteB128,
    /// SUITEB192 (the `%PROFILE_SUITEB192` flag selects SuiteB128, as in GnuTLS)
    SuiteB192,
}

impl Profile {
    /// GnuTLS's `gnutls_certificate_verification_profiles_t` value; levels
    /// keep the numerically lowest profile they meet.
    pub(crate) const fn code(self) -> u8 {
        match self {
            Profile::VeryWeak => 1,
            Profile::Low => 2,
            Profile::Legacy => 4,
            Profile::Medium => 5,
            Profile::High => 6,
            Profile::Ultra => 7,
            Profile::Future => 8,
            Profile::SuiteB128 => 32,
            Profile::SuiteB192 => 33,
        }
    }

    /// The security level the profile demands.
    pub const fn security_level(self) -> SecurityLevel {
        match self {
            Profile::VeryWeak => SecurityLevel::VeryWeak,
            Profile::Low => SecurityLevel::Low,
            Profile::Legacy => SecurityLevel::Legacy,
            Profile::Medium => SecurityLevel::Medium,
            Profile::High | Profile::SuiteB128 => SecurityLevel::High,
            Profile::Ultra | Profile::SuiteB192 => SecurityLevel::Ultra,
            Profile::Future => SecurityLevel::Future,
        }
    }
}

/// GnuTLS's security parameter (`gnutls_sec_param_t`): minimum DH and
/// certificate key sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityLevel {
    /// 64-bit security.
    VeryWeak,
    /// 72-bit security.
    Weak,
    /// 80-bit security.
    Low,
    /// 96-bit security.
    Legacy,
    /// 112-bit security.
    Medium,
    /// 128-bit security.
    High,
    /// 192-bit security.
    Ultra,
    /// 256-bit security.
    Future,
}

impl SecurityLevel {
    /// GnuTLS compares levels as unsigned integers: the negative "weak"
    /// values rank above every positive one, so a positive level replaces
    /// them and never the reverse.
    pub(crate) const fn unsigned_code(self) -> u32 {
        match self {
            SecurityLevel::VeryWeak => u32::MAX - 11, // -12
            SecurityLevel::Weak => u32::MAX - 9,      // -10
            SecurityLevel::Low => 1,
            SecurityLevel::Legacy => 2,
            SecurityLevel::Medium => 3,
            SecurityLevel::High => 4,
            SecurityLevel::Ultra => 5,
            SecurityLevel::Future => 6,
        }
    }

    /// Minimum RSA (and DH) modulus size in bits (`sec_params[].pk_bits`).
    pub const fn min_rsa_bits(self) -> u32 {
        match self {
            SecurityLevel::VeryWeak => 767,
            SecurityLevel::Weak => 1008,
            SecurityLevel::Low => 1024,
            SecurityLevel::Legacy => 1776,
            SecurityLevel::Medium => 2048,
            SecurityLevel::High => 3072,
            SecurityLevel::Ultra => 8192,
            SecurityLevel::Future => 15360,
        }
    }

    /// Minimum elliptic-curve size in bits (`sec_params[].ecc_bits`).
    pub const fn min_ec_bits(self) -> u32 {
        match self {
            SecurityLevel::VeryWeak => 0,
            SecurityLevel::Weak | SecurityLevel::Low => 160,
            SecurityLevel::Legacy => 192,
            SecurityLevel::Medium => 224,
            SecurityLevel::High => 256,
            SecurityLevel::Ultra => 384,
            SecurityLevel::Future => 512,
        }
    }
}

/// One initial keyword.
pub(crate) struct Level {
    pub(crate) name: &'static str,
    pub(crate) alias: Option<&'static str>,
    pub(crate) protocols: Option<&'static [Version]>,
    pub(crate) ciphers: &'static [Cipher],
    pub(crate) macs: &'static [Mac],
    pub(crate) kx: &'static [Kx],
    pub(crate) signs: &'static [&'static str],
    pub(crate) groups: &'static [Group],
    pub(crate) profile: Option<Profile>,
    pub(crate) level: SecurityLevel,
    pub(crate) no_tickets_tls12: bool,
}

use Cipher as C;

pub(crate) const CIPHERS_NORMAL: &[Cipher] = &[
    C::Aes256Gcm,
    C::Chacha20Poly1305,
    C::Aes256Ccm,
    C::Aes256Cbc,
    C::Aes128Gcm,
    C::Aes128Ccm,
    C::Aes128Cbc,
];
const CIPHERS_PERFORMANCE: &[Cipher] = &[
    C::Aes128Gcm,
    C::Aes256Gcm,
    C::Chacha20Poly1305,
    C::Aes128Ccm,
    C::Aes256Ccm,
    C::Aes128Cbc,
    C::Aes256Cbc,
];
const CIPHERS_SECURE128: &[Cipher] = &[
    C::Aes256Gcm,
    C::Chacha20Poly1305,
    C::Aes256Cbc,
    C::Aes256Ccm,
    C::Aes128Gcm,
    C::Aes128Cbc,
    C::Aes128Ccm,
];
const CIPHERS_SECURE192: &[Cipher] = &[
    C::Aes256Gcm,
    C::Chacha20Poly1305,
    C::Aes256Cbc,
    C::Aes256Ccm,
];
const CIPHERS_SUITEB128: &[Cipher] = &[C::Aes256Gcm, C::Aes128Gcm];
const CIPHERS_SUITEB192: &[Cipher] = &[C::Aes256Gcm];
pub(crate) const CIPHERS_GOST: &[Cipher] = &[C::Gost28147Tc26zCnt];

pub(crate) const MACS_NORMAL: &[Mac] = &[Mac::Sha1, Mac::Aead];
const MACS_AEAD: &[Mac] = &[Mac::Aead];
pub(crate) const MACS_GOST: &[Mac] = &[Mac::Gost28147Tc26zImit];

pub(crate) const KX_SECURE: &[Kx] = &[Kx::EcdheEcdsa, Kx::EcdheRsa, Kx::Rsa, Kx::DheRsa];
const KX_PFS: &[Kx] = &[Kx::EcdheEcdsa, Kx::EcdheRsa, Kx::DheRsa];
const KX_PERFORMANCE: &[Kx] = &[Kx::Rsa, Kx::EcdheEcdsa, Kx::EcdheRsa, Kx::DheRsa];
const KX_SUITEB: &[Kx] = &[Kx::EcdheEcdsa];
pub(crate) const KX_GOST: &[Kx] = &[Kx::VkoGost12];

/// `_sign_priority_default` (3.8.10+: ML-DSA first).
pub(crate) const SIGNS_DEFAULT: &[&str] = &[
    "ML-DSA-44",
    "ML-DSA-65",
    "ML-DSA-87",
    "RSA-SHA256",
    "RSA-PSS-SHA256",
    "RSA-PSS-RSAE-SHA256",
    "ECDSA-SHA256",
    "ECDSA-SECP256R1-SHA256",
    "EdDSA-Ed25519",
    "RSA-SHA384",
    "RSA-PSS-SHA384",
    "RSA-PSS-RSAE-SHA384",
    "ECDSA-SHA384",
    "ECDSA-SECP384R1-SHA384",
    "EdDSA-Ed448",
    "RSA-SHA512",
    "RSA-PSS-SHA512",
    "RSA-PSS-RSAE-SHA512",
    "ECDSA-SHA512",
    "ECDSA-SECP521R1-SHA512",
    "RSA-SHA1",
    "ECDSA-SHA1",
];
const SIGNS_SECURE128: &[&str] = &[
    "RSA-SHA256",
    "RSA-PSS-SHA256",
    "RSA-PSS-RSAE-SHA256",
    "ECDSA-SHA256",
    "ECDSA-SECP256R1-SHA256",
    "EdDSA-Ed25519",
    "RSA-SHA384",
    "RSA-PSS-SHA384",
    "RSA-PSS-RSAE-SHA384",
    "ECDSA-SHA384",
    "ECDSA-SECP384R1-SHA384",
    "EdDSA-Ed448",
    "RSA-SHA512",
    "RSA-PSS-SHA512",
    "RSA-PSS-RSAE-SHA512",
    "ECDSA-SHA512",
    "ECDSA-SECP521R1-SHA512",
];
const SIGNS_SECURE192: &[&str] = &[
    "RSA-SHA384",
    "RSA-PSS-SHA384",
    "RSA-PSS-RSAE-SHA384",
    "ECDSA-SHA384",
    "ECDSA-SECP384R1-SHA384",
    "EdDSA-Ed448",
    "RSA-SHA512",
    "RSA-PSS-SHA512",
    "RSA-PSS-RSAE-SHA512",
    "ECDSA-SHA512",
    "ECDSA-SECP521R1-SHA512",
];
const SIGNS_SUITEB128: &[&str] = &[
    "ECDSA-SHA256",
    "ECDSA-SECP256R1-SHA256",
    "ECDSA-SHA384",
    "ECDSA-SECP384R1-SHA384",
];
const SIGNS_SUITEB192: &[&str] = &["ECDSA-SHA384", "ECDSA-SECP384R1-SHA384"];
pub(crate) const SIGNS_GOST: &[&str] = &["GOSTR341012-256", "GOSTR341012-512"];

use Group as G;

pub(crate) const GROUPS_NORMAL: &[Group] = &[
    G::Secp256r1,
    G::Secp384r1,
    G::Secp521r1,
    G::X25519,
    G::X448,
    G::Ffdhe2048,
    G::Ffdhe3072,
    G::Ffdhe4096,
    G::Ffdhe6144,
    G::Ffdhe8192,
];
const GROUPS_SECURE192: &[Group] = &[G::Secp384r1, G::Secp521r1, G::Ffdhe8192];
const GROUPS_SUITEB128: &[Group] = &[G::Secp256r1, G::Secp384r1];
const GROUPS_SUITEB192: &[Group] = &[G::Secp384r1];
pub(crate) const GROUPS_EC: &[Group] =
    &[G::Secp256r1, G::Secp384r1, G::Secp521r1, G::X25519, G::X448];
pub(crate) const GROUPS_DH: &[Group] = &[
    G::Ffdhe2048,
    G::Ffdhe3072,
    G::Ffdhe4096,
    G::Ffdhe6144,
    G::Ffdhe8192,
];
pub(crate) const GROUPS_GOST: &[Group] = &[
    G::Gc256a,
    G::Gc256b,
    G::Gc256c,
    G::Gc256d,
    G::Gc512a,
    G::Gc512b,
    G::Gc512c,
];

use Version as V;

/// The default protocol list, and what `+VERS-ALL` adds.
pub(crate) const PROTOCOLS_ALL: &[Version] =
    &[V::Tls13, V::Tls12, V::Tls11, V::Tls10, V::Dtls12, V::Dtls10];
/// `VERS-TLS-ALL`.
pub(crate) const PROTOCOLS_TLS: &[Version] = &[V::Tls13, V::Tls12, V::Tls11, V::Tls10];
/// What `-VERS-DTLS-ALL` removes.
pub(crate) const PROTOCOLS_DTLS_REMOVE: &[Version] = &[V::Dtls12, V::Dtls10, V::Dtls09];
/// What `+VERS-DTLS-ALL` adds.
pub(crate) const PROTOCOLS_DTLS_ADD: &[Version] = &[V::Dtls12, V::Dtls10];
const PROTOCOLS_SUITEB: &[Version] = &[V::Tls12];

pub(crate) const CERT_TYPES_DEFAULT: &[CertType] = &[CertType::X509];
pub(crate) const CERT_TYPES_ALL: &[CertType] = &[CertType::X509, CertType::RawPk];

/// `pgroups[]`, in GnuTLS's order.
pub(crate) const LEVELS: &[Level] = &[
    Level {
        name: "NORMAL",
        alias: None,
        protocols: None,
        ciphers: CIPHERS_NORMAL,
        macs: MACS_NORMAL,
        kx: KX_SECURE,
        signs: SIGNS_DEFAULT,
        groups: GROUPS_NORMAL,
        profile: Some(Profile::Low),
        level: SecurityLevel::Weak,
        no_tickets_tls12: false,
    },
    Level {
        name: "PFS",
        alias: None,
        protocols: None,
        ciphers: CIPHERS_NORMAL,
        macs: MACS_NORMAL,
        kx: KX_PFS,
        signs: SIGNS_DEFAULT,
        groups: GROUPS_NORMAL,
        profile: Some(Profile::Low),
        level: SecurityLevel::Weak,
        no_tickets_tls12: true,
    },
    Level {
        name: "SECURE128",
        alias: Some("SECURE"),
        protocols: None,
        ciphers: CIPHERS_SECURE128,
        macs: MACS_NORMAL,
        kx: KX_SECURE,
        signs: SIGNS_SECURE128,
        groups: GROUPS_NORMAL,
        profile: Some(Profile::Low),
        level: SecurityLevel::Low,
        no_tickets_tls12: false,
    },
    Level {
        name: "SECURE192",
        alias: Some("SECURE256"),
        protocols: None,
        ciphers: CIPHERS_SECURE192,
        macs: MACS_AEAD,
        kx: KX_SECURE,
        signs: SIGNS_SECURE192,
        groups: GROUPS_SECURE192,
        profile: Some(Profile::High),
        level: SecurityLevel::High,
        no_tickets_tls12: false,
    },
    Level {
        name: "SUITEB128",
        alias: None,
        protocols: Some(PROTOCOLS_SUITEB),
        ciphers: CIPHERS_SUITEB128,
        macs: MACS_AEAD,
        kx: KX_SUITEB,
        signs: SIGNS_SUITEB128,
        groups: GROUPS_SUITEB128,
        profile: Some(Profile::SuiteB128),
        level: SecurityLevel::High,
        no_tickets_tls12: false,
    },
    Level {
        name: "SUITEB192",
        alias: None,
        protocols: Some(PROTOCOLS_SUITEB),
        ciphers: CIPHERS_SUITEB192,
        macs: MACS_AEAD,
        kx: KX_SUITEB,
        signs: SIGNS_SUITEB192,
        groups: GROUPS_SUITEB192,
        profile: Some(Profile::SuiteB192),
        level: SecurityLevel::Ultra,
        no_tickets_tls12: false,
    },
    Level {
        name: "LEGACY",
        alias: None,
        protocols: None,
        ciphers: CIPHERS_NORMAL,
        macs: MACS_NORMAL,
        kx: KX_SECURE,
        signs: SIGNS_DEFAULT,
        groups: GROUPS_NORMAL,
        profile: None,
        level: SecurityLevel::VeryWeak,
        no_tickets_tls12: false,
    },
    Level {
        name: "PERFORMANCE",
        alias: None,
        protocols: None,
        ciphers: CIPHERS_PERFORMANCE,
        macs: MACS_NORMAL,
        kx: KX_PERFORMANCE,
        signs: SIGNS_DEFAULT,
        groups: GROUPS_NORMAL,
        profile: Some(Profile::Low),
        level: SecurityLevel::Weak,
        no_tickets_tls12: false,
    },
];

/// The level named `name` (or its alias), ignoring ASCII case.
pub(crate) fn find_level(name: &str) -> Option<&'static Level> {
    LEVELS.iter().find(|l| {
        l.name.eq_ignore_ascii_case(name) || l.alias.is_some_and(|a| a.eq_ignore_ascii_case(name))
    })
}

/// Resolves a list of signature names from the tables above.
pub(crate) fn signs(names: &[&str]) -> Vec<Sign> {
    names.iter().filter_map(|n| Sign::from_name(n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_signature_name_resolves() {
        for l in LEVELS {
            assert_eq!(signs(l.signs).len(), l.signs.len(), "{}", l.name);
        }
        assert_eq!(signs(SIGNS_GOST).len(), 2);
    }

    #[test]
    fn level_lookup_uses_aliases_and_ignores_case() {
        assert_eq!(find_level("secure").map(|l| l.name), Some("SECURE128"));
        assert_eq!(find_level("Secure256").map(|l| l.name), Some("SECURE192"));
        assert!(find_level("NONE").is_none());
        assert!(find_level("SYSTEM").is_none());
    }

    #[test]
    fn unsigned_level_order() {
        // A positive level outranks the negative "weak" ones.
        assert!(SecurityLevel::Weak.unsigned_code() > SecurityLevel::Future.unsigned_code());
        assert!(SecurityLevel::VeryWeak.unsigned_code() < SecurityLevel::Weak.unsigned_code());
        assert_eq!(Profile::SuiteB192.security_level().min_ec_bits(), 384);
        assert_eq!(Profile::Low.security_level().min_rsa_bits(), 1024);
    }
}
