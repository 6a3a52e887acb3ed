//! QEMU `secret` objects (reference §5): inline data or a file, optional
//! base64, optional AES-256-CBC decryption under another secret, with
//! QEMU's messages and its lax padding rule.
//!
//! AES-256-CBC comes from aws-lc-rs's raw (unpadded) CBC decryptor: QEMU
//! removes padding itself and checks only the last byte, so a padding-
//! checking decryptor would refuse inputs QEMU accepts.

use super::objects::Objects;
use super::{QemuError, Result, fsutil, qerr};
use alloc::string::String;
use alloc::vec::Vec;
use aws_lc_rs::cipher::{AES_256, DecryptingKey, DecryptionContext, UnboundCipherKey};
use core::fmt;
use zeroize::Zeroizing;

/// AES block length; also QEMU's padding ceiling.
const AES_BLOCK_LEN: usize = 16;
/// AES-256 key length QEMU requires of the `keyid` secret.
const AES_256_KEY_LEN: usize = 32;

/// The `format` property: how the provided data is encoded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SecretFormat {
    /// The bytes as given.
    #[default]
    Raw,
    /// Base64 (QEMU's strict character check, then GLib's lenient decoder).
    Base64,
}

/// The properties of a `secret` object before completion.
#[derive(Clone, Default)]
pub struct SecretSpec {
    /// `data`: the inline value.
    pub data: Option<Zeroizing<String>>,
    /// `file`: a file read whole, verbatim (no newline stripping).
    pub file: Option<String>,
    /// `format`.
    pub format: SecretFormat,
    /// `keyid`: id of a 32-byte secret used as the AES-256 key.
    pub keyid: Option<String>,
    /// `iv`: base64 of the 16-byte CBC IV (required with `keyid`).
    pub iv: Option<String>,
}

impl fmt::Debug for SecretSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretSpec")
            .field("data", &self.data.as_ref().map(|_| "<redacted>"))
            .field("file", &self.file)
            .field("format", &self.format)
            .field("keyid", &self.keyid)
            .field("iv", &self.iv)
            .finish()
    }
}

impl SecretSpec {
    /// A raw inline secret.
    pub fn data(data: &str) -> Self {
        Self {
            data: Some(Zeroizing::new(data.into())),
            ..Self::default()
        }
    }

    /// A raw secret read from `path`.
    pub fn file(path: &str) -> Self {
        Self {
            file: Some(path.into()),
            ..Self::default()
        }
    }
}

/// A completed secret: its decoded bytes, wiped on drop, never printed.
pub struct Secret {
    data: Option<Zeroizing<Vec<u8>>>,
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Secret {
    /// `qcrypto_secret_complete`: loads, decrypts and decodes `spec`,
    /// resolving `keyid` in `objects`.
    pub fn complete(spec: &SecretSpec, objects: &Objects) -> Result<Self> {
        let input = load_data(spec)?;
        let data = if let Some(keyid) = &spec.keyid {
            decrypt(spec, keyid, &input, objects)?
        } else if spec.format == SecretFormat::Base64 {
            qbase64_decode(&input)?
        } else {
            input
        };
        Ok(Self { data: Some(data) })
    }

    /// A secret holding `bytes` (for callers that already have the value).
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self {
            data: Some(Zeroizing::new(bytes.to_vec())),
        }
    }

    /// The secret bytes; `None` for an object that holds no data.
    pub fn data(&self) -> Option<&[u8]> {
        self.data.as_deref().map(Vec::as_slice)
    }

    #[cfg(test)]
    pub(crate) fn empty_for_test() -> Self {
        Self { data: None }
    }
}

/// `qcrypto_secret_load_data` of `secret` objects.
fn load_data(spec: &SecretSpec) -> Result<Zeroizing<Vec<u8>>> {
    match (&spec.file, &spec.data) {
        (Some(_), Some(_)) => qerr!("'file' and 'data' are mutually exclusive"),
        (Some(file), None) => fsutil::file_get_contents(file)
            .map(Zeroizing::new)
            .map_err(|m| QemuError::new(alloc::format!("Unable to read {file}: {m}"))),
        // QEMU keeps strlen(data) bytes; a Rust string has no NUL to stop at
        // unless the caller put one in, so honour that too.
        (None, Some(data)) => {
            let bytes = data.as_bytes();
            let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
            Ok(Zeroizing::new(bytes.get(..end).unwrap_or(&[]).to_vec()))
        }
        (None, None) => qerr!("Either 'file' or 'data' must be provided"),
    }
}

/// `qcrypto_secret_decrypt`: AES-256-CBC under secret `keyid` with the
/// spec's IV, then QEMU's lax padding removal.
fn decrypt(
    spec: &SecretSpec,
    keyid: &str,
    input: &[u8],
    objects: &Objects,
) -> Result<Zeroizing<Vec<u8>>> {
    let key = objects.secret_lookup(keyid)?;
    if key.len() != AES_256_KEY_LEN {
        return qerr!("Key should be 32 bytes in length");
    }
    let Some(iv_b64) = &spec.iv else {
        return qerr!("IV is required to decrypt secret");
    };
    let iv = qbase64_decode(iv_b64.as_bytes())?;
    let iv: [u8; AES_BLOCK_LEN] = match <[u8; AES_BLOCK_LEN]>::try_from(iv.as_slice()) {
        Ok(iv) => iv,
        Err(_) => return qerr!("IV should be 16 bytes in length not {}", iv.len()),
    };
    let mut buf = if spec.format == SecretFormat::Base64 {
        qbase64_decode(input)?
    } else {
        Zeroizing::new(input.to_vec())
    };
    // QEMU's cipher layer refuses partial blocks with this text.
    if buf.len() % AES_BLOCK_LEN != 0 {
        return qerr!(
            "Length {} must be a multiple of block size {AES_BLOCK_LEN}",
            buf.len()
        );
    }
    let cipher_failed = |_| QemuError::new("Cannot decrypt secret data");
    let unbound = UnboundCipherKey::new(&AES_256, &key).map_err(cipher_failed)?;
    let dec = DecryptingKey::cbc(unbound).map_err(cipher_failed)?;
    let plain_len = dec
        .decrypt(&mut buf, DecryptionContext::Iv128(iv.into()))
        .map_err(cipher_failed)?
        .len();
    buf.truncate(plain_len);
    // QEMU reads plaintext[len - 1] unchecked; an empty ciphertext would read
    // before the buffer there, here it is refused like a bad pad count.
    let pad = buf.last().copied().unwrap_or(0);
    let pad_len = usize::from(pad);
    if buf.is_empty() || pad_len > AES_BLOCK_LEN || pad_len > buf.len() {
        return qerr!("Incorrect number of padding bytes ({pad}) found on decrypted data");
    }
    // Only the count is checked, not the pad bytes, and 0 is accepted.
    let keep = buf.len().saturating_sub(pad_len);
    buf.truncate(keep);
    Ok(buf)
}

/// `qbase64_decode`: QEMU's character check, then GLib's decoder.
pub(crate) fn qbase64_decode(input: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    // Inputs here are always NUL-terminated C strings in QEMU, so "is not
    // NUL terminated" cannot arise; an embedded NUL can (file secrets).
    if input.contains(&0) {
        return qerr!("Base64 data contains embedded NUL characters");
    }
    let valid = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'\n');
    if !input.iter().all(valid) {
        return qerr!("Base64 data contains invalid characters");
    }
    Ok(glib_base64_decode(input))
}

/// GLib's `g_base64_decode`: skips characters outside the alphabet, emits
/// three bytes per four symbols minus one per trailing `=` of the quad, and
/// drops an incomplete final quad.
fn glib_base64_decode(input: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(input.len().saturating_mul(3) / 4));
    let mut acc: u32 = 0;
    let mut count = 0u8;
    let mut last0 = 0u8;
    for &c in input {
        let rank = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => 0,
            _ => continue,
        };
        let last1 = last0;
        last0 = c;
        acc = (acc << 6) | u32::from(rank);
        count = count.saturating_add(1);
        if count == 4 {
            let [_, b0, b1, b2] = acc.to_be_bytes();
            out.push(b0);
            if last1 != b'=' {
                out.push(b1);
            }
            if last0 != b'=' {
                out.push(b2);
            }
            count = 0;
            acc = 0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qemu::objects::Object;
    use aws_lc_rs::cipher::{EncryptingKey, EncryptionContext};

    const MASTER: [u8; 32] = *b"0123456789abcdef0123456789ABCDEF";
    const IV: [u8; 16] = *b"fedcba9876543210";

    fn b64(bytes: &[u8]) -> String {
        let pem = crate::pem::encode("X", bytes);
        pem.lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<Vec<_>>()
            .concat()
    }

    /// AES-256-CBC of `plain` (already padded to whole blocks) under MASTER/IV.
    fn encrypt(plain: &[u8]) -> Vec<u8> {
        let key = UnboundCipherKey::new(&AES_256, &MASTER).unwrap();
        let enc = EncryptingKey::cbc(key).unwrap();
        let mut buf = plain.to_vec();
        enc.less_safe_encrypt(&mut buf, EncryptionContext::Iv128(IV.into()))
            .unwrap();
        buf
    }

    fn registry_with_master() -> Objects {
        let objects = Objects::new();
        let mut spec = SecretSpec::data(&b64(&MASTER));
        spec.format = SecretFormat::Base64;
        objects.add_secret("secmaster", &spec).unwrap();
        objects
    }

    fn encrypted_spec(cipher: &[u8]) -> SecretSpec {
        SecretSpec {
            data: Some(Zeroizing::new(b64(cipher))),
            format: SecretFormat::Base64,
            keyid: Some("secmaster".into()),
            iv: Some(b64(&IV)),
            ..SecretSpec::default()
        }
    }

    fn err(spec: &SecretSpec, objects: &Objects) -> String {
        Secret::complete(spec, objects)
            .unwrap_err()
            .message()
            .into()
    }

    #[test]
    fn inline_and_base64() {
        let o = Objects::new();
        let s = Secret::complete(&SecretSpec::data("letmein"), &o).unwrap();
        assert_eq!(s.data().unwrap(), b"letmein");
        let mut spec = SecretSpec::data("bGV0bWVpbg==\n");
        spec.format = SecretFormat::Base64;
        assert_eq!(
            Secret::complete(&spec, &o).unwrap().data().unwrap(),
            b"letmein"
        );
        // GLib is lenient: missing padding drops the incomplete quad only.
        assert_eq!(&*glib_base64_decode(b"bGV0bWVpbg"), b"letmei");
        // '=' in the middle ends a quad early, decoding goes on after it.
        assert_eq!(&*glib_base64_decode(b"QQ==QUJD"), b"AABC");
    }

    #[test]
    fn file_is_verbatim() {
        let path = std::env::temp_dir().join(alloc::format!("qtls-secret-{}", std::process::id()));
        std::fs::write(&path, b"pw\n").unwrap();
        let p = path.to_str().unwrap();
        let s = Secret::complete(&SecretSpec::file(p), &Objects::new()).unwrap();
        assert_eq!(s.data().unwrap(), b"pw\n");
        std::fs::remove_file(&path).unwrap();
        assert_eq!(
            err(&SecretSpec::file(p), &Objects::new()),
            alloc::format!(
                "Unable to read {p}: Failed to open file “{p}”: No such file or directory"
            )
        );
    }

    #[test]
    fn load_messages() {
        let o = Objects::new();
        let mut both = SecretSpec::data("x");
        both.file = Some("/x".into());
        assert_eq!(err(&both, &o), "'file' and 'data' are mutually exclusive");
        assert_eq!(
            err(&SecretSpec::default(), &o),
            "Either 'file' or 'data' must be provided"
        );
        let mut bad = SecretSpec::data("bad*chars");
        bad.format = SecretFormat::Base64;
        assert_eq!(err(&bad, &o), "Base64 data contains invalid characters");
        assert_eq!(
            qbase64_decode(b"QQ\0==").unwrap_err().message(),
            "Base64 data contains embedded NUL characters"
        );
    }

    #[test]
    fn aes_decrypts_with_pkcs7_padding() {
        let o = registry_with_master();
        let mut plain = b"123456".to_vec();
        plain.extend_from_slice(&[10u8; 10]);
        let s = Secret::complete(&encrypted_spec(&encrypt(&plain)), &o).unwrap();
        assert_eq!(s.data().unwrap(), b"123456");
        // Raw format: the ciphertext bytes are the data itself.
        let cipher = encrypt(&plain);
        let path =
            std::env::temp_dir().join(alloc::format!("qtls-secret-raw-{}", std::process::id()));
        std::fs::write(&path, &cipher).unwrap();
        let spec = SecretSpec {
            file: Some(path.to_str().unwrap().into()),
            keyid: Some("secmaster".into()),
            iv: Some(b64(&IV)),
            ..SecretSpec::default()
        };
        assert_eq!(
            Secret::complete(&spec, &o).unwrap().data().unwrap(),
            b"123456"
        );
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn aes_padding_is_lax() {
        let o = registry_with_master();
        // Pad bytes are not checked: only the last byte counts.
        let mut plain = b"abcdefghijklm".to_vec();
        plain.extend_from_slice(&[0xee, 0xee, 3]);
        let s = Secret::complete(&encrypted_spec(&encrypt(&plain)), &o).unwrap();
        assert_eq!(s.data().unwrap(), b"abcdefghijklm");
        // A zero count removes nothing.
        let mut plain = b"0123456789abcde".to_vec();
        plain.push(0);
        let s = Secret::complete(&encrypted_spec(&encrypt(&plain)), &o).unwrap();
        assert_eq!(s.data().unwrap(), plain.as_slice());
        // A full block of padding (16) is fine, 17 is not.
        let s = Secret::complete(&encrypted_spec(&encrypt(&[16u8; 16])), &o).unwrap();
        assert_eq!(s.data().unwrap(), b"");
        let mut plain = [0u8; 32];
        plain[31] = 17;
        assert_eq!(
            err(&encrypted_spec(&encrypt(&plain)), &o),
            "Incorrect number of padding bytes (17) found on decrypted data"
        );
    }

    #[test]
    fn aes_messages() {
        let o = registry_with_master();
        let good = encrypt(&[16u8; 16]);
        let mut spec = encrypted_spec(&good);
        spec.keyid = Some("nope".into());
        assert_eq!(err(&spec, &o), "No secret with id 'nope'");
        o.add("notsecret", Object::Other("tls-creds-x509".into()))
            .unwrap();
        spec.keyid = Some("notsecret".into());
        assert_eq!(err(&spec, &o), "Object with id 'notsecret' is not a secret");
        o.add("empty", Object::Secret(Secret::empty_for_test()))
            .unwrap();
        spec.keyid = Some("empty".into());
        assert_eq!(err(&spec, &o), "Secret with id 'empty' has no data");
        o.add_secret("short", &SecretSpec::data("0123456789"))
            .unwrap();
        spec.keyid = Some("short".into());
        assert_eq!(err(&spec, &o), "Key should be 32 bytes in length");
        let mut spec = encrypted_spec(&good);
        spec.iv = None;
        assert_eq!(err(&spec, &o), "IV is required to decrypt secret");
        spec.iv = Some(b64(&IV[..8]));
        assert_eq!(err(&spec, &o), "IV should be 16 bytes in length not 8");
        spec.iv = Some("!!".into());
        assert_eq!(err(&spec, &o), "Base64 data contains invalid characters");
        let spec = encrypted_spec(&good[..15]);
        assert_eq!(
            err(&spec, &o),
            "Length 15 must be a multiple of block size 16"
        );
    }

    #[test]
    fn utf8_lookup() {
        let o = Objects::new();
        o.add(
            "ok",
            Object::Secret(Secret::from_bytes("pässword".as_bytes())),
        )
        .unwrap();
        assert_eq!(o.secret_lookup_as_utf8("ok").unwrap().as_str(), "pässword");
        o.add("bad", Object::Secret(Secret::from_bytes(&[0xff, 0x41])))
            .unwrap();
        assert_eq!(
            o.secret_lookup_as_utf8("bad").unwrap_err().message(),
            "Data from secret bad is not valid UTF-8"
        );
        o.add("nul", Object::Secret(Secret::from_bytes(b"a\0b")))
            .unwrap();
        assert_eq!(
            o.secret_lookup_as_utf8("nul").unwrap_err().message(),
            "Data from secret nul is not valid UTF-8"
        );
        assert_eq!(
            o.add("ok", Object::Other("x".into()))
                .unwrap_err()
                .message(),
            "attempt to add duplicate property 'ok' to object (type 'container')"
        );
    }
}
