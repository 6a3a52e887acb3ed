//! Seeing inside protected records without touching the engine: a
//! provider wrapper that logs every AEAD key it makes and which key sealed
//! each record, and a re-framer that uses the log to open a record stream,
//! let a hook rewrite its handshake messages, and re-split, pad and re-seal
//! it with correct sequence numbers (RFC 8446 §5.2, §5.3).
#![allow(dead_code)]

use super::pair::provider;
use qtls::codec::enums::{ContentType, NamedGroup};
use qtls::error::CryptoError;
use qtls::provider::{
    AeadAlgorithm, AeadKey, CryptoProvider, HashAlgorithm, HashContext, HashOutput,
    KeyExchangeGroup, SignatureAlgorithm, SigningKey,
};
use qtls::record::deframer::{HEADER_LEN, peek_record};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct KeyLog {
    /// Every AEAD key made, by id.
    pub keys: Vec<(AeadAlgorithm, Vec<u8>)>,
    /// For every record sealed, in order: the key id and the nonce.
    pub seals: Vec<(usize, [u8; 12])>,
}

#[derive(Debug)]
pub struct Logging {
    pub inner: Arc<dyn CryptoProvider>,
    pub log: Arc<Mutex<KeyLog>>,
}

impl std::fmt::Debug for KeyLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyLog({} keys)", self.keys.len())
    }
}

struct LoggedAead {
    inner: Box<dyn AeadKey>,
    id: usize,
    log: Arc<Mutex<KeyLog>>,
}

impl AeadKey for LoggedAead {
    fn seal_in_place(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
        tag: &mut [u8],
    ) -> Result<(), CryptoError> {
        self.log.lock().unwrap().seals.push((self.id, *nonce));
        self.inner.seal_in_place(nonce, aad, in_out, tag)
    }
    fn open_in_place(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        self.inner.open_in_place(nonce, aad, in_out)
    }
    fn algorithm(&self) -> AeadAlgorithm {
        self.inner.algorithm()
    }
}

impl CryptoProvider for Logging {
    fn fill_random(&self, out: &mut [u8]) -> Result<(), CryptoError> {
        self.inner.fill_random(out)
    }
    fn hash_start(&self, alg: HashAlgorithm) -> Result<Box<dyn HashContext>, CryptoError> {
        self.inner.hash_start(alg)
    }
    fn hmac(
        &self,
        alg: HashAlgorithm,
        key: &[u8],
        data: &[&[u8]],
    ) -> Result<HashOutput, CryptoError> {
        self.inner.hmac(alg, key, data)
    }
    fn aead_key(&self, alg: AeadAlgorithm, key: &[u8]) -> Result<Box<dyn AeadKey>, CryptoError> {
        let inner = self.inner.aead_key(alg, key)?;
        let mut log = self.log.lock().unwrap();
        log.keys.push((alg, key.to_vec()));
        Ok(Box::new(LoggedAead {
            inner,
            id: log.keys.len() - 1,
            log: self.log.clone(),
        }))
    }
    fn kx_group(&self, group: NamedGroup) -> Option<&dyn KeyExchangeGroup> {
        self.inner.kx_group(group)
    }
    fn supported_groups(&self) -> &[NamedGroup] {
        self.inner.supported_groups()
    }
    fn verify_signature(
        &self,
        alg: SignatureAlgorithm,
        spki: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        self.inner.verify_signature(alg, spki, message, signature)
    }
    fn load_signing_key(&self, pkcs8: &[u8]) -> Result<Box<dyn SigningKey>, CryptoError> {
        self.inner.load_signing_key(pkcs8)
    }
}

// ---------------------------------------------------------------------------
// Re-framing a record stream.

/// A small deterministic generator for the re-framing choices.
pub struct Rng(u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One unit of content between key changes: consecutive records of one
/// content type under one key (`None`: plaintext).
#[derive(Debug, Clone)]
pub struct Run {
    key: Option<usize>,
    typ: ContentType,
    /// The legacy version of a plaintext run's first record.
    version: u16,
    content: Vec<u8>,
}

/// How a direction's records are re-framed.
#[derive(Debug, Clone, Copy)]
pub struct Framing {
    /// Largest fragment (1..=2^14).
    pub max_fragment: usize,
    /// Largest padding per record.
    pub max_padding: usize,
    /// Insert up to this many empty data records per run of data.
    pub empty_records: usize,
}

/// Decrypts a sender's records with its logged keys, lets a hook rewrite
/// the handshake content sealed under its first key, and re-frames and
/// re-seals everything with correct sequence numbers.
pub struct Reframer {
    log: Arc<Mutex<KeyLog>>,
    /// Seals of the log already matched to records.
    next_seal: usize,
    /// Per key: the IV (the nonce of its first record) and the next
    /// sequence number of the re-framed stream.
    ivs: HashMap<usize, [u8; 12]>,
    out_seq: HashMap<usize, u64>,
    rng: Rng,
    framing: Framing,
    /// Empty data records to put before the next run of data (then reset).
    pub force_empty: usize,
}

pub fn nonce(iv: &[u8; 12], seq: u64) -> [u8; 12] {
    let mut n = *iv;
    for (b, s) in n[4..].iter_mut().zip(seq.to_be_bytes()) {
        *b ^= s;
    }
    n
}

impl Reframer {
    pub fn new(log: Arc<Mutex<KeyLog>>, seed: u64, framing: Framing) -> Self {
        Self {
            log,
            next_seal: 0,
            ivs: HashMap::new(),
            out_seq: HashMap::new(),
            rng: Rng(seed | 1),
            framing,
            force_empty: 0,
        }
    }

    fn key(&self, id: usize) -> (AeadAlgorithm, Box<dyn AeadKey>) {
        let log = self.log.lock().unwrap();
        let (alg, key) = &log.keys[id];
        (*alg, provider().aead_key(*alg, key).unwrap())
    }

    /// Splits `bytes` (whole records) into runs.
    fn runs(&mut self, mut bytes: &[u8]) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        while !bytes.is_empty() {
            let h = peek_record(bytes, true).unwrap().expect("whole records");
            let mut payload = bytes[HEADER_LEN..h.record_len()].to_vec();
            let header = &bytes[..HEADER_LEN];
            let (key, typ, content) = if h.typ == ContentType::APPLICATION_DATA {
                let (id, n) = self.log.lock().unwrap().seals[self.next_seal];
                self.next_seal += 1;
                self.ivs.entry(id).or_insert(n);
                let (_, k) = self.key(id);
                let len = k.open_in_place(&n, header, &mut payload).expect("opens");
                payload.truncate(len);
                let end = payload.iter().rposition(|b| *b != 0).expect("content type");
                let typ = ContentType(payload[end]);
                payload.truncate(end);
                (Some(id), typ, payload)
            } else {
                (None, h.typ, payload)
            };
            bytes = &bytes[h.record_len()..];
            let mergeable = matches!(typ, ContentType::HANDSHAKE | ContentType::APPLICATION_DATA);
            match runs.last_mut() {
                Some(r) if mergeable && r.key == key && r.typ == typ => {
                    r.content.extend_from_slice(&content)
                }
                _ => runs.push(Run {
                    key,
                    typ,
                    version: h.legacy_version,
                    content,
                }),
            }
        }
        runs
    }

    fn seal(&mut self, id: usize, typ: ContentType, content: &[u8], out: &mut Vec<u8>) {
        let (alg, k) = self.key(id);
        let room = (1 << 14) - content.len();
        let padding = self.rng.below(self.framing.max_padding.min(room) + 1);
        let mut inner = content.to_vec();
        inner.push(typ.0);
        inner.extend(std::iter::repeat_n(0, padding));
        let len = (inner.len() + alg.tag_len()) as u16;
        let header = [0x17, 3, 3, (len >> 8) as u8, len as u8];
        let seq = self.out_seq.entry(id).or_insert(0);
        let n = nonce(&self.ivs[&id], *seq);
        *seq += 1;
        let mut tag = vec![0u8; alg.tag_len()];
        k.seal_in_place(&n, &header, &mut inner, &mut tag).unwrap();
        out.extend_from_slice(&header);
        out.extend_from_slice(&inner);
        out.extend_from_slice(&tag);
    }

    /// Writes a run as records of random sizes.
    fn emit(&mut self, run: &Run, out: &mut Vec<u8>) {
        let splittable = matches!(
            run.typ,
            ContentType::HANDSHAKE | ContentType::APPLICATION_DATA
        );
        let mut rest = &run.content[..];
        let mut empties = if run.typ == ContentType::APPLICATION_DATA && run.key.is_some() {
            self.rng.below(self.framing.empty_records + 1)
        } else {
            0
        };
        if run.typ == ContentType::APPLICATION_DATA && run.key.is_some() {
            let forced = std::mem::take(&mut self.force_empty);
            for _ in 0..forced {
                if let Some(id) = run.key {
                    self.seal(id, ContentType::APPLICATION_DATA, b"", out);
                }
            }
        }
        loop {
            if empties > 0 && self.rng.below(2) == 0 {
                empties -= 1;
                if let Some(id) = run.key {
                    self.seal(id, ContentType::APPLICATION_DATA, b"", out);
                }
                continue;
            }
            if rest.is_empty() {
                break;
            }
            let take = if splittable {
                1 + self.rng.below(self.framing.max_fragment.min(rest.len()))
            } else {
                rest.len()
            };
            let (chunk, r) = rest.split_at(take);
            rest = r;
            match run.key {
                Some(id) => self.seal(id, run.typ, chunk, out),
                None => {
                    out.push(run.typ.0);
                    out.extend_from_slice(&run.version.to_be_bytes());
                    out.extend_from_slice(&(chunk.len() as u16).to_be_bytes());
                    out.extend_from_slice(chunk);
                }
            }
        }
    }

    /// Re-frames `bytes`; `rewrite` may replace the handshake messages
    /// sealed under the sender's first key.
    pub fn reframe(
        &mut self,
        bytes: &mut Vec<u8>,
        rewrite: &mut dyn FnMut(Vec<Vec<u8>>) -> Vec<Vec<u8>>,
    ) {
        let first_key = self.log.lock().unwrap().seals.first().map(|s| s.0);
        let runs = self.runs(bytes);
        let mut out = Vec::new();
        for mut run in runs {
            if run.key.is_some() && run.key == first_key && run.typ == ContentType::HANDSHAKE {
                let msgs = rewrite(split_messages(&run.content));
                run.content = msgs.concat();
            }
            self.emit(&run, &mut out);
        }
        *bytes = out;
    }
}

pub fn split_messages(mut data: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while data.len() >= 4 {
        let len = (usize::from(data[1]) << 16) | (usize::from(data[2]) << 8) | usize::from(data[3]);
        let (m, rest) = data.split_at(4 + len);
        out.push(m.to_vec());
        data = rest;
    }
    assert!(data.is_empty(), "whole handshake messages");
    out
}
