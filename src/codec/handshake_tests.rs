//! Tests of the handshake message codec: the RFC 8448 traces, messages
//! captured from GnuTLS and OpenSSL, every rejection rule with its exact
//! error, and property tests (round trips, no panics on arbitrary bytes).

use super::*;
use crate::codec::extensions::PskIdentity;
use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec;
use proptest::collection::vec as vec_of;
use proptest::prelude::*;
use proptest::sample::{Index, select};

const RFC8448: &str = include_str!("testdata/rfc8448_messages.txt");
const REAL: &str = include_str!("testdata/real_handshakes.txt");

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Fixture lines: whitespace-separated fields, the last one hex.
fn fixture(text: &str) -> Vec<(Vec<String>, Vec<u8>)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut fields: Vec<String> = l.split_whitespace().map(String::from).collect();
            let hex = fields.pop().unwrap();
            (fields, unhex(&hex))
        })
        .collect()
}

fn real(name: &str) -> Vec<u8> {
    fixture(REAL)
        .into_iter()
        .find(|(f, _)| f[0] == name)
        .map(|(_, b)| b)
        .unwrap()
}

fn rfc8448(section: &str, sender: &str, label: &str) -> Vec<Vec<u8>> {
    fixture(RFC8448)
        .into_iter()
        .filter(|(f, _)| f[0] == section && f[1] == sender && f[2] == label)
        .map(|(_, b)| b)
        .collect()
}

/// Decodes a sequence of handshake messages filling `bytes`.
fn decode_all(bytes: &[u8]) -> Vec<HandshakeMessage> {
    let mut r = Reader::new(bytes);
    let mut out = Vec::new();
    while !r.is_empty() {
        out.push(HandshakeMessage::read(&mut r).unwrap());
    }
    out
}

fn decode(bytes: &[u8]) -> Result<HandshakePayload, InvalidMessage> {
    HandshakeMessage::read_bytes(bytes).map(|m| m.payload)
}

/// A handshake message on the wire.
fn hs(typ: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![typ];
    out.extend_from_slice(&u32::try_from(body.len()).unwrap().to_be_bytes()[1..]);
    out.extend_from_slice(body);
    out
}

/// One extension on the wire.
fn ext(typ: u16, body: &[u8]) -> Vec<u8> {
    let mut out = typ.to_be_bytes().to_vec();
    out.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
    out.extend_from_slice(body);
    out
}

fn block(exts: &[Vec<u8>]) -> Vec<u8> {
    let body = exts.concat();
    let mut out = u16::try_from(body.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(&body);
    out
}

/// A ClientHello body with the given session id, suites, compression methods and extension block.
fn ch_body(sid: &[u8], suites: &[u8], comp: &[u8], exts: Option<&[u8]>) -> Vec<u8> {
    let mut b = vec![3, 3];
    b.extend_from_slice(&[0x11; 32]);
    b.push(u8::try_from(sid.len()).unwrap());
    b.extend_from_slice(sid);
    b.extend_from_slice(&u16::try_from(suites.len()).unwrap().to_be_bytes());
    b.extend_from_slice(suites);
    b.push(u8::try_from(comp.len()).unwrap());
    b.extend_from_slice(comp);
    if let Some(e) = exts {
        b.extend_from_slice(e);
    }
    b
}

/// A ServerHello body with the given random, compression method and extension block.
fn sh_body(random: [u8; 32], comp: u8, exts: Option<&[u8]>) -> Vec<u8> {
    let mut b = vec![3, 3];
    b.extend_from_slice(&random);
    b.extend_from_slice(&[0, 0x13, 0x01, comp]);
    if let Some(e) = exts {
        b.extend_from_slice(e);
    }
    b
}

// ---------------------------------------------------------------------------
// RFC 8448 traces.

#[test]
fn rfc8448_every_message_round_trips() {
    let mut messages = 0;
    for (fields, bytes) in fixture(RFC8448) {
        match fields[2].as_str() {
            "ClientHello_prefix" => {}
            "payload" => {
                let msgs = decode_all(&bytes);
                let again: Vec<u8> = msgs.iter().flat_map(|m| m.get_encoding()).collect();
                assert_eq!(again, bytes, "{fields:?}");
                messages += msgs.len();
            }
            label => {
                let m = HandshakeMessage::read_bytes(&bytes).unwrap();
                assert_eq!(m.get_encoding(), bytes, "{fields:?}");
                let matches = matches!(
                    (label, &m.payload),
                    ("ClientHello", HandshakePayload::ClientHello(_))
                        | ("ServerHello", HandshakePayload::ServerHello(_))
                        | ("ServerHello", HandshakePayload::HelloRetryRequest(_))
                        | (
                            "EncryptedExtensions",
                            HandshakePayload::EncryptedExtensions(_)
                        )
                        | (
                            "CertificateRequest",
                            HandshakePayload::CertificateRequest(_)
                        )
                        | ("Certificate", HandshakePayload::Certificate(_))
                        | ("CertificateVerify", HandshakePayload::CertificateVerify(_))
                        | ("Finished", HandshakePayload::Finished(_))
                        | ("NewSessionTicket", HandshakePayload::NewSessionTicket(_))
                        | ("EndOfEarlyData", HandshakePayload::EndOfEarlyData)
                );
                assert!(matches, "{fields:?} decoded as {:?}", m.typ);
            }
        }
    }
    // Sections 3-7 send 40 handshake messages in 30 records.
    assert_eq!(messages, 40);
}

#[test]
fn rfc8448_simple_client_hello_fields() {
    let bytes = &rfc8448("3", "client", "ClientHello")[0];
    let HandshakePayload::ClientHello(ch) = decode(bytes).unwrap() else {
        panic!("not a ClientHello")
    };
    assert_eq!(ch.legacy_version, ProtocolVersion::TLSV1_2);
    assert_eq!(&ch.random[..4], &[0xcb, 0x34, 0xec, 0xb1]);
    assert!(ch.legacy_session_id.is_empty());
    assert_eq!(
        ch.cipher_suites,
        [
            CipherSuite::TLS_AES_128_GCM_SHA256,
            CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
            CipherSuite::TLS_AES_256_GCM_SHA384
        ]
    );
    assert_eq!(ch.compression_methods, [0]);
    assert_eq!(ch.server_name(), Some(&b"server"[..]));
    assert_eq!(
        ch.supported_groups().unwrap(),
        [
            NamedGroup::X25519,
            NamedGroup::SECP256R1,
            NamedGroup::SECP384R1,
            NamedGroup::SECP521R1,
            NamedGroup::FFDHE2048,
            NamedGroup::FFDHE3072,
            NamedGroup::FFDHE4096,
            NamedGroup::FFDHE6144,
            NamedGroup::FFDHE8192
        ]
    );
    let shares = ch.key_shares().unwrap();
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0].group, NamedGroup::X25519);
    assert_eq!(&shares[0].payload[..3], &[0x99, 0x38, 0x1d]);
    assert_eq!(
        ch.supported_versions(),
        Some(&[ProtocolVersion::TLSV1_3][..])
    );
    assert_eq!(ch.signature_algorithms().unwrap().len(), 15);
    assert_eq!(ch.psk_modes(), Some(&[PskKeyExchangeMode::PSK_DHE_KE][..]));
    assert_eq!(ch.record_size_limit(), Some(16385));
    // The TLS 1.2 extensions of the trace stay raw.
    assert_eq!(
        ch.find(ExtensionType::RENEGOTIATION_INFO),
        Some(&ClientExtension::Unknown {
            typ: ExtensionType::RENEGOTIATION_INFO,
            data: vec![0]
        })
    );
    assert_eq!(
        ch.find(ExtensionType::SESSION_TICKET),
        Some(&ClientExtension::Unknown {
            typ: ExtensionType::SESSION_TICKET,
            data: vec![]
        })
    );
    assert!(ch.psk().is_none());
    assert_eq!(ch.binders_len(), None);
    assert_eq!(client_hello_binder_split(bytes), None);
}

#[test]
fn rfc8448_simple_server_flight_fields() {
    let HandshakePayload::ServerHello(sh) =
        decode(&rfc8448("3", "server", "ServerHello")[0]).unwrap()
    else {
        panic!("not a ServerHello")
    };
    assert_eq!(sh.cipher_suite, CipherSuite::TLS_AES_128_GCM_SHA256);
    assert_eq!(sh.supported_version(), Some(ProtocolVersion::TLSV1_3));
    assert_eq!(sh.key_share().unwrap().group, NamedGroup::X25519);
    assert_eq!(sh.selected_identity(), None);

    let HandshakePayload::EncryptedExtensions(ee) =
        decode(&rfc8448("3", "server", "EncryptedExtensions")[0]).unwrap()
    else {
        panic!("not EncryptedExtensions")
    };
    assert!(ee.server_name_ack());
    assert_eq!(ee.supported_groups().unwrap().len(), 9);
    assert_eq!(ee.record_size_limit(), Some(16385));
    assert_eq!(ee.alpn(), None);
    assert!(!ee.early_data());

    let HandshakePayload::Certificate(cert) =
        decode(&rfc8448("3", "server", "Certificate")[0]).unwrap()
    else {
        panic!("not a Certificate")
    };
    assert!(cert.context.is_empty());
    assert_eq!(cert.entries.len(), 1);
    assert_eq!(cert.entries[0].cert_data.len(), 432);
    assert!(cert.entries[0].extensions.is_empty());

    let HandshakePayload::CertificateVerify(cv) =
        decode(&rfc8448("3", "server", "CertificateVerify")[0]).unwrap()
    else {
        panic!("not a CertificateVerify")
    };
    assert_eq!(cv.scheme, SignatureScheme::RSA_PSS_RSAE_SHA256);
    assert_eq!(cv.signature.len(), 128);

    let HandshakePayload::Finished(fin) = decode(&rfc8448("3", "server", "Finished")[0]).unwrap()
    else {
        panic!("not a Finished")
    };
    assert_eq!(&fin[..4], &[0x9b, 0x9b, 0x14, 0x1d]);
    assert_eq!(fin.len(), 32);

    let HandshakePayload::NewSessionTicket(nst) =
        decode(&rfc8448("3", "server", "NewSessionTicket")[0]).unwrap()
    else {
        panic!("not a NewSessionTicket")
    };
    assert_eq!(nst.lifetime, 30);
    assert_eq!(nst.age_add, 0xfad6_aac5);
    assert_eq!(nst.nonce, [0, 0]);
    assert_eq!(nst.ticket.len(), 178);
    assert_eq!(nst.max_early_data_size(), Some(1024));
}

#[test]
fn rfc8448_psk_binder_split() {
    let payload = rfc8448("4", "client", "payload")
        .into_iter()
        .find(|p| p[0] == 1)
        .unwrap();
    let prefix = &rfc8448("4", "client", "ClientHello_prefix")[0];
    assert_eq!(client_hello_binder_split(&payload), Some(477));
    assert_eq!(&payload[..477], &prefix[..]);

    let HandshakePayload::ClientHello(ch) = decode(&payload).unwrap() else {
        panic!("not a ClientHello")
    };
    assert_eq!(ch.binders_len(), Some(payload.len() - 477));
    assert!(ch.early_data());
    assert_eq!(
        ch.find(ExtensionType::PADDING),
        Some(&ClientExtension::Padding(87))
    );
    let psk = ch.psk().unwrap();
    assert_eq!(psk.identities.len(), 1);
    assert_eq!(psk.identities[0].identity.len(), 178);
    assert_eq!(psk.identities[0].obfuscated_ticket_age, 0xfad6_aacb);
    let mut binders = Vec::new();
    psk.encode_binders(&mut binders);
    assert_eq!(&payload[477..], &binders[..]);
    assert_eq!(&binders[..3], &[0, 0x21, 0x20]);

    let HandshakePayload::ServerHello(sh) =
        decode(&rfc8448("4", "server", "ServerHello")[0]).unwrap()
    else {
        panic!("not a ServerHello")
    };
    assert_eq!(sh.selected_identity(), Some(0));

    let HandshakePayload::EncryptedExtensions(ee) =
        decode(&rfc8448("4", "server", "EncryptedExtensions")[0]).unwrap()
    else {
        panic!("not EncryptedExtensions")
    };
    assert!(ee.early_data());
}

#[test]
fn rfc8448_hello_retry_request() {
    let hellos = rfc8448("5", "server", "ServerHello");
    let HandshakePayload::HelloRetryRequest(hrr) = decode(&hellos[0]).unwrap() else {
        panic!("not a HelloRetryRequest")
    };
    assert_eq!(hrr.cipher_suite, CipherSuite::TLS_AES_128_GCM_SHA256);
    assert_eq!(hrr.supported_version(), Some(ProtocolVersion::TLSV1_3));
    assert_eq!(hrr.selected_group(), Some(NamedGroup::SECP256R1));
    assert_eq!(hrr.cookie().unwrap().len(), 114);
    let m = HandshakeMessage::read_bytes(&hellos[0]).unwrap();
    assert_eq!(m.typ, HandshakeType::SERVER_HELLO);
    assert_eq!(&m.get_encoding()[6..38], &HRR_RANDOM);
    assert!(matches!(
        decode(&hellos[1]).unwrap(),
        HandshakePayload::ServerHello(_)
    ));
    let clients = rfc8448("5", "client", "ClientHello");
    let HandshakePayload::ClientHello(ch2) = decode(&clients[1]).unwrap() else {
        panic!("not a ClientHello")
    };
    assert_eq!(ch2.cookie(), hrr.cookie());
    assert_eq!(ch2.key_shares().unwrap()[0].group, NamedGroup::SECP256R1);
}

#[test]
fn rfc8448_certificate_request() {
    let HandshakePayload::CertificateRequest(cr) =
        decode(&rfc8448("6", "server", "CertificateRequest")[0]).unwrap()
    else {
        panic!("not a CertificateRequest")
    };
    assert!(cr.context.is_empty());
    assert_eq!(cr.signature_algorithms().unwrap().len(), 15);
    assert_eq!(cr.signature_algorithms_cert(), None);
    assert_eq!(cr.certificate_authorities(), None);
    assert_eq!(cr.extensions.len(), 1);
}

// ---------------------------------------------------------------------------
// Messages from real peers.

#[test]
fn real_peers_messages_round_trip() {
    for (fields, bytes) in fixture(REAL) {
        let m = HandshakeMessage::read_bytes(&bytes).unwrap();
        assert_eq!(m.get_encoding(), bytes, "{fields:?}");
    }
}

#[test]
fn gnutls_and_openssl_client_hellos_decode() {
    for name in [
        "ch_gnutls_normal",
        "ch_openssl_default",
        "ch_gnutls_tls13only",
        "ch_gnutls_psk",
        "ch_openssl_psk",
    ] {
        let bytes = real(name);
        let HandshakePayload::ClientHello(ch) = decode(&bytes).unwrap() else {
            panic!("{name}: not a ClientHello")
        };
        assert!(
            ch.supported_versions()
                .unwrap()
                .contains(&ProtocolVersion::TLSV1_3),
            "{name}"
        );
        assert!(!ch.key_shares().unwrap().is_empty(), "{name}");
        // Every client sent at least one TLS 1.2-only extension, kept raw.
        assert!(
            ch.extensions.iter().any(|e| matches!(
                e,
                ClientExtension::Unknown {
                    typ: ExtensionType::EC_POINT_FORMATS
                        | ExtensionType::EXTENDED_MASTER_SECRET
                        | ExtensionType::ENCRYPT_THEN_MAC
                        | ExtensionType::SESSION_TICKET
                        | ExtensionType::RENEGOTIATION_INFO,
                    ..
                }
            )),
            "{name}"
        );
        match ch.psk() {
            Some(psk) => {
                assert!(name.ends_with("_psk"));
                assert_eq!(psk.identities[0].identity, b"alice");
                let split = client_hello_binder_split(&bytes).unwrap();
                let mut binders = Vec::new();
                psk.encode_binders(&mut binders);
                assert_eq!(&bytes[split..], &binders[..], "{name}");
                assert_eq!(psk.binders[0].len(), 32, "{name}: SHA-256 binder");
            }
            None => assert!(!name.ends_with("_psk")),
        }
    }
    let HandshakePayload::ClientHello(gnutls) = decode(&real("ch_gnutls_normal")).unwrap() else {
        panic!("not a ClientHello")
    };
    assert_eq!(gnutls.server_name(), Some(&b"qemu.example.org"[..]));
    assert_eq!(
        gnutls.alpn(),
        Some(&[b"h2".to_vec(), b"http/1.1".to_vec()][..])
    );
    assert!(gnutls.status_request().is_some());
    assert!(gnutls.record_size_limit().is_some());
}

#[test]
fn openssl_server_hellos() {
    let HandshakePayload::ServerHello(sh) = decode(&real("sh_openssl")).unwrap() else {
        panic!("not a ServerHello")
    };
    assert_eq!(sh.supported_version(), Some(ProtocolVersion::TLSV1_3));
    assert!(sh.key_share().is_some());

    let HandshakePayload::HelloRetryRequest(hrr) = decode(&real("hrr_openssl")).unwrap() else {
        panic!("not a HelloRetryRequest")
    };
    assert_eq!(hrr.selected_group(), Some(NamedGroup::SECP256R1));

    // A TLS 1.2 ServerHello: no supported_versions, its extensions kept raw
    // (renegotiation_info in a TLS 1.3 ServerHello would be ExtensionNotAllowed).
    let HandshakePayload::ServerHello(sh12) = decode(&real("sh12_openssl")).unwrap() else {
        panic!("not a ServerHello")
    };
    assert_eq!(sh12.supported_version(), None);
    assert!(sh12.extensions.iter().any(|e| e
        == &ServerExtension::Unknown {
            typ: ExtensionType::RENEGOTIATION_INFO,
            data: vec![0]
        }));
    assert!(
        sh12.extensions
            .iter()
            .all(|e| matches!(e, ServerExtension::Unknown { .. }))
    );
}

// ---------------------------------------------------------------------------
// Rejection rules and edge cases, each with its exact error.

#[test]
fn size_limit_is_checked_before_the_body() {
    // Declares 1024 body bytes but carries none.
    let header = [1, 0, 4, 0];
    assert_eq!(
        HandshakeMessage::read_with_limit(&mut Reader::new(&header), 1023),
        Err(InvalidMessage::HandshakeMessageTooLarge)
    );
    assert_eq!(
        HandshakeMessage::read_with_limit(&mut Reader::new(&header), 1024),
        Err(InvalidMessage::MissingData("handshake body"))
    );
    let fin = hs(20, &[7; 32]);
    assert_eq!(
        HandshakeMessage::read_with_limit(&mut Reader::new(&fin), 31),
        Err(InvalidMessage::HandshakeMessageTooLarge)
    );
    assert_eq!(
        HandshakeMessage::read_with_limit(&mut Reader::new(&fin), 32).map(|m| m.payload),
        Ok(HandshakePayload::Finished(vec![7; 32]))
    );
    assert_eq!(
        HandshakeMessage::read(&mut Reader::new(&[20, 0])),
        Err(InvalidMessage::MissingData("handshake length"))
    );
}

#[test]
fn key_update_values() {
    assert_eq!(
        decode(&hs(24, &[0])),
        Ok(HandshakePayload::KeyUpdate(
            KeyUpdateRequest::UPDATE_NOT_REQUESTED
        ))
    );
    assert_eq!(
        decode(&hs(24, &[1])),
        Ok(HandshakePayload::KeyUpdate(
            KeyUpdateRequest::UPDATE_REQUESTED
        ))
    );
    assert_eq!(
        decode(&hs(24, &[2])),
        Err(InvalidMessage::InvalidValue("request_update"))
    );
    assert_eq!(
        decode(&hs(24, &[])),
        Err(InvalidMessage::MissingData("KeyUpdateRequest"))
    );
    assert_eq!(
        decode(&hs(24, &[1, 0])),
        Err(InvalidMessage::TrailingData("key_update"))
    );
}

#[test]
fn bodies_are_consumed_exactly() {
    assert_eq!(decode(&hs(5, &[])), Ok(HandshakePayload::EndOfEarlyData));
    assert_eq!(
        decode(&hs(5, &[0])),
        Err(InvalidMessage::TrailingData("end_of_early_data"))
    );
    assert_eq!(
        decode(&hs(15, &[8, 4, 0, 1, 9, 9])),
        Err(InvalidMessage::TrailingData("certificate_verify"))
    );
    assert_eq!(
        decode(&hs(8, &[0, 0, 1])),
        Err(InvalidMessage::TrailingData("encrypted_extensions"))
    );
    let mut body = ch_body(&[], &[0x13, 0x01], &[0], Some(&block(&[])));
    body.push(0);
    assert_eq!(
        decode(&hs(1, &body)),
        Err(InvalidMessage::TrailingData("client_hello"))
    );
    assert_eq!(
        decode(&hs(15, &[8, 4, 0, 2, 9])),
        Err(InvalidMessage::MissingData("signature"))
    );
}

#[test]
fn client_hello_field_rules() {
    let ok_exts = block(&[ext(43, &[2, 3, 4])]);
    assert_eq!(
        decode(&hs(
            1,
            &ch_body(&[7; 33], &[0x13, 0x01], &[0], Some(&ok_exts))
        )),
        Err(InvalidMessage::InvalidLength("legacy_session_id"))
    );
    assert!(
        decode(&hs(
            1,
            &ch_body(&[7; 32], &[0x13, 0x01], &[0], Some(&ok_exts))
        ))
        .is_ok()
    );
    assert_eq!(
        decode(&hs(1, &ch_body(&[], &[], &[0], Some(&ok_exts)))),
        Err(InvalidMessage::EmptyVector("cipher_suites"))
    );
    assert_eq!(
        decode(&hs(1, &ch_body(&[], &[0x13, 0x01], &[], Some(&ok_exts)))),
        Err(InvalidMessage::EmptyVector("legacy_compression_methods"))
    );
    assert_eq!(
        decode(&hs(
            1,
            &ch_body(&[], &[0x13, 0x01, 0x13], &[0], Some(&ok_exts))
        )),
        Err(InvalidMessage::MissingData("CipherSuite"))
    );
}

#[test]
fn client_hello_extension_block_rules() {
    let psk = {
        let mut b = vec![0, 7, 0, 1, b'a', 0, 0, 0, 0, 0, 33, 32];
        b.extend_from_slice(&[5; 32]);
        ext(41, &b)
    };
    let versions = ext(43, &[2, 3, 4]);
    let with = |exts: &[Vec<u8>]| hs(1, &ch_body(&[], &[0x13, 0x01], &[0], Some(&block(exts))));
    assert_eq!(
        decode(&with(&[
            versions.clone(),
            ext(10, &[0, 2, 0, 0x1d]),
            versions.clone()
        ])),
        Err(InvalidMessage::DuplicateExtension(43))
    );
    assert_eq!(
        decode(&with(&[psk.clone(), versions.clone()])),
        Err(InvalidMessage::PreSharedKeyNotLast)
    );
    assert_eq!(
        decode(&with(&[versions.clone(), ext(48, &[0, 0])])),
        Err(InvalidMessage::ExtensionNotAllowed(48))
    );
    let bytes = with(&[versions.clone(), ext(0xfafa, &[1]), psk]);
    let HandshakePayload::ClientHello(ch) = decode(&bytes).unwrap() else {
        panic!("not a ClientHello")
    };
    assert_eq!(
        ch.extensions[1],
        ClientExtension::Unknown {
            typ: ExtensionType(0xfafa),
            data: vec![1]
        }
    );
    assert_eq!(client_hello_binder_split(&bytes), Some(bytes.len() - 35));
    assert_eq!(client_hello_binder_split(&bytes[..bytes.len() - 1]), None);
}

#[test]
fn client_hello_without_extensions_is_tls12() {
    // RFC 8446 §4.1.2: a TLS 1.2 ClientHello may carry no extension block at all.
    let bytes = hs(1, &ch_body(&[], &[0xc0, 0x2f], &[0], None));
    let HandshakePayload::ClientHello(ch) = decode(&bytes).unwrap() else {
        panic!("not a ClientHello")
    };
    assert!(ch.extensions.is_empty());
    assert_eq!(ch.supported_versions(), None);
    // It re-encodes with an explicit empty block.
    let again = HandshakeMessage::from(ch).get_encoding();
    assert_eq!(
        again,
        hs(1, &ch_body(&[], &[0xc0, 0x2f], &[0], Some(&[0, 0])))
    );
}

#[test]
fn server_hello_rules() {
    let v13 = ext(43, &[3, 4]);
    let random = [0x22; 32];
    assert_eq!(
        decode(&hs(
            2,
            &sh_body(random, 0, Some(&block(&[v13.clone(), ext(44, &[0, 1, 1])])))
        )),
        Err(InvalidMessage::ExtensionNotAllowed(44))
    );
    assert_eq!(
        decode(&hs(
            2,
            &sh_body(random, 0, Some(&block(&[v13.clone(), v13.clone()])))
        )),
        Err(InvalidMessage::DuplicateExtension(43))
    );
    // Without supported_versions (TLS 1.2), extensions stay raw but duplicates still fail.
    let legacy = decode(&hs(
        2,
        &sh_body(random, 0, Some(&block(&[ext(44, &[0, 1, 1])]))),
    ));
    assert!(matches!(
        legacy,
        Ok(HandshakePayload::ServerHello(ref sh))
            if sh.extensions == [ServerExtension::Unknown { typ: ExtensionType::COOKIE, data: vec![0, 1, 1] }]
    ));
    assert_eq!(
        decode(&hs(
            2,
            &sh_body(
                random,
                0,
                Some(&block(&[ext(0xff01, &[0]), ext(0xff01, &[0])]))
            )
        )),
        Err(InvalidMessage::DuplicateExtension(0xff01))
    );
    let bare = decode(&hs(2, &sh_body(random, 0, None)));
    assert!(matches!(bare, Ok(HandshakePayload::ServerHello(ref sh)) if sh.extensions.is_empty()));
    // The compression method of a ServerHello is the handshake layer's to check.
    assert!(matches!(
        decode(&hs(2, &sh_body(random, 1, Some(&block(core::slice::from_ref(&v13)))))),
        Ok(HandshakePayload::ServerHello(ref sh)) if sh.compression_method == 1
    ));
    let mut long_sid = vec![3, 3];
    long_sid.extend_from_slice(&random);
    long_sid.push(33);
    long_sid.extend_from_slice(&[0; 33]);
    long_sid.extend_from_slice(&[0x13, 0x01, 0, 0, 0]);
    assert_eq!(
        decode(&hs(2, &long_sid)),
        Err(InvalidMessage::InvalidLength("legacy_session_id_echo"))
    );
    // ServerHello::read refuses the HRR random; HelloRetryRequest::read requires it.
    let hrr_body = sh_body(HRR_RANDOM, 0, Some(&block(core::slice::from_ref(&v13))));
    assert_eq!(
        ServerHello::read_bytes(&hrr_body),
        Err(InvalidMessage::InvalidValue("server_hello random"))
    );
    assert_eq!(
        HelloRetryRequest::read_bytes(&sh_body(random, 0, Some(&block(&[v13])))),
        Err(InvalidMessage::InvalidValue("hello_retry_request random"))
    );
}

#[test]
fn hello_retry_request_rules() {
    let v13 = ext(43, &[3, 4]);
    let hrr = |comp: u8, exts: &[Vec<u8>]| hs(2, &sh_body(HRR_RANDOM, comp, Some(&block(exts))));
    assert_eq!(
        decode(&hrr(0, &[v13.clone(), ext(51, &[0, 0x17])])),
        Ok(HandshakePayload::HelloRetryRequest(HelloRetryRequest {
            legacy_version: ProtocolVersion::TLSV1_2,
            legacy_session_id_echo: vec![],
            cipher_suite: CipherSuite::TLS_AES_128_GCM_SHA256,
            extensions: vec![
                HrrExtension::SupportedVersions(ProtocolVersion::TLSV1_3),
                HrrExtension::KeyShare(NamedGroup::SECP256R1)
            ],
        }))
    );
    assert_eq!(
        decode(&hrr(1, core::slice::from_ref(&v13))),
        Err(InvalidMessage::InvalidValue("legacy_compression_method"))
    );
    assert_eq!(
        decode(&hrr(0, &[v13.clone(), ext(0, &[])])),
        Err(InvalidMessage::ExtensionNotAllowed(0))
    );
    assert_eq!(
        decode(&hrr(0, &[v13.clone(), ext(51, &[0, 0x17, 0, 1, 1])])),
        Err(InvalidMessage::TrailingData("key_share"))
    );
    // An HRR has no TLS 1.2 fallback: its block is mandatory.
    assert_eq!(
        decode(&hs(2, &sh_body(HRR_RANDOM, 0, None))),
        Err(InvalidMessage::MissingData("extensions"))
    );
}

#[test]
fn other_message_rules() {
    // NewSessionTicket: ticket<1..2^16-1>.
    assert_eq!(
        decode(&hs(4, &[0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0])),
        Err(InvalidMessage::EmptyVector("ticket"))
    );
    assert_eq!(
        decode(&hs(
            4,
            &[
                0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 1, 9, 0, 6, 0, 0x2a, 0, 2, 0, 0
            ]
        )),
        Err(InvalidMessage::MissingData("max_early_data_size"))
    );
    // Certificate: cert_data<1..2^24-1>.
    assert_eq!(
        decode(&hs(11, &[0, 0, 0, 5, 0, 0, 0, 0, 0])),
        Err(InvalidMessage::EmptyVector("cert_data"))
    );
    assert_eq!(
        decode(&hs(11, &[0, 0, 0, 0])),
        Ok(HandshakePayload::Certificate(CertificatePayload {
            context: vec![],
            entries: vec![]
        }))
    );
    assert_eq!(
        decode(&hs(11, &[0, 0, 0, 8, 0, 0, 1, 0xaa, 0, 1, 0, 5])),
        Err(InvalidMessage::MissingData("ExtensionType"))
    );
    // CertificateEntry extensions follow their own table.
    assert_eq!(
        decode(&hs(11, &[0, 0, 0, 10, 0, 0, 1, 0xaa, 0, 4, 0, 0x2a, 0, 0])),
        Err(InvalidMessage::ExtensionNotAllowed(42))
    );
    // CompressedCertificate: compressed_certificate_message<1..2^24-1>.
    assert_eq!(
        decode(&hs(25, &[0, 1, 0, 1, 0, 0, 0, 0])),
        Err(InvalidMessage::EmptyVector(
            "compressed_certificate_message"
        ))
    );
    assert_eq!(
        decode(&hs(25, &[0, 2, 0, 1, 0, 0, 0, 1, 0x55])),
        Ok(HandshakePayload::CompressedCertificate(
            CompressedCertificate {
                algorithm: CertificateCompressionAlgorithm::BROTLI,
                uncompressed_len: 256,
                compressed: vec![0x55]
            }
        ))
    );
    // CertificateRequest: duplicate and misplaced extensions.
    let sigs = ext(13, &[0, 2, 8, 4]);
    assert_eq!(
        decode(&hs(
            13,
            &[&[0u8][..], &block(&[sigs.clone(), sigs.clone()])].concat()
        )),
        Err(InvalidMessage::DuplicateExtension(13))
    );
    assert_eq!(
        decode(&hs(
            13,
            &[&[0u8][..], &block(&[sigs, ext(51, &[0, 0])])].concat()
        )),
        Err(InvalidMessage::ExtensionNotAllowed(51))
    );
    // message_hash and unknown types keep their raw bodies.
    assert_eq!(
        decode(&hs(254, &[1, 2, 3])),
        Ok(HandshakePayload::MessageHash(vec![1, 2, 3]))
    );
    let unknown = HandshakeMessage::read_bytes(&hs(99, &[4, 5])).unwrap();
    assert_eq!(unknown.typ, HandshakeType(99));
    assert_eq!(unknown.payload, HandshakePayload::Unknown(vec![4, 5]));
    assert_eq!(unknown.get_encoding(), hs(99, &[4, 5]));
    assert_eq!(
        HandshakeMessage::new(HandshakePayload::Unknown(vec![])),
        None
    );
}

#[test]
fn constructors_and_helpers() {
    let m = HandshakeMessage::new(HandshakePayload::Finished(vec![1, 2])).unwrap();
    assert_eq!(m.typ, HandshakeType::FINISHED);
    assert_eq!(m.get_encoding(), [20, 0, 0, 2, 1, 2]);
    let hrr = HandshakeMessage::from(HelloRetryRequest {
        legacy_version: ProtocolVersion::TLSV1_2,
        legacy_session_id_echo: vec![],
        cipher_suite: CipherSuite::TLS_AES_128_GCM_SHA256,
        extensions: vec![HrrExtension::SupportedVersions(ProtocolVersion::TLSV1_3)],
    });
    assert_eq!(hrr.typ, HandshakeType::SERVER_HELLO);
    assert_eq!(
        HandshakePayload::EndOfEarlyData.handshake_type(),
        Some(HandshakeType::END_OF_EARLY_DATA)
    );
    let mut out = Vec::new();
    encode_handshake(HandshakeType::KEY_UPDATE, |o| o.push(1), &mut out);
    assert_eq!(out, [24, 0, 0, 1, 1]);
}

#[test]
fn client_fills_binders_after_the_split() {
    // The client flow: encode with placeholder binders, split, compute, patch.
    let mut ch = ClientHello {
        legacy_version: ProtocolVersion::TLSV1_2,
        random: [3; 32],
        legacy_session_id: vec![],
        cipher_suites: vec![CipherSuite::TLS_AES_128_GCM_SHA256],
        compression_methods: vec![0],
        extensions: vec![
            ClientExtension::SupportedVersions(vec![ProtocolVersion::TLSV1_3]),
            ClientExtension::PreSharedKey(OfferedPsks {
                identities: vec![PskIdentity {
                    identity: b"id".to_vec(),
                    obfuscated_ticket_age: 0,
                }],
                binders: vec![vec![0; 32]],
            }),
        ],
    };
    let placeholder = HandshakeMessage::from(ch.clone()).get_encoding();
    let split = client_hello_binder_split(&placeholder).unwrap();
    assert_eq!(split, placeholder.len() - ch.binders_len().unwrap());
    ch.psk_mut().unwrap().binders = vec![vec![0xee; 32]];
    let mut patched = placeholder[..split].to_vec();
    ch.psk().unwrap().encode_binders(&mut patched);
    assert_eq!(patched, HandshakeMessage::from(ch).get_encoding());
}

// ---------------------------------------------------------------------------
// Property tests.

fn bytes(len: core::ops::RangeInclusive<usize>) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), len)
}

fn named_group() -> BoxedStrategy<NamedGroup> {
    prop_oneof![select(NamedGroup::KNOWN), any::<u16>().prop_map(NamedGroup)].boxed()
}

fn scheme() -> BoxedStrategy<SignatureScheme> {
    prop_oneof![
        select(SignatureScheme::KNOWN),
        any::<u16>().prop_map(SignatureScheme)
    ]
    .boxed()
}

fn suite() -> BoxedStrategy<CipherSuite> {
    prop_oneof![
        select(CipherSuite::KNOWN),
        any::<u16>().prop_map(CipherSuite)
    ]
    .boxed()
}

fn version() -> BoxedStrategy<ProtocolVersion> {
    prop_oneof![
        select(ProtocolVersion::KNOWN),
        any::<u16>().prop_map(ProtocolVersion)
    ]
    .boxed()
}

fn compression_alg() -> BoxedStrategy<CertificateCompressionAlgorithm> {
    any::<u16>()
        .prop_map(CertificateCompressionAlgorithm)
        .boxed()
}

/// An extension code point qtls does not recognise.
fn unrecognised_ext() -> BoxedStrategy<ExtensionType> {
    any::<u16>()
        .prop_filter("unrecognised", |t| !ExtensionType(*t).is_known())
        .prop_map(ExtensionType)
        .boxed()
}

/// A code point that decodes as `Unknown` in a context: unrecognised ones
/// plus the recognised ones allowed there without a typed variant.
fn raw_ext_type(untyped: &'static [ExtensionType]) -> BoxedStrategy<ExtensionType> {
    prop_oneof![unrecognised_ext(), select(untyped)].boxed()
}

const CH_UNTYPED: &[ExtensionType] = &[
    ExtensionType::MAX_FRAGMENT_LENGTH,
    ExtensionType::EC_POINT_FORMATS,
    ExtensionType::USE_SRTP,
    ExtensionType::HEARTBEAT,
    ExtensionType::SIGNED_CERTIFICATE_TIMESTAMP,
    ExtensionType::CLIENT_CERTIFICATE_TYPE,
    ExtensionType::SERVER_CERTIFICATE_TYPE,
    ExtensionType::ENCRYPT_THEN_MAC,
    ExtensionType::EXTENDED_MASTER_SECRET,
    ExtensionType::SESSION_TICKET,
    ExtensionType::RENEGOTIATION_INFO,
];
const EE_UNTYPED: &[ExtensionType] = &[
    ExtensionType::MAX_FRAGMENT_LENGTH,
    ExtensionType::USE_SRTP,
    ExtensionType::HEARTBEAT,
    ExtensionType::CLIENT_CERTIFICATE_TYPE,
    ExtensionType::SERVER_CERTIFICATE_TYPE,
];
const CR_UNTYPED: &[ExtensionType] = &[ExtensionType::SIGNED_CERTIFICATE_TIMESTAMP];

/// Keeps the first item of each key, as one extension block must.
fn dedup<E>(v: Vec<E>, key: impl Fn(&E) -> u16) -> Vec<E> {
    let mut seen = BTreeSet::new();
    v.into_iter().filter(|e| seen.insert(key(e))).collect()
}

fn key_share_entry() -> impl Strategy<Value = KeyShareEntry> {
    (named_group(), bytes(1..=40)).prop_map(|(group, payload)| KeyShareEntry { group, payload })
}

fn offered_psks() -> impl Strategy<Value = OfferedPsks> {
    (1usize..4).prop_flat_map(|n| {
        (
            prop::collection::vec(
                (bytes(1..=40), any::<u32>()).prop_map(|(identity, age)| PskIdentity {
                    identity,
                    obfuscated_ticket_age: age,
                }),
                n,
            ),
            prop::collection::vec(bytes(32..=255), n),
        )
            .prop_map(|(identities, binders)| OfferedPsks {
                identities,
                binders,
            })
    })
}

fn client_ext() -> BoxedStrategy<ClientExtension> {
    use ClientExtension as E;
    prop_oneof![
        bytes(1..=30).prop_map(E::ServerName),
        vec_of(named_group(), 1..6).prop_map(E::SupportedGroups),
        vec_of(scheme(), 1..6).prop_map(E::SignatureAlgorithms),
        vec_of(scheme(), 1..6).prop_map(E::SignatureAlgorithmsCert),
        vec_of(bytes(1..=10), 1..4).prop_map(E::Alpn),
        vec_of(version(), 1..5).prop_map(E::SupportedVersions),
        vec_of(key_share_entry(), 0..4).prop_map(|s| E::KeyShare(dedup(s, |k| k.group.0))),
        vec_of(any::<u8>().prop_map(PskKeyExchangeMode), 1..3).prop_map(E::PskKeyExchangeModes),
        Just(E::EarlyData),
        bytes(1..=40).prop_map(E::Cookie),
        (64u16..=u16::MAX).prop_map(E::RecordSizeLimit),
        (0usize..300).prop_map(E::Padding),
        vec_of(bytes(1..=30), 1..3).prop_map(E::CertificateAuthorities),
        Just(E::PostHandshakeAuth),
        vec_of(compression_alg(), 1..4).prop_map(E::CompressCertificate),
        bytes(0..=10).prop_map(E::StatusRequest),
        (raw_ext_type(CH_UNTYPED), bytes(0..=20)).prop_map(|(typ, data)| E::Unknown { typ, data }),
    ]
    .boxed()
}

fn client_hello() -> impl Strategy<Value = ClientHello> {
    (
        version(),
        any::<[u8; 32]>(),
        bytes(0..=32),
        prop::collection::vec(suite(), 1..8),
        bytes(1..=3),
        prop::collection::vec(client_ext(), 0..10),
        prop::option::of(offered_psks()),
    )
        .prop_map(|(legacy_version, random, sid, suites, comp, exts, psk)| {
            let mut extensions = dedup(exts, |e| e.ext_type().0);
            if let Some(p) = psk {
                extensions.push(ClientExtension::PreSharedKey(p));
            }
            ClientHello {
                legacy_version,
                random,
                legacy_session_id: sid,
                cipher_suites: suites,
                compression_methods: comp,
                extensions,
            }
        })
}

fn server_hello() -> impl Strategy<Value = ServerHello> {
    use ServerExtension as E;
    let ext = prop_oneof![
        key_share_entry().prop_map(E::KeyShare),
        any::<u16>().prop_map(E::PreSharedKey),
        (unrecognised_ext(), bytes(0..=20)).prop_map(|(typ, data)| E::Unknown { typ, data }),
    ];
    (
        version(),
        any::<[u8; 32]>().prop_filter("not an HRR", |r| *r != HRR_RANDOM),
        bytes(0..=32),
        suite(),
        any::<u8>(),
        prop::collection::vec(ext, 0..4),
        version(),
        any::<Index>(),
    )
        .prop_map(
            |(legacy_version, random, sid, cipher_suite, comp, exts, v, at)| {
                // TLS 1.3 decoding applies only with supported_versions present.
                let mut extensions = dedup(exts, |e| e.ext_type().0);
                extensions.insert(at.index(extensions.len() + 1), E::SupportedVersions(v));
                ServerHello {
                    legacy_version,
                    random,
                    legacy_session_id_echo: sid,
                    cipher_suite,
                    compression_method: comp,
                    extensions,
                }
            },
        )
}

fn hello_retry_request() -> impl Strategy<Value = HelloRetryRequest> {
    use HrrExtension as E;
    let ext = prop_oneof![
        version().prop_map(E::SupportedVersions),
        named_group().prop_map(E::KeyShare),
        bytes(1..=60).prop_map(E::Cookie),
        (unrecognised_ext(), bytes(0..=20)).prop_map(|(typ, data)| E::Unknown { typ, data }),
    ];
    (
        version(),
        bytes(0..=32),
        suite(),
        prop::collection::vec(ext, 0..5),
    )
        .prop_map(
            |(legacy_version, sid, cipher_suite, exts)| HelloRetryRequest {
                legacy_version,
                legacy_session_id_echo: sid,
                cipher_suite,
                extensions: dedup(exts, |e| e.ext_type().0),
            },
        )
}

fn encrypted_extensions() -> impl Strategy<Value = EncryptedExtensions> {
    use EeExtension as E;
    let ext = prop_oneof![
        Just(E::ServerName),
        prop::collection::vec(named_group(), 1..6).prop_map(E::SupportedGroups),
        bytes(1..=20).prop_map(E::Alpn),
        Just(E::EarlyData),
        (64u16..=u16::MAX).prop_map(E::RecordSizeLimit),
        (raw_ext_type(EE_UNTYPED), bytes(0..=20)).prop_map(|(typ, data)| E::Unknown { typ, data }),
    ];
    prop::collection::vec(ext, 0..7).prop_map(|exts| EncryptedExtensions {
        extensions: dedup(exts, |e| e.ext_type().0),
    })
}

fn certificate_request() -> impl Strategy<Value = CertificateRequest> {
    use CrExtension as E;
    let ext = prop_oneof![
        vec_of(scheme(), 1..6).prop_map(E::SignatureAlgorithms),
        vec_of(scheme(), 1..6).prop_map(E::SignatureAlgorithmsCert),
        vec_of(bytes(1..=30), 1..3).prop_map(E::CertificateAuthorities),
        vec_of(compression_alg(), 1..4).prop_map(E::CompressCertificate),
        bytes(0..=20).prop_map(E::OidFilters),
        bytes(0..=20).prop_map(E::StatusRequest),
        (raw_ext_type(CR_UNTYPED), bytes(0..=20)).prop_map(|(typ, data)| E::Unknown { typ, data }),
    ];
    (bytes(0..=8), vec_of(ext, 0..7)).prop_map(|(context, exts)| CertificateRequest {
        context,
        extensions: dedup(exts, |e| e.ext_type().0),
    })
}

fn certificate() -> impl Strategy<Value = CertificatePayload> {
    use CertEntryExtension as E;
    let ext = prop_oneof![
        bytes(0..=20).prop_map(E::StatusRequest),
        bytes(0..=20).prop_map(E::SignedCertificateTimestamp),
        (unrecognised_ext(), bytes(0..=20)).prop_map(|(typ, data)| E::Unknown { typ, data }),
    ];
    let entry = (bytes(1..=100), prop::collection::vec(ext, 0..3)).prop_map(|(cert_data, exts)| {
        CertificateEntry {
            cert_data,
            extensions: dedup(exts, |e| e.ext_type().0),
        }
    });
    (bytes(0..=8), prop::collection::vec(entry, 0..4))
        .prop_map(|(context, entries)| CertificatePayload { context, entries })
}

fn new_session_ticket() -> impl Strategy<Value = NewSessionTicket> {
    use NstExtension as E;
    let ext = prop_oneof![
        any::<u32>().prop_map(E::EarlyData),
        (unrecognised_ext(), bytes(0..=20)).prop_map(|(typ, data)| E::Unknown { typ, data }),
    ];
    (
        any::<u32>(),
        any::<u32>(),
        bytes(0..=255),
        bytes(1..=100),
        prop::collection::vec(ext, 0..3),
    )
        .prop_map(
            |(lifetime, age_add, nonce, ticket, exts)| NewSessionTicket {
                lifetime,
                age_add,
                nonce,
                ticket,
                extensions: dedup(exts, |e| e.ext_type().0),
            },
        )
}

fn handshake_message() -> BoxedStrategy<HandshakeMessage> {
    use HandshakePayload as P;
    let unknown_type = any::<u8>().prop_filter("unknown type", |t| !HandshakeType(*t).is_known());
    prop_oneof![
        client_hello().prop_map(HandshakeMessage::from),
        server_hello().prop_map(HandshakeMessage::from),
        hello_retry_request().prop_map(HandshakeMessage::from),
        encrypted_extensions().prop_map(HandshakeMessage::from),
        certificate_request().prop_map(HandshakeMessage::from),
        certificate().prop_map(HandshakeMessage::from),
        (scheme(), bytes(0..=100)).prop_map(|(scheme, signature)| HandshakeMessage::from(
            CertificateVerify { scheme, signature }
        )),
        bytes(0..=64).prop_map(|b| HandshakeMessage::new(P::Finished(b)).unwrap()),
        new_session_ticket().prop_map(HandshakeMessage::from),
        Just(HandshakeMessage::new(P::EndOfEarlyData).unwrap()),
        select(KeyUpdateRequest::KNOWN)
            .prop_map(|k| HandshakeMessage::new(P::KeyUpdate(k)).unwrap()),
        (compression_alg(), 0u32..=0xff_ffff, bytes(1..=64)).prop_map(
            |(algorithm, uncompressed_len, compressed)| {
                HandshakeMessage::from(CompressedCertificate {
                    algorithm,
                    uncompressed_len,
                    compressed,
                })
            }
        ),
        bytes(0..=48).prop_map(|b| HandshakeMessage::new(P::MessageHash(b)).unwrap()),
        (unknown_type, bytes(0..=30)).prop_map(|(t, b)| HandshakeMessage {
            typ: HandshakeType(t),
            payload: P::Unknown(b)
        }),
    ]
    .boxed()
}

/// Whatever decodes must survive encode-then-decode unchanged.
fn assert_stable(m: &HandshakeMessage) -> Result<(), TestCaseError> {
    let again = HandshakeMessage::read_bytes(&m.get_encoding());
    prop_assert_eq!(again.as_ref(), Ok(m));
    Ok(())
}

proptest! {
    #[test]
    fn every_message_round_trips(m in handshake_message()) {
        let enc = m.get_encoding();
        let dec = HandshakeMessage::read_bytes(&enc).unwrap();
        prop_assert_eq!(&dec, &m);
        prop_assert_eq!(dec.get_encoding(), enc);
    }

    #[test]
    fn strict_prefixes_never_decode(m in handshake_message(), cut in any::<Index>()) {
        let enc = m.get_encoding();
        let n = cut.index(enc.len());
        prop_assert!(HandshakeMessage::read_bytes(&enc[..n]).is_err());
    }

    #[test]
    fn binder_split_is_the_binders_tail(ch in client_hello()) {
        let enc = HandshakeMessage::from(ch.clone()).get_encoding();
        match ch.psk() {
            Some(psk) => {
                let split = client_hello_binder_split(&enc).unwrap();
                let mut tail = Vec::new();
                psk.encode_binders(&mut tail);
                prop_assert_eq!(&enc[split..], &tail[..]);
            }
            None => prop_assert_eq!(client_hello_binder_split(&enc), None),
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(b in bytes(0..=700)) {
        let mut r = Reader::new(&b);
        if let Ok(m) = HandshakeMessage::read(&mut r) {
            assert_stable(&m)?;
        }
        let _ = client_hello_binder_split(&b);
    }

    #[test]
    fn arbitrary_bodies_never_panic(t in select(HandshakeType::KNOWN), body in bytes(0..=400)) {
        let msg = hs(t.0, &body);
        if let Ok(m) = HandshakeMessage::read_bytes(&msg) {
            assert_stable(&m)?;
        }
    }

    #[test]
    fn mutated_messages_never_panic(
        m in handshake_message(),
        flips in prop::collection::vec((any::<Index>(), 1u8..=255), 1..4),
    ) {
        let mut enc = m.get_encoding();
        for (at, x) in flips {
            let i = at.index(enc.len());
            enc[i] ^= x;
        }
        if let Ok(m) = HandshakeMessage::read_bytes(&enc) {
            assert_stable(&m)?;
        }
        let _ = client_hello_binder_split(&enc);
    }
}
