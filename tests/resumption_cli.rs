//! `qtls server --tickets --early-data` and `qtls client --resume --early-data`
//! end to end on loopback: the second connection resumes, its 0-RTT data is
//! accepted and echoed back.

use qtls::pki::{CertBuilder, KeyPair, KeyType};
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn tmpdir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("qtls-resumption-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn client_resumes_and_sends_early_data() {
    let d = tmpdir();
    let ca_key = KeyPair::generate(KeyType::EcdsaP256).unwrap();
    let ca = CertBuilder::ca("CLI CA").self_signed(&ca_key).unwrap();
    let key = KeyPair::generate(KeyType::EcdsaP256).unwrap();
    let cert = CertBuilder::server("localhost", &["localhost"])
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    let path = |n: &str| d.join(n).to_str().unwrap().to_string();
    std::fs::write(path("ca.pem"), ca.to_pem()).unwrap();
    std::fs::write(path("cert.pem"), cert.to_pem()).unwrap();
    std::fs::write(path("key.pem"), key.private_key_pem().as_bytes()).unwrap();
    std::fs::write(path("early.txt"), b"early bytes\n").unwrap();

    let mut server = Command::new(env!("CARGO_BIN_EXE_qtls"))
        .args([
            "server",
            "--listen",
            "127.0.0.1:0",
            "--echo",
            "--count",
            "2",
        ])
        .args(["--cert", &path("cert.pem"), "--key", &path("key.pem")])
        .args(["--tickets", "2", "--early-data", "1024"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(server.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("qtls server: listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_string();

    let client = Command::new(env!("CARGO_BIN_EXE_qtls"))
        .args([
            "client",
            &addr,
            "--host",
            "localhost",
            "--ca",
            &path("ca.pem"),
        ])
        .args(["--early-data", &path("early.txt")])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&client.stdout);
    let cerr = String::from_utf8_lossy(&client.stderr);
    assert!(client.status.success(), "{cerr}");
    assert!(cerr.contains("qtls client: resumed: yes\n"), "{cerr}");
    assert!(
        cerr.contains("qtls client: early data: accepted (12 of 12 bytes)\n"),
        "{cerr}"
    );
    // The echo server sends the 0-RTT data back after the handshake.
    assert_eq!(out, "early bytes\n");

    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    assert!(server.wait().unwrap().success());
    let lines: Vec<&str> = rest.lines().collect();
    assert_eq!(lines.len(), 3, "{rest}");
    assert!(!lines[0].contains("resumed"), "{rest}");
    assert_eq!(lines[1], "qtls server: early data: 12 bytes");
    assert!(lines[2].contains(" resumed early-data=accepted "), "{rest}");
    std::fs::remove_dir_all(&d).unwrap();
}
