//! Test-only [`AeadKey`]s, so the record layer's tests do not depend on the
//! provider module: AES-GCM and ChaCha20-Poly1305 straight on aws-lc-rs's
//! `LessSafeKey`, AES-128-CCM(-8) on the `ccm` crate.

use crate::error::CryptoError;
use crate::provider::{AeadAlgorithm, AeadKey};
use alloc::boxed::Box;
use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use ccm::aead::generic_array::GenericArray;
use ccm::consts::{U8, U12, U16};
use ccm::{AeadInPlace, KeyInit};

type Ccm16 = ccm::Ccm<aes::Aes128, U16, U12>;
type Ccm8 = ccm::Ccm<aes::Aes128, U8, U12>;

enum Inner {
    AwsLc(LessSafeKey),
    Ccm16(Box<Ccm16>),
    Ccm8(Box<Ccm8>),
}

pub(crate) struct TestAead {
    alg: AeadAlgorithm,
    inner: Inner,
}

pub(crate) const ALL_ALGORITHMS: [AeadAlgorithm; 5] = [
    AeadAlgorithm::Aes128Gcm,
    AeadAlgorithm::Aes256Gcm,
    AeadAlgorithm::Chacha20Poly1305,
    AeadAlgorithm::Aes128Ccm,
    AeadAlgorithm::Aes128Ccm8,
];

/// A boxed key for `alg` from `key` (which must have the algorithm's length).
pub(crate) fn key(alg: AeadAlgorithm, key: &[u8]) -> Box<dyn AeadKey> {
    assert_eq!(key.len(), alg.key_len());
    let aws = |a: &'static aead::Algorithm| {
        Inner::AwsLc(LessSafeKey::new(UnboundKey::new(a, key).unwrap()))
    };
    let inner = match alg {
        AeadAlgorithm::Aes128Gcm => aws(&aead::AES_128_GCM),
        AeadAlgorithm::Aes256Gcm => aws(&aead::AES_256_GCM),
        AeadAlgorithm::Chacha20Poly1305 => aws(&aead::CHACHA20_POLY1305),
        AeadAlgorithm::Aes128Ccm => Inner::Ccm16(Box::new(Ccm16::new_from_slice(key).unwrap())),
        AeadAlgorithm::Aes128Ccm8 => Inner::Ccm8(Box::new(Ccm8::new_from_slice(key).unwrap())),
    };
    Box::new(TestAead { alg, inner })
}

impl AeadKey for TestAead {
    fn seal_in_place(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &mut [u8],
    ) -> Result<(), CryptoError> {
        assert_eq!(
            tag.len(),
            self.alg.tag_len(),
            "tag slice sized by the record layer"
        );
        let n = GenericArray::from_slice(nonce);
        match &self.inner {
            Inner::AwsLc(k) => {
                let t = k
                    .seal_in_place_separate_tag(
                        Nonce::assume_unique_for_key(*nonce),
                        Aad::from(aad),
                        in_out,
                    )
                    .map_err(|_| CryptoError::Failed)?;
                tag.copy_from_slice(t.as_ref());
            }
            Inner::Ccm16(k) => {
                let t = k
                    .encrypt_in_place_detached(n, aad, in_out)
                    .map_err(|_| CryptoError::Failed)?;
                tag.copy_from_slice(&t);
            }
            Inner::Ccm8(k) => {
                let t = k
                    .encrypt_in_place_detached(n, aad, in_out)
                    .map_err(|_| CryptoError::Failed)?;
                tag.copy_from_slice(&t);
            }
        }
        Ok(())
    }

    fn open_in_place(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let tag_len = self.alg.tag_len();
        let plain_len = in_out
            .len()
            .checked_sub(tag_len)
            .ok_or(CryptoError::AeadFailed)?;
        let n = GenericArray::from_slice(nonce);
        match &self.inner {
            Inner::AwsLc(k) => {
                let p = k
                    .open_in_place(Nonce::assume_unique_for_key(*nonce), Aad::from(aad), in_out)
                    .map_err(|_| CryptoError::AeadFailed)?;
                assert_eq!(p.len(), plain_len);
            }
            Inner::Ccm16(k) => {
                let (ct, tag) = in_out.split_at_mut(plain_len);
                k.decrypt_in_place_detached(n, aad, ct, GenericArray::from_slice(tag))
                    .map_err(|_| CryptoError::AeadFailed)?;
            }
            Inner::Ccm8(k) => {
                let (ct, tag) = in_out.split_at_mut(plain_len);
                k.decrypt_in_place_detached(n, aad, ct, GenericArray::from_slice(tag))
                    .map_err(|_| CryptoError::AeadFailed)?;
            }
        }
        Ok(plain_len)
    }

    fn algorithm(&self) -> AeadAlgorithm {
        self.alg
    }
}
