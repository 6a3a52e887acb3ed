//! The server's handshake states (RFC 8446 §2, §4): negotiation from the
//! ClientHello (version, suite, PSK, group, identity), HelloRetryRequest,
//! the server flight, then the client's Certificate, CertificateVerify and
//! Finished.

use super::keys::{self, AppTraffic, Ctx, HsTraffic, Transcript};
use super::tickets;
use super::{HandshakeState, Io, Message, Next, PostHandshake, Side};
use crate::codec::enums::{
    CipherSuite, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion, PskKeyExchangeMode,
    SignatureScheme,
};
use crate::codec::extensions::{
    ClientExtension, CrExtension, EeExtension, HrrExtension, KeyShareEntry, OfferedPsks,
    ServerExtension,
};
use crate::codec::handshake::{
    CertificateEntry, CertificatePayload, CertificateRequest, CertificateVerify, ClientHello,
    EncryptedExtensions, HandshakePayload, HelloRetryRequest, ServerHello,
};
use crate::config::{ClientAuth, ExternalPsk, Identity, ServerConfig};
use crate::error::{CertificateError, Error, InvalidMessage, PeerIncompatible, PeerMisbehaved};
use crate::provider::SharedSecret;
use crate::suites::{self, Tls13Suite};
use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// The server's states.
#[allow(clippy::enum_variant_names)] // named for the message each awaits, as RFC 8446 does
pub(crate) enum State {
    ExpectClientHello(Box<ExpectClientHello>),
    ExpectCertificate(Box<AwaitClient>),
    ExpectCertificateVerify(Box<AwaitClient>),
    ExpectFinished(Box<AwaitClient>),
    ExpectEndOfEarlyData(Box<AwaitClient>),
}

/// Builds the initial state.
pub(crate) fn start(config: Arc<ServerConfig>) -> HandshakeState {
    HandshakeState::Server(State::ExpectClientHello(Box::new(ExpectClientHello {
        config,
        retry: None,
    })))
}

pub(crate) struct ExpectClientHello {
    config: Arc<ServerConfig>,
    retry: Option<Retry>,
}

/// What a HelloRetryRequest fixed for the second ClientHello.
struct Retry {
    suite: &'static Tls13Suite,
    group: Option<NamedGroup>,
    cookie: Option<Vec<u8>>,
    /// message_hash(ClientHello1) || HelloRetryRequest, as sent.
    prior_raw: Vec<u8>,
    ch1_random: [u8; 32],
    ch1_session_id: Vec<u8>,
    sent_ccs: bool,
}

/// After our flight: waiting for the client's.
pub(crate) struct AwaitClient {
    config: Arc<ServerConfig>,
    ctx: Ctx,
    transcript: Transcript,
    client_hs: HsTraffic,
    client_app: AppTraffic,
    server_app: AppTraffic,
    master: keys::Master,
    exporter_hash: crate::provider::HashOutput,
    cr_schemes: Vec<SignatureScheme>,
    client_cert: Vec<Vec<u8>>,
}

/// A PSK identity the server may use: one of our tickets, or an external PSK.
struct PskCandidate {
    index: u16,
    identity: Vec<u8>,
    /// `None` for an unknown external identity (bound with a random key).
    key: Option<zeroize::Zeroizing<Vec<u8>>>,
    hash: Option<crate::provider::HashAlgorithm>,
    external: bool,
    ticket: Option<tickets::TicketState>,
    obfuscated_age: u32,
}

impl State {
    pub(crate) fn handle(self, io: &mut Io<'_>, m: &Message) -> Result<Next, Error> {
        let next = match (self, &m.msg.payload) {
            (State::ExpectClientHello(s), HandshakePayload::ClientHello(ch)) => {
                (*s).handle(io, m, ch)?
            }
            (State::ExpectCertificate(s), HandshakePayload::Certificate(c)) => {
                s.handle_certificate(io, m, c)?
            }
            (State::ExpectCertificate(s), HandshakePayload::CompressedCertificate(cc)) => {
                // RFC 8879 §4: only with an algorithm our CertificateRequest
                // offered; the compressed message enters the transcript.
                let c = crate::codec::compress::decode_compressed(
                    cc,
                    &super::pha::offered_compression(&s.config.cert_compression),
                    s.config.policy.max_handshake_message,
                )?;
                io.negotiated.peer_cert_compression = Some(cc.algorithm);
                s.handle_certificate(io, m, &c)?
            }
            (State::ExpectCertificateVerify(s), HandshakePayload::CertificateVerify(cv)) => {
                State::ExpectFinished(s.handle_certificate_verify(io, m, cv)?)
            }
            (State::ExpectFinished(s), HandshakePayload::Finished(f)) => {
                return s.handle_finished(io, m, f).map(|p| Next::Done(Box::new(p)));
            }
            (State::ExpectEndOfEarlyData(mut s), HandshakePayload::EndOfEarlyData) => {
                // RFC 8446 §4.5: EndOfEarlyData ends the 0-RTT keys; the
                // client's Finished comes under its handshake keys.
                s.transcript.add(&m.raw);
                let (k, iv) = s.client_hs.read_keys(&s.ctx)?;
                io.rx.set_read_keys(k, iv)?;
                State::ExpectFinished(s)
            }
            _ => return Err(PeerMisbehaved::UnexpectedMessage.into()),
        };
        Ok(Next::Continue(HandshakeState::Server(next)))
    }
}

/// The ClientHello's extensions, gathered.
#[derive(Default)]
struct Offer<'a> {
    versions: Option<&'a [ProtocolVersion]>,
    groups: Option<&'a [NamedGroup]>,
    shares: Option<&'a [KeyShareEntry]>,
    sig_schemes: Option<&'a [SignatureScheme]>,
    cert_schemes: Option<&'a [SignatureScheme]>,
    psk_modes: Option<&'a [PskKeyExchangeMode]>,
    psk: Option<&'a OfferedPsks>,
    alpn: Option<&'a [Vec<u8>]>,
    server_name: Option<&'a [u8]>,
    cookie: Option<&'a [u8]>,
    record_size_limit: Option<u16>,
    early_data: bool,
    compress_certificate: Option<&'a [crate::codec::enums::CertificateCompressionAlgorithm]>,
    post_handshake_auth: bool,
}

fn gather(ch: &ClientHello) -> Offer<'_> {
    let mut o = Offer::default();
    for e in &ch.extensions {
        match e {
            ClientExtension::SupportedVersions(v) => o.versions = Some(v),
            ClientExtension::SupportedGroups(g) => o.groups = Some(g),
            ClientExtension::KeyShare(k) => o.shares = Some(k),
            ClientExtension::SignatureAlgorithms(s) => o.sig_schemes = Some(s),
            ClientExtension::SignatureAlgorithmsCert(s) => o.cert_schemes = Some(s),
            ClientExtension::PskKeyExchangeModes(m) => o.psk_modes = Some(m),
            ClientExtension::PreSharedKey(p) => o.psk = Some(p),
            ClientExtension::Alpn(a) => o.alpn = Some(a),
            ClientExtension::ServerName(n) => o.server_name = Some(n),
            ClientExtension::Cookie(c) => o.cookie = Some(c),
            ClientExtension::RecordSizeLimit(l) => o.record_size_limit = Some(*l),
            ClientExtension::EarlyData => o.early_data = true,
            ClientExtension::CompressCertificate(a) => o.compress_certificate = Some(a),
            ClientExtension::PostHandshakeAuth => o.post_handshake_auth = true,
            // RFC 8446 §4.1.2: unknown or unused extensions are ignored.
            _ => {}
        }
    }
    o
}

/// How the server will authenticate.
enum Auth<'a> {
    Psk {
        key: ExternalPsk,
        index: u16,
        external: bool,
        ticket: Option<tickets::TicketState>,
        obfuscated_age: u32,
        binder: Vec<u8>,
    },
    Certificate {
        identity: &'a Identity,
        scheme: SignatureScheme,
    },
}

impl ExpectClientHello {
    fn handle(self, io: &mut Io<'_>, m: &Message, ch: &ClientHello) -> Result<State, Error> {
        let cfg = self.config.clone();
        let policy = &cfg.policy;
        let p = cfg.provider.clone();
        let o = gather(ch);

        // RFC 8446 §4.2.1: without supported_versions the client speaks at
        // most TLS 1.2, which we do not.
        let versions = o.versions.ok_or(PeerIncompatible::NoTls13)?;
        if !versions.contains(&ProtocolVersion::TLSV1_3) {
            return Err(PeerIncompatible::NoTls13.into());
        }
        // RFC 8446 §4.1.2: legacy_compression_methods must be exactly [0].
        if ch.compression_methods.as_slice() != [0] {
            return Err(PeerMisbehaved::IllegalParameter("compression methods").into());
        }
        // RFC 8446 §9.2: supported_groups and key_share come together.
        if o.groups.is_some() != o.shares.is_some() {
            let missing = if o.groups.is_some() {
                ExtensionType::KEY_SHARE
            } else {
                ExtensionType::SUPPORTED_GROUPS
            };
            return Err(PeerIncompatible::MissingExtension(missing.0).into());
        }
        // RFC 8446 §4.2.9: pre_shared_key requires psk_key_exchange_modes.
        if o.psk.is_some() && o.psk_modes.is_none() {
            return Err(PeerIncompatible::MissingExtension(
                ExtensionType::PSK_KEY_EXCHANGE_MODES.0,
            )
            .into());
        }
        let client_groups = o.groups.unwrap_or(&[]);
        let shares = o.shares.unwrap_or(&[]);
        check_key_shares(shares, client_groups)?;

        if let Some(r) = &self.retry {
            // RFC 8446 §4.1.2: the second ClientHello repeats the first
            // except for the fields HRR changes.
            if ch.random != r.ch1_random || ch.legacy_session_id != r.ch1_session_id {
                return Err(PeerMisbehaved::IllegalParameter("second ClientHello differs").into());
            }
            if o.early_data {
                return Err(
                    PeerMisbehaved::IllegalParameter("early_data after HelloRetryRequest").into(),
                );
            }
            if r.cookie.is_some() && o.cookie != r.cookie.as_deref() {
                return Err(PeerMisbehaved::IllegalParameter("cookie not echoed").into());
            }
            // RFC 8446 §4.2.8: exactly one share, for the group we asked for.
            if let Some(g) = r.group {
                if shares.len() != 1 || shares.first().map(|s| s.group) != Some(g) {
                    return Err(PeerMisbehaved::IllegalParameter(
                        "key_share after HelloRetryRequest",
                    )
                    .into());
                }
            }
        }

        // A PSK fixes the hash, so pick it before choosing the suite.
        let client_modes = o.psk_modes.unwrap_or(&[]);
        let mode = policy.psk_modes.iter().copied().find(|m| {
            client_modes.contains(m)
                && (*m == PskKeyExchangeMode::PSK_KE || !client_groups.is_empty())
        });
        let candidate = match (o.psk, mode) {
            (Some(offered), Some(_)) => self.choose_psk(io, ch, offered)?,
            _ => None,
        };
        let psk_hash = candidate.as_ref().and_then(|c| c.hash);
        let suite = self.choose_suite(ch, psk_hash)?;
        if let Some(r) = &self.retry {
            if r.suite.suite != suite.suite {
                return Err(PeerMisbehaved::IllegalParameter("suite changed after HRR").into());
            }
        }

        // The transcript up to (not including) this ClientHello.
        let mut transcript = Transcript::new(p.as_ref(), suite.hash)?;
        let prior: &[u8] = self
            .retry
            .as_ref()
            .map(|r| r.prior_raw.as_slice())
            .unwrap_or(&[]);
        transcript.add(prior);

        let mut auth: Option<Auth<'_>> = None;
        if let (Some(c), Some(offered)) = (candidate, o.psk) {
            let key = match c.key {
                Some(k) if c.hash == Some(suite.hash) => k,
                _ => {
                    let mut random = alloc::vec![0u8; suite.hash.output_len()];
                    p.fill_random(&mut random)?;
                    zeroize::Zeroizing::new(random)
                }
            };
            let binder = offered
                .binders
                .get(usize::from(c.index))
                .ok_or(InvalidMessage::EmptyVector("PSK binders"))?;
            let split = crate::codec::handshake::client_hello_binder_split(&m.raw)
                .ok_or(InvalidMessage::InvalidValue("ClientHello binders"))?;
            let partial = m
                .raw
                .get(..split)
                .ok_or(InvalidMessage::InvalidValue("ClientHello binders"))?;
            let early = keys::Early::new(p.as_ref(), suite.hash, Some(&key))?;
            let expected = early.binder(p.as_ref(), c.external, prior, partial)?;
            // RFC 8446 §4.2.11: a binder that does not verify aborts the handshake.
            keys::check_binder(expected.as_ref(), binder)?;
            auth = Some(Auth::Psk {
                key: ExternalPsk {
                    identity: c.identity,
                    key,
                    hash: suite.hash,
                },
                index: c.index,
                external: c.external,
                ticket: c.ticket,
                obfuscated_age: c.obfuscated_age,
                binder: binder.clone(),
            });
        }
        let psk_ke =
            matches!(auth, Some(Auth::Psk { .. })) && mode == Some(PskKeyExchangeMode::PSK_KE);

        if auth.is_none() {
            if cfg.identities.is_empty() {
                // PSK-only server and no acceptable PSK.
                return Err(PeerIncompatible::NoCommonPskMode.into());
            }
            // RFC 8446 §4.2.3: certificate authentication needs signature_algorithms.
            let schemes = o.sig_schemes.ok_or(PeerIncompatible::MissingExtension(
                ExtensionType::SIGNATURE_ALGORITHMS.0,
            ))?;
            if o.groups.is_none() {
                return Err(
                    PeerIncompatible::MissingExtension(ExtensionType::SUPPORTED_GROUPS.0).into(),
                );
            }
            let cert_schemes = o.cert_schemes.unwrap_or(schemes);
            let ours: Vec<SignatureScheme> = policy.tls13_signature_schemes().collect();
            let chosen = cfg
                .identities
                .iter()
                .find_map(|id| {
                    id.compatible_scheme(schemes, cert_schemes, &ours)
                        .map(|s| (id, s))
                })
                .ok_or(PeerIncompatible::NoCommonSignatureScheme)?;
            auth = Some(Auth::Certificate {
                identity: chosen.0,
                scheme: chosen.1,
            });
        }
        let auth = auth.ok_or(Error::Unreachable("auth chosen"))?;

        // Group: prefer one the client already sent a share for.
        let mut share: Option<&KeyShareEntry> = None;
        let mut hrr_group = None;
        if !psk_ke {
            let common: Vec<NamedGroup> = if policy.server_precedence {
                policy
                    .groups
                    .iter()
                    .copied()
                    .filter(|g| client_groups.contains(g) && p.kx_group(*g).is_some())
                    .collect()
            } else {
                client_groups
                    .iter()
                    .copied()
                    .filter(|g| policy.groups.contains(g) && p.kx_group(*g).is_some())
                    .collect()
            };
            share = common
                .iter()
                .find_map(|g| shares.iter().find(|s| s.group == *g));
            if share.is_none() {
                hrr_group = Some(*common.first().ok_or(PeerIncompatible::NoCommonGroup)?);
            }
        }

        if let Some(group) = hrr_group {
            if self.retry.is_some() {
                // Already retried once; the client ignored us.
                return Err(PeerMisbehaved::IllegalParameter(
                    "no key_share after HelloRetryRequest",
                )
                .into());
            }
            return self.send_hrr(io, m, ch, suite, group);
        }

        let mut chosen_alpn: Option<Vec<u8>> = None;
        if let Some(offered) = o.alpn {
            if !cfg.alpn.is_empty() {
                // RFC 7301 §3.2: no overlap is a fatal no_application_protocol.
                let chosen = cfg
                    .alpn
                    .iter()
                    .find(|a| offered.contains(a))
                    .ok_or(PeerIncompatible::NoCommonAlpn)?;
                chosen_alpn = Some(chosen.clone());
            }
        }
        let early_max = if o.early_data {
            self.accept_early_data(io, &auth, suite, chosen_alpn.as_deref())
        } else {
            None
        };

        // ---- ServerHello ----
        transcript.add(&m.raw);
        let ch_hash = transcript.current_hash();
        io.negotiated.post_handshake_auth = o.post_handshake_auth;
        let (server_share, shared): (Option<KeyShareEntry>, Option<SharedSecret>) = match share {
            Some(entry) => {
                let kx = p
                    .kx_group(entry.group)
                    .ok_or(PeerIncompatible::NoCommonGroup)?;
                let (ours, secret) = kx.respond(&entry.payload)?;
                io.negotiated.group = Some(entry.group);
                (
                    Some(KeyShareEntry {
                        group: entry.group,
                        payload: ours,
                    }),
                    Some(secret),
                )
            }
            None => (None, None),
        };
        let mut random = [0u8; 32];
        p.fill_random(&mut random)?;
        let mut sh_exts = alloc::vec![ServerExtension::SupportedVersions(ProtocolVersion::TLSV1_3)];
        if let Some(e) = server_share {
            sh_exts.push(ServerExtension::KeyShare(e));
        }
        if let Auth::Psk { index, .. } = &auth {
            sh_exts.push(ServerExtension::PreSharedKey(*index));
        }
        let sh = ServerHello {
            legacy_version: ProtocolVersion::TLSV1_2,
            random,
            legacy_session_id_echo: ch.legacy_session_id.clone(),
            cipher_suite: suite.suite,
            compression_method: 0,
            extensions: sh_exts,
        };
        let sh_msg = super::encode(
            HandshakePayload::ServerHello(sh),
            HandshakeType::SERVER_HELLO,
        );
        transcript.add(&sh_msg);
        io.tx.queue_handshake(&sh_msg);
        io.tx.flush_handshake()?;
        // RFC 8446 §D.4: compatibility-mode CCS after our first handshake message.
        let sent_ccs = self.retry.as_ref().is_some_and(|r| r.sent_ccs);
        if policy.middlebox_compat && !sent_ccs && !ch.legacy_session_id.is_empty() {
            io.tx.send_ccs()?;
        }

        let ctx = Ctx::new(p.clone(), suite);
        let psk_key = match &auth {
            Auth::Psk { key, .. } => Some(key.key.as_slice()),
            Auth::Certificate { .. } => None,
        };
        let early = keys::Early::new(p.as_ref(), suite.hash, psk_key)?;
        if psk_key.is_some() {
            // RFC 8446 §7.5: early_exporter_master_secret over the ClientHello.
            *io.early_exporter = Some(keys::EarlyExporter {
                ctx: ctx.clone(),
                secret: early.early_exporter(p.as_ref(), ch_hash.as_ref())?,
            });
        }
        let early_traffic = match early_max {
            Some(_) => Some(early.early_traffic(p.as_ref(), ch_hash.as_ref())?),
            None => None,
        };
        let hs = early.into_handshake(p.as_ref(), shared.as_ref().map(|s| s.as_bytes()))?;
        let th = transcript.current_hash();
        let (client_hs, server_hs) = hs.traffic(p.as_ref(), th.as_ref())?;
        io.tx.set_sealer(server_hs.sealer(&ctx)?)?;
        // RFC 8446 §5.1: ClientHello must end its record before the key change.
        match (&early_traffic, early_max) {
            (Some(et), Some(max)) => {
                // RFC 8446 §4.2.10: accepted 0-RTT comes under the early
                // keys until EndOfEarlyData.
                let (k, iv) = et.read_keys(&ctx)?;
                io.rx.set_read_keys(k, iv)?;
                io.rx.accept_early_data(max);
                io.negotiated.early_data = crate::session_store::EarlyDataStatus::Accepted;
            }
            _ => {
                let (k, iv) = client_hs.read_keys(&ctx)?;
                io.rx.set_read_keys(k, iv)?;
                if o.early_data {
                    // Rejected 0-RTT: skip what the client sent under early
                    // keys (RFC 8446 §4.2.10).
                    io.rx.skip_early_data(crate::conn::MAX_REJECTED_EARLY_DATA);
                    io.negotiated.early_data = crate::session_store::EarlyDataStatus::Rejected;
                }
            }
        }

        // ---- EncryptedExtensions ----
        let mut ee = Vec::new();
        if o.server_name.is_some() {
            ee.push(EeExtension::ServerName);
            io.negotiated.server_name = o
                .server_name
                .and_then(|n| core::str::from_utf8(n).ok())
                .map(String::from);
        }
        if let Some(chosen) = chosen_alpn {
            ee.push(EeExtension::Alpn(chosen.clone()));
            io.negotiated.alpn = Some(chosen);
        }
        if early_max.is_some() {
            ee.push(EeExtension::EarlyData);
        }
        if let Some(limit) = o.record_size_limit {
            io.negotiated.peer_record_size_limit = Some(limit);
            io.tx.set_peer_record_size_limit(limit)?;
            // RFC 8449 §4: answer only when the client sent the extension.
            if let Some(ours) = policy.record_size_limit {
                ee.push(EeExtension::RecordSizeLimit(ours));
            }
        }
        let ee_msg = super::encode(
            HandshakePayload::EncryptedExtensions(EncryptedExtensions { extensions: ee }),
            HandshakeType::ENCRYPTED_EXTENSIONS,
        );
        transcript.add(&ee_msg);
        io.tx.queue_handshake(&ee_msg);

        let mut cr_schemes = Vec::new();
        match &auth {
            Auth::Psk { key, external, .. } => {
                if *external {
                    io.negotiated.psk_identity = Some(key.identity.clone());
                } else {
                    io.negotiated.resumed = true;
                }
            }
            Auth::Certificate { identity, scheme } => {
                let verifier = match &cfg.client_auth {
                    ClientAuth::None => None,
                    _ if cfg.defer_client_auth && o.post_handshake_auth => None,
                    ClientAuth::Request(v) | ClientAuth::Require(v) => Some(v),
                };
                if let Some(v) = verifier {
                    cr_schemes = policy.tls13_signature_schemes().collect();
                    let mut exts = alloc::vec![CrExtension::SignatureAlgorithms(
                        policy.signature_schemes.clone()
                    )];
                    let roots = v.root_subjects();
                    if !roots.is_empty() {
                        exts.push(CrExtension::CertificateAuthorities(roots));
                    }
                    let algs = super::pha::offered_compression(&cfg.cert_compression);
                    if !algs.is_empty() {
                        exts.push(CrExtension::CompressCertificate(algs));
                    }
                    let cr = super::encode(
                        HandshakePayload::CertificateRequest(CertificateRequest {
                            context: Vec::new(),
                            extensions: exts,
                        }),
                        HandshakeType::CERTIFICATE_REQUEST,
                    );
                    transcript.add(&cr);
                    io.tx.queue_handshake(&cr);
                }
                // RFC 8879 §3: compress only with an algorithm the client offered.
                let alg = crate::codec::compress::choose(
                    &cfg.cert_compression,
                    o.compress_certificate.unwrap_or(&[]),
                );
                let cert = crate::codec::compress::certificate_message(
                    CertificatePayload {
                        context: Vec::new(),
                        entries: identity
                            .chain
                            .iter()
                            .map(|c| CertificateEntry {
                                cert_data: c.clone(),
                                extensions: Vec::new(),
                            })
                            .collect(),
                    },
                    alg,
                )?;
                transcript.add(&cert);
                io.tx.queue_handshake(&cert);
                let th = transcript.current_hash();
                let content = super::certificate_verify_content(Side::Server, th.as_ref());
                let signature = identity.key.sign(*scheme, &content)?;
                let cv = super::encode(
                    HandshakePayload::CertificateVerify(CertificateVerify {
                        scheme: *scheme,
                        signature,
                    }),
                    HandshakeType::CERTIFICATE_VERIFY,
                );
                transcript.add(&cv);
                io.tx.queue_handshake(&cv);
                io.negotiated.signature_scheme = Some(*scheme);
            }
        }
        let th = transcript.current_hash();
        let fin = server_hs.finished(p.as_ref(), th.as_ref())?;
        let fin_msg = super::encode(
            HandshakePayload::Finished(fin.as_ref().to_vec()),
            HandshakeType::FINISHED,
        );
        transcript.add(&fin_msg);
        io.tx.queue_handshake(&fin_msg);
        let master = hs.into_master(p.as_ref())?;
        let th_server_fin = transcript.current_hash();
        let (client_app, server_app) = master.traffic(p.as_ref(), th_server_fin.as_ref())?;
        io.tx.set_sealer(server_app.sealer(&ctx)?)?;
        io.negotiated.version = Some(ProtocolVersion::TLSV1_3);
        io.negotiated.suite = Some(suite.suite);
        io.negotiated.key_size = suite.aead.key_len();

        let wait = Box::new(AwaitClient {
            config: cfg.clone(),
            ctx,
            transcript,
            client_hs,
            client_app,
            server_app,
            master,
            exporter_hash: th_server_fin,
            cr_schemes,
            client_cert: Vec::new(),
        });
        Ok(if early_max.is_some() {
            State::ExpectEndOfEarlyData(wait)
        } else if wait.cr_schemes.is_empty() {
            State::ExpectFinished(wait)
        } else {
            State::ExpectCertificate(wait)
        })
    }

    /// The PSK to use among the client's identities (RFC 8446 §4.2.11): the
    /// first that is one of our live tickets or a known external PSK and
    /// whose hash some common suite has. Without ticket support, the first
    /// identity is taken as an external one and an unknown one is bound
    /// with a random key, so it fails exactly like a wrong key.
    fn choose_psk(
        &self,
        io: &Io<'_>,
        ch: &ClientHello,
        offered: &OfferedPsks,
    ) -> Result<Option<PskCandidate>, Error> {
        let cfg = &self.config;
        // Tickets never stand for a client certificate (none is issued after
        // one was given), so a server that requires one takes no tickets.
        let resumption = cfg.policy.tickets
            && cfg.tickets.is_some()
            && !matches!(cfg.client_auth, ClientAuth::Require(_));
        if !resumption {
            let Some(store) = cfg.psk_store.as_ref() else {
                return Ok(None);
            };
            let id = offered
                .identities
                .first()
                .ok_or(InvalidMessage::EmptyVector("PSK identities"))?;
            let found = store.lookup(&id.identity);
            return Ok(Some(PskCandidate {
                index: 0,
                identity: id.identity.clone(),
                hash: found.as_ref().map(|k| k.hash),
                key: found.map(|k| k.key),
                external: true,
                ticket: None,
                obfuscated_age: 0,
            }));
        }
        for (i, id) in offered.identities.iter().enumerate() {
            let index =
                u16::try_from(i).map_err(|_| InvalidMessage::InvalidValue("PSK identities"))?;
            let (key, hash, external, ticket) = if let Some(t) =
                tickets::lookup(cfg, io.now, &id.identity)
            {
                let hash = t.hash().ok_or(Error::Unreachable("ticket suite"))?;
                (t.psk.clone(), hash, false, Some(t))
            } else if let Some(k) = cfg.psk_store.as_ref().and_then(|s| s.lookup(&id.identity)) {
                (k.key, k.hash, true, None)
            } else {
                continue;
            };
            // RFC 8446 §4.2.11: the PSK's hash must be the chosen suite's.
            if self.choose_suite(ch, Some(hash)).is_err() {
                continue;
            }
            return Ok(Some(PskCandidate {
                index,
                identity: id.identity.clone(),
                key: Some(key),
                hash: Some(hash),
                external,
                ticket,
                obfuscated_age: id.obfuscated_ticket_age,
            }));
        }
        Ok(None)
    }

    /// RFC 8446 §4.2.10: 0-RTT is accepted only with the first PSK, a ticket
    /// allowing it, the ticket's suite and ALPN, and the anti-replay check
    /// (§8). Returns the byte budget when accepted.
    fn accept_early_data(
        &self,
        io: &Io<'_>,
        auth: &Auth<'_>,
        suite: &'static Tls13Suite,
        alpn: Option<&[u8]>,
    ) -> Option<usize> {
        use crate::session_store::AntiReplay;
        let e = self.config.early_data.as_ref()?;
        let Auth::Psk {
            index: 0,
            ticket: Some(t),
            obfuscated_age,
            binder,
            ..
        } = auth
        else {
            return None;
        };
        let max = t.max_early_data.min(e.max_size);
        if self.retry.is_some() || max == 0 || t.suite != suite.suite || t.alpn.as_deref() != alpn {
            return None;
        }
        let fresh = match &e.anti_replay {
            AntiReplay::SingleUseTickets => t.single_use,
            AntiReplay::Window { seconds, filter } => {
                tickets::age_in_window(t, *obfuscated_age, io.now, *seconds)
                    && filter.first_use(binder, io.now)
            }
        };
        if !fresh {
            return None;
        }
        usize::try_from(max).ok()
    }

    /// The suite: client order unless %SERVER_PRECEDENCE, restricted to
    /// `hash` when a known PSK fixes it.
    fn choose_suite(
        &self,
        ch: &ClientHello,
        hash: Option<crate::provider::HashAlgorithm>,
    ) -> Result<&'static Tls13Suite, Error> {
        let policy = &self.config.policy;
        let usable = |s: &CipherSuite| {
            suites::lookup(*s).is_some_and(|t| hash.is_none_or(|h| h == t.hash))
                && policy.suites.contains(s)
        };
        let chosen = if policy.server_precedence {
            policy
                .suites
                .iter()
                .find(|s| ch.cipher_suites.contains(s) && usable(s))
        } else {
            ch.cipher_suites.iter().find(|s| usable(s))
        };
        chosen
            .and_then(|s| suites::lookup(*s))
            .ok_or_else(|| PeerIncompatible::NoCommonCipherSuite.into())
    }

    fn send_hrr(
        self,
        io: &mut Io<'_>,
        m: &Message,
        ch: &ClientHello,
        suite: &'static Tls13Suite,
        group: NamedGroup,
    ) -> Result<State, Error> {
        let p = self.config.provider.clone();
        let cookie = if self.config.hrr_cookie {
            let mut c = alloc::vec![0u8; 32];
            p.fill_random(&mut c)?;
            Some(c)
        } else {
            None
        };
        let mut exts = alloc::vec![
            HrrExtension::SupportedVersions(ProtocolVersion::TLSV1_3),
            HrrExtension::KeyShare(group),
        ];
        if let Some(c) = &cookie {
            exts.push(HrrExtension::Cookie(c.clone()));
        }
        let hrr = HelloRetryRequest {
            legacy_version: ProtocolVersion::TLSV1_2,
            legacy_session_id_echo: ch.legacy_session_id.clone(),
            cipher_suite: suite.suite,
            extensions: exts,
        };
        let hrr_msg = super::encode(
            HandshakePayload::HelloRetryRequest(hrr),
            HandshakeType::SERVER_HELLO,
        );
        // RFC 8446 §4.4.1: ClientHello1 is replaced by message_hash.
        let mut prior_raw = keys::message_hash(p.as_ref(), suite.hash, &m.raw)?;
        prior_raw.extend_from_slice(&hrr_msg);
        io.tx.queue_handshake(&hrr_msg);
        io.tx.flush_handshake()?;
        if ch
            .extensions
            .iter()
            .any(|e| matches!(e, ClientExtension::EarlyData))
        {
            // RFC 8446 §4.2.10: after HelloRetryRequest, skip the client's
            // 0-RTT records (protected, so unreadable here).
            io.rx.skip_early_data(crate::conn::MAX_REJECTED_EARLY_DATA);
            io.negotiated.early_data = crate::session_store::EarlyDataStatus::Rejected;
        }
        let sent_ccs = self.config.policy.middlebox_compat && !ch.legacy_session_id.is_empty();
        if sent_ccs {
            io.tx.send_ccs()?;
        }
        io.negotiated.hello_retry = true;
        Ok(State::ExpectClientHello(Box::new(ExpectClientHello {
            config: self.config,
            retry: Some(Retry {
                suite,
                group: Some(group),
                cookie,
                prior_raw,
                ch1_random: ch.random,
                ch1_session_id: ch.legacy_session_id.clone(),
                sent_ccs,
            }),
        })))
    }
}

/// RFC 8446 §4.2.8: each share's group must be in supported_groups and
/// appear once. Both lists come from the peer and may hold thousands of
/// entries, so the check sorts instead of comparing every pair (a 64 KiB
/// ClientHello cost seconds of CPU with pairwise scans).
fn check_key_shares(shares: &[KeyShareEntry], groups: &[NamedGroup]) -> Result<(), Error> {
    let mut offered: Vec<u16> = groups.iter().map(|g| g.0).collect();
    offered.sort_unstable();
    let mut shared: Vec<u16> = Vec::with_capacity(shares.len());
    for s in shares {
        if offered.binary_search(&s.group.0).is_err() {
            return Err(PeerMisbehaved::IllegalParameter(
                "key_share group not in supported_groups",
            )
            .into());
        }
        shared.push(s.group.0);
    }
    shared.sort_unstable();
    if shared.windows(2).any(|w| matches!(w, [a, b] if a == b)) {
        return Err(PeerMisbehaved::IllegalParameter("duplicate key_share group").into());
    }
    Ok(())
}

impl AwaitClient {
    fn handle_certificate(
        mut self: Box<Self>,
        io: &mut Io<'_>,
        m: &Message,
        c: &CertificatePayload,
    ) -> Result<State, Error> {
        // RFC 8446 §4.4.2: the context echoes the request's (empty here).
        if !c.context.is_empty() {
            return Err(PeerMisbehaved::IllegalParameter("Certificate context").into());
        }
        self.transcript.add(&m.raw);
        if c.entries.is_empty() {
            // RFC 8446 §4.4.2.4: no certificate; fatal only if required.
            if matches!(self.config.client_auth, ClientAuth::Require(_)) {
                return Err(PeerIncompatible::CertificateRequired.into());
            }
            return Ok(State::ExpectFinished(self));
        }
        if c.entries.len() > self.config.policy.max_chain_len {
            return Err(CertificateError::Other("certificate chain too long").into());
        }
        for e in &c.entries {
            if let Some(x) = e.extensions.first() {
                return Err(PeerMisbehaved::UnsolicitedExtension(x.ext_type().0).into());
            }
        }
        let chain: Vec<Vec<u8>> = c.entries.iter().map(|e| e.cert_data.clone()).collect();
        match &self.config.client_auth {
            ClientAuth::Request(v) | ClientAuth::Require(v) => {
                v.verify_client_cert(&chain, io.now)?
            }
            ClientAuth::None => return Err(PeerMisbehaved::UnexpectedMessage.into()),
        }
        io.negotiated.peer_certificates = chain.clone();
        self.client_cert = chain;
        Ok(State::ExpectCertificateVerify(self))
    }

    fn handle_certificate_verify(
        mut self: Box<Self>,
        io: &mut Io<'_>,
        m: &Message,
        cv: &CertificateVerify,
    ) -> Result<Box<Self>, Error> {
        let th = self.transcript.current_hash();
        super::verify_certificate_verify(
            self.ctx.provider.as_ref(),
            &self.cr_schemes,
            Side::Client,
            th.as_ref(),
            &self.client_cert,
            false,
            cv,
        )?;
        io.negotiated.client_signature_scheme = Some(cv.scheme);
        self.transcript.add(&m.raw);
        Ok(self)
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
        let expected = s.client_hs.finished(p.as_ref(), th.as_ref())?;
        // RFC 8446 §4.4.4: the client's Finished must verify (constant time).
        keys::check_finished(expected.as_ref(), verify_data)?;
        let mut transcript = s.transcript;
        transcript.add(&m.raw);
        {
            let (k, iv) = s.client_app.read_keys(&s.ctx)?;
            io.rx.set_read_keys(k, iv)?
        };
        // Tickets do not carry the client's certificate: a client that
        // authenticated with one gets none, so resumption never stands in
        // for a certificate check.
        if s.config.tickets.is_some() && s.client_cert.is_empty() {
            let th = transcript.current_hash();
            let resumption = s.master.resumption(p.as_ref(), th.as_ref())?;
            tickets::send_tickets(io, &s.config, &s.ctx, &resumption)?;
        }
        let exporter = s.master.exporter(p.as_ref(), s.exporter_hash.as_ref())?;
        let pha = super::pha::Pha::server(
            s.config.clone(),
            transcript,
            io.negotiated.post_handshake_auth,
        );
        Ok(
            PostHandshake::new(Side::Server, s.ctx, s.server_app, s.client_app, exporter)
                .with_pha(pha),
        )
    }
}
