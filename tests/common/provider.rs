//! Fixed-key (EC)DH helpers for the RFC 8448 vectors: the provider's key
//! exchange always draws fresh keys, so known-answer tests go through its
//! fixed-scalar entry points, and public keys are derived here.
#![allow(dead_code)]

use aws_lc_rs::agreement;
use qtls::codec::enums::NamedGroup;
use qtls::provider::EcCurve;
use qtls::provider::aws_lc::{ecdh_with_private, x25519_with_scalar};

fn ecdh_alg(group: NamedGroup) -> &'static agreement::Algorithm {
    match group {
        NamedGroup::X25519 => &agreement::X25519,
        NamedGroup::SECP256R1 => &agreement::ECDH_P256,
        other => panic!("no fixed-key ECDH for {other:?}"),
    }
}

/// The public key (X25519: 32 bytes; P-256: uncompressed point) of a fixed
/// private key, computed independently of qtls's provider.
pub(crate) fn ecdh_public(group: NamedGroup, private: &[u8]) -> Vec<u8> {
    let key = agreement::PrivateKey::from_private_key(ecdh_alg(group), private)
        .expect("private key loads");
    key.compute_public_key()
        .expect("public key computes")
        .as_ref()
        .to_vec()
}

/// The (EC)DH shared secret of a fixed private key and a peer's public key,
/// computed by qtls's provider.
pub(crate) fn ecdh_agree(group: NamedGroup, private: &[u8], peer_public: &[u8]) -> Vec<u8> {
    let secret = match group {
        NamedGroup::X25519 => {
            let scalar: [u8; 32] = private.try_into().expect("32-byte X25519 scalar");
            x25519_with_scalar(&scalar, peer_public)
        }
        NamedGroup::SECP256R1 => ecdh_with_private(EcCurve::P256, private, peer_public),
        other => panic!("no fixed-key ECDH for {other:?}"),
    };
    secret.expect("agreement succeeds").as_bytes().to_vec()
}
