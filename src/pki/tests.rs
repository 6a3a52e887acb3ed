//! End-to-end checks of the test PKI: every key type issues a CA and a leaf
//! that an independent parser (`x509-cert`) reads back field by field, whose
//! signatures verify with aws-lc-rs, and that OpenSSL accepts when it is
//! installed (required when `CI=true`).

use super::*;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use aws_lc_rs::signature::{self as sig, UnparsedPublicKey, VerificationAlgorithm};
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix as xpkix;
use x509_cert::ext::pkix::name::GeneralName as XName;

/// Fixed validity used by most tests: 2024-01-01T00:00:00Z .. 2049-12-31T23:59:59Z.
const NOT_BEFORE: i64 = 1_704_067_200;
const NOT_AFTER: i64 = 2_524_607_999;

fn parse(cert: &Certificate) -> x509_cert::Certificate {
    let parsed = x509_cert::Certificate::from_der(cert.der()).unwrap();
    // Re-encoding gives the same bytes: our output is canonical DER.
    assert_eq!(parsed.to_der().unwrap(), cert.der());
    parsed
}

fn cn(name: &x509_cert::name::Name) -> String {
    name.common_name().unwrap().unwrap().value().to_string()
}

fn verification_alg(
    alg: SignatureAlgorithm,
    issuer: KeyType,
) -> &'static dyn VerificationAlgorithm {
    match (alg, issuer) {
        (SignatureAlgorithm::EcdsaSha256, _) => &sig::ECDSA_P256_SHA256_ASN1,
        (SignatureAlgorithm::EcdsaSha384, _) => &sig::ECDSA_P384_SHA384_ASN1,
        (SignatureAlgorithm::EcdsaSha512, _) => &sig::ECDSA_P521_SHA512_ASN1,
        (SignatureAlgorithm::Ed25519, _) => &sig::ED25519,
        (SignatureAlgorithm::RsaPkcs1Sha256, _) => &sig::RSA_PKCS1_2048_8192_SHA256,
        (SignatureAlgorithm::RsaPssSha256, _) => &sig::RSA_PSS_2048_8192_SHA256,
        (SignatureAlgorithm::MlDsa44, _) => &sig::ML_DSA_44,
        (SignatureAlgorithm::MlDsa65, _) => &sig::ML_DSA_65,
        (SignatureAlgorithm::MlDsa87, _) => &sig::ML_DSA_87,
    }
}

/// Verifies `cert`'s signature with the public key re-parsed from
/// `issuer`'s DER, over the TBS bytes re-encoded by x509-cert.
fn verify_signature(
    cert: &Certificate,
    issuer: &Certificate,
    alg: SignatureAlgorithm,
    issuer_type: KeyType,
) {
    let parsed = parse(cert);
    let issuer_parsed = parse(issuer);
    let tbs = parsed.tbs_certificate().to_der().unwrap();
    assert_eq!(tbs, cert.tbs_der().unwrap());
    let spki = issuer_parsed.tbs_certificate().subject_public_key_info();
    let public_key = spki.subject_public_key.as_bytes().unwrap();
    let signature = parsed.signature().as_bytes().unwrap();
    let alg = verification_alg(alg, issuer_type);
    UnparsedPublicKey::new(alg, public_key)
        .verify(&tbs, signature)
        .unwrap();
    // And a flipped TBS bit does not verify.
    let mut bad = tbs.clone();
    if let Some(b) = bad.last_mut() {
        *b ^= 1;
    }
    assert!(
        UnparsedPublicKey::new(alg, public_key)
            .verify(&bad, signature)
            .is_err()
    );
}

fn ext_critical(cert: &x509_cert::Certificate, oid: &str) -> Option<bool> {
    let oid = x509_cert::der::oid::ObjectIdentifier::new(oid).unwrap();
    let mut found = cert
        .tbs_certificate()
        .extensions()?
        .iter()
        .filter(|e| e.extn_id == oid);
    let first = found.next().map(|e| e.critical);
    assert!(found.next().is_none(), "duplicate {oid}");
    first
}

// --- OpenSSL ----------------------------------------------------------------

fn openssl_available() -> bool {
    let found = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        // CI must exercise these checks: a missing openssl is a failure there.
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "openssl is required when CI=true"
        );
        std::eprintln!("openssl not found: skipping the OpenSSL cross-checks");
    }
    found
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(std::format!("qtls-pki-{}-{tag}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn openssl(args: &[&str], paths: &[&Path]) -> (bool, String) {
    let mut cmd = Command::new("openssl");
    cmd.args(args);
    cmd.args(paths);
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

fn openssl_knows_ml_dsa() -> bool {
    openssl(&["list", "-signature-algorithms"], &[])
        .1
        .to_lowercase()
        .contains("ml-dsa")
}

// --- Per key type --------------------------------------------------------------

fn ca_and_leaf(key_type: KeyType) -> (KeyPair, Certificate, KeyPair, Certificate) {
    let ca_key = KeyPair::generate(key_type).unwrap();
    let ca = CertBuilder::ca(&std::format!("{} CA", key_type.name()))
        .validity(NOT_BEFORE, NOT_AFTER)
        .self_signed(&ca_key)
        .unwrap();
    let leaf_key = KeyPair::generate(key_type).unwrap();
    let leaf = CertBuilder::server("leaf", &["localhost", "example.test"])
        .add_subject_alt_name(GeneralName::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST)))
        .validity(NOT_BEFORE, NOT_AFTER)
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();
    (ca_key, ca, leaf_key, leaf)
}

fn check_key_type(key_type: KeyType, use_openssl: bool) {
    let (ca_key, ca, leaf_key, leaf) = ca_and_leaf(key_type);
    let alg = key_type.default_signature_algorithm();

    // Structure, as read by x509-cert.
    let p_ca = parse(&ca);
    let p_leaf = parse(&leaf);
    assert_eq!(
        cn(p_ca.tbs_certificate().subject()),
        std::format!("{} CA", key_type.name())
    );
    assert_eq!(
        p_ca.tbs_certificate().issuer(),
        p_ca.tbs_certificate().subject()
    );
    assert_eq!(
        p_leaf.tbs_certificate().issuer(),
        p_ca.tbs_certificate().subject()
    );
    assert_eq!(cn(p_leaf.tbs_certificate().subject()), "leaf");
    assert_eq!(p_leaf.tbs_certificate().version(), x509_cert::Version::V3);
    assert_eq!(
        p_leaf
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .unwrap(),
        leaf_key.spki_der()
    );
    let sig_alg = alg.algorithm_identifier_der();
    assert_eq!(p_leaf.signature_algorithm().to_der().unwrap(), sig_alg);
    assert_eq!(
        p_leaf.tbs_certificate().signature().to_der().unwrap(),
        sig_alg
    );
    let serial = p_leaf.tbs_certificate().serial_number().as_bytes();
    assert_eq!(serial.len(), 16);
    assert_eq!(serial[0] & 0xc0, 0x40);
    assert_ne!(
        p_ca.tbs_certificate().serial_number(),
        p_leaf.tbs_certificate().serial_number()
    );

    // Key identifiers chain.
    let (_, ski) = p_ca
        .tbs_certificate()
        .get_extension::<xpkix::SubjectKeyIdentifier>()
        .unwrap()
        .unwrap();
    assert_eq!(ski.0.as_bytes(), ca_key.key_identifier());
    assert_eq!(
        ca.subject_key_identifier().unwrap(),
        Some(ca_key.key_identifier().as_slice())
    );
    let (aki_critical, aki) = p_leaf
        .tbs_certificate()
        .get_extension::<xpkix::AuthorityKeyIdentifier>()
        .unwrap()
        .unwrap();
    assert!(!aki_critical);
    assert_eq!(
        aki.key_identifier.unwrap().as_bytes(),
        ca_key.key_identifier()
    );

    // Signatures, checked with aws-lc-rs against the re-parsed public keys.
    verify_signature(&ca, &ca, alg, key_type);
    verify_signature(&leaf, &ca, alg, key_type);

    if !use_openssl {
        return;
    }
    let dir = TempDir::new(key_type.name());
    let ca_pem = dir.write("ca.pem", &ca.to_pem());
    let leaf_pem = dir.write("leaf.pem", &leaf.to_pem());
    let key_pem = dir.write("leaf.key", &leaf_key.private_key_pem());
    let is_ml_dsa = matches!(
        key_type,
        KeyType::MlDsa44 | KeyType::MlDsa65 | KeyType::MlDsa87
    );
    let (ok, text) = openssl(&["x509", "-noout", "-text", "-in"], &[&leaf_pem]);
    assert!(ok, "{key_type:?}: {text}");
    assert!(
        text.contains("DNS:localhost, DNS:example.test, IP Address:127.0.0.1"),
        "{text}"
    );
    assert!(
        text.contains("Not After : Dec 31 23:59:59 2049 GMT"),
        "{text}"
    );
    if is_ml_dsa && !openssl_knows_ml_dsa() {
        // OpenSSL 3.0 parses the certificate but cannot verify ML-DSA;
        // the aws-lc-rs check above covers the signature.
        return;
    }
    let (ok, text) = openssl(
        &["verify", "-no-CApath", "-no-CAstore", "-CAfile"],
        &[&ca_pem, &leaf_pem],
    );
    assert!(ok && text.contains(": OK"), "{key_type:?}: {text}");
    // OpenSSL reads the PKCS#8 key and finds it matches the certificate.
    let (ok, text) = openssl(&["x509", "-noout", "-pubkey", "-in"], &[&leaf_pem]);
    assert!(ok, "{text}");
    let (ok, text2) = openssl(&["pkey", "-pubout", "-in"], &[&key_pem]);
    assert!(ok, "{key_type:?}: {text2}");
    assert_eq!(text, text2);
}

#[test]
fn every_key_type_issues_verifiable_certificates() {
    let use_openssl = openssl_available();
    for key_type in KeyType::ALL {
        check_key_type(key_type, use_openssl);
    }
}

#[test]
fn rsa_key_with_pss_signatures() {
    let use_openssl = openssl_available();
    let ca_key = KeyPair::generate(KeyType::Rsa2048)
        .unwrap()
        .with_signature_algorithm(SignatureAlgorithm::RsaPssSha256)
        .unwrap();
    let ca = CertBuilder::ca("pss CA").self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate(KeyType::EcdsaP256).unwrap();
    let leaf = CertBuilder::client("client")
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();
    let p = parse(&leaf);
    assert_eq!(
        p.signature_algorithm().to_der().unwrap(),
        SignatureAlgorithm::RsaPssSha256.algorithm_identifier_der()
    );
    verify_signature(
        &leaf,
        &ca,
        SignatureAlgorithm::RsaPssSha256,
        KeyType::Rsa2048,
    );
    let (critical, eku) = p
        .tbs_certificate()
        .get_extension::<xpkix::ExtendedKeyUsage>()
        .unwrap()
        .unwrap();
    assert!(!critical);
    assert_eq!(
        eku.0,
        vec![x509_cert::der::oid::db::rfc5280::ID_KP_CLIENT_AUTH]
    );
    if use_openssl {
        let dir = TempDir::new("pss");
        let ca_pem = dir.write("ca.pem", &ca.to_pem());
        let leaf_pem = dir.write("leaf.pem", &leaf.to_pem());
        let (ok, text) = openssl(&["x509", "-noout", "-text", "-in"], &[&leaf_pem]);
        assert!(
            ok && text.contains("Salt Length: 0x20")
                && text.contains("Mask Algorithm: mgf1 with sha256"),
            "{text}"
        );
        let (ok, text) = openssl(
            &["verify", "-no-CApath", "-no-CAstore", "-CAfile"],
            &[&ca_pem, &leaf_pem],
        );
        assert!(ok && text.contains(": OK"), "{text}");
    }
}

#[test]
fn mixed_chain_for_the_demo() {
    // The `qtls demo` shape: an ECDSA CA issuing an ML-DSA-65 server certificate.
    let ca_key = KeyPair::generate(KeyType::EcdsaP384).unwrap();
    let ca = CertBuilder::ca("demo CA").self_signed(&ca_key).unwrap();
    let key = KeyPair::generate(KeyType::MlDsa65).unwrap();
    let leaf = CertBuilder::server("demo", &["localhost"])
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    verify_signature(
        &leaf,
        &ca,
        SignatureAlgorithm::EcdsaSha384,
        KeyType::EcdsaP384,
    );
    let p = parse(&leaf);
    let spki = p.tbs_certificate().subject_public_key_info();
    assert_eq!(spki.algorithm.oid.to_string(), "2.16.840.1.101.3.4.3.18");
    assert!(spki.algorithm.parameters.is_none());
    assert_eq!(spki.subject_public_key.as_bytes().unwrap().len(), 1952);
    // Default validity: an hour back, a year ahead.
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let v = p.tbs_certificate().validity();
    let nb = i64::try_from(v.not_before.to_unix_duration().as_secs()).unwrap();
    let na = i64::try_from(v.not_after.to_unix_duration().as_secs()).unwrap();
    assert!(
        (now - 3600 - 60..=now - 3600).contains(&nb),
        "{nb} vs {now}"
    );
    assert!((now + 365 * 86_400 - 60..=now + 365 * 86_400).contains(&na));
}

#[test]
fn every_field_round_trips_through_x509_cert() {
    let ca_key = KeyPair::generate(KeyType::Ed25519).unwrap();
    let key = KeyPair::generate(KeyType::EcdsaP256).unwrap();
    let subject = DistinguishedName::new()
        .country("GB")
        .organization("Acme Ltd")
        .organizational_unit("Lab \u{e9}")
        .common_name("sink");
    let ip6 = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
    let unknown_oid: &[u64] = &[1, 3, 6, 1, 4, 1, 55_555, 1];
    let builder = CertBuilder::new()
        .subject(subject)
        .serial(&[0x00, 0x01, 0x02, 0xff])
        // 2050-01-01T00:00:00Z to 2100-01-01T00:00:00Z: both GeneralizedTime.
        .validity(2_524_608_000, 4_102_444_800)
        .basic_constraints(Some(BasicConstraints {
            ca: true,
            path_len: Some(2),
            critical: false,
        }))
        .key_usage(Some(KeyUsage {
            bits: KeyUsage::DIGITAL_SIGNATURE | KeyUsage::KEY_CERT_SIGN | KeyUsage::DECIPHER_ONLY,
            critical: true,
        }))
        .extended_key_usage(Some(ExtendedKeyUsage {
            purposes: vec![
                KeyPurpose::ServerAuth,
                KeyPurpose::ClientAuth,
                KeyPurpose::Any,
                KeyPurpose::Other(vec![1, 3, 6, 1, 5, 5, 7, 3, 3]),
            ],
            critical: true,
        }))
        .subject_alt_name(Some(SubjectAltName {
            names: vec![
                GeneralName::Dns("a.example".into()),
                GeneralName::Ip(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))),
                GeneralName::Ip(IpAddr::V6(ip6)),
                GeneralName::Email("user@example.com".into()),
                GeneralName::Uri("https://example.com/x".into()),
                GeneralName::DirectoryName(DistinguishedName::new().common_name("dir")),
            ],
            critical: true,
        }))
        .name_constraints(Some(NameConstraints {
            permitted: vec![
                Subtree::Dns("example.com".into()),
                Subtree::Ip {
                    addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0)),
                    prefix_len: 8,
                },
                Subtree::DirectoryName(DistinguishedName::new().organization("Acme Ltd")),
            ],
            excluded: vec![
                Subtree::Dns("bad.example.com".into()),
                Subtree::Ip {
                    addr: IpAddr::V6(ip6),
                    prefix_len: 64,
                },
                Subtree::Email("example.org".into()),
            ],
            critical: true,
        }))
        .raw_extension(unknown_oid, true, vec![0x05, 0x00]);
    let ca = CertBuilder::ca("root").self_signed(&ca_key).unwrap();
    let cert = builder.signed_by(&key, &ca, &ca_key).unwrap();
    let p = parse(&cert);
    let tbs = p.tbs_certificate();

    assert_eq!(tbs.serial_number().as_bytes(), [0x01, 0x02, 0xff]);
    assert_eq!(cn(tbs.subject()), "sink");
    assert_eq!(tbs.subject().country().unwrap().unwrap().as_str(), "GB");
    assert_eq!(
        tbs.subject().organization().unwrap().unwrap().value(),
        "Acme Ltd"
    );
    assert_eq!(
        tbs.subject().organization_unit().unwrap().unwrap().value(),
        "Lab \u{e9}"
    );
    assert_eq!(
        tbs.subject().to_string(),
        "CN=sink,OU=Lab \u{e9},O=Acme Ltd,C=GB"
    );
    assert_eq!(tbs.issuer().to_string(), "CN=root");

    let v = tbs.validity();
    assert!(matches!(
        v.not_before,
        x509_cert::time::Time::GeneralTime(_)
    ));
    assert!(matches!(v.not_after, x509_cert::time::Time::GeneralTime(_)));
    assert_eq!(v.not_before.to_unix_duration().as_secs(), 2_524_608_000);
    assert_eq!(v.not_after.to_unix_duration().as_secs(), 4_102_444_800);

    let (crit, bc) = tbs
        .get_extension::<xpkix::BasicConstraints>()
        .unwrap()
        .unwrap();
    assert!(!crit && bc.ca);
    assert_eq!(bc.path_len_constraint, Some(2));
    let (crit, ku) = tbs.get_extension::<xpkix::KeyUsage>().unwrap().unwrap();
    assert!(crit);
    assert_eq!(
        ku.0.bits(),
        KeyUsage::DIGITAL_SIGNATURE | KeyUsage::KEY_CERT_SIGN | KeyUsage::DECIPHER_ONLY
    );
    let (crit, eku) = tbs
        .get_extension::<xpkix::ExtendedKeyUsage>()
        .unwrap()
        .unwrap();
    assert!(crit);
    let eku: Vec<String> = eku.0.iter().map(|o| o.to_string()).collect();
    assert_eq!(
        eku,
        [
            "1.3.6.1.5.5.7.3.1",
            "1.3.6.1.5.5.7.3.2",
            "2.5.29.37.0",
            "1.3.6.1.5.5.7.3.3"
        ]
    );

    let (crit, san) = tbs
        .get_extension::<xpkix::SubjectAltName>()
        .unwrap()
        .unwrap();
    assert!(crit);
    assert_eq!(san.0.len(), 6);
    assert!(matches!(&san.0[0], XName::DnsName(s) if s.as_str() == "a.example"));
    assert!(matches!(&san.0[1], XName::IpAddress(o) if o.as_bytes() == [192, 0, 2, 1]));
    assert!(matches!(&san.0[2], XName::IpAddress(o) if o.as_bytes() == ip6.octets()));
    assert!(matches!(&san.0[3], XName::Rfc822Name(s) if s.as_str() == "user@example.com"));
    assert!(
        matches!(&san.0[4], XName::UniformResourceIdentifier(s) if s.as_str() == "https://example.com/x")
    );
    assert!(matches!(&san.0[5], XName::DirectoryName(n) if n.to_string() == "CN=dir"));

    let (crit, nc) = tbs
        .get_extension::<xpkix::NameConstraints>()
        .unwrap()
        .unwrap();
    assert!(crit);
    let permitted = nc.permitted_subtrees.unwrap();
    assert_eq!(permitted.len(), 3);
    assert!(matches!(&permitted[0].base, XName::DnsName(s) if s.as_str() == "example.com"));
    assert!(
        matches!(&permitted[1].base, XName::IpAddress(o) if o.as_bytes() == [10, 0, 0, 0, 255, 0, 0, 0])
    );
    assert!(matches!(&permitted[2].base, XName::DirectoryName(n) if n.to_string() == "O=Acme Ltd"));
    assert!(
        permitted
            .iter()
            .all(|s| s.minimum == 0 && s.maximum.is_none())
    );
    let excluded = nc.excluded_subtrees.unwrap();
    assert_eq!(excluded.len(), 3);
    let mut v6 = ip6.octets().to_vec();
    v6.extend_from_slice(&[0xff; 8]);
    v6.extend_from_slice(&[0; 8]);
    assert!(matches!(&excluded[1].base, XName::IpAddress(o) if o.as_bytes() == v6.as_slice()));
    assert!(matches!(&excluded[2].base, XName::Rfc822Name(s) if s.as_str() == "example.org"));

    assert_eq!(ext_critical(&p, "1.3.6.1.4.1.55555.1"), Some(true));
    let raw = tbs.extensions().unwrap().last().unwrap();
    assert_eq!(raw.extn_value.as_bytes(), [0x05, 0x00]);
    assert_eq!(ext_critical(&p, "2.5.29.14"), Some(false));
    assert_eq!(ext_critical(&p, "2.5.29.35"), Some(false));
    assert_eq!(tbs.extensions().unwrap().len(), 8);

    if openssl_available() {
        let dir = TempDir::new("sink");
        let path = dir.write("sink.pem", &cert.to_pem());
        let (ok, text) = openssl(&["x509", "-noout", "-text", "-in"], &[&path]);
        assert!(ok, "{text}");
        assert!(
            text.contains("Not Before: Jan  1 00:00:00 2050 GMT"),
            "{text}"
        );
        assert!(
            text.contains("Permitted:") && text.contains("IP:10.0.0.0/255.0.0.0"),
            "{text}"
        );
        assert!(text.contains("1.3.6.1.4.1.55555.1: critical"), "{text}");
    }
}

#[test]
fn extensions_can_be_omitted() {
    let key = KeyPair::generate(KeyType::EcdsaP256).unwrap();
    let bare = CertBuilder::new()
        .subject_key_identifier(false)
        .authority_key_identifier(false)
        .validity(NOT_BEFORE, NOT_AFTER)
        .self_signed(&key)
        .unwrap();
    let p = parse(&bare);
    assert!(p.tbs_certificate().extensions().is_none());
    assert!(p.tbs_certificate().subject().is_empty());
    assert_eq!(bare.subject_key_identifier().unwrap(), None);

    let ca = CertBuilder::ca("no-bc")
        .basic_constraints(None)
        .key_usage(None)
        .self_signed(&key)
        .unwrap();
    let p = parse(&ca);
    assert_eq!(ext_critical(&p, "2.5.29.19"), None);
    assert_eq!(ext_critical(&p, "2.5.29.15"), None);
    assert_eq!(ext_critical(&p, "2.5.29.14"), Some(false));

    let server = CertBuilder::server("s", &[]).self_signed(&key).unwrap();
    let p = parse(&server);
    assert_eq!(ext_critical(&p, "2.5.29.17"), None);
    assert_eq!(ext_critical(&p, "2.5.29.37"), Some(false));
    assert_eq!(ext_critical(&p, "2.5.29.19"), Some(true));

    // A v1 certificate: the version field disappears.
    let v1 = CertBuilder::ca("v1")
        .version(Version::V1)
        .basic_constraints(None)
        .key_usage(None)
        .subject_key_identifier(false)
        .authority_key_identifier(false)
        .self_signed(&key)
        .unwrap();
    assert_eq!(
        parse(&v1).tbs_certificate().version(),
        x509_cert::Version::V1
    );
}

#[test]
fn crafted_certificates() {
    let ca_key = KeyPair::generate(KeyType::EcdsaP256).unwrap();
    let ca = CertBuilder::ca("CA").self_signed(&ca_key).unwrap();
    let key = KeyPair::generate(KeyType::EcdsaP256).unwrap();

    // Expired: valid only in 2001.
    let expired = CertBuilder::server("old", &["old.test"])
        .validity(978_307_200, 1_009_843_199)
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    let p = parse(&expired);
    assert_eq!(
        p.tbs_certificate()
            .validity()
            .not_after
            .to_unix_duration()
            .as_secs(),
        1_009_843_199
    );
    assert!(matches!(
        p.tbs_certificate().validity().not_after,
        x509_cert::time::Time::UtcTime(_)
    ));

    // Wrong key usage on a CA, and an explicit issuer-name mismatch.
    let odd = CertBuilder::ca("sub")
        .key_usage(Some(KeyUsage::new(KeyUsage::DIGITAL_SIGNATURE)))
        .issuer_der(Some(
            DistinguishedName::new()
                .common_name("someone else")
                .to_der()
                .unwrap(),
        ))
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    let p = parse(&odd);
    assert_eq!(p.tbs_certificate().issuer().to_string(), "CN=someone else");
    let (_, ku) = p
        .tbs_certificate()
        .get_extension::<xpkix::KeyUsage>()
        .unwrap()
        .unwrap();
    assert_eq!(ku.0.bits(), KeyUsage::DIGITAL_SIGNATURE);

    // Signed by a key other than the issuer's: parses, but does not verify.
    let other = KeyPair::generate(KeyType::EcdsaP256).unwrap();
    let forged = CertBuilder::client("f")
        .signed_by(&key, &ca, &other)
        .unwrap();
    let p = parse(&forged);
    let tbs = p.tbs_certificate().to_der().unwrap();
    let ca_spki = parse(&ca)
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .as_bytes()
        .unwrap()
        .to_vec();
    assert!(
        UnparsedPublicKey::new(&sig::ECDSA_P256_SHA256_ASN1, &ca_spki)
            .verify(&tbs, p.signature().as_bytes().unwrap())
            .is_err()
    );

    // A duplicate basicConstraints through the raw escape hatch.
    let dup = CertBuilder::ca("dup")
        .raw_extension(&[2, 5, 29, 19], true, vec![0x30, 0x00])
        .self_signed(&ca_key)
        .unwrap();
    let p = x509_cert::Certificate::from_der(dup.der()).unwrap();
    assert!(
        p.tbs_certificate()
            .get_extension::<xpkix::BasicConstraints>()
            .is_err()
    );

    // Errors surface instead of panicking.
    assert_eq!(
        CertBuilder::new()
            .raw_extension(&[7, 1], false, vec![])
            .self_signed(&key),
        Err(PkiError::InvalidOid)
    );
    assert_eq!(
        CertBuilder::new()
            .validity(0, 253_402_300_800)
            .self_signed(&key),
        Err(PkiError::TimeOutOfRange)
    );
    assert_eq!(
        CertBuilder::new()
            .add_subject_alt_name(GeneralName::Dns("b\u{fc}cher.example".into()))
            .self_signed(&key),
        Err(PkiError::InvalidString)
    );
}

#[test]
fn pem_round_trip_of_a_chain() {
    let key = KeyPair::generate(KeyType::Ed25519).unwrap();
    let ca = CertBuilder::ca("A").self_signed(&key).unwrap();
    let leaf = CertBuilder::client("B").signed_by(&key, &ca, &key).unwrap();
    let text = leaf.to_pem() + &ca.to_pem() + &key.private_key_pem();
    let blocks = crate::pem::decode_all(&text).unwrap();
    let labels: Vec<&str> = blocks.iter().map(|b| b.0.as_str()).collect();
    assert_eq!(labels, ["CERTIFICATE", "CERTIFICATE", "PRIVATE KEY"]);
    assert_eq!(blocks[0].1.as_slice(), leaf.der());
    assert_eq!(blocks[1].1.as_slice(), ca.der());
    assert_eq!(blocks[2].1.as_slice(), key.pkcs8_der());
    // x509-cert's own PEM chain reader agrees.
    let chain = x509_cert::Certificate::load_pem_chain(
        text.split("-----BEGIN PRIVATE").next().unwrap().as_bytes(),
    )
    .unwrap();
    assert_eq!(chain.len(), 2);
}

#[test]
fn pre_1950_validity_uses_generalized_time() {
    // x509-cert cannot represent times before 1970, so check the bytes and
    // let OpenSSL read them back.
    let key = KeyPair::generate(KeyType::EcdsaP256).unwrap();
    let cert = CertBuilder::new()
        .validity(-631_152_001, -631_152_000)
        .self_signed(&key)
        .unwrap();
    let validity = [
        &[0x30, 0x20, 0x18, 0x0f][..],
        b"19491231235959Z",
        &[0x17, 0x0d],
        b"500101000000Z",
    ]
    .concat();
    assert_eq!(
        cert.der()
            .windows(validity.len())
            .filter(|w| *w == validity.as_slice())
            .count(),
        1
    );
    if openssl_available() {
        let dir = TempDir::new("old");
        let path = dir.write("old.pem", &cert.to_pem());
        let (ok, text) = openssl(&["x509", "-noout", "-dates", "-in"], &[&path]);
        assert!(ok, "{text}");
        assert_eq!(
            text,
            "notBefore=Dec 31 23:59:59 1949 GMT\nnotAfter=Jan  1 00:00:00 1950 GMT\n"
        );
    }
}
