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
    // The default web PKI profile requires a SAN (CA/B BR 7.1.2.7.12); the
    // GnuTLS-like profile falls back to the CN as gnutls_x509_crt_check_hostname does.
    let (code, _, err) = with(&[
        "--cert",
        &data("leaf_cn_only.der"),
        "--host",
        "legacy.example.com",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("certificate lacks a required extension (depth 0: 'CN=legacy.example.com')"),
        "{err}"
    );
    let (code, _, err) = with(&[
        "--cert",
        &data("leaf_cn_only.der"),
        "--host",
        "legacy.example.com",
        "--profile",
        "compat",
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

/// Every x509-limbo case of vectors/limbo, run through `qtls verify` the way
/// an outside harness would (one flag per limbo field): the exit status is
/// the expected verdict, except for the cases vectors/limbo/exceptions.txt
/// lists (tests/limbo.rs checks those in process).
#[test]
fn limbo_cases_through_the_cli() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("vectors/limbo/limbo.json")).expect("corpus"),
    )
    .expect("corpus JSON");
    let exceptions =
        std::fs::read_to_string(root.join("vectors/limbo/exceptions.txt")).expect("exceptions");
    let excepted: Vec<&str> = exceptions
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split(' ').next())
        .collect();
    let dir = std::env::temp_dir().join(format!("qtls-limbo-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let write = |name: &str, items: &serde_json::Value| -> Option<String> {
        let text: String = match items {
            serde_json::Value::Array(a) => a.iter().filter_map(|v| v.as_str()).collect(),
            serde_json::Value::String(s) => s.clone(),
            _ => String::new(),
        };
        if text.is_empty() {
            return None;
        }
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        Some(path.to_string_lossy().into_owned())
    };
    let mut wrong = Vec::new();
    let mut ran = 0;
    for case in corpus["testcases"].as_array().expect("testcases") {
        let id = case["id"].as_str().expect("id");
        if excepted.contains(&id) {
            continue;
        }
        let mut args: Vec<String> = ["--profile", "webpki", "--strict"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut push = |flag: &str, value: String| {
            args.push(flag.to_string());
            args.push(value);
        };
        push(
            "--ca",
            write("ca.pem", &case["trusted_certs"]).expect("anchors"),
        );
        if let Some(f) = write("untrusted.pem", &case["untrusted_intermediates"]) {
            push("--untrusted", f);
        }
        push(
            "--cert",
            write("leaf.pem", &case["peer_certificate"]).expect("leaf"),
        );
        if let Some(f) = write("crls.pem", &case["crls"]) {
            push("--crl", f);
        }
        if let Some(t) = case["validation_time"].as_str() {
            push("--time", t.to_string());
        }
        let mut purpose = if case["validation_kind"] == "CLIENT" {
            "client"
        } else {
            "server"
        };
        for eku in case["extended_key_usage"].as_array().into_iter().flatten() {
            purpose = match eku.as_str() {
                Some("serverAuth") => "server",
                Some("clientAuth") => "client",
                Some("emailProtection") => "email",
                other => panic!("{id}: extended_key_usage {other:?}"),
            };
        }
        push("--purpose", purpose.to_string());
        let kus: Vec<&str> = case["key_usage"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect();
        if !kus.is_empty() {
            push("--key-usage", kus.join(","));
        }
        if let Some(d) = case["max_chain_depth"].as_u64() {
            push("--max-depth", d.to_string());
        }
        let names = std::iter::once(&case["expected_peer_name"])
            .chain(case["expected_peer_names"].as_array().into_iter().flatten())
            .filter(|n| !n.is_null());
        for n in names {
            let value = n["value"].as_str().expect("name").to_string();
            match n["kind"].as_str() {
                Some("DNS") => push("--host", value),
                Some("IP") => push("--ip", value),
                Some("RFC822") => push("--email", value),
                other => panic!("{id}: peer name kind {other:?}"),
            }
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, err) = verify(&refs);
        // A trust anchor or CRL that does not parse is unusable input (2):
        // for a harness, a rejection like any other.
        let unusable_input =
            err.contains("unusable CA certificate") || err.contains("unusable CRL");
        assert!(
            code == 0 || code == 1 || (code == 2 && unusable_input),
            "{id}: exit {code}: {err}"
        );
        let code = code.min(1);
        let expected = if case["expected_result"] == "SUCCESS" {
            0
        } else {
            1
        };
        if code != expected {
            wrong.push(format!("{id}: exit {code}: {err}"));
        }
        ran += 1;
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(ran > 200, "only {ran} cases ran");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
