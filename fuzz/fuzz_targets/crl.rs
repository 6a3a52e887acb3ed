//! CRL decoding and revocation lookups (`x509::Crl`, `Verifier::with_crls`)
//! against a model.
//!
//! Input: `[mode, ...]`. With bit 0 of `mode` clear the rest describes a CRL
//! the target writes itself, `[flags, scope, (len, serial..., reason)...]`,
//! issued by a fixed root (or by another name) and consulted for two leaves
//! of that root (serials 01 and 82). The model says whether it parses
//! (duplicate serials and v2 fields in a v1 CRL do not) and, for each leaf,
//! what verification must answer: `Revoked` exactly when its serial is
//! listed with a reason other than removeFromCRL, `BadCrl` when the root's
//! CRL is stale, carries an unknown critical extension or does not cover
//! the leaf (delta, indirect, attribute-only, CA-only, some-reasons), and
//! success otherwise (or `BadCrl` with `Revocation::Required` when no CRL of
//! the root exists). With bit 0 set the rest is raw DER: then a CRL is
//! accepted exactly when it parses, verification ends in success,
//! `Revoked` or `BadCrl`, and `Revoked` needs the leaf's serial in the
//! input. Both modes: parsing is deterministic, the issuer lies inside the
//! input, listing the same CRL twice changes nothing, and lookups repeat.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qtls::UnixTime;
use qtls::pki::der_writer as w;
use qtls::pki::{CertBuilder, Certificate, KeyPair, KeyType};
use qtls::x509::{Crl, Options, Reason, Revocation, Verifier};
use std::sync::OnceLock;

const NOW: i64 = 1_767_225_600;
const SERIALS: [&[u8]; 2] = [&[0x01], &[0x82]];
const REMOVE_FROM_CRL: u8 = 8;

struct Pki {
    root: Certificate,
    leaves: Vec<Vec<u8>>,
    alg: Vec<u8>,
}

fn ed25519(seed: u8) -> KeyPair {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&[seed; 32]);
    KeyPair::from_pkcs8(KeyType::Ed25519, &der).expect("Ed25519 key")
}

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let rk = ed25519(1);
        let root = CertBuilder::ca("qtls fuzz CRL root")
            .serial(&[0x7f])
            .validity(1_700_000_000, 2_000_000_000)
            .self_signed(&rk)
            .expect("root");
        let leaves = SERIALS
            .iter()
            .map(|s| {
                CertBuilder::server("leaf", &["leaf.example"])
                    .serial(s)
                    .validity(1_700_000_000, 2_000_000_000)
                    .signed_by(&ed25519(2), &root, &rk)
                    .expect("leaf")
                    .into_der()
            })
            .collect();
        Pki {
            root,
            leaves,
            alg: rk.signature_algorithm_der(),
        }
    })
}

fn ext(arcs: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let oid = w::oid(arcs).expect("OID");
    let crit = w::boolean(true);
    let os = w::octet_string(value);
    let mut parts: Vec<&[u8]> = vec![&oid];
    if critical {
        parts.push(&crit);
    }
    parts.push(&os);
    w::sequence(&parts)
}

/// What the model expects of one leaf.
#[derive(Debug, PartialEq)]
enum Expect {
    Ok,
    Revoked,
    BadCrl,
}

fn verify(crls: Vec<Vec<u8>>, leaf: &[u8], revocation: Revocation) -> Result<(), Reason> {
    let p = pki();
    let opts = Options {
        revocation,
        ..Options::server()
    };
    let v = Verifier::new(
        vec![p.root.der().to_vec()],
        qtls::provider::fuzzing::provider(),
        opts,
    )
    .expect("the root parses")
    .with_crls(crls)
    .expect("the CRLs parse");
    let r = v
        .verify(&[leaf], None, UnixTime(NOW.unsigned_abs()))
        .map(|_| ())
        .map_err(|e| e.reason);
    let again = v
        .verify(&[leaf], None, UnixTime(NOW.unsigned_abs()))
        .map(|_| ())
        .map_err(|e| e.reason);
    assert_eq!(r, again, "lookups repeat");
    r
}

/// The invariants both modes share, for a CRL that parses.
fn common(der: &[u8]) -> Vec<Result<(), Reason>> {
    let a = Crl::parse(der).expect("parses");
    let b = Crl::parse(der).expect("parses again");
    assert_eq!(a.issuer_der(), b.issuer_der());
    let range = der.as_ptr_range();
    let issuer = a.issuer_der().as_ptr_range();
    assert!(range.start <= issuer.start && issuer.end <= range.end);
    let mut results = Vec::new();
    for leaf in &pki().leaves {
        let once = verify(vec![der.to_vec()], leaf, Revocation::BestEffort);
        let twice = verify(
            vec![der.to_vec(), der.to_vec()],
            leaf,
            Revocation::BestEffort,
        );
        assert_eq!(once, twice, "a CRL listed twice changes nothing");
        results.push(once);
    }
    results
}

fn raw(der: &[u8]) {
    let parses = Crl::parse(der).is_ok();
    let v = Verifier::server(
        vec![pki().root.der().to_vec()],
        qtls::provider::fuzzing::provider(),
    )
    .expect("the root parses");
    assert_eq!(v.with_crls(vec![der.to_vec()]).is_ok(), parses);
    if !parses {
        return;
    }
    for (r, serial) in common(der).into_iter().zip(SERIALS) {
        match r {
            Ok(()) | Err(Reason::BadCrl) => {}
            Err(Reason::Revoked) => {
                let tlv = w::integer_unsigned(serial);
                assert!(
                    der.windows(tlv.len()).any(|x| x == tlv.as_slice()),
                    "a revoked serial is in the CRL"
                );
            }
            Err(other) => panic!("a CRL alone cannot cause {other:?}"),
        }
    }
}

fn structured(data: &[u8]) {
    let Some((&[flags, scope], mut rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let v1 = flags & 0x01 != 0;
    let other_issuer = flags & 0x02 != 0;
    let has_next = flags & 0x04 != 0;
    let this_future = flags & 0x08 != 0;
    let next_past = has_next && flags & 0x10 != 0;
    let unknown_critical = flags & 0x20 != 0;
    let delta = flags & 0x40 != 0;
    let generalized = flags & 0x80 != 0;
    let idp = scope & 0x01 != 0;
    let only_user = idp && scope & 0x02 != 0;
    let only_ca = idp && scope & 0x04 != 0;
    let some_reasons = idp && scope & 0x08 != 0;
    let indirect = idp && scope & 0x10 != 0;
    let only_attr = idp && scope & 0x20 != 0;
    let unknown_noncritical = scope & 0x40 != 0;
    let crl_number = scope & 0x80 != 0;

    // Entries: (encoded serial INTEGER, reason).
    let mut entries: Vec<(Vec<u8>, Option<u8>)> = Vec::new();
    while let Some((&len, tail)) = rest.split_first() {
        let n = usize::from(len % 4) + 1;
        if tail.len() < n + 1 || entries.len() >= 64 {
            break;
        }
        let (magnitude, tail) = tail.split_at(n);
        let reason = tail[0];
        rest = &tail[1..];
        entries.push((
            w::integer_unsigned(magnitude),
            (reason < 0x80).then_some(reason % 11),
        ));
    }

    let p = pki();
    let time = |t: i64| {
        if generalized {
            w::generalized_time(t).expect("time")
        } else {
            w::utc_time(t).expect("time")
        }
    };
    let issuer = if other_issuer {
        qtls::pki::DistinguishedName::new()
            .common_name("someone else")
            .to_der()
            .expect("name")
    } else {
        p.root.subject_der().expect("root subject").to_vec()
    };
    let this_update = if this_future {
        NOW + 86_400
    } else {
        NOW - 86_400
    };
    let next_update = if next_past { NOW - 3_600 } else { NOW + 86_400 };

    let mut exts: Vec<Vec<u8>> = Vec::new();
    if crl_number {
        exts.push(ext(&[2, 5, 29, 20], false, &w::integer_u64(7)));
    }
    if delta {
        exts.push(ext(&[2, 5, 29, 27], true, &w::integer_u64(6)));
    }
    if idp {
        let mut fields: Vec<Vec<u8>> = Vec::new();
        if only_user {
            fields.push(w::context_primitive(1, &[0xff]));
        }
        if only_ca {
            fields.push(w::context_primitive(2, &[0xff]));
        }
        if some_reasons {
            fields.push(w::context_primitive(3, &[0x07, 0x80]));
        }
        if indirect {
            fields.push(w::context_primitive(4, &[0xff]));
        }
        if only_attr {
            fields.push(w::context_primitive(5, &[0xff]));
        }
        let refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
        exts.push(ext(&[2, 5, 29, 28], true, &w::sequence(&refs)));
    }
    if unknown_critical {
        exts.push(ext(&[1, 3, 6, 1, 4, 1, 99999, 1], true, &w::null()));
    }
    if unknown_noncritical {
        exts.push(ext(&[1, 3, 6, 1, 4, 1, 99999, 2], false, &w::null()));
    }

    let entry_ders: Vec<Vec<u8>> = entries
        .iter()
        .map(|(serial, reason)| {
            let date = time(NOW - 100_000);
            match reason {
                Some(r) => {
                    let value = w::tlv(0x0a, &[*r]);
                    let reason_ext = ext(&[2, 5, 29, 21], false, &value);
                    w::sequence(&[serial, &date, &w::sequence(&[&reason_ext])])
                }
                None => w::sequence(&[serial, &date]),
            }
        })
        .collect();

    let mut fields: Vec<Vec<u8>> = Vec::new();
    if !v1 {
        fields.push(w::integer_u64(1));
    }
    fields.push(p.alg.clone());
    fields.push(issuer.clone());
    fields.push(time(this_update));
    if has_next {
        fields.push(time(next_update));
    }
    if !entry_ders.is_empty() {
        let refs: Vec<&[u8]> = entry_ders.iter().map(Vec::as_slice).collect();
        fields.push(w::sequence(&refs));
    }
    if !exts.is_empty() {
        let refs: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();
        fields.push(w::context_constructed(0, &w::sequence(&refs)));
    }
    let refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
    let tbs = w::sequence(&refs);
    // The fuzzing provider accepts any signature.
    let der = w::sequence(&[&tbs, &p.alg, &w::bit_string(&[0u8; 64])]);

    let mut serials: Vec<&Vec<u8>> = entries.iter().map(|(s, _)| s).collect();
    serials.sort();
    let duplicate = serials.windows(2).any(|x| x[0] == x[1]);
    let v2_fields = !exts.is_empty() || entries.iter().any(|(_, r)| r.is_some());
    let parses = !duplicate && !(v1 && v2_fields);
    assert_eq!(
        Crl::parse(&der).is_ok(),
        parses,
        "duplicate {duplicate}, v1 {v1}, v2 fields {v2_fields}"
    );
    if !parses {
        return;
    }
    assert_eq!(Crl::parse(&der).expect("parses").issuer_der(), issuer);

    let results = common(&der);
    for ((result, serial), leaf) in results.iter().zip(SERIALS).zip(&p.leaves) {
        let tlv = w::integer_unsigned(serial);
        let listed = entries
            .iter()
            .any(|(s, r)| *s == tlv && *r != Some(REMOVE_FROM_CRL));
        let expect = if other_issuer {
            Expect::Ok
        } else if unknown_critical || this_future || next_past {
            Expect::BadCrl
        } else if delta || indirect || only_attr || some_reasons || only_ca {
            Expect::BadCrl
        } else if listed {
            Expect::Revoked
        } else {
            Expect::Ok
        };
        let got = match result {
            Ok(()) => Expect::Ok,
            Err(Reason::Revoked) => Expect::Revoked,
            Err(Reason::BadCrl) => Expect::BadCrl,
            Err(other) => panic!("unexpected {other:?}"),
        };
        assert_eq!(got, expect, "serial {serial:02x?}");
        // Required revocation: a leaf no CRL of its issuer covers fails.
        let required = verify(vec![der.clone()], leaf, Revocation::Required);
        let expect_required = match expect {
            Expect::Ok if other_issuer => Err(Reason::BadCrl),
            Expect::Ok => Ok(()),
            Expect::Revoked => Err(Reason::Revoked),
            Expect::BadCrl => Err(Reason::BadCrl),
        };
        assert_eq!(required, expect_required);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 != 0 {
        raw(rest);
    } else {
        structured(rest);
    }
});
