//! Record AEADs: AES-GCM and ChaCha20-Poly1305 on aws-lc-rs, AES-128-CCM
//! and AES-128-CCM-8 on RustCrypto `ccm` (aws-lc-rs has no CCM).
//!
//! Open works in place on the record buffer with a detached tag; seal reads
//! the caller's plaintext and writes the record body (`seal_into`), so the
//! record layer never copies a payload (see the memcpy alignment trap in
//! notes/peers.md).

use crate::error::CryptoError;
use crate::provider::{AeadAlgorithm, AeadKey};
use aes::Aes128;
use alloc::boxed::Box;
use aws_lc_rs::aead::{
    AES_128_GCM, AES_256_GCM, Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey,
};
use ccm::aead::generic_array::GenericArray;
use ccm::consts::{U8, U12, U16};
use ccm::{AeadInPlace, Ccm, KeyInit};

/// Makes a keyed AEAD for `alg`. A key of the wrong length is
/// [`CryptoError::InvalidKey`].
pub fn new_key(alg: AeadAlgorithm, key: &[u8]) -> Result<Box<dyn AeadKey>, CryptoError> {
    if key.len() != alg.key_len() {
        return Err(CryptoError::InvalidKey);
    }
    Ok(match alg {
        AeadAlgorithm::Aes128Gcm => Box::new(LcAead::new(alg, &AES_128_GCM, key)?),
        AeadAlgorithm::Aes256Gcm => Box::new(LcAead::new(alg, &AES_256_GCM, key)?),
        AeadAlgorithm::Chacha20Poly1305 => Box::new(LcAead::new(alg, &CHACHA20_POLY1305, key)?),
        AeadAlgorithm::Aes128Ccm => Box::new(CcmAead::<U16>::new(alg, key)?),
        AeadAlgorithm::Aes128Ccm8 => Box::new(CcmAead::<U8>::new(alg, key)?),
    })
}

/// An aws-lc-rs AEAD key.
struct LcAead {
    alg: AeadAlgorithm,
    key: LessSafeKey,
}

impl LcAead {
    fn new(
        alg: AeadAlgorithm,
        lc_alg: &'static aws_lc_rs::aead::Algorithm,
        key: &[u8],
    ) -> Result<Self, CryptoError> {
        let unbound = UnboundKey::new(lc_alg, key).map_err(|_| CryptoError::InvalidKey)?;
        Ok(Self {
            alg,
            key: LessSafeKey::new(unbound),
        })
    }
}

impl AeadKey for LcAead {
    fn seal_in_place(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &mut [u8],
    ) -> Result<(), CryptoError> {
        if tag.len() != self.alg.tag_len() {
            return Err(CryptoError::Failed);
        }
        let t = self
            .key
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(*nonce),
                Aad::from(aad),
                in_out,
            )
            .map_err(|_| CryptoError::Failed)?;
        tag.copy_from_slice(t.as_ref());
        Ok(())
    }

    fn seal_into(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        plaintext: &[u8],
        extra: &[u8],
        out: &mut [u8],
    ) -> Result<(), CryptoError> {
        let (ciphertext, extra_and_tag) = out
            .split_at_mut_checked(plaintext.len())
            .ok_or(CryptoError::Failed)?;
        // aws-lc checks every length before it writes anything.
        self.key
            .seal_out_of_place_scatter(
                Nonce::assume_unique_for_key(*nonce),
                Aad::from(aad),
                plaintext,
                ciphertext,
                extra,
                extra_and_tag,
            )
            .map_err(|_| CryptoError::Failed)
    }

    fn open_in_place(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        self.key
            .open_in_place(Nonce::assume_unique_for_key(*nonce), Aad::from(aad), in_out)
            .map(|plain| plain.len())
            .map_err(|_| CryptoError::AeadFailed)
    }

    fn algorithm(&self) -> AeadAlgorithm {
        self.alg
    }
}

/// AES-128-CCM with a `M`-byte tag and TLS's 12-byte nonce (RFC 8446 §5.3
/// nonces; RFC 6655 / RFC 8446 appendix B.4 suites). The AES key schedule
/// is zeroized on drop (`aes` feature `zeroize`).
struct CcmAead<M>
where
    M: ccm::aead::generic_array::ArrayLength<u8> + ccm::TagSize + Send + Sync,
{
    alg: AeadAlgorithm,
    cipher: Ccm<Aes128, M, U12>,
}

impl<M> CcmAead<M>
where
    M: ccm::aead::generic_array::ArrayLength<u8> + ccm::TagSize + Send + Sync,
{
    fn new(alg: AeadAlgorithm, key: &[u8]) -> Result<Self, CryptoError> {
        let cipher = Ccm::new_from_slice(key).map_err(|_| CryptoError::InvalidKey)?;
        Ok(Self { alg, cipher })
    }
}

impl<M> AeadKey for CcmAead<M>
where
    M: ccm::aead::generic_array::ArrayLength<u8> + ccm::TagSize + Send + Sync,
{
    fn seal_in_place(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &mut [u8],
    ) -> Result<(), CryptoError> {
        if tag.len() != M::USIZE {
            return Err(CryptoError::Failed);
        }
        let t = self
            .cipher
            .encrypt_in_place_detached(GenericArray::from_slice(nonce), aad, in_out)
            .map_err(|_| CryptoError::Failed)?;
        tag.copy_from_slice(&t);
        Ok(())
    }

    fn open_in_place(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let plain_len = in_out
            .len()
            .checked_sub(M::USIZE)
            .ok_or(CryptoError::AeadFailed)?;
        let (ciphertext, tag) = in_out
            .split_at_mut_checked(plain_len)
            .ok_or(CryptoError::AeadFailed)?;
        self.cipher
            .decrypt_in_place_detached(
                GenericArray::from_slice(nonce),
                aad,
                ciphertext,
                GenericArray::from_slice(tag),
            )
            .map_err(|_| CryptoError::AeadFailed)?;
        Ok(plain_len)
    }

    fn algorithm(&self) -> AeadAlgorithm {
        self.alg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    fn unhex(s: &str) -> Vec<u8> {
        let s: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        s.chunks(2)
            .map(|c| u8::from_str_radix(core::str::from_utf8(c).unwrap(), 16).unwrap())
            .collect()
    }

    const ALL: [AeadAlgorithm; 5] = [
        AeadAlgorithm::Aes128Gcm,
        AeadAlgorithm::Aes256Gcm,
        AeadAlgorithm::Chacha20Poly1305,
        AeadAlgorithm::Aes128Ccm,
        AeadAlgorithm::Aes128Ccm8,
    ];

    /// Seals `plain` and returns ciphertext || tag.
    fn seal(k: &dyn AeadKey, nonce: &[u8; 12], aad: &[u8], plain: &[u8]) -> Vec<u8> {
        let mut buf = plain.to_vec();
        let mut tag = vec![0u8; k.algorithm().tag_len()];
        k.seal_in_place(nonce, aad, &mut buf, &mut tag).unwrap();
        buf.extend_from_slice(&tag);
        buf
    }

    #[test]
    fn round_trip_and_tamper_detection_for_all_aeads() {
        for alg in ALL {
            let key: Vec<u8> = (0..alg.key_len()).map(|i| i as u8).collect();
            let k = new_key(alg, &key).unwrap();
            let nonce = [9u8; 12];
            for len in [0usize, 1, 16, 17, 1000] {
                let plain: Vec<u8> = (0..len).map(|i| (i * 31) as u8).collect();
                let sealed = seal(k.as_ref(), &nonce, b"header", &plain);
                assert_eq!(sealed.len(), len + alg.tag_len(), "{alg:?}");
                if len > 0 {
                    assert_ne!(sealed.get(..len).unwrap(), plain.as_slice(), "{alg:?}");
                }

                let mut buf = sealed.clone();
                assert_eq!(k.open_in_place(&nonce, b"header", &mut buf), Ok(len));
                assert_eq!(buf.get(..len).unwrap(), plain.as_slice(), "{alg:?}");

                // Every single-bit flip (in ciphertext or tag) must fail.
                for pos in [0, sealed.len() / 2, sealed.len() - 1] {
                    let mut bad = sealed.clone();
                    bad[pos] ^= 0x01;
                    assert_eq!(
                        k.open_in_place(&nonce, b"header", &mut bad),
                        Err(CryptoError::AeadFailed),
                        "{alg:?} flip at {pos}"
                    );
                }
                // Wrong AAD, wrong nonce, truncated input.
                let mut bad = sealed.clone();
                assert_eq!(
                    k.open_in_place(&nonce, b"Header", &mut bad),
                    Err(CryptoError::AeadFailed)
                );
                let mut bad = sealed.clone();
                assert_eq!(
                    k.open_in_place(&[8u8; 12], b"header", &mut bad),
                    Err(CryptoError::AeadFailed)
                );
                let mut short = sealed.get(..alg.tag_len() - 1).unwrap().to_vec();
                assert_eq!(
                    k.open_in_place(&nonce, b"header", &mut short),
                    Err(CryptoError::AeadFailed)
                );
            }
            // A tag buffer of the wrong size is refused rather than truncated.
            let mut buf = [0u8; 4];
            let mut tag = vec![0u8; alg.tag_len() + 1];
            assert_eq!(
                k.seal_in_place(&nonce, b"", &mut buf, &mut tag),
                Err(CryptoError::Failed)
            );
        }
    }

    #[test]
    fn aes_128_gcm_known_answer() {
        // "The Galois/Counter Mode of Operation (GCM)" (McGrew & Viega, the
        // NIST submission), appendix B test case 4.
        let k = new_key(
            AeadAlgorithm::Aes128Gcm,
            &unhex("feffe9928665731c6d6a8f9467308308"),
        )
        .unwrap();
        let nonce: [u8; 12] = unhex("cafebabefacedbaddecaf888").try_into().unwrap();
        let plain = unhex(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
             1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        );
        let aad = unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        let sealed = seal(k.as_ref(), &nonce, &aad, &plain);
        assert_eq!(
            sealed,
            unhex(
                "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e\
                 21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091\
                 5bc94fbc3221a5db94fae95ae7121a47"
            )
        );
    }

    #[test]
    fn chacha20_poly1305_rfc8439_known_answer() {
        // RFC 8439 §2.8.2.
        let key: Vec<u8> = (0x80..=0x9f).collect();
        let k = new_key(AeadAlgorithm::Chacha20Poly1305, &key).unwrap();
        let nonce: [u8; 12] = unhex("070000004041424344454647").try_into().unwrap();
        let aad = unhex("50515253c0c1c2c3c4c5c6c7");
        let plain = b"Ladies and Gentlemen of the class of '99: If I could offer you \
only one tip for the future, sunscreen would be it.";
        let sealed = seal(k.as_ref(), &nonce, &aad, plain);
        assert_eq!(
            sealed,
            unhex(
                "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6\
                 3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36\
                 92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc\
                 3ff4def08e4b7a9de576d26586cec64b6116\
                 1ae10b594f09e26a7e902ecbd0600691"
            )
        );
    }

    #[test]
    fn aes_128_ccm8_sp800_38c_example_3() {
        // NIST SP 800-38C appendix C.3 (Example 3): 12-byte nonce, 8-byte tag.
        let key: Vec<u8> = (0x40..=0x4f).collect();
        let nonce: [u8; 12] = core::array::from_fn(|i| 0x10 + i as u8);
        let aad: Vec<u8> = (0x00..=0x13).collect();
        let plain: Vec<u8> = (0x20..=0x37).collect();
        let k = new_key(AeadAlgorithm::Aes128Ccm8, &key).unwrap();
        let sealed = seal(k.as_ref(), &nonce, &aad, &plain);
        assert_eq!(
            sealed,
            unhex("e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5 484392fbc1b09951")
        );
        let mut buf = sealed;
        assert_eq!(k.open_in_place(&nonce, &aad, &mut buf), Ok(plain.len()));
        assert_eq!(buf.get(..plain.len()).unwrap(), plain.as_slice());
    }

    #[test]
    fn aes_128_ccm_wycheproof_known_answer() {
        // Wycheproof aes_ccm_test.json, tcId 12 (keySize 128, ivSize 96, tagSize 128).
        let k = new_key(
            AeadAlgorithm::Aes128Ccm,
            &unhex("9415f925bcb41dc25e86c826dbc8bf68"),
        )
        .unwrap();
        let nonce: [u8; 12] = unhex("bdffaa763b916ff0ee3f3ce4").try_into().unwrap();
        let sealed = seal(
            k.as_ref(),
            &nonce,
            &unhex("705d676cd8a94451"),
            &unhex("feb36167eafc02c8e2bd6e13817686ba"),
        );
        assert_eq!(
            sealed,
            unhex("08db327a88be7b48f430fd7bfccdf502 b7c249f810adacf99abded1f3b9130f2")
        );
    }
}
