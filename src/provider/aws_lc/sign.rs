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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::SignatureAlgorithm;
    use crate::provider::aws_lc::verify::{
        KeyKind, SpkiKey, verify_mldsa_with_context, verify_signature,
    };
    use alloc::format;
    use aws_lc_rs::encoding::AsDer;
    use std::sync::OnceLock;

    const MESSAGE: &[u8] = b"TLS 1.3 CertificateVerify content stand-in";

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn load_err(pkcs8: &[u8]) -> CryptoError {
        load_signing_key(pkcs8).map(|_| ()).unwrap_err()
    }

    /// Signs with every advertised scheme and checks each signature with
    /// the verifier, including that tampering is detected.
    fn sign_and_verify_every_scheme(key: &dyn SigningKey) -> usize {
        let spki = key.public_key_spki();
        for &scheme in key.schemes() {
            let alg = SignatureAlgorithm::for_tls13_scheme(scheme).unwrap();
            let signature = key.sign(scheme, MESSAGE).unwrap();
            assert_eq!(
                verify_signature(alg, &spki, MESSAGE, &signature),
                Ok(()),
                "{scheme:?}"
            );
            let mut bad = signature.clone();
            bad[signature.len() / 2] ^= 0x10;
            assert_eq!(
                verify_signature(alg, &spki, MESSAGE, &bad),
                Err(CryptoError::BadSignature)
            );
            assert_eq!(
                verify_signature(alg, &spki, b"another message", &signature),
                Err(CryptoError::BadSignature)
            );
        }
        // RFC 8446 §4.4.3: never PKCS#1 v1.5 (nor SHA-1) in CertificateVerify.
        for legacy in [
            SignatureScheme::RSA_PKCS1_SHA256,
            SignatureScheme::RSA_PKCS1_SHA384,
            SignatureScheme::RSA_PKCS1_SHA512,
            SignatureScheme::RSA_PKCS1_SHA1,
        ] {
            assert_eq!(key.sign(legacy, MESSAGE), Err(CryptoError::Unsupported));
        }
        key.schemes().len()
    }

    fn pkcs8(version: u8, alg_id: &[u8], private_key: &[u8], public_key: Option<&[u8]>) -> Vec<u8> {
        let mut body = der::tlv(der::INTEGER, &[version]);
        body.extend_from_slice(alg_id);
        der::put(&mut body, der::OCTET_STRING, private_key);
        if let Some(pk) = public_key {
            let mut bits = vec![0u8];
            bits.extend_from_slice(pk);
            der::put(&mut body, TAG_PUBLIC_KEY, &bits);
        }
        der::tlv(der::SEQUENCE, &body)
    }

    // ------------------------------------------------------------ RSA

    /// One 2048-bit RSA key (PKCS#8 v1, rsaEncryption) shared by the RSA tests.
    fn rsa_pkcs8() -> &'static [u8] {
        static KEY: OnceLock<Vec<u8>> = OnceLock::new();
        KEY.get_or_init(|| {
            let key = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
            AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&key)
                .unwrap()
                .as_ref()
                .to_vec()
        })
    }

    fn rsa_private_key() -> &'static [u8] {
        Pkcs8::parse(rsa_pkcs8()).unwrap().private_key
    }

    #[test]
    fn rsa_encryption_key_offers_rsae_pss_only() {
        let key = load_signing_key(rsa_pkcs8()).unwrap();
        assert_eq!(key.schemes(), RSAE_SCHEMES);
        assert_eq!(sign_and_verify_every_scheme(key.as_ref()), 3);
        // rsa_pss_pss_* needs an id-RSASSA-PSS certificate (RFC 8446 §4.2.3).
        assert_eq!(
            key.sign(SignatureScheme::RSA_PSS_PSS_SHA256, MESSAGE),
            Err(CryptoError::Unsupported)
        );
        let ours = key.public_key_spki();
        let theirs = RsaKeyPair::from_pkcs8(rsa_pkcs8()).unwrap();
        assert_eq!(ours, theirs.public_key().as_der().unwrap().as_ref());
        assert_eq!(
            verify::spki_key_kind(&ours),
            Some(KeyKind::Rsa { bits: 2048 })
        );
        assert_eq!(
            format!("{key:?}"),
            "RsaSigningKey { bits: 2048, schemes: [rsa_pss_rsae_sha256, rsa_pss_rsae_sha384, rsa_pss_rsae_sha512], .. }"
        );
    }

    #[test]
    fn rsa_pkcs8_v2_public_key_must_match() {
        let rsa_alg = build_algorithm_identifier(oid::RSA_ENCRYPTION, Some((der::NULL, &[])));
        let public = RsaKeyPair::from_der(rsa_private_key())
            .unwrap()
            .public_key()
            .as_ref()
            .to_vec();
        let v2 = pkcs8(1, &rsa_alg, rsa_private_key(), Some(&public));
        assert_eq!(load_signing_key(&v2).unwrap().schemes(), RSAE_SCHEMES);
        let mut wrong = public.clone();
        let last = wrong.len() - 5;
        wrong[last] ^= 1;
        assert_eq!(
            load_err(&pkcs8(1, &rsa_alg, rsa_private_key(), Some(&wrong))),
            CryptoError::InvalidKey
        );
        // RFC 5958 §2: publicKey is a v2 field.
        assert_eq!(
            load_err(&pkcs8(0, &rsa_alg, rsa_private_key(), Some(&public))),
            CryptoError::InvalidKey
        );
        // rsaEncryption parameters must be NULL or absent.
        let odd = build_algorithm_identifier(oid::RSA_ENCRYPTION, Some((der::INTEGER, &[1])));
        assert_eq!(
            load_err(&pkcs8(0, &odd, rsa_private_key(), None)),
            CryptoError::InvalidKey
        );
        let absent = build_algorithm_identifier(oid::RSA_ENCRYPTION, None);
        assert!(load_signing_key(&pkcs8(0, &absent, rsa_private_key(), None)).is_ok());
    }

    #[test]
    fn rsassa_pss_keys_offer_pss_pss_within_their_parameters() {
        // Unrestricted id-RSASSA-PSS key.
        let open_alg = build_algorithm_identifier(oid::RSASSA_PSS, None);
        let open = pkcs8(0, &open_alg, rsa_private_key(), None);
        // aws-lc-rs's own PKCS#8 entry point refuses these keys, hence our unwrapping.
        assert!(RsaKeyPair::from_pkcs8(&open).is_err());
        let key = load_signing_key(&open).unwrap();
        assert_eq!(key.schemes(), PSS_SCHEMES);
        assert_eq!(sign_and_verify_every_scheme(key.as_ref()), 3);
        assert_eq!(
            key.sign(SignatureScheme::RSA_PSS_RSAE_SHA256, MESSAGE),
            Err(CryptoError::Unsupported)
        );
        let spki = key.public_key_spki();
        assert!(matches!(
            verify::parse_spki(&spki),
            Ok(SpkiKey::RsaPss {
                bits: 2048,
                params: None,
                ..
            })
        ));

        // Restricted to SHA-384 (MGF1-SHA-384, salt at least 48).
        let params = hex(concat!(
            "a00d300b0609608648016503040202a11a301806092a864886f70d010108300b06096086480165030402",
            "02a203020130",
        ));
        let bound_alg = build_algorithm_identifier(oid::RSASSA_PSS, Some((der::SEQUENCE, &params)));
        let key = load_signing_key(&pkcs8(0, &bound_alg, rsa_private_key(), None)).unwrap();
        assert_eq!(key.schemes(), [SignatureScheme::RSA_PSS_PSS_SHA384]);
        assert_eq!(sign_and_verify_every_scheme(key.as_ref()), 1);
        assert_eq!(
            key.sign(SignatureScheme::RSA_PSS_PSS_SHA256, MESSAGE),
            Err(CryptoError::Unsupported)
        );
        let spki = key.public_key_spki();
        let expected = PssParams {
            hash: HashAlgorithm::Sha384,
            mgf_hash: HashAlgorithm::Sha384,
            salt_len: 48,
        };
        assert!(
            matches!(verify::parse_spki(&spki), Ok(SpkiKey::RsaPss { params: Some(p), .. }) if p == expected)
        );

        // Empty parameters mean SHA-1: nothing TLS 1.3 can use.
        let sha1_alg = build_algorithm_identifier(oid::RSASSA_PSS, Some((der::SEQUENCE, &[])));
        assert_eq!(
            load_err(&pkcs8(0, &sha1_alg, rsa_private_key(), None)),
            CryptoError::Unsupported
        );
        // SHA-256 with MGF1-SHA-1 does not fit RFC 8446 either.
        let mixed = hex("a00d300b0609608648016503040201");
        let mixed_alg = build_algorithm_identifier(oid::RSASSA_PSS, Some((der::SEQUENCE, &mixed)));
        assert_eq!(
            load_err(&pkcs8(0, &mixed_alg, rsa_private_key(), None)),
            CryptoError::Unsupported
        );
    }

    /// An RSAPrivateKey (RFC 8017 §A.1.2) from big-endian components.
    fn rsa_private_key_der(components: &[Vec<u8>]) -> Vec<u8> {
        let mut body = der::tlv(der::INTEGER, &[0]);
        for c in components {
            der::put_unsigned(&mut body, c);
        }
        der::tlv(der::SEQUENCE, &body)
    }

    #[test]
    fn rsa_1024_bit_key_of_rfc8448_is_refused() {
        // The builder reproduces a real key byte for byte...
        let mut d = Der::new(der::single(rsa_private_key(), der::SEQUENCE).unwrap());
        let _version = d.read(der::INTEGER).unwrap();
        let parts: Vec<Vec<u8>> = (0..8)
            .map(|_| {
                der::unsigned_magnitude(d.read(der::INTEGER).unwrap())
                    .unwrap()
                    .to_vec()
            })
            .collect();
        assert_eq!(rsa_private_key_der(&parts), rsa_private_key());

        // ...so the RFC 8448 §2 key below is well formed and refused for its size.
        let rfc8448 = [
            concat!(
                "b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af1",
                "9eaa6af98c7ced43120998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8c",
                "a9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f",
            ),
            "010001",
            concat!(
                "04dea705d43a6ea7209dd8072111a83c81e322a59278b33480641eaf7c0a6985b8e31c44f6de62e1b4c2309f6126e77b",
                "7c41e923314bbfa3881305dc1217f16c819ce538e922f369828d0e57195d8c8488460207b2faa726bcf708bbd7db7f67",
                "9f893492fc2a622e08970aac441ce4e0c3088df25ae679233df8a3bda2ff9941",
            ),
            concat!(
                "e435fb7cc83737756dacea96ab7f59a2cc1069db7deb190e17e33a532b273f30a327aa0aaabc58cd67466af9845fadc6",
                "75fe094af92c4bd1f2c1bc33dd2e0515",
            ),
            concat!(
                "cabd3bc0e0438664c8d4cc9f99977a94d9bbfead8e43870abae3f7eb8b4e0eee8af1d9b4719ba6196cf2cbbaeeebf8b3",
                "490afe9e9ffa74a88aa51fc645629303",
            ),
            concat!(
                "3f57345c27fe1b687e6e761627b78b1b826433dd760fa0bea6a6acf39490aa1b47cda4869d68f584dd5b5029bd32093b",
                "8258661fe715025e5d70a45a08d3d319",
            ),
            concat!(
                "183da01363bd2f2885cacbdc9964bf4764f1517636f86401286f71893c52ccfe40a6c23d0d086b47c6fb10d8fd1041e0",
                "4def7e9a40ce957c417794e10412d139",
            ),
            concat!(
                "839ca9a085e4286b2c90e466997a2c681f21339aa3477814e4dec11833050ed50dd13cc038048a43c59b2acc416889c0",
                "37665fe5afa605969f8c01dfa5ca969d",
            ),
        ]
        .map(hex);
        let alg = build_algorithm_identifier(oid::RSA_ENCRYPTION, Some((der::NULL, &[])));
        let key = pkcs8(0, &alg, &rsa_private_key_der(&rfc8448), None);
        assert_eq!(load_err(&key), CryptoError::InvalidKey);
    }

    // ------------------------------------------------------------ ECDSA

    fn ec_pkcs8(alg: &'static EcdsaSigningAlgorithm) -> Vec<u8> {
        EcdsaKeyPair::generate_pkcs8(alg, &SystemRandom::new())
            .unwrap()
            .as_ref()
            .to_vec()
    }

    #[test]
    fn ecdsa_keys_offer_the_one_scheme_of_their_curve() {
        for (alg, curve, scheme, other) in [
            (
                &sig::ECDSA_P256_SHA256_ASN1_SIGNING,
                EcCurve::P256,
                SignatureScheme::ECDSA_SECP256R1_SHA256,
                SignatureScheme::ECDSA_SECP384R1_SHA384,
            ),
            (
                &sig::ECDSA_P384_SHA384_ASN1_SIGNING,
                EcCurve::P384,
                SignatureScheme::ECDSA_SECP384R1_SHA384,
                SignatureScheme::ECDSA_SECP521R1_SHA512,
            ),
            (
                &sig::ECDSA_P521_SHA512_ASN1_SIGNING,
                EcCurve::P521,
                SignatureScheme::ECDSA_SECP521R1_SHA512,
                SignatureScheme::ECDSA_SECP256R1_SHA256,
            ),
        ] {
            let doc = ec_pkcs8(alg);
            let key = load_signing_key(&doc).unwrap();
            assert_eq!(key.schemes(), [scheme]);
            assert_eq!(sign_and_verify_every_scheme(key.as_ref()), 1);
            assert_eq!(key.sign(other, MESSAGE), Err(CryptoError::Unsupported));
            let theirs = EcdsaKeyPair::from_pkcs8(alg, &doc).unwrap();
            assert_eq!(
                key.public_key_spki(),
                theirs.public_key().as_der().unwrap().as_ref()
            );
            assert_eq!(
                verify::spki_key_kind(&key.public_key_spki()),
                Some(KeyKind::Ecdsa(curve))
            );
            assert_eq!(
                format!("{key:?}"),
                format!("EcdsaSigningKey {{ curve: {curve:?}, .. }}")
            );
            // A signature from this key under another curve's algorithm: wrong key.
            let signature = key.sign(scheme, MESSAGE).unwrap();
            let alg = SignatureAlgorithm::for_tls13_scheme(other).unwrap();
            assert_eq!(
                verify_signature(alg, &key.public_key_spki(), MESSAGE, &signature),
                Err(CryptoError::InvalidKey)
            );
        }
    }

    /// ECPrivateKey fields (RFC 5915 §3) we rebuild keys from.
    struct EcParts {
        version: Vec<u8>,
        scalar: Vec<u8>,
        public: Option<Vec<u8>>,
    }

    fn ec_private_key_parts(ec: &[u8]) -> EcParts {
        let mut d = Der::new(der::single(ec, der::SEQUENCE).unwrap());
        let version = d.read(der::INTEGER).unwrap().to_vec();
        let scalar = d.read(der::OCTET_STRING).unwrap().to_vec();
        let _params = d.read_optional(0xa0).unwrap();
        let public = d.read_optional(0xa1).unwrap().map(<[u8]>::to_vec);
        d.finish().unwrap();
        EcParts {
            version,
            scalar,
            public,
        }
    }

    fn ec_private_key(
        version: &[u8],
        scalar: &[u8],
        params: Option<&[u8]>,
        public: Option<&[u8]>,
    ) -> Vec<u8> {
        let mut body = der::tlv(der::INTEGER, version);
        der::put(&mut body, der::OCTET_STRING, scalar);
        if let Some(p) = params {
            der::put(&mut body, 0xa0, p);
        }
        if let Some(p) = public {
            der::put(&mut body, 0xa1, p);
        }
        der::tlv(der::SEQUENCE, &body)
    }

    #[test]
    fn ecdsa_curve_from_either_place_and_v2_public_key() {
        let doc = ec_pkcs8(&sig::ECDSA_P384_SHA384_ASN1_SIGNING);
        let expected_spki = load_signing_key(&doc).unwrap().public_key_spki();
        let p = Pkcs8::parse(&doc).unwrap();
        let EcParts {
            version,
            scalar,
            public,
        } = ec_private_key_parts(p.private_key);
        let p384_param = der::tlv(der::OID, oid::P384);
        let p256_param = der::tlv(der::OID, oid::P256);
        let bare_alg = build_algorithm_identifier(oid::EC_PUBLIC_KEY, None);
        let p384_alg = build_algorithm_identifier(oid::EC_PUBLIC_KEY, Some((der::OID, oid::P384)));

        // Curve only inside ECPrivateKey (RFC 5915 §3).
        let inner_only = ec_private_key(&version, &scalar, Some(&p384_param), public.as_deref());
        let key = load_signing_key(&pkcs8(0, &bare_alg, &inner_only, None)).unwrap();
        assert_eq!(key.public_key_spki(), expected_spki);
        // Curve nowhere: refused rather than guessed.
        let nowhere = ec_private_key(&version, &scalar, None, None);
        assert_eq!(
            load_err(&pkcs8(0, &bare_alg, &nowhere, None)),
            CryptoError::InvalidKey
        );
        // Curve only in the AlgorithmIdentifier, no public key: derived.
        let key = load_signing_key(&pkcs8(0, &p384_alg, &nowhere, None)).unwrap();
        assert_eq!(key.public_key_spki(), expected_spki);
        // The two places disagree.
        let clash = ec_private_key(&version, &scalar, Some(&p256_param), None);
        assert_eq!(
            load_err(&pkcs8(0, &p384_alg, &clash, None)),
            CryptoError::InvalidKey
        );
        // A curve we lack.
        let k1_alg = build_algorithm_identifier(
            oid::EC_PUBLIC_KEY,
            Some((der::OID, &[0x2b, 0x81, 0x04, 0x00, 0x0a])),
        );
        assert_eq!(
            load_err(&pkcs8(0, &k1_alg, &nowhere, None)),
            CryptoError::Unsupported
        );

        // PKCS#8 v2 with the public key, right and wrong.
        let point = match verify::parse_spki(&expected_spki).unwrap() {
            SpkiKey::Ec { point, .. } => point.to_vec(),
            other => panic!("{other:?}"),
        };
        let v2 = pkcs8(1, &p384_alg, &nowhere, Some(&point));
        assert_eq!(
            load_signing_key(&v2).unwrap().public_key_spki(),
            expected_spki
        );
        let mut wrong = point.clone();
        wrong[10] ^= 1;
        assert_eq!(
            load_err(&pkcs8(1, &p384_alg, &nowhere, Some(&wrong))),
            CryptoError::InvalidKey
        );
    }

    // ------------------------------------------------------------ Ed25519

    #[test]
    fn ed25519_pkcs8_v1_and_v2() {
        let rng = SystemRandom::new();
        let v2 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let v1 = Ed25519KeyPair::generate_pkcs8v1(&rng).unwrap();
        for doc in [v2.as_ref(), v1.as_ref()] {
            let key = load_signing_key(doc).unwrap();
            assert_eq!(key.schemes(), [SignatureScheme::ED25519]);
            assert_eq!(sign_and_verify_every_scheme(key.as_ref()), 1);
            let theirs = Ed25519KeyPair::from_pkcs8(doc).unwrap();
            assert_eq!(
                key.public_key_spki(),
                theirs.public_key().as_der().unwrap().as_ref()
            );
            assert_eq!(format!("{key:?}"), "Ed25519SigningKey { .. }");
        }
        let p = Pkcs8::parse(v2.as_ref()).unwrap();
        assert!(p.public_key.is_some());
        let mut wrong = p.public_key.unwrap().to_vec();
        wrong[0] ^= 1;
        assert_eq!(
            load_err(&pkcs8(1, p.alg.raw, p.private_key, Some(&wrong))),
            CryptoError::InvalidKey
        );
        // RFC 8410 §3: parameters absent.
        let with_null = build_algorithm_identifier(oid::ED25519, Some((der::NULL, &[])));
        assert_eq!(
            load_err(&pkcs8(0, &with_null, p.private_key, None)),
            CryptoError::InvalidKey
        );
        // A 31-byte seed.
        let short = der::tlv(der::OCTET_STRING, &[5u8; 31]);
        assert_eq!(
            load_err(&pkcs8(0, p.alg.raw, &short, None)),
            CryptoError::InvalidKey
        );
    }

    // ------------------------------------------------------------ ML-DSA

    const LEVELS: [(MlDsaLevel, &PqdsaSigningAlgorithm); 3] = [
        (MlDsaLevel::MlDsa44, &sig::ML_DSA_44_SIGNING),
        (MlDsaLevel::MlDsa65, &sig::ML_DSA_65_SIGNING),
        (MlDsaLevel::MlDsa87, &sig::ML_DSA_87_SIGNING),
    ];

    /// The three ML-DSA-PrivateKey forms for one seed: (seed, expanded, both).
    fn mldsa_forms(alg: &'static PqdsaSigningAlgorithm, seed: &[u8]) -> [Vec<u8>; 3] {
        let key = PqdsaKeyPair::from_seed(alg, seed).unwrap();
        let expanded = key.private_key().as_raw_bytes().unwrap();
        let mut both = der::tlv(der::OCTET_STRING, seed);
        der::put(&mut both, der::OCTET_STRING, expanded.as_ref());
        [
            der::tlv(TAG_MLDSA_SEED, seed),
            der::tlv(der::OCTET_STRING, expanded.as_ref()),
            der::tlv(der::SEQUENCE, &both),
        ]
    }

    #[test]
    fn mldsa_seed_expanded_and_both_forms() {
        for (level, alg) in LEVELS {
            let mut seed = [0u8; 32];
            aws_lc_rs::rand::fill(&mut seed).unwrap();
            let alg_id = build_algorithm_identifier(verify::mldsa_oid(level), None);
            let reference = PqdsaKeyPair::from_seed(alg, &seed).unwrap();
            let mut spkis = Vec::new();
            for form in mldsa_forms(alg, &seed) {
                let key = load_signing_key(&pkcs8(0, &alg_id, &form, None)).unwrap();
                assert_eq!(key.schemes().len(), 1);
                assert_eq!(sign_and_verify_every_scheme(key.as_ref()), 1);
                assert_eq!(
                    format!("{key:?}"),
                    format!("MlDsaSigningKey {{ level: {level:?}, .. }}")
                );
                spkis.push(key.public_key_spki());
            }
            assert!(spkis.iter().all(|s| *s == spkis[0]));
            assert_eq!(spkis[0], reference.public_key().as_der().unwrap().as_ref());
            assert_eq!(
                verify::spki_key_kind(&spkis[0]),
                Some(KeyKind::MlDsa(level))
            );
            // v2 with the public key.
            let public = reference.public_key().as_ref();
            let [seed_form, expanded_form, both_form] = mldsa_forms(alg, &seed);
            assert!(load_signing_key(&pkcs8(1, &alg_id, &seed_form, Some(public))).is_ok());
            let mut wrong = public.to_vec();
            wrong[100] ^= 1;
            assert_eq!(
                load_err(&pkcs8(1, &alg_id, &seed_form, Some(&wrong))),
                CryptoError::InvalidKey
            );
            // Seed and expanded key of different keys.
            let mut other_seed = seed;
            other_seed[0] ^= 1;
            let [_, other_expanded, _] = mldsa_forms(alg, &other_seed);
            let mut clash = der::tlv(der::OCTET_STRING, &seed);
            clash.extend_from_slice(&other_expanded);
            let clash = der::tlv(der::SEQUENCE, &clash);
            assert_eq!(
                load_err(&pkcs8(0, &alg_id, &clash, None)),
                CryptoError::InvalidKey
            );
            // Wrong sizes, a trailing byte, parameters, another level's OID.
            assert_eq!(
                load_err(&pkcs8(
                    0,
                    &alg_id,
                    &der::tlv(TAG_MLDSA_SEED, &seed[..31]),
                    None
                )),
                CryptoError::InvalidKey
            );
            let mut trailing = both_form.clone();
            trailing.push(0);
            assert_eq!(
                load_err(&pkcs8(0, &alg_id, &trailing, None)),
                CryptoError::InvalidKey
            );
            let with_null =
                build_algorithm_identifier(verify::mldsa_oid(level), Some((der::NULL, &[])));
            assert_eq!(
                load_err(&pkcs8(0, &with_null, &seed_form, None)),
                CryptoError::InvalidKey
            );
            let other_level = if level == MlDsaLevel::MlDsa44 {
                MlDsaLevel::MlDsa65
            } else {
                MlDsaLevel::MlDsa44
            };
            let other_alg = build_algorithm_identifier(verify::mldsa_oid(other_level), None);
            assert_eq!(
                load_err(&pkcs8(0, &other_alg, &expanded_form, None)),
                CryptoError::InvalidKey
            );
        }
    }

    #[test]
    fn mldsa65_openssl35_layout_and_aws_lc_own_encoding_load() {
        let alg = &sig::ML_DSA_65_SIGNING;
        let seed = [0x42u8; 32];
        let alg_id = build_algorithm_identifier(oid::ML_DSA_65, None);
        let [_, _, both] = mldsa_forms(alg, &seed);
        let doc = pkcs8(0, &alg_id, &both, None);
        // OpenSSL 3.5 writes seed and expanded key; its files start
        // "MIIP/gIBADALBglghkgBZQMEAxIEgg/qMIIP5gQg" in base64.
        assert_eq!(
            doc[..40],
            hex("30820ffe020100300b060960864801650304031204820fea30820fe60420")[..]
                .iter()
                .chain(&seed[..10])
                .copied()
                .collect::<Vec<u8>>()[..]
        );
        assert_eq!(doc.len(), 4098);
        let key = load_signing_key(&doc).unwrap();
        assert_eq!(key.schemes(), [SignatureScheme::MLDSA65]);
        // aws-lc-rs agrees on this layout, and loads what it writes itself.
        let theirs = PqdsaKeyPair::from_pkcs8(alg, &doc).unwrap();
        assert_eq!(
            key.public_key_spki(),
            theirs.public_key().as_der().unwrap().as_ref()
        );
        let own = PqdsaKeyPair::generate(alg).unwrap();
        let own_doc = own.to_pkcs8v1().unwrap();
        let key = load_signing_key(own_doc.as_ref()).unwrap();
        assert_eq!(
            key.public_key_spki(),
            own.public_key().as_der().unwrap().as_ref()
        );
    }

    /// aws-lc-rs and RustCrypto `ml-dsa` agree: same keys from a seed, and
    /// each verifies the other's signatures; contexts go through `ml-dsa`.
    fn rustcrypto_cross_check<P: ml_dsa::MlDsaParams>(
        level: MlDsaLevel,
        alg: &'static PqdsaSigningAlgorithm,
    ) {
        let mut seed = [0u8; 32];
        aws_lc_rs::rand::fill(&mut seed).unwrap();
        let theirs = ml_dsa::SigningKey::<P>::from_seed(&seed.into());
        let ours = PqdsaKeyPair::from_seed(alg, &seed).unwrap();
        let their_public = theirs.expanded_key().verifying_key().encode();
        assert_eq!(ours.public_key().as_ref(), their_public.as_slice());
        #[allow(deprecated)]
        let their_expanded = theirs.expanded_key().to_expanded();
        assert_eq!(
            ours.private_key().as_raw_bytes().unwrap().as_ref(),
            their_expanded.as_slice()
        );

        let alg_id = build_algorithm_identifier(verify::mldsa_oid(level), None);
        let key =
            load_signing_key(&pkcs8(0, &alg_id, &der::tlv(TAG_MLDSA_SEED, &seed), None)).unwrap();
        let spki = key.public_key_spki();
        let scheme = key.schemes()[0];

        // Ours verified by ml-dsa.
        let signature = key.sign(scheme, MESSAGE).unwrap();
        let decoded = ml_dsa::Signature::<P>::try_from(signature.as_slice()).unwrap();
        let verifying = theirs.expanded_key().verifying_key();
        assert!(verifying.verify_with_context(MESSAGE, &[], &decoded));
        assert!(!verifying.verify_with_context(MESSAGE, b"ctx", &decoded));

        // Theirs verified by us, without and with a context.
        let plain = theirs
            .expanded_key()
            .sign_deterministic(MESSAGE, &[])
            .unwrap()
            .encode();
        let alg = SignatureAlgorithm::MlDsa(level);
        assert_eq!(verify_signature(alg, &spki, MESSAGE, &plain), Ok(()));
        assert_eq!(
            verify_mldsa_with_context(level, ours.public_key().as_ref(), MESSAGE, &[], &plain),
            Ok(())
        );
        let ctx = b"qtls kat context";
        let with_ctx = theirs
            .expanded_key()
            .sign_deterministic(MESSAGE, ctx)
            .unwrap()
            .encode();
        let public = ours.public_key().as_ref();
        assert_eq!(
            verify_mldsa_with_context(level, public, MESSAGE, ctx, &with_ctx),
            Ok(())
        );
        assert_eq!(
            verify_mldsa_with_context(level, public, MESSAGE, b"other", &with_ctx),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            verify_mldsa_with_context(level, public, MESSAGE, &[], &with_ctx),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            verify_signature(alg, &spki, MESSAGE, &with_ctx),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            verify_mldsa_with_context(level, public, MESSAGE, &[7u8; 256], &with_ctx),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            verify_mldsa_with_context(level, &public[1..], MESSAGE, ctx, &with_ctx),
            Err(CryptoError::InvalidKey)
        );
    }

    #[test]
    fn mldsa_matches_rustcrypto() {
        rustcrypto_cross_check::<ml_dsa::MlDsa44>(MlDsaLevel::MlDsa44, &sig::ML_DSA_44_SIGNING);
        rustcrypto_cross_check::<ml_dsa::MlDsa65>(MlDsaLevel::MlDsa65, &sig::ML_DSA_65_SIGNING);
        rustcrypto_cross_check::<ml_dsa::MlDsa87>(MlDsaLevel::MlDsa87, &sig::ML_DSA_87_SIGNING);
    }

    // ------------------------------------------------------------ envelope

    #[test]
    fn pkcs8_envelope_errors() {
        let doc = ec_pkcs8(&sig::ECDSA_P256_SHA256_ASN1_SIGNING);
        let p = Pkcs8::parse(&doc).unwrap();
        // Version 3 does not exist.
        assert_eq!(
            load_err(&pkcs8(2, p.alg.raw, p.private_key, None)),
            CryptoError::InvalidKey
        );
        // Trailing garbage after the structure.
        let mut trailing = doc.clone();
        trailing.push(0);
        assert_eq!(load_err(&trailing), CryptoError::InvalidKey);
        assert_eq!(load_err(b"not a key"), CryptoError::InvalidKey);
        assert_eq!(load_err(&[]), CryptoError::InvalidKey);
        // Truncated anywhere.
        for cut in [1, 10, doc.len() / 2, doc.len() - 1] {
            assert_eq!(load_err(&doc[..cut]), CryptoError::InvalidKey, "{cut}");
        }
        // Attributes are skipped.
        let mut body = der::tlv(der::INTEGER, &[0]);
        body.extend_from_slice(p.alg.raw);
        der::put(&mut body, der::OCTET_STRING, p.private_key);
        der::put(&mut body, TAG_ATTRIBUTES, &[]);
        assert!(load_signing_key(&der::tlv(der::SEQUENCE, &body)).is_ok());
        // A well-formed key of a kind we lack (Ed448, 1.3.101.113).
        let ed448 = build_algorithm_identifier(&[0x2b, 0x65, 0x71], None);
        let seed = der::tlv(der::OCTET_STRING, &[9u8; 57]);
        assert_eq!(
            load_err(&pkcs8(0, &ed448, &seed, None)),
            CryptoError::Unsupported
        );
    }
}
