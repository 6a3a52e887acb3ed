// Test-only provider until aws_lc provider lands.
//
// This file is shared by the integration tests (as `common::provider`) and by
// the unit tests of the library (through a `#[path]` module in
// src/key_schedule.rs), so it names the library `qtls` in both (the library
// aliases itself under `cfg(test)`). It implements only what the key
// schedule, transcript and RFC 8448 tests need: hashes, HMAC (HKDF comes
// from the trait's defaults), AES-GCM/ChaCha20-Poly1305 and fixed-key
// X25519/P-256 helpers. Delete it once `qtls::provider::aws_lc` is merged.
#![allow(dead_code)]

use aws_lc_rs::{aead, agreement, digest, hmac, rand};
use qtls::codec::enums::NamedGroup;
use qtls::error::CryptoError;
use qtls::provider::{
    AeadAlgorithm, AeadKey, CryptoProvider, HashAlgorithm, HashContext, HashOutput,
    KeyExchangeGroup, SignatureAlgorithm, SigningKey,
};
use std::boxed::Box;
use std::vec::Vec;

/// Test-only provider until aws_lc provider lands.
#[derive(Debug)]
pub(crate) struct TestProvider;

fn digest_alg(alg: HashAlgorithm) -> &'static digest::Algorithm {
    match alg {
        HashAlgorithm::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        HashAlgorithm::Sha256 => &digest::SHA256,
        HashAlgorithm::Sha384 => &digest::SHA384,
        HashAlgorithm::Sha512 => &digest::SHA512,
    }
}

fn hmac_alg(alg: HashAlgorithm) -> hmac::Algorithm {
    match alg {
        HashAlgorithm::Sha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
        HashAlgorithm::Sha256 => hmac::HMAC_SHA256,
        HashAlgorithm::Sha384 => hmac::HMAC_SHA384,
        HashAlgorithm::Sha512 => hmac::HMAC_SHA512,
    }
}

struct TestHash {
    ctx: digest::Context,
    alg: HashAlgorithm,
}

impl HashContext for TestHash {
    fn update(&mut self, data: &[u8]) {
        self.ctx.update(data);
    }
    fn current(&self) -> HashOutput {
        HashOutput::new(self.ctx.clone().finish().as_ref())
    }
    fn fork(&self) -> Box<dyn HashContext> {
        Box::new(TestHash {
            ctx: self.ctx.clone(),
            alg: self.alg,
        })
    }
    fn algorithm(&self) -> HashAlgorithm {
        self.alg
    }
}

struct TestAead {
    key: aead::LessSafeKey,
    alg: AeadAlgorithm,
}

impl AeadKey for TestAead {
    fn seal_in_place(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &mut [u8],
    ) -> Result<(), CryptoError> {
        let t = self
            .key
            .seal_in_place_separate_tag(
                aead::Nonce::assume_unique_for_key(*nonce),
                aead::Aad::from(aad),
                in_out,
            )
            .map_err(|_| CryptoError::Failed)?;
        if tag.len() != t.as_ref().len() {
            return Err(CryptoError::Failed);
        }
        tag.copy_from_slice(t.as_ref());
        Ok(())
    }

    fn open_in_place(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        self.key
            .open_in_place(
                aead::Nonce::assume_unique_for_key(*nonce),
                aead::Aad::from(aad),
                in_out,
            )
            .map(|plain| plain.len())
            .map_err(|_| CryptoError::AeadFailed)
    }

    fn algorithm(&self) -> AeadAlgorithm {
        self.alg
    }
}

impl CryptoProvider for TestProvider {
    fn fill_random(&self, out: &mut [u8]) -> Result<(), CryptoError> {
        rand::fill(out).map_err(|_| CryptoError::Rng)
    }

    fn hash_start(&self, alg: HashAlgorithm) -> Result<Box<dyn HashContext>, CryptoError> {
        Ok(Box::new(TestHash {
            ctx: digest::Context::new(digest_alg(alg)),
            alg,
        }))
    }

    fn hmac(
        &self,
        alg: HashAlgorithm,
        key: &[u8],
        data: &[&[u8]],
    ) -> Result<HashOutput, CryptoError> {
        let key = hmac::Key::new(hmac_alg(alg), key);
        let mut ctx = hmac::Context::with_key(&key);
        for d in data {
            ctx.update(d);
        }
        Ok(HashOutput::new(ctx.sign().as_ref()))
    }

    fn aead_key(&self, alg: AeadAlgorithm, key: &[u8]) -> Result<Box<dyn AeadKey>, CryptoError> {
        let a = match alg {
            AeadAlgorithm::Aes128Gcm => &aead::AES_128_GCM,
            AeadAlgorithm::Aes256Gcm => &aead::AES_256_GCM,
            AeadAlgorithm::Chacha20Poly1305 => &aead::CHACHA20_POLY1305,
            _ => return Err(CryptoError::Unsupported),
        };
        let unbound = aead::UnboundKey::new(a, key).map_err(|_| CryptoError::InvalidKey)?;
        Ok(Box::new(TestAead {
            key: aead::LessSafeKey::new(unbound),
            alg,
        }))
    }

    fn kx_group(&self, _group: NamedGroup) -> Option<&dyn KeyExchangeGroup> {
        None
    }

    fn supported_groups(&self) -> &[NamedGroup] {
        &[]
    }

    fn verify_signature(
        &self,
        _alg: SignatureAlgorithm,
        _spki: &[u8],
        _message: &[u8],
        _signature: &[u8],
    ) -> Result<(), CryptoError> {
        Err(CryptoError::Unsupported)
    }

    fn load_signing_key(&self, _pkcs8: &[u8]) -> Result<Box<dyn SigningKey>, CryptoError> {
        Err(CryptoError::Unsupported)
    }
}

fn ecdh_alg(group: NamedGroup) -> &'static agreement::Algorithm {
    match group {
        NamedGroup::X25519 => &agreement::X25519,
        NamedGroup::SECP256R1 => &agreement::ECDH_P256,
        other => panic!("test provider: no fixed-key ECDH for {other:?}"),
    }
}

/// The public key (X25519: 32 bytes; P-256: uncompressed point) of a fixed
/// private key: the provider trait has no fixed-key entry point, since
/// production key exchange always draws fresh keys.
pub(crate) fn ecdh_public(group: NamedGroup, private: &[u8]) -> Vec<u8> {
    let key = agreement::PrivateKey::from_private_key(ecdh_alg(group), private)
        .expect("private key loads");
    key.compute_public_key()
        .expect("public key computes")
        .as_ref()
        .to_vec()
}

/// The (EC)DH shared secret of a fixed private key and a peer's public key.
pub(crate) fn ecdh_agree(group: NamedGroup, private: &[u8], peer_public: &[u8]) -> Vec<u8> {
    let alg = ecdh_alg(group);
    let key = agreement::PrivateKey::from_private_key(alg, private).expect("private key loads");
    agreement::agree(
        &key,
        agreement::UnparsedPublicKey::new(alg, peer_public),
        CryptoError::InvalidPeerShare,
        |shared| Ok(shared.to_vec()),
    )
    .expect("agreement succeeds")
}
