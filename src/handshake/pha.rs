//! Post-handshake client authentication (RFC 8446 §4.2.6, §4.6.2), what
//! GnuTLS calls reauthentication, and the client's Certificate and
//! CertificateVerify flight it shares with the in-handshake answer to a
//! CertificateRequest.
//!
//! Each authentication is an independent exchange over the handshake
//! transcript up to the client's Finished (RFC 8446 §4.4: Handshake Context
//! = ClientHello ... client Finished + CertificateRequest), so both sides
//! keep a copy of that transcript and fork it per request. The Finished
//! that closes the client's answer is keyed by the current client
//! application traffic secret.
//!
//! The server has at most one request outstanding; while the client's
//! answer is partly received (after its Certificate), any other handshake
//! message is unexpected.

use super::keys::{self, AppTraffic, Ctx, Transcript};
use super::{Message, Side};
use crate::codec::compress;
use crate::codec::enums::{
    CertificateCompressionAlgorithm, ExtensionType, HandshakeType, SignatureScheme,
};
use crate::codec::extensions::CrExtension;
use crate::codec::handshake::{
    CertificateEntry, CertificatePayload, CertificateRequest, CertificateVerify, HandshakePayload,
};
use crate::config::{ClientAuth, ClientConfig, Identity, ServerConfig};
use crate::conn::send::Sender;
use crate::error::{ApiMisuse, CertificateError, Error, PeerIncompatible, PeerMisbehaved};
use crate::time::UnixTime;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// Where post-handshake client authentication stands, as the application
/// sees it ([`crate::conn::Connection::reauth_status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReauthStatus {
    /// No post-handshake authentication has happened yet.
    None,
    /// Server: a CertificateRequest was sent and the client's answer has
    /// not completed yet.
    Pending,
    /// The last exchange authenticated the client with a certificate
    /// (server: chain and CertificateVerify verified; client: we sent one).
    Authenticated,
    /// The client answered the last request with an empty Certificate.
    NoCertificate,
}

/// What a CertificateRequest asked for.
pub(crate) struct CrInfo {
    pub(crate) context: Vec<u8>,
    pub(crate) schemes: Vec<SignatureScheme>,
    pub(crate) cert_schemes: Option<Vec<SignatureScheme>>,
    pub(crate) compression: Vec<CertificateCompressionAlgorithm>,
}

/// Reads a CertificateRequest's extensions.
pub(crate) fn parse_cert_request(context: &[u8], exts: &[CrExtension]) -> Result<CrInfo, Error> {
    let mut schemes = None;
    let mut cert_schemes = None;
    let mut compression = Vec::new();
    for e in exts {
        match e {
            CrExtension::SignatureAlgorithms(s) => schemes = Some(s.clone()),
            CrExtension::SignatureAlgorithmsCert(s) => cert_schemes = Some(s.clone()),
            CrExtension::CompressCertificate(a) => compression = a.clone(),
            // RFC 8446 §4.3.2: unknown extensions in CertificateRequest are ignored.
            _ => {}
        }
    }
    // RFC 8446 §4.3.2: signature_algorithms MUST be present.
    let schemes = schemes.ok_or(PeerIncompatible::MissingExtension(
        ExtensionType::SIGNATURE_ALGORITHMS.0,
    ))?;
    Ok(CrInfo {
        context: context.to_vec(),
        schemes,
        cert_schemes,
        compression,
    })
}

/// The algorithms we advertise in compress_certificate: the configured
/// ones this build implements.
pub(crate) fn offered_compression(
    configured: &[CertificateCompressionAlgorithm],
) -> Vec<CertificateCompressionAlgorithm> {
    configured
        .iter()
        .copied()
        .filter(|a| compress::is_supported(*a))
        .collect()
}

/// The client's answer to a CertificateRequest: Certificate (the first
/// identity the request accepts, or empty; compressed when the request
/// allows an algorithm we configured) and, with a certificate, its
/// CertificateVerify. Each message is added to `transcript`; returns the
/// messages and the scheme signed with.
pub(crate) fn client_certificate_flight(
    config: &ClientConfig,
    cr: &CrInfo,
    transcript: &mut Transcript,
) -> Result<(Vec<Vec<u8>>, Option<SignatureScheme>), Error> {
    let ours: Vec<SignatureScheme> = config.policy.tls13_signature_schemes().collect();
    let cert_schemes = cr.cert_schemes.as_deref().unwrap_or(&cr.schemes);
    let chosen: Option<(&Identity, SignatureScheme)> = config.identities.iter().find_map(|id| {
        id.compatible_scheme(&cr.schemes, cert_schemes, &ours)
            .map(|s| (id, s))
    });
    let entries = chosen
        .map(|(id, _)| {
            id.chain
                .iter()
                .map(|c| CertificateEntry {
                    cert_data: c.clone(),
                    extensions: Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    let alg = compress::choose(&config.cert_compression, &cr.compression);
    let cert = compress::certificate_message(
        CertificatePayload {
            context: cr.context.clone(),
            entries,
        },
        alg,
    )?;
    transcript.add(&cert);
    let mut out = alloc::vec![cert];
    let mut scheme = None;
    if let Some((id, s)) = chosen {
        let th = transcript.current_hash();
        let content = super::certificate_verify_content(Side::Client, th.as_ref());
        let signature = id.key.sign(s, &content)?;
        let cv = super::encode(
            HandshakePayload::CertificateVerify(CertificateVerify {
                scheme: s,
                signature,
            }),
            HandshakeType::CERTIFICATE_VERIFY,
        );
        transcript.add(&cv);
        out.push(cv);
        scheme = Some(s);
    }
    Ok((out, scheme))
}

/// What one completed exchange changed, for the connection's
/// [`crate::conn::Negotiated`].
pub(crate) struct Outcome {
    /// The client's verified chain (server side; empty when it sent none).
    pub(crate) chain: Vec<Vec<u8>>,
    /// The scheme of the client's CertificateVerify, if any.
    pub(crate) scheme: Option<SignatureScheme>,
}

/// Either side's post-handshake authentication state.
pub(crate) struct Pha {
    role: Role,
    status: ReauthStatus,
    count: u64,
    outcome: Option<Outcome>,
}

enum Role {
    Client(ClientPha),
    Server(ServerPha),
}

struct ClientPha {
    config: Arc<ClientConfig>,
    /// ClientHello ... client Finished.
    base: Transcript,
}

struct ServerPha {
    config: Arc<ServerConfig>,
    base: Transcript,
    /// The client sent post_handshake_auth.
    offered: bool,
    pending: Option<Pending>,
    requests: u64,
}

/// An outstanding CertificateRequest.
struct Pending {
    context: Vec<u8>,
    transcript: Transcript,
    step: Step,
    chain: Vec<Vec<u8>>,
    scheme: Option<SignatureScheme>,
    now: UnixTime,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Certificate,
    CertificateVerify,
    Finished,
}

impl Pha {
    /// The client's side; `base` is the transcript through its Finished.
    pub(crate) fn client(config: Arc<ClientConfig>, base: Transcript) -> Self {
        Self::new(Role::Client(ClientPha { config, base }))
    }

    /// The server's side; `offered` says whether the client sent
    /// post_handshake_auth.
    pub(crate) fn server(config: Arc<ServerConfig>, base: Transcript, offered: bool) -> Self {
        Self::new(Role::Server(ServerPha {
            config,
            base,
            offered,
            pending: None,
            requests: 0,
        }))
    }

    fn new(role: Role) -> Self {
        Self {
            role,
            status: ReauthStatus::None,
            count: 0,
            outcome: None,
        }
    }

    pub(crate) fn status(&self) -> ReauthStatus {
        self.status
    }

    /// Completed exchanges.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    pub(crate) fn take_outcome(&mut self) -> Option<Outcome> {
        self.outcome.take()
    }

    /// True while the server has part of the client's answer: only the
    /// rest of that answer may come now.
    pub(crate) fn mid_answer(&self) -> bool {
        matches!(&self.role, Role::Server(s)
            if s.pending.as_ref().is_some_and(|p| p.step != Step::Certificate))
    }

    /// Server: sends a CertificateRequest with a fresh context.
    pub(crate) fn request(
        &mut self,
        ctx: &Ctx,
        tx: &mut Sender,
        now: UnixTime,
    ) -> Result<(), Error> {
        let Role::Server(s) = &mut self.role else {
            return Err(
                ApiMisuse::WrongState("only a server requests client authentication").into(),
            );
        };
        // RFC 8446 §4.6.2: never to a client that did not offer post_handshake_auth.
        if !s.offered {
            return Err(
                ApiMisuse::WrongState("the client did not offer post_handshake_auth").into(),
            );
        }
        let verifier = match &s.config.client_auth {
            ClientAuth::Request(v) | ClientAuth::Require(v) => v,
            ClientAuth::None => {
                return Err(ApiMisuse::WrongState("no client certificate verifier").into());
            }
        };
        if s.pending.is_some() {
            return Err(ApiMisuse::WrongState("client authentication already pending").into());
        }
        // RFC 8446 §4.3.2: the context MUST be unique within the connection:
        // a counter makes it unique, random bytes make it unpredictable.
        s.requests = s.requests.saturating_add(1);
        let mut context = s.requests.to_be_bytes().to_vec();
        let mut random = [0u8; 8];
        ctx.provider.fill_random(&mut random)?;
        context.extend_from_slice(&random);
        let policy = &s.config.policy;
        let mut exts = alloc::vec![CrExtension::SignatureAlgorithms(
            policy.signature_schemes.clone()
        )];
        let roots = verifier.root_subjects();
        if !roots.is_empty() {
            exts.push(CrExtension::CertificateAuthorities(roots));
        }
        let algs = offered_compression(&s.config.cert_compression);
        if !algs.is_empty() {
            exts.push(CrExtension::CompressCertificate(algs));
        }
        let cr = super::encode(
            HandshakePayload::CertificateRequest(CertificateRequest {
                context: context.clone(),
                extensions: exts,
            }),
            HandshakeType::CERTIFICATE_REQUEST,
        );
        let mut transcript = s.base.fork();
        transcript.add(&cr);
        tx.queue_handshake(&cr);
        tx.flush_handshake()?;
        s.pending = Some(Pending {
            context,
            transcript,
            step: Step::Certificate,
            chain: Vec::new(),
            scheme: None,
            now,
        });
        self.status = ReauthStatus::Pending;
        Ok(())
    }

    /// Handles CertificateRequest (client) or the client's answer (server).
    /// `ours` and `theirs` are the current application traffic secrets.
    pub(crate) fn handle(
        &mut self,
        ctx: &Ctx,
        ours: &AppTraffic,
        theirs: &AppTraffic,
        tx: &mut Sender,
        m: &Message,
    ) -> Result<(), Error> {
        match &mut self.role {
            Role::Client(c) => {
                let HandshakePayload::CertificateRequest(cr) = &m.msg.payload else {
                    return Err(PeerMisbehaved::UnexpectedMessage.into());
                };
                // RFC 8446 §4.6.2: a CertificateRequest without our
                // post_handshake_auth is unexpected_message.
                if !c.config.post_handshake_auth {
                    return Err(PeerMisbehaved::UnexpectedMessage.into());
                }
                let info = parse_cert_request(&cr.context, &cr.extensions)?;
                let mut transcript = c.base.fork();
                transcript.add(&m.raw);
                let (msgs, scheme) = client_certificate_flight(&c.config, &info, &mut transcript)?;
                for msg in &msgs {
                    tx.queue_handshake(msg);
                }
                let th = transcript.current_hash();
                let fin = ours.finished(ctx.provider.as_ref(), th.as_ref())?;
                let fin = super::encode(
                    HandshakePayload::Finished(fin.as_ref().to_vec()),
                    HandshakeType::FINISHED,
                );
                tx.queue_handshake(&fin);
                tx.flush_handshake()?;
                self.finish(Outcome {
                    chain: Vec::new(),
                    scheme,
                });
                Ok(())
            }
            Role::Server(s) => {
                if let Some(outcome) = s.handle(ctx, theirs, m)? {
                    self.finish(outcome);
                }
                Ok(())
            }
        }
    }

    fn finish(&mut self, outcome: Outcome) {
        self.status = if outcome.scheme.is_some() {
            ReauthStatus::Authenticated
        } else {
            ReauthStatus::NoCertificate
        };
        self.count = self.count.saturating_add(1);
        self.outcome = Some(outcome);
    }
}

impl ServerPha {
    /// One message of the client's answer; returns the chain and scheme
    /// once its Finished has verified.
    fn handle(
        &mut self,
        ctx: &Ctx,
        theirs: &AppTraffic,
        m: &Message,
    ) -> Result<Option<Outcome>, Error> {
        let p = self
            .pending
            .as_mut()
            .ok_or(PeerMisbehaved::UnexpectedMessage)?;
        let cfg = &self.config;
        match (&m.msg.payload, p.step) {
            (
                HandshakePayload::Certificate(_) | HandshakePayload::CompressedCertificate(_),
                Step::Certificate,
            ) => {
                let decompressed;
                let c = match &m.msg.payload {
                    HandshakePayload::CompressedCertificate(cc) => {
                        decompressed = compress::decode_compressed(
                            cc,
                            &offered_compression(&cfg.cert_compression),
                            cfg.policy.max_handshake_message,
                        )?;
                        &decompressed
                    }
                    HandshakePayload::Certificate(c) => c,
                    _ => return Err(Error::Unreachable("matched above")),
                };
                // RFC 8446 §4.4.2: the context echoes the request's.
                if c.context != p.context {
                    return Err(PeerMisbehaved::IllegalParameter("Certificate context").into());
                }
                p.transcript.add(&m.raw);
                if c.entries.is_empty() {
                    // RFC 8446 §4.4.2.4: no certificate; fatal only if required.
                    if matches!(cfg.client_auth, ClientAuth::Require(_)) {
                        return Err(PeerIncompatible::CertificateRequired.into());
                    }
                    p.step = Step::Finished;
                    return Ok(None);
                }
                if c.entries.len() > cfg.policy.max_chain_len {
                    return Err(CertificateError::Other("certificate chain too long").into());
                }
                if let Some(x) = c.entries.iter().find_map(|e| e.extensions.first()) {
                    return Err(PeerMisbehaved::UnsolicitedExtension(x.ext_type().0).into());
                }
                let chain: Vec<Vec<u8>> = c.entries.iter().map(|e| e.cert_data.clone()).collect();
                match &cfg.client_auth {
                    ClientAuth::Request(v) | ClientAuth::Require(v) => {
                        v.verify_client_cert(&chain, p.now)?
                    }
                    ClientAuth::None => return Err(PeerMisbehaved::UnexpectedMessage.into()),
                }
                p.chain = chain;
                p.step = Step::CertificateVerify;
                Ok(None)
            }
            (HandshakePayload::CertificateVerify(cv), Step::CertificateVerify) => {
                let th = p.transcript.current_hash();
                let offered: Vec<SignatureScheme> = cfg.policy.tls13_signature_schemes().collect();
                super::verify_certificate_verify(
                    ctx.provider.as_ref(),
                    &offered,
                    Side::Client,
                    th.as_ref(),
                    &p.chain,
                    false,
                    cv,
                )?;
                p.transcript.add(&m.raw);
                p.scheme = Some(cv.scheme);
                p.step = Step::Finished;
                Ok(None)
            }
            (HandshakePayload::Finished(verify_data), Step::Finished) => {
                let th = p.transcript.current_hash();
                let expected = theirs.finished(ctx.provider.as_ref(), th.as_ref())?;
                // RFC 8446 §4.4.4: the client's Finished must verify (constant time).
                keys::check_finished(expected.as_ref(), verify_data)?;
                let done = self.pending.take().ok_or(Error::Unreachable("pending"))?;
                Ok(Some(Outcome {
                    chain: done.chain,
                    scheme: done.scheme,
                }))
            }
            _ => Err(PeerMisbehaved::UnexpectedMessage.into()),
        }
    }
}
