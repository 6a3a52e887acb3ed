//! What the qtls fuzz targets and the corpus generator share: fixed
//! credentials, the configuration "shapes" a fuzz input selects, a driver
//! that feeds bytes to a [`Connection`] while checking invariants, a
//! client/server pair, and record helpers for the null AEAD of the fuzzer
//! mode (records "encrypted" by it carry their plaintext and a zero tag).
//!
//! # Input format of the `client` and `server` targets
//! `[shape, suite, chunk, peer bytes...]`: `shape` picks configuration bits
//! ([`Setup`]), `suite` narrows the client's cipher suites, `chunk` (when not
//! zero) feeds the peer bytes that many at a time. The corpus generator
//! records real in-memory handshakes of every shape with the same configs,
//! so the recorded peer bytes replay exactly (the fuzzing provider's random
//! stream is fixed, so our ClientHello and the echoed session id match).

use qtls::codec::enums::{
    AlertDescription, CipherSuite, ContentType, NamedGroup, ProtocolVersion, PskKeyExchangeMode,
};
use qtls::config::{ClientAuth, ClientConfig, ExternalPsk, Identity, PskList, ServerConfig};
use qtls::conn::{AppRead, Connection, Negotiated, Progress};
use qtls::pki::{CertBuilder, KeyPair, KeyType};
use qtls::provider::{CryptoProvider, HashAlgorithm};
use qtls::record::deframer::{HEADER_LEN, peek_record};
use qtls::verify::DangerousNoVerification;
use qtls::{Error, Side, UnixTime};
use std::sync::{Arc, OnceLock};

/// The fixed "now" (2026-01-01T00:00:00Z).
pub const NOW: UnixTime = UnixTime(1_767_225_600);

/// The external PSK both sides know in the PSK shapes.
pub const PSK_IDENTITY: &[u8] = b"fuzz-psk";
const PSK_KEY: [u8; 32] = [0x42; 32];

/// The server name the client asks for.
pub const SERVER_NAME: &str = "localhost";

/// A fresh fuzzing provider (one per input, so the random stream replays).
pub fn provider() -> Arc<dyn CryptoProvider> {
    qtls::provider::fuzzing::provider()
}

// ---------------------------------------------------------------------------
// Fixed credentials.

/// PKCS#8 v1 wrapping of an Ed25519 seed (RFC 8410).
fn ed25519_pkcs8(seed: u8) -> Vec<u8> {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&[seed; 32]);
    der
}

/// A deterministic Ed25519 chain (leaf, CA) and the leaf's PKCS#8 key.
pub struct FixedChain {
    /// DER certificates, leaf first.
    pub chain: Vec<Vec<u8>>,
    /// The leaf's PKCS#8 private key.
    pub key: Vec<u8>,
}

fn make_chain(client: bool) -> FixedChain {
    let ca_key = KeyPair::from_pkcs8(KeyType::Ed25519, &ed25519_pkcs8(1)).expect("CA key");
    let leaf_pkcs8 = ed25519_pkcs8(if client { 3 } else { 2 });
    let leaf_key = KeyPair::from_pkcs8(KeyType::Ed25519, &leaf_pkcs8).expect("leaf key");
    let (not_before, not_after) = (1_700_000_000, 2_000_000_000);
    let ca = CertBuilder::ca("qtls fuzz CA")
        .serial(&[1])
        .validity(not_before, not_after)
        .self_signed(&ca_key)
        .expect("CA certificate");
    let builder = if client {
        CertBuilder::client("qtls fuzz client")
    } else {
        CertBuilder::server(SERVER_NAME, &[SERVER_NAME])
    };
    let leaf = builder
        .serial(&[if client { 3 } else { 2 }])
        .validity(not_before, not_after)
        .signed_by(&leaf_key, &ca, &ca_key)
        .expect("leaf certificate");
    FixedChain {
        chain: vec![leaf.der().to_vec(), ca.der().to_vec()],
        key: leaf_pkcs8,
    }
}

/// The server's fixed chain.
pub fn server_chain() -> &'static FixedChain {
    static C: OnceLock<FixedChain> = OnceLock::new();
    C.get_or_init(|| make_chain(false))
}

/// The client's fixed chain (client authentication shapes).
pub fn client_chain() -> &'static FixedChain {
    static C: OnceLock<FixedChain> = OnceLock::new();
    C.get_or_init(|| make_chain(true))
}

fn identity(p: &Arc<dyn CryptoProvider>, c: &FixedChain) -> Identity {
    let key = p.load_signing_key(&c.key).expect("fixed key loads");
    Identity::new(c.chain.clone(), Arc::from(key)).expect("fixed identity")
}

// ---------------------------------------------------------------------------
// Shapes.

/// What the first three input bytes select.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setup {
    /// Configuration bits, see the `SHAPE_*` constants.
    pub shape: u8,
    /// 0: the default suites; 1..=5: the client offers only that suite.
    pub suite: u8,
    /// 0: feed all peer bytes at once; n: n bytes at a time.
    pub chunk: u8,
}

/// Both sides know [`PSK_IDENTITY`]; the client offers it.
pub const SHAPE_PSK: u8 = 1;
/// The server requests a client certificate and the client has one.
pub const SHAPE_CLIENT_AUTH: u8 = 1 << 1;
/// Both sides offer ALPN.
pub const SHAPE_ALPN: u8 = 1 << 2;
/// The client's only share is for a group the server does not take:
/// HelloRetryRequest.
pub const SHAPE_HRR: u8 = 1 << 3;
/// The server sends a cookie in its HelloRetryRequest.
pub const SHAPE_COOKIE: u8 = 1 << 4;
/// Both sides advertise record_size_limit.
pub const SHAPE_RECORD_LIMIT: u8 = 1 << 5;
/// Middlebox compatibility mode off on both sides.
pub const SHAPE_NO_COMPAT: u8 = 1 << 6;
/// With [`SHAPE_PSK`]: psk_ke only. Without: client auth is required.
pub const SHAPE_PSK_KE_OR_REQUIRE: u8 = 1 << 7;

/// The suites a `suite` byte of 1..=5 selects.
pub const SUITES: [CipherSuite; 5] = [
    CipherSuite::TLS_AES_128_GCM_SHA256,
    CipherSuite::TLS_AES_256_GCM_SHA384,
    CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
    CipherSuite::TLS_AES_128_CCM_SHA256,
    CipherSuite::TLS_AES_128_CCM_8_SHA256,
];

impl Setup {
    /// Splits an input into its setup and the rest.
    pub fn parse(data: &[u8]) -> Option<(Setup, &[u8])> {
        let (&[shape, suite, chunk], rest) = data.split_first_chunk::<3>()?;
        Some((
            Setup {
                shape,
                suite: suite % 6,
                chunk,
            },
            rest,
        ))
    }

    /// The three header bytes.
    pub fn header(&self) -> [u8; 3] {
        [self.shape, self.suite, self.chunk]
    }

    fn has(&self, bit: u8) -> bool {
        self.shape & bit != 0
    }

    fn client_suite(&self) -> Option<CipherSuite> {
        SUITES.get(usize::from(self.suite).checked_sub(1)?).copied()
    }

    /// The PSK both sides know: its hash follows the client's only suite,
    /// so every shape can complete.
    fn psk(&self) -> ExternalPsk {
        let mut k = ExternalPsk::new(PSK_IDENTITY, &PSK_KEY);
        if self.client_suite() == Some(CipherSuite::TLS_AES_256_GCM_SHA384) {
            k.hash = HashAlgorithm::Sha384;
        }
        k
    }
}

/// The client configuration of a shape.
pub fn client_config(p: Arc<dyn CryptoProvider>, s: &Setup) -> ClientConfig {
    let mut c = ClientConfig::new(p.clone(), Arc::new(DangerousNoVerification));
    if let Some(suite) = s.client_suite() {
        c.policy.suites = vec![suite];
    }
    if s.has(SHAPE_PSK) {
        c.psks = vec![s.psk()];
        if s.has(SHAPE_PSK_KE_OR_REQUIRE) {
            c.policy.psk_modes = vec![PskKeyExchangeMode::PSK_KE];
        }
    }
    if s.has(SHAPE_CLIENT_AUTH) || (s.has(SHAPE_PSK_KE_OR_REQUIRE) && !s.has(SHAPE_PSK)) {
        c.identities = vec![identity(&p, client_chain())];
    }
    if s.has(SHAPE_ALPN) {
        c.alpn = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    }
    if s.has(SHAPE_HRR) {
        c.policy.groups = vec![NamedGroup::SECP256R1, NamedGroup::X25519];
        c.key_shares = 1;
    }
    if s.has(SHAPE_RECORD_LIMIT) {
        c.policy.record_size_limit = Some(1024);
    }
    if s.has(SHAPE_NO_COMPAT) {
        c.policy.middlebox_compat = false;
    }
    c
}

/// The server configuration of a shape.
pub fn server_config(p: Arc<dyn CryptoProvider>, s: &Setup) -> ServerConfig {
    let mut c = ServerConfig::new(p.clone());
    c.identities = vec![identity(&p, server_chain())];
    c.policy.suites.push(CipherSuite::TLS_AES_128_CCM_8_SHA256);
    if s.has(SHAPE_PSK) {
        c.psk_store = Some(Arc::new(PskList(vec![s.psk()])));
    }
    if s.has(SHAPE_PSK_KE_OR_REQUIRE) && !s.has(SHAPE_PSK) {
        c.client_auth = ClientAuth::Require(Arc::new(DangerousNoVerification));
    } else if s.has(SHAPE_CLIENT_AUTH) {
        c.client_auth = ClientAuth::Request(Arc::new(DangerousNoVerification));
    }
    if s.has(SHAPE_ALPN) {
        c.alpn = vec![b"http/1.1".to_vec()];
    }
    if s.has(SHAPE_HRR) {
        c.policy.groups = vec![NamedGroup::X25519, NamedGroup::SECP384R1];
    }
    if s.has(SHAPE_COOKIE) {
        c.hrr_cookie = true;
    }
    if s.has(SHAPE_RECORD_LIMIT) {
        c.policy.record_size_limit = Some(2048);
    }
    if s.has(SHAPE_NO_COMPAT) {
        c.policy.middlebox_compat = false;
    }
    c
}

/// A client connection of a shape.
pub fn client(s: &Setup) -> Option<(Connection, Arc<ClientConfig>)> {
    let cfg = Arc::new(client_config(provider(), s));
    let conn = Connection::client(cfg.clone(), Some(SERVER_NAME)).ok()?;
    Some((conn, cfg))
}

/// A server connection of a shape.
pub fn server(s: &Setup) -> Option<(Connection, Arc<ServerConfig>)> {
    let cfg = Arc::new(server_config(provider(), s));
    let conn = Connection::server(cfg.clone()).ok()?;
    Some((conn, cfg))
}

// ---------------------------------------------------------------------------
// Records.

/// One record of a byte stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The outer content type.
    pub typ: ContentType,
    /// legacy_record_version.
    pub version: u16,
    /// The payload.
    pub payload: Vec<u8>,
}

/// Splits a stream we produced into records. Panics when it is not a
/// sequence of whole, valid records: our output must always be.
pub fn split_records(mut bytes: &[u8]) -> Vec<Record> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let header = match peek_record(bytes, true) {
            Ok(Some(h)) => h,
            other => panic!("our output is not whole records: {other:?} at {bytes:02x?}"),
        };
        let payload = bytes[HEADER_LEN..header.record_len()].to_vec();
        out.push(Record {
            typ: header.typ,
            version: header.legacy_version,
            payload,
        });
        bytes = &bytes[header.record_len()..];
    }
    out
}

/// Splits a stream of untrusted bytes into records as far as it goes.
pub fn split_records_lossy(mut bytes: &[u8]) -> Vec<Record> {
    let mut out = Vec::new();
    while let Ok(Some(header)) = peek_record(bytes, true) {
        out.push(Record {
            typ: header.typ,
            version: header.legacy_version,
            payload: bytes[HEADER_LEN..header.record_len()].to_vec(),
        });
        bytes = &bytes[header.record_len()..];
    }
    out
}

/// The inner content type and content of a record protected by the null
/// AEAD: zero padding and the zero tag are stripped together.
pub fn null_open(payload: &[u8]) -> Option<(ContentType, &[u8])> {
    let end = payload.iter().rposition(|b| *b != 0)?;
    Some((ContentType(payload[end]), &payload[..end]))
}

/// The alert a stream we produced ends with, if its last record is one.
pub fn last_alert(out: &[u8]) -> Option<AlertDescription> {
    let rec = split_records(out).pop()?;
    let body = match rec.typ {
        ContentType::ALERT => &rec.payload[..],
        ContentType::APPLICATION_DATA => match null_open(&rec.payload)? {
            (ContentType::ALERT, body) => body,
            _ => return None,
        },
        _ => return None,
    };
    match body {
        [_level, desc] => Some(AlertDescription(*desc)),
        _ => None,
    }
}

/// A record as the null AEAD would protect it: `content || type || tag`.
pub fn null_seal(typ: ContentType, content: &[u8], tag_len: usize) -> Vec<u8> {
    let mut inner = content.to_vec();
    inner.push(typ.0);
    inner.extend(std::iter::repeat_n(0, tag_len));
    record(ContentType::APPLICATION_DATA, &inner)
}

/// A plaintext record (legacy version 0x0303).
pub fn record(typ: ContentType, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(payload.len()).expect("record payload fits");
    let mut out = vec![typ.0, 3, 3];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

// ---------------------------------------------------------------------------
// Driving one connection with untrusted bytes.

/// How a driven connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The handshake did not finish (more input was needed).
    Incomplete,
    /// The handshake completed.
    Complete,
    /// The connection failed.
    Failed(Error),
}

/// Checks what every failure must satisfy: the error is sticky (every
/// later call reports it) and, when it maps to an alert, that alert is the
/// last record we queued.
pub fn check_failure(conn: &mut Connection, e: &Error, out: &mut Vec<u8>) {
    conn.write_tls_into(out);
    assert_eq!(conn.error(), Some(e), "the error is recorded");
    assert_eq!(conn.handshake(NOW), Err(e.clone()), "errors are sticky");
    let mut buf = [0u8; 16];
    assert_eq!(conn.read(&mut buf), Err(e.clone()), "read after failure");
    assert_eq!(conn.write(b"x"), Err(e.clone()), "write after failure");
    assert_eq!(conn.bye(), Err(e.clone()), "bye after failure");
    if let Some(alert) = e.alert() {
        assert_eq!(
            last_alert(out),
            Some(alert),
            "a failure with {e:?} ends our output with its alert"
        );
    }
    assert!(!conn.wants_write(), "nothing more after the fatal alert");
}

/// Reads every available byte of application data; returns how many.
fn read_available(conn: &mut Connection) -> Result<usize, Error> {
    let mut buf = [0u8; 4096];
    let mut total = 0usize;
    loop {
        match conn.read(&mut buf)? {
            AppRead::Data(0) | AppRead::WouldBlock | AppRead::Closed => return Ok(total),
            AppRead::Data(n) => total += n,
        }
    }
}

/// Feeds `stream` (the peer's bytes) to `conn`, `chunk` bytes at a time
/// (all at once for 0), advancing the handshake and then reading data.
/// All our output is appended to `out`. Checks: our output is whole valid
/// records, failures are sticky and send their alert, the receiver never
/// stalls with input left, and a completed handshake stays completed.
pub fn drive(conn: &mut Connection, stream: &[u8], chunk: usize, out: &mut Vec<u8>) -> Outcome {
    let mut rest = stream;
    let mut was_complete = false;
    loop {
        let r = if conn.is_handshake_complete() {
            read_available(conn).map(|_| ())
        } else {
            conn.handshake(NOW).map(|_| ())
        };
        conn.write_tls_into(out);
        if let Err(e) = r {
            check_failure(conn, &e, out);
            return Outcome::Failed(e);
        }
        if was_complete {
            assert!(conn.is_handshake_complete(), "completion is final");
        }
        was_complete = conn.is_handshake_complete();
        if rest.is_empty() || conn.peer_closed() {
            break;
        }
        let take = if chunk == 0 {
            rest.len()
        } else {
            chunk.min(rest.len())
        };
        let n = conn.read_tls(&rest[..take]);
        // Every record fits the buffer and processing frees it, so after a
        // processing step the connection always takes more bytes.
        assert!(n > 0, "receiver stalled with {} bytes left", rest.len());
        rest = &rest[n..];
    }
    split_records(out);
    if conn.is_handshake_complete() {
        assert_eq!(conn.status(), Progress::Complete);
        Outcome::Complete
    } else {
        Outcome::Incomplete
    }
}

/// After a completed handshake: we can send data, update keys and close,
/// and each adds records to our output.
pub fn check_established(conn: &mut Connection, out: &mut Vec<u8>) {
    let before = out.len();
    if !conn.peer_closed() {
        assert_eq!(conn.write(b"fuzz"), Ok(4));
        conn.write_tls_into(out);
        assert!(out.len() > before, "write produced a record");
        assert_eq!(conn.key_update(true), Ok(()));
    }
    assert!(conn.bye().is_ok());
    conn.write_tls_into(out);
    split_records(out);
}

/// The client's view of a completed handshake must fit what it offered.
pub fn check_client_negotiated(cfg: &ClientConfig, n: &Negotiated) {
    assert_eq!(n.version, Some(ProtocolVersion::TLSV1_3));
    let suite = n.suite.expect("suite negotiated");
    assert!(
        cfg.policy.suites.contains(&suite),
        "suite {suite:?} offered"
    );
    let t = qtls::suites::lookup(suite).expect("known suite");
    assert_eq!(n.key_size, t.aead.key_len());
    match &n.psk_identity {
        Some(id) => assert!(cfg.psks.iter().any(|k| &k.identity == id)),
        None => {
            assert!(!n.peer_certificates.is_empty(), "certificate mode");
            let scheme = n.signature_scheme.expect("server signed");
            assert!(cfg.policy.tls13_signature_schemes().any(|s| s == scheme));
        }
    }
    match n.group {
        Some(g) => assert!(cfg.policy.groups.contains(&g), "group {g:?} offered"),
        None => {
            assert!(n.psk_identity.is_some(), "no group only with a PSK");
            assert!(cfg.policy.psk_modes.contains(&PskKeyExchangeMode::PSK_KE));
        }
    }
    if let Some(a) = &n.alpn {
        assert!(cfg.alpn.contains(a), "ALPN protocol offered");
    }
}

/// The server's view of a completed handshake must fit its policy.
pub fn check_server_negotiated(cfg: &ServerConfig, n: &Negotiated) {
    assert_eq!(n.version, Some(ProtocolVersion::TLSV1_3));
    let suite = n.suite.expect("suite negotiated");
    assert!(
        cfg.policy.suites.contains(&suite),
        "suite {suite:?} allowed"
    );
    match &n.psk_identity {
        // An unknown identity is bound with a random key so that it fails
        // like a wrong key; in fuzzer mode binders always pass, so any
        // identity may be accepted here, but only by a PSK server.
        Some(_) => assert!(cfg.psk_store.is_some(), "PSK mode needs PSKs"),
        None => assert!(n.signature_scheme.is_some(), "certificate mode"),
    }
    match n.group {
        Some(g) => assert!(cfg.policy.groups.contains(&g), "group {g:?} allowed"),
        None => assert!(n.psk_identity.is_some(), "no group only with a PSK"),
    }
    if let Some(a) = &n.alpn {
        assert!(cfg.alpn.contains(a), "ALPN protocol allowed");
    }
    if matches!(cfg.client_auth, ClientAuth::Require(_)) && n.psk_identity.is_none() {
        assert!(
            !n.peer_certificates.is_empty(),
            "required client certificate"
        );
    }
}

/// Runs one side of a target: `data` is `[setup, peer bytes...]`.
pub fn run_side(side: Side, data: &[u8]) {
    let Some((setup, stream)) = Setup::parse(data) else {
        return;
    };
    let chunk = usize::from(setup.chunk);
    let mut out = Vec::new();
    match side {
        Side::Client => {
            let Some((mut conn, cfg)) = client(&setup) else {
                return;
            };
            if drive(&mut conn, stream, chunk, &mut out) == Outcome::Complete {
                check_client_negotiated(&cfg, conn.negotiated());
                check_established(&mut conn, &mut out);
            }
        }
        Side::Server => {
            let Some((mut conn, cfg)) = server(&setup) else {
                return;
            };
            if drive(&mut conn, stream, chunk, &mut out) == Outcome::Complete {
                check_server_negotiated(&cfg, conn.negotiated());
                check_established(&mut conn, &mut out);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// A client/server pair.

/// Two connections wired to each other, recording what crosses the wire.
pub struct Pair {
    /// The client.
    pub client: Connection,
    /// The server.
    pub server: Connection,
    /// Every byte the client sent.
    pub c2s: Vec<u8>,
    /// Every byte the server sent.
    pub s2c: Vec<u8>,
    /// Application data each side read while making room (client, server).
    pub stash: [Vec<u8>; 2],
}

impl Pair {
    /// A pair of a shape, not yet handshaken; `None` when the shape's
    /// configuration is unusable.
    pub fn new(s: &Setup) -> Option<Pair> {
        Some(Pair {
            client: client(s)?.0,
            server: server(s)?.0,
            c2s: Vec::new(),
            s2c: Vec::new(),
            stash: [Vec::new(), Vec::new()],
        })
    }

    /// Moves everything `from` has pending to the other side; data the
    /// receiver must read to make room goes to its stash.
    pub fn transfer(&mut self, from: Side) -> Result<(), Error> {
        let (src, dst, log, stash) = match from {
            Side::Client => (
                &mut self.client,
                &mut self.server,
                &mut self.c2s,
                &mut self.stash[1],
            ),
            Side::Server => (
                &mut self.server,
                &mut self.client,
                &mut self.s2c,
                &mut self.stash[0],
            ),
        };
        let mut bytes = Vec::new();
        src.write_tls_into(&mut bytes);
        log.extend_from_slice(&bytes);
        let mut off = 0;
        while off < bytes.len() {
            let n = dst.read_tls(&bytes[off..]);
            if n == 0 {
                let mut buf = [0u8; 4096];
                match dst.read(&mut buf)? {
                    AppRead::Data(k) if k > 0 => stash.extend_from_slice(&buf[..k]),
                    other => panic!("receiver full and not reading: {other:?}"),
                }
            }
            off += n;
        }
        Ok(())
    }

    /// Runs both handshakes to completion.
    pub fn handshake(&mut self) -> Result<(), Error> {
        for _ in 0..16 {
            let c = self.client.handshake(NOW)?;
            self.transfer(Side::Client)?;
            let s = self.server.handshake(NOW)?;
            self.transfer(Side::Server)?;
            if c == Progress::Complete
                && s == Progress::Complete
                && !self.client.wants_write()
                && !self.server.wants_write()
            {
                return Ok(());
            }
        }
        panic!("handshake did not converge");
    }

    /// The connection of `side`.
    pub fn conn(&mut self, side: Side) -> &mut Connection {
        match side {
            Side::Client => &mut self.client,
            Side::Server => &mut self.server,
        }
    }

    /// Reads everything `side` has available (stash first).
    pub fn read(&mut self, side: Side) -> Result<Vec<u8>, Error> {
        let idx = match side {
            Side::Client => 0,
            Side::Server => 1,
        };
        let mut out = std::mem::take(&mut self.stash[idx]);
        let conn = self.conn(side);
        let mut buf = [0u8; 4096];
        loop {
            match conn.read(&mut buf)? {
                AppRead::Data(0) | AppRead::WouldBlock | AppRead::Closed => return Ok(out),
                AppRead::Data(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    }
}

/// The other side.
pub fn peer(side: Side) -> Side {
    match side {
        Side::Client => Side::Server,
        Side::Server => Side::Client,
    }
}
