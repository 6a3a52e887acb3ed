//! Session tickets, resumption and 0-RTT on the in-memory pair: tickets
//! accepted, tickets rejected for every reason (each a silent fallback to a
//! full handshake, except a bad binder), early data accepted, rejected,
//! replayed and oversized.

mod common;

use common::pair::{NOW, Pair, Who, configs, provider, read_all};
use qtls::UnixTime;
use qtls::codec::enums::{AlertDescription, CipherSuite, HandshakeType, PskKeyExchangeMode};
use qtls::config::{ClientConfig, ExternalPsk, PskList, ServerConfig};
use qtls::conn::{Connection, Progress};
use qtls::error::{Error, PeerMisbehaved};
use qtls::pki::KeyType;
use qtls::session_store::{
    AntiReplay, ClientSessionStore, EarlyDataConfig, EarlyDataStatus, MemoryClientStore,
    MemoryReplayFilter, MemoryServerCache, TicketConfig, TicketKeys,
};
use std::sync::Arc;

struct Setup {
    client: ClientConfig,
    server: ServerConfig,
    store: Arc<MemoryClientStore>,
}

fn setup(early: Option<EarlyDataConfig>) -> Setup {
    let (mut client, mut server) = configs(KeyType::EcdsaP256);
    let store = Arc::new(MemoryClientStore::new(4));
    client.session_store = Some(store.clone());
    server.tickets = Some(TicketConfig::new(provider().as_ref(), 2).unwrap());
    server.early_data = early;
    Setup {
        client,
        server,
        store,
    }
}

fn window(max: u32) -> EarlyDataConfig {
    EarlyDataConfig {
        max_size: max,
        anti_replay: AntiReplay::Window {
            seconds: 10,
            filter: Arc::new(MemoryReplayFilter::new(10, 64)),
        },
    }
}

/// Drives both sides at `now` until both are done.
fn run(p: &mut Pair, now: UnixTime) -> Result<(), (Who, Error)> {
    for _ in 0..32 {
        let c = p.client.handshake(now).map_err(|e| (Who::Client, e))?;
        p.transfer(Who::Client);
        let s = p.server.handshake(now).map_err(|e| (Who::Server, e))?;
        p.transfer(Who::Server);
        if c == Progress::Complete
            && s == Progress::Complete
            && !p.client.wants_write()
            && !p.server.wants_write()
        {
            return Ok(());
        }
    }
    panic!("handshake did not converge");
}

/// A full handshake at NOW that leaves the server's tickets in the store.
fn first(s: &Setup) {
    let mut p = Pair::new(s.client.clone(), s.server.clone());
    run(&mut p, NOW).expect("first handshake");
    assert!(!p.client.negotiated().resumed);
    // Tickets are post-handshake messages: reading processes them.
    assert!(read_all(&mut p.client).is_empty());
    assert_eq!(s.store.count("localhost"), 2);
}

fn later(secs: u64) -> UnixTime {
    UnixTime(NOW.0 + secs)
}

#[test]
fn resumes_with_a_ticket() {
    let s = setup(None);
    first(&s);
    let mut p = Pair::new(s.client.clone(), s.server.clone());
    run(&mut p, later(30)).expect("resumption");
    for side in [&p.client, &p.server] {
        assert!(side.negotiated().resumed);
        assert_eq!(side.negotiated().signature_scheme, None);
        assert_eq!(side.negotiated().psk_identity, None);
        assert_eq!(side.negotiated().early_data, EarlyDataStatus::NotOffered);
    }
    assert!(p.client.negotiated().group.is_some());
    assert_eq!(p.send(Who::Client, b"again"), b"again");
    assert_eq!(s.store.count("localhost"), 1);
    read_all(&mut p.client);
    // One ticket used, two new ones.
    assert_eq!(s.store.count("localhost"), 3);
}

#[test]
fn resumes_with_psk_ke() {
    let mut s = setup(None);
    first(&s);
    s.client.policy.psk_modes = vec![PskKeyExchangeMode::PSK_KE];
    let mut p = Pair::new(s.client.clone(), s.server.clone());
    run(&mut p, later(1)).expect("psk_ke resumption");
    assert!(p.server.negotiated().resumed);
    assert_eq!(p.client.negotiated().group, None);
    assert_eq!(p.server.negotiated().group, None);
}

fn expect_full_handshake(s: &Setup, server: ServerConfig, now: UnixTime) {
    let mut p = Pair::new(s.client.clone(), server);
    run(&mut p, now).expect("fallback handshake");
    assert!(!p.client.negotiated().resumed);
    assert!(!p.server.negotiated().resumed);
    assert!(p.client.negotiated().signature_scheme.is_some());
    assert_eq!(p.send(Who::Server, b"full"), b"full");
}

#[test]
fn expired_ticket_falls_back() {
    let mut s = setup(None);
    s.server.tickets.as_mut().unwrap().lifetime = 100;
    first(&s);
    // The client would drop it itself; make it offer the ticket anyway.
    let mut t = s.store.take("localhost").unwrap();
    t.lifetime = 10_000;
    s.store.put("localhost", t);
    expect_full_handshake(&s, s.server.clone(), later(101));
}

#[test]
fn client_drops_expired_ticket() {
    let mut s = setup(None);
    s.server.tickets.as_mut().unwrap().lifetime = 100;
    first(&s);
    expect_full_handshake(&s, s.server.clone(), later(101));
    // Both expired tickets were discarded unused; only the two fresh ones
    // (read with the server's data) remain.
    assert_eq!(s.store.count("localhost"), 2);
}

#[test]
fn ticket_under_other_keys_falls_back() {
    let s = setup(None);
    first(&s);
    let mut other = s.server.clone();
    other.tickets.as_mut().unwrap().keys =
        Arc::new(TicketKeys::new(provider().as_ref(), 86_400).unwrap());
    expect_full_handshake(&s, other, later(5));
}

#[test]
fn corrupted_ticket_falls_back() {
    let s = setup(None);
    first(&s);
    let mut t = s.store.take("localhost").unwrap();
    let last = t.ticket.len() - 1;
    t.ticket[last] ^= 0x80;
    s.store.put("localhost", t);
    expect_full_handshake(&s, s.server.clone(), later(5));
}

#[test]
fn ticket_after_key_rotation_falls_back() {
    let mut s = setup(None);
    let mut t = TicketConfig::new(provider().as_ref(), 1).unwrap();
    t.keys = Arc::new(TicketKeys::new(provider().as_ref(), 100).unwrap());
    t.lifetime = 100_000;
    s.server.tickets = Some(t);
    let mut p = Pair::new(s.client.clone(), s.server.clone());
    run(&mut p, NOW).unwrap();
    read_all(&mut p.client);
    // Lifetime is capped at the rotation period.
    let mut t = s.store.take("localhost").unwrap();
    assert_eq!(t.lifetime, 100);
    t.lifetime = 1000;
    s.store.put("localhost", t);
    // Two periods later the key is gone.
    expect_full_handshake(&s, s.server.clone(), later(200));
}

#[test]
fn ticket_of_other_hash_falls_back() {
    let mut s = setup(None);
    s.client.policy.suites = vec![CipherSuite::TLS_AES_256_GCM_SHA384];
    first(&s);
    // The client may use SHA-256 suites now; the server only has those.
    s.client.policy.suites = vec![
        CipherSuite::TLS_AES_256_GCM_SHA384,
        CipherSuite::TLS_AES_128_GCM_SHA256,
    ];
    let mut server = s.server.clone();
    server.policy.suites = vec![CipherSuite::TLS_AES_128_GCM_SHA256];
    let mut p = Pair::new(s.client.clone(), server);
    run(&mut p, later(5)).unwrap();
    assert!(!p.server.negotiated().resumed);
    assert_eq!(
        p.server.negotiated().suite,
        Some(CipherSuite::TLS_AES_128_GCM_SHA256)
    );
}

#[test]
fn bad_binder_is_decrypt_error() {
    let s = setup(None);
    first(&s);
    let mut p = Pair::new(s.client.clone(), s.server.clone());
    p.client
        .set_handshake_send_hook(Box::new(|m: &mut Vec<u8>| {
            if m.first() == Some(&HandshakeType::CLIENT_HELLO.0) {
                // The binders are the ClientHello's last bytes.
                if let Some(b) = m.last_mut() {
                    *b ^= 1;
                }
            }
        }));
    let err = run(&mut p, later(5)).unwrap_err();
    assert_eq!(
        err,
        (
            Who::Server,
            Error::PeerMisbehaved(PeerMisbehaved::BadBinder)
        )
    );
    p.transfer(Who::Server);
    assert_eq!(
        p.client.handshake(later(5)).unwrap_err(),
        Error::AlertReceived(AlertDescription::DECRYPT_ERROR)
    );
}

#[test]
fn no_tickets_policy_sends_none() {
    let mut s = setup(None);
    s.server.policy.tickets = false;
    let mut p = Pair::new(s.client.clone(), s.server.clone());
    run(&mut p, NOW).unwrap();
    read_all(&mut p.client);
    assert_eq!(s.store.count("localhost"), 0);
}

#[test]
fn undecryptable_ticket_then_external_psk_second_identity() {
    let mut s = setup(None);
    first(&s);
    s.client.psks.push(ExternalPsk::new(b"ext", &[5; 32]));
    let mut server = s.server.clone();
    server.psk_store = Some(Arc::new(PskList(vec![ExternalPsk::new(b"ext", &[5; 32])])));
    server.tickets.as_mut().unwrap().keys =
        Arc::new(TicketKeys::new(provider().as_ref(), 86_400).unwrap());
    let mut p = Pair::new(s.client.clone(), server);
    run(&mut p, later(5)).unwrap();
    // The server skipped identity 0 and verified binder 1.
    for side in [&p.client, &p.server] {
        assert!(!side.negotiated().resumed);
        assert_eq!(side.negotiated().psk_identity.as_deref(), Some(&b"ext"[..]));
    }
}

/// A second connection offering `data` as 0-RTT.
fn early_pair(s: &Setup, server: ServerConfig, data: &[u8]) -> Pair {
    let mut p = Pair::new(s.client.clone(), server);
    p.client.set_early_data(data).unwrap();
    p
}

#[test]
fn early_data_accepted() {
    let s = setup(Some(window(1024)));
    first(&s);
    let mut p = early_pair(&s, s.server.clone(), b"zero round trip");
    run(&mut p, later(3)).expect("0-RTT handshake");
    assert_eq!(p.server.take_early_data(), b"zero round trip");
    assert_eq!(p.client.early_data_sent(), 15);
    for side in [&p.client, &p.server] {
        assert!(side.negotiated().resumed);
        assert_eq!(side.negotiated().early_data, EarlyDataStatus::Accepted);
    }
    assert_eq!(p.send(Who::Client, b"1-RTT"), b"1-RTT");
    assert_eq!(p.send(Who::Server, b"reply"), b"reply");
}

#[test]
fn early_data_capped_by_ticket() {
    let s = setup(Some(window(4)));
    first(&s);
    let mut p = early_pair(&s, s.server.clone(), b"abcdefgh");
    run(&mut p, later(3)).unwrap();
    assert_eq!(p.client.early_data_sent(), 4);
    assert_eq!(p.server.take_early_data(), b"abcd");
}

#[test]
fn early_data_rejected_by_server_without_0rtt() {
    let s = setup(Some(window(1024)));
    first(&s);
    let mut server = s.server.clone();
    server.early_data = None;
    let mut p = early_pair(&s, server, b"dropped");
    run(&mut p, later(3)).unwrap();
    assert!(p.server.take_early_data().is_empty());
    for side in [&p.client, &p.server] {
        assert!(side.negotiated().resumed);
        assert_eq!(side.negotiated().early_data, EarlyDataStatus::Rejected);
    }
    assert_eq!(p.send(Who::Client, b"dropped"), b"dropped");
}

#[test]
fn early_data_with_stale_age_rejected() {
    let s = setup(Some(window(1024)));
    first(&s);
    let mut t = s.store.take("localhost").unwrap();
    // The client believes the ticket is 30 s younger than it is.
    t.received_at = later(30);
    s.store.put("localhost", t);
    let mut p = early_pair(&s, s.server.clone(), b"late");
    run(&mut p, later(31)).unwrap();
    assert!(p.server.negotiated().resumed);
    assert_eq!(p.server.negotiated().early_data, EarlyDataStatus::Rejected);
}

#[test]
fn oversized_early_data_is_unexpected_message() {
    let s = setup(Some(window(1000)));
    first(&s);
    let mut server = s.server.clone();
    server.early_data = Some(window(16));
    let mut p = early_pair(&s, server, &[0x33; 100]);
    let err = run(&mut p, later(3)).unwrap_err();
    assert_eq!(
        err,
        (
            Who::Server,
            Error::PeerMisbehaved(PeerMisbehaved::TooMuchEarlyData)
        )
    );
}

/// Replays the client's first flight (ClientHello and 0-RTT records) to a
/// second server; returns that server.
fn replay(s: &Setup, server: ServerConfig, anti_replay_first: &ServerConfig) -> Connection {
    let mut c = Connection::client(Arc::new(s.client.clone()), Some("localhost")).unwrap();
    c.set_early_data(b"pay once").unwrap();
    assert_eq!(c.handshake(later(3)).unwrap(), Progress::Sending);
    let mut flight = Vec::new();
    c.write_tls_into(&mut flight);
    let mut a = Connection::server(Arc::new(anti_replay_first.clone())).unwrap();
    a.read_tls(&flight);
    assert_eq!(a.handshake(later(3)).unwrap(), Progress::Sending);
    assert_eq!(a.negotiated().early_data, EarlyDataStatus::Accepted);
    assert_eq!(a.take_early_data(), b"pay once");
    let mut b = Connection::server(Arc::new(server)).unwrap();
    b.read_tls(&flight);
    assert_eq!(b.handshake(later(4)).unwrap(), Progress::Sending);
    b
}

#[test]
fn replayed_early_data_rejected_by_window_filter() {
    let s = setup(Some(window(1024)));
    first(&s);
    let b = &mut replay(&s, s.server.clone(), &s.server);
    // Same filter: the binder was seen; the PSK still resumes.
    assert!(b.negotiated().resumed);
    assert_eq!(b.negotiated().early_data, EarlyDataStatus::Rejected);
    assert!(b.take_early_data().is_empty());
}

#[test]
fn replayed_early_data_rejected_by_single_use_tickets() {
    let mut s = setup(Some(EarlyDataConfig {
        max_size: 1024,
        anti_replay: AntiReplay::SingleUseTickets,
    }));
    s.server.tickets.as_mut().unwrap().cache = Some(Arc::new(MemoryServerCache::new(16)));
    first(&s);
    let b = &mut replay(&s, s.server.clone(), &s.server);
    // The ticket was consumed: a full handshake, no early data.
    assert!(!b.negotiated().resumed);
    assert_eq!(b.negotiated().early_data, EarlyDataStatus::Rejected);
    assert!(b.take_early_data().is_empty());
}

#[test]
fn single_use_needs_a_cache() {
    let s = setup(Some(EarlyDataConfig {
        max_size: 1024,
        anti_replay: AntiReplay::SingleUseTickets,
    }));
    assert!(matches!(
        s.server.validate(),
        Err(Error::Config(qtls::error::ConfigError::InvalidParameter(_)))
    ));
}

#[test]
fn early_data_after_handshake_start_is_misuse() {
    let s = setup(None);
    let mut c = Connection::client(Arc::new(s.client.clone()), Some("localhost")).unwrap();
    let _ = c.handshake(NOW).unwrap();
    assert!(matches!(
        c.set_early_data(b"x"),
        Err(Error::ApiMisuse(qtls::error::ApiMisuse::WrongState(_)))
    ));
}

#[test]
fn early_data_skipped_after_hello_retry_request() {
    let mut s = setup(Some(window(1024)));
    s.server.policy.groups = vec![qtls::codec::enums::NamedGroup::SECP384R1];
    first(&s);
    let mut p = early_pair(&s, s.server.clone(), b"never read");
    run(&mut p, later(3)).expect("resumption after HRR");
    for side in [&p.client, &p.server] {
        assert!(side.negotiated().hello_retry);
        assert!(side.negotiated().resumed);
        assert_eq!(side.negotiated().early_data, EarlyDataStatus::Rejected);
    }
    assert!(p.server.take_early_data().is_empty());
    assert_eq!(p.send(Who::Client, b"after"), b"after");
}

#[test]
fn no_tickets_priority_flag_turns_tickets_off() {
    let p = provider();
    let base = qtls::config::Policy::default_for(p.as_ref());
    let on = qtls::policy::ResolvedPriority::parse("NORMAL", None)
        .and_then(|r| r.to_policy(&base, p.as_ref()))
        .unwrap();
    assert!(on.tickets);
    let off = qtls::policy::ResolvedPriority::parse("NORMAL:%NO_TICKETS", None)
        .and_then(|r| r.to_policy(&base, p.as_ref()))
        .unwrap();
    assert!(!off.tickets);
    // A server resolved from %NO_TICKETS neither issues nor accepts tickets.
    let mut s = setup(None);
    s.server.policy = off;
    let mut pair = Pair::new(s.client.clone(), s.server.clone());
    run(&mut pair, NOW).unwrap();
    read_all(&mut pair.client);
    assert_eq!(s.store.count("localhost"), 0);
}

#[test]
fn no_tickets_after_client_certificate() {
    let mut s = setup(None);
    let client_pki = common::pair::pki(KeyType::EcdsaP256, true);
    s.client.identities.push(client_pki.identity);
    s.server.client_auth =
        qtls::config::ClientAuth::Require(Arc::new(qtls::verify::PinnedCertVerifier::new(vec![
            client_pki.leaf.der().to_vec(),
        ])));
    let mut p = Pair::new(s.client.clone(), s.server.clone());
    run(&mut p, NOW).unwrap();
    assert!(p.server.negotiated().client_signature_scheme.is_some());
    read_all(&mut p.client);
    assert_eq!(s.store.count("localhost"), 0);
}
