//! Certificate compression (RFC 8879): the zlib and brotli codecs, and the
//! conversion between a Certificate message and a CompressedCertificate.
//!
//! Decompression is the dangerous direction: a few hundred compressed
//! bytes can declare or expand to gigabytes. So the declared
//! `uncompressed_length` is bounded by the caller's handshake-message limit
//! before anything is inflated, the inflater itself is capped at that
//! declared length (it stops as soon as the output would exceed it), and an
//! output of any other length is rejected. Every failure is a
//! `bad_certificate` (RFC 8879 §4).
//!
//! zlib (miniz_oxide) works without `std`; brotli needs the `std` feature.

use crate::codec::Codec;
use crate::codec::enums::{CertificateCompressionAlgorithm, HandshakeType};
use crate::codec::handshake::{CertificatePayload, CompressedCertificate, HandshakePayload};
use crate::error::{CertificateError, Error, PeerMisbehaved};
use alloc::vec::Vec;

/// The algorithms this build can compress and decompress, preferred first.
pub fn supported_algorithms() -> &'static [CertificateCompressionAlgorithm] {
    #[cfg(feature = "std")]
    {
        &[
            CertificateCompressionAlgorithm::BROTLI,
            CertificateCompressionAlgorithm::ZLIB,
        ]
    }
    #[cfg(not(feature = "std"))]
    {
        &[CertificateCompressionAlgorithm::ZLIB]
    }
}

/// Whether this build implements `alg`.
pub fn is_supported(alg: CertificateCompressionAlgorithm) -> bool {
    supported_algorithms().contains(&alg)
}

fn bad(what: &'static str) -> Error {
    // RFC 8879 §4: a message that cannot be decompressed is bad_certificate.
    CertificateError::Other(what).into()
}

/// Compresses `data` with `alg`.
pub fn compress(alg: CertificateCompressionAlgorithm, data: &[u8]) -> Result<Vec<u8>, Error> {
    match alg {
        CertificateCompressionAlgorithm::ZLIB => {
            Ok(miniz_oxide::deflate::compress_to_vec_zlib(data, 6))
        }
        #[cfg(feature = "std")]
        CertificateCompressionAlgorithm::BROTLI => {
            let params = brotli::enc::BrotliEncoderParams {
                quality: 9,
                lgwin: 20,
                ..Default::default()
            };
            let mut out = Vec::new();
            let mut input = data;
            brotli::BrotliCompress(&mut input, &mut out, &params)
                .map_err(|_| Error::Unreachable("brotli compression of a buffer"))?;
            Ok(out)
        }
        _ => Err(crate::error::ApiMisuse::InvalidArgument("compression algorithm").into()),
    }
}

/// Decompresses `data`, which must expand to exactly `declared` bytes;
/// `declared` above `limit` is refused before any work is done.
pub fn decompress(
    alg: CertificateCompressionAlgorithm,
    data: &[u8],
    declared: usize,
    limit: usize,
) -> Result<Vec<u8>, Error> {
    // RFC 8879 §5: bound the memory a peer can make us allocate.
    if declared > limit {
        return Err(bad("compressed certificate too large"));
    }
    let out = match alg {
        CertificateCompressionAlgorithm::ZLIB => {
            // The inflater fails as soon as its output would pass `declared`.
            miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, declared)
                .map_err(|_| bad("zlib certificate does not decompress"))?
        }
        #[cfg(feature = "std")]
        CertificateCompressionAlgorithm::BROTLI => brotli_limited(data, declared)?,
        _ => return Err(bad("certificate compression algorithm not offered")),
    };
    // RFC 8879 §4: the decompressed length must equal uncompressed_length.
    if out.len() != declared {
        return Err(bad("compressed certificate length mismatch"));
    }
    Ok(out)
}

/// Brotli with the output capped at `declared + 1` bytes: one byte past the
/// declared length is enough to prove a mismatch, so a bomb costs at most
/// that much memory.
#[cfg(feature = "std")]
fn brotli_limited(data: &[u8], declared: usize) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let cap = u64::try_from(declared)
        .ok()
        .and_then(|d| d.checked_add(1))
        .ok_or_else(|| bad("compressed certificate too large"))?;
    let mut out = Vec::with_capacity(declared.min(64 * 1024));
    brotli::Decompressor::new(data, 4096)
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|_| bad("brotli certificate does not decompress"))?;
    Ok(out)
}

/// Encodes a Certificate message, as a CompressedCertificate when `alg`
/// is given (RFC 8879 §4: the body of the Certificate message is what is
/// compressed). The result is the exact message for the transcript.
pub fn certificate_message(
    payload: CertificatePayload,
    alg: Option<CertificateCompressionAlgorithm>,
) -> Result<Vec<u8>, Error> {
    let plain = crate::codec::handshake::HandshakeMessage {
        typ: HandshakeType::CERTIFICATE,
        payload: HandshakePayload::Certificate(payload),
    }
    .get_encoding();
    let Some(alg) = alg else { return Ok(plain) };
    let body = plain.get(4..).unwrap_or(&[]);
    let uncompressed_len =
        u32::try_from(body.len()).map_err(|_| Error::Unreachable("certificate length"))?;
    let cc = CompressedCertificate {
        algorithm: alg,
        uncompressed_len,
        compressed: compress(alg, body)?,
    };
    Ok(crate::codec::handshake::HandshakeMessage {
        typ: HandshakeType::COMPRESSED_CERTIFICATE,
        payload: HandshakePayload::CompressedCertificate(cc),
    }
    .get_encoding())
}

/// Decodes a received CompressedCertificate into the Certificate it
/// carries. `offered` is what we advertised in compress_certificate;
/// `limit` bounds the decompressed size.
pub fn decode_compressed(
    cc: &CompressedCertificate,
    offered: &[CertificateCompressionAlgorithm],
    limit: usize,
) -> Result<CertificatePayload, Error> {
    // RFC 8879 §3: a peer may only use an algorithm we advertised.
    if offered.is_empty() {
        return Err(PeerMisbehaved::UnexpectedMessage.into());
    }
    if !offered.contains(&cc.algorithm) {
        return Err(bad("certificate compression algorithm not offered"));
    }
    let declared = usize::try_from(cc.uncompressed_len)
        .map_err(|_| bad("compressed certificate too large"))?;
    let body = decompress(cc.algorithm, &cc.compressed, declared, limit)?;
    match HandshakePayload::read_body(HandshakeType::CERTIFICATE, &body)? {
        HandshakePayload::Certificate(c) => Ok(c),
        _ => Err(Error::Unreachable(
            "certificate body decodes as Certificate",
        )),
    }
}

/// The first algorithm of `ours` (our preference order) that the peer
/// offered and this build implements.
pub fn choose(
    ours: &[CertificateCompressionAlgorithm],
    peer: &[CertificateCompressionAlgorithm],
) -> Option<CertificateCompressionAlgorithm> {
    ours.iter()
        .copied()
        .find(|a| peer.contains(a) && is_supported(*a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::enums::AlertDescription;
    use crate::codec::handshake::CertificateEntry;
    use CertificateCompressionAlgorithm as Alg;

    fn payload() -> CertificatePayload {
        CertificatePayload {
            context: alloc::vec![7, 7],
            entries: alloc::vec![
                CertificateEntry {
                    cert_data: alloc::vec![0x30; 900],
                    extensions: Vec::new(),
                },
                CertificateEntry {
                    cert_data: (0..=255u8).collect(),
                    extensions: Vec::new(),
                },
            ],
        }
    }

    fn algs() -> Vec<Alg> {
        supported_algorithms().to_vec()
    }

    #[test]
    fn round_trip_every_algorithm() {
        for alg in algs() {
            let msg = certificate_message(payload(), Some(alg)).unwrap();
            assert_eq!(msg[0], HandshakeType::COMPRESSED_CERTIFICATE.0);
            let HandshakePayload::CompressedCertificate(cc) =
                HandshakePayload::read_body(HandshakeType::COMPRESSED_CERTIFICATE, &msg[4..])
                    .unwrap()
            else {
                panic!("not a CompressedCertificate")
            };
            assert_eq!(cc.algorithm, alg);
            let plain = certificate_message(payload(), None).unwrap();
            assert_eq!(cc.uncompressed_len as usize, plain.len() - 4);
            assert!(cc.compressed.len() < plain.len() - 4);
            assert_eq!(decode_compressed(&cc, &algs(), 1 << 16).unwrap(), payload());
        }
    }

    #[test]
    fn zlib_matches_a_reference_stream() {
        // zlib.compress(b"qtls") from CPython's zlib (level 6).
        let z = [
            0x78, 0x9c, 0x2b, 0x2c, 0xc9, 0x29, 0x06, 0x00, 0x04, 0x6f, 0x01, 0xc5,
        ];
        assert_eq!(decompress(Alg::ZLIB, &z, 4, 16).unwrap(), b"qtls");
    }

    fn alert(e: Error) -> AlertDescription {
        e.alert().unwrap()
    }

    #[test]
    fn bombs_and_mismatches_are_bad_certificate() {
        let big = alloc::vec![0u8; 1 << 20];
        for alg in algs() {
            let c = compress(alg, &big).unwrap();
            assert!(c.len() < 4096, "{alg:?} compresses zeros well");
            // Declares the truth, but above the limit: refused up front.
            assert_eq!(
                alert(decompress(alg, &c, 1 << 20, 1 << 17).unwrap_err()),
                AlertDescription::BAD_CERTIFICATE
            );
            // Declares less than it expands to: the inflater stops there.
            assert_eq!(
                alert(decompress(alg, &c, 1000, 1 << 17).unwrap_err()),
                AlertDescription::BAD_CERTIFICATE
            );
            // Declares more than it expands to.
            let small = compress(alg, b"hello").unwrap();
            assert_eq!(
                alert(decompress(alg, &small, 6, 1 << 17).unwrap_err()),
                AlertDescription::BAD_CERTIFICATE
            );
            assert_eq!(decompress(alg, &small, 5, 1 << 17).unwrap(), b"hello");
            // Garbage.
            assert_eq!(
                alert(decompress(alg, &[0xff; 16], 5, 1 << 17).unwrap_err()),
                AlertDescription::BAD_CERTIFICATE
            );
        }
    }

    #[test]
    fn algorithm_must_have_been_offered() {
        let msg = certificate_message(payload(), Some(Alg::ZLIB)).unwrap();
        let HandshakePayload::CompressedCertificate(cc) =
            HandshakePayload::read_body(HandshakeType::COMPRESSED_CERTIFICATE, &msg[4..]).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            alert(decode_compressed(&cc, &[Alg::BROTLI], 1 << 16).unwrap_err()),
            AlertDescription::BAD_CERTIFICATE
        );
        assert_eq!(
            alert(decode_compressed(&cc, &[], 1 << 16).unwrap_err()),
            AlertDescription::UNEXPECTED_MESSAGE
        );
        assert_eq!(
            choose(&[Alg::ZSTD, Alg::ZLIB], &[Alg::ZLIB, Alg::ZSTD]),
            Some(Alg::ZLIB)
        );
        assert_eq!(choose(&[Alg::ZSTD], &[Alg::ZSTD]), None);
    }
}
