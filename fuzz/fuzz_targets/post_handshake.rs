//! An established pair (fuzzer-mode provider) driven by a script of
//! operations after the handshake: `[shape, suite, _, ops...]`.
//!
//! Each op byte: bit 7 picks the acting side (client or server), bits 0-2
//! the operation: 0 inject raw bytes into the side's input, 1 send data to
//! the peer, 2 KeyUpdate (bit 3: update_requested), 3 close_notify, 4
//! inject a null-AEAD record of any content type, 5 read, 6 deliver
//! pending output, 7 inject a handshake message in a null-AEAD record.
//! Lengths and contents follow the op byte.
//!
//! Invariants: every shape completes its handshake; errors are sticky and
//! send their alert; data sent on a direction nobody tampered with arrives
//! exactly, in order; close_notify on such a direction is seen as a close.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qtls::codec::enums::{ContentType, HandshakeType};
use qtls::error::{ApiMisuse, PeerMisbehaved};
use qtls::{Error, Side};
use qtls_fuzz::{Pair, Setup, null_seal, peer, record};

struct Script<'a>(&'a [u8]);

impl Script<'_> {
    fn byte(&mut self) -> u8 {
        let Some((&b, rest)) = self.0.split_first() else {
            return 0;
        };
        self.0 = rest;
        b
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a.to_vec()
    }
}

fn idx(side: Side) -> usize {
    match side {
        Side::Client => 0,
        Side::Server => 1,
    }
}

struct State {
    pair: Pair,
    /// Someone injected bytes into this side's input.
    tainted: [bool; 2],
    /// This side sent close_notify.
    closed: [bool; 2],
    /// This side's failure was checked (its alert taken and delivered).
    reported: [bool; 2],
}

impl State {
    fn failed(&mut self, side: Side) -> bool {
        self.pair.conn(side).error().is_some()
    }

    /// Handles a result: an error must be the connection's sticky error
    /// or API misuse after close; only tampered directions and too many
    /// KeyUpdates may fail.
    fn check<T>(&mut self, side: Side, r: Result<T, Error>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(Error::ApiMisuse(ApiMisuse::ConnectionClosed)) => {
                assert!(self.closed[idx(side)], "closed only after bye");
                None
            }
            Err(e) => {
                let conn = self.pair.conn(side);
                assert_eq!(conn.error(), Some(&e), "errors are sticky");
                if std::mem::replace(&mut self.reported[idx(side)], true) {
                    return None;
                }
                let mut out = Vec::new();
                qtls_fuzz::check_failure(conn, &e, &mut out);
                // The alert is still delivered to the peer below.
                if !out.is_empty() {
                    let other = peer(side);
                    let _ = self.pair.conn(other).read_tls(&out);
                }
                let excused = self.tainted[idx(side)]
                    || self.failed(peer(side))
                    || matches!(e, Error::AlertReceived(_))
                    || e == Error::PeerMisbehaved(PeerMisbehaved::TooManyKeyUpdates);
                assert!(excused, "{side:?} failed on untampered input: {e:?}");
                None
            }
        }
    }

    fn deliver(&mut self, from: Side) {
        let r = self.pair.transfer(from);
        self.check(peer(from), r);
    }

    fn read(&mut self, side: Side) -> Option<Vec<u8>> {
        let r = self.pair.read(side);
        self.check(side, r)
    }

    fn inject(&mut self, side: Side, bytes: &[u8]) {
        self.tainted[idx(side)] = true;
        let mut off = 0;
        while off < bytes.len() {
            let n = self.pair.conn(side).read_tls(&bytes[off..]);
            if n == 0 && self.read(side).is_none_or(|d| d.is_empty()) {
                break;
            }
            off += n;
        }
        self.read(side);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((setup, ops)) = Setup::parse(data) else {
        return;
    };
    let Some(mut pair) = Pair::new(&setup) else {
        return;
    };
    pair.handshake()
        .expect("every shape completes its handshake");
    let mut st = State {
        pair,
        tainted: [false; 2],
        closed: [false; 2],
        reported: [false; 2],
    };
    let mut script = Script(ops);
    let tag_len = 16;
    for _ in 0..64 {
        if script.0.is_empty() {
            break;
        }
        let op = script.byte();
        let side = if op & 0x80 != 0 {
            Side::Server
        } else {
            Side::Client
        };
        let other = peer(side);
        match op & 7 {
            0 => {
                let n = usize::from(script.byte());
                let raw = script.bytes(n);
                st.inject(side, &raw);
            }
            1 => {
                let n = usize::from(script.byte()) * 17 + 1;
                let msg: Vec<u8> = (0..n).map(|i| (i as u8) ^ op).collect();
                let before_ok = !st.failed(side) && !st.failed(other);
                let sent = st.pair.conn(side).write(&msg);
                let Some(sent) = st.check(side, sent) else {
                    continue;
                };
                assert_eq!(sent, msg.len(), "small writes are taken whole");
                st.deliver(side);
                let got = st.read(other);
                let clean = before_ok
                    && !st.tainted[idx(other)]
                    && !st.closed[idx(side)]
                    && !st.failed(other)
                    && !st.pair.conn(other).peer_closed();
                if clean {
                    assert_eq!(got.as_deref(), Some(&msg[..]), "data arrives exactly");
                }
            }
            2 => {
                let r = st.pair.conn(side).key_update(op & 8 != 0);
                st.check(side, r);
                st.deliver(side);
                st.read(other);
                st.deliver(other);
                st.read(side);
            }
            3 => {
                let r = st.pair.conn(side).bye();
                if st.check(side, r).is_some() {
                    st.closed[idx(side)] = true;
                }
                st.deliver(side);
                st.read(other);
                if !st.tainted[idx(other)] && !st.failed(other) && !st.failed(side) {
                    assert!(st.pair.conn(other).peer_closed(), "close_notify seen");
                }
            }
            4 => {
                let typ = ContentType(script.byte());
                let n = usize::from(script.byte());
                let content = script.bytes(n);
                st.inject(side, &null_seal(typ, &content, tag_len));
            }
            5 => {
                st.read(side);
            }
            6 => st.deliver(side),
            _ => {
                let typ = HandshakeType(script.byte());
                let n = usize::from(script.byte());
                let body = script.bytes(n);
                let mut msg = vec![typ.0, 0, 0, n as u8];
                msg.extend_from_slice(&body);
                msg[3] = body.len() as u8;
                let rec = if op & 8 != 0 {
                    record(ContentType::HANDSHAKE, &msg)
                } else {
                    null_seal(ContentType::HANDSHAKE, &msg, tag_len)
                };
                st.inject(side, &rec);
            }
        }
    }
});
