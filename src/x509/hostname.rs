//! Matching a certificate against the host name or address the client
//! expects, with the rules GnuTLS's `gnutls_x509_crt_check_hostname`
//! applies (spec qemu-gnutls-compat §1.5) and a strict RFC 9525 mode.
//!
//! * A reference name that parses as an IPv4 or IPv6 address matches only
//!   iPAddress SANs.
//! * Otherwise it is a DNS name, compared case-insensitively (ASCII) with
//!   each dNSName SAN; one trailing dot on either side is ignored.
//! * A wildcard is accepted only as the whole left-most label (`*.a.b`), of
//!   a name with three or more labels, and matches exactly one label.
//! * GnuTLS mode falls back to the subject CN only when the certificate has
//!   no dNSName SAN, may be used for TLS server authentication, and has
//!   exactly one CN. Strict mode never looks at the CN.

use super::cert::{Certificate, GeneralName};
use super::error::Reason;
use super::{name, oid};
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// How host names are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NameMode {
    /// GnuTLS behaviour: SANs, then the CN when there is no dNSName SAN.
    #[default]
    GnuTls,
    /// RFC 9525: SANs only.
    Strict,
}

/// A parsed reference identifier: what the client expects the server to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceName<'a> {
    /// A DNS name without its trailing dot.
    Dns(&'a str),
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
    /// An e-mail address (`local@domain`), for S/MIME-style checks of
    /// rfc822Name SANs.
    Email {
        /// The part before the `@`, compared exactly.
        local: &'a str,
        /// The domain, compared case-insensitively.
        domain: &'a str,
    },
}

impl<'a> ReferenceName<'a> {
    /// Parses a host name or address literal (IPv6 optionally in brackets).
    pub fn parse(s: &'a str) -> Result<Self, Reason> {
        let unbracketed = s
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .unwrap_or(s);
        if let Ok(v6) = unbracketed.parse::<Ipv6Addr>() {
            return Ok(ReferenceName::Ip(IpAddr::V6(v6)));
        }
        if let Ok(v4) = s.parse::<Ipv4Addr>() {
            return Ok(ReferenceName::Ip(IpAddr::V4(v4)));
        }
        let dns = s.strip_suffix('.').unwrap_or(s);
        if valid_dns_name(dns) {
            Ok(ReferenceName::Dns(dns))
        } else {
            Err(Reason::InvalidReferenceName)
        }
    }
}

impl<'a> ReferenceName<'a> {
    /// Parses an e-mail address: one `@`, a non-empty local part of
    /// printable ASCII without `@`, spaces or quotes, and a DNS domain.
    pub fn email(s: &'a str) -> Result<Self, Reason> {
        let (local, domain) = s.split_once('@').ok_or(Reason::InvalidReferenceName)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b'@' && b != b'"');
        if local_ok && valid_dns_name(domain) {
            Ok(ReferenceName::Email { local, domain })
        } else {
            Err(Reason::InvalidReferenceName)
        }
    }
}

/// Whether an rfc822Name SAN is the reference address: the local part
/// exactly, the domain without regard to ASCII case (RFC 5280 §4.2.1.6,
/// RFC 8398 §5).
pub(crate) fn email_matches(presented: &str, local: &str, domain: &str) -> bool {
    match presented.rsplit_once('@') {
        Some((l, d)) => l == local && d.eq_ignore_ascii_case(domain),
        None => false,
    }
}

/// A syntactically usable DNS reference name: ASCII letters, digits, `-`
/// and `_` in non-empty labels of at most 63 octets, 253 octets in all.
pub(crate) fn valid_dns_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Whether a presented DNS identifier (a dNSName SAN or a CN) matches the
/// reference DNS name.
pub(crate) fn dns_matches(presented: &str, reference: &str) -> bool {
    let presented = presented.strip_suffix('.').unwrap_or(presented);
    let reference = reference.strip_suffix('.').unwrap_or(reference);
    if presented.is_empty() || reference.is_empty() {
        return false;
    }
    match presented.strip_prefix("*.") {
        Some(base) => {
            // The wildcard must be the whole left-most label of a name with
            // at least three labels, and may appear nowhere else.
            if base.contains('*')
                || base.split('.').count() < 2
                || base.split('.').any(str::is_empty)
            {
                return false;
            }
            match reference.split_once('.') {
                Some((first, rest)) => !first.is_empty() && rest.eq_ignore_ascii_case(base),
                None => false,
            }
        }
        None => !presented.contains('*') && presented.eq_ignore_ascii_case(reference),
    }
}

/// The IP address in an iPAddress SAN (4 or 16 octets).
pub(crate) fn ip_from_san(bytes: &[u8]) -> Option<IpAddr> {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        return Some(IpAddr::V4(Ipv4Addr::from(v4)));
    }
    <[u8; 16]>::try_from(bytes)
        .ok()
        .map(|v6| IpAddr::V6(Ipv6Addr::from(v6)))
}

/// Whether the certificate may be used for TLS server authentication as far
/// as its extendedKeyUsage says (absent means any purpose).
fn allows_server_auth(cert: &Certificate<'_>) -> bool {
    cert.ext.ext_key_usage.as_ref().is_none_or(|eku| {
        eku.value
            .iter()
            .any(|p| *p == oid::KP_SERVER_AUTH || *p == oid::ANY_EXTENDED_KEY_USAGE)
    })
}

/// The subject CN a GnuTLS-mode match may fall back to: set only when the
/// certificate has no dNSName SAN, allows server authentication and has
/// exactly one CN holding a string.
pub(crate) fn fallback_common_name(cert: &Certificate<'_>) -> Option<alloc::string::String> {
    let has_dns_san = cert
        .ext
        .subject_alt_name
        .as_ref()
        .is_some_and(|san| san.value.iter().any(|n| matches!(n, GeneralName::Dns(_))));
    if has_dns_san || !allows_server_auth(cert) {
        return None;
    }
    let cns = name::attribute_values(cert.subject, oid::AT_COMMON_NAME).ok()?;
    match cns.as_slice() {
        [only] => name::string_value(only.tag, only.value),
        _ => None,
    }
}

/// Checks the certificate against the reference name.
pub(crate) fn verify_name(
    cert: &Certificate<'_>,
    reference: &ReferenceName<'_>,
    mode: NameMode,
) -> Result<(), Reason> {
    let sans = cert
        .ext
        .subject_alt_name
        .as_ref()
        .map(|s| s.value.as_slice())
        .unwrap_or(&[]);
    let matched = match reference {
        ReferenceName::Ip(ip) => sans.iter().any(|n| match n {
            GeneralName::Ip(bytes) => ip_from_san(bytes) == Some(*ip),
            _ => false,
        }),
        ReferenceName::Email { local, domain } => sans.iter().any(|n| match n {
            GeneralName::Rfc822(presented) => email_matches(presented, local, domain),
            _ => false,
        }),
        ReferenceName::Dns(host) => {
            sans.iter().any(|n| match n {
                GeneralName::Dns(presented) => dns_matches(presented, host),
                _ => false,
            }) || (mode == NameMode::GnuTls
                && fallback_common_name(cert).is_some_and(|cn| dns_matches(&cn, host)))
        }
    };
    if matched {
        Ok(())
    } else {
        Err(Reason::NameMismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_names() {
        assert_eq!(
            ReferenceName::parse("127.0.0.1"),
            Ok(ReferenceName::Ip(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1))))
        );
        assert_eq!(
            ReferenceName::parse("[::1]"),
            Ok(ReferenceName::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST)))
        );
        assert_eq!(
            ReferenceName::parse("::1"),
            Ok(ReferenceName::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST)))
        );
        assert_eq!(
            ReferenceName::parse("Example.COM."),
            Ok(ReferenceName::Dns("Example.COM"))
        );
        assert_eq!(
            ReferenceName::parse("host_1.lan"),
            Ok(ReferenceName::Dns("host_1.lan"))
        );
        for bad in [
            "",
            ".",
            "a..b",
            "*.example.com",
            "a b.com",
            "ex\u{e4}mple.com",
            "a.b..",
        ] {
            assert_eq!(
                ReferenceName::parse(bad),
                Err(Reason::InvalidReferenceName),
                "{bad}"
            );
        }
        // Not a dotted quad: a DNS name made of digits.
        assert_eq!(
            ReferenceName::parse("1.2.3"),
            Ok(ReferenceName::Dns("1.2.3"))
        );
    }

    /// (presented, reference, matches)
    const DNS_TABLE: &[(&str, &str, bool)] = &[
        ("example.com", "example.com", true),
        ("EXAMPLE.com", "example.COM", true),
        ("example.com.", "example.com", true),
        ("example.com", "example.com.", true),
        ("example.com", "www.example.com", false),
        ("www.example.com", "example.com", false),
        ("example.com", "example.org", false),
        ("*.example.com", "foo.example.com", true),
        ("*.Example.com", "FOO.example.COM", true),
        ("*.example.com.", "foo.example.com", true),
        ("*.example.com", "example.com", false),
        ("*.example.com", "a.b.example.com", false),
        ("*.com", "example.com", false),
        ("*", "example", false),
        ("*.", "a.", false),
        ("f*.example.com", "foo.example.com", false),
        ("*oo.example.com", "foo.example.com", false),
        ("foo.*.example.com", "foo.bar.example.com", false),
        ("*.*.example.com", "a.b.example.com", false),
        (
            "xn--*-1b3c148a.example.com",
            "xn--bliss-1b3c148a.example.com",
            false,
        ),
        ("", "example.com", false),
        ("*..com", "a..com", false),
    ];

    #[test]
    fn dns_table() {
        for (presented, reference, expected) in DNS_TABLE {
            assert_eq!(
                dns_matches(presented, reference),
                *expected,
                "{presented} vs {reference}"
            );
        }
    }

    #[test]
    fn email_references() {
        assert_eq!(
            ReferenceName::email("user@Example.com"),
            Ok(ReferenceName::Email {
                local: "user",
                domain: "Example.com"
            })
        );
        for bad in [
            "user",
            "@example.com",
            "user@",
            "a@b@example.com",
            "us er@example.com",
            "user@exa mple.com",
        ] {
            assert_eq!(
                ReferenceName::email(bad),
                Err(Reason::InvalidReferenceName),
                "{bad}"
            );
        }
        // The domain ignores ASCII case; the local part does not.
        assert!(email_matches("user@EXAMPLE.com", "user", "example.COM"));
        assert!(!email_matches("User@example.com", "user", "example.com"));
        assert!(!email_matches("user@example.org", "user", "example.com"));
        assert!(!email_matches("example.com", "user", "example.com"));
    }

    #[test]
    fn ip_sans() {
        assert_eq!(
            ip_from_san(&[10, 0, 0, 1]),
            Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)))
        );
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        assert_eq!(ip_from_san(&v6), Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert_eq!(ip_from_san(&[1, 2, 3]), None);
    }
}
