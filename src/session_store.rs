//! Session resumption and 0-RTT configuration (RFC 8446 §4.6.1, §2.2, §2.3,
//! §8): the client's ticket store, the server's ticket keys, optional
//! stateful ticket cache and 0-RTT anti-replay, and the status a connection
//! reports for early data.
//!
//! The handshake logic that uses these lives in `src/handshake/tickets.rs`;
//! this module owns the public types a caller configures.
//!
//! # Anti-replay guarantees (RFC 8446 §8)
//!
//! 0-RTT data is replayable by design. A server accepts it only under one of
//! two mechanisms, chosen by [`AntiReplay`]:
//!
//! - [`AntiReplay::SingleUseTickets`]: tickets are stateful (the ticket on
//!   the wire is a random id into a [`ServerSessionCache`]) and the cache
//!   entry is removed on first use (§8.1). A replayed ClientHello finds no
//!   ticket and falls back to a full handshake. Guarantee: early data under a
//!   given ticket is accepted at most once by the servers that share the
//!   cache.
//! - [`AntiReplay::Window`]: tickets stay stateless; the server accepts 0-RTT
//!   only when the client's ticket age agrees with the server's view within
//!   the window, and the ClientHello's binder was not seen before by the
//!   [`ReplayFilter`] (§8.2, §8.3). Guarantee: early data of one ClientHello
//!   is accepted at most once by servers sharing the filter; a copy replayed
//!   after the window fails the age check. Servers with separate filters can
//!   each accept the same ClientHello once.

use crate::codec::enums::CipherSuite;
use crate::error::{CryptoError, Error};
use crate::provider::{CryptoProvider, HashAlgorithm};
use crate::time::UnixTime;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use zeroize::Zeroizing;

/// A ticket received from a server, with what the client needs to resume.
#[derive(Clone)]
pub struct StoredTicket {
    /// The suite of the session that issued the ticket.
    pub suite: CipherSuite,
    /// The ticket as sent in NewSessionTicket.
    pub ticket: Vec<u8>,
    /// The resumption PSK (RFC 8446 §4.6.1), zeroized on drop.
    pub psk: Zeroizing<Vec<u8>>,
    /// The hash of `suite` (the PSK's PRF hash).
    pub hash: HashAlgorithm,
    /// ticket_age_add.
    pub age_add: u32,
    /// When the ticket arrived (the caller's clock).
    pub received_at: UnixTime,
    /// ticket_lifetime in seconds.
    pub lifetime: u32,
    /// max_early_data_size; 0 when the ticket allows no early data.
    pub max_early_data: u32,
    /// The ALPN protocol of the session that issued the ticket.
    pub alpn: Option<Vec<u8>>,
}

impl StoredTicket {
    /// True while the ticket is within its lifetime at `now`.
    pub fn is_valid_at(&self, now: UnixTime) -> bool {
        now.0 >= self.received_at.0
            && now.0.saturating_sub(self.received_at.0) <= u64::from(self.lifetime)
    }

    /// obfuscated_ticket_age at `now` (RFC 8446 §4.2.11.1): the age in
    /// milliseconds plus ticket_age_add, modulo 2^32.
    ///
    /// Both times are whole seconds, so the true age lies strictly between
    /// one second less and one second more than their difference. We send
    /// the lower bound: GnuTLS rejects 0-RTT when the client's age exceeds
    /// the age the server measured (its anti-replay check), which the
    /// plain difference does whenever a second boundary falls between
    /// receiving the ticket and using it; every server window (ours adds a
    /// second for this) tolerates a second too little.
    pub fn obfuscated_age(&self, now: UnixTime) -> u32 {
        let age_ms = now
            .0
            .saturating_sub(self.received_at.0)
            .saturating_sub(1)
            .saturating_mul(1000);
        u32::try_from(age_ms)
            .unwrap_or(u32::MAX)
            .wrapping_add(self.age_add)
    }
}

impl fmt::Debug for StoredTicket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredTicket")
            .field("suite", &self.suite)
            .field("ticket_len", &self.ticket.len())
            .field("lifetime", &self.lifetime)
            .field("max_early_data", &self.max_early_data)
            .finish_non_exhaustive()
    }
}

/// Where a client keeps tickets, keyed by the server name the connection
/// was made for (empty when none).
pub trait ClientSessionStore: Send + Sync + fmt::Debug {
    /// Stores a ticket received from `server`.
    fn put(&self, server: &str, ticket: StoredTicket);
    /// Takes (removes) the newest ticket for `server`: tickets are used once
    /// (RFC 8446 §C.4).
    fn take(&self, server: &str) -> Option<StoredTicket>;
}

/// An in-memory [`ClientSessionStore`] keeping the newest few tickets per server.
#[cfg(feature = "std")]
#[derive(Debug)]
pub struct MemoryClientStore {
    per_server: usize,
    map: std::sync::Mutex<std::collections::HashMap<alloc::string::String, Vec<StoredTicket>>>,
}

#[cfg(feature = "std")]
impl MemoryClientStore {
    /// A store keeping at most `per_server` tickets for each server.
    pub fn new(per_server: usize) -> Self {
        Self {
            per_server: per_server.max(1),
            map: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// How many tickets are stored for `server`.
    pub fn count(&self, server: &str) -> usize {
        self.map
            .lock()
            .map(|m| m.get(server).map_or(0, Vec::len))
            .unwrap_or(0)
    }
}

#[cfg(feature = "std")]
impl ClientSessionStore for MemoryClientStore {
    fn put(&self, server: &str, ticket: StoredTicket) {
        if let Ok(mut m) = self.map.lock() {
            let v = m.entry(alloc::string::String::from(server)).or_default();
            v.push(ticket);
            if v.len() > self.per_server {
                v.remove(0);
            }
        }
    }

    fn take(&self, server: &str) -> Option<StoredTicket> {
        self.map.lock().ok()?.get_mut(server)?.pop()
    }
}

/// A server-side cache of ticket state (stateful tickets): the ticket on
/// the wire is a random id, the cache maps it to the sealed session.
pub trait ServerSessionCache: Send + Sync + fmt::Debug {
    /// Stores `value` under `id`; returns false if it could not.
    fn insert(&self, id: Vec<u8>, value: Vec<u8>) -> bool;
    /// Takes (removes) the value for `id`: each ticket resumes once.
    fn take(&self, id: &[u8]) -> Option<Vec<u8>>;
}

/// A bounded in-memory [`ServerSessionCache`]; the oldest entry goes first.
#[cfg(feature = "std")]
#[derive(Debug)]
pub struct MemoryServerCache {
    max: usize,
    entries: std::sync::Mutex<alloc::collections::VecDeque<(Vec<u8>, Vec<u8>)>>,
}

#[cfg(feature = "std")]
impl MemoryServerCache {
    /// A cache of at most `max` tickets.
    pub fn new(max: usize) -> Self {
        Self {
            max: max.max(1),
            entries: std::sync::Mutex::new(alloc::collections::VecDeque::new()),
        }
    }
}

#[cfg(feature = "std")]
impl ServerSessionCache for MemoryServerCache {
    fn insert(&self, id: Vec<u8>, value: Vec<u8>) -> bool {
        let Ok(mut e) = self.entries.lock() else {
            return false;
        };
        if e.len() >= self.max {
            e.pop_front();
        }
        e.push_back((id, value));
        true
    }

    fn take(&self, id: &[u8]) -> Option<Vec<u8>> {
        let mut e = self.entries.lock().ok()?;
        let pos = e.iter().position(|(k, _)| k.as_slice() == id)?;
        e.remove(pos).map(|(_, v)| v)
    }
}

/// Remembers ClientHellos (by binder) that carried accepted early data.
pub trait ReplayFilter: Send + Sync + fmt::Debug {
    /// Records `id` seen at `now`; true if it was not seen within the window
    /// (the early data may be accepted), false for a replay.
    fn first_use(&self, id: &[u8], now: UnixTime) -> bool;
}

/// An in-memory [`ReplayFilter`] forgetting entries after `window` seconds;
/// when full it refuses (rather than forgets), so it fails closed.
#[cfg(feature = "std")]
#[derive(Debug)]
pub struct MemoryReplayFilter {
    window: u64,
    max: usize,
    seen: std::sync::Mutex<alloc::collections::VecDeque<(u64, Vec<u8>)>>,
}

#[cfg(feature = "std")]
impl MemoryReplayFilter {
    /// A filter remembering ids for `window` seconds, at most `max` of them.
    pub fn new(window: u32, max: usize) -> Self {
        Self {
            window: u64::from(window),
            max: max.max(1),
            seen: std::sync::Mutex::new(alloc::collections::VecDeque::new()),
        }
    }
}

#[cfg(feature = "std")]
impl ReplayFilter for MemoryReplayFilter {
    fn first_use(&self, id: &[u8], now: UnixTime) -> bool {
        let Ok(mut s) = self.seen.lock() else {
            return false;
        };
        while s
            .front()
            .is_some_and(|(t, _)| now.0.saturating_sub(*t) > self.window)
        {
            s.pop_front();
        }
        if s.iter().any(|(_, v)| v.as_slice() == id) || s.len() >= self.max {
            return false;
        }
        s.push_back((now.0, id.to_vec()));
        true
    }
}

/// How a server protects 0-RTT against replay. See the module documentation
/// for the guarantee of each.
#[derive(Debug, Clone)]
pub enum AntiReplay {
    /// Stateful single-use tickets (requires [`TicketConfig::cache`]).
    SingleUseTickets,
    /// Ticket-age window plus a filter of seen ClientHellos.
    Window {
        /// Allowed difference, in seconds, between the client's and our view
        /// of the ticket age; also how long the filter must remember.
        seconds: u32,
        /// The filter.
        filter: Arc<dyn ReplayFilter>,
    },
}

/// Whether a server accepts 0-RTT.
#[derive(Debug, Clone)]
pub struct EarlyDataConfig {
    /// max_early_data_size advertised in tickets and enforced (RFC 8446 §4.2.10).
    pub max_size: u32,
    /// The replay protection.
    pub anti_replay: AntiReplay,
}

/// The status of 0-RTT on a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EarlyDataStatus {
    /// No early data was offered.
    #[default]
    NotOffered,
    /// Early data was sent (client) and the answer is not known yet.
    Offered,
    /// The server accepted the early data.
    Accepted,
    /// The server rejected it (the client must send it again as normal data).
    Rejected,
}

/// The longest lifetime a ticket may have (RFC 8446 §4.6.1: seven days).
pub const MAX_TICKET_LIFETIME: u32 = 604_800;

/// The server's ticket-protection keys: AES-256-GCM keys derived from a
/// random master for each rotation period. A ticket sealed in period `n`
/// opens in periods `n` and `n + 1`; anything else is an unknown ticket.
/// The master never leaves this struct and is zeroized on drop; a process
/// restart makes every earlier ticket unknown.
pub struct TicketKeys {
    master: Zeroizing<[u8; 32]>,
    period: u64,
}

impl TicketKeys {
    /// Fresh keys rotating every `period` seconds (at least 1), from the
    /// provider's randomness.
    pub fn new(provider: &dyn CryptoProvider, period: u32) -> Result<Self, Error> {
        let mut master = Zeroizing::new([0u8; 32]);
        provider.fill_random(master.as_mut())?;
        Ok(Self {
            master,
            period: u64::from(period.max(1)),
        })
    }

    /// The rotation period in seconds.
    pub fn period(&self) -> u64 {
        self.period
    }

    /// The rotation epoch containing `now`.
    pub(crate) fn epoch(&self, now: UnixTime) -> u64 {
        now.0.checked_div(self.period).unwrap_or(0)
    }

    /// The AES-256-GCM key of `epoch`.
    pub(crate) fn key_for(
        &self,
        p: &dyn CryptoProvider,
        epoch: u64,
    ) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
        let mut out = Zeroizing::new([0u8; 32]);
        p.hkdf_expand(
            HashAlgorithm::Sha256,
            self.master.as_ref(),
            &[b"qtls ticket key", &epoch.to_be_bytes()],
            out.as_mut(),
        )?;
        Ok(out)
    }
}

impl fmt::Debug for TicketKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TicketKeys")
            .field("period", &self.period)
            .finish_non_exhaustive()
    }
}

/// A server's ticket settings.
#[derive(Debug, Clone)]
pub struct TicketConfig {
    /// NewSessionTickets sent after each full or resumed handshake.
    pub count: u8,
    /// ticket_lifetime in seconds (at most [`MAX_TICKET_LIFETIME`], and at
    /// most the key rotation period so that a live ticket stays decryptable).
    pub lifetime: u32,
    /// The keys sealing ticket state.
    pub keys: Arc<TicketKeys>,
    /// Stateful tickets: when set, the wire ticket is an id into this cache
    /// and each ticket resumes at most once.
    pub cache: Option<Arc<dyn ServerSessionCache>>,
}

impl TicketConfig {
    /// `count` stateless tickets a day long, keys rotating daily.
    pub fn new(provider: &dyn CryptoProvider, count: u8) -> Result<Self, Error> {
        Ok(Self {
            count,
            lifetime: 86_400,
            keys: Arc::new(TicketKeys::new(provider, 86_400)?),
            cache: None,
        })
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;

    fn ticket(received: u64, lifetime: u32, age_add: u32) -> StoredTicket {
        StoredTicket {
            suite: CipherSuite::TLS_AES_128_GCM_SHA256,
            ticket: alloc::vec![1, 2, 3],
            psk: Zeroizing::new(alloc::vec![0; 32]),
            hash: HashAlgorithm::Sha256,
            age_add,
            received_at: UnixTime(received),
            lifetime,
            max_early_data: 0,
            alpn: None,
        }
    }

    #[test]
    fn ticket_age_and_validity() {
        let t = ticket(1000, 60, 0xffff_ff00);
        // Whole seconds 1000 -> 1002: the true age is above 1 s, so 1000 ms.
        assert_eq!(
            t.obfuscated_age(UnixTime(1002)),
            1000u32.wrapping_add(0xffff_ff00)
        );
        assert_eq!(t.obfuscated_age(UnixTime(1001)), 0xffff_ff00);
        assert_eq!(t.obfuscated_age(UnixTime(1000)), 0xffff_ff00);
        assert!(t.is_valid_at(UnixTime(1060)));
        assert!(!t.is_valid_at(UnixTime(1061)));
        assert!(!t.is_valid_at(UnixTime(999)));
    }

    #[test]
    fn client_store_is_take_once_and_bounded() {
        let s = MemoryClientStore::new(2);
        s.put("a", ticket(1, 10, 1));
        s.put("a", ticket(2, 10, 2));
        s.put("a", ticket(3, 10, 3));
        assert_eq!(s.count("a"), 2);
        assert_eq!(s.take("a").map(|t| t.age_add), Some(3));
        assert_eq!(s.take("a").map(|t| t.age_add), Some(2));
        assert!(s.take("a").is_none());
        assert!(s.take("b").is_none());
    }

    #[test]
    fn server_cache_single_use() {
        let c = MemoryServerCache::new(1);
        assert!(c.insert(alloc::vec![1], alloc::vec![10]));
        assert!(c.insert(alloc::vec![2], alloc::vec![20]));
        assert_eq!(c.take(&[1]), None); // evicted
        assert_eq!(c.take(&[2]), Some(alloc::vec![20]));
        assert_eq!(c.take(&[2]), None);
    }

    #[test]
    fn replay_filter_window() {
        let f = MemoryReplayFilter::new(10, 8);
        assert!(f.first_use(b"x", UnixTime(100)));
        assert!(!f.first_use(b"x", UnixTime(105)));
        assert!(f.first_use(b"y", UnixTime(105)));
        // After the window the entry is forgotten (the age check covers it).
        assert!(f.first_use(b"x", UnixTime(111)));
    }
}
