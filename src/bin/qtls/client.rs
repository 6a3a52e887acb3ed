//! `qtls client HOST:PORT`: connects, verifies, prints what was negotiated
//! on stderr, then relays stdin to the connection and the connection to
//! stdout (like gnutls-cli). Exits 0 only after a verified, completed
//! handshake and a clean end.

use crate::args::Args;
use crate::common;
use crate::qemu;
use qtls::config::ClientConfig;
use qtls::conn::{AppRead, Connection, Progress};
use qtls::time::UnixTime;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const VALUE_OPTS: &[&str] = &[
    "ca",
    "host",
    "cert",
    "key",
    "psk",
    "psk-identity",
    "groups",
    "priority",
    "alpn",
    "key-shares",
    "timeout",
    "compress-cert",
    "exporter",
    "early-data",
];
const FLAGS: &[&str] = &[
    "no-verify",
    "no-sni",
    "no-compat",
    "key-update",
    "post-handshake-auth",
    "channel-binding",
    "resume",
];

pub fn run(argv: &[String]) -> i32 {
    match run_inner(argv) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("qtls client: {e}");
            1
        }
    }
}

fn build_config(a: &Args) -> Result<ClientConfig, String> {
    let p = common::provider();
    let verifier = if a.flag("no-verify") {
        Arc::new(qtls::verify::DangerousNoVerification) as _
    } else if let Some(ca) = a.value("ca") {
        common::server_verifier(&p, ca)?
    } else if a.value("psk").is_some() {
        // PSK-only: no certificate is expected; refuse any that arrives.
        Arc::new(qtls::verify::PinnedCertVerifier::new(Vec::new())) as _
    } else {
        return Err("--ca CA.pem (or --psk, or --no-verify) is required".into());
    };
    let mut cfg = ClientConfig::new(p.clone(), verifier);
    // Several identities, like the server's: the first one the server's
    // CertificateRequest accepts is used (QEMU's hybrid credential sets).
    let certs = a.values("cert");
    let keys = a.values("key");
    if certs.len() != keys.len() {
        return Err("each --cert needs a --key".into());
    }
    for (c, k) in certs.iter().zip(keys) {
        cfg.identities.push(common::load_identity(&p, c, k)?);
    }
    if let Some(hex) = a.value("psk") {
        let id = a.value("psk-identity").unwrap_or("qemu");
        cfg.psks.push(common::psk_from_args(hex, id)?);
    }
    common::apply_priority(&mut cfg.policy, p.as_ref(), a.value("priority"))?;
    common::apply_groups(&mut cfg.policy, a.value("groups"))?;
    if let Some(n) = a.value("key-shares") {
        cfg.key_shares = n.parse().map_err(|_| "--key-shares needs a number")?;
    }
    cfg.send_sni = !a.flag("no-sni");
    cfg.post_handshake_auth = a.flag("post-handshake-auth");
    cfg.cert_compression = common::parse_compress(a.value("compress-cert"))?;
    if a.flag("no-compat") {
        cfg.policy.middlebox_compat = false;
    }
    cfg.alpn = a
        .values("alpn")
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
    Ok(cfg)
}

fn run_inner(argv: &[String]) -> Result<(), String> {
    let values: Vec<&str> = VALUE_OPTS.iter().chain(qemu::VALUE_OPTS).copied().collect();
    let flags: Vec<&str> = FLAGS.iter().chain(qemu::FLAGS).copied().collect();
    let a = Args::parse(argv, &values, &flags)?;
    if qemu::wanted(&a) {
        return qemu::run_client(&a);
    }
    let addr = a.positional.first().ok_or("HOST:PORT is required")?;
    let mut cfg = build_config(&a)?;
    let early_data = match a.value("early-data") {
        Some(path) => Some(std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?),
        None => None,
    };
    // --early-data needs a ticket, so it implies --resume.
    let resume = a.flag("resume") || early_data.is_some();
    let store = Arc::new(qtls::session_store::MemoryClientStore::new(8));
    if resume {
        cfg.session_store = Some(store.clone());
    }
    let cfg = Arc::new(cfg);
    let host = a.value("host").map(str::to_string).or_else(|| {
        addr.rsplit_once(':')
            .map(|(h, _)| h.trim_matches(['[', ']']).to_string())
    });
    let timeout = Duration::from_secs(
        a.value("timeout")
            .and_then(|t| t.parse().ok())
            .unwrap_or(10),
    );
    let key = host.as_deref().unwrap_or("");
    if resume {
        // A first connection to collect tickets, closed right after.
        let mut sock =
            TcpStream::connect(addr).map_err(|e| format!("cannot connect to {addr}: {e}"))?;
        sock.set_nodelay(true).ok();
        let mut conn =
            Connection::client(cfg.clone(), host.as_deref()).map_err(|e| e.to_string())?;
        sock.set_read_timeout(Some(timeout)).ok();
        drive_handshake(&mut conn, &mut sock)?;
        eprintln!("qtls client: first connection: {}", common::describe(&conn));
        wait_for_ticket(&mut conn, &mut sock, &store, key, timeout)?;
        let _ = conn.bye();
        flush(&mut conn, &mut sock).ok();
    }
    let mut sock =
        TcpStream::connect(addr).map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    sock.set_nodelay(true).ok();
    let mut conn = Connection::client(cfg, host.as_deref()).map_err(|e| e.to_string())?;
    if let Some(d) = &early_data {
        conn.set_early_data(d).map_err(|e| e.to_string())?;
    }

    // Handshake (blocking socket with a deadline).
    sock.set_read_timeout(Some(timeout)).ok();
    drive_handshake(&mut conn, &mut sock)?;
    eprintln!("{}", common::describe(&conn));
    // --exporter LABEL:LEN (repeatable): RFC 8446 §7.5 with an empty
    // context, which TLS 1.3 treats exactly like no context.
    for spec in a.values("exporter") {
        let (label, len) = common::parse_exporter(spec)?;
        println!(
            "- Exported keying material {label} ({len} bytes): {}",
            common::exporter_hex(&conn, &label, len)?
        );
    }
    if a.flag("channel-binding") {
        let cb = conn.channel_binding().map_err(|e| e.to_string())?;
        let hex: String = cb.iter().map(|b| format!("{b:02x}")).collect();
        println!("- Channel binding 'tls-exporter': {hex}");
    }
    if resume {
        let resumed = conn.negotiated().resumed;
        eprintln!(
            "qtls client: resumed: {}",
            if resumed { "yes" } else { "no" }
        );
    }
    if let Some(d) = &early_data {
        let sent = conn.early_data_sent();
        let accepted =
            conn.negotiated().early_data == qtls::session_store::EarlyDataStatus::Accepted;
        eprintln!(
            "qtls client: early data: {} ({sent} of {} bytes)",
            if accepted { "accepted" } else { "rejected" },
            d.len()
        );
        // What the server did not take goes again as ordinary data.
        let rest = if accepted {
            d.get(sent..).unwrap_or(&[])
        } else {
            d.as_slice()
        };
        let mut off = 0;
        while off < rest.len() {
            off += conn.write(&rest[off..]).map_err(|e| e.to_string())?;
            flush(&mut conn, &mut sock)?;
        }
    }
    if a.flag("key-update") {
        conn.key_update(true).map_err(|e| e.to_string())?;
    }
    let closed_by = relay(&mut conn, &mut sock, timeout)?;
    eprintln!(
        "qtls client: end:{}",
        common::session_summary(&conn, closed_by)
    );
    Ok(())
}

/// Reads from the first connection until a ticket is stored (or the server
/// closes, or `timeout` passes without one).
fn wait_for_ticket(
    conn: &mut Connection,
    sock: &mut TcpStream,
    store: &qtls::session_store::MemoryClientStore,
    key: &str,
    timeout: Duration,
) -> Result<(), String> {
    let start = Instant::now();
    sock.set_read_timeout(Some(Duration::from_millis(50))).ok();
    let mut buf = vec![0u8; 16384];
    while store.count(key) == 0 && start.elapsed() < timeout {
        match conn.read(&mut buf).map_err(|e| e.to_string())? {
            AppRead::Data(_) => continue,
            AppRead::Closed => break,
            AppRead::WouldBlock => {}
        }
        match sock.read(conn.recv_space()) {
            Ok(0) => break,
            Ok(n) => conn.commit_recv(n),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    if store.count(key) == 0 {
        eprintln!("qtls client: no session ticket received");
    }
    Ok(())
}

fn flush(conn: &mut Connection, sock: &mut TcpStream) -> Result<(), String> {
    while conn.wants_write() {
        let n = sock
            .write(conn.pending_tls())
            .map_err(|e| format!("write: {e}"))?;
        conn.consume_tls(n);
    }
    Ok(())
}

fn drive_handshake(conn: &mut Connection, sock: &mut TcpStream) -> Result<(), String> {
    loop {
        let r = conn.handshake(UnixTime::now());
        flush(conn, sock)?;
        match r.map_err(|e| format!("handshake failed: {e}"))? {
            Progress::Complete => return Ok(()),
            Progress::Sending => {}
            Progress::Receiving => {
                let space = conn.recv_space();
                let n = sock
                    .read(space)
                    .map_err(|e| format!("handshake read: {e}"))?;
                if n == 0 {
                    return Err("handshake failed: the server closed the connection".into());
                }
                conn.commit_recv(n);
            }
        }
    }
}

/// Relays stdin to the connection and the connection to stdout until the
/// server closes, or stdin ends and the server has answered. Returns which
/// side sent close_notify first.
fn relay(
    conn: &mut Connection,
    sock: &mut TcpStream,
    timeout: Duration,
) -> Result<&'static str, String> {
    let (tx, rx) = mpsc::channel::<Option<Vec<u8>>>();
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
                    if tx.send(Some(buf[..n].to_vec())).is_err() {
                        return;
                    }
                }
            }
        }
    });
    sock.set_read_timeout(Some(Duration::from_millis(20))).ok();
    let mut stdin_done = false;
    let mut closed_at: Option<Instant> = None;
    let mut last_activity = Instant::now();
    let mut out = std::io::stdout();
    let mut buf = vec![0u8; 16384];
    let mut reauths = 0u64;
    loop {
        if conn.reauth_count() != reauths {
            reauths = conn.reauth_count();
            eprintln!(
                "qtls client: answered post-handshake authentication: {:?}",
                conn.reauth_status()
            );
        }
        // stdin -> connection
        while let Ok(msg) = rx.try_recv() {
            match msg {
                Some(data) => {
                    let mut off = 0;
                    while off < data.len() {
                        off += conn.write(&data[off..]).map_err(|e| e.to_string())?;
                        flush(conn, sock)?;
                    }
                }
                None => {
                    stdin_done = true;
                    closed_at = Some(Instant::now());
                    let _ = conn.bye().map_err(|e| e.to_string())?;
                }
            }
            last_activity = Instant::now();
        }
        flush(conn, sock)?;
        // connection -> stdout
        loop {
            match conn.read(&mut buf).map_err(|e| e.to_string())? {
                AppRead::Data(n) => {
                    out.write_all(&buf[..n]).map_err(|e| e.to_string())?;
                    out.flush().ok();
                    last_activity = Instant::now();
                }
                AppRead::Closed => {
                    flush(conn, sock)?;
                    if stdin_done {
                        return Ok("client");
                    }
                    let _ = conn.bye();
                    flush(conn, sock).ok();
                    return Ok("server");
                }
                AppRead::WouldBlock => break,
            }
        }
        flush(conn, sock)?;
        match sock.read(conn.recv_space()) {
            Ok(0) => {
                return if stdin_done {
                    Ok("client")
                } else {
                    Err("the server closed the connection without close_notify".into())
                };
            }
            Ok(n) => {
                conn.commit_recv(n);
                last_activity = Instant::now();
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(format!("read: {e}")),
        }
        if let Some(t) = closed_at {
            // After our close_notify, wait briefly for the server's answer.
            if t.elapsed() > timeout.min(Duration::from_secs(2))
                && last_activity.elapsed() > Duration::from_millis(500)
            {
                return Ok("client");
            }
        }
    }
}
