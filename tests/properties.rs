//! Property tests (proptest) across layers:
//!
//! - the key schedule against a second, straightforward computation of
//!   RFC 8446 §7 written here with HMAC alone;
//! - record protection through a client/server pair: every record either
//!   side sends is decrypted in transit and re-framed at random (handshake
//!   messages and data split and merged across records, random padding,
//!   empty data records), and the pair must still agree on everything;
//! - the handshake state machines against the table of allowed message
//!   orders (RFC 8446 §2, §4): a peer flight reordered, cut or extended is
//!   refused with unexpected_message whenever the table says the order is
//!   illegal, and never completes unless it is the original flight.
//!
//! The re-framing works because the tests' provider logs every AEAD key it
//! makes and which key sealed each record: the test can open, re-split and
//! re-seal a record stream without touching the engine's internals.

mod common;

use aws_lc_rs::hmac;
use common::keylog::{Framing, Logging, Reframer};
use common::pair::{NOW, Pair, Who, configs, provider, read_all};
use proptest::prelude::*;
use qtls::Error;
use qtls::codec::Codec;
use qtls::codec::enums::{
    AlertDescription, CipherSuite, HandshakeType, KeyUpdateRequest, NamedGroup, PskKeyExchangeMode,
    SignatureScheme,
};
use qtls::codec::extensions::CrExtension;
use qtls::codec::handshake::{
    CertificateRequest, HandshakeMessage, HandshakePayload, NewSessionTicket,
};
use qtls::config::{ClientAuth, ExternalPsk, PskList};
use qtls::conn::{AppRead, Connection, Progress};
use qtls::key_schedule::{EarlySecret, hkdf_expand_label};
use qtls::pki::KeyType;
use qtls::provider::{AeadAlgorithm, HashAlgorithm};
use qtls::verify::PinnedCertVerifier;
use std::sync::{Arc, Mutex};

// ---------------------------------------------------------------------------
// 1. The key schedule, computed a second time.

fn hmac_alg(h: HashAlgorithm) -> hmac::Algorithm {
    match h {
        HashAlgorithm::Sha256 => hmac::HMAC_SHA256,
        HashAlgorithm::Sha384 => hmac::HMAC_SHA384,
        HashAlgorithm::Sha512 => hmac::HMAC_SHA512,
        HashAlgorithm::Sha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
    }
}

/// RFC 5869 by the letter, on HMAC alone.
fn hkdf_extract_by_hand(h: HashAlgorithm, salt: &[u8], ikm: &[u8]) -> Vec<u8> {
    let zeros = vec![0u8; h.output_len()];
    let salt = if salt.is_empty() { &zeros[..] } else { salt };
    hmac::sign(&hmac::Key::new(hmac_alg(h), salt), ikm)
        .as_ref()
        .to_vec()
}

fn hkdf_expand_by_hand(h: HashAlgorithm, prk: &[u8], info: &[u8], len: usize) -> Vec<u8> {
    let key = hmac::Key::new(hmac_alg(h), prk);
    let mut out = Vec::new();
    let mut t = Vec::new();
    let mut counter = 1u8;
    while out.len() < len {
        let mut input = t.clone();
        input.extend_from_slice(info);
        input.push(counter);
        t = hmac::sign(&key, &input).as_ref().to_vec();
        out.extend_from_slice(&t);
        counter += 1;
    }
    out.truncate(len);
    out
}

/// RFC 8446 §7.1 HKDF-Expand-Label, with the HkdfLabel built byte by byte.
fn expand_label(h: HashAlgorithm, secret: &[u8], label: &str, ctx: &[u8], len: usize) -> Vec<u8> {
    let full = format!("tls13 {label}");
    let mut info = (len as u16).to_be_bytes().to_vec();
    info.push(full.len() as u8);
    info.extend_from_slice(full.as_bytes());
    info.push(ctx.len() as u8);
    info.extend_from_slice(ctx);
    hkdf_expand_by_hand(h, secret, &info, len)
}

fn digest(h: HashAlgorithm, data: &[u8]) -> Vec<u8> {
    let alg = match h {
        HashAlgorithm::Sha256 => &aws_lc_rs::digest::SHA256,
        HashAlgorithm::Sha384 => &aws_lc_rs::digest::SHA384,
        HashAlgorithm::Sha512 => &aws_lc_rs::digest::SHA512,
        HashAlgorithm::Sha1 => &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
    };
    aws_lc_rs::digest::digest(alg, data).as_ref().to_vec()
}

fn derive_secret(h: HashAlgorithm, secret: &[u8], label: &str, transcript_hash: &[u8]) -> Vec<u8> {
    expand_label(h, secret, label, transcript_hash, h.output_len())
}

fn finished_mac(h: HashAlgorithm, base: &[u8], transcript_hash: &[u8]) -> Vec<u8> {
    let key = expand_label(h, base, "finished", b"", h.output_len());
    hmac::sign(&hmac::Key::new(hmac_alg(h), &key), transcript_hash)
        .as_ref()
        .to_vec()
}

fn hash_and_aead() -> impl Strategy<Value = (HashAlgorithm, AeadAlgorithm)> {
    prop_oneof![
        Just((HashAlgorithm::Sha256, AeadAlgorithm::Aes128Gcm)),
        Just((HashAlgorithm::Sha384, AeadAlgorithm::Aes256Gcm)),
        Just((HashAlgorithm::Sha256, AeadAlgorithm::Chacha20Poly1305)),
        Just((HashAlgorithm::Sha256, AeadAlgorithm::Aes128Ccm8)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn key_schedule_matches_a_direct_computation(
        (h, aead) in hash_and_aead(),
        psk in proptest::option::of(proptest::collection::vec(any::<u8>(), 1..64)),
        dhe in proptest::option::of(proptest::collection::vec(any::<u8>(), 32..133)),
        external in any::<bool>(),
        hashes in proptest::collection::vec(any::<u8>(), 4),
        label in "[a-z ]{1,40}",
        context in proptest::collection::vec(any::<u8>(), 0..80),
        out_len in 1usize..200,
        nonce in proptest::collection::vec(any::<u8>(), 0..32),
    ) {
        let p = provider();
        let p = p.as_ref();
        let n = h.output_len();
        // Stand-ins for transcript hashes at each point of the handshake.
        let th: Vec<Vec<u8>> = hashes.iter().map(|b| digest(h, &[*b; 3])).collect();
        let zeros = vec![0u8; n];

        // By hand (RFC 8446 §7.1).
        let early = hkdf_extract_by_hand(h, b"", psk.as_deref().unwrap_or(&zeros));
        let binder_key = derive_secret(h, &early, if external { "ext binder" } else { "res binder" }, &digest(h, b""));
        let c_e = derive_secret(h, &early, "c e traffic", &th[0]);
        let derived = derive_secret(h, &early, "derived", &digest(h, b""));
        let hs = hkdf_extract_by_hand(h, &derived, dhe.as_deref().unwrap_or(&zeros));
        let c_hs = derive_secret(h, &hs, "c hs traffic", &th[1]);
        let s_hs = derive_secret(h, &hs, "s hs traffic", &th[1]);
        let derived2 = derive_secret(h, &hs, "derived", &digest(h, b""));
        let master = hkdf_extract_by_hand(h, &derived2, &zeros);
        let c_ap = derive_secret(h, &master, "c ap traffic", &th[2]);
        let s_ap = derive_secret(h, &master, "s ap traffic", &th[2]);
        let exp = derive_secret(h, &master, "exp master", &th[2]);
        let res = derive_secret(h, &master, "res master", &th[3]);
        let c_ap1 = expand_label(h, &c_ap, "traffic upd", b"", n);

        // Through qtls's typestate.
        let e = EarlySecret::new(p, h, psk.as_deref()).unwrap();
        prop_assert_eq!(e.secret().as_bytes(), &early[..]);
        prop_assert_eq!(e.binder_key(p, external).unwrap().as_bytes().to_vec(), binder_key.clone());
        prop_assert_eq!(
            e.psk_binder(p, external, &th[0]).unwrap().as_ref().to_vec(),
            finished_mac(h, &binder_key, &th[0])
        );
        prop_assert_eq!(e.client_early_traffic_secret(p, &th[0]).unwrap().secret().as_bytes().to_vec(), c_e);
        let hss = e.into_handshake_secret(p, dhe.as_deref()).unwrap();
        prop_assert_eq!(hss.secret().as_bytes(), &hs[..]);
        let chs = hss.client_handshake_traffic_secret(p, &th[1]).unwrap();
        let shs = hss.server_handshake_traffic_secret(p, &th[1]).unwrap();
        prop_assert_eq!(chs.secret().as_bytes(), &c_hs[..]);
        prop_assert_eq!(shs.secret().as_bytes(), &s_hs[..]);
        prop_assert_eq!(
            shs.verify_data(p, &th[2]).unwrap().as_ref().to_vec(),
            finished_mac(h, &s_hs, &th[2])
        );
        let keys = chs.traffic_keys(p, aead).unwrap();
        prop_assert_eq!(keys.key(), &expand_label(h, &c_hs, "key", b"", aead.key_len())[..]);
        prop_assert_eq!(&keys.iv()[..], &expand_label(h, &c_hs, "iv", b"", 12)[..]);
        let m = hss.into_master_secret(p).unwrap();
        prop_assert_eq!(m.secret().as_bytes(), &master[..]);
        let cap = m.client_application_traffic_secret_0(p, &th[2]).unwrap();
        prop_assert_eq!(cap.secret().as_bytes(), &c_ap[..]);
        prop_assert_eq!(m.server_application_traffic_secret_0(p, &th[2]).unwrap().secret().as_bytes().to_vec(), s_ap);
        prop_assert_eq!(cap.next(p).unwrap().secret().as_bytes().to_vec(), c_ap1.clone());
        let keys = cap.next(p).unwrap().traffic_keys(p, aead).unwrap();
        prop_assert_eq!(keys.key(), &expand_label(h, &c_ap1, "key", b"", aead.key_len())[..]);

        // RFC 8446 §7.5: the exporter.
        let exporter = m.exporter_master_secret(p, &th[2]).unwrap();
        prop_assert_eq!(exporter.secret().as_bytes(), &exp[..]);
        let mut out = vec![0u8; out_len];
        exporter.export(p, label.as_bytes(), &context, &mut out).unwrap();
        let by_hand = expand_label(
            h,
            &derive_secret(h, &exp, &label, &digest(h, b"")),
            "exporter",
            &digest(h, &context),
            out_len,
        );
        prop_assert_eq!(out, by_hand);

        // RFC 8446 §4.6.1: the resumption PSK of a ticket.
        let r = m.resumption_master_secret(p, &th[3]).unwrap();
        prop_assert_eq!(r.secret().as_bytes(), &res[..]);
        prop_assert_eq!(
            r.resumption_psk(p, &nonce).unwrap().as_bytes().to_vec(),
            expand_label(h, &res, "resumption", &nonce, n)
        );
        let mut direct = vec![0u8; out_len.min(255)];
        hkdf_expand_label(p, h, &res, label.as_bytes(), &context, &mut direct).unwrap();
        prop_assert_eq!(direct, expand_label(h, &res, &label, &context, out_len.min(255)));
    }
}

/// A pair whose both directions are re-framed.
struct Framed {
    pair: Pair,
    c2s: Reframer,
    s2c: Reframer,
    /// Data each side (client, server) read early to take more input.
    stash: [Vec<u8>; 2],
}

/// Which configuration a property test runs.
#[derive(Debug, Clone, Copy)]
struct Shape {
    suite: CipherSuite,
    psk: Option<PskKeyExchangeMode>,
    client_auth: bool,
    hrr: bool,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        prop_oneof![
            Just(CipherSuite::TLS_AES_128_GCM_SHA256),
            Just(CipherSuite::TLS_AES_256_GCM_SHA384),
            Just(CipherSuite::TLS_CHACHA20_POLY1305_SHA256),
            Just(CipherSuite::TLS_AES_128_CCM_SHA256),
            Just(CipherSuite::TLS_AES_128_CCM_8_SHA256),
        ],
        prop_oneof![
            Just(None),
            Just(Some(PskKeyExchangeMode::PSK_DHE_KE)),
            Just(Some(PskKeyExchangeMode::PSK_KE)),
        ],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(suite, psk, client_auth, hrr)| Shape {
            suite,
            psk,
            client_auth,
            hrr,
        })
}

fn framed(shape: Shape, seed: u64, c2s: Framing, s2c: Framing) -> Framed {
    let (mut c, mut s) = configs(KeyType::Ed25519);
    let (clog, slog) = (Arc::default(), Arc::default());
    c.provider = Arc::new(Logging {
        inner: provider(),
        log: Arc::clone(&clog),
    });
    s.provider = Arc::new(Logging {
        inner: provider(),
        log: Arc::clone(&slog),
    });
    c.policy.suites = vec![shape.suite];
    s.policy.suites.push(CipherSuite::TLS_AES_128_CCM_8_SHA256);
    // Classical groups keep the cases quick; the hybrids are covered elsewhere.
    c.policy.groups = vec![NamedGroup::X25519, NamedGroup::SECP256R1];
    s.policy.groups = c.policy.groups.clone();
    if shape.hrr {
        // The client's only share is for a group the server does not take.
        c.policy.groups.reverse();
        c.key_shares = 1;
        s.policy.groups = vec![NamedGroup::X25519];
    }
    if let Some(mode) = shape.psk {
        let mut psk = ExternalPsk::new(b"props", &[0x17; 32]);
        if shape.suite == CipherSuite::TLS_AES_256_GCM_SHA384 {
            psk.hash = HashAlgorithm::Sha384;
        }
        c.psks = vec![psk.clone()];
        c.policy.psk_modes = vec![mode];
        s.psk_store = Some(Arc::new(PskList(vec![psk])));
    }
    if shape.client_auth {
        let t = common::pair::pki(KeyType::Ed25519, true);
        s.client_auth = ClientAuth::Require(Arc::new(PinnedCertVerifier::new(vec![
            t.leaf.der().to_vec(),
        ])));
        c.identities = vec![t.identity];
    }
    Framed {
        pair: Pair::new(c, s),
        c2s: Reframer::new(clog, seed, c2s),
        s2c: Reframer::new(slog, seed.rotate_left(17), s2c),
        stash: [Vec::new(), Vec::new()],
    }
}

impl Framed {
    /// Moves `from`'s output to its peer through the re-framer. A receiver
    /// whose buffer is full processes what it has, as an event loop would:
    /// the handshake while it runs, else reading data into the stash.
    fn transfer_with(
        &mut self,
        from: Who,
        rewrite: &mut dyn FnMut(Vec<Vec<u8>>) -> Vec<Vec<u8>>,
    ) -> Result<(), (Who, Error)> {
        let (src, dst, r, to) = match from {
            Who::Client => (
                &mut self.pair.client,
                &mut self.pair.server,
                &mut self.c2s,
                Who::Server,
            ),
            Who::Server => (
                &mut self.pair.server,
                &mut self.pair.client,
                &mut self.s2c,
                Who::Client,
            ),
        };
        let mut bytes = Vec::new();
        src.write_tls_into(&mut bytes);
        r.reframe(&mut bytes, rewrite);
        let stash = &mut self.stash[to as usize];
        let mut off = 0;
        let mut stalled = false;
        while off < bytes.len() {
            let n = dst.read_tls(&bytes[off..]);
            if n > 0 {
                off += n;
                stalled = false;
                continue;
            }
            assert!(!stalled, "receiver takes no input after processing");
            stalled = true;
            if dst.is_handshake_complete() {
                stash.extend_from_slice(&read_all(dst));
            } else {
                let _progress = dst.handshake(NOW).map_err(|e| (to, e))?;
            }
        }
        Ok(())
    }

    fn transfer(&mut self, from: Who) {
        self.transfer_with(from, &mut |m| m).expect("transfer");
    }

    fn handshake(&mut self) -> Result<(), (Who, Error)> {
        for _ in 0..16 {
            let c = self
                .pair
                .client
                .handshake(NOW)
                .map_err(|e| (Who::Client, e))?;
            self.transfer_with(Who::Client, &mut |m| m)?;
            let s = self
                .pair
                .server
                .handshake(NOW)
                .map_err(|e| (Who::Server, e))?;
            self.transfer_with(Who::Server, &mut |m| m)?;
            if c == Progress::Complete
                && s == Progress::Complete
                && !self.pair.client.wants_write()
                && !self.pair.server.wants_write()
            {
                return Ok(());
            }
        }
        panic!("handshake did not converge");
    }

    fn send(&mut self, from: Who, data: &[u8]) -> Vec<u8> {
        let (src, dst) = match from {
            Who::Client => (&mut self.pair.client, Who::Server),
            Who::Server => (&mut self.pair.server, Who::Client),
        };
        let mut off = 0;
        while off < data.len() {
            off += src.write(&data[off..]).expect("write");
        }
        self.transfer(from);
        let mut got = std::mem::take(&mut self.stash[dst as usize]);
        let conn = match dst {
            Who::Client => &mut self.pair.client,
            Who::Server => &mut self.pair.server,
        };
        got.extend_from_slice(&read_all(conn));
        got
    }
}

fn framing() -> impl Strategy<Value = Framing> {
    (
        prop_oneof![1usize..64, 64usize..2048, Just(1 << 14)],
        prop_oneof![Just(0usize), 1usize..32, Just(1 << 14)],
        0usize..4,
    )
        .prop_map(|(max_fragment, max_padding, empty_records)| Framing {
            max_fragment,
            max_padding,
            empty_records,
        })
}

#[derive(Debug, Clone)]
enum Step {
    Data(Who, usize),
    KeyUpdate(Who, bool),
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let who = prop_oneof![Just(Who::Client), Just(Who::Server)];
    proptest::collection::vec(
        prop_oneof![
            3 => (who.clone(), prop_oneof![1usize..100, 1000usize..40_000]).prop_map(|(w, n)| Step::Data(w, n)),
            1 => (who, any::<bool>()).prop_map(|(w, r)| Step::KeyUpdate(w, r)),
        ],
        0..6,
    )
}

// ---------------------------------------------------------------------------
// 3. Allowed message orders.

/// The messages a side may receive after its peer's hello, in order
/// (RFC 8446 §2): returns the index of the first message the table refuses.
fn first_illegal(
    receiver: Who,
    types: &[HandshakeType],
    cert_mode: bool,
    cr: bool,
) -> Option<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum S {
        Ee,
        CertOrCr,
        Cert,
        Cv,
        Fin,
        Done,
    }
    let mut s = match receiver {
        Who::Client => S::Ee,
        Who::Server if cr => S::Cert,
        Who::Server => S::Fin,
    };
    for (i, t) in types.iter().enumerate() {
        s = match (receiver, s, *t) {
            (Who::Client, S::Ee, HandshakeType::ENCRYPTED_EXTENSIONS) => {
                if cert_mode {
                    S::CertOrCr
                } else {
                    S::Fin
                }
            }
            (Who::Client, S::CertOrCr, HandshakeType::CERTIFICATE_REQUEST) => S::Cert,
            (_, S::CertOrCr | S::Cert, HandshakeType::CERTIFICATE) => S::Cv,
            (_, S::Cv, HandshakeType::CERTIFICATE_VERIFY) => S::Fin,
            (_, S::Fin, HandshakeType::FINISHED) => S::Done,
            // Nothing may follow Finished under the handshake keys.
            _ => return Some(i),
        };
    }
    None
}

/// Messages a peer could send at the wrong time, well-formed.
fn foreign_messages() -> Vec<Vec<u8>> {
    let cr = HandshakeMessage::from(CertificateRequest {
        context: Vec::new(),
        extensions: vec![CrExtension::SignatureAlgorithms(vec![
            SignatureScheme::ED25519,
        ])],
    });
    let nst = HandshakeMessage::from(NewSessionTicket {
        lifetime: 60,
        age_add: 1,
        nonce: vec![0],
        ticket: vec![1, 2, 3],
        extensions: Vec::new(),
    });
    let ku = HandshakeMessage {
        typ: HandshakeType::KEY_UPDATE,
        payload: HandshakePayload::KeyUpdate(KeyUpdateRequest::UPDATE_NOT_REQUESTED),
    };
    vec![
        cr.get_encoding(),
        nst.get_encoding(),
        ku.get_encoding(),
        vec![HandshakeType::END_OF_EARLY_DATA.0, 0, 0, 0],
    ]
}

#[derive(Debug, Clone, Copy)]
enum Mutation {
    Drop(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Move(usize, usize),
    Insert(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Drop),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Move(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Insert(a, b)),
    ]
}

fn apply(m: Mutation, mut msgs: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    let n = msgs.len();
    match m {
        Mutation::Drop(i) => {
            msgs.remove(i % n);
        }
        Mutation::Duplicate(i) => {
            let c = msgs[i % n].clone();
            msgs.insert(i % n, c);
        }
        Mutation::Swap(i, j) => msgs.swap(i % n, j % n),
        Mutation::Move(i, j) => {
            let c = msgs.remove(i % n);
            msgs.insert(j % n, c);
        }
        Mutation::Insert(what, at) => {
            let f = foreign_messages();
            msgs.insert(at % (n + 1), f[what % f.len()].clone());
        }
    }
    msgs
}

/// Runs the shape's handshake with the flight of `sender` mutated by `m`
/// and checks the receiver against the table.
fn check_order(shape: Shape, sender: Who, m: Mutation, seed: u64) {
    let whole = Framing {
        max_fragment: 1 << 14,
        max_padding: 0,
        empty_records: 0,
    };
    let mut f = framed(shape, seed, whole, whole);
    let receiver = match sender {
        Who::Client => Who::Server,
        Who::Server => Who::Client,
    };
    let original: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let mutated: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let mut outcome: Option<(Who, Error)> = None;
    for _ in 0..16 {
        for who in [Who::Client, Who::Server] {
            let conn = match who {
                Who::Client => &mut f.pair.client,
                Who::Server => &mut f.pair.server,
            };
            if let Err(e) = conn.handshake(NOW) {
                outcome = Some((who, e));
            }
            let (o, mm) = (original.clone(), mutated.clone());
            let mut rewrite = move |msgs: Vec<Vec<u8>>| {
                let mut o = o.lock().unwrap();
                if who != sender || !o.is_empty() {
                    return msgs;
                }
                *o = msgs.clone();
                let out = apply(m, msgs);
                *mm.lock().unwrap() = out.clone();
                out
            };
            if let Err(e) = f.transfer_with(who, &mut rewrite) {
                outcome.get_or_insert(e);
            }
            if outcome.is_some() {
                break;
            }
        }
        if outcome.is_some() {
            break;
        }
        if f.pair.client.is_handshake_complete() && f.pair.server.is_handshake_complete() {
            break;
        }
    }
    // Whatever follows the flight is processed by reading.
    if outcome.is_none() {
        for who in [Who::Client, Who::Server] {
            let conn = match who {
                Who::Client => &mut f.pair.client,
                Who::Server => &mut f.pair.server,
            };
            if conn.is_handshake_complete() {
                let mut buf = [0u8; 64];
                if let Err(e) = conn.read(&mut buf) {
                    outcome = Some((who, e));
                    break;
                }
            }
        }
    }
    let original = original.lock().unwrap().clone();
    let mutated = mutated.lock().unwrap().clone();
    if original.is_empty() {
        // The flight under the sender's first key never went out (the
        // handshake failed before); nothing to judge.
        panic!("no flight from {sender:?}: {outcome:?}");
    }
    let types: Vec<HandshakeType> = mutated.iter().map(|m| HandshakeType(m[0])).collect();
    let cert_mode = shape.psk.is_none();
    let cr = cert_mode && shape.client_auth;
    let illegal = first_illegal(receiver, &types, cert_mode, cr);
    let differs_at = original
        .iter()
        .zip(&mutated)
        .position(|(a, b)| a != b)
        .unwrap_or(original.len().min(mutated.len()));
    let authenticated_between = |k: usize| {
        types[differs_at.min(k)..k].iter().any(|t| {
            matches!(
                *t,
                HandshakeType::CERTIFICATE_VERIFY | HandshakeType::FINISHED
            )
        })
    };
    let ctx = format!("{shape:?} {sender:?} {m:?} {types:?} -> {outcome:?}");
    let receiver_done = match receiver {
        Who::Client => f.pair.client.is_handshake_complete(),
        Who::Server => f.pair.server.is_handshake_complete(),
    };
    match illegal {
        None if mutated == original => assert!(outcome.is_none() && receiver_done, "{ctx}"),
        // A legal but different flight (a prefix, or without the optional
        // CertificateRequest) must not complete: the transcript differs.
        None => assert!(outcome.is_some() || !receiver_done, "{ctx}"),
        Some(k) => {
            let (who, e) = outcome.clone().unwrap_or_else(|| panic!("accepted: {ctx}"));
            let after_finished = types[..k].contains(&HandshakeType::FINISHED);
            if !authenticated_between(k) && !after_finished {
                assert_eq!(who, receiver, "{ctx}");
                assert_eq!(
                    e.alert(),
                    Some(AlertDescription::UNEXPECTED_MESSAGE),
                    "{ctx}"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn records_survive_any_framing(
        shape in shape(),
        seed in any::<u64>(),
        c2s in framing(),
        s2c in framing(),
        steps in steps(),
    ) {
        let mut f = framed(shape, seed, c2s, s2c);
        f.handshake().unwrap();
        let mut expected_scheme = None;
        if shape.psk.is_none() {
            expected_scheme = Some(SignatureScheme::ED25519);
        }
        prop_assert_eq!(f.pair.client.negotiated().signature_scheme, expected_scheme);
        prop_assert_eq!(f.pair.client.negotiated().suite, Some(shape.suite));
        prop_assert_eq!(f.pair.server.negotiated().hello_retry, shape.hrr && shape.psk != Some(PskKeyExchangeMode::PSK_KE));
        for (i, step) in steps.iter().enumerate() {
            match *step {
                Step::Data(who, n) => {
                    let data: Vec<u8> = (0..n).map(|j| (j * 7 + i) as u8).collect();
                    prop_assert_eq!(f.send(who, &data), data);
                }
                Step::KeyUpdate(who, request) => {
                    let (conn, other) = match who {
                        Who::Client => (&mut f.pair.client, Who::Server),
                        Who::Server => (&mut f.pair.server, Who::Client),
                    };
                    conn.key_update(request).unwrap();
                    f.transfer(who);
                    let c = match other {
                        Who::Client => &mut f.pair.client,
                        Who::Server => &mut f.pair.server,
                    };
                    prop_assert_eq!(c.read(&mut [0u8; 8]).unwrap(), AppRead::WouldBlock);
                    f.transfer(other);
                }
            }
        }
        // Both sides derived the same secrets all along.
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        f.pair.client.export_keying_material(b"props", b"", &mut a).unwrap();
        f.pair.server.export_keying_material(b"props", b"", &mut b).unwrap();
        prop_assert_eq!(a, b);
        prop_assert_eq!(f.send(Who::Client, b"last"), b"last".to_vec());
    }

    #[test]
    fn illegal_server_flight_orders_are_refused(
        shape in shape(),
        m in mutation(),
        seed in any::<u64>(),
    ) {
        check_order(shape, Who::Server, m, seed);
    }

    #[test]
    fn illegal_client_flight_orders_are_refused(
        shape in shape(),
        m in mutation(),
        seed in any::<u64>(),
    ) {
        check_order(shape, Who::Client, m, seed);
    }
}

/// The table itself, on the flights RFC 8446 §2 draws.
#[test]
fn order_table_accepts_the_rfc_flights() {
    use HandshakeType as T;
    let ee = T::ENCRYPTED_EXTENSIONS;
    let full = [
        ee,
        T::CERTIFICATE_REQUEST,
        T::CERTIFICATE,
        T::CERTIFICATE_VERIFY,
        T::FINISHED,
    ];
    assert_eq!(first_illegal(Who::Client, &full, true, false), None);
    assert_eq!(first_illegal(Who::Client, &full[..1], true, false), None);
    assert_eq!(
        first_illegal(Who::Client, &[ee, T::FINISHED], false, false),
        None
    );
    assert_eq!(
        first_illegal(Who::Client, &[ee, T::FINISHED], true, false),
        Some(1)
    );
    assert_eq!(
        first_illegal(Who::Client, &[T::CERTIFICATE], true, false),
        Some(0)
    );
    let client = [T::CERTIFICATE, T::CERTIFICATE_VERIFY, T::FINISHED];
    assert_eq!(first_illegal(Who::Server, &client, true, true), None);
    assert_eq!(first_illegal(Who::Server, &client, true, false), Some(0));
    assert_eq!(
        first_illegal(Who::Server, &[T::FINISHED, T::FINISHED], false, false),
        Some(1)
    );
}

/// A server whose first message is not a ClientHello refuses it with
/// unexpected_message, whatever the message.
#[test]
fn server_refuses_every_first_message_but_client_hello() {
    for msg in foreign_messages() {
        let (_, s) = configs(KeyType::Ed25519);
        let mut server = Connection::server(Arc::new(s)).unwrap();
        let mut rec = vec![22, 3, 3, 0, msg.len() as u8];
        rec.extend_from_slice(&msg);
        server.read_tls(&rec);
        let e = server.handshake(NOW).unwrap_err();
        assert_eq!(
            e.alert(),
            Some(AlertDescription::UNEXPECTED_MESSAGE),
            "{e:?}"
        );
    }
}
