//! Distinguished names: decoding, comparison per RFC 5280 §7.1 and the
//! GnuTLS "compat" DN string that QEMU authz and libvirt's
//! `tls_allowed_dn_list` match against (spec qemu-gnutls-compat §1.11).
//!
//! Two names are equal when they have the same RDNs in the same order and
//! each RDN holds the same set of attributes whose values match after
//! normalisation: string values are compared with leading and trailing
//! white space removed, inner runs of white space collapsed to one space and
//! case folded (RFC 5280 §7.1, a practical subset of RFC 4518); values of
//! other types are compared byte for byte.

use super::asn1::{Der, Malformed, tag};
use super::oid;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// One attribute of an RDN, borrowed from the DER.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ava<'a> {
    /// Attribute type OID content bytes.
    pub(crate) oid: &'a [u8],
    /// The value's tag byte.
    pub(crate) tag: u8,
    /// The value's content bytes.
    pub(crate) value: &'a [u8],
    /// The value's whole TLV.
    pub(crate) raw: &'a [u8],
}

/// The RDNs of a Name TLV, in encoding order.
pub(crate) fn rdns(name: &[u8]) -> Result<Vec<Vec<Ava<'_>>>, Malformed> {
    let mut seq = Der::single(name, tag::SEQUENCE)?;
    let mut out = Vec::new();
    while !seq.is_empty() {
        let mut set = seq.nested(tag::SET)?;
        let mut rdn = Vec::new();
        while !set.is_empty() {
            let mut atv = set.nested(tag::SEQUENCE)?;
            let oid = atv.expect(tag::OID)?.value;
            let v = atv.any()?;
            atv.finish()?;
            rdn.push(Ava {
                oid,
                tag: v.tag,
                value: v.value,
                raw: v.raw,
            });
        }
        // X.501: an RDN holds at least one attribute.
        if rdn.is_empty() {
            return Err(Malformed);
        }
        out.push(rdn);
    }
    Ok(out)
}

/// Decodes an ASN.1 character string to text, or `None` for other types
/// (and for strings whose bytes do not fit their type).
pub(crate) fn string_value(tag_byte: u8, value: &[u8]) -> Option<String> {
    match tag_byte {
        tag::UTF8_STRING => core::str::from_utf8(value).ok().map(String::from),
        // PrintableString, IA5String, VisibleString, NumericString.
        tag::PRINTABLE_STRING | tag::IA5_STRING | 0x1a | 0x12 => {
            if value.is_ascii() {
                core::str::from_utf8(value).ok().map(String::from)
            } else {
                None
            }
        }
        // TeletexString: treated as Latin-1, as most software does.
        tag::TELETEX_STRING => Some(value.iter().map(|&b| char::from(b)).collect()),
        tag::BMP_STRING => {
            if value.len() % 2 != 0 {
                return None;
            }
            let units = value.chunks_exact(2).map(|c| {
                u16::from_be_bytes([
                    c.first().copied().unwrap_or(0),
                    c.get(1).copied().unwrap_or(0),
                ])
            });
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        tag::UNIVERSAL_STRING => {
            if value.len() % 4 != 0 {
                return None;
            }
            value
                .chunks_exact(4)
                .map(|c| {
                    let mut b = [0u8; 4];
                    b.copy_from_slice(c);
                    char::from_u32(u32::from_be_bytes(b))
                })
                .collect()
        }
        _ => None,
    }
}

/// RFC 5280 §7.1 normalisation of a string value for comparison.
fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn push_len_prefixed(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

/// The comparison key of each RDN of a name: equal keys mean equal RDNs.
pub(crate) fn rdn_keys(name: &[u8]) -> Result<Vec<Vec<u8>>, Malformed> {
    let mut keys = Vec::new();
    for rdn in rdns(name)? {
        let mut entries: Vec<Vec<u8>> = rdn
            .iter()
            .map(|ava| {
                let mut e = Vec::new();
                push_len_prefixed(&mut e, ava.oid);
                match string_value(ava.tag, ava.value) {
                    Some(s) => {
                        e.push(0);
                        push_len_prefixed(&mut e, normalize(&s).as_bytes());
                    }
                    None => {
                        e.push(1);
                        push_len_prefixed(&mut e, ava.raw);
                    }
                }
                e
            })
            .collect();
        // An RDN is a SET: attribute order does not matter.
        entries.sort();
        let mut key = Vec::new();
        for e in &entries {
            push_len_prefixed(&mut key, e);
        }
        keys.push(key);
    }
    Ok(keys)
}

/// The values of every attribute of type `oid` in a name, in order.
pub(crate) fn attribute_values<'a>(name: &'a [u8], attr: &[u8]) -> Result<Vec<Ava<'a>>, Malformed> {
    Ok(rdns(name)?
        .into_iter()
        .flatten()
        .filter(|ava| ava.oid == attr)
        .collect())
}

/// Short names GnuTLS prints for attribute types (its OID table).
fn short_name(oid_bytes: &[u8]) -> Option<&'static str> {
    const TABLE: &[(&[u8], &str)] = &[
        (&[0x55, 0x04, 0x06], "C"),
        (&[0x55, 0x04, 0x08], "ST"),
        (&[0x55, 0x04, 0x07], "L"),
        (&[0x55, 0x04, 0x0a], "O"),
        (&[0x55, 0x04, 0x0b], "OU"),
        (&[0x55, 0x04, 0x03], "CN"),
        (&[0x55, 0x04, 0x09], "street"),
        (&[0x55, 0x04, 0x0c], "title"),
        (&[0x55, 0x04, 0x05], "serialNumber"),
        (&[0x55, 0x04, 0x04], "surName"),
        (&[0x55, 0x04, 0x2a], "givenName"),
        (&[0x55, 0x04, 0x2b], "initials"),
        (&[0x55, 0x04, 0x2c], "generationQualifier"),
        (&[0x55, 0x04, 0x2e], "dnQualifier"),
        (&[0x55, 0x04, 0x41], "pseudonym"),
        (&[0x55, 0x04, 0x29], "name"),
        (&[0x55, 0x04, 0x11], "postalCode"),
        (&[0x55, 0x04, 0x0f], "businessCategory"),
        (&[0x55, 0x04, 0x0d], "description"),
        (
            &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19],
            "DC",
        ),
        (
            &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01],
            "UID",
        ),
        (oid::AT_EMAIL_ADDRESS, "emailAddress"),
    ];
    TABLE.iter().find(|(o, _)| *o == oid_bytes).map(|(_, n)| *n)
}

fn escape_into(out: &mut String, value: &str) {
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
}

/// The DN string of a Name TLV in GnuTLS compat format (spec §1.11): RDNs
/// in encoding order separated by `,`, multi-valued RDNs joined by `+`,
/// GnuTLS attribute short names (dotted OIDs otherwise), values escaped
/// RFC 4514 style; non-string values as `#` and the hex of their DER.
pub fn dn_string(name: &[u8]) -> Option<String> {
    let mut out = String::new();
    for (i, rdn) in rdns(name).ok()?.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, ava) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            match short_name(ava.oid) {
                Some(n) => out.push_str(n),
                None => {
                    if !oid::write_dotted(&mut out, ava.oid) {
                        return None;
                    }
                }
            }
            out.push('=');
            match string_value(ava.tag, ava.value) {
                Some(s) => escape_into(&mut out, &s),
                None => {
                    out.push('#');
                    for b in ava.raw {
                        let _ = write!(out, "{b:02x}");
                    }
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use alloc::vec;

    /// One attribute: (type OID content, value tag, value).
    pub(crate) type Attr<'a> = (&'a [u8], u8, &'a [u8]);

    /// Builds a Name TLV from RDNs of attributes.
    pub(crate) fn name(rdns: &[&[Attr<'_>]]) -> Vec<u8> {
        fn tlv(t: u8, body: &[u8]) -> Vec<u8> {
            let mut v = vec![t];
            let len = body.len();
            if len < 128 {
                v.push(u8::try_from(len).unwrap());
            } else {
                v.push(0x81);
                v.push(u8::try_from(len).unwrap());
            }
            v.extend_from_slice(body);
            v
        }
        let mut seq = Vec::new();
        for rdn in rdns {
            let mut set = Vec::new();
            for (o, t, val) in rdn.iter() {
                let mut atv = tlv(tag::OID, o);
                atv.extend(tlv(*t, val));
                set.extend(tlv(tag::SEQUENCE, &atv));
            }
            seq.extend(tlv(tag::SET, &set));
        }
        tlv(tag::SEQUENCE, &seq)
    }

    const C: &[u8] = &[0x55, 0x04, 0x06];
    const O: &[u8] = &[0x55, 0x04, 0x0a];
    const CN: &[u8] = oid::AT_COMMON_NAME;

    #[test]
    fn compat_dn_string() {
        let n = name(&[
            &[(C, tag::PRINTABLE_STRING, b"GB")],
            &[(O, tag::UTF8_STRING, b"Acme, Inc.")],
            &[
                (CN, tag::UTF8_STRING, b"a+b"),
                (&[0x55, 0x04, 0x63], tag::UTF8_STRING, b"x"),
            ],
        ]);
        assert_eq!(
            dn_string(&n).unwrap(),
            "C=GB,O=Acme\\, Inc.,CN=a\\+b+2.5.4.99=x"
        );
        let n = name(&[&[(CN, tag::UTF8_STRING, b"#q=\"x\" ")]]);
        assert_eq!(dn_string(&n).unwrap(), "CN=\\#q=\\\"x\\\"\\ ");
        let n = name(&[&[(CN, tag::INTEGER, &[5])]]);
        assert_eq!(dn_string(&n).unwrap(), "CN=#020105");
        assert_eq!(dn_string(&name(&[])).unwrap(), "");
    }

    #[test]
    fn comparison_normalises_strings() {
        let a = name(&[&[(CN, tag::PRINTABLE_STRING, b"  Example   CA ")]]);
        let b = name(&[&[(CN, tag::UTF8_STRING, b"example ca")]]);
        let c = name(&[&[(CN, tag::UTF8_STRING, b"example-ca")]]);
        assert_eq!(rdn_keys(&a).unwrap(), rdn_keys(&b).unwrap());
        assert_ne!(rdn_keys(&a).unwrap(), rdn_keys(&c).unwrap());
        // Attribute order inside an RDN does not matter; RDN order does.
        let d = name(&[&[(CN, tag::UTF8_STRING, b"x"), (O, tag::UTF8_STRING, b"y")]]);
        let e = name(&[&[(O, tag::UTF8_STRING, b"y"), (CN, tag::UTF8_STRING, b"x")]]);
        assert_eq!(rdn_keys(&d).unwrap(), rdn_keys(&e).unwrap());
        let f = name(&[
            &[(CN, tag::UTF8_STRING, b"x")],
            &[(O, tag::UTF8_STRING, b"y")],
        ]);
        let g = name(&[
            &[(O, tag::UTF8_STRING, b"y")],
            &[(CN, tag::UTF8_STRING, b"x")],
        ]);
        assert_ne!(rdn_keys(&f).unwrap(), rdn_keys(&g).unwrap());
        // BMPString decodes to the same text.
        let h = name(&[&[(CN, tag::BMP_STRING, &[0, b'X'])]]);
        assert_eq!(
            rdn_keys(&h).unwrap(),
            rdn_keys(&name(&[&[(CN, tag::UTF8_STRING, b"x")]])).unwrap()
        );
    }

    #[test]
    fn malformed_names() {
        assert!(rdns(&[0x30, 0x02, 0x31, 0x00]).is_err());
        assert!(rdns(&[0x31, 0x00]).is_err());
        assert!(string_value(tag::PRINTABLE_STRING, &[0xc3, 0xa9]).is_none());
        assert_eq!(
            string_value(tag::TELETEX_STRING, &[0xe9]).unwrap(),
            "\u{e9}"
        );
    }
}
