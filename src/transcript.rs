//! The handshake transcript (RFC 8446 §4.4.1): the running hash of every
//! handshake message, as the key schedule and Finished/CertificateVerify
//! need it.
//!
//! The hash is the cipher suite's, which is not known when the first
//! ClientHello is built or received: a client learns it from the
//! ServerHello (or HelloRetryRequest). So the transcript starts as a
//! [`TranscriptBuffer`] that keeps the raw messages and becomes a hashing
//! [`Transcript`] once the hash is chosen ([`TranscriptBuffer::start_hash`]).
//! A server, which picks the suite from ClientHello1, may go straight to
//! [`Transcript::new`].
//!
//! After a HelloRetryRequest, ClientHello1 is replaced by the synthetic
//! `message_hash` message ([`Transcript::replace_with_message_hash`]).

use crate::codec::enums::HandshakeType;
use crate::error::Error;
use crate::provider::{CryptoProvider, HashAlgorithm, HashContext, HashOutput};
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

/// The messages of a handshake whose hash is not chosen yet.
#[derive(Default)]
pub struct TranscriptBuffer {
    buf: Vec<u8>,
}

impl TranscriptBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one encoded handshake message (with its 4-byte header).
    pub fn add(&mut self, msg: &[u8]) {
        self.buf.extend_from_slice(msg);
    }

    /// The hash of the buffered messages under `hash` without committing to
    /// it (a client offering 0-RTT hashes ClientHello with its PSK's hash).
    pub fn hash_with(
        &self,
        p: &dyn CryptoProvider,
        hash: HashAlgorithm,
    ) -> Result<HashOutput, Error> {
        Ok(p.hash(hash, &[&self.buf])?)
    }

    /// Commits to `hash`: the buffered messages are hashed and dropped.
    pub fn start_hash(
        self,
        p: &dyn CryptoProvider,
        hash: HashAlgorithm,
    ) -> Result<Transcript, Error> {
        let mut t = Transcript::new(p, hash)?;
        t.add(&self.buf);
        Ok(t)
    }
}

impl fmt::Debug for TranscriptBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TranscriptBuffer({} bytes)", self.buf.len())
    }
}

/// The running hash of the handshake messages.
pub struct Transcript {
    ctx: Box<dyn HashContext>,
}

impl Transcript {
    /// An empty transcript hashed with `hash`.
    pub fn new(p: &dyn CryptoProvider, hash: HashAlgorithm) -> Result<Self, Error> {
        Ok(Self {
            ctx: p.hash_start(hash)?,
        })
    }

    /// The transcript a server resumes after a stateless HelloRetryRequest:
    /// it starts with `message_hash` over the given Hash(ClientHello1)
    /// (kept in the cookie, RFC 8446 §4.2.2).
    pub fn from_client_hello1_hash(
        p: &dyn CryptoProvider,
        hash: HashAlgorithm,
        client_hello1_hash: &[u8],
    ) -> Result<Self, Error> {
        let mut t = Self::new(p, hash)?;
        t.add_message_hash(client_hello1_hash)?;
        Ok(t)
    }

    /// Appends one encoded handshake message (with its 4-byte header).
    pub fn add(&mut self, msg: &[u8]) {
        self.ctx.update(msg);
    }

    /// The hash of every message added so far.
    pub fn current_hash(&self) -> HashOutput {
        self.ctx.current()
    }

    /// The hash of the transcript followed by `extra`, leaving the transcript
    /// as it is (PSK binders hash a truncated ClientHello that is never part
    /// of the transcript itself, RFC 8446 §4.2.11.2).
    pub fn hash_with(&self, extra: &[u8]) -> HashOutput {
        let mut ctx = self.ctx.fork();
        ctx.update(extra);
        ctx.current()
    }

    /// An independent copy.
    pub fn fork(&self) -> Self {
        Self {
            ctx: self.ctx.fork(),
        }
    }

    /// The hash algorithm.
    pub fn algorithm(&self) -> HashAlgorithm {
        self.ctx.algorithm()
    }

    /// Replaces the transcript, which must hold exactly ClientHello1, by the
    /// synthetic `message_hash` message: call it on receiving (client) or
    /// before sending (server) a HelloRetryRequest, then add the HRR.
    pub fn replace_with_message_hash(&mut self, p: &dyn CryptoProvider) -> Result<(), Error> {
        let ch1 = self.current_hash();
        self.ctx = p.hash_start(self.algorithm())?;
        self.add_message_hash(ch1.as_ref())
    }

    fn add_message_hash(&mut self, client_hello1_hash: &[u8]) -> Result<(), Error> {
        // RFC 8446 §4.4.1: Transcript-Hash(ClientHello1, HelloRetryRequest, ...
        // Mn) = Hash(message_hash || 00 00 Hash.length || Hash(ClientHello1) || ...).
        let len = u8::try_from(client_hello1_hash.len())
            .map_err(|_| Error::Unreachable("transcript: hash longer than 255 bytes"))?;
        self.ctx.update(&[HandshakeType::MESSAGE_HASH.0, 0, 0, len]);
        self.ctx.update(client_hello1_hash);
        Ok(())
    }
}

impl fmt::Debug for Transcript {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Transcript({:?})", self.algorithm())
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use crate::provider::aws_lc::AwsLcProvider;
    use alloc::vec;

    fn sha256(data: &[u8]) -> HashOutput {
        AwsLcProvider::new()
            .hash(HashAlgorithm::Sha256, &[data])
            .unwrap()
    }

    #[test]
    fn buffer_then_hash_equals_direct_hash() {
        let p = &AwsLcProvider::new();
        let mut buf = TranscriptBuffer::new();
        buf.add(b"\x01\x00\x00\x02ab");
        assert_eq!(
            buf.hash_with(p, HashAlgorithm::Sha256).unwrap().as_ref(),
            sha256(b"\x01\x00\x00\x02ab").as_ref()
        );
        let mut t = buf.start_hash(p, HashAlgorithm::Sha256).unwrap();
        t.add(b"\x02\x00\x00\x01c");
        assert_eq!(
            t.current_hash().as_ref(),
            sha256(b"\x01\x00\x00\x02ab\x02\x00\x00\x01c").as_ref()
        );
        assert_eq!(t.algorithm(), HashAlgorithm::Sha256);
    }

    #[test]
    fn fork_and_hash_with_leave_the_transcript_alone() {
        let p = &AwsLcProvider::new();
        let mut t = Transcript::new(p, HashAlgorithm::Sha384).unwrap();
        t.add(b"one");
        let before = t.current_hash();
        let mut f = t.fork();
        f.add(b"two");
        let with = t.hash_with(b"two");
        assert_eq!(with.as_ref(), f.current_hash().as_ref());
        assert_eq!(t.current_hash().as_ref(), before.as_ref());
        assert_ne!(with.as_ref(), before.as_ref());
        assert_eq!(before.as_ref().len(), 48);
    }

    #[test]
    fn message_hash_replaces_client_hello1() {
        let p = &AwsLcProvider::new();
        let ch1 = b"\x01\x00\x00\x03xyz";
        let hrr = b"\x02\x00\x00\x01h";
        let mut t = Transcript::new(p, HashAlgorithm::Sha256).unwrap();
        t.add(ch1);
        t.replace_with_message_hash(p).unwrap();
        t.add(hrr);

        let mut expected = vec![0xfe, 0, 0, 32];
        expected.extend_from_slice(sha256(ch1).as_ref());
        expected.extend_from_slice(hrr);
        assert_eq!(t.current_hash().as_ref(), sha256(&expected).as_ref());

        // A stateless server rebuilding it from Hash(ClientHello1) agrees.
        let mut s =
            Transcript::from_client_hello1_hash(p, HashAlgorithm::Sha256, sha256(ch1).as_ref())
                .unwrap();
        s.add(hrr);
        assert_eq!(s.current_hash().as_ref(), t.current_hash().as_ref());
    }
}
