//! `qtls server`: accepts connections one after another on a TCP address and
//! answers them (echo, HTTP, or copy to stdout), logging one line each.
//!
//! In `--http` mode, `GET /reauth` asks the client for its certificate
//! after the handshake (post-handshake authentication) before answering,
//! and `GET /keyupdate` sends a KeyUpdate (update_requested) first; the
//! page says what happened.

use crate::args::Args;
use crate::common;
use crate::qemu;
use qtls::config::{ClientAuth, PskList, ServerConfig};
use qtls::conn::{Connection, ReauthStatus};
use qtls::io::TlsStream;
use qtls::time::UnixTime;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

const VALUE_OPTS: &[&str] = &[
    "listen",
    "cert",
    "key",
    "psk",
    "psk-identity",
    "client-ca",
    "groups",
    "priority",
    "count",
    "alpn",
    "compress-cert",
    "exporter",
    "tickets",
    "early-data",
];
const FLAGS: &[&str] = &[
    "echo",
    "http",
    "require-client-cert",
    "no-compat",
    "server-precedence",
    "hrr-cookie",
    "defer-client-auth",
    "channel-binding",
    "concurrent",
];

pub fn run(argv: &[String]) -> i32 {
    match run_inner(argv) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("qtls server: {e}");
            1
        }
    }
}

fn build_config(a: &Args) -> Result<ServerConfig, String> {
    let p = common::provider();
    let mut cfg = ServerConfig::new(p.clone());
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
        cfg.psk_store = Some(Arc::new(PskList(vec![common::psk_from_args(hex, id)?])));
    }
    if let Some(ca) = a.value("client-ca") {
        let v = common::client_verifier(&p, ca)?;
        cfg.client_auth = if a.flag("require-client-cert") {
            ClientAuth::Require(v)
        } else {
            ClientAuth::Request(v)
        };
    }
    common::apply_priority(&mut cfg.policy, p.as_ref(), a.value("priority"))?;
    common::apply_groups(&mut cfg.policy, a.value("groups"))?;
    if a.flag("no-compat") {
        cfg.policy.middlebox_compat = false;
    }
    if a.flag("server-precedence") {
        cfg.policy.server_precedence = true;
    }
    cfg.hrr_cookie = a.flag("hrr-cookie");
    cfg.defer_client_auth = a.flag("defer-client-auth");
    cfg.cert_compression = common::parse_compress(a.value("compress-cert"))?;
    let tickets: u8 = match a.value("tickets") {
        Some(n) => n.parse().map_err(|_| "--tickets needs a number (0-255)")?,
        None => 0,
    };
    let early: u32 = match a.value("early-data") {
        Some(n) => n.parse().map_err(|_| "--early-data needs a byte count")?,
        None => 0,
    };
    if early > 0 && tickets == 0 {
        return Err("--early-data needs --tickets".into());
    }
    if tickets > 0 {
        cfg.tickets = Some(
            qtls::session_store::TicketConfig::new(p.as_ref(), tickets)
                .map_err(|e| e.to_string())?,
        );
    }
    if early > 0 {
        // Stateless tickets with the ticket-age window and a replay filter
        // of seen binders (see qtls::session_store for the guarantee).
        cfg.early_data = Some(qtls::session_store::EarlyDataConfig {
            max_size: early,
            anti_replay: qtls::session_store::AntiReplay::Window {
                seconds: 10,
                filter: Arc::new(qtls::session_store::MemoryReplayFilter::new(10, 100_000)),
            },
        });
    }
    cfg.alpn = a
        .values("alpn")
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
    cfg.validate().map_err(|e| format!("configuration: {e}"))?;
    Ok(cfg)
}

fn run_inner(argv: &[String]) -> Result<(), String> {
    let values: Vec<&str> = VALUE_OPTS.iter().chain(qemu::VALUE_OPTS).copied().collect();
    let flags: Vec<&str> = FLAGS.iter().chain(qemu::FLAGS).copied().collect();
    let a = Args::parse(argv, &values, &flags)?;
    if qemu::wanted(&a) {
        return qemu::run_server(&a);
    }
    let listen = a.value("listen").ok_or("--listen ADDR:PORT is required")?;
    let cfg = Arc::new(build_config(&a)?);
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
    let mode = if a.flag("http") {
        Mode::Http
    } else if a.flag("echo") {
        Mode::Echo
    } else {
        Mode::Stdout
    };
    let exporter = match a.value("exporter") {
        Some(spec) => Some(common::parse_exporter(spec)?),
        None => None,
    };
    // --concurrent: a thread per connection (loopback load tests hold
    // hundreds of connections open at once); otherwise one at a time.
    let concurrent = a.flag("concurrent");
    let mut served = 0u64;
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let peer = stream
            .peer_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let serve_one = {
            let cfg = cfg.clone();
            let exporter = exporter.clone();
            let channel_binding = a.flag("channel-binding");
            move || match serve(&cfg, stream, mode, exporter.as_ref(), channel_binding) {
                Ok(desc) => eprintln!("connection from {peer}: {desc}"),
                Err(e) => eprintln!("connection from {peer}: error: {e}"),
            }
        };
        if concurrent {
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(serve_one)
                .map_err(|e| format!("cannot start a connection thread: {e}"))?;
        } else {
            serve_one();
        }
        served += 1;
        if count.is_some_and(|c| served >= c) {
            break;
        }
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Mode {
    Echo,
    Http,
    Stdout,
}

fn serve(
    cfg: &Arc<ServerConfig>,
    stream: TcpStream,
    mode: Mode,
    exporter: Option<&(String, usize)>,
    channel_binding: bool,
) -> Result<String, String> {
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
    let conn = Connection::server(cfg.clone()).map_err(|e| e.to_string())?;
    let mut tls = TlsStream::new(conn, stream);
    tls.handshake().map_err(|e| e.to_string())?;
    let mut desc = common::describe(tls.conn());
    if let Some((label, len)) = exporter {
        let hex = common::exporter_hex(tls.conn(), label, *len)?;
        desc.push_str(&format!(" exporter={hex}"));
    }
    if channel_binding {
        let cb = tls.conn().channel_binding().map_err(|e| e.to_string())?;
        let hex: String = cb.iter().map(|b| format!("{b:02x}")).collect();
        desc.push_str(&format!(" tls-exporter={hex}"));
    }
    let early = tls.conn_mut().take_early_data();
    if !early.is_empty() {
        eprintln!("qtls server: early data: {} bytes", early.len());
        match mode {
            Mode::Echo => tls.write_all(&early).map_err(|e| e.to_string())?,
            Mode::Stdout => {
                let mut out = std::io::stdout();
                out.write_all(&early).ok();
                out.flush().ok();
            }
            Mode::Http => {}
        }
    }
    let mut buf = vec![0u8; 16384];
    match mode {
        Mode::Echo => loop {
            let n = tls
                .read(&mut buf)
                .map_err(|e| format!("{desc}; read: {e}"))?;
            if n == 0 {
                break;
            }
            tls.write_all(buf.get(..n).unwrap_or(&[]))
                .map_err(|e| format!("{desc}; write: {e}"))?;
        },
        Mode::Http => {
            let mut req = Vec::new();
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = tls
                    .read(&mut buf)
                    .map_err(|e| format!("{desc}; read: {e}"))?;
                if n == 0 {
                    break;
                }
                req.extend_from_slice(buf.get(..n).unwrap_or(&[]));
                if req.len() > 64 * 1024 {
                    break;
                }
            }
            let path = req
                .split(|b| *b == b' ')
                .nth(1)
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .unwrap_or_default();
            let action = match path.as_str() {
                "/reauth" => reauth(&mut tls)?,
                "/keyupdate" => {
                    // update_requested; the page goes out under the new keys.
                    // The client's answering KeyUpdate is not waited for:
                    // OpenSSL sends it only with its next write.
                    tls.conn_mut()
                        .key_update(true)
                        .map_err(|e| format!("{desc}; key update: {e}"))?;
                    "key update sent".to_string()
                }
                _ => String::new(),
            };
            let body = format!("<html><body>qtls: {desc}<br>{action}</body></html>\n");
            let resp = format!(
                "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            if req.starts_with(b"GET ") {
                tls.write_all(resp.as_bytes()).map_err(|e| e.to_string())?;
            }
        }
        Mode::Stdout => loop {
            let n = tls
                .read(&mut buf)
                .map_err(|e| format!("{desc}; read: {e}"))?;
            if n == 0 {
                break;
            }
            let mut out = std::io::stdout();
            out.write_all(buf.get(..n).unwrap_or(&[])).ok();
            out.flush().ok();
        },
    }
    let closed_by = if tls.conn().peer_closed() {
        "client"
    } else {
        "server"
    };
    tls.bye().ok();
    Ok(format!(
        "{desc}{}",
        common::session_summary(tls.conn(), closed_by)
    ))
}

/// `GET /reauth`: post-handshake client authentication, waiting for the
/// client's answer. Returns the line for the page.
fn reauth(tls: &mut TlsStream<TcpStream>) -> Result<String, String> {
    // A refused request (the client did not offer post_handshake_auth, no
    // --client-ca) is reported on the page; the connection goes on.
    if let Err(e) = tls.conn_mut().request_client_auth(UnixTime::now()) {
        eprintln!("qtls server: post-handshake authentication refused: {e}");
        return Ok(format!("reauth: refused: {e}"));
    }
    let mut early_data = Vec::new();
    tls.process_until(
        |c| c.reauth_status() != ReauthStatus::Pending,
        &mut early_data,
    )
    .map_err(|e| format!("reauth: {e}"))?;
    let status = tls.conn().reauth_status();
    eprintln!("qtls server: post-handshake authentication: {status:?}");
    Ok(match status {
        ReauthStatus::Authenticated => {
            let n = tls.conn().negotiated();
            let subject = n
                .peer_certificates
                .first()
                .and_then(|c| qtls::x509::summarize(c).ok())
                .and_then(|s| qtls::x509::dn_string(s.subject))
                .unwrap_or_default();
            format!(
                "reauth: authenticated as {subject} ({:?})",
                n.client_signature_scheme
            )
        }
        other => format!("reauth: {other:?}"),
    })
}
