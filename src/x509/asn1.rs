//! A borrowed walk over DER values with the `der` crate's strict TLV rules
//! (definite, minimal lengths; the crate is the tests' oracle), plus the few primitive decoders the
//! certificate profile needs exactly: BOOLEAN, small INTEGERs, BIT STRING and
//! the two ASN.1 time types (parsed here so dates before 1970 work).

/// DER tag bytes used by X.509 (all single-byte tags).
pub(crate) mod tag {
    pub(crate) const BOOLEAN: u8 = 0x01;
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const BIT_STRING: u8 = 0x03;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const NULL: u8 = 0x05;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const ENUMERATED: u8 = 0x0a;
    pub(crate) const UTF8_STRING: u8 = 0x0c;
    pub(crate) const PRINTABLE_STRING: u8 = 0x13;
    pub(crate) const TELETEX_STRING: u8 = 0x14;
    pub(crate) const IA5_STRING: u8 = 0x16;
    pub(crate) const UTC_TIME: u8 = 0x17;
    pub(crate) const GENERALIZED_TIME: u8 = 0x18;
    pub(crate) const UNIVERSAL_STRING: u8 = 0x1c;
    pub(crate) const BMP_STRING: u8 = 0x1e;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const SET: u8 = 0x31;

    /// `[n]` constructed, context-specific.
    pub(crate) const fn explicit(n: u8) -> u8 {
        0xa0 | (n & 0x1f)
    }
    /// `[n]` primitive, context-specific.
    pub(crate) const fn implicit(n: u8) -> u8 {
        0x80 | (n & 0x1f)
    }
}

/// Whether the `der` crate's DER reader accepts `t` as a one-byte tag:
/// the universal types it knows (primitive, but SEQUENCE and SET
/// constructed) and every application, context-specific or private tag
/// with a low tag number. High tag numbers never occur in the structures
/// we read.
fn known_tag(t: u8) -> bool {
    let universal = matches!(
        t,
        0x01..=0x06 | 0x09 | 0x0a | 0x0c | 0x0d | 0x12..=0x18 | 0x1a | 0x1b | 0x1e | 0x30 | 0x31
    );
    universal || (t >= 0x40 && t & 0x1f != 0x1f)
}

/// Splits the first TLV off `buf`. The rules are exactly those of the
/// `der` crate's `SliceReader::tlv_bytes` (which this replaced, being a
/// third of certificate decoding; the tests hold the two side by side):
/// [`known_tag`], a definite length of at most four octets in the fewest
/// octets, and an input of at most `u32::MAX` octets.
fn split_tlv(buf: &[u8]) -> Result<(Tlv<'_>, &[u8]), Malformed> {
    if u32::try_from(buf.len()).is_err() {
        return Err(Malformed);
    }
    let (&tag, rest) = buf.split_first().ok_or(Malformed)?;
    if !known_tag(tag) {
        return Err(Malformed);
    }
    let (&first, mut rest) = rest.split_first().ok_or(Malformed)?;
    let len = match first {
        0..=0x7f => usize::from(first),
        0x81..=0x84 => {
            let n = usize::from(first & 0x0f);
            let (digits, after) = rest.split_at_checked(n).ok_or(Malformed)?;
            rest = after;
            let len = digits
                .iter()
                .fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
            // X.690 §10.1: the fewest octets, so long form only from 128.
            let fewest = match len {
                0..=0x7f => 0,
                0x80..=0xff => 1,
                0x100..=0xffff => 2,
                0x1_0000..=0xff_ffff => 3,
                _ => 4,
            };
            if fewest != n {
                return Err(Malformed);
            }
            usize::try_from(len).map_err(|_| Malformed)?
        }
        // 0x80 is the indefinite length, which DER forbids.
        _ => return Err(Malformed),
    };
    let header = buf.len().checked_sub(rest.len()).ok_or(Malformed)?;
    let (value, after) = rest.split_at_checked(len).ok_or(Malformed)?;
    let total = header.checked_add(len).ok_or(Malformed)?;
    let raw = buf.get(..total).ok_or(Malformed)?;
    Ok((Tlv { tag, value, raw }, after))
}

/// The input is not valid DER for the expected structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed;

/// One decoded TLV: tag byte, value bytes and the whole encoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) value: &'a [u8],
    pub(crate) raw: &'a [u8],
}

/// A cursor over a sequence of DER values.
#[derive(Debug, Clone)]
pub(crate) struct Der<'a> {
    rest: &'a [u8],
}

impl<'a> Der<'a> {
    /// Reads the values in `buf`.
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Self { rest: buf }
    }

    /// Reads the content of a single TLV with `tag` that must fill `buf`.
    pub(crate) fn single(buf: &'a [u8], tag: u8) -> Result<Der<'a>, Malformed> {
        let mut d = Der::new(buf);
        let inner = d.nested(tag)?;
        d.finish()?;
        Ok(inner)
    }

    /// True when every value was read.
    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The tag byte of the next value, if any.
    pub(crate) fn peek(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Reads the next value, whatever its tag.
    pub(crate) fn any(&mut self) -> Result<Tlv<'a>, Malformed> {
        let (tlv, rest) = split_tlv(self.rest)?;
        self.rest = rest;
        Ok(tlv)
    }

    /// Reads the next value, which must have `tag`.
    pub(crate) fn expect(&mut self, tag: u8) -> Result<Tlv<'a>, Malformed> {
        if self.peek() != Some(tag) {
            return Err(Malformed);
        }
        self.any()
    }

    /// Reads the next value if it has `tag`.
    pub(crate) fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, Malformed> {
        if self.peek() == Some(tag) {
            self.any().map(Some)
        } else {
            Ok(None)
        }
    }

    /// A cursor over the content of the next value, which must have `tag`.
    pub(crate) fn nested(&mut self, tag: u8) -> Result<Der<'a>, Malformed> {
        self.expect(tag).map(|t| Der::new(t.value))
    }

    /// Fails unless everything was read.
    pub(crate) fn finish(&self) -> Result<(), Malformed> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(Malformed)
        }
    }
}

/// Decodes a DER BOOLEAN value (only 0x00 and 0xff are DER).
pub(crate) fn boolean(value: &[u8]) -> Result<bool, Malformed> {
    match value {
        [0x00] => Ok(false),
        [0xff] => Ok(true),
        _ => Err(Malformed),
    }
}

/// Checks that INTEGER content bytes are minimally encoded; returns whether
/// the value is negative.
pub(crate) fn integer_is_negative(value: &[u8]) -> Result<bool, Malformed> {
    match value {
        [] => Err(Malformed),
        [0x00, next, ..] if *next < 0x80 => Err(Malformed),
        [0xff, next, ..] if *next >= 0x80 => Err(Malformed),
        [first, ..] => Ok(*first >= 0x80),
    }
}

/// Decodes a non-negative INTEGER that fits in a u64.
pub(crate) fn small_uint(value: &[u8]) -> Result<u64, Malformed> {
    if integer_is_negative(value)? {
        return Err(Malformed);
    }
    let digits = match value {
        [0x00, rest @ ..] => rest,
        all => all,
    };
    if digits.len() > 8 {
        return Err(Malformed);
    }
    Ok(digits
        .iter()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

/// The content of a BIT STRING whose bits fill whole octets (signatures,
/// public keys).
pub(crate) fn octet_aligned_bits(value: &[u8]) -> Result<&[u8], Malformed> {
    match value {
        [0, rest @ ..] => Ok(rest),
        _ => Err(Malformed),
    }
}

/// The bits of a named-bit-list BIT STRING (keyUsage, reasons) as a mask
/// where bit 0 of the ASN.1 list is the least significant bit. Returns the
/// mask of the first 16 named bits.
pub(crate) fn named_bits(value: &[u8]) -> Result<u16, Malformed> {
    let (&unused, bytes) = value.split_first().ok_or(Malformed)?;
    if unused > 7 || (bytes.is_empty() && unused != 0) {
        return Err(Malformed);
    }
    // DER: the unused bits of the last octet are zero.
    if let Some(last) = bytes.last() {
        let mask = (1u16 << unused).wrapping_sub(1);
        if u16::from(*last) & mask != 0 {
            return Err(Malformed);
        }
    }
    let mut out = 0u16;
    for (i, byte) in bytes.iter().take(2).enumerate() {
        for bit in 0..8u32 {
            if byte & (0x80 >> bit) != 0 {
                let pos = u32::try_from(i).map_err(|_| Malformed)? * 8 + bit;
                out |= 1u16 << pos;
            }
        }
    }
    Ok(out)
}

/// A certificate or CRL time: seconds since the UNIX epoch (negative before
/// 1970) and whether it was encoded as GeneralizedTime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Time {
    pub(crate) unix: i64,
    pub(crate) year: u16,
    pub(crate) generalized: bool,
}

/// Decodes a UTCTime or GeneralizedTime TLV in the RFC 5280 §4.1.2.5 form
/// (`YYMMDDHHMMSSZ` / `YYYYMMDDHHMMSSZ`, no fractions, UTC only).
pub(crate) fn time(tlv: &Tlv<'_>) -> Result<Time, Malformed> {
    let digits = |s: &[u8]| -> Result<u32, Malformed> {
        s.iter().try_fold(0u32, |acc, c| {
            if c.is_ascii_digit() {
                Ok(acc * 10 + u32::from(c - b'0'))
            } else {
                Err(Malformed)
            }
        })
    };
    let (year, rest, generalized) = match (tlv.tag, tlv.value.len()) {
        (tag::UTC_TIME, 13) => {
            let yy = digits(tlv.value.get(..2).ok_or(Malformed)?)?;
            // RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY, otherwise 20YY.
            let year = if yy >= 50 { 1900 + yy } else { 2000 + yy };
            (year, tlv.value.get(2..).ok_or(Malformed)?, false)
        }
        (tag::GENERALIZED_TIME, 15) => {
            let year = digits(tlv.value.get(..4).ok_or(Malformed)?)?;
            (year, tlv.value.get(4..).ok_or(Malformed)?, true)
        }
        _ => return Err(Malformed),
    };
    let field = |i: usize| -> Result<u32, Malformed> {
        digits(rest.get(i..i.saturating_add(2)).ok_or(Malformed)?)
    };
    let (month, day, hour, minute, second) =
        (field(0)?, field(2)?, field(4)?, field(6)?, field(8)?);
    if rest.get(10) != Some(&b'Z') {
        return Err(Malformed);
    }
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return Err(Malformed);
    }
    let days = days_from_civil(i64::from(year), month, day);
    let unix = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Ok(Time {
        unix,
        year: u16::try_from(year).map_err(|_| Malformed)?,
        generalized,
    })
}

fn is_leap(year: u32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// days_from_civil algorithm).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(tag: u8, s: &str) -> Result<Time, Malformed> {
        time(&Tlv {
            tag,
            value: s.as_bytes(),
            raw: &[],
        })
    }

    #[test]
    fn times() {
        assert_eq!(t(tag::UTC_TIME, "700101000000Z").unwrap().unix, 0);
        assert_eq!(t(tag::UTC_TIME, "491231235959Z").unwrap().year, 2049);
        assert_eq!(t(tag::UTC_TIME, "500101000000Z").unwrap().year, 1950);
        assert_eq!(t(tag::UTC_TIME, "691231235959Z").unwrap().unix, -1);
        assert_eq!(
            t(tag::GENERALIZED_TIME, "20000301000000Z").unwrap().unix,
            951_868_800
        );
        assert_eq!(
            t(tag::GENERALIZED_TIME, "99991231235959Z").unwrap().unix,
            253_402_300_799
        );
        assert!(
            t(tag::GENERALIZED_TIME, "20240101000000Z")
                .unwrap()
                .generalized
        );
        assert_eq!(
            t(tag::UTC_TIME, "240229000000Z").unwrap().unix,
            1_709_164_800
        );
        assert_eq!(t(tag::UTC_TIME, "230229000000Z"), Err(Malformed));
        assert_eq!(t(tag::UTC_TIME, "2401010000Z"), Err(Malformed));
        assert_eq!(t(tag::UTC_TIME, "240101000000+0100"), Err(Malformed));
        assert_eq!(
            t(tag::GENERALIZED_TIME, "20240101000000.5Z"),
            Err(Malformed)
        );
        assert_eq!(t(tag::UTC_TIME, "241301000000Z"), Err(Malformed));
        assert_eq!(t(tag::UTC_TIME, "24010100006 Z"), Err(Malformed));
    }

    #[test]
    fn integers_and_bits() {
        assert_eq!(small_uint(&[0x05]), Ok(5));
        assert_eq!(small_uint(&[0x00, 0x80]), Ok(128));
        assert_eq!(small_uint(&[0x00, 0x05]), Err(Malformed));
        assert_eq!(small_uint(&[0x80]), Err(Malformed));
        assert_eq!(integer_is_negative(&[0xff, 0x80]), Err(Malformed));
        assert_eq!(integer_is_negative(&[0xff, 0x7f]), Ok(true));
        // keyUsage digitalSignature + keyCertSign: 0b1000_0100, 2 unused bits.
        assert_eq!(named_bits(&[0x02, 0x84]), Ok(0b10_0001));
        assert_eq!(named_bits(&[0x07, 0x80]), Ok(1));
        assert_eq!(named_bits(&[0x01, 0x81]), Err(Malformed));
        assert_eq!(named_bits(&[0x08, 0x80]), Err(Malformed));
        assert_eq!(named_bits(&[0x00]), Ok(0));
        // decipherOnly is bit 8, in the second octet.
        assert_eq!(named_bits(&[0x07, 0x00, 0x80]), Ok(1 << 8));
        assert_eq!(boolean(&[0xff]), Ok(true));
        assert_eq!(boolean(&[0x01]), Err(Malformed));
    }

    /// The `der` crate's reading of the first TLV of `buf`, which
    /// [`split_tlv`] must match exactly.
    fn der_crate_tlv(buf: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        use der::{Decode, Reader, SliceReader, asn1::AnyRef};
        let tag = *buf.first()?;
        if tag & 0x1f == 0x1f {
            return None;
        }
        let mut r = SliceReader::new(buf).ok()?;
        let raw = r.tlv_bytes().ok()?;
        let value = AnyRef::from_der(raw).ok()?.value();
        Some((tag, value, raw))
    }

    #[test]
    fn tlv_split_matches_der_crate() {
        let lengths: &[&[u8]] = &[
            &[],
            &[0x00],
            &[0x01],
            &[0x03],
            &[0x7f],
            &[0x80],
            &[0x81],
            &[0x81, 0x00],
            &[0x81, 0x03],
            &[0x81, 0x7f],
            &[0x81, 0x80],
            &[0x81, 0x81],
            &[0x82, 0x00, 0x80],
            &[0x82, 0x00, 0xff],
            &[0x82, 0x01, 0x00],
            &[0x82, 0x01],
            &[0x83, 0x00, 0x01, 0x00],
            &[0x83, 0x01, 0x00, 0x00],
            &[0x84, 0x00, 0x01, 0x00, 0x00],
            &[0x84, 0x01, 0x00, 0x00, 0x00],
            &[0x84, 0xff, 0xff, 0xff, 0xff],
            &[0x85, 0x00, 0x00, 0x00, 0x00, 0x01],
            &[0xff, 0x01],
        ];
        let mut accepted = 0;
        for tag_byte in 0..=255u8 {
            for len in lengths {
                for body in [0usize, 2, 3, 4, 0x7f, 0x80, 0x81, 0x100, 0x101, 0x1_0000] {
                    let mut buf = alloc::vec![tag_byte];
                    buf.extend_from_slice(len);
                    buf.resize(buf.len() + body, 0x05);
                    let ours = split_tlv(&buf).ok().map(|(t, _)| (t.tag, t.value, t.raw));
                    assert_eq!(
                        ours,
                        der_crate_tlv(&buf),
                        "{tag_byte:02x} {len:02x?} +{body}"
                    );
                    if let Ok((t, rest)) = split_tlv(&buf) {
                        assert_eq!(t.raw.len() + rest.len(), buf.len());
                        accepted += 1;
                    }
                }
            }
        }
        // Not a vacuous comparison: many inputs are read, most are not.
        assert!(accepted > 1000, "{accepted}");
    }

    #[test]
    fn der_walk() {
        let buf = [0x30, 0x03, 0x02, 0x01, 0x05, 0x05, 0x00];
        let mut d = Der::new(&buf);
        let mut s = d.nested(tag::SEQUENCE).unwrap();
        assert_eq!(s.expect(tag::INTEGER).unwrap().value, &[5]);
        assert!(s.finish().is_ok());
        assert_eq!(d.peek(), Some(tag::NULL));
        assert_eq!(d.any().unwrap().raw, &[0x05, 0x00]);
        assert!(d.is_empty());
        // Non-minimal length and truncation are rejected.
        assert!(Der::new(&[0x04, 0x81, 0x01, 0x00]).any().is_err());
        assert!(Der::new(&[0x04, 0x05, 0x00]).any().is_err());
        assert!(Der::single(&[0x30, 0x00, 0x00], tag::SEQUENCE).is_err());
    }
}
