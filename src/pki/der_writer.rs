//! A small DER (X.690) writer: exactly the encodings the test PKI needs to
//! build certificates, SubjectPublicKeyInfos and PKCS#8 wrappers.
//!
//! Every function returns the complete TLV (tag, length, value) as a fresh
//! vector; nesting is done by passing inner TLVs as content. That costs some
//! copying, which does not matter for a builder that runs in tests and the
//! demo command, and keeps each encoding rule in one obvious place.
//!
//! It also owns the conversion from UNIX seconds to the civil (proleptic
//! Gregorian, UTC) date that UTCTime and GeneralizedTime spell out.

use super::PkiError;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Universal tag numbers (with the constructed bit where DER requires it).
pub mod tag {
    /// BOOLEAN.
    pub const BOOLEAN: u8 = 0x01;
    /// INTEGER.
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING.
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING.
    pub const OCTET_STRING: u8 = 0x04;
    /// NULL.
    pub const NULL: u8 = 0x05;
    /// OBJECT IDENTIFIER.
    pub const OID: u8 = 0x06;
    /// UTF8String.
    pub const UTF8_STRING: u8 = 0x0c;
    /// PrintableString.
    pub const PRINTABLE_STRING: u8 = 0x13;
    /// IA5String.
    pub const IA5_STRING: u8 = 0x16;
    /// UTCTime.
    pub const UTC_TIME: u8 = 0x17;
    /// GeneralizedTime.
    pub const GENERALIZED_TIME: u8 = 0x18;
    /// SEQUENCE (constructed).
    pub const SEQUENCE: u8 = 0x30;
    /// SET (constructed).
    pub const SET: u8 = 0x31;
}

/// Encodes one TLV with a single-byte identifier.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len().saturating_add(6));
    out.push(tag);
    push_length(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// X.690 §8.1.3 with the DER rule of §10.1: the short form below 128,
/// otherwise the long form with the fewest length octets.
fn push_length(out: &mut Vec<u8>, len: usize) {
    if let Ok(short) = u8::try_from(len) {
        if short < 0x80 {
            out.push(short);
            return;
        }
    }
    let be = len.to_be_bytes();
    let significant: Vec<u8> = be.iter().copied().skip_while(|b| *b == 0).collect();
    // usize has at most 8 bytes, so the count always fits in the 7 bits.
    let count = u8::try_from(significant.len()).unwrap_or(0x7f);
    out.push(0x80 | count);
    out.extend_from_slice(&significant);
}

/// A SEQUENCE of already-encoded elements, in the given order.
pub fn sequence(elements: &[&[u8]]) -> Vec<u8> {
    tlv(tag::SEQUENCE, &elements.concat())
}

/// A SET OF already-encoded elements. X.690 §11.6: DER sorts the elements
/// by their encodings, so the caller's order does not matter.
pub fn set_of(elements: &[&[u8]]) -> Vec<u8> {
    let mut sorted: Vec<&[u8]> = elements.to_vec();
    sorted.sort_unstable();
    tlv(tag::SET, &sorted.concat())
}

/// A BOOLEAN; X.690 §11.1: TRUE is 0xFF in DER.
pub fn boolean(value: bool) -> Vec<u8> {
    tlv(tag::BOOLEAN, &[if value { 0xff } else { 0x00 }])
}

/// NULL.
pub fn null() -> Vec<u8> {
    tlv(tag::NULL, &[])
}

/// A non-negative INTEGER from its big-endian magnitude, in the minimal two's
/// complement form X.690 §8.3.2 requires: leading zero bytes dropped, one
/// zero byte put back when the top bit is set. An empty magnitude is zero.
pub fn integer_unsigned(magnitude: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = match magnitude.iter().position(|b| *b != 0) {
        Some(first) => magnitude.get(first..).unwrap_or(&[]),
        None => &[],
    };
    let mut content = Vec::with_capacity(trimmed.len().saturating_add(1));
    match trimmed.first() {
        None => content.push(0),
        Some(top) if top & 0x80 != 0 => content.push(0),
        Some(_) => {}
    }
    content.extend_from_slice(trimmed);
    tlv(tag::INTEGER, &content)
}

/// A non-negative INTEGER from a machine integer.
pub fn integer_u64(value: u64) -> Vec<u8> {
    integer_unsigned(&value.to_be_bytes())
}

/// The content octets of an OBJECT IDENTIFIER (X.690 §8.19), without tag
/// and length. Fails on fewer than two arcs, a first arc above 2, or a
/// second arc of 40 or more under roots 0 and 1.
pub fn oid_content(arcs: &[u64]) -> Result<Vec<u8>, PkiError> {
    let (first, second, rest) = match arcs {
        [a, b, rest @ ..] => (*a, *b, rest),
        _ => return Err(PkiError::InvalidOid),
    };
    if first > 2 || (first < 2 && second >= 40) {
        return Err(PkiError::InvalidOid);
    }
    let head = first
        .checked_mul(40)
        .and_then(|v| v.checked_add(second))
        .ok_or(PkiError::InvalidOid)?;
    let mut out = Vec::new();
    push_base128(&mut out, head);
    for arc in rest {
        push_base128(&mut out, *arc);
    }
    Ok(out)
}

/// An OBJECT IDENTIFIER TLV from its arcs.
pub fn oid(arcs: &[u64]) -> Result<Vec<u8>, PkiError> {
    Ok(tlv(tag::OID, &oid_content(arcs)?))
}

/// Base-128, most significant group first, high bit set on all but the last.
fn push_base128(out: &mut Vec<u8>, value: u64) {
    let mut groups = [0u8; 10];
    let mut n = 0usize;
    let mut v = value;
    loop {
        let [.., low] = (v & 0x7f).to_be_bytes();
        if let Some(slot) = groups.get_mut(n) {
            *slot = low;
        }
        n = n.saturating_add(1);
        v >>= 7;
        if v == 0 {
            break;
        }
    }
    for i in (0..n).rev() {
        let g = groups.get(i).copied().unwrap_or(0);
        out.push(if i == 0 { g } else { g | 0x80 });
    }
}

/// A BIT STRING whose bits fill whole bytes (keys, signatures).
pub fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut content = Vec::with_capacity(bytes.len().saturating_add(1));
    content.push(0);
    content.extend_from_slice(bytes);
    tlv(tag::BIT_STRING, &content)
}

/// A BIT STRING whose last byte has `unused` padding bits (0..=7), which
/// DER requires to be zero (X.690 §11.2.1); they are cleared here.
pub fn bit_string_with_unused(bytes: &[u8], unused: u8) -> Result<Vec<u8>, PkiError> {
    if unused > 7 || (bytes.is_empty() && unused != 0) {
        return Err(PkiError::InvalidParameter("BIT STRING unused bits"));
    }
    let mut content = Vec::with_capacity(bytes.len().saturating_add(1));
    content.push(unused);
    content.extend_from_slice(bytes);
    if let Some(last) = content.last_mut() {
        if unused != 0 {
            *last &= 0xffu8 << unused;
        }
    }
    Ok(tlv(tag::BIT_STRING, &content))
}

/// An OCTET STRING.
pub fn octet_string(bytes: &[u8]) -> Vec<u8> {
    tlv(tag::OCTET_STRING, bytes)
}

/// A UTF8String.
pub fn utf8_string(s: &str) -> Vec<u8> {
    tlv(tag::UTF8_STRING, s.as_bytes())
}

/// A PrintableString; fails on characters outside its X.680 §41.4 set.
pub fn printable_string(s: &str) -> Result<Vec<u8>, PkiError> {
    let ok = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b));
    if ok {
        Ok(tlv(tag::PRINTABLE_STRING, s.as_bytes()))
    } else {
        Err(PkiError::InvalidString)
    }
}

/// An IA5String (ASCII); fails on non-ASCII characters.
pub fn ia5_string(s: &str) -> Result<Vec<u8>, PkiError> {
    if s.is_ascii() {
        Ok(tlv(tag::IA5_STRING, s.as_bytes()))
    } else {
        Err(PkiError::InvalidString)
    }
}

/// The identifier octets of a context-specific tag `[number]`, using the
/// high-tag-number form (X.690 §8.1.2.4) from 31 up.
fn context_identifier(number: u32, constructed: bool) -> Vec<u8> {
    let class = if constructed { 0xa0 } else { 0x80 };
    match u8::try_from(number) {
        Ok(n) if n < 31 => alloc::vec![class | n],
        _ => {
            let mut out = alloc::vec![class | 0x1f];
            push_base128(&mut out, u64::from(number));
            out
        }
    }
}

fn context_tlv(number: u32, constructed: bool, content: &[u8]) -> Vec<u8> {
    let mut out = context_identifier(number, constructed);
    push_length(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// `[number]` constructed: an EXPLICIT tag around `content` (a complete
/// TLV), or an IMPLICIT tag on a constructed type (`content` then being the
/// inner type's content octets).
pub fn context_constructed(number: u32, content: &[u8]) -> Vec<u8> {
    context_tlv(number, true, content)
}

/// `[number]` primitive: an IMPLICIT tag on a primitive type such as the
/// IA5String of a dNSName or the OCTET STRING of an iPAddress.
pub fn context_primitive(number: u32, content: &[u8]) -> Vec<u8> {
    context_tlv(number, false, content)
}

/// A date and time of day in UTC, proleptic Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilTime {
    /// Year, 0..=9999.
    pub year: u16,
    /// Month, 1..=12.
    pub month: u8,
    /// Day of the month, 1..=31.
    pub day: u8,
    /// Hour, 0..=23.
    pub hour: u8,
    /// Minute, 0..=59.
    pub minute: u8,
    /// Second, 0..=59 (UNIX time has no leap seconds).
    pub second: u8,
}

/// Seconds from 1970-01-01 to 0000-01-01 and to 9999-12-31T23:59:59: the
/// range a four-digit GeneralizedTime can express.
const MIN_UNIX: i64 = -62_167_219_200;
const MAX_UNIX: i64 = 253_402_300_799;

const DAYS_PER_400_YEARS: i64 = 146_097;
/// Days from 0000-03-01 to 1970-01-01. Counting from March puts the leap
/// day at the end of the (shifted) year, which makes month lengths regular.
const DAYS_0000_03_01_TO_EPOCH: i64 = 719_468;

/// Converts UNIX seconds to a civil date in years 0..=9999.
pub fn civil_from_unix(secs: i64) -> Result<CivilTime, PkiError> {
    if !(MIN_UNIX..=MAX_UNIX).contains(&secs) {
        return Err(PkiError::TimeOutOfRange);
    }
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Day number counted from 0000-03-01, split into 400-year eras (whose
    // length is fixed) and the day within the era.
    let z = days + DAYS_0000_03_01_TO_EPOCH;
    let era = z.div_euclid(DAYS_PER_400_YEARS);
    let day_of_era = z.rem_euclid(DAYS_PER_400_YEARS);
    // Year of era: remove the leap days (one per 4 years, minus one per
    // century, plus one per 400 years) before dividing by 365.
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    // Months from March: their lengths 31,30,31,30,31 repeat with period
    // 153 days per 5 months, so (5 * d + 2) / 153 finds the month.
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = era * 400 + year_of_era + i64::from(month <= 2);
    let small = |v: i64| u8::try_from(v).map_err(|_| PkiError::TimeOutOfRange);
    Ok(CivilTime {
        year: u16::try_from(year).map_err(|_| PkiError::TimeOutOfRange)?,
        month: small(month)?,
        day: small(day)?,
        hour: small(sod / 3600)?,
        minute: small(sod % 3600 / 60)?,
        second: small(sod % 60)?,
    })
}

/// Converts a civil date and time (UTC) to UNIX seconds; the inverse of
/// [`civil_from_unix`]. Fails on out-of-range fields (it does not check the
/// day against the month's length: 31 February rolls into March).
pub fn unix_from_civil(t: CivilTime) -> Result<i64, PkiError> {
    if t.year > 9999
        || !(1..=12).contains(&t.month)
        || !(1..=31).contains(&t.day)
        || t.hour > 23
        || t.minute > 59
        || t.second > 59
    {
        return Err(PkiError::TimeOutOfRange);
    }
    let month = i64::from(t.month);
    let year = i64::from(t.year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(t.day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * DAYS_PER_400_YEARS + day_of_era - DAYS_0000_03_01_TO_EPOCH;
    Ok(days * 86_400 + i64::from(t.hour) * 3600 + i64::from(t.minute) * 60 + i64::from(t.second))
}

fn time_digits(t: &CivilTime) -> String {
    format!(
        "{:02}{:02}{:02}{:02}{:02}Z",
        t.month, t.day, t.hour, t.minute, t.second
    )
}

/// UTCTime `YYMMDDHHMMSSZ` (X.690 §11.8); only years 1950..=2049 fit
/// (RFC 5280 §4.1.2.5.1).
pub fn utc_time(secs: i64) -> Result<Vec<u8>, PkiError> {
    let t = civil_from_unix(secs)?;
    if !(1950..=2049).contains(&t.year) {
        return Err(PkiError::TimeOutOfRange);
    }
    let s = format!("{:02}{}", t.year % 100, time_digits(&t));
    Ok(tlv(tag::UTC_TIME, s.as_bytes()))
}

/// GeneralizedTime `YYYYMMDDHHMMSSZ` without fractional seconds
/// (RFC 5280 §4.1.2.5.2).
pub fn generalized_time(secs: i64) -> Result<Vec<u8>, PkiError> {
    let t = civil_from_unix(secs)?;
    let s = format!("{:04}{}", t.year, time_digits(&t));
    Ok(tlv(tag::GENERALIZED_TIME, s.as_bytes()))
}

/// The `Time` CHOICE as RFC 5280 §4.1.2.5 requires: UTCTime through 2049,
/// GeneralizedTime from 2050 on (and, necessarily, before 1950).
pub fn x509_time(secs: i64) -> Result<Vec<u8>, PkiError> {
    let t = civil_from_unix(secs)?;
    if (1950..=2049).contains(&t.year) {
        utc_time(secs)
    } else {
        generalized_time(secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn lengths_short_and_long_form() {
        assert_eq!(tlv(0x04, &[]), vec![0x04, 0x00]);
        assert_eq!(tlv(0x04, &[7; 127])[..2], [0x04, 0x7f]);
        assert_eq!(tlv(0x04, &[7; 128])[..3], [0x04, 0x81, 0x80]);
        assert_eq!(tlv(0x04, &[7; 255])[..3], [0x04, 0x81, 0xff]);
        assert_eq!(tlv(0x04, &[7; 256])[..4], [0x04, 0x82, 0x01, 0x00]);
        assert_eq!(tlv(0x04, &[7; 65536])[..5], [0x04, 0x83, 0x01, 0x00, 0x00]);
        assert_eq!(tlv(0x04, &[7; 300]).len(), 304);
    }

    #[test]
    fn integers_are_minimal() {
        assert_eq!(integer_unsigned(&[]), [0x02, 0x01, 0x00]);
        assert_eq!(integer_unsigned(&[0, 0]), [0x02, 0x01, 0x00]);
        assert_eq!(integer_u64(0), [0x02, 0x01, 0x00]);
        assert_eq!(integer_u64(2), [0x02, 0x01, 0x02]);
        assert_eq!(integer_u64(127), [0x02, 0x01, 0x7f]);
        assert_eq!(integer_u64(128), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(integer_u64(256), [0x02, 0x02, 0x01, 0x00]);
        assert_eq!(
            integer_unsigned(&[0, 0, 0xff, 1]),
            [0x02, 0x03, 0x00, 0xff, 0x01]
        );
        assert_eq!(integer_u64(u64::MAX)[..3], [0x02, 0x09, 0x00]);
    }

    #[test]
    fn oids() {
        // 1.2.840.113549.1.1.11 sha256WithRSAEncryption.
        assert_eq!(
            oid(&[1, 2, 840, 113_549, 1, 1, 11]).unwrap(),
            [
                0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b
            ]
        );
        // 2.5.29.19 basicConstraints; 1.3.101.112 Ed25519.
        assert_eq!(
            oid(&[2, 5, 29, 19]).unwrap(),
            [0x06, 0x03, 0x55, 0x1d, 0x13]
        );
        assert_eq!(
            oid(&[1, 3, 101, 112]).unwrap(),
            [0x06, 0x03, 0x2b, 0x65, 0x70]
        );
        // 2.999.3: the first subidentifier 1079 needs two bytes (X.690 §8.19 example).
        assert_eq!(oid(&[2, 999, 3]).unwrap(), [0x06, 0x03, 0x88, 0x37, 0x03]);
        assert_eq!(oid(&[0, 0]).unwrap(), [0x06, 0x01, 0x00]);
        assert_eq!(oid(&[1, 2, u64::MAX]).unwrap().len(), 2 + 1 + 10);
        assert_eq!(oid(&[1]), Err(PkiError::InvalidOid));
        assert_eq!(oid(&[]), Err(PkiError::InvalidOid));
        assert_eq!(oid(&[3, 1]), Err(PkiError::InvalidOid));
        assert_eq!(oid(&[1, 40]), Err(PkiError::InvalidOid));
        assert_eq!(oid(&[2, u64::MAX]), Err(PkiError::InvalidOid));
    }

    #[test]
    fn strings_bits_and_tags() {
        assert_eq!(boolean(true), [0x01, 0x01, 0xff]);
        assert_eq!(boolean(false), [0x01, 0x01, 0x00]);
        assert_eq!(null(), [0x05, 0x00]);
        assert_eq!(bit_string(&[0xab]), [0x03, 0x02, 0x00, 0xab]);
        assert_eq!(
            bit_string_with_unused(&[0xff], 3).unwrap(),
            [0x03, 0x02, 0x03, 0xf8]
        );
        assert_eq!(bit_string_with_unused(&[], 0).unwrap(), [0x03, 0x01, 0x00]);
        assert!(bit_string_with_unused(&[0], 8).is_err());
        assert!(bit_string_with_unused(&[], 1).is_err());
        assert_eq!(printable_string("US").unwrap(), [0x13, 0x02, b'U', b'S']);
        assert_eq!(printable_string("a*b"), Err(PkiError::InvalidString));
        assert_eq!(ia5_string("a.b").unwrap(), [0x16, 0x03, b'a', b'.', b'b']);
        assert_eq!(ia5_string("\u{e9}"), Err(PkiError::InvalidString));
        assert_eq!(utf8_string("\u{e9}"), [0x0c, 0x02, 0xc3, 0xa9]);
        assert_eq!(context_primitive(2, b"x"), [0x82, 0x01, b'x']);
        assert_eq!(
            context_constructed(3, &[0x05, 0x00]),
            [0xa3, 0x02, 0x05, 0x00]
        );
        assert_eq!(context_primitive(31, &[]), [0x9f, 0x1f, 0x00]);
        assert_eq!(context_constructed(200, &[]), [0xbf, 0x81, 0x48, 0x00]);
    }

    #[test]
    fn set_of_sorts() {
        let a = integer_u64(1);
        let b = integer_u64(300);
        let c = boolean(true);
        assert_eq!(set_of(&[&b, &a, &c]), set_of(&[&c, &a, &b]));
        assert_eq!(
            set_of(&[&b, &a]),
            [0x31, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x01, 0x2c]
        );
        assert_eq!(
            sequence(&[&b, &a]),
            [0x30, 0x07, 0x02, 0x02, 0x01, 0x2c, 0x02, 0x01, 0x01]
        );
    }

    #[test]
    fn civil_dates() {
        let t = |year, month, day, hour, minute, second| CivilTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        };
        let cases = [
            (0, t(1970, 1, 1, 0, 0, 0)),
            (951_782_400, t(2000, 2, 29, 0, 0, 0)),
            (1_709_251_199, t(2024, 2, 29, 23, 59, 59)),
            (4_107_542_400, t(2100, 3, 1, 0, 0, 0)),
            (-1, t(1969, 12, 31, 23, 59, 59)),
            (-631_152_000, t(1950, 1, 1, 0, 0, 0)),
            (2_524_607_999, t(2049, 12, 31, 23, 59, 59)),
            (MIN_UNIX, t(0, 1, 1, 0, 0, 0)),
            (MAX_UNIX, t(9999, 12, 31, 23, 59, 59)),
        ];
        for (secs, want) in cases {
            assert_eq!(civil_from_unix(secs).unwrap(), want, "{secs}");
            assert_eq!(unix_from_civil(want).unwrap(), secs);
        }
        assert_eq!(civil_from_unix(MIN_UNIX - 1), Err(PkiError::TimeOutOfRange));
        assert_eq!(civil_from_unix(MAX_UNIX + 1), Err(PkiError::TimeOutOfRange));
        assert_eq!(
            unix_from_civil(t(2000, 13, 1, 0, 0, 0)),
            Err(PkiError::TimeOutOfRange)
        );
        // Every day over four centuries round-trips and advances by one day.
        let mut prev = civil_from_unix(MIN_UNIX).unwrap();
        for d in 1..(DAYS_PER_400_YEARS + 10) {
            let secs = MIN_UNIX + d * 86_400 + 3_661;
            let c = civil_from_unix(secs).unwrap();
            assert_eq!(unix_from_civil(c).unwrap(), secs);
            assert!((c.year, c.month, c.day) > (prev.year, prev.month, prev.day));
            prev = c;
        }
    }

    #[test]
    fn times_follow_rfc5280() {
        assert_eq!(x509_time(0).unwrap(), tlv(tag::UTC_TIME, b"700101000000Z"));
        assert_eq!(
            x509_time(2_524_607_999).unwrap(),
            tlv(tag::UTC_TIME, b"491231235959Z")
        );
        assert_eq!(
            x509_time(2_524_608_000).unwrap(),
            tlv(tag::GENERALIZED_TIME, b"20500101000000Z")
        );
        assert_eq!(
            x509_time(-631_152_001).unwrap(),
            tlv(tag::GENERALIZED_TIME, b"19491231235959Z")
        );
        assert_eq!(
            x509_time(MAX_UNIX).unwrap(),
            tlv(tag::GENERALIZED_TIME, b"99991231235959Z")
        );
        assert_eq!(
            generalized_time(0).unwrap(),
            tlv(tag::GENERALIZED_TIME, b"19700101000000Z")
        );
        assert_eq!(utc_time(2_524_608_000), Err(PkiError::TimeOutOfRange));
    }
}
