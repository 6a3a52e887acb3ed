//! The TLS 1.3 handshake: client and server state machines and what they
//! share (message plumbing, CertificateVerify content, key-share kinds,
//! post-handshake messages).
//!
//! Each side is an enum of per-state structs that own exactly the data
//! valid in that state; a message moves the machine by value to its next
//! state, so a state can never be re-entered with stale secrets.

pub(crate) mod client;
pub(crate) mod keys;
pub(crate) mod pha;
pub(crate) mod post;
pub(crate) mod server;
pub(crate) mod tickets;

use crate::codec::Codec;
use crate::codec::enums::{HandshakeType, NamedGroup, SignatureScheme};
use crate::codec::handshake::{HandshakeMessage, HandshakePayload};
use crate::conn::Negotiated;
use crate::conn::receive::Receiver;
use crate::conn::send::Sender;
use crate::error::{CertificateError, CryptoError, Error, PeerMisbehaved};
use crate::provider::{CryptoProvider, SignatureAlgorithm};
use crate::time::UnixTime;
use alloc::vec::Vec;

pub(crate) use post::PostHandshake;

/// Which end of the connection we are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The TLS client.
    Client,
    /// The TLS server.
    Server,
}

/// A received handshake message: its exact bytes (for the transcript) and
/// its decoded form.
#[derive(Debug)]
pub(crate) struct Message {
    pub(crate) raw: Vec<u8>,
    pub(crate) msg: HandshakeMessage,
}

/// What a state handler may touch: the record layer and the negotiated
/// parameters, and the caller's notion of now.
pub(crate) struct Io<'a> {
    pub(crate) tx: &'a mut Sender,
    pub(crate) rx: &'a mut Receiver,
    pub(crate) negotiated: &'a mut Negotiated,
    pub(crate) now: UnixTime,
    /// Set once a PSK is accepted: `early_exporter_master_secret`
    /// (RFC 8446 §7.5), usable before the handshake completes.
    pub(crate) early_exporter: &'a mut Option<keys::EarlyExporter>,
}

/// The result of handling one message.
pub(crate) enum Next {
    /// Still handshaking.
    Continue(HandshakeState),
    /// The handshake completed.
    Done(alloc::boxed::Box<PostHandshake>),
}

/// Both sides' handshake states.
pub(crate) enum HandshakeState {
    Client(client::State),
    Server(server::State),
}

impl HandshakeState {
    /// Lets a state produce output before any input (the ClientHello).
    pub(crate) fn start(self, io: &mut Io<'_>) -> Result<Self, Error> {
        match self {
            HandshakeState::Client(s) => s.start(io).map(HandshakeState::Client),
            s @ HandshakeState::Server(_) => Ok(s),
        }
    }

    /// Sets the client's 0-RTT data; false once the ClientHello is built.
    pub(crate) fn set_early_data(&mut self, data: &[u8]) -> bool {
        match self {
            HandshakeState::Client(s) => s.set_early_data(data),
            HandshakeState::Server(_) => false,
        }
    }

    pub(crate) fn handle(self, io: &mut Io<'_>, m: &Message) -> Result<Next, Error> {
        match self {
            HandshakeState::Client(s) => s.handle(io, m),
            HandshakeState::Server(s) => s.handle(io, m),
        }
    }
}

/// Encodes a handshake message.
pub(crate) fn encode(payload: HandshakePayload, typ: HandshakeType) -> Vec<u8> {
    HandshakeMessage { typ, payload }.get_encoding()
}

/// The content a CertificateVerify signs (RFC 8446 §4.4.3).
pub(crate) fn certificate_verify_content(side: Side, transcript_hash: &[u8]) -> Vec<u8> {
    let context: &[u8] = match side {
        Side::Server => b"TLS 1.3, server CertificateVerify",
        Side::Client => b"TLS 1.3, client CertificateVerify",
    };
    let mut out = Vec::with_capacity(64 + context.len() + 1 + transcript_hash.len());
    out.extend_from_slice(&[0x20; 64]);
    out.extend_from_slice(context);
    out.push(0);
    out.extend_from_slice(transcript_hash);
    out
}

/// Checks a peer's CertificateVerify: the scheme must be one we offered
/// and allowed in TLS 1.3, and the signature by `signer` over the
/// transcript hash must verify with the key of `chain`'s leaf.
/// `leaf_decoded` says a verifier already decoded that leaf in full
/// ([`crate::verify::ServerCertVerifier::decodes_leaf`]), so its key is
/// found without decoding it again.
pub(crate) fn verify_certificate_verify(
    provider: &dyn CryptoProvider,
    offered: &[SignatureScheme],
    signer: Side,
    transcript_hash: &[u8],
    chain: &[Vec<u8>],
    leaf_decoded: bool,
    cv: &crate::codec::handshake::CertificateVerify,
) -> Result<(), Error> {
    let (scheme, signature) = (cv.scheme, cv.signature.as_slice());
    let leaf = chain
        .first()
        .ok_or(Error::Unreachable("certificate before CertificateVerify"))?;
    let content = certificate_verify_content(signer, transcript_hash);
    // RFC 8446 §4.4.3: PKCS#1 v1.5 and SHA-1 are not allowed here.
    let alg = SignatureAlgorithm::for_tls13_scheme(scheme).ok_or(
        PeerMisbehaved::IllegalParameter("CertificateVerify scheme not allowed in TLS 1.3"),
    )?;
    // RFC 8446 §4.4.3: the scheme MUST be one offered in signature_algorithms.
    if !offered.contains(&scheme) {
        return Err(
            PeerMisbehaved::IllegalParameter("CertificateVerify scheme not offered").into(),
        );
    }
    let decoded = leaf_decoded
        .then(|| crate::x509::spki_of_decoded(leaf))
        .flatten();
    let spki = match decoded {
        Some(spki) => spki,
        None => crate::x509::summarize(leaf)?.spki,
    };
    match provider.verify_signature(alg, spki, &content, signature) {
        Ok(()) => Ok(()),
        Err(CryptoError::BadSignature) => Err(PeerMisbehaved::BadSignature.into()),
        // The key does not fit the scheme it claims (e.g. a P-384 key for
        // ecdsa_secp256r1_sha256): the signature cannot be valid.
        Err(CryptoError::InvalidKey) => Err(PeerMisbehaved::BadSignature.into()),
        Err(CryptoError::Unsupported) => Err(CertificateError::UnsupportedAlgorithm.into()),
        Err(e) => Err(e.into()),
    }
}

/// Families of key-exchange groups: a client sends at most one share of
/// each of its top two families (as GnuTLS does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupKind {
    PostQuantum,
    Elliptic,
    FiniteField,
}

pub(crate) fn group_kind(g: NamedGroup) -> GroupKind {
    match g {
        NamedGroup::X25519MLKEM768
        | NamedGroup::SECP256R1MLKEM768
        | NamedGroup::SECP384R1MLKEM1024
        | NamedGroup::MLKEM768
        | NamedGroup::MLKEM1024 => GroupKind::PostQuantum,
        NamedGroup::FFDHE2048
        | NamedGroup::FFDHE3072
        | NamedGroup::FFDHE4096
        | NamedGroup::FFDHE6144
        | NamedGroup::FFDHE8192 => GroupKind::FiniteField,
        _ => GroupKind::Elliptic,
    }
}

/// The groups a client sends shares for: the first, then the first of
/// another kind, up to `max` shares.
pub(crate) fn initial_share_groups(groups: &[NamedGroup], max: usize) -> Vec<NamedGroup> {
    let mut out: Vec<NamedGroup> = Vec::new();
    for g in groups {
        if out.len() >= max {
            break;
        }
        if out.iter().all(|o| group_kind(*o) != group_kind(*g)) {
            out.push(*g);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_groups_take_two_kinds() {
        let g = [
            NamedGroup::X25519MLKEM768,
            NamedGroup::SECP256R1MLKEM768,
            NamedGroup::X25519,
            NamedGroup::SECP256R1,
        ];
        assert_eq!(
            initial_share_groups(&g, 2),
            [NamedGroup::X25519MLKEM768, NamedGroup::X25519]
        );
        assert_eq!(initial_share_groups(&g, 1), [NamedGroup::X25519MLKEM768]);
        let g = [
            NamedGroup::X25519,
            NamedGroup::SECP256R1,
            NamedGroup::FFDHE2048,
        ];
        assert_eq!(
            initial_share_groups(&g, 2),
            [NamedGroup::X25519, NamedGroup::FFDHE2048]
        );
    }

    #[test]
    fn certificate_verify_content_layout() {
        let c = certificate_verify_content(Side::Server, &[0xab; 32]);
        assert_eq!(&c[..64], &[0x20; 64]);
        assert_eq!(&c[64..97], b"TLS 1.3, server CertificateVerify");
        assert_eq!(c[97], 0);
        assert_eq!(&c[98..], &[0xab; 32]);
    }
}
