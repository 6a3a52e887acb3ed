//! The QEMU-compatible side of the CLI: `qtls server`/`qtls client` with a
//! QEMU credentials directory (`--creds-dir`, `--psk-dir`), `qtls creds
//! check` and `qtls psk` (psktool's file format).
//!
//! Everything here goes through `qtls::qemu`, so errors read exactly as
//! QEMU prints them.

use crate::args::Args;
use crate::common;
use qtls::qemu::authz::{Authz, AuthzList, AuthzPolicy, AuthzRule, MatchFormat};
use qtls::qemu::secret::SecretSpec;
use qtls::qemu::session::{
    HandshakeStatus, QemuTlsSession, SessionIoError, SessionOptions, TlsCreds,
    gnutls_priority_resolver,
};
use qtls::qemu::{Endpoint, Object, Objects, PskCreds, PskOptions, X509Creds, X509Options, psk};
use qtls::time::UnixTime;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// Options of `qtls server`/`qtls client` that select and tune QEMU mode.
pub const VALUE_OPTS: &[&str] = &[
    "creds-dir",
    "psk-dir",
    "username",
    "priority",
    "password-file",
    "authz-dn",
    "hostname",
];
/// Flags of QEMU mode.
pub const FLAGS: &[&str] = &["no-verify-peer", "no-sanity-check"];

/// The authz object id the CLI registers for `--authz-dn`.
const AUTHZ_ID: &str = "qtls-authz";
/// The secret id the CLI registers for `--password-file`.
const PASSWORD_ID: &str = "qtls-password";

/// Whether the arguments ask for QEMU mode.
pub fn wanted(a: &Args) -> bool {
    a.value("creds-dir").is_some() || a.value("psk-dir").is_some()
}

/// What QEMU mode needs to open sessions.
struct Setup {
    creds: TlsCreds,
    opts: SessionOptions,
    authz: Option<&'static str>,
    warnings: Vec<String>,
}

/// Credentials, session options and the authz id from the arguments.
fn session_setup(a: &Args, endpoint: Endpoint) -> Result<Setup, String> {
    let provider = common::provider();
    let objects = Arc::new(Objects::new());
    let priority = a.value("priority").map(str::to_string);
    let mut warnings = Vec::new();
    let creds = if let Some(dir) = a.value("creds-dir") {
        let mut o = X509Options::new(dir, endpoint);
        o.verify_peer = !a.flag("no-verify-peer");
        o.sanity_check = !a.flag("no-sanity-check");
        o.priority = priority;
        if let Some(f) = a.value("password-file") {
            objects
                .add_secret(PASSWORD_ID, &SecretSpec::file(f))
                .map_err(|e| e.to_string())?;
            o.passwordid = Some(PASSWORD_ID.into());
        }
        let c = X509Creds::load(&o, &objects, provider.clone(), UnixTime::now())
            .map_err(|e| e.to_string())?;
        warnings.extend(c.warnings.iter().cloned());
        TlsCreds::X509(Arc::new(c))
    } else {
        let dir = a
            .value("psk-dir")
            .ok_or("--creds-dir or --psk-dir is required")?;
        let c = PskCreds::load(&PskOptions {
            dir: Some(dir.into()),
            endpoint,
            username: a.value("username").map(Into::into),
            priority,
        })
        .map_err(|e| e.to_string())?;
        if let PskCreds::Server { warnings: w, .. } = &c {
            warnings.extend(w.iter().cloned());
        }
        TlsCreds::Psk(Arc::new(c))
    };
    let patterns = a.values("authz-dn");
    let authz = if patterns.is_empty() {
        None
    } else {
        let rules = patterns
            .iter()
            .map(|p| AuthzRule {
                pattern: p.clone(),
                policy: AuthzPolicy::Allow,
                format: MatchFormat::Glob,
            })
            .collect();
        objects
            .add(
                AUTHZ_ID,
                Object::Authz(Authz::List(AuthzList {
                    policy: AuthzPolicy::Deny,
                    rules,
                })),
            )
            .map_err(|e| e.to_string())?;
        Some(AUTHZ_ID)
    };
    let opts = SessionOptions {
        objects,
        provider,
        resolver: gnutls_priority_resolver,
    };
    Ok(Setup {
        creds,
        opts,
        authz,
        warnings,
    })
}

/// Runs the handshake on a blocking socket and the peer checks.
fn establish(
    creds: &TlsCreds,
    opts: &SessionOptions,
    hostname: Option<&str>,
    authz: Option<&str>,
    endpoint: Endpoint,
    sock: TcpStream,
) -> Result<QemuTlsSession<TcpStream>, String> {
    let mut s = QemuTlsSession::new(creds, hostname, authz, endpoint, sock, opts)
        .map_err(|e| e.to_string())?;
    match s.handshake().map_err(|e| e.to_string())? {
        HandshakeStatus::Complete => {}
        // A blocking socket only "blocks" when its timeout expires.
        HandshakeStatus::Sending | HandshakeStatus::Recving => {
            return Err("TLS handshake timed out".into());
        }
    }
    // The negotiated parameters help to read a refusal.
    s.check_credentials()
        .map_err(|e| format!("{e} ({})", describe(&s)))?;
    Ok(s)
}

fn describe(s: &QemuTlsSession<TcpStream>) -> String {
    let mut d = common::describe(s.connection());
    if let Some(dn) = s.peer_name() {
        d.push_str(&format!(" peer='{dn}'"));
    }
    d
}

fn io_err(e: SessionIoError) -> String {
    match e {
        SessionIoError::Block => "timed out".into(),
        SessionIoError::PrematureTermination(m) | SessionIoError::Failed(m) => m.to_string(),
    }
}

/// `qtls server --listen ADDR --creds-dir DIR|--psk-dir DIR [--echo]`.
pub fn run_server(a: &Args) -> Result<(), String> {
    let listen = a.value("listen").ok_or("--listen ADDR:PORT is required")?;
    let Setup {
        creds,
        opts,
        authz,
        warnings,
    } = session_setup(a, Endpoint::Server)?;
    for w in &warnings {
        eprintln!("qtls server: warning: {w}");
    }
    let count: Option<u64> = match a.value("count") {
        Some(c) => Some(c.parse().map_err(|_| "--count needs a number")?),
        None => None,
    };
    let listener =
        TcpListener::bind(listen).map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    eprintln!(
        "qtls server: listening on {}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let mut served = 0u64;
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let peer = stream
            .peer_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
        let result =
            establish(&creds, &opts, None, authz, Endpoint::Server, stream).and_then(|mut s| {
                let desc = describe(&s);
                serve(&mut s, a.flag("echo"))
                    .map(|()| desc.clone())
                    .map_err(|e| format!("{e} ({desc})"))
            });
        match result {
            Ok(desc) => eprintln!("connection from {peer}: {desc}"),
            Err(e) => eprintln!("connection from {peer}: error: {e}"),
        }
        served += 1;
        if count.is_some_and(|c| served >= c) {
            break;
        }
    }
    Ok(())
}

fn serve(s: &mut QemuTlsSession<TcpStream>, echo: bool) -> Result<(), String> {
    let mut buf = vec![0u8; 16384];
    loop {
        let n = s.read(&mut buf).map_err(io_err)?;
        if n == 0 {
            break;
        }
        let data = buf.get(..n).unwrap_or(&[]);
        if echo {
            let mut off = 0;
            while off < data.len() {
                off += s.write(data.get(off..).unwrap_or(&[])).map_err(io_err)?;
            }
        } else {
            let mut out = std::io::stdout();
            out.write_all(data).ok();
            out.flush().ok();
        }
    }
    s.bye().map_err(|e| e.to_string())?;
    Ok(())
}

/// `qtls client HOST:PORT --creds-dir DIR|--psk-dir DIR`: stdin to the
/// server, the server to stdout, after QEMU's checks.
pub fn run_client(a: &Args) -> Result<(), String> {
    let addr = a.positional.first().ok_or("HOST:PORT is required")?;
    let Setup {
        creds, opts, authz, ..
    } = session_setup(a, Endpoint::Client)?;
    // QEMU callers pass the host they connect to; --hostname overrides it.
    let host = a
        .value("hostname")
        .or(a.value("host"))
        .map(str::to_string)
        .or_else(|| {
            addr.rsplit_once(':')
                .map(|(h, _)| h.trim_matches(['[', ']']).to_string())
        });
    let sock = TcpStream::connect(addr).map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    sock.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut s = establish(
        &creds,
        &opts,
        host.as_deref(),
        authz,
        Endpoint::Client,
        sock,
    )?;
    eprintln!("{}", describe(&s));
    relay(&mut s)
}

/// Relays stdin to the session and the session to stdout until the server
/// closes, or stdin has ended and the server has gone quiet.
fn relay(s: &mut QemuTlsSession<TcpStream>) -> Result<(), String> {
    let (tx, rx) = std::sync::mpsc::channel::<Option<Vec<u8>>>();
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin();
        let mut buf = vec![0u8; 16384];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) | Err(_) => {
                    let _ = tx.send(None);
                    return;
                }
                Ok(n) => {
                    if tx.send(Some(buf.get(..n).unwrap_or(&[]).to_vec())).is_err() {
                        return;
                    }
                }
            }
        }
    });
    // Short read timeouts turn the blocking socket into a polled one:
    // a timeout is QEMU's ERR_BLOCK.
    s.transport()
        .set_read_timeout(Some(Duration::from_millis(20)))
        .ok();
    let mut out = std::io::stdout();
    let mut buf = vec![0u8; 16384];
    let mut closed_at: Option<std::time::Instant> = None;
    loop {
        while let Ok(msg) = rx.try_recv() {
            match msg {
                Some(data) => {
                    let mut off = 0;
                    while off < data.len() {
                        match s.write(data.get(off..).unwrap_or(&[])) {
                            Ok(n) => off += n,
                            Err(SessionIoError::Block) => {
                                std::thread::sleep(Duration::from_millis(5))
                            }
                            Err(e) => return Err(io_err(e)),
                        }
                    }
                }
                None => {
                    let _ = s.bye().map_err(|e| e.to_string())?;
                    closed_at = Some(std::time::Instant::now());
                }
            }
        }
        match s.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => {
                out.write_all(buf.get(..n).unwrap_or(&[])).ok();
                out.flush().ok();
            }
            Err(SessionIoError::Block) => {}
            // After our close_notify the server may just hang up.
            Err(SessionIoError::PrematureTermination(_)) if closed_at.is_some() => {
                return Ok(());
            }
            Err(e) => return Err(io_err(e)),
        }
        if closed_at.is_some_and(|t| t.elapsed() > Duration::from_secs(2)) {
            return Ok(());
        }
    }
}

/// `qtls creds check --dir DIR --endpoint server|client [--password-file F]`.
pub fn run_creds(argv: &[String]) -> i32 {
    let Some((sub, rest)) = argv.split_first() else {
        eprintln!("usage: qtls creds check --dir DIR --endpoint server|client [--password-file F]");
        return 2;
    };
    if sub != "check" {
        eprintln!("qtls creds: unknown subcommand '{sub}'");
        return 2;
    }
    let a = match Args::parse(rest, &["dir", "endpoint", "password-file"], &[]) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("qtls creds check: {e}");
            return 2;
        }
    };
    let Some(dir) = a.value("dir") else {
        eprintln!("qtls creds check: --dir DIR is required");
        return 2;
    };
    let endpoint = match a.value("endpoint").unwrap_or("server") {
        "server" => Endpoint::Server,
        "client" => Endpoint::Client,
        other => {
            eprintln!("qtls creds check: --endpoint must be server or client, not '{other}'");
            return 2;
        }
    };
    let objects = Objects::new();
    let mut o = X509Options::new(dir, endpoint);
    if let Some(f) = a.value("password-file") {
        if let Err(e) = objects.add_secret(PASSWORD_ID, &SecretSpec::file(f)) {
            println!("error: {e}");
            return 1;
        }
        o.passwordid = Some(PASSWORD_ID.into());
    }
    let provider = common::provider();
    let now = UnixTime::now();
    let report = match X509Creds::load_for_report(&o, &objects, provider.clone()) {
        Ok(c) => c,
        Err(e) => {
            println!("error: {e}");
            return 1;
        }
    };
    println!(
        "directory {dir} ({} endpoint): {} CA certificate(s) in {}",
        endpoint.role(),
        report.ca_certs.len(),
        report.ca_path
    );
    for w in &report.warnings {
        println!("warning: {w}");
    }
    for (i, problems) in report.sanity_report(now) {
        let Some(id) = report.identities.get(i) else {
            continue;
        };
        print_identity(id);
        if problems.is_empty() {
            println!("  ok");
        }
        for p in problems {
            println!("  problem: {}", p.message);
            println!("    fix: {}", p.kind.fix());
        }
    }
    if report.identities.is_empty() {
        println!("no {} identity (allowed for a client)", endpoint.role());
    }
    match X509Creds::load(&o, &objects, provider, now) {
        Ok(_) => {
            println!("ok: QEMU would accept this directory");
            0
        }
        Err(e) => {
            println!("error: {e}");
            1
        }
    }
}

fn print_identity(id: &qtls::qemu::creds::LoadedIdentity) {
    println!("identity {}:", id.cert_path);
    let Some(leaf) = id.chain.first() else {
        return;
    };
    let Ok(cert) = qtls::x509::Certificate::parse(leaf) else {
        return;
    };
    println!(
        "  subject: {}",
        qtls::x509::dn_string(cert.subject_der()).unwrap_or_default()
    );
    println!("  key: {:?}", id.key.schemes());
    println!(
        "  signature: {:?}",
        id.identity.chain_schemes.first().copied().unwrap_or(&[])
    );
    let (nb, na) = cert.validity();
    println!("  valid: {} to {}", rfc3339(nb), rfc3339(na));
    if id.chain.len() > 1 {
        println!("  chain: {} certificates", id.chain.len());
    }
}

fn rfc3339(t: i64) -> String {
    match qtls::pki::civil_from_unix(t) {
        Ok(c) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        ),
        Err(_) => t.to_string(),
    }
}

/// `qtls psk -u USER -p FILE [-s BYTES]`: psktool's file editing.
pub fn run_psk(argv: &[String]) -> i32 {
    let mut user = None;
    let mut file = None;
    let mut size = None;
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next().cloned());
        match name {
            "-u" | "--username" => user = value(),
            "-p" | "--pskfile" | "--passwd" => file = value(),
            "-s" | "--keysize" => match value().map(|v| v.parse::<i64>()) {
                Some(Ok(n)) => size = Some(n),
                _ => {
                    eprintln!("qtls psk: --keysize needs a number");
                    return 1;
                }
            },
            other => {
                eprintln!("qtls psk: unknown option {other}");
                return 1;
            }
        }
    }
    let Some(file) = file else {
        eprintln!("You need to specify a PSK key file");
        return 1;
    };
    let user = match user
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
    {
        Some(u) => u,
        None => {
            eprintln!("qtls psk: cannot determine the user name; use -u");
            return 1;
        }
    };
    let size = match psk::key_size(size) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    println!("Generating a random key for user '{user}'");
    let mut key = zeroize::Zeroizing::new(vec![0u8; size]);
    if common::provider().fill_random(&mut key).is_err() {
        eprintln!("qtls psk: random number generator failed");
        return 1;
    }
    match psk::write_key(&user, &key, &file) {
        Ok(_) => {
            println!("Key stored to {file}");
            0
        }
        Err(e) => {
            eprintln!("{e}");
            1
        }
    }
}
