//! What the server and client commands share: loading PEM credentials,
//! parsing priority strings, group lists and PSKs, and describing a
//! negotiated connection.

use qtls::codec::enums::NamedGroup;
use qtls::config::{ExternalPsk, Identity, Policy};
use qtls::conn::Connection;
use qtls::provider::CryptoProvider;
use std::sync::Arc;

/// The default provider.
pub fn provider() -> Arc<dyn CryptoProvider> {
    qtls::provider::aws_lc::default_provider()
}

/// Reads every PEM block with `label` from a file.
pub fn read_pem(path: &str, label: &str) -> Result<Vec<Vec<u8>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let blocks = qtls::pem::decode_all(&text).map_err(|e| format!("{path}: invalid PEM: {e:?}"))?;
    let ders: Vec<Vec<u8>> = blocks
        .into_iter()
        .filter(|(l, _)| l == label)
        .map(|(_, d)| d.to_vec())
        .collect();
    if ders.is_empty() {
        return Err(format!("{path}: no {label} found"));
    }
    Ok(ders)
}

/// Loads a certificate chain and its PKCS#8 key as an identity.
pub fn load_identity(
    p: &Arc<dyn CryptoProvider>,
    cert: &str,
    key: &str,
) -> Result<Identity, String> {
    let chain = read_pem(cert, "CERTIFICATE")?;
    let key_der = read_pem(key, "PRIVATE KEY")?;
    let der = key_der
        .first()
        .ok_or(format!("{key}: no PRIVATE KEY found"))?;
    let signing = p
        .load_signing_key(der)
        .map_err(|e| format!("{key}: unusable private key: {e:?}"))?;
    Identity::new(chain, Arc::from(signing)).map_err(|e| format!("{cert} with {key}: {e}"))
}

/// Parses `NAME,NAME,...` into groups (IANA names, case-insensitive).
pub fn parse_groups(list: &str) -> Result<Vec<NamedGroup>, String> {
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(|name| {
            NamedGroup::KNOWN
                .iter()
                .copied()
                .find(|g| g.name().is_some_and(|n| n.eq_ignore_ascii_case(name)))
                .ok_or(format!("unknown group '{name}'"))
        })
        .collect()
}

/// Decodes a hex string.
pub fn hex_decode(s: &str) -> Result<Vec<u8>, String> {
    let s = s.trim();
    if s.len() % 2 != 0 {
        return Err("hex string has an odd length".into());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                // from_str_radix alone would take a sign ("+f").
                .filter(|b| b.bytes().all(|c| c.is_ascii_hexdigit()))
                .and_then(|b| u8::from_str_radix(b, 16).ok())
                .ok_or_else(|| format!("invalid hex at offset {i}"))
        })
        .collect()
}

/// Encodes bytes as lowercase hex.
pub fn hex_encode(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// An external PSK from `--psk HEX --psk-identity ID`.
pub fn psk_from_args(hex: &str, identity: &str) -> Result<ExternalPsk, String> {
    let key = hex_decode(hex).map_err(|e| format!("--psk: {e}"))?;
    if key.is_empty() {
        return Err("--psk: empty key".into());
    }
    Ok(ExternalPsk::new(identity.as_bytes(), &key))
}

/// Applies `--priority STR` (a GnuTLS priority string) to a policy; the
/// error reads as QEMU's when a session cannot use the string.
pub fn apply_priority(
    policy: &mut Policy,
    provider: &dyn CryptoProvider,
    priority: Option<&str>,
) -> Result<(), String> {
    let Some(prio) = priority else {
        return Ok(());
    };
    let system = qtls::policy::load_system_config()
        .map_err(|e| format!("the system priority file is invalid at line {}", e.line))?;
    qtls::policy::ResolvedPriority::parse(prio, system.as_ref())
        .and_then(|r| r.to_policy(policy, provider))
        .map(|p| *policy = p)
        .map_err(|e| qtls::policy::qemu_session_priority_error(prio, &e))
}

/// Applies `--groups` to a policy.
pub fn apply_groups(policy: &mut Policy, groups: Option<&str>) -> Result<(), String> {
    if let Some(list) = groups {
        policy.groups = parse_groups(list)?;
    }
    Ok(())
}

/// One line describing what a connection negotiated.
pub fn describe(conn: &Connection) -> String {
    let n = conn.negotiated();
    let mut parts = vec!["TLS1.3".to_string()];
    if let Some(s) = n.suite {
        parts.push(format!("{s:?}"));
    }
    match n.group {
        Some(g) => parts.push(format!("group={g:?}")),
        None => parts.push("group=none".into()),
    }
    if let Some(s) = n.signature_scheme {
        parts.push(format!("sig={s:?}"));
    }
    if let Some(id) = &n.psk_identity {
        parts.push(format!("psk={}", String::from_utf8_lossy(id)));
    }
    if let Some(s) = n.client_signature_scheme {
        parts.push(format!("client-sig={s:?}"));
    }
    if let Some(a) = &n.alpn {
        parts.push(format!("alpn={}", String::from_utf8_lossy(a)));
    }
    if n.hello_retry {
        parts.push("hrr".into());
    }
    if let Some(a) = n.peer_cert_compression {
        parts.push(format!("peer-cert-compression={a:?}"));
    }
    if n.resumed {
        parts.push("resumed".into());
    }
    match n.early_data {
        qtls::session_store::EarlyDataStatus::Accepted => parts.push("early-data=accepted".into()),
        qtls::session_store::EarlyDataStatus::Rejected => parts.push("early-data=rejected".into()),
        _ => {}
    }
    parts.join(" ")
}

/// What happened after the handshake, for the end of a connection's line:
/// KeyUpdates each way and which side closed first.
pub fn session_summary(conn: &Connection, closed_by: &str) -> String {
    let reauth = match conn.reauth_count() {
        0 => String::new(),
        n => format!(" reauth={n}:{:?}", conn.reauth_status()),
    };
    format!(
        " key-updates-sent={} key-updates-received={}{reauth} closed-by={closed_by}",
        conn.key_updates_sent(),
        conn.key_updates_received()
    )
}

/// Parses `--compress-cert zlib,brotli`.
pub fn parse_compress(
    list: Option<&str>,
) -> Result<Vec<qtls::codec::enums::CertificateCompressionAlgorithm>, String> {
    use qtls::codec::enums::CertificateCompressionAlgorithm as A;
    let Some(list) = list else {
        return Ok(Vec::new());
    };
    list.split(',')
        .map(|s| match s.trim().to_ascii_lowercase().as_str() {
            "zlib" => Ok(A::ZLIB),
            "brotli" => Ok(A::BROTLI),
            other => Err(format!(
                "--compress-cert: unknown algorithm {other:?} (zlib, brotli)"
            )),
        })
        .collect()
}

/// Parses `--exporter LABEL:LEN`.
pub fn parse_exporter(spec: &str) -> Result<(String, usize), String> {
    let (label, len) = spec.rsplit_once(':').ok_or("--exporter needs LABEL:LEN")?;
    let len: usize = len
        .parse()
        .map_err(|_| "--exporter: LEN must be a number")?;
    if len == 0 || len > 255 * 64 {
        return Err("--exporter: LEN out of range".into());
    }
    Ok((label.to_string(), len))
}

/// The RFC 8446 §7.5 exporter value for `--exporter`, in upper-case hex
/// (as gnutls-cli and openssl print it). TLS 1.3 makes no difference
/// between no context and an empty one (§7.5), so the context is empty.
pub fn exporter_hex(conn: &Connection, label: &str, len: usize) -> Result<String, String> {
    let mut out = vec![0u8; len];
    conn.export_keying_material(label.as_bytes(), b"", &mut out)
        .map_err(|e| format!("exporter: {e}"))?;
    Ok(out.iter().map(|b| format!("{b:02X}")).collect())
}

/// The verifier for `--ca` on a client: path validation to the CAs in the
/// file, with GnuTLS's host-name rules.
pub fn server_verifier(
    p: &Arc<dyn CryptoProvider>,
    ca: &str,
) -> Result<Arc<dyn qtls::verify::ServerCertVerifier>, String> {
    let anchors = read_pem(ca, "CERTIFICATE")?;
    let v = qtls::x509::Verifier::server(anchors, p.clone())
        .map_err(|e| format!("{ca}: unusable CA certificate: {e}"))?;
    Ok(Arc::new(v))
}

/// The verifier for `--client-ca` on a server.
pub fn client_verifier(
    p: &Arc<dyn CryptoProvider>,
    ca: &str,
) -> Result<Arc<dyn qtls::verify::ClientCertVerifier>, String> {
    let anchors = read_pem(ca, "CERTIFICATE")?;
    let v = qtls::x509::Verifier::client(anchors, p.clone())
        .map_err(|e| format!("{ca}: unusable CA certificate: {e}"))?;
    Ok(Arc::new(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_decode_is_strict() {
        assert_eq!(hex_decode("00aBfF"), Ok(vec![0x00, 0xab, 0xff]));
        assert_eq!(hex_decode(""), Ok(vec![]));
        assert_eq!(
            hex_decode("abc"),
            Err("hex string has an odd length".into())
        );
        assert_eq!(hex_decode("+f+f"), Err("invalid hex at offset 0".into()));
        assert_eq!(hex_decode("00zz"), Err("invalid hex at offset 2".into()));
        // A multi-byte character: no panic on a char boundary.
        assert_eq!(hex_decode("0é0"), Err("invalid hex at offset 0".into()));
        assert_eq!(
            hex_decode(hex_encode(&[1, 2, 254]).as_str()),
            Ok(vec![1, 2, 254])
        );
    }
}
