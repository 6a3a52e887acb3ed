//! The error type of qtls, by responsibility, and the one place that maps
//! each error to the TLS alert it sends.
//!
//! Every variant says who is at fault: the peer sent bytes we cannot decode
//! ([`InvalidMessage`]), the peer broke a protocol rule ([`PeerMisbehaved`]),
//! the peer and we share no parameters ([`PeerIncompatible`]), a certificate
//! was rejected ([`CertificateError`]), the local configuration is unusable
//! ([`ConfigError`]) or the caller used the API wrongly ([`ApiMisuse`]).
//! Errors carry no strings: texts shown to users (QEMU's messages, CLI
//! output) are rendered by the layers above.

use crate::codec::enums::AlertDescription;
use core::fmt;

/// Every error qtls reports.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The peer sent bytes that do not decode as the message they claim to be.
    InvalidMessage(InvalidMessage),
    /// The peer sent a well-formed message that breaks a protocol rule.
    PeerMisbehaved(PeerMisbehaved),
    /// The peer is well-behaved but shares no usable parameters with us.
    PeerIncompatible(PeerIncompatible),
    /// A record failed authentication (wrong key, tampering): `bad_record_mac`.
    DecryptError,
    /// A record or plaintext was larger than the protocol allows.
    RecordOverflow,
    /// The peer sent a fatal alert (or an unexpected warning alert).
    AlertReceived(AlertDescription),
    /// A peer certificate (chain) was rejected.
    Certificate(CertificateError),
    /// A cryptographic operation failed locally.
    Crypto(CryptoError),
    /// The local configuration cannot be used.
    Config(ConfigError),
    /// The caller used the API out of order or with bad arguments.
    ApiMisuse(ApiMisuse),
    /// The transport ended without a close_notify (premature termination).
    UnexpectedEof,
    /// A case that must be impossible was reached; names the place.
    Unreachable(&'static str),
}

/// The peer's bytes could not be decoded. Sends `decode_error` unless noted.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidMessage {
    /// The message ended before a field was complete.
    MissingData(&'static str),
    /// Bytes remained after the message (or a length-prefixed field) ended.
    TrailingData(&'static str),
    /// A length prefix is out of the range its field allows.
    InvalidLength(&'static str),
    /// A vector that must not be empty is empty.
    EmptyVector(&'static str),
    /// A field holds a value that its type forbids.
    InvalidValue(&'static str),
    /// An extension appears twice in one message (RFC 8446 §4.2).
    DuplicateExtension(u16),
    /// pre_shared_key is not the last extension of a ClientHello (RFC 8446 §4.2.11).
    PreSharedKeyNotLast,
    /// A record header names a content type that TLS 1.3 does not define (`unexpected_message`).
    InvalidContentType,
    /// A record header's legacy version is not TLS 1.x.
    InvalidRecordVersion,
    /// A handshake message is larger than our limit (`decode_error`... RFC 8446 lets us pick).
    HandshakeMessageTooLarge,
    /// An encrypted record decrypted to all-zero padding with no content type (`unexpected_message`).
    NoContentType,
    /// A record with an empty fragment where one is not allowed (`unexpected_message`).
    EmptyFragment,
    /// An alert record is not exactly two bytes.
    InvalidAlert,
    /// A ChangeCipherSpec record is not the single byte 0x01 (`unexpected_message`).
    InvalidCcs,
    /// A known extension appears in a message that must not carry it
    /// (`illegal_parameter`, RFC 8446 §4.2).
    ExtensionNotAllowed(u16),
}

/// The peer broke a rule of the protocol. Each variant names its alert in [`Error::alert`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerMisbehaved {
    /// A message arrived that is not allowed in the current state (`unexpected_message`).
    UnexpectedMessage,
    /// Handshake data was interleaved with another content type or spanned a key change (`unexpected_message`).
    KeyChangeNotAligned,
    /// Too many empty records in a row (`unexpected_message`).
    TooManyEmptyRecords,
    /// Too many ChangeCipherSpec records (`unexpected_message`).
    TooManyCcs,
    /// Too many KeyUpdates without application data between them (`unexpected_message`).
    TooManyKeyUpdates,
    /// A field holds a value the peer must not send (`illegal_parameter`).
    IllegalParameter(&'static str),
    /// An extension was sent that the message must not carry (`unsupported_extension`).
    UnsolicitedExtension(u16),
    /// The peer's Finished or binder MAC is wrong (`decrypt_error`).
    BadFinished,
    /// The PSK binder is wrong (`decrypt_error`).
    BadBinder,
    /// The CertificateVerify signature is wrong (`decrypt_error`).
    BadSignature,
    /// The record sequence number would wrap (the connection must end).
    SequenceExhausted,
    /// A post-handshake message came before the handshake finished (`unexpected_message`).
    EarlyPostHandshake,
    /// More 0-RTT data than max_early_data_size (`unexpected_message`, RFC 8446 §4.2.10).
    TooMuchEarlyData,
}

/// The peer and we share no parameters. Each variant names its alert in [`Error::alert`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerIncompatible {
    /// The peer does not offer TLS 1.3 (`protocol_version`).
    NoTls13,
    /// No cipher suite in common (`handshake_failure`).
    NoCommonCipherSuite,
    /// No key-exchange group in common (`handshake_failure`).
    NoCommonGroup,
    /// No signature scheme in common, or no identity fits the peer's (`handshake_failure`).
    NoCommonSignatureScheme,
    /// No PSK or key-exchange mode in common (`handshake_failure`).
    NoCommonPskMode,
    /// ALPN protocols offered but none in common (`no_application_protocol`).
    NoCommonAlpn,
    /// A required extension is missing (`missing_extension`).
    MissingExtension(u16),
    /// The peer requires a client certificate and we have none (`certificate_required`).
    CertificateRequired,
}

/// A certificate was rejected. The variants are ranked by the X.509 layer;
/// each maps to one alert.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateError {
    /// The certificate or chain could not be parsed (`bad_certificate`).
    BadEncoding,
    /// The chain does not lead to a trusted anchor (`unknown_ca`).
    UnknownIssuer,
    /// The certificate was not yet valid or has expired (`certificate_expired`).
    Expired,
    /// The certificate is not valid yet (`certificate_expired`).
    NotValidYet,
    /// The certificate has been revoked (`certificate_revoked`).
    Revoked,
    /// The certificate does not match the expected name (`bad_certificate`).
    NameMismatch,
    /// A signature in the chain is wrong (`bad_certificate`).
    BadSignature,
    /// A signature algorithm or key type we do not accept (`unsupported_certificate`).
    UnsupportedAlgorithm,
    /// The certificate may not be used for this purpose (`unsupported_certificate`).
    InvalidPurpose,
    /// Any other reason the verifier rejected the chain (`bad_certificate`).
    Other(&'static str),
}

/// A cryptographic operation failed inside the provider (`internal_error`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoError {
    /// The random number generator failed.
    Rng,
    /// A key had the wrong size or format.
    InvalidKey,
    /// The peer's key share is invalid (`illegal_parameter`).
    InvalidPeerShare,
    /// AEAD authentication failed.
    AeadFailed,
    /// A signature did not verify.
    BadSignature,
    /// The algorithm is not offered by this provider.
    Unsupported,
    /// Any other failure of the provider.
    Failed,
}

/// The local configuration is unusable.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigError {
    /// No cipher suite is enabled.
    NoCipherSuites,
    /// No key-exchange group is enabled.
    NoGroups,
    /// A server has neither a certificate nor a PSK.
    NoCredentials,
    /// A private key could not be loaded or does not fit the scheme.
    BadPrivateKey,
    /// A parameter is out of range.
    InvalidParameter(&'static str),
}

/// The caller used the API wrongly.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiMisuse {
    /// Application data was written before the handshake completed.
    HandshakeNotComplete,
    /// The connection has already failed or been closed.
    ConnectionClosed,
    /// The output buffer is too small.
    BufferTooSmall,
    /// A call was made in a state where it is not allowed.
    WrongState(&'static str),
    /// An argument is out of the range the protocol allows (e.g. an
    /// exporter label longer than an HKDF label may be); names the argument.
    InvalidArgument(&'static str),
    /// The sending key reached its AEAD usage limit (RFC 8446 §5.5), the
    /// last step before its sequence number could wrap (§5.3): a KeyUpdate
    /// must replace it before more records can be sealed.
    KeyExhausted,
}

impl Error {
    /// The alert to send to the peer for this error, or `None` when no alert
    /// is due (the peer's own alert, a clean EOF, or API misuse).
    ///
    /// This is the only place that maps errors to alerts.
    pub fn alert(&self) -> Option<AlertDescription> {
        use AlertDescription as A;
        Some(match self {
            Error::InvalidMessage(m) => match m {
                InvalidMessage::InvalidContentType
                | InvalidMessage::NoContentType
                | InvalidMessage::EmptyFragment
                | InvalidMessage::InvalidCcs => A::UNEXPECTED_MESSAGE,
                InvalidMessage::InvalidValue(_) | InvalidMessage::ExtensionNotAllowed(_) => {
                    A::ILLEGAL_PARAMETER
                }
                _ => A::DECODE_ERROR,
            },
            Error::PeerMisbehaved(p) => match p {
                PeerMisbehaved::UnexpectedMessage
                | PeerMisbehaved::KeyChangeNotAligned
                | PeerMisbehaved::TooManyEmptyRecords
                | PeerMisbehaved::TooManyCcs
                | PeerMisbehaved::TooManyKeyUpdates
                | PeerMisbehaved::EarlyPostHandshake
                | PeerMisbehaved::TooMuchEarlyData => A::UNEXPECTED_MESSAGE,
                PeerMisbehaved::IllegalParameter(_) => A::ILLEGAL_PARAMETER,
                PeerMisbehaved::UnsolicitedExtension(_) => A::UNSUPPORTED_EXTENSION,
                PeerMisbehaved::BadFinished
                | PeerMisbehaved::BadBinder
                | PeerMisbehaved::BadSignature => A::DECRYPT_ERROR,
                PeerMisbehaved::SequenceExhausted => A::INTERNAL_ERROR,
            },
            Error::PeerIncompatible(p) => match p {
                PeerIncompatible::NoTls13 => A::PROTOCOL_VERSION,
                PeerIncompatible::NoCommonAlpn => A::NO_APPLICATION_PROTOCOL,
                PeerIncompatible::MissingExtension(_) => A::MISSING_EXTENSION,
                PeerIncompatible::CertificateRequired => A::CERTIFICATE_REQUIRED,
                _ => A::HANDSHAKE_FAILURE,
            },
            Error::DecryptError => A::BAD_RECORD_MAC,
            Error::RecordOverflow => A::RECORD_OVERFLOW,
            Error::Certificate(c) => match c {
                CertificateError::UnknownIssuer => A::UNKNOWN_CA,
                CertificateError::Expired | CertificateError::NotValidYet => A::CERTIFICATE_EXPIRED,
                CertificateError::Revoked => A::CERTIFICATE_REVOKED,
                CertificateError::UnsupportedAlgorithm | CertificateError::InvalidPurpose => {
                    A::UNSUPPORTED_CERTIFICATE
                }
                _ => A::BAD_CERTIFICATE,
            },
            Error::Crypto(CryptoError::InvalidPeerShare) => A::ILLEGAL_PARAMETER,
            Error::Crypto(_) | Error::Unreachable(_) | Error::Config(_) => A::INTERNAL_ERROR,
            Error::AlertReceived(_) | Error::ApiMisuse(_) | Error::UnexpectedEof => return None,
        })
    }
}

impl From<InvalidMessage> for Error {
    fn from(e: InvalidMessage) -> Self {
        Error::InvalidMessage(e)
    }
}
impl From<PeerMisbehaved> for Error {
    fn from(e: PeerMisbehaved) -> Self {
        Error::PeerMisbehaved(e)
    }
}
impl From<PeerIncompatible> for Error {
    fn from(e: PeerIncompatible) -> Self {
        Error::PeerIncompatible(e)
    }
}
impl From<CertificateError> for Error {
    fn from(e: CertificateError) -> Self {
        Error::Certificate(e)
    }
}
impl From<CryptoError> for Error {
    fn from(e: CryptoError) -> Self {
        Error::Crypto(e)
    }
}
impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}
impl From<ApiMisuse> for Error {
    fn from(e: ApiMisuse) -> Self {
        Error::ApiMisuse(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidMessage(m) => write!(f, "peer sent an invalid message: {m:?}"),
            Error::PeerMisbehaved(m) => write!(f, "peer misbehaved: {m:?}"),
            Error::PeerIncompatible(m) => write!(f, "peer is incompatible: {m:?}"),
            Error::DecryptError => f.write_str("record authentication failed (bad_record_mac)"),
            Error::RecordOverflow => f.write_str("record too large (record_overflow)"),
            Error::AlertReceived(a) => write!(f, "received fatal alert: {a:?}"),
            Error::Certificate(c) => write!(f, "certificate rejected: {c:?}"),
            Error::Crypto(c) => write!(f, "cryptographic failure: {c:?}"),
            Error::Config(c) => write!(f, "configuration error: {c:?}"),
            Error::ApiMisuse(c) => write!(f, "API misuse: {c:?}"),
            Error::UnexpectedEof => {
                f.write_str("the peer closed the connection without close_notify")
            }
            Error::Unreachable(w) => write!(f, "internal error: unreachable state in {w}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}
