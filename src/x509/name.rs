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
        let rdn = set_avas(seq.nested(tag::SET)?)?;
        // X.501: an RDN holds at least one attribute.
        if rdn.is_empty() {
            return Err(Malformed);
        }
        out.push(rdn);
    }
    Ok(out)
}

/// The attributes of one RDN (the SET's contents), in encoding order.
fn set_avas(mut set: Der<'_>) -> Result<Vec<Ava<'_>>, Malformed> {
    let mut rdn = Vec::new();
    while !set.is_empty() {
        rdn.push(next_ava(&mut set)?);
    }
    Ok(rdn)
}

/// Reads one AttributeTypeAndValue from an RDN's contents.
fn next_ava<'a>(set: &mut Der<'a>) -> Result<Ava<'a>, Malformed> {
    let mut atv = set.nested(tag::SEQUENCE)?;
    let oid = atv.expect(tag::OID)?.value;
    let v = atv.any()?;
    atv.finish()?;
    Ok(Ava {
        oid,
        tag: v.tag,
        value: v.value,
        raw: v.raw,
    })
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

/// The comparison key of one RDN: equal keys mean equal RDNs.
fn rdn_key(rdn: &[Ava<'_>]) -> Vec<u8> {
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
    key
}

/// The comparison key of each RDN of a name: equal keys mean equal RDNs.
pub(crate) fn rdn_keys(name: &[u8]) -> Result<Vec<Vec<u8>>, Malformed> {
    Ok(rdns(name)?.iter().map(|rdn| rdn_key(rdn)).collect())
}

/// Checks that a Name TLV is well formed (what [`rdns`] accepts) without
/// collecting its attributes.
pub(crate) fn validate(name: &[u8]) -> Result<(), Malformed> {
    rest_parses(Der::single(name, tag::SEQUENCE)?)
}

/// Whether a well-formed Name TLV has no RDNs (the empty name).
pub(crate) fn is_empty(name: &[u8]) -> bool {
    Der::single(name, tag::SEQUENCE).is_ok_and(|d| d.is_empty())
}

/// Whether two Name TLVs are the same name by the rules in the module
/// header; exactly `rdn_keys(a) == rdn_keys(b)`, computed without
/// allocating in the usual cases: identical encodings, identical RDNs, and
/// single-attribute RDNs whose values are both UTF-8/ASCII strings or both
/// not strings. Other RDN pairs are compared by their keys. A name that
/// does not parse equals only a name that does not parse either.
pub(crate) fn equal(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    match (Der::single(a, tag::SEQUENCE), Der::single(b, tag::SEQUENCE)) {
        (Ok(x), Ok(y)) => rdns_equal(x, y).unwrap_or_else(|_| slow_equal(a, b)),
        _ => slow_equal(a, b),
    }
}

/// `rdn_keys(a) == rdn_keys(b)` the allocating way, with parse errors
/// compared like the `Result`s they are.
fn slow_equal(a: &[u8], b: &[u8]) -> bool {
    rdn_keys(a) == rdn_keys(b)
}

/// Walks the RDNs of two names side by side.
fn rdns_equal(mut x: Der<'_>, mut y: Der<'_>) -> Result<bool, Malformed> {
    loop {
        match (x.is_empty(), y.is_empty()) {
            (true, true) => return Ok(true),
            (false, false) => {}
            // Different RDN counts: the rest of the longer name must still
            // parse for the answer to be the keys' answer.
            (true, false) => return rest_parses(y).map(|()| false),
            (false, true) => return rest_parses(x).map(|()| false),
        }
        let (sx, sy) = (x.expect(tag::SET)?, y.expect(tag::SET)?);
        if sx.raw == sy.raw {
            // Still parse it: a malformed RDN makes the whole name unequal
            // to any well-formed one.
            rdn_attrs(sx.value)?;
            continue;
        }
        if !rdn_equal(sx.value, sy.value)? {
            // The rest must parse for `false` to be the keys' answer.
            rest_parses(x)?;
            rest_parses(y)?;
            return Ok(false);
        }
    }
}

/// Checks that the remaining RDNs of a name parse (each a non-empty SET of
/// attributes, X.501).
fn rest_parses(mut d: Der<'_>) -> Result<(), Malformed> {
    while !d.is_empty() {
        rdn_attrs(d.expect(tag::SET)?.value)?;
    }
    Ok(())
}

/// The attributes of one RDN's SET content; `Ok(Some)` when it holds
/// exactly one.
fn rdn_attrs(set: &[u8]) -> Result<Option<Ava<'_>>, Malformed> {
    let mut d = Der::new(set);
    let mut first = None;
    let mut n = 0usize;
    while !d.is_empty() {
        let ava = next_ava(&mut d)?;
        if n == 0 {
            first = Some(ava);
        }
        n = n.saturating_add(1);
    }
    match n {
        0 => Err(Malformed),
        1 => Ok(first),
        _ => Ok(None),
    }
}

/// A string value [`string_value`] decodes without converting: UTF-8 and
/// the ASCII types.
fn borrowed_str(tag_byte: u8, value: &[u8]) -> Option<&str> {
    match tag_byte {
        tag::UTF8_STRING => core::str::from_utf8(value).ok(),
        tag::PRINTABLE_STRING | tag::IA5_STRING | 0x1a | 0x12 if value.is_ascii() => {
            core::str::from_utf8(value).ok()
        }
        _ => None,
    }
}

/// Whether [`string_value`] never decodes values with this tag.
fn never_string(tag_byte: u8) -> bool {
    !matches!(
        tag_byte,
        tag::UTF8_STRING
            | tag::PRINTABLE_STRING
            | tag::IA5_STRING
            | 0x1a
            | 0x12
            | tag::TELETEX_STRING
            | tag::BMP_STRING
            | tag::UNIVERSAL_STRING
    )
}

/// The characters of [`normalize`]`(s)`, without building it.
fn normalized_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.split_whitespace().enumerate().flat_map(|(i, word)| {
        (i > 0)
            .then_some(' ')
            .into_iter()
            .chain(word.chars().flat_map(char::to_lowercase))
    })
}

/// Compares two RDNs (SET contents) whose encodings differ.
fn rdn_equal(x: &[u8], y: &[u8]) -> Result<bool, Malformed> {
    if let (Some(a), Some(b)) = (rdn_attrs(x)?, rdn_attrs(y)?) {
        if a.oid != b.oid {
            return Ok(false);
        }
        match (borrowed_str(a.tag, a.value), borrowed_str(b.tag, b.value)) {
            (Some(s), Some(t)) => return Ok(normalized_chars(s).eq(normalized_chars(t))),
            (Some(_), None) if never_string(b.tag) => return Ok(false),
            (None, Some(_)) if never_string(a.tag) => return Ok(false),
            (None, None) if never_string(a.tag) && never_string(b.tag) => {
                return Ok(a.raw == b.raw);
            }
            _ => {}
        }
    }
    let key = |set: &[u8]| -> Result<Vec<u8>, Malformed> { Ok(rdn_key(&set_avas(Der::new(set))?)) };
    Ok(key(x)? == key(y)?)
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
    fn equal_agrees_with_keys() {
        const OU: &[u8] = &[0x55, 0x04, 0x0b];
        let mut corpus = vec![
            name(&[]),
            name(&[&[(CN, tag::UTF8_STRING, b"Example CA")]]),
            name(&[&[(CN, tag::PRINTABLE_STRING, b"  example   ca ")]]),
            name(&[&[(CN, tag::IA5_STRING, b"EXAMPLE CA")]]),
            name(&[&[(CN, tag::UTF8_STRING, b"example-ca")]]),
            name(&[&[(CN, tag::UTF8_STRING, "\u{c9}t\u{c9}".as_bytes())]]),
            name(&[&[(CN, tag::UTF8_STRING, "\u{e9}t\u{e9}".as_bytes())]]),
            name(&[&[(CN, tag::TELETEX_STRING, &[0xc9, b't', 0xe9])]]),
            name(&[&[(CN, tag::BMP_STRING, &[0, b'X'])]]),
            name(&[&[(CN, tag::BMP_STRING, &[0, b'X', 0])]]),
            name(&[&[(CN, tag::UNIVERSAL_STRING, &[0, 0, 0, b'x'])]]),
            name(&[&[(CN, tag::UTF8_STRING, b"x")]]),
            name(&[&[(CN, tag::UTF8_STRING, b"X ")]]),
            name(&[&[(O, tag::UTF8_STRING, b"x")]]),
            // Not strings: compared by their whole TLV.
            name(&[&[(CN, tag::INTEGER, &[5])]]),
            name(&[&[(CN, tag::OCTET_STRING, &[5])]]),
            name(&[&[(CN, tag::OCTET_STRING, b"x")]]),
            // A PrintableString that is not ASCII is not a string.
            name(&[&[(CN, tag::PRINTABLE_STRING, &[0xc3, 0xa9])]]),
            name(&[&[(CN, tag::UTF8_STRING, &[0xc3, 0xa9])]]),
            name(&[&[(CN, tag::UTF8_STRING, &[0xff])]]),
            name(&[&[(CN, tag::OCTET_STRING, &[0xff])]]),
            // Multi-valued RDNs in either order.
            name(&[&[(CN, tag::UTF8_STRING, b"x"), (O, tag::UTF8_STRING, b"y")]]),
            name(&[&[
                (O, tag::UTF8_STRING, b"Y"),
                (CN, tag::PRINTABLE_STRING, b"x"),
            ]]),
            name(&[&[(O, tag::UTF8_STRING, b"y"), (O, tag::UTF8_STRING, b"y")]]),
            // More RDNs, and the same RDNs in another order.
            name(&[
                &[(CN, tag::UTF8_STRING, b"x")],
                &[(O, tag::UTF8_STRING, b"y")],
            ]),
            name(&[
                &[(CN, tag::PRINTABLE_STRING, b"X")],
                &[(O, tag::UTF8_STRING, b" y")],
            ]),
            name(&[
                &[(O, tag::UTF8_STRING, b"y")],
                &[(CN, tag::UTF8_STRING, b"x")],
            ]),
            name(&[
                &[(CN, tag::UTF8_STRING, b"x")],
                &[(O, tag::UTF8_STRING, b"y")],
                &[(OU, tag::UTF8_STRING, b"z")],
            ]),
            // Malformed: an empty RDN after a good one, a bad tail.
            [name(&[&[(CN, tag::UTF8_STRING, b"x")]]), vec![0x31, 0x00]].concat(),
            vec![0x30, 0x02, 0x31, 0x00],
            vec![0x31, 0x00],
        ];
        // The malformed concatenation needs its outer length fixed.
        let at = corpus.len() - 3;
        corpus[at][1] += 2;
        let mut equal_pairs = 0;
        for a in &corpus {
            for b in &corpus {
                let want = rdn_keys(a) == rdn_keys(b);
                assert_eq!(equal(a, b), want, "{a:02x?} vs {b:02x?}");
                equal_pairs += usize::from(want && a != b);
            }
        }
        // Pairs that differ in bytes but match, each counted in both
        // orders: the three "example ca", the three "\u{e9}t\u{e9}" (UTF-8
        // and TeletexString), the four "x" (BMP, Universal, UTF-8, "X "),
        // the two multi-valued RDNs, the two two-RDN names, and the three
        // malformed names (equal as errors, as their keys are).
        assert_eq!(equal_pairs, 2 * (3 + 3 + 6 + 1 + 1 + 3));
        assert!(is_empty(&name(&[])));
        assert!(!is_empty(&name(&[&[(CN, tag::UTF8_STRING, b"x")]])));
        assert_eq!(validate(&corpus[corpus.len() - 3]), Err(Malformed));
        assert_eq!(validate(&corpus[1]), Ok(()));
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
