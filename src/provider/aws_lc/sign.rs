//! Private keys for TLS 1.3 CertificateVerify on aws-lc-rs: loads PKCS#8
//! (RFC 5208 v1 and RFC 5958 v2) RSA, RSASSA-PSS, ECDSA, Ed25519 and ML-DSA
//! keys and signs with exactly the schemes RFC 8446 §4.2.3 allows for each.
//!
//! The PKCS#8 wrapping is parsed here, with the strict DER reader of
//! `verify.rs`, so the accepted layouts are ours rather than whatever the
//! aws-lc parser happens to take: aws-lc-rs only sees the inner private key
//! (RSAPrivateKey, ECPrivateKey, an Ed25519 seed, an ML-DSA seed or expanded
//! key). That also lets id-RSASSA-PSS keys load, which aws-lc-rs's own PKCS#8
//! entry point refuses.
//!
//! Key material stays inside aws-lc (which wipes it when freed); the
//! `Debug` output of every key names only its kind and schemes.

use super::verify::{
    self, AlgorithmIdentifier, ED25519_PUBLIC_KEY_LEN, PssParams, der, der::Der, oid,
};
use crate::codec::enums::SignatureScheme;
use crate::error::CryptoError;
use crate::provider::{EcCurve, HashAlgorithm, MlDsaLevel, SigningKey};
use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;
use aws_lc_rs::encoding::AsRawBytes;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self as sig, EcdsaKeyPair, EcdsaSigningAlgorithm, Ed25519KeyPair, KeyPair as _, PqdsaKeyPair,
    PqdsaSigningAlgorithm, RsaKeyPair, RsaSignatureEncoding,
};
use core::fmt;
use subtle::ConstantTimeEq;

/// Context tag [0] of OneAsymmetricKey.attributes (constructed, implicit SET).
const TAG_ATTRIBUTES: u8 = 0xa0;
/// Context tag [1] of OneAsymmetricKey.publicKey (primitive, implicit BIT STRING).
const TAG_PUBLIC_KEY: u8 = 0x81;
/// Context tag [0] of ECPrivateKey.parameters (constructed, explicit).
const TAG_EC_PARAMETERS: u8 = 0xa0;
/// Context tag [0] of the ML-DSA-PrivateKey seed choice (primitive, implicit OCTET STRING).
const TAG_MLDSA_SEED: u8 = 0x80;
/// ML-DSA seeds are 32 bytes (FIPS 204 Algorithm 1, ξ).
const MLDSA_SEED_LEN: usize = 32;
/// Ed25519 private keys are 32-byte seeds (RFC 8032 §5.1.5).
const ED25519_SEED_LEN: usize = 32;

/// A parsed OneAsymmetricKey (RFC 5958 §2), borrowing its input.
struct Pkcs8<'a> {
    alg: AlgorithmIdentifier<'a>,
    private_key: &'a [u8],
    public_key: Option<&'a [u8]>,
}

impl<'a> Pkcs8<'a> {
    fn parse(input: &'a [u8]) -> Result<Self, CryptoError> {
        let mut d = Der::new(der::single(input, der::SEQUENCE)?);
        // RFC 5958 §2: v1 is 0, v2 is 1.
        let version = der::small_uint(d.read(der::INTEGER)?)?;
        if version > 1 {
            return Err(CryptoError::InvalidKey);
        }
        let alg = AlgorithmIdentifier::read(&mut d)?;
        let private_key = d.read(der::OCTET_STRING)?;
        // Attributes carry nothing we use (friendly names, usage hints).
        let _attributes = d.read_optional(TAG_ATTRIBUTES)?;
        let public_key = match d.read_optional(TAG_PUBLIC_KEY)? {
            // RFC 5958 §2: publicKey is a version 2 field.
            Some(_) if version == 0 => return Err(CryptoError::InvalidKey),
            Some(v) => Some(der::bit_string_octets(v)?),
            None => None,
        };
        d.finish()?;
        Ok(Self {
            alg,
            private_key,
            public_key,
        })
    }
}

/// Loads a private key from PKCS#8 DER (v1 or v2) for TLS 1.3 signing.
///
/// Supported: rsaEncryption keys (rsa_pss_rsae_*), id-RSASSA-PSS keys
/// (rsa_pss_pss_*, narrowed by their parameters), ECDSA on P-256/P-384/P-521
/// (the one scheme matching the curve), Ed25519 and ML-DSA-44/65/87 (seed,
/// expanded or both private key forms). RSA moduli must be 2048..=8192 bits.
/// A malformed or inconsistent key is `InvalidKey`; a well-formed key of
/// another kind, or one no TLS 1.3 scheme can use, is `Unsupported`.
#[allow(dead_code)] // Called by AwsLcProvider::load_signing_key.
pub(crate) fn load_signing_key(pkcs8: &[u8]) -> Result<Box<dyn SigningKey>, CryptoError> {
    let p = Pkcs8::parse(pkcs8)?;
    let key: Box<dyn SigningKey> = match p.alg.oid {
        oid::RSA_ENCRYPTION => {
            p.alg.require_null_or_absent_params()?;
            Box::new(RsaSigningKey::load(&p, RsaFlavor::Rsae)?)
        }
        oid::RSASSA_PSS => {
            let params = match p.alg.params {
                None => None,
                Some(e) if e.tag == der::SEQUENCE => Some(PssParams::parse(e.value)?),
                Some(_) => return Err(CryptoError::InvalidKey),
            };
            Box::new(RsaSigningKey::load(&p, RsaFlavor::Pss(params))?)
        }
        oid::EC_PUBLIC_KEY => Box::new(EcdsaSigningKey::load(&p)?),
        oid::ED25519 => Box::new(Ed25519SigningKey::load(&p)?),
        other => match verify::mldsa_from_oid(other) {
            Some(level) => Box::new(MlDsaSigningKey::load(&p, level)?),
            None => return Err(CryptoError::Unsupported),
        },
    };
    // RFC 5958 §2: a v2 publicKey is the key's own public key; a mismatch
    // means a corrupted or spliced file.
    if let Some(public_key) = p.public_key {
        let spki = key.public_key_spki();
        if verify::parse_spki(&spki)?.key_bytes() != public_key {
            return Err(CryptoError::InvalidKey);
        }
    }
    Ok(key)
}

/// A DER SubjectPublicKeyInfo from an encoded AlgorithmIdentifier and key bits.
fn build_spki(algorithm_identifier: &[u8], key: &[u8]) -> Vec<u8> {
    let mut bits = Vec::with_capacity(key.len().saturating_add(1));
    bits.push(0); // no unused bits
    bits.extend_from_slice(key);
    let mut body = Vec::with_capacity(algorithm_identifier.len().saturating_add(bits.len() + 6));
    body.extend_from_slice(algorithm_identifier);
    der::put(&mut body, der::BIT_STRING, &bits);
    der::tlv(der::SEQUENCE, &body)
}

/// An encoded AlgorithmIdentifier with `oid` and an optional parameters element.
fn build_algorithm_identifier(oid: &[u8], params: Option<(u8, &[u8])>) -> Vec<u8> {
    let mut body = der::tlv(der::OID, oid);
    if let Some((tag, value)) = params {
        der::put(&mut body, tag, value);
    }
    der::tlv(der::SEQUENCE, &body)
}

/// Fails with `Unsupported` unless `scheme` is one the key advertises.
fn check_scheme(schemes: &[SignatureScheme], scheme: SignatureScheme) -> Result<(), CryptoError> {
    if schemes.contains(&scheme) {
        Ok(())
    } else {
        Err(CryptoError::Unsupported)
    }
}

// ---------------------------------------------------------------- RSA

/// RFC 8446 §4.2.3: rsa_pss_rsae_* for keys in rsaEncryption certificates.
/// RSASSA-PKCS1-v1_5 is never offered: RFC 8446 §4.4.3 forbids it in
/// CertificateVerify.
const RSAE_SCHEMES: &[SignatureScheme] = &[
    SignatureScheme::RSA_PSS_RSAE_SHA256,
    SignatureScheme::RSA_PSS_RSAE_SHA384,
    SignatureScheme::RSA_PSS_RSAE_SHA512,
];
/// RFC 8446 §4.2.3: rsa_pss_pss_* for keys in id-RSASSA-PSS certificates.
const PSS_SCHEMES: &[SignatureScheme] = &[
    SignatureScheme::RSA_PSS_PSS_SHA256,
    SignatureScheme::RSA_PSS_PSS_SHA384,
    SignatureScheme::RSA_PSS_PSS_SHA512,
];

/// Whether an RSA key is a general one or restricted to PSS.
#[derive(Debug, Clone, Copy)]
enum RsaFlavor {
    /// rsaEncryption.
    Rsae,
    /// id-RSASSA-PSS, with its parameters if present.
    Pss(Option<PssParams>),
}

/// An RSA private key signing with RSASSA-PSS.
struct RsaSigningKey {
    key: RsaKeyPair,
    bits: usize,
    schemes: &'static [SignatureScheme],
    spki: Vec<u8>,
}

impl RsaSigningKey {
    fn load(p: &Pkcs8<'_>, flavor: RsaFlavor) -> Result<Self, CryptoError> {
        let schemes = match flavor {
            RsaFlavor::Rsae => RSAE_SCHEMES,
            RsaFlavor::Pss(params) => pss_key_schemes(params)?,
        };
        // Both OIDs wrap the same RSAPrivateKey (RFC 8017 §A.1.2; RFC 4055 §1.2).
        let key = RsaKeyPair::from_der(p.private_key).map_err(|_| CryptoError::InvalidKey)?;
        let public = key.public_key().as_ref();
        let bits = verify::rsa_modulus_bits(public)?;
        if !(verify::RSA_MIN_BITS..=verify::RSA_MAX_BITS).contains(&bits) {
            return Err(CryptoError::InvalidKey);
        }
        let spki = match flavor {
            RsaFlavor::Rsae => build_spki(
                &build_algorithm_identifier(oid::RSA_ENCRYPTION, Some((der::NULL, &[]))),
                public,
            ),
            // Keep the key's own AlgorithmIdentifier so its PSS restrictions
            // show in the SPKI, as in the certificate.
            RsaFlavor::Pss(_) => build_spki(p.alg.raw, public),
        };
        Ok(Self {
            key,
            bits,
            schemes,
            spki,
        })
    }
}

/// The rsa_pss_pss_* schemes an id-RSASSA-PSS key may sign with. RFC 8446
/// §4.2.3 fixes MGF1 to the message hash and the salt to the hash length,
/// so parameters must name one SHA-2 hash for both and allow that salt.
fn pss_key_schemes(params: Option<PssParams>) -> Result<&'static [SignatureScheme], CryptoError> {
    let Some(p) = params else {
        return Ok(PSS_SCHEMES);
    };
    if p.mgf_hash != p.hash || p.salt_len > p.hash.output_len() {
        return Err(CryptoError::Unsupported);
    }
    match p.hash {
        HashAlgorithm::Sha256 => Ok(&[SignatureScheme::RSA_PSS_PSS_SHA256]),
        HashAlgorithm::Sha384 => Ok(&[SignatureScheme::RSA_PSS_PSS_SHA384]),
        HashAlgorithm::Sha512 => Ok(&[SignatureScheme::RSA_PSS_PSS_SHA512]),
        HashAlgorithm::Sha1 => Err(CryptoError::Unsupported),
    }
}

impl SigningKey for RsaSigningKey {
    fn schemes(&self) -> &[SignatureScheme] {
        self.schemes
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        check_scheme(self.schemes, scheme)?;
        // RFC 8446 §4.2.3: the salt length equals the digest length, which
        // is what these aws-lc-rs encodings use.
        let encoding: &'static RsaSignatureEncoding = match scheme {
            SignatureScheme::RSA_PSS_RSAE_SHA256 | SignatureScheme::RSA_PSS_PSS_SHA256 => {
                &sig::RSA_PSS_SHA256
            }
            SignatureScheme::RSA_PSS_RSAE_SHA384 | SignatureScheme::RSA_PSS_PSS_SHA384 => {
                &sig::RSA_PSS_SHA384
            }
            SignatureScheme::RSA_PSS_RSAE_SHA512 | SignatureScheme::RSA_PSS_PSS_SHA512 => {
                &sig::RSA_PSS_SHA512
            }
            _ => return Err(CryptoError::Unsupported),
        };
        let mut out = vec![0u8; self.key.public_modulus_len()];
        self.key
            .sign(encoding, &SystemRandom::new(), message, &mut out)
            .map_err(|_| CryptoError::Failed)?;
        Ok(out)
    }

    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
}

impl fmt::Debug for RsaSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaSigningKey")
            .field("bits", &self.bits)
            .field("schemes", &self.schemes)
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------- ECDSA

/// An ECDSA private key. RFC 8446 §4.2.3 pairs each curve with one hash, so
/// it offers exactly one scheme.
struct EcdsaSigningKey {
    key: EcdsaKeyPair,
    curve: EcCurve,
    spki: Vec<u8>,
}

impl EcdsaSigningKey {
    fn load(p: &Pkcs8<'_>) -> Result<Self, CryptoError> {
        let curve = ecdsa_key_curve(p)?;
        let key = EcdsaKeyPair::from_private_key_der(ecdsa_signing_alg(curve), p.private_key)
            .map_err(|_| CryptoError::InvalidKey)?;
        let alg_id = build_algorithm_identifier(
            oid::EC_PUBLIC_KEY,
            Some((der::OID, verify::curve_oid(curve))),
        );
        let spki = build_spki(&alg_id, key.public_key().as_ref());
        Ok(Self { key, curve, spki })
    }
}

/// The curve of an EC PKCS#8 key: from the AlgorithmIdentifier (RFC 5480
/// §2.1.1) or, when that is absent, from ECPrivateKey.parameters
/// (RFC 5915 §3). With neither the curve would be a guess, so the key is refused.
fn ecdsa_key_curve(p: &Pkcs8<'_>) -> Result<EcCurve, CryptoError> {
    let named = match p.alg.params {
        Some(e) => Some(e),
        None => {
            let mut d = Der::new(der::single(p.private_key, der::SEQUENCE)?);
            let _version = d.read(der::INTEGER)?;
            let _scalar = d.read(der::OCTET_STRING)?;
            match d.read_optional(TAG_EC_PARAMETERS)? {
                Some(v) => Some(Der::new(v).element()?),
                None => None,
            }
        }
    };
    let e = named.ok_or(CryptoError::InvalidKey)?;
    if e.tag != der::OID {
        return Err(CryptoError::InvalidKey);
    }
    // A well-formed key on a curve we lack (secp256k1, brainpool) is unsupported, not broken.
    verify::curve_from_oid(e.value).ok_or(CryptoError::Unsupported)
}

fn ecdsa_signing_alg(curve: EcCurve) -> &'static EcdsaSigningAlgorithm {
    match curve {
        EcCurve::P256 => &sig::ECDSA_P256_SHA256_ASN1_SIGNING,
        EcCurve::P384 => &sig::ECDSA_P384_SHA384_ASN1_SIGNING,
        EcCurve::P521 => &sig::ECDSA_P521_SHA512_ASN1_SIGNING,
    }
}

impl SigningKey for EcdsaSigningKey {
    fn schemes(&self) -> &[SignatureScheme] {
        match self.curve {
            EcCurve::P256 => &[SignatureScheme::ECDSA_SECP256R1_SHA256],
            EcCurve::P384 => &[SignatureScheme::ECDSA_SECP384R1_SHA384],
            EcCurve::P521 => &[SignatureScheme::ECDSA_SECP521R1_SHA512],
        }
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        check_scheme(self.schemes(), scheme)?;
        let signature = self
            .key
            .sign(&SystemRandom::new(), message)
            .map_err(|_| CryptoError::Failed)?;
        Ok(signature.as_ref().to_vec())
    }

    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
}

impl fmt::Debug for EcdsaSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcdsaSigningKey")
            .field("curve", &self.curve)
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------- Ed25519

/// An Ed25519 private key.
struct Ed25519SigningKey {
    key: Ed25519KeyPair,
    spki: Vec<u8>,
}

impl Ed25519SigningKey {
    fn load(p: &Pkcs8<'_>) -> Result<Self, CryptoError> {
        // RFC 8410 §3: the parameters MUST be absent.
        p.alg.require_absent_params()?;
        // RFC 8410 §7: privateKey holds CurvePrivateKey ::= OCTET STRING.
        let seed = der::single(p.private_key, der::OCTET_STRING)?;
        if seed.len() != ED25519_SEED_LEN {
            return Err(CryptoError::InvalidKey);
        }
        let key = match p.public_key {
            Some(public) => Ed25519KeyPair::from_seed_and_public_key(seed, public),
            None => Ed25519KeyPair::from_seed_unchecked(seed),
        }
        .map_err(|_| CryptoError::InvalidKey)?;
        let public = key.public_key().as_ref();
        if public.len() != ED25519_PUBLIC_KEY_LEN {
            return Err(CryptoError::Failed);
        }
        let spki = build_spki(&build_algorithm_identifier(oid::ED25519, None), public);
        Ok(Self { key, spki })
    }
}

impl SigningKey for Ed25519SigningKey {
    fn schemes(&self) -> &[SignatureScheme] {
        &[SignatureScheme::ED25519]
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        check_scheme(self.schemes(), scheme)?;
        let signature = self
            .key
            .try_sign(message)
            .map_err(|_| CryptoError::Failed)?;
        Ok(signature.as_ref().to_vec())
    }

    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
}

impl fmt::Debug for Ed25519SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ed25519SigningKey").finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------- ML-DSA

/// An ML-DSA private key (pure ML-DSA, empty context, as TLS uses it).
struct MlDsaSigningKey {
    key: PqdsaKeyPair,
    level: MlDsaLevel,
    spki: Vec<u8>,
}

/// Expanded private key length (FIPS 204 Table 2).
const fn mldsa_expanded_len(level: MlDsaLevel) -> usize {
    match level {
        MlDsaLevel::MlDsa44 => 2560,
        MlDsaLevel::MlDsa65 => 4032,
        MlDsaLevel::MlDsa87 => 4896,
    }
}

fn mldsa_signing_alg(level: MlDsaLevel) -> &'static PqdsaSigningAlgorithm {
    match level {
        MlDsaLevel::MlDsa44 => &sig::ML_DSA_44_SIGNING,
        MlDsaLevel::MlDsa65 => &sig::ML_DSA_65_SIGNING,
        MlDsaLevel::MlDsa87 => &sig::ML_DSA_87_SIGNING,
    }
}

impl MlDsaSigningKey {
    /// Loads the ML-DSA-PrivateKey CHOICE of the ML-DSA certificate profile
    /// (draft-ietf-lamps-dilithium-certificates, as OpenSSL 3.5 writes it):
    /// `seed [0] OCTET STRING (32)`, `expandedKey OCTET STRING`, or
    /// `both SEQUENCE { seed, expandedKey }`.
    fn load(p: &Pkcs8<'_>, level: MlDsaLevel) -> Result<Self, CryptoError> {
        // The ML-DSA profile requires absent parameters.
        p.alg.require_absent_params()?;
        let alg = mldsa_signing_alg(level);
        let choice = {
            let mut d = Der::new(p.private_key);
            let e = d.element()?;
            d.finish()?;
            e
        };
        let key = match choice.tag {
            TAG_MLDSA_SEED => mldsa_from_seed(alg, choice.value)?,
            der::OCTET_STRING => {
                if choice.value.len() != mldsa_expanded_len(level) {
                    return Err(CryptoError::InvalidKey);
                }
                PqdsaKeyPair::from_raw_private_key(alg, choice.value)
                    .map_err(|_| CryptoError::InvalidKey)?
            }
            der::SEQUENCE => {
                let mut d = Der::new(choice.value);
                let seed = d.read(der::OCTET_STRING)?;
                let expanded = d.read(der::OCTET_STRING)?;
                d.finish()?;
                let key = mldsa_from_seed(alg, seed)?;
                // Both forms present: they must describe the same key, or
                // which one a peer tool uses would decide our identity.
                let derived = key
                    .private_key()
                    .as_raw_bytes()
                    .map_err(|_| CryptoError::Failed)?;
                if !bool::from(derived.as_ref().ct_eq(expanded)) {
                    return Err(CryptoError::InvalidKey);
                }
                key
            }
            _ => return Err(CryptoError::InvalidKey),
        };
        let spki = build_spki(
            &build_algorithm_identifier(verify::mldsa_oid(level), None),
            key.public_key().as_ref(),
        );
        Ok(Self { key, level, spki })
    }
}

fn mldsa_from_seed(
    alg: &'static PqdsaSigningAlgorithm,
    seed: &[u8],
) -> Result<PqdsaKeyPair, CryptoError> {
    if seed.len() != MLDSA_SEED_LEN {
        return Err(CryptoError::InvalidKey);
    }
    PqdsaKeyPair::from_seed(alg, seed).map_err(|_| CryptoError::InvalidKey)
}

impl SigningKey for MlDsaSigningKey {
    fn schemes(&self) -> &[SignatureScheme] {
        match self.level {
            MlDsaLevel::MlDsa44 => &[SignatureScheme::MLDSA44],
            MlDsaLevel::MlDsa65 => &[SignatureScheme::MLDSA65],
            MlDsaLevel::MlDsa87 => &[SignatureScheme::MLDSA87],
        }
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        check_scheme(self.schemes(), scheme)?;
        let mut out = vec![0u8; self.key.algorithm().signature_len()];
        let len = self
            .key
            .sign(message, &mut out)
            .map_err(|_| CryptoError::Failed)?;
        out.truncate(len);
        Ok(out)
    }

    fn public_key_spki(&self) -> Vec<u8> {
        self.spki.clone()
    }
}

impl fmt::Debug for MlDsaSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MlDsaSigningKey")
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}
