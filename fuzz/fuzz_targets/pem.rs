//! PEM decoding (RFC 7468). Invariants: `decode_all` never panics; every
//! block it returns re-encodes with `encode` to text that decodes to the
//! same label and bytes, alone and all blocks together; an error names a
//! line of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qtls::pem::{decode_all, encode};

fuzz_target!(|data: &[u8]| {
    match decode_all(data) {
        Ok(blocks) => {
            let mut all = String::new();
            for (label, der) in &blocks {
                let text = encode(label, der);
                let again = decode_all(&text).expect("our encoding decodes");
                assert_eq!(again.len(), 1);
                assert_eq!(&again[0].0, label);
                assert_eq!(&again[0].1[..], &der[..]);
                all.push_str(&text);
            }
            let again = decode_all(&all).expect("our encodings decode together");
            assert_eq!(again.len(), blocks.len());
            for ((l1, d1), (l2, d2)) in again.iter().zip(&blocks) {
                assert_eq!((l1, &d1[..]), (l2, &d2[..]));
            }
        }
        Err(e) => {
            let lines = data.split(|b| *b == b'\n').count();
            assert!(e.line <= lines, "error line {} of {lines}", e.line);
        }
    }
});
