//! Handshake message decoding: `[limit, bytes...]`, the input decoded as a
//! sequence of handshake messages with a body limit of `limit * 64` bytes
//! (0: no limit).
//!
//! Invariants: whatever decodes re-encodes to something that decodes to
//! the same message and re-encodes to the same bytes; a body over the limit
//! is always `HandshakeMessageTooLarge`; decoding consumes exactly the
//! declared length; the PSK binder split of a ClientHello lies inside it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qtls::codec::Codec;
use qtls::codec::handshake::{HandshakeMessage, HandshakePayload, client_hello_binder_split};
use qtls::codec::reader::Reader;
use qtls::error::InvalidMessage;

fuzz_target!(|data: &[u8]| {
    let Some((&limit, bytes)) = data.split_first() else {
        return;
    };
    let limit = match limit {
        0 => usize::MAX,
        n => usize::from(n) * 64,
    };
    let _ = client_hello_binder_split(bytes);
    let mut r = Reader::new(bytes);
    while !r.is_empty() {
        let start = r.used();
        let declared = bytes
            .get(start + 1..start + 4)
            .map(|l| usize::from(l[0]) << 16 | usize::from(l[1]) << 8 | usize::from(l[2]));
        match HandshakeMessage::read_with_limit(&mut r, limit) {
            Ok(m) => {
                let raw = &bytes[start..r.used()];
                assert_eq!(
                    Some(raw.len() - 4),
                    declared,
                    "consumed the declared length"
                );
                assert!(raw.len() - 4 <= limit);
                let enc = m.get_encoding();
                let again = HandshakeMessage::read_bytes(&enc).expect("our encoding decodes");
                assert_eq!(again, m, "decode(encode(m)) == m");
                assert_eq!(again.get_encoding(), enc, "encoding is stable");
                assert_eq!(m.payload.handshake_type().unwrap_or(m.typ), m.typ);
                let offers_psk =
                    matches!(&m.payload, HandshakePayload::ClientHello(ch) if ch.psk().is_some());
                if offers_psk {
                    let split = client_hello_binder_split(&enc).expect("binders present");
                    assert!(split < enc.len());
                }
            }
            Err(e) => {
                if declared.is_some_and(|d| d > limit) {
                    assert_eq!(e, InvalidMessage::HandshakeMessageTooLarge);
                }
                break;
            }
        }
    }
});
