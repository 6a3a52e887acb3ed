//! `qtls verify` end to end: exit status and messages over the OpenSSL-made
//! fixtures of tests/data/x509 (valid 2020-2040; the tests pin the time).

use std::path::PathBuf;
use std::process::Command;

const TIME: &str = "2024-01-01T00:00:00Z";

fn data(name: &str) -> String {
    let mut p = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    p.push("tests/data/x509");
    p.push(name);
    p.to_string_lossy().into_owned()
}

/// Runs `qtls verify ARGS`; returns (exit code, stdout, stderr).
fn verify(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_qtls"))
        .arg("verify")
        .args(args)
        .output()
        .expect("run qtls");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn valid_chain_exits_0() {
    let (code, out, err) = verify(&[
        "--ca",
        &data("ca.pem"),
        "--untrusted",
        &data("untrusted.pem"),
        "--cert",
        &data("leaf.pem"),
        "--time",
        TIME,
        "--host",
        "www.example.com",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "OK: CN=www.example.com,O=Test PKI <- CN=Test Intermediate,O=Test PKI <- CN=Test Root,O=Test PKI\n"
    );
    // By address, with milliseconds in the time, DER intermediates.
    let (code, _, err) = verify(&[
        "--ca",
        &data("ca.pem"),
        "--untrusted",
        &data("inter.der"),
        "--cert",
        &data("leaf.pem"),
        "--time",
        "2024-01-01T00:00:00.250Z",
        "--ip",
        "192.168.1.10",
    ]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn invalid_chains_exit_1_with_the_reason() {
    let base = ["--ca", "", "--untrusted", "", "--time", TIME];
    let with = |extra: &[&str]| {
        let ca = data("ca.pem");
        let un = data("untrusted.pem");
        let mut args: Vec<String> = base.iter().map(|s| s.to_string()).collect();
        args[1] = ca;
        args[3] = un;
        args.extend(extra.iter().map(|s| s.to_string()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        verify(&refs)
    };
    let (code, _, err) = with(&["--cert", &data("leaf.pem"), "--host", "www.example.org"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("certificate does not match the expected name"),
        "{err}"
    );
    assert!(
        err.contains("Certificate does not match the hostname www.example.org"),
        "{err}"
    );

    let (code, _, err) = with(&[
        "--cert",
        &data("leaf_expired.der"),
        "--host",
        "expired.example.com",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("certificate has expired (depth 0: 'CN=expired.example.com')"),
        "{err}"
    );
    assert!(err.contains("The certificate is not trusted"), "{err}");

    let (code, _, err) = with(&[
        "--cert",
        &data("leaf_revoked.pem"),
        "--host",
        "www.example.com",
        "--crl",
        &data("crl.pem"),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("The certificate has been revoked"), "{err}");

    let (code, _, err) = with(&[
        "--cert",
        &data("leaf_client_only.der"),
        "--host",
        "www.example.com",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("extended key usage"), "{err}");
    let (code, _, err) = with(&[
        "--cert",
        &data("leaf_client_only.der"),
        "--purpose",
        "client",
    ]);
    assert_eq!(code, 0, "{err}");

    let (code, _, err) = with(&[
        "--cert",
        &data("leaf_cn_only.der"),
        "--host",
        "legacy.example.com",
        "--strict",
    ]);
    assert_eq!(code, 1, "{err}");
    let (code, _, err) = with(&[
        "--cert",
        &data("leaf_cn_only.der"),
        "--host",
        "legacy.example.com",
    ]);
    assert_eq!(code, 0, "{err}");

    let (code, _, err) = with(&[
        "--cert",
        &data("leaf.pem"),
        "--host",
        "www.example.com",
        "--max-depth",
        "0",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("certificate chain is too long"), "{err}");

    // Without the intermediate, the issuer is unknown.
    let (code, _, err) = verify(&[
        "--ca",
        &data("ca.pem"),
        "--cert",
        &data("leaf.pem"),
        "--time",
        TIME,
        "--host",
        "www.example.com",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("The certificate hasn't got a known issuer"),
        "{err}"
    );
}

#[test]
fn unusable_input_exits_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--ca", "/nonexistent/ca.pem", "--cert", "x", "--host", "a"],
            "cannot read /nonexistent/ca.pem",
        ),
        (&["--cert", "x", "--host", "a"], "--ca is required"),
        (&["--ca", "x", "--host", "a"], "--cert is required"),
        (&["--ca", "x", "--cert", "y"], "--host or --ip is required"),
        (
            &["--ca", "x", "--cert", "y", "--ip", "not-an-ip"],
            "is not an IP address",
        ),
        (
            &[
                "--ca",
                "x",
                "--cert",
                "y",
                "--host",
                "a",
                "--time",
                "2024-01-01",
            ],
            "not an RFC 3339",
        ),
        (
            &[
                "--ca",
                "x",
                "--cert",
                "y",
                "--host",
                "a",
                "--purpose",
                "mail",
            ],
            "unknown purpose",
        ),
        (
            &["--ca", "x", "--cert", "y", "--host", "a", "--bogus"],
            "unknown option",
        ),
        (
            &[
                "--ca",
                "x",
                "--cert",
                "y",
                "--host",
                "a",
                "--max-depth",
                "-1",
            ],
            "--max-depth",
        ),
    ];
    for (args, message) in cases {
        let (code, _, err) = verify(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    // A file without any certificate.
    let (code, _, err) = verify(&[
        "--ca",
        &data("gen.sh"),
        "--cert",
        &data("leaf.pem"),
        "--host",
        "a",
        "--time",
        TIME,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("no certificate found in"), "{err}");
    // A CRL file passed as --crl that holds certificates only.
    let (code, _, err) = verify(&[
        "--ca",
        &data("ca.pem"),
        "--cert",
        &data("leaf.pem"),
        "--host",
        "a",
        "--crl",
        &data("ca.pem"),
        "--time",
        TIME,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("no CRL found in"), "{err}");
}
