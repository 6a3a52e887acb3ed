//! Open newtype enums for every IANA registry TLS 1.3 uses.
//!
//! Each type wraps the raw code point, so an unknown value received from a
//! peer is representable (and can be ignored or rejected by the layer that
//! knows the rule) instead of failing the decoder. Known values are
//! associated constants named as in the IANA registry.

use super::reader::{Codec, Reader, put_u16};
use crate::error::InvalidMessage;
use alloc::vec::Vec;
use core::fmt;

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident($ty:ident) {
            $( $(#[$vmeta:meta])* $var:ident = $val:literal => $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $ty);

        impl $name {
            $( $(#[$vmeta])* pub const $var: $name = $name($val); )*

            /// Every value this registry type names, in declaration order.
            pub const KNOWN: &'static [$name] = &[ $( $name($val), )* ];

            /// The IANA name of a known value.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $val => Some($text), )*
                    _ => None,
                }
            }

            /// True when this value has a name here.
            pub fn is_known(self) -> bool {
                self.name().is_some()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, "{}(0x{:x})", stringify!($name), self.0),
                }
            }
        }

        impl From<$ty> for $name {
            fn from(v: $ty) -> Self {
                $name(v)
            }
        }

        open_enum!(@codec $name $ty);
    };
    (@codec $name:ident u8) => {
        impl<'a> Codec<'a> for $name {
            fn encode(&self, out: &mut Vec<u8>) {
                out.push(self.0);
            }
            fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
                r.u8(stringify!($name)).map($name)
            }
        }
    };
    (@codec $name:ident u16) => {
        impl<'a> Codec<'a> for $name {
            fn encode(&self, out: &mut Vec<u8>) {
                put_u16(out, self.0);
            }
            fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage> {
                r.u16(stringify!($name)).map($name)
            }
        }
    };
}

open_enum! {
    /// Record content type (RFC 8446 §5.1).
    ContentType(u8) {
        /// change_cipher_spec (compatibility only in TLS 1.3).
        CHANGE_CIPHER_SPEC = 20 => "change_cipher_spec",
        /// alert.
        ALERT = 21 => "alert",
        /// handshake.
        HANDSHAKE = 22 => "handshake",
        /// application_data.
        APPLICATION_DATA = 23 => "application_data",
    }
}

open_enum! {
    /// Handshake message type (RFC 8446 §4).
    HandshakeType(u8) {
        /// client_hello.
        CLIENT_HELLO = 1 => "client_hello",
        /// server_hello (and hello_retry_request).
        SERVER_HELLO = 2 => "server_hello",
        /// new_session_ticket.
        NEW_SESSION_TICKET = 4 => "new_session_ticket",
        /// end_of_early_data.
        END_OF_EARLY_DATA = 5 => "end_of_early_data",
        /// encrypted_extensions.
        ENCRYPTED_EXTENSIONS = 8 => "encrypted_extensions",
        /// certificate.
        CERTIFICATE = 11 => "certificate",
        /// certificate_request.
        CERTIFICATE_REQUEST = 13 => "certificate_request",
        /// certificate_verify.
        CERTIFICATE_VERIFY = 15 => "certificate_verify",
        /// finished.
        FINISHED = 20 => "finished",
        /// key_update.
        KEY_UPDATE = 24 => "key_update",
        /// compressed_certificate (RFC 8879).
        COMPRESSED_CERTIFICATE = 25 => "compressed_certificate",
        /// message_hash (the synthetic transcript message after HRR).
        MESSAGE_HASH = 254 => "message_hash",
    }
}

open_enum! {
    /// Alert level (RFC 8446 §6).
    AlertLevel(u8) {
        /// warning.
        WARNING = 1 => "warning",
        /// fatal.
        FATAL = 2 => "fatal",
    }
}

open_enum! {
    /// Alert description (RFC 8446 §6, RFC 8446 §B.2).
    AlertDescription(u8) {
        /// close_notify.
        CLOSE_NOTIFY = 0 => "close_notify",
        /// unexpected_message.
        UNEXPECTED_MESSAGE = 10 => "unexpected_message",
        /// bad_record_mac.
        BAD_RECORD_MAC = 20 => "bad_record_mac",
        /// record_overflow.
        RECORD_OVERFLOW = 22 => "record_overflow",
        /// handshake_failure.
        HANDSHAKE_FAILURE = 40 => "handshake_failure",
        /// bad_certificate.
        BAD_CERTIFICATE = 42 => "bad_certificate",
        /// unsupported_certificate.
        UNSUPPORTED_CERTIFICATE = 43 => "unsupported_certificate",
        /// certificate_revoked.
        CERTIFICATE_REVOKED = 44 => "certificate_revoked",
        /// certificate_expired.
        CERTIFICATE_EXPIRED = 45 => "certificate_expired",
        /// certificate_unknown.
        CERTIFICATE_UNKNOWN = 46 => "certificate_unknown",
        /// illegal_parameter.
        ILLEGAL_PARAMETER = 47 => "illegal_parameter",
        /// unknown_ca.
        UNKNOWN_CA = 48 => "unknown_ca",
        /// access_denied.
        ACCESS_DENIED = 49 => "access_denied",
        /// decode_error.
        DECODE_ERROR = 50 => "decode_error",
        /// decrypt_error.
        DECRYPT_ERROR = 51 => "decrypt_error",
        /// protocol_version.
        PROTOCOL_VERSION = 70 => "protocol_version",
        /// insufficient_security.
        INSUFFICIENT_SECURITY = 71 => "insufficient_security",
        /// internal_error.
        INTERNAL_ERROR = 80 => "internal_error",
        /// inappropriate_fallback.
        INAPPROPRIATE_FALLBACK = 86 => "inappropriate_fallback",
        /// user_canceled.
        USER_CANCELED = 90 => "user_canceled",
        /// missing_extension.
        MISSING_EXTENSION = 109 => "missing_extension",
        /// unsupported_extension.
        UNSUPPORTED_EXTENSION = 110 => "unsupported_extension",
        /// unrecognized_name.
        UNRECOGNIZED_NAME = 112 => "unrecognized_name",
        /// bad_certificate_status_response.
        BAD_CERTIFICATE_STATUS_RESPONSE = 113 => "bad_certificate_status_response",
        /// unknown_psk_identity.
        UNKNOWN_PSK_IDENTITY = 115 => "unknown_psk_identity",
        /// certificate_required.
        CERTIFICATE_REQUIRED = 116 => "certificate_required",
        /// no_application_protocol.
        NO_APPLICATION_PROTOCOL = 120 => "no_application_protocol",
    }
}

open_enum! {
    /// Extension type (RFC 8446 §4.2 and the RFCs named per value).
    ExtensionType(u16) {
        /// server_name (RFC 6066).
        SERVER_NAME = 0 => "server_name",
        /// max_fragment_length (RFC 6066).
        MAX_FRAGMENT_LENGTH = 1 => "max_fragment_length",
        /// status_request (RFC 6066).
        STATUS_REQUEST = 5 => "status_request",
        /// supported_groups (RFC 8422, 7919).
        SUPPORTED_GROUPS = 10 => "supported_groups",
        /// ec_point_formats (TLS 1.2; ignored).
        EC_POINT_FORMATS = 11 => "ec_point_formats",
        /// signature_algorithms (RFC 8446).
        SIGNATURE_ALGORITHMS = 13 => "signature_algorithms",
        /// use_srtp (RFC 5764).
        USE_SRTP = 14 => "use_srtp",
        /// heartbeat (RFC 6520).
        HEARTBEAT = 15 => "heartbeat",
        /// application_layer_protocol_negotiation (RFC 7301).
        ALPN = 16 => "application_layer_protocol_negotiation",
        /// signed_certificate_timestamp (RFC 6962).
        SIGNED_CERTIFICATE_TIMESTAMP = 18 => "signed_certificate_timestamp",
        /// client_certificate_type (RFC 7250).
        CLIENT_CERTIFICATE_TYPE = 19 => "client_certificate_type",
        /// server_certificate_type (RFC 7250).
        SERVER_CERTIFICATE_TYPE = 20 => "server_certificate_type",
        /// padding (RFC 7685).
        PADDING = 21 => "padding",
        /// encrypt_then_mac (TLS 1.2; ignored).
        ENCRYPT_THEN_MAC = 22 => "encrypt_then_mac",
        /// extended_master_secret (TLS 1.2; ignored).
        EXTENDED_MASTER_SECRET = 23 => "extended_master_secret",
        /// compress_certificate (RFC 8879).
        COMPRESS_CERTIFICATE = 27 => "compress_certificate",
        /// record_size_limit (RFC 8449).
        RECORD_SIZE_LIMIT = 28 => "record_size_limit",
        /// session_ticket (TLS 1.2; ignored).
        SESSION_TICKET = 35 => "session_ticket",
        /// pre_shared_key (RFC 8446).
        PRE_SHARED_KEY = 41 => "pre_shared_key",
        /// early_data (RFC 8446).
        EARLY_DATA = 42 => "early_data",
        /// supported_versions (RFC 8446).
        SUPPORTED_VERSIONS = 43 => "supported_versions",
        /// cookie (RFC 8446).
        COOKIE = 44 => "cookie",
        /// psk_key_exchange_modes (RFC 8446).
        PSK_KEY_EXCHANGE_MODES = 45 => "psk_key_exchange_modes",
        /// certificate_authorities (RFC 8446).
        CERTIFICATE_AUTHORITIES = 47 => "certificate_authorities",
        /// oid_filters (RFC 8446).
        OID_FILTERS = 48 => "oid_filters",
        /// post_handshake_auth (RFC 8446).
        POST_HANDSHAKE_AUTH = 49 => "post_handshake_auth",
        /// signature_algorithms_cert (RFC 8446).
        SIGNATURE_ALGORITHMS_CERT = 50 => "signature_algorithms_cert",
        /// key_share (RFC 8446).
        KEY_SHARE = 51 => "key_share",
        /// renegotiation_info (TLS 1.2; ignored).
        RENEGOTIATION_INFO = 0xff01 => "renegotiation_info",
    }
}

open_enum! {
    /// Named group for key exchange (RFC 8446 §4.2.7, RFC 7919, draft-ietf-tls-ecdhe-mlkem, draft-ietf-tls-mlkem).
    NamedGroup(u16) {
        /// secp256r1 (NIST P-256).
        SECP256R1 = 0x0017 => "secp256r1",
        /// secp384r1 (NIST P-384).
        SECP384R1 = 0x0018 => "secp384r1",
        /// secp521r1 (NIST P-521).
        SECP521R1 = 0x0019 => "secp521r1",
        /// x25519.
        X25519 = 0x001d => "x25519",
        /// x448 (not supported; named so it can be logged).
        X448 = 0x001e => "x448",
        /// ffdhe2048 (RFC 7919).
        FFDHE2048 = 0x0100 => "ffdhe2048",
        /// ffdhe3072.
        FFDHE3072 = 0x0101 => "ffdhe3072",
        /// ffdhe4096.
        FFDHE4096 = 0x0102 => "ffdhe4096",
        /// ffdhe6144.
        FFDHE6144 = 0x0103 => "ffdhe6144",
        /// ffdhe8192.
        FFDHE8192 = 0x0104 => "ffdhe8192",
        /// MLKEM768 (pure ML-KEM-768).
        MLKEM768 = 0x0201 => "MLKEM768",
        /// MLKEM1024 (pure ML-KEM-1024).
        MLKEM1024 = 0x0202 => "MLKEM1024",
        /// SecP256r1MLKEM768 hybrid.
        SECP256R1MLKEM768 = 0x11eb => "SecP256r1MLKEM768",
        /// X25519MLKEM768 hybrid.
        X25519MLKEM768 = 0x11ec => "X25519MLKEM768",
        /// SecP384r1MLKEM1024 hybrid.
        SECP384R1MLKEM1024 = 0x11ed => "SecP384r1MLKEM1024",
    }
}

open_enum! {
    /// Signature scheme (RFC 8446 §4.2.3, draft-ietf-tls-mldsa for ML-DSA).
    SignatureScheme(u16) {
        /// rsa_pkcs1_sha1 (certificates only, legacy).
        RSA_PKCS1_SHA1 = 0x0201 => "rsa_pkcs1_sha1",
        /// ecdsa_sha1 (certificates only, legacy).
        ECDSA_SHA1 = 0x0203 => "ecdsa_sha1",
        /// rsa_pkcs1_sha256 (certificates only in TLS 1.3).
        RSA_PKCS1_SHA256 = 0x0401 => "rsa_pkcs1_sha256",
        /// rsa_pkcs1_sha384.
        RSA_PKCS1_SHA384 = 0x0501 => "rsa_pkcs1_sha384",
        /// rsa_pkcs1_sha512.
        RSA_PKCS1_SHA512 = 0x0601 => "rsa_pkcs1_sha512",
        /// ecdsa_secp256r1_sha256.
        ECDSA_SECP256R1_SHA256 = 0x0403 => "ecdsa_secp256r1_sha256",
        /// ecdsa_secp384r1_sha384.
        ECDSA_SECP384R1_SHA384 = 0x0503 => "ecdsa_secp384r1_sha384",
        /// ecdsa_secp521r1_sha512.
        ECDSA_SECP521R1_SHA512 = 0x0603 => "ecdsa_secp521r1_sha512",
        /// rsa_pss_rsae_sha256.
        RSA_PSS_RSAE_SHA256 = 0x0804 => "rsa_pss_rsae_sha256",
        /// rsa_pss_rsae_sha384.
        RSA_PSS_RSAE_SHA384 = 0x0805 => "rsa_pss_rsae_sha384",
        /// rsa_pss_rsae_sha512.
        RSA_PSS_RSAE_SHA512 = 0x0806 => "rsa_pss_rsae_sha512",
        /// ed25519.
        ED25519 = 0x0807 => "ed25519",
        /// ed448 (not supported; named for logs).
        ED448 = 0x0808 => "ed448",
        /// rsa_pss_pss_sha256.
        RSA_PSS_PSS_SHA256 = 0x0809 => "rsa_pss_pss_sha256",
        /// rsa_pss_pss_sha384.
        RSA_PSS_PSS_SHA384 = 0x080a => "rsa_pss_pss_sha384",
        /// rsa_pss_pss_sha512.
        RSA_PSS_PSS_SHA512 = 0x080b => "rsa_pss_pss_sha512",
        /// mldsa44.
        MLDSA44 = 0x0904 => "mldsa44",
        /// mldsa65.
        MLDSA65 = 0x0905 => "mldsa65",
        /// mldsa87.
        MLDSA87 = 0x0906 => "mldsa87",
    }
}

open_enum! {
    /// TLS 1.3 cipher suite (RFC 8446 §B.4).
    CipherSuite(u16) {
        /// TLS_AES_128_GCM_SHA256.
        TLS_AES_128_GCM_SHA256 = 0x1301 => "TLS_AES_128_GCM_SHA256",
        /// TLS_AES_256_GCM_SHA384.
        TLS_AES_256_GCM_SHA384 = 0x1302 => "TLS_AES_256_GCM_SHA384",
        /// TLS_CHACHA20_POLY1305_SHA256.
        TLS_CHACHA20_POLY1305_SHA256 = 0x1303 => "TLS_CHACHA20_POLY1305_SHA256",
        /// TLS_AES_128_CCM_SHA256.
        TLS_AES_128_CCM_SHA256 = 0x1304 => "TLS_AES_128_CCM_SHA256",
        /// TLS_AES_128_CCM_8_SHA256.
        TLS_AES_128_CCM_8_SHA256 = 0x1305 => "TLS_AES_128_CCM_8_SHA256",
        /// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (TLS 1.2 signalling value; ignored).
        TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff => "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
        /// TLS_FALLBACK_SCSV (RFC 7507).
        TLS_FALLBACK_SCSV = 0x5600 => "TLS_FALLBACK_SCSV",
    }
}

open_enum! {
    /// Protocol version (RFC 8446 §4.2.1).
    ProtocolVersion(u16) {
        /// SSL 3.0 (never negotiated).
        SSLV3 = 0x0300 => "SSLv3",
        /// TLS 1.0 (record layer legacy version only).
        TLSV1_0 = 0x0301 => "TLSv1.0",
        /// TLS 1.1.
        TLSV1_1 = 0x0302 => "TLSv1.1",
        /// TLS 1.2 (legacy_version of TLS 1.3 hellos).
        TLSV1_2 = 0x0303 => "TLSv1.2",
        /// TLS 1.3.
        TLSV1_3 = 0x0304 => "TLSv1.3",
    }
}

open_enum! {
    /// PSK key exchange mode (RFC 8446 §4.2.9).
    PskKeyExchangeMode(u8) {
        /// psk_ke: PSK only, no (EC)DHE.
        PSK_KE = 0 => "psk_ke",
        /// psk_dhe_ke: PSK with (EC)DHE.
        PSK_DHE_KE = 1 => "psk_dhe_ke",
    }
}

open_enum! {
    /// KeyUpdate request (RFC 8446 §4.6.3).
    KeyUpdateRequest(u8) {
        /// update_not_requested.
        UPDATE_NOT_REQUESTED = 0 => "update_not_requested",
        /// update_requested.
        UPDATE_REQUESTED = 1 => "update_requested",
    }
}

open_enum! {
    /// Certificate compression algorithm (RFC 8879).
    CertificateCompressionAlgorithm(u16) {
        /// zlib.
        ZLIB = 1 => "zlib",
        /// brotli.
        BROTLI = 2 => "brotli",
        /// zstd.
        ZSTD = 3 => "zstd",
    }
}

open_enum! {
    /// Server name type (RFC 6066 §3).
    ServerNameType(u8) {
        /// host_name.
        HOST_NAME = 0 => "host_name",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_are_representable() {
        let g = NamedGroup::read_bytes(&[0x12, 0x34]).unwrap();
        assert_eq!(g, NamedGroup(0x1234));
        assert!(!g.is_known());
        assert_eq!(alloc::format!("{g:?}"), "NamedGroup(0x1234)");
        assert_eq!(
            alloc::format!("{:?}", NamedGroup::X25519MLKEM768),
            "X25519MLKEM768"
        );
        assert_eq!(NamedGroup::X25519.get_encoding(), [0, 0x1d]);
    }
}
