//! Outbound fragmentation: splitting a payload (a flight of handshake
//! messages, an alert, application data) into records no larger than the
//! protocol and the peer allow (RFC 8446 §5.1, RFC 8449 §4).

use super::MAX_PLAINTEXT_LEN;
use super::protect::{RecordSealer, write_plaintext};
use crate::codec::enums::ContentType;
use crate::error::{ApiMisuse, Error, PeerMisbehaved};
use alloc::vec::Vec;
use core::slice::Chunks;

/// Smallest record_size_limit a peer may send (RFC 8449 §4).
pub const MIN_RECORD_SIZE_LIMIT: u16 = 64;

/// Largest record_size_limit meaningful in TLS 1.3: 2^14 + 1, which covers
/// the content type byte (RFC 8449 §4).
pub const TLS13_RECORD_SIZE_LIMIT: u16 = (1 << 14) + 1;

/// Splits outgoing payloads into record-sized fragments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragmenter {
    /// Largest content plus padding per protected record.
    max_fragment: usize,
}

impl Default for Fragmenter {
    fn default() -> Self {
        Self::new()
    }
}

impl Fragmenter {
    /// Fragments of at most 2^14 bytes (RFC 8446 §5.1).
    pub fn new() -> Self {
        Self {
            max_fragment: MAX_PLAINTEXT_LEN,
        }
    }

    /// Fragments fitting the peer's record_size_limit (RFC 8449 §4). In
    /// TLS 1.3 the limit counts the whole TLSInnerPlaintext, content type
    /// byte and padding included, so content plus padding may be at most
    /// `limit - 1`. A limit below 64 fails with
    /// [`PeerMisbehaved::IllegalParameter`] (RFC 8449 §4: illegal_parameter);
    /// a limit above 2^14 + 1 means "no reduction" (a client MAY abort on
    /// it, which is the handshake's decision, not ours).
    pub fn with_record_size_limit(limit: u16) -> Result<Self, Error> {
        // RFC 8449 §4: a value smaller than 64 MUST be treated as a fatal
        // error with an illegal_parameter alert.
        if limit < MIN_RECORD_SIZE_LIMIT {
            return Err(PeerMisbehaved::IllegalParameter("record_size_limit below 64").into());
        }
        let limit = limit.min(TLS13_RECORD_SIZE_LIMIT);
        Ok(Self {
            max_fragment: usize::from(limit) - 1,
        })
    }

    /// Largest content (plus padding) one protected record may carry.
    pub fn max_fragment(&self) -> usize {
        self.max_fragment
    }

    /// The fragments of `payload`, each at most [`Fragmenter::max_fragment`]
    /// bytes, in order. An empty payload has no fragments, so no empty
    /// handshake record can come out of here (RFC 8446 §5.1).
    pub fn fragments<'p>(&self, payload: &'p [u8]) -> Chunks<'p, u8> {
        payload.chunks(self.max_fragment.max(1))
    }

    /// Zero bytes of padding a protected record with `fragment_len` bytes
    /// of content may still carry within the limit (RFC 8446 §5.4: the
    /// reduced limit applies to content, type and padding together).
    pub fn padding_room(&self, fragment_len: usize) -> usize {
        self.max_fragment.saturating_sub(fragment_len)
    }

    /// Number of records [`Fragmenter::seal_all`] makes for `payload_len` bytes.
    pub fn record_count(&self, payload_len: usize) -> usize {
        payload_len.div_ceil(self.max_fragment.max(1))
    }

    /// Seals all of `payload` as records of type `typ`, unpadded, appending
    /// them to `out`. Fails before sealing anything if the sealer's key
    /// cannot seal that many records ([`ApiMisuse::KeyExhausted`]), so
    /// either every record is appended or, short of an AEAD failure, none.
    pub fn seal_all(
        &self,
        sealer: &mut RecordSealer,
        typ: ContentType,
        payload: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let records = u64::try_from(self.record_count(payload.len())).unwrap_or(u64::MAX);
        if records > sealer.remaining_records() {
            return Err(Error::ApiMisuse(ApiMisuse::KeyExhausted));
        }
        let start = out.len();
        out.reserve(
            sealer
                .sealed_len(self.max_fragment, 0)
                .saturating_mul(self.record_count(payload.len())),
        );
        for fragment in self.fragments(payload) {
            if let Err(e) = sealer.seal(typ, fragment, 0, out) {
                // Only an AEAD failure gets here; the connection is dead.
                out.truncate(start);
                return Err(e);
            }
        }
        Ok(())
    }

    /// Writes all of `payload` as plaintext records of type `typ` (see
    /// [`write_plaintext`]). Always uses 2^14-byte fragments: RFC 8449 §4
    /// says unprotected messages are not subject to record_size_limit.
    /// On error `out` is unchanged.
    pub fn write_plaintext_all(
        typ: ContentType,
        legacy_version: u16,
        payload: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let start = out.len();
        for fragment in Self::new().fragments(payload) {
            if let Err(e) = write_plaintext(typ, legacy_version, fragment, out) {
                out.truncate(start);
                return Err(e);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::deframer::Deframer;
    use alloc::vec;

    fn sizes(f: &Fragmenter, len: usize) -> Vec<usize> {
        let payload = vec![0u8; len];
        f.fragments(&payload).map(<[u8]>::len).collect()
    }

    #[test]
    fn default_is_2_pow_14() {
        let f = Fragmenter::new();
        assert_eq!(f.max_fragment(), 16384);
        assert_eq!(sizes(&f, 0), Vec::<usize>::new());
        assert_eq!(sizes(&f, 1), vec![1]);
        assert_eq!(sizes(&f, 16384), vec![16384]);
        assert_eq!(sizes(&f, 16385), vec![16384, 1]);
        assert_eq!(sizes(&f, 40000), vec![16384, 16384, 7232]);
        assert_eq!(f.record_count(40000), 3);
        assert_eq!(f.record_count(0), 0);
    }

    #[test]
    fn record_size_limit_counts_the_type_byte() {
        let f = Fragmenter::with_record_size_limit(64).unwrap();
        assert_eq!(f.max_fragment(), 63);
        assert_eq!(sizes(&f, 200), vec![63, 63, 63, 11]);
        assert_eq!(f.padding_room(11), 52);
        assert_eq!(f.padding_room(63), 0);

        let f = Fragmenter::with_record_size_limit(512).unwrap();
        assert_eq!(f.max_fragment(), 511);
        assert_eq!(sizes(&f, 1022), vec![511, 511]);
        assert_eq!(sizes(&f, 1023), vec![511, 511, 1]);

        let f = Fragmenter::with_record_size_limit(16385).unwrap();
        assert_eq!(f.max_fragment(), 16384);
        assert_eq!(f, Fragmenter::new());
        // Larger values are reserved for future versions: no reduction.
        let f = Fragmenter::with_record_size_limit(u16::MAX).unwrap();
        assert_eq!(f.max_fragment(), 16384);
    }

    #[test]
    fn record_size_limit_below_64_is_illegal() {
        for limit in [0u16, 1, 63] {
            assert_eq!(
                Fragmenter::with_record_size_limit(limit),
                Err(Error::PeerMisbehaved(PeerMisbehaved::IllegalParameter(
                    "record_size_limit below 64"
                )))
            );
        }
    }

    #[test]
    fn plaintext_fragments_reassemble_and_are_never_empty() {
        let payload: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
        let mut out = Vec::new();
        Fragmenter::write_plaintext_all(ContentType::HANDSHAKE, 0x0303, &payload, &mut out)
            .unwrap();
        assert_eq!(out.len(), 40_000 + 3 * 5);
        let mut d = Deframer::new(&mut out);
        let mut joined = Vec::new();
        let mut lens = Vec::new();
        while let Some((h, p)) = d.next_record(false).unwrap() {
            assert_eq!(h.typ, ContentType::HANDSHAKE);
            lens.push(p.len());
            joined.extend_from_slice(p);
        }
        assert_eq!(lens, vec![16384, 16384, 7232]);
        assert_eq!(joined, payload);

        let mut out = vec![9];
        Fragmenter::write_plaintext_all(ContentType::HANDSHAKE, 0x0303, &[], &mut out).unwrap();
        assert_eq!(out, vec![9], "no empty handshake record");
        assert!(
            Fragmenter::write_plaintext_all(ContentType::APPLICATION_DATA, 0x0303, &[1], &mut out)
                .is_err()
        );
        assert_eq!(out, vec![9]);
    }

    #[cfg(feature = "std")]
    #[test]
    fn sealed_fragments_respect_record_size_limit() {
        use crate::provider::AeadAlgorithm;
        use crate::record::joiner::HandshakeJoiner;
        use crate::record::protect::RecordOpener;
        use crate::record::test_aead::{ALL_ALGORITHMS, key};

        let payload: Vec<u8> = (0..20_000u32).map(|i| (i % 253) as u8 + 1).collect();
        for limit in [64u16, 512, 16385] {
            for alg in ALL_ALGORITHMS {
                let f = Fragmenter::with_record_size_limit(limit).unwrap();
                let k = vec![3u8; alg.key_len()];
                let mut sealer = RecordSealer::new(key(alg, &k), [9; 12]);
                let proof = HandshakeJoiner::new(0).aligned().unwrap();
                let mut opener = RecordOpener::new(key(alg, &k), [9; 12], proof);
                let mut out = Vec::new();
                f.seal_all(
                    &mut sealer,
                    ContentType::APPLICATION_DATA,
                    &payload,
                    &mut out,
                )
                .unwrap();
                let records = f.record_count(payload.len());
                assert_eq!(sealer.sequence(), u64::try_from(records).unwrap());
                let mut d = Deframer::new(&mut out);
                let mut joined = Vec::new();
                let mut n = 0;
                while let Some((h, p)) = d.next_record(true).unwrap() {
                    // TLSInnerPlaintext (content + type byte) within the limit.
                    let inner = h.payload_len() - alg.tag_len();
                    assert!(
                        inner <= usize::from(limit),
                        "{alg:?} limit {limit}: {inner}"
                    );
                    let (t, c) = opener.open_in_place(&h, p).unwrap();
                    assert_eq!(t, ContentType::APPLICATION_DATA);
                    assert!(!c.is_empty());
                    joined.extend_from_slice(c);
                    n += 1;
                }
                assert_eq!((n, joined.len()), (records, payload.len()));
                assert_eq!(joined, payload);
            }
        }
        // A key that cannot seal every record seals none.
        let alg = AeadAlgorithm::Aes128Gcm;
        let mut sealer = RecordSealer::new(key(alg, &[3; 16]), [9; 12]);
        let f = Fragmenter::with_record_size_limit(64).unwrap();
        let start = alg.confidentiality_limit() - 3;
        sealer.set_sequence_for_test(start);
        let mut out = Vec::new();
        assert_eq!(
            f.seal_all(
                &mut sealer,
                ContentType::APPLICATION_DATA,
                &[1; 63 * 3 + 1],
                &mut out
            ),
            Err(Error::ApiMisuse(ApiMisuse::KeyExhausted))
        );
        assert!(out.is_empty());
        assert_eq!(sealer.sequence(), start);
        f.seal_all(
            &mut sealer,
            ContentType::APPLICATION_DATA,
            &[1; 63 * 3],
            &mut out,
        )
        .unwrap();
        assert_eq!(sealer.remaining_records(), 0);
    }
}
