//! The TLS 1.3 key schedule (RFC 8446 §7.1–§7.5): every secret a connection
//! derives, from the PSK and (EC)DHE inputs to traffic keys, Finished MACs,
//! PSK binders, resumption PSKs and exporters.
//!
//! The schedule is a typestate. [`EarlySecret`] becomes a [`HandshakeSecret`]
//! which becomes a [`MasterSecret`]; each transition consumes the previous
//! stage, so a stage cannot be used after the schedule has moved on (and its
//! bytes are wiped when it is dropped). The secrets a stage hands out are
//! distinct types — [`EarlyTrafficSecret`], [`HandshakeTrafficSecret`],
//! [`ApplicationTrafficSecret`] — whose keys are tagged with their epoch
//! ([`TrafficKeys<epoch::Application>`] and so on), so code that seals
//! application data cannot be handed handshake keys by mistake.
//!
//! Both rules are checked by the compiler. A stage is gone once the
//! schedule has moved on:
//!
//! ```compile_fail,E0382
//! use qtls::key_schedule::EarlySecret;
//! use qtls::provider::{CryptoProvider, HashAlgorithm};
//!
//! fn walk(p: &dyn CryptoProvider) -> Result<(), qtls::Error> {
//!     let early = EarlySecret::new(p, HashAlgorithm::Sha256, None)?;
//!     let _handshake = early.into_handshake_secret(p, Some(&[7u8; 32]))?;
//!     let _binder = early.binder_key(p, false)?; // `early` was moved
//!     Ok(())
//! }
//! ```
//!
//! and handshake keys are not application keys:
//!
//! ```compile_fail,E0308
//! use qtls::key_schedule::{HandshakeTrafficSecret, TrafficKeys, epoch};
//! use qtls::provider::{AeadAlgorithm, CryptoProvider};
//!
//! fn seal_application_data(_keys: &TrafficKeys<epoch::Application>) {}
//!
//! fn f(p: &dyn CryptoProvider, hs: &HandshakeTrafficSecret) -> Result<(), qtls::Error> {
//!     seal_application_data(&hs.traffic_keys(p, AeadAlgorithm::Aes128Gcm)?);
//!     Ok(())
//! }
//! ```
//!
//! while the intended walk compiles:
//!
//! ```
//! use qtls::key_schedule::{EarlySecret, TrafficKeys, epoch};
//! use qtls::provider::{AeadAlgorithm, CryptoProvider, HashAlgorithm};
//!
//! fn seal_application_data(_keys: &TrafficKeys<epoch::Application>) {}
//!
//! fn walk(p: &dyn CryptoProvider, hello: &[u8], server_finished: &[u8]) -> Result<(), qtls::Error> {
//!     let early = EarlySecret::new(p, HashAlgorithm::Sha256, None)?;
//!     let _binder = early.binder_key(p, false)?;
//!     let handshake = early.into_handshake_secret(p, Some(&[7u8; 32]))?;
//!     let _c_hs = handshake.client_handshake_traffic_secret(p, hello)?;
//!     let master = handshake.into_master_secret(p)?;
//!     let c_ap = master.client_application_traffic_secret_0(p, server_finished)?;
//!     seal_application_data(&c_ap.traffic_keys(p, AeadAlgorithm::Aes128Gcm)?);
//!     Ok(())
//! }
//! ```
//!
//! Every function takes the hash of the transcript rather than the messages
//! (RFC 8446's `Derive-Secret(Secret, Label, Messages)` hashes them itself);
//! [`crate::transcript`] keeps that hash.
//!
//! Nothing here allocates except what the provider does internally, and every
//! secret value lives in a [`Secret`], which is wiped on drop, never printed
//! and compared in constant time.

use crate::error::{ApiMisuse, Error, PeerMisbehaved};
use crate::provider::{AeadAlgorithm, CryptoProvider, HashAlgorithm, HashOutput, MAX_HASH_LEN};
use core::fmt;
use core::marker::PhantomData;
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// The prefix of every TLS 1.3 HKDF label (RFC 8446 §7.1).
const LABEL_PREFIX: &[u8] = b"tls13 ";

/// The AEAD nonce length of every TLS 1.3 suite (RFC 8446 §5.3).
pub const IV_LEN: usize = 12;

fn invalid(what: &'static str) -> Error {
    Error::ApiMisuse(ApiMisuse::InvalidArgument(what))
}

/// The `HkdfLabel` structure of RFC 8446 §7.1, kept as its six wire pieces so
/// that HKDF-Expand can consume it without building a buffer:
///
/// ```text
/// struct {
///     uint16 length = Length;
///     opaque label<7..255> = "tls13 " + Label;
///     opaque context<0..255> = Context;
/// } HkdfLabel;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct HkdfLabel<'a> {
    length: [u8; 2],
    label_len: [u8; 1],
    label: &'a [u8],
    context_len: [u8; 1],
    context: &'a [u8],
}

impl<'a> HkdfLabel<'a> {
    /// The label for `length` output bytes. `label` is given without the
    /// "tls13 " prefix. Fails with [`ApiMisuse::InvalidArgument`] when a
    /// field does not fit its length prefix.
    pub fn new(length: usize, label: &'a [u8], context: &'a [u8]) -> Result<Self, Error> {
        let length = u16::try_from(length).map_err(|_| invalid("HKDF-Expand-Label length"))?;
        // RFC 8446 §7.1: opaque label<7..255> = "tls13 " + Label.
        if label.is_empty() {
            return Err(invalid("HKDF label"));
        }
        let full = LABEL_PREFIX
            .len()
            .checked_add(label.len())
            .ok_or(invalid("HKDF label"))?;
        let label_len = u8::try_from(full).map_err(|_| invalid("HKDF label"))?;
        // RFC 8446 §7.1: opaque context<0..255>.
        let context_len = u8::try_from(context.len()).map_err(|_| invalid("HKDF context"))?;
        Ok(Self {
            length: length.to_be_bytes(),
            label_len: [label_len],
            label,
            context_len: [context_len],
            context,
        })
    }

    /// The encoded structure as consecutive pieces: their concatenation is
    /// the HKDF `info`.
    pub fn parts(&self) -> [&[u8]; 6] {
        [
            &self.length,
            &self.label_len,
            LABEL_PREFIX,
            self.label,
            &self.context_len,
            self.context,
        ]
    }

    /// The length of the encoded structure.
    pub fn encoded_len(&self) -> usize {
        self.parts().iter().map(|p| p.len()).sum()
    }
}

/// HKDF-Expand-Label (RFC 8446 §7.1): fills `out` with
/// `HKDF-Expand(secret, HkdfLabel(out.len(), "tls13 " + label, context))`.
/// `label` is given without the "tls13 " prefix.
pub fn hkdf_expand_label(
    p: &dyn CryptoProvider,
    hash: HashAlgorithm,
    secret: &[u8],
    label: &[u8],
    context: &[u8],
    out: &mut [u8],
) -> Result<(), Error> {
    // RFC 5869 §2.3: L <= 255*HashLen.
    if out.len() > hash.output_len().saturating_mul(255) {
        return Err(invalid("HKDF-Expand-Label length"));
    }
    let info = HkdfLabel::new(out.len(), label, context)?;
    p.hkdf_expand(hash, secret, &info.parts(), out)?;
    Ok(())
}

/// Derive-Secret (RFC 8446 §7.1), given the transcript hash:
/// `HKDF-Expand-Label(secret, label, transcript_hash, Hash.length)`.
pub fn derive_secret(
    p: &dyn CryptoProvider,
    hash: HashAlgorithm,
    secret: &[u8],
    label: &[u8],
    transcript_hash: &[u8],
) -> Result<Secret, Error> {
    Secret::expand(p, hash, secret, label, transcript_hash, hash.output_len())
}

/// Derive-Secret over no messages: the context is `Hash("")`.
fn derive_secret_empty(
    p: &dyn CryptoProvider,
    hash: HashAlgorithm,
    secret: &[u8],
    label: &[u8],
) -> Result<Secret, Error> {
    let empty = p.hash(hash, &[])?;
    derive_secret(p, hash, secret, label, empty.as_ref())
}

/// A secret of at most 64 bytes, kept inline. Wiped on drop, redacted in
/// `Debug`, compared in constant time (only the length may leak).
pub struct Secret {
    buf: [u8; MAX_HASH_LEN],
    len: usize,
}

impl Secret {
    /// Copies `bytes` (at most 64) into a new secret.
    pub fn new(bytes: &[u8]) -> Result<Self, Error> {
        let mut buf = [0u8; MAX_HASH_LEN];
        buf.get_mut(..bytes.len())
            .ok_or(invalid("secret longer than 64 bytes"))?
            .copy_from_slice(bytes);
        Ok(Self {
            buf,
            len: bytes.len(),
        })
    }

    fn from_hash_output(h: &HashOutput) -> Self {
        // A HashOutput holds at most MAX_HASH_LEN bytes, so this always fits.
        let mut buf = [0u8; MAX_HASH_LEN];
        let bytes = h.as_ref();
        let len = bytes.len().min(MAX_HASH_LEN);
        if let (Some(d), Some(s)) = (buf.get_mut(..len), bytes.get(..len)) {
            d.copy_from_slice(s);
        }
        Self { buf, len }
    }

    /// HKDF-Expand-Label of `len` bytes into a new secret.
    fn expand(
        p: &dyn CryptoProvider,
        hash: HashAlgorithm,
        secret: &[u8],
        label: &[u8],
        context: &[u8],
        len: usize,
    ) -> Result<Self, Error> {
        let mut s = Self {
            buf: [0u8; MAX_HASH_LEN],
            len,
        };
        let out = s
            .buf
            .get_mut(..len)
            .ok_or(invalid("secret longer than 64 bytes"))?;
        hkdf_expand_label(p, hash, secret, label, context, out)?;
        Ok(s)
    }

    /// The secret bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for a zero-length secret.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // Bytes past `len` are never written (every constructor copies
        // exactly `len`), so only the used ones need wiping.
        match self.buf.get_mut(..self.len) {
            Some(used) => used.zeroize(),
            None => self.buf.zeroize(),
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<redacted>, {} bytes)", self.len)
    }
}

impl ConstantTimeEq for Secret {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.as_bytes().ct_eq(other.as_bytes())
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for Secret {}

/// Marker types naming the epoch traffic keys belong to, so that a record
/// protector can demand keys of one epoch.
pub mod epoch {
    mod sealed {
        pub trait Sealed {}
    }

    /// An epoch of record protection keys.
    pub trait Epoch: sealed::Sealed {}

    /// 0-RTT data (client_early_traffic_secret).
    #[derive(Debug)]
    pub enum Early {}
    /// The encrypted handshake (client/server handshake traffic secrets).
    #[derive(Debug)]
    pub enum Handshake {}
    /// Application data after the handshake (application traffic secrets).
    #[derive(Debug)]
    pub enum Application {}

    impl sealed::Sealed for Early {}
    impl sealed::Sealed for Handshake {}
    impl sealed::Sealed for Application {}
    impl Epoch for Early {}
    impl Epoch for Handshake {}
    impl Epoch for Application {}
}

/// A record protection key and IV (RFC 8446 §7.3) for one epoch `E`.
/// Both are wiped on drop.
pub struct TrafficKeys<E: epoch::Epoch> {
    aead: AeadAlgorithm,
    key: Secret,
    iv: [u8; IV_LEN],
    _epoch: PhantomData<fn() -> E>,
}

impl<E: epoch::Epoch> TrafficKeys<E> {
    /// RFC 8446 §7.3: key = HKDF-Expand-Label(Secret, "key", "", key_length),
    /// iv = HKDF-Expand-Label(Secret, "iv", "", iv_length).
    fn derive(
        p: &dyn CryptoProvider,
        hash: HashAlgorithm,
        secret: &Secret,
        aead: AeadAlgorithm,
    ) -> Result<Self, Error> {
        let key = Secret::expand(p, hash, secret.as_bytes(), b"key", b"", aead.key_len())?;
        let mut iv = [0u8; IV_LEN];
        hkdf_expand_label(p, hash, secret.as_bytes(), b"iv", b"", &mut iv)?;
        Ok(Self {
            aead,
            key,
            iv,
            _epoch: PhantomData,
        })
    }

    /// The AEAD these keys are for.
    pub fn aead(&self) -> AeadAlgorithm {
        self.aead
    }

    /// The AEAD key.
    pub fn key(&self) -> &[u8] {
        self.key.as_bytes()
    }

    /// The static IV.
    pub fn iv(&self) -> &[u8; IV_LEN] {
        &self.iv
    }

    /// The per-record nonce (RFC 8446 §5.3): the 64-bit sequence number,
    /// left-padded to the IV length, XORed with the IV.
    pub fn nonce(&self, seq: u64) -> [u8; IV_LEN] {
        let mut nonce = self.iv;
        let seq = seq.to_be_bytes();
        let pad = IV_LEN.saturating_sub(seq.len());
        for (n, s) in nonce.iter_mut().skip(pad).zip(seq.iter()) {
            *n ^= s;
        }
        nonce
    }
}

impl<E: epoch::Epoch> Drop for TrafficKeys<E> {
    fn drop(&mut self) {
        self.iv.zeroize();
    }
}

impl<E: epoch::Epoch> fmt::Debug for TrafficKeys<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TrafficKeys({:?}, <redacted>)", self.aead)
    }
}

/// The Finished key of a base key (RFC 8446 §4.4.4):
/// `HKDF-Expand-Label(base_key, "finished", "", Hash.length)`.
pub fn finished_key(
    p: &dyn CryptoProvider,
    hash: HashAlgorithm,
    base_key: &[u8],
) -> Result<Secret, Error> {
    Secret::expand(p, hash, base_key, b"finished", b"", hash.output_len())
}

/// Finished.verify_data (RFC 8446 §4.4.4):
/// `HMAC(finished_key(base_key), transcript_hash)`.
pub fn verify_data(
    p: &dyn CryptoProvider,
    hash: HashAlgorithm,
    base_key: &[u8],
    transcript_hash: &[u8],
) -> Result<HashOutput, Error> {
    let key = finished_key(p, hash, base_key)?;
    Ok(p.hmac(hash, key.as_bytes(), &[transcript_hash])?)
}

/// Compares a received Finished.verify_data with the expected one in
/// constant time.
pub fn check_verify_data(expected: &[u8], received: &[u8]) -> Result<(), Error> {
    // RFC 8446 §4.4.4: recipients MUST verify that the Finished is correct
    // and, if not, MUST terminate the connection with a "decrypt_error" alert.
    if macs_match(expected, received) {
        Ok(())
    } else {
        Err(PeerMisbehaved::BadFinished.into())
    }
}

/// Compares a received PSK binder with the expected one in constant time.
pub fn check_binder(expected: &[u8], received: &[u8]) -> Result<(), Error> {
    // RFC 8446 §4.2.11.2: the server MUST validate the binder and abort the
    // handshake with a "decrypt_error" alert if it does not match.
    if macs_match(expected, received) {
        Ok(())
    } else {
        Err(PeerMisbehaved::BadBinder.into())
    }
}

/// Compares a received MAC (Finished, binder) with the expected one in
/// constant time.
#[cfg(not(all(feature = "fuzzing", fuzzing)))]
fn macs_match(expected: &[u8], received: &[u8]) -> bool {
    bool::from(expected.ct_eq(received))
}

/// Fuzzer mode (SECURITY.md): the comparison a fuzzer could never win
/// always passes. Compiled only in cargo-fuzz builds with the `fuzzing`
/// feature; normal builds have only the constant-time version above.
#[cfg(all(feature = "fuzzing", fuzzing))]
fn macs_match(_expected: &[u8], _received: &[u8]) -> bool {
    true
}

const ZEROS: [u8; MAX_HASH_LEN] = [0u8; MAX_HASH_LEN];

/// The input used where a PSK or (EC)DHE is absent, and the salt "0": a
/// string of Hash.length zero bytes (RFC 8446 §7.1).
fn zero_input(hash: HashAlgorithm) -> &'static [u8] {
    ZEROS.get(..hash.output_len()).unwrap_or(&[])
}

/// HKDF-Extract into a new secret.
fn extract(
    p: &dyn CryptoProvider,
    hash: HashAlgorithm,
    salt: &[u8],
    ikm: &[u8],
) -> Result<Secret, Error> {
    let prk = p.hkdf_extract(hash, salt, ikm)?;
    Ok(Secret::from_hash_output(&prk))
}

/// The first stage: `Early Secret = HKDF-Extract(0, PSK)`.
#[derive(Debug)]
pub struct EarlySecret {
    hash: HashAlgorithm,
    secret: Secret,
}

impl EarlySecret {
    /// Starts the schedule with `psk`, or with Hash.length zero bytes for a
    /// handshake without a PSK (RFC 8446 §7.1).
    pub fn new(
        p: &dyn CryptoProvider,
        hash: HashAlgorithm,
        psk: Option<&[u8]>,
    ) -> Result<Self, Error> {
        let zero = zero_input(hash);
        let secret = extract(p, hash, zero, psk.unwrap_or(zero))?;
        Ok(Self { hash, secret })
    }

    /// The hash of the schedule.
    pub fn hash(&self) -> HashAlgorithm {
        self.hash
    }

    /// The early secret itself (for key logs and tests).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// `binder_key = Derive-Secret(., "ext binder" | "res binder", "")`:
    /// "ext binder" for an external PSK, "res binder" for a resumption PSK.
    pub fn binder_key(&self, p: &dyn CryptoProvider, external: bool) -> Result<Secret, Error> {
        // RFC 8446 §7.1: the binder labels keep one kind of PSK from being
        // substituted for the other.
        let label: &[u8] = if external {
            b"ext binder"
        } else {
            b"res binder"
        };
        derive_secret_empty(p, self.hash, self.secret.as_bytes(), label)
    }

    /// The PSK binder (RFC 8446 §4.2.11.2): a Finished MAC keyed by the
    /// binder key over the hash of the transcript up to and including the
    /// truncated ClientHello (without the binders list).
    pub fn psk_binder(
        &self,
        p: &dyn CryptoProvider,
        external: bool,
        partial_transcript_hash: &[u8],
    ) -> Result<HashOutput, Error> {
        let key = self.binder_key(p, external)?;
        verify_data(p, self.hash, key.as_bytes(), partial_transcript_hash)
    }

    /// Checks a received binder in constant time ([`PeerMisbehaved::BadBinder`]).
    pub fn check_psk_binder(
        &self,
        p: &dyn CryptoProvider,
        external: bool,
        partial_transcript_hash: &[u8],
        received: &[u8],
    ) -> Result<(), Error> {
        let expected = self.psk_binder(p, external, partial_transcript_hash)?;
        check_binder(expected.as_ref(), received)
    }

    /// `client_early_traffic_secret = Derive-Secret(., "c e traffic", ClientHello)`.
    pub fn client_early_traffic_secret(
        &self,
        p: &dyn CryptoProvider,
        client_hello_hash: &[u8],
    ) -> Result<EarlyTrafficSecret, Error> {
        let secret = derive_secret(
            p,
            self.hash,
            self.secret.as_bytes(),
            b"c e traffic",
            client_hello_hash,
        )?;
        Ok(EarlyTrafficSecret {
            hash: self.hash,
            secret,
        })
    }

    /// `early_exporter_master_secret = Derive-Secret(., "e exp master", ClientHello)`.
    pub fn early_exporter_master_secret(
        &self,
        p: &dyn CryptoProvider,
        client_hello_hash: &[u8],
    ) -> Result<ExporterSecret, Error> {
        let secret = derive_secret(
            p,
            self.hash,
            self.secret.as_bytes(),
            b"e exp master",
            client_hello_hash,
        )?;
        Ok(ExporterSecret {
            hash: self.hash,
            secret,
        })
    }

    /// Moves to the handshake stage:
    /// `Handshake Secret = HKDF-Extract(Derive-Secret(., "derived", ""), (EC)DHE)`,
    /// with Hash.length zero bytes when there is no (EC)DHE (psk_ke).
    pub fn into_handshake_secret(
        self,
        p: &dyn CryptoProvider,
        dhe: Option<&[u8]>,
    ) -> Result<HandshakeSecret, Error> {
        let salt = derive_secret_empty(p, self.hash, self.secret.as_bytes(), b"derived")?;
        let zero = zero_input(self.hash);
        let secret = extract(p, self.hash, salt.as_bytes(), dhe.unwrap_or(zero))?;
        Ok(HandshakeSecret {
            hash: self.hash,
            secret,
        })
    }
}

/// The second stage: the handshake secret.
#[derive(Debug)]
pub struct HandshakeSecret {
    hash: HashAlgorithm,
    secret: Secret,
}

impl HandshakeSecret {
    /// The hash of the schedule.
    pub fn hash(&self) -> HashAlgorithm {
        self.hash
    }

    /// The handshake secret itself (for key logs and tests).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// `client_handshake_traffic_secret = Derive-Secret(., "c hs traffic",
    /// ClientHello...ServerHello)`.
    pub fn client_handshake_traffic_secret(
        &self,
        p: &dyn CryptoProvider,
        hello_hash: &[u8],
    ) -> Result<HandshakeTrafficSecret, Error> {
        self.traffic(p, b"c hs traffic", hello_hash)
    }

    /// `server_handshake_traffic_secret = Derive-Secret(., "s hs traffic",
    /// ClientHello...ServerHello)`.
    pub fn server_handshake_traffic_secret(
        &self,
        p: &dyn CryptoProvider,
        hello_hash: &[u8],
    ) -> Result<HandshakeTrafficSecret, Error> {
        self.traffic(p, b"s hs traffic", hello_hash)
    }

    fn traffic(
        &self,
        p: &dyn CryptoProvider,
        label: &[u8],
        hello_hash: &[u8],
    ) -> Result<HandshakeTrafficSecret, Error> {
        let secret = derive_secret(p, self.hash, self.secret.as_bytes(), label, hello_hash)?;
        Ok(HandshakeTrafficSecret {
            hash: self.hash,
            secret,
        })
    }

    /// Moves to the master stage:
    /// `Master Secret = HKDF-Extract(Derive-Secret(., "derived", ""), 0)`.
    pub fn into_master_secret(self, p: &dyn CryptoProvider) -> Result<MasterSecret, Error> {
        let salt = derive_secret_empty(p, self.hash, self.secret.as_bytes(), b"derived")?;
        let secret = extract(p, self.hash, salt.as_bytes(), zero_input(self.hash))?;
        Ok(MasterSecret {
            hash: self.hash,
            secret,
        })
    }
}

/// The last stage: the master secret.
#[derive(Debug)]
pub struct MasterSecret {
    hash: HashAlgorithm,
    secret: Secret,
}

impl MasterSecret {
    /// The hash of the schedule.
    pub fn hash(&self) -> HashAlgorithm {
        self.hash
    }

    /// The master secret itself (for tests).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    fn derive(
        &self,
        p: &dyn CryptoProvider,
        label: &[u8],
        transcript_hash: &[u8],
    ) -> Result<Secret, Error> {
        derive_secret(p, self.hash, self.secret.as_bytes(), label, transcript_hash)
    }

    /// `client_application_traffic_secret_0 = Derive-Secret(., "c ap traffic",
    /// ClientHello...server Finished)`.
    pub fn client_application_traffic_secret_0(
        &self,
        p: &dyn CryptoProvider,
        server_finished_hash: &[u8],
    ) -> Result<ApplicationTrafficSecret, Error> {
        Ok(ApplicationTrafficSecret {
            hash: self.hash,
            secret: self.derive(p, b"c ap traffic", server_finished_hash)?,
        })
    }

    /// `server_application_traffic_secret_0 = Derive-Secret(., "s ap traffic",
    /// ClientHello...server Finished)`.
    pub fn server_application_traffic_secret_0(
        &self,
        p: &dyn CryptoProvider,
        server_finished_hash: &[u8],
    ) -> Result<ApplicationTrafficSecret, Error> {
        Ok(ApplicationTrafficSecret {
            hash: self.hash,
            secret: self.derive(p, b"s ap traffic", server_finished_hash)?,
        })
    }

    /// `exporter_master_secret = Derive-Secret(., "exp master",
    /// ClientHello...server Finished)`.
    pub fn exporter_master_secret(
        &self,
        p: &dyn CryptoProvider,
        server_finished_hash: &[u8],
    ) -> Result<ExporterSecret, Error> {
        Ok(ExporterSecret {
            hash: self.hash,
            secret: self.derive(p, b"exp master", server_finished_hash)?,
        })
    }

    /// `resumption_master_secret = Derive-Secret(., "res master",
    /// ClientHello...client Finished)`.
    pub fn resumption_master_secret(
        &self,
        p: &dyn CryptoProvider,
        client_finished_hash: &[u8],
    ) -> Result<ResumptionMasterSecret, Error> {
        Ok(ResumptionMasterSecret {
            hash: self.hash,
            secret: self.derive(p, b"res master", client_finished_hash)?,
        })
    }
}

/// `client_early_traffic_secret`: protects 0-RTT data.
#[derive(Debug)]
pub struct EarlyTrafficSecret {
    hash: HashAlgorithm,
    secret: Secret,
}

impl EarlyTrafficSecret {
    /// The traffic secret itself (for key logs and tests).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The 0-RTT record keys (RFC 8446 §7.3).
    pub fn traffic_keys(
        &self,
        p: &dyn CryptoProvider,
        aead: AeadAlgorithm,
    ) -> Result<TrafficKeys<epoch::Early>, Error> {
        TrafficKeys::derive(p, self.hash, &self.secret, aead)
    }
}

/// A client or server handshake traffic secret: protects the encrypted
/// handshake and keys its sender's Finished.
#[derive(Debug)]
pub struct HandshakeTrafficSecret {
    hash: HashAlgorithm,
    secret: Secret,
}

impl HandshakeTrafficSecret {
    /// The traffic secret itself (for key logs and tests).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The handshake record keys (RFC 8446 §7.3).
    pub fn traffic_keys(
        &self,
        p: &dyn CryptoProvider,
        aead: AeadAlgorithm,
    ) -> Result<TrafficKeys<epoch::Handshake>, Error> {
        TrafficKeys::derive(p, self.hash, &self.secret, aead)
    }

    /// The Finished.verify_data of this secret's sender over
    /// `transcript_hash` (RFC 8446 §4.4.4).
    pub fn verify_data(
        &self,
        p: &dyn CryptoProvider,
        transcript_hash: &[u8],
    ) -> Result<HashOutput, Error> {
        verify_data(p, self.hash, self.secret.as_bytes(), transcript_hash)
    }

    /// Checks the peer's Finished.verify_data in constant time
    /// ([`PeerMisbehaved::BadFinished`]).
    pub fn check_verify_data(
        &self,
        p: &dyn CryptoProvider,
        transcript_hash: &[u8],
        received: &[u8],
    ) -> Result<(), Error> {
        let expected = self.verify_data(p, transcript_hash)?;
        check_verify_data(expected.as_ref(), received)
    }
}

/// A client or server application traffic secret (generation N).
#[derive(Debug)]
pub struct ApplicationTrafficSecret {
    hash: HashAlgorithm,
    secret: Secret,
}

impl ApplicationTrafficSecret {
    /// The traffic secret itself (for key logs and tests).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The application data record keys (RFC 8446 §7.3).
    pub fn traffic_keys(
        &self,
        p: &dyn CryptoProvider,
        aead: AeadAlgorithm,
    ) -> Result<TrafficKeys<epoch::Application>, Error> {
        TrafficKeys::derive(p, self.hash, &self.secret, aead)
    }

    /// The next generation after a KeyUpdate (RFC 8446 §7.2):
    /// `HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length)`.
    pub fn next(&self, p: &dyn CryptoProvider) -> Result<ApplicationTrafficSecret, Error> {
        Ok(Self {
            hash: self.hash,
            secret: Secret::expand(
                p,
                self.hash,
                self.secret.as_bytes(),
                b"traffic upd",
                b"",
                self.hash.output_len(),
            )?,
        })
    }

    /// The Finished.verify_data of a post-handshake authentication, whose
    /// base key is the client application traffic secret (RFC 8446 §4.4).
    pub fn verify_data(
        &self,
        p: &dyn CryptoProvider,
        transcript_hash: &[u8],
    ) -> Result<HashOutput, Error> {
        verify_data(p, self.hash, self.secret.as_bytes(), transcript_hash)
    }
}

/// An exporter master secret: `exporter_master_secret` or
/// `early_exporter_master_secret`.
#[derive(Debug)]
pub struct ExporterSecret {
    hash: HashAlgorithm,
    secret: Secret,
}

impl ExporterSecret {
    /// The exporter secret itself (for key logs and tests).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// TLS-Exporter (RFC 8446 §7.5): fills `out` with
    /// `HKDF-Expand-Label(Derive-Secret(secret, label, ""), "exporter",
    /// Hash(context), out.len())`. An absent context and an empty one give
    /// the same value in TLS 1.3. `label` must be 1 to 249 bytes long.
    pub fn export(
        &self,
        p: &dyn CryptoProvider,
        label: &[u8],
        context: &[u8],
        out: &mut [u8],
    ) -> Result<(), Error> {
        let derived = derive_secret_empty(p, self.hash, self.secret.as_bytes(), label)?;
        let context_hash = p.hash(self.hash, &[context])?;
        hkdf_expand_label(
            p,
            self.hash,
            derived.as_bytes(),
            b"exporter",
            context_hash.as_ref(),
            out,
        )
    }
}

/// `resumption_master_secret`: the source of every ticket's PSK.
#[derive(Debug)]
pub struct ResumptionMasterSecret {
    hash: HashAlgorithm,
    secret: Secret,
}

impl ResumptionMasterSecret {
    /// The resumption master secret itself (for tests).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The PSK of the ticket sent with `ticket_nonce` (RFC 8446 §4.6.1):
    /// `HKDF-Expand-Label(resumption_master_secret, "resumption",
    /// ticket_nonce, Hash.length)`.
    pub fn resumption_psk(
        &self,
        p: &dyn CryptoProvider,
        ticket_nonce: &[u8],
    ) -> Result<Secret, Error> {
        Secret::expand(
            p,
            self.hash,
            self.secret.as_bytes(),
            b"resumption",
            ticket_nonce,
            self.hash.output_len(),
        )
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use crate::error::ApiMisuse;
    use crate::provider::aws_lc::AwsLcProvider;
    use alloc::vec::Vec;
    use alloc::{format, vec};

    const SHA256: HashAlgorithm = HashAlgorithm::Sha256;

    fn h(s: &str) -> Vec<u8> {
        assert!(s.len() % 2 == 0);
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // RFC 8448 §3 (Simple 1-RTT Handshake): inputs and printed outputs.
    const DHE: &str = "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d";
    const EARLY: &str = "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a";
    const HANDSHAKE: &str = "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac";
    const MASTER: &str = "18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919";
    const HELLO_HASH: &str = "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8";
    const C_HS: &str = "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21";
    const S_HS: &str = "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38";
    const SF_HASH: &str = "9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13";
    const C_AP: &str = "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5";
    const S_AP: &str = "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643";
    const EXP: &str = "fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50";
    const CF_HASH: &str = "209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d";
    const RES: &str = "7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c";
    const RES_PSK: &str = "4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3";
    const CLIENT_VERIFY_DATA: &str =
        "a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61";

    fn rfc8448_s3_master() -> MasterSecret {
        let p = &AwsLcProvider::new();
        let early = EarlySecret::new(p, SHA256, None).unwrap();
        early
            .into_handshake_secret(p, Some(&h(DHE)))
            .unwrap()
            .into_master_secret(p)
            .unwrap()
    }

    #[test]
    fn rfc8448_section3_schedule_through_the_typestate() {
        let p = &AwsLcProvider::new();
        let aead = AeadAlgorithm::Aes128Gcm;

        let early = EarlySecret::new(p, SHA256, None).unwrap();
        assert_eq!(early.secret().as_bytes(), h(EARLY));

        let hs = early.into_handshake_secret(p, Some(&h(DHE))).unwrap();
        assert_eq!(hs.secret().as_bytes(), h(HANDSHAKE));
        let c_hs = hs
            .client_handshake_traffic_secret(p, &h(HELLO_HASH))
            .unwrap();
        let s_hs = hs
            .server_handshake_traffic_secret(p, &h(HELLO_HASH))
            .unwrap();
        assert_eq!(c_hs.secret().as_bytes(), h(C_HS));
        assert_eq!(s_hs.secret().as_bytes(), h(S_HS));
        let k = s_hs.traffic_keys(p, aead).unwrap();
        assert_eq!(k.key(), h("3fce516009c21727d0f2e4e86ee403bc"));
        assert_eq!(k.iv()[..], h("5d313eb2671276ee13000b30"));
        let k = c_hs.traffic_keys(p, aead).unwrap();
        assert_eq!(k.key(), h("dbfaa693d1762c5b666af5d950258d01"));
        assert_eq!(k.iv()[..], h("5bd3c71b836e0b76bb73265f"));

        // The client's Finished covers ClientHello...server Finished.
        let vd = c_hs.verify_data(p, &h(SF_HASH)).unwrap();
        assert_eq!(vd.as_ref(), h(CLIENT_VERIFY_DATA));
        c_hs.check_verify_data(p, &h(SF_HASH), &h(CLIENT_VERIFY_DATA))
            .unwrap();

        let master = hs.into_master_secret(p).unwrap();
        assert_eq!(master.secret().as_bytes(), h(MASTER));
        let c_ap = master
            .client_application_traffic_secret_0(p, &h(SF_HASH))
            .unwrap();
        let s_ap = master
            .server_application_traffic_secret_0(p, &h(SF_HASH))
            .unwrap();
        assert_eq!(c_ap.secret().as_bytes(), h(C_AP));
        assert_eq!(s_ap.secret().as_bytes(), h(S_AP));
        let k = c_ap.traffic_keys(p, aead).unwrap();
        assert_eq!(k.key(), h("17422dda596ed5d9acd890e3c63f5051"));
        assert_eq!(k.iv()[..], h("5b78923dee08579033e523d9"));
        let k = s_ap.traffic_keys(p, aead).unwrap();
        assert_eq!(k.key(), h("9f02283b6c9c07efc26bb9f2ac92e356"));
        assert_eq!(k.iv()[..], h("cf782b88dd83549aadf1e984"));

        let exp = master.exporter_master_secret(p, &h(SF_HASH)).unwrap();
        assert_eq!(exp.secret().as_bytes(), h(EXP));
        let res = master.resumption_master_secret(p, &h(CF_HASH)).unwrap();
        assert_eq!(res.secret().as_bytes(), h(RES));
        // The ticket of §3 has nonce 00 00; its PSK starts §4.
        let psk = res.resumption_psk(p, &[0, 0]).unwrap();
        assert_eq!(psk.as_bytes(), h(RES_PSK));
    }

    #[test]
    fn rfc8448_section4_early_secrets_and_binder() {
        let p = &AwsLcProvider::new();
        let early = EarlySecret::new(p, SHA256, Some(&h(RES_PSK))).unwrap();
        assert_eq!(
            early.secret().as_bytes(),
            h("9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c")
        );
        assert_eq!(
            early.binder_key(p, false).unwrap().as_bytes(),
            h("69fe131a3bbad5d63c64eebcc30e395b9d8107726a13d074e389dbc8a4e47256")
        );
        let binder_hash = h("63224b2e4573f2d3454ca84b9d009a04f6be9e05711a8396473aefa01e924a14");
        let binder = h("3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d");
        assert_eq!(
            early.psk_binder(p, false, &binder_hash).unwrap().as_ref(),
            binder
        );
        early
            .check_psk_binder(p, false, &binder_hash, &binder)
            .unwrap();
        // The same PSK used as an external one gives another binder.
        assert_eq!(
            early.check_psk_binder(p, true, &binder_hash, &binder),
            Err(Error::PeerMisbehaved(PeerMisbehaved::BadBinder))
        );

        let ch_hash = h("08ad0fa05d7c7233b1775ba2ff9f4c5b8b59276b7f227f13a976245f5d960913");
        let cet = early.client_early_traffic_secret(p, &ch_hash).unwrap();
        assert_eq!(
            cet.secret().as_bytes(),
            h("3fbbe6a60deb66c30a32795aba0eff7eaa10105586e7be5c09678d63b6caab62")
        );
        let k = cet.traffic_keys(p, AeadAlgorithm::Aes128Gcm).unwrap();
        assert_eq!(k.key(), h("920205a5b7bf2115e6fc5c2942834f54"));
        assert_eq!(k.iv()[..], h("6d475f0993c8e564610db2b9"));
        let eem = early.early_exporter_master_secret(p, &ch_hash).unwrap();
        assert_eq!(
            eem.secret().as_bytes(),
            h("b2026866610937d7423e5be90862ccf24c0e6091186d34f812089ff5be2ef7df")
        );
    }

    #[test]
    fn hkdf_label_matches_rfc8448_info_and_enforces_lengths() {
        let ctx = h(HELLO_HASH);
        let label = HkdfLabel::new(32, b"c hs traffic", &ctx).unwrap();
        let info: Vec<u8> = label.parts().concat();
        assert_eq!(
            info,
            h(concat!(
                "002012746c73313320632068732074726166666963",
                "20860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8"
            ))
        );
        assert_eq!(label.encoded_len(), 54);

        let long = [b'a'; 250];
        assert!(HkdfLabel::new(32, &long[..249], b"").is_ok());
        let err = Err(Error::ApiMisuse(ApiMisuse::InvalidArgument("HKDF label")));
        assert_eq!(HkdfLabel::new(32, &long, b"").map(|_| ()), err);
        assert_eq!(HkdfLabel::new(32, b"", b"").map(|_| ()), err);
        assert_eq!(
            HkdfLabel::new(32, b"x", &[0u8; 256]).map(|_| ()),
            Err(Error::ApiMisuse(ApiMisuse::InvalidArgument("HKDF context")))
        );
        assert_eq!(
            HkdfLabel::new(65536, b"x", b"").map(|_| ()),
            Err(Error::ApiMisuse(ApiMisuse::InvalidArgument(
                "HKDF-Expand-Label length"
            )))
        );
    }

    #[test]
    fn key_update_generations_are_deterministic_and_distinct() {
        let p = &AwsLcProvider::new();
        let master = rfc8448_s3_master();
        let gen0 = master
            .client_application_traffic_secret_0(p, &h(SF_HASH))
            .unwrap();
        let gen1 = gen0.next(p).unwrap();
        let gen1_again = gen0.next(p).unwrap();
        assert_eq!(gen1.secret(), gen1_again.secret());
        assert_ne!(gen1.secret(), gen0.secret());
        let gen2 = gen1.next(p).unwrap();
        assert_ne!(gen2.secret(), gen1.secret());
        assert_ne!(gen2.secret(), gen0.secret());

        // RFC 8446 §7.2, computed directly with HKDF-Expand over a hand-built info.
        let mut info = vec![0x00, 0x20, 17];
        info.extend_from_slice(b"tls13 traffic upd");
        info.push(0);
        let mut expected = [0u8; 32];
        p.hkdf_expand(SHA256, &h(C_AP), &[&info], &mut expected)
            .unwrap();
        assert_eq!(gen1.secret().as_bytes(), expected);

        let k0 = gen0.traffic_keys(p, AeadAlgorithm::Aes128Gcm).unwrap();
        let k1 = gen1.traffic_keys(p, AeadAlgorithm::Aes128Gcm).unwrap();
        assert_ne!(k0.key(), k1.key());
        assert_ne!(k0.iv(), k1.iv());
    }

    /// RFC 8446 §7.5 spelled out with HMAC-based HKDF and hand-built labels.
    fn exporter_by_hand(secret: &[u8], label: &[u8], context: &[u8], len: usize) -> Vec<u8> {
        let p = &AwsLcProvider::new();
        let hkdf_label = |len: usize, label: &[u8], ctx: &[u8]| {
            let mut v = Vec::new();
            v.extend_from_slice(&u16::try_from(len).unwrap().to_be_bytes());
            v.push(u8::try_from(6 + label.len()).unwrap());
            v.extend_from_slice(b"tls13 ");
            v.extend_from_slice(label);
            v.push(u8::try_from(ctx.len()).unwrap());
            v.extend_from_slice(ctx);
            v
        };
        // HKDF-Expand with a single block of output (len <= 32).
        let expand = |prk: &[u8], info: &[u8], len: usize| {
            let t1 = p.hmac(SHA256, prk, &[info, &[1]]).unwrap();
            t1.as_ref()[..len].to_vec()
        };
        let empty_hash = p.hash(SHA256, &[b""]).unwrap();
        let derived = expand(secret, &hkdf_label(32, label, empty_hash.as_ref()), 32);
        let ctx_hash = p.hash(SHA256, &[context]).unwrap();
        expand(
            &derived,
            &hkdf_label(len, b"exporter", ctx_hash.as_ref()),
            len,
        )
    }

    #[test]
    fn exporter_matches_a_direct_computation() {
        let p = &AwsLcProvider::new();
        let master = rfc8448_s3_master();
        let exp = master.exporter_master_secret(p, &h(SF_HASH)).unwrap();
        for (label, context, len) in [
            (&b"EXPORTER-Channel-Binding"[..], &b""[..], 32),
            (b"EXPORTER-qtls-test", b"some context", 20),
            (b"x", b"", 1),
        ] {
            let mut out = vec![0u8; len];
            exp.export(p, label, context, &mut out).unwrap();
            assert_eq!(out, exporter_by_hand(&h(EXP), label, context, len));
        }
        // Different labels and contexts give different values.
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        exp.export(p, b"label-a", b"", &mut a).unwrap();
        exp.export(p, b"label-b", b"", &mut b).unwrap();
        assert_ne!(a, b);
        exp.export(p, b"label-a", b"c", &mut b).unwrap();
        assert_ne!(a, b);
        // The early exporter follows the same construction.
        let early = EarlySecret::new(p, SHA256, Some(&h(RES_PSK))).unwrap();
        let ch_hash = h("08ad0fa05d7c7233b1775ba2ff9f4c5b8b59276b7f227f13a976245f5d960913");
        let eem = early.early_exporter_master_secret(p, &ch_hash).unwrap();
        eem.export(p, b"EXPORTER-early", b"ctx", &mut a).unwrap();
        assert_eq!(
            a.to_vec(),
            exporter_by_hand(eem.secret().as_bytes(), b"EXPORTER-early", b"ctx", 32)
        );
        // At most 255 hash lengths can be exported (RFC 5869 §2.3).
        let mut big = vec![0u8; 255 * 32];
        exp.export(p, b"EXPORTER-big", b"", &mut big).unwrap();
        let mut prefix = [0u8; 40];
        exp.export(p, b"EXPORTER-big", b"", &mut prefix).unwrap();
        assert_ne!(big[..40], prefix[..], "the length is part of the label");
        let mut too_big = vec![0u8; 255 * 32 + 1];
        assert_eq!(
            exp.export(p, b"EXPORTER-big", b"", &mut too_big),
            Err(Error::ApiMisuse(ApiMisuse::InvalidArgument(
                "HKDF-Expand-Label length"
            )))
        );
        // A label that cannot be an HKDF label is refused.
        assert_eq!(
            exp.export(p, &[b'a'; 250], b"", &mut a),
            Err(Error::ApiMisuse(ApiMisuse::InvalidArgument("HKDF label")))
        );
    }

    #[test]
    fn finished_and_binder_checks_reject_every_one_bit_change() {
        let good = h(CLIENT_VERIFY_DATA);
        assert_eq!(check_verify_data(&good, &good), Ok(()));
        assert_eq!(check_binder(&good, &good), Ok(()));
        for bit in 0..good.len() * 8 {
            let mut bad = good.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(
                check_verify_data(&good, &bad),
                Err(Error::PeerMisbehaved(PeerMisbehaved::BadFinished))
            );
            assert_eq!(
                check_binder(&good, &bad),
                Err(Error::PeerMisbehaved(PeerMisbehaved::BadBinder))
            );
        }
        // A truncated or extended value is wrong too.
        assert_eq!(
            check_verify_data(&good, &good[..31]),
            Err(Error::PeerMisbehaved(PeerMisbehaved::BadFinished))
        );
        let mut longer = good.clone();
        longer.push(0);
        assert_eq!(
            check_verify_data(&good, &longer),
            Err(Error::PeerMisbehaved(PeerMisbehaved::BadFinished))
        );
        // Through the typed secret as well.
        let p = &AwsLcProvider::new();
        let hs = EarlySecret::new(p, SHA256, None)
            .unwrap()
            .into_handshake_secret(p, Some(&h(DHE)))
            .unwrap();
        let c_hs = hs
            .client_handshake_traffic_secret(p, &h(HELLO_HASH))
            .unwrap();
        let mut bad = good.clone();
        bad[31] ^= 0x80;
        assert_eq!(
            c_hs.check_verify_data(p, &h(SF_HASH), &bad),
            Err(Error::PeerMisbehaved(PeerMisbehaved::BadFinished))
        );
    }

    #[test]
    fn no_psk_and_no_dhe_mean_hash_length_zeros() {
        let p = &AwsLcProvider::new();
        let a = EarlySecret::new(p, SHA256, None).unwrap();
        let b = EarlySecret::new(p, SHA256, Some(&[0u8; 32])).unwrap();
        assert_eq!(a.secret(), b.secret());
        let a = a.into_handshake_secret(p, None).unwrap();
        let b = b.into_handshake_secret(p, Some(&[0u8; 32])).unwrap();
        assert_eq!(a.secret(), b.secret());
        // SHA-384 schedules use 48 zero bytes and 48-byte secrets.
        let c = EarlySecret::new(p, HashAlgorithm::Sha384, None).unwrap();
        let d = EarlySecret::new(p, HashAlgorithm::Sha384, Some(&[0u8; 48])).unwrap();
        assert_eq!(c.secret(), d.secret());
        assert_eq!(c.secret().len(), 48);
        let k = c
            .into_handshake_secret(p, Some(&[7u8; 48]))
            .unwrap()
            .server_handshake_traffic_secret(p, &[1u8; 48])
            .unwrap()
            .traffic_keys(p, AeadAlgorithm::Aes256Gcm)
            .unwrap();
        assert_eq!(k.key().len(), 32);
    }

    #[test]
    fn nonce_is_iv_xor_left_padded_sequence_number() {
        let p = &AwsLcProvider::new();
        let master = rfc8448_s3_master();
        let k = master
            .client_application_traffic_secret_0(p, &h(SF_HASH))
            .unwrap()
            .traffic_keys(p, AeadAlgorithm::Aes128Gcm)
            .unwrap();
        let iv = h("5b78923dee08579033e523d9");
        assert_eq!(k.nonce(0)[..], iv);
        let mut one = iv.clone();
        one[11] ^= 1;
        assert_eq!(k.nonce(1)[..], one);
        let mut max = iv.clone();
        for b in &mut max[4..] {
            *b ^= 0xff;
        }
        assert_eq!(k.nonce(u64::MAX)[..], max);
        assert_eq!(k.aead(), AeadAlgorithm::Aes128Gcm);
    }

    #[test]
    fn secrets_are_redacted_and_compared_by_value() {
        let s = Secret::new(&h(EARLY)).unwrap();
        let text = format!("{s:?}");
        assert_eq!(text, "Secret(<redacted>, 32 bytes)");
        assert!(!text.contains("33ad"));
        assert_eq!(s, Secret::new(&h(EARLY)).unwrap());
        assert_ne!(s, Secret::new(&h(HANDSHAKE)).unwrap());
        assert_ne!(s, Secret::new(&h(EARLY)[..31]).unwrap());
        assert_eq!(
            Secret::new(&[0u8; 65]).map(|_| ()),
            Err(Error::ApiMisuse(ApiMisuse::InvalidArgument(
                "secret longer than 64 bytes"
            )))
        );
        let p = &AwsLcProvider::new();
        let early = EarlySecret::new(p, SHA256, None).unwrap();
        assert!(!format!("{early:?}").contains("33ad"));
        let k = early
            .client_early_traffic_secret(p, &[0u8; 32])
            .unwrap()
            .traffic_keys(p, AeadAlgorithm::Aes128Gcm)
            .unwrap();
        assert_eq!(format!("{k:?}"), "TrafficKeys(Aes128Gcm, <redacted>)");
    }
}
