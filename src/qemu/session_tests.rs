//! Session tests over an in-memory non-blocking transport: handshakes with
//! x509 and PSK credentials, every §1.5 message, QEMU's I/O results.

use super::authz::{Authz, AuthzList, AuthzPolicy, AuthzRule, MatchFormat};
use super::creds::*;
use super::session::*;
use super::tests::{Dir, Pki, write_identity};
use super::*;
use crate::pki::{CertBuilder, KeyType};
use crate::provider::CryptoProvider;
use crate::provider::aws_lc::AwsLcProvider;
use crate::time::UnixTime;
use alloc::collections::VecDeque;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use std::io::{self, Read, Write};
use std::sync::Mutex;

/// One direction of the pipe: bytes and whether the writer hung up.
type Wire = Arc<Mutex<(VecDeque<u8>, bool)>>;

/// A non-blocking in-memory transport end.
#[derive(Debug)]
struct End {
    rx: Wire,
    tx: Wire,
}

fn pipe() -> (End, End) {
    let a: Wire = Arc::default();
    let b: Wire = Arc::default();
    (
        End {
            rx: a.clone(),
            tx: b.clone(),
        },
        End { rx: b, tx: a },
    )
}

impl End {
    fn hang_up(&self) {
        self.tx.lock().unwrap().1 = true;
    }
}

impl Read for End {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut w = self.rx.lock().unwrap();
        if w.0.is_empty() {
            return if w.1 {
                Ok(0)
            } else {
                Err(io::ErrorKind::WouldBlock.into())
            };
        }
        let n = buf.len().min(w.0.len());
        for b in buf.iter_mut().take(n) {
            *b = w.0.pop_front().unwrap();
        }
        Ok(n)
    }
}

impl Write for End {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tx.lock().unwrap().0.extend(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn provider() -> Arc<dyn CryptoProvider> {
    Arc::new(AwsLcProvider::new())
}

fn opts(objects: &Arc<Objects>) -> SessionOptions {
    SessionOptions {
        objects: objects.clone(),
        provider: provider(),
        resolver: gnutls_priority_resolver,
    }
}

/// Server and client directories under one CA.
struct Setup {
    _srv: Dir,
    _cli: Dir,
    server: Arc<X509Creds>,
    client: Arc<X509Creds>,
}

fn setup(client_identity: bool) -> Setup {
    setup_named(client_identity, "qtls test CA")
}

fn setup_named(client_identity: bool, ca_name: &str) -> Setup {
    let pki = Pki::named(KeyType::EcdsaP256, ca_name);
    let srv = Dir::new("ssrv");
    pki.write_ca(&srv);
    let (c, k) = pki.issue(
        &CertBuilder::server("server", &["localhost"]),
        KeyType::EcdsaP256,
    );
    write_identity(&srv, "server-cert.pem", "server-key.pem", &[&c], &k);
    let cli = Dir::new("scli");
    pki.write_ca(&cli);
    if client_identity {
        let (c, k) = pki.issue(&CertBuilder::client("client"), KeyType::Ed25519);
        write_identity(&cli, "client-cert.pem", "client-key.pem", &[&c], &k);
    }
    let o = Objects::new();
    let server = X509Creds::load(
        &X509Options::new(&srv.s(), Endpoint::Server),
        &o,
        provider(),
        UnixTime::now(),
    )
    .unwrap();
    let client = X509Creds::load(
        &X509Options::new(&cli.s(), Endpoint::Client),
        &o,
        provider(),
        UnixTime::now(),
    )
    .unwrap();
    Setup {
        _srv: srv,
        _cli: cli,
        server: Arc::new(server),
        client: Arc::new(client),
    }
}

/// Runs both handshakes to completion (or the first error).
fn drive(s: &mut QemuTlsSession<End>, c: &mut QemuTlsSession<End>) -> Result<()> {
    for _ in 0..50 {
        let cs = c.handshake()?;
        let ss = s.handshake()?;
        if cs == HandshakeStatus::Complete && ss == HandshakeStatus::Complete {
            return Ok(());
        }
    }
    qerr!("handshake did not finish")
}

fn pair(
    server: TlsCreds,
    client: TlsCreds,
    hostname: Option<&str>,
    authz: Option<&str>,
    objects: &Arc<Objects>,
) -> (QemuTlsSession<End>, QemuTlsSession<End>) {
    let (a, b) = pipe();
    let s = QemuTlsSession::new(&server, None, authz, Endpoint::Server, a, &opts(objects)).unwrap();
    let c =
        QemuTlsSession::new(&client, hostname, None, Endpoint::Client, b, &opts(objects)).unwrap();
    (s, c)
}

#[test]
fn x509_session_end_to_end() {
    let st = setup(true);
    let objects = Arc::new(Objects::new());
    let (mut s, mut c) = pair(
        TlsCreds::X509(st.server.clone()),
        TlsCreds::X509(st.client.clone()),
        Some("localhost"),
        None,
        &objects,
    );
    // Before the handshake: no key size.
    assert_eq!(
        s.key_size().unwrap_err().message(),
        "Cannot get TLS cipher key size"
    );
    // Nothing to read yet: the client blocks receiving after its hello.
    assert_eq!(c.handshake().unwrap(), HandshakeStatus::Recving);
    drive(&mut s, &mut c).unwrap();
    c.check_credentials().unwrap();
    s.check_credentials().unwrap();
    assert_eq!(s.peer_name(), Some("CN=client"));
    assert_eq!(c.peer_name(), Some("CN=server"));
    // QEMU clients send no SNI.
    assert_eq!(s.connection().negotiated().server_name, None);
    // NORMAL prefers AES-256-GCM: 32-byte keys.
    assert_eq!(c.key_size().unwrap(), 32);
    assert_eq!(c.write(b"hello").unwrap(), 5);
    let mut buf = [0u8; 3];
    assert_eq!(s.read(&mut buf).unwrap(), 3);
    assert_eq!(s.check_pending(), 2);
    assert_eq!(s.read(&mut buf).unwrap(), 2);
    assert_eq!(s.read(&mut buf), Err(SessionIoError::Block));
    assert_eq!(c.bye().unwrap(), HandshakeStatus::Complete);
    assert_eq!(s.read(&mut buf).unwrap(), 0);
}

#[test]
fn client_peer_checks() {
    let st = setup(true);
    let objects = Arc::new(Objects::new());
    let run = |host: Option<&str>| {
        let (mut s, mut c) = pair(
            TlsCreds::X509(st.server.clone()),
            TlsCreds::X509(st.client.clone()),
            host,
            None,
            &objects,
        );
        drive(&mut s, &mut c).unwrap();
        c.check_credentials().map_err(|e| e.message().to_string())
    };
    assert_eq!(
        run(None).unwrap_err(),
        "No hostname for certificate validation"
    );
    assert_eq!(
        run(Some("other.example")).unwrap_err(),
        "Certificate does not match the hostname other.example"
    );
    assert!(run(Some("localhost")).is_ok());
    // verify-peer off: nothing checked, no peer name.
    let mut client = (*st.client).clone();
    client.options.verify_peer = false;
    let (mut s, mut c) = pair(
        TlsCreds::X509(st.server.clone()),
        TlsCreds::X509(Arc::new(client)),
        None,
        None,
        &objects,
    );
    drive(&mut s, &mut c).unwrap();
    c.check_credentials().unwrap();
    assert_eq!(c.peer_name(), None);
}

#[test]
fn server_authz_and_missing_client_cert() {
    let st = setup(true);
    let objects = Arc::new(Objects::new());
    let run = |authz: Option<&str>, client: &Arc<X509Creds>| {
        let (mut s, mut c) = pair(
            TlsCreds::X509(st.server.clone()),
            TlsCreds::X509(client.clone()),
            Some("localhost"),
            authz,
            &objects,
        );
        drive(&mut s, &mut c).unwrap();
        s.check_credentials().map_err(|e| e.message().to_string())
    };
    assert_eq!(
        run(Some("acl"), &st.client).unwrap_err(),
        "Cannot find QAuthZ object ID acl"
    );
    let rule = |p: &str, policy| AuthzRule {
        pattern: p.into(),
        policy,
        format: MatchFormat::Glob,
    };
    objects
        .add(
            "acl",
            Object::Authz(Authz::List(AuthzList {
                policy: AuthzPolicy::Deny,
                rules: alloc::vec![rule("CN=cli*", AuthzPolicy::Allow)],
            })),
        )
        .unwrap();
    objects
        .add(
            "deny",
            Object::Authz(Authz::simple(Some("CN=someone-else")).unwrap()),
        )
        .unwrap();
    assert!(run(Some("acl"), &st.client).is_ok());
    assert_eq!(
        run(Some("deny"), &st.client).unwrap_err(),
        "TLS x509 authz check for CN=client is denied"
    );
    // A server without a hostname does no name check.
    assert!(run(None, &st.client).is_ok());
    // A client without a certificate completes the handshake (request, not
    // require) and is refused by the checks.
    let anon = setup(false);
    assert!(anon.client.identities.is_empty());
    let (mut s, mut c) = pair(
        TlsCreds::X509(st.server.clone()),
        TlsCreds::X509(anon.client.clone()),
        Some("localhost"),
        None,
        &objects,
    );
    drive(&mut s, &mut c).unwrap();
    assert_eq!(
        s.check_credentials().unwrap_err().message(),
        "Verify failed: No certificate was found."
    );
    // A client certificate from another CA has no known issuer; one from a
    // CA with the trusted CA's name but another key is not trusted.
    let other = setup_named(true, "another CA");
    let (mut s, mut c) = pair(
        TlsCreds::X509(st.server.clone()),
        TlsCreds::X509(other.client.clone()),
        Some("localhost"),
        None,
        &objects,
    );
    drive(&mut s, &mut c).unwrap();
    assert_eq!(
        s.check_credentials().unwrap_err().message(),
        "The certificate hasn't got a known issuer"
    );
    let other = setup(true);
    let (mut s, mut c) = pair(
        TlsCreds::X509(st.server.clone()),
        TlsCreds::X509(other.client.clone()),
        Some("localhost"),
        None,
        &objects,
    );
    drive(&mut s, &mut c).unwrap();
    assert_eq!(
        s.check_credentials().unwrap_err().message(),
        "The certificate is not trusted"
    );
}

#[test]
fn session_new_messages() {
    let st = setup(true);
    let objects = Arc::new(Objects::new());
    let (a, _b) = pipe();
    let e = QemuTlsSession::new(
        &TlsCreds::X509(st.server.clone()),
        None,
        None,
        Endpoint::Client,
        a,
        &opts(&objects),
    )
    .unwrap_err();
    assert_eq!(e.message(), "Credentials endpoint doesn't match session");
    assert_eq!(
        TlsCreds::X509(st.server.clone())
            .check_endpoint(Endpoint::Client)
            .unwrap_err()
            .message(),
        "Expected TLS credentials for a client endpoint"
    );
    let mut bad = (*st.server).clone();
    bad.options.priority = Some("NORMAL:+FOO".into());
    let (a, _b) = pipe();
    let e = QemuTlsSession::new(
        &TlsCreds::X509(Arc::new(bad)),
        None,
        None,
        Endpoint::Server,
        a,
        &opts(&objects),
    )
    .unwrap_err();
    assert_eq!(
        e.message(),
        "Unable to set TLS session priority NORMAL:+FOO: The request is invalid."
    );
}

#[test]
fn psk_sessions() {
    let d = Dir::new("spsk");
    psk::write_key("qemu", &[0x42; 32], &alloc::format!("{}/keys.psk", d.s())).unwrap();
    let popts = |ep, user: Option<&str>| PskOptions {
        dir: Some(d.s()),
        endpoint: ep,
        username: user.map(Into::into),
        priority: None,
    };
    let server = TlsCreds::Psk(Arc::new(
        PskCreds::load(&popts(Endpoint::Server, None)).unwrap(),
    ));
    let client = TlsCreds::Psk(Arc::new(
        PskCreds::load(&popts(Endpoint::Client, None)).unwrap(),
    ));
    assert_eq!(server.priority(), "NORMAL:+ECDHE-PSK:+DHE-PSK:+PSK");
    let objects = Arc::new(Objects::new());
    let (mut s, mut c) = pair(server.clone(), client, None, None, &objects);
    drive(&mut s, &mut c).unwrap();
    // PSK sessions check nothing and have no peer name.
    s.check_credentials().unwrap();
    c.check_credentials().unwrap();
    assert_eq!(s.peer_name(), None);
    assert_eq!(
        s.connection().negotiated().psk_identity.as_deref(),
        Some(&b"qemu"[..])
    );
    // The server re-reads keys.psk: a changed key fails the next handshake.
    psk::write_key("qemu", &[0x43; 32], &alloc::format!("{}/keys.psk", d.s())).unwrap();
    let stale = TlsCreds::Psk(Arc::new(PskCreds::Client {
        psk: psk::ClientPsk {
            identity: "qemu".into(),
            key: zeroize::Zeroizing::new(alloc::vec![0x42; 32]),
        },
        priority: None,
    }));
    let (mut s, mut c) = pair(server, stale, None, None, &objects);
    let e = drive(&mut s, &mut c).unwrap_err();
    assert!(e.message().starts_with("TLS handshake failed: "), "{e}");
}

#[test]
fn premature_termination() {
    let st = setup(true);
    let objects = Arc::new(Objects::new());
    let (mut s, mut c) = pair(
        TlsCreds::X509(st.server.clone()),
        TlsCreds::X509(st.client.clone()),
        Some("localhost"),
        None,
        &objects,
    );
    drive(&mut s, &mut c).unwrap();
    c.transport().hang_up();
    let mut buf = [0u8; 8];
    assert_eq!(
        s.read(&mut buf),
        Err(SessionIoError::PrematureTermination(QemuError::new(
            "Cannot read from TLS channel: The TLS connection was non-properly terminated."
        )))
    );
    // A handshake cut short is a handshake failure.
    let (a, b) = pipe();
    let mut s = QemuTlsSession::new(
        &TlsCreds::X509(st.server.clone()),
        None,
        None,
        Endpoint::Server,
        a,
        &opts(&objects),
    )
    .unwrap();
    b.hang_up();
    assert_eq!(
        s.handshake().unwrap_err().message(),
        "TLS handshake failed: The TLS connection was non-properly terminated."
    );
    // bye before the handshake is a no-op.
    assert_eq!(s.bye().unwrap(), HandshakeStatus::Complete);
}

#[test]
fn hybrid_directory_picks_by_peer_capability() {
    let ec = Pki::new(KeyType::EcdsaP256);
    let pq = Pki::new(KeyType::MlDsa65);
    let d = Dir::new("shyb");
    d.write(
        "ca-cert.pem",
        alloc::format!("{}{}", pq.ca.to_pem(), ec.ca.to_pem()).as_bytes(),
    );
    let (pc, pk) = pq.issue(&CertBuilder::server("pq", &["localhost"]), KeyType::MlDsa65);
    let (ecc, eck) = ec.issue(
        &CertBuilder::server("ec", &["localhost"]),
        KeyType::EcdsaP256,
    );
    write_identity(&d, "server-cert.pem", "server-key.pem", &[&pc], &pk);
    write_identity(&d, "server-cert-0.pem", "server-key-0.pem", &[&ecc], &eck);
    let o = Objects::new();
    let server = Arc::new(
        X509Creds::load(
            &X509Options::new(&d.s(), Endpoint::Server),
            &o,
            provider(),
            UnixTime::now(),
        )
        .unwrap(),
    );
    let cli = Dir::new("shybc");
    cli.write(
        "ca-cert.pem",
        alloc::format!("{}{}", pq.ca.to_pem(), ec.ca.to_pem()).as_bytes(),
    );
    let client = Arc::new(
        X509Creds::load(
            &X509Options::new(&cli.s(), Endpoint::Client),
            &o,
            provider(),
            UnixTime::now(),
        )
        .unwrap(),
    );
    let objects = Arc::new(Objects::new());
    let peer_cn = |priority: Option<&str>| {
        let (a, b) = pipe();
        let mut s = QemuTlsSession::new(
            &TlsCreds::X509(server.clone()),
            None,
            None,
            Endpoint::Server,
            a,
            &opts(&objects),
        )
        .unwrap();
        let mut creds = (*client).clone();
        creds.options.priority = priority.map(Into::into);
        let mut c = QemuTlsSession::new(
            &TlsCreds::X509(Arc::new(creds)),
            Some("localhost"),
            None,
            Endpoint::Client,
            b,
            &opts(&objects),
        )
        .unwrap();
        drive(&mut s, &mut c).unwrap();
        c.check_credentials().unwrap();
        c.peer_name().unwrap().to_string()
    };
    assert_eq!(peer_cn(None), "CN=pq");
    // The seeds' way to force classic certificates: drop ML-DSA by priority.
    assert_eq!(
        peer_cn(Some(
            "NORMAL:-SIGN-ML-DSA-44:-SIGN-ML-DSA-65:-SIGN-ML-DSA-87"
        )),
        "CN=ec"
    );
}

/// A v2 CRL from the CA of `pki` listing `serial`, current at `now`.
fn crl_pem(pki: &Pki, serial: &[u8]) -> String {
    use crate::pki::der_writer as w;
    let now = i64::try_from(UnixTime::now().0).unwrap();
    let alg = pki.ca_key.signature_algorithm_der();
    let entry = w::sequence(&[
        &w::integer_unsigned(serial),
        &w::utc_time(now - 60).unwrap(),
    ]);
    let tbs = w::sequence(&[
        &w::integer_u64(1),
        &alg,
        pki.ca.subject_der().unwrap(),
        &w::utc_time(now - 60).unwrap(),
        &w::utc_time(now + 86_400).unwrap(),
        &w::sequence(&[&entry]),
    ]);
    let sig = pki.ca_key.sign(&tbs).unwrap();
    crate::pem::encode(
        "X509 CRL",
        &w::sequence(&[&tbs, &alg, &w::bit_string(&sig)]),
    )
}

#[test]
fn revoked_client_certificate_is_refused_by_servers_only() {
    let pki = Pki::new(KeyType::EcdsaP256);
    let srv = Dir::new("crls");
    pki.write_ca(&srv);
    let (c, k) = pki.issue(
        &CertBuilder::server("server", &["localhost"]),
        KeyType::EcdsaP256,
    );
    write_identity(&srv, "server-cert.pem", "server-key.pem", &[&c], &k);
    let cli = Dir::new("crlc");
    pki.write_ca(&cli);
    let (c, k) = pki.issue(
        &CertBuilder::client("client").serial(&[0x42, 0x17]),
        KeyType::EcdsaP256,
    );
    write_identity(&cli, "client-cert.pem", "client-key.pem", &[&c], &k);
    srv.write("ca-crl.pem", crl_pem(&pki, &[0x42, 0x17]).as_bytes());
    let o = Objects::new();
    let server = Arc::new(
        X509Creds::load(
            &X509Options::new(&srv.s(), Endpoint::Server),
            &o,
            provider(),
            UnixTime::now(),
        )
        .unwrap(),
    );
    assert_eq!(server.crls.len(), 1);
    let client = Arc::new(
        X509Creds::load(
            &X509Options::new(&cli.s(), Endpoint::Client),
            &o,
            provider(),
            UnixTime::now(),
        )
        .unwrap(),
    );
    let objects = Arc::new(Objects::new());
    let (mut s, mut c) = pair(
        TlsCreds::X509(server),
        TlsCreds::X509(client),
        Some("localhost"),
        None,
        &objects,
    );
    drive(&mut s, &mut c).unwrap();
    assert_eq!(
        s.check_credentials().unwrap_err().message(),
        "The certificate has been revoked"
    );
    c.check_credentials().unwrap();
}

#[test]
fn psk_client_refuses_a_certificate_server() {
    let st = setup(true);
    let d = Dir::new("spskx");
    psk::write_key("qemu", &[0x42; 32], &alloc::format!("{}/keys.psk", d.s())).unwrap();
    let client = PskCreds::load(&PskOptions {
        dir: Some(d.s()),
        endpoint: Endpoint::Client,
        username: None,
        priority: None,
    })
    .unwrap();
    let objects = Arc::new(Objects::new());
    let (mut s, mut c) = pair(
        TlsCreds::X509(st.server.clone()),
        TlsCreds::Psk(Arc::new(client)),
        None,
        None,
        &objects,
    );
    let e = drive(&mut s, &mut c).unwrap_err();
    assert!(e.message().starts_with("TLS handshake failed: "), "{e}");
}
