//! Bulk application data, qtls beside rustls and the raw AEAD rate:
//! sending and receiving 16 KiB records and 1 KiB writes for the three
//! TLS 1.3 AEADs. Run it with and without
//! `GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=2097152`: copies
//! between buffers misaligned modulo 64 are ~30x slower with glibc's
//! default `rep movsb` path on some x86-64 CPUs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use common::*;
use criterion::Throughput;
use qtls::codec::enums::{CipherSuite, NamedGroup};
use qtls::conn::{AppRead, AppView};
use qtls::pki::KeyType;
use std::hint::black_box;
use std::io::{Read, Write};
use std::time::Duration;

const SUITES: [(CipherSuite, &str); 3] = [
    (CipherSuite::TLS_AES_128_GCM_SHA256, "aes128gcm"),
    (CipherSuite::TLS_AES_256_GCM_SHA384, "aes256gcm"),
    (CipherSuite::TLS_CHACHA20_POLY1305_SHA256, "chacha20"),
];
const SIZES: [usize; 2] = [16384, 1024];
/// Records produced (untimed) before each timed receive batch.
const BATCH: u64 = 8;

/// A transport that takes everything: what a socket write costs is not
/// the engine's.
struct Sink;
impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        black_box(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn lc_alg(suite: CipherSuite) -> &'static aead::Algorithm {
    match suite {
        CipherSuite::TLS_AES_128_GCM_SHA256 => &aead::AES_128_GCM,
        CipherSuite::TLS_AES_256_GCM_SHA384 => &aead::AES_256_GCM,
        _ => &aead::CHACHA20_POLY1305,
    }
}

fn lc_key(suite: CipherSuite) -> LessSafeKey {
    let alg = lc_alg(suite);
    LessSafeKey::new(UnboundKey::new(alg, &vec![7; alg.key_len()]).unwrap())
}

fn nonce(i: u64) -> Nonce {
    let mut n = [0u8; 12];
    n[4..].copy_from_slice(&i.to_be_bytes());
    Nonce::assume_unique_for_key(n)
}

/// The routines of one AEAD and write size: (name, routine), each
/// returning the time of one batch and the writes (units) it carried.
fn bench_suite(
    certs: &Certs,
    suite: CipherSuite,
    size: usize,
) -> Vec<(&'static str, Routine<'static>)> {
    let grp = [NamedGroup::X25519];
    let data = vec![0x61u8; size];
    let (qc, qs) = qtls_configs(certs, &grp, &grp, suite);
    let (rc, rs) = rustls_configs(certs, &grp, &grp, suite);
    let mut ignore = [Duration::ZERO; 2];
    let mut v: Vec<(&'static str, Routine<'static>)> = Vec::new();

    // --- send: the records produced are dropped (a socket write is not
    // the engine's cost) ---
    let (mut c, _s) = qtls_handshake(&qc, &qs, &mut ignore);
    let d = data.clone();
    v.push((
        "send-qtls",
        Box::new(move || {
            let t0 = Instant::now();
            for _ in 0..BATCH {
                c.write(&d).unwrap();
                let n = black_box(c.pending_tls()).len();
                c.consume_tls(n);
            }
            ([t0.elapsed(), Duration::ZERO], BATCH)
        }),
    ));
    let (mut c, _s) = rustls_handshake(&rc, &rs, &mut ignore);
    let d = data.clone();
    v.push((
        "send-rustls",
        Box::new(move || {
            let t0 = Instant::now();
            for _ in 0..BATCH {
                c.writer().write_all(&d).unwrap();
                while c.wants_write() {
                    c.write_tls(&mut Sink).unwrap();
                }
            }
            ([t0.elapsed(), Duration::ZERO], BATCH)
        }),
    ));
    let key = lc_key(suite);
    let mut rec = vec![0x61u8; size + 1];
    let mut seq = 0u64;
    v.push((
        "send-floor",
        Box::new(move || {
            let t0 = Instant::now();
            for _ in 0..BATCH {
                seq += 1;
                let tag = key
                    .seal_in_place_separate_tag(nonce(seq), Aad::from([23u8, 3, 3, 0, 0]), &mut rec)
                    .unwrap();
                let _ = black_box(tag);
            }
            ([t0.elapsed(), Duration::ZERO], BATCH)
        }),
    ));

    // --- receive: a batch of records made untimed, then taken in from a
    // byte slice (the transport) ---
    for view in [false, true] {
        let (mut c, mut s) = qtls_handshake(&qc, &qs, &mut ignore);
        let d = data.clone();
        let mut wire = Vec::new();
        let mut out = vec![0u8; 16384];
        v.push((
            if view { "recv-qtls-view" } else { "recv-qtls" },
            Box::new(move || {
                for _ in 0..BATCH {
                    c.write(&d).unwrap();
                }
                wire.clear();
                c.write_tls_into(&mut wire);
                let t0 = Instant::now();
                let mut off = 0;
                let mut got = 0;
                while off < wire.len() {
                    off += s.read_tls(&wire[off..]);
                    if view {
                        while let AppView::Data(v) = s.read_view().unwrap() {
                            got += black_box(v).len();
                        }
                    } else {
                        while let AppRead::Data(k) = s.read(&mut out).unwrap() {
                            got += k;
                        }
                    }
                }
                let t = t0.elapsed();
                assert_eq!(got, d.len() * BATCH as usize);
                ([t, Duration::ZERO], BATCH)
            }),
        ));
    }
    let (mut c, mut s) = rustls_handshake(&rc, &rs, &mut ignore);
    c.set_buffer_limit(None);
    let d = data.clone();
    let mut wire = Vec::new();
    let mut out = vec![0u8; 16384];
    v.push((
        "recv-rustls",
        Box::new(move || {
            for _ in 0..BATCH {
                c.writer().write_all(&d).unwrap();
            }
            wire.clear();
            while c.wants_write() {
                c.write_tls(&mut wire).unwrap();
            }
            let t0 = Instant::now();
            let mut rd: &[u8] = &wire;
            let mut got = 0;
            while !rd.is_empty() {
                s.read_tls(&mut rd).unwrap();
                s.process_new_packets().unwrap();
                while let Ok(k) = s.reader().read(&mut out) {
                    if k == 0 {
                        break;
                    }
                    got += k;
                }
            }
            let t = t0.elapsed();
            assert_eq!(got, d.len() * BATCH as usize);
            ([t, Duration::ZERO], BATCH)
        }),
    ));
    let key = lc_key(suite);
    let mut recs: Vec<Vec<u8>> = (0..BATCH).map(|_| Vec::with_capacity(size + 17)).collect();
    let mut seq = 0u64;
    v.push((
        "recv-floor",
        Box::new(move || {
            let first = seal_records(&key, &mut recs, size, &mut seq);
            let t0 = Instant::now();
            for (i, r) in recs.iter_mut().enumerate() {
                let p = key
                    .open_in_place(nonce(first + i as u64), Aad::from([23u8, 3, 3, 0, 0]), r)
                    .unwrap();
                black_box(p);
            }
            ([t0.elapsed(), Duration::ZERO], BATCH)
        }),
    ));
    // The same records, each first copied from the wire into a receive
    // buffer (in 2 KiB blocks, as qtls copies): the floor plus the one copy
    // every receiver makes when the transport hands it bytes.
    let key = lc_key(suite);
    let mut wire: Vec<Vec<u8>> = (0..BATCH).map(|_| Vec::with_capacity(size + 17)).collect();
    let mut rbuf = vec![0u8; size + 17 + 64];
    let mut seq = 0u64;
    v.push((
        "recv-floor-copy",
        Box::new(move || {
            let first = seal_records(&key, &mut wire, size, &mut seq);
            let t0 = Instant::now();
            for (i, r) in wire.iter().enumerate() {
                // The payload lands 5 bytes into the buffer, after its header.
                let dst = &mut rbuf[5..5 + r.len()];
                for (d, s) in dst.chunks_mut(2048).zip(r.chunks(2048)) {
                    d.copy_from_slice(s);
                }
                let p = key
                    .open_in_place(nonce(first + i as u64), Aad::from([23u8, 3, 3, 0, 0]), dst)
                    .unwrap();
                black_box(p);
            }
            ([t0.elapsed(), Duration::ZERO], BATCH)
        }),
    ));
    v
}

/// Refills `recs` with one sealed record body each (`size` bytes of data,
/// the content type, the tag), numbered from `*seq` on; returns the first
/// sequence number used. Untimed set-up of the receive floors.
fn seal_records(key: &LessSafeKey, recs: &mut [Vec<u8>], size: usize, seq: &mut u64) -> u64 {
    let first = *seq;
    for r in recs.iter_mut() {
        r.clear();
        r.resize(size + 1, 0x61);
        let tag = key
            .seal_in_place_separate_tag(nonce(*seq), Aad::from([23u8, 3, 3, 0, 0]), r)
            .unwrap();
        r.extend_from_slice(tag.as_ref());
        *seq += 1;
    }
    first
}

fn mbs(ns: Option<f64>, bytes: usize) -> String {
    ns.map_or("–".into(), |v| {
        format!("{:.0}", bytes as f64 / v * 1000.0)
    })
}

const ROUNDS: usize = 11;
const SLICE: Duration = Duration::from_millis(15);

fn main() {
    let load = loadavg();
    let mut c = common::criterion();
    let certs = certs(KeyType::EcdsaP256);
    let mut lines = Vec::new();
    for (suite, sname) in SUITES {
        for size in SIZES {
            let mut routines = bench_suite(&certs, suite, size);
            if !table_only() {
                let name = format!("bulk-{sname}-{size}");
                let mut g = c.benchmark_group(&name);
                g.throughput(Throughput::Bytes(size as u64));
                for (id, r) in routines.iter_mut() {
                    g.bench_function(*id, |b| {
                        b.iter_custom(|iters| {
                            let (mut t, mut u) = (Duration::ZERO, 0);
                            while u < iters {
                                let (d, n) = r();
                                t += d[0];
                                u += n;
                            }
                            t.mul_f64(iters as f64 / u as f64)
                        })
                    });
                }
                g.finish();
            }
            let names: Vec<&str> = routines.iter().map(|(n, _)| *n).collect();
            let mut rs: Vec<Routine<'static>> = routines.into_iter().map(|(_, r)| r).collect();
            let m = interleave(&mut rs, ROUNDS, SLICE);
            let get = |id: &str| names.iter().position(|n| *n == id).map(|i| m[i][0].clone());
            for dir in ["send", "recv"] {
                let q = get(&format!("{dir}-qtls")).unwrap();
                let v = get("recv-qtls-view").filter(|_| dir == "recv");
                let r = get(&format!("{dir}-rustls")).unwrap();
                let f = get(&format!("{dir}-floor")).unwrap();
                let fc = get("recv-floor-copy").filter(|_| dir == "recv");
                let rate = |x: Option<f64>| mbs(x, size);
                // Rates: the ratio of times inverted.
                let inv = |a: &[f64], b: &[f64]| fmt_ratio(ratio_of(b, a));
                lines.push(format!(
                    "| {sname} | {size} | {dir} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    rate(median(&q)),
                    rate(v.as_deref().and_then(median)),
                    rate(median(&r)),
                    rate(median(&f)),
                    rate(fc.as_deref().and_then(median)),
                    inv(&q, &f),
                    v.as_deref().map_or("–".into(), |v| inv(v, &f)),
                    match (v.as_deref(), fc.as_deref()) {
                        (Some(v), Some(fc)) => inv(v, fc),
                        _ => "–".into(),
                    },
                    inv(&r, &f),
                    inv(&q, &r),
                ));
            }
        }
    }
    c.final_summary();
    println!();
    println!(
        "## Bulk throughput, MB/s of plaintext (median of {ROUNDS} interleaved rounds, CPU time); GLIBC_TUNABLES={}; load average at start {load}",
        std::env::var("GLIBC_TUNABLES").unwrap_or_else(|_| "(unset)".into())
    );
    println!();
    println!(
        "| AEAD | write size | dir | qtls | qtls view | rustls | floor | floor+copy | qtls/floor | view/floor | view/(floor+copy) | rustls/floor | qtls/rustls |"
    );
    println!("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for l in lines {
        println!("{l}");
    }
}
