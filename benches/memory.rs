//! Memory per connection, qtls beside rustls, with a counting global
//! allocator: heap held per side idle after the handshake and after one
//! 16 KiB record each way, the handshake's peak, allocations per record
//! in steady state, and live heap and RSS after many sequential
//! handshakes (a leak check). `QTLS_BENCH_HANDSHAKES` sets how many
//! (default 20000; the check uses 100000).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use qtls::codec::enums::{CipherSuite, NamedGroup};
use qtls::conn::{AppRead, Connection};
use qtls::pki::KeyType;
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(l.size(), Relaxed) + l.size();
        PEAK.fetch_max(live, Relaxed);
        ALLOCS.fetch_add(1, Relaxed);
        // SAFETY: same layout contract as ours.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        // SAFETY: p was allocated by System with l.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let live = if new >= l.size() {
            LIVE.fetch_add(new - l.size(), Relaxed) + (new - l.size())
        } else {
            LIVE.fetch_sub(l.size() - new, Relaxed) - (l.size() - new)
        };
        PEAK.fetch_max(live, Relaxed);
        ALLOCS.fetch_add(1, Relaxed);
        // SAFETY: same contract as GlobalAlloc::realloc.
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static A: Counting = Counting;

fn live() -> usize {
    LIVE.load(Relaxed)
}

fn rss_kb() -> usize {
    let s = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = s
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    pages * 4
}

#[derive(Default, Debug)]
struct Figures {
    handshake_peak: usize,
    idle_client: usize,
    idle_server: usize,
    traffic_client: usize,
    traffic_server: usize,
    allocs_per_record: f64,
    inline: usize,
}

/// One 16 KiB record from `a` to `b`, qtls.
fn qtls_one_way(a: &mut Connection, b: &mut Connection, data: &[u8], buf: &mut [u8]) {
    let mut wire = Vec::with_capacity(40000);
    a.write(data).unwrap();
    a.write_tls_into(&mut wire);
    let mut off = 0;
    let mut got = 0;
    while off < wire.len() {
        off += b.read_tls(&wire[off..]);
        while let AppRead::Data(k) = b.read(buf).unwrap() {
            got += k;
        }
    }
    assert_eq!(got, data.len());
}

/// One 16 KiB record each way, qtls (two `wire` allocations).
fn qtls_exchange(c: &mut Connection, s: &mut Connection, data: &[u8], buf: &mut [u8]) {
    qtls_one_way(c, s, data, buf);
    qtls_one_way(s, c, data, buf);
}

fn rustls_exchange(
    c: &mut rustls::ClientConnection,
    s: &mut rustls::ServerConnection,
    data: &[u8],
    buf: &mut [u8],
) {
    let mut wire = Vec::with_capacity(40000);
    c.writer().write_all(data).unwrap();
    while c.wants_write() {
        c.write_tls(&mut wire).unwrap();
    }
    let mut rd: &[u8] = &wire;
    let mut got = 0;
    while !rd.is_empty() {
        s.read_tls(&mut rd).unwrap();
        s.process_new_packets().unwrap();
        while let Ok(k) = s.reader().read(buf) {
            if k == 0 {
                break;
            }
            got += k;
        }
    }
    assert_eq!(got, data.len());
    wire.clear();
    s.writer().write_all(data).unwrap();
    while s.wants_write() {
        s.write_tls(&mut wire).unwrap();
    }
    let mut rd: &[u8] = &wire;
    let mut got = 0;
    while !rd.is_empty() {
        c.read_tls(&mut rd).unwrap();
        c.process_new_packets().unwrap();
        while let Ok(k) = c.reader().read(buf) {
            if k == 0 {
                break;
            }
            got += k;
        }
    }
    assert_eq!(got, data.len());
}

/// Heap held by `a` alone: drop it and see what goes.
fn held_by<T>(a: T) -> usize {
    let before = live();
    drop(a);
    before - live()
}

fn measure_qtls(certs: &Certs) -> Figures {
    let grp = [NamedGroup::X25519];
    let (qc, qs) = qtls_configs(certs, &grp, &grp, CipherSuite::TLS_AES_128_GCM_SHA256);
    let data = vec![0x61u8; 16384];
    let mut buf = vec![0u8; 16384];
    let mut t = [Duration::ZERO; 2];
    let mut f = Figures {
        inline: std::mem::size_of::<Connection>(),
        ..Default::default()
    };
    // Warm the configs' lazily built parts.
    drop(qtls_handshake(&qc, &qs, &mut t));

    let base = live();
    PEAK.store(base, Relaxed);
    let (c, s) = qtls_handshake(&qc, &qs, &mut t);
    f.handshake_peak = PEAK.load(Relaxed) - base;
    f.idle_client = held_by(c);
    f.idle_server = held_by(s);

    let (mut c, mut s) = qtls_handshake(&qc, &qs, &mut t);
    qtls_exchange(&mut c, &mut s, &data, &mut buf);
    // Steady state: allocations per record each way.
    for _ in 0..10 {
        qtls_exchange(&mut c, &mut s, &data, &mut buf);
    }
    let a0 = ALLOCS.load(Relaxed);
    let n = 200;
    for _ in 0..n {
        qtls_exchange(&mut c, &mut s, &data, &mut buf);
    }
    // qtls_exchange allocates a `wire` Vec twice per call.
    let allocs = ALLOCS.load(Relaxed) - a0 - 2 * n;
    f.allocs_per_record = allocs as f64 / (2 * n) as f64;
    f.traffic_client = held_by(c);
    f.traffic_server = held_by(s);
    f
}

fn measure_rustls(certs: &Certs) -> Figures {
    let grp = [NamedGroup::X25519];
    let (rc, rs) = rustls_configs(certs, &grp, &grp, CipherSuite::TLS_AES_128_GCM_SHA256);
    let data = vec![0x61u8; 16384];
    let mut buf = vec![0u8; 16384];
    let mut t = [Duration::ZERO; 2];
    let mut f = Figures {
        inline: std::mem::size_of::<rustls::ClientConnection>(),
        ..Default::default()
    };
    drop(rustls_handshake(&rc, &rs, &mut t));

    let base = live();
    PEAK.store(base, Relaxed);
    let (c, s) = rustls_handshake(&rc, &rs, &mut t);
    f.handshake_peak = PEAK.load(Relaxed) - base;
    f.idle_client = held_by(c);
    f.idle_server = held_by(s);

    let (mut c, mut s) = rustls_handshake(&rc, &rs, &mut t);
    rustls_exchange(&mut c, &mut s, &data, &mut buf);
    for _ in 0..10 {
        rustls_exchange(&mut c, &mut s, &data, &mut buf);
    }
    let a0 = ALLOCS.load(Relaxed);
    let n = 200;
    for _ in 0..n {
        rustls_exchange(&mut c, &mut s, &data, &mut buf);
    }
    // rustls_exchange allocates its `wire` Vec once per call.
    let allocs = ALLOCS.load(Relaxed) - a0 - n;
    f.allocs_per_record = allocs as f64 / (2 * n) as f64;
    f.traffic_client = held_by(c);
    f.traffic_server = held_by(s);
    f
}

fn main() {
    // `cargo test --benches` passes `--bench`-less args; run either way.
    let certs = certs(KeyType::EcdsaP256);
    let q = measure_qtls(&certs);
    let r = measure_rustls(&certs);
    println!("## Memory per connection (ECDSA P-256, X25519, AES-128-GCM), bytes of heap");
    println!();
    println!("| figure | qtls | rustls |");
    println!("|---|---:|---:|");
    let rows: [(&str, usize, usize); 6] = [
        ("idle after handshake, client", q.idle_client, r.idle_client),
        ("idle after handshake, server", q.idle_server, r.idle_server),
        (
            "after one 16 KiB record each way, client",
            q.traffic_client,
            r.traffic_client,
        ),
        (
            "after one 16 KiB record each way, server",
            q.traffic_server,
            r.traffic_server,
        ),
        (
            "peak during one handshake (both sides)",
            q.handshake_peak,
            r.handshake_peak,
        ),
        ("inline size of the connection value", q.inline, r.inline),
    ];
    for (what, a, b) in rows {
        println!("| {what} | {a} | {b} |");
    }
    println!(
        "| allocations per 16 KiB record, steady state | {:.2} | {:.2} |",
        q.allocs_per_record, r.allocs_per_record
    );

    // Leak check: live heap and RSS after 1,000 and after N handshakes.
    let n: usize = std::env::var("QTLS_BENCH_HANDSHAKES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let grp = [NamedGroup::X25519];
    let (qc, qs) = qtls_configs(&certs, &grp, &grp, CipherSuite::TLS_AES_128_GCM_SHA256);
    let mut t = [Duration::ZERO; 2];
    let mut at_1000 = (0, 0);
    for i in 1..=n.max(1000) {
        drop(qtls_handshake(&qc, &qs, &mut t));
        if i == 1000 {
            at_1000 = (live(), rss_kb());
        }
    }
    let end = (live(), rss_kb());
    println!();
    println!(
        "qtls sequential handshakes: live heap {} B and RSS {} KiB after 1000; {} B and {} KiB after {} ({:.1} µs per handshake pair)",
        at_1000.0,
        at_1000.1,
        end.0,
        end.1,
        n.max(1000),
        (t[0] + t[1]).as_secs_f64() * 1e6 / n.max(1000) as f64
    );
}
