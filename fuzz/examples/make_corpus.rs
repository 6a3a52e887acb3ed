//! Writes the seed corpora under `fuzz/corpus/<target>/` from qtls's own
//! code: in-memory handshakes of every configuration shape (fuzzer-mode
//! provider, so the recorded bytes replay exactly in the `client` and
//! `server` targets), the real GnuTLS/OpenSSL captures and RFC 8448
//! messages of `src/codec/testdata`, certificates of every key type from
//! the test PKI, and `qtls kat` requests.
//!
//! Run from the repository root (it needs `--cfg fuzzing` like every
//! fuzz build, and its own target directory so the fuzz build's flags stay
//! untouched):
//!
//! ```text
//! RUSTFLAGS='--cfg fuzzing' cargo run --manifest-path fuzz/Cargo.toml \
//!     --example make_corpus --target-dir fuzz/target/corpus-gen
//! ```

use qtls::Side;
use qtls::codec::enums::{ContentType, HandshakeType};
use qtls::pem;
use qtls::pki::{CertBuilder, KeyPair, KeyType};
use qtls_fuzz::{
    Outcome, Pair, SHAPE_ALPN, SHAPE_CLIENT_AUTH, SHAPE_COOKIE, SHAPE_HRR, SHAPE_NO_COMPAT,
    SHAPE_PSK, SHAPE_PSK_KE_OR_REQUIRE, SHAPE_RECORD_LIMIT, Setup, client, client_chain, drive,
    null_open, null_seal, record, server, server_chain, split_records,
};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Writes one corpus entry, unless the target already has these bytes.
fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = root().join("corpus").join(target);
    fs::create_dir_all(&dir).expect("corpus directory");
    let duplicate = fs::read_dir(&dir)
        .expect("corpus directory")
        .filter_map(Result::ok)
        .any(|e| e.file_name() != name && fs::read(e.path()).is_ok_and(|b| b == bytes));
    if !duplicate {
        fs::write(dir.join(name), bytes).expect("corpus file");
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The shapes recorded for the handshake targets, with a name each.
fn shapes() -> Vec<(&'static str, Setup)> {
    let s = |shape, suite, chunk| Setup {
        shape,
        suite,
        chunk,
    };
    vec![
        ("default", s(0, 0, 0)),
        ("aes128gcm", s(0, 1, 0)),
        ("chacha", s(0, 3, 0)),
        ("ccm", s(0, 4, 0)),
        ("ccm8-chunked", s(0, 5, 7)),
        ("psk-dhe", s(SHAPE_PSK, 1, 0)),
        ("psk-ke", s(SHAPE_PSK | SHAPE_PSK_KE_OR_REQUIRE, 1, 0)),
        ("psk-hrr", s(SHAPE_PSK | SHAPE_HRR, 1, 0)),
        ("client-auth", s(SHAPE_CLIENT_AUTH, 1, 0)),
        ("client-auth-required", s(SHAPE_PSK_KE_OR_REQUIRE, 1, 0)),
        ("hrr", s(SHAPE_HRR, 1, 0)),
        (
            "hrr-cookie-nocompat",
            s(SHAPE_HRR | SHAPE_COOKIE | SHAPE_NO_COMPAT, 2, 0),
        ),
        (
            "alpn-limit-auth",
            s(SHAPE_ALPN | SHAPE_RECORD_LIMIT | SHAPE_CLIENT_AUTH, 1, 0),
        ),
    ]
}

/// One handshake of `setup` and a little traffic after it.
fn record_pair(setup: &Setup) -> Pair {
    let mut p = Pair::new(setup).expect("shape configures");
    p.handshake().expect("shape handshakes");
    p.server.write(b"hello from the server").expect("write");
    p.transfer(Side::Server).expect("transfer");
    assert_eq!(
        p.read(Side::Client).expect("read"),
        b"hello from the server"
    );
    p.client.key_update(true).expect("key update");
    p.client.write(b"hello from the client").expect("write");
    p.transfer(Side::Client).expect("transfer");
    assert_eq!(
        p.read(Side::Server).expect("read"),
        b"hello from the client"
    );
    p.transfer(Side::Server).expect("transfer");
    assert_eq!(p.read(Side::Client).expect("read"), b"");
    let _ = p.server.bye().expect("bye");
    p.transfer(Side::Server).expect("transfer");
    p.read(Side::Client).expect("read");
    assert!(p.client.peer_closed());
    p
}

/// The handshake messages in a recorded stream (null AEAD: readable).
fn handshake_messages(stream: &[u8]) -> Vec<Vec<u8>> {
    let mut data = Vec::new();
    for r in split_records(stream) {
        match r.typ {
            ContentType::HANDSHAKE => data.extend_from_slice(&r.payload),
            ContentType::APPLICATION_DATA => {
                if let Some((ContentType::HANDSHAKE, body)) = null_open(&r.payload) {
                    data.extend_from_slice(body);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut rest = &data[..];
    while rest.len() >= 4 {
        let len = usize::from(rest[1]) << 16 | usize::from(rest[2]) << 8 | usize::from(rest[3]);
        let (m, r) = rest.split_at(4 + len);
        out.push(m.to_vec());
        rest = r;
    }
    out
}

fn handshakes() {
    for (name, setup) in shapes() {
        let p = record_pair(&setup);
        let mut client_input = setup.header().to_vec();
        client_input.extend_from_slice(&p.s2c);
        write("client", name, &client_input);
        let mut server_input = setup.header().to_vec();
        server_input.extend_from_slice(&p.c2s);
        write("server", name, &server_input);
        // The recordings must replay to a completed handshake in the targets.
        let chunk = usize::from(setup.chunk);
        let (mut c, _) = client(&setup).expect("client");
        let replay = drive(&mut c, &p.s2c, chunk, &mut Vec::new());
        assert_eq!(replay, Outcome::Complete, "{name}: the client replays");
        let (mut s, _) = server(&setup).expect("server");
        let replay = drive(&mut s, &p.c2s, chunk, &mut Vec::new());
        assert_eq!(replay, Outcome::Complete, "{name}: the server replays");
        if matches!(name, "default" | "psk-hrr" | "client-auth" | "ccm8-chunked") {
            write(
                "deframer",
                &format!("{name}-s2c"),
                &[[1].as_slice(), &p.s2c].concat(),
            );
            write(
                "deframer",
                &format!("{name}-c2s"),
                &[[0].as_slice(), &p.c2s].concat(),
            );
        }
        for (dir, stream) in [("s2c", &p.s2c), ("c2s", &p.c2s)] {
            for m in handshake_messages(stream) {
                let typ = HandshakeType(m[0]);
                let label = typ.name().unwrap_or("unknown").replace(' ', "_");
                let file = format!("{name}-{dir}-{label}");
                write("handshake_message", &file, &[[0].as_slice(), &m].concat());
            }
        }
    }
}

/// ClientHellos and ServerHellos captured from GnuTLS and OpenSSL, and the
/// RFC 8448 messages.
fn captures() {
    let testdata = root().join("../src/codec/testdata");
    let real = fs::read_to_string(testdata.join("real_handshakes.txt")).expect("captures");
    for line in real
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (name, hexstr) = line.split_once(' ').expect("name hex");
        let msg = unhex(hexstr.trim());
        write("handshake_message", name, &[[0].as_slice(), &msg].concat());
        let rec = record(ContentType::HANDSHAKE, &msg);
        write("deframer", name, &[[0].as_slice(), &rec].concat());
        let target = if name.starts_with("ch_") {
            "server"
        } else {
            "client"
        };
        write(target, name, &[[0, 0, 0].as_slice(), &rec].concat());
    }
    let rfc = fs::read_to_string(testdata.join("rfc8448_messages.txt")).expect("RFC 8448");
    for (i, line) in rfc
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .enumerate()
    {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [section, sender, label, hexstr] = parts[..] else {
            continue;
        };
        if label == "ClientHello_prefix" {
            continue;
        }
        let name = format!("rfc8448-{i:02}-s{section}-{sender}-{label}");
        write(
            "handshake_message",
            &name,
            &[[0].as_slice(), &unhex(hexstr)].concat(),
        );
    }
}

/// Certificates of every key type the test PKI makes, as DER and PEM.
fn certificates() {
    let types = [
        (KeyType::EcdsaP256, "ecdsa-p256"),
        (KeyType::EcdsaP384, "ecdsa-p384"),
        (KeyType::EcdsaP521, "ecdsa-p521"),
        (KeyType::Ed25519, "ed25519"),
        (KeyType::Rsa2048, "rsa2048"),
        (KeyType::RsaPss2048, "rsa-pss"),
        (KeyType::MlDsa44, "mldsa44"),
        (KeyType::MlDsa65, "mldsa65"),
    ];
    let mut bundle = String::from("Explanatory text before the first block is ignored.\n");
    for (kt, name) in types {
        let key = KeyPair::generate(kt).expect("key");
        let cert = CertBuilder::server("localhost", &["localhost", "qemu.example.org"])
            .serial(&[7])
            .validity(1_700_000_000, 2_000_000_000)
            .self_signed(&key)
            .expect("certificate");
        write("x509_summarize", name, cert.der());
        if matches!(name, "ecdsa-p256" | "rsa2048" | "mldsa44") {
            bundle.push_str(&cert.to_pem());
        }
        if name == "ecdsa-p256" {
            write("pem", "private-key", key.private_key_pem().as_bytes());
        }
    }
    for (i, der) in server_chain()
        .chain
        .iter()
        .chain(&client_chain().chain)
        .enumerate()
    {
        write("x509_summarize", &format!("fixed-chain-{i}"), der);
    }
    write("pem", "bundle", bundle.as_bytes());
    let chain: String = server_chain()
        .chain
        .iter()
        .map(|d| pem::encode("CERTIFICATE", d))
        .collect();
    write("pem", "chain", chain.as_bytes());
    write(
        "pem",
        "crl-crlf",
        pem::encode("X509 CRL", &[0x30, 0x03, 0x02, 0x01, 0x01])
            .replace('\n', "\r\n")
            .as_bytes(),
    );
}

/// `qtls kat` request lines, one per op.
fn kat_requests() {
    let (ek, _dk) = qtls::provider::aws_lc::mlkem_kat::keygen(
        qtls::provider::aws_lc::mlkem_kat::MlKemLevel::MlKem768,
        &[7u8; 64],
    );
    // P-256 base point as a peer public key.
    let p256_g = "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";
    // RFC 8032 §7.1 test 1.
    let ed_pub = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    let ed_sig = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    let rsa_spki = hex(&spki_of(&server_rsa_cert()));
    let requests = [
        ("hash", r#"{"op":"hash","hash":"SHA-256","data":"616263"}"#.to_string()),
        (
            "hmac",
            r#"{"op":"hmac","hash":"SHA-384","key":"0b0b","data":"4869"}"#.to_string(),
        ),
        (
            "hkdf",
            r#"{"op":"hkdf","hash":"SHA-256","salt":"00","ikm":"0b0b0b","info":"f0f1","len":42}"#
                .to_string(),
        ),
        (
            "hkdf_extract",
            r#"{"op":"hkdf_extract","hash":"SHA-512","salt":"","ikm":"0b0b"}"#.to_string(),
        ),
        (
            "hkdf_expand_label",
            r#"{"op":"hkdf_expand_label","hash":"SHA-256","secret":"00112233","label":"key","context":"","len":16}"#
                .to_string(),
        ),
        (
            "aead_seal",
            r#"{"op":"aead_seal","alg":"AES-128-GCM","key":"000102030405060708090a0b0c0d0e0f","nonce":"000000000000000000000001","aad":"17030300","pt":"68656c6c6f"}"#
                .to_string(),
        ),
        (
            "aead_seal_ccm8",
            r#"{"op":"aead_seal","alg":"AES-128-CCM-8","key":"000102030405060708090a0b0c0d0e0f","nonce":"000000000000000000000001","aad":"","pt":"00"}"#
                .to_string(),
        ),
        (
            "aead_open",
            r#"{"op":"aead_open","alg":"CHACHA20-POLY1305","key":"0000000000000000000000000000000000000000000000000000000000000000","nonce":"000000000000000000000000","aad":"","ct":"00000000000000000000000000000000"}"#
                .to_string(),
        ),
        (
            "x25519",
            r#"{"op":"x25519","scalar":"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4","u":"e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"}"#
                .to_string(),
        ),
        (
            "ecdh",
            format!(
                r#"{{"op":"ecdh","curve":"P-256","private":"{}","public":"{p256_g}"}}"#,
                "01".repeat(32)
            ),
        ),
        (
            "ecdsa_verify",
            format!(
                r#"{{"op":"ecdsa_verify","curve":"P-256","hash":"SHA-256","encoding":"der","public":"{p256_g}","msg":"00","sig":"3006020101020101"}}"#
            ),
        ),
        (
            "rsa_pss_verify",
            format!(
                r#"{{"op":"rsa_pss_verify","hash":"SHA-256","mgf_hash":"SHA-256","salt_len":32,"spki":"{rsa_spki}","msg":"00","sig":"00"}}"#
            ),
        ),
        (
            "rsa_pkcs1_verify",
            format!(
                r#"{{"op":"rsa_pkcs1_verify","hash":"SHA-256","spki":"{rsa_spki}","msg":"00","sig":"00"}}"#
            ),
        ),
        (
            "ed25519_verify",
            format!(r#"{{"op":"ed25519_verify","public":"{ed_pub}","msg":"","sig":"{ed_sig}"}}"#),
        ),
        (
            "mlkem_keygen",
            format!(
                r#"{{"op":"mlkem_keygen","param":"ML-KEM-768","seed":"{}"}}"#,
                "07".repeat(64)
            ),
        ),
        (
            "mlkem_encaps",
            format!(
                r#"{{"op":"mlkem_encaps","param":"ML-KEM-768","ek":"{}","m":"{}"}}"#,
                hex(&ek),
                "09".repeat(32)
            ),
        ),
        (
            "mlkem_decaps",
            format!(
                r#"{{"op":"mlkem_decaps","param":"ML-KEM-1024","seed":"{}","c":"{}"}}"#,
                "07".repeat(64),
                "00".repeat(1568)
            ),
        ),
        (
            "mldsa_verify",
            format!(
                r#"{{"op":"mldsa_verify","param":"ML-DSA-44","public":"{}","msg":"00","ctx":"01","sig":"00"}}"#,
                "00".repeat(1312)
            ),
        ),
        ("not_object", "[1,2,3]".to_string()),
        ("bad_json", r#"{"op":"hash","#.to_string()),
        ("unknown_op", r#"{"op":"rot13","data":"00"}"#.to_string()),
    ];
    for (name, line) in requests {
        write("kat_request", name, line.as_bytes());
    }
}

fn server_rsa_cert() -> Vec<u8> {
    let key = KeyPair::generate(KeyType::Rsa2048).expect("RSA key");
    CertBuilder::server("localhost", &["localhost"])
        .serial(&[9])
        .validity(1_700_000_000, 2_000_000_000)
        .self_signed(&key)
        .expect("RSA certificate")
        .into_der()
}

fn spki_of(cert: &[u8]) -> Vec<u8> {
    qtls::x509::summarize(cert).expect("summary").spki.to_vec()
}

/// Scripts for the `post_handshake` target (see its op table).
fn post_handshake() {
    let key_update_msg = [24u8, 0, 0, 1, 1];
    let nst = [
        4u8, 0, 0, 13, 0, 0, 0x1c, 0x20, 1, 2, 3, 4, 1, 9, 0, 1, 7, 0, 0,
    ];
    let mut ku_record = vec![4u8, 22, 5];
    ku_record.extend_from_slice(&key_update_msg);
    let mut nst_record = vec![4u8, 22, nst.len() as u8];
    nst_record.extend_from_slice(&nst);
    let garbage_into_server = {
        let mut s = vec![0x80u8, 8];
        s.extend_from_slice(&null_seal(ContentType::APPLICATION_DATA, b"xyzw", 0)[..8]);
        s
    };
    let scripts: Vec<(&str, Setup, Vec<u8>)> = vec![
        (
            "data-both-ways",
            Setup::parse(&[0, 1, 0]).expect("setup").0,
            vec![1, 3, 0x81, 5, 1, 0, 0x81, 200],
        ),
        (
            "key-updates",
            Setup::parse(&[0, 1, 0]).expect("setup").0,
            vec![2, 1, 4, 10 | 0x80, 0x81, 1, 0x0a, 1, 9],
        ),
        (
            "close-both",
            Setup::parse(&[SHAPE_PSK, 1, 0]).expect("setup").0,
            vec![1, 2, 3, 0x81, 1, 0x83],
        ),
        (
            "inject-keyupdate",
            Setup::parse(&[0, 5, 0]).expect("setup").0,
            [ku_record.clone(), vec![0x81, 3]].concat(),
        ),
        (
            "inject-ticket",
            Setup::parse(&[0, 1, 0]).expect("setup").0,
            [nst_record, vec![0x81, 3]].concat(),
        ),
        (
            "inject-handshake-plaintext",
            Setup::parse(&[0, 1, 0]).expect("setup").0,
            vec![0x0f, 24, 1, 0],
        ),
        (
            "inject-garbage",
            Setup::parse(&[0, 2, 0]).expect("setup").0,
            garbage_into_server,
        ),
    ];
    for (name, setup, ops) in scripts {
        write(
            "post_handshake",
            name,
            &[setup.header().as_slice(), &ops].concat(),
        );
    }
}

/// Chains from the X.509 fixtures of `tests/data/x509` (made by its
/// `gen.sh` with OpenSSL), as `x509` target inputs.
fn x509_chains() {
    let dir = root().join("../tests/data/x509");
    let der = |n: &str| fs::read(dir.join(format!("{n}.der"))).expect("fixture");
    let cases: [(&str, u8, &[&str], &[&str], &[&str]); 10] = [
        ("leaf-inter-root", 0x04, &["leaf", "inter"], &["root"], &[]),
        (
            "revoked",
            0x04,
            &["leaf_revoked", "inter"],
            &["root"],
            &["inter.crl"],
        ),
        (
            "stale-crl",
            0x04,
            &["leaf", "inter"],
            &["root"],
            &["stale.crl"],
        ),
        (
            "name-constraints",
            0x04,
            &["leaf_nc_ok", "inter_nc"],
            &["root"],
            &[],
        ),
        (
            "nc-excluded",
            0x04,
            &["leaf_nc_excluded", "inter_nc"],
            &["root"],
            &[],
        ),
        (
            "pathlen",
            0x00,
            &[
                "leaf_under_pathlen",
                "inter_below_pathlen0",
                "inter_pathlen0",
            ],
            &["root"],
            &[],
        ),
        (
            "rsa-real-signatures",
            0x14,
            &["rsa_leaf"],
            &["rsa_root"],
            &[],
        ),
        ("ed25519", 0x10, &["ed_leaf"], &["ed_root"], &[]),
        ("p521-under-p384", 0x10, &["p521_leaf"], &["p384_root"], &[]),
        (
            "client-eku",
            0x01,
            &["leaf_client_only", "inter"],
            &["root"],
            &[],
        ),
    ];
    for (name, flags, chain, anchors, crls) in cases {
        let counts =
            [chain.len(), anchors.len(), crls.len()].map(|n| u8::try_from(n).expect("small"));
        let mut input = vec![flags, counts[0], counts[1], counts[2]];
        for n in chain.iter().chain(anchors).chain(crls) {
            let d = der(n);
            input.extend_from_slice(&u16::try_from(d.len()).expect("fits").to_be_bytes());
            input.extend_from_slice(&d);
        }
        write("x509", name, &input);
    }
}

/// `keys.psk` files as psktool writes them, with the identity to look up.
fn keys_psk() {
    let files: [(&str, &[u8], &[u8], &str); 4] = [
        (
            "qemu",
            b"qemu",
            b"0123456789abcdef",
            "qemu:00112233445566778899aabbccddeeff\n",
        ),
        (
            "hex-name",
            b"a:b",
            b"\x01\x02\x03\x04",
            "#613a62:0a0b0c0d\nqemu:01020304\n",
        ),
        (
            "crlf-and-comment",
            b"alice",
            b"\xaa\xbb\xcc\xdd",
            "# keys\nalice:aabbccdd\r\nbob:00\n",
        ),
        (
            "unknown",
            b"carol",
            b"\x10\x20\x30\x40\x50",
            "alice:aabbccdd\n",
        ),
    ];
    for (name, identity, key, content) in files {
        let mut input = vec![u8::try_from(identity.len()).expect("short")];
        input.extend_from_slice(identity);
        input.push(u8::try_from(key.len()).expect("short"));
        input.extend_from_slice(key);
        input.extend_from_slice(content.as_bytes());
        write("keys_psk", name, &input);
    }
}

/// PKCS#8 keys of each type from the test PKI (the encrypted, PKCS#1 and
/// SEC1 forms next to them were made with OpenSSL 3.0 once).
fn private_keys() {
    for (kt, name) in [
        (KeyType::EcdsaP256, "pkcs8-p256"),
        (KeyType::Ed25519, "pkcs8-ed25519"),
        (KeyType::Rsa2048, "pkcs8-rsa"),
        (KeyType::MlDsa44, "pkcs8-mldsa44"),
    ] {
        let key = KeyPair::generate(kt).expect("key");
        let mut input = vec![0u8];
        input.extend_from_slice(key.private_key_pem().as_bytes());
        write("private_key", name, &input);
    }
}

/// Credential directories (`creds_dir` inputs): a server and a client
/// directory from the test PKI, ECDSA P-256.
fn creds_dirs() {
    let ca_key = KeyPair::generate(KeyType::EcdsaP256).expect("CA key");
    let ca = CertBuilder::ca("qtls fuzz CA")
        .serial(&[1])
        .validity(1_700_000_000, 2_000_000_000)
        .self_signed(&ca_key)
        .expect("CA");
    for (flags, role, builder) in [
        (
            5u8,
            "server",
            CertBuilder::server("localhost", &["localhost"]),
        ),
        (4u8, "client", CertBuilder::client("qtls fuzz client")),
    ] {
        let key = KeyPair::generate(KeyType::EcdsaP256).expect("key");
        let cert = builder
            .serial(&[2])
            .validity(1_700_000_000, 2_000_000_000)
            .signed_by(&key, &ca, &ca_key)
            .expect("leaf");
        let files: [(u8, String); 3] = [
            (0, ca.to_pem()),
            (if role == "server" { 2 } else { 4 }, cert.to_pem()),
            (
                if role == "server" { 3 } else { 5 },
                key.private_key_pem().to_string(),
            ),
        ];
        let mut input = vec![flags];
        for (idx, text) in files {
            input.push(idx);
            input.extend_from_slice(&u16::try_from(text.len()).expect("fits").to_be_bytes());
            input.extend_from_slice(text.as_bytes());
        }
        write("creds_dir", role, &input);
    }
}

/// GnuTLS priority strings (`priority` inputs; a system configuration
/// text may come first, up to the first newline).
fn priorities() {
    for (name, text) in [
        ("normal", "NORMAL"),
        ("tls13-only", "NORMAL:-VERS-ALL:+VERS-TLS1.3"),
        (
            "secure",
            "SECURE256:+SECURE128:-VERS-TLS-ALL:+VERS-TLS1.3:%SERVER_PRECEDENCE",
        ),
        (
            "psk",
            "NORMAL:-VERS-ALL:+VERS-TLS1.3:-KX-ALL:+ECDHE-PSK:+PSK",
        ),
        (
            "none-explicit",
            "NONE:+VERS-TLS1.3:+AES-256-GCM:+AEAD:+GROUP-X25519:+SIGN-ED25519:+CTYPE-X509:+COMP-NULL",
        ),
        ("system", "@SYSTEM"),
        (
            "with-config",
            "[overrides]\nNORMAL:-GROUP-ALL:+GROUP-SECP256R1",
        ),
    ] {
        write("priority", name, text.as_bytes());
    }
}

/// `hostname` inputs: `[flags, n_sans, SAN..., (cn_len, cn)?, reference]`.
fn hostnames() {
    fn dns(s: &str) -> Vec<u8> {
        let mut v = vec![u8::try_from(s.len()).expect("short")];
        v.extend_from_slice(s.as_bytes());
        v
    }
    fn ip(octets: &[u8]) -> Vec<u8> {
        let mut v = vec![if octets.len() == 16 { 0xc0 } else { 0x80 }];
        v.extend_from_slice(octets);
        v
    }
    let mut v6_loopback = [0u8; 16];
    v6_loopback[15] = 1;
    let seeds: [(&str, u8, Vec<Vec<u8>>, &str); 9] = [
        (
            "dns-exact",
            0,
            vec![dns("www.example.com")],
            "WWW.Example.com",
        ),
        (
            "dns-wildcard",
            0,
            vec![dns("*.example.com"), dns("example.org")],
            "foo.example.com.",
        ),
        (
            "ip4",
            0,
            vec![ip(&[127, 0, 0, 1]), dns("127.0.0.1")],
            "127.0.0.1",
        ),
        ("ip6", 0, vec![ip(&v6_loopback)], "[::1]"),
        // flags bit 0: a CN (the last part before the reference).
        (
            "cn-fallback",
            1,
            vec![ip(&[10, 0, 0, 1]), dns("Host.Example")],
            "host.example",
        ),
        ("cn-twice", 1 | 8, vec![dns("host.example")], "host.example"),
        (
            "cn-client-eku",
            1 | 4,
            vec![dns("host.example")],
            "host.example",
        ),
        (
            "cn-any-eku",
            1 | 6,
            vec![dns("*.example.com")],
            "a.example.com",
        ),
        ("ip-vs-cn", 1, vec![dns("10.1.2.3")], "10.1.2.3"),
    ];
    for (name, flags, parts, reference) in seeds {
        // With a CN the last part is the CN, not a SAN.
        let sans = parts.len() - usize::from(flags & 1);
        let mut input = vec![flags, u8::try_from(sans).expect("few")];
        input.extend(parts.concat());
        input.extend_from_slice(reference.as_bytes());
        write("hostname", name, &input);
    }
}

/// `crl` inputs: structured (`[0, flags, scope, (len, serial, reason)...]`)
/// and the OpenSSL-made CRL of tests/data/x509 raw (`[1, DER]`).
fn crls() {
    fn entry(serial: &[u8], reason: u8) -> Vec<u8> {
        let mut v = vec![u8::try_from(serial.len() - 1).expect("short")];
        v.extend_from_slice(serial);
        v.push(reason);
        v
    }
    const NO_REASON: u8 = 0xff;
    let seeds: [(&str, u8, u8, Vec<Vec<u8>>); 14] = [
        (
            "revokes-01",
            0x04,
            0x80,
            vec![entry(&[1], 1), entry(&[5, 5], NO_REASON)],
        ),
        (
            "revokes-82-leading-zero",
            0x04,
            0,
            vec![entry(&[0, 0x82], NO_REASON)],
        ),
        ("remove-from-crl", 0x04, 0, vec![entry(&[1], 8)]),
        (
            "duplicate",
            0x04,
            0,
            vec![entry(&[1], NO_REASON), entry(&[0, 1], NO_REASON)],
        ),
        ("v1-plain", 0x01, 0, vec![entry(&[1], NO_REASON)]),
        ("v1-with-reason", 0x01, 0, vec![entry(&[1], 3)]),
        ("stale", 0x04 | 0x10, 0, vec![]),
        ("future", 0x08, 0, vec![]),
        ("unknown-critical", 0x20, 0x40, vec![]),
        ("delta", 0x40, 0, vec![]),
        (
            "idp-only-user",
            0x80 | 0x04,
            0x03,
            vec![entry(&[0x82], NO_REASON)],
        ),
        ("idp-only-ca", 0x04, 0x05, vec![entry(&[0x82], NO_REASON)]),
        ("idp-all", 0x04, 0x3f, vec![]),
        ("other-issuer", 0x02 | 0x04, 0, vec![entry(&[1], NO_REASON)]),
    ];
    for (name, flags, scope, entries) in seeds {
        let mut input = vec![0, flags, scope];
        input.extend(entries.concat());
        write("crl", name, &input);
    }
    let der = fs::read(root().join("../tests/data/x509/inter.crl.der")).expect("CRL fixture");
    let mut input = vec![1];
    input.extend(der);
    write("crl", "raw-openssl-inter", &input);
}

fn main() {
    hostnames();
    crls();
    x509_chains();
    keys_psk();
    private_keys();
    creds_dirs();
    priorities();
    handshakes();
    captures();
    certificates();
    kat_requests();
    post_handshake();
    println!("corpora written under {}", root().join("corpus").display());
}
