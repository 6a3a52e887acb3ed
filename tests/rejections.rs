//! Every rejection path of the handshake, on the in-memory pair: a peer's
//! malformed or out-of-order message must end the handshake with the
//! error variant and alert RFC 8446 names, never a panic or a hang.
//!
//! Malformed messages are made by the sending side's test hook (feature
//! `test-hooks`), which rewrites our own handshake messages after they
//! entered the sender's transcript.

mod common;

use common::pair::{NOW, Pair, Who, configs};
use qtls::codec::Codec;
use qtls::codec::enums::{
    AlertDescription, CipherSuite, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion,
    SignatureScheme,
};
use qtls::codec::extensions::{ClientExtension, EeExtension, HrrExtension, ServerExtension};
use qtls::codec::handshake::{HandshakeMessage, HandshakePayload};
use qtls::error::{Error, InvalidMessage, PeerIncompatible, PeerMisbehaved};
use qtls::pki::KeyType;
use std::sync::{Arc, Mutex};

/// Installs a hook on `who` that rewrites messages of type `typ`.
fn rewrite(
    p: &mut Pair,
    who: Who,
    typ: HandshakeType,
    f: impl Fn(&mut HandshakeMessage) + Send + 'static,
) {
    let conn = match who {
        Who::Client => &mut p.client,
        Who::Server => &mut p.server,
    };
    conn.set_handshake_send_hook(Box::new(move |bytes: &mut Vec<u8>| {
        if bytes.first() == Some(&typ.0) {
            let mut m = HandshakeMessage::read_bytes(bytes).expect("our own message decodes");
            f(&mut m);
            *bytes = m.get_encoding();
        }
    }));
}

/// Installs a raw byte hook on `who` for messages of type `typ`.
fn rewrite_raw(
    p: &mut Pair,
    who: Who,
    typ: HandshakeType,
    f: impl Fn(&mut Vec<u8>) + Send + 'static,
) {
    let conn = match who {
        Who::Client => &mut p.client,
        Who::Server => &mut p.server,
    };
    conn.set_handshake_send_hook(Box::new(move |bytes: &mut Vec<u8>| {
        if bytes.first() == Some(&typ.0) {
            f(bytes);
        }
    }));
}

/// Runs the handshake; asserts `who` failed with `err` and that the peer
/// received the matching alert.
fn expect_failure(mut p: Pair, who: Who, err: Error, alert: AlertDescription) {
    let got = p.handshake().expect_err("handshake must fail");
    assert_eq!(got, (who, err.clone()));
    assert_eq!(err.alert(), Some(alert));
    p.transfer(who);
    let peer = match who {
        Who::Client => &mut p.server,
        Who::Server => &mut p.client,
    };
    let peer_err = match peer.handshake(NOW) {
        Err(e) => e,
        // A peer whose handshake already completed sees the alert on read.
        Ok(_) => peer
            .read(&mut [0u8; 8])
            .expect_err("peer must see the alert"),
    };
    assert_eq!(peer_err, Error::AlertReceived(alert));
}

fn pair() -> Pair {
    let (c, s) = configs(KeyType::EcdsaP256);
    Pair::new(c, s)
}

fn ill(what: &'static str) -> Error {
    Error::PeerMisbehaved(PeerMisbehaved::IllegalParameter(what))
}

#[test]
fn unsolicited_alpn_in_encrypted_extensions() {
    let mut p = pair();
    rewrite(
        &mut p,
        Who::Server,
        HandshakeType::ENCRYPTED_EXTENSIONS,
        |m| {
            if let HandshakePayload::EncryptedExtensions(ee) = &mut m.payload {
                ee.extensions.push(EeExtension::Alpn(b"h2".to_vec()));
            }
        },
    );
    expect_failure(
        p,
        Who::Client,
        Error::PeerMisbehaved(PeerMisbehaved::UnsolicitedExtension(ExtensionType::ALPN.0)),
        AlertDescription::UNSUPPORTED_EXTENSION,
    );
}

#[test]
fn empty_server_certificate_is_decode_error() {
    let mut p = pair();
    rewrite(&mut p, Who::Server, HandshakeType::CERTIFICATE, |m| {
        if let HandshakePayload::Certificate(c) = &mut m.payload {
            c.entries.clear();
        }
    });
    expect_failure(
        p,
        Who::Client,
        Error::InvalidMessage(InvalidMessage::EmptyVector("server Certificate")),
        AlertDescription::DECODE_ERROR,
    );
}

#[test]
fn bad_certificate_verify_signature_is_decrypt_error() {
    let mut p = pair();
    rewrite(
        &mut p,
        Who::Server,
        HandshakeType::CERTIFICATE_VERIFY,
        |m| {
            if let HandshakePayload::CertificateVerify(cv) = &mut m.payload {
                let last = cv.signature.len() - 2;
                cv.signature[last] ^= 0x40;
            }
        },
    );
    expect_failure(
        p,
        Who::Client,
        PeerMisbehaved::BadSignature.into(),
        AlertDescription::DECRYPT_ERROR,
    );
}

#[test]
fn certificate_verify_with_pkcs1_is_illegal_parameter() {
    let mut p = pair();
    rewrite(
        &mut p,
        Who::Server,
        HandshakeType::CERTIFICATE_VERIFY,
        |m| {
            if let HandshakePayload::CertificateVerify(cv) = &mut m.payload {
                cv.scheme = SignatureScheme::RSA_PKCS1_SHA256;
            }
        },
    );
    expect_failure(
        p,
        Who::Client,
        ill("CertificateVerify scheme not allowed in TLS 1.3"),
        AlertDescription::ILLEGAL_PARAMETER,
    );
}

#[test]
fn bad_server_finished_is_decrypt_error() {
    let mut p = pair();
    rewrite_raw(&mut p, Who::Server, HandshakeType::FINISHED, |b| {
        *b.last_mut().unwrap() ^= 1
    });
    expect_failure(
        p,
        Who::Client,
        PeerMisbehaved::BadFinished.into(),
        AlertDescription::DECRYPT_ERROR,
    );
}

#[test]
fn bad_client_finished_is_decrypt_error() {
    let mut p = pair();
    rewrite_raw(&mut p, Who::Client, HandshakeType::FINISHED, |b| {
        *b.last_mut().unwrap() ^= 1
    });
    expect_failure(
        p,
        Who::Server,
        PeerMisbehaved::BadFinished.into(),
        AlertDescription::DECRYPT_ERROR,
    );
}

#[test]
fn missing_server_certificate_is_unexpected_message() {
    let mut p = pair();
    rewrite_raw(&mut p, Who::Server, HandshakeType::CERTIFICATE, |b| {
        b.clear()
    });
    expect_failure(
        p,
        Who::Client,
        PeerMisbehaved::UnexpectedMessage.into(),
        AlertDescription::UNEXPECTED_MESSAGE,
    );
}

#[test]
fn unsolicited_certificate_entry_extension() {
    let mut p = pair();
    rewrite(&mut p, Who::Server, HandshakeType::CERTIFICATE, |m| {
        if let HandshakePayload::Certificate(c) = &mut m.payload {
            c.entries[0].extensions.push(
                qtls::codec::extensions::CertEntryExtension::SignedCertificateTimestamp(vec![0, 0]),
            );
        }
    });
    expect_failure(
        p,
        Who::Client,
        Error::PeerMisbehaved(PeerMisbehaved::UnsolicitedExtension(
            ExtensionType::SIGNED_CERTIFICATE_TIMESTAMP.0,
        )),
        AlertDescription::UNSUPPORTED_EXTENSION,
    );
}

#[test]
fn server_hello_with_unoffered_suite() {
    let (mut c, s) = configs(KeyType::EcdsaP256);
    c.policy.suites = vec![CipherSuite::TLS_AES_128_GCM_SHA256];
    let mut p = Pair::new(c, s);
    rewrite(&mut p, Who::Server, HandshakeType::SERVER_HELLO, |m| {
        if let HandshakePayload::ServerHello(sh) = &mut m.payload {
            sh.cipher_suite = CipherSuite::TLS_AES_256_GCM_SHA384;
        }
    });
    expect_failure(
        p,
        Who::Client,
        ill("ServerHello cipher suite"),
        AlertDescription::ILLEGAL_PARAMETER,
    );
}

#[test]
fn server_hello_selecting_tls12_in_supported_versions() {
    let mut p = pair();
    rewrite(&mut p, Who::Server, HandshakeType::SERVER_HELLO, |m| {
        if let HandshakePayload::ServerHello(sh) = &mut m.payload {
            for e in &mut sh.extensions {
                if let ServerExtension::SupportedVersions(v) = e {
                    *v = ProtocolVersion::TLSV1_2;
                }
            }
        }
    });
    expect_failure(
        p,
        Who::Client,
        ill("selected version"),
        AlertDescription::ILLEGAL_PARAMETER,
    );
}

#[test]
fn downgrade_sentinel_is_illegal_parameter() {
    let mut p = pair();
    rewrite(&mut p, Who::Server, HandshakeType::SERVER_HELLO, |m| {
        if let HandshakePayload::ServerHello(sh) = &mut m.payload {
            sh.extensions
                .retain(|e| !matches!(e, ServerExtension::SupportedVersions(_)));
            sh.random[24..].copy_from_slice(b"DOWNGRD\x01");
        }
    });
    expect_failure(
        p,
        Who::Client,
        ill("downgrade sentinel"),
        AlertDescription::ILLEGAL_PARAMETER,
    );
}

#[test]
fn tls12_server_hello_is_protocol_version() {
    let mut p = pair();
    rewrite(&mut p, Who::Server, HandshakeType::SERVER_HELLO, |m| {
        if let HandshakePayload::ServerHello(sh) = &mut m.payload {
            sh.extensions
                .retain(|e| !matches!(e, ServerExtension::SupportedVersions(_)));
        }
    });
    expect_failure(
        p,
        Who::Client,
        PeerIncompatible::NoTls13.into(),
        AlertDescription::PROTOCOL_VERSION,
    );
}

#[test]
fn server_hello_key_share_for_unoffered_group() {
    let mut p = pair();
    rewrite(&mut p, Who::Server, HandshakeType::SERVER_HELLO, |m| {
        if let HandshakePayload::ServerHello(sh) = &mut m.payload {
            for e in &mut sh.extensions {
                if let ServerExtension::KeyShare(k) = e {
                    k.group = NamedGroup::SECP521R1;
                }
            }
        }
    });
    expect_failure(
        p,
        Who::Client,
        ill("key_share group not offered"),
        AlertDescription::ILLEGAL_PARAMETER,
    );
}

#[test]
fn server_hello_and_more_in_one_record_is_not_aligned() {
    let mut p = pair();
    // Glue a fake EncryptedExtensions to the ServerHello: both go out in the
    // plaintext record, so the client's key change would span it.
    rewrite_raw(&mut p, Who::Server, HandshakeType::SERVER_HELLO, |b| {
        b.extend_from_slice(&[8, 0, 0, 2, 0, 0]);
    });
    expect_failure(
        p,
        Who::Client,
        PeerMisbehaved::KeyChangeNotAligned.into(),
        AlertDescription::UNEXPECTED_MESSAGE,
    );
}

fn hrr_pair() -> Pair {
    let (mut c, mut s) = configs(KeyType::EcdsaP256);
    c.policy.groups = vec![NamedGroup::X25519, NamedGroup::SECP256R1];
    c.key_shares = 1;
    s.policy.groups = vec![NamedGroup::SECP256R1];
    Pair::new(c, s)
}

#[test]
fn hrr_for_a_group_already_shared() {
    let mut p = hrr_pair();
    rewrite(&mut p, Who::Server, HandshakeType::SERVER_HELLO, |m| {
        if let HandshakePayload::HelloRetryRequest(h) = &mut m.payload {
            for e in &mut h.extensions {
                if let HrrExtension::KeyShare(g) = e {
                    *g = NamedGroup::X25519;
                }
            }
        }
    });
    expect_failure(
        p,
        Who::Client,
        ill("HelloRetryRequest group"),
        AlertDescription::ILLEGAL_PARAMETER,
    );
}

#[test]
fn second_hello_retry_request_is_unexpected() {
    let mut p = hrr_pair();
    let first: Arc<Mutex<Option<Vec<u8>>>> = Arc::new(Mutex::new(None));
    let keep = first.clone();
    rewrite_raw(&mut p, Who::Server, HandshakeType::SERVER_HELLO, move |b| {
        let mut slot = keep.lock().unwrap();
        match slot.as_ref() {
            None => *slot = Some(b.clone()),
            // Replace the real ServerHello by the first HRR again.
            Some(hrr) => *b = hrr.clone(),
        }
    });
    expect_failure(
        p,
        Who::Client,
        PeerMisbehaved::UnexpectedMessage.into(),
        AlertDescription::UNEXPECTED_MESSAGE,
    );
}

#[test]
fn client_hello_compression_must_be_null_only() {
    let mut p = pair();
    rewrite(&mut p, Who::Client, HandshakeType::CLIENT_HELLO, |m| {
        if let HandshakePayload::ClientHello(ch) = &mut m.payload {
            ch.compression_methods = vec![1, 0];
        }
    });
    expect_failure(
        p,
        Who::Server,
        ill("compression methods"),
        AlertDescription::ILLEGAL_PARAMETER,
    );
}

#[test]
fn client_hello_share_outside_supported_groups() {
    let mut p = pair();
    rewrite(&mut p, Who::Client, HandshakeType::CLIENT_HELLO, |m| {
        if let HandshakePayload::ClientHello(ch) = &mut m.payload {
            for e in &mut ch.extensions {
                if let ClientExtension::SupportedGroups(g) = e {
                    g.retain(|g| *g != NamedGroup::X25519);
                }
            }
        }
    });
    expect_failure(
        p,
        Who::Server,
        ill("key_share group not in supported_groups"),
        AlertDescription::ILLEGAL_PARAMETER,
    );
}

#[test]
fn client_hello_without_signature_algorithms() {
    let mut p = pair();
    rewrite(&mut p, Who::Client, HandshakeType::CLIENT_HELLO, |m| {
        if let HandshakePayload::ClientHello(ch) = &mut m.payload {
            ch.extensions
                .retain(|e| !matches!(e, ClientExtension::SignatureAlgorithms(_)));
        }
    });
    expect_failure(
        p,
        Who::Server,
        PeerIncompatible::MissingExtension(ExtensionType::SIGNATURE_ALGORITHMS.0).into(),
        AlertDescription::MISSING_EXTENSION,
    );
}

#[test]
fn client_hello_without_key_share() {
    let mut p = pair();
    rewrite(&mut p, Who::Client, HandshakeType::CLIENT_HELLO, |m| {
        if let HandshakePayload::ClientHello(ch) = &mut m.payload {
            ch.extensions
                .retain(|e| !matches!(e, ClientExtension::KeyShare(_)));
        }
    });
    expect_failure(
        p,
        Who::Server,
        PeerIncompatible::MissingExtension(ExtensionType::KEY_SHARE.0).into(),
        AlertDescription::MISSING_EXTENSION,
    );
}

#[test]
fn client_hello_with_only_unknown_suites() {
    let mut p = pair();
    rewrite(&mut p, Who::Client, HandshakeType::CLIENT_HELLO, |m| {
        if let HandshakePayload::ClientHello(ch) = &mut m.payload {
            ch.cipher_suites = vec![CipherSuite(0xc02f), CipherSuite(0x009c)];
        }
    });
    expect_failure(
        p,
        Who::Server,
        PeerIncompatible::NoCommonCipherSuite.into(),
        AlertDescription::HANDSHAKE_FAILURE,
    );
}

#[test]
fn duplicate_extension_in_client_hello_is_decode_error() {
    let mut p = pair();
    rewrite(&mut p, Who::Client, HandshakeType::CLIENT_HELLO, |m| {
        if let HandshakePayload::ClientHello(ch) = &mut m.payload {
            ch.extensions
                .insert(0, ClientExtension::RecordSizeLimit(1000));
            ch.extensions
                .insert(0, ClientExtension::RecordSizeLimit(2000));
        }
    });
    expect_failure(
        p,
        Who::Server,
        InvalidMessage::DuplicateExtension(ExtensionType::RECORD_SIZE_LIMIT.0).into(),
        AlertDescription::DECODE_ERROR,
    );
}

#[test]
fn oversized_handshake_message_is_refused() {
    let (c, mut s) = configs(KeyType::EcdsaP256);
    s.policy.max_handshake_message = 256;
    let p = Pair::new(c, s);
    expect_failure(
        p,
        Who::Server,
        InvalidMessage::HandshakeMessageTooLarge.into(),
        AlertDescription::DECODE_ERROR,
    );
}

#[test]
fn oversized_plaintext_record_is_record_overflow() {
    let mut p = pair();
    let mut rec = vec![22, 3, 3, 0x40, 0x01];
    rec.resize(5 + 0x4001, 0);
    p.server.read_tls(&rec);
    let err = p.server.handshake(NOW).unwrap_err();
    assert_eq!(err, Error::RecordOverflow);
    assert_eq!(err.alert(), Some(AlertDescription::RECORD_OVERFLOW));
}

#[test]
fn change_cipher_spec_after_handshake_is_unexpected() {
    let mut p = pair();
    p.handshake().unwrap();
    p.server.read_tls(&[20, 3, 3, 0, 1, 1]);
    let err = p.server.read(&mut [0u8; 8]).unwrap_err();
    assert_eq!(err, InvalidMessage::InvalidCcs.into());
    assert_eq!(err.alert(), Some(AlertDescription::UNEXPECTED_MESSAGE));
}

#[test]
fn malformed_change_cipher_spec_during_handshake() {
    let mut p = pair();
    let _ = p.client.handshake(NOW).unwrap();
    p.transfer(Who::Client);
    p.server.read_tls(&[20, 3, 3, 0, 1, 2]);
    assert_eq!(
        p.server.handshake(NOW).unwrap_err(),
        InvalidMessage::InvalidCcs.into()
    );
}

#[test]
fn key_update_flood_is_unexpected_message() {
    let mut p = pair();
    p.handshake().unwrap();
    for _ in 0..33 {
        p.client.key_update(false).unwrap();
    }
    p.transfer(Who::Client);
    let err = p.server.read(&mut [0u8; 8]).unwrap_err();
    assert_eq!(err, PeerMisbehaved::TooManyKeyUpdates.into());
    assert_eq!(err.alert(), Some(AlertDescription::UNEXPECTED_MESSAGE));
}

#[test]
fn fatal_alert_from_peer_is_reported() {
    let mut p = pair();
    let _ = p.client.handshake(NOW).unwrap();
    p.client.consume_tls(p.client.pending_tls().len());
    p.server.read_tls(&[21, 3, 3, 0, 2, 2, 40]);
    assert_eq!(
        p.server.handshake(NOW).unwrap_err(),
        Error::AlertReceived(AlertDescription::HANDSHAKE_FAILURE)
    );
}

#[test]
fn errors_are_final() {
    let mut p = pair();
    p.server.read_tls(&[0x99, 3, 3, 0, 1, 0]);
    let e1 = p.server.handshake(NOW).unwrap_err();
    let e2 = p.server.handshake(NOW).unwrap_err();
    assert_eq!(e1, e2);
    assert!(p.server.write(b"x").is_err());
}
