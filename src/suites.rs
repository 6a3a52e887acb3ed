//! The TLS 1.3 cipher suites: each one's AEAD and hash.

use crate::codec::enums::CipherSuite;
use crate::provider::{AeadAlgorithm, HashAlgorithm};

/// A TLS 1.3 cipher suite's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tls13Suite {
    /// The code point.
    pub suite: CipherSuite,
    /// The record protection AEAD.
    pub aead: AeadAlgorithm,
    /// The hash of HKDF and the transcript.
    pub hash: HashAlgorithm,
}

/// Every suite qtls implements, in the order of GnuTLS's NORMAL priority.
pub const ALL_SUITES: &[Tls13Suite] = &[
    Tls13Suite {
        suite: CipherSuite::TLS_AES_256_GCM_SHA384,
        aead: AeadAlgorithm::Aes256Gcm,
        hash: HashAlgorithm::Sha384,
    },
    Tls13Suite {
        suite: CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
        aead: AeadAlgorithm::Chacha20Poly1305,
        hash: HashAlgorithm::Sha256,
    },
    Tls13Suite {
        suite: CipherSuite::TLS_AES_128_GCM_SHA256,
        aead: AeadAlgorithm::Aes128Gcm,
        hash: HashAlgorithm::Sha256,
    },
    Tls13Suite {
        suite: CipherSuite::TLS_AES_128_CCM_SHA256,
        aead: AeadAlgorithm::Aes128Ccm,
        hash: HashAlgorithm::Sha256,
    },
    Tls13Suite {
        suite: CipherSuite::TLS_AES_128_CCM_8_SHA256,
        aead: AeadAlgorithm::Aes128Ccm8,
        hash: HashAlgorithm::Sha256,
    },
];

/// Looks a suite up by code point.
pub fn lookup(suite: CipherSuite) -> Option<&'static Tls13Suite> {
    ALL_SUITES.iter().find(|s| s.suite == suite)
}
