//! The zero-copy receive API (`read_view`, `peek_app`/`consume_app`, the
//! std `BufRead` adapter) and buffer release on idle connections.

mod common;

use common::pair::{Pair, Who, configs};
use qtls::conn::{AppRead, AppView};
use qtls::io::TlsStream;
use qtls::pki::KeyType;
use std::io::{BufRead, Read, Write};
use std::sync::Arc;

fn pair() -> Pair {
    let (c, s) = configs(KeyType::EcdsaP256);
    let mut p = Pair::new(c, s);
    p.handshake().expect("handshake");
    p
}

/// Writes `data` on the client and moves the records to the server
/// without reading them.
fn deliver(p: &mut Pair, data: &[u8]) {
    assert_eq!(p.client.write(data).expect("write"), data.len());
    p.transfer(Who::Client);
}

#[test]
fn read_view_returns_each_record_in_place_then_would_block() {
    let mut p = pair();
    deliver(&mut p, b"first record");
    deliver(&mut p, b"second");
    assert_eq!(p.server.check_pending(), 0);
    assert_eq!(
        p.server.read_view().expect("view"),
        AppView::Data(&b"first record"[..])
    );
    assert_eq!(
        p.server.read_view().expect("view"),
        AppView::Data(&b"second"[..])
    );
    assert_eq!(p.server.read_view().expect("view"), AppView::WouldBlock);
    // A record larger than 16 KiB arrives as two views of whole records.
    let big: Vec<u8> = (0..20000u32).map(|i| i as u8).collect();
    deliver(&mut p, &big);
    let AppView::Data(a) = p.server.read_view().expect("view") else {
        panic!("no data")
    };
    assert_eq!(a, &big[..16384]);
    let AppView::Data(b) = p.server.read_view().expect("view") else {
        panic!("no data")
    };
    assert_eq!(b, &big[16384..]);
    let _ = p.client.bye().expect("bye");
    p.transfer(Who::Client);
    assert_eq!(p.server.read_view().expect("view"), AppView::Closed);
}

#[test]
fn read_view_takes_what_read_left() {
    let mut p = pair();
    deliver(&mut p, b"0123456789");
    let mut four = [0u8; 4];
    assert_eq!(p.server.read(&mut four).expect("read"), AppRead::Data(4));
    assert_eq!(&four, b"0123");
    assert_eq!(
        p.server.read_view().expect("view"),
        AppView::Data(&b"456789"[..])
    );
    assert_eq!(p.server.check_pending(), 0);
}

#[test]
fn peek_app_and_consume_app_take_part_of_a_record() {
    let mut p = pair();
    deliver(&mut p, b"hello world");
    assert_eq!(
        p.server.peek_app().expect("peek"),
        AppView::Data(&b"hello world"[..])
    );
    // Peeking again does not advance.
    assert_eq!(
        p.server.peek_app().expect("peek"),
        AppView::Data(&b"hello world"[..])
    );
    p.server.consume_app(6);
    assert_eq!(p.server.check_pending(), 5);
    assert_eq!(
        p.server.peek_app().expect("peek"),
        AppView::Data(&b"world"[..])
    );
    // Consuming more than is there stops at the end.
    p.server.consume_app(100);
    assert_eq!(p.server.peek_app().expect("peek"), AppView::WouldBlock);
}

#[test]
fn view_before_handshake_is_misuse() {
    let (c, _) = configs(KeyType::EcdsaP256);
    let mut client = qtls::Connection::client(Arc::new(c), Some("localhost")).expect("client");
    assert_eq!(
        client.read_view(),
        Err(qtls::Error::ApiMisuse(
            qtls::error::ApiMisuse::HandshakeNotComplete
        ))
    );
}

#[test]
fn release_buffers_only_when_idle_and_data_flows_after() {
    let mut p = pair();
    // Idle after the handshake: nothing to keep.
    assert!(p.client.release_buffers());
    assert!(p.server.release_buffers());
    deliver(&mut p, b"unread");
    // Unread data keeps the receive buffer.
    assert!(!p.server.release_buffers());
    assert_eq!(
        p.server.read_view().expect("view"),
        AppView::Data(&b"unread"[..])
    );
    assert!(p.server.release_buffers());
    // Pending output keeps the send buffer.
    assert_eq!(p.server.write(b"reply").expect("write"), 5);
    assert!(!p.server.release_buffers());
    p.transfer(Who::Server);
    assert!(p.server.release_buffers());
    assert_eq!(p.send(Who::Client, b"again"), b"again");
    // The client reads the earlier reply together with this one.
    assert_eq!(p.send(Who::Server, b"!"), b"reply!");
}

#[test]
fn tls_stream_bufread_borrows_the_record() {
    let (c, s) = configs(KeyType::EcdsaP256);
    let (a, b) = std::os::unix::net::UnixStream::pair().expect("socketpair");
    let server = std::thread::spawn(move || {
        let conn = qtls::Connection::server(Arc::new(s)).expect("server");
        let mut t = TlsStream::new(conn, b);
        t.handshake().expect("server handshake");
        t.write_all(b"hello, buffered world").expect("write");
        t.bye().expect("bye");
    });
    let conn = qtls::Connection::client(Arc::new(c), Some("localhost")).expect("client");
    let mut t = TlsStream::new(conn, a);
    let got = t.fill_buf().expect("fill").to_vec();
    assert_eq!(got, b"hello, buffered world");
    t.consume(7);
    assert_eq!(t.fill_buf().expect("fill"), b"buffered world");
    let mut rest = String::new();
    t.read_to_string(&mut rest).expect("rest");
    assert_eq!(rest, "buffered world");
    assert_eq!(t.fill_buf().expect("eof"), b"");
    server.join().expect("server thread");
}

#[test]
fn alternating_directions_share_one_record_buffer() {
    // Requests and answers: each side's record buffer moves to whichever
    // direction needs it, so a side holds one buffer, and once sized it
    // is reused for every record (no growth after the first exchange).
    let mut p = pair();
    let data: Vec<u8> = (0..16384u32).map(|i| (i % 253) as u8).collect();
    let one_record = 16384 + 5 + 1 + 16;
    let mut sizes = Vec::new();
    for round in 0..6 {
        assert_eq!(p.send(Who::Client, &data[round..]), &data[round..]);
        assert_eq!(
            p.send(Who::Server, &data[..data.len() - round]),
            &data[..data.len() - round]
        );
        for c in [&p.client, &p.server] {
            let held = c.buffer_capacity();
            assert!(held >= one_record, "round {round}: {held}");
            assert!(
                held < 2 * one_record,
                "round {round}: two buffers held ({held} bytes)"
            );
        }
        sizes.push((p.client.buffer_capacity(), p.server.buffer_capacity()));
    }
    assert!(sizes[1..].iter().all(|s| *s == sizes[1]), "{sizes:?}");
}

#[test]
fn both_directions_at_once_keep_their_own_buffers_and_every_byte() {
    // Output pending while records arrive: the buffers must not be
    // exchanged (neither is idle), and nothing may be lost or reordered.
    let mut p = pair();
    let a: Vec<u8> = (0..40000u32).map(|i| (i % 251) as u8).collect();
    let b: Vec<u8> = (0..30000u32).map(|i| (i % 241) as u8).collect();
    let mut got_a = Vec::new();
    let mut got_b = Vec::new();
    let (mut ia, mut ib) = (0, 0);
    let mut buf = [0u8; 3000];
    while got_a.len() < a.len() || got_b.len() < b.len() {
        if ia < a.len() {
            ia += p.client.write(&a[ia..(ia + 7000).min(a.len())]).unwrap();
        }
        if ib < b.len() {
            ib += p.server.write(&b[ib..(ib + 5000).min(b.len())]).unwrap();
        }
        // Half of each side's output crosses; the rest stays pending
        // while the peer's records are read.
        for (from, got) in [(Who::Client, &mut got_a), (Who::Server, &mut got_b)] {
            let pending = match from {
                Who::Client => p.client.pending_tls().to_vec(),
                Who::Server => p.server.pending_tls().to_vec(),
            };
            let half = pending.len().div_ceil(2);
            let (src, dst) = match from {
                Who::Client => (&mut p.client, &mut p.server),
                Who::Server => (&mut p.server, &mut p.client),
            };
            src.consume_tls(half);
            let mut off = 0;
            while off < half {
                off += dst.read_tls(&pending[off..half]);
                while let AppRead::Data(n) = dst.read(&mut buf).unwrap() {
                    got.extend_from_slice(&buf[..n]);
                }
            }
        }
    }
    assert_eq!(got_a, a);
    assert_eq!(got_b, b);
}
