//! TLS 1.3 extensions: one enum per message that carries an extension block,
//! the body codec of every extension qtls understands, and the block rules of
//! RFC 8446 §4.2 (no duplicates, pre_shared_key last in a ClientHello, a
//! recognised extension only in the messages the RFC's table allows).
//!
//! Code points this module does not decode into a typed variant (unknown ones
//! and recognised ones qtls does not act on, such as the TLS 1.2 extensions a
//! real ClientHello carries) become an `Unknown` variant holding the raw body,
//! so re-encoding reproduces the received bytes and the handshake layer
//! decides what to do with them.

use super::enums::{
    CertificateCompressionAlgorithm, ExtensionType, NamedGroup, ProtocolVersion,
    PskKeyExchangeMode, ServerNameType, SignatureScheme,
};
use super::reader::{Codec, LengthPrefix, Reader, put_prefixed, put_u16, put_u32};
use crate::error::InvalidMessage;
use alloc::vec::Vec;

// ---------------------------------------------------------------------------
// Vector helpers shared with `handshake.rs`.

/// A reader over the body of a vector with the given length prefix.
pub(crate) fn sub<'a>(
    r: &mut Reader<'a>,
    prefix: LengthPrefix,
    what: &'static str,
) -> Result<Reader<'a>, InvalidMessage> {
    match prefix {
        LengthPrefix::U8 => r.sub8(what),
        LengthPrefix::U16 => r.sub16(what),
        LengthPrefix::U24 => r.sub24(what),
    }
}

/// Reads a length-prefixed list of `T`; `non_empty` enforces a minimum of one item.
pub(crate) fn read_list<'a, T: Codec<'a>>(
    r: &mut Reader<'a>,
    prefix: LengthPrefix,
    what: &'static str,
    non_empty: bool,
) -> Result<Vec<T>, InvalidMessage> {
    let mut body = sub(r, prefix, what)?;
    let mut out = Vec::new();
    while !body.is_empty() {
        out.push(T::read(&mut body)?);
    }
    if non_empty && out.is_empty() {
        return Err(InvalidMessage::EmptyVector(what));
    }
    Ok(out)
}

/// Writes a length-prefixed list of `T`.
pub(crate) fn put_list<'a, T: Codec<'a>>(out: &mut Vec<u8>, prefix: LengthPrefix, items: &[T]) {
    put_prefixed(out, prefix, |o| {
        for item in items {
            item.encode(o);
        }
    });
}

/// Reads a length-prefixed opaque vector; `non_empty` rejects a zero length.
pub(crate) fn read_opaque(
    r: &mut Reader<'_>,
    prefix: LengthPrefix,
    what: &'static str,
    non_empty: bool,
) -> Result<Vec<u8>, InvalidMessage> {
    let body = sub(r, prefix, what)?.rest();
    if non_empty && body.is_empty() {
        return Err(InvalidMessage::EmptyVector(what));
    }
    Ok(body.to_vec())
}

/// Writes a length-prefixed opaque vector.
pub(crate) fn put_opaque(out: &mut Vec<u8>, prefix: LengthPrefix, data: &[u8]) {
    put_prefixed(out, prefix, |o| o.extend_from_slice(data));
}

/// Reads a length-prefixed list of opaque vectors, such as ALPN names or
/// distinguished names; both the list and each item must be non-empty.
fn read_opaque_list(
    r: &mut Reader<'_>,
    outer: LengthPrefix,
    inner: LengthPrefix,
    list_what: &'static str,
    item_what: &'static str,
) -> Result<Vec<Vec<u8>>, InvalidMessage> {
    let mut body = sub(r, outer, list_what)?;
    let mut out = Vec::new();
    while !body.is_empty() {
        out.push(read_opaque(&mut body, inner, item_what, true)?);
    }
    if out.is_empty() {
        return Err(InvalidMessage::EmptyVector(list_what));
    }
    Ok(out)
}

fn put_opaque_list(out: &mut Vec<u8>, outer: LengthPrefix, inner: LengthPrefix, items: &[Vec<u8>]) {
    put_prefixed(out, outer, |o| {
        for item in items {
            put_opaque(o, inner, item);
        }
    });
}

// ---------------------------------------------------------------------------
// Which message may carry which extension.

/// A message that carries an extension block (RFC 8446 §4.2's table columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionContext {
    /// ClientHello ("CH").
    ClientHello,
    /// ServerHello ("SH").
    ServerHello,
    /// HelloRetryRequest ("HRR").
    HelloRetryRequest,
    /// EncryptedExtensions ("EE").
    EncryptedExtensions,
    /// CertificateRequest ("CR").
    CertificateRequest,
    /// A CertificateEntry of a Certificate message ("CT").
    Certificate,
    /// NewSessionTicket ("NST").
    NewSessionTicket,
}

impl ExtensionContext {
    const fn bit(self) -> u8 {
        match self {
            ExtensionContext::ClientHello => CH,
            ExtensionContext::ServerHello => SH,
            ExtensionContext::HelloRetryRequest => HRR,
            ExtensionContext::EncryptedExtensions => EE,
            ExtensionContext::CertificateRequest => CR,
            ExtensionContext::Certificate => CT,
            ExtensionContext::NewSessionTicket => NST,
        }
    }
}

const CH: u8 = 1;
const SH: u8 = 1 << 1;
const HRR: u8 = 1 << 2;
const EE: u8 = 1 << 3;
const CR: u8 = 1 << 4;
const CT: u8 = 1 << 5;
const NST: u8 = 1 << 6;

/// The messages a recognised extension may appear in, or `None` for a code
/// point qtls does not recognise. RFC 8446 §4.2's table, plus RFC 8879 §3
/// (compress_certificate: CH, CR) and RFC 8449 §5 (record_size_limit: CH, EE).
/// The TLS 1.2-only extensions are allowed in a ClientHello only, because a
/// ClientHello also offers TLS 1.2 and real clients send them there.
fn allowed_mask(t: ExtensionType) -> Option<u8> {
    Some(match t {
        ExtensionType::SERVER_NAME
        | ExtensionType::MAX_FRAGMENT_LENGTH
        | ExtensionType::SUPPORTED_GROUPS
        | ExtensionType::USE_SRTP
        | ExtensionType::HEARTBEAT
        | ExtensionType::ALPN
        | ExtensionType::CLIENT_CERTIFICATE_TYPE
        | ExtensionType::SERVER_CERTIFICATE_TYPE
        | ExtensionType::RECORD_SIZE_LIMIT => CH | EE,
        ExtensionType::STATUS_REQUEST | ExtensionType::SIGNED_CERTIFICATE_TIMESTAMP => CH | CR | CT,
        ExtensionType::SIGNATURE_ALGORITHMS
        | ExtensionType::SIGNATURE_ALGORITHMS_CERT
        | ExtensionType::CERTIFICATE_AUTHORITIES
        | ExtensionType::COMPRESS_CERTIFICATE => CH | CR,
        ExtensionType::PADDING
        | ExtensionType::PSK_KEY_EXCHANGE_MODES
        | ExtensionType::POST_HANDSHAKE_AUTH
        | ExtensionType::EC_POINT_FORMATS
        | ExtensionType::ENCRYPT_THEN_MAC
        | ExtensionType::EXTENDED_MASTER_SECRET
        | ExtensionType::SESSION_TICKET
        | ExtensionType::RENEGOTIATION_INFO => CH,
        ExtensionType::KEY_SHARE | ExtensionType::SUPPORTED_VERSIONS => CH | SH | HRR,
        ExtensionType::PRE_SHARED_KEY => CH | SH,
        ExtensionType::EARLY_DATA => CH | EE | NST,
        ExtensionType::COOKIE => CH | HRR,
        ExtensionType::OID_FILTERS => CR,
        _ => return None,
    })
}

/// Whether RFC 8446 §4.2 allows extension `typ` in message `ctx`: `None` for a
/// code point qtls does not recognise (the handshake layer decides), else
/// `Some(allowed)`.
pub fn extension_allowed(typ: ExtensionType, ctx: ExtensionContext) -> Option<bool> {
    allowed_mask(typ).map(|m| m & ctx.bit() != 0)
}

/// The body codec of one message's extension enum.
pub(crate) trait ExtensionPayload: Sized {
    /// The message this enum belongs to.
    const CONTEXT: ExtensionContext;
    /// The extension's code point.
    fn typ(&self) -> ExtensionType;
    /// Appends the extension_data (without type and length).
    fn encode_body(&self, out: &mut Vec<u8>);
    /// Decodes the extension_data of a `typ` already known to be allowed here.
    fn read_body(typ: ExtensionType, body: &[u8]) -> Result<Self, InvalidMessage>;
}

/// Decodes one extension for `E`'s message, enforcing the placement table.
fn decode_extension<E: ExtensionPayload>(
    typ: ExtensionType,
    body: &[u8],
) -> Result<E, InvalidMessage> {
    // RFC 8446 §4.2: a recognised extension not specified for the message it
    // appears in MUST abort the handshake with illegal_parameter.
    if extension_allowed(typ, E::CONTEXT) == Some(false) {
        return Err(InvalidMessage::ExtensionNotAllowed(typ.0));
    }
    E::read_body(typ, body)
}

/// Reads one extension (type, length, body) of `E`'s message.
fn read_one<E: ExtensionPayload>(r: &mut Reader<'_>) -> Result<E, InvalidMessage> {
    let typ = ExtensionType::read(r)?;
    let body = r.vec16("extension_data")?;
    decode_extension(typ, body)
}

/// Writes one extension: type, u16 length, body.
fn write_one<E: ExtensionPayload>(ext: &E, out: &mut Vec<u8>) {
    ext.typ().encode(out);
    put_prefixed(out, LengthPrefix::U16, |o| ext.encode_body(o));
}

/// Fails with `TrailingData` unless `r` is exhausted, naming the extension.
fn finish(r: &Reader<'_>, typ: ExtensionType) -> Result<(), InvalidMessage> {
    r.expect_empty(typ.name().unwrap_or("extension_data"))
}

/// A set of u16 code points for duplicate detection. Typical blocks hold a
/// handful of extensions and are checked by a linear scan without a large
/// allocation (a Certificate may carry thousands of entry blocks); a block
/// with many extensions switches to a 64 Kibit bitmap, so even 16k
/// extensions cost no quadratic work.
struct CodeSet {
    small: Vec<u16>,
    bits: Option<Vec<u64>>,
}

/// Extensions checked by linear scan before the bitmap takes over.
const CODESET_SMALL: usize = 32;

impl CodeSet {
    fn new() -> Self {
        CodeSet {
            small: Vec::new(),
            bits: None,
        }
    }

    /// Sets `code` in `bits`; false when it was already set.
    fn set(bits: &mut [u64], code: u16) -> bool {
        let bit = 1u64 << (code & 63);
        match bits.get_mut(usize::from(code >> 6)) {
            Some(word) if *word & bit != 0 => false,
            Some(word) => {
                *word |= bit;
                true
            }
            None => false,
        }
    }

    /// Inserts `code`; false when it was already present.
    fn insert(&mut self, code: u16) -> bool {
        if let Some(bits) = &mut self.bits {
            return Self::set(bits, code);
        }
        if self.small.contains(&code) {
            return false;
        }
        if self.small.len() < CODESET_SMALL {
            self.small.push(code);
            return true;
        }
        let mut bits = alloc::vec![0u64; 1024];
        for c in self.small.iter().copied().chain(core::iter::once(code)) {
            Self::set(&mut bits, c);
        }
        self.bits = Some(bits);
        true
    }
}

/// Reads a u16-prefixed extension block, decoding each extension with
/// `decode`. Enforces the block rules of RFC 8446 §4.2: no duplicates, and
/// with `psk_last`, pre_shared_key last.
pub(crate) fn read_block_with<'a, E>(
    r: &mut Reader<'a>,
    psk_last: bool,
    mut decode: impl FnMut(ExtensionType, &'a [u8]) -> Result<E, InvalidMessage>,
) -> Result<Vec<E>, InvalidMessage> {
    let mut block = r.sub16("extensions")?;
    let mut seen = CodeSet::new();
    let mut out = Vec::new();
    while !block.is_empty() {
        let typ = ExtensionType::read(&mut block)?;
        let body = block.vec16("extension_data")?;
        // RFC 8446 §4.2: there MUST NOT be more than one extension of the same type in a block.
        if !seen.insert(typ.0) {
            return Err(InvalidMessage::DuplicateExtension(typ.0));
        }
        out.push(decode(typ, body)?);
        // RFC 8446 §4.2.11: pre_shared_key MUST be the last extension in the ClientHello.
        if psk_last && typ == ExtensionType::PRE_SHARED_KEY && !block.is_empty() {
            return Err(InvalidMessage::PreSharedKeyNotLast);
        }
    }
    Ok(out)
}

/// Reads the extension block of `E`'s message with every rule enforced.
pub(crate) fn read_block<E: ExtensionPayload>(
    r: &mut Reader<'_>,
) -> Result<Vec<E>, InvalidMessage> {
    let psk_last = E::CONTEXT == ExtensionContext::ClientHello;
    read_block_with(r, psk_last, decode_extension::<E>)
}

/// Writes a u16-prefixed extension block in the given order.
pub(crate) fn put_block<E: ExtensionPayload>(out: &mut Vec<u8>, exts: &[E]) {
    put_prefixed(out, LengthPrefix::U16, |o| {
        for e in exts {
            write_one(e, o);
        }
    });
}

/// True when the u16-prefixed extension block at `r` (not consumed) holds an
/// extension of type `typ`. Malformed blocks answer false; the real decode
/// reports them.
pub(crate) fn block_contains(r: &Reader<'_>, typ: ExtensionType) -> bool {
    let mut probe = r.clone();
    let Ok(mut block) = probe.sub16("extensions") else {
        return false;
    };
    while let (Ok(t), Ok(_)) = (
        ExtensionType::read(&mut block),
        block.vec16("extension_data"),
    ) {
        if t == typ {
            return true;
        }
    }
    false
}

/// Implements `Codec` (type, u16 length, body) for an extension enum.
macro_rules! extension_codec {
    ($name:ident) => {
        impl<'a> Codec<'a> for $name {
            fn encode(&self, out: &mut Vec<u8>) {
                write_one(self, out);
            }
            fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
                read_one(r)
            }
        }

        impl $name {
            /// The extension's code point.
            pub fn ext_type(&self) -> ExtensionType {
                ExtensionPayload::typ(self)
            }
        }
    };
}

// ---------------------------------------------------------------------------
// Structured bodies.

/// One key share: a group and its public value (RFC 8446 §4.2.8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyShareEntry {
    /// The key-exchange group.
    pub group: NamedGroup,
    /// The public value (`key_exchange<1..2^16-1>`).
    pub payload: Vec<u8>,
}

impl<'a> Codec<'a> for KeyShareEntry {
    fn encode(&self, out: &mut Vec<u8>) {
        self.group.encode(out);
        put_opaque(out, LengthPrefix::U16, &self.payload);
    }
    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
        let group = NamedGroup::read(r)?;
        let payload = read_opaque(r, LengthPrefix::U16, "key_exchange", true)?;
        Ok(Self { group, payload })
    }
}

/// One PSK identity offered by a client (RFC 8446 §4.2.11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskIdentity {
    /// The identity (`identity<1..2^16-1>`): a ticket or an external PSK name.
    pub identity: Vec<u8>,
    /// The ticket age plus the ticket's age_add, mod 2^32 (0 for external PSKs).
    pub obfuscated_ticket_age: u32,
}

impl<'a> Codec<'a> for PskIdentity {
    fn encode(&self, out: &mut Vec<u8>) {
        put_opaque(out, LengthPrefix::U16, &self.identity);
        put_u32(out, self.obfuscated_ticket_age);
    }
    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
        let identity = read_opaque(r, LengthPrefix::U16, "psk identity", true)?;
        let obfuscated_ticket_age = r.u32("obfuscated_ticket_age")?;
        Ok(Self {
            identity,
            obfuscated_ticket_age,
        })
    }
}

/// The body of a ClientHello's pre_shared_key extension (RFC 8446 §4.2.11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedPsks {
    /// The identities, in preference order (non-empty).
    pub identities: Vec<PskIdentity>,
    /// One binder per identity, each 32..=255 bytes.
    pub binders: Vec<Vec<u8>>,
}

/// Shortest binder: `opaque PskBinderEntry<32..255>` (RFC 8446 §4.2.11).
const MIN_BINDER_LEN: usize = 32;

impl OfferedPsks {
    /// Appends the binders list with its 2-byte length: the tail of a
    /// ClientHello that the binders themselves do not cover (RFC 8446 §4.2.11.2).
    pub fn encode_binders(&self, out: &mut Vec<u8>) {
        put_opaque_list(out, LengthPrefix::U16, LengthPrefix::U8, &self.binders);
    }

    /// The encoded length of the binders list, its 2-byte length included.
    pub fn binders_len(&self) -> usize {
        self.binders
            .iter()
            .fold(2usize, |n, b| n.saturating_add(1).saturating_add(b.len()))
    }
}

impl<'a> Codec<'a> for OfferedPsks {
    fn encode(&self, out: &mut Vec<u8>) {
        put_list(out, LengthPrefix::U16, &self.identities);
        self.encode_binders(out);
    }
    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
        let identities = read_list(r, LengthPrefix::U16, "psk identities", true)?;
        let mut list = r.sub16("psk binders")?;
        let mut binders = Vec::new();
        while !list.is_empty() {
            let b = list.vec8("psk binder")?;
            if b.len() < MIN_BINDER_LEN {
                return Err(InvalidMessage::InvalidLength("psk binder"));
            }
            binders.push(b.to_vec());
        }
        if binders.is_empty() {
            return Err(InvalidMessage::EmptyVector("psk binders"));
        }
        // RFC 8446 §4.2.11: the server MUST check that identities and binders correspond.
        if binders.len() != identities.len() {
            return Err(InvalidMessage::InvalidValue("psk binders count"));
        }
        Ok(Self {
            identities,
            binders,
        })
    }
}

/// RFC 8449 §4: a record_size_limit below 64 is an illegal_parameter.
const MIN_RECORD_SIZE_LIMIT: u16 = 64;

fn read_record_size_limit(r: &mut Reader<'_>) -> Result<u16, InvalidMessage> {
    let v = r.u16("record_size_limit")?;
    // RFC 8449 §4: receipt of a value smaller than 64 MUST be an illegal_parameter error.
    if v < MIN_RECORD_SIZE_LIMIT {
        return Err(InvalidMessage::InvalidValue("record_size_limit"));
    }
    Ok(v)
}

/// RFC 6066 §3: a ServerNameList holding exactly one host_name.
fn read_server_name(r: &mut Reader<'_>) -> Result<Vec<u8>, InvalidMessage> {
    let mut list = r.sub16("server_name_list")?;
    if list.is_empty() {
        return Err(InvalidMessage::EmptyVector("server_name_list"));
    }
    // Only host_name has a defined encoding (RFC 6066 §3), so an entry of any
    // other type cannot even be skipped reliably.
    if ServerNameType::read(&mut list)? != ServerNameType::HOST_NAME {
        return Err(InvalidMessage::InvalidValue("server_name type"));
    }
    let name = read_opaque(&mut list, LengthPrefix::U16, "host_name", true)?;
    // RFC 6066 §3: the list MUST NOT contain more than one name of the same type.
    list.expect_empty("server_name_list")?;
    Ok(name)
}

fn put_server_name(out: &mut Vec<u8>, host_name: &[u8]) {
    put_prefixed(out, LengthPrefix::U16, |o| {
        ServerNameType::HOST_NAME.encode(o);
        put_opaque(o, LengthPrefix::U16, host_name);
    });
}

/// RFC 7301 §3.1: `ProtocolName protocol_name_list<2..2^16-1>`, names `<1..2^8-1>`.
fn read_alpn(r: &mut Reader<'_>) -> Result<Vec<Vec<u8>>, InvalidMessage> {
    read_opaque_list(
        r,
        LengthPrefix::U16,
        LengthPrefix::U8,
        "protocol_name_list",
        "protocol_name",
    )
}

/// RFC 8446 §4.2.4: `DistinguishedName authorities<3..2^16-1>`, names `<1..2^16-1>`.
fn read_authorities(r: &mut Reader<'_>) -> Result<Vec<Vec<u8>>, InvalidMessage> {
    read_opaque_list(
        r,
        LengthPrefix::U16,
        LengthPrefix::U16,
        "certificate_authorities",
        "distinguished_name",
    )
}

// ---------------------------------------------------------------------------
// ClientHello.

/// An extension of a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientExtension {
    /// server_name: the host_name of the single-entry list (RFC 6066 §3).
    ServerName(Vec<u8>),
    /// supported_groups, in preference order (non-empty).
    SupportedGroups(Vec<NamedGroup>),
    /// signature_algorithms (non-empty).
    SignatureAlgorithms(Vec<SignatureScheme>),
    /// signature_algorithms_cert (non-empty).
    SignatureAlgorithmsCert(Vec<SignatureScheme>),
    /// application_layer_protocol_negotiation: protocol names (RFC 7301; all non-empty).
    Alpn(Vec<Vec<u8>>),
    /// supported_versions (non-empty).
    SupportedVersions(Vec<ProtocolVersion>),
    /// key_share: the client's shares, one per group at most (may be empty).
    KeyShare(Vec<KeyShareEntry>),
    /// psk_key_exchange_modes (non-empty).
    PskKeyExchangeModes(Vec<PskKeyExchangeMode>),
    /// pre_shared_key: the offered PSKs (always the last extension).
    PreSharedKey(OfferedPsks),
    /// early_data: the client intends to send 0-RTT data.
    EarlyData,
    /// cookie echoed from a HelloRetryRequest (non-empty).
    Cookie(Vec<u8>),
    /// record_size_limit (RFC 8449; at least 64).
    RecordSizeLimit(u16),
    /// padding (RFC 7685): its length. Encodes as zeros; any received content is accepted.
    Padding(usize),
    /// certificate_authorities: DER distinguished names (non-empty).
    CertificateAuthorities(Vec<Vec<u8>>),
    /// post_handshake_auth: the client accepts post-handshake authentication.
    PostHandshakeAuth,
    /// compress_certificate (RFC 8879; non-empty).
    CompressCertificate(Vec<CertificateCompressionAlgorithm>),
    /// status_request (RFC 6066 §8): the raw CertificateStatusRequest.
    StatusRequest(Vec<u8>),
    /// Any other extension allowed in a ClientHello, with its raw body.
    Unknown {
        /// The code point.
        typ: ExtensionType,
        /// The raw extension_data.
        data: Vec<u8>,
    },
}

impl ExtensionPayload for ClientExtension {
    const CONTEXT: ExtensionContext = ExtensionContext::ClientHello;

    fn typ(&self) -> ExtensionType {
        match self {
            Self::ServerName(_) => ExtensionType::SERVER_NAME,
            Self::SupportedGroups(_) => ExtensionType::SUPPORTED_GROUPS,
            Self::SignatureAlgorithms(_) => ExtensionType::SIGNATURE_ALGORITHMS,
            Self::SignatureAlgorithmsCert(_) => ExtensionType::SIGNATURE_ALGORITHMS_CERT,
            Self::Alpn(_) => ExtensionType::ALPN,
            Self::SupportedVersions(_) => ExtensionType::SUPPORTED_VERSIONS,
            Self::KeyShare(_) => ExtensionType::KEY_SHARE,
            Self::PskKeyExchangeModes(_) => ExtensionType::PSK_KEY_EXCHANGE_MODES,
            Self::PreSharedKey(_) => ExtensionType::PRE_SHARED_KEY,
            Self::EarlyData => ExtensionType::EARLY_DATA,
            Self::Cookie(_) => ExtensionType::COOKIE,
            Self::RecordSizeLimit(_) => ExtensionType::RECORD_SIZE_LIMIT,
            Self::Padding(_) => ExtensionType::PADDING,
            Self::CertificateAuthorities(_) => ExtensionType::CERTIFICATE_AUTHORITIES,
            Self::PostHandshakeAuth => ExtensionType::POST_HANDSHAKE_AUTH,
            Self::CompressCertificate(_) => ExtensionType::COMPRESS_CERTIFICATE,
            Self::StatusRequest(_) => ExtensionType::STATUS_REQUEST,
            Self::Unknown { typ, .. } => *typ,
        }
    }

    fn encode_body(&self, out: &mut Vec<u8>) {
        use LengthPrefix::{U8, U16};
        match self {
            Self::ServerName(name) => put_server_name(out, name),
            Self::SupportedGroups(v) => put_list(out, U16, v),
            Self::SignatureAlgorithms(v) | Self::SignatureAlgorithmsCert(v) => {
                put_list(out, U16, v)
            }
            Self::Alpn(v) => put_opaque_list(out, U16, U8, v),
            Self::SupportedVersions(v) => put_list(out, U8, v),
            Self::KeyShare(v) => put_list(out, U16, v),
            Self::PskKeyExchangeModes(v) => put_list(out, U8, v),
            Self::PreSharedKey(p) => p.encode(out),
            Self::EarlyData | Self::PostHandshakeAuth => {}
            Self::Cookie(c) => put_opaque(out, U16, c),
            Self::RecordSizeLimit(v) => put_u16(out, *v),
            Self::Padding(n) => out.resize(out.len().saturating_add((*n).min(0xffff)), 0),
            Self::CertificateAuthorities(v) => put_opaque_list(out, U16, U16, v),
            Self::CompressCertificate(v) => put_list(out, U8, v),
            Self::StatusRequest(data) | Self::Unknown { data, .. } => out.extend_from_slice(data),
        }
    }

    fn read_body(typ: ExtensionType, body: &[u8]) -> Result<Self, InvalidMessage> {
        use LengthPrefix::{U8, U16};
        let mut r = Reader::new(body);
        let ext =
            match typ {
                ExtensionType::SERVER_NAME => Self::ServerName(read_server_name(&mut r)?),
                ExtensionType::SUPPORTED_GROUPS => {
                    Self::SupportedGroups(read_list(&mut r, U16, "supported_groups", true)?)
                }
                ExtensionType::SIGNATURE_ALGORITHMS => {
                    Self::SignatureAlgorithms(read_list(&mut r, U16, "signature_algorithms", true)?)
                }
                ExtensionType::SIGNATURE_ALGORITHMS_CERT => Self::SignatureAlgorithmsCert(
                    read_list(&mut r, U16, "signature_algorithms_cert", true)?,
                ),
                ExtensionType::ALPN => Self::Alpn(read_alpn(&mut r)?),
                ExtensionType::SUPPORTED_VERSIONS => {
                    Self::SupportedVersions(read_list(&mut r, U8, "supported_versions", true)?)
                }
                ExtensionType::KEY_SHARE => {
                    // RFC 8446 §4.2.8: client_shares<0..2^16-1> may be empty (to request an HRR).
                    let shares: Vec<KeyShareEntry> =
                        read_list(&mut r, U16, "client_shares", false)?;
                    // RFC 8446 §4.2.8: clients MUST NOT offer two shares for one group;
                    // servers MAY abort with illegal_parameter.
                    let mut groups: Vec<u16> = shares.iter().map(|s| s.group.0).collect();
                    groups.sort_unstable();
                    if groups
                        .iter()
                        .zip(groups.iter().skip(1))
                        .any(|(a, b)| a == b)
                    {
                        return Err(InvalidMessage::InvalidValue("key_share: duplicate group"));
                    }
                    Self::KeyShare(shares)
                }
                ExtensionType::PSK_KEY_EXCHANGE_MODES => {
                    Self::PskKeyExchangeModes(read_list(&mut r, U8, "ke_modes", true)?)
                }
                ExtensionType::PRE_SHARED_KEY => Self::PreSharedKey(OfferedPsks::read(&mut r)?),
                ExtensionType::EARLY_DATA => Self::EarlyData,
                ExtensionType::COOKIE => Self::Cookie(read_opaque(&mut r, U16, "cookie", true)?),
                ExtensionType::RECORD_SIZE_LIMIT => {
                    Self::RecordSizeLimit(read_record_size_limit(&mut r)?)
                }
                // RFC 7685 §3: the client fills padding with zeros, but nothing asks
                // the server to check; keep only the length.
                ExtensionType::PADDING => Self::Padding(r.rest().len()),
                ExtensionType::CERTIFICATE_AUTHORITIES => {
                    Self::CertificateAuthorities(read_authorities(&mut r)?)
                }
                ExtensionType::POST_HANDSHAKE_AUTH => Self::PostHandshakeAuth,
                ExtensionType::COMPRESS_CERTIFICATE => {
                    Self::CompressCertificate(read_list(&mut r, U8, "compress_certificate", true)?)
                }
                ExtensionType::STATUS_REQUEST => Self::StatusRequest(r.rest().to_vec()),
                _ => Self::Unknown {
                    typ,
                    data: r.rest().to_vec(),
                },
            };
        finish(&r, typ)?;
        Ok(ext)
    }
}

extension_codec!(ClientExtension);

// ---------------------------------------------------------------------------
// ServerHello and HelloRetryRequest.

/// An extension of a ServerHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerExtension {
    /// supported_versions: the selected version.
    SupportedVersions(ProtocolVersion),
    /// key_share: the server's share.
    KeyShare(KeyShareEntry),
    /// pre_shared_key: the index of the selected identity.
    PreSharedKey(u16),
    /// Any other extension, with its raw body. In a ServerHello without
    /// supported_versions (a TLS 1.2 or older server) every extension is kept
    /// this way, so the handshake layer can report the version mismatch.
    Unknown {
        /// The code point.
        typ: ExtensionType,
        /// The raw extension_data.
        data: Vec<u8>,
    },
}

impl ExtensionPayload for ServerExtension {
    const CONTEXT: ExtensionContext = ExtensionContext::ServerHello;

    fn typ(&self) -> ExtensionType {
        match self {
            Self::SupportedVersions(_) => ExtensionType::SUPPORTED_VERSIONS,
            Self::KeyShare(_) => ExtensionType::KEY_SHARE,
            Self::PreSharedKey(_) => ExtensionType::PRE_SHARED_KEY,
            Self::Unknown { typ, .. } => *typ,
        }
    }

    fn encode_body(&self, out: &mut Vec<u8>) {
        match self {
            Self::SupportedVersions(v) => v.encode(out),
            Self::KeyShare(k) => k.encode(out),
            Self::PreSharedKey(i) => put_u16(out, *i),
            Self::Unknown { data, .. } => out.extend_from_slice(data),
        }
    }

    fn read_body(typ: ExtensionType, body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let ext = match typ {
            ExtensionType::SUPPORTED_VERSIONS => {
                Self::SupportedVersions(ProtocolVersion::read(&mut r)?)
            }
            ExtensionType::KEY_SHARE => Self::KeyShare(KeyShareEntry::read(&mut r)?),
            ExtensionType::PRE_SHARED_KEY => Self::PreSharedKey(r.u16("selected_identity")?),
            _ => Self::Unknown {
                typ,
                data: r.rest().to_vec(),
            },
        };
        finish(&r, typ)?;
        Ok(ext)
    }
}

extension_codec!(ServerExtension);

/// Reads a ServerHello's extension block. Without supported_versions the
/// server speaks TLS 1.2 or older, whose ServerHello may echo extensions
/// that TLS 1.3 forbids there: they are kept as `Unknown` (duplicates are
/// still rejected) so the handshake layer can answer protocol_version.
pub(crate) fn read_server_hello_block(
    r: &mut Reader<'_>,
) -> Result<Vec<ServerExtension>, InvalidMessage> {
    if block_contains(r, ExtensionType::SUPPORTED_VERSIONS) {
        read_block(r)
    } else {
        read_block_with(r, false, |typ, body| {
            Ok(ServerExtension::Unknown {
                typ,
                data: body.to_vec(),
            })
        })
    }
}

/// An extension of a HelloRetryRequest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HrrExtension {
    /// supported_versions: the selected version.
    SupportedVersions(ProtocolVersion),
    /// key_share: the group the client must retry with.
    KeyShare(NamedGroup),
    /// cookie (non-empty).
    Cookie(Vec<u8>),
    /// Any other code point, with its raw body.
    Unknown {
        /// The code point.
        typ: ExtensionType,
        /// The raw extension_data.
        data: Vec<u8>,
    },
}

impl ExtensionPayload for HrrExtension {
    const CONTEXT: ExtensionContext = ExtensionContext::HelloRetryRequest;

    fn typ(&self) -> ExtensionType {
        match self {
            Self::SupportedVersions(_) => ExtensionType::SUPPORTED_VERSIONS,
            Self::KeyShare(_) => ExtensionType::KEY_SHARE,
            Self::Cookie(_) => ExtensionType::COOKIE,
            Self::Unknown { typ, .. } => *typ,
        }
    }

    fn encode_body(&self, out: &mut Vec<u8>) {
        match self {
            Self::SupportedVersions(v) => v.encode(out),
            Self::KeyShare(g) => g.encode(out),
            Self::Cookie(c) => put_opaque(out, LengthPrefix::U16, c),
            Self::Unknown { data, .. } => out.extend_from_slice(data),
        }
    }

    fn read_body(typ: ExtensionType, body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let ext = match typ {
            ExtensionType::SUPPORTED_VERSIONS => {
                Self::SupportedVersions(ProtocolVersion::read(&mut r)?)
            }
            ExtensionType::KEY_SHARE => Self::KeyShare(NamedGroup::read(&mut r)?),
            ExtensionType::COOKIE => {
                Self::Cookie(read_opaque(&mut r, LengthPrefix::U16, "cookie", true)?)
            }
            _ => Self::Unknown {
                typ,
                data: r.rest().to_vec(),
            },
        };
        finish(&r, typ)?;
        Ok(ext)
    }
}

extension_codec!(HrrExtension);

// ---------------------------------------------------------------------------
// EncryptedExtensions.

/// An extension of EncryptedExtensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EeExtension {
    /// server_name with an empty body: the server used the client's SNI (RFC 6066 §3).
    ServerName,
    /// supported_groups: the server's preference (non-empty).
    SupportedGroups(Vec<NamedGroup>),
    /// application_layer_protocol_negotiation: the selected protocol (RFC 7301 §3.1).
    Alpn(Vec<u8>),
    /// early_data: the server accepted 0-RTT data.
    EarlyData,
    /// record_size_limit (RFC 8449; at least 64).
    RecordSizeLimit(u16),
    /// Any other extension allowed in EncryptedExtensions, with its raw body.
    Unknown {
        /// The code point.
        typ: ExtensionType,
        /// The raw extension_data.
        data: Vec<u8>,
    },
}

impl ExtensionPayload for EeExtension {
    const CONTEXT: ExtensionContext = ExtensionContext::EncryptedExtensions;

    fn typ(&self) -> ExtensionType {
        match self {
            Self::ServerName => ExtensionType::SERVER_NAME,
            Self::SupportedGroups(_) => ExtensionType::SUPPORTED_GROUPS,
            Self::Alpn(_) => ExtensionType::ALPN,
            Self::EarlyData => ExtensionType::EARLY_DATA,
            Self::RecordSizeLimit(_) => ExtensionType::RECORD_SIZE_LIMIT,
            Self::Unknown { typ, .. } => *typ,
        }
    }

    fn encode_body(&self, out: &mut Vec<u8>) {
        match self {
            Self::ServerName | Self::EarlyData => {}
            Self::SupportedGroups(v) => put_list(out, LengthPrefix::U16, v),
            Self::Alpn(p) => put_prefixed(out, LengthPrefix::U16, |o| {
                put_opaque(o, LengthPrefix::U8, p)
            }),
            Self::RecordSizeLimit(v) => put_u16(out, *v),
            Self::Unknown { data, .. } => out.extend_from_slice(data),
        }
    }

    fn read_body(typ: ExtensionType, body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let ext = match typ {
            ExtensionType::SERVER_NAME => Self::ServerName,
            ExtensionType::SUPPORTED_GROUPS => Self::SupportedGroups(read_list(
                &mut r,
                LengthPrefix::U16,
                "supported_groups",
                true,
            )?),
            ExtensionType::ALPN => {
                let mut names = read_alpn(&mut r)?;
                // RFC 7301 §3.1: the server's ProtocolNameList MUST contain exactly one name.
                match (names.pop(), names.is_empty()) {
                    (Some(name), true) => Self::Alpn(name),
                    _ => {
                        return Err(InvalidMessage::InvalidValue(
                            "alpn: not exactly one protocol",
                        ));
                    }
                }
            }
            ExtensionType::EARLY_DATA => Self::EarlyData,
            ExtensionType::RECORD_SIZE_LIMIT => {
                Self::RecordSizeLimit(read_record_size_limit(&mut r)?)
            }
            _ => Self::Unknown {
                typ,
                data: r.rest().to_vec(),
            },
        };
        finish(&r, typ)?;
        Ok(ext)
    }
}

extension_codec!(EeExtension);

// ---------------------------------------------------------------------------
// CertificateRequest.

/// An extension of a CertificateRequest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrExtension {
    /// signature_algorithms (non-empty).
    SignatureAlgorithms(Vec<SignatureScheme>),
    /// signature_algorithms_cert (non-empty).
    SignatureAlgorithmsCert(Vec<SignatureScheme>),
    /// certificate_authorities: DER distinguished names (non-empty).
    CertificateAuthorities(Vec<Vec<u8>>),
    /// compress_certificate (RFC 8879 §3; non-empty).
    CompressCertificate(Vec<CertificateCompressionAlgorithm>),
    /// oid_filters: the raw OIDFilterExtension body.
    OidFilters(Vec<u8>),
    /// status_request: the raw body.
    StatusRequest(Vec<u8>),
    /// Any other extension allowed in a CertificateRequest, with its raw body.
    Unknown {
        /// The code point.
        typ: ExtensionType,
        /// The raw extension_data.
        data: Vec<u8>,
    },
}

impl ExtensionPayload for CrExtension {
    const CONTEXT: ExtensionContext = ExtensionContext::CertificateRequest;

    fn typ(&self) -> ExtensionType {
        match self {
            Self::SignatureAlgorithms(_) => ExtensionType::SIGNATURE_ALGORITHMS,
            Self::SignatureAlgorithmsCert(_) => ExtensionType::SIGNATURE_ALGORITHMS_CERT,
            Self::CertificateAuthorities(_) => ExtensionType::CERTIFICATE_AUTHORITIES,
            Self::CompressCertificate(_) => ExtensionType::COMPRESS_CERTIFICATE,
            Self::OidFilters(_) => ExtensionType::OID_FILTERS,
            Self::StatusRequest(_) => ExtensionType::STATUS_REQUEST,
            Self::Unknown { typ, .. } => *typ,
        }
    }

    fn encode_body(&self, out: &mut Vec<u8>) {
        use LengthPrefix::{U8, U16};
        match self {
            Self::SignatureAlgorithms(v) | Self::SignatureAlgorithmsCert(v) => {
                put_list(out, U16, v)
            }
            Self::CertificateAuthorities(v) => put_opaque_list(out, U16, U16, v),
            Self::CompressCertificate(v) => put_list(out, U8, v),
            Self::OidFilters(data) | Self::StatusRequest(data) | Self::Unknown { data, .. } => {
                out.extend_from_slice(data)
            }
        }
    }

    fn read_body(typ: ExtensionType, body: &[u8]) -> Result<Self, InvalidMessage> {
        use LengthPrefix::{U8, U16};
        let mut r = Reader::new(body);
        let ext =
            match typ {
                ExtensionType::SIGNATURE_ALGORITHMS => {
                    Self::SignatureAlgorithms(read_list(&mut r, U16, "signature_algorithms", true)?)
                }
                ExtensionType::SIGNATURE_ALGORITHMS_CERT => Self::SignatureAlgorithmsCert(
                    read_list(&mut r, U16, "signature_algorithms_cert", true)?,
                ),
                ExtensionType::CERTIFICATE_AUTHORITIES => {
                    Self::CertificateAuthorities(read_authorities(&mut r)?)
                }
                ExtensionType::COMPRESS_CERTIFICATE => {
                    Self::CompressCertificate(read_list(&mut r, U8, "compress_certificate", true)?)
                }
                ExtensionType::OID_FILTERS => Self::OidFilters(r.rest().to_vec()),
                ExtensionType::STATUS_REQUEST => Self::StatusRequest(r.rest().to_vec()),
                _ => Self::Unknown {
                    typ,
                    data: r.rest().to_vec(),
                },
            };
        finish(&r, typ)?;
        Ok(ext)
    }
}

extension_codec!(CrExtension);

// ---------------------------------------------------------------------------
// CertificateEntry.

/// An extension of one CertificateEntry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertEntryExtension {
    /// status_request: the raw CertificateStatus (an OCSP response, RFC 8446 §4.4.2.1).
    StatusRequest(Vec<u8>),
    /// signed_certificate_timestamp: the raw SignedCertificateTimestampList (RFC 6962).
    SignedCertificateTimestamp(Vec<u8>),
    /// Any other code point, with its raw body.
    Unknown {
        /// The code point.
        typ: ExtensionType,
        /// The raw extension_data.
        data: Vec<u8>,
    },
}

impl ExtensionPayload for CertEntryExtension {
    const CONTEXT: ExtensionContext = ExtensionContext::Certificate;

    fn typ(&self) -> ExtensionType {
        match self {
            Self::StatusRequest(_) => ExtensionType::STATUS_REQUEST,
            Self::SignedCertificateTimestamp(_) => ExtensionType::SIGNED_CERTIFICATE_TIMESTAMP,
            Self::Unknown { typ, .. } => *typ,
        }
    }

    fn encode_body(&self, out: &mut Vec<u8>) {
        match self {
            Self::StatusRequest(data)
            | Self::SignedCertificateTimestamp(data)
            | Self::Unknown { data, .. } => out.extend_from_slice(data),
        }
    }

    fn read_body(typ: ExtensionType, body: &[u8]) -> Result<Self, InvalidMessage> {
        let data = body.to_vec();
        Ok(match typ {
            ExtensionType::STATUS_REQUEST => Self::StatusRequest(data),
            ExtensionType::SIGNED_CERTIFICATE_TIMESTAMP => Self::SignedCertificateTimestamp(data),
            _ => Self::Unknown { typ, data },
        })
    }
}

extension_codec!(CertEntryExtension);

// ---------------------------------------------------------------------------
// NewSessionTicket.

/// An extension of a NewSessionTicket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NstExtension {
    /// early_data: max_early_data_size, the 0-RTT budget of this ticket.
    EarlyData(u32),
    /// Any other code point, with its raw body.
    Unknown {
        /// The code point.
        typ: ExtensionType,
        /// The raw extension_data.
        data: Vec<u8>,
    },
}

impl ExtensionPayload for NstExtension {
    const CONTEXT: ExtensionContext = ExtensionContext::NewSessionTicket;

    fn typ(&self) -> ExtensionType {
        match self {
            Self::EarlyData(_) => ExtensionType::EARLY_DATA,
            Self::Unknown { typ, .. } => *typ,
        }
    }

    fn encode_body(&self, out: &mut Vec<u8>) {
        match self {
            Self::EarlyData(n) => put_u32(out, *n),
            Self::Unknown { data, .. } => out.extend_from_slice(data),
        }
    }

    fn read_body(typ: ExtensionType, body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let ext = match typ {
            ExtensionType::EARLY_DATA => Self::EarlyData(r.u32("max_early_data_size")?),
            _ => Self::Unknown {
                typ,
                data: r.rest().to_vec(),
            },
        };
        finish(&r, typ)?;
        Ok(ext)
    }
}

extension_codec!(NstExtension);

/// The first extension of type `typ` in `exts`.
pub(crate) fn find<E: ExtensionPayload>(exts: &[E], typ: ExtensionType) -> Option<&E> {
    exts.iter().find(|e| e.typ() == typ)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// One extension on the wire: type, u16 length, body.
    fn ext(typ: u16, body: &[u8]) -> Vec<u8> {
        let mut out = typ.to_be_bytes().to_vec();
        out.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
        out.extend_from_slice(body);
        out
    }

    /// A u16-prefixed block of the given extensions.
    fn block(exts: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = exts.concat();
        let mut out = u16::try_from(body.len()).unwrap().to_be_bytes().to_vec();
        out.extend_from_slice(&body);
        out
    }

    fn decode<E: ExtensionPayload>(exts: &[Vec<u8>]) -> Result<Vec<E>, InvalidMessage> {
        let bytes = block(exts);
        let mut r = Reader::new(&bytes);
        let out = read_block(&mut r)?;
        assert!(r.is_empty());
        Ok(out)
    }

    fn ch_one(typ: u16, body: &[u8]) -> Result<ClientExtension, InvalidMessage> {
        decode::<ClientExtension>(&[ext(typ, body)]).map(|mut v| v.remove(0))
    }

    fn ee_one(typ: u16, body: &[u8]) -> Result<EeExtension, InvalidMessage> {
        decode::<EeExtension>(&[ext(typ, body)]).map(|mut v| v.remove(0))
    }

    const ALL_CONTEXTS: [ExtensionContext; 7] = [
        ExtensionContext::ClientHello,
        ExtensionContext::ServerHello,
        ExtensionContext::HelloRetryRequest,
        ExtensionContext::EncryptedExtensions,
        ExtensionContext::CertificateRequest,
        ExtensionContext::Certificate,
        ExtensionContext::NewSessionTicket,
    ];

    /// Decodes one extension in `ctx`, reporting only the error (if any).
    fn decode_in(ctx: ExtensionContext, typ: u16, body: &[u8]) -> Result<(), InvalidMessage> {
        let e = [ext(typ, body)];
        match ctx {
            ExtensionContext::ClientHello => decode::<ClientExtension>(&e).map(drop),
            ExtensionContext::ServerHello => decode::<ServerExtension>(&e).map(drop),
            ExtensionContext::HelloRetryRequest => decode::<HrrExtension>(&e).map(drop),
            ExtensionContext::EncryptedExtensions => decode::<EeExtension>(&e).map(drop),
            ExtensionContext::CertificateRequest => decode::<CrExtension>(&e).map(drop),
            ExtensionContext::Certificate => decode::<CertEntryExtension>(&e).map(drop),
            ExtensionContext::NewSessionTicket => decode::<NstExtension>(&e).map(drop),
        }
    }

    #[test]
    fn every_known_extension_has_a_placement_rule() {
        for t in ExtensionType::KNOWN {
            assert!(allowed_mask(*t).is_some(), "{t:?} has no row in the table");
        }
        assert_eq!(allowed_mask(ExtensionType(0x1234)), None);
        assert_eq!(
            extension_allowed(ExtensionType(0x0a0a), ExtensionContext::EncryptedExtensions),
            None
        );
    }

    #[test]
    fn placement_table_matches_rfc8446() {
        use ExtensionContext as C;
        use ExtensionType as T;
        let rows: &[(ExtensionType, &[ExtensionContext])] = &[
            (T::SERVER_NAME, &[C::ClientHello, C::EncryptedExtensions]),
            (
                T::STATUS_REQUEST,
                &[C::ClientHello, C::CertificateRequest, C::Certificate],
            ),
            (
                T::SIGNATURE_ALGORITHMS,
                &[C::ClientHello, C::CertificateRequest],
            ),
            (T::PADDING, &[C::ClientHello]),
            (
                T::KEY_SHARE,
                &[C::ClientHello, C::ServerHello, C::HelloRetryRequest],
            ),
            (T::PRE_SHARED_KEY, &[C::ClientHello, C::ServerHello]),
            (
                T::EARLY_DATA,
                &[C::ClientHello, C::EncryptedExtensions, C::NewSessionTicket],
            ),
            (T::COOKIE, &[C::ClientHello, C::HelloRetryRequest]),
            (
                T::SUPPORTED_VERSIONS,
                &[C::ClientHello, C::ServerHello, C::HelloRetryRequest],
            ),
            (T::OID_FILTERS, &[C::CertificateRequest]),
            (
                T::COMPRESS_CERTIFICATE,
                &[C::ClientHello, C::CertificateRequest],
            ),
            (
                T::RECORD_SIZE_LIMIT,
                &[C::ClientHello, C::EncryptedExtensions],
            ),
            (T::EC_POINT_FORMATS, &[C::ClientHello]),
            (T::RENEGOTIATION_INFO, &[C::ClientHello]),
        ];
        for (t, allowed) in rows {
            for ctx in ALL_CONTEXTS {
                assert_eq!(
                    extension_allowed(*t, ctx),
                    Some(allowed.contains(&ctx)),
                    "{t:?} in {ctx:?}"
                );
            }
        }
    }

    #[test]
    fn known_extension_in_wrong_message_is_not_allowed() {
        use ExtensionContext as C;
        let cases: &[(ExtensionContext, ExtensionType, &[u8])] = &[
            (C::ClientHello, ExtensionType::OID_FILTERS, &[]),
            (C::ServerHello, ExtensionType::COOKIE, &[0, 1, 9]),
            (C::ServerHello, ExtensionType::SERVER_NAME, &[]),
            (C::ServerHello, ExtensionType::EC_POINT_FORMATS, &[1, 0]),
            (C::HelloRetryRequest, ExtensionType::PRE_SHARED_KEY, &[0, 0]),
            (
                C::EncryptedExtensions,
                ExtensionType::KEY_SHARE,
                &[0, 0x1d, 0, 1, 1],
            ),
            (
                C::EncryptedExtensions,
                ExtensionType::SUPPORTED_VERSIONS,
                &[3, 4],
            ),
            (C::EncryptedExtensions, ExtensionType::PADDING, &[0]),
            (C::CertificateRequest, ExtensionType::EARLY_DATA, &[]),
            (C::CertificateRequest, ExtensionType::SERVER_NAME, &[]),
            (
                C::Certificate,
                ExtensionType::SIGNATURE_ALGORITHMS,
                &[0, 2, 8, 4],
            ),
            (C::NewSessionTicket, ExtensionType::SERVER_NAME, &[]),
        ];
        for (ctx, t, body) in cases {
            assert_eq!(
                decode_in(*ctx, t.0, body),
                Err(InvalidMessage::ExtensionNotAllowed(t.0)),
                "{t:?} in {ctx:?}"
            );
        }
    }

    #[test]
    fn unknown_code_points_decode_as_unknown_everywhere() {
        for ctx in ALL_CONTEXTS {
            assert_eq!(decode_in(ctx, 0x0a0a, &[1, 2, 3]), Ok(()), "{ctx:?}");
        }
        assert_eq!(
            ee_one(0xfe0d, &[7, 7]),
            Ok(EeExtension::Unknown {
                typ: ExtensionType(0xfe0d),
                data: vec![7, 7]
            })
        );
        assert_eq!(
            decode::<NstExtension>(&[ext(0x4242, &[])]),
            Ok(vec![NstExtension::Unknown {
                typ: ExtensionType(0x4242),
                data: vec![]
            }])
        );
    }

    #[test]
    fn tls12_extensions_decode_in_a_client_hello() {
        let cases: &[(ExtensionType, &[u8])] = &[
            (ExtensionType::EC_POINT_FORMATS, &[3, 0, 1, 2]),
            (ExtensionType::RENEGOTIATION_INFO, &[0]),
            (ExtensionType::EXTENDED_MASTER_SECRET, &[]),
            (ExtensionType::ENCRYPT_THEN_MAC, &[]),
            (ExtensionType::SESSION_TICKET, &[]),
            (ExtensionType::MAX_FRAGMENT_LENGTH, &[2]),
            (ExtensionType::SIGNED_CERTIFICATE_TIMESTAMP, &[]),
        ];
        for (t, body) in cases {
            assert_eq!(
                ch_one(t.0, body),
                Ok(ClientExtension::Unknown {
                    typ: *t,
                    data: body.to_vec()
                })
            );
        }
        assert_eq!(
            ch_one(5, &[1, 0, 0, 0, 0]),
            Ok(ClientExtension::StatusRequest(vec![1, 0, 0, 0, 0]))
        );
    }

    #[test]
    fn duplicates_are_rejected_in_every_context() {
        let groups = ext(10, &[0, 2, 0, 0x1d]);
        assert_eq!(
            decode::<ClientExtension>(&[groups.clone(), ext(43, &[2, 3, 4]), groups.clone()]),
            Err(InvalidMessage::DuplicateExtension(10))
        );
        assert_eq!(
            decode::<EeExtension>(&[groups.clone(), groups]),
            Err(InvalidMessage::DuplicateExtension(10))
        );
        assert_eq!(
            decode::<CertEntryExtension>(&[ext(0xffff, &[]), ext(0xffff, &[1])]),
            Err(InvalidMessage::DuplicateExtension(0xffff))
        );
        assert_eq!(
            decode::<NstExtension>(&[ext(0x5a5a, &[]), ext(0x5a5a, &[])]),
            Err(InvalidMessage::DuplicateExtension(0x5a5a))
        );
        assert_eq!(
            decode::<ServerExtension>(&[ext(43, &[3, 4]), ext(43, &[3, 4])]),
            Err(InvalidMessage::DuplicateExtension(43))
        );
    }

    fn psk_body() -> Vec<u8> {
        let mut b = vec![0, 7, 0, 1, b'a', 0, 0, 0, 9];
        b.extend_from_slice(&[0, 33, 32]);
        b.extend_from_slice(&[0xaa; 32]);
        b
    }

    #[test]
    fn pre_shared_key_must_be_last_in_client_hello() {
        let psk = ext(41, &psk_body());
        assert_eq!(
            decode::<ClientExtension>(&[psk.clone(), ext(42, &[])]),
            Err(InvalidMessage::PreSharedKeyNotLast)
        );
        let ok = decode::<ClientExtension>(&[ext(42, &[]), psk]).unwrap();
        assert_eq!(
            ok[1],
            ClientExtension::PreSharedKey(OfferedPsks {
                identities: vec![PskIdentity {
                    identity: b"a".to_vec(),
                    obfuscated_ticket_age: 9
                }],
                binders: vec![vec![0xaa; 32]],
            })
        );
        // In a ServerHello pre_shared_key may sit anywhere (RFC 8446 §4.2).
        assert_eq!(
            decode::<ServerExtension>(&[ext(41, &[0, 0]), ext(43, &[3, 4])]).unwrap(),
            vec![
                ServerExtension::PreSharedKey(0),
                ServerExtension::SupportedVersions(ProtocolVersion::TLSV1_3)
            ]
        );
    }

    #[test]
    fn offered_psks_rules() {
        let one_identity = [0u8, 7, 0, 1, b'a', 0, 0, 0, 0];
        let with_binders = |binders: &[u8]| {
            let mut b = one_identity.to_vec();
            b.extend_from_slice(binders);
            b
        };
        let mut two = vec![0, 66, 32];
        two.extend_from_slice(&[1; 32]);
        two.push(32);
        two.extend_from_slice(&[2; 32]);
        assert_eq!(
            ch_one(41, &with_binders(&two)),
            Err(InvalidMessage::InvalidValue("psk binders count"))
        );
        let mut short = vec![0, 32, 31];
        short.extend_from_slice(&[1; 31]);
        assert_eq!(
            ch_one(41, &with_binders(&short)),
            Err(InvalidMessage::InvalidLength("psk binder"))
        );
        assert_eq!(
            ch_one(41, &with_binders(&[0, 0])),
            Err(InvalidMessage::EmptyVector("psk binders"))
        );
        let mut no_ids = vec![0, 0, 0, 33, 32];
        no_ids.extend_from_slice(&[1; 32]);
        assert_eq!(
            ch_one(41, &no_ids),
            Err(InvalidMessage::EmptyVector("psk identities"))
        );
        let mut empty_id = vec![0, 6, 0, 0, 0, 0, 0, 0, 0, 33, 32];
        empty_id.extend_from_slice(&[1; 32]);
        assert_eq!(
            ch_one(41, &empty_id),
            Err(InvalidMessage::EmptyVector("psk identity"))
        );
        let mut longest = vec![1, 0, 255];
        longest.extend_from_slice(&[3; 255]);
        let ok = ch_one(41, &with_binders(&longest));
        assert!(matches!(ok, Ok(ClientExtension::PreSharedKey(p)) if p.binders[0].len() == 255));
    }

    #[test]
    fn binders_encoding_and_length() {
        let p = OfferedPsks {
            identities: vec![
                PskIdentity {
                    identity: vec![1],
                    obfuscated_ticket_age: 0,
                },
                PskIdentity {
                    identity: vec![2],
                    obfuscated_ticket_age: 0,
                },
            ],
            binders: vec![vec![0xa; 32], vec![0xb; 48]],
        };
        let mut out = Vec::new();
        p.encode_binders(&mut out);
        assert_eq!(out.len(), p.binders_len());
        assert_eq!(out.len(), 2 + 33 + 49);
        assert_eq!(&out[..3], &[0, 82, 32]);
        let full = p.get_encoding();
        assert!(full.ends_with(&out));
    }

    #[test]
    fn empty_lists_are_rejected() {
        let cases: &[(u16, &[u8], &str)] = &[
            (10, &[0, 0], "supported_groups"),
            (13, &[0, 0], "signature_algorithms"),
            (50, &[0, 0], "signature_algorithms_cert"),
            (16, &[0, 0], "protocol_name_list"),
            (16, &[0, 4, 2, b'h', b'2', 0], "protocol_name"),
            (43, &[0], "supported_versions"),
            (45, &[0], "ke_modes"),
            (44, &[0, 0], "cookie"),
            (47, &[0, 0], "certificate_authorities"),
            (47, &[0, 2, 0, 0], "distinguished_name"),
            (27, &[0], "compress_certificate"),
            (0, &[0, 0], "server_name_list"),
            (0, &[0, 3, 0, 0, 0], "host_name"),
            (51, &[0, 4, 0, 0x1d, 0, 0], "key_exchange"),
        ];
        for (t, body, what) in cases {
            assert_eq!(
                ch_one(*t, body),
                Err(InvalidMessage::EmptyVector(what)),
                "type {t}"
            );
        }
        assert_eq!(
            ee_one(10, &[0, 0]),
            Err(InvalidMessage::EmptyVector("supported_groups"))
        );
        assert_eq!(
            ee_one(16, &[0, 0]),
            Err(InvalidMessage::EmptyVector("protocol_name_list"))
        );
        assert_eq!(
            decode::<HrrExtension>(&[ext(44, &[0, 0])]),
            Err(InvalidMessage::EmptyVector("cookie"))
        );
        assert_eq!(
            decode::<CrExtension>(&[ext(13, &[0, 0])]),
            Err(InvalidMessage::EmptyVector("signature_algorithms"))
        );
        assert_eq!(
            decode::<ServerExtension>(&[ext(51, &[0, 0x1d, 0, 0])]),
            Err(InvalidMessage::EmptyVector("key_exchange"))
        );
        // An empty client_shares is legal: the client asks for a HelloRetryRequest.
        assert_eq!(ch_one(51, &[0, 0]), Ok(ClientExtension::KeyShare(vec![])));
    }

    #[test]
    fn extension_bodies_are_consumed_exactly() {
        assert_eq!(
            ch_one(42, &[0]),
            Err(InvalidMessage::TrailingData("early_data"))
        );
        assert_eq!(
            ch_one(49, &[0]),
            Err(InvalidMessage::TrailingData("post_handshake_auth"))
        );
        assert_eq!(
            ch_one(43, &[2, 3, 4, 9]),
            Err(InvalidMessage::TrailingData("supported_versions"))
        );
        assert_eq!(
            ee_one(0, &[0, 0]),
            Err(InvalidMessage::TrailingData("server_name"))
        );
        assert_eq!(
            decode::<ServerExtension>(&[ext(43, &[3, 4, 0])]),
            Err(InvalidMessage::TrailingData("supported_versions"))
        );
        assert_eq!(
            decode::<HrrExtension>(&[ext(51, &[0, 0x17, 0])]),
            Err(InvalidMessage::TrailingData("key_share"))
        );
        assert_eq!(
            decode::<NstExtension>(&[ext(42, &[0, 0, 4, 0, 1])]),
            Err(InvalidMessage::TrailingData("early_data"))
        );
        assert_eq!(
            decode::<NstExtension>(&[ext(42, &[0, 0, 4])]),
            Err(InvalidMessage::MissingData("max_early_data_size"))
        );
        // Odd-length u16 list: the last item is cut short.
        assert_eq!(
            ch_one(10, &[0, 3, 0, 0x1d, 0]),
            Err(InvalidMessage::MissingData("NamedGroup"))
        );
        // A body longer than its extension says is a missing-data error of the block.
        let mut bad = ext(10, &[0, 2, 0, 0x1d]);
        bad[3] = 9;
        let bytes = block(&[bad]);
        assert_eq!(
            read_block::<ClientExtension>(&mut Reader::new(&bytes)),
            Err(InvalidMessage::MissingData("extension_data"))
        );
    }

    #[test]
    fn record_size_limit_below_64_is_illegal() {
        for decode_one in [
            |b: &[u8]| ch_one(28, b).map(drop),
            |b: &[u8]| ee_one(28, b).map(drop),
        ] {
            assert_eq!(
                decode_one(&[0, 63]),
                Err(InvalidMessage::InvalidValue("record_size_limit"))
            );
            assert_eq!(decode_one(&[0, 64]), Ok(()));
        }
        assert_eq!(
            ch_one(28, &[0x40, 0x01]),
            Ok(ClientExtension::RecordSizeLimit(16385))
        );
        assert_eq!(ee_one(28, &[0, 64]), Ok(EeExtension::RecordSizeLimit(64)));
    }

    #[test]
    fn server_name_rules() {
        assert_eq!(
            ch_one(0, &[0, 6, 0, 0, 3, b'a', b'.', b'b']),
            Ok(ClientExtension::ServerName(b"a.b".to_vec()))
        );
        assert_eq!(
            ch_one(0, &[0, 6, 1, 0, 3, b'a', b'.', b'b']),
            Err(InvalidMessage::InvalidValue("server_name type"))
        );
        assert_eq!(
            ch_one(0, &[0, 8, 0, 0, 1, b'a', 0, 0, 1, b'b']),
            Err(InvalidMessage::TrailingData("server_name_list"))
        );
        assert_eq!(ee_one(0, &[]), Ok(EeExtension::ServerName));
        assert_eq!(
            ClientExtension::ServerName(b"a.b".to_vec()).get_encoding(),
            [0, 0, 0, 8, 0, 6, 0, 0, 3, b'a', b'.', b'b']
        );
    }

    #[test]
    fn alpn_rules() {
        assert_eq!(
            ch_one(
                16,
                &[
                    0, 12, 2, b'h', b'2', 8, b'h', b't', b't', b'p', b'/', b'1', b'.', b'1'
                ]
            ),
            Ok(ClientExtension::Alpn(vec![
                b"h2".to_vec(),
                b"http/1.1".to_vec()
            ]))
        );
        assert_eq!(
            ee_one(16, &[0, 3, 2, b'h', b'2']),
            Ok(EeExtension::Alpn(b"h2".to_vec()))
        );
        assert_eq!(
            ee_one(16, &[0, 6, 2, b'h', b'2', 2, b'h', b'3']),
            Err(InvalidMessage::InvalidValue(
                "alpn: not exactly one protocol"
            ))
        );
        assert_eq!(
            EeExtension::Alpn(b"h2".to_vec()).get_encoding(),
            [0, 16, 0, 5, 0, 3, 2, b'h', b'2']
        );
    }

    #[test]
    fn key_share_rules() {
        assert_eq!(
            ch_one(51, &[0, 10, 0, 0x1d, 0, 1, 1, 0, 0x1d, 0, 1, 2]),
            Err(InvalidMessage::InvalidValue("key_share: duplicate group"))
        );
        assert_eq!(
            ch_one(51, &[0, 10, 0, 0x1d, 0, 1, 1, 0, 0x17, 0, 1, 2]),
            Ok(ClientExtension::KeyShare(vec![
                KeyShareEntry {
                    group: NamedGroup::X25519,
                    payload: vec![1]
                },
                KeyShareEntry {
                    group: NamedGroup::SECP256R1,
                    payload: vec![2]
                },
            ]))
        );
        assert_eq!(
            decode::<HrrExtension>(&[ext(51, &[0x11, 0xec])]),
            Ok(vec![HrrExtension::KeyShare(NamedGroup::X25519MLKEM768)])
        );
    }

    #[test]
    fn padding_keeps_only_its_length() {
        assert_eq!(ch_one(21, &[0; 5]), Ok(ClientExtension::Padding(5)));
        assert_eq!(ch_one(21, &[1, 2]), Ok(ClientExtension::Padding(2)));
        assert_eq!(
            ClientExtension::Padding(3).get_encoding(),
            [0, 21, 0, 3, 0, 0, 0]
        );
    }

    #[test]
    fn single_extension_codec() {
        let e = ClientExtension::SupportedVersions(vec![
            ProtocolVersion::TLSV1_3,
            ProtocolVersion::TLSV1_2,
        ]);
        let enc = e.get_encoding();
        assert_eq!(enc, [0, 43, 0, 5, 4, 3, 4, 3, 3]);
        assert_eq!(ClientExtension::read_bytes(&enc), Ok(e));
        assert_eq!(
            EeExtension::read_bytes(&enc),
            Err(InvalidMessage::ExtensionNotAllowed(43))
        );
        assert_eq!(
            NstExtension::EarlyData(1024).ext_type(),
            ExtensionType::EARLY_DATA
        );
        assert_eq!(
            CrExtension::Unknown {
                typ: ExtensionType(99),
                data: vec![]
            }
            .ext_type(),
            ExtensionType(99)
        );
    }

    #[test]
    fn code_set_covers_the_whole_range() {
        let mut s = CodeSet::new();
        for code in [0u16, 63, 64, 0xffc0, 0xffff] {
            assert!(s.insert(code));
            assert!(!s.insert(code));
        }
        // Past the linear-scan size the bitmap keeps every earlier code.
        for code in 1000..1100u16 {
            assert!(s.insert(code));
        }
        assert!(s.bits.is_some());
        for code in [0u16, 63, 64, 0xffc0, 0xffff, 1000, 1031, 1032, 1099] {
            assert!(!s.insert(code), "{code}");
        }
        assert!(s.insert(1100));
    }

    #[test]
    fn duplicate_found_in_a_large_block() {
        let mut exts: Vec<Vec<u8>> = (0x6000..0x6100u16).map(|t| ext(t, &[])).collect();
        exts.push(ext(0x6042, &[]));
        assert_eq!(
            decode::<EeExtension>(&exts),
            Err(InvalidMessage::DuplicateExtension(0x6042))
        );
        exts.pop();
        assert_eq!(decode::<EeExtension>(&exts).map(|v| v.len()), Ok(256));
    }

    #[test]
    fn block_contains_finds_types_and_tolerates_garbage() {
        let bytes = block(&[ext(10, &[0, 2, 0, 0x1d]), ext(43, &[3, 4])]);
        let r = Reader::new(&bytes);
        assert!(block_contains(&r, ExtensionType::SUPPORTED_VERSIONS));
        assert!(!block_contains(&r, ExtensionType::KEY_SHARE));
        assert_eq!(r.used(), 0);
        assert!(!block_contains(&Reader::new(&[0, 9, 0]), ExtensionType(0)));
    }
}
