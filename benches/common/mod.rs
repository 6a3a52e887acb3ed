//! Shared by the benches: one test PKI per key type used by both engines,
//! qtls and rustls configurations built from it, in-memory handshakes that
//! time each side separately, and the crypto floor (the same primitives
//! called straight through aws-lc-rs).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use aws_lc_rs::{agreement, digest, hmac, kem, rand, signature};
use qtls::UnixTime;
use qtls::codec::enums::{CipherSuite, NamedGroup, PskKeyExchangeMode};
use qtls::config::{ClientConfig, ExternalPsk, Identity, PskList, ServerConfig};
use qtls::conn::Connection;
use qtls::pki::{CertBuilder, KeyPair, KeyType};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A CPU-time stopwatch for this thread: on a shared, loaded machine wall
/// time mostly measures the other processes; the CPU time this thread
/// spends does not (caches shared with them still cost something).
#[derive(Clone, Copy)]
pub struct Instant(Duration);

/// What one reading of the clock costs (a system call), measured once:
/// [`Instant::elapsed`] subtracts it so that routines timed in many short
/// intervals (a handshake side, step by step) are not charged for it.
fn clock_cost() -> Duration {
    static COST: std::sync::OnceLock<Duration> = std::sync::OnceLock::new();
    *COST.get_or_init(|| {
        let mut best = Duration::MAX;
        for _ in 0..20 {
            let t0 = Instant::raw();
            for _ in 0..200 {
                black_box(Instant::raw());
            }
            best = best.min((Instant::raw() - t0) / 201);
        }
        best
    })
}

impl Instant {
    fn raw() -> Duration {
        Self::now_uncalibrated().0
    }

    pub fn now() -> Self {
        clock_cost();
        Self::now_uncalibrated()
    }

    fn now_uncalibrated() -> Self {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes the timespec we pass.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        Instant(Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
    }
    pub fn elapsed(&self) -> Duration {
        Self::raw()
            .saturating_sub(self.0)
            .saturating_sub(clock_cost())
    }
}

/// The certificates both engines use: a CA and a leaf for `localhost`.
pub struct Certs {
    pub key_type: KeyType,
    pub ca: Vec<u8>,
    pub leaf: Vec<u8>,
    pub leaf_key: Vec<u8>,
}

pub fn certs(key_type: KeyType) -> Certs {
    let ca_key = KeyPair::generate(key_type).unwrap();
    let ca = CertBuilder::ca("bench CA").self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate(key_type).unwrap();
    let leaf = CertBuilder::server("localhost", &["localhost"])
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();
    Certs {
        key_type,
        ca: ca.der().to_vec(),
        leaf: leaf.der().to_vec(),
        leaf_key: leaf_key.pkcs8_der().to_vec(),
    }
}

pub fn key_name(k: KeyType) -> &'static str {
    match k {
        KeyType::EcdsaP256 => "ecdsa-p256",
        KeyType::Ed25519 => "ed25519",
        KeyType::Rsa2048 => "rsa2048",
        KeyType::MlDsa65 => "mldsa65",
        _ => "other",
    }
}

pub fn group_name(g: NamedGroup) -> &'static str {
    match g {
        NamedGroup::X25519 => "x25519",
        NamedGroup::SECP256R1 => "secp256r1",
        NamedGroup::X25519MLKEM768 => "x25519mlkem768",
        _ => "other",
    }
}

// ----- qtls -----

pub fn now() -> UnixTime {
    UnixTime::now()
}

/// qtls configurations: TLS_AES_128_GCM_SHA256, the given client groups
/// (the first gets the key share), server groups, CA-verified leaf.
pub fn qtls_configs(
    c: &Certs,
    client_groups: &[NamedGroup],
    server_groups: &[NamedGroup],
    suite: CipherSuite,
) -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    let p = qtls::provider::aws_lc::default_provider();
    let verifier = qtls::x509::Verifier::server(vec![c.ca.clone()], p.clone()).unwrap();
    let mut client = ClientConfig::new(p.clone(), Arc::new(verifier));
    client.policy.groups = client_groups.to_vec();
    client.policy.suites = vec![suite];
    client.key_shares = 1;
    let mut server = ServerConfig::new(p.clone());
    server.policy.groups = server_groups.to_vec();
    server.policy.suites = vec![suite];
    let key = p.load_signing_key(&c.leaf_key).unwrap();
    server
        .identities
        .push(Identity::new(vec![c.leaf.clone()], Arc::from(key)).unwrap());
    (Arc::new(client), Arc::new(server))
}

/// qtls external-PSK configurations (no certificates).
pub fn qtls_psk_configs(mode: PskKeyExchangeMode) -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    let p = qtls::provider::aws_lc::default_provider();
    let psk = ExternalPsk::new(b"bench", &[0x42; 32]);
    let mut client = ClientConfig::new(p.clone(), Arc::new(qtls::verify::DangerousNoVerification));
    client.psks = vec![psk.clone()];
    client.policy.psk_modes = vec![mode];
    // A psk_ke-only client (GnuTLS `+PSK` without `+DHE-PSK`/`+ECDHE-PSK`)
    // has no key exchange to fall back on and sends no key share.
    client.policy.groups = if mode == PskKeyExchangeMode::PSK_KE {
        vec![]
    } else {
        vec![NamedGroup::X25519]
    };
    client.policy.suites = vec![CipherSuite::TLS_AES_128_GCM_SHA256];
    client.key_shares = 1;
    let mut server = ServerConfig::new(p);
    server.psk_store = Some(Arc::new(PskList(vec![psk])));
    server.policy.psk_modes = vec![mode];
    server.policy.groups = vec![NamedGroup::X25519];
    server.policy.suites = vec![CipherSuite::TLS_AES_128_GCM_SHA256];
    (Arc::new(client), Arc::new(server))
}

/// One qtls handshake in memory; adds each side's own time (its
/// constructor, taking input, processing, producing output) to `t`.
pub fn qtls_handshake(
    cc: &Arc<ClientConfig>,
    sc: &Arc<ServerConfig>,
    t: &mut [Duration; 2],
) -> (Connection, Connection) {
    let now = now();
    let t0 = Instant::now();
    let mut c = Connection::client(cc.clone(), Some("localhost")).unwrap();
    t[0] += t0.elapsed();
    let t0 = Instant::now();
    let mut s = Connection::server(sc.clone()).unwrap();
    t[1] += t0.elapsed();
    let mut to_s: Vec<u8> = Vec::with_capacity(8192);
    let mut to_c: Vec<u8> = Vec::with_capacity(8192);
    for _ in 0..10 {
        let t0 = Instant::now();
        feed(&mut c, &mut to_c);
        let pc = c.handshake(now).unwrap();
        c.write_tls_into(&mut to_s);
        t[0] += t0.elapsed();
        let t0 = Instant::now();
        feed(&mut s, &mut to_s);
        let ps = s.handshake(now).unwrap();
        s.write_tls_into(&mut to_c);
        t[1] += t0.elapsed();
        let _ = (pc, ps);
        if c.is_handshake_complete()
            && s.is_handshake_complete()
            && to_c.is_empty()
            && to_s.is_empty()
        {
            return (c, s);
        }
    }
    panic!("qtls handshake did not complete");
}

/// Moves all of `buf` into `conn`.
pub fn feed(conn: &mut Connection, buf: &mut Vec<u8>) {
    let mut off = 0;
    while off < buf.len() {
        let n = conn.read_tls(&buf[off..]);
        assert!(n > 0, "receive buffer full");
        off += n;
    }
    buf.clear();
}

// ----- rustls -----

pub fn rustls_provider(
    groups: &[NamedGroup],
    suite: CipherSuite,
) -> rustls::crypto::CryptoProvider {
    use rustls::crypto::aws_lc_rs as lc;
    let mut p = lc::default_provider();
    p.kx_groups = groups
        .iter()
        .map(|g| match *g {
            NamedGroup::X25519 => lc::kx_group::X25519,
            NamedGroup::SECP256R1 => lc::kx_group::SECP256R1,
            NamedGroup::X25519MLKEM768 => lc::kx_group::X25519MLKEM768,
            _ => panic!("group"),
        })
        .collect();
    p.cipher_suites = vec![match suite {
        CipherSuite::TLS_AES_128_GCM_SHA256 => lc::cipher_suite::TLS13_AES_128_GCM_SHA256,
        CipherSuite::TLS_AES_256_GCM_SHA384 => lc::cipher_suite::TLS13_AES_256_GCM_SHA384,
        CipherSuite::TLS_CHACHA20_POLY1305_SHA256 => {
            lc::cipher_suite::TLS13_CHACHA20_POLY1305_SHA256
        }
        _ => panic!("suite"),
    }];
    p
}

/// rustls configurations from the same certificates. The server sends no
/// tickets (qtls sends none on a full handshake either).
pub fn rustls_configs(
    c: &Certs,
    client_groups: &[NamedGroup],
    server_groups: &[NamedGroup],
    suite: CipherSuite,
) -> (Arc<rustls::ClientConfig>, Arc<rustls::ServerConfig>) {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(c.ca.clone())).unwrap();
    let client = rustls::ClientConfig::builder_with_provider(Arc::new(rustls_provider(
        client_groups,
        suite,
    )))
    .with_protocol_versions(&[&rustls::version::TLS13])
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let mut server = rustls::ServerConfig::builder_with_provider(Arc::new(rustls_provider(
        server_groups,
        suite,
    )))
    .with_protocol_versions(&[&rustls::version::TLS13])
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(c.leaf.clone())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(c.leaf_key.clone())),
    )
    .unwrap();
    server.send_tls13_tickets = 0;
    (Arc::new(client), Arc::new(server))
}

/// One rustls handshake in memory, timing each side like [`qtls_handshake`].
pub fn rustls_handshake(
    cc: &Arc<rustls::ClientConfig>,
    sc: &Arc<rustls::ServerConfig>,
    t: &mut [Duration; 2],
) -> (rustls::ClientConnection, rustls::ServerConnection) {
    let t0 = Instant::now();
    let mut c =
        rustls::ClientConnection::new(cc.clone(), ServerName::try_from("localhost").unwrap())
            .unwrap();
    t[0] += t0.elapsed();
    let t0 = Instant::now();
    let mut s = rustls::ServerConnection::new(sc.clone()).unwrap();
    t[1] += t0.elapsed();
    let mut to_s: Vec<u8> = Vec::with_capacity(8192);
    let mut to_c: Vec<u8> = Vec::with_capacity(8192);
    for _ in 0..10 {
        let t0 = Instant::now();
        rustls_feed(&mut *c, &mut to_c);
        c.process_new_packets().unwrap();
        while c.wants_write() {
            c.write_tls(&mut to_s).unwrap();
        }
        t[0] += t0.elapsed();
        let t0 = Instant::now();
        rustls_feed(&mut *s, &mut to_s);
        s.process_new_packets().unwrap();
        while s.wants_write() {
            s.write_tls(&mut to_c).unwrap();
        }
        t[1] += t0.elapsed();
        if !c.is_handshaking() && !s.is_handshaking() && to_c.is_empty() && to_s.is_empty() {
            return (c, s);
        }
    }
    panic!("rustls handshake did not complete");
}

pub fn rustls_feed<D>(conn: &mut rustls::ConnectionCommon<D>, buf: &mut Vec<u8>) {
    let mut rd: &[u8] = buf;
    while !rd.is_empty() {
        conn.read_tls(&mut rd).unwrap();
    }
    buf.clear();
}

// ----- the crypto floor -----

/// The public-key and hash work of one TLS 1.3 handshake side, done
/// directly with aws-lc-rs: the key exchange, the signatures, the key
/// schedule's HMACs and the transcript hash.
pub struct Floor {
    signer: Signer,
    verify_alg: &'static dyn signature::VerificationAlgorithm,
    public_key: Vec<u8>,
    signature: Vec<u8>,
    /// A client key share of the group (for the server side).
    client_share: Vec<u8>,
    group: NamedGroup,
    rng: rand::SystemRandom,
}

enum Signer {
    Ecdsa(signature::EcdsaKeyPair),
    Ed25519(signature::Ed25519KeyPair),
    Rsa(signature::RsaKeyPair),
    MlDsa(signature::PqdsaKeyPair),
    None,
}

/// The transcript a full handshake hashes, roughly (ClientHello,
/// ServerHello, EncryptedExtensions, Certificate, CertificateVerify,
/// Finished ×2) for a leaf of `cert_len` bytes and `sig_len` signature.
fn transcript_len(cert_len: usize, sig_len: usize, share_len: usize) -> usize {
    250 + share_len + 120 + share_len + 10 + cert_len + 20 + sig_len + 80
}

impl Floor {
    pub fn new(key_type: Option<&Certs>, group: Option<NamedGroup>) -> Self {
        use signature::KeyPair as _;
        let rng = rand::SystemRandom::new();
        let (signer, verify_alg, public_key): (
            Signer,
            &'static dyn signature::VerificationAlgorithm,
            Vec<u8>,
        ) = match key_type.map(|c| (c.key_type, &c.leaf_key)) {
            Some((KeyType::EcdsaP256, k)) => {
                let kp = signature::EcdsaKeyPair::from_pkcs8(
                    &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
                    k,
                )
                .unwrap();
                let pk = kp.public_key().as_ref().to_vec();
                (Signer::Ecdsa(kp), &signature::ECDSA_P256_SHA256_ASN1, pk)
            }
            Some((KeyType::Ed25519, k)) => {
                let kp = signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(k).unwrap();
                let pk = kp.public_key().as_ref().to_vec();
                (Signer::Ed25519(kp), &signature::ED25519, pk)
            }
            Some((KeyType::Rsa2048, k)) => {
                let kp = signature::RsaKeyPair::from_pkcs8(k).unwrap();
                let pk = kp.public_key().as_ref().to_vec();
                (Signer::Rsa(kp), &signature::RSA_PSS_2048_8192_SHA256, pk)
            }
            Some((KeyType::MlDsa65, k)) => {
                let kp =
                    signature::PqdsaKeyPair::from_pkcs8(&signature::ML_DSA_65_SIGNING, k).unwrap();
                let pk = kp.public_key().as_ref().to_vec();
                (Signer::MlDsa(kp), &signature::ML_DSA_65, pk)
            }
            None => (Signer::None, &signature::ED25519, Vec::new()),
            Some(_) => panic!("key type"),
        };
        let mut f = Floor {
            signer,
            verify_alg,
            public_key,
            signature: Vec::new(),
            client_share: Vec::new(),
            group: group.unwrap_or(NamedGroup::X25519),
            rng,
        };
        f.signature = f.sign(b"a message of 130 bytes, the TLS 1.3 CertificateVerify content");
        f.client_share = f.client_keygen().0;
        f
    }

    fn sign(&self, msg: &[u8]) -> Vec<u8> {
        match &self.signer {
            Signer::Ecdsa(k) => k.sign(&self.rng, msg).unwrap().as_ref().to_vec(),
            Signer::Ed25519(k) => k.sign(msg).as_ref().to_vec(),
            Signer::Rsa(k) => {
                let mut sig = vec![0; k.public_modulus_len()];
                k.sign(&signature::RSA_PSS_SHA256, &self.rng, msg, &mut sig)
                    .unwrap();
                sig
            }
            Signer::MlDsa(k) => {
                let mut sig = vec![0; 3309];
                let n = k.sign(msg, &mut sig).unwrap();
                sig.truncate(n);
                sig
            }
            Signer::None => Vec::new(),
        }
    }

    fn verify(&self, msg: &[u8]) {
        if matches!(self.signer, Signer::None) {
            return;
        }
        signature::UnparsedPublicKey::new(self.verify_alg, &self.public_key)
            .verify(msg, &self.signature)
            .unwrap();
    }

    fn ec_alg(&self) -> &'static agreement::Algorithm {
        if self.group == NamedGroup::SECP256R1 {
            &agreement::ECDH_P256
        } else {
            &agreement::X25519
        }
    }

    /// The client's key share: (share, private parts).
    fn client_keygen(&self) -> (Vec<u8>, ClientKx) {
        let ec = agreement::EphemeralPrivateKey::generate(self.ec_alg(), &self.rng).unwrap();
        let ec_pub = ec.compute_public_key().unwrap().as_ref().to_vec();
        if self.group == NamedGroup::X25519MLKEM768 {
            let dk = kem::DecapsulationKey::generate(&kem::ML_KEM_768).unwrap();
            let ek = dk.encapsulation_key().unwrap();
            let mut share = ek.key_bytes().unwrap().as_ref().to_vec();
            share.extend_from_slice(&ec_pub);
            (share, ClientKx { ec, dk: Some(dk) })
        } else {
            (ec_pub, ClientKx { ec, dk: None })
        }
    }

    /// The server's side of the key exchange against `client_share`;
    /// returns the server share and the shared secret.
    fn server_kx(&self, client_share: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let ec = agreement::EphemeralPrivateKey::generate(self.ec_alg(), &self.rng).unwrap();
        let ec_pub = ec.compute_public_key().unwrap().as_ref().to_vec();
        let (ek_bytes, ec_peer) = if self.group == NamedGroup::X25519MLKEM768 {
            client_share.split_at(1184)
        } else {
            (&[][..], client_share)
        };
        let mut secret = agreement::agree_ephemeral(
            ec,
            agreement::UnparsedPublicKey::new(self.ec_alg(), ec_peer),
            (),
            |s| Ok(s.to_vec()),
        )
        .unwrap();
        if self.group == NamedGroup::X25519MLKEM768 {
            let ek = kem::EncapsulationKey::new(&kem::ML_KEM_768, ek_bytes).unwrap();
            let (ct, ss) = ek.encapsulate().unwrap();
            let mut share = ct.as_ref().to_vec();
            share.extend_from_slice(&ec_pub);
            let mut s = ss.as_ref().to_vec();
            s.extend_from_slice(&secret);
            secret = s;
            (share, secret)
        } else {
            (ec_pub, secret)
        }
    }

    fn client_finish(&self, kx: ClientKx, server_share: &[u8]) -> Vec<u8> {
        let (ct, ec_peer) = if kx.dk.is_some() {
            server_share.split_at(1088)
        } else {
            (&[][..], server_share)
        };
        let mut secret = agreement::agree_ephemeral(
            kx.ec,
            agreement::UnparsedPublicKey::new(self.ec_alg(), ec_peer),
            (),
            |s| Ok(s.to_vec()),
        )
        .unwrap();
        if let Some(dk) = kx.dk {
            let ss = dk.decapsulate(kem::Ciphertext::from(ct)).unwrap();
            let mut s = ss.as_ref().to_vec();
            s.extend_from_slice(&secret);
            secret = s;
        }
        secret
    }

    /// A server share for the client floor (made once, outside timing).
    pub fn server_share(&self) -> Vec<u8> {
        self.server_kx(&self.client_share).0
    }

    /// The server's floor: key exchange, one signature, key schedule,
    /// transcript. `dhe` false: a psk_ke handshake (no key exchange).
    pub fn server(&self, dhe: bool, cert_len: usize) -> usize {
        let secret = if dhe {
            self.server_kx(&self.client_share).1
        } else {
            vec![0; 32]
        };
        let sig = self.sign(b"a message of 130 bytes, the TLS 1.3 CertificateVerify content");
        key_schedule(
            &secret,
            transcript_len(cert_len, sig.len(), self.client_share.len()),
        ) + sig.len()
    }

    /// The client's floor: key share, key exchange, two signature
    /// verifications (CertificateVerify and the CA's signature on the
    /// leaf), key schedule, transcript.
    pub fn client(&self, dhe: bool, server_share: &[u8], cert_len: usize, sigs: usize) -> usize {
        let secret = if dhe {
            let (_share, kx) = self.client_keygen();
            self.client_finish(kx, server_share)
        } else {
            vec![0; 32]
        };
        for _ in 0..sigs {
            self.verify(b"a message of 130 bytes, the TLS 1.3 CertificateVerify content");
        }
        key_schedule(
            &secret,
            transcript_len(cert_len, self.signature.len(), self.client_share.len()),
        )
    }

    /// The client floor for a HelloRetryRequest: a wasted key share first.
    pub fn client_hrr(&self, wasted: &Floor, server_share: &[u8], cert_len: usize) -> usize {
        let _ = black_box(wasted.client_keygen());
        self.client(true, server_share, cert_len, 2)
    }
}

pub struct ClientKx {
    ec: agreement::EphemeralPrivateKey,
    dk: Option<kem::DecapsulationKey<kem::AlgorithmId>>,
}

/// The TLS 1.3 key schedule's HMAC-SHA-256 work for one side (3 extracts,
/// 8 secrets, 8 keys/IVs, 2 finished keys, 2 Finished MACs) and the
/// transcript hash with 6 snapshots.
fn key_schedule(secret: &[u8], transcript: usize) -> usize {
    let mut ctx = digest::Context::new(&digest::SHA256);
    let data = vec![0x5a; transcript];
    ctx.update(&data);
    let mut acc = 0usize;
    for _ in 0..6 {
        acc += ctx.clone().finish().as_ref()[0] as usize;
    }
    let mut prk = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &[0; 32]), secret);
    for i in 0..23u8 {
        let key = hmac::Key::new(hmac::HMAC_SHA256, prk.as_ref());
        prk = hmac::sign(&key, &[i; 48]);
    }
    acc + prk.as_ref()[0] as usize
}

// ----- reporting -----

/// Where criterion keeps its estimates.
pub fn criterion_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("criterion")
}

/// Criterion's median estimate (ns per iteration) for `group/id`.
pub fn estimate(group: &str, id: &str) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(id.replace('/', std::path::MAIN_SEPARATOR_STR))
        .join("new")
        .join("estimates.json");
    // Only this run's figures: a scenario filtered out keeps old files.
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < *START.get_or_init(std::time::SystemTime::now) {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64()
}

/// When this bench process started (set by [`criterion`]).
static START: std::sync::OnceLock<std::time::SystemTime> = std::sync::OnceLock::new();

/// A short criterion configuration: `cargo bench` stays within minutes.
pub fn criterion() -> criterion::Criterion {
    START.get_or_init(std::time::SystemTime::now);
    criterion::Criterion::default()
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(800))
        .sample_size(10)
        .configure_from_args()
}

// ----- interleaved measurement -----

/// A measured routine: one call does some units of work and returns the
/// time of its two measured parts (client and server for a handshake; the
/// second is zero elsewhere) and the number of units.
pub type Routine<'a> = Box<dyn FnMut() -> ([Duration; 2], u64) + 'a>;

/// Runs the routines in turns (the order rotating each round) so that the
/// machine's load falls on all of them alike: each gets `slice` of measured
/// time per round. Returns, per routine and part, the ns per unit of each
/// round.
pub fn interleave(fs: &mut [Routine<'_>], rounds: usize, slice: Duration) -> Vec<[Vec<f64>; 2]> {
    let mut out: Vec<[Vec<f64>; 2]> = fs.iter().map(|_| [Vec::new(), Vec::new()]).collect();
    for f in fs.iter_mut() {
        f(); // warm-up
    }
    let n = fs.len();
    for r in 0..rounds {
        for k in 0..n {
            let j = (k + r) % n;
            let mut t = [Duration::ZERO; 2];
            let mut units = 0u64;
            while t[0] + t[1] < slice {
                let (d, u) = fs[j]();
                t[0] += d[0];
                t[1] += d[1];
                units += u;
            }
            for p in 0..2 {
                out[j][p].push(t[p].as_nanos() as f64 / units as f64);
            }
        }
    }
    out
}

pub fn median(v: &[f64]) -> Option<f64> {
    if v.is_empty() || v.iter().all(|x| *x == 0.0) {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    Some(s[s.len() / 2])
}

/// The median over rounds of a[r] / b[r]: each ratio compares figures
/// measured moments apart.
pub fn ratio_of(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let r: Vec<f64> = a
        .iter()
        .zip(b)
        .filter(|(_, b)| **b > 0.0)
        .map(|(a, b)| a / b)
        .collect();
    median(&r)
}

pub fn fmt_ratio(r: Option<f64>) -> String {
    r.map_or("–".into(), |v| format!("{v:.2}"))
}

/// `QTLS_BENCH_TABLE_ONLY=1`: skip the criterion benchmarks, print only
/// the interleaved tables (quick iterations).
pub fn table_only() -> bool {
    std::env::var_os("QTLS_BENCH_TABLE_ONLY").is_some()
}

/// The load average when the run started, for the report.
pub fn loadavg() -> String {
    eprintln!(
        "clock_gettime(CLOCK_THREAD_CPUTIME_ID) costs {:?}; subtracted per interval",
        clock_cost()
    );
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}
