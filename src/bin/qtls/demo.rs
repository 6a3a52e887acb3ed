//! `qtls demo`: the README's main job. Makes a throw-away PKI (a CA with
//! ECDSA P-256 and ML-DSA-65 server certificates) and a PSK, then runs
//! `qtls server` on loopback and `qtls client` against it in certificate
//! and PSK modes, printing what each connection negotiated.

use qtls::pki::{CertBuilder, GeneralName, KeyPair, KeyType};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const MESSAGE: &[u8] = b"hello from the qtls demo\n";

pub fn run(_args: &[String]) -> i32 {
    match run_inner() {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("qtls demo: {e}");
            1
        }
    }
}

struct Scenario {
    name: &'static str,
    server: Vec<String>,
    client: Vec<String>,
}

fn run_inner() -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("qtls-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let r = demo_in(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    r
}

fn write(dir: &Path, name: &str, text: &str) -> Result<String, String> {
    let p = dir.join(name);
    std::fs::write(&p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    Ok(p.display().to_string())
}

/// Makes a CA of `kind` and a server certificate for localhost/127.0.0.1.
fn make_pki(dir: &Path, kind: KeyType, tag: &str) -> Result<(String, String, String), String> {
    let e = |e| format!("{tag}: {e:?}");
    let ca_key = KeyPair::generate(kind).map_err(e)?;
    let ca = CertBuilder::ca(&format!("qtls demo CA ({tag})"))
        .self_signed(&ca_key)
        .map_err(e)?;
    let key = KeyPair::generate(kind).map_err(e)?;
    let cert = CertBuilder::server("localhost", &["localhost"])
        .add_subject_alt_name(GeneralName::Ip([127, 0, 0, 1].into()))
        .signed_by(&key, &ca, &ca_key)
        .map_err(e)?;
    println!("made {tag} CA and server certificate");
    Ok((
        write(dir, &format!("{tag}-ca.pem"), &ca.to_pem())?,
        write(dir, &format!("{tag}-server.pem"), &cert.to_pem())?,
        write(
            dir,
            &format!("{tag}-server-key.pem"),
            &key.private_key_pem(),
        )?,
    ))
}

fn demo_in(dir: &Path) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find qtls itself: {e}"))?;
    let (ec_ca, ec_cert, ec_key) = make_pki(dir, KeyType::EcdsaP256, "ecdsa-p256")?;
    let (ml_ca, ml_cert, ml_key) = make_pki(dir, KeyType::MlDsa65, "mldsa65")?;
    let psk = {
        let mut k = [0u8; 32];
        crate::common::provider()
            .fill_random(&mut k)
            .map_err(|e| format!("no randomness: {e:?}"))?;
        crate::common::hex_encode(&k)
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let scenarios = [
        Scenario {
            name: "certificate, ECDSA P-256, default groups",
            server: s(&["--cert", &ec_cert, "--key", &ec_key]),
            client: s(&["--ca", &ec_ca, "--host", "localhost"]),
        },
        Scenario {
            name: "certificate, ML-DSA-65, default groups",
            server: s(&["--cert", &ml_cert, "--key", &ml_key]),
            client: s(&["--ca", &ml_ca, "--host", "localhost"]),
        },
        Scenario {
            name: "certificate, ECDSA P-256, HelloRetryRequest to secp384r1",
            server: s(&[
                "--cert",
                &ec_cert,
                "--key",
                &ec_key,
                "--groups",
                "secp384r1",
            ]),
            client: s(&[
                "--ca",
                &ec_ca,
                "--host",
                "localhost",
                "--groups",
                "x25519,secp384r1",
                "--key-shares",
                "1",
            ]),
        },
        Scenario {
            name: "external PSK (psk_dhe_ke), identity alice",
            server: s(&["--psk", &psk, "--psk-identity", "alice"]),
            client: s(&["--psk", &psk, "--psk-identity", "alice"]),
        },
    ];
    let mut failures = 0;
    for sc in &scenarios {
        match run_scenario(&exe, sc) {
            Ok(line) => println!("ok    {}: {line}", sc.name),
            Err(e) => {
                failures += 1;
                println!("FAIL  {}: {e}", sc.name);
            }
        }
    }
    if failures == 0 {
        println!(
            "demo: {} connections over loopback, all verified",
            scenarios.len()
        );
        Ok(())
    } else {
        Err(format!(
            "{failures} of {} scenarios failed",
            scenarios.len()
        ))
    }
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run_scenario(exe: &PathBuf, sc: &Scenario) -> Result<String, String> {
    let mut server = Command::new(exe)
        .args([
            "server",
            "--listen",
            "127.0.0.1:0",
            "--echo",
            "--count",
            "1",
        ])
        .args(&sc.server)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let stderr = server.stderr.take().ok_or("no server stderr")?;
    let server = Server(server);
    let mut lines = BufReader::new(stderr).lines();
    let first = lines
        .next()
        .and_then(Result::ok)
        .ok_or("the server printed nothing")?;
    let addr = first
        .strip_prefix("qtls server: listening on ")
        .ok_or_else(|| format!("unexpected server output: {first}"))?
        .to_string();
    let mut client = Command::new(exe)
        .arg("client")
        .arg(&addr)
        .args(&sc.client)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the client: {e}"))?;
    client
        .stdin
        .take()
        .ok_or("no client stdin")?
        .write_all(MESSAGE)
        .map_err(|e| e.to_string())?;
    let out = wait_with_timeout(client, Duration::from_secs(20))?;
    let client_line = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if !out.status.success() {
        return Err(format!("client failed: {client_line}"));
    }
    if out.stdout != MESSAGE {
        return Err(format!(
            "echo mismatch: got {:?}",
            String::from_utf8_lossy(&out.stdout)
        ));
    }
    let server_line = lines.next().and_then(Result::ok).unwrap_or_default();
    drop(server);
    Ok(format!("{client_line}\n      server: {server_line}"))
}

fn wait_with_timeout(child: Child, limit: Duration) -> Result<std::process::Output, String> {
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(_) => {
            let _ = Command::new("kill").arg(id.to_string()).status();
            Err(format!("client timed out after {}s", limit.as_secs()))
        }
    }
}
