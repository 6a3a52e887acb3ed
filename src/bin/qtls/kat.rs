//! `qtls kat`: one JSON request a line on stdin, one JSON response a line on
//! stdout, so an outside runner can drive every primitive (hex byte strings).
//!
//! Responses: `{"ok":true,...}` with the op's outputs; `{"ok":false,"error":...}`
//! for rejected input (bad JSON or UTF-8, bad hex, wrong sizes, failed
//! decryption); `{"ok":false,"unsupported":true}` for an op or parameter qtls
//! lacks. `"ok"` always comes first, the outputs follow in name order. Every
//! non-blank line gets exactly one response line, in order; blank lines are
//! skipped. A bad line never stops the loop.
//!
//! Ops (field `op`), their fields and outputs; hashes are SHA-256, SHA-384,
//! SHA-512 (and SHA-1 for `hash`, `hmac`, `hkdf`), curves P-256, P-384, P-521:
//!
//! | op | fields | output |
//! |---|---|---|
//! | `aead_seal` | `alg` (AES-128-GCM, AES-256-GCM, CHACHA20-POLY1305, AES-128-CCM, AES-128-CCM-8), `key`, `nonce` (12 bytes), `aad`, `pt` | `out` = ct \|\| tag |
//! | `aead_open` | `alg`, `key`, `nonce`, `aad`, `ct` (with the tag) | `out` = pt |
//! | `hash` | `hash`, `data` | `out` |
//! | `hmac` | `hash`, `key`, `data` | `out` |
//! | `hkdf` | `hash`, `ikm`, `salt`, `info`, `len` (number) | `out` |
//! | `hkdf_extract` | `hash`, `salt`, `ikm` | `out` |
//! | `hkdf_expand_label` | `hash`, `secret`, `label` (text, without "tls13 "), `context`, `len` | `out` |
//! | `x25519` | `scalar` (32 bytes), `u` | `out` |
//! | `ecdh` | `curve`, `private` (big-endian integer), `public` (SEC1) | `out` |
//! | `ecdsa_verify` | `curve`, `hash`, `encoding` (der, p1363), `public` (SEC1), `msg`, `sig` | `valid` |
//! | `rsa_pss_verify` | `spki` (DER), `hash`, `mgf_hash`, `salt_len` (number), `msg`, `sig` | `valid` |
//! | `rsa_pkcs1_verify` | `spki`, `hash`, `msg`, `sig` | `valid` |
//! | `ed25519_verify` | `public`, `msg`, `sig` | `valid` |
//! | `mldsa_verify` | `param` (ML-DSA-44/65/87), `public`, `msg`, optional `ctx`, `sig` | `valid` |
//! | `mlkem_keygen` | `param` (ML-KEM-768/1024), `seed` (d \|\| z, 64 bytes) | `ek`, `dk` (expanded) |
//! | `mlkem_encaps` | `param`, `ek`, `m` (32 bytes) | `c`, `out` |
//! | `mlkem_decaps` | `param`, `seed`, `c` | `out` |
//!
//! A signature that does not verify, or a key unusable for the algorithm,
//! is `"valid":false`, not an error.

use crate::common::{hex_decode, hex_encode};
use qtls::error::CryptoError;
use qtls::provider::{
    AeadAlgorithm, CryptoProvider, EcCurve, EcdsaEncoding, HashAlgorithm, MlDsaLevel,
    SignatureAlgorithm,
};
use serde_json::{Map, Value};
use std::io::{BufRead, Write};

/// Why a request produced no result.
enum Fail {
    /// The input was rejected.
    Error(String),
    /// The op or a parameter is not implemented.
    Unsupported,
}

impl From<String> for Fail {
    fn from(s: String) -> Self {
        Fail::Error(s)
    }
}

type Res = Result<Map<String, Value>, Fail>;

pub fn run(_args: &[String]) -> i32 {
    let p = crate::common::provider();
    let mut stdin = std::io::stdin().lock();
    let mut out = std::io::stdout().lock();
    let mut raw = Vec::new();
    loop {
        raw.clear();
        // Bytes, not `lines()`: a line that is not UTF-8 must get an error
        // response, not end the loop.
        match stdin.read_until(b'\n', &mut raw) {
            Ok(0) => return 0,
            Ok(_) => {}
            Err(_) => return 1,
        }
        let resp = match std::str::from_utf8(&raw) {
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => respond(p.as_ref(), line.trim_end_matches(['\n', '\r'])),
            Err(_) => render_error("request is not UTF-8"),
        };
        if writeln!(out, "{resp}").and_then(|_| out.flush()).is_err() {
            return 1;
        }
    }
}

/// The response line (without newline) to one request line (public for
/// the `kat_request` fuzz target, which includes this file).
pub fn respond(p: &dyn CryptoProvider, line: &str) -> String {
    match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(req)) => match handle(p, &req) {
            Ok(fields) => render(true, fields),
            Err(Fail::Error(e)) => render_error(&e),
            Err(Fail::Unsupported) => {
                let mut m = Map::new();
                m.insert("unsupported".into(), Value::Bool(true));
                render(false, m)
            }
        },
        Ok(_) => render_error("request must be a JSON object"),
        Err(e) => render_error(&format!("invalid JSON: {e}")),
    }
}

/// `{"ok":<ok>,...fields}` with `"ok"` first (a `serde_json::Map` would
/// sort it among the fields).
fn render(ok: bool, fields: Map<String, Value>) -> String {
    let mut s = format!("{{\"ok\":{ok}");
    for (k, v) in fields {
        s.push(',');
        s.push_str(&Value::String(k).to_string());
        s.push(':');
        s.push_str(&v.to_string());
    }
    s.push('}');
    s
}

fn render_error(e: &str) -> String {
    let mut m = Map::new();
    m.insert("error".into(), Value::String(e.into()));
    render(false, m)
}

fn field<'a>(req: &'a Map<String, Value>, name: &str) -> Result<&'a str, Fail> {
    req.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| Fail::Error(format!("missing string field '{name}'")))
}

fn hex(req: &Map<String, Value>, name: &str) -> Result<Vec<u8>, Fail> {
    hex_decode(field(req, name)?).map_err(|e| Fail::Error(format!("field '{name}': {e}")))
}

fn num(req: &Map<String, Value>, name: &str) -> Result<usize, Fail> {
    req.get(name)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| Fail::Error(format!("missing numeric field '{name}'")))
}

fn out(pairs: &[(&str, Vec<u8>)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), Value::String(hex_encode(v))))
        .collect()
}

fn valid(v: bool) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("valid".into(), Value::Bool(v));
    m
}

fn hash_alg(name: &str) -> Result<HashAlgorithm, Fail> {
    match name {
        "SHA-256" => Ok(HashAlgorithm::Sha256),
        "SHA-384" => Ok(HashAlgorithm::Sha384),
        "SHA-512" => Ok(HashAlgorithm::Sha512),
        "SHA-1" => Ok(HashAlgorithm::Sha1),
        _ => Err(Fail::Unsupported),
    }
}

fn curve(name: &str) -> Result<EcCurve, Fail> {
    match name {
        "P-256" => Ok(EcCurve::P256),
        "P-384" => Ok(EcCurve::P384),
        "P-521" => Ok(EcCurve::P521),
        _ => Err(Fail::Unsupported),
    }
}

fn crypto(e: CryptoError) -> Fail {
    match e {
        CryptoError::Unsupported => Fail::Unsupported,
        other => Fail::Error(format!("{other:?}")),
    }
}

/// Signature checks answer valid:false for a wrong signature or an
/// unusable key, as a verifier would.
fn verdict(r: Result<(), CryptoError>) -> Res {
    match r {
        Ok(()) => Ok(valid(true)),
        Err(CryptoError::Unsupported) => Err(Fail::Unsupported),
        Err(_) => Ok(valid(false)),
    }
}

fn handle(p: &dyn CryptoProvider, req: &Map<String, Value>) -> Res {
    let op = field(req, "op")?;
    match op {
        "aead_seal" | "aead_open" => aead(p, req, op == "aead_seal"),
        "hash" => {
            let h = p
                .hash(hash_alg(field(req, "hash")?)?, &[&hex(req, "data")?])
                .map_err(crypto)?;
            Ok(out(&[("out", h.as_ref().to_vec())]))
        }
        "hmac" => {
            let h = p
                .hmac(
                    hash_alg(field(req, "hash")?)?,
                    &hex(req, "key")?,
                    &[&hex(req, "data")?],
                )
                .map_err(crypto)?;
            Ok(out(&[("out", h.as_ref().to_vec())]))
        }
        "hkdf_extract" => {
            let h = p
                .hkdf_extract(
                    hash_alg(field(req, "hash")?)?,
                    &hex(req, "salt")?,
                    &hex(req, "ikm")?,
                )
                .map_err(crypto)?;
            Ok(out(&[("out", h.as_ref().to_vec())]))
        }
        "hkdf" => {
            let alg = hash_alg(field(req, "hash")?)?;
            let len = num(req, "len")?;
            if len > 255 * alg.output_len() {
                return Err(Fail::Error("len exceeds 255 * hash length".into()));
            }
            let prk = p
                .hkdf_extract(alg, &hex(req, "salt")?, &hex(req, "ikm")?)
                .map_err(crypto)?;
            let mut o = vec![0u8; len];
            p.hkdf_expand(alg, prk.as_ref(), &[&hex(req, "info")?], &mut o)
                .map_err(crypto)?;
            Ok(out(&[("out", o)]))
        }
        "hkdf_expand_label" => {
            let alg = hash_alg(field(req, "hash")?)?;
            let len = num(req, "len")?;
            // Checked before allocating: `len` comes from the request.
            if len > 255 * alg.output_len() {
                return Err(Fail::Error("len exceeds 255 * hash length".into()));
            }
            let mut o = vec![0u8; len];
            qtls::key_schedule::hkdf_expand_label(
                p,
                alg,
                &hex(req, "secret")?,
                field(req, "label")?.as_bytes(),
                &hex(req, "context")?,
                &mut o,
            )
            .map_err(|e| Fail::Error(e.to_string()))?;
            Ok(out(&[("out", o)]))
        }
        "x25519" => {
            let scalar: [u8; 32] = hex(req, "scalar")?
                .try_into()
                .map_err(|_| Fail::Error("scalar must be 32 bytes".into()))?;
            let s = qtls::provider::aws_lc::x25519_with_scalar(&scalar, &hex(req, "u")?)
                .map_err(crypto)?;
            Ok(out(&[("out", s.as_bytes().to_vec())]))
        }
        "ecdh" => {
            let s = qtls::provider::aws_lc::ecdh_with_private(
                curve(field(req, "curve")?)?,
                &hex(req, "private")?,
                &hex(req, "public")?,
            )
            .map_err(crypto)?;
            Ok(out(&[("out", s.as_bytes().to_vec())]))
        }
        "ecdsa_verify" => {
            let c = curve(field(req, "curve")?)?;
            let encoding = match field(req, "encoding")? {
                "der" => EcdsaEncoding::Der,
                "p1363" => EcdsaEncoding::P1363,
                _ => return Err(Fail::Error("encoding must be der or p1363".into())),
            };
            let alg = SignatureAlgorithm::Ecdsa {
                curve: c,
                hash: hash_alg(field(req, "hash")?)?,
                encoding,
            };
            let spki = spki::ec(c, &hex(req, "public")?);
            verdict(p.verify_signature(alg, &spki, &hex(req, "msg")?, &hex(req, "sig")?))
        }
        "rsa_pss_verify" => {
            let alg = SignatureAlgorithm::RsaPss {
                hash: hash_alg(field(req, "hash")?)?,
                mgf_hash: hash_alg(field(req, "mgf_hash")?)?,
                salt_len: num(req, "salt_len")?,
            };
            verdict(p.verify_signature(
                alg,
                &hex(req, "spki")?,
                &hex(req, "msg")?,
                &hex(req, "sig")?,
            ))
        }
        "rsa_pkcs1_verify" => {
            let alg = SignatureAlgorithm::RsaPkcs1 {
                hash: hash_alg(field(req, "hash")?)?,
            };
            verdict(p.verify_signature(
                alg,
                &hex(req, "spki")?,
                &hex(req, "msg")?,
                &hex(req, "sig")?,
            ))
        }
        "ed25519_verify" => {
            let spki = spki::ed25519(&hex(req, "public")?);
            verdict(p.verify_signature(
                SignatureAlgorithm::Ed25519,
                &spki,
                &hex(req, "msg")?,
                &hex(req, "sig")?,
            ))
        }
        "mlkem_keygen" => {
            let level = mlkem_param(field(req, "param")?)?;
            let seed = seed64(req)?;
            let (ek, dk) = qtls::provider::aws_lc::mlkem_kat::keygen(level, &seed);
            Ok(out(&[("ek", ek), ("dk", dk.to_vec())]))
        }
        "mlkem_encaps" => {
            let level = mlkem_param(field(req, "param")?)?;
            let m: [u8; 32] = hex(req, "m")?
                .try_into()
                .map_err(|_| Fail::Error("m must be 32 bytes".into()))?;
            let (c, k) =
                qtls::provider::aws_lc::mlkem_kat::encapsulate(level, &hex(req, "ek")?, &m)
                    .map_err(crypto)?;
            Ok(out(&[("c", c), ("out", k.as_bytes().to_vec())]))
        }
        "mlkem_decaps" => {
            let level = mlkem_param(field(req, "param")?)?;
            let seed = seed64(req)?;
            let k = qtls::provider::aws_lc::mlkem_kat::decapsulate_with_seed(
                level,
                &seed,
                &hex(req, "c")?,
            )
            .map_err(crypto)?;
            Ok(out(&[("out", k.as_bytes().to_vec())]))
        }
        "mldsa_verify" => {
            let level = match field(req, "param")? {
                "ML-DSA-44" => MlDsaLevel::MlDsa44,
                "ML-DSA-65" => MlDsaLevel::MlDsa65,
                "ML-DSA-87" => MlDsaLevel::MlDsa87,
                _ => return Err(Fail::Unsupported),
            };
            let ctx = match req.get("ctx") {
                Some(_) => hex(req, "ctx")?,
                None => Vec::new(),
            };
            verdict(qtls::provider::aws_lc::verify_mldsa_with_context(
                level,
                &hex(req, "public")?,
                &hex(req, "msg")?,
                &ctx,
                &hex(req, "sig")?,
            ))
        }
        _ => Err(Fail::Unsupported),
    }
}

fn seed64(req: &Map<String, Value>) -> Result<[u8; 64], Fail> {
    hex(req, "seed")?
        .try_into()
        .map_err(|_| Fail::Error("seed must be 64 bytes (d || z)".into()))
}

fn mlkem_param(name: &str) -> Result<qtls::provider::aws_lc::mlkem_kat::MlKemLevel, Fail> {
    use qtls::provider::aws_lc::mlkem_kat::MlKemLevel;
    match name {
        "ML-KEM-768" => Ok(MlKemLevel::MlKem768),
        "ML-KEM-1024" => Ok(MlKemLevel::MlKem1024),
        _ => Err(Fail::Unsupported),
    }
}

fn aead(p: &dyn CryptoProvider, req: &Map<String, Value>, seal: bool) -> Res {
    let alg = match field(req, "alg")? {
        "AES-128-GCM" => AeadAlgorithm::Aes128Gcm,
        "AES-256-GCM" => AeadAlgorithm::Aes256Gcm,
        "CHACHA20-POLY1305" => AeadAlgorithm::Chacha20Poly1305,
        "AES-128-CCM" => AeadAlgorithm::Aes128Ccm,
        "AES-128-CCM-8" => AeadAlgorithm::Aes128Ccm8,
        _ => return Err(Fail::Unsupported),
    };
    let key = hex(req, "key")?;
    if key.len() != alg.key_len() {
        return Err(Fail::Error(format!("key must be {} bytes", alg.key_len())));
    }
    // TLS 1.3 uses 12-byte nonces only (RFC 8446 §5.3).
    let nonce: [u8; 12] = hex(req, "nonce")?
        .try_into()
        .map_err(|_| Fail::Error("nonce must be 12 bytes".into()))?;
    let aad = hex(req, "aad")?;
    let k = p.aead_key(alg, &key).map_err(crypto)?;
    if seal {
        let mut buf = hex(req, "pt")?;
        let mut tag = vec![0u8; alg.tag_len()];
        k.seal_in_place(&nonce, &aad, &mut buf, &mut tag)
            .map_err(crypto)?;
        buf.extend_from_slice(&tag);
        Ok(out(&[("out", buf)]))
    } else {
        let mut buf = hex(req, "ct")?;
        let n = k
            .open_in_place(&nonce, &aad, &mut buf)
            .map_err(|_| Fail::Error("authentication failed".into()))?;
        buf.truncate(n);
        Ok(out(&[("out", buf)]))
    }
}

/// SubjectPublicKeyInfo wrappers for raw public keys.
mod spki {
    use qtls::provider::EcCurve;

    fn der_len(n: usize, out: &mut Vec<u8>) {
        if n < 0x80 {
            out.push(n as u8);
        } else if n < 0x100 {
            out.extend_from_slice(&[0x81, n as u8]);
        } else {
            out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
        }
    }

    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        der_len(body.len(), &mut out);
        out.extend_from_slice(body);
        out
    }

    fn wrap(alg_id: &[u8], key: &[u8]) -> Vec<u8> {
        let mut bits = vec![0u8];
        bits.extend_from_slice(key);
        let mut body = tlv(0x30, alg_id);
        body.extend_from_slice(&tlv(0x03, &bits));
        tlv(0x30, &body)
    }

    pub fn ec(curve: EcCurve, point: &[u8]) -> Vec<u8> {
        const EC_PUBLIC_KEY: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
        let curve_oid: &[u8] = match curve {
            EcCurve::P256 => &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
            EcCurve::P384 => &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22],
            EcCurve::P521 => &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23],
        };
        let mut alg = EC_PUBLIC_KEY.to_vec();
        alg.extend_from_slice(curve_oid);
        wrap(&alg, point)
    }

    pub fn ed25519(key: &[u8]) -> Vec<u8> {
        wrap(&[0x06, 0x03, 0x2b, 0x65, 0x70], key)
    }
}
