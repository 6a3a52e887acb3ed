//! Name constraints (RFC 5280 §4.2.1.10): permitted and excluded subtrees
//! of dNSName, iPAddress, rfc822Name, URI and directoryName, checked
//! against every name of the certificates below the constraining CA.
//!
//! A name is checked only against subtrees of its own form. When a CA lists
//! permitted subtrees of a form, every name of that form must fall inside
//! one of them; no name may fall inside an excluded subtree. Forms we cannot
//! compare (otherName, x400Address, ediPartyName, registeredID) fail closed
//! when both the constraint and the name use them.

use super::cert::{Certificate, GeneralName, NameConstraints, Subtree};
use super::error::Reason;
use super::hostname;
use super::{name, oid};
use alloc::vec::Vec;

/// The names of a certificate that name constraints apply to.
pub(crate) fn names_of<'a>(cert: &Certificate<'a>, cn_as_dns: bool) -> Vec<GeneralName<'a>> {
    let mut out = Vec::new();
    if !cert.subject_is_empty() {
        out.push(GeneralName::Directory(cert.subject));
    }
    if let Some(san) = &cert.ext.subject_alt_name {
        out.extend(san.value.iter().copied());
    }
    // RFC 5280 §4.2.1.10: emailAddress attributes of the subject are
    // checked against rfc822Name constraints.
    if let Ok(emails) = name::attribute_values(cert.subject, oid::AT_EMAIL_ADDRESS) {
        for e in emails {
            if let Ok(s) = core::str::from_utf8(e.value) {
                out.push(GeneralName::Rfc822(s));
            }
        }
    }
    // The CN is constrained like a dNSName when the name check may use it.
    if cn_as_dns {
        if let Ok(cns) = name::attribute_values(cert.subject, oid::AT_COMMON_NAME) {
            for cn in cns {
                if let Ok(s) = core::str::from_utf8(cn.value) {
                    if hostname::valid_dns_name(s.strip_suffix('.').unwrap_or(s)) {
                        out.push(GeneralName::Dns(s));
                    }
                }
            }
        }
    }
    out
}

fn strip_dot(s: &str) -> &str {
    s.strip_suffix('.').unwrap_or(s)
}

/// `name` equals `base` or is a subdomain of it (ASCII case-insensitive).
fn within_domain(name: &str, base: &str, strict_subdomain: bool) -> bool {
    if base.is_empty() {
        return !strict_subdomain || !name.is_empty();
    }
    if name.len() == base.len() {
        return !strict_subdomain && name.eq_ignore_ascii_case(base);
    }
    match name.len().checked_sub(base.len()) {
        Some(cut) if cut > 0 => {
            name.get(cut..)
                .is_some_and(|tail| tail.eq_ignore_ascii_case(base))
                && name.as_bytes().get(cut - 1) == Some(&b'.')
        }
        _ => false,
    }
}

/// A dNSName constraint against a dNSName (possibly a wildcard pattern).
/// `.example.com` (subdomains only) is an OpenSSL extension RFC 5280 does
/// not define; `strict` rejects it as malformed.
fn dns_matches(
    constraint: &str,
    presented: &str,
    excluded: bool,
    strict: bool,
) -> Result<bool, Reason> {
    let constraint = strip_dot(constraint);
    let (subdomains_only, base) = match constraint.strip_prefix('.') {
        Some(_) if strict => return Err(Reason::UnsupportedNameConstraint),
        Some(b) => (true, b),
        None => (false, constraint),
    };
    if !base.is_empty() && !hostname::valid_dns_name(base) {
        return Err(Reason::UnsupportedNameConstraint);
    }
    let presented = strip_dot(presented);
    let (wildcard, pname) = match presented.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, presented),
    };
    if !hostname::valid_dns_name(pname) {
        // A malformed name cannot be shown to satisfy a DNS constraint.
        return Err(Reason::NameConstraintViolation);
    }
    if wildcard {
        // `*.pname` stands for every one-label child of pname. It is inside
        // the subtree when pname itself is within base (pname is then a
        // proper parent of every expansion); an excluded subtree also
        // catches it when the subtree is one of the expansions.
        let inside = within_domain(pname, base, false);
        if excluded {
            let overlaps = base.split_once('.').is_some_and(|(first, parent)| {
                !first.is_empty() && parent.eq_ignore_ascii_case(pname)
            });
            return Ok(inside || overlaps);
        }
        return Ok(inside);
    }
    Ok(within_domain(pname, base, subdomains_only))
}

/// An iPAddress constraint (address and mask) against an address.
fn ip_matches(constraint: &[u8], presented: &[u8]) -> Result<bool, Reason> {
    let half = match constraint.len() {
        8 => 4,
        32 => 16,
        _ => return Err(Reason::UnsupportedNameConstraint),
    };
    let (addr, mask) = constraint
        .split_at_checked(half)
        .ok_or(Reason::UnsupportedNameConstraint)?;
    // The mask must be a run of ones followed by zeros (a CIDR prefix).
    let mut seen_zero = false;
    for byte in mask {
        for bit in (0..8).rev() {
            let one = byte & (1 << bit) != 0;
            if one && seen_zero {
                return Err(Reason::UnsupportedNameConstraint);
            }
            seen_zero |= !one;
        }
    }
    if presented.len() != 4 && presented.len() != 16 {
        return Err(Reason::NameConstraintViolation);
    }
    if presented.len() != half {
        return Ok(false);
    }
    Ok(addr
        .iter()
        .zip(mask)
        .zip(presented)
        .all(|((a, m), p)| a & m == p & m))
}

/// An rfc822Name constraint against a mailbox. Quoted local parts are not
/// supported: a second `@` makes either side malformed.
fn email_matches(constraint: &str, presented: &str) -> Result<bool, Reason> {
    let (local, domain) = presented
        .split_once('@')
        .ok_or(Reason::NameConstraintViolation)?;
    if local.is_empty() || domain.is_empty() || domain.contains('@') {
        return Err(Reason::NameConstraintViolation);
    }
    if constraint.matches('@').count() > 1 {
        return Err(Reason::UnsupportedNameConstraint);
    }
    if let Some((c_local, c_domain)) = constraint.split_once('@') {
        // A whole mailbox: the local part is case-sensitive.
        return Ok(c_local == local && c_domain.eq_ignore_ascii_case(domain));
    }
    Ok(match constraint.strip_prefix('.') {
        Some(base) => within_domain(domain, base, true),
        None => domain.eq_ignore_ascii_case(constraint),
    })
}

/// The host part of a URI with an authority component.
fn uri_host(uri: &str) -> Option<&str> {
    let (_, rest) = uri.split_once(':')?;
    let authority = rest.strip_prefix("//")?;
    let end = authority.find(['/', '?', '#']).unwrap_or(authority.len());
    let authority = authority.get(..end)?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split_once(']').map(|(h, _)| h)?
    } else {
        host_port.split_once(':').map_or(host_port, |(h, _)| h)
    };
    if host.is_empty() { None } else { Some(host) }
}

/// A URI constraint (a host, or `.domain`) against a URI.
fn uri_matches(constraint: &str, presented: &str) -> bool {
    let Some(host) = uri_host(presented) else {
        return false;
    };
    let host = strip_dot(host);
    match constraint.strip_prefix('.') {
        Some(base) => within_domain(host, strip_dot(base), true),
        None => host.eq_ignore_ascii_case(strip_dot(constraint)),
    }
}

/// Whether `presented` falls in the subtree `constraint`; `None` when the
/// two are of different forms (the constraint does not apply).
fn subtree_matches(
    constraint: &GeneralName<'_>,
    presented: &GeneralName<'_>,
    excluded: bool,
    strict: bool,
) -> Result<Option<bool>, Reason> {
    if constraint.kind() != presented.kind() {
        return Ok(None);
    }
    let m = match (constraint, presented) {
        (GeneralName::Dns(c), GeneralName::Dns(p)) => dns_matches(c, p, excluded, strict)?,
        (GeneralName::Ip(c), GeneralName::Ip(p)) => ip_matches(c, p)?,
        (GeneralName::Rfc822(c), GeneralName::Rfc822(p)) => email_matches(c, p)?,
        (GeneralName::Uri(c), GeneralName::Uri(p)) => uri_matches(c, p),
        (GeneralName::Directory(c), GeneralName::Directory(p)) => {
            let c = name::rdn_keys(c).map_err(|_| Reason::UnsupportedNameConstraint)?;
            let p = name::rdn_keys(p).map_err(|_| Reason::NameConstraintViolation)?;
            p.starts_with(&c)
        }
        _ => return Err(Reason::UnsupportedNameConstraint),
    };
    Ok(Some(m))
}

/// Checks `names` against one CA's constraints, counting each comparison
/// against `budget` (fails with [`Reason::BudgetExhausted`] when it runs out).
pub(crate) fn check(
    nc: &NameConstraints<'_>,
    names: &[GeneralName<'_>],
    strict: bool,
    budget: &mut usize,
) -> Result<(), Reason> {
    let mut spend = || -> Result<(), Reason> {
        *budget = budget.checked_sub(1).ok_or(Reason::BudgetExhausted)?;
        Ok(())
    };
    let permitted: &[Subtree<'_>] = nc.permitted.as_deref().unwrap_or(&[]);
    let excluded: &[Subtree<'_>] = nc.excluded.as_deref().unwrap_or(&[]);
    for n in names {
        let mut applies = false;
        let mut inside = false;
        for st in permitted {
            spend()?;
            if let Some(m) = subtree_matches(&st.base, n, false, strict)? {
                applies = true;
                if m {
                    inside = true;
                    break;
                }
            }
        }
        if applies && !inside {
            return Err(Reason::NameConstraintViolation);
        }
        for st in excluded {
            spend()?;
            if subtree_matches(&st.base, n, true, strict)? == Some(true) {
                return Err(Reason::NameConstraintViolation);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn st(base: GeneralName<'static>) -> Subtree<'static> {
        Subtree {
            base,
            nonstandard_bounds: false,
        }
    }

    fn nc(
        permitted: Vec<GeneralName<'static>>,
        excluded: Vec<GeneralName<'static>>,
    ) -> NameConstraints<'static> {
        NameConstraints {
            permitted: (!permitted.is_empty()).then(|| permitted.into_iter().map(st).collect()),
            excluded: (!excluded.is_empty()).then(|| excluded.into_iter().map(st).collect()),
        }
    }

    fn run(c: &NameConstraints<'_>, names: &[GeneralName<'_>]) -> Result<(), Reason> {
        let mut budget = 1000;
        check(c, names, false, &mut budget)
    }

    #[test]
    fn dns_table() {
        // (constraint, name, permitted-match, excluded-match)
        let table: &[(&str, &str, bool, bool)] = &[
            ("example.com", "example.com", true, true),
            ("example.com", "www.Example.COM", true, true),
            ("example.com", "badexample.com", false, false),
            ("example.com", "example.com.evil", false, false),
            (".example.com", "example.com", false, false),
            (".example.com", "a.example.com", true, true),
            ("", "anything.test", true, true),
            ("example.com", "*.example.com", true, true),
            ("a.example.com", "*.example.com", false, true),
            ("a.b.example.com", "*.example.com", false, false),
            ("example.com", "*.com", false, true),
            ("localhost", "test.localhost", true, true),
            ("example.com.", "www.example.com", true, true),
        ];
        for (c, n, p, e) in table {
            assert_eq!(dns_matches(c, n, false, false), Ok(*p), "{c} permits {n}");
            assert_eq!(dns_matches(c, n, true, false), Ok(*e), "{c} excludes {n}");
        }
        assert_eq!(
            dns_matches("*.example.com", "a.example.com", false, false),
            Err(Reason::UnsupportedNameConstraint)
        );
        assert_eq!(
            dns_matches("example.com", "bad name.example.com", false, false),
            Err(Reason::NameConstraintViolation)
        );
    }

    #[test]
    fn ip_table() {
        let v4: &[u8] = &[127, 0, 0, 0, 255, 255, 255, 0];
        assert_eq!(ip_matches(v4, &[127, 0, 0, 1]), Ok(true));
        assert_eq!(ip_matches(v4, &[127, 0, 1, 1]), Ok(false));
        assert_eq!(ip_matches(v4, &[0u8; 16]), Ok(false));
        let mut v6 = [0u8; 32];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[16..20].copy_from_slice(&[0xff; 4]);
        let mut addr = [0u8; 16];
        addr[0] = 0x20;
        addr[1] = 0x01;
        addr[15] = 9;
        assert_eq!(ip_matches(&v6, &addr), Ok(true));
        addr[2] = 1;
        assert_eq!(ip_matches(&v6, &addr), Ok(false));
        // Non-contiguous mask, wrong lengths.
        assert_eq!(
            ip_matches(&[10, 0, 0, 0, 255, 0, 255, 0], &[10, 0, 0, 1]),
            Err(Reason::UnsupportedNameConstraint)
        );
        assert_eq!(
            ip_matches(&[10, 0, 0, 0], &[10, 0, 0, 1]),
            Err(Reason::UnsupportedNameConstraint)
        );
        assert_eq!(
            ip_matches(v4, &[127, 0, 0]),
            Err(Reason::NameConstraintViolation)
        );
        // 0.0.0.0/0 permits every IPv4 address.
        assert_eq!(ip_matches(&[0; 8], &[8, 8, 8, 8]), Ok(true));
    }

    #[test]
    fn email_and_uri() {
        assert_eq!(
            email_matches("user@example.com", "user@EXAMPLE.com"),
            Ok(true)
        );
        assert_eq!(
            email_matches("user@example.com", "User@example.com"),
            Ok(false)
        );
        assert_eq!(email_matches("example.com", "a@example.com"), Ok(true));
        assert_eq!(email_matches("example.com", "a@sub.example.com"), Ok(false));
        assert_eq!(email_matches(".example.com", "a@sub.example.com"), Ok(true));
        assert_eq!(email_matches(".example.com", "a@example.com"), Ok(false));
        assert_eq!(
            email_matches("example.com", "no-at-sign"),
            Err(Reason::NameConstraintViolation)
        );
        assert_eq!(
            email_matches("example.com", "a@b@example.com"),
            Err(Reason::NameConstraintViolation)
        );
        assert_eq!(
            email_matches("a@b@example.com", "a@example.com"),
            Err(Reason::UnsupportedNameConstraint)
        );
        // RFC 5280 does not define `.domain` for dNSName constraints.
        assert_eq!(
            dns_matches(".example.com", "a.example.com", false, true),
            Err(Reason::UnsupportedNameConstraint)
        );
        assert_eq!(
            uri_host("https://user@Host.example.com:8443/p?q#f"),
            Some("Host.example.com")
        );
        assert_eq!(uri_host("ldap://[2001:db8::1]/x"), Some("2001:db8::1"));
        assert_eq!(uri_host("urn:isbn:123"), None);
        assert!(uri_matches("host.example.com", "https://HOST.example.com/"));
        assert!(!uri_matches("example.com", "https://host.example.com/"));
        assert!(uri_matches(".example.com", "https://host.example.com/"));
        assert!(!uri_matches(".example.com", "urn:x"));
    }

    #[test]
    fn permitted_and_excluded_by_form() {
        let c = nc(vec![GeneralName::Dns("localhost")], vec![]);
        assert_eq!(run(&c, &[GeneralName::Dns("test.localhost")]), Ok(()));
        assert_eq!(
            run(&c, &[GeneralName::Dns("bad.example.com")]),
            Err(Reason::NameConstraintViolation)
        );
        // A DNS constraint does not restrict IP names.
        assert_eq!(run(&c, &[GeneralName::Ip(&[1, 1, 1, 1])]), Ok(()));
        let c = nc(
            vec![],
            vec![GeneralName::Ip(&[127, 0, 0, 0, 255, 255, 255, 0])],
        );
        assert_eq!(
            run(&c, &[GeneralName::Ip(&[127, 0, 0, 1])]),
            Err(Reason::NameConstraintViolation)
        );
        assert_eq!(
            run(
                &c,
                &[GeneralName::Ip(&[1, 1, 1, 1]), GeneralName::Dns("x.y")]
            ),
            Ok(())
        );
        // Unsupported forms fail closed only when both sides use them.
        let c = nc(vec![GeneralName::RegisteredId(&[0x2a])], vec![]);
        assert_eq!(run(&c, &[GeneralName::Dns("x.y")]), Ok(()));
        assert_eq!(
            run(&c, &[GeneralName::RegisteredId(&[0x2a])]),
            Err(Reason::UnsupportedNameConstraint)
        );
    }

    #[test]
    fn directory_names_are_prefixes() {
        use super::super::asn1::tag;
        use super::super::name::tests::name as dn;
        let o: &[u8] = &[0x55, 0x04, 0x0a];
        let cn: &[u8] = oid::AT_COMMON_NAME;
        let constraint = dn(&[&[(o, tag::UTF8_STRING, b"Acme")]]);
        let inside = dn(&[
            &[(o, tag::PRINTABLE_STRING, b"ACME")],
            &[(cn, tag::UTF8_STRING, b"x")],
        ]);
        let outside = dn(&[
            &[(o, tag::UTF8_STRING, b"Other")],
            &[(cn, tag::UTF8_STRING, b"x")],
        ]);
        let c: &'static [u8] = alloc::boxed::Box::leak(constraint.into_boxed_slice());
        let c = nc(vec![GeneralName::Directory(c)], vec![]);
        assert_eq!(run(&c, &[GeneralName::Directory(&inside)]), Ok(()));
        assert_eq!(
            run(&c, &[GeneralName::Directory(&outside)]),
            Err(Reason::NameConstraintViolation)
        );
    }

    #[test]
    fn budget_is_enforced() {
        let c = nc(
            vec![GeneralName::Dns("a.example"), GeneralName::Dns("b.example")],
            vec![],
        );
        let mut budget = 1;
        assert_eq!(
            check(&c, &[GeneralName::Dns("x.b.example")], false, &mut budget),
            Err(Reason::BudgetExhausted)
        );
    }
}
