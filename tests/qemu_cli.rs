//! `qtls creds check` and `qtls psk` end to end: exit codes, QEMU's
//! messages, the suggested fixes and psktool's file format.

use qtls::pki::{CertBuilder, ExtendedKeyUsage, KeyPair, KeyPurpose, KeyType};
use std::path::{Path, PathBuf};
use std::process::Command;

fn qtls(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_qtls"))
        .args(args)
        .output()
        .expect("run qtls");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("qtls-qemu-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A server directory whose certificate is made by `leaf`.
fn server_dir(tag: &str, leaf: CertBuilder) -> PathBuf {
    let d = tmpdir(tag);
    let ca_key = KeyPair::generate(KeyType::EcdsaP256).unwrap();
    let ca = CertBuilder::ca("CLI CA").self_signed(&ca_key).unwrap();
    let key = KeyPair::generate(KeyType::EcdsaP256).unwrap();
    let cert = leaf.signed_by(&key, &ca, &ca_key).unwrap();
    std::fs::write(d.join("ca-cert.pem"), ca.to_pem()).unwrap();
    std::fs::write(d.join("server-cert.pem"), cert.to_pem()).unwrap();
    std::fs::write(d.join("server-key.pem"), key.private_key_pem().as_bytes()).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn creds_check_accepts_a_good_directory() {
    let d = server_dir("good", CertBuilder::server("server", &["localhost"]));
    let (code, out, _) = qtls(&["creds", "check", "--dir", s(&d), "--endpoint", "server"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("identity {}/server-cert.pem:\n", s(&d))),
        "{out}"
    );
    assert!(out.contains("  subject: CN=server\n"), "{out}");
    assert!(out.contains("  key: [ecdsa_secp256r1_sha256]\n"), "{out}");
    assert!(
        out.ends_with("  ok\nok: QEMU would accept this directory\n"),
        "{out}"
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn creds_check_names_problems_fixes_and_qemus_error() {
    let eku = ExtendedKeyUsage {
        purposes: vec![KeyPurpose::ClientAuth],
        critical: true,
    };
    let d = server_dir(
        "bad",
        CertBuilder::server("server", &["localhost"]).extended_key_usage(Some(eku)),
    );
    let (code, out, _) = qtls(&["creds", "check", "--dir", s(&d), "--endpoint", "server"]);
    assert_eq!(code, 1, "{out}");
    let msg = format!(
        "Certificate {}/server-cert.pem purpose does not allow use with a TLS server",
        s(&d)
    );
    assert!(out.contains(&format!("  problem: {msg}\n")), "{out}");
    assert!(
        out.contains("    fix: add `tls_www_server` to the certtool template\n"),
        "{out}"
    );
    assert!(out.ends_with(&format!("error: {msg}\n")), "{out}");
    // As a client directory the same files are fine: no client identity.
    let (code, out, _) = qtls(&["creds", "check", "--dir", s(&d), "--endpoint", "client"]);
    assert_eq!(code, 0, "{out}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn creds_check_missing_directory() {
    let (code, out, _) = qtls(&[
        "creds",
        "check",
        "--dir",
        "/nonexistent/qtls",
        "--endpoint",
        "server",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "error: Unable to access credentials /nonexistent/qtls/ca-cert.pem: No such file or directory\n"
    );
}

#[test]
fn psk_writes_like_psktool() {
    let d = tmpdir("psk");
    let f = d.join("keys.psk");
    let (code, out, _) = qtls(&["psk", "-u", "alice", "-p", s(&f), "-s", "16"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!(
            "Generating a random key for user 'alice'\nKey stored to {}\n",
            s(&f)
        )
    );
    let (code, _, _) = qtls(&["psk", "--username", "a:b", "--pskfile", s(&f)]);
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(&f).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with("alice:") && lines[0].len() == 6 + 32,
        "{text}"
    );
    assert!(
        lines[1].starts_with("#613a62:") && lines[1].len() == 8 + 64,
        "{text}"
    );
    assert!(
        lines[0][6..]
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    // Replacing alice keeps her place; 0 means the default 32 bytes.
    qtls(&["psk", "-u", "alice", "-p", s(&f), "-s", "0"]);
    let text = std::fs::read_to_string(&f).unwrap();
    let again: Vec<&str> = text.lines().collect();
    assert!(again[0].starts_with("alice:") && again[0].len() == 6 + 64);
    assert_eq!(again[1], lines[1]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let (code, _, err) = qtls(&["psk", "-u", "x", "-p", s(&f), "-s", "513"]);
    assert_eq!((code, err.as_str()), (1, "Key size is too long\n"));
    let (code, _, err) = qtls(&["psk", "-u", "x"]);
    assert_eq!(
        (code, err.as_str()),
        (1, "You need to specify a PSK key file\n")
    );
    std::fs::remove_dir_all(&d).unwrap();
}
