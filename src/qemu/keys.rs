//! Private key files as `gnutls_x509_privkey_import2` reads them for QEMU:
//! PEM PKCS#8 (`PRIVATE KEY`), PKCS#1 RSA (`RSA PRIVATE KEY`), SEC1 EC
//! (`EC PRIVATE KEY`, what certtool writes by default) and encrypted PKCS#8
//! (`ENCRYPTED PRIVATE KEY`: PBES2 with PBKDF2 or scrypt and AES-CBC).
//!
//! Everything is turned into unencrypted PKCS#8 DER for the provider's
//! `load_signing_key`. Failures carry no detail: QEMU prints only
//! `Unable to import private key <path>` whatever went wrong (§5.3).

use crate::pki::der_writer as w;
use crate::provider::aws_lc::verify::der::{self, Der};
use crate::provider::aws_lc::verify::oid;
use alloc::vec::Vec;
use aws_lc_rs::cipher::{
    AES_128, AES_192, AES_256, DecryptingKey, DecryptionContext, UnboundCipherKey,
};
use core::num::NonZeroU32;
use zeroize::Zeroizing;

/// Why a key could not be imported (never shown to users; QEMU has one message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyImportError {
    /// No private key block, or a PEM error.
    NotFound,
    /// The key structure does not decode.
    Malformed,
    /// The key is encrypted and no password was given.
    PasswordRequired,
    /// Decryption failed (wrong password, or corrupted data).
    Decrypt,
    /// An encryption or key-derivation scheme we do not implement.
    Unsupported,
}

const PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
const PBKDF2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c];
const SCRYPT: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b];
const HMAC_SHA1: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x07];
const HMAC_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09];
const HMAC_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x0a];
const HMAC_SHA512: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x0b];
const AES128_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x02];
const AES192_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x16];
const AES256_CBC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a];
/// Universal tag OBJECT IDENTIFIER (for re-encoding curve OIDs).
const TAG_OID: u8 = 0x06;
/// ECPrivateKey.parameters, [0] EXPLICIT.
const TAG_EC_PARAMS: u8 = 0xa0;

/// Upper bound on PBKDF2 iterations: far above any tool's default (OpenSSL
/// 2048, GnuTLS 600000 in 3.8), low enough that a hostile file cannot hang a load.
const MAX_PBKDF2_ITERATIONS: usize = 10_000_000;
/// Upper bound on scrypt memory (128·N·r bytes); OpenSSL's own default cap is 32 MiB.
const MAX_SCRYPT_MEMORY: u64 = 256 << 20;

/// Reads a PEM key file into PKCS#8 DER, decrypting with `password` when
/// the key is encrypted. Like GnuTLS, the first private key block decides.
pub fn import_private_key(
    pem_text: &[u8],
    password: Option<&str>,
) -> Result<Zeroizing<Vec<u8>>, KeyImportError> {
    let blocks = crate::pem::decode_all(pem_text).map_err(|_| KeyImportError::NotFound)?;
    let mut ec_params: Option<Vec<u8>> = None;
    for (label, body) in &blocks {
        match label.as_str() {
            "EC PARAMETERS" => ec_params = Some(body.to_vec()),
            "PRIVATE KEY" => return Ok(Zeroizing::new(body.to_vec())),
            "RSA PRIVATE KEY" => return rsa_pkcs1_to_pkcs8(body),
            "EC PRIVATE KEY" => return sec1_to_pkcs8(body, ec_params.as_deref()),
            "ENCRYPTED PRIVATE KEY" => {
                let password = password.ok_or(KeyImportError::PasswordRequired)?;
                return decrypt_pkcs8(body, password.as_bytes());
            }
            _ => {}
        }
    }
    Err(KeyImportError::NotFound)
}

/// PKCS#1 RSAPrivateKey → PKCS#8 with rsaEncryption.
fn rsa_pkcs1_to_pkcs8(pkcs1: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyImportError> {
    // Only the outer shape is checked here; the provider parses the rest.
    der::single(pkcs1, der::SEQUENCE).map_err(|_| KeyImportError::Malformed)?;
    let alg = w::sequence(&[&w::tlv(TAG_OID, oid::RSA_ENCRYPTION), &w::null()]);
    Ok(wrap_pkcs8(&alg, pkcs1))
}

/// SEC1 ECPrivateKey → PKCS#8 with id-ecPublicKey and the named curve
/// (from the key's own parameters, else a preceding `EC PARAMETERS` block).
fn sec1_to_pkcs8(
    sec1: &[u8],
    pem_params: Option<&[u8]>,
) -> Result<Zeroizing<Vec<u8>>, KeyImportError> {
    let bad = |_| KeyImportError::Malformed;
    let mut d = Der::new(der::single(sec1, der::SEQUENCE).map_err(bad)?);
    let _version = d.read(der::INTEGER).map_err(bad)?;
    let _key = d.read(der::OCTET_STRING).map_err(bad)?;
    let curve_oid = match d.read_optional(TAG_EC_PARAMS).map_err(bad)? {
        Some(params) => der::single(params, der::OID).map_err(bad)?.to_vec(),
        None => {
            let p = pem_params.ok_or(KeyImportError::Malformed)?;
            der::single(p, der::OID).map_err(bad)?.to_vec()
        }
    };
    let alg = w::sequence(&[
        &w::tlv(TAG_OID, oid::EC_PUBLIC_KEY),
        &w::tlv(TAG_OID, &curve_oid),
    ]);
    Ok(wrap_pkcs8(&alg, sec1))
}

fn wrap_pkcs8(alg: &[u8], private_key: &[u8]) -> Zeroizing<Vec<u8>> {
    let version = w::integer_u64(0);
    let key = Zeroizing::new(w::octet_string(private_key));
    Zeroizing::new(w::sequence(&[&version, alg, &key]))
}

/// Key derivation parameters of PBES2.
enum Kdf<'a> {
    Pbkdf2 {
        salt: &'a [u8],
        iterations: NonZeroU32,
        prf: aws_lc_rs::pbkdf2::Algorithm,
    },
    Scrypt {
        salt: &'a [u8],
        log_n: u8,
        r: u32,
        p: u32,
    },
}

/// EncryptedPrivateKeyInfo with PBES2 (RFC 8018 §6.2) → PKCS#8 DER.
fn decrypt_pkcs8(epki: &[u8], password: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyImportError> {
    let bad = |_| KeyImportError::Malformed;
    let mut top = Der::new(der::single(epki, der::SEQUENCE).map_err(bad)?);
    let mut alg = Der::new(top.read(der::SEQUENCE).map_err(bad)?);
    let data = top.read(der::OCTET_STRING).map_err(bad)?;
    top.finish().map_err(bad)?;
    if alg.read(der::OID).map_err(bad)? != PBES2 {
        // PBES1 and PKCS#12 PBE schemes (DES, RC2, 3DES with SHA-1) are obsolete.
        return Err(KeyImportError::Unsupported);
    }
    let mut params = Der::new(alg.read(der::SEQUENCE).map_err(bad)?);
    alg.finish().map_err(bad)?;
    let mut kdf_alg = Der::new(params.read(der::SEQUENCE).map_err(bad)?);
    let mut enc_alg = Der::new(params.read(der::SEQUENCE).map_err(bad)?);
    params.finish().map_err(bad)?;

    let enc_oid = enc_alg.read(der::OID).map_err(bad)?;
    let iv = enc_alg.read(der::OCTET_STRING).map_err(bad)?;
    enc_alg.finish().map_err(bad)?;
    let (cipher, key_len) = match enc_oid {
        AES128_CBC => (&AES_128, 16),
        AES192_CBC => (&AES_192, 24),
        AES256_CBC => (&AES_256, 32),
        _ => return Err(KeyImportError::Unsupported),
    };
    let iv: [u8; 16] = iv.try_into().map_err(|_| KeyImportError::Malformed)?;

    let kdf_oid = kdf_alg.read(der::OID).map_err(bad)?;
    let mut kp = Der::new(kdf_alg.read(der::SEQUENCE).map_err(bad)?);
    kdf_alg.finish().map_err(bad)?;
    let small = |v: &[u8]| der::small_uint(v).map_err(|_| KeyImportError::Malformed);
    let kdf = match kdf_oid {
        PBKDF2 => {
            let salt = kp.read(der::OCTET_STRING).map_err(bad)?;
            let iterations = small(kp.read(der::INTEGER).map_err(bad)?)?;
            if let Some(len) = kp.read_optional(der::INTEGER).map_err(bad)? {
                if small(len)? != key_len {
                    return Err(KeyImportError::Malformed);
                }
            }
            // RFC 8018 §A.2: prf DEFAULT algid-hmacWithSHA1.
            let prf = match kp.read_optional(der::SEQUENCE).map_err(bad)? {
                None => aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA1,
                Some(prf) => {
                    let mut p = Der::new(prf);
                    let o = p.read(der::OID).map_err(bad)?;
                    // Parameters are NULL or absent.
                    let _ = p.read_optional(der::NULL).map_err(bad)?;
                    p.finish().map_err(bad)?;
                    match o {
                        HMAC_SHA1 => aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA1,
                        HMAC_SHA256 => aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA256,
                        HMAC_SHA384 => aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA384,
                        HMAC_SHA512 => aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA512,
                        _ => return Err(KeyImportError::Unsupported),
                    }
                }
            };
            kp.finish().map_err(bad)?;
            if iterations > MAX_PBKDF2_ITERATIONS {
                return Err(KeyImportError::Unsupported);
            }
            let iterations = u32::try_from(iterations)
                .ok()
                .and_then(NonZeroU32::new)
                .ok_or(KeyImportError::Malformed)?;
            Kdf::Pbkdf2 {
                salt,
                iterations,
                prf,
            }
        }
        SCRYPT => {
            // RFC 7914 §7: salt, costParameter, blockSize, parallelizationParameter, keyLength OPTIONAL.
            let salt = kp.read(der::OCTET_STRING).map_err(bad)?;
            let n = small(kp.read(der::INTEGER).map_err(bad)?)?;
            let r = small(kp.read(der::INTEGER).map_err(bad)?)?;
            let p = small(kp.read(der::INTEGER).map_err(bad)?)?;
            if let Some(len) = kp.read_optional(der::INTEGER).map_err(bad)? {
                if small(len)? != key_len {
                    return Err(KeyImportError::Malformed);
                }
            }
            kp.finish().map_err(bad)?;
            if n < 2 || !n.is_power_of_two() {
                return Err(KeyImportError::Malformed);
            }
            let memory = 128u64
                .saturating_mul(u64::try_from(n).unwrap_or(u64::MAX))
                .saturating_mul(u64::try_from(r).unwrap_or(u64::MAX));
            if memory > MAX_SCRYPT_MEMORY || p > 16 {
                return Err(KeyImportError::Unsupported);
            }
            let log_n = u8::try_from(n.trailing_zeros()).map_err(|_| KeyImportError::Malformed)?;
            Kdf::Scrypt {
                salt,
                log_n,
                r: u32::try_from(r).map_err(|_| KeyImportError::Malformed)?,
                p: u32::try_from(p).map_err(|_| KeyImportError::Malformed)?,
            }
        }
        _ => return Err(KeyImportError::Unsupported),
    };

    let mut key = Zeroizing::new([0u8; 32]);
    let key = key.get_mut(..key_len).ok_or(KeyImportError::Malformed)?;
    match kdf {
        Kdf::Pbkdf2 {
            salt,
            iterations,
            prf,
        } => aws_lc_rs::pbkdf2::derive(prf, iterations, salt, password, key),
        Kdf::Scrypt { salt, log_n, r, p } => {
            let params = scrypt::Params::new(log_n, r, p, key_len)
                .map_err(|_| KeyImportError::Unsupported)?;
            scrypt::scrypt(password, salt, &params, key).map_err(|_| KeyImportError::Malformed)?;
        }
    }

    if data.is_empty() || data.len() % 16 != 0 {
        return Err(KeyImportError::Malformed);
    }
    let mut buf = Zeroizing::new(data.to_vec());
    let unbound = UnboundCipherKey::new(cipher, key).map_err(|_| KeyImportError::Decrypt)?;
    let dec = DecryptingKey::cbc(unbound).map_err(|_| KeyImportError::Decrypt)?;
    let len = dec
        .decrypt(&mut buf, DecryptionContext::Iv128(iv.into()))
        .map_err(|_| KeyImportError::Decrypt)?
        .len();
    buf.truncate(len);
    // RFC 8018 §6.2.2 / PKCS#7 padding, checked in full: a wrong password
    // almost always shows up here.
    let pad = usize::from(buf.last().copied().unwrap_or(0));
    if pad == 0 || pad > 16 || pad > buf.len() {
        return Err(KeyImportError::Decrypt);
    }
    let body_len = buf.len().saturating_sub(pad);
    if !buf
        .get(body_len..)
        .is_some_and(|tail| tail.iter().all(|b| usize::from(*b) == pad))
    {
        return Err(KeyImportError::Decrypt);
    }
    buf.truncate(body_len);
    der::single(&buf, der::SEQUENCE).map_err(|_| KeyImportError::Decrypt)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::CryptoProvider;
    use alloc::string::String;
    use alloc::vec;

    fn provider() -> crate::provider::aws_lc::AwsLcProvider {
        crate::provider::aws_lc::AwsLcProvider::new()
    }

    fn openssl(args: &[&str], stdin: &[u8]) -> Option<Vec<u8>> {
        use std::io::Write;
        let mut child = std::process::Command::new("openssl")
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        child.stdin.take()?.write_all(stdin).ok()?;
        let out = child.wait_with_output().ok()?;
        out.status.success().then_some(out.stdout)
    }

    #[test]
    fn legacy_forms_become_pkcs8() {
        // Without openssl, the conversions are still covered by the
        // credential-directory tests that use src/pki keys.
        let Some(ec) = openssl(&["ecparam", "-name", "prime256v1", "-genkey"], b"") else {
            return;
        };
        // `ecparam -genkey` writes EC PARAMETERS then a SEC1 key.
        let k = import_private_key(&ec, None).unwrap();
        provider().load_signing_key(&k).unwrap();
        // Without the parameters block and with them in the key: both load.
        let sec1 = openssl(&["ec"], &ec).unwrap();
        let k2 = import_private_key(&sec1, None).unwrap();
        assert_eq!(
            provider().load_signing_key(&k2).unwrap().public_key_spki(),
            provider().load_signing_key(&k).unwrap().public_key_spki()
        );
        let rsa = openssl(&["genrsa", "2048"], b"").unwrap();
        let pkcs1 = openssl(&["rsa", "-traditional"], &rsa).unwrap();
        assert!(String::from_utf8_lossy(&pkcs1).contains("BEGIN RSA PRIVATE KEY"));
        let k = import_private_key(&pkcs1, None).unwrap();
        provider().load_signing_key(&k).unwrap();
    }

    #[test]
    fn certtool_default_keys_load() {
        // certtool writes SEC1 and PKCS#1 by default (with a text preamble).
        for args in [
            &["--generate-privkey", "--key-type=ecdsa"][..],
            &["--generate-privkey", "--key-type=rsa", "--bits=2048"][..],
            &["--generate-privkey", "--key-type=ed25519"][..],
        ] {
            let Ok(out) = std::process::Command::new("certtool").args(args).output() else {
                return;
            };
            assert!(out.status.success());
            let k = import_private_key(&out.stdout, None).unwrap();
            provider().load_signing_key(&k).unwrap();
        }
    }

    #[test]
    fn encrypted_pkcs8_pbkdf2_and_scrypt() {
        let Some(plain) = openssl(&["genpkey", "-algorithm", "ed25519"], b"") else {
            return;
        };
        let reference = import_private_key(&plain, None).unwrap();
        for extra in [
            &["-v2", "aes-256-cbc"][..],
            &["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA512"][..],
            &["-v2", "aes-192-cbc", "-scrypt", "-scrypt_N", "1024"][..],
        ] {
            let mut args = vec!["pkcs8", "-topk8", "-passout", "pass:sekrit"];
            args.extend_from_slice(extra);
            let enc = openssl(&args, &plain).unwrap();
            assert!(String::from_utf8_lossy(&enc).contains("ENCRYPTED PRIVATE KEY"));
            assert_eq!(
                import_private_key(&enc, Some("sekrit")).unwrap().as_slice(),
                reference.as_slice(),
                "{extra:?}"
            );
            assert_eq!(
                import_private_key(&enc, None),
                Err(KeyImportError::PasswordRequired)
            );
            assert!(import_private_key(&enc, Some("wrong")).is_err());
        }
    }

    #[test]
    fn garbage_never_panics() {
        for input in [
            &b""[..],
            b"-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n",
            b"-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----\n",
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n",
            b"-----BEGIN RSA PRIVATE KEY-----\nAgEA\n-----END RSA PRIVATE KEY-----\n",
        ] {
            assert!(import_private_key(input, Some("x")).is_err());
        }
    }
}
