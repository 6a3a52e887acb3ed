//! Key pairs of the test PKI: generation with aws-lc-rs, PKCS#8 export,
//! SubjectPublicKeyInfo encoding and certificate signing, one signature
//! algorithm per key.

use super::PkiError;
use super::der_writer::{self as der, bit_string, null, octet_string, sequence};
use crate::pem;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use aws_lc_rs::digest;
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _};
use aws_lc_rs::signature::{PqdsaKeyPair, RsaKeyPair};
use core::fmt;
use zeroize::Zeroizing;

/// Object identifiers the key code needs, as arcs.
pub(crate) mod oids {
    /// id-ecPublicKey (RFC 5480).
    pub(crate) const EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
    /// secp256r1 / P-256.
    pub(crate) const P256: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
    /// secp384r1 / P-384.
    pub(crate) const P384: &[u64] = &[1, 3, 132, 0, 34];
    /// secp521r1 / P-521.
    pub(crate) const P521: &[u64] = &[1, 3, 132, 0, 35];
    /// id-Ed25519 (RFC 8410).
    pub(crate) const ED25519: &[u64] = &[1, 3, 101, 112];
    /// rsaEncryption (RFC 8017).
    pub(crate) const RSA_ENCRYPTION: &[u64] = &[1, 2, 840, 113_549, 1, 1, 1];
    /// id-RSASSA-PSS (RFC 4055).
    pub(crate) const RSASSA_PSS: &[u64] = &[1, 2, 840, 113_549, 1, 1, 10];
    /// id-mgf1 (RFC 4055).
    pub(crate) const MGF1: &[u64] = &[1, 2, 840, 113_549, 1, 1, 8];
    /// sha256WithRSAEncryption (RFC 4055).
    pub(crate) const SHA256_WITH_RSA: &[u64] = &[1, 2, 840, 113_549, 1, 1, 11];
    /// id-sha256 (RFC 4055 / NIST).
    pub(crate) const SHA256: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 1];
    /// ecdsa-with-SHA256 (RFC 5758).
    pub(crate) const ECDSA_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
    /// ecdsa-with-SHA384 (RFC 5758).
    pub(crate) const ECDSA_SHA384: &[u64] = &[1, 2, 840, 10045, 4, 3, 3];
    /// ecdsa-with-SHA512 (RFC 5758).
    pub(crate) const ECDSA_SHA512: &[u64] = &[1, 2, 840, 10045, 4, 3, 4];
    /// id-ml-dsa-44 (RFC 9881).
    pub(crate) const ML_DSA_44: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 3, 17];
    /// id-ml-dsa-65 (RFC 9881).
    pub(crate) const ML_DSA_65: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 3, 18];
    /// id-ml-dsa-87 (RFC 9881).
    pub(crate) const ML_DSA_87: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 3, 19];
}

/// Encodes one of this crate's constant OIDs. They are all valid (the unit
/// tests encode each one), so the error branch is unreachable; it yields an
/// empty vector rather than a panic.
pub(crate) fn const_oid(arcs: &[u64]) -> Vec<u8> {
    der::oid(arcs).unwrap_or_default()
}

/// The kinds of key the test PKI can generate.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// ECDSA on P-256 (signs with SHA-256).
    EcdsaP256,
    /// ECDSA on P-384 (signs with SHA-384).
    EcdsaP384,
    /// ECDSA on P-521 (signs with SHA-512).
    EcdsaP521,
    /// Ed25519.
    Ed25519,
    /// RSA 2048 with an rsaEncryption SPKI.
    Rsa2048,
    /// RSA 3072 with an rsaEncryption SPKI.
    Rsa3072,
    /// RSA 4096 with an rsaEncryption SPKI.
    Rsa4096,
    /// RSA 2048 with an id-RSASSA-PSS SPKI (parameters absent, RFC 4055
    /// §1.2), so it may only sign with RSASSA-PSS.
    ///
    /// aws-lc-rs cannot load such a PKCS#8 (`rsa::KeyPair::from_pkcs8` wants
    /// rsaEncryption), so [`KeyPair::pkcs8_der`] is built here by wrapping
    /// the RFC 8017 `RSAPrivateKey` in an id-RSASSA-PSS PrivateKeyInfo (what
    /// `openssl genpkey -algorithm RSA-PSS` writes); loaders on aws-lc-rs
    /// unwrap it and use `rsa::KeyPair::from_der`, as
    /// [`KeyPair::from_pkcs8`] does.
    RsaPss2048,
    /// ML-DSA-44 (FIPS 204).
    MlDsa44,
    /// ML-DSA-65 (FIPS 204).
    MlDsa65,
    /// ML-DSA-87 (FIPS 204).
    MlDsa87,
}

impl KeyType {
    /// Every key type, in declaration order.
    pub const ALL: [KeyType; 11] = [
        KeyType::EcdsaP256,
        KeyType::EcdsaP384,
        KeyType::EcdsaP521,
        KeyType::Ed25519,
        KeyType::Rsa2048,
        KeyType::Rsa3072,
        KeyType::Rsa4096,
        KeyType::RsaPss2048,
        KeyType::MlDsa44,
        KeyType::MlDsa65,
        KeyType::MlDsa87,
    ];

    /// The algorithm a key of this type signs certificates with by default.
    pub fn default_signature_algorithm(self) -> SignatureAlgorithm {
        match self {
            KeyType::EcdsaP256 => SignatureAlgorithm::EcdsaSha256,
            KeyType::EcdsaP384 => SignatureAlgorithm::EcdsaSha384,
            KeyType::EcdsaP521 => SignatureAlgorithm::EcdsaSha512,
            KeyType::Ed25519 => SignatureAlgorithm::Ed25519,
            KeyType::Rsa2048 | KeyType::Rsa3072 | KeyType::Rsa4096 => {
                SignatureAlgorithm::RsaPkcs1Sha256
            }
            KeyType::RsaPss2048 => SignatureAlgorithm::RsaPssSha256,
            KeyType::MlDsa44 => SignatureAlgorithm::MlDsa44,
            KeyType::MlDsa65 => SignatureAlgorithm::MlDsa65,
            KeyType::MlDsa87 => SignatureAlgorithm::MlDsa87,
        }
    }

    /// A short lowercase name (`ecdsa-p256`, `ml-dsa-65`, ...), for file
    /// names and messages.
    pub fn name(self) -> &'static str {
        match self {
            KeyType::EcdsaP256 => "ecdsa-p256",
            KeyType::EcdsaP384 => "ecdsa-p384",
            KeyType::EcdsaP521 => "ecdsa-p521",
            KeyType::Ed25519 => "ed25519",
            KeyType::Rsa2048 => "rsa2048",
            KeyType::Rsa3072 => "rsa3072",
            KeyType::Rsa4096 => "rsa4096",
            KeyType::RsaPss2048 => "rsa-pss2048",
            KeyType::MlDsa44 => "ml-dsa-44",
            KeyType::MlDsa65 => "ml-dsa-65",
            KeyType::MlDsa87 => "ml-dsa-87",
        }
    }

    fn is_rsa(self) -> bool {
        matches!(
            self,
            KeyType::Rsa2048 | KeyType::Rsa3072 | KeyType::Rsa4096 | KeyType::RsaPss2048
        )
    }
}

/// The certificate signature algorithms a [`KeyPair`] can use.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    /// ecdsa-with-SHA256.
    EcdsaSha256,
    /// ecdsa-with-SHA384.
    EcdsaSha384,
    /// ecdsa-with-SHA512.
    EcdsaSha512,
    /// Ed25519 (pure).
    Ed25519,
    /// sha256WithRSAEncryption (PKCS#1 v1.5).
    RsaPkcs1Sha256,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
    RsaPssSha256,
    /// ML-DSA-44, pure, empty context.
    MlDsa44,
    /// ML-DSA-65, pure, empty context.
    MlDsa65,
    /// ML-DSA-87, pure, empty context.
    MlDsa87,
}

impl SignatureAlgorithm {
    /// The DER AlgorithmIdentifier naming this algorithm in a certificate.
    pub fn algorithm_identifier_der(self) -> Vec<u8> {
        match self {
            // RFC 5758 §3.2: the parameters MUST be absent.
            SignatureAlgorithm::EcdsaSha256 => sequence(&[&const_oid(oids::ECDSA_SHA256)]),
            SignatureAlgorithm::EcdsaSha384 => sequence(&[&const_oid(oids::ECDSA_SHA384)]),
            SignatureAlgorithm::EcdsaSha512 => sequence(&[&const_oid(oids::ECDSA_SHA512)]),
            // RFC 8410 §3: the parameters MUST be absent.
            SignatureAlgorithm::Ed25519 => sequence(&[&const_oid(oids::ED25519)]),
            // RFC 4055 §5: the parameters MUST be NULL.
            SignatureAlgorithm::RsaPkcs1Sha256 => {
                sequence(&[&const_oid(oids::SHA256_WITH_RSA), &null()])
            }
            SignatureAlgorithm::RsaPssSha256 => {
                sequence(&[&const_oid(oids::RSASSA_PSS), &pss_sha256_params()])
            }
            // RFC 9881 §2: the parameters MUST be absent.
            SignatureAlgorithm::MlDsa44 => sequence(&[&const_oid(oids::ML_DSA_44)]),
            SignatureAlgorithm::MlDsa65 => sequence(&[&const_oid(oids::ML_DSA_65)]),
            SignatureAlgorithm::MlDsa87 => sequence(&[&const_oid(oids::ML_DSA_87)]),
        }
    }
}

/// RSASSA-PSS-params for SHA-256 (RFC 4055 §3.1): hashAlgorithm [0] sha256,
/// maskGenAlgorithm [1] mgf1 with sha256, saltLength [2] 32; trailerField
/// is left at its DEFAULT. The hash identifiers carry NULL parameters, the
/// spelling OpenSSL writes and webpki matches byte for byte.
fn pss_sha256_params() -> Vec<u8> {
    let sha256 = sequence(&[&const_oid(oids::SHA256), &null()]);
    let mgf1 = sequence(&[&const_oid(oids::MGF1), &sha256]);
    sequence(&[
        &der::context_constructed(0, &sha256),
        &der::context_constructed(1, &mgf1),
        &der::context_constructed(2, &der::integer_u64(32)),
    ])
}

enum Inner {
    Ecdsa(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
    Rsa(RsaKeyPair),
    MlDsa(PqdsaKeyPair),
}

/// A generated (or loaded) private key with the signature algorithm it
/// signs certificates with.
pub struct KeyPair {
    key_type: KeyType,
    signature_algorithm: SignatureAlgorithm,
    pkcs8: Zeroizing<Vec<u8>>,
    inner: Inner,
}

impl fmt::Debug for KeyPair {
    // Never prints key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair")
            .field("key_type", &self.key_type)
            .field("signature_algorithm", &self.signature_algorithm)
            .finish_non_exhaustive()
    }
}

fn ecdsa_alg(t: KeyType) -> Option<&'static sig::EcdsaSigningAlgorithm> {
    match t {
        KeyType::EcdsaP256 => Some(&sig::ECDSA_P256_SHA256_ASN1_SIGNING),
        KeyType::EcdsaP384 => Some(&sig::ECDSA_P384_SHA384_ASN1_SIGNING),
        KeyType::EcdsaP521 => Some(&sig::ECDSA_P521_SHA512_ASN1_SIGNING),
        _ => None,
    }
}

fn ml_dsa_alg(t: KeyType) -> Option<&'static sig::PqdsaSigningAlgorithm> {
    match t {
        KeyType::MlDsa44 => Some(&sig::ML_DSA_44_SIGNING),
        KeyType::MlDsa65 => Some(&sig::ML_DSA_65_SIGNING),
        KeyType::MlDsa87 => Some(&sig::ML_DSA_87_SIGNING),
        _ => None,
    }
}

fn rsa_size(t: KeyType) -> Option<KeySize> {
    match t {
        KeyType::Rsa2048 | KeyType::RsaPss2048 => Some(KeySize::Rsa2048),
        KeyType::Rsa3072 => Some(KeySize::Rsa3072),
        KeyType::Rsa4096 => Some(KeySize::Rsa4096),
        _ => None,
    }
}

impl KeyPair {
    /// Generates a fresh key of type `key_type`.
    ///
    /// # Errors
    /// [`PkiError::KeyGeneration`] if aws-lc-rs fails.
    pub fn generate(key_type: KeyType) -> Result<KeyPair, PkiError> {
        let gen_err = |_| PkiError::KeyGeneration;
        let (inner, pkcs8) = if let Some(alg) = ecdsa_alg(key_type) {
            let kp = EcdsaKeyPair::generate(alg).map_err(gen_err)?;
            let doc = kp.to_pkcs8v1().map_err(gen_err)?;
            let pkcs8 = Zeroizing::new(doc.as_ref().to_vec());
            (Inner::Ecdsa(kp), pkcs8)
        } else if let Some(alg) = ml_dsa_alg(key_type) {
            let kp = PqdsaKeyPair::generate(alg).map_err(gen_err)?;
            let doc = kp.to_pkcs8v1().map_err(gen_err)?;
            let pkcs8 = Zeroizing::new(doc.as_ref().to_vec());
            (Inner::MlDsa(kp), pkcs8)
        } else if let Some(size) = rsa_size(key_type) {
            let kp = RsaKeyPair::generate(size).map_err(gen_err)?;
            let doc: Pkcs8V1Der<'_> = kp.as_der().map_err(gen_err)?;
            let pkcs8 = if key_type == KeyType::RsaPss2048 {
                rewrap_rsa_pkcs8_as_pss(doc.as_ref())?
            } else {
                Zeroizing::new(doc.as_ref().to_vec())
            };
            (Inner::Rsa(kp), pkcs8)
        } else {
            let kp = Ed25519KeyPair::generate().map_err(gen_err)?;
            // PKCS#8 v1 (no public key attribute): the form every peer reads.
            let doc = kp.to_pkcs8v1().map_err(gen_err)?;
            let pkcs8 = Zeroizing::new(doc.as_ref().to_vec());
            (Inner::Ed25519(kp), pkcs8)
        };
        Ok(KeyPair {
            key_type,
            signature_algorithm: key_type.default_signature_algorithm(),
            pkcs8,
            inner,
        })
    }

    /// Loads a PKCS#8 private key of type `key_type` (as written by
    /// [`KeyPair::pkcs8_der`] or OpenSSL), so tests can reuse fixed keys.
    ///
    /// # Errors
    /// [`PkiError::KeyRejected`] if the bytes are not such a key.
    pub fn from_pkcs8(key_type: KeyType, pkcs8: &[u8]) -> Result<KeyPair, PkiError> {
        let rej = |_| PkiError::KeyRejected;
        let inner = if let Some(alg) = ecdsa_alg(key_type) {
            Inner::Ecdsa(EcdsaKeyPair::from_pkcs8(alg, pkcs8).map_err(rej)?)
        } else if let Some(alg) = ml_dsa_alg(key_type) {
            Inner::MlDsa(PqdsaKeyPair::from_pkcs8(alg, pkcs8).map_err(rej)?)
        } else if let Some(size) = rsa_size(key_type) {
            let kp = if key_type == KeyType::RsaPss2048 {
                RsaKeyPair::from_der(pss_pkcs8_private_key(pkcs8)?).map_err(rej)?
            } else {
                RsaKeyPair::from_pkcs8(pkcs8).map_err(rej)?
            };
            if kp.public_modulus_len() != size.len() {
                return Err(PkiError::KeyRejected);
            }
            Inner::Rsa(kp)
        } else {
            Inner::Ed25519(Ed25519KeyPair::from_pkcs8(pkcs8).map_err(rej)?)
        };
        Ok(KeyPair {
            key_type,
            signature_algorithm: key_type.default_signature_algorithm(),
            pkcs8: Zeroizing::new(pkcs8.to_vec()),
            inner,
        })
    }

    /// Chooses another certificate signature algorithm: RSASSA-PSS instead
    /// of PKCS#1 v1.5 for the rsaEncryption key types. Keys of other types
    /// only accept their default.
    ///
    /// # Errors
    /// [`PkiError::AlgorithmMismatch`] if the key cannot sign with `alg`.
    pub fn with_signature_algorithm(mut self, alg: SignatureAlgorithm) -> Result<Self, PkiError> {
        let fits = alg == self.key_type.default_signature_algorithm()
            || (self.key_type.is_rsa()
                && self.key_type != KeyType::RsaPss2048
                && alg == SignatureAlgorithm::RsaPssSha256);
        if !fits {
            return Err(PkiError::AlgorithmMismatch);
        }
        self.signature_algorithm = alg;
        Ok(self)
    }

    /// The key's type.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The algorithm [`KeyPair::sign`] uses.
    pub fn signature_algorithm(&self) -> SignatureAlgorithm {
        self.signature_algorithm
    }

    /// The DER AlgorithmIdentifier of [`KeyPair::signature_algorithm`].
    pub fn signature_algorithm_der(&self) -> Vec<u8> {
        self.signature_algorithm.algorithm_identifier_der()
    }

    /// The private key as PKCS#8 DER: v1 for ECDSA, Ed25519 and RSA; for
    /// ML-DSA what aws-lc-rs `PqdsaKeyPair::to_pkcs8v1` writes (the seed
    /// form); for [`KeyType::RsaPss2048`] an id-RSASSA-PSS wrapper.
    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The private key as a `PRIVATE KEY` PEM block.
    pub fn private_key_pem(&self) -> Zeroizing<String> {
        Zeroizing::new(pem::encode("PRIVATE KEY", &self.pkcs8))
    }

    /// The subjectPublicKey bits: the uncompressed EC point, the raw
    /// Ed25519 or ML-DSA public key, or the RFC 8017 `RSAPublicKey` DER.
    pub fn public_key_bits(&self) -> Vec<u8> {
        match &self.inner {
            Inner::Ecdsa(kp) => kp.public_key().as_ref().to_vec(),
            Inner::Ed25519(kp) => kp.public_key().as_ref().to_vec(),
            Inner::Rsa(kp) => kp.public_key().as_ref().to_vec(),
            Inner::MlDsa(kp) => kp.public_key().as_ref().to_vec(),
        }
    }

    /// The SubjectPublicKeyInfo DER.
    pub fn spki_der(&self) -> Vec<u8> {
        let algorithm = match self.key_type {
            // RFC 5480 §2.1.1: namedCurve parameters.
            KeyType::EcdsaP256 => {
                sequence(&[&const_oid(oids::EC_PUBLIC_KEY), &const_oid(oids::P256)])
            }
            KeyType::EcdsaP384 => {
                sequence(&[&const_oid(oids::EC_PUBLIC_KEY), &const_oid(oids::P384)])
            }
            KeyType::EcdsaP521 => {
                sequence(&[&const_oid(oids::EC_PUBLIC_KEY), &const_oid(oids::P521)])
            }
            // RFC 8410 §3: parameters absent.
            KeyType::Ed25519 => sequence(&[&const_oid(oids::ED25519)]),
            // RFC 3279 §2.3.1: parameters NULL.
            KeyType::Rsa2048 | KeyType::Rsa3072 | KeyType::Rsa4096 => {
                sequence(&[&const_oid(oids::RSA_ENCRYPTION), &null()])
            }
            // RFC 4055 §1.2: parameters absent, any PSS parameters allowed.
            KeyType::RsaPss2048 => sequence(&[&const_oid(oids::RSASSA_PSS)]),
            // RFC 9881 §4: parameters absent.
            KeyType::MlDsa44 => sequence(&[&const_oid(oids::ML_DSA_44)]),
            KeyType::MlDsa65 => sequence(&[&const_oid(oids::ML_DSA_65)]),
            KeyType::MlDsa87 => sequence(&[&const_oid(oids::ML_DSA_87)]),
        };
        sequence(&[&algorithm, &bit_string(&self.public_key_bits())])
    }

    /// The key identifier of RFC 5280 §4.2.1.2 method (1): the SHA-1 of the
    /// subjectPublicKey bits.
    pub fn key_identifier(&self) -> Vec<u8> {
        digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &self.public_key_bits())
            .as_ref()
            .to_vec()
    }

    /// Signs `tbs` with [`KeyPair::signature_algorithm`]; the result goes
    /// into the certificate's signatureValue BIT STRING.
    ///
    /// # Errors
    /// [`PkiError::Signing`] if aws-lc-rs fails.
    pub fn sign(&self, tbs: &[u8]) -> Result<Vec<u8>, PkiError> {
        let err = |_| PkiError::Signing;
        match &self.inner {
            Inner::Ecdsa(kp) => Ok(kp
                .sign(&SystemRandom::new(), tbs)
                .map_err(err)?
                .as_ref()
                .to_vec()),
            Inner::Ed25519(kp) => Ok(kp.sign(tbs).as_ref().to_vec()),
            Inner::Rsa(kp) => {
                let padding: &'static dyn sig::RsaEncoding = match self.signature_algorithm {
                    SignatureAlgorithm::RsaPssSha256 => &sig::RSA_PSS_SHA256,
                    _ => &sig::RSA_PKCS1_SHA256,
                };
                let mut out = vec![0u8; kp.public_modulus_len()];
                kp.sign(padding, &SystemRandom::new(), tbs, &mut out)
                    .map_err(err)?;
                Ok(out)
            }
            Inner::MlDsa(kp) => {
                let mut out = vec![0u8; kp.algorithm().signature_len()];
                let n = kp.sign(tbs, &mut out).map_err(err)?;
                out.truncate(n);
                Ok(out)
            }
        }
    }
}

/// Reads the `privateKey` OCTET STRING content of a PKCS#8 PrivateKeyInfo
/// whose algorithm is `expected` (compared as the whole AlgorithmIdentifier).
fn pkcs8_private_key<'a>(pkcs8: &'a [u8], expected: &[u8]) -> Result<&'a [u8], PkiError> {
    use super::der_reader::read_tlv;
    let bad = PkiError::KeyRejected;
    let (tag, body, rest) = read_tlv(pkcs8).map_err(|_| bad)?;
    if tag != der::tag::SEQUENCE || !rest.is_empty() {
        return Err(bad);
    }
    let (tag, version, body) = read_tlv(body).map_err(|_| bad)?;
    if tag != der::tag::INTEGER || version != [0] {
        return Err(bad);
    }
    let algorithm_len = body.len();
    let (tag, _, after_alg) = read_tlv(body).map_err(|_| bad)?;
    let alg_tlv = body
        .get(..algorithm_len.saturating_sub(after_alg.len()))
        .ok_or(bad)?;
    if tag != der::tag::SEQUENCE || alg_tlv != expected {
        return Err(bad);
    }
    let (tag, key, _attributes) = read_tlv(after_alg).map_err(|_| bad)?;
    if tag != der::tag::OCTET_STRING {
        return Err(bad);
    }
    Ok(key)
}

/// The PKCS#8 of a [`KeyType::RsaPss2048`] key: the RSAPrivateKey from
/// aws-lc-rs's rsaEncryption PKCS#8 under an id-RSASSA-PSS identifier.
fn rewrap_rsa_pkcs8_as_pss(rsa_pkcs8: &[u8]) -> Result<Zeroizing<Vec<u8>>, PkiError> {
    let rsa_alg = sequence(&[&const_oid(oids::RSA_ENCRYPTION), &null()]);
    let key = pkcs8_private_key(rsa_pkcs8, &rsa_alg).map_err(|_| PkiError::KeyGeneration)?;
    let key = Zeroizing::new(octet_string(key));
    let pss_alg = sequence(&[&const_oid(oids::RSASSA_PSS)]);
    Ok(Zeroizing::new(sequence(&[
        &der::integer_u64(0),
        &pss_alg,
        &key,
    ])))
}

/// The RSAPrivateKey inside an id-RSASSA-PSS PKCS#8 (parameters absent).
fn pss_pkcs8_private_key(pkcs8: &[u8]) -> Result<&[u8], PkiError> {
    pkcs8_private_key(pkcs8, &sequence(&[&const_oid(oids::RSASSA_PSS)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_oids_encode() {
        for arcs in [
            oids::EC_PUBLIC_KEY,
            oids::P256,
            oids::P384,
            oids::P521,
            oids::ED25519,
            oids::RSA_ENCRYPTION,
            oids::RSASSA_PSS,
            oids::MGF1,
            oids::SHA256_WITH_RSA,
            oids::SHA256,
            oids::ECDSA_SHA256,
            oids::ECDSA_SHA384,
            oids::ECDSA_SHA512,
            oids::ML_DSA_44,
            oids::ML_DSA_65,
            oids::ML_DSA_87,
        ] {
            assert!(der::oid(arcs).is_ok(), "{arcs:?}");
        }
    }

    #[test]
    fn algorithm_identifiers_exact_bytes() {
        // The encodings webpki and OpenSSL use (RFC 5758, RFC 4055, RFC 9881).
        assert_eq!(
            SignatureAlgorithm::EcdsaSha256.algorithm_identifier_der(),
            [
                0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02
            ]
        );
        assert_eq!(
            SignatureAlgorithm::Ed25519.algorithm_identifier_der(),
            [0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70]
        );
        assert_eq!(
            SignatureAlgorithm::RsaPkcs1Sha256.algorithm_identifier_der(),
            [
                0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05,
                0x00
            ]
        );
        let pss: [u8; 67] = [
            0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30,
            0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
            0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
            0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
            0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20,
        ];
        assert_eq!(
            SignatureAlgorithm::RsaPssSha256.algorithm_identifier_der(),
            pss
        );
        assert_eq!(
            SignatureAlgorithm::MlDsa65.algorithm_identifier_der(),
            [
                0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12
            ]
        );
    }

    #[test]
    fn spki_shapes() {
        let k = KeyPair::generate(KeyType::EcdsaP256).unwrap();
        let spki = k.spki_der();
        // SEQ(89) { SEQ(19) { ecPublicKey, prime256v1 }, BIT STRING(66) { 0, 04 || X || Y } }
        assert_eq!(spki.len(), 91);
        assert_eq!(&spki[..4], [0x30, 0x59, 0x30, 0x13]);
        assert_eq!(&spki[23..27], [0x03, 0x42, 0x00, 0x04]);
        let k = KeyPair::generate(KeyType::Ed25519).unwrap();
        let spki = k.spki_der();
        assert_eq!(
            &spki[..12],
            [
                0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
            ]
        );
        assert_eq!(spki.len(), 44);
        let k = KeyPair::generate(KeyType::MlDsa44).unwrap();
        assert_eq!(k.public_key_bits().len(), 1312);
        assert_eq!(k.key_identifier().len(), 20);
    }

    #[test]
    fn signature_algorithm_choice() {
        let k = KeyPair::generate(KeyType::Ed25519).unwrap();
        assert_eq!(
            k.with_signature_algorithm(SignatureAlgorithm::RsaPssSha256)
                .unwrap_err(),
            PkiError::AlgorithmMismatch
        );
        let k = KeyPair::generate(KeyType::Rsa2048).unwrap();
        assert_eq!(k.signature_algorithm(), SignatureAlgorithm::RsaPkcs1Sha256);
        let k = k
            .with_signature_algorithm(SignatureAlgorithm::RsaPssSha256)
            .unwrap();
        assert_eq!(k.signature_algorithm(), SignatureAlgorithm::RsaPssSha256);
        let sig = k.sign(b"tbs").unwrap();
        let pk = sig::UnparsedPublicKey::new(&sig::RSA_PSS_2048_8192_SHA256, k.public_key_bits());
        pk.verify(b"tbs", &sig).unwrap();
        let pk = sig::UnparsedPublicKey::new(&sig::RSA_PKCS1_2048_8192_SHA256, k.public_key_bits());
        assert!(pk.verify(b"tbs", &sig).is_err());
    }

    #[test]
    fn pkcs8_round_trip_and_debug_hides_key() {
        for t in [
            KeyType::EcdsaP384,
            KeyType::Ed25519,
            KeyType::MlDsa65,
            KeyType::RsaPss2048,
        ] {
            let k = KeyPair::generate(t).unwrap();
            let again = KeyPair::from_pkcs8(t, k.pkcs8_der()).unwrap();
            assert_eq!(again.spki_der(), k.spki_der(), "{t:?}");
            assert_eq!(again.pkcs8_der(), k.pkcs8_der());
            let dbg = alloc::format!("{k:?}");
            assert!(!dbg.contains("pkcs8") && !dbg.contains("inner"), "{dbg}");
        }
        let k = KeyPair::generate(KeyType::EcdsaP256).unwrap();
        assert_eq!(
            KeyPair::from_pkcs8(KeyType::EcdsaP384, k.pkcs8_der()).unwrap_err(),
            PkiError::KeyRejected
        );
        assert_eq!(
            KeyPair::from_pkcs8(KeyType::RsaPss2048, k.pkcs8_der()).unwrap_err(),
            PkiError::KeyRejected
        );
        let pem = k.private_key_pem();
        let blocks = pem::decode_all(pem.as_str()).unwrap();
        assert_eq!(blocks[0].0, "PRIVATE KEY");
        assert_eq!(blocks[0].1.as_slice(), k.pkcs8_der());
    }

    #[test]
    fn rsa_pss_pkcs8_wraps_rsa_private_key() {
        let k = KeyPair::generate(KeyType::RsaPss2048).unwrap();
        // PrivateKeyInfo { 0, { id-RSASSA-PSS }, OCTET STRING { RSAPrivateKey } }
        let inner = pss_pkcs8_private_key(k.pkcs8_der()).unwrap();
        let rsa = RsaKeyPair::from_der(inner).unwrap();
        assert_eq!(rsa.public_key().as_ref(), k.public_key_bits().as_slice());
        assert_eq!(
            &k.spki_der()[4..17],
            [
                0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a
            ]
        );
        assert_eq!(
            k.with_signature_algorithm(SignatureAlgorithm::RsaPkcs1Sha256)
                .unwrap_err(),
            PkiError::AlgorithmMismatch
        );
    }
}
