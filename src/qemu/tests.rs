//! Credential-directory tests: every message of reference §1.3, §1.4 and
//! §1.6, built on throw-away PKIs from `src/pki`.

use super::creds::*;
use super::*;
use crate::pki::{
    BasicConstraints, CertBuilder, Certificate, ExtendedKeyUsage, KeyPair, KeyPurpose, KeyType,
    KeyUsage,
};
use crate::provider::CryptoProvider;
use crate::provider::aws_lc::AwsLcProvider;
use crate::time::UnixTime;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use std::path::PathBuf;

const DAY: i64 = 86_400;

fn provider() -> Arc<dyn CryptoProvider> {
    Arc::new(AwsLcProvider::new())
}

fn now() -> UnixTime {
    UnixTime::now()
}

fn now_i() -> i64 {
    i64::try_from(now().0).unwrap()
}

pub(crate) struct Dir(pub(crate) PathBuf);

impl Dir {
    pub(crate) fn new(tag: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(alloc::format!(
            "qtls-creds-{tag}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
    pub(crate) fn s(&self) -> String {
        self.0.to_str().unwrap().to_string()
    }
    pub(crate) fn write(&self, name: &str, data: &[u8]) {
        std::fs::write(self.0.join(name), data).unwrap();
    }
    fn remove(&self, name: &str) {
        std::fs::remove_file(self.0.join(name)).unwrap();
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A CA and helpers to issue into a directory.
pub(crate) struct Pki {
    pub(crate) ca_key: KeyPair,
    pub(crate) ca: Certificate,
}

impl Pki {
    pub(crate) fn new(kt: KeyType) -> Self {
        Self::named(kt, "qtls test CA")
    }
    pub(crate) fn named(kt: KeyType, cn: &str) -> Self {
        let ca_key = KeyPair::generate(kt).unwrap();
        let ca = CertBuilder::ca(cn).self_signed(&ca_key).unwrap();
        Self { ca_key, ca }
    }
    pub(crate) fn issue(&self, b: &CertBuilder, kt: KeyType) -> (Certificate, KeyPair) {
        let key = KeyPair::generate(kt).unwrap();
        (b.signed_by(&key, &self.ca, &self.ca_key).unwrap(), key)
    }
    /// Writes ca-cert.pem and the given identity (cert chain, key) files.
    pub(crate) fn write_ca(&self, d: &Dir) {
        d.write("ca-cert.pem", self.ca.to_pem().as_bytes());
    }
}

pub(crate) fn write_identity(
    d: &Dir,
    cert_name: &str,
    key_name: &str,
    chain: &[&Certificate],
    key: &KeyPair,
) {
    let pem: String = chain.iter().map(|c| c.to_pem()).collect();
    d.write(cert_name, pem.as_bytes());
    d.write(key_name, key.private_key_pem().as_bytes());
}

fn server_builder() -> CertBuilder {
    CertBuilder::server("server", &["localhost"])
}

/// A good server directory: ca-cert.pem, server-cert.pem, server-key.pem.
fn good_server(pki: &Pki) -> Dir {
    let d = Dir::new("srv");
    pki.write_ca(&d);
    let (c, k) = pki.issue(&server_builder(), KeyType::EcdsaP256);
    write_identity(&d, "server-cert.pem", "server-key.pem", &[&c], &k);
    d
}

fn load(d: &str, ep: Endpoint) -> Result<X509Creds> {
    X509Creds::load(&X509Options::new(d, ep), &Objects::new(), provider(), now())
}

fn load_err(d: &str, ep: Endpoint) -> String {
    load(d, ep).unwrap_err().message().to_string()
}

#[test]
fn loads_a_good_directory() {
    let pki = Pki::new(KeyType::EcdsaP256);
    let d = good_server(&pki);
    let c = load(&d.s(), Endpoint::Server).unwrap();
    assert_eq!(c.identities.len(), 1);
    assert_eq!(
        c.identities[0].cert_path,
        alloc::format!("{}/server-cert.pem", d.s())
    );
    assert_eq!(c.ca_certs.len(), 1);
    assert!(c.warnings.is_empty());
    // A client endpoint ignores server files and may have no identity.
    let c = load(&d.s(), Endpoint::Client).unwrap();
    assert!(c.identities.is_empty());
}

#[test]
fn load_messages_1_3() {
    let pki = Pki::new(KeyType::EcdsaP256);
    let mut o = X509Options::new("/x", Endpoint::Server);
    o.dir = None;
    assert_eq!(
        X509Creds::load(&o, &Objects::new(), provider(), now())
            .unwrap_err()
            .message(),
        "Missing 'dir' property value"
    );
    let d = Dir::new("m");
    let ds = d.s();
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!("Unable to access credentials {ds}/ca-cert.pem: No such file or directory")
    );
    // Any access error other than ENOENT is fatal, also for optional files.
    d.write("plainfile", b"");
    assert_eq!(
        load_err(&alloc::format!("{ds}/plainfile"), Endpoint::Server),
        alloc::format!("Unable to access credentials {ds}/plainfile/ca-cert.pem: Not a directory")
    );
    std::fs::create_dir(d.0.join("ca-cert.pem")).unwrap();
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!(
            "Cannot load CA cert list {ds}/ca-cert.pem: Error reading file “{ds}/ca-cert.pem”: Is a directory"
        )
    );
    std::fs::remove_dir(d.0.join("ca-cert.pem")).unwrap();
    d.write("ca-cert.pem", b"");
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!("Unable to import certificate {ds}/ca-cert.pem: No certificate was found.")
    );
    d.write(
        "ca-cert.pem",
        b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
    );
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!("Unable to import certificate {ds}/ca-cert.pem: Base64 decoding error.")
    );
    d.write(
        "ca-cert.pem",
        crate::pem::encode("CERTIFICATE", b"\x30\x03\x02\x01\x01").as_bytes(),
    );
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!(
            "Unable to import certificate {ds}/ca-cert.pem: ASN1 parser: Error in DER parsing."
        )
    );
    pki.write_ca(&d);
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!("Missing server cert '{ds}/server-cert.pem' & key '{ds}/server-key.pem'")
    );
    let (c, k) = pki.issue(&server_builder(), KeyType::EcdsaP256);
    d.write("server-cert.pem", c.to_pem().as_bytes());
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!(
            "Cert '{ds}/server-cert.pem' without corresponding key '{ds}/server-key.pem'"
        )
    );
    d.remove("server-cert.pem");
    d.write("server-key.pem", k.private_key_pem().as_bytes());
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!(
            "Key '{ds}/server-key.pem' without corresponding cert '{ds}/server-cert.pem'"
        )
    );
    d.write("server-cert.pem", b"");
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!(
            "Unable to import certificate {ds}/server-cert.pem: No certificate was found."
        )
    );
    d.write("server-cert.pem", c.to_pem().as_bytes());
    d.write("server-key.pem", b"not a key");
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!("Unable to import private key {ds}/server-key.pem")
    );
    d.remove("server-key.pem");
    std::fs::create_dir(d.0.join("server-key.pem")).unwrap();
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!(
            "Cannot load private key {ds}/server-key.pem: Error reading file “{ds}/server-key.pem”: Is a directory"
        )
    );
    std::fs::remove_dir(d.0.join("server-key.pem")).unwrap();
    let other = KeyPair::generate(KeyType::EcdsaP256).unwrap();
    d.write("server-key.pem", other.private_key_pem().as_bytes());
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!(
            "Cannot set certificate '{ds}/server-cert.pem' & key '{ds}/server-key.pem': The certificate and the given key do not match."
        )
    );
    d.write("server-key.pem", k.private_key_pem().as_bytes());
    assert!(load(&ds, Endpoint::Server).is_ok());
}

#[test]
fn indexed_identities_load_in_order_and_stop_at_first_gap() {
    let pki = Pki::new(KeyType::EcdsaP256);
    let d = Dir::new("idx");
    let ds = d.s();
    pki.write_ca(&d);
    let mut ids = Vec::new();
    for i in 0..5 {
        let (c, k) = pki.issue(
            &CertBuilder::server(&alloc::format!("s{i}"), &["localhost"]),
            KeyType::EcdsaP256,
        );
        ids.push((c, k));
    }
    // No default pair: indexed identities alone are enough for a server.
    write_identity(
        &d,
        "server-cert-0.pem",
        "server-key-0.pem",
        &[&ids[0].0],
        &ids[0].1,
    );
    write_identity(
        &d,
        "server-cert-1.pem",
        "server-key-1.pem",
        &[&ids[1].0],
        &ids[1].1,
    );
    // Index 3 after a gap at 2 is never looked at, even when broken.
    d.write("server-cert-3.pem", b"garbage");
    let c = load(&ds, Endpoint::Server).unwrap();
    let paths: Vec<&str> = c.identities.iter().map(|i| i.cert_path.as_str()).collect();
    assert_eq!(
        paths,
        [
            alloc::format!("{ds}/server-cert-0.pem"),
            alloc::format!("{ds}/server-cert-1.pem")
        ]
    );
    // The default pair comes first; the four indexes follow.
    write_identity(
        &d,
        "server-cert.pem",
        "server-key.pem",
        &[&ids[4].0],
        &ids[4].1,
    );
    write_identity(
        &d,
        "server-cert-2.pem",
        "server-key-2.pem",
        &[&ids[2].0],
        &ids[2].1,
    );
    write_identity(
        &d,
        "server-cert-3.pem",
        "server-key-3.pem",
        &[&ids[3].0],
        &ids[3].1,
    );
    write_identity(
        &d,
        "server-cert-4.pem",
        "server-key-4.pem",
        &[&ids[3].0],
        &ids[3].1,
    );
    let c = load(&ds, Endpoint::Server).unwrap();
    assert_eq!(c.identities.len(), 5);
    assert_eq!(
        c.identities[0].cert_path,
        alloc::format!("{ds}/server-cert.pem")
    );
    assert_eq!(
        c.identities[4].cert_path,
        alloc::format!("{ds}/server-cert-3.pem")
    );
    // A half pair at an index is an error.
    d.remove("server-key-1.pem");
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!(
            "Cert '{ds}/server-cert-1.pem' without corresponding key '{ds}/server-key-1.pem'"
        )
    );
}

#[test]
fn client_directory_and_hybrid_identities() {
    let ec = Pki::new(KeyType::EcdsaP256);
    let pq = Pki::new(KeyType::MlDsa65);
    let d = Dir::new("hyb");
    let ds = d.s();
    let both = alloc::format!("{}{}", pq.ca.to_pem(), ec.ca.to_pem());
    d.write("ca-cert.pem", both.as_bytes());
    let (pc, pk) = pq.issue(&CertBuilder::client("client"), KeyType::MlDsa65);
    let (ecc, eck) = ec.issue(&CertBuilder::client("client"), KeyType::EcdsaP256);
    write_identity(&d, "client-cert.pem", "client-key.pem", &[&pc], &pk);
    write_identity(&d, "client-cert-0.pem", "client-key-0.pem", &[&ecc], &eck);
    let c = load(&ds, Endpoint::Client).unwrap();
    assert_eq!(c.ca_certs.len(), 2);
    let ids = c.handshake_identities();
    assert_eq!(ids.len(), 2);
    use crate::codec::enums::SignatureScheme as S;
    assert_eq!(ids[0].key.schemes(), &[S::MLDSA65]);
    assert_eq!(ids[1].key.schemes(), &[S::ECDSA_SECP256R1_SHA256]);
    // A peer without ML-DSA gets the ECDSA identity; a PQ peer the first.
    let classic = [S::ECDSA_SECP256R1_SHA256, S::RSA_PSS_RSAE_SHA256];
    let pick = |peer: &[S]| {
        ids.iter()
            .position(|i| i.compatible_scheme(peer, peer, peer).is_some())
    };
    assert_eq!(pick(&classic), Some(1));
    assert_eq!(pick(&[S::MLDSA65, S::ECDSA_SECP256R1_SHA256]), Some(0));
}

#[test]
fn dh_params_and_crl() {
    let pki = Pki::new(KeyType::EcdsaP256);
    let d = good_server(&pki);
    let ds = d.s();
    // A real PKCS#3 shape: SEQUENCE { INTEGER p, INTEGER g }.
    let dh = crate::pem::encode(
        "DH PARAMETERS",
        &[0x30, 0x06, 0x02, 0x01, 0x17, 0x02, 0x01, 0x02],
    );
    d.write("dh-params.pem", dh.as_bytes());
    let c = load(&ds, Endpoint::Server).unwrap();
    assert_eq!(
        c.warnings,
        [alloc::format!(
            "Use of an external DH parameters file '{ds}/dh-params.pem' is deprecated and will be removed in a future release"
        )]
    );
    // Clients never look at dh-params.pem.
    assert!(load(&ds, Endpoint::Client).unwrap().warnings.is_empty());
    d.write("dh-params.pem", b"nothing here");
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!(
            "Unable to load DH parameters from {ds}/dh-params.pem: Base64 unexpected header error."
        )
    );
    d.remove("dh-params.pem");
    d.write(
        "ca-crl.pem",
        crate::pem::encode("X509 CRL", b"\x30\x00").as_bytes(),
    );
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!("Cannot load CRL '{ds}/ca-crl.pem': ASN1 parser: Error in DER parsing.")
    );
    // Clients never read the CRL.
    assert!(load(&ds, Endpoint::Client).is_ok());
}

#[test]
fn passwordid_opens_encrypted_keys() {
    let pki = Pki::new(KeyType::EcdsaP256);
    let d = good_server(&pki);
    let ds = d.s();
    let mut o = X509Options::new(&ds, Endpoint::Server);
    o.passwordid = Some("pw".into());
    let objects = Objects::new();
    assert_eq!(
        X509Creds::load(&o, &objects, provider(), now())
            .unwrap_err()
            .message(),
        "No secret with id 'pw'"
    );
    objects
        .add("pw", Object::Secret(secret::Secret::from_bytes(&[0xff])))
        .unwrap();
    assert_eq!(
        X509Creds::load(&o, &objects, provider(), now())
            .unwrap_err()
            .message(),
        "Data from secret pw is not valid UTF-8"
    );
    // An unencrypted key still loads with a password set (GnuTLS ignores it).
    objects.replace("pw", Object::Secret(secret::Secret::from_bytes(b"sekrit")));
    assert!(X509Creds::load(&o, &objects, provider(), now()).is_ok());
    // Encrypt the key with openssl when it is installed.
    let key_path = d.0.join("server-key.pem");
    let Ok(out) = std::process::Command::new("openssl")
        .args([
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-passout",
            "pass:sekrit",
            "-in",
        ])
        .arg(&key_path)
        .output()
    else {
        return;
    };
    assert!(out.status.success());
    d.write("server-key.pem", &out.stdout);
    assert!(X509Creds::load(&o, &objects, provider(), now()).is_ok());
    objects.replace("pw", Object::Secret(secret::Secret::from_bytes(b"wrong")));
    assert_eq!(
        X509Creds::load(&o, &objects, provider(), now())
            .unwrap_err()
            .message(),
        alloc::format!("Unable to import private key {ds}/server-key.pem")
    );
    // No password at all: the same single message.
    assert_eq!(
        load_err(&ds, Endpoint::Server),
        alloc::format!("Unable to import private key {ds}/server-key.pem")
    );
}

/// Loads a server (or client) directory whose identity is `chain` (leaf
/// first, issued under `pki`) and returns the first sanity message.
fn sanity_err(pki: &Pki, chain: &[&Certificate], key: &KeyPair, ep: Endpoint) -> (String, String) {
    let d = Dir::new("san");
    pki.write_ca(&d);
    let (c, k) = (
        alloc::format!("{}-cert.pem", ep.role()),
        alloc::format!("{}-key.pem", ep.role()),
    );
    write_identity(&d, &c, &k, chain, key);
    let e = load_err(&d.s(), ep);
    // With sanity-check off the same directory loads.
    let mut o = X509Options::new(&d.s(), ep);
    o.sanity_check = false;
    assert!(
        X509Creds::load(&o, &Objects::new(), provider(), now()).is_ok(),
        "{e}"
    );
    (e, d.s())
}

#[test]
fn sanity_rows_step_a() {
    let pki = Pki::new(KeyType::EcdsaP256);
    let t = now_i();
    let ek = KeyType::EcdsaP256;
    // A1: expired leaf, server and client wording.
    let (c, k) = pki.issue(&server_builder().validity(t - 10 * DAY, t - DAY), ek);
    let (e, d) = sanity_err(&pki, &[&c], &k, Endpoint::Server);
    assert_eq!(
        e,
        alloc::format!("The server certificate {d}/server-cert.pem has expired")
    );
    let (c, k) = pki.issue(
        &CertBuilder::client("c").validity(t - 10 * DAY, t - DAY),
        ek,
    );
    let (e, d) = sanity_err(&pki, &[&c], &k, Endpoint::Client);
    assert_eq!(
        e,
        alloc::format!("The client certificate {d}/client-cert.pem has expired")
    );
    // A2: not yet active.
    let (c, k) = pki.issue(&server_builder().validity(t + DAY, t + 10 * DAY), ek);
    let (e, d) = sanity_err(&pki, &[&c], &k, Endpoint::Server);
    assert_eq!(
        e,
        alloc::format!("The server certificate {d}/server-cert.pem is not yet active")
    );
    let (c, k) = pki.issue(
        &CertBuilder::client("c").validity(t + DAY, t + 10 * DAY),
        ek,
    );
    let (e, d) = sanity_err(&pki, &[&c], &k, Endpoint::Client);
    assert_eq!(
        e,
        alloc::format!("The client certificate {d}/client-cert.pem is not yet active")
    );
    // A3: a leaf that says CA.
    let (c, k) = pki.issue(
        &server_builder().basic_constraints(Some(BasicConstraints::ca(None))),
        ek,
    );
    let (e, d) = sanity_err(&pki, &[&c], &k, Endpoint::Server);
    assert_eq!(
        e,
        alloc::format!(
            "The certificate {d}/server-cert.pem basic constraints show a CA, but we need one for a server"
        )
    );
    let (c, k) = pki.issue(
        &CertBuilder::client("c").basic_constraints(Some(BasicConstraints::ca(None))),
        ek,
    );
    let (e, d) = sanity_err(&pki, &[&c], &k, Endpoint::Client);
    assert_eq!(
        e,
        alloc::format!(
            "The certificate {d}/client-cert.pem basic constraints show a CA, but we need one for a client"
        )
    );
    // A8: critical keyUsage without digitalSignature; non-critical is accepted.
    let ku = KeyUsage::new(KeyUsage::KEY_ENCIPHERMENT);
    let (c, k) = pki.issue(&server_builder().key_usage(Some(ku)), ek);
    let (e, d) = sanity_err(&pki, &[&c], &k, Endpoint::Server);
    assert_eq!(
        e,
        alloc::format!("Certificate {d}/server-cert.pem usage does not permit digital signature")
    );
    // A10 / A11: critical EKU without the purpose; anyExtendedKeyUsage is enough.
    let eku = |p: Vec<KeyPurpose>, critical| {
        Some(ExtendedKeyUsage {
            purposes: p,
            critical,
        })
    };
    let (c, k) = pki.issue(
        &server_builder().extended_key_usage(eku(vec![KeyPurpose::ClientAuth], true)),
        ek,
    );
    let (e, d) = sanity_err(&pki, &[&c], &k, Endpoint::Server);
    assert_eq!(
        e,
        alloc::format!(
            "Certificate {d}/server-cert.pem purpose does not allow use with a TLS server"
        )
    );
    let (c, k) = pki.issue(
        &CertBuilder::client("c").extended_key_usage(eku(vec![KeyPurpose::ServerAuth], true)),
        ek,
    );
    let (e, d) = sanity_err(&pki, &[&c], &k, Endpoint::Client);
    assert_eq!(
        e,
        alloc::format!(
            "Certificate {d}/client-cert.pem purpose does not allow use with a TLS client"
        )
    );
    // Accepted silently: non-critical violations, anyExtendedKeyUsage, no EKU.
    for b in [
        server_builder().key_usage(Some(KeyUsage {
            bits: KeyUsage::KEY_ENCIPHERMENT,
            critical: false,
        })),
        server_builder().extended_key_usage(eku(vec![KeyPurpose::ClientAuth], false)),
        server_builder().extended_key_usage(eku(vec![KeyPurpose::Any], true)),
        server_builder().extended_key_usage(None).key_usage(None),
    ] {
        let d = Dir::new("ok");
        pki.write_ca(&d);
        let (c, k) = pki.issue(&b, ek);
        write_identity(&d, "server-cert.pem", "server-key.pem", &[&c], &k);
        load(&d.s(), Endpoint::Server).unwrap();
    }
}

#[test]
fn sanity_rows_ca_certificates() {
    let root = Pki::new(KeyType::EcdsaP256);
    let t = now_i();
    let ek = KeyType::EcdsaP256;
    // An intermediate in the cert file is checked as a CA under the cert file's name.
    let inter_with = |b: CertBuilder| {
        let ikey = KeyPair::generate(ek).unwrap();
        let icert = b.signed_by(&ikey, &root.ca, &root.ca_key).unwrap();
        let sub = Pki {
            ca_key: ikey,
            ca: icert,
        };
        let (c, k) = sub.issue(&server_builder(), ek);
        (sub, c, k)
    };
    let ca = || CertBuilder::ca("intermediate");
    let cases: Vec<(CertBuilder, &str)> = vec![
        (
            ca().validity(t - 10 * DAY, t - DAY),
            "The CA certificate {f} has expired",
        ),
        (
            ca().validity(t + DAY, t + 10 * DAY),
            "The CA certificate {f} is not yet active",
        ),
        (
            ca().basic_constraints(Some(BasicConstraints::end_entity())),
            "The certificate {f} basic constraints do not show a CA",
        ),
        (
            ca().basic_constraints(None),
            "The certificate {f} is missing basic constraints for a CA",
        ),
        (
            ca().key_usage(Some(KeyUsage::new(KeyUsage::DIGITAL_SIGNATURE))),
            "Certificate {f} usage does not permit certificate signing",
        ),
    ];
    for (b, want) in cases {
        let (sub, c, k) = inter_with(b);
        let (e, d) = sanity_err(&root, &[&c, &sub.ca], &k, Endpoint::Server);
        assert_eq!(
            e,
            want.replace("{f}", &alloc::format!("{d}/server-cert.pem"))
        );
    }
    // The same problems in ca-cert.pem carry its name (step C).
    let bad_root_key = KeyPair::generate(ek).unwrap();
    let bad_root = CertBuilder::ca("old root")
        .validity(t - 10 * DAY, t - DAY)
        .self_signed(&bad_root_key)
        .unwrap();
    let old = Pki {
        ca_key: bad_root_key,
        ca: bad_root,
    };
    let (c, k) = old.issue(&server_builder(), ek);
    let d = Dir::new("oldca");
    old.write_ca(&d);
    write_identity(&d, "server-cert.pem", "server-key.pem", &[&c], &k);
    assert_eq!(
        load_err(&d.s(), Endpoint::Server),
        alloc::format!("The CA certificate {}/ca-cert.pem has expired", d.s())
    );
}

#[test]
fn sanity_steps_b_c_d() {
    let pki = Pki::new(KeyType::EcdsaP256);
    let other = Pki::new(KeyType::EcdsaP256);
    let ek = KeyType::EcdsaP256;
    // B: the second certificate did not issue the first.
    let stranger_key = KeyPair::generate(ek).unwrap();
    let stranger = CertBuilder::ca("Stranger")
        .signed_by(&stranger_key, &pki.ca, &pki.ca_key)
        .unwrap();
    let (c, k) = pki.issue(&server_builder(), ek);
    let (e, _) = sanity_err(&pki, &[&c, &stranger], &k, Endpoint::Server);
    assert_eq!(
        e,
        "Cert 'CN=Stranger' does not match issuer of cert 'CN=server'"
    );
    // C: the issuer is not in ca-cert.pem.
    let foreign = CertBuilder::ca("Elsewhere CA")
        .self_signed(&other.ca_key)
        .unwrap();
    let elsewhere = Pki {
        ca_key: other.ca_key,
        ca: foreign,
    };
    let (c, k) = elsewhere.issue(&server_builder(), ek);
    let (e, _) = sanity_err(&pki, &[&c], &k, Endpoint::Server);
    assert_eq!(e, "Cert 'CN=server' has no issuer in CA chain");
    // D: right issuer name, wrong key: the signature fails.
    let impostor = Pki {
        ca_key: KeyPair::generate(ek).unwrap(),
        ca: pki.ca.clone(),
    };
    let (c, k) = impostor.issue(&server_builder().authority_key_identifier(false), ek);
    let (e, d) = sanity_err(&pki, &[&c], &k, Endpoint::Server);
    assert_eq!(
        e,
        alloc::format!(
            "Our own certificate {d}/server-cert.pem failed validation against {d}/ca-cert.pem: The certificate is not trusted"
        )
    );
}

#[test]
fn problems_carry_fixes_and_all_are_listed() {
    let pki = Pki::new(KeyType::EcdsaP256);
    let eku = Some(ExtendedKeyUsage {
        purposes: vec![KeyPurpose::ClientAuth],
        critical: true,
    });
    let (c, k) = pki.issue(
        &server_builder()
            .extended_key_usage(eku)
            .key_usage(Some(KeyUsage::new(KeyUsage::KEY_ENCIPHERMENT))),
        KeyType::EcdsaP256,
    );
    let d = Dir::new("rep");
    pki.write_ca(&d);
    write_identity(&d, "server-cert.pem", "server-key.pem", &[&c], &k);
    let creds = X509Creds::load_for_report(
        &X509Options::new(&d.s(), Endpoint::Server),
        &Objects::new(),
        provider(),
    )
    .unwrap();
    let report = creds.sanity_report(now());
    let kinds: Vec<sanity::ProblemKind> = report[0].1.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            sanity::ProblemKind::NoDigitalSignature,
            sanity::ProblemKind::NoServerPurpose
        ]
    );
    assert_eq!(
        kinds[1].fix(),
        "add `tls_www_server` to the certtool template"
    );
}

#[test]
fn reload_keeps_previous_credentials_on_failure() {
    let pki = Pki::new(KeyType::EcdsaP256);
    let d = good_server(&pki);
    let objects = Objects::new();
    let h = X509CredsHandle::new(
        X509Options::new(&d.s(), Endpoint::Server),
        &objects,
        provider(),
        now(),
    )
    .unwrap();
    let before = h.current();
    d.write("server-key.pem", b"broken");
    assert_eq!(
        h.reload(&objects, now()).unwrap_err().message(),
        alloc::format!("Unable to import private key {}/server-key.pem", d.s())
    );
    assert!(Arc::ptr_eq(&before, &h.current()));
    let (c, k) = pki.issue(
        &CertBuilder::server("renewed", &["localhost"]),
        KeyType::Ed25519,
    );
    write_identity(&d, "server-cert.pem", "server-key.pem", &[&c], &k);
    h.reload(&objects, now()).unwrap();
    assert!(!Arc::ptr_eq(&before, &h.current()));
    // The old snapshot is untouched for sessions still using it.
    assert_eq!(before.identities[0].key.schemes().len(), 1);
}

#[test]
fn psk_messages_1_6() {
    let d = Dir::new("psk");
    let ds = d.s();
    let opts = |ep, user: Option<&str>| PskOptions {
        dir: Some(ds.clone()),
        endpoint: ep,
        username: user.map(Into::into),
        priority: None,
    };
    let mut o = opts(Endpoint::Server, None);
    o.dir = None;
    assert_eq!(
        PskCreds::load(&o).unwrap_err().message(),
        "Missing 'dir' property value"
    );
    assert_eq!(
        PskCreds::load(&opts(Endpoint::Server, Some("bob")))
            .unwrap_err()
            .message(),
        "username should not be set when endpoint=server"
    );
    assert_eq!(
        PskCreds::load(&opts(Endpoint::Server, None))
            .unwrap_err()
            .message(),
        alloc::format!("Unable to access credentials {ds}/keys.psk: No such file or directory")
    );
    assert_eq!(
        PskCreds::load(&opts(Endpoint::Client, None))
            .unwrap_err()
            .message(),
        alloc::format!("Unable to access credentials {ds}/keys.psk: No such file or directory")
    );
    d.write("keys.psk", b"alice:0102030405\n");
    assert!(matches!(
        PskCreds::load(&opts(Endpoint::Server, None)).unwrap(),
        PskCreds::Server { .. }
    ));
    assert_eq!(
        PskCreds::load(&opts(Endpoint::Client, None))
            .unwrap_err()
            .message(),
        alloc::format!("Username qemu not found in PSK file {ds}/keys.psk")
    );
    assert_eq!(
        PskCreds::load(&opts(Endpoint::Server, None))
            .unwrap()
            .reload()
            .unwrap_err()
            .message(),
        "tls-creds-psk does not support reloading credentials"
    );
    match PskCreds::load(&opts(Endpoint::Client, Some("alice"))).unwrap() {
        PskCreds::Client { psk, .. } => assert_eq!(psk.key.as_slice(), &[1, 2, 3, 4, 5]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn certtool_directories_from_pki_sh() {
    // interop/pki.sh output, when a run left it in QTLS_PKI_DIR.
    let Ok(root) = std::env::var("QTLS_PKI_DIR") else {
        return;
    };
    for (dir, ep, n) in [
        ("qemu", Endpoint::Server, 1),
        ("qemu", Endpoint::Client, 1),
        ("qemu-hybrid", Endpoint::Server, 2),
        ("qemu-hybrid", Endpoint::Client, 2),
    ] {
        let c = load(&alloc::format!("{root}/{dir}"), ep).unwrap();
        assert_eq!(c.identities.len(), n, "{dir} {ep:?}");
    }
}
