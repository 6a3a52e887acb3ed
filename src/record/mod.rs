//! The TLS 1.3 record layer (RFC 8446 §5): framing, protection,
//! fragmentation and handshake-message reassembly. No I/O happens here.
//!
//! The layer is built around the caller's buffers so that payload bytes are
//! copied as little as possible:
//!
//! - Receive path, zero copies: [`Deframer`] walks a caller-owned `&mut [u8]`
//!   and hands out each complete record's payload as a `&mut` sub-slice;
//!   [`RecordOpener::open_in_place`] decrypts it there and returns the
//!   plaintext as a sub-slice of the same bytes; [`HandshakeJoiner`] parses
//!   handshake messages straight from that slice and copies only the pieces
//!   of a message that spans records.
//! - Send path, at most one copy: [`RecordSealer::seal`] copies the payload
//!   once into the output `Vec` and encrypts it in place there;
//!   [`RecordSealer::seal_in_place`] lets the caller encode the payload
//!   directly after a header placeholder and copies nothing.
//!
//! Where a copy is unavoidable it goes through [`copy_append`], which copies
//! in blocks small enough to stay off glibc's `rep movsb` path: on some x86
//! CPUs that path is ~30x slower when source and destination are not equally
//! aligned, which the 5-byte record header makes the common case.
//!
//! The connection (one layer up) decides which keys are in use and when they
//! change; it must present an [`AlignedProof`] from the joiner to build a new
//! [`RecordOpener`] (RFC 8446 §5.1: handshake messages must not span key
//! changes). [`RecordLimits`] holds the counters that bound what a peer can
//! make us do without progress (empty records, ChangeCipherSpec, KeyUpdate).
//!
//! The receive loop, in outline (plaintext records here; with read keys,
//! application_data records go through [`RecordOpener::open_in_place`]
//! first and the returned content type and slice replace the header's):
//!
//! ```
//! use qtls::codec::enums::{ContentType, HandshakeType};
//! use qtls::record::{
//!     Deframer, Fragmenter, HandshakeJoiner, LEGACY_VERSION_TLS12, RecordLimits, write_plaintext,
//! };
//!
//! // The peer sent EncryptedExtensions and Finished split over two
//! // handshake records, with a compatibility ChangeCipherSpec before them.
//! let flight = [&[8u8, 0, 0, 2, 0, 0][..], &[20, 0, 0, 1, 0xaa]].concat();
//! let mut wire = Vec::new();
//! write_plaintext(ContentType::CHANGE_CIPHER_SPEC, LEGACY_VERSION_TLS12, &[1], &mut wire)?;
//! for piece in [&flight[..4], &flight[4..]] {
//!     Fragmenter::write_plaintext_all(ContentType::HANDSHAKE, LEGACY_VERSION_TLS12, piece, &mut wire)?;
//! }
//! let wire_len = wire.len();
//!
//! let mut joiner = HandshakeJoiner::new(1 << 16);
//! let mut limits = RecordLimits::new();
//! limits.open_ccs_window();
//! let mut seen = Vec::new();
//! let mut deframer = Deframer::new(&mut wire);
//! while let Some((header, payload)) = deframer.next_record(false)? {
//!     if header.typ == ContentType::CHANGE_CIPHER_SPEC {
//!         // No other record may split a handshake message (RFC 8446 §5.1).
//!         let _aligned = joiner.expect_aligned()?;
//!         limits.on_ccs(payload)?;
//!         continue;
//!     }
//!     limits.on_record(header.typ, payload.len())?;
//!     let mut messages = joiner.push(payload);
//!     while let Some(m) = messages.next_message()? {
//!         seen.push((m.typ, m.body().to_vec()));
//!     }
//! }
//! assert_eq!(deframer.consumed(), wire_len);
//! assert_eq!(
//!     seen,
//!     [(HandshakeType::ENCRYPTED_EXTENSIONS, vec![0, 0]), (HandshakeType::FINISHED, vec![0xaa])]
//! );
//! # Ok::<(), qtls::Error>(())
//! ```

pub mod deframer;
pub mod fragmenter;
pub mod joiner;
pub mod limits;
pub mod protect;

#[cfg(all(test, feature = "std"))]
mod test_aead;

pub use deframer::{Deframer, HEADER_LEN, RecordHeader, peek_record};
pub use fragmenter::Fragmenter;
pub use joiner::{AlignedProof, HandshakeJoiner, HandshakeMessage, JoinedMessages};
pub use limits::RecordLimits;
pub use protect::{RecordOpener, RecordSealer, write_plaintext};

use alloc::vec::Vec;

/// Largest TLSPlaintext fragment, and largest TLSInnerPlaintext content
/// (RFC 8446 §5.1): 2^14 bytes.
pub const MAX_PLAINTEXT_LEN: usize = 1 << 14;

/// Largest encoded TLSInnerPlaintext (content, type byte and padding;
/// RFC 8446 §5.4): 2^14 + 1 bytes.
pub const MAX_INNER_PLAINTEXT_LEN: usize = MAX_PLAINTEXT_LEN + 1;

/// Largest TLSCiphertext body (RFC 8446 §5.2): 2^14 + 256 bytes.
pub const MAX_CIPHERTEXT_LEN: usize = MAX_PLAINTEXT_LEN + 256;

/// Largest complete record on the wire: header plus the largest ciphertext.
pub const MAX_RECORD_LEN: usize = HEADER_LEN + MAX_CIPHERTEXT_LEN;

/// legacy_record_version of every record we send except an initial
/// ClientHello (RFC 8446 §5.1).
pub const LEGACY_VERSION_TLS12: u16 = 0x0303;

/// legacy_record_version a record carrying the initial ClientHello may use
/// for compatibility with old middleboxes (RFC 8446 §5.1).
pub const LEGACY_VERSION_TLS10: u16 = 0x0301;

/// Largest block [`copy_append`] hands to `memcpy` at once. glibc switches to
/// `rep movsb` above a threshold of 2 KiB or more depending on the CPU; on
/// the CPUs the project measured, a misaligned `rep movsb` of 16 KiB is ~20x
/// slower than 2 KiB blocks, while the blocks cost nothing measurable when
/// the buffers happen to be aligned.
const COPY_BLOCK: usize = 2048;

/// Appends `src` to `dst` in blocks of at most 2 KiB (see the module docs
/// for why). Reserves the whole length first so `dst` reallocates at most once.
pub(crate) fn copy_append(dst: &mut Vec<u8>, src: &[u8]) {
    dst.reserve(src.len());
    for block in src.chunks(COPY_BLOCK) {
        dst.extend_from_slice(block);
    }
}

/// Copies `src` into `dst` (equal lengths; otherwise the shorter decides)
/// in blocks of at most 2 KiB, for the same reason as [`copy_append`]:
/// blocks below glibc's `rep movsb` threshold keep a copy between buffers
/// misaligned modulo 64 as fast as an aligned one.
pub(crate) fn copy_blocks(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.chunks_mut(COPY_BLOCK).zip(src.chunks(COPY_BLOCK)) {
        let n = d.len().min(s.len());
        if let (Some(d), Some(s)) = (d.get_mut(..n), s.get(..n)) {
            d.copy_from_slice(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn copy_append_appends_every_byte_in_order() {
        let src: Vec<u8> = (0..=255u8).cycle().take(3 * COPY_BLOCK + 7).collect();
        let mut dst = vec![1, 2, 3];
        copy_append(&mut dst, &src);
        assert_eq!(dst.len(), 3 + src.len());
        assert_eq!(&dst[..3], &[1, 2, 3]);
        assert_eq!(&dst[3..], &src[..]);
        copy_append(&mut dst, &[]);
        assert_eq!(dst.len(), 3 + src.len());
    }

    #[test]
    fn copy_blocks_copies_every_byte_at_any_offset() {
        let src: Vec<u8> = (0..=255u8).cycle().take(3 * COPY_BLOCK + 7).collect();
        let mut dst = vec![0u8; src.len() + 5];
        copy_blocks(&mut dst[5..], &src);
        assert_eq!(&dst[..5], &[0; 5]);
        assert_eq!(&dst[5..], &src[..]);
        let mut short = vec![0u8; 3];
        copy_blocks(&mut short, &src);
        assert_eq!(short, [0, 1, 2]);
    }

    #[test]
    fn size_constants_match_rfc_8446() {
        assert_eq!(MAX_PLAINTEXT_LEN, 16384);
        assert_eq!(MAX_INNER_PLAINTEXT_LEN, 16385);
        assert_eq!(MAX_CIPHERTEXT_LEN, 16640);
        assert_eq!(MAX_RECORD_LEN, 16645);
    }
}
