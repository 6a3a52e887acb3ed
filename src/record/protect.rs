//! Record protection (RFC 8446 §5.2–§5.5): TLSInnerPlaintext encoding with
//! padding, AEAD seal and open in place, per-record nonces from 64-bit
//! sequence numbers, and the AEAD usage limits. Also the encoding of the
//! plaintext records sent before keys exist.
//!
//! [`RecordSealer`] and [`RecordOpener`] take a keyed AEAD and an IV and
//! know nothing of which secret they came from: the connection picks the
//! epoch (handshake, application, early data) and builds a new one at each
//! key change.

use super::deframer::{HEADER_LEN, RecordHeader};
use super::joiner::AlignedProof;
use super::{MAX_CIPHERTEXT_LEN, MAX_INNER_PLAINTEXT_LEN, MAX_PLAINTEXT_LEN, copy_append};
use crate::codec::enums::ContentType;
use crate::error::{ApiMisuse, Error, InvalidMessage, PeerMisbehaved};
use crate::provider::{AeadAlgorithm, AeadKey};
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use zeroize::Zeroize;

/// Length of the per-record nonce and of the write IV (RFC 8446 §5.3).
pub const IV_LEN: usize = 12;

/// Padding up to this many bytes is sealed from a stack buffer next to the
/// content type; more is laid out in the record first.
const SMALL_PADDING: usize = 255;

/// The static write IV, wiped on drop and never printed.
struct Iv([u8; IV_LEN]);

impl Iv {
    /// RFC 8446 §5.3: the 64-bit sequence number in network byte order,
    /// padded on the left with zeros to the IV length, XORed with the IV.
    fn nonce(&self, seq: u64) -> [u8; IV_LEN] {
        let mut nonce = self.0;
        let tail = nonce.iter_mut().skip(IV_LEN - 8);
        for (n, s) in tail.zip(seq.to_be_bytes()) {
            *n ^= s;
        }
        nonce
    }
}

impl Drop for Iv {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

fn misuse(what: &'static str) -> Error {
    Error::ApiMisuse(ApiMisuse::WrongState(what))
}

/// Checks a record we are about to send, protected or not.
fn check_outgoing(typ: ContentType, payload_len: usize, padding: usize) -> Result<(), Error> {
    // RFC 8446 §5.1: fragments carry 2^14 bytes or less; §5.4: padding
    // does not raise that limit (content + padding <= 2^14).
    if payload_len.saturating_add(padding) > MAX_PLAINTEXT_LEN {
        return Err(misuse("record payload plus padding exceeds 2^14 bytes"));
    }
    // RFC 8446 §5.4: implementations MUST NOT send Handshake and Alert
    // records that have a zero-length TLSInnerPlaintext.content.
    if payload_len == 0 && (typ == ContentType::HANDSHAKE || typ == ContentType::ALERT) {
        return Err(misuse("empty handshake or alert record"));
    }
    Ok(())
}

/// Appends one plaintext record (type, legacy_version, length, payload):
/// the records sent before any keys exist (ClientHello, ServerHello, HRR,
/// alerts before keys) and the compatibility ChangeCipherSpec.
///
/// `legacy_version` is [`super::LEGACY_VERSION_TLS12`] except on the
/// initial ClientHello, which may use [`super::LEGACY_VERSION_TLS10`]
/// (RFC 8446 §5.1). Refuses application_data (RFC 8446 §5.1: it MUST NOT be
/// written unprotected), payloads over 2^14 bytes and empty handshake or
/// alert records; on error `out` is unchanged.
pub fn write_plaintext(
    typ: ContentType,
    legacy_version: u16,
    payload: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    if !typ.is_known() || typ == ContentType::APPLICATION_DATA {
        return Err(misuse(
            "only handshake, alert and CCS records go out unprotected",
        ));
    }
    check_outgoing(typ, payload.len(), 0)?;
    let len = u16::try_from(payload.len()).map_err(|_| misuse("record too long"))?;
    let header = RecordHeader {
        typ,
        legacy_version,
        len,
    };
    out.reserve(header.record_len());
    out.extend_from_slice(&header.encode());
    copy_append(out, payload);
    Ok(())
}

/// Seals outgoing records under one traffic key (one epoch).
pub struct RecordSealer {
    key: Box<dyn AeadKey>,
    iv: Iv,
    /// Sequence number of the next record; also the count of records sealed.
    seq: u64,
    tag_len: usize,
    /// Records this key may seal (RFC 8446 §5.5).
    limit: u64,
}

impl RecordSealer {
    /// A sealer for a fresh key: the first record uses sequence number 0
    /// (RFC 8446 §5.3).
    pub fn new(key: Box<dyn AeadKey>, iv: [u8; IV_LEN]) -> Self {
        let alg = key.algorithm();
        Self {
            key,
            iv: Iv(iv),
            seq: 0,
            tag_len: alg.tag_len(),
            limit: alg.confidentiality_limit(),
        }
    }

    /// The AEAD algorithm.
    pub fn algorithm(&self) -> AeadAlgorithm {
        self.key.algorithm()
    }

    /// Sequence number the next record will use (= records sealed so far).
    pub fn sequence(&self) -> u64 {
        self.seq
    }

    /// Test hook: jump to a sequence number near the limits.
    #[cfg(all(test, feature = "std"))]
    pub(crate) fn set_sequence_for_test(&mut self, seq: u64) {
        self.seq = seq;
    }

    /// Records this key may still seal before [`ApiMisuse::KeyExhausted`].
    pub fn remaining_records(&self) -> u64 {
        self.limit.saturating_sub(self.seq)
    }

    /// True once this key has sealed 15/16 of its confidentiality limit
    /// (RFC 8446 §5.5: implementations SHOULD do a key update before
    /// reaching it). The connection should send a KeyUpdate, which itself
    /// goes out under this key, and switch to a new sealer. The margin is
    /// ~1.5 million records for AES; ChaCha20-Poly1305 never gets there.
    pub fn needs_key_update(&self) -> bool {
        self.seq >= self.limit - self.limit / 16
    }

    /// Length of the record [`RecordSealer::seal`] appends for a payload of
    /// `payload_len` bytes with `padding` zero bytes: header, payload, the
    /// inner content type, padding and the AEAD tag.
    pub fn sealed_len(&self, payload_len: usize, padding: usize) -> usize {
        HEADER_LEN
            .saturating_add(payload_len)
            .saturating_add(1)
            .saturating_add(padding)
            .saturating_add(self.tag_len)
    }

    /// Appends one protected record carrying `payload` as content type
    /// `typ`, followed by `padding` zero bytes inside the encryption
    /// (RFC 8446 §5.2, §5.4). The payload is copied once, into `out`, and
    /// encrypted there.
    ///
    /// Fails, leaving `out` unchanged, when content plus padding exceeds
    /// 2^14 bytes or a handshake/alert payload is empty
    /// ([`ApiMisuse::WrongState`]), when the key reached its usage limit
    /// ([`ApiMisuse::KeyExhausted`]) or when the AEAD fails.
    pub fn seal(
        &mut self,
        typ: ContentType,
        payload: &[u8],
        padding: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        // Check before copying anything so a refused record costs nothing.
        self.check_can_seal(typ, payload.len(), padding)?;
        let start = out.len();
        out.reserve(self.sealed_len(payload.len(), padding));
        out.extend_from_slice(&[0; HEADER_LEN]);
        copy_append(out, payload);
        self.seal_in_place(typ, out, start, padding)
    }

    /// Writes one protected record carrying `payload` into `dst`, which
    /// must be exactly [`RecordSealer::sealed_len`] bytes (the caller keeps
    /// a buffer of its own and skips `Vec` growth). The payload is encrypted
    /// from where it is straight into `dst`: no copy. Fails like
    /// [`RecordSealer::seal`]; `dst` is then unspecified but holds no
    /// plaintext beyond what the caller put there.
    pub fn seal_to(
        &mut self,
        typ: ContentType,
        payload: &[u8],
        padding: usize,
        dst: &mut [u8],
    ) -> Result<(), Error> {
        self.check_can_seal(typ, payload.len(), padding)?;
        if dst.len() != self.sealed_len(payload.len(), padding) {
            return Err(misuse("seal_to: destination is not one record long"));
        }
        // TLSInnerPlaintext = content || type || zeros (RFC 8446 §5.2);
        // the padding MUST be zeros (RFC 8446 §5.4).
        let inner_len = dst.len() - HEADER_LEN - self.tag_len;
        let mut extra = [0u8; 1 + SMALL_PADDING];
        let Some(extra) = extra.get_mut(..1usize.saturating_add(padding)) else {
            // Large padding: lay the inner plaintext out in `dst` and seal
            // it there (a copy, but padded records are rare and chosen).
            let inner = dst
                .get_mut(HEADER_LEN..HEADER_LEN + inner_len)
                .ok_or(Error::Unreachable("sealer: inner plaintext"))?;
            let (content, rest) = inner
                .split_at_mut_checked(payload.len())
                .ok_or(Error::Unreachable("sealer: content"))?;
            super::copy_blocks(content, payload);
            rest.fill(0);
            if let Some(t) = rest.first_mut() {
                *t = typ.0;
            }
            return self.seal_laid_out(dst, inner_len);
        };
        if let Some(t) = extra.first_mut() {
            *t = typ.0;
        }
        let header = outer_header(dst.len() - HEADER_LEN)?;
        let (hdr, body) = dst
            .split_at_mut_checked(HEADER_LEN)
            .ok_or(Error::Unreachable("sealer: header"))?;
        hdr.copy_from_slice(&header);
        let nonce = self.iv.nonce(self.seq);
        self.key.seal_into(&nonce, &header, payload, extra, body)?;
        // check_can_seal guaranteed seq < limit <= u64::MAX.
        self.seq = self.seq.saturating_add(1);
        Ok(())
    }

    /// Seals the record laid out in `record`: a header placeholder, the
    /// TLSInnerPlaintext (`inner_len` bytes) and room for the tag.
    fn seal_laid_out(&mut self, record: &mut [u8], inner_len: usize) -> Result<(), Error> {
        let header = outer_header(record.len().saturating_sub(HEADER_LEN))?;
        let (hdr, body) = record
            .split_at_mut_checked(HEADER_LEN)
            .ok_or(Error::Unreachable("sealer: header"))?;
        hdr.copy_from_slice(&header);
        let (in_out, tag) = body
            .split_at_mut_checked(inner_len)
            .ok_or(Error::Unreachable("sealer: tag"))?;
        let nonce = self.iv.nonce(self.seq);
        self.key.seal_in_place(&nonce, &header, in_out, tag)?;
        // check_can_seal guaranteed seq < limit <= u64::MAX.
        self.seq = self.seq.saturating_add(1);
        Ok(())
    }

    /// Seals a record whose payload the caller already wrote into `out`:
    /// `out[record_start..record_start + 5]` is a placeholder for the
    /// header and everything after it is the payload. Appends the content
    /// type, padding and tag, writes the header and encrypts in place, so
    /// no payload byte is copied. On error `out` is truncated to
    /// `record_start`.
    pub fn seal_in_place(
        &mut self,
        typ: ContentType,
        out: &mut Vec<u8>,
        record_start: usize,
        padding: usize,
    ) -> Result<(), Error> {
        let result = self.seal_tail(typ, out, record_start, padding);
        if result.is_err() {
            out.truncate(record_start);
        }
        result
    }

    fn check_can_seal(
        &self,
        typ: ContentType,
        payload_len: usize,
        padding: usize,
    ) -> Result<(), Error> {
        // RFC 8446 §5: CCS is never protected; other types are not ours to send.
        if !(typ == ContentType::HANDSHAKE
            || typ == ContentType::ALERT
            || typ == ContentType::APPLICATION_DATA)
        {
            return Err(misuse(
                "only handshake, alert and application data are protected",
            ));
        }
        check_outgoing(typ, payload_len, padding)?;
        // RFC 8446 §5.5 and §5.3: stop at the confidentiality limit, which
        // for every algorithm is below 2^64, so the sequence number can
        // never wrap.
        if self.seq >= self.limit {
            return Err(Error::ApiMisuse(ApiMisuse::KeyExhausted));
        }
        Ok(())
    }

    fn seal_tail(
        &mut self,
        typ: ContentType,
        out: &mut Vec<u8>,
        record_start: usize,
        padding: usize,
    ) -> Result<(), Error> {
        let payload_start = record_start
            .checked_add(HEADER_LEN)
            .filter(|&p| p <= out.len())
            .ok_or(misuse("seal_in_place: no room for the record header"))?;
        let payload_len = out.len() - payload_start;
        self.check_can_seal(typ, payload_len, padding)?;

        // TLSInnerPlaintext = content || type || zeros (RFC 8446 §5.2);
        // the padding MUST be zeros (RFC 8446 §5.4).
        let inner_len = payload_len + 1 + padding;
        out.reserve(1 + padding + self.tag_len);
        out.push(typ.0);
        out.resize(out.len() + padding + self.tag_len, 0);
        let record = out
            .get_mut(record_start..)
            .ok_or(Error::Unreachable("sealer: record start"))?;
        self.seal_laid_out(record, inner_len)
    }
}

/// The header of a protected record with a body of `body_len` bytes, which
/// is also the AEAD's additional data. RFC 8446 §5.2: opaque_type is
/// application_data and legacy_record_version 0x0303.
fn outer_header(body_len: usize) -> Result<[u8; HEADER_LEN], Error> {
    let len = u16::try_from(body_len).map_err(|_| misuse("record too long"))?;
    Ok(RecordHeader {
        typ: ContentType::APPLICATION_DATA,
        legacy_version: super::LEGACY_VERSION_TLS12,
        len,
    }
    .encode())
}

impl fmt::Debug for RecordSealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key and IV are secrets: never print them.
        f.debug_struct("RecordSealer")
            .field("algorithm", &self.key.algorithm())
            .field("seq", &self.seq)
            .finish_non_exhaustive()
    }
}

/// Opens incoming protected records under one traffic key (one epoch).
pub struct RecordOpener {
    key: Box<dyn AeadKey>,
    iv: Iv,
    /// Sequence number of the next record; `None` once 2^64 - 1 was used.
    seq: Option<u64>,
    tag_len: usize,
    /// Records that failed authentication under this key.
    failures: u64,
    /// Failures tolerated before the key is no longer used (RFC 8446 §5.5).
    integrity_limit: u64,
}

impl RecordOpener {
    /// An opener for a fresh key, starting at sequence number 0
    /// (RFC 8446 §5.3). The [`AlignedProof`] shows no handshake message is
    /// partly received under the previous key (RFC 8446 §5.1).
    pub fn new(key: Box<dyn AeadKey>, iv: [u8; IV_LEN], proof: AlignedProof) -> Self {
        let _ = proof;
        let alg = key.algorithm();
        Self {
            key,
            iv: Iv(iv),
            seq: Some(0),
            tag_len: alg.tag_len(),
            failures: 0,
            integrity_limit: alg.integrity_limit(),
        }
    }

    /// The AEAD algorithm.
    pub fn algorithm(&self) -> AeadAlgorithm {
        self.key.algorithm()
    }

    /// Sequence number the next record must have been sealed with, or
    /// `None` when the sequence space is used up.
    pub fn sequence(&self) -> Option<u64> {
        self.seq
    }

    /// Records that failed authentication under this key so far.
    pub fn failed_decryptions(&self) -> u64 {
        self.failures
    }

    /// Decrypts a protected record in place and strips its padding
    /// (RFC 8446 §5.2, §5.4). `payload` is the record body after `header`
    /// (as the [`super::Deframer`] returns them). Returns the real content
    /// type and the content, a sub-slice of `payload`.
    ///
    /// Errors: an outer type other than application_data, or a protected
    /// change_cipher_spec inside → [`PeerMisbehaved::UnexpectedMessage`];
    /// a body over 2^14 + 256 bytes or an inner plaintext over 2^14 + 1 →
    /// [`Error::RecordOverflow`]; authentication failure (wrong key,
    /// sequence or tampering) → [`Error::DecryptError`], which also answers
    /// every record once the integrity limit of failures is reached; an
    /// all-zero inner plaintext → [`InvalidMessage::NoContentType`]; an
    /// unknown inner type → [`InvalidMessage::InvalidContentType`]; empty
    /// handshake or alert content → [`InvalidMessage::EmptyFragment`].
    /// A record that fails authentication does not use up a sequence
    /// number, so a server skipping rejected early data (RFC 8446 §4.2.10)
    /// can go on trying.
    pub fn open_in_place<'b>(
        &mut self,
        header: &RecordHeader,
        payload: &'b mut [u8],
    ) -> Result<(ContentType, &'b mut [u8]), Error> {
        // RFC 8446 §5.2: the outer opaque_type is always application_data;
        // §5: an unexpected record type is an unexpected_message.
        if header.typ != ContentType::APPLICATION_DATA {
            return Err(PeerMisbehaved::UnexpectedMessage.into());
        }
        if payload.len() != header.payload_len() {
            return Err(Error::Unreachable(
                "opener: payload length differs from header",
            ));
        }
        // RFC 8446 §5.2: longer records MUST get record_overflow.
        if payload.len() > MAX_CIPHERTEXT_LEN {
            return Err(Error::RecordOverflow);
        }
        // RFC 8446 §5.5: after the integrity limit of forgeries, stop
        // using the key altogether.
        if self.failures >= self.integrity_limit {
            return Err(Error::DecryptError);
        }
        let Some(seq) = self.seq else {
            // RFC 8446 §5.3: the peer had to rekey before wrapping.
            return Err(PeerMisbehaved::SequenceExhausted.into());
        };
        if payload.len() < self.tag_len {
            // Too short to carry a tag: it cannot authenticate.
            self.failures = self.failures.saturating_add(1);
            return Err(Error::DecryptError);
        }
        let aad = header.encode();
        let nonce = self.iv.nonce(seq);
        let plain_len = match self.key.open_in_place(&nonce, &aad, payload) {
            Ok(n) => n,
            Err(_) => {
                self.failures = self.failures.saturating_add(1);
                // RFC 8446 §5.2: decryption failure -> bad_record_mac.
                return Err(Error::DecryptError);
            }
        };
        self.seq = seq.checked_add(1);

        let inner = payload.get_mut(..plain_len).ok_or(Error::Unreachable(
            "opener: AEAD plaintext longer than input",
        ))?;
        // RFC 8446 §5.4: the full TLSInnerPlaintext MUST NOT exceed 2^14 + 1.
        if inner.len() > MAX_INNER_PLAINTEXT_LEN {
            return Err(Error::RecordOverflow);
        }
        // RFC 8446 §5.4: scan from the end for the first non-zero byte, the
        // content type; without one, unexpected_message.
        let type_at = inner
            .iter()
            .rposition(|&b| b != 0)
            .ok_or(InvalidMessage::NoContentType)?;
        let (content, tail) = inner
            .split_at_mut_checked(type_at)
            .ok_or(Error::Unreachable("opener: content type position"))?;
        let typ = ContentType(tail.first().copied().unwrap_or_default());
        if typ == ContentType::CHANGE_CIPHER_SPEC {
            // RFC 8446 §5: a protected change_cipher_spec record MUST be
            // answered with unexpected_message.
            return Err(PeerMisbehaved::UnexpectedMessage.into());
        }
        if !typ.is_known() {
            // RFC 8446 §5: unknown record types -> unexpected_message.
            return Err(InvalidMessage::InvalidContentType.into());
        }
        // RFC 8446 §5.4: zero-length Handshake or Alert content MUST be
        // answered with unexpected_message.
        if content.is_empty() && typ != ContentType::APPLICATION_DATA {
            return Err(InvalidMessage::EmptyFragment.into());
        }
        Ok((typ, content))
    }
}

impl fmt::Debug for RecordOpener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordOpener")
            .field("algorithm", &self.key.algorithm())
            .field("seq", &self.seq)
            .field("failures", &self.failures)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use crate::codec::enums::HandshakeType;
    use crate::record::deframer::{Deframer, peek_record};
    use crate::record::joiner::HandshakeJoiner;
    use crate::record::test_aead::{ALL_ALGORITHMS, key};
    use crate::record::{LEGACY_VERSION_TLS10, LEGACY_VERSION_TLS12};
    use alloc::vec;
    use proptest::prelude::*;

    fn proof() -> AlignedProof {
        HandshakeJoiner::new(0).aligned().unwrap()
    }

    fn hex(s: &str) -> Vec<u8> {
        let s: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
        s.chunks(2)
            .map(|c| u8::from_str_radix(core::str::from_utf8(c).unwrap(), 16).unwrap())
            .collect()
    }

    fn key_bytes(alg: AeadAlgorithm, fill: u8) -> Vec<u8> {
        vec![fill; alg.key_len()]
    }

    const IV: [u8; 12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

    fn pair(alg: AeadAlgorithm) -> (RecordSealer, RecordOpener) {
        let k = key_bytes(alg, 0x42);
        (
            RecordSealer::new(key(alg, &k), IV),
            RecordOpener::new(key(alg, &k), IV, proof()),
        )
    }

    /// Runs one protected record through the receive path: deframe, open.
    fn receive(
        opener: &mut RecordOpener,
        record: &mut [u8],
    ) -> Result<(ContentType, Vec<u8>), Error> {
        let mut d = Deframer::new(record);
        let (h, p) = d
            .next_record(true)?
            .ok_or(Error::Unreachable("test: incomplete"))?;
        let (t, c) = opener.open_in_place(&h, p)?;
        Ok((t, c.to_vec()))
    }

    /// Seals `inner` (an arbitrary TLSInnerPlaintext) directly with the
    /// AEAD, bypassing the sealer's checks, as a misbehaving peer would.
    fn raw_record(alg: AeadAlgorithm, seq: u64, inner: &[u8]) -> Vec<u8> {
        let k = key(alg, &key_bytes(alg, 0x42));
        let len = u16::try_from(inner.len() + alg.tag_len()).unwrap();
        let header = RecordHeader {
            typ: ContentType::APPLICATION_DATA,
            legacy_version: 0x0303,
            len,
        }
        .encode();
        let mut rec = header.to_vec();
        rec.extend_from_slice(inner);
        rec.resize(rec.len() + alg.tag_len(), 0);
        let (body, tag) = rec[5..].split_at_mut(inner.len());
        k.seal_in_place(&Iv(IV).nonce(seq), &header, body, tag)
            .unwrap();
        rec
    }

    #[test]
    fn nonce_is_iv_xor_left_padded_sequence() {
        // Hand-computed: bytes 4..12 of the IV XOR 01 02 03 04 05 06 07 08.
        assert_eq!(
            Iv(IV).nonce(0x0102_0304_0506_0708),
            [
                0x00, 0x01, 0x02, 0x03, 0x05, 0x07, 0x05, 0x03, 0x0d, 0x0f, 0x0d, 0x03
            ]
        );
        assert_eq!(Iv(IV).nonce(0), IV);
        let iv = [
            0x5d, 0x31, 0x3e, 0xb2, 0x67, 0x12, 0x76, 0xee, 0x13, 0x00, 0x0b, 0x30,
        ];
        assert_eq!(
            Iv(iv).nonce(1),
            [
                0x5d, 0x31, 0x3e, 0xb2, 0x67, 0x12, 0x76, 0xee, 0x13, 0x00, 0x0b, 0x31
            ]
        );
        assert_eq!(
            Iv([0xff; 12]).nonce(u64::MAX),
            [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn sealer_uses_the_sequence_nonce() {
        // A record sealed at sequence 0x0102030405060708 opens with the
        // hand-computed nonce and the record header as additional data.
        // (ChaCha20-Poly1305: the only AEAD whose limit allows that sequence.)
        let alg = AeadAlgorithm::Chacha20Poly1305;
        let (mut s, _) = pair(alg);
        s.seq = 0x0102_0304_0506_0708;
        let mut out = Vec::new();
        s.seal(ContentType::APPLICATION_DATA, b"ping", 0, &mut out)
            .unwrap();
        assert_eq!(s.sequence(), 0x0102_0304_0506_0709);
        assert_eq!(&out[..5], &[0x17, 0x03, 0x03, 0x00, 4 + 1 + 16]);
        let nonce = [
            0x00, 0x01, 0x02, 0x03, 0x05, 0x07, 0x05, 0x03, 0x0d, 0x0f, 0x0d, 0x03,
        ];
        let k = key(alg, &key_bytes(alg, 0x42));
        let (hdr, body) = out.split_at_mut(5);
        let n = k.open_in_place(&nonce, hdr, body).unwrap();
        assert_eq!(&body[..n], b"ping\x17");
    }

    #[test]
    fn rfc8448_server_handshake_record() {
        let payload = hex(include_str!("testdata/rfc8448-s3-server-hs-payload.hex"));
        let record = hex(include_str!("testdata/rfc8448-s3-server-hs-record.hex"));
        assert_eq!((payload.len(), record.len()), (657, 679));
        let k = hex("3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc");
        let iv: [u8; 12] = hex("5d 31 3e b2 67 12 76 ee 13 00 0b 30")
            .try_into()
            .unwrap();
        let alg = AeadAlgorithm::Aes128Gcm;

        let mut sealer = RecordSealer::new(key(alg, &k), iv);
        assert_eq!(sealer.sealed_len(payload.len(), 0), 679);
        let mut out = Vec::new();
        sealer
            .seal(ContentType::HANDSHAKE, &payload, 0, &mut out)
            .unwrap();
        assert_eq!(out, record);
        assert_eq!(sealer.sequence(), 1);

        let mut opener = RecordOpener::new(key(alg, &k), iv, proof());
        let mut buf = record.clone();
        let mut d = Deframer::new(&mut buf);
        let (h, p) = d.next_record(true).unwrap().unwrap();
        let (typ, content) = opener.open_in_place(&h, p).unwrap();
        assert_eq!(typ, ContentType::HANDSHAKE);
        assert_eq!(content, &payload[..]);
        assert_eq!(opener.sequence(), Some(1));

        // The decrypted record is the server's EncryptedExtensions..Finished flight.
        let mut j = HandshakeJoiner::new(1 << 16);
        let mut msgs = j.push(content);
        let mut types = Vec::new();
        while let Some(m) = msgs.next_message().unwrap() {
            types.push(m.typ);
        }
        assert_eq!(
            types,
            [
                HandshakeType::ENCRYPTED_EXTENSIONS,
                HandshakeType::CERTIFICATE,
                HandshakeType::CERTIFICATE_VERIFY,
                HandshakeType::FINISHED
            ]
        );
        assert!(msgs.aligned().is_some());
    }

    fn content_types() -> impl Strategy<Value = ContentType> {
        prop_oneof![
            Just(ContentType::HANDSHAKE),
            Just(ContentType::ALERT),
            Just(ContentType::APPLICATION_DATA)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn seal_open_roundtrip(
            alg_i in 0usize..5,
            typ in content_types(),
            len in 0usize..=MAX_PLAINTEXT_LEN,
            pad_fraction in 0.0f64..=1.0,
            fill in any::<u8>(),
            key_fill in any::<u8>(),
            iv in any::<[u8; 12]>(),
            records in 1usize..4,
        ) {
            let alg = ALL_ALGORITHMS[alg_i];
            let len = if typ == ContentType::APPLICATION_DATA { len } else { len.max(1) };
            let room = MAX_PLAINTEXT_LEN - len;
            let padding = ((room as f64) * pad_fraction) as usize;
            let k = key_bytes(alg, key_fill);
            let mut sealer = RecordSealer::new(key(alg, &k), iv);
            let mut opener = RecordOpener::new(key(alg, &k), iv, proof());
            let mut wire = Vec::new();
            let mut payloads = Vec::new();
            for r in 0..records {
                let payload: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(31) ^ fill ^ (r as u8)).collect();
                let before = wire.len();
                sealer.seal(typ, &payload, padding, &mut wire).unwrap();
                prop_assert_eq!(wire.len() - before, sealer.sealed_len(len, padding));
                let body_len = len + 1 + padding + alg.tag_len();
                prop_assert_eq!(&wire[before..before + 5], &[0x17, 0x03, 0x03, (body_len >> 8) as u8, body_len as u8][..]);
                payloads.push(payload);
            }
            prop_assert_eq!(sealer.sequence(), records as u64);
            let mut d = Deframer::new(&mut wire);
            for payload in &payloads {
                let (h, p) = d.next_record(true).unwrap().unwrap();
                let (t, c) = opener.open_in_place(&h, p).unwrap();
                prop_assert_eq!(t, typ);
                prop_assert_eq!(&c[..], &payload[..]);
            }
            prop_assert!(d.next_record(true).unwrap().is_none());
            prop_assert_eq!(opener.sequence(), Some(records as u64));
        }
    }

    #[test]
    fn tampering_any_ciphertext_byte_fails() {
        for alg in ALL_ALGORITHMS {
            let (mut s, _) = pair(alg);
            let mut rec = Vec::new();
            s.seal(ContentType::HANDSHAKE, b"finished message", 3, &mut rec)
                .unwrap();
            for i in 5..rec.len() {
                for flip in [0x01u8, 0x80] {
                    let (_, mut o) = pair(alg);
                    let mut bad = rec.clone();
                    bad[i] ^= flip;
                    assert_eq!(
                        receive(&mut o, &mut bad),
                        Err(Error::DecryptError),
                        "{alg:?} byte {i}"
                    );
                    assert_eq!(o.sequence(), Some(0));
                    assert_eq!(o.failed_decryptions(), 1);
                    // The genuine record still opens: a failure uses no sequence number.
                    assert_eq!(
                        receive(&mut o, &mut rec.clone()),
                        Ok((ContentType::HANDSHAKE, b"finished message".to_vec()))
                    );
                }
            }
        }
    }

    #[test]
    fn tampering_header_fails() {
        for alg in ALL_ALGORITHMS {
            let (mut s, _) = pair(alg);
            let mut rec = Vec::new();
            s.seal(ContentType::APPLICATION_DATA, b"data", 0, &mut rec)
                .unwrap();
            // legacy_record_version low byte: additional data differs.
            for v in 0..=255u8 {
                if v == 3 {
                    continue;
                }
                let (_, mut o) = pair(alg);
                let mut bad = rec.clone();
                bad[2] = v;
                assert_eq!(
                    receive(&mut o, &mut bad),
                    Err(Error::DecryptError),
                    "{alg:?} version 03{v:02x}"
                );
            }
            // Length: one byte more (appended) or one less (truncated).
            let (_, mut o) = pair(alg);
            let mut longer = rec.clone();
            longer.push(0);
            longer[4] += 1;
            assert_eq!(receive(&mut o, &mut longer), Err(Error::DecryptError));
            let mut shorter = rec[..rec.len() - 1].to_vec();
            shorter[4] -= 1;
            assert_eq!(receive(&mut o, &mut shorter), Err(Error::DecryptError));
            // The type byte: not application_data -> unexpected_message.
            let mut bad = rec.clone();
            bad[0] = 0x16;
            assert_eq!(
                receive(&mut o, &mut bad),
                Err(PeerMisbehaved::UnexpectedMessage.into())
            );
            // The version high byte never reaches the AEAD.
            let mut bad = rec.clone();
            bad[1] = 0x02;
            assert_eq!(
                receive(&mut o, &mut bad),
                Err(InvalidMessage::InvalidRecordVersion.into())
            );
            assert_eq!(
                receive(&mut o, &mut rec.clone()),
                Ok((ContentType::APPLICATION_DATA, b"data".to_vec()))
            );
        }
    }

    #[test]
    fn wrong_sequence_fails() {
        for alg in ALL_ALGORITHMS {
            let (mut s, mut o) = pair(alg);
            let (mut r0, mut r1) = (Vec::new(), Vec::new());
            s.seal(ContentType::APPLICATION_DATA, b"zero", 0, &mut r0)
                .unwrap();
            s.seal(ContentType::APPLICATION_DATA, b"one", 0, &mut r1)
                .unwrap();
            // Reordered: record 1 arrives first.
            assert_eq!(receive(&mut o, &mut r1.clone()), Err(Error::DecryptError));
            assert_eq!(receive(&mut o, &mut r0.clone()).unwrap().1, b"zero");
            // Replayed: record 0 again.
            assert_eq!(receive(&mut o, &mut r0.clone()), Err(Error::DecryptError));
            assert_eq!(receive(&mut o, &mut r1.clone()).unwrap().1, b"one");
            assert_eq!(o.sequence(), Some(2));
            assert_eq!(o.failed_decryptions(), 2);
        }
    }

    #[test]
    fn wrong_key_or_iv_fails() {
        let alg = AeadAlgorithm::Chacha20Poly1305;
        let (mut s, _) = pair(alg);
        let mut rec = Vec::new();
        s.seal(ContentType::APPLICATION_DATA, b"x", 0, &mut rec)
            .unwrap();
        let mut o = RecordOpener::new(key(alg, &key_bytes(alg, 0x43)), IV, proof());
        assert_eq!(receive(&mut o, &mut rec.clone()), Err(Error::DecryptError));
        let mut o = RecordOpener::new(key(alg, &key_bytes(alg, 0x42)), [0; 12], proof());
        assert_eq!(receive(&mut o, &mut rec.clone()), Err(Error::DecryptError));
    }

    #[test]
    fn inner_plaintext_rules() {
        for alg in ALL_ALGORITHMS {
            let open = |inner: &[u8]| {
                let (_, mut o) = pair(alg);
                receive(&mut o, &mut raw_record(alg, 0, inner))
            };
            // Padding only, or nothing at all: no content type.
            for inner in [&[][..], &[0], &[0; 100]] {
                assert_eq!(
                    open(inner),
                    Err(InvalidMessage::NoContentType.into()),
                    "{alg:?} {}",
                    inner.len()
                );
            }
            // Padding is stripped from the end up to the type byte.
            assert_eq!(
                open(b"abc\x17\0\0\0"),
                Ok((ContentType::APPLICATION_DATA, b"abc".to_vec()))
            );
            assert_eq!(
                open(b"\0\0\x16\0"),
                Ok((ContentType::HANDSHAKE, vec![0, 0]))
            );
            // Empty application data is fine; empty handshake or alert is not.
            assert_eq!(
                open(&[0x17, 0, 0]),
                Ok((ContentType::APPLICATION_DATA, vec![]))
            );
            assert_eq!(open(&[0x16]), Err(InvalidMessage::EmptyFragment.into()));
            assert_eq!(open(&[0x15, 0]), Err(InvalidMessage::EmptyFragment.into()));
            // A protected change_cipher_spec, or an unknown inner type.
            assert_eq!(
                open(&[1, 0x14]),
                Err(PeerMisbehaved::UnexpectedMessage.into())
            );
            assert_eq!(
                open(&[1, 0x18]),
                Err(InvalidMessage::InvalidContentType.into())
            );
            assert_eq!(
                open(&[1, 0x03, 0]),
                Err(InvalidMessage::InvalidContentType.into())
            );
        }
    }

    #[test]
    fn plaintext_size_boundaries() {
        for alg in ALL_ALGORITHMS {
            let (mut s, mut o) = pair(alg);
            let mut out = Vec::new();
            // 2^14 bytes of content seal and open.
            let big = vec![0x61; MAX_PLAINTEXT_LEN];
            s.seal(ContentType::APPLICATION_DATA, &big, 0, &mut out)
                .unwrap();
            assert_eq!(
                receive(&mut o, &mut out).unwrap().1.len(),
                MAX_PLAINTEXT_LEN
            );
            // 2^14 + 1 is refused before anything is written.
            let mut out = vec![7];
            assert_eq!(
                s.seal(
                    ContentType::APPLICATION_DATA,
                    &[0; MAX_PLAINTEXT_LEN + 1],
                    0,
                    &mut out
                ),
                Err(Error::ApiMisuse(ApiMisuse::WrongState(
                    "record payload plus padding exceeds 2^14 bytes"
                )))
            );
            // Padding counts toward the limit.
            s.seal(
                ContentType::HANDSHAKE,
                &[1; 100],
                MAX_PLAINTEXT_LEN - 100,
                &mut out,
            )
            .unwrap();
            assert!(
                s.seal(
                    ContentType::HANDSHAKE,
                    &[1; 100],
                    MAX_PLAINTEXT_LEN - 99,
                    &mut out
                )
                .is_err()
            );
            assert_eq!(out.len(), 1 + s.sealed_len(100, MAX_PLAINTEXT_LEN - 100));
            assert_eq!(s.sequence(), 2);

            // A peer's inner plaintext of 2^14 + 1 opens; 2^14 + 2 overflows
            // (content over 2^14, or padding past the limit).
            let mut inner = vec![0x62; MAX_PLAINTEXT_LEN];
            inner.push(0x17);
            let (_, mut o) = pair(alg);
            assert_eq!(
                receive(&mut o, &mut raw_record(alg, 0, &inner))
                    .unwrap()
                    .1
                    .len(),
                MAX_PLAINTEXT_LEN
            );
            inner.push(0);
            let (_, mut o) = pair(alg);
            assert_eq!(
                receive(&mut o, &mut raw_record(alg, 0, &inner)),
                Err(Error::RecordOverflow)
            );
            let mut inner = vec![0x62; MAX_PLAINTEXT_LEN + 1];
            inner.push(0x17);
            let (_, mut o) = pair(alg);
            assert_eq!(
                receive(&mut o, &mut raw_record(alg, 0, &inner)),
                Err(Error::RecordOverflow)
            );
        }
    }

    #[test]
    fn ciphertext_size_boundaries() {
        for alg in ALL_ALGORITHMS {
            let header = |len: usize| RecordHeader {
                typ: ContentType::APPLICATION_DATA,
                legacy_version: 0x0303,
                len: u16::try_from(len).unwrap(),
            };
            // 2^14 + 256 is a legal length: it gets as far as authentication.
            let (_, mut o) = pair(alg);
            let mut body = vec![0u8; MAX_CIPHERTEXT_LEN];
            assert_eq!(
                o.open_in_place(&header(MAX_CIPHERTEXT_LEN), &mut body),
                Err(Error::DecryptError)
            );
            let mut wire = header(MAX_CIPHERTEXT_LEN).encode().to_vec();
            wire.extend_from_slice(&body);
            assert_eq!(
                peek_record(&wire, true).unwrap().unwrap().payload_len(),
                MAX_CIPHERTEXT_LEN
            );
            // One more byte is record_overflow, before any decryption.
            let mut body = vec![0u8; MAX_CIPHERTEXT_LEN + 1];
            assert_eq!(
                o.open_in_place(&header(MAX_CIPHERTEXT_LEN + 1), &mut body),
                Err(Error::RecordOverflow)
            );
            assert_eq!(
                peek_record(&header(MAX_CIPHERTEXT_LEN + 1).encode(), true),
                Err(Error::RecordOverflow)
            );
            assert_eq!(o.failed_decryptions(), 1);
        }
        // An authentic 2^14 + 256 byte body whose inner plaintext is over
        // 2^14 + 1 (possible with CCM-8's short tag) overflows after opening.
        let alg = AeadAlgorithm::Aes128Ccm8;
        let mut inner = vec![1u8; MAX_CIPHERTEXT_LEN - alg.tag_len() - 1];
        inner.push(0x17);
        let mut rec = raw_record(alg, 0, &inner);
        assert_eq!(rec.len(), 5 + MAX_CIPHERTEXT_LEN);
        let (_, mut o) = pair(alg);
        assert_eq!(receive(&mut o, &mut rec), Err(Error::RecordOverflow));
    }

    #[test]
    fn short_ciphertext_fails_without_aead() {
        for alg in ALL_ALGORITHMS {
            let (_, mut o) = pair(alg);
            for len in 0..alg.tag_len() {
                let h = RecordHeader {
                    typ: ContentType::APPLICATION_DATA,
                    legacy_version: 0x0303,
                    len: len as u16,
                };
                assert_eq!(
                    o.open_in_place(&h, &mut vec![0; len]),
                    Err(Error::DecryptError)
                );
            }
            // A bare tag over an empty inner plaintext authenticates but has no type.
            assert_eq!(
                receive(&mut o, &mut raw_record(alg, 0, &[])),
                Err(InvalidMessage::NoContentType.into())
            );
        }
    }

    #[test]
    fn outer_type_must_be_application_data() {
        let alg = AeadAlgorithm::Aes256Gcm;
        let (mut s, mut o) = pair(alg);
        let mut rec = Vec::new();
        s.seal(ContentType::ALERT, &[1, 0], 0, &mut rec).unwrap();
        for typ in [
            ContentType::HANDSHAKE,
            ContentType::ALERT,
            ContentType::CHANGE_CIPHER_SPEC,
        ] {
            let h = RecordHeader {
                typ,
                legacy_version: 0x0303,
                len: u16::try_from(rec.len() - 5).unwrap(),
            };
            assert_eq!(
                o.open_in_place(&h, &mut rec.clone()[5..]),
                Err(PeerMisbehaved::UnexpectedMessage.into())
            );
        }
        assert_eq!(o.failed_decryptions(), 0);
        assert_eq!(
            receive(&mut o, &mut rec),
            Ok((ContentType::ALERT, vec![1, 0]))
        );
    }

    #[test]
    fn sealer_refuses_what_it_must_not_send() {
        let (mut s, _) = pair(AeadAlgorithm::Aes128Gcm);
        let mut out = vec![1, 2];
        for (typ, payload, why) in [
            (
                ContentType::HANDSHAKE,
                &[][..],
                "empty handshake or alert record",
            ),
            (
                ContentType::ALERT,
                &[][..],
                "empty handshake or alert record",
            ),
            (
                ContentType::CHANGE_CIPHER_SPEC,
                &[1][..],
                "only handshake, alert and application data are protected",
            ),
            (
                ContentType(0x18),
                &[1][..],
                "only handshake, alert and application data are protected",
            ),
        ] {
            assert_eq!(
                s.seal(typ, payload, 0, &mut out),
                Err(ApiMisuse::WrongState(why).into())
            );
            assert_eq!(out, [1, 2]);
        }
        assert_eq!(s.sequence(), 0);
        // Empty application data may be sent (RFC 8446 §5.1).
        s.seal(ContentType::APPLICATION_DATA, &[], 0, &mut out)
            .unwrap();
        assert_eq!(out.len(), 2 + 5 + 1 + 16);
    }

    #[test]
    fn seal_in_place_matches_seal() {
        for alg in ALL_ALGORITHMS {
            let (mut a, mut o) = pair(alg);
            let (mut b, _) = pair(alg);
            let mut copied = vec![0xee];
            a.seal(ContentType::HANDSHAKE, b"client finished", 7, &mut copied)
                .unwrap();
            let mut in_place = vec![0xee, 0, 0, 0, 0, 0];
            in_place.extend_from_slice(b"client finished");
            b.seal_in_place(ContentType::HANDSHAKE, &mut in_place, 1, 7)
                .unwrap();
            assert_eq!(copied, in_place);
            assert_eq!(
                receive(&mut o, &mut in_place[1..]).unwrap().1,
                b"client finished"
            );
            // Errors truncate back to the record start.
            let mut v = vec![9, 0, 0];
            assert!(
                b.seal_in_place(ContentType::HANDSHAKE, &mut v, 1, 0)
                    .is_err()
            );
            assert_eq!(v, [9]);
            let mut v = vec![9, 0, 0, 0, 0, 0];
            assert!(
                b.seal_in_place(ContentType::HANDSHAKE, &mut v, 1, 0)
                    .is_err(),
                "empty handshake"
            );
            assert_eq!(v, [9]);
            assert_eq!(b.sequence(), 1);
        }
    }

    #[test]
    fn seal_to_matches_seal() {
        // Both the trait's default seal_into (the test AEAD) and aws-lc's
        // out-of-place one; small padding takes the stack path, large the
        // in-record one.
        let payload: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
        for alg in ALL_ALGORITHMS {
            let k = key_bytes(alg, 0x42);
            let keys: Vec<Box<dyn AeadKey>> = vec![
                key(alg, &k),
                crate::provider::aws_lc::aead::new_key(alg, &k).unwrap(),
            ];
            for sealing_key in keys {
                let mut a = RecordSealer::new(key(alg, &k), IV);
                let mut b = RecordSealer::new(sealing_key, IV);
                let mut o = RecordOpener::new(key(alg, &k), IV, proof());
                for (typ, len, padding) in [
                    (ContentType::APPLICATION_DATA, 3000, 0),
                    (ContentType::HANDSHAKE, 1, 7),
                    (ContentType::ALERT, 2, 255),
                    (ContentType::APPLICATION_DATA, 0, 256),
                    (ContentType::APPLICATION_DATA, 100, 1000),
                ] {
                    let mut want = Vec::new();
                    a.seal(typ, &payload[..len], padding, &mut want).unwrap();
                    let mut got = vec![0xa5; b.sealed_len(len, padding)];
                    b.seal_to(typ, &payload[..len], padding, &mut got).unwrap();
                    assert_eq!(got, want, "{alg:?} {typ:?} {len} {padding}");
                    let (t, c) = receive(&mut o, &mut got).unwrap();
                    assert_eq!((t, c.as_slice()), (typ, &payload[..len]));
                }
                // A destination of the wrong length is refused before
                // anything is sealed: the sequence number stays.
                let seq = b.sequence();
                for wrong in [b.sealed_len(10, 0) - 1, b.sealed_len(10, 0) + 1] {
                    let mut dst = vec![0; wrong];
                    assert_eq!(
                        b.seal_to(ContentType::APPLICATION_DATA, &payload[..10], 0, &mut dst),
                        Err(misuse("seal_to: destination is not one record long"))
                    );
                }
                let mut dst = vec![0; b.sealed_len(0, 0)];
                assert!(b.seal_to(ContentType::HANDSHAKE, &[], 0, &mut dst).is_err());
                assert_eq!(b.sequence(), seq);
            }
        }
    }

    #[test]
    fn sealed_len_by_tag_length() {
        for alg in ALL_ALGORITHMS {
            let (s, _) = pair(alg);
            assert_eq!(s.sealed_len(100, 10), 5 + 100 + 1 + 10 + alg.tag_len());
            assert_eq!(s.algorithm(), alg);
        }
        assert_eq!(AeadAlgorithm::Aes128Ccm8.tag_len(), 8);
    }

    #[test]
    fn confidentiality_limit_and_key_update_signal() {
        let alg = AeadAlgorithm::Aes128Gcm;
        let limit = alg.confidentiality_limit();
        let (mut s, _) = pair(alg);
        assert!(!s.needs_key_update());
        s.seq = limit - limit / 16 - 1;
        assert!(!s.needs_key_update());
        let mut out = Vec::new();
        s.seal(ContentType::APPLICATION_DATA, b"a", 0, &mut out)
            .unwrap();
        assert!(s.needs_key_update());
        s.seq = limit - 1;
        assert_eq!(s.remaining_records(), 1);
        s.seal(ContentType::HANDSHAKE, b"key update", 0, &mut out)
            .unwrap();
        assert_eq!(s.remaining_records(), 0);
        let before = out.len();
        assert_eq!(
            s.seal(ContentType::APPLICATION_DATA, b"b", 0, &mut out),
            Err(Error::ApiMisuse(ApiMisuse::KeyExhausted))
        );
        assert_eq!(out.len(), before);
        assert_eq!(s.sequence(), limit);
    }

    #[test]
    fn chacha_sequence_never_wraps() {
        let alg = AeadAlgorithm::Chacha20Poly1305;
        let (mut s, _) = pair(alg);
        s.seq = u64::MAX - 1;
        let mut out = Vec::new();
        s.seal(ContentType::APPLICATION_DATA, b"last", 0, &mut out)
            .unwrap();
        assert_eq!(s.sequence(), u64::MAX);
        assert_eq!(
            s.seal(ContentType::APPLICATION_DATA, b"wrap", 0, &mut out),
            Err(Error::ApiMisuse(ApiMisuse::KeyExhausted))
        );
        // The opener accepts sequence 2^64 - 1 once, then stops.
        let (_, mut o) = pair(alg);
        o.seq = Some(u64::MAX);
        assert_eq!(
            receive(&mut o, &mut raw_record(alg, u64::MAX, b"max\x17"))
                .unwrap()
                .1,
            b"max"
        );
        assert_eq!(o.sequence(), None);
        assert_eq!(
            receive(&mut o, &mut raw_record(alg, 0, b"more\x17")),
            Err(PeerMisbehaved::SequenceExhausted.into())
        );
    }

    #[test]
    fn integrity_limit_stops_the_key() {
        let alg = AeadAlgorithm::Aes128Ccm;
        let (mut s, mut o) = pair(alg);
        let mut good = Vec::new();
        s.seal(ContentType::APPLICATION_DATA, b"ok", 0, &mut good)
            .unwrap();
        o.failures = alg.integrity_limit() - 1;
        let mut bad = good.clone();
        bad[6] ^= 1;
        assert_eq!(receive(&mut o, &mut bad), Err(Error::DecryptError));
        assert_eq!(o.failed_decryptions(), alg.integrity_limit());
        // Even a genuine record is refused now.
        assert_eq!(receive(&mut o, &mut good), Err(Error::DecryptError));
        assert_eq!(o.sequence(), Some(0));
    }

    #[test]
    fn plaintext_records() {
        let mut out = Vec::new();
        write_plaintext(ContentType::ALERT, LEGACY_VERSION_TLS12, &[2, 40], &mut out).unwrap();
        assert_eq!(out, [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
        out.clear();
        write_plaintext(
            ContentType::CHANGE_CIPHER_SPEC,
            LEGACY_VERSION_TLS12,
            &[1],
            &mut out,
        )
        .unwrap();
        assert_eq!(out, [0x14, 0x03, 0x03, 0x00, 0x01, 0x01]);
        out.clear();
        write_plaintext(
            ContentType::HANDSHAKE,
            LEGACY_VERSION_TLS10,
            &[1, 0, 0, 0],
            &mut out,
        )
        .unwrap();
        assert_eq!(out, [0x16, 0x03, 0x01, 0x00, 0x04, 1, 0, 0, 0]);
        // 2^14 bytes fit; one more does not.
        out.clear();
        write_plaintext(
            ContentType::HANDSHAKE,
            LEGACY_VERSION_TLS12,
            &[5; MAX_PLAINTEXT_LEN],
            &mut out,
        )
        .unwrap();
        assert_eq!(&out[..5], &[0x16, 3, 3, 0x40, 0x00]);
        out.clear();
        assert_eq!(
            write_plaintext(
                ContentType::HANDSHAKE,
                LEGACY_VERSION_TLS12,
                &[5; MAX_PLAINTEXT_LEN + 1],
                &mut out
            ),
            Err(ApiMisuse::WrongState("record payload plus padding exceeds 2^14 bytes").into())
        );
        let refused =
            ApiMisuse::WrongState("only handshake, alert and CCS records go out unprotected");
        assert_eq!(
            write_plaintext(
                ContentType::APPLICATION_DATA,
                LEGACY_VERSION_TLS12,
                b"secret",
                &mut out
            ),
            Err(refused.into())
        );
        assert_eq!(
            write_plaintext(ContentType(0x18), LEGACY_VERSION_TLS12, b"x", &mut out),
            Err(refused.into())
        );
        assert_eq!(
            write_plaintext(ContentType::HANDSHAKE, LEGACY_VERSION_TLS12, &[], &mut out),
            Err(ApiMisuse::WrongState("empty handshake or alert record").into())
        );
        assert!(out.is_empty());
    }

    #[test]
    fn debug_does_not_print_secrets() {
        let (s, o) = pair(AeadAlgorithm::Aes128Gcm);
        let text = std::format!("{s:?} {o:?}");
        assert_eq!(
            text,
            "RecordSealer { algorithm: Aes128Gcm, seq: 0, .. } \
             RecordOpener { algorithm: Aes128Gcm, seq: Some(0), failures: 0, .. }"
        );
    }
}
