//! Host-name matching (`x509::check_hostname`, the name check of
//! `Verifier::verify` in GnuTLS and strict mode) against a model written
//! from the rules in `src/x509/hostname.rs`'s header.
//!
//! Input: `[flags, n_sans, SAN..., (cn_len, cn)?, reference...]`. Each SAN is
//! `[b, bytes...]`: bit 7 of `b` makes an iPAddress (bit 6: 16 octets, else
//! 4), otherwise a dNSName of `b % 64` bytes. Flags: bit 0 puts a CN in the
//! subject (bit 3: twice), bits 1-2 pick the extendedKeyUsage (serverAuth,
//! none, clientAuth only, anyExtendedKeyUsage). The certificate is issued
//! by a fixed root, so the verifier's path always builds.
//!
//! Invariants: the result equals the model (IP literals match only
//! iPAddress SANs with the same octets, never a dNSName or the CN; DNS names
//! compare ASCII case-insensitively label by label, one trailing dot
//! ignored on either side, `*` only as a whole left-most label of three or
//! more; the CN only when there is no dNSName SAN, the EKU allows
//! serverAuth and there is exactly one CN); upper- and lower-casing the
//! reference changes nothing; a trailing dot on a DNS reference changes
//! nothing; the verifier agrees with `check_hostname` in GnuTLS mode and
//! with the model without the CN in strict mode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qtls::UnixTime;
use qtls::pki::{
    CertBuilder, DistinguishedName, ExtendedKeyUsage, GeneralName, KeyPair, KeyPurpose, KeyType,
};
use qtls::x509::{Certificate, NameMode, Options, Verifier, check_hostname};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

const NOW: UnixTime = UnixTime(1_767_225_600);

fn ed25519(seed: u8) -> KeyPair {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&[seed; 32]);
    KeyPair::from_pkcs8(KeyType::Ed25519, &der).expect("Ed25519 key")
}

struct Root {
    cert: qtls::pki::Certificate,
    key: KeyPair,
    leaf_key: KeyPair,
}

fn root() -> &'static Root {
    static ROOT: OnceLock<Root> = OnceLock::new();
    ROOT.get_or_init(|| {
        let key = ed25519(1);
        let cert = CertBuilder::ca("qtls fuzz hostname root")
            .serial(&[1])
            .validity(1_700_000_000, 2_000_000_000)
            .self_signed(&key)
            .expect("root");
        Root {
            cert,
            key,
            leaf_key: ed25519(2),
        }
    })
}

/// The reference as the model reads it.
enum Ref {
    Ip(IpAddr),
    Dns(String),
    Invalid,
}

fn model_reference(s: &str) -> Ref {
    let inner = s
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(s);
    if let Ok(v6) = inner.parse::<Ipv6Addr>() {
        return Ref::Ip(IpAddr::V6(v6));
    }
    if let Ok(v4) = s.parse::<Ipv4Addr>() {
        return Ref::Ip(IpAddr::V4(v4));
    }
    let d = s.strip_suffix('.').unwrap_or(s);
    let labels: Vec<&str> = d.split('.').collect();
    let valid = !d.is_empty()
        && d.len() <= 253
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if valid {
        Ref::Dns(d.to_ascii_lowercase())
    } else {
        Ref::Invalid
    }
}

/// A presented DNS identifier against a valid, lower-cased reference.
fn model_dns(presented: &str, reference: &str) -> bool {
    let p = presented.strip_suffix('.').unwrap_or(presented);
    if p.is_empty() {
        return false;
    }
    let p = p.to_ascii_lowercase();
    let pl: Vec<&str> = p.split('.').collect();
    let rl: Vec<&str> = reference.split('.').collect();
    if pl[0] == "*" {
        let base = &pl[1..];
        base.len() >= 2
            && base.iter().all(|l| !l.is_empty() && !l.contains('*'))
            && rl.len() == pl.len()
            && rl[1..] == *base
    } else {
        !p.contains('*') && pl == rl
    }
}

fn ip_octets(ip: &IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    }
}

fn flip_case(s: &str, upper: bool) -> String {
    if upper {
        s.to_ascii_uppercase()
    } else {
        s.to_ascii_lowercase()
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&[flags, n], mut rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let mut dns_sans: Vec<String> = Vec::new();
    let mut ip_sans: Vec<IpAddr> = Vec::new();
    let mut sans: Vec<GeneralName> = Vec::new();
    for _ in 0..n % 5 {
        let Some((&b, tail)) = rest.split_first() else {
            return;
        };
        if b & 0x80 != 0 {
            let len = if b & 0x40 != 0 { 16 } else { 4 };
            if tail.len() < len {
                return;
            }
            let (bytes, tail) = tail.split_at(len);
            let ip = match <[u8; 4]>::try_from(bytes) {
                Ok(v4) => IpAddr::V4(Ipv4Addr::from(v4)),
                Err(_) => IpAddr::V6(Ipv6Addr::from(
                    <[u8; 16]>::try_from(bytes).expect("16 octets"),
                )),
            };
            ip_sans.push(ip);
            sans.push(GeneralName::Ip(ip));
            rest = tail;
        } else {
            let len = usize::from(b % 64);
            if tail.len() < len {
                return;
            }
            let (bytes, tail) = tail.split_at(len);
            let Ok(s) = std::str::from_utf8(bytes) else {
                return;
            };
            if !s.is_ascii() {
                return;
            }
            dns_sans.push(s.to_owned());
            sans.push(GeneralName::Dns(s.to_owned()));
            rest = tail;
        }
    }
    let mut cns: Vec<String> = Vec::new();
    if flags & 1 != 0 {
        let Some((&len, tail)) = rest.split_first() else {
            return;
        };
        let len = usize::from(len % 64);
        if tail.len() < len {
            return;
        }
        let (bytes, tail) = tail.split_at(len);
        let Ok(cn) = std::str::from_utf8(bytes) else {
            return;
        };
        cns.push(cn.to_owned());
        if flags & 8 != 0 {
            cns.push(cn.to_owned());
        }
        rest = tail;
    }
    let Ok(reference) = std::str::from_utf8(rest) else {
        return;
    };

    let mut subject = DistinguishedName::new().organization("qtls fuzz");
    for cn in &cns {
        subject = subject.common_name(cn);
    }
    let eku_choice = (flags >> 1) & 3;
    let eku = match eku_choice {
        0 => Some(ExtendedKeyUsage::new(vec![KeyPurpose::ServerAuth])),
        1 => None,
        2 => Some(ExtendedKeyUsage::new(vec![KeyPurpose::ClientAuth])),
        _ => Some(ExtendedKeyUsage::new(vec![KeyPurpose::Any])),
    };
    let mut builder = CertBuilder::server("unused", &[])
        .serial(&[2])
        .validity(1_700_000_000, 2_000_000_000)
        .subject(subject)
        .extended_key_usage(eku);
    for s in sans {
        builder = builder.add_subject_alt_name(s);
    }
    let r = root();
    let Ok(leaf) = builder.signed_by(&r.leaf_key, &r.cert, &r.key) else {
        return;
    };
    let der = leaf.der();
    let Ok(cert) = Certificate::parse(der) else {
        return;
    };

    // The model.
    let fallback_cn = match cns.as_slice() {
        [only] if dns_sans.is_empty() && eku_choice != 2 => Some(only.as_str()),
        _ => None,
    };
    let (strict, gnutls) = match model_reference(reference) {
        Ref::Invalid => (false, false),
        Ref::Ip(ip) => {
            let octets = ip_octets(&ip);
            let m = ip_sans.iter().any(|s| ip_octets(s) == octets);
            (m, m)
        }
        Ref::Dns(d) => {
            let by_san = dns_sans.iter().any(|p| model_dns(p, &d));
            let by_cn = fallback_cn.is_some_and(|cn| model_dns(cn, &d));
            (by_san, by_san || by_cn)
        }
    };
    let got = check_hostname(&cert, reference);
    assert_eq!(got, gnutls, "check_hostname against the model");

    for upper in [false, true] {
        assert_eq!(
            check_hostname(&cert, &flip_case(reference, upper)),
            got,
            "case-insensitive"
        );
    }
    if let Ref::Dns(_) = model_reference(reference) {
        if !reference.ends_with('.') {
            let dotted = format!("{reference}.");
            assert_eq!(check_hostname(&cert, &dotted), got, "trailing dot");
        }
    }

    // The verifier's name check, in both modes.
    for (mode, expected) in [(NameMode::GnuTls, gnutls), (NameMode::Strict, strict)] {
        let opts = Options {
            name_mode: mode,
            ..Options::server()
        };
        let v = Verifier::new(
            vec![r.cert.der().to_vec()],
            qtls::provider::fuzzing::provider(),
            opts,
        )
        .expect("the root parses");
        if v.verify(&[der], None, NOW).is_err() {
            // The clientAuth-only EKU fails a server check whatever the name.
            assert_eq!(eku_choice, 2);
            continue;
        }
        assert_eq!(
            v.verify(&[der], Some(reference), NOW).is_ok(),
            expected,
            "{mode:?}"
        );
    }
});
