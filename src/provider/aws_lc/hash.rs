//! Hashes, HMAC and HKDF for the aws-lc-rs provider.
//!
//! The SHA-2 family runs on RustCrypto `sha2`/`hmac`, not on aws-lc: a TLS
//! 1.3 handshake makes some thirty HMACs over inputs shorter than one block,
//! where the cost is per call rather than per byte. aws-lc sets up and wipes
//! an `HMAC_CTX` of several hundred bytes for each (HKDF_expand 390–500 ns per
//! Expand-Label on the build machine) while a keyed `Hmac<Sha256>` is a few
//! words of state (224 ns from the raw key, 124 ns from a keyed clone); both
//! use the SHA-NI instructions. SHA-1 (legacy signatures only) stays on aws-lc.
//!
//! The running hash backs the handshake transcript, which is forked and read
//! many times per handshake: `current()` finishes a clone (a copy of the
//! state, no allocation) and never disturbs the original. HKDF-Expand keys
//! the HMAC once and clones the keyed state for each output block.

use crate::error::CryptoError;
use crate::provider::{HashAlgorithm, HashContext, HashOutput, MAX_HASH_LEN};
use alloc::boxed::Box;
use aws_lc_rs::{digest, hmac as awslc_hmac};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256, Sha384, Sha512};

/// A running hash.
#[derive(Clone)]
pub enum Hash {
    /// SHA-1, on aws-lc (legacy signature schemes only).
    Sha1(digest::Context),
    /// SHA-256.
    Sha256(Sha256),
    /// SHA-384.
    Sha384(Sha384),
    /// SHA-512.
    Sha512(Sha512),
}

impl Hash {
    /// Starts a hash of nothing.
    pub fn new(alg: HashAlgorithm) -> Self {
        match alg {
            HashAlgorithm::Sha1 => {
                Self::Sha1(digest::Context::new(&digest::SHA1_FOR_LEGACY_USE_ONLY))
            }
            HashAlgorithm::Sha256 => Self::Sha256(Sha256::new()),
            HashAlgorithm::Sha384 => Self::Sha384(Sha384::new()),
            HashAlgorithm::Sha512 => Self::Sha512(Sha512::new()),
        }
    }

    fn finish(self) -> HashOutput {
        match self {
            Self::Sha1(c) => HashOutput::new(c.finish().as_ref()),
            Self::Sha256(c) => HashOutput::new(&c.finalize()),
            Self::Sha384(c) => HashOutput::new(&c.finalize()),
            Self::Sha512(c) => HashOutput::new(&c.finalize()),
        }
    }
}

impl HashContext for Hash {
    fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha1(c) => c.update(data),
            Self::Sha256(c) => Digest::update(c, data),
            Self::Sha384(c) => Digest::update(c, data),
            Self::Sha512(c) => Digest::update(c, data),
        }
    }

    fn current(&self) -> HashOutput {
        self.clone().finish()
    }

    fn fork(&self) -> Box<dyn HashContext> {
        Box::new(self.clone())
    }

    fn algorithm(&self) -> HashAlgorithm {
        match self {
            Self::Sha1(_) => HashAlgorithm::Sha1,
            Self::Sha256(_) => HashAlgorithm::Sha256,
            Self::Sha384(_) => HashAlgorithm::Sha384,
            Self::Sha512(_) => HashAlgorithm::Sha512,
        }
    }
}

/// One-shot hash of the concatenation of `data`.
pub fn hash(alg: HashAlgorithm, data: &[&[u8]]) -> HashOutput {
    let mut ctx = Hash::new(alg);
    for d in data {
        ctx.update(d);
    }
    ctx.finish()
}

/// An HMAC key with its inner and outer pads already absorbed, so each MAC
/// under it costs only the message's compressions.
#[derive(Clone)]
enum HmacKey {
    /// Boxed: aws-lc's keyed context is over a kilobyte, the others a few hundred bytes.
    Sha1(Box<awslc_hmac::Key>),
    Sha256(Hmac<Sha256>),
    Sha384(Hmac<Sha384>),
    Sha512(Hmac<Sha512>),
}

impl HmacKey {
    fn new(alg: HashAlgorithm, key: &[u8]) -> Self {
        // `new_from_slice` takes keys of any length (longer ones are hashed
        // first, RFC 2104 §2), so its error cannot happen; the fallback only
        // keeps the code free of panics.
        match alg {
            HashAlgorithm::Sha1 => Self::Sha1(Box::new(awslc_hmac::Key::new(
                awslc_hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
                key,
            ))),
            HashAlgorithm::Sha256 => Self::Sha256(
                <Hmac<Sha256> as Mac>::new_from_slice(key)
                    .unwrap_or_else(|_| <Hmac<Sha256> as Mac>::new(&Default::default())),
            ),
            HashAlgorithm::Sha384 => Self::Sha384(
                <Hmac<Sha384> as Mac>::new_from_slice(key)
                    .unwrap_or_else(|_| <Hmac<Sha384> as Mac>::new(&Default::default())),
            ),
            HashAlgorithm::Sha512 => Self::Sha512(
                <Hmac<Sha512> as Mac>::new_from_slice(key)
                    .unwrap_or_else(|_| <Hmac<Sha512> as Mac>::new(&Default::default())),
            ),
        }
    }

    /// The MAC of `first`, then the concatenation of `parts`, then `last`.
    fn sign(&self, first: &[u8], parts: &[&[u8]], last: &[u8]) -> HashOutput {
        match self {
            Self::Sha1(k) => {
                let mut ctx = awslc_hmac::Context::with_key(k);
                ctx.update(first);
                for p in parts {
                    ctx.update(p);
                }
                ctx.update(last);
                HashOutput::new(ctx.sign().as_ref())
            }
            Self::Sha256(k) => mac_parts(k.clone(), first, parts, last),
            Self::Sha384(k) => mac_parts(k.clone(), first, parts, last),
            Self::Sha512(k) => mac_parts(k.clone(), first, parts, last),
        }
    }
}

fn mac_parts<M: Mac>(mut m: M, first: &[u8], parts: &[&[u8]], last: &[u8]) -> HashOutput {
    m.update(first);
    for p in parts {
        m.update(p);
    }
    m.update(last);
    HashOutput::new(&m.finalize().into_bytes())
}

/// HMAC under `key` of the concatenation of `data`.
pub fn hmac(alg: HashAlgorithm, key: &[u8], data: &[&[u8]]) -> HashOutput {
    HmacKey::new(alg, key).sign(&[], data, &[])
}

/// HKDF-Extract (RFC 5869 §2.2): HMAC(salt, ikm), where an empty salt
/// stands for HashLen zero bytes.
pub fn hkdf_extract(alg: HashAlgorithm, salt: &[u8], ikm: &[u8]) -> HashOutput {
    let zeros = [0u8; MAX_HASH_LEN];
    let salt = if salt.is_empty() {
        // RFC 5869 §2.2: "if not provided, it is set to a string of HashLen zeros".
        zeros.get(..alg.output_len()).unwrap_or(&[])
    } else {
        salt
    };
    hmac(alg, salt, &[ikm])
}

/// HKDF-Expand (RFC 5869 §2.3) of the concatenation of `info` into `out`:
/// T(i) = HMAC(PRK, T(i-1) | info | i). Fails with [`CryptoError::Failed`]
/// when `out` is longer than 255 hash lengths (RFC 5869 §2.3: L <= 255*HashLen).
pub fn hkdf_expand(
    alg: HashAlgorithm,
    prk: &[u8],
    info: &[&[u8]],
    out: &mut [u8],
) -> Result<(), CryptoError> {
    let hlen = alg.output_len();
    if out.len() > hlen.saturating_mul(255) {
        return Err(CryptoError::Failed);
    }
    let key = HmacKey::new(alg, prk);
    let mut prev = HashOutput::new(&[]);
    for (i, chunk) in out.chunks_mut(hlen).enumerate() {
        let counter = u8::try_from(i.saturating_add(1)).map_err(|_| CryptoError::Failed)?;
        // T(0) is the empty string.
        let t = key.sign(prev.as_ref(), info, &[counter]);
        let take = t.as_ref().get(..chunk.len()).ok_or(CryptoError::Failed)?;
        chunk.copy_from_slice(take);
        prev = t;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::enums::NamedGroup;
    use crate::provider::aws_lc::AwsLcProvider;
    use crate::provider::{
        AeadAlgorithm, AeadKey, CryptoProvider, KeyExchangeGroup, SignatureAlgorithm, SigningKey,
    };
    use alloc::vec;
    use alloc::vec::Vec;

    fn unhex(s: &str) -> Vec<u8> {
        let s: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        s.chunks(2)
            .map(|c| u8::from_str_radix(core::str::from_utf8(c).unwrap(), 16).unwrap())
            .collect()
    }

    /// Forwards everything except HKDF to aws-lc, so the trait's default
    /// HKDF can be compared with ours.
    #[derive(Debug)]
    struct DefaultHkdf(AwsLcProvider);

    impl CryptoProvider for DefaultHkdf {
        fn fill_random(&self, out: &mut [u8]) -> Result<(), CryptoError> {
            self.0.fill_random(out)
        }
        fn hash_start(&self, alg: HashAlgorithm) -> Result<Box<dyn HashContext>, CryptoError> {
            self.0.hash_start(alg)
        }
        fn hmac(
            &self,
            alg: HashAlgorithm,
            key: &[u8],
            data: &[&[u8]],
        ) -> Result<HashOutput, CryptoError> {
            self.0.hmac(alg, key, data)
        }
        fn aead_key(
            &self,
            alg: AeadAlgorithm,
            key: &[u8],
        ) -> Result<Box<dyn AeadKey>, CryptoError> {
            self.0.aead_key(alg, key)
        }
        fn kx_group(&self, group: NamedGroup) -> Option<&dyn KeyExchangeGroup> {
            self.0.kx_group(group)
        }
        fn supported_groups(&self) -> &[NamedGroup] {
            self.0.supported_groups()
        }
        fn verify_signature(
            &self,
            alg: SignatureAlgorithm,
            spki: &[u8],
            message: &[u8],
            signature: &[u8],
        ) -> Result<(), CryptoError> {
            self.0.verify_signature(alg, spki, message, signature)
        }
        fn load_signing_key(&self, pkcs8: &[u8]) -> Result<Box<dyn SigningKey>, CryptoError> {
            self.0.load_signing_key(pkcs8)
        }
    }

    const ALL: [HashAlgorithm; 4] = [
        HashAlgorithm::Sha1,
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ];

    #[test]
    fn hash_abc_known_answers() {
        // FIPS 180-4 examples (NIST CSRC "SHA1.pdf", "SHA256.pdf", ...): "abc".
        let expected = [
            "a9993e364706816aba3e25717850c26c9cd0d89d",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
             8086072ba1e7cc2358baeca134c825a7",
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        ];
        for (alg, want) in ALL.into_iter().zip(expected) {
            assert_eq!(hash(alg, &[b"a", b"bc"]).as_ref(), unhex(want), "{alg:?}");
            assert_eq!(hash(alg, &[]).as_ref().len(), alg.output_len());
        }
    }

    #[test]
    fn running_hash_fork_and_current_are_independent() {
        let p = AwsLcProvider::new();
        let mut h = p.hash_start(HashAlgorithm::Sha256).unwrap();
        h.update(b"ab");
        let fork = h.fork();
        h.update(b"c");
        // FIPS 180-4 SHA-256("abc"), as above.
        let abc = unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(h.current().as_ref(), abc);
        // current() leaves the context usable: asking twice answers the same.
        assert_eq!(h.current().as_ref(), abc);
        assert_eq!(
            fork.current().as_ref(),
            hash(HashAlgorithm::Sha256, &[b"ab"]).as_ref()
        );
        assert_eq!(fork.algorithm(), HashAlgorithm::Sha256);
    }

    #[test]
    fn hmac_rfc4231_vectors() {
        // RFC 4231 §4.2 (test case 1), §4.3 (test case 2) and §4.7 (test case 6).
        let key1 = [0x0bu8; 20];
        let key6 = [0xaau8; 131];
        let cases: [(&[u8], &[u8], [&str; 3]); 3] = [
            (
                &key1,
                b"Hi There",
                [
                    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                    "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c\
                     faea9ea9076ede7f4af152e8b2fa9cb6",
                    "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde\
                     daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
                ],
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                [
                    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                    "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e\
                     8e2240ca5e69e2c78b3239ecfab21649",
                    "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554\
                     9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
                ],
            ),
            (
                &key6,
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                [
                    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                    "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6\
                     0c2ef6ab4030fe8296248df163f44952",
                    "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352\
                     6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
                ],
            ),
        ];
        let algs = [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ];
        for (key, data, want) in cases {
            for (alg, w) in algs.into_iter().zip(want) {
                let (d1, d2) = data.split_at(3);
                assert_eq!(hmac(alg, key, &[d1, d2]).as_ref(), unhex(w), "{alg:?}");
            }
        }
    }

    #[test]
    fn hmac_sha1_rfc2202_vector() {
        // RFC 2202 §3, test case 2.
        let out = hmac(
            HashAlgorithm::Sha1,
            b"Jefe",
            &[b"what do ya want for nothing?"],
        );
        assert_eq!(
            out.as_ref(),
            unhex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        );
    }

    /// RFC 5869 appendix A.1 to A.3 (SHA-256): (ikm, salt, info, L, PRK, OKM).
    type Rfc5869Case = (Vec<u8>, Vec<u8>, Vec<u8>, usize, &'static str, &'static str);

    fn rfc5869_cases() -> [Rfc5869Case; 3] {
        [
            (
                vec![0x0b; 22],
                (0x00..=0x0c).collect(),
                (0xf0..=0xf9).collect(),
                42,
                "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf\
                 34007208d5b887185865",
            ),
            (
                (0x00..=0x4f).collect(),
                (0x60..=0xaf).collect(),
                (0xb0..=0xff).collect(),
                82,
                "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
                "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c\
                 59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71\
                 cc30c58179ec3e87c14c01d5c1f3434f1d87",
            ),
            (
                vec![0x0b; 22],
                vec![],
                vec![],
                42,
                "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d\
                 9d201395faa4b61a96c8",
            ),
        ]
    }

    #[test]
    fn hkdf_rfc5869_vectors_ours_and_default() {
        let ours = AwsLcProvider::new();
        let default = DefaultHkdf(AwsLcProvider::new());
        let alg = HashAlgorithm::Sha256;
        for (ikm, salt, info, len, prk_hex, okm_hex) in rfc5869_cases() {
            for p in [&ours as &dyn CryptoProvider, &default] {
                let prk = p.hkdf_extract(alg, &salt, &ikm).unwrap();
                assert_eq!(prk.as_ref(), unhex(prk_hex));
                let mut okm = vec![0u8; len];
                let (i1, i2) = info.split_at(info.len() / 2);
                p.hkdf_expand(alg, prk.as_ref(), &[i1, i2], &mut okm)
                    .unwrap();
                assert_eq!(okm, unhex(okm_hex));
            }
        }
    }

    #[test]
    fn hkdf_matches_the_trait_default_byte_for_byte() {
        let ours = AwsLcProvider::new();
        let default = DefaultHkdf(AwsLcProvider::new());
        for alg in ALL {
            for salt_len in [0usize, 1, 32, 200] {
                let salt: Vec<u8> = (0..salt_len).map(|i| (i * 7) as u8).collect();
                let prk_ours = ours.hkdf_extract(alg, &salt, b"input key").unwrap();
                let prk_def = default.hkdf_extract(alg, &salt, b"input key").unwrap();
                assert_eq!(prk_ours.as_ref(), prk_def.as_ref());
            }
            // PRK lengths above 64 bytes take our HMAC fallback path.
            for prk_len in [0usize, 20, 64, 65, 150] {
                let prk: Vec<u8> = (0..prk_len).map(|i| (i * 3 + 1) as u8).collect();
                let max = 255 * alg.output_len();
                for len in [0usize, 1, alg.output_len(), alg.output_len() + 1, 100, max] {
                    let mut a = vec![0u8; len];
                    let mut b = vec![0u8; len];
                    ours.hkdf_expand(alg, &prk, &[b"tls13 ", b"key"], &mut a)
                        .unwrap();
                    default
                        .hkdf_expand(alg, &prk, &[b"tls13 ", b"key"], &mut b)
                        .unwrap();
                    assert_eq!(a, b, "{alg:?} prk {prk_len} len {len}");
                }
                let mut too_long = vec![0u8; max + 1];
                assert_eq!(
                    ours.hkdf_expand(alg, &prk, &[], &mut too_long),
                    Err(CryptoError::Failed)
                );
                assert_eq!(
                    default.hkdf_expand(alg, &prk, &[], &mut too_long),
                    Err(CryptoError::Failed)
                );
            }
        }
    }
}
