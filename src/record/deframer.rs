//! Record framing on the receive side: parsing and validating the 5-byte
//! record header (RFC 8446 §5.1, §5.2) and walking a caller-owned buffer
//! record by record without copying.
//!
//! Header fields are checked as soon as their bytes arrive, so garbage (a
//! plaintext HTTP request, an SSLv2 hello) is rejected after one byte rather
//! than after we have waited for a "length" worth of data.

use super::{MAX_CIPHERTEXT_LEN, MAX_PLAINTEXT_LEN};
use crate::codec::enums::ContentType;
use crate::error::{Error, InvalidMessage};

/// Length of a record header: type (1), legacy_record_version (2), length (2).
pub const HEADER_LEN: usize = 5;

/// A parsed record header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordHeader {
    /// The (outer) content type.
    pub typ: ContentType,
    /// legacy_record_version: ignored apart from its 0x03 high byte, but
    /// part of the additional data of a protected record.
    pub legacy_version: u16,
    /// Length of the payload that follows the header.
    pub len: u16,
}

impl RecordHeader {
    /// The header's wire encoding (also the AEAD additional data of a
    /// protected record, RFC 8446 §5.2).
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let [v0, v1] = self.legacy_version.to_be_bytes();
        let [l0, l1] = self.len.to_be_bytes();
        [self.typ.0, v0, v1, l0, l1]
    }

    /// The payload length as a `usize`.
    pub fn payload_len(&self) -> usize {
        usize::from(self.len)
    }

    /// Length of the whole record: header plus payload.
    pub fn record_len(&self) -> usize {
        HEADER_LEN + self.payload_len()
    }
}

/// Largest payload a record of type `typ` may carry. `protected` says
/// whether the connection has read keys (or is skipping early data), i.e.
/// whether an application_data record is a TLSCiphertext.
fn max_payload_len(typ: ContentType, protected: bool) -> usize {
    if protected && typ == ContentType::APPLICATION_DATA {
        // RFC 8446 §5.2: TLSCiphertext.length MUST NOT exceed 2^14 + 256.
        MAX_CIPHERTEXT_LEN
    } else {
        // RFC 8446 §5.1: TLSPlaintext.length MUST NOT exceed 2^14. CCS,
        // and alerts or handshake records sent before keys, are plaintext
        // even once the connection has keys.
        MAX_PLAINTEXT_LEN
    }
}

/// Looks at the start of `buf` for one record.
///
/// Returns `Ok(None)` while fewer bytes than the whole record are present
/// (read more and call again), and the header once the header and all
/// `len` payload bytes are there. Every header field present is validated
/// even when the record is incomplete:
/// - an unknown content type fails with [`InvalidMessage::InvalidContentType`];
/// - a legacy_record_version whose high byte is not 0x03 fails with
///   [`InvalidMessage::InvalidRecordVersion`];
/// - a length above 2^14 (2^14 + 256 for an application_data record when
///   `protected`) fails with [`Error::RecordOverflow`];
/// - a zero length on a handshake or alert record fails with
///   [`InvalidMessage::EmptyFragment`].
pub fn peek_record(buf: &[u8], protected: bool) -> Result<Option<RecordHeader>, Error> {
    let Some(&typ) = buf.first() else {
        return Ok(None);
    };
    let typ = ContentType(typ);
    // RFC 8446 §5: a record type not defined there is an unexpected_message.
    if !typ.is_known() {
        return Err(InvalidMessage::InvalidContentType.into());
    }
    match buf.get(1) {
        None => return Ok(None),
        // legacy_record_version "MUST be ignored" (RFC 8446 §5.1), but a
        // high byte other than 3 means the bytes are not TLS at all.
        Some(&major) if major != 0x03 => return Err(InvalidMessage::InvalidRecordVersion.into()),
        Some(_) => {}
    }
    let (v0, v1, l0, l1) = match buf.get(1..HEADER_LEN) {
        Some(&[v0, v1, l0, l1]) => (v0, v1, l0, l1),
        _ => return Ok(None),
    };
    let header = RecordHeader {
        typ,
        legacy_version: u16::from_be_bytes([v0, v1]),
        len: u16::from_be_bytes([l0, l1]),
    };
    // RFC 8446 §5.1/§5.2: longer records MUST be met with record_overflow.
    if header.payload_len() > max_payload_len(typ, protected) {
        return Err(Error::RecordOverflow);
    }
    // RFC 8446 §5.1: implementations MUST NOT send zero-length fragments of
    // Handshake types; an alert record holds exactly one two-byte alert.
    if header.len == 0 && (typ == ContentType::HANDSHAKE || typ == ContentType::ALERT) {
        return Err(InvalidMessage::EmptyFragment.into());
    }
    if buf.len() < header.record_len() {
        return Ok(None);
    }
    Ok(Some(header))
}

/// Walks a caller-owned buffer of received bytes record by record.
///
/// Each complete record comes out as its header and a `&mut` slice of its
/// payload inside the caller's buffer, ready for in-place decryption. The
/// payload slices live as long as the buffer borrow, so several records'
/// plaintexts can be held at once. [`Deframer::consumed`] tells the caller
/// how many bytes of the buffer were whole records and can be discarded once
/// it is done with the payloads; an incomplete tail stays for the next read.
#[derive(Debug)]
pub struct Deframer<'a> {
    rest: &'a mut [u8],
    consumed: usize,
}

impl<'a> Deframer<'a> {
    /// Starts at the first byte of `buf`.
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self {
            rest: buf,
            consumed: 0,
        }
    }

    /// The next complete record, or `Ok(None)` when the remaining bytes do
    /// not hold a whole record yet. `protected` is as for [`peek_record`]
    /// and may change between calls (keys change between records). On an
    /// error nothing is consumed; the connection must fail.
    pub fn next_record(
        &mut self,
        protected: bool,
    ) -> Result<Option<(RecordHeader, &'a mut [u8])>, Error> {
        let Some(header) = peek_record(self.rest, protected)? else {
            return Ok(None);
        };
        let rest = core::mem::take(&mut self.rest);
        // peek_record saw all of the record, so this never shortens it;
        // `min` keeps split_at_mut panic-free regardless.
        let (record, after) = rest.split_at_mut(header.record_len().min(rest.len()));
        self.rest = after;
        self.consumed = self.consumed.saturating_add(header.record_len());
        let payload = record.get_mut(HEADER_LEN..).unwrap_or_default();
        Ok(Some((header, payload)))
    }

    /// Bytes of the buffer taken up by the records returned so far.
    pub fn consumed(&self) -> usize {
        self.consumed
    }

    /// The bytes not yet returned as records (an incomplete record, if any).
    pub fn remaining(&self) -> &[u8] {
        self.rest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    fn record(typ: u8, version: u16, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![typ];
        out.extend_from_slice(&version.to_be_bytes());
        out.extend_from_slice(&u16::try_from(payload.len()).unwrap().to_be_bytes());
        out.extend_from_slice(payload);
        out
    }

    #[test]
    fn header_roundtrip() {
        let h = RecordHeader {
            typ: ContentType::APPLICATION_DATA,
            legacy_version: 0x0303,
            len: 0x1234,
        };
        assert_eq!(h.encode(), [0x17, 0x03, 0x03, 0x12, 0x34]);
        let mut buf = h.encode().to_vec();
        buf.resize(5 + 0x1234, 0);
        assert_eq!(peek_record(&buf, true), Ok(Some(h)));
        assert_eq!(h.record_len(), 5 + 0x1234);
    }

    #[test]
    fn incomplete_records_ask_for_more() {
        let rec = record(0x16, 0x0301, &[1, 2, 3]);
        for n in 0..rec.len() {
            assert_eq!(peek_record(&rec[..n], false), Ok(None), "prefix {n}");
        }
        assert_eq!(
            peek_record(&rec, false),
            Ok(Some(RecordHeader {
                typ: ContentType::HANDSHAKE,
                legacy_version: 0x0301,
                len: 3
            }))
        );
    }

    #[test]
    fn rejects_unknown_content_type_from_first_byte() {
        for typ in [0u8, 19, 24, 0x47, 0x80, 0xff] {
            assert_eq!(
                peek_record(&[typ], false),
                Err(Error::InvalidMessage(InvalidMessage::InvalidContentType)),
                "type {typ}"
            );
        }
        // "GET / HTTP/1.1" fails on its first byte.
        assert_eq!(
            peek_record(b"GET / HTTP/1.1\r\n", false),
            Err(InvalidMessage::InvalidContentType.into())
        );
    }

    #[test]
    fn rejects_bad_record_version_high_byte() {
        for v in [0x0203u16, 0x0403, 0x0000, 0xfeff] {
            let rec = record(0x17, v, &[0; 20]);
            assert_eq!(
                peek_record(&rec[..2], true),
                Err(InvalidMessage::InvalidRecordVersion.into()),
                "version {v:#x}"
            );
            assert_eq!(
                peek_record(&rec, true),
                Err(InvalidMessage::InvalidRecordVersion.into())
            );
        }
        for v in [0x0300u16, 0x0301, 0x0302, 0x0303, 0x0304, 0x03ff] {
            let rec = record(0x16, v, &[1]);
            assert!(
                peek_record(&rec, false).unwrap().is_some(),
                "version {v:#x}"
            );
        }
    }

    #[test]
    fn length_limits_by_protection_and_type() {
        let hdr = |typ: u8, len: usize| {
            let mut h = vec![typ, 3, 3];
            h.extend_from_slice(&u16::try_from(len).unwrap().to_be_bytes());
            h
        };
        // Plaintext records: 2^14 is fine (incomplete -> None), 2^14+1 overflows.
        for typ in [0x14u8, 0x15, 0x16, 0x17] {
            assert_eq!(peek_record(&hdr(typ, 16384), false), Ok(None));
            assert_eq!(
                peek_record(&hdr(typ, 16385), false),
                Err(Error::RecordOverflow)
            );
        }
        // Protected application_data: 2^14+256 is fine, +1 overflows.
        assert_eq!(peek_record(&hdr(0x17, 16640), true), Ok(None));
        assert_eq!(
            peek_record(&hdr(0x17, 16641), true),
            Err(Error::RecordOverflow)
        );
        // Plaintext types keep the 2^14 limit on a protected connection.
        for typ in [0x14u8, 0x15, 0x16] {
            assert_eq!(peek_record(&hdr(typ, 16384), true), Ok(None));
            assert_eq!(
                peek_record(&hdr(typ, 16385), true),
                Err(Error::RecordOverflow)
            );
        }
        // The full-size record is accepted once all of it is present.
        let mut full = hdr(0x17, 16640);
        full.resize(5 + 16640, 0xaa);
        assert_eq!(
            peek_record(&full, true).unwrap().map(|h| h.len),
            Some(16640)
        );
        assert_eq!(
            peek_record(&hdr(0x17, 0xffff), true),
            Err(Error::RecordOverflow)
        );
    }

    #[test]
    fn zero_length_handshake_and_alert_rejected() {
        for typ in [0x15u8, 0x16] {
            assert_eq!(
                peek_record(&record(typ, 0x0303, &[]), false),
                Err(InvalidMessage::EmptyFragment.into())
            );
            assert_eq!(
                peek_record(&record(typ, 0x0303, &[]), true),
                Err(InvalidMessage::EmptyFragment.into())
            );
        }
        // Empty application_data is legal framing (RFC 8446 §5.1); an
        // empty CCS is left to the CCS rule (InvalidCcs).
        for typ in [0x14u8, 0x17] {
            assert_eq!(
                peek_record(&record(typ, 0x0303, &[]), true)
                    .unwrap()
                    .map(|h| h.len),
                Some(0)
            );
        }
    }

    #[test]
    fn deframer_walks_records_and_keeps_incomplete_tail() {
        let mut stream = Vec::new();
        stream.extend(record(0x16, 0x0301, b"hello"));
        stream.extend(record(0x14, 0x0303, &[1]));
        stream.extend(record(0x17, 0x0303, b"ciphertext"));
        let whole = stream.len();
        stream.extend(&record(0x17, 0x0303, b"partial")[..6]);

        let mut buf = stream.clone();
        let mut d = Deframer::new(&mut buf);
        let (h1, p1) = d.next_record(false).unwrap().unwrap();
        assert_eq!((h1.typ, &p1[..]), (ContentType::HANDSHAKE, &b"hello"[..]));
        let (h2, p2) = d.next_record(false).unwrap().unwrap();
        assert_eq!(
            (h2.typ, &p2[..]),
            (ContentType::CHANGE_CIPHER_SPEC, &[1u8][..])
        );
        let (h3, p3) = d.next_record(true).unwrap().unwrap();
        assert_eq!(
            (h3.typ, &p3[..]),
            (ContentType::APPLICATION_DATA, &b"ciphertext"[..])
        );
        // Payloads are views into the caller's buffer and stay usable together.
        p3[0] = b'C';
        assert_eq!(p1, b"hello");
        assert_eq!(d.next_record(true), Ok(None));
        assert_eq!(d.consumed(), whole);
        assert_eq!(d.remaining(), &stream[whole..]);
        assert_eq!(buf[whole - 10], b'C', "payload was modified in place");
    }

    #[test]
    fn deframer_error_consumes_nothing() {
        let mut buf = record(0x16, 0x0303, b"ok");
        buf.extend(record(0x18, 0x0303, b"bad"));
        let mut d = Deframer::new(&mut buf);
        assert!(d.next_record(false).unwrap().is_some());
        assert_eq!(
            d.next_record(false),
            Err(InvalidMessage::InvalidContentType.into())
        );
        assert_eq!(d.consumed(), 7);
        assert_eq!(d.remaining().len(), 8);
    }

    /// Feeds a stream through a buffer that grows one arrival at a time,
    /// split at every byte boundary, discarding consumed bytes as a
    /// connection would, and checks the same records come out.
    #[test]
    fn deframer_records_split_at_every_byte_boundary() {
        let payloads: [(u8, &[u8]); 4] = [
            (0x16, b"first handshake record"),
            (0x14, &[1]),
            (0x17, &[]),
            (0x15, &[2, 0x28]),
        ];
        let mut stream = Vec::new();
        for (t, p) in payloads {
            stream.extend(record(t, 0x0303, p));
        }
        for split in 0..=stream.len() {
            let mut got: Vec<(u8, Vec<u8>)> = Vec::new();
            let mut pending: Vec<u8> = Vec::new();
            for chunk in [&stream[..split], &stream[split..]] {
                pending.extend_from_slice(chunk);
                let mut d = Deframer::new(&mut pending);
                while let Some((h, p)) = d.next_record(true).unwrap() {
                    got.push((h.typ.0, p.to_vec()));
                }
                let used = d.consumed();
                pending.drain(..used);
            }
            assert!(pending.is_empty(), "split {split}");
            let want: Vec<(u8, Vec<u8>)> = payloads.iter().map(|(t, p)| (*t, p.to_vec())).collect();
            assert_eq!(got, want, "split {split}");
        }
    }

    /// Every two-way split of a stream, fed byte by byte into a growing
    /// buffer, never yields a record early.
    #[test]
    fn deframer_byte_by_byte() {
        let mut stream = record(0x17, 0x0303, &[9; 300]);
        stream.extend(record(0x16, 0x0303, &[7; 3]));
        let mut pending = Vec::new();
        let mut seen = Vec::new();
        for (i, b) in stream.iter().enumerate() {
            pending.push(*b);
            let mut d = Deframer::new(&mut pending);
            while let Some((h, p)) = d.next_record(true).unwrap() {
                seen.push((i, h.typ, p.len()));
            }
            let used = d.consumed();
            pending.drain(..used);
        }
        assert_eq!(
            seen,
            vec![
                (304, ContentType::APPLICATION_DATA, 300),
                (312, ContentType::HANDSHAKE, 3)
            ]
        );
    }
}
