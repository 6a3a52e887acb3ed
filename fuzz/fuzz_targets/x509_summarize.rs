//! The certificate summary the handshake relies on (`x509::summarize`,
//! `x509::cert_signature_schemes`).
//!
//! Invariants: the parts are sub-slices of the input, each one whole DER
//! SEQUENCE; trailing bytes after the certificate are always rejected;
//! signature schemes are a pure function of the AlgorithmIdentifier.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qtls::x509::{cert_signature_schemes, summarize};

fn inside(part: &[u8], whole: &[u8]) -> bool {
    let w = whole.as_ptr_range();
    let p = part.as_ptr_range();
    w.start <= p.start && p.end <= w.end
}

fuzz_target!(|data: &[u8]| {
    let _ = cert_signature_schemes(data);
    let Ok(s) = summarize(data) else {
        return;
    };
    for part in [s.spki, s.signature_algorithm, s.subject, s.issuer] {
        assert!(inside(part, data), "part borrowed from the input");
        assert_eq!(part.first(), Some(&0x30), "a SEQUENCE");
    }
    let schemes = cert_signature_schemes(s.signature_algorithm);
    let elsewhere = s.signature_algorithm.to_vec();
    assert_eq!(schemes, cert_signature_schemes(&elsewhere));
    let mut trailing = data.to_vec();
    trailing.push(0);
    assert!(summarize(&trailing).is_err(), "trailing data rejected");
});
