//! The fuzzer-mode crypto provider: deterministic and deliberately insecure,
//! so a fuzzer can drive both handshake sides into every state.
//!
//! A fuzzer cannot forge a Finished MAC, a PSK binder, a signature or an AEAD
//! tag, so without this mode it never gets past the first encrypted record.
//! Here (the BoringSSL "fuzzer mode" idea):
//! - randomness is a fixed-seed counter stream, so one input always replays
//!   the same ClientHello, session id and ServerHello random;
//! - record protection is a null AEAD: the ciphertext is the plaintext and
//!   the tag is all zeros on sealing and ignored on opening, so a fuzzer
//!   writes "encrypted" records in the clear;
//! - key exchange accepts any peer share and yields a fixed secret; shares
//!   have the real sizes of each group;
//! - every signature verifies, and signing keys sign with a fixed value;
//! - Finished and binder comparisons always pass (the branch lives in
//!   [`crate::key_schedule::check_verify_data`] and
//!   [`crate::key_schedule::check_binder`], compiled only in this mode).
//!
//! Hashes, HMAC and HKDF stay real (aws-lc-rs): they are cheap and keep the
//! transcript logic honest.
//!
//! This module only compiles with the `fuzzing` feature *and* the `fuzzing`
//! cfg that cargo-fuzz passes to rustc; see SECURITY.md. Never ship a build
//! that has it: it authenticates nobody.

// The second guard: the feature alone (say `--all-features`) must not build.
#[cfg(not(fuzzing))]
compile_error!(
    "the `fuzzing` feature makes qtls insecure (null AEAD, no Finished, binder or signature \
     checks) and only builds under cargo-fuzz, which sets `--cfg fuzzing`; never enable it \
     in a normal build"
);

use crate::codec::enums::{NamedGroup, SignatureScheme};
use crate::error::CryptoError;
use crate::provider::aws_lc::AwsLcProvider;
use crate::provider::{
    ActiveKeyExchange, AeadAlgorithm, AeadKey, CryptoProvider, HashAlgorithm, HashContext,
    HashOutput, KeyExchangeGroup, SharedSecret, SignatureAlgorithm, SigningKey,
};
use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

/// The fixed seed of [`FuzzingProvider::new`].
pub const DEFAULT_SEED: u64 = 0x7174_6c73_2d66_757a; // "qtls-fuz"

/// The shared secret every key exchange yields.
pub const FIXED_SECRET: [u8; 32] = [0x5e; 32];

/// The signature every fuzzing signing key produces.
pub const FIXED_SIGNATURE: [u8; 64] = [0x51; 64];

/// Key-exchange groups of the fuzzing provider with the sizes of the real
/// shares: (group, client share length, server share length).
const GROUPS: [(NamedGroup, usize, usize); 14] = [
    (NamedGroup::X25519MLKEM768, 1184 + 32, 1088 + 32),
    (NamedGroup::X25519, 32, 32),
    (NamedGroup::SECP256R1, 65, 65),
    (NamedGroup::SECP384R1, 97, 97),
    (NamedGroup::SECP521R1, 133, 133),
    (NamedGroup::SECP256R1MLKEM768, 65 + 1184, 65 + 1088),
    (NamedGroup::SECP384R1MLKEM1024, 97 + 1568, 97 + 1568),
    (NamedGroup::MLKEM768, 1184, 1088),
    (NamedGroup::MLKEM1024, 1568, 1568),
    (NamedGroup::FFDHE2048, 256, 256),
    (NamedGroup::FFDHE3072, 384, 384),
    (NamedGroup::FFDHE4096, 512, 512),
    (NamedGroup::FFDHE6144, 768, 768),
    (NamedGroup::FFDHE8192, 1024, 1024),
];

/// The fuzzer-mode provider. See the module documentation.
#[derive(Debug)]
pub struct FuzzingProvider {
    real: AwsLcProvider,
    rng: AtomicU64,
    groups: Vec<FuzzGroup>,
    names: Vec<NamedGroup>,
}

impl FuzzingProvider {
    /// A provider whose random stream starts at [`DEFAULT_SEED`].
    pub fn new() -> Self {
        Self::with_seed(DEFAULT_SEED)
    }

    /// A provider whose random stream starts at `seed`.
    pub fn with_seed(seed: u64) -> Self {
        let groups: Vec<FuzzGroup> = GROUPS
            .iter()
            .map(|&(name, client_len, server_len)| FuzzGroup {
                name,
                client_len,
                server_len,
            })
            .collect();
        let names = groups.iter().map(|g| g.name).collect();
        Self {
            real: AwsLcProvider::new(),
            rng: AtomicU64::new(seed),
            groups,
            names,
        }
    }
}

impl Default for FuzzingProvider {
    fn default() -> Self {
        Self::new()
    }
}

/// A fresh fuzzing provider, ready to hand to a configuration. Make one per
/// fuzz input so every input sees the same random stream.
pub fn provider() -> Arc<dyn CryptoProvider> {
    Arc::new(FuzzingProvider::new())
}

/// splitmix64: a fixed, well-mixed stream from a counter.
fn splitmix64(state: &AtomicU64) -> u64 {
    let mut z = state
        .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
        .wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl CryptoProvider for FuzzingProvider {
    fn fill_random(&self, out: &mut [u8]) -> Result<(), CryptoError> {
        for chunk in out.chunks_mut(8) {
            let word = splitmix64(&self.rng).to_le_bytes();
            let n = chunk.len();
            chunk.copy_from_slice(word.get(..n).ok_or(CryptoError::Rng)?);
        }
        Ok(())
    }

    fn hash_start(&self, alg: HashAlgorithm) -> Result<Box<dyn HashContext>, CryptoError> {
        self.real.hash_start(alg)
    }

    fn hash(&self, alg: HashAlgorithm, data: &[&[u8]]) -> Result<HashOutput, CryptoError> {
        self.real.hash(alg, data)
    }

    fn hmac(
        &self,
        alg: HashAlgorithm,
        key: &[u8],
        data: &[&[u8]],
    ) -> Result<HashOutput, CryptoError> {
        self.real.hmac(alg, key, data)
    }

    fn hkdf_extract(
        &self,
        alg: HashAlgorithm,
        salt: &[u8],
        ikm: &[u8],
    ) -> Result<HashOutput, CryptoError> {
        self.real.hkdf_extract(alg, salt, ikm)
    }

    fn hkdf_expand(
        &self,
        alg: HashAlgorithm,
        prk: &[u8],
        info: &[&[u8]],
        out: &mut [u8],
    ) -> Result<(), CryptoError> {
        self.real.hkdf_expand(alg, prk, info, out)
    }

    fn aead_key(&self, alg: AeadAlgorithm, key: &[u8]) -> Result<Box<dyn AeadKey>, CryptoError> {
        // Keep the key-length check so the key schedule's sizes stay covered.
        if key.len() != alg.key_len() {
            return Err(CryptoError::InvalidKey);
        }
        Ok(Box::new(NullAead { alg }))
    }

    fn kx_group(&self, group: NamedGroup) -> Option<&dyn KeyExchangeGroup> {
        self.groups
            .iter()
            .find(|g| g.name == group)
            .map(|g| g as &dyn KeyExchangeGroup)
    }

    fn supported_groups(&self) -> &[NamedGroup] {
        &self.names
    }

    fn verify_signature(
        &self,
        _alg: SignatureAlgorithm,
        _spki: &[u8],
        _message: &[u8],
        _signature: &[u8],
    ) -> Result<(), CryptoError> {
        Ok(())
    }

    fn load_signing_key(&self, pkcs8: &[u8]) -> Result<Box<dyn SigningKey>, CryptoError> {
        // The real key supplies the schemes and public key (so identities
        // still match their certificates); signing itself is fixed.
        let real = self.real.load_signing_key(pkcs8)?;
        Ok(Box::new(FixedSigner {
            schemes: real.schemes().to_vec(),
            spki: real.public_key_spki(),
        }))
    }
}

/// The null AEAD: identity "encryption", zero tag, tag never checked.
struct NullAead {
    alg: AeadAlgorithm,
}

impl AeadKey for NullAead {
    fn seal_in_place(
        &self,
        _nonce: &[u8; 12],
        _aad: &[u8],
        _in_out: &mut [u8],
        tag: &mut [u8],
    ) -> Result<(), CryptoError> {
        tag.fill(0);
        Ok(())
    }

    fn open_in_place(
        &self,
        _nonce: &[u8; 12],
        _aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        in_out
            .len()
            .checked_sub(self.alg.tag_len())
            .ok_or(CryptoError::AeadFailed)
    }

    fn algorithm(&self) -> AeadAlgorithm {
        self.alg
    }
}

/// A key-exchange group that accepts every share.
#[derive(Debug)]
struct FuzzGroup {
    name: NamedGroup,
    client_len: usize,
    server_len: usize,
}

impl KeyExchangeGroup for FuzzGroup {
    fn name(&self) -> NamedGroup {
        self.name
    }

    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, CryptoError> {
        Ok(Box::new(FuzzActive {
            name: self.name,
            share: alloc::vec![0xc5; self.client_len],
        }))
    }

    fn respond(&self, _client_share: &[u8]) -> Result<(Vec<u8>, SharedSecret), CryptoError> {
        Ok((
            alloc::vec![0x5c; self.server_len],
            SharedSecret::new(FIXED_SECRET.to_vec()),
        ))
    }
}

struct FuzzActive {
    name: NamedGroup,
    share: Vec<u8>,
}

impl ActiveKeyExchange for FuzzActive {
    fn group(&self) -> NamedGroup {
        self.name
    }

    fn public_share(&self) -> &[u8] {
        &self.share
    }

    fn complete(self: Box<Self>, _peer_share: &[u8]) -> Result<SharedSecret, CryptoError> {
        Ok(SharedSecret::new(FIXED_SECRET.to_vec()))
    }
}

/// A signing key that signs everything with [`FIXED_SIGNATURE`].
#[derive(Debug)]
struct FixedSigner {
    schemes: Vec<SignatureScheme>,
    spki: Vec<u8>,
}

impl SigningKey for FixedSigner {
    fn schemes(&self) -> &[SignatureScheme] {
        &self.schemes
    }

    fn sign(&self, _scheme: SignatureScheme, _message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(FIXED_SIGNATURE.to_vec())
    }

    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_stream_is_fixed_per_seed() {
        let (a, b) = (FuzzingProvider::new(), FuzzingProvider::new());
        let (mut x, mut y) = ([0u8; 40], [0u8; 40]);
        a.fill_random(&mut x).unwrap();
        b.fill_random(&mut y).unwrap();
        assert_eq!(x, y);
        b.fill_random(&mut y).unwrap();
        assert_ne!(x, y);
    }

    #[test]
    fn null_aead_round_trips_and_ignores_tags() {
        let p = FuzzingProvider::new();
        let k = p.aead_key(AeadAlgorithm::Aes128Ccm8, &[0; 16]).unwrap();
        let mut buf = *b"plain";
        let mut tag = [9u8; 8];
        k.seal_in_place(&[0; 12], b"", &mut buf, &mut tag).unwrap();
        assert_eq!((&buf, tag), (b"plain", [0u8; 8]));
        let mut rec = *b"plain12345678";
        assert_eq!(k.open_in_place(&[0; 12], b"", &mut rec), Ok(5));
        assert_eq!(
            k.open_in_place(&[0; 12], b"", &mut [0u8; 7]),
            Err(CryptoError::AeadFailed)
        );
    }
}
