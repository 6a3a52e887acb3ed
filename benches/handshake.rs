//! Handshake cost, qtls beside rustls (aws-lc-rs provider) and beside the
//! crypto floor, each side timed on its own: full handshakes for four
//! signature schemes × three groups, a HelloRetryRequest, external PSKs
//! and ticket resumption. Prints a ratio table at the end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use criterion::{BenchmarkGroup, measurement::WallTime};
use qtls::codec::enums::{CipherSuite, NamedGroup, PskKeyExchangeMode};
use qtls::pki::KeyType;
use std::hint::black_box;
use std::time::Duration;

const SUITE: CipherSuite = CipherSuite::TLS_AES_128_GCM_SHA256;
const KEYS: [KeyType; 4] = [
    KeyType::EcdsaP256,
    KeyType::Ed25519,
    KeyType::Rsa2048,
    KeyType::MlDsa65,
];
const GROUPS: [NamedGroup; 3] = [
    NamedGroup::X25519,
    NamedGroup::SECP256R1,
    NamedGroup::X25519MLKEM768,
];
const SIDES: [&str; 2] = ["client", "server"];

/// Benchmarks one side of a handshake routine that adds each side's time.
fn side(
    g: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    which: usize,
    mut run: impl FnMut(&mut [Duration; 2]),
) {
    if table_only() {
        return;
    }
    g.bench_function(id, |b| {
        b.iter_custom(|iters| {
            let mut t = [Duration::ZERO; 2];
            for _ in 0..iters {
                run(&mut t);
            }
            t[which]
        })
    });
}

/// Benchmarks a floor routine timed as a whole.
fn floor(g: &mut BenchmarkGroup<'_, WallTime>, id: &str, mut run: impl FnMut() -> usize) {
    if table_only() {
        return;
    }
    g.bench_function(id, |b| {
        b.iter_custom(|iters| {
            let t0 = Instant::now();
            for _ in 0..iters {
                black_box(run());
            }
            t0.elapsed()
        })
    });
}

/// One scenario's interleaved figures: per side (client, server) the
/// median µs of qtls, rustls and the floor, and the ratios.
struct Row {
    what: String,
    sides: [[Option<f64>; 6]; 2],
}

const ROUNDS: usize = 11;
const SLICE: Duration = Duration::from_millis(20);

/// Measures the scenario's routines interleaved: `q` and `r` (optional)
/// are whole handshakes timing both sides, `fc`/`fs` the floors.
fn table_row(
    what: String,
    q: Option<Routine<'_>>,
    r: Option<Routine<'_>>,
    fc: impl FnMut() -> usize,
    fs: impl FnMut() -> usize,
) -> Row {
    if std::env::var_os("QTLS_BENCH_NO_TABLE").is_some() {
        return Row {
            what,
            sides: [[None; 6]; 2],
        };
    }
    let mut fc = fc;
    let mut fs = fs;
    let mut routines: Vec<Routine<'_>> = Vec::new();
    let has_q = q.is_some();
    let has_r = r.is_some();
    routines.extend(q);
    routines.extend(r);
    routines.push(Box::new(move || {
        let t0 = Instant::now();
        black_box(fc());
        ([t0.elapsed(), Duration::ZERO], 1)
    }));
    routines.push(Box::new(move || {
        let t0 = Instant::now();
        black_box(fs());
        ([Duration::ZERO, t0.elapsed()], 1)
    }));
    let m = interleave(&mut routines, ROUNDS, SLICE);
    let none: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let qi = if has_q { &m[0] } else { &none };
    let ri = if has_r { &m[usize::from(has_q)] } else { &none };
    let fci = &m[m.len() - 2];
    let fsi = &m[m.len() - 1];
    let mut sides = [[None; 6]; 2];
    for (p, f) in [(0, &fci[0]), (1, &fsi[1])] {
        sides[p] = [
            median(&qi[p]),
            median(&ri[p]),
            median(f),
            ratio_of(&qi[p], f),
            ratio_of(&ri[p], f),
            ratio_of(&ri[p], &qi[p]),
        ];
    }
    Row { what, sides }
}

fn qtls_routine<'a>(
    qc: &'a std::sync::Arc<qtls::ClientConfig>,
    qs: &'a std::sync::Arc<qtls::ServerConfig>,
) -> Routine<'a> {
    Box::new(move || {
        let mut t = [Duration::ZERO; 2];
        black_box(qtls_handshake(qc, qs, &mut t));
        (t, 1)
    })
}

fn rustls_routine<'a>(
    rc: &'a std::sync::Arc<rustls::ClientConfig>,
    rs: &'a std::sync::Arc<rustls::ServerConfig>,
) -> Routine<'a> {
    Box::new(move || {
        let mut t = [Duration::ZERO; 2];
        black_box(rustls_handshake(rc, rs, &mut t));
        (t, 1)
    })
}

fn full(c: &mut criterion::Criterion, rows: &mut Vec<Row>) {
    for kt in KEYS {
        let certs = certs(kt);
        for grp in GROUPS {
            let name = format!("hs-{}-{}", key_name(kt), group_name(grp));
            let mut g = c.benchmark_group(&name);
            let (qc, qs) = qtls_configs(&certs, &[grp], &[grp], SUITE);
            let has_rustls = kt != KeyType::MlDsa65;
            let (rc, rs) = rustls_configs(&certs, &[grp], &[grp], SUITE);
            let fl = Floor::new(Some(&certs), Some(grp));
            let share = fl.server_share();
            let cert_len = certs.leaf.len();
            for (which, s) in SIDES.iter().enumerate() {
                side(&mut g, &format!("{s}-qtls"), which, |t| {
                    black_box(qtls_handshake(&qc, &qs, t));
                });
                if has_rustls {
                    side(&mut g, &format!("{s}-rustls"), which, |t| {
                        black_box(rustls_handshake(&rc, &rs, t));
                    });
                }
                if which == 0 {
                    floor(&mut g, "client-floor", || {
                        fl.client(true, &share, cert_len, 2)
                    });
                } else {
                    floor(&mut g, "server-floor", || fl.server(true, cert_len));
                }
            }
            g.finish();
            rows.push(table_row(
                format!("full {} {}", key_name(kt), group_name(grp)),
                Some(qtls_routine(&qc, &qs)),
                has_rustls.then(|| rustls_routine(&rc, &rs)),
                || fl.client(true, &share, cert_len, 2),
                || fl.server(true, cert_len),
            ));
        }
    }
}

fn hrr(c: &mut criterion::Criterion, rows: &mut Vec<Row>) {
    let certs = certs(KeyType::EcdsaP256);
    let name = "hs-hrr-ecdsa-p256".to_string();
    let mut g = c.benchmark_group(&name);
    // The client shares X25519 first; the server accepts only secp256r1.
    let cg = [NamedGroup::X25519, NamedGroup::SECP256R1];
    let sg = [NamedGroup::SECP256R1];
    let (qc, qs) = qtls_configs(&certs, &cg, &sg, SUITE);
    let (rc, rs) = rustls_configs(&certs, &cg, &sg, SUITE);
    {
        let mut t = [Duration::ZERO; 2];
        let (cl, _) = qtls_handshake(&qc, &qs, &mut t);
        assert!(cl.negotiated().hello_retry, "qtls HRR scenario");
    }
    let fl = Floor::new(Some(&certs), Some(NamedGroup::SECP256R1));
    let wasted = Floor::new(None, Some(NamedGroup::X25519));
    let share = fl.server_share();
    let cert_len = certs.leaf.len();
    for (which, s) in SIDES.iter().enumerate() {
        side(&mut g, &format!("{s}-qtls"), which, |t| {
            black_box(qtls_handshake(&qc, &qs, t));
        });
        side(&mut g, &format!("{s}-rustls"), which, |t| {
            black_box(rustls_handshake(&rc, &rs, t));
        });
    }
    floor(&mut g, "client-floor", || {
        fl.client_hrr(&wasted, &share, cert_len)
    });
    floor(&mut g, "server-floor", || fl.server(true, cert_len));
    g.finish();
    rows.push(table_row(
        "HRR ecdsa-p256 x25519→p256".into(),
        Some(qtls_routine(&qc, &qs)),
        Some(rustls_routine(&rc, &rs)),
        || fl.client_hrr(&wasted, &share, cert_len),
        || fl.server(true, cert_len),
    ));
}

fn psk(c: &mut criterion::Criterion, rows: &mut Vec<Row>) {
    for (mode, label) in [
        (PskKeyExchangeMode::PSK_KE, "psk_ke"),
        (PskKeyExchangeMode::PSK_DHE_KE, "psk_dhe_ke"),
    ] {
        let name = format!("hs-{label}");
        let mut g = c.benchmark_group(&name);
        let (qc, qs) = qtls_psk_configs(mode);
        let dhe = mode == PskKeyExchangeMode::PSK_DHE_KE;
        let fl = Floor::new(None, Some(NamedGroup::X25519));
        let share = fl.server_share();
        for (which, s) in SIDES.iter().enumerate() {
            side(&mut g, &format!("{s}-qtls"), which, |t| {
                black_box(qtls_handshake(&qc, &qs, t));
            });
        }
        floor(&mut g, "client-floor", || fl.client(dhe, &share, 0, 0));
        floor(&mut g, "server-floor", || fl.server(dhe, 0));
        g.finish();
        rows.push(table_row(
            if dhe {
                format!("external PSK {label} (X25519)")
            } else {
                format!("external PSK {label}")
            },
            Some(qtls_routine(&qc, &qs)),
            None,
            || fl.client(dhe, &share, 0, 0),
            || fl.server(dhe, 0),
        ));
    }
}

/// Resumption with tickets, ECDSA P-256 + X25519 (psk_dhe_ke). qtls's
/// tickets are being built on branch `resume`: once merged, replace
/// `qtls_resumed` with a handshake that first takes a ticket from a full
/// handshake and then resumes with it (like `rustls_resumed`), and the
/// qtls rows appear in the table by themselves.
fn resumption(c: &mut criterion::Criterion, rows: &mut Vec<Row>) {
    let certs = certs(KeyType::EcdsaP256);
    let name = "hs-resume-ecdsa-p256-x25519".to_string();
    let mut g = c.benchmark_group(&name);
    let grp = [NamedGroup::X25519];
    let (rc, rs) = rustls_configs(&certs, &grp, &grp, SUITE);
    let mut rs = (*rs).clone();
    rs.send_tls13_tickets = 1;
    rs.ticketer = rustls::crypto::aws_lc_rs::Ticketer::new().unwrap();
    let rs = std::sync::Arc::new(rs);
    let rustls_resumed = |t: &mut [Duration; 2]| {
        // A full handshake (untimed) leaves a ticket in the client config's
        // session cache; the timed handshake resumes with it.
        let mut ignore = [Duration::ZERO; 2];
        let (mut cl, mut sv) = rustls_handshake(&rc, &rs, &mut ignore);
        let mut buf = Vec::new();
        while sv.wants_write() {
            sv.write_tls(&mut buf).unwrap();
        }
        rustls_feed(&mut cl, &mut buf);
        cl.process_new_packets().unwrap();
        let (cl, _) = rustls_handshake(&rc, &rs, t);
        assert!(
            matches!(cl.handshake_kind(), Some(rustls::HandshakeKind::Resumed)),
            "rustls did not resume"
        );
    };
    let (qc, qs) = qtls_configs(&certs, &grp, &grp, SUITE);
    let (mut qc, mut qs) = ((*qc).clone(), (*qs).clone());
    qc.session_store = Some(std::sync::Arc::new(
        qtls::session_store::MemoryClientStore::new(4),
    ));
    let p = qtls::provider::aws_lc::default_provider();
    qs.tickets = Some(qtls::session_store::TicketConfig::new(p.as_ref(), 1).unwrap());
    let (qc, qs) = (std::sync::Arc::new(qc), std::sync::Arc::new(qs));
    let qtls_resumed = |t: &mut [Duration; 2]| {
        // A full handshake (untimed) whose NewSessionTicket the client
        // stores as it reads; the timed handshake resumes with it (each
        // ticket is taken from the store when offered).
        let mut ignore = [Duration::ZERO; 2];
        let (mut cl, mut sv) = qtls_handshake(&qc, &qs, &mut ignore);
        let mut buf = Vec::new();
        sv.write_tls_into(&mut buf);
        feed(&mut cl, &mut buf);
        let mut sink = [0u8; 64];
        let _ = cl.read(&mut sink).unwrap();
        let (cl, _) = qtls_handshake(&qc, &qs, t);
        assert!(cl.negotiated().resumed, "qtls did not resume");
    };
    let qtls_resumed = Some(qtls_resumed);
    let fl = Floor::new(None, Some(NamedGroup::X25519));
    let share = fl.server_share();
    for (which, s) in SIDES.iter().enumerate() {
        if let Some(f) = qtls_resumed {
            side(&mut g, &format!("{s}-qtls"), which, f);
        }
        side(&mut g, &format!("{s}-rustls"), which, rustls_resumed);
    }
    // The floor: X25519 and the key schedule; the server also seals and the
    // client also stores a ticket, which is AEAD work of a few hundred bytes.
    floor(&mut g, "client-floor", || fl.client(true, &share, 0, 0));
    floor(&mut g, "server-floor", || fl.server(true, 0));
    g.finish();
    let rr = rustls_resumed;
    rows.push(table_row(
        "resumption (ticket) ecdsa-p256 x25519".into(),
        qtls_resumed.map(|f| -> Routine<'_> {
            Box::new(move || {
                let mut t = [Duration::ZERO; 2];
                f(&mut t);
                (t, 1)
            })
        }),
        Some(Box::new(move || {
            let mut t = [Duration::ZERO; 2];
            rr(&mut t);
            (t, 1)
        })),
        || fl.client(true, &share, 0, 0),
        || fl.server(true, 0),
    ));
}

fn us(ns: Option<f64>) -> String {
    ns.map_or("–".into(), |v| format!("{:.1}", v / 1000.0))
}

fn report(rows: &[Row], load: &str) {
    println!();
    println!(
        "## Handshake cost per side, µs (median of {ROUNDS} interleaved rounds); load average at start {load}"
    );
    println!();
    println!(
        "| scenario | side | qtls | rustls | floor | qtls/floor | rustls/floor | rustls/qtls |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        for (p, s) in SIDES.iter().enumerate() {
            let v = r.sides[p];
            println!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                r.what,
                s,
                us(v[0]),
                us(v[1]),
                us(v[2]),
                fmt_ratio(v[3]),
                fmt_ratio(v[4]),
                fmt_ratio(v[5])
            );
        }
    }
}

fn main() {
    let load = loadavg();
    let mut c = common::criterion();
    let mut rows = Vec::new();
    let t0 = std::time::Instant::now();
    full(&mut c, &mut rows);
    hrr(&mut c, &mut rows);
    psk(&mut c, &mut rows);
    resumption(&mut c, &mut rows);
    c.final_summary();
    report(&rows, &load);
    println!("\n(handshake benches took {:.0?})", t0.elapsed());
}
