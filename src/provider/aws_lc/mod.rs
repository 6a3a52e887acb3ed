//! The default crypto provider, on aws-lc-rs (feature `std`).
//!
//! This module owns [`AwsLcProvider`] and wires each primitive family to its
//! submodule: hashing, HMAC and HKDF in [`hash`], record AEADs in [`aead`],
//! key exchange (EC, X25519, FFDHE, ML-KEM and the hybrids) in [`kx`] and
//! [`ffdhe`], seeded ML-KEM for known-answer tests in [`mlkem_kat`].
//! Signature verification and signing keys live in `verify` and `sign`.
//! Only primitives aws-lc-rs lacks come from elsewhere: AES-CCM (RustCrypto
//! `ccm`), FFDHE modexp (`crypto-bigint`) and seeded ML-KEM (`ml-kem`).

pub mod aead;
pub mod ffdhe;
pub mod hash;
pub mod kx;
pub mod mlkem_kat;
mod sign;
mod verify;

pub use kx::{ecdh_with_private, x25519_with_scalar};

use crate::codec::enums::NamedGroup;
use crate::error::CryptoError;
use crate::provider::{
    AeadAlgorithm, AeadKey, CryptoProvider, HashAlgorithm, HashContext, HashOutput,
    KeyExchangeGroup, SignatureAlgorithm, SigningKey,
};
use alloc::boxed::Box;
use alloc::sync::Arc;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};

/// The aws-lc-rs crypto provider. Stateless apart from the system RNG
/// handle: every key-exchange group is a static, so one value can be shared
/// by any number of configurations.
#[derive(Debug, Default)]
pub struct AwsLcProvider {
    rng: SystemRandom,
}

impl AwsLcProvider {
    /// A new provider.
    pub fn new() -> Self {
        Self {
            rng: SystemRandom::new(),
        }
    }
}

/// The default provider, ready to hand to a configuration.
pub fn default_provider() -> Arc<dyn CryptoProvider> {
    Arc::new(AwsLcProvider::new())
}

impl CryptoProvider for AwsLcProvider {
    fn fill_random(&self, out: &mut [u8]) -> Result<(), CryptoError> {
        self.rng.fill(out).map_err(|_| CryptoError::Rng)
    }

    fn hash_start(&self, alg: HashAlgorithm) -> Result<Box<dyn HashContext>, CryptoError> {
        Ok(Box::new(hash::Hash::new(alg)))
    }

    fn hash(&self, alg: HashAlgorithm, data: &[&[u8]]) -> Result<HashOutput, CryptoError> {
        Ok(hash::hash(alg, data))
    }

    fn hmac(
        &self,
        alg: HashAlgorithm,
        key: &[u8],
        data: &[&[u8]],
    ) -> Result<HashOutput, CryptoError> {
        Ok(hash::hmac(alg, key, data))
    }

    fn hkdf_extract(
        &self,
        alg: HashAlgorithm,
        salt: &[u8],
        ikm: &[u8],
    ) -> Result<HashOutput, CryptoError> {
        Ok(hash::hkdf_extract(alg, salt, ikm))
    }

    fn hkdf_expand(
        &self,
        alg: HashAlgorithm,
        prk: &[u8],
        info: &[&[u8]],
        out: &mut [u8],
    ) -> Result<(), CryptoError> {
        hash::hkdf_expand(alg, prk, info, out)
    }

    fn aead_key(&self, alg: AeadAlgorithm, key: &[u8]) -> Result<Box<dyn AeadKey>, CryptoError> {
        aead::new_key(alg, key)
    }

    fn kx_group(&self, group: NamedGroup) -> Option<&dyn KeyExchangeGroup> {
        kx::group(group)
    }

    fn supported_groups(&self) -> &[NamedGroup] {
        &kx::SUPPORTED_GROUPS
    }

    fn verify_signature(
        &self,
        alg: SignatureAlgorithm,
        spki: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        verify::verify_signature(alg, spki, message, signature)
    }

    fn load_signing_key(&self, pkcs8: &[u8]) -> Result<Box<dyn SigningKey>, CryptoError> {
        sign::load_signing_key(pkcs8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_bytes_differ_between_calls() {
        let p = AwsLcProvider::new();
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        p.fill_random(&mut a).unwrap();
        p.fill_random(&mut b).unwrap();
        // 2^-256 chance of a false failure.
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 32]);
    }

    #[test]
    fn every_supported_group_is_available() {
        let p = default_provider();
        assert_eq!(p.supported_groups().len(), 14);
        for &g in p.supported_groups() {
            assert_eq!(p.kx_group(g).map(|k| k.name()), Some(g));
        }
        assert!(p.kx_group(NamedGroup(0x1234)).is_none());
    }

    #[test]
    fn aead_key_rejects_wrong_key_length() {
        let p = AwsLcProvider::new();
        for alg in [
            AeadAlgorithm::Aes128Gcm,
            AeadAlgorithm::Aes256Gcm,
            AeadAlgorithm::Chacha20Poly1305,
            AeadAlgorithm::Aes128Ccm,
            AeadAlgorithm::Aes128Ccm8,
        ] {
            let key = alloc::vec![7u8; alg.key_len() + 1];
            assert_eq!(
                p.aead_key(alg, &key).err(),
                Some(CryptoError::InvalidKey),
                "{alg:?}"
            );
            let ok = p.aead_key(alg, key.get(..alg.key_len()).unwrap()).unwrap();
            assert_eq!(ok.algorithm(), alg);
        }
    }
}
