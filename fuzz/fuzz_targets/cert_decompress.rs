//! Certificate decompression (RFC 8879, `codec::compress`): the zlib and
//! brotli inflaters with their bomb limits, and CompressedCertificate
//! decoding.
//!
//! Input: `[alg, len_hi, len_mid, len_lo, data...]`: `alg` picks zlib,
//! brotli or an unknown algorithm (by its low two bits), the next three
//! bytes are the declared uncompressed length (24 bits, as on the wire),
//! `data` is the compressed bytes.
//!
//! Invariants: a successful decompression is exactly the declared length
//! and never above the limit; a declared length above the limit is refused
//! whatever the data; compressing `data` and decompressing it gives `data`
//! back; a CompressedCertificate that decodes re-encodes (as a Certificate
//! body) to exactly the decompressed bytes, and decoding is refused for an
//! algorithm that was not offered.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qtls::codec::Codec;
use qtls::codec::compress::{compress, decode_compressed, decompress};
use qtls::codec::enums::{CertificateCompressionAlgorithm as Alg, HandshakeType};
use qtls::codec::handshake::{CompressedCertificate, HandshakeMessage, HandshakePayload};

/// A limit small enough that libFuzzer finds declared lengths above it.
const LIMIT: usize = 1 << 16;

fuzz_target!(|input: &[u8]| {
    let Some((&[sel, a, b, c], data)) = input.split_first_chunk::<4>() else {
        return;
    };
    let alg = match sel & 3 {
        0 | 1 => Alg::ZLIB,
        2 => Alg::BROTLI,
        _ => Alg(0x4242),
    };
    let declared = usize::from(a) << 16 | usize::from(b) << 8 | usize::from(c);

    match decompress(alg, data, declared, LIMIT) {
        Ok(out) => {
            assert_eq!(out.len(), declared);
            assert!(declared <= LIMIT);
            assert_ne!(alg, Alg(0x4242));
        }
        Err(e) => assert!(e.alert().is_some(), "{e:?} maps to no alert"),
    }
    if declared > LIMIT {
        assert!(decompress(alg, data, declared, LIMIT).is_err());
    }

    if alg != Alg(0x4242) {
        let packed = compress(alg, data).expect("compressing a buffer");
        let back = decompress(alg, &packed, data.len(), LIMIT).expect("round trip");
        assert_eq!(back, data);
    }

    let cc = CompressedCertificate {
        algorithm: alg,
        uncompressed_len: u32::try_from(declared).unwrap(),
        compressed: data.to_vec(),
    };
    if let Ok(cert) = decode_compressed(&cc, &[Alg::ZLIB, Alg::BROTLI], LIMIT) {
        let body = decompress(alg, data, declared, LIMIT).expect("decoded, so it decompresses");
        let again = HandshakeMessage {
            typ: HandshakeType::CERTIFICATE,
            payload: HandshakePayload::Certificate(cert),
        }
        .get_encoding();
        assert_eq!(again.get(4..), Some(body.as_slice()));
        let other = if alg == Alg::ZLIB { Alg::BROTLI } else { Alg::ZLIB };
        assert!(decode_compressed(&cc, &[other], LIMIT).is_err());
    }
});
