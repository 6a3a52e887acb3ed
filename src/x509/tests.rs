//! Path-validation tests over certificates made by OpenSSL
//! (tests/data/x509/gen.sh), validated at 2024-01-01T00:00:00Z.

use super::*;
use crate::error::Error;
use crate::provider::CryptoProvider;
use crate::time::UnixTime;
use crate::verify::{ClientCertVerifier, ServerCertVerifier};
use alloc::sync::Arc;
use alloc::vec;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("../../tests/data/x509/", $name, ".der")).as_slice()
    };
}

const ROOT: &[u8] = fixture!("root");
const INTER: &[u8] = fixture!("inter");
const LEAF: &[u8] = fixture!("leaf");

/// 2024-01-01T00:00:00Z
const NOW: u64 = 1_704_067_200;

fn provider() -> Arc<dyn CryptoProvider> {
    crate::provider::aws_lc::default_provider()
}

fn verifier(anchors: &[&[u8]], options: Options) -> Verifier {
    Verifier::new(
        anchors.iter().map(|a| a.to_vec()).collect(),
        provider(),
        options,
    )
    .unwrap()
}

fn check(
    anchors: &[&[u8]],
    chain: &[&[u8]],
    name: Option<&str>,
    options: Options,
) -> Result<VerifiedPath, VerifyError> {
    verifier(anchors, options).verify(chain, name, UnixTime(NOW))
}

fn reason(anchors: &[&[u8]], chain: &[&[u8]], name: Option<&str>, options: Options) -> Reason {
    check(anchors, chain, name, options).unwrap_err().reason
}

fn server() -> Options {
    Options::server()
}

#[test]
fn valid_chain_and_path() {
    let path = check(&[ROOT], &[LEAF, INTER], Some("www.example.com"), server()).unwrap();
    assert_eq!(
        path.certificates,
        vec![LEAF.to_vec(), INTER.to_vec(), ROOT.to_vec()]
    );
    // The intermediate may also come from configuration.
    let v = verifier(&[ROOT], server()).with_intermediates(vec![INTER.to_vec()]);
    assert!(
        v.verify(&[LEAF], Some("www.example.com"), UnixTime(NOW))
            .is_ok()
    );
    // The trait entry points.
    let v = verifier(&[ROOT], server());
    assert_eq!(
        v.verify_server_cert(
            &[LEAF.to_vec(), INTER.to_vec()],
            Some("www.example.com"),
            UnixTime(NOW)
        ),
        Ok(())
    );
    assert_eq!(
        v.verify_server_cert(&[LEAF.to_vec()], None, UnixTime(NOW)),
        Err(Error::Certificate(
            crate::error::CertificateError::UnknownIssuer
        ))
    );
    let root = Certificate::parse(ROOT).unwrap();
    assert_eq!(
        ClientCertVerifier::root_subjects(&v),
        vec![root.subject_der().to_vec()]
    );
}

#[test]
fn host_names_and_addresses() {
    for ok in [
        "www.example.com",
        "WWW.Example.Com.",
        "a.wild.example.com",
        "192.168.1.10",
        "2001:db8::1",
        "[2001:db8::1]",
    ] {
        assert!(
            check(&[ROOT], &[LEAF, INTER], Some(ok), server()).is_ok(),
            "{ok}"
        );
    }
    for bad in [
        "example.com",
        "wild.example.com",
        "a.b.wild.example.com",
        "www.example.org",
        "10.0.0.1",
        "2001:db8::2",
    ] {
        assert_eq!(
            reason(&[ROOT], &[LEAF, INTER], Some(bad), server()),
            Reason::NameMismatch,
            "{bad}"
        );
    }
    assert_eq!(
        reason(&[ROOT], &[LEAF, INTER], Some("bad name"), server()),
        Reason::InvalidReferenceName
    );
}

#[test]
fn common_name_fallback() {
    let cn_only = fixture!("leaf_cn_only");
    assert!(
        check(
            &[ROOT],
            &[cn_only, INTER],
            Some("legacy.example.com"),
            server()
        )
        .is_ok()
    );
    let strict = Options {
        name_mode: NameMode::Strict,
        ..server()
    };
    assert_eq!(
        reason(
            &[ROOT],
            &[cn_only, INTER],
            Some("legacy.example.com"),
            strict.clone()
        ),
        Reason::NameMismatch
    );
    // An iPAddress SAN alone does not stop the CN fallback (GnuTLS counts
    // dNSName SANs only), but an IP reference never matches the CN.
    let cn_ip = fixture!("leaf_cn_and_ip");
    assert!(
        check(
            &[ROOT],
            &[cn_ip, INTER],
            Some("legacy.example.com"),
            server()
        )
        .is_ok()
    );
    assert!(check(&[ROOT], &[cn_ip, INTER], Some("10.0.0.1"), server()).is_ok());
    assert!(check(&[ROOT], &[cn_ip, INTER], Some("10.0.0.1"), strict).is_ok());
    // A leaf with a dNSName SAN never falls back to its CN.
    assert_eq!(
        reason(
            &[ROOT],
            &[LEAF, INTER],
            Some("legacy.example.com"),
            server()
        ),
        Reason::NameMismatch
    );
}

#[test]
fn validity_period() {
    let e = check(&[ROOT], &[fixture!("leaf_expired"), INTER], None, server()).unwrap_err();
    assert_eq!(e.reason, Reason::Expired);
    assert_eq!(e.depth, Some(0));
    assert_eq!(e.subject.as_deref(), Some("CN=expired.example.com"));
    assert_eq!(
        reason(&[ROOT], &[fixture!("leaf_future"), INTER], None, server()),
        Reason::NotYetValid
    );
    // An expired intermediate is reported as such, not as an unknown issuer.
    let e = check(
        &[ROOT],
        &[fixture!("leaf_under_expired"), fixture!("inter_expired")],
        None,
        server(),
    )
    .unwrap_err();
    assert_eq!((e.reason, e.depth), (Reason::Expired, Some(1)));
    assert_eq!(e.subject.as_deref(), Some("CN=Inter expired"));
    // Validity bounds are inclusive: the leaf is valid from 2020-01-01T00:00:00Z.
    let v = verifier(&[ROOT], server());
    assert!(
        v.verify(&[LEAF, INTER], None, UnixTime(1_577_836_800))
            .is_ok()
    );
    assert_eq!(
        v.verify(&[LEAF, INTER], None, UnixTime(1_577_836_799))
            .unwrap_err()
            .reason,
        Reason::NotYetValid
    );
}

#[test]
fn issuer_must_be_a_ca() {
    let cases: &[(&[u8], &[u8], Reason)] = &[
        (
            fixture!("leaf_under_not_ca"),
            fixture!("inter_not_ca"),
            Reason::NotCa,
        ),
        (
            fixture!("leaf_under_no_bc"),
            fixture!("inter_no_bc"),
            Reason::NotCa,
        ),
        (
            fixture!("leaf_under_no_certsign"),
            fixture!("inter_no_certsign"),
            Reason::KeyUsageViolation,
        ),
        (
            fixture!("leaf_under_eku_client"),
            fixture!("inter_eku_client"),
            Reason::ExtendedKeyUsageViolation,
        ),
    ];
    for (leaf, inter, expected) in cases {
        let e = check(&[ROOT], &[leaf, inter], None, server()).unwrap_err();
        assert_eq!((e.reason, e.depth), (*expected, Some(1)));
    }
    // A clientAuth-only intermediate is fine for client certificates.
    assert!(
        check(
            &[ROOT],
            &[
                fixture!("leaf_under_eku_client"),
                fixture!("inter_eku_client")
            ],
            None,
            Options::client()
        )
        .is_ok()
    );
}

#[test]
fn path_length_constraint() {
    let e = check(
        &[ROOT],
        &[
            fixture!("leaf_under_pathlen"),
            fixture!("inter_below_pathlen0"),
            fixture!("inter_pathlen0"),
        ],
        None,
        server(),
    )
    .unwrap_err();
    assert_eq!((e.reason, e.depth), (Reason::PathLenExceeded, Some(2)));
}

#[test]
fn maximum_depth() {
    let opts = Options {
        max_intermediates: 0,
        ..server()
    };
    assert_eq!(
        reason(&[ROOT], &[LEAF, INTER], None, opts),
        Reason::MaxDepthExceeded
    );
    let opts = Options {
        max_intermediates: 1,
        ..server()
    };
    assert!(check(&[ROOT], &[LEAF, INTER], None, opts).is_ok());
}

#[test]
fn leaf_purpose_and_key_usage() {
    let client_only = fixture!("leaf_client_only");
    assert_eq!(
        reason(&[ROOT], &[client_only, INTER], None, server()),
        Reason::ExtendedKeyUsageViolation
    );
    assert!(check(&[ROOT], &[client_only, INTER], None, Options::client()).is_ok());
    let any = Options {
        purpose: Purpose::Any,
        ..server()
    };
    assert!(check(&[ROOT], &[client_only, INTER], None, any).is_ok());

    let encipher = fixture!("leaf_ku_encipher");
    assert_eq!(
        reason(&[ROOT], &[encipher, INTER], None, server()),
        Reason::KeyUsageViolation
    );
    let lax = Options {
        leaf_key_usage: 0,
        ..server()
    };
    assert!(check(&[ROOT], &[encipher, INTER], None, lax).is_ok());
}

#[test]
fn unknown_critical_extension() {
    assert_eq!(
        reason(
            &[ROOT],
            &[fixture!("leaf_unknown_critical"), INTER],
            None,
            server()
        ),
        Reason::UnknownCriticalExtension
    );
}

#[test]
fn signatures() {
    // A corrupted signature.
    let mut bad = LEAF.to_vec();
    if let Some(last) = bad.last_mut() {
        *last ^= 0x01;
    }
    let e = check(&[ROOT], &[&bad, INTER], None, server()).unwrap_err();
    assert_eq!((e.reason, e.depth), (Reason::BadSignature, Some(0)));
    // SHA-1 only when allowed.
    let sha1 = fixture!("leaf_sha1");
    assert_eq!(
        reason(&[ROOT], &[sha1, INTER], None, server()),
        Reason::InsecureAlgorithm
    );
    let lax = Options {
        allow_sha1: true,
        ..server()
    };
    assert!(check(&[ROOT], &[sha1, INTER], None, lax).is_ok());
}

#[test]
fn key_types() {
    let cases: &[(&[u8], &[u8], &str)] = &[
        (
            fixture!("rsa_root"),
            fixture!("rsa_leaf"),
            "www.example.com",
        ),
        (
            fixture!("rsa_root"),
            fixture!("rsa_pss_leaf"),
            "www.example.com",
        ),
        (
            fixture!("p384_root"),
            fixture!("p521_leaf"),
            "www.example.com",
        ),
        (fixture!("ed_root"), fixture!("ed_leaf"), "www.example.com"),
    ];
    for (root, leaf, name) in cases {
        let r = check(&[root], &[leaf], Some(name), server());
        assert!(r.is_ok(), "{:?}", r);
    }
    // A leaf under the wrong root.
    assert_eq!(
        reason(&[ROOT], &[fixture!("rsa_leaf")], None, server()),
        Reason::UnknownIssuer
    );
}

#[test]
fn name_constraints() {
    let nc = fixture!("inter_nc");
    assert!(
        check(
            &[ROOT],
            &[fixture!("leaf_nc_ok"), nc],
            Some("www.example.com"),
            server()
        )
        .is_ok()
    );
    for leaf in [
        fixture!("leaf_nc_outside"),
        fixture!("leaf_nc_excluded"),
        fixture!("leaf_nc_ipv6"),
    ] {
        let e = check(&[ROOT], &[leaf, nc], None, server()).unwrap_err();
        assert_eq!(
            (e.reason, e.depth),
            (Reason::NameConstraintViolation, Some(0))
        );
    }
    // The CN is constrained when the name check may use it (GnuTLS mode and
    // no dNSName SAN), and not in strict mode.
    let cn_only = fixture!("leaf_nc_cn_only");
    assert_eq!(
        reason(&[ROOT], &[cn_only, nc], None, server()),
        Reason::NameConstraintViolation
    );
    let strict = Options {
        name_mode: NameMode::Strict,
        ..server()
    };
    assert!(check(&[ROOT], &[cn_only, nc], None, strict).is_ok());
}

#[test]
fn revocation() {
    let crl = fixture!("inter.crl").to_vec();
    let v = verifier(&[ROOT], server())
        .with_crls(vec![crl.clone()])
        .unwrap();
    let e = v
        .verify(&[fixture!("leaf_revoked"), INTER], None, UnixTime(NOW))
        .unwrap_err();
    assert_eq!((e.reason, e.depth), (Reason::Revoked, Some(0)));
    assert_eq!(e.reason.gnutls_text(), "The certificate has been revoked");
    assert!(v.verify(&[LEAF, INTER], None, UnixTime(NOW)).is_ok());

    let stale = verifier(&[ROOT], server())
        .with_crls(vec![fixture!("stale.crl").to_vec()])
        .unwrap();
    assert_eq!(
        stale
            .verify(&[LEAF, INTER], None, UnixTime(NOW))
            .unwrap_err()
            .reason,
        Reason::BadCrl
    );

    // Required revocation: the intermediate has no CRL from the root.
    let required = Options {
        revocation: Revocation::Required,
        ..server()
    };
    let v = verifier(&[ROOT], required).with_crls(vec![crl]).unwrap();
    let e = v.verify(&[LEAF, INTER], None, UnixTime(NOW)).unwrap_err();
    assert_eq!((e.reason, e.depth), (Reason::BadCrl, Some(1)));

    assert_eq!(
        verifier(&[ROOT], server())
            .with_crls(vec![vec![0x30, 0x00]])
            .unwrap_err()
            .reason,
        Reason::BadCrl
    );
}

#[test]
fn trust_anchor_as_leaf() {
    // A self-signed certificate trusted directly (GnuTLS accepts a leaf
    // that is in the trusted list).
    let opts = Options {
        leaf_key_usage: 0,
        purpose: Purpose::Any,
        ..server()
    };
    assert!(check(&[ROOT], &[ROOT], None, opts.clone()).is_ok());
    let web = Options {
        profile: Profile::WebPki,
        ..opts
    };
    assert_eq!(reason(&[ROOT], &[ROOT], None, web), Reason::EndEntityIsCa);
}

#[test]
fn budget_exhaustion() {
    let opts = Options {
        budget: Budget {
            signatures: 1,
            ..Budget::default()
        },
        ..server()
    };
    assert_eq!(
        reason(&[ROOT], &[LEAF, INTER], None, opts),
        Reason::BudgetExhausted
    );
}

#[test]
fn empty_and_garbage() {
    assert_eq!(reason(&[ROOT], &[], None, server()), Reason::EmptyChain);
    assert_eq!(
        reason(&[ROOT], &[&[0x30, 0x00]], None, server()),
        Reason::BadEncoding
    );
    assert_eq!(
        Verifier::server(vec![vec![1, 2, 3]], provider())
            .unwrap_err()
            .reason,
        Reason::BadEncoding
    );
}

#[test]
fn summaries_and_dn_strings() {
    let s = summarize(LEAF).unwrap();
    assert_eq!(
        dn_string(s.subject).as_deref(),
        Some("CN=www.example.com,O=Test PKI")
    );
    assert_eq!(
        dn_string(s.issuer).as_deref(),
        Some("CN=Test Intermediate,O=Test PKI")
    );
    assert_eq!(
        cert_signature_schemes(s.signature_algorithm),
        &[crate::codec::enums::SignatureScheme::ECDSA_SECP256R1_SHA256]
    );
    assert_eq!(
        summarize(&[0x30, 0x00]).unwrap_err(),
        crate::error::CertificateError::BadEncoding
    );
}

/// Tests over certificates made by [`crate::pki`] in the test itself.
mod built {
    use super::*;
    use crate::pki::{
        self, BasicConstraints, CertBuilder, DistinguishedName, ExtendedKeyUsage, KeyPair,
        KeyPurpose, KeyType, KeyUsage, SubjectAltName, Subtree,
    };
    use alloc::vec::Vec;

    /// 2020-01-01T00:00:00Z and 2040-01-01T00:00:00Z.
    const FROM: i64 = 1_577_836_800;
    const UNTIL: i64 = 2_208_988_800;

    fn key(t: KeyType) -> KeyPair {
        KeyPair::generate(t).unwrap()
    }

    fn ca(cn: &str) -> CertBuilder {
        CertBuilder::ca(cn).validity(FROM, UNTIL)
    }

    /// A TLS server certificate whose CN is its first name (as CA/B BR
    /// §7.1.4.3 wants), or "server" without names.
    fn server(names: &[&str]) -> CertBuilder {
        let cn = names.first().copied().unwrap_or("server");
        CertBuilder::server(cn, names).validity(FROM, UNTIL)
    }

    /// A root (anchor) and its key.
    fn root(t: KeyType, cn: &str) -> (pki::Certificate, KeyPair) {
        let k = key(t);
        (ca(cn).self_signed(&k).unwrap(), k)
    }

    /// A root "Root", an intermediate "Inter" and a TLS server leaf for
    /// `host`, all with keys of type `t`.
    struct Chain {
        root: pki::Certificate,
        root_key: KeyPair,
        inter: pki::Certificate,
        inter_key: KeyPair,
        leaf: pki::Certificate,
    }

    fn chain(t: KeyType, host: &str) -> Chain {
        let (root, root_key) = root(t, "Root");
        let inter_key = key(t);
        let inter = ca("Inter").signed_by(&inter_key, &root, &root_key).unwrap();
        let leaf = server(&[host])
            .signed_by(&key(t), &inter, &inter_key)
            .unwrap();
        Chain {
            root,
            root_key,
            inter,
            inter_key,
            leaf,
        }
    }

    fn run(
        anchors: &[&pki::Certificate],
        chain: &[&pki::Certificate],
        name: Option<&str>,
        opts: Options,
    ) -> Result<VerifiedPath, VerifyError> {
        let anchors: Vec<&[u8]> = anchors.iter().map(|c| c.der()).collect();
        let chain: Vec<&[u8]> = chain.iter().map(|c| c.der()).collect();
        check(&anchors, &chain, name, opts)
    }

    #[test]
    fn every_key_type() {
        for t in [
            KeyType::EcdsaP256,
            KeyType::EcdsaP384,
            KeyType::EcdsaP521,
            KeyType::Ed25519,
            KeyType::Rsa2048,
            KeyType::RsaPss2048,
            KeyType::MlDsa44,
            KeyType::MlDsa65,
            KeyType::MlDsa87,
        ] {
            let Chain {
                root: r,
                inter,
                leaf,
                ..
            } = chain(t, "host.example");
            let res = run(
                &[&r],
                &[&leaf, &inter],
                Some("host.example"),
                Options::server(),
            );
            assert!(res.is_ok(), "{}: {:?}", t.name(), res);
        }
    }

    #[test]
    fn spki_of_decoded_is_the_parsed_key() {
        // The handshake's shortcut finds the same key bytes as the full
        // decode, with or without the version field.
        for t in [
            KeyType::EcdsaP256,
            KeyType::Ed25519,
            KeyType::Rsa2048,
            KeyType::MlDsa65,
        ] {
            let (r, rk) = root(t, "Root");
            let leaf = server(&["a.example"]).signed_by(&key(t), &r, &rk).unwrap();
            let v1 = ca("Old")
                .version(pki::Version::V1)
                .basic_constraints(None)
                .key_usage(None)
                .subject_key_identifier(false)
                .authority_key_identifier(false)
                .self_signed(&key(t))
                .unwrap();
            for c in [&r, &leaf, &v1] {
                let parsed = Certificate::parse(c.der()).unwrap();
                assert_eq!(parsed.version, if core::ptr::eq(c, &v1) { 0 } else { 2 });
                assert_eq!(cert::spki_of_decoded(c.der()), Some(parsed.spki_der()));
            }
        }
        // It checks nothing else: a leaf the full decode refuses still
        // yields a key, which is why the handshake only uses it after a
        // verifier that decodes the leaf, and the verifier refuses it.
        let (r, rk) = root(KeyType::EcdsaP256, "Root");
        let bad = server(&["a.example"])
            .raw_extension(&[2, 5, 29, 19], false, alloc::vec![0x30, 0x00])
            .signed_by(&key(KeyType::EcdsaP256), &r, &rk)
            .unwrap();
        assert!(cert::spki_of_decoded(bad.der()).is_some());
        assert_eq!(
            Certificate::parse(bad.der()).unwrap_err(),
            Reason::DuplicateExtension
        );
        let v = Verifier::server(alloc::vec![r.der().to_vec()], provider()).unwrap();
        assert!(ServerCertVerifier::decodes_leaf(&v));
        assert_eq!(
            v.verify_server_cert(&[bad.der().to_vec()], None, UnixTime(FROM as u64 + 1)),
            Err(Error::from(VerifyError {
                reason: Reason::DuplicateExtension,
                depth: Some(0),
                subject: None,
            }))
        );
        assert!(!ServerCertVerifier::decodes_leaf(
            &crate::verify::PinnedCertVerifier::new(alloc::vec![bad.der().to_vec()])
        ));
    }

    #[test]
    fn many_anchors_and_an_anchor_the_peer_also_sends() {
        // Anchors are matched by subject before they are parsed; the
        // outcome must not depend on how many unrelated ones there are,
        // on their order, or on the peer sending an anchor itself.
        let Chain {
            root: r,
            inter,
            leaf,
            ..
        } = chain(KeyType::EcdsaP256, "host.example");
        let others: Vec<pki::Certificate> = (0..40)
            .map(|i| root(KeyType::Ed25519, &alloc::format!("Other {i}")).0)
            .collect();
        let mut anchors: Vec<&pki::Certificate> = others.iter().collect();
        anchors.insert(17, &r);
        let want = alloc::vec![leaf.der().to_vec(), inter.der().to_vec(), r.der().to_vec()];
        let path = run(
            &anchors,
            &[&leaf, &inter],
            Some("host.example"),
            Options::server(),
        )
        .unwrap();
        assert_eq!(path.certificates, want);
        // The peer sends the root too: it is still the trusted end of the path.
        let path = run(
            &anchors,
            &[&leaf, &inter, &r],
            Some("host.example"),
            Options::server(),
        )
        .unwrap();
        assert_eq!(path.certificates, want);
        // An intermediate configured as an anchor ends the path there.
        anchors.push(&inter);
        let path = run(
            &anchors,
            &[&leaf, &inter],
            Some("host.example"),
            Options::server(),
        )
        .unwrap();
        assert_eq!(path.certificates, want[..2].to_vec());
        // Without the root only unrelated anchors remain.
        let unrelated: Vec<&pki::Certificate> = others.iter().collect();
        assert_eq!(
            run(
                &unrelated,
                &[&leaf, &inter],
                Some("host.example"),
                Options::server()
            )
            .unwrap_err()
            .reason,
            Reason::UnknownIssuer
        );
    }

    #[test]
    fn backtracks_past_a_bad_cross_certificate() {
        let (r, rk) = root(KeyType::EcdsaP256, "Root");
        // An old, expired root that also certified the intermediate's key.
        let ok = key(KeyType::EcdsaP256);
        let old = CertBuilder::ca("Old Root")
            .validity(FROM, FROM + 86_400)
            .self_signed(&ok)
            .unwrap();
        let ik = key(KeyType::EcdsaP256);
        let via_old = ca("Inter").signed_by(&ik, &old, &ok).unwrap();
        let via_root = ca("Inter").signed_by(&ik, &r, &rk).unwrap();
        let leaf = server(&["host.example"])
            .signed_by(&key(KeyType::EcdsaP256), &via_old, &ik)
            .unwrap();
        // The bad path comes first in the chain; the good one is found.
        let path = run(
            &[&r],
            &[&leaf, &via_old, &old, &via_root],
            Some("host.example"),
            Options::server(),
        )
        .unwrap();
        assert_eq!(path.certificates.len(), 3);
        assert_eq!(
            path.certificates.get(1).map(Vec::as_slice),
            Some(via_root.der())
        );
        // Without the good path, the most specific failure is reported.
        let e = run(&[&r], &[&leaf, &via_old, &old], None, Options::server()).unwrap_err();
        assert_eq!((e.reason, e.depth), (Reason::Expired, Some(2)));
        assert_eq!(e.subject.as_deref(), Some("CN=Old Root"));
    }

    #[test]
    fn self_issued_intermediates_do_not_count_for_path_length() {
        let rk = key(KeyType::EcdsaP256);
        let r = CertBuilder::ca("Root")
            .validity(FROM, UNTIL)
            .basic_constraints(Some(BasicConstraints::ca(Some(0))))
            .self_signed(&rk)
            .unwrap();
        // A key roll-over certificate: subject = issuer = "Root", new key.
        let nk = key(KeyType::EcdsaP256);
        let rollover = ca("Root").signed_by(&nk, &r, &rk).unwrap();
        let leaf = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), &rollover, &nk)
            .unwrap();
        assert!(run(&[&r], &[&leaf, &rollover], None, Options::server()).is_ok());
        // A non-self-issued intermediate under pathLen 0 is one too many.
        let other = ca("Other").signed_by(&nk, &r, &rk).unwrap();
        let ik = key(KeyType::EcdsaP256);
        let below = ca("Below").signed_by(&ik, &other, &nk).unwrap();
        let leaf = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), &below, &ik)
            .unwrap();
        let e = run(&[&r], &[&leaf, &below, &other], None, Options::server()).unwrap_err();
        assert_eq!((e.reason, e.depth), (Reason::PathLenExceeded, Some(3)));
    }

    #[test]
    fn version_1_certificates() {
        let rk = key(KeyType::EcdsaP256);
        let v1 = CertBuilder::new()
            .version(pki::Version::V1)
            .subject(DistinguishedName::new().common_name("V1 Root"))
            .validity(FROM, UNTIL)
            .subject_key_identifier(false)
            .authority_key_identifier(false)
            .self_signed(&rk)
            .unwrap();
        let leaf = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), &v1, &rk)
            .unwrap();
        // A v1 trust anchor is accepted in the compat profile only.
        assert!(run(&[&v1], &[&leaf], None, Options::server()).is_ok());
        let web = Options {
            profile: Profile::WebPki,
            ..Options::server()
        };
        assert_eq!(
            run(&[&v1], &[&leaf], None, web).unwrap_err().reason,
            Reason::BadVersion
        );
        // A v1 intermediate is never a CA.
        let (r, rk) = root(KeyType::EcdsaP256, "Root");
        let ik = key(KeyType::EcdsaP256);
        let v1_inter = CertBuilder::new()
            .version(pki::Version::V1)
            .subject(DistinguishedName::new().common_name("V1 Inter"))
            .validity(FROM, UNTIL)
            .subject_key_identifier(false)
            .authority_key_identifier(false)
            .signed_by(&ik, &r, &rk)
            .unwrap();
        let leaf = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), &v1_inter, &ik)
            .unwrap();
        let e = run(&[&r], &[&leaf, &v1_inter], None, Options::server()).unwrap_err();
        assert_eq!((e.reason, e.depth), (Reason::NotCa, Some(1)));
    }

    #[test]
    fn duplicate_extension() {
        let (r, rk) = root(KeyType::EcdsaP256, "Root");
        // basicConstraints twice (the second as a raw extension: cA FALSE).
        let leaf = server(&["a.example"])
            .raw_extension(&[2, 5, 29, 19], false, alloc::vec![0x30, 0x00])
            .signed_by(&key(KeyType::EcdsaP256), &r, &rk)
            .unwrap();
        let e = run(&[&r], &[&leaf], None, Options::server()).unwrap_err();
        assert_eq!((e.reason, e.depth), (Reason::DuplicateExtension, Some(0)));
        // Known extensions (the last of the bit set among them) and unknown
        // ones are caught alike; different ones are not duplicates.
        let with = |exts: &[&[u64]]| {
            let mut b = server(&["a.example"]);
            for oid in exts {
                b = b.raw_extension(oid, false, alloc::vec![0x05, 0x00]);
            }
            let leaf = b.signed_by(&key(KeyType::EcdsaP256), &r, &rk).unwrap();
            Certificate::parse(leaf.der()).map(|_| ())
        };
        let sct: &[u64] = &[1, 3, 6, 1, 4, 1, 11129, 2, 4, 2];
        let policies: &[u64] = &[2, 5, 29, 32];
        let mine: &[u64] = &[1, 3, 6, 1, 4, 1, 99999, 1];
        let mine2: &[u64] = &[1, 3, 6, 1, 4, 1, 99999, 2];
        let dup = Err(Reason::DuplicateExtension);
        assert_eq!(with(&[sct, sct]), dup);
        assert_eq!(with(&[mine, policies, mine]), dup);
        assert_eq!(with(&[policies, mine, mine2, policies]), dup);
        assert_eq!(with(&[mine, mine2, sct, policies]), Ok(()));
    }

    #[test]
    fn name_constraint_forms() {
        let (r, rk) = root(KeyType::EcdsaP256, "Root");
        let ik = key(KeyType::EcdsaP256);
        let inter = ca("Inter")
            .name_constraints(Some(pki::NameConstraints::new(
                alloc::vec![
                    Subtree::DirectoryName(DistinguishedName::new().organization("Acme")),
                    Subtree::Email(".example.com".into()),
                    Subtree::Uri(".example.com".into()),
                    Subtree::Ip {
                        addr: "2001:db8::".parse().unwrap(),
                        prefix_len: 32,
                    },
                    Subtree::Dns("example.com".into()),
                ],
                alloc::vec![Subtree::Dns("secret.example.com".into())],
            )))
            .signed_by(&ik, &r, &rk)
            .unwrap();
        let leaf_with = |subject: DistinguishedName, sans: Vec<pki::GeneralName>| {
            server(&[])
                .subject(subject)
                .subject_alt_name(Some(SubjectAltName {
                    names: sans,
                    critical: false,
                }))
                .signed_by(&key(KeyType::EcdsaP256), &inter, &ik)
                .unwrap()
        };
        let acme = || {
            DistinguishedName::new()
                .organization("Acme")
                .common_name("x")
        };
        use pki::GeneralName as G;
        let good = leaf_with(
            acme(),
            alloc::vec![
                G::Dns("www.example.com".into()),
                G::Email("me@mail.example.com".into()),
                G::Uri("https://app.example.com/x".into()),
                G::Ip("2001:db8::5".parse().unwrap()),
            ],
        );
        assert!(run(&[&r], &[&good, &inter], None, Options::server()).is_ok());
        let bad: &[(DistinguishedName, Vec<pki::GeneralName>)] = &[
            (
                DistinguishedName::new()
                    .organization("Other")
                    .common_name("x"),
                alloc::vec![G::Dns("www.example.com".into())],
            ),
            (acme(), alloc::vec![G::Email("me@example.org".into())]),
            (acme(), alloc::vec![G::Uri("https://example.org/".into())]),
            (acme(), alloc::vec![G::Ip("2001:db9::1".parse().unwrap())]),
            (acme(), alloc::vec![G::Dns("x.secret.example.com".into())]),
            (
                acme(),
                alloc::vec![G::DirectoryName(
                    DistinguishedName::new().organization("Evil")
                )],
            ),
        ];
        for (subject, sans) in bad {
            let leaf = leaf_with(subject.clone(), sans.clone());
            let e = run(&[&r], &[&leaf, &inter], None, Options::server()).unwrap_err();
            assert_eq!(
                (e.reason, e.depth),
                (Reason::NameConstraintViolation, Some(0)),
                "{sans:?}"
            );
        }
    }

    #[test]
    fn web_pki_profile() {
        let web = || Options {
            profile: Profile::WebPki,
            ..Options::server()
        };
        let (r, rk) = root(KeyType::EcdsaP256, "Root");
        let good = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), &r, &rk)
            .unwrap();
        assert!(run(&[&r], &[&good], Some("a.example"), web()).is_ok());
        // No SAN.
        let no_san = server(&[])
            .signed_by(&key(KeyType::EcdsaP256), &r, &rk)
            .unwrap();
        assert_eq!(
            run(&[&r], &[&no_san], None, web()).unwrap_err().reason,
            Reason::MissingExtension
        );
        assert!(run(&[&r], &[&no_san], None, Options::server()).is_ok());
        // No AKI.
        let no_aki = server(&["a.example"])
            .authority_key_identifier(false)
            .signed_by(&key(KeyType::EcdsaP256), &r, &rk)
            .unwrap();
        assert_eq!(
            run(&[&r], &[&no_aki], None, web()).unwrap_err().reason,
            Reason::MissingExtension
        );
        // anyExtendedKeyUsage alone on a leaf.
        let any = server(&["a.example"])
            .extended_key_usage(Some(ExtendedKeyUsage::new(alloc::vec![KeyPurpose::Any])))
            .signed_by(&key(KeyType::EcdsaP256), &r, &rk)
            .unwrap();
        assert_eq!(
            run(&[&r], &[&any], None, web()).unwrap_err().reason,
            Reason::ExtendedKeyUsageViolation
        );
        assert!(run(&[&r], &[&any], None, Options::server()).is_ok());
        // A CA whose basicConstraints is not critical, or without keyUsage.
        let rk2 = key(KeyType::EcdsaP256);
        let soft = ca("Soft")
            .basic_constraints(Some(BasicConstraints {
                ca: true,
                path_len: None,
                critical: false,
            }))
            .self_signed(&rk2)
            .unwrap();
        let leaf = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), &soft, &rk2)
            .unwrap();
        assert_eq!(
            run(&[&soft], &[&leaf], None, web()).unwrap_err().reason,
            Reason::ProfileViolation
        );
        assert!(run(&[&soft], &[&leaf], None, Options::server()).is_ok());
        let no_ku = ca("No KU").key_usage(None).self_signed(&rk2).unwrap();
        let leaf = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), &no_ku, &rk2)
            .unwrap();
        assert_eq!(
            run(&[&no_ku], &[&leaf], None, web()).unwrap_err().reason,
            Reason::MissingExtension
        );
        assert!(run(&[&no_ku], &[&leaf], None, Options::server()).is_ok());
        // A leaf asserting keyCertSign.
        let ku_sign = server(&["a.example"])
            .key_usage(Some(KeyUsage::new(
                KeyUsage::DIGITAL_SIGNATURE | KeyUsage::KEY_CERT_SIGN,
            )))
            .signed_by(&key(KeyType::EcdsaP256), &r, &rk)
            .unwrap();
        assert_eq!(
            run(&[&r], &[&ku_sign], None, web()).unwrap_err().reason,
            Reason::KeyUsageViolation
        );
    }

    #[test]
    fn rfc5280_profile() {
        let rfc = || Options {
            profile: Profile::Rfc5280,
            ..Options::server()
        };
        let (r, rk) = root(KeyType::EcdsaP256, "Root");
        let leaf = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), &r, &rk)
            .unwrap();
        assert!(run(&[&r], &[&leaf], Some("a.example"), rfc()).is_ok());
        // A leaf without AKI; a root without SKI.
        let no_aki = server(&["a.example"])
            .authority_key_identifier(false)
            .signed_by(&key(KeyType::EcdsaP256), &r, &rk)
            .unwrap();
        assert_eq!(
            run(&[&r], &[&no_aki], None, rfc()).unwrap_err().reason,
            Reason::MissingExtension
        );
        assert!(run(&[&r], &[&no_aki], None, Options::server()).is_ok());
        let rk2 = key(KeyType::EcdsaP256);
        let no_ski = ca("No SKI")
            .subject_key_identifier(false)
            .self_signed(&rk2)
            .unwrap();
        let leaf2 = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), &no_ski, &rk2)
            .unwrap();
        assert_eq!(
            run(&[&no_ski], &[&leaf2], None, rfc()).unwrap_err().reason,
            Reason::MissingExtension
        );
        assert!(run(&[&no_ski], &[&leaf2], None, Options::server()).is_ok());
        // Non-critical name constraints: RFC 5280 rejects, CA/B allows.
        let nc_root = ca("NC Root")
            .name_constraints(Some(pki::NameConstraints {
                permitted: alloc::vec![Subtree::Dns("example".into())],
                excluded: alloc::vec![],
                critical: false,
            }))
            .self_signed(&rk2)
            .unwrap();
        let leaf3 = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), &nc_root, &rk2)
            .unwrap();
        assert_eq!(
            run(&[&nc_root], &[&leaf3], None, rfc()).unwrap_err().reason,
            Reason::ProfileViolation
        );
        let web = Options {
            profile: Profile::WebPki,
            ..Options::server()
        };
        assert!(run(&[&nc_root], &[&leaf3], None, web).is_ok());
        // An empty subject needs a critical SAN.
        let empty = server(&["a.example"])
            .subject(DistinguishedName::new())
            .signed_by(&key(KeyType::EcdsaP256), &r, &rk)
            .unwrap();
        assert_eq!(
            run(&[&r], &[&empty], None, rfc()).unwrap_err().reason,
            Reason::ProfileViolation
        );
        let empty_critical = server(&[])
            .subject(DistinguishedName::new())
            .subject_alt_name(Some(SubjectAltName {
                names: alloc::vec![pki::GeneralName::Dns("a.example".into())],
                critical: true,
            }))
            .signed_by(&key(KeyType::EcdsaP256), &r, &rk)
            .unwrap();
        assert!(run(&[&r], &[&empty_critical], Some("a.example"), rfc()).is_ok());
        // Dotted dNSName constraints are malformed under RFC 5280.
        let dotted = ca("Dotted")
            .name_constraints(Some(pki::NameConstraints::new(
                alloc::vec![Subtree::Dns(".example".into())],
                alloc::vec![],
            )))
            .self_signed(&rk2)
            .unwrap();
        let leaf4 = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), &dotted, &rk2)
            .unwrap();
        assert_eq!(
            run(&[&dotted], &[&leaf4], None, rfc()).unwrap_err().reason,
            Reason::UnsupportedNameConstraint
        );
        assert!(run(&[&dotted], &[&leaf4], None, Options::server()).is_ok());
    }

    #[test]
    fn web_pki_subscriber_rules() {
        let web = || Options {
            profile: Profile::WebPki,
            ..Options::server()
        };
        let (r, rk) = root(KeyType::EcdsaP256, "Root");
        let make = |b: CertBuilder| b.signed_by(&key(KeyType::EcdsaP256), &r, &rk).unwrap();
        let reason_of =
            |c: &pki::Certificate| run(&[&r], &[c], None, web()).err().map(|e| e.reason);
        // The CN must copy a SAN exactly.
        let cn_case =
            make(server(&["a.example"]).subject(DistinguishedName::new().common_name("A.example")));
        assert_eq!(reason_of(&cn_case), Some(Reason::ProfileViolation));
        let ip = make(
            CertBuilder::server("2001:db8::1", &[])
                .validity(FROM, UNTIL)
                .add_subject_alt_name(pki::GeneralName::Ip("2001:db8::1".parse().unwrap())),
        );
        assert_eq!(reason_of(&ip), None);
        let ip_long = make(
            CertBuilder::server("2001:0db8::1", &[])
                .validity(FROM, UNTIL)
                .add_subject_alt_name(pki::GeneralName::Ip("2001:db8::1".parse().unwrap())),
        );
        assert_eq!(reason_of(&ip_long), Some(Reason::ProfileViolation));
        // extKeyUsage: present, non-critical, serverAuth, nothing reserved.
        let eku = |purposes: Vec<KeyPurpose>, critical: bool| {
            make(
                server(&["a.example"])
                    .extended_key_usage(Some(ExtendedKeyUsage { purposes, critical })),
            )
        };
        assert_eq!(
            reason_of(&eku(
                alloc::vec![KeyPurpose::ServerAuth, KeyPurpose::ClientAuth],
                false
            )),
            None
        );
        assert_eq!(
            reason_of(&eku(alloc::vec![KeyPurpose::ServerAuth], true)),
            Some(Reason::ExtendedKeyUsageViolation)
        );
        assert_eq!(
            reason_of(&eku(
                alloc::vec![
                    KeyPurpose::ServerAuth,
                    KeyPurpose::Other(alloc::vec![1, 3, 6, 1, 5, 5, 7, 3, 3])
                ],
                false
            )),
            Some(Reason::ExtendedKeyUsageViolation)
        );
        let no_eku = make(server(&["a.example"]).extended_key_usage(None));
        assert_eq!(reason_of(&no_eku), Some(Reason::MissingExtension));
    }

    /// A v2 CRL from `issuer` (signed with `key`) listing `serials`, valid
    /// 2023-12-01..2024-02-01, with `extensions` (DER Extension elements).
    fn crl(
        issuer: &pki::Certificate,
        key: &KeyPair,
        serials: &[&[u8]],
        extensions: &[Vec<u8>],
    ) -> Vec<u8> {
        use pki::der_writer as w;
        let this_update = 1_701_388_800;
        let next_update = 1_706_745_600;
        let alg = key.signature_algorithm_der();
        let entries: Vec<Vec<u8>> = serials
            .iter()
            .map(|s| w::sequence(&[&w::integer_unsigned(s), &w::utc_time(this_update).unwrap()]))
            .collect();
        let entry_refs: Vec<&[u8]> = entries.iter().map(Vec::as_slice).collect();
        let mut fields: Vec<Vec<u8>> = alloc::vec![
            w::integer_u64(1),
            alg.clone(),
            issuer.subject_der().unwrap().to_vec(),
            w::utc_time(this_update).unwrap(),
            w::utc_time(next_update).unwrap(),
        ];
        if !entries.is_empty() {
            fields.push(w::sequence(&entry_refs));
        }
        if !extensions.is_empty() {
            let refs: Vec<&[u8]> = extensions.iter().map(Vec::as_slice).collect();
            fields.push(w::context_constructed(0, &w::sequence(&refs)));
        }
        let field_refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
        let tbs = w::sequence(&field_refs);
        let sig = key.sign(&tbs).unwrap();
        w::sequence(&[&tbs, &alg, &w::bit_string(&sig)])
    }

    /// An issuingDistributionPoint extension (critical).
    fn idp(content: &[&[u8]]) -> Vec<u8> {
        use pki::der_writer as w;
        let value = w::sequence(content);
        w::sequence(&[
            &w::oid(&[2, 5, 29, 28]).unwrap(),
            &w::boolean(true),
            &w::octet_string(&value),
        ])
    }

    #[test]
    fn crl_scope_and_structure() {
        use pki::der_writer as w;
        let Chain {
            root: r,
            root_key: rk,
            inter,
            inter_key: ik,
            leaf,
        } = chain(KeyType::EcdsaP256, "a.example");
        let verify = |crls: Vec<Vec<u8>>| {
            verifier(&[r.der()], Options::server())
                .with_crls(crls)
                .map_err(|e| (e.reason, e.depth))?
                .verify(&[leaf.der(), inter.der()], None, UnixTime(NOW))
                .map(|_| ())
                .map_err(|e| (e.reason, e.depth))
        };
        // Empty CRLs from both CAs.
        assert_eq!(
            verify(alloc::vec![
                crl(&r, &rk, &[], &[]),
                crl(&inter, &ik, &[], &[])
            ]),
            Ok(())
        );
        // The root's CRL is restricted to end-entity certificates: nothing
        // covers the intermediate.
        let user_only = idp(&[&w::context_primitive(1, &[0xff])]);
        assert_eq!(
            verify(alloc::vec![
                crl(&r, &rk, &[], &[user_only]),
                crl(&inter, &ik, &[], &[])
            ]),
            Err((Reason::BadCrl, Some(1)))
        );
        // A CRL signed by another key under the issuer's name.
        assert_eq!(
            verify(alloc::vec![crl(&inter, &key(KeyType::EcdsaP256), &[], &[])]),
            Err((Reason::BadCrl, Some(0)))
        );
        // A serial listed twice.
        assert_eq!(
            verify(alloc::vec![crl(&inter, &ik, &[&[1], &[1]], &[])]),
            Err((Reason::BadCrl, None))
        );
        // A distribution point the leaf does not name.
        let named = idp(&[&w::context_constructed(
            0,
            &w::context_constructed(0, &w::context_primitive(6, b"http://x/crl")),
        )]);
        assert_eq!(
            verify(alloc::vec![crl(&inter, &ik, &[], &[named])]),
            Err((Reason::BadCrl, Some(0)))
        );
    }

    /// A DER Extension element.
    fn extension(arcs: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
        use pki::der_writer as w;
        let oid = w::oid(arcs).unwrap();
        if critical {
            w::sequence(&[&oid, &w::boolean(true), &w::octet_string(value)])
        } else {
            w::sequence(&[&oid, &w::octet_string(value)])
        }
    }

    #[test]
    fn crl_number_required_by_strict_profiles() {
        use pki::der_writer as w;
        let (r, rk) = root(KeyType::EcdsaP256, "Root");
        let leaf = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), &r, &rk)
            .unwrap();
        let verify = |crl: Vec<u8>, profile: Profile| {
            let opts = Options {
                profile,
                ..Options::server()
            };
            verifier(&[r.der()], opts)
                .with_crls(alloc::vec![crl])
                .unwrap()
                .verify(&[leaf.der()], None, UnixTime(NOW))
                .map(|_| ())
                .map_err(|e| e.reason)
        };
        let number = |critical| extension(&[2, 5, 29, 20], critical, &w::integer_u64(7));
        // RFC 5280 §5.2.3: present and non-critical.
        assert_eq!(
            verify(crl(&r, &rk, &[], &[number(false)]), Profile::Rfc5280),
            Ok(())
        );
        assert_eq!(
            verify(crl(&r, &rk, &[], &[]), Profile::Rfc5280),
            Err(Reason::BadCrl)
        );
        assert_eq!(
            verify(crl(&r, &rk, &[], &[number(true)]), Profile::WebPki),
            Err(Reason::BadCrl)
        );
        // The compat profile takes a CRL without a number.
        assert_eq!(verify(crl(&r, &rk, &[], &[]), Profile::Compat), Ok(()));
    }

    #[test]
    fn policy_constraints_must_be_critical() {
        use pki::der_writer as w;
        let (r, rk) = root(KeyType::EcdsaP256, "Root");
        // PolicyConstraints { requireExplicitPolicy [0] 3 }
        let value = w::sequence(&[&w::context_primitive(0, &[3])]);
        let inter = |critical: bool| {
            let ik = key(KeyType::EcdsaP256);
            let c = ca("Inter")
                .raw_extension(&[2, 5, 29, 36], critical, value.clone())
                .signed_by(&ik, &r, &rk)
                .unwrap();
            let leaf = server(&["a.example"])
                .signed_by(&key(KeyType::EcdsaP256), &c, &ik)
                .unwrap();
            (c, leaf)
        };
        let rfc = Options {
            profile: Profile::Rfc5280,
            ..Options::server()
        };
        let (soft, leaf) = inter(false);
        assert_eq!(
            run(&[&r], &[&leaf, &soft], None, rfc.clone())
                .unwrap_err()
                .reason,
            Reason::ProfileViolation
        );
        assert!(run(&[&r], &[&leaf, &soft], None, Options::server()).is_ok());
        let (hard, leaf) = inter(true);
        assert!(run(&[&r], &[&leaf, &hard], None, rfc).is_ok());
    }

    #[test]
    fn issuer_matched_by_normalised_name() {
        // The leaf names its issuer with other bytes for the same name
        // (RFC 5280 §7.1): the anchor is still found and chains; a name
        // that differs after normalisation does not.
        let (r, rk) = root(KeyType::EcdsaP256, "Test Root");
        let other = root(KeyType::EcdsaP256, "Other Root").0;
        let leaf_naming = |issuer: &str| {
            server(&["a.example"])
                .issuer_der(Some(
                    DistinguishedName::new()
                        .common_name(issuer)
                        .to_der()
                        .unwrap(),
                ))
                .signed_by(&key(KeyType::EcdsaP256), &r, &rk)
                .unwrap()
        };
        let leaf = leaf_naming("  TEST   root ");
        assert_ne!(
            Certificate::parse(leaf.der()).unwrap().issuer_der(),
            Certificate::parse(r.der()).unwrap().subject_der()
        );
        let path = run(&[&other, &r], &[&leaf], None, Options::server()).unwrap();
        assert_eq!(path.certificates.len(), 2);
        let leaf = leaf_naming("Test-Root");
        assert_eq!(
            run(&[&other, &r], &[&leaf], None, Options::server())
                .unwrap_err()
                .reason,
            Reason::UnknownIssuer
        );
    }

    #[test]
    fn self_signed_anchor_under_another_name() {
        let rfc = Options {
            profile: Profile::Rfc5280,
            ..Options::server()
        };
        // Signed by its own key, issuer name differing from its subject, no
        // AKI: self-signed, so RFC 5280 §4.2.1.1 lets it omit the AKI.
        let rk = key(KeyType::EcdsaP256);
        let other = DistinguishedName::new().common_name("Someone Else");
        let anchor = ca("Root A")
            .issuer_der(Some(other.to_der().unwrap()))
            .authority_key_identifier(false)
            .self_signed(&rk)
            .unwrap();
        let leaf = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), &anchor, &rk)
            .unwrap();
        assert!(run(&[&anchor], &[&leaf], None, rfc.clone()).is_ok());
        // The same shape signed by another CA's key is not self-signed.
        let (x, xk) = root(KeyType::EcdsaP256, "Someone Else");
        let ak = key(KeyType::EcdsaP256);
        let crossed = ca("Root B")
            .authority_key_identifier(false)
            .signed_by(&ak, &x, &xk)
            .unwrap();
        let leaf = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), &crossed, &ak)
            .unwrap();
        assert_eq!(
            run(&[&crossed], &[&leaf], None, rfc).unwrap_err().reason,
            Reason::MissingExtension
        );
    }

    #[test]
    fn web_pki_ca_rules() {
        use pki::der_writer as w;
        let web = || Options {
            profile: Profile::WebPki,
            ..Options::server()
        };
        let rk = key(KeyType::EcdsaP256);
        let check_root = |b: CertBuilder| {
            let r = b.self_signed(&rk).unwrap();
            let leaf = server(&["a.example"])
                .signed_by(&key(KeyType::EcdsaP256), &r, &rk)
                .unwrap();
            (
                run(&[&r], &[&leaf], None, web()).err().map(|e| e.reason),
                run(&[&r], &[&leaf], None, Options::server())
                    .err()
                    .map(|e| e.reason),
            )
        };
        assert_eq!(check_root(ca("Root")), (None, None));
        // CA/B BR §7.1.2.1: a root has an SKI and no extKeyUsage.
        assert_eq!(
            check_root(ca("Root").subject_key_identifier(false)),
            (Some(Reason::MissingExtension), None)
        );
        assert_eq!(
            check_root(
                ca("Root").extended_key_usage(Some(ExtendedKeyUsage::new(alloc::vec![
                    KeyPurpose::ServerAuth
                ])))
            ),
            (Some(Reason::ExtendedKeyUsageViolation), None)
        );
        // CA/B BR §7.1.2.1.3: a root's AKI keyIdentifier is its SKI.
        let stray_aki = w::sequence(&[&w::context_primitive(0, &[0x42; 20])]);
        assert_eq!(
            check_root(ca("Root").authority_key_identifier(false).raw_extension(
                &[2, 5, 29, 35],
                false,
                stray_aki
            )),
            (Some(Reason::ProfileViolation), None)
        );
        // CA/B BR §7.1.3.1: the subscriber keys we can make all pass.
        let (r, rkey) = root(KeyType::EcdsaP256, "Root");
        for t in [KeyType::EcdsaP384, KeyType::Rsa2048, KeyType::Ed25519] {
            let leaf = server(&["a.example"])
                .signed_by(&key(t), &r, &rkey)
                .unwrap();
            let res = run(&[&r], &[&leaf], None, web());
            assert!(res.is_ok(), "{}: {res:?}", t.name());
        }
    }

    #[test]
    fn web_pki_subscriber_key_types() {
        use super::super::cert::PublicKeyInfo;
        use super::super::path::webpki_key_allowed;
        use pki::der_writer as w;
        let spki = |alg: &[u64], params: Option<Vec<u8>>, key: &[u8]| {
            let oid = w::oid(alg).unwrap();
            let alg = match &params {
                Some(p) => w::sequence(&[&oid, p]),
                None => w::sequence(&[&oid]),
            };
            w::sequence(&[&alg, &w::bit_string(key)])
        };
        let allowed = |der: &[u8]| webpki_key_allowed(&PublicKeyInfo::parse(der).unwrap());
        let ec = [1, 2, 840, 10045, 2, 1];
        let curve = |arcs: &[u64]| Some(w::oid(arcs).unwrap());
        assert!(allowed(&spki(
            &ec,
            curve(&[1, 2, 840, 10045, 3, 1, 7]),
            &[4; 65]
        )));
        assert!(allowed(&spki(&ec, curve(&[1, 3, 132, 0, 34]), &[4; 97])));
        // P-192, and explicit curve parameters.
        assert!(!allowed(&spki(
            &ec,
            curve(&[1, 2, 840, 10045, 3, 1, 1]),
            &[4; 49]
        )));
        assert!(!allowed(&spki(
            &ec,
            Some(w::sequence(&[&w::integer_u64(1)])),
            &[4; 65]
        )));
        // DSA.
        assert!(!allowed(&spki(&[1, 2, 840, 10040, 4, 1], None, &[2, 1, 1])));
        // RSA: a modulus of `bytes` octets, the first one `top`.
        let rsa = |top: u8, bytes: usize| {
            let mut n = alloc::vec![0xc5; bytes];
            n[0] = top;
            n[bytes - 1] = 1;
            let key = w::sequence(&[&w::integer_unsigned(&n), &w::integer_u64(65537)]);
            spki(&[1, 2, 840, 113549, 1, 1, 1], Some(w::null()), &key)
        };
        assert!(!allowed(&rsa(0xc5, 128)));
        assert!(allowed(&rsa(0xc5, 256)));
        // 2052 bits: enough, but not a multiple of 8 (CA/B BR §6.1.5).
        assert!(!allowed(&rsa(0x0c, 257)));
    }

    #[test]
    fn smime_profile() {
        let smime = || Options {
            purpose: Purpose::EmailProtection,
            profile: Profile::WebPki,
            leaf_key_usage: 0,
            ..Options::server()
        };
        let email_protection = || KeyPurpose::Other(alloc::vec![1, 3, 6, 1, 5, 5, 7, 3, 4]);
        let (r, rk) = root(KeyType::EcdsaP256, "Root");
        let leaf_with = |b: CertBuilder| b.signed_by(&key(KeyType::EcdsaP256), &r, &rk).unwrap();
        let mailer = || {
            CertBuilder::client("user")
                .validity(FROM, UNTIL)
                .add_subject_alt_name(pki::GeneralName::Email("user@example.com".into()))
                .key_usage(Some(KeyUsage::new(KeyUsage::KEY_AGREEMENT)))
                .extended_key_usage(Some(ExtendedKeyUsage::new(alloc::vec![email_protection()])))
        };
        let user = ReferenceName::email("user@Example.COM").unwrap();
        let verify = |leaf: &pki::Certificate, names: &[ReferenceName<'_>]| {
            verifier(&[r.der()], smime())
                .verify_names(&[leaf.der()], names, UnixTime(NOW))
                .map(|_| ())
                .map_err(|e| e.reason)
        };
        let good = leaf_with(mailer());
        assert_eq!(verify(&good, &[user]), Ok(()));
        assert_eq!(
            verify(&good, &[ReferenceName::email("other@example.com").unwrap()]),
            Err(Reason::NameMismatch)
        );
        // S/MIME BR §7.1.2.3 (f): no serverAuth beside emailProtection.
        let dual = leaf_with(mailer().extended_key_usage(Some(ExtendedKeyUsage::new(
            alloc::vec![email_protection(), KeyPurpose::ServerAuth],
        ))));
        assert_eq!(
            verify(&dual, &[user]),
            Err(Reason::ExtendedKeyUsageViolation)
        );
        // A TLS client certificate is not for e-mail.
        let tls = leaf_with(
            mailer().extended_key_usage(Some(ExtendedKeyUsage::new(alloc::vec![
                KeyPurpose::ClientAuth
            ]))),
        );
        assert_eq!(
            verify(&tls, &[user]),
            Err(Reason::ExtendedKeyUsageViolation)
        );
        // S/MIME BR §7.1.2.3 (e): keyUsage present.
        let no_ku = leaf_with(mailer().key_usage(None));
        assert_eq!(verify(&no_ku, &[user]), Err(Reason::MissingExtension));
        // S/MIME BR §7.1.2.2 (e): an issuing CA may sign CRLs.
        let ik = key(KeyType::EcdsaP256);
        let no_crl_sign = ca("Inter")
            .key_usage(Some(KeyUsage::new(KeyUsage::KEY_CERT_SIGN)))
            .signed_by(&ik, &r, &rk)
            .unwrap();
        let leaf = mailer()
            .signed_by(&key(KeyType::EcdsaP256), &no_crl_sign, &ik)
            .unwrap();
        assert_eq!(
            verifier(&[r.der()], smime())
                .verify_names(&[leaf.der(), no_crl_sign.der()], &[user], UnixTime(NOW))
                .unwrap_err()
                .reason,
            Reason::KeyUsageViolation
        );
    }

    #[test]
    fn crl_distribution_point_names_are_uris() {
        use pki::der_writer as w;
        let (r, rk) = root(KeyType::EcdsaP256, "Root");
        let uri = w::context_primitive(6, b"http://x/crl");
        let dns = w::context_primitive(2, b"example.com");
        // cRLDistributionPoints naming http://x/crl.
        let cdp = w::sequence(&[&w::sequence(&[&w::context_constructed(
            0,
            &w::context_constructed(0, &uri),
        )])]);
        let leaf = server(&["a.example"])
            .raw_extension(&[2, 5, 29, 31], false, cdp)
            .signed_by(&key(KeyType::EcdsaP256), &r, &rk)
            .unwrap();
        let verify = |full_name: &[&[u8]]| {
            let point = idp(&[&w::context_constructed(
                0,
                &w::context_constructed(0, &full_name.concat()),
            )]);
            verifier(&[r.der()], Options::server())
                .with_crls(alloc::vec![crl(&r, &rk, &[], &[point])])
                .unwrap()
                .verify(&[leaf.der()], None, UnixTime(NOW))
                .map(|_| ())
                .map_err(|e| e.reason)
        };
        assert_eq!(verify(&[&uri]), Ok(()));
        // CA/B BR §7.2.2.1: a dNSName beside the URI spoils the match.
        assert_eq!(verify(&[&uri, &dns]), Err(Reason::BadCrl));
    }

    #[test]
    fn wrong_issuer_key() {
        let (r, rk) = root(KeyType::EcdsaP256, "Root");
        let leaf = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), &r, &key(KeyType::EcdsaP256))
            .unwrap();
        let e = run(&[&r], &[&leaf], None, Options::server()).unwrap_err();
        assert_eq!((e.reason, e.depth), (Reason::BadSignature, Some(0)));
        assert_eq!(e.reason.gnutls_text(), "The certificate is not trusted");
        drop(rk);
    }

    /// Ten keys, all named "CN=Mesh", each certified by every key (100
    /// intermediates), and a leaf under the mesh; no mesh certificate leads
    /// to the trust anchor. Every mesh certificate is a candidate issuer of
    /// every other, so exhaustive search is exponential: the budget must
    /// end it quickly.
    #[test]
    fn pathological_cross_signed_mesh() {
        let (r, _) = root(KeyType::EcdsaP256, "Root");
        let keys: Vec<KeyPair> = (0..10).map(|_| key(KeyType::EcdsaP256)).collect();
        let selfs: Vec<pki::Certificate> = keys
            .iter()
            .map(|k| ca("Mesh").self_signed(k).unwrap())
            .collect();
        let mut mesh = Vec::new();
        for k in &keys {
            for (sk, sc) in keys.iter().zip(&selfs) {
                mesh.push(ca("Mesh").signed_by(k, sc, sk).unwrap());
            }
        }
        assert_eq!(mesh.len(), 100);
        let (k0, s0) = (keys.first().unwrap(), selfs.first().unwrap());
        let leaf = server(&["a.example"])
            .signed_by(&key(KeyType::EcdsaP256), s0, k0)
            .unwrap();
        let mut chain: Vec<&pki::Certificate> = alloc::vec![&leaf];
        chain.extend(mesh.iter());
        let start = std::time::Instant::now();
        let e = run(&[&r], &chain, Some("a.example"), Options::server()).unwrap_err();
        let elapsed = start.elapsed();
        std::eprintln!("pathological mesh decided in {elapsed:?}");
        assert_eq!(e.reason, Reason::BudgetExhausted);
        // With signatures unlimited, the step budget still ends the search.
        let opts = Options {
            budget: Budget {
                signatures: usize::MAX,
                steps: 300,
                ..Budget::default()
            },
            ..Options::server()
        };
        let e = run(&[&r], &chain, None, opts).unwrap_err();
        assert_eq!(e.reason, Reason::BudgetExhausted);
    }
}
