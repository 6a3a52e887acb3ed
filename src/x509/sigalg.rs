//! Certificate and CRL signature algorithms: from an AlgorithmIdentifier and
//! the issuer's public key to the provider's [`SignatureAlgorithm`], with
//! the policy on weak algorithms (MD5 always refused; SHA-1 only when the
//! caller allows it; RSA keys below the profile's minimum size).

use super::asn1::{self, Der, Malformed, tag};
use super::cert::PublicKeyInfo;
use super::error::Reason;
use super::oid;
use crate::codec::enums::SignatureScheme;
use crate::provider::{
    CryptoProvider, EcCurve, EcdsaEncoding, HashAlgorithm, MlDsaLevel, SignatureAlgorithm,
};

/// An AlgorithmIdentifier: OID content and optional parameters TLV.
#[derive(Debug, Clone, Copy)]
struct AlgorithmId<'a> {
    oid: &'a [u8],
    params: Option<asn1::Tlv<'a>>,
}

fn algorithm_id(raw: &[u8]) -> Result<AlgorithmId<'_>, Malformed> {
    let mut d = Der::single(raw, tag::SEQUENCE)?;
    let oid = d.expect(tag::OID)?.value;
    let params = if d.is_empty() { None } else { Some(d.any()?) };
    d.finish()?;
    Ok(AlgorithmId { oid, params })
}

fn params_absent_or_null(alg: &AlgorithmId<'_>) -> bool {
    match &alg.params {
        None => true,
        Some(p) => p.tag == tag::NULL && p.value.is_empty(),
    }
}

fn hash_from_oid(o: &[u8]) -> Option<HashAlgorithm> {
    match o {
        oid::SHA1 => Some(HashAlgorithm::Sha1),
        oid::SHA256 => Some(HashAlgorithm::Sha256),
        oid::SHA384 => Some(HashAlgorithm::Sha384),
        oid::SHA512 => Some(HashAlgorithm::Sha512),
        _ => None,
    }
}

/// RSASSA-PSS-params (RFC 4055 §3.1): hash, MGF1 hash, salt length.
fn pss_params(params: Option<asn1::Tlv<'_>>) -> Result<SignatureAlgorithm, Reason> {
    let unsupported = |_: Malformed| Reason::UnsupportedAlgorithm;
    let p = params.ok_or(Reason::UnsupportedAlgorithm)?;
    if p.tag != tag::SEQUENCE {
        return Err(Reason::UnsupportedAlgorithm);
    }
    let mut d = Der::new(p.value);
    // The DEFAULTs (SHA-1, MGF1-SHA-1, 20) are SHA-1 based.
    let mut hash = HashAlgorithm::Sha1;
    let mut mgf_hash = HashAlgorithm::Sha1;
    let mut salt_len = 20u64;
    if let Some(h) = d.optional(tag::explicit(0)).map_err(unsupported)? {
        let mut inner = Der::new(h.value);
        let alg = algorithm_id(inner.expect(tag::SEQUENCE).map_err(unsupported)?.raw)
            .map_err(unsupported)?;
        inner.finish().map_err(unsupported)?;
        if !params_absent_or_null(&alg) {
            return Err(Reason::UnsupportedAlgorithm);
        }
        hash = hash_from_oid(alg.oid).ok_or(Reason::UnsupportedAlgorithm)?;
    }
    if let Some(m) = d.optional(tag::explicit(1)).map_err(unsupported)? {
        let mut inner = Der::new(m.value);
        let alg = algorithm_id(inner.expect(tag::SEQUENCE).map_err(unsupported)?.raw)
            .map_err(unsupported)?;
        inner.finish().map_err(unsupported)?;
        if alg.oid != oid::MGF1 {
            return Err(Reason::UnsupportedAlgorithm);
        }
        let mgf_alg = match alg.params {
            Some(t) if t.tag == tag::SEQUENCE => algorithm_id(t.raw).map_err(unsupported)?,
            _ => return Err(Reason::UnsupportedAlgorithm),
        };
        if !params_absent_or_null(&mgf_alg) {
            return Err(Reason::UnsupportedAlgorithm);
        }
        mgf_hash = hash_from_oid(mgf_alg.oid).ok_or(Reason::UnsupportedAlgorithm)?;
    }
    if let Some(s) = d.optional(tag::explicit(2)).map_err(unsupported)? {
        let mut inner = Der::new(s.value);
        salt_len = asn1::small_uint(inner.expect(tag::INTEGER).map_err(unsupported)?.value)
            .map_err(unsupported)?;
        inner.finish().map_err(unsupported)?;
    }
    if let Some(t) = d.optional(tag::explicit(3)).map_err(unsupported)? {
        let mut inner = Der::new(t.value);
        // RFC 4055 §3.1: trailerField MUST be 1.
        if asn1::small_uint(inner.expect(tag::INTEGER).map_err(unsupported)?.value)
            .map_err(unsupported)?
            != 1
        {
            return Err(Reason::UnsupportedAlgorithm);
        }
        inner.finish().map_err(unsupported)?;
    }
    d.finish().map_err(unsupported)?;
    Ok(SignatureAlgorithm::RsaPss {
        hash,
        mgf_hash,
        salt_len: usize::try_from(salt_len).map_err(|_| Reason::UnsupportedAlgorithm)?,
    })
}

fn ec_curve(key: &PublicKeyInfo<'_>) -> Result<EcCurve, Reason> {
    if key.algorithm != oid::EC_PUBLIC_KEY {
        return Err(Reason::UnsupportedAlgorithm);
    }
    match key.params {
        Some(p) if p.tag == tag::OID => match p.value {
            oid::SECP256R1 => Ok(EcCurve::P256),
            oid::SECP384R1 => Ok(EcCurve::P384),
            oid::SECP521R1 => Ok(EcCurve::P521),
            _ => Err(Reason::UnsupportedAlgorithm),
        },
        // Explicit curve parameters (RFC 5480 §2.1.1: MUST NOT be used).
        _ => Err(Reason::UnsupportedAlgorithm),
    }
}

fn uses_sha1(alg: &SignatureAlgorithm) -> bool {
    match alg {
        SignatureAlgorithm::RsaPkcs1 { hash } | SignatureAlgorithm::Ecdsa { hash, .. } => {
            *hash == HashAlgorithm::Sha1
        }
        SignatureAlgorithm::RsaPss { hash, mgf_hash, .. } => {
            *hash == HashAlgorithm::Sha1 || *mgf_hash == HashAlgorithm::Sha1
        }
        SignatureAlgorithm::Ed25519 | SignatureAlgorithm::MlDsa(_) => false,
    }
}

/// Signature-algorithm policy.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AlgorithmPolicy {
    /// Accept SHA-1 based signatures.
    pub(crate) allow_sha1: bool,
    /// Smallest RSA modulus accepted, in bits.
    pub(crate) min_rsa_bits: usize,
}

/// The provider algorithm that checks a signature made with `alg_der` (an
/// AlgorithmIdentifier TLV) by the holder of `issuer_key`.
pub(crate) fn signature_algorithm(
    alg_der: &[u8],
    issuer_key: &PublicKeyInfo<'_>,
    policy: &AlgorithmPolicy,
) -> Result<SignatureAlgorithm, Reason> {
    let alg = algorithm_id(alg_der).map_err(|_| Reason::BadEncoding)?;
    let rsa_key = issuer_key.algorithm == oid::RSA_ENCRYPTION;
    let pkcs1 = |hash| -> Result<SignatureAlgorithm, Reason> {
        // RFC 4055 §5: the parameters are NULL (absence is tolerated, as
        // deployed software does).
        if !params_absent_or_null(&alg) {
            return Err(Reason::UnsupportedAlgorithm);
        }
        if !rsa_key {
            return Err(Reason::UnsupportedAlgorithm);
        }
        Ok(SignatureAlgorithm::RsaPkcs1 { hash })
    };
    let ecdsa = |hash| -> Result<SignatureAlgorithm, Reason> {
        // RFC 5758 §3.2: the parameters MUST be absent.
        if alg.params.is_some() {
            return Err(Reason::UnsupportedAlgorithm);
        }
        Ok(SignatureAlgorithm::Ecdsa {
            curve: ec_curve(issuer_key)?,
            hash,
            encoding: EcdsaEncoding::Der,
        })
    };
    let bare = |key_oid: &[u8], out: SignatureAlgorithm| -> Result<SignatureAlgorithm, Reason> {
        // RFC 8410 §3 / ML-DSA: parameters absent, key of the same algorithm.
        if alg.params.is_some() || issuer_key.algorithm != key_oid || issuer_key.params.is_some() {
            return Err(Reason::UnsupportedAlgorithm);
        }
        Ok(out)
    };
    let out = match alg.oid {
        oid::MD2_WITH_RSA | oid::MD5_WITH_RSA => return Err(Reason::InsecureAlgorithm),
        oid::SHA1_WITH_RSA => pkcs1(HashAlgorithm::Sha1)?,
        oid::SHA256_WITH_RSA => pkcs1(HashAlgorithm::Sha256)?,
        oid::SHA384_WITH_RSA => pkcs1(HashAlgorithm::Sha384)?,
        oid::SHA512_WITH_RSA => pkcs1(HashAlgorithm::Sha512)?,
        oid::RSASSA_PSS => {
            if !rsa_key && issuer_key.algorithm != oid::RSASSA_PSS {
                return Err(Reason::UnsupportedAlgorithm);
            }
            pss_params(alg.params)?
        }
        oid::ECDSA_WITH_SHA1 => ecdsa(HashAlgorithm::Sha1)?,
        oid::ECDSA_WITH_SHA256 => ecdsa(HashAlgorithm::Sha256)?,
        oid::ECDSA_WITH_SHA384 => ecdsa(HashAlgorithm::Sha384)?,
        oid::ECDSA_WITH_SHA512 => ecdsa(HashAlgorithm::Sha512)?,
        oid::ED25519 => bare(oid::ED25519, SignatureAlgorithm::Ed25519)?,
        oid::ML_DSA_44 => bare(
            oid::ML_DSA_44,
            SignatureAlgorithm::MlDsa(MlDsaLevel::MlDsa44),
        )?,
        oid::ML_DSA_65 => bare(
            oid::ML_DSA_65,
            SignatureAlgorithm::MlDsa(MlDsaLevel::MlDsa65),
        )?,
        oid::ML_DSA_87 => bare(
            oid::ML_DSA_87,
            SignatureAlgorithm::MlDsa(MlDsaLevel::MlDsa87),
        )?,
        oid::DSA_WITH_SHA1 | oid::ED448 => return Err(Reason::UnsupportedAlgorithm),
        _ => return Err(Reason::UnsupportedAlgorithm),
    };
    if uses_sha1(&out) && !policy.allow_sha1 {
        return Err(Reason::InsecureAlgorithm);
    }
    if let Some(bits) = issuer_key.rsa_modulus_bits() {
        if bits < policy.min_rsa_bits {
            return Err(Reason::InsecureAlgorithm);
        }
    }
    Ok(out)
}

/// Verifies `signature` over `message` (a TBS) made with `alg_der` by the
/// holder of `issuer_key`.
pub(crate) fn verify(
    provider: &dyn CryptoProvider,
    alg_der: &[u8],
    issuer_key: &PublicKeyInfo<'_>,
    message: &[u8],
    signature: &[u8],
    policy: &AlgorithmPolicy,
) -> Result<(), Reason> {
    let alg = signature_algorithm(alg_der, issuer_key, policy)?;
    provider
        .verify_signature(alg, issuer_key.raw, message, signature)
        .map_err(|e| match e {
            // The key does not fit the algorithm or is malformed.
            crate::error::CryptoError::Unsupported | crate::error::CryptoError::InvalidKey => {
                Reason::UnsupportedAlgorithm
            }
            _ => Reason::BadSignature,
        })
}

/// The TLS signature schemes that name a certificate signature algorithm
/// (for matching against signature_algorithms_cert, RFC 8446 §4.2.3).
/// An RSASSA-PSS signature is named by the rsae and pss schemes of its hash.
pub fn cert_signature_schemes(algorithm_identifier: &[u8]) -> &'static [SignatureScheme] {
    let Ok(alg) = algorithm_id(algorithm_identifier) else {
        return &[];
    };
    match alg.oid {
        oid::SHA256_WITH_RSA => &[SignatureScheme::RSA_PKCS1_SHA256],
        oid::SHA384_WITH_RSA => &[SignatureScheme::RSA_PKCS1_SHA384],
        oid::SHA512_WITH_RSA => &[SignatureScheme::RSA_PKCS1_SHA512],
        oid::SHA1_WITH_RSA => &[SignatureScheme::RSA_PKCS1_SHA1],
        oid::RSASSA_PSS => match pss_params(alg.params) {
            Ok(SignatureAlgorithm::RsaPss {
                hash: HashAlgorithm::Sha256,
                ..
            }) => &[
                SignatureScheme::RSA_PSS_RSAE_SHA256,
                SignatureScheme::RSA_PSS_PSS_SHA256,
            ],
            Ok(SignatureAlgorithm::RsaPss {
                hash: HashAlgorithm::Sha384,
                ..
            }) => &[
                SignatureScheme::RSA_PSS_RSAE_SHA384,
                SignatureScheme::RSA_PSS_PSS_SHA384,
            ],
            Ok(SignatureAlgorithm::RsaPss {
                hash: HashAlgorithm::Sha512,
                ..
            }) => &[
                SignatureScheme::RSA_PSS_RSAE_SHA512,
                SignatureScheme::RSA_PSS_PSS_SHA512,
            ],
            _ => &[],
        },
        oid::ECDSA_WITH_SHA1 => &[SignatureScheme::ECDSA_SHA1],
        oid::ECDSA_WITH_SHA256 => &[SignatureScheme::ECDSA_SECP256R1_SHA256],
        oid::ECDSA_WITH_SHA384 => &[SignatureScheme::ECDSA_SECP384R1_SHA384],
        oid::ECDSA_WITH_SHA512 => &[SignatureScheme::ECDSA_SECP521R1_SHA512],
        oid::ED25519 => &[SignatureScheme::ED25519],
        oid::ML_DSA_44 => &[SignatureScheme::MLDSA44],
        oid::ML_DSA_65 => &[SignatureScheme::MLDSA65],
        oid::ML_DSA_87 => &[SignatureScheme::MLDSA87],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSA_SPKI_PARAMS: &[u8] = &[0x05, 0x00];

    fn key(algorithm: &'static [u8], params: Option<&'static [u8]>) -> PublicKeyInfo<'static> {
        PublicKeyInfo {
            raw: &[],
            algorithm,
            params: params.map(|p| asn1::Tlv {
                tag: p.first().copied().unwrap_or(0),
                value: p.get(2..).unwrap_or(&[]),
                raw: p,
            }),
            key: &[],
        }
    }

    const POLICY: AlgorithmPolicy = AlgorithmPolicy {
        allow_sha1: false,
        min_rsa_bits: 0,
    };

    // sha256WithRSAEncryption with NULL parameters.
    const SHA256_RSA: &[u8] = &[
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
    ];
    // sha1WithRSAEncryption with NULL parameters.
    const SHA1_RSA: &[u8] = &[
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00,
    ];
    // RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32.
    const PSS_SHA256: &[u8] = &[
        0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x34,
        0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
        0x01, 0x08, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20,
    ];
    const ECDSA_SHA384: &[u8] = &[
        0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03,
    ];
    const ED25519_ALG: &[u8] = &[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70];
    const P256_PARAM: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

    #[test]
    fn maps_algorithms() {
        let rsa = key(oid::RSA_ENCRYPTION, Some(RSA_SPKI_PARAMS));
        assert_eq!(
            signature_algorithm(SHA256_RSA, &rsa, &POLICY),
            Ok(SignatureAlgorithm::RsaPkcs1 {
                hash: HashAlgorithm::Sha256
            })
        );
        assert_eq!(
            signature_algorithm(PSS_SHA256, &rsa, &POLICY),
            Ok(SignatureAlgorithm::RsaPss {
                hash: HashAlgorithm::Sha256,
                mgf_hash: HashAlgorithm::Sha256,
                salt_len: 32
            })
        );
        let p256 = key(oid::EC_PUBLIC_KEY, Some(P256_PARAM));
        assert_eq!(
            signature_algorithm(ECDSA_SHA384, &p256, &POLICY),
            Ok(SignatureAlgorithm::Ecdsa {
                curve: EcCurve::P256,
                hash: HashAlgorithm::Sha384,
                encoding: EcdsaEncoding::Der
            })
        );
        let ed = key(oid::ED25519, None);
        assert_eq!(
            signature_algorithm(ED25519_ALG, &ed, &POLICY),
            Ok(SignatureAlgorithm::Ed25519)
        );
        // Key and signature algorithm must agree.
        assert_eq!(
            signature_algorithm(ED25519_ALG, &rsa, &POLICY),
            Err(Reason::UnsupportedAlgorithm)
        );
        assert_eq!(
            signature_algorithm(SHA256_RSA, &p256, &POLICY),
            Err(Reason::UnsupportedAlgorithm)
        );
    }

    #[test]
    fn sha1_needs_policy() {
        let rsa = key(oid::RSA_ENCRYPTION, Some(RSA_SPKI_PARAMS));
        assert_eq!(
            signature_algorithm(SHA1_RSA, &rsa, &POLICY),
            Err(Reason::InsecureAlgorithm)
        );
        let lax = AlgorithmPolicy {
            allow_sha1: true,
            min_rsa_bits: 0,
        };
        assert_eq!(
            signature_algorithm(SHA1_RSA, &rsa, &lax),
            Ok(SignatureAlgorithm::RsaPkcs1 {
                hash: HashAlgorithm::Sha1
            })
        );
        // PSS with all defaults is SHA-1 based.
        let pss_default: &[u8] = &[
            0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30,
            0x00,
        ];
        assert_eq!(
            signature_algorithm(pss_default, &rsa, &POLICY),
            Err(Reason::InsecureAlgorithm)
        );
    }

    #[test]
    fn tls_schemes() {
        assert_eq!(
            cert_signature_schemes(PSS_SHA256),
            &[
                SignatureScheme::RSA_PSS_RSAE_SHA256,
                SignatureScheme::RSA_PSS_PSS_SHA256
            ]
        );
        assert_eq!(
            cert_signature_schemes(SHA256_RSA),
            &[SignatureScheme::RSA_PKCS1_SHA256]
        );
        assert_eq!(
            cert_signature_schemes(&[0x30, 0x00]),
            &[] as &[SignatureScheme]
        );
    }
}
