//! The resource limits SECURITY.md lists, each at its boundary through a
//! real client/server pair: the last accepted value passes and the next
//! one fails with its exact error. Also the regression for the one
//! CPU-amplification input hardening found (a ClientHello flooding
//! key_share and supported_groups).

mod common;

use common::keylog::{Framing, Logging, Reframer};
use common::pair::{NOW, Pair, Who, configs, provider};
use qtls::codec::Codec;
use qtls::codec::enums::{
    AlertDescription, CipherSuite, NamedGroup, ProtocolVersion, SignatureScheme,
};
use qtls::codec::extensions::{ClientExtension, KeyShareEntry};
use qtls::codec::handshake::{ClientHello, HandshakeMessage};
use qtls::config::{DEFAULT_MAX_CHAIN_LEN, DEFAULT_MAX_HANDSHAKE_MESSAGE, Identity};
use qtls::conn::{AppRead, Connection};
use qtls::error::{CertificateError, Error, InvalidMessage, PeerIncompatible, PeerMisbehaved};
use qtls::pki::KeyType;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn ccs_flood(extra: usize) -> Result<(), (Who, Error)> {
    let (c, s) = configs(KeyType::EcdsaP256);
    let mut p = Pair::new(c, s);
    let _ = p.client.handshake(NOW).unwrap();
    p.transfer(Who::Client);
    let _ = p.server.handshake(NOW).unwrap();
    p.transfer_altered(Who::Server, |b| {
        let mut flood: Vec<u8> = [20u8, 3, 3, 0, 1, 1].repeat(extra);
        flood.extend_from_slice(b);
        *b = flood;
    });
    p.handshake()
}

/// Four compatibility ChangeCipherSpec records are accepted (the server's
/// own and three more); a fifth is refused (src/conn/receive.rs MAX_CCS).
#[test]
fn change_cipher_spec_limit() {
    assert_eq!(ccs_flood(3), Ok(()));
    let (who, e) = ccs_flood(4).unwrap_err();
    assert_eq!(who, Who::Client);
    assert_eq!(e, Error::PeerMisbehaved(PeerMisbehaved::TooManyCcs));
    assert_eq!(e.alert(), Some(AlertDescription::UNEXPECTED_MESSAGE));
}

/// A pair whose server-to-client records pass through a re-framer, so the
/// test can add empty records under the server's keys.
struct Framed {
    pair: Pair,
    s2c: Reframer,
}

fn framed() -> Framed {
    let (c, mut s) = configs(KeyType::EcdsaP256);
    let log = Arc::default();
    s.provider = Arc::new(Logging {
        inner: provider(),
        log: Arc::clone(&log),
    });
    let whole = Framing {
        max_fragment: 1 << 14,
        max_padding: 0,
        empty_records: 0,
    };
    let mut f = Framed {
        pair: Pair::new(c, s),
        s2c: Reframer::new(log, 1, whole),
    };
    for _ in 0..8 {
        let _ = f.pair.client.handshake(NOW).unwrap();
        f.pair.transfer(Who::Client);
        let _ = f.pair.server.handshake(NOW).unwrap();
        f.server_to_client();
    }
    assert!(f.pair.client.is_handshake_complete() && f.pair.server.is_handshake_complete());
    f
}

impl Framed {
    fn server_to_client(&mut self) {
        let r = &mut self.s2c;
        self.pair
            .transfer_altered(Who::Server, |b| r.reframe(b, &mut |m| m));
    }

    /// The server sends `data` after `empty` empty records; the client reads.
    fn send_after_empty(&mut self, empty: usize, data: &[u8]) -> Result<AppRead, Error> {
        self.s2c.force_empty = empty;
        self.pair.server.write(data).unwrap();
        self.server_to_client();
        let mut buf = [0u8; 64];
        self.pair.client.read(&mut buf)
    }
}

/// 32 empty application-data records in a row are accepted; the 33rd is
/// refused (MAX_EMPTY_RECORDS).
#[test]
fn empty_record_limit() {
    let mut f = framed();
    assert_eq!(f.send_after_empty(32, b"x"), Ok(AppRead::Data(1)));
    // Data in between resets the count.
    assert_eq!(f.send_after_empty(32, b"y"), Ok(AppRead::Data(1)));
    assert_eq!(
        f.send_after_empty(33, b"z"),
        Err(Error::PeerMisbehaved(PeerMisbehaved::TooManyEmptyRecords))
    );
}

/// 32 KeyUpdates without data between them are accepted; the 33rd is
/// refused (MAX_KEY_UPDATES_IN_A_ROW); data in between resets the count.
#[test]
fn key_update_limit() {
    let (c, s) = configs(KeyType::EcdsaP256);
    let mut p = Pair::new(c, s);
    p.handshake().unwrap();
    let mut buf = [0u8; 16];
    for round in 0..2 {
        for _ in 0..32 {
            p.server.key_update(false).unwrap();
            p.transfer(Who::Server);
            assert_eq!(p.client.read(&mut buf), Ok(AppRead::WouldBlock));
        }
        if round == 0 {
            assert_eq!(p.send(Who::Server, b"reset"), b"reset");
        }
    }
    p.server.key_update(false).unwrap();
    p.transfer(Who::Server);
    assert_eq!(
        p.client.read(&mut buf),
        Err(Error::PeerMisbehaved(PeerMisbehaved::TooManyKeyUpdates))
    );
}

/// A handshake message longer than the receiver's limit is refused as
/// soon as its header arrives.
#[test]
fn handshake_message_limit() {
    assert_eq!(DEFAULT_MAX_HANDSHAKE_MESSAGE, 128 * 1024);
    // The server's Certificate message (two ECDSA certificates) is a few
    // hundred bytes: a client limit below it refuses it.
    let (mut c, s) = configs(KeyType::EcdsaP256);
    c.policy.max_handshake_message = 200;
    let mut p = Pair::new(c, s);
    let (who, e) = p.handshake().unwrap_err();
    assert_eq!(who, Who::Client);
    assert_eq!(
        e,
        Error::InvalidMessage(InvalidMessage::HandshakeMessageTooLarge)
    );
    // The same for a server and a ClientHello.
    let (c, mut s) = configs(KeyType::EcdsaP256);
    s.policy.max_handshake_message = 100;
    let mut p = Pair::new(c, s);
    let (who, e) = p.handshake().unwrap_err();
    assert_eq!(who, Who::Server);
    assert_eq!(
        e,
        Error::InvalidMessage(InvalidMessage::HandshakeMessageTooLarge)
    );
}

fn chain_of(len: usize, max_chain_len: usize) -> Result<(), (Who, Error)> {
    let (mut c, mut s) = configs(KeyType::EcdsaP256);
    let id = s.identities.pop().unwrap();
    let mut chain = id.chain.clone();
    let ca = chain[1].clone();
    chain.resize(len, ca);
    s.identities = vec![Identity::new(chain, id.key).unwrap()];
    c.policy.max_chain_len = max_chain_len;
    Pair::new(c, s).handshake()
}

/// A chain of max_chain_len certificates is accepted, one more is refused.
#[test]
fn chain_length_limit() {
    assert_eq!(DEFAULT_MAX_CHAIN_LEN, 16);
    assert_eq!(chain_of(16, DEFAULT_MAX_CHAIN_LEN), Ok(()));
    assert_eq!(
        chain_of(17, DEFAULT_MAX_CHAIN_LEN),
        Err((
            Who::Client,
            Error::Certificate(CertificateError::Other("certificate chain too long"))
        ))
    );
}

/// A ClientHello with `shares` key shares and `groups` supported groups,
/// none of which the server knows.
fn flood_hello(shares: usize, groups: usize) -> Vec<u8> {
    let code = |i: usize| NamedGroup(0x2000 + u16::try_from(i).unwrap());
    let ch = ClientHello {
        legacy_version: ProtocolVersion::TLSV1_2,
        random: [1; 32],
        legacy_session_id: Vec::new(),
        cipher_suites: vec![CipherSuite::TLS_AES_128_GCM_SHA256],
        compression_methods: vec![0],
        extensions: vec![
            ClientExtension::SupportedVersions(vec![ProtocolVersion::TLSV1_3]),
            ClientExtension::SupportedGroups((0..groups).map(code).collect()),
            ClientExtension::SignatureAlgorithms(vec![SignatureScheme::ECDSA_SECP256R1_SHA256]),
            ClientExtension::KeyShare(
                (0..shares)
                    .map(|i| KeyShareEntry {
                        group: code(groups - 1 - i),
                        payload: vec![7],
                    })
                    .collect(),
            ),
        ],
    };
    HandshakeMessage::from(ch).get_encoding()
}

/// The fastest of five runs of a server handling `hello`.
fn server_time(hello: &[u8]) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let (_, s) = configs(KeyType::EcdsaP256);
        let mut server = Connection::server(Arc::new(s)).unwrap();
        let start = Instant::now();
        let mut result = None;
        for chunk in hello.chunks(1 << 14) {
            let mut rec = vec![22, 3, 3];
            rec.extend_from_slice(&u16::try_from(chunk.len()).unwrap().to_be_bytes());
            rec.extend_from_slice(chunk);
            assert_eq!(server.read_tls(&rec), rec.len());
            result = Some(server.handshake(NOW));
        }
        best = best.min(start.elapsed());
        assert_eq!(
            result,
            Some(Err(Error::PeerIncompatible(
                PeerIncompatible::NoCommonGroup
            )))
        );
    }
    best
}

/// A 64 KiB ClientHello of 6400 key shares and 16000 groups once cost the
/// server seconds (pairwise key_share checks, found by hardening). The
/// work must now grow about linearly: ten times the entries may cost at
/// most forty times as long (quadratic work would be a hundredfold).
///
/// On a loaded CI machine the sub-millisecond small case is noise-bound
/// (a preemption during the large run alone gives 50x), so the test also
/// accepts a large run under 150 ms: the quadratic code took seconds, so
/// it fails both bounds while the linear code meets at least one.
#[test]
fn key_share_flood_costs_linear_time() {
    let small = server_time(&flood_hello(640, 1600));
    let large_hello = flood_hello(6400, 16000);
    assert!(large_hello.len() > 60_000 && large_hello.len() < 65_536);
    let large = server_time(&large_hello);
    assert!(
        large < small * 40 || large < Duration::from_millis(150),
        "10x the entries took {large:?} against {small:?}"
    );
}
