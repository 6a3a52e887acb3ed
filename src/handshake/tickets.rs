//! Session tickets and resumption (RFC 8446 §4.6.1, §4.2.11, §2.2), and the
//! 0-RTT acceptance rules (§4.2.10, §8).
//!
//! Server side: ticket state is sealed with AES-256-GCM under the rotating
//! [`TicketKeys`] (stateless), or the sealed state is kept in a
//! [`crate::session_store::ServerSessionCache`] behind a random id
//! (stateful, single use). A ticket that does not open, has expired or does
//! not fit the negotiation is simply not a candidate: the handshake falls
//! back to a full one and the client learns nothing about why.
//!
//! Client side: a NewSessionTicket becomes a [`StoredTicket`] in the
//! configured store; the next connection to the same server offers it.

use super::Io;
use super::keys::Ctx;
use crate::codec::enums::{CipherSuite, HandshakeType};
use crate::codec::extensions::NstExtension;
use crate::codec::handshake::{HandshakePayload, NewSessionTicket};
use crate::codec::reader::{LengthPrefix, Reader, put_prefixed, put_u16, put_u32};
use crate::config::{ClientConfig, ServerConfig};
use crate::error::{Error, InvalidMessage};
use crate::key_schedule::ResumptionMasterSecret;
use crate::provider::{AeadAlgorithm, CryptoProvider, HashAlgorithm};
use crate::session_store::{MAX_TICKET_LIFETIME, StoredTicket, TicketKeys};
use crate::suites;
use crate::time::UnixTime;
use alloc::sync::Arc;
use alloc::vec::Vec;
use zeroize::Zeroizing;

const TICKET_VERSION: u8 = 1;
const TAG_LEN: usize = 16;
const NONCE_LEN: usize = 12;
/// Bytes of a stateful ticket id.
const TICKET_ID_LEN: usize = 32;

/// What a ticket remembers of the session that issued it.
pub(crate) struct TicketState {
    pub(crate) suite: CipherSuite,
    pub(crate) issued_at: u64,
    pub(crate) lifetime: u32,
    pub(crate) age_add: u32,
    pub(crate) max_early_data: u32,
    pub(crate) alpn: Option<Vec<u8>>,
    pub(crate) psk: Zeroizing<Vec<u8>>,
    /// True when the ticket came out of the single-use cache.
    pub(crate) single_use: bool,
}

impl TicketState {
    fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(96));
        out.push(TICKET_VERSION);
        put_u16(&mut out, self.suite.0);
        out.extend_from_slice(&self.issued_at.to_be_bytes());
        put_u32(&mut out, self.lifetime);
        put_u32(&mut out, self.age_add);
        put_u32(&mut out, self.max_early_data);
        let alpn = self.alpn.as_deref().unwrap_or(&[]);
        put_prefixed(&mut out, LengthPrefix::U8, |o| o.extend_from_slice(alpn));
        put_prefixed(&mut out, LengthPrefix::U8, |o| {
            o.extend_from_slice(&self.psk)
        });
        out
    }

    fn decode(bytes: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(bytes);
        if r.u8("ticket version")? != TICKET_VERSION {
            return Err(InvalidMessage::InvalidValue("ticket version"));
        }
        let suite = CipherSuite(r.u16("suite")?);
        let hi = r.u32("issued_at")?;
        let lo = r.u32("issued_at")?;
        let issued_at = (u64::from(hi) << 32) | u64::from(lo);
        let lifetime = r.u32("lifetime")?;
        let age_add = r.u32("age_add")?;
        let max_early_data = r.u32("max_early_data")?;
        let alpn = r.vec8("alpn")?;
        let psk = r.vec8("psk")?;
        r.expect_empty("ticket")?;
        Ok(Self {
            suite,
            issued_at,
            lifetime,
            age_add,
            max_early_data,
            alpn: (!alpn.is_empty()).then(|| alpn.to_vec()),
            psk: Zeroizing::new(psk.to_vec()),
            single_use: false,
        })
    }

    /// The hash the ticket's PSK goes with.
    pub(crate) fn hash(&self) -> Option<HashAlgorithm> {
        suites::lookup(self.suite).map(|s| s.hash)
    }

    /// Our view of the ticket's age in milliseconds at `now`, or `None`
    /// once it has expired (or `now` is before its issue).
    pub(crate) fn age_ms(&self, now: UnixTime) -> Option<u64> {
        let age = now.0.checked_sub(self.issued_at)?;
        // RFC 8446 §4.6.1: never use a ticket past its lifetime.
        (age <= u64::from(self.lifetime)).then(|| age.saturating_mul(1000))
    }
}

/// Seals ticket state: epoch (8) || nonce (12) || ciphertext || tag, with
/// the epoch as associated data.
fn seal(
    p: &dyn CryptoProvider,
    keys: &TicketKeys,
    now: UnixTime,
    state: &TicketState,
) -> Result<Vec<u8>, Error> {
    let epoch = keys.epoch(now);
    let key = keys.key_for(p, epoch)?;
    let aead = p.aead_key(AeadAlgorithm::Aes256Gcm, key.as_ref())?;
    let mut nonce = [0u8; NONCE_LEN];
    p.fill_random(&mut nonce)?;
    let mut body = state.encode();
    let mut tag = [0u8; TAG_LEN];
    let ad = epoch.to_be_bytes();
    aead.seal_in_place(&nonce, &ad, &mut body, &mut tag)?;
    let mut out = Vec::with_capacity(8 + NONCE_LEN + body.len() + TAG_LEN);
    out.extend_from_slice(&ad);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&body);
    out.extend_from_slice(&tag);
    Ok(out)
}

/// Opens a sealed ticket; `None` for anything that is not a ticket we
/// sealed in this or the previous key period.
fn open(
    p: &dyn CryptoProvider,
    keys: &TicketKeys,
    now: UnixTime,
    blob: &[u8],
) -> Option<TicketState> {
    let mut r = Reader::new(blob);
    let ad: [u8; 8] = r.take(8)?.try_into().ok()?;
    let nonce: [u8; NONCE_LEN] = r.take(NONCE_LEN)?.try_into().ok()?;
    let epoch = u64::from_be_bytes(ad);
    let current = keys.epoch(now);
    if epoch != current && Some(epoch) != current.checked_sub(1) {
        return None;
    }
    let key = keys.key_for(p, epoch).ok()?;
    let aead = p.aead_key(AeadAlgorithm::Aes256Gcm, key.as_ref()).ok()?;
    let mut body = Zeroizing::new(r.rest().to_vec());
    let n = aead.open_in_place(&nonce, &ad, &mut body).ok()?;
    TicketState::decode(body.get(..n)?).ok()
}

/// Looks a received PSK identity up as one of our tickets. Every failure
/// (undecryptable, unknown id, expired, unusable suite) is `None`, exactly
/// like an identity we never issued.
pub(crate) fn lookup(cfg: &ServerConfig, now: UnixTime, identity: &[u8]) -> Option<TicketState> {
    let t = cfg.tickets.as_ref()?;
    let p = cfg.provider.as_ref();
    let mut state = match &t.cache {
        Some(cache) => {
            let sealed = cache.take(identity)?;
            let mut s = open(p, &t.keys, now, &sealed)?;
            s.single_use = true;
            s
        }
        None => open(p, &t.keys, now, identity)?,
    };
    state.age_ms(now)?;
    state.hash()?;
    if state.lifetime > MAX_TICKET_LIFETIME {
        state.lifetime = MAX_TICKET_LIFETIME;
    }
    Some(state)
}

/// RFC 8446 §8.3: whether the client's ticket age agrees with ours within
/// `window_secs` (plus one second for our whole-second clock).
pub(crate) fn age_in_window(
    state: &TicketState,
    obfuscated_age: u32,
    now: UnixTime,
    window_secs: u32,
) -> bool {
    let Some(ours) = state.age_ms(now) else {
        return false;
    };
    let theirs = u64::from(obfuscated_age.wrapping_sub(state.age_add));
    let tolerance = u64::from(window_secs)
        .saturating_add(1)
        .saturating_mul(1000);
    ours.abs_diff(theirs) <= tolerance
}

/// Sends the configured number of NewSessionTickets after the client's
/// Finished (RFC 8446 §4.6.1). Does nothing when tickets are off.
pub(crate) fn send_tickets(
    io: &mut Io<'_>,
    cfg: &ServerConfig,
    ctx: &Ctx,
    resumption: &ResumptionMasterSecret,
) -> Result<(), Error> {
    let Some(t) = cfg.tickets.as_ref() else {
        return Ok(());
    };
    if !cfg.policy.tickets || t.count == 0 {
        return Ok(());
    }
    let p = ctx.provider.as_ref();
    let lifetime = t
        .lifetime
        .min(MAX_TICKET_LIFETIME)
        .min(u32::try_from(t.keys.period()).unwrap_or(u32::MAX));
    let max_early_data = cfg.early_data.as_ref().map_or(0, |e| e.max_size);
    for i in 0..t.count {
        let nonce = alloc::vec![i];
        let psk = resumption.resumption_psk(p, &nonce)?;
        let mut age_add = [0u8; 4];
        p.fill_random(&mut age_add)?;
        let state = TicketState {
            suite: ctx.suite.suite,
            issued_at: io.now.0,
            lifetime,
            age_add: u32::from_be_bytes(age_add),
            max_early_data,
            alpn: io.negotiated.alpn.clone(),
            psk: Zeroizing::new(psk.as_bytes().to_vec()),
            single_use: false,
        };
        let sealed = seal(p, &t.keys, io.now, &state)?;
        let ticket = match &t.cache {
            Some(cache) => {
                let mut id = alloc::vec![0u8; TICKET_ID_LEN];
                p.fill_random(&mut id)?;
                if !cache.insert(id.clone(), sealed) {
                    continue;
                }
                id
            }
            None => sealed,
        };
        let mut extensions = Vec::new();
        if max_early_data > 0 {
            extensions.push(NstExtension::EarlyData(max_early_data));
        }
        let nst = NewSessionTicket {
            lifetime,
            age_add: state.age_add,
            nonce,
            ticket,
            extensions,
        };
        let msg = super::encode(
            HandshakePayload::NewSessionTicket(nst),
            HandshakeType::NEW_SESSION_TICKET,
        );
        io.tx.queue_handshake(&msg);
    }
    io.tx.flush_handshake()
}

/// What a client needs after its handshake to turn NewSessionTickets into
/// stored tickets.
pub(crate) struct ClientResumption {
    pub(crate) config: Arc<ClientConfig>,
    pub(crate) server: alloc::string::String,
    pub(crate) suite: CipherSuite,
    pub(crate) hash: HashAlgorithm,
    pub(crate) alpn: Option<Vec<u8>>,
    pub(crate) secret: ResumptionMasterSecret,
    pub(crate) now: UnixTime,
}

impl ClientResumption {
    /// Stores the ticket of a NewSessionTicket (RFC 8446 §4.6.1).
    pub(crate) fn accept(&self, nst: &NewSessionTicket) -> Result<(), Error> {
        let Some(store) = self.config.session_store.as_ref() else {
            return Ok(());
        };
        // A zero lifetime means "do not use"; longer than 7 days is capped
        // (RFC 8446 §4.6.1: clients MUST NOT cache tickets longer).
        if nst.lifetime == 0 || !self.config.policy.tickets {
            return Ok(());
        }
        let p = self.config.provider.as_ref();
        let psk = self.secret.resumption_psk(p, &nst.nonce)?;
        let max_early_data = nst
            .extensions
            .iter()
            .find_map(|e| match e {
                NstExtension::EarlyData(n) => Some(*n),
                _ => None,
            })
            .unwrap_or(0);
        store.put(
            &self.server,
            StoredTicket {
                suite: self.suite,
                ticket: nst.ticket.clone(),
                psk: Zeroizing::new(psk.as_bytes().to_vec()),
                hash: self.hash,
                age_add: nst.age_add,
                received_at: self.now,
                lifetime: nst.lifetime.min(MAX_TICKET_LIFETIME),
                max_early_data,
                alpn: self.alpn.clone(),
            },
        );
        Ok(())
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use crate::provider::aws_lc::default_provider;

    fn state() -> TicketState {
        TicketState {
            suite: CipherSuite::TLS_AES_128_GCM_SHA256,
            issued_at: 1000,
            lifetime: 100,
            age_add: 7,
            max_early_data: 1024,
            alpn: Some(b"h2".to_vec()),
            psk: Zeroizing::new(alloc::vec![0x42; 32]),
            single_use: false,
        }
    }

    #[test]
    fn seal_open_round_trip_and_rotation() {
        let p = default_provider();
        let keys = TicketKeys::new(p.as_ref(), 100).unwrap();
        let blob = seal(p.as_ref(), &keys, UnixTime(1050), &state()).unwrap();
        // Epoch 10 seals; epochs 10 and 11 open; 12 does not.
        let s = open(p.as_ref(), &keys, UnixTime(1099), &blob).unwrap();
        assert_eq!(s.suite, CipherSuite::TLS_AES_128_GCM_SHA256);
        assert_eq!(s.issued_at, 1000);
        assert_eq!((s.lifetime, s.age_add, s.max_early_data), (100, 7, 1024));
        assert_eq!(s.alpn.as_deref(), Some(&b"h2"[..]));
        assert_eq!(s.psk.as_slice(), &[0x42; 32]);
        assert!(open(p.as_ref(), &keys, UnixTime(1199), &blob).is_some());
        assert!(open(p.as_ref(), &keys, UnixTime(1200), &blob).is_none());
        // Other keys, or one flipped bit, do not open.
        let other = TicketKeys::new(p.as_ref(), 100).unwrap();
        assert!(open(p.as_ref(), &other, UnixTime(1050), &blob).is_none());
        let mut bad = blob.clone();
        if let Some(b) = bad.last_mut() {
            *b ^= 1;
        }
        assert!(open(p.as_ref(), &keys, UnixTime(1050), &bad).is_none());
        assert!(open(p.as_ref(), &keys, UnixTime(1050), &blob[..10]).is_none());
    }

    #[test]
    fn ages() {
        let s = state();
        assert_eq!(s.age_ms(UnixTime(1100)), Some(100_000));
        assert_eq!(s.age_ms(UnixTime(1101)), None);
        assert_eq!(s.age_ms(UnixTime(999)), None);
        // Client says 5 s, we say 5 s.
        assert!(age_in_window(
            &s,
            5000u32.wrapping_add(7),
            UnixTime(1005),
            0
        ));
        // Client says 0 s, we say 5 s: outside a 2 s window (+1 s slack).
        assert!(!age_in_window(&s, 7, UnixTime(1005), 2));
        assert!(age_in_window(&s, 7, UnixTime(1003), 2));
    }
}
