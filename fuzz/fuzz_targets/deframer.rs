//! The record deframer: `[flags, bytes...]` where bit 0 of `flags` says
//! whether the connection is protected.
//!
//! Invariants: an accepted header re-encodes to the bytes it came from and
//! its payload lies inside the input; every shorter prefix of an accepted
//! record is "need more" (never an error, never a record) and a longer
//! input yields the same header; `Deframer` walks exactly the records
//! `peek_record` accepts, its `consumed` and `remaining` add up, and an
//! error consumes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qtls::record::deframer::{Deframer, HEADER_LEN, peek_record};
use qtls::record::{MAX_CIPHERTEXT_LEN, MAX_PLAINTEXT_LEN};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let protected = flags & 1 != 0;

    if let Ok(Some(h)) = peek_record(bytes, protected) {
        assert_eq!(&h.encode()[..], &bytes[..HEADER_LEN], "header round trip");
        assert!(h.record_len() <= bytes.len());
        assert!(h.payload_len() <= MAX_CIPHERTEXT_LEN);
        if !protected {
            assert!(h.payload_len() <= MAX_PLAINTEXT_LEN);
        }
        for k in [0, 1, 2, 3, 4, HEADER_LEN, h.record_len() - 1] {
            if k < h.record_len() {
                assert_eq!(peek_record(&bytes[..k], protected), Ok(None), "prefix {k}");
            }
        }
        let mut longer = bytes.to_vec();
        longer.push(0x17);
        assert_eq!(peek_record(&longer, protected), Ok(Some(h)));
    }

    let mut buf = bytes.to_vec();
    let mut records = Vec::new();
    let mut d = Deframer::new(&mut buf);
    let mut offset = 0usize;
    loop {
        match d.next_record(protected) {
            Ok(Some((h, payload))) => {
                let start = offset;
                offset += h.record_len();
                assert_eq!(&h.encode()[..], &bytes[start..start + HEADER_LEN]);
                assert_eq!(&payload[..], &bytes[start + HEADER_LEN..offset]);
                records.push(h);
                assert_eq!(d.consumed(), offset);
            }
            Ok(None) => {
                assert_eq!(peek_record(&bytes[offset..], protected), Ok(None));
                break;
            }
            Err(e) => {
                assert_eq!(peek_record(&bytes[offset..], protected), Err(e));
                assert_eq!(d.consumed(), offset, "an error consumes nothing");
                break;
            }
        }
    }
    assert_eq!(d.remaining(), &bytes[offset..]);
    // The records re-encode to the consumed prefix, byte for byte.
    let mut again = Vec::new();
    let mut at = 0usize;
    for h in &records {
        again.extend_from_slice(&h.encode());
        again.extend_from_slice(&bytes[at + HEADER_LEN..at + h.record_len()]);
        at += h.record_len();
    }
    assert_eq!(&again[..], &bytes[..offset]);
});
