//! An in-memory client/server pair: two [`Connection`]s wired to each
//! other through byte buffers, with a fixed clock and hooks to tamper with
//! what crosses the wire.
#![allow(dead_code)]

use qtls::config::{ClientConfig, Identity, ServerConfig};
use qtls::conn::{AppRead, Connection, Progress};
use qtls::pki::{CertBuilder, Certificate, KeyPair, KeyType};
use qtls::provider::CryptoProvider;
use qtls::verify::PinnedCertVerifier;
use qtls::{Error, UnixTime};
use std::sync::Arc;

/// The fixed "now" of every test (2026-01-01T00:00:00Z).
pub const NOW: UnixTime = UnixTime(1_767_225_600);

/// Which side of the pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Client,
    Server,
}

pub fn provider() -> Arc<dyn CryptoProvider> {
    qtls::provider::aws_lc::default_provider()
}

/// A CA and a leaf it issued, with the leaf's identity.
pub struct TestPki {
    pub ca: Certificate,
    pub ca_key: KeyPair,
    pub leaf: Certificate,
    pub identity: Identity,
}

/// Makes a CA (same key type as the leaf) and a leaf for `localhost`.
pub fn pki(key_type: KeyType, client: bool) -> TestPki {
    let ca_key = KeyPair::generate(key_type).expect("CA key");
    let ca = CertBuilder::ca("qtls test CA")
        .self_signed(&ca_key)
        .expect("CA cert");
    let leaf_key = KeyPair::generate(key_type).expect("leaf key");
    let builder = if client {
        CertBuilder::client("qtls test client")
    } else {
        CertBuilder::server("localhost", &["localhost"])
    };
    let leaf = builder
        .signed_by(&leaf_key, &ca, &ca_key)
        .expect("leaf cert");
    let p = provider();
    let key = p.load_signing_key(leaf_key.pkcs8_der()).expect("load key");
    let identity = Identity::new(vec![leaf.der().to_vec(), ca.der().to_vec()], Arc::from(key))
        .expect("identity");
    TestPki {
        ca,
        ca_key,
        leaf,
        identity,
    }
}

/// A server config with one identity, and a client config pinning its leaf.
pub fn configs(key_type: KeyType) -> (ClientConfig, ServerConfig) {
    let t = pki(key_type, false);
    let p = provider();
    let client = ClientConfig::new(
        p.clone(),
        Arc::new(PinnedCertVerifier::new(vec![t.leaf.der().to_vec()])),
    );
    let mut server = ServerConfig::new(p);
    server.identities.push(t.identity);
    (client, server)
}

/// The pair.
pub struct Pair {
    pub client: Connection,
    pub server: Connection,
    /// Bytes moved client→server and server→client so far.
    pub c2s: usize,
    pub s2c: usize,
    /// Application data read early (to make room) by the client and server.
    stash: [Vec<u8>; 2],
}

impl Pair {
    pub fn new(client: ClientConfig, server: ServerConfig) -> Pair {
        Pair::with_name(client, server, Some("localhost"))
    }

    pub fn with_name(client: ClientConfig, server: ServerConfig, name: Option<&str>) -> Pair {
        Pair {
            client: Connection::client(Arc::new(client), name).expect("client"),
            server: Connection::server(Arc::new(server)).expect("server"),
            c2s: 0,
            s2c: 0,
            stash: [Vec::new(), Vec::new()],
        }
    }

    /// Moves all pending output of `from` to the other side, passing it
    /// through `alter` first. Returns the number of bytes moved.
    pub fn transfer_altered(&mut self, from: Who, alter: impl FnOnce(&mut Vec<u8>)) -> usize {
        let (src, dst, stash) = match from {
            Who::Client => (&mut self.client, &mut self.server, &mut self.stash[1]),
            Who::Server => (&mut self.server, &mut self.client, &mut self.stash[0]),
        };
        let mut bytes = Vec::new();
        src.write_tls_into(&mut bytes);
        alter(&mut bytes);
        let mut off = 0;
        while off < bytes.len() {
            let n = dst.read_tls(&bytes[off..]);
            if n == 0 {
                // The receiver's buffer is full: let it process what it has
                // (application data goes to the stash).
                assert!(
                    dst.is_handshake_complete(),
                    "receiver full during the handshake"
                );
                let got = read_all(dst);
                assert!(!got.is_empty(), "receiver does not take input");
                stash.extend_from_slice(&got);
                continue;
            }
            off += n;
        }
        match from {
            Who::Client => self.c2s += bytes.len(),
            Who::Server => self.s2c += bytes.len(),
        }
        bytes.len()
    }

    pub fn transfer(&mut self, from: Who) -> usize {
        self.transfer_altered(from, |_| {})
    }

    /// Runs both handshakes to completion, moving bytes back and forth.
    /// Returns the first error with the side that raised it.
    pub fn handshake(&mut self) -> Result<(), (Who, Error)> {
        for _ in 0..32 {
            let c = self.client.handshake(NOW).map_err(|e| (Who::Client, e))?;
            self.transfer(Who::Client);
            let s = self.server.handshake(NOW).map_err(|e| (Who::Server, e))?;
            self.transfer(Who::Server);
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

    /// Sends `data` from one side and reads it on the other.
    pub fn send(&mut self, from: Who, data: &[u8]) -> Vec<u8> {
        let (src, _) = self.sides(from);
        let mut off = 0;
        while off < data.len() {
            off += src.write(&data[off..]).expect("write");
        }
        self.transfer(from);
        let idx = match from {
            Who::Client => 1,
            Who::Server => 0,
        };
        let mut out = std::mem::take(&mut self.stash[idx]);
        let (_, dst) = self.sides(from);
        out.extend_from_slice(&read_all(dst));
        out
    }

    fn sides(&mut self, from: Who) -> (&mut Connection, &mut Connection) {
        match from {
            Who::Client => (&mut self.client, &mut self.server),
            Who::Server => (&mut self.server, &mut self.client),
        }
    }
}

/// Reads everything currently available on a connection.
pub fn read_all(c: &mut Connection) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match c.read(&mut buf).expect("read") {
            AppRead::Data(0) | AppRead::WouldBlock | AppRead::Closed => return out,
            AppRead::Data(n) => out.extend_from_slice(&buf[..n]),
        }
    }
}
