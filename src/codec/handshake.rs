//! TLS 1.3 handshake messages (RFC 8446 §4): owned structs for every message,
//! the handshake header (1-byte type, 24-bit length), HelloRetryRequest
//! recognition by its magic random, and the PSK binder split of a
//! ClientHello (RFC 8446 §4.2.11.2).
//!
//! Decoding consumes each body exactly and keeps extensions in received
//! order, so `encode(decode(bytes)) == bytes` for every valid message; the
//! per-extension rules live in [`super::extensions`]. Semantic checks that
//! need connection state (versions offered, groups chosen, ...) belong to the
//! handshake layer.

use super::enums::{
    CertificateCompressionAlgorithm, CipherSuite, ExtensionType, HandshakeType, KeyUpdateRequest,
    NamedGroup, ProtocolVersion, PskKeyExchangeMode, SignatureScheme,
};
use super::extensions::{
    CertEntryExtension, ClientExtension, CrExtension, EeExtension, HrrExtension, KeyShareEntry,
    NstExtension, OfferedPsks, ServerExtension, find, put_block, put_list, put_opaque, read_block,
    read_list, read_opaque, read_server_hello_block,
};
use super::reader::{Codec, LengthPrefix, Reader, put_prefixed, put_u24, put_u32};
use crate::error::InvalidMessage;
use alloc::vec::Vec;

/// The random of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3).
pub const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// Longest legacy_session_id (`opaque legacy_session_id<0..32>`, RFC 8446 §4.1.2).
const MAX_SESSION_ID_LEN: usize = 32;

fn read_random(r: &mut Reader<'_>) -> Result<[u8; 32], InvalidMessage> {
    <[u8; 32]>::try_from(r.take_or(32, "random")?)
        .map_err(|_| InvalidMessage::MissingData("random"))
}

fn read_session_id(r: &mut Reader<'_>, what: &'static str) -> Result<Vec<u8>, InvalidMessage> {
    let id = read_opaque(r, LengthPrefix::U8, what, false)?;
    // RFC 8446 §4.1.2 / §4.1.3: legacy_session_id<0..32>.
    if id.len() > MAX_SESSION_ID_LEN {
        return Err(InvalidMessage::InvalidLength(what));
    }
    Ok(id)
}

/// Appends one handshake message: `typ`, a 24-bit length, then what `body` writes.
pub fn encode_handshake(typ: HandshakeType, body: impl FnOnce(&mut Vec<u8>), out: &mut Vec<u8>) {
    typ.encode(out);
    put_prefixed(out, LengthPrefix::U24, body);
}

// ---------------------------------------------------------------------------
// ClientHello.

/// ClientHello (RFC 8446 §4.1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello {
    /// legacy_version (0x0303 from TLS 1.3 clients).
    pub legacy_version: ProtocolVersion,
    /// The client's 32 random bytes.
    pub random: [u8; 32],
    /// legacy_session_id (at most 32 bytes).
    pub legacy_session_id: Vec<u8>,
    /// Offered cipher suites, in preference order (non-empty).
    pub cipher_suites: Vec<CipherSuite>,
    /// legacy_compression_methods (non-empty; TLS 1.3 requires exactly `[0]`).
    pub compression_methods: Vec<u8>,
    /// Extensions in received order; pre_shared_key, if present, is last.
    pub extensions: Vec<ClientExtension>,
}

impl<'a> Codec<'a> for ClientHello {
    fn encode(&self, out: &mut Vec<u8>) {
        self.legacy_version.encode(out);
        out.extend_from_slice(&self.random);
        put_opaque(out, LengthPrefix::U8, &self.legacy_session_id);
        put_list(out, LengthPrefix::U16, &self.cipher_suites);
        put_opaque(out, LengthPrefix::U8, &self.compression_methods);
        put_block(out, &self.extensions);
    }

    /// Reads a ClientHello body. When `r` ends right after the compression
    /// methods (a TLS 1.2 ClientHello without extensions, which RFC 8446
    /// §4.1.2 lets a server see), the extensions are empty; such a hello
    /// re-encodes with an empty extension block.
    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
        let legacy_version = ProtocolVersion::read(r)?;
        let random = read_random(r)?;
        let legacy_session_id = read_session_id(r, "legacy_session_id")?;
        // RFC 8446 §4.1.2: cipher_suites<2..2^16-2>, legacy_compression_methods<1..2^8-1>.
        let cipher_suites = read_list(r, LengthPrefix::U16, "cipher_suites", true)?;
        let compression_methods =
            read_opaque(r, LengthPrefix::U8, "legacy_compression_methods", true)?;
        let extensions = if r.is_empty() {
            Vec::new()
        } else {
            read_block(r)?
        };
        Ok(Self {
            legacy_version,
            random,
            legacy_session_id,
            cipher_suites,
            compression_methods,
            extensions,
        })
    }
}

impl ClientHello {
    /// The extension of type `typ`, if offered.
    pub fn find(&self, typ: ExtensionType) -> Option<&ClientExtension> {
        find(&self.extensions, typ)
    }

    /// True when an extension of type `typ` was offered.
    pub fn has(&self, typ: ExtensionType) -> bool {
        self.find(typ).is_some()
    }

    /// server_name: the host name (raw bytes as sent).
    pub fn server_name(&self) -> Option<&[u8]> {
        self.extensions.iter().find_map(|e| match e {
            ClientExtension::ServerName(n) => Some(n.as_slice()),
            _ => None,
        })
    }

    /// supported_groups.
    pub fn supported_groups(&self) -> Option<&[NamedGroup]> {
        self.extensions.iter().find_map(|e| match e {
            ClientExtension::SupportedGroups(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// signature_algorithms.
    pub fn signature_algorithms(&self) -> Option<&[SignatureScheme]> {
        self.extensions.iter().find_map(|e| match e {
            ClientExtension::SignatureAlgorithms(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// signature_algorithms_cert.
    pub fn signature_algorithms_cert(&self) -> Option<&[SignatureScheme]> {
        self.extensions.iter().find_map(|e| match e {
            ClientExtension::SignatureAlgorithmsCert(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// application_layer_protocol_negotiation: the offered protocol names.
    pub fn alpn(&self) -> Option<&[Vec<u8>]> {
        self.extensions.iter().find_map(|e| match e {
            ClientExtension::Alpn(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// supported_versions.
    pub fn supported_versions(&self) -> Option<&[ProtocolVersion]> {
        self.extensions.iter().find_map(|e| match e {
            ClientExtension::SupportedVersions(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// key_share: the client's shares (possibly empty).
    pub fn key_shares(&self) -> Option<&[KeyShareEntry]> {
        self.extensions.iter().find_map(|e| match e {
            ClientExtension::KeyShare(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// psk_key_exchange_modes.
    pub fn psk_modes(&self) -> Option<&[PskKeyExchangeMode]> {
        self.extensions.iter().find_map(|e| match e {
            ClientExtension::PskKeyExchangeModes(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// pre_shared_key: the offered PSKs.
    pub fn psk(&self) -> Option<&OfferedPsks> {
        self.extensions.iter().find_map(|e| match e {
            ClientExtension::PreSharedKey(p) => Some(p),
            _ => None,
        })
    }

    /// pre_shared_key, mutably: a client fills in its binders through this.
    pub fn psk_mut(&mut self) -> Option<&mut OfferedPsks> {
        self.extensions.iter_mut().find_map(|e| match e {
            ClientExtension::PreSharedKey(p) => Some(p),
            _ => None,
        })
    }

    /// True when early_data was offered.
    pub fn early_data(&self) -> bool {
        self.has(ExtensionType::EARLY_DATA)
    }

    /// cookie echoed from a HelloRetryRequest.
    pub fn cookie(&self) -> Option<&[u8]> {
        self.extensions.iter().find_map(|e| match e {
            ClientExtension::Cookie(c) => Some(c.as_slice()),
            _ => None,
        })
    }

    /// record_size_limit (RFC 8449).
    pub fn record_size_limit(&self) -> Option<u16> {
        self.extensions.iter().find_map(|e| match e {
            ClientExtension::RecordSizeLimit(v) => Some(*v),
            _ => None,
        })
    }

    /// certificate_authorities: DER distinguished names.
    pub fn certificate_authorities(&self) -> Option<&[Vec<u8>]> {
        self.extensions.iter().find_map(|e| match e {
            ClientExtension::CertificateAuthorities(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// True when post_handshake_auth was offered.
    pub fn post_handshake_auth(&self) -> bool {
        self.has(ExtensionType::POST_HANDSHAKE_AUTH)
    }

    /// compress_certificate (RFC 8879).
    pub fn compress_certificate(&self) -> Option<&[CertificateCompressionAlgorithm]> {
        self.extensions.iter().find_map(|e| match e {
            ClientExtension::CompressCertificate(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// status_request: the raw CertificateStatusRequest.
    pub fn status_request(&self) -> Option<&[u8]> {
        self.extensions.iter().find_map(|e| match e {
            ClientExtension::StatusRequest(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// The encoded length of the binders list (its 2-byte length included)
    /// when pre_shared_key is the last extension, which is where a valid
    /// ClientHello carries it. The partial ClientHello that binders are
    /// computed over (RFC 8446 §4.2.11.2) is the encoded handshake message
    /// minus this many trailing bytes.
    pub fn binders_len(&self) -> Option<usize> {
        match self.extensions.last() {
            Some(ClientExtension::PreSharedKey(p)) => Some(p.binders_len()),
            _ => None,
        }
    }
}

/// For an encoded ClientHello handshake message (header included), the
/// length of the partial ClientHello that PSK binders are computed over:
/// every byte up to, not including, the binders list and its 2-byte length
/// (RFC 8446 §4.2.11.2). `None` when the bytes are not exactly one valid
/// ClientHello or it offers no PSK.
pub fn client_hello_binder_split(encoded_msg: &[u8]) -> Option<usize> {
    let msg = HandshakeMessage::read_bytes(encoded_msg).ok()?;
    match &msg.payload {
        // The decoder consumed the message exactly and pre_shared_key is last,
        // so the binders list is the message's tail.
        HandshakePayload::ClientHello(ch) => encoded_msg.len().checked_sub(ch.binders_len()?),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// ServerHello and HelloRetryRequest.

/// ServerHello (RFC 8446 §4.1.3), other than a HelloRetryRequest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    /// legacy_version (0x0303 from TLS 1.3 servers).
    pub legacy_version: ProtocolVersion,
    /// The server's 32 random bytes (never [`HRR_RANDOM`]).
    pub random: [u8; 32],
    /// legacy_session_id_echo (at most 32 bytes).
    pub legacy_session_id_echo: Vec<u8>,
    /// The selected cipher suite.
    pub cipher_suite: CipherSuite,
    /// legacy_compression_method (TLS 1.3 requires 0; the handshake layer checks).
    pub compression_method: u8,
    /// Extensions in received order.
    pub extensions: Vec<ServerExtension>,
}

impl ServerHello {
    fn read_rest(
        r: &mut Reader<'_>,
        legacy_version: ProtocolVersion,
        random: [u8; 32],
    ) -> Result<Self, InvalidMessage> {
        let legacy_session_id_echo = read_session_id(r, "legacy_session_id_echo")?;
        let cipher_suite = CipherSuite::read(r)?;
        let compression_method = r.u8("legacy_compression_method")?;
        // A TLS 1.2 ServerHello may end here; the handshake layer then sees no
        // supported_versions and answers protocol_version.
        let extensions = if r.is_empty() {
            Vec::new()
        } else {
            read_server_hello_block(r)?
        };
        Ok(Self {
            legacy_version,
            random,
            legacy_session_id_echo,
            cipher_suite,
            compression_method,
            extensions,
        })
    }

    /// The extension of type `typ`, if present.
    pub fn find(&self, typ: ExtensionType) -> Option<&ServerExtension> {
        find(&self.extensions, typ)
    }

    /// supported_versions: the selected version. `None` means TLS 1.2 or older.
    pub fn supported_version(&self) -> Option<ProtocolVersion> {
        self.extensions.iter().find_map(|e| match e {
            ServerExtension::SupportedVersions(v) => Some(*v),
            _ => None,
        })
    }

    /// key_share: the server's share.
    pub fn key_share(&self) -> Option<&KeyShareEntry> {
        self.extensions.iter().find_map(|e| match e {
            ServerExtension::KeyShare(k) => Some(k),
            _ => None,
        })
    }

    /// pre_shared_key: the index of the identity the server selected.
    pub fn selected_identity(&self) -> Option<u16> {
        self.extensions.iter().find_map(|e| match e {
            ServerExtension::PreSharedKey(i) => Some(*i),
            _ => None,
        })
    }
}

impl<'a> Codec<'a> for ServerHello {
    fn encode(&self, out: &mut Vec<u8>) {
        self.legacy_version.encode(out);
        out.extend_from_slice(&self.random);
        put_opaque(out, LengthPrefix::U8, &self.legacy_session_id_echo);
        self.cipher_suite.encode(out);
        out.push(self.compression_method);
        put_block(out, &self.extensions);
    }

    /// Reads a ServerHello body; a HelloRetryRequest (its random is
    /// [`HRR_RANDOM`]) is refused here: decode it as a [`HandshakeMessage`]
    /// or a [`HelloRetryRequest`]. Like [`ClientHello::read`], a body that
    /// ends after the compression method has no extensions.
    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
        let legacy_version = ProtocolVersion::read(r)?;
        let random = read_random(r)?;
        if random == HRR_RANDOM {
            return Err(InvalidMessage::InvalidValue("server_hello random"));
        }
        Self::read_rest(r, legacy_version, random)
    }
}

/// HelloRetryRequest: a ServerHello whose random is [`HRR_RANDOM`] (RFC 8446 §4.1.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelloRetryRequest {
    /// legacy_version (0x0303).
    pub legacy_version: ProtocolVersion,
    /// legacy_session_id_echo (at most 32 bytes).
    pub legacy_session_id_echo: Vec<u8>,
    /// The selected cipher suite.
    pub cipher_suite: CipherSuite,
    /// Extensions in received order.
    pub extensions: Vec<HrrExtension>,
}

impl HelloRetryRequest {
    fn read_rest(
        r: &mut Reader<'_>,
        legacy_version: ProtocolVersion,
    ) -> Result<Self, InvalidMessage> {
        let legacy_session_id_echo = read_session_id(r, "legacy_session_id_echo")?;
        let cipher_suite = CipherSuite::read(r)?;
        // RFC 8446 §4.1.3: legacy_compression_method MUST have the value 0.
        if r.u8("legacy_compression_method")? != 0 {
            return Err(InvalidMessage::InvalidValue("legacy_compression_method"));
        }
        let extensions = read_block(r)?;
        Ok(Self {
            legacy_version,
            legacy_session_id_echo,
            cipher_suite,
            extensions,
        })
    }

    /// The extension of type `typ`, if present.
    pub fn find(&self, typ: ExtensionType) -> Option<&HrrExtension> {
        find(&self.extensions, typ)
    }

    /// supported_versions: the selected version.
    pub fn supported_version(&self) -> Option<ProtocolVersion> {
        self.extensions.iter().find_map(|e| match e {
            HrrExtension::SupportedVersions(v) => Some(*v),
            _ => None,
        })
    }

    /// key_share: the group the client must send a share for.
    pub fn selected_group(&self) -> Option<NamedGroup> {
        self.extensions.iter().find_map(|e| match e {
            HrrExtension::KeyShare(g) => Some(*g),
            _ => None,
        })
    }

    /// cookie the client must echo.
    pub fn cookie(&self) -> Option<&[u8]> {
        self.extensions.iter().find_map(|e| match e {
            HrrExtension::Cookie(c) => Some(c.as_slice()),
            _ => None,
        })
    }
}

impl<'a> Codec<'a> for HelloRetryRequest {
    fn encode(&self, out: &mut Vec<u8>) {
        self.legacy_version.encode(out);
        out.extend_from_slice(&HRR_RANDOM);
        put_opaque(out, LengthPrefix::U8, &self.legacy_session_id_echo);
        self.cipher_suite.encode(out);
        out.push(0);
        put_block(out, &self.extensions);
    }

    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
        let legacy_version = ProtocolVersion::read(r)?;
        if read_random(r)? != HRR_RANDOM {
            return Err(InvalidMessage::InvalidValue("hello_retry_request random"));
        }
        Self::read_rest(r, legacy_version)
    }
}

// ---------------------------------------------------------------------------
// Server parameters and authentication.

/// EncryptedExtensions (RFC 8446 §4.3.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EncryptedExtensions {
    /// Extensions in received order.
    pub extensions: Vec<EeExtension>,
}

impl<'a> Codec<'a> for EncryptedExtensions {
    fn encode(&self, out: &mut Vec<u8>) {
        put_block(out, &self.extensions);
    }
    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
        Ok(Self {
            extensions: read_block(r)?,
        })
    }
}

impl EncryptedExtensions {
    /// The extension of type `typ`, if present.
    pub fn find(&self, typ: ExtensionType) -> Option<&EeExtension> {
        find(&self.extensions, typ)
    }

    /// True when the server acknowledged the client's server_name.
    pub fn server_name_ack(&self) -> bool {
        self.find(ExtensionType::SERVER_NAME).is_some()
    }

    /// supported_groups: the server's preference.
    pub fn supported_groups(&self) -> Option<&[NamedGroup]> {
        self.extensions.iter().find_map(|e| match e {
            EeExtension::SupportedGroups(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// The ALPN protocol the server selected.
    pub fn alpn(&self) -> Option<&[u8]> {
        self.extensions.iter().find_map(|e| match e {
            EeExtension::Alpn(p) => Some(p.as_slice()),
            _ => None,
        })
    }

    /// True when the server accepted early data.
    pub fn early_data(&self) -> bool {
        self.find(ExtensionType::EARLY_DATA).is_some()
    }

    /// record_size_limit (RFC 8449).
    pub fn record_size_limit(&self) -> Option<u16> {
        self.extensions.iter().find_map(|e| match e {
            EeExtension::RecordSizeLimit(v) => Some(*v),
            _ => None,
        })
    }
}

/// CertificateRequest (RFC 8446 §4.3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRequest {
    /// certificate_request_context (empty during the handshake).
    pub context: Vec<u8>,
    /// Extensions in received order (signature_algorithms is required; the handshake layer checks).
    pub extensions: Vec<CrExtension>,
}

impl<'a> Codec<'a> for CertificateRequest {
    fn encode(&self, out: &mut Vec<u8>) {
        put_opaque(out, LengthPrefix::U8, &self.context);
        put_block(out, &self.extensions);
    }
    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
        let context = read_opaque(r, LengthPrefix::U8, "certificate_request_context", false)?;
        let extensions = read_block(r)?;
        Ok(Self {
            context,
            extensions,
        })
    }
}

impl CertificateRequest {
    /// The extension of type `typ`, if present.
    pub fn find(&self, typ: ExtensionType) -> Option<&CrExtension> {
        find(&self.extensions, typ)
    }

    /// signature_algorithms.
    pub fn signature_algorithms(&self) -> Option<&[SignatureScheme]> {
        self.extensions.iter().find_map(|e| match e {
            CrExtension::SignatureAlgorithms(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// signature_algorithms_cert.
    pub fn signature_algorithms_cert(&self) -> Option<&[SignatureScheme]> {
        self.extensions.iter().find_map(|e| match e {
            CrExtension::SignatureAlgorithmsCert(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// certificate_authorities: DER distinguished names.
    pub fn certificate_authorities(&self) -> Option<&[Vec<u8>]> {
        self.extensions.iter().find_map(|e| match e {
            CrExtension::CertificateAuthorities(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// compress_certificate (RFC 8879).
    pub fn compress_certificate(&self) -> Option<&[CertificateCompressionAlgorithm]> {
        self.extensions.iter().find_map(|e| match e {
            CrExtension::CompressCertificate(v) => Some(v.as_slice()),
            _ => None,
        })
    }
}

/// One certificate of a Certificate message with its extensions (RFC 8446 §4.4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateEntry {
    /// The DER certificate (or raw public key), non-empty.
    pub cert_data: Vec<u8>,
    /// Extensions in received order.
    pub extensions: Vec<CertEntryExtension>,
}

impl<'a> Codec<'a> for CertificateEntry {
    fn encode(&self, out: &mut Vec<u8>) {
        put_opaque(out, LengthPrefix::U24, &self.cert_data);
        put_block(out, &self.extensions);
    }
    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
        // RFC 8446 §4.4.2: opaque cert_data<1..2^24-1>.
        let cert_data = read_opaque(r, LengthPrefix::U24, "cert_data", true)?;
        let extensions = read_block(r)?;
        Ok(Self {
            cert_data,
            extensions,
        })
    }
}

impl CertificateEntry {
    /// The stapled OCSP response (status_request), if any.
    pub fn ocsp_response(&self) -> Option<&[u8]> {
        self.extensions.iter().find_map(|e| match e {
            CertEntryExtension::StatusRequest(v) => Some(v.as_slice()),
            _ => None,
        })
    }

    /// The signed_certificate_timestamp list, if any.
    pub fn sct_list(&self) -> Option<&[u8]> {
        self.extensions.iter().find_map(|e| match e {
            CertEntryExtension::SignedCertificateTimestamp(v) => Some(v.as_slice()),
            _ => None,
        })
    }
}

/// Certificate (RFC 8446 §4.4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificatePayload {
    /// certificate_request_context (empty for a server; echoes the request for a client).
    pub context: Vec<u8>,
    /// The chain, end-entity first (empty when a client has no certificate).
    pub entries: Vec<CertificateEntry>,
}

impl<'a> Codec<'a> for CertificatePayload {
    fn encode(&self, out: &mut Vec<u8>) {
        put_opaque(out, LengthPrefix::U8, &self.context);
        put_list(out, LengthPrefix::U24, &self.entries);
    }
    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
        let context = read_opaque(r, LengthPrefix::U8, "certificate_request_context", false)?;
        let entries = read_list(r, LengthPrefix::U24, "certificate_list", false)?;
        Ok(Self { context, entries })
    }
}

/// CertificateVerify (RFC 8446 §4.4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateVerify {
    /// The signature scheme used.
    pub scheme: SignatureScheme,
    /// The signature.
    pub signature: Vec<u8>,
}

impl<'a> Codec<'a> for CertificateVerify {
    fn encode(&self, out: &mut Vec<u8>) {
        self.scheme.encode(out);
        put_opaque(out, LengthPrefix::U16, &self.signature);
    }
    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
        let scheme = SignatureScheme::read(r)?;
        let signature = read_opaque(r, LengthPrefix::U16, "signature", false)?;
        Ok(Self { scheme, signature })
    }
}

// ---------------------------------------------------------------------------
// Post-handshake messages.

/// NewSessionTicket (RFC 8446 §4.6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSessionTicket {
    /// ticket_lifetime in seconds (servers send at most 604800; the handshake layer checks).
    pub lifetime: u32,
    /// ticket_age_add.
    pub age_add: u32,
    /// ticket_nonce (0..=255 bytes).
    pub nonce: Vec<u8>,
    /// The ticket (non-empty).
    pub ticket: Vec<u8>,
    /// Extensions in received order.
    pub extensions: Vec<NstExtension>,
}

impl<'a> Codec<'a> for NewSessionTicket {
    fn encode(&self, out: &mut Vec<u8>) {
        put_u32(out, self.lifetime);
        put_u32(out, self.age_add);
        put_opaque(out, LengthPrefix::U8, &self.nonce);
        put_opaque(out, LengthPrefix::U16, &self.ticket);
        put_block(out, &self.extensions);
    }
    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
        let lifetime = r.u32("ticket_lifetime")?;
        let age_add = r.u32("ticket_age_add")?;
        let nonce = read_opaque(r, LengthPrefix::U8, "ticket_nonce", false)?;
        // RFC 8446 §4.6.1: opaque ticket<1..2^16-1>.
        let ticket = read_opaque(r, LengthPrefix::U16, "ticket", true)?;
        let extensions = read_block(r)?;
        Ok(Self {
            lifetime,
            age_add,
            nonce,
            ticket,
            extensions,
        })
    }
}

impl NewSessionTicket {
    /// early_data: max_early_data_size, when the ticket allows 0-RTT.
    pub fn max_early_data_size(&self) -> Option<u32> {
        self.extensions.iter().find_map(|e| match e {
            NstExtension::EarlyData(n) => Some(*n),
            _ => None,
        })
    }
}

/// CompressedCertificate (RFC 8879 §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompressedCertificate {
    /// The compression algorithm.
    pub algorithm: CertificateCompressionAlgorithm,
    /// Length of the Certificate message once decompressed (24 bits on the wire).
    pub uncompressed_len: u32,
    /// The compressed Certificate message body (non-empty).
    pub compressed: Vec<u8>,
}

impl<'a> Codec<'a> for CompressedCertificate {
    fn encode(&self, out: &mut Vec<u8>) {
        self.algorithm.encode(out);
        put_u24(out, self.uncompressed_len);
        put_opaque(out, LengthPrefix::U24, &self.compressed);
    }
    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
        let algorithm = CertificateCompressionAlgorithm::read(r)?;
        let uncompressed_len = r.u24("uncompressed_length")?;
        // RFC 8879 §4: opaque compressed_certificate_message<1..2^24-1>.
        let compressed = read_opaque(r, LengthPrefix::U24, "compressed_certificate_message", true)?;
        Ok(Self {
            algorithm,
            uncompressed_len,
            compressed,
        })
    }
}

fn read_key_update(r: &mut Reader<'_>) -> Result<KeyUpdateRequest, InvalidMessage> {
    match KeyUpdateRequest::read(r)? {
        v @ (KeyUpdateRequest::UPDATE_NOT_REQUESTED | KeyUpdateRequest::UPDATE_REQUESTED) => Ok(v),
        // RFC 8446 §4.6.3: any other request_update value MUST be answered with illegal_parameter.
        _ => Err(InvalidMessage::InvalidValue("request_update")),
    }
}

// ---------------------------------------------------------------------------
// The handshake message.

/// The body of a handshake message, decoded according to its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakePayload {
    /// client_hello.
    ClientHello(ClientHello),
    /// server_hello.
    ServerHello(ServerHello),
    /// server_hello whose random is [`HRR_RANDOM`].
    HelloRetryRequest(HelloRetryRequest),
    /// encrypted_extensions.
    EncryptedExtensions(EncryptedExtensions),
    /// certificate_request.
    CertificateRequest(CertificateRequest),
    /// certificate.
    Certificate(CertificatePayload),
    /// certificate_verify.
    CertificateVerify(CertificateVerify),
    /// finished: verify_data (its length is checked by the handshake layer).
    Finished(Vec<u8>),
    /// new_session_ticket.
    NewSessionTicket(NewSessionTicket),
    /// end_of_early_data (empty body).
    EndOfEarlyData,
    /// key_update.
    KeyUpdate(KeyUpdateRequest),
    /// compressed_certificate (RFC 8879).
    CompressedCertificate(CompressedCertificate),
    /// message_hash: the synthetic message replacing ClientHello1 in the transcript after an HRR.
    MessageHash(Vec<u8>),
    /// A handshake type qtls does not know, with its raw body.
    Unknown(Vec<u8>),
}

impl HandshakePayload {
    /// The handshake type this payload is sent as; `None` for `Unknown`,
    /// whose type only the enclosing [`HandshakeMessage`] knows.
    pub fn handshake_type(&self) -> Option<HandshakeType> {
        Some(match self {
            Self::ClientHello(_) => HandshakeType::CLIENT_HELLO,
            Self::ServerHello(_) | Self::HelloRetryRequest(_) => HandshakeType::SERVER_HELLO,
            Self::EncryptedExtensions(_) => HandshakeType::ENCRYPTED_EXTENSIONS,
            Self::CertificateRequest(_) => HandshakeType::CERTIFICATE_REQUEST,
            Self::Certificate(_) => HandshakeType::CERTIFICATE,
            Self::CertificateVerify(_) => HandshakeType::CERTIFICATE_VERIFY,
            Self::Finished(_) => HandshakeType::FINISHED,
            Self::NewSessionTicket(_) => HandshakeType::NEW_SESSION_TICKET,
            Self::EndOfEarlyData => HandshakeType::END_OF_EARLY_DATA,
            Self::KeyUpdate(_) => HandshakeType::KEY_UPDATE,
            Self::CompressedCertificate(_) => HandshakeType::COMPRESSED_CERTIFICATE,
            Self::MessageHash(_) => HandshakeType::MESSAGE_HASH,
            Self::Unknown(_) => return None,
        })
    }

    /// Appends the message body (without the 4-byte handshake header).
    pub fn encode_body(&self, out: &mut Vec<u8>) {
        match self {
            Self::ClientHello(m) => m.encode(out),
            Self::ServerHello(m) => m.encode(out),
            Self::HelloRetryRequest(m) => m.encode(out),
            Self::EncryptedExtensions(m) => m.encode(out),
            Self::CertificateRequest(m) => m.encode(out),
            Self::Certificate(m) => m.encode(out),
            Self::CertificateVerify(m) => m.encode(out),
            Self::NewSessionTicket(m) => m.encode(out),
            Self::KeyUpdate(m) => m.encode(out),
            Self::CompressedCertificate(m) => m.encode(out),
            Self::EndOfEarlyData => {}
            Self::Finished(b) | Self::MessageHash(b) | Self::Unknown(b) => out.extend_from_slice(b),
        }
    }

    /// Decodes the body of a message of type `typ`; the body must be consumed exactly.
    pub fn read_body(typ: HandshakeType, body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let payload = match typ {
            HandshakeType::CLIENT_HELLO => Self::ClientHello(ClientHello::read(&mut r)?),
            HandshakeType::SERVER_HELLO => {
                let legacy_version = ProtocolVersion::read(&mut r)?;
                let random = read_random(&mut r)?;
                // RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest.
                if random == HRR_RANDOM {
                    Self::HelloRetryRequest(HelloRetryRequest::read_rest(&mut r, legacy_version)?)
                } else {
                    Self::ServerHello(ServerHello::read_rest(&mut r, legacy_version, random)?)
                }
            }
            HandshakeType::ENCRYPTED_EXTENSIONS => {
                Self::EncryptedExtensions(EncryptedExtensions::read(&mut r)?)
            }
            HandshakeType::CERTIFICATE_REQUEST => {
                Self::CertificateRequest(CertificateRequest::read(&mut r)?)
            }
            HandshakeType::CERTIFICATE => Self::Certificate(CertificatePayload::read(&mut r)?),
            HandshakeType::CERTIFICATE_VERIFY => {
                Self::CertificateVerify(CertificateVerify::read(&mut r)?)
            }
            HandshakeType::FINISHED => Self::Finished(r.rest().to_vec()),
            HandshakeType::NEW_SESSION_TICKET => {
                Self::NewSessionTicket(NewSessionTicket::read(&mut r)?)
            }
            HandshakeType::END_OF_EARLY_DATA => Self::EndOfEarlyData,
            HandshakeType::KEY_UPDATE => Self::KeyUpdate(read_key_update(&mut r)?),
            HandshakeType::COMPRESSED_CERTIFICATE => {
                Self::CompressedCertificate(CompressedCertificate::read(&mut r)?)
            }
            HandshakeType::MESSAGE_HASH => Self::MessageHash(r.rest().to_vec()),
            _ => Self::Unknown(r.rest().to_vec()),
        };
        r.expect_empty(typ.name().unwrap_or("handshake message"))?;
        Ok(payload)
    }
}

/// One handshake message: type, 24-bit length, body (RFC 8446 §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeMessage {
    /// The type written on the wire (`SERVER_HELLO` for a HelloRetryRequest).
    pub typ: HandshakeType,
    /// The decoded body.
    pub payload: HandshakePayload,
}

impl HandshakeMessage {
    /// Wraps a payload with its handshake type; `None` for
    /// [`HandshakePayload::Unknown`], which needs an explicit type.
    pub fn new(payload: HandshakePayload) -> Option<Self> {
        Some(Self {
            typ: payload.handshake_type()?,
            payload,
        })
    }

    /// Reads one message whose body is at most `max_len` bytes. A larger
    /// declared length fails with `HandshakeMessageTooLarge` before any of the
    /// body is read (or waited for).
    pub fn read_with_limit(r: &mut Reader<'_>, max_len: usize) -> Result<Self, InvalidMessage> {
        let typ = HandshakeType::read(r)?;
        let len = r.u24("handshake length")?;
        let len = usize::try_from(len).map_err(|_| InvalidMessage::HandshakeMessageTooLarge)?;
        if len > max_len {
            return Err(InvalidMessage::HandshakeMessageTooLarge);
        }
        let body = r.take_or(len, "handshake body")?;
        let payload = HandshakePayload::read_body(typ, body)?;
        Ok(Self { typ, payload })
    }
}

impl<'a> Codec<'a> for HandshakeMessage {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_handshake(self.typ, |o| self.payload.encode_body(o), out);
    }

    /// Reads one message with no size limit beyond the 24-bit length.
    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
        Self::read_with_limit(r, usize::MAX)
    }
}

macro_rules! message_from {
    ($($ty:ident => $variant:ident as $typ:ident,)*) => {
        $(
            impl From<$ty> for HandshakeMessage {
                fn from(m: $ty) -> Self {
                    Self {
                        typ: HandshakeType::$typ,
                        payload: HandshakePayload::$variant(m),
                    }
                }
            }
        )*
    };
}

message_from! {
    ClientHello => ClientHello as CLIENT_HELLO,
    ServerHello => ServerHello as SERVER_HELLO,
    HelloRetryRequest => HelloRetryRequest as SERVER_HELLO,
    EncryptedExtensions => EncryptedExtensions as ENCRYPTED_EXTENSIONS,
    CertificateRequest => CertificateRequest as CERTIFICATE_REQUEST,
    CertificatePayload => Certificate as CERTIFICATE,
    CertificateVerify => CertificateVerify as CERTIFICATE_VERIFY,
    NewSessionTicket => NewSessionTicket as NEW_SESSION_TICKET,
    CompressedCertificate => CompressedCertificate as COMPRESSED_CERTIFICATE,
}

#[cfg(test)]
#[path = "handshake_tests.rs"]
mod tests;
