//! The crypto provider: every primitive qtls uses, behind one trait object
//! that is handed to configurations as a value (never a global), so tests and
//! fuzzers can swap it.
//!
//! The default implementation is [`aws_lc`] (feature `std`). A provider only
//! computes: protocol rules (which scheme is allowed where, share sizes per
//! group) are checked by the core before calling in, and again by the
//! provider where a bad input could otherwise reach the primitive.

use crate::codec::enums::{NamedGroup, SignatureScheme};
use crate::error::CryptoError;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use zeroize::Zeroize;

#[cfg(feature = "std")]
pub mod aws_lc;
// Deliberately insecure; refuses to build outside cargo-fuzz (see the module).
#[cfg(feature = "fuzzing")]
pub mod fuzzing;

/// Hash functions used by TLS 1.3 and certificate signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-1 (certificate signatures only, and only when policy allows).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlgorithm {
    /// Output length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            HashAlgorithm::Sha1 => 20,
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha384 => 48,
            HashAlgorithm::Sha512 => 64,
        }
    }
}

/// The largest hash output (SHA-512).
pub const MAX_HASH_LEN: usize = 64;

/// A hash or HMAC value (at most 64 bytes), kept inline so hashing never allocates.
/// Zeroized on drop since HMAC outputs are often secrets.
#[derive(Clone)]
pub struct HashOutput {
    buf: [u8; MAX_HASH_LEN],
    len: usize,
}

impl HashOutput {
    /// Copies `bytes` (truncated to 64 bytes) into a new value.
    pub fn new(bytes: &[u8]) -> Self {
        let mut buf = [0u8; MAX_HASH_LEN];
        let len = bytes.len().min(MAX_HASH_LEN);
        if let (Some(d), Some(s)) = (buf.get_mut(..len), bytes.get(..len)) {
            d.copy_from_slice(s);
        }
        Self { buf, len }
    }

    /// The value's bytes.
    #[allow(clippy::should_implement_trait)] // AsRef is implemented too; this one needs no import.
    pub fn as_ref(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

impl AsRef<[u8]> for HashOutput {
    fn as_ref(&self) -> &[u8] {
        HashOutput::as_ref(self)
    }
}

impl Drop for HashOutput {
    fn drop(&mut self) {
        // Only the first `len` bytes were ever written (`new` is the one
        // constructor); zeroize writes byte by byte, and a handshake drops
        // dozens of these.
        match self.buf.get_mut(..self.len) {
            Some(used) => used.zeroize(),
            None => self.buf.zeroize(),
        }
    }
}

impl fmt::Debug for HashOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the bytes: the value may be a secret.
        write!(f, "HashOutput({} bytes)", self.len)
    }
}

/// A running hash (used for the handshake transcript).
pub trait HashContext: Send + Sync {
    /// Feeds more data.
    fn update(&mut self, data: &[u8]);
    /// The hash of everything fed so far, leaving the context usable.
    fn current(&self) -> HashOutput;
    /// A copy of this context.
    fn fork(&self) -> Box<dyn HashContext>;
    /// The algorithm.
    fn algorithm(&self) -> HashAlgorithm;
}

/// AEAD algorithms of the TLS 1.3 cipher suites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AeadAlgorithm {
    /// AES-128-GCM.
    Aes128Gcm,
    /// AES-256-GCM.
    Aes256Gcm,
    /// ChaCha20-Poly1305.
    Chacha20Poly1305,
    /// AES-128-CCM (16-byte tag).
    Aes128Ccm,
    /// AES-128-CCM-8 (8-byte tag).
    Aes128Ccm8,
}

impl AeadAlgorithm {
    /// Key length in bytes.
    pub const fn key_len(self) -> usize {
        match self {
            AeadAlgorithm::Aes256Gcm | AeadAlgorithm::Chacha20Poly1305 => 32,
            _ => 16,
        }
    }
    /// Tag length in bytes.
    pub const fn tag_len(self) -> usize {
        match self {
            AeadAlgorithm::Aes128Ccm8 => 8,
            _ => 16,
        }
    }
    /// Nonce (IV) length in bytes: always 12 in TLS 1.3.
    pub const fn nonce_len(self) -> usize {
        12
    }
    /// Confidentiality limit: records that may be sealed under one key
    /// (RFC 8446 §5.5 and the AEAD limits draft).
    pub const fn confidentiality_limit(self) -> u64 {
        match self {
            // RFC 8446 §5.5: 2^24.5 full-size records for AES-GCM.
            AeadAlgorithm::Aes128Gcm | AeadAlgorithm::Aes256Gcm => 23_726_566,
            AeadAlgorithm::Aes128Ccm | AeadAlgorithm::Aes128Ccm8 => 23_726_566,
            AeadAlgorithm::Chacha20Poly1305 => u64::MAX,
        }
    }
    /// Integrity limit: failed decryptions tolerated under one key.
    pub const fn integrity_limit(self) -> u64 {
        match self {
            AeadAlgorithm::Aes128Gcm | AeadAlgorithm::Aes256Gcm => 1 << 36,
            AeadAlgorithm::Chacha20Poly1305 => 1 << 36,
            AeadAlgorithm::Aes128Ccm => 1 << 23,
            AeadAlgorithm::Aes128Ccm8 => 1 << 23,
        }
    }
}

/// A keyed AEAD, ready to seal or open records in place.
pub trait AeadKey: Send + Sync {
    /// Encrypts `in_out` in place and returns the tag in `tag` (which is
    /// exactly `tag_len` bytes).
    fn seal_in_place(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &mut [u8],
    ) -> Result<(), CryptoError>;
    /// Encrypts `plaintext` followed by `extra` (TLS 1.3's inner content
    /// type and padding) into `out`, which must be exactly
    /// `plaintext.len() + extra.len() + tag_len` bytes: ciphertext, then the
    /// tag. Sealing from the caller's buffer straight into the record saves
    /// the copy an in-place seal needs. The default copies, then seals in
    /// place; a provider whose AEAD reads and writes different buffers
    /// should override it.
    fn seal_into(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        plaintext: &[u8],
        extra: &[u8],
        out: &mut [u8],
    ) -> Result<(), CryptoError> {
        let body_len = plaintext
            .len()
            .checked_add(extra.len())
            .ok_or(CryptoError::Failed)?;
        if out.len() != body_len.saturating_add(self.algorithm().tag_len()) {
            return Err(CryptoError::Failed);
        }
        let (body, tag) = out
            .split_at_mut_checked(body_len)
            .ok_or(CryptoError::Failed)?;
        let (head, tail) = body
            .split_at_mut_checked(plaintext.len())
            .ok_or(CryptoError::Failed)?;
        head.copy_from_slice(plaintext);
        tail.copy_from_slice(extra);
        self.seal_in_place(nonce, aad, body, tag)
    }
    /// Decrypts `in_out` (ciphertext followed by the tag) in place and
    /// returns the plaintext length. On failure the buffer content is unspecified.
    fn open_in_place(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<usize, CryptoError>;
    /// The algorithm.
    fn algorithm(&self) -> AeadAlgorithm;
}

/// A shared secret from a key exchange, zeroized on drop.
pub struct SharedSecret(Vec<u8>);

impl SharedSecret {
    /// Wraps secret bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
    /// The secret bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for SharedSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SharedSecret({} bytes)", self.0.len())
    }
}

/// A client's in-progress key exchange: holds the private key for one group.
pub trait ActiveKeyExchange: Send + Sync {
    /// The group.
    fn group(&self) -> NamedGroup;
    /// Our key share as sent in the KeyShareEntry.
    fn public_share(&self) -> &[u8];
    /// Completes the exchange with the server's share (for KEMs: the ciphertext).
    fn complete(self: Box<Self>, peer_share: &[u8]) -> Result<SharedSecret, CryptoError>;
}

/// One key-exchange group.
pub trait KeyExchangeGroup: Send + Sync {
    /// The group's code point.
    fn name(&self) -> NamedGroup;
    /// Client side: makes a key pair and returns the pending exchange.
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, CryptoError>;
    /// Server side: answers a client share. For Diffie-Hellman groups this
    /// makes a key pair and agrees; for KEMs it encapsulates. Returns the
    /// server's share and the shared secret. An invalid client share yields
    /// [`CryptoError::InvalidPeerShare`].
    fn respond(&self, client_share: &[u8]) -> Result<(Vec<u8>, SharedSecret), CryptoError>;
}

/// Elliptic curves for ECDSA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EcCurve {
    /// P-256.
    P256,
    /// P-384.
    P384,
    /// P-521.
    P521,
}

/// ECDSA signature encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EcdsaEncoding {
    /// ASN.1 DER `Ecdsa-Sig-Value` (TLS and X.509).
    Der,
    /// Fixed-width r||s (IEEE P1363).
    P1363,
}

/// ML-DSA parameter sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MlDsaLevel {
    /// ML-DSA-44.
    MlDsa44,
    /// ML-DSA-65.
    MlDsa65,
    /// ML-DSA-87.
    MlDsa87,
}

/// A signature verification algorithm, independent of whether the caller is
/// TLS (a [`SignatureScheme`]) or X.509 (an AlgorithmIdentifier).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 with the given hash.
    RsaPkcs1 {
        /// Message hash.
        hash: HashAlgorithm,
    },
    /// RSASSA-PSS.
    RsaPss {
        /// Message hash.
        hash: HashAlgorithm,
        /// MGF1 hash.
        mgf_hash: HashAlgorithm,
        /// Salt length in bytes.
        salt_len: usize,
    },
    /// ECDSA.
    Ecdsa {
        /// The curve the key must be on.
        curve: EcCurve,
        /// Message hash.
        hash: HashAlgorithm,
        /// Signature encoding.
        encoding: EcdsaEncoding,
    },
    /// Ed25519 (pure).
    Ed25519,
    /// ML-DSA (pure, with an empty context unless given to `verify_with_context`).
    MlDsa(MlDsaLevel),
}

impl SignatureAlgorithm {
    /// The algorithm a TLS 1.3 CertificateVerify with `scheme` uses, or `None`
    /// for schemes TLS 1.3 forbids there (PKCS#1 v1.5, SHA-1; RFC 8446 §4.4.3).
    pub fn for_tls13_scheme(scheme: SignatureScheme) -> Option<Self> {
        use HashAlgorithm::*;
        let pss = |h: HashAlgorithm| SignatureAlgorithm::RsaPss {
            hash: h,
            mgf_hash: h,
            salt_len: h.output_len(),
        };
        let ec = |curve, hash| SignatureAlgorithm::Ecdsa {
            curve,
            hash,
            encoding: EcdsaEncoding::Der,
        };
        Some(match scheme {
            SignatureScheme::ECDSA_SECP256R1_SHA256 => ec(EcCurve::P256, Sha256),
            SignatureScheme::ECDSA_SECP384R1_SHA384 => ec(EcCurve::P384, Sha384),
            SignatureScheme::ECDSA_SECP521R1_SHA512 => ec(EcCurve::P521, Sha512),
            SignatureScheme::RSA_PSS_RSAE_SHA256 | SignatureScheme::RSA_PSS_PSS_SHA256 => {
                pss(Sha256)
            }
            SignatureScheme::RSA_PSS_RSAE_SHA384 | SignatureScheme::RSA_PSS_PSS_SHA384 => {
                pss(Sha384)
            }
            SignatureScheme::RSA_PSS_RSAE_SHA512 | SignatureScheme::RSA_PSS_PSS_SHA512 => {
                pss(Sha512)
            }
            SignatureScheme::ED25519 => SignatureAlgorithm::Ed25519,
            SignatureScheme::MLDSA44 => SignatureAlgorithm::MlDsa(MlDsaLevel::MlDsa44),
            SignatureScheme::MLDSA65 => SignatureAlgorithm::MlDsa(MlDsaLevel::MlDsa65),
            SignatureScheme::MLDSA87 => SignatureAlgorithm::MlDsa(MlDsaLevel::MlDsa87),
            _ => return None,
        })
    }
}

/// A private key that can sign handshake messages.
pub trait SigningKey: Send + Sync + fmt::Debug {
    /// The TLS 1.3 signature schemes this key can produce, most preferred first.
    fn schemes(&self) -> &[SignatureScheme];
    /// Signs `message` with `scheme` (one of [`SigningKey::schemes`]).
    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, CryptoError>;
    /// The DER SubjectPublicKeyInfo of the key, to match it against a certificate.
    fn public_key_spki(&self) -> Vec<u8>;
}

/// Every primitive qtls uses. Implementations must be deterministic only
/// where the caller supplies all randomness (KAT hooks); otherwise they draw
/// from a secure RNG.
pub trait CryptoProvider: Send + Sync + fmt::Debug {
    /// Fills `out` with secure random bytes.
    fn fill_random(&self, out: &mut [u8]) -> Result<(), CryptoError>;

    /// Starts a running hash.
    fn hash_start(&self, alg: HashAlgorithm) -> Result<Box<dyn HashContext>, CryptoError>;

    /// One-shot hash of the concatenation of `data`.
    fn hash(&self, alg: HashAlgorithm, data: &[&[u8]]) -> Result<HashOutput, CryptoError> {
        let mut ctx = self.hash_start(alg)?;
        for d in data {
            ctx.update(d);
        }
        Ok(ctx.current())
    }

    /// HMAC of the concatenation of `data` under `key`.
    fn hmac(
        &self,
        alg: HashAlgorithm,
        key: &[u8],
        data: &[&[u8]],
    ) -> Result<HashOutput, CryptoError>;

    /// HKDF-Extract (RFC 5869 §2.2). The default computes HMAC(salt, ikm);
    /// an empty salt means HashLen zero bytes.
    fn hkdf_extract(
        &self,
        alg: HashAlgorithm,
        salt: &[u8],
        ikm: &[u8],
    ) -> Result<HashOutput, CryptoError> {
        let zeros = [0u8; MAX_HASH_LEN];
        let salt = if salt.is_empty() {
            zeros.get(..alg.output_len()).unwrap_or(&[])
        } else {
            salt
        };
        self.hmac(alg, salt, &[ikm])
    }

    /// HKDF-Expand (RFC 5869 §2.3) of `info` (the concatenation of its parts)
    /// into `out`, which may be at most 255 hash lengths long.
    fn hkdf_expand(
        &self,
        alg: HashAlgorithm,
        prk: &[u8],
        info: &[&[u8]],
        out: &mut [u8],
    ) -> Result<(), CryptoError> {
        let hlen = alg.output_len();
        if out.len() > hlen.saturating_mul(255) {
            return Err(CryptoError::Failed);
        }
        let mut prev = HashOutput::new(&[]);
        for (i, chunk) in out.chunks_mut(hlen).enumerate() {
            let counter = u8::try_from(i.saturating_add(1)).map_err(|_| CryptoError::Failed)?;
            let mut parts: alloc::vec::Vec<&[u8]> = alloc::vec::Vec::with_capacity(info.len() + 2);
            parts.push(prev.as_ref());
            parts.extend_from_slice(info);
            let c = [counter];
            parts.push(&c);
            let t = self.hmac(alg, prk, &parts)?;
            let take = chunk.len();
            chunk.copy_from_slice(t.as_ref().get(..take).ok_or(CryptoError::Failed)?);
            prev = t;
        }
        Ok(())
    }

    /// Makes a keyed AEAD.
    fn aead_key(&self, alg: AeadAlgorithm, key: &[u8]) -> Result<Box<dyn AeadKey>, CryptoError>;

    /// The key-exchange group for `group`, or `None` when unsupported.
    fn kx_group(&self, group: NamedGroup) -> Option<&dyn KeyExchangeGroup>;

    /// Every group this provider supports, in its preferred order.
    fn supported_groups(&self) -> &[NamedGroup];

    /// Verifies `signature` over `message` with the public key in `spki`
    /// (a DER SubjectPublicKeyInfo). Fails with [`CryptoError::BadSignature`]
    /// for a wrong signature and [`CryptoError::InvalidKey`] for a key that
    /// does not fit the algorithm.
    fn verify_signature(
        &self,
        alg: SignatureAlgorithm,
        spki: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError>;

    /// Loads a private key from PKCS#8 DER (v1 or v2).
    fn load_signing_key(&self, pkcs8: &[u8]) -> Result<Box<dyn SigningKey>, CryptoError>;
}
