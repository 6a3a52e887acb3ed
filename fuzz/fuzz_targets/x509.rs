//! X.509 decoding and path validation (`src/x509`): certificates, CRLs,
//! host-name matching and `Verifier::verify`.
//!
//! Input: `[flags, n_chain, n_anchors, n_crls]` then u16-length-prefixed
//! DER blobs: the chain (leaf first), the anchors, the CRLs. Flags: bit 0
//! verifies a client certificate (else a server's); bits 1-3 pick the
//! reference name; bit 4 checks signatures for real (aws-lc-rs) instead of
//! with the fuzzer-mode provider, whose signatures always verify so that
//! path building, name constraints and revocation get explored.
//!
//! Invariants: a certificate that parses summarizes to the same parts; a
//! verifier builds exactly when every anchor parses; a verified path starts
//! with the leaf given and ends with one of the anchors; dropping the name
//! check never turns success into failure; verification is deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qtls::UnixTime;
use qtls::x509::{Certificate, Crl, Verifier, check_hostname, summarize};

/// The fixtures' validation time (tests/data/x509: 2024-01-01T00:00:00Z).
const NOW: UnixTime = UnixTime(1_704_067_200);

const REFERENCES: [Option<&str>; 8] = [
    None,
    Some("localhost"),
    Some("www.example.com"),
    Some("sub.www.example.com"),
    Some("127.0.0.1"),
    Some("::1"),
    Some("[2001:db8::1]"),
    Some("xn--bcher-kva.example."),
];

fn blobs(mut data: &[u8], n: usize) -> Option<(Vec<&[u8]>, &[u8])> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let (len, rest) = data.split_first_chunk::<2>()?;
        let len = usize::from(u16::from_be_bytes(*len));
        if rest.len() < len {
            return None;
        }
        let (b, rest) = rest.split_at(len);
        out.push(b);
        data = rest;
    }
    Some((out, data))
}

fuzz_target!(|data: &[u8]| {
    let Some((&[flags, nc, na, nr], rest)) = data.split_first_chunk::<4>() else {
        return;
    };
    let (nc, na, nr) = (
        usize::from(nc % 5),
        usize::from(na % 4),
        usize::from(nr % 3),
    );
    let Some((all, _)) = blobs(rest, nc + na + nr) else {
        return;
    };
    let (chain, others) = all.split_at(nc);
    let (anchors, crls) = others.split_at(na);
    let reference = REFERENCES[usize::from(flags >> 1) & 7];

    for der in &all {
        if let Ok(c) = Certificate::parse(der) {
            let s = summarize(der).expect("a parsed certificate summarizes");
            assert_eq!(s.spki, c.spki_der());
            assert_eq!(s.subject, c.subject_der());
            assert_eq!(s.issuer, c.issuer_der());
            assert_eq!(s.signature_algorithm, c.signature_algorithm_der());
            assert_eq!(c.der(), *der);
            if let Some(r) = reference {
                let _ = check_hostname(&c, r);
            }
        }
        let _ = Crl::parse(der);
    }

    let provider = if flags & 0x10 != 0 {
        qtls::provider::aws_lc::default_provider()
    } else {
        qtls::provider::fuzzing::provider()
    };
    let anchor_list: Vec<Vec<u8>> = anchors.iter().map(|a| a.to_vec()).collect();
    let all_parse = anchors.iter().all(|a| Certificate::parse(a).is_ok());
    let v = if flags & 1 != 0 {
        Verifier::client(anchor_list, provider)
    } else {
        Verifier::server(anchor_list, provider)
    };
    assert_eq!(v.is_ok(), all_parse, "a verifier needs parsable anchors");
    let Ok(v) = v else { return };
    let crl_list: Vec<Vec<u8>> = crls.iter().map(|c| c.to_vec()).collect();
    let crls_parse = crls.iter().all(|c| Crl::parse(c).is_ok());
    let v = match v.with_crls(crl_list) {
        Ok(v) => v,
        Err(_) => {
            assert!(!crls_parse, "parsable CRLs are accepted");
            return;
        }
    };
    let result = v.verify(chain, reference, NOW);
    if let Ok(path) = &result {
        assert_eq!(
            path.certificates.first().map(Vec::as_slice),
            chain.first().copied()
        );
        let last = path.certificates.last().expect("a path is not empty");
        assert!(anchors.iter().any(|a| a == last), "paths end at an anchor");
        assert!(
            v.verify(chain, None, NOW).is_ok(),
            "the name check only narrows"
        );
    }
    let again = v.verify(chain, reference, NOW);
    assert_eq!(
        again
            .as_ref()
            .map(|p| &p.certificates)
            .map_err(|e| format!("{e:?}")),
        result
            .as_ref()
            .map(|p| &p.certificates)
            .map_err(|e| format!("{e:?}")),
        "deterministic"
    );
});
