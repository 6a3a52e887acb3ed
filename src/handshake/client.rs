//! The client's handshake states (RFC 8446 §2, §4): ClientHello, then the
//! server's flight (ServerHello or HelloRetryRequest, EncryptedExtensions,
//! CertificateRequest, Certificate, CertificateVerify, Finished), then our
//! second flight.

use super::keys::{self, AppTraffic, Ctx, HsTraffic, Transcript};
use super::{HandshakeState, Io, Message, Next, PostHandshake, Side};
use crate::codec::enums::{
    CipherSuite, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion, PskKeyExchangeMode,
    SignatureScheme,
};
use crate::codec::extensions::{
    ClientExtension, EeExtension, HrrExtension, KeyShareEntry, OfferedPsks, PskIdentity,
    ServerExtension,
};
use crate::codec::handshake::{
    CertificateEntry, CertificatePayload, CertificateVerify, ClientHello, HandshakePayload,
    HelloRetryRequest, ServerHello,
};
use crate::config::ClientConfig;
use crate::error::{CertificateError, Error, InvalidMessage, PeerIncompatible, PeerMisbehaved};
use crate::provider::ActiveKeyExchange;
use crate::session_store::StoredTicket;
use crate::suites;
use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

/// The client's states.
#[allow(clippy::enum_variant_names)] // named for the message each awaits, as RFC 8446 does
pub(crate) enum State {
    Start(Box<Start>),
    ExpectServerHello(Box<ExpectServerHello>),
    ExpectEncryptedExtensions(Box<Handshaking>),
    ExpectCertificateOrRequest(Box<Handshaking>),
    ExpectCertificate(Box<Handshaking>),
    ExpectCertificateVerify(Box<Handshaking>),
    ExpectFinished(Box<Handshaking>),
}

pub(crate) struct Start {
    config: Arc<ClientConfig>,
    server_name: Option<String>,
    early_data: Option<Vec<u8>>,
}

/// Builds the initial state.
pub(crate) fn start(
    config: Arc<ClientConfig>,
    server_name: Option<&str>,
) -> Result<HandshakeState, Error> {
    Ok(HandshakeState::Client(State::Start(Box::new(Start {
        config,
        server_name: server_name.map(|s| s.to_string()),
        early_data: None,
    }))))
}

/// Everything fixed by our first ClientHello.
pub(crate) struct ExpectServerHello {
    config: Arc<ClientConfig>,
    server_name: Option<String>,
    random: [u8; 32],
    session_id: Vec<u8>,
    shares: Vec<Box<dyn ActiveKeyExchange>>,
    psks: Vec<OfferedPsk>,
    /// Raw handshake messages so far: the hash is unknown until ServerHello.
    transcript_raw: Vec<u8>,
    /// The first ClientHello's exact bytes, kept for HelloRetryRequest.
    ch1: Vec<u8>,
    hrr: Option<HrrInfo>,
    sent_ccs: bool,
    sent_early_data: bool,
    /// The 0-RTT data to send, if the first PSK is a ticket allowing it.
    early_data: Option<Vec<u8>>,
}

/// A PSK the ClientHello offers: a stored ticket or an external PSK.
#[derive(Clone)]
struct OfferedPsk {
    identity: Vec<u8>,
    key: zeroize::Zeroizing<Vec<u8>>,
    hash: crate::provider::HashAlgorithm,
    external: bool,
    obfuscated_age: u32,
    ticket: Option<StoredTicket>,
}

struct HrrInfo {
    suite: CipherSuite,
}

/// State shared by every step after ServerHello.
pub(crate) struct Handshaking {
    config: Arc<ClientConfig>,
    server_name: Option<String>,
    ctx: Ctx,
    transcript: Transcript,
    hs: keys::HsSecret,
    client_hs: HsTraffic,
    server_hs: HsTraffic,
    psk_mode: bool,
    cert_request: Option<super::pha::CrInfo>,
    /// The ticket resumed, with the PSK index the server chose.
    resumed: Option<(StoredTicket, u16)>,
    /// 0-RTT was sent: our handshake keys wait for the server's answer.
    early_sent: bool,
    early_accepted: bool,
    server_cert: Vec<Vec<u8>>,
    sent_sni: bool,
    offered_alpn: bool,
}

impl State {
    pub(crate) fn set_early_data(&mut self, data: &[u8]) -> bool {
        match self {
            State::Start(s) => {
                s.early_data = Some(data.to_vec());
                true
            }
            _ => false,
        }
    }

    pub(crate) fn start(self, io: &mut Io<'_>) -> Result<Self, Error> {
        match self {
            State::Start(s) => s
                .send_client_hello(io)
                .map(|s| State::ExpectServerHello(Box::new(s))),
            other => Ok(other),
        }
    }

    pub(crate) fn handle(self, io: &mut Io<'_>, m: &Message) -> Result<Next, Error> {
        let next = match (self, &m.msg.payload) {
            (State::ExpectServerHello(s), HandshakePayload::ServerHello(sh)) => {
                State::ExpectEncryptedExtensions(Box::new(s.handle_server_hello(io, m, sh)?))
            }
            (State::ExpectServerHello(s), HandshakePayload::HelloRetryRequest(hrr)) => {
                State::ExpectServerHello(Box::new(s.handle_hrr(io, m, hrr)?))
            }
            (State::ExpectEncryptedExtensions(s), HandshakePayload::EncryptedExtensions(ee)) => {
                s.handle_ee(io, m, &ee.extensions)?
            }
            (
                State::ExpectCertificateOrRequest(mut s),
                HandshakePayload::CertificateRequest(cr),
            ) => {
                // RFC 8446 §4.3.2: the context is empty during the handshake.
                if !cr.context.is_empty() {
                    return Err(
                        PeerMisbehaved::IllegalParameter("CertificateRequest context").into(),
                    );
                }
                s.cert_request = Some(super::pha::parse_cert_request(&[], &cr.extensions)?);
                s.transcript.add(&m.raw);
                State::ExpectCertificate(s)
            }
            (
                State::ExpectCertificateOrRequest(s) | State::ExpectCertificate(s),
                HandshakePayload::Certificate(c),
            ) => State::ExpectCertificateVerify(Box::new(s.handle_certificate(io, m, c)?)),
            (
                State::ExpectCertificateOrRequest(s) | State::ExpectCertificate(s),
                HandshakePayload::CompressedCertificate(cc),
            ) => {
                // RFC 8879 §4: only with an algorithm we offered; the
                // compressed message itself enters the transcript.
                let c = crate::codec::compress::decode_compressed(
                    cc,
                    &super::pha::offered_compression(&s.config.cert_compression),
                    s.config.policy.max_handshake_message,
                )?;
                let next = s.handle_certificate(io, m, &c)?;
                io.negotiated.peer_cert_compression = Some(cc.algorithm);
                State::ExpectCertificateVerify(Box::new(next))
            }
            (State::ExpectCertificateVerify(s), HandshakePayload::CertificateVerify(cv)) => {
                State::ExpectFinished(Box::new(s.handle_certificate_verify(io, m, cv)?))
            }
            (State::ExpectFinished(s), HandshakePayload::Finished(f)) => {
                return s.handle_finished(io, m, f).map(|p| Next::Done(Box::new(p)));
            }
            _ => return Err(PeerMisbehaved::UnexpectedMessage.into()),
        };
        Ok(Next::Continue(HandshakeState::Client(next)))
    }
}

impl Start {
    fn send_client_hello(self, io: &mut Io<'_>) -> Result<ExpectServerHello, Error> {
        let p = self.config.provider.clone();
        let policy = &self.config.policy;
        let mut random = [0u8; 32];
        p.fill_random(&mut random)?;
        // RFC 8446 §D.4: in compatibility mode the session id is 32 random bytes.
        let session_id = if policy.middlebox_compat {
            let mut id = alloc::vec![0u8; 32];
            p.fill_random(&mut id)?;
            id
        } else {
            Vec::new()
        };
        let groups: Vec<NamedGroup> = policy
            .groups
            .iter()
            .copied()
            .filter(|g| p.kx_group(*g).is_some())
            .collect();
        let mut shares = Vec::new();
        for g in super::initial_share_groups(&groups, self.config.key_shares.max(1)) {
            if let Some(kx) = p.kx_group(g) {
                shares.push(kx.start()?);
            }
        }
        let mut psks = Vec::new();
        let store = self
            .config
            .session_store
            .as_ref()
            .filter(|_| policy.tickets && !policy.psk_modes.is_empty());
        if let Some(store) = store {
            let key = self.server_name.as_deref().unwrap_or("");
            // RFC 8446 §4.2.11: resume only with a suite of the ticket's hash.
            let usable = |t: &StoredTicket| {
                t.is_valid_at(io.now)
                    && policy
                        .suites
                        .iter()
                        .any(|s| suites::lookup(*s).is_some_and(|x| x.hash == t.hash))
            };
            while let Some(t) = store.take(key) {
                if usable(&t) {
                    psks.push(OfferedPsk {
                        identity: t.ticket.clone(),
                        key: t.psk.clone(),
                        hash: t.hash,
                        external: false,
                        obfuscated_age: t.obfuscated_age(io.now),
                        ticket: Some(t),
                    });
                    break;
                }
            }
        }
        for k in &self.config.psks {
            psks.push(OfferedPsk {
                identity: k.identity.clone(),
                key: k.key.clone(),
                hash: k.hash,
                external: true,
                // External PSKs carry an obfuscated age of 0 (RFC 8446 §4.2.11).
                obfuscated_age: 0,
                ticket: None,
            });
        }
        // RFC 8446 §4.2.10: 0-RTT only with the first PSK, a ticket allowing it.
        let early_data = match (self.early_data, psks.first()) {
            (
                Some(d),
                Some(OfferedPsk {
                    ticket: Some(t), ..
                }),
            ) if t.max_early_data > 0 && !d.is_empty() => {
                let max = usize::try_from(t.max_early_data).unwrap_or(usize::MAX);
                Some(d.get(..max.min(d.len())).unwrap_or(&[]).to_vec())
            }
            _ => None,
        };
        let mut s = ExpectServerHello {
            server_name: self.server_name,
            random,
            session_id,
            shares,
            psks,
            transcript_raw: Vec::new(),
            ch1: Vec::new(),
            hrr: None,
            sent_ccs: false,
            sent_early_data: false,
            early_data,
            config: self.config,
        };
        let ch = s.build_client_hello(&groups, None, None)?;
        s.ch1 = ch.clone();
        s.transcript_raw.extend_from_slice(&ch);
        io.tx.queue_handshake(&ch);
        // RFC 8446 §5.1: the first ClientHello may carry record version 0x0301.
        io.tx.flush_initial_client_hello()?;
        if let Some(data) = s.early_data.take() {
            s.send_early_data(io, &ch, &data)?;
        }
        io.negotiated.server_name = s.server_name.clone();
        Ok(s)
    }
}

impl ExpectServerHello {
    /// Encodes a ClientHello (with binders filled in when PSKs are offered).
    fn build_client_hello(
        &self,
        groups: &[NamedGroup],
        cookie: Option<&[u8]>,
        hrr_suite: Option<CipherSuite>,
    ) -> Result<Vec<u8>, Error> {
        let cfg = &self.config;
        let policy = &cfg.policy;
        let mut exts = Vec::new();
        if cfg.send_sni {
            if let Some(name) = &self.server_name {
                // RFC 6066 §3: literal IP addresses are not sent as SNI.
                if !is_ip_literal(name) {
                    exts.push(ClientExtension::ServerName(name.as_bytes().to_vec()));
                }
            }
        }
        if !groups.is_empty() {
            exts.push(ClientExtension::SupportedGroups(groups.to_vec()));
        }
        exts.push(ClientExtension::SignatureAlgorithms(
            policy.signature_schemes.clone(),
        ));
        if let Some(c) = &policy.cert_signature_schemes {
            exts.push(ClientExtension::SignatureAlgorithmsCert(c.clone()));
        }
        if !cfg.alpn.is_empty() {
            exts.push(ClientExtension::Alpn(cfg.alpn.clone()));
        }
        exts.push(ClientExtension::SupportedVersions(alloc::vec![
            ProtocolVersion::TLSV1_3
        ]));
        if !groups.is_empty() {
            exts.push(ClientExtension::KeyShare(
                self.shares
                    .iter()
                    .map(|s| KeyShareEntry {
                        group: s.group(),
                        payload: s.public_share().to_vec(),
                    })
                    .collect(),
            ));
        }
        if let Some(c) = cookie {
            exts.push(ClientExtension::Cookie(c.to_vec()));
        }
        if let Some(limit) = policy.record_size_limit {
            exts.push(ClientExtension::RecordSizeLimit(limit));
        }
        let algs = super::pha::offered_compression(&cfg.cert_compression);
        if !algs.is_empty() {
            exts.push(ClientExtension::CompressCertificate(algs));
        }
        if cfg.post_handshake_auth {
            exts.push(ClientExtension::PostHandshakeAuth);
        }
        // After HRR, drop PSKs whose hash differs from the selected suite's
        // (RFC 8446 §4.1.4).
        let hrr_hash = hrr_suite.and_then(suites::lookup).map(|s| s.hash);
        let psks: Vec<&OfferedPsk> = self
            .psks
            .iter()
            .filter(|k| hrr_hash.is_none_or(|h| h == k.hash))
            .collect();
        let offer_psk = !psks.is_empty() && !policy.psk_modes.is_empty();
        if offer_psk {
            exts.push(ClientExtension::PskKeyExchangeModes(
                policy.psk_modes.clone(),
            ));
            // RFC 8446 §4.2.10: never in a ClientHello after HelloRetryRequest.
            if self.early_data.is_some() && hrr_suite.is_none() {
                exts.push(ClientExtension::EarlyData);
            }
            // RFC 8446 §4.2.11: pre_shared_key is the last extension.
            exts.push(ClientExtension::PreSharedKey(OfferedPsks {
                identities: psks
                    .iter()
                    .map(|k| PskIdentity {
                        identity: k.identity.clone(),
                        obfuscated_ticket_age: k.obfuscated_age,
                    })
                    .collect(),
                binders: psks
                    .iter()
                    .map(|k| alloc::vec![0u8; k.hash.output_len()])
                    .collect(),
            }));
        }
        let suites_offered: Vec<CipherSuite> = match hrr_suite {
            Some(_) | None => policy
                .suites
                .iter()
                .copied()
                .filter(|s| suites::lookup(*s).is_some())
                .collect(),
        };
        let ch = ClientHello {
            legacy_version: ProtocolVersion::TLSV1_2,
            random: self.random,
            legacy_session_id: self.session_id.clone(),
            cipher_suites: suites_offered,
            compression_methods: alloc::vec![0],
            extensions: exts,
        };
        let mut encoded = super::encode(
            HandshakePayload::ClientHello(ch),
            HandshakeType::CLIENT_HELLO,
        );
        if offer_psk {
            self.fill_binders(&mut encoded, &psks)?;
        }
        Ok(encoded)
    }

    /// Computes each PSK binder over the transcript up to the binders
    /// (RFC 8446 §4.2.11.2) and writes it into the encoded ClientHello.
    fn fill_binders(&self, encoded: &mut [u8], psks: &[&OfferedPsk]) -> Result<(), Error> {
        let split = crate::codec::handshake::client_hello_binder_split(encoded)
            .ok_or(Error::Unreachable("binder split of our own ClientHello"))?;
        let (partial, binders) = encoded.split_at_mut(split);
        let p = self.config.provider.as_ref();
        // Skip the binders list's 2-byte length; each binder is u8-prefixed.
        let mut pos = 2usize;
        for k in psks {
            let prior = self.prior_transcript_for(k.hash)?;
            let early = keys::Early::new(p, k.hash, Some(&k.key))?;
            let binder = early.binder(p, k.external, &prior, partial)?;
            let len = binder.as_ref().len();
            let start = pos
                .checked_add(1)
                .ok_or(Error::Unreachable("binder offset"))?;
            let end = start
                .checked_add(len)
                .ok_or(Error::Unreachable("binder offset"))?;
            binders
                .get_mut(start..end)
                .ok_or(Error::Unreachable("binder slot"))?
                .copy_from_slice(binder.as_ref());
            pos = end;
        }
        Ok(())
    }

    /// Sends 0-RTT data under client_early_traffic_secret (RFC 8446 §2.3),
    /// after the compatibility CCS (§D.4).
    fn send_early_data(&mut self, io: &mut Io<'_>, ch: &[u8], data: &[u8]) -> Result<(), Error> {
        let Some(t) = self.psks.first().and_then(|k| k.ticket.as_ref()) else {
            return Ok(());
        };
        let suite = suites::lookup(t.suite).ok_or(Error::Unreachable("ticket suite"))?;
        let p = self.config.provider.clone();
        let ctx = Ctx::new(p.clone(), suite);
        let early = keys::Early::new(p.as_ref(), t.hash, Some(&t.psk))?;
        let ch_hash = p.hash(t.hash, &[ch])?;
        let sealer = early
            .early_traffic(p.as_ref(), ch_hash.as_ref())?
            .sealer(&ctx)?;
        if self.config.policy.middlebox_compat {
            io.tx.set_sealer_after_ccs(sealer)?;
            self.sent_ccs = true;
        } else {
            io.tx.set_sealer(sealer)?;
        }
        let mut off = 0;
        while off < data.len() {
            let n = io.tx.send_app(data.get(off..).unwrap_or(&[]))?;
            if n == 0 {
                break;
            }
            off = off.saturating_add(n);
        }
        self.sent_early_data = true;
        io.negotiated.early_data = crate::session_store::EarlyDataStatus::Offered;
        io.negotiated.early_data_len = off;
        Ok(())
    }

    /// The transcript before the ClientHello being bound: empty for the
    /// first, message_hash(CH1) || HRR for the second.
    fn prior_transcript_for(&self, hash: crate::provider::HashAlgorithm) -> Result<Vec<u8>, Error> {
        if self.hrr.is_none() {
            return Ok(Vec::new());
        }
        let p = self.config.provider.as_ref();
        let mut out = keys::message_hash(p, hash, &self.ch1)?;
        // transcript_raw holds CH1 || HRR: keep the HRR part.
        out.extend_from_slice(self.transcript_raw.get(self.ch1.len()..).unwrap_or(&[]));
        Ok(out)
    }

    fn handle_hrr(
        mut self,
        io: &mut Io<'_>,
        m: &Message,
        hrr: &HelloRetryRequest,
    ) -> Result<ExpectServerHello, Error> {
        // RFC 8446 §4.1.4: a second HelloRetryRequest is unexpected_message.
        if self.hrr.is_some() {
            return Err(PeerMisbehaved::UnexpectedMessage.into());
        }
        check_legacy_fields(
            hrr.legacy_version,
            &hrr.legacy_session_id_echo,
            &self.session_id,
        )?;
        if !self.offered_suite(hrr.cipher_suite) {
            return Err(PeerMisbehaved::IllegalParameter("HelloRetryRequest cipher suite").into());
        }
        let mut version = None;
        let mut group = None;
        let mut cookie = None;
        for e in &hrr.extensions {
            match e {
                HrrExtension::SupportedVersions(v) => version = Some(*v),
                HrrExtension::KeyShare(g) => group = Some(*g),
                HrrExtension::Cookie(c) => cookie = Some(c.clone()),
                // RFC 8446 §4.1.4: extensions we did not offer.
                HrrExtension::Unknown { typ, .. } => {
                    return Err(PeerMisbehaved::UnsolicitedExtension(typ.0).into());
                }
            }
        }
        check_selected_version(version)?;
        let groups: Vec<NamedGroup> = self.offered_groups();
        if let Some(g) = group {
            // RFC 8446 §4.2.8: the group must be offered and not already shared.
            if !groups.contains(&g) || self.shares.iter().any(|s| s.group() == g) {
                return Err(PeerMisbehaved::IllegalParameter("HelloRetryRequest group").into());
            }
        } else if cookie.is_none() {
            // RFC 8446 §4.1.4: an HRR that would not change the ClientHello.
            return Err(
                PeerMisbehaved::IllegalParameter("HelloRetryRequest changes nothing").into(),
            );
        }
        self.transcript_raw.extend_from_slice(&m.raw);
        self.hrr = Some(HrrInfo {
            suite: hrr.cipher_suite,
        });
        io.negotiated.hello_retry = true;
        if let Some(g) = group {
            let kx = self
                .config
                .provider
                .kx_group(g)
                .ok_or(PeerMisbehaved::IllegalParameter("HelloRetryRequest group"))?;
            self.shares = alloc::vec![kx.start()?];
        }
        // RFC 8446 §4.2.10: no early data after HelloRetryRequest; the
        // second ClientHello goes in plaintext records again.
        if self.sent_early_data {
            io.tx.clear_sealer()?;
            io.negotiated.early_data = crate::session_store::EarlyDataStatus::Rejected;
        }
        self.sent_early_data = false;
        self.early_data = None;
        if self.config.policy.middlebox_compat && !self.sent_ccs {
            io.tx.send_ccs()?;
            self.sent_ccs = true;
        }
        let ch2 = self.build_client_hello(&groups, cookie.as_deref(), Some(hrr.cipher_suite))?;
        self.transcript_raw.extend_from_slice(&ch2);
        io.tx.queue_handshake(&ch2);
        io.tx.flush_handshake()?;
        Ok(self)
    }

    fn offered_suite(&self, s: CipherSuite) -> bool {
        suites::lookup(s).is_some() && self.config.policy.suites.contains(&s)
    }

    fn offered_groups(&self) -> Vec<NamedGroup> {
        self.config
            .policy
            .groups
            .iter()
            .copied()
            .filter(|g| self.config.provider.kx_group(*g).is_some())
            .collect()
    }

    fn handle_server_hello(
        self,
        io: &mut Io<'_>,
        m: &Message,
        sh: &ServerHello,
    ) -> Result<Handshaking, Error> {
        // The version first: a TLS 1.2 ServerHello's extensions mean nothing to us.
        let version = sh.supported_version();
        if version.is_none() {
            // RFC 8446 §4.1.3: a TLS 1.2-or-older answer must not carry the
            // downgrade sentinel; either way we only speak TLS 1.3.
            let tail = sh.random.get(24..).unwrap_or(&[]);
            if tail == b"DOWNGRD\x01" || tail == b"DOWNGRD\x00" {
                return Err(PeerMisbehaved::IllegalParameter("downgrade sentinel").into());
            }
            return Err(PeerIncompatible::NoTls13.into());
        }
        let mut share: Option<&KeyShareEntry> = None;
        let mut psk_index = None;
        for e in &sh.extensions {
            match e {
                ServerExtension::SupportedVersions(_) => {}
                ServerExtension::KeyShare(k) => share = Some(k),
                ServerExtension::PreSharedKey(i) => psk_index = Some(*i),
                ServerExtension::Unknown { typ, .. } => {
                    return Err(PeerMisbehaved::UnsolicitedExtension(typ.0).into());
                }
            }
        }
        check_selected_version(version)?;
        check_legacy_fields(
            sh.legacy_version,
            &sh.legacy_session_id_echo,
            &self.session_id,
        )?;
        // RFC 8446 §4.1.3: legacy_compression_method MUST be 0.
        if sh.compression_method != 0 {
            return Err(PeerMisbehaved::IllegalParameter("compression method").into());
        }
        if !self.offered_suite(sh.cipher_suite) {
            return Err(PeerMisbehaved::IllegalParameter("ServerHello cipher suite").into());
        }
        // RFC 8446 §4.1.4: the suite must match the HelloRetryRequest's.
        if let Some(h) = &self.hrr {
            if h.suite != sh.cipher_suite {
                return Err(PeerMisbehaved::IllegalParameter("suite differs from HRR").into());
            }
        }
        let suite = suites::lookup(sh.cipher_suite)
            .ok_or(PeerMisbehaved::IllegalParameter("ServerHello cipher suite"))?;
        let p = self.config.provider.clone();

        // PSK selection (RFC 8446 §4.2.11).
        let psk = match psk_index {
            Some(i) => {
                let k = self
                    .offered_psks_for(suite)
                    .into_iter()
                    .nth(usize::from(i))
                    .cloned()
                    .ok_or(PeerMisbehaved::IllegalParameter(
                        "selected_identity out of range",
                    ))?;
                if k.hash != suite.hash {
                    return Err(
                        PeerMisbehaved::IllegalParameter("PSK hash differs from suite").into(),
                    );
                }
                Some(k)
            }
            None => None,
        };
        let shared = match share {
            Some(entry) => {
                let pos = self
                    .shares
                    .iter()
                    .position(|s| s.group() == entry.group)
                    .ok_or(PeerMisbehaved::IllegalParameter(
                        "key_share group not offered",
                    ))?;
                // RFC 8446 §4.2.9: psk_dhe_ke only if we offered it.
                if psk.is_some()
                    && !self
                        .config
                        .policy
                        .psk_modes
                        .contains(&PskKeyExchangeMode::PSK_DHE_KE)
                {
                    return Err(PeerMisbehaved::IllegalParameter("psk_dhe_ke not offered").into());
                }
                let mut shares = self.shares;
                let active = shares.swap_remove(pos);
                io.negotiated.group = Some(entry.group);
                Some(active.complete(&entry.payload)?)
            }
            None => {
                // psk_ke: only with a PSK, and only if we offered that mode.
                if psk.is_none() {
                    return Err(
                        PeerIncompatible::MissingExtension(ExtensionType::KEY_SHARE.0).into(),
                    );
                }
                if !self
                    .config
                    .policy
                    .psk_modes
                    .contains(&PskKeyExchangeMode::PSK_KE)
                {
                    return Err(PeerMisbehaved::IllegalParameter("psk_ke not offered").into());
                }
                None
            }
        };
        let ctx = Ctx::new(p.clone(), suite);
        let mut transcript = keys::client_transcript(
            p.as_ref(),
            suite.hash,
            &self.ch1,
            self.hrr.is_some(),
            &self.transcript_raw,
        )?;
        let ch_hash = transcript.current_hash();
        transcript.add(&m.raw);
        let early = keys::Early::new(
            p.as_ref(),
            suite.hash,
            psk.as_ref().map(|k| k.key.as_slice()),
        )?;
        if psk.is_some() {
            // RFC 8446 §7.5: early_exporter_master_secret over the final
            // ClientHello (the transcript before ServerHello).
            *io.early_exporter = Some(keys::EarlyExporter {
                ctx: Ctx::new(p.clone(), suite),
                secret: early.early_exporter(p.as_ref(), ch_hash.as_ref())?,
            });
        }
        let hs = early.into_handshake(p.as_ref(), shared.as_ref().map(|s| s.as_bytes()))?;
        let th = transcript.current_hash();
        let (client_hs, server_hs) = hs.traffic(p.as_ref(), th.as_ref())?;
        // RFC 8446 §5.1: ServerHello must end its record before the key change.
        {
            let (k, iv) = server_hs.read_keys(&ctx)?;
            io.rx.set_read_keys(k, iv)?
        };
        // RFC 8446 §6, §7.3: from here on the server reads our records under
        // client_handshake_traffic_secret, so an alert we send before our
        // second flight (a rejected certificate) must be protected with it
        // too; the compatibility CCS still goes first (§D.4).
        // With 0-RTT sent, the early keys stay until the server answers it
        // in EncryptedExtensions.
        let early_sent = self.sent_early_data && psk_index == Some(0);
        if self.sent_early_data && !early_sent {
            io.negotiated.early_data = crate::session_store::EarlyDataStatus::Rejected;
        }
        if !early_sent {
            let sealer = client_hs.sealer(&ctx)?;
            if self.config.policy.middlebox_compat && !self.sent_ccs {
                io.tx.set_sealer_after_ccs(sealer)?;
            } else {
                io.tx.set_sealer(sealer)?;
            }
        }
        io.negotiated.version = Some(ProtocolVersion::TLSV1_3);
        io.negotiated.suite = Some(suite.suite);
        io.negotiated.key_size = suite.aead.key_len();
        io.negotiated.psk_identity = psk
            .as_ref()
            .filter(|k| k.external)
            .map(|k| k.identity.clone());
        let resumed = match (psk.as_ref().and_then(|k| k.ticket.clone()), psk_index) {
            (Some(t), Some(i)) => Some((t, i)),
            _ => None,
        };
        io.negotiated.resumed = resumed.is_some();
        let sent_sni = self.config.send_sni
            && self
                .server_name
                .as_deref()
                .is_some_and(|n| !is_ip_literal(n));
        let offered_alpn = !self.config.alpn.is_empty();
        Ok(Handshaking {
            server_name: self.server_name,
            ctx,
            transcript,
            hs,
            client_hs,
            server_hs,
            psk_mode: psk.is_some(),
            resumed,
            early_sent,
            early_accepted: false,
            cert_request: None,
            server_cert: Vec::new(),
            sent_sni,
            offered_alpn,
            config: self.config,
        })
    }

    fn offered_psks_for(&self, suite: &suites::Tls13Suite) -> Vec<&OfferedPsk> {
        let hrr_hash = self.hrr.as_ref().map(|_| suite.hash);
        self.psks
            .iter()
            .filter(|k| hrr_hash.is_none_or(|h| h == k.hash))
            .collect()
    }
}

fn check_legacy_fields(
    legacy_version: ProtocolVersion,
    echo: &[u8],
    session_id: &[u8],
) -> Result<(), Error> {
    // RFC 8446 §4.1.3: legacy_version is 0x0303 in TLS 1.3.
    if legacy_version != ProtocolVersion::TLSV1_2 {
        return Err(PeerMisbehaved::IllegalParameter("legacy_version").into());
    }
    // RFC 8446 §4.1.3: the session id echo must equal what we sent.
    if echo != session_id {
        return Err(PeerMisbehaved::IllegalParameter("legacy_session_id_echo").into());
    }
    Ok(())
}

fn check_selected_version(v: Option<ProtocolVersion>) -> Result<(), Error> {
    match v {
        Some(ProtocolVersion::TLSV1_3) => Ok(()),
        // RFC 8446 §4.2.1: a version we did not offer is illegal_parameter.
        Some(_) => Err(PeerMisbehaved::IllegalParameter("selected version").into()),
        None => Err(PeerIncompatible::NoTls13.into()),
    }
}

impl Handshaking {
    fn handle_ee(
        mut self: Box<Self>,
        io: &mut Io<'_>,
        m: &Message,
        exts: &[EeExtension],
    ) -> Result<State, Error> {
        for e in exts {
            match e {
                EeExtension::ServerName if self.sent_sni => {}
                EeExtension::Alpn(proto) if self.offered_alpn => {
                    // RFC 7301 §3.1: the protocol must be one we offered.
                    if !self.config.alpn.iter().any(|a| a == proto) {
                        return Err(
                            PeerMisbehaved::IllegalParameter("ALPN protocol not offered").into(),
                        );
                    }
                    io.negotiated.alpn = Some(proto.clone());
                }
                // RFC 8446 §4.2.7: servers may send their groups; informational.
                EeExtension::SupportedGroups(_) => {}
                EeExtension::EarlyData if self.early_sent => {
                    // RFC 8446 §4.2.10: accepted 0-RTT must resume the ticket's
                    // suite and ALPN with the first PSK.
                    let ok = self.resumed.as_ref().is_some_and(|(t, i)| {
                        *i == 0
                            && t.suite == self.ctx.suite.suite
                            && t.alpn.as_deref()
                                == exts.iter().find_map(|x| match x {
                                    EeExtension::Alpn(a) => Some(a.as_slice()),
                                    _ => None,
                                })
                    });
                    if !ok {
                        return Err(PeerMisbehaved::IllegalParameter(
                            "early_data accepted with other parameters",
                        )
                        .into());
                    }
                    self.early_accepted = true;
                }
                EeExtension::RecordSizeLimit(limit)
                    if self.config.policy.record_size_limit.is_some() =>
                {
                    io.negotiated.peer_record_size_limit = Some(*limit);
                    io.tx.set_peer_record_size_limit(*limit)?;
                }
                other => {
                    // RFC 8446 §4.2: responses to extensions we did not send.
                    return Err(PeerMisbehaved::UnsolicitedExtension(other.ext_type().0).into());
                }
            }
        }
        self.transcript.add(&m.raw);
        if self.early_sent {
            if self.early_accepted {
                io.negotiated.early_data = crate::session_store::EarlyDataStatus::Accepted;
            } else {
                io.negotiated.early_data = crate::session_store::EarlyDataStatus::Rejected;
                self.install_handshake_sealer(io)?;
            }
        }
        Ok(if self.psk_mode {
            State::ExpectFinished(self)
        } else {
            State::ExpectCertificateOrRequest(self)
        })
    }

    /// Installs client_handshake_traffic_secret for sending (deferred while
    /// 0-RTT keys were in use).
    fn install_handshake_sealer(&self, io: &mut Io<'_>) -> Result<(), Error> {
        io.tx.set_sealer(self.client_hs.sealer(&self.ctx)?)
    }

    fn handle_certificate(
        mut self: Box<Self>,
        io: &mut Io<'_>,
        m: &Message,
        c: &CertificatePayload,
    ) -> Result<Handshaking, Error> {
        // RFC 8446 §4.4.2: the server's context is empty.
        if !c.context.is_empty() {
            return Err(PeerMisbehaved::IllegalParameter("Certificate context").into());
        }
        // RFC 8446 §4.4.2.4: an empty server Certificate is decode_error.
        if c.entries.is_empty() {
            return Err(InvalidMessage::EmptyVector("server Certificate").into());
        }
        if c.entries.len() > self.config.policy.max_chain_len {
            return Err(CertificateError::Other("certificate chain too long").into());
        }
        check_entry_extensions(&c.entries)?;
        let chain: Vec<Vec<u8>> = c.entries.iter().map(|e| e.cert_data.clone()).collect();
        self.config
            .verifier
            .verify_server_cert(&chain, self.server_name.as_deref(), io.now)?;
        self.transcript.add(&m.raw);
        self.server_cert = chain.clone();
        io.negotiated.peer_certificates = chain;
        Ok(*self)
    }

    fn handle_certificate_verify(
        mut self: Box<Self>,
        io: &mut Io<'_>,
        m: &Message,
        cv: &CertificateVerify,
    ) -> Result<Handshaking, Error> {
        let th = self.transcript.current_hash();
        let offered: Vec<SignatureScheme> = self.config.policy.tls13_signature_schemes().collect();
        super::verify_certificate_verify(
            self.ctx.provider.as_ref(),
            &offered,
            Side::Server,
            th.as_ref(),
            &self.server_cert,
            self.config.verifier.decodes_leaf(),
            cv,
        )?;
        io.negotiated.signature_scheme = Some(cv.scheme);
        self.transcript.add(&m.raw);
        Ok(*self)
    }

    fn handle_finished(
        self: Box<Self>,
        io: &mut Io<'_>,
        m: &Message,
        verify_data: &[u8],
    ) -> Result<PostHandshake, Error> {
        let s = *self;
        let p = s.ctx.provider.clone();
        let th = s.transcript.current_hash();
        // RFC 8446 §4.4.4: the peer's Finished must verify (constant time).
        let expected = s.server_hs.finished(p.as_ref(), th.as_ref())?;
        keys::check_finished(expected.as_ref(), verify_data)?;
        let mut transcript = s.transcript;
        transcript.add(&m.raw);
        if s.early_accepted {
            // RFC 8446 §4.5: EndOfEarlyData under the early keys, then our
            // handshake keys.
            let eoed = super::encode(
                HandshakePayload::EndOfEarlyData,
                HandshakeType::END_OF_EARLY_DATA,
            );
            io.tx.queue_handshake(&eoed);
            io.tx.set_sealer(s.client_hs.sealer(&s.ctx)?)?;
        }
        let master = s.hs.into_master(p.as_ref())?;
        let th_server_fin = transcript.current_hash();
        let (client_app, server_app): (AppTraffic, AppTraffic) =
            master.traffic(p.as_ref(), th_server_fin.as_ref())?;
        {
            let (k, iv) = server_app.read_keys(&s.ctx)?;
            io.rx.set_read_keys(k, iv)?
        };

        if s.early_accepted {
            transcript.add(&super::encode(
                HandshakePayload::EndOfEarlyData,
                HandshakeType::END_OF_EARLY_DATA,
            ));
        }
        // Our second flight, under the client handshake keys installed at
        // ServerHello (preceded by the compatibility CCS).
        if let Some(cr) = &s.cert_request {
            send_client_certificate(io, &s.config, &mut transcript, cr)?;
        }
        let th = transcript.current_hash();
        let fin = s.client_hs.finished(p.as_ref(), th.as_ref())?;
        let fin_msg = super::encode(
            HandshakePayload::Finished(fin.as_ref().to_vec()),
            HandshakeType::FINISHED,
        );
        transcript.add(&fin_msg);
        io.tx.queue_handshake(&fin_msg);
        io.tx.set_sealer(client_app.sealer(&s.ctx)?)?;
        let resumption = if s.config.session_store.is_some() && s.config.policy.tickets {
            let th = transcript.current_hash();
            Some(super::tickets::ClientResumption {
                server: s.server_name.clone().unwrap_or_default(),
                suite: s.ctx.suite.suite,
                hash: s.ctx.suite.hash,
                alpn: io.negotiated.alpn.clone(),
                secret: master.resumption(p.as_ref(), th.as_ref())?,
                now: io.now,
                config: s.config.clone(),
            })
        } else {
            None
        };
        let mut post = PostHandshake::new(
            Side::Client,
            s.ctx,
            client_app,
            server_app,
            master.exporter(p.as_ref(), th_server_fin.as_ref())?,
        );
        if let Some(r) = resumption {
            post.set_resumption(r);
        }
        Ok(if s.config.post_handshake_auth {
            post.with_pha(super::pha::Pha::client(s.config.clone(), transcript))
        } else {
            post
        })
    }
}

/// RFC 8446 §4.4.2: CertificateEntry extensions must answer ones we sent;
/// we send neither status_request nor signed_certificate_timestamp.
fn check_entry_extensions(entries: &[CertificateEntry]) -> Result<(), Error> {
    for e in entries {
        if let Some(x) = e.extensions.first() {
            return Err(PeerMisbehaved::UnsolicitedExtension(x.ext_type().0).into());
        }
    }
    Ok(())
}

/// Sends our Certificate (first compatible identity, or empty) and
/// CertificateVerify in answer to a CertificateRequest.
fn send_client_certificate(
    io: &mut Io<'_>,
    config: &ClientConfig,
    transcript: &mut Transcript,
    cr: &super::pha::CrInfo,
) -> Result<(), Error> {
    let (msgs, scheme) = super::pha::client_certificate_flight(config, cr, transcript)?;
    for m in &msgs {
        io.tx.queue_handshake(m);
    }
    if scheme.is_some() {
        io.negotiated.client_signature_scheme = scheme;
    }
    Ok(())
}

/// True for names that are IPv4 or IPv6 literals.
pub(crate) fn is_ip_literal(name: &str) -> bool {
    name.parse::<core::net::IpAddr>().is_ok()
}
