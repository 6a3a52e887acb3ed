//! Protocol tests on an in-memory client/server pair: every handshake shape
//! and the rejection paths, with exact outcomes (alerts, error variants).

mod common;

use common::pair::{NOW, Pair, Who, configs, pki, provider, read_all};
use qtls::codec::enums::{
    AlertDescription, CipherSuite, NamedGroup, PskKeyExchangeMode, SignatureScheme,
};
use qtls::config::{ClientAuth, ExternalPsk, PskList};
use qtls::conn::{AppRead, Progress};
use qtls::error::{CertificateError, Error, InvalidMessage, PeerIncompatible, PeerMisbehaved};
use qtls::pki::KeyType;
use qtls::verify::PinnedCertVerifier;
use std::sync::Arc;

fn full(key: KeyType, group: NamedGroup, suite: CipherSuite) -> Pair {
    let (mut c, mut s) = configs(key);
    c.policy.groups = vec![group];
    s.policy.groups = vec![group];
    c.policy.suites = vec![suite];
    let mut p = Pair::new(c, s);
    p.handshake().expect("handshake");
    p
}

#[test]
fn full_handshake_default_is_post_quantum() {
    let (c, s) = configs(KeyType::EcdsaP256);
    let mut p = Pair::new(c, s);
    p.handshake().expect("handshake");
    let n = p.client.negotiated();
    assert_eq!(n.group, Some(NamedGroup::X25519MLKEM768));
    assert_eq!(n.suite, Some(CipherSuite::TLS_AES_256_GCM_SHA384));
    assert_eq!(
        n.signature_scheme,
        Some(SignatureScheme::ECDSA_SECP256R1_SHA256)
    );
    assert_eq!(n.key_size, 32);
    assert!(!n.hello_retry);
    assert_eq!(
        p.server.negotiated().group,
        Some(NamedGroup::X25519MLKEM768)
    );
    assert_eq!(
        p.server.negotiated().server_name.as_deref(),
        Some("localhost")
    );
    assert_eq!(p.client.negotiated().peer_certificates.len(), 2);
    assert_eq!(p.send(Who::Client, b"ping"), b"ping");
    assert_eq!(p.send(Who::Server, b"pong"), b"pong");
}

#[test]
fn every_signature_key_type() {
    for (k, scheme) in [
        (KeyType::EcdsaP256, SignatureScheme::ECDSA_SECP256R1_SHA256),
        (KeyType::EcdsaP384, SignatureScheme::ECDSA_SECP384R1_SHA384),
        (KeyType::EcdsaP521, SignatureScheme::ECDSA_SECP521R1_SHA512),
        (KeyType::Ed25519, SignatureScheme::ED25519),
        (KeyType::Rsa2048, SignatureScheme::RSA_PSS_RSAE_SHA256),
        (KeyType::MlDsa44, SignatureScheme::MLDSA44),
        (KeyType::MlDsa65, SignatureScheme::MLDSA65),
        (KeyType::MlDsa87, SignatureScheme::MLDSA87),
    ] {
        let p = full(k, NamedGroup::X25519, CipherSuite::TLS_AES_128_GCM_SHA256);
        assert_eq!(
            p.client.negotiated().signature_scheme,
            Some(scheme),
            "{k:?}"
        );
    }
}

#[test]
fn every_group() {
    for g in [
        NamedGroup::X25519,
        NamedGroup::SECP256R1,
        NamedGroup::SECP384R1,
        NamedGroup::SECP521R1,
        NamedGroup::FFDHE2048,
        NamedGroup::X25519MLKEM768,
        NamedGroup::SECP256R1MLKEM768,
        NamedGroup::SECP384R1MLKEM1024,
        NamedGroup::MLKEM768,
        NamedGroup::MLKEM1024,
    ] {
        let mut p = full(KeyType::EcdsaP256, g, CipherSuite::TLS_AES_128_GCM_SHA256);
        assert_eq!(p.client.negotiated().group, Some(g));
        assert_eq!(p.server.negotiated().group, Some(g));
        assert_eq!(p.send(Who::Client, b"x"), b"x");
    }
}

#[test]
fn every_suite() {
    for suite in [
        CipherSuite::TLS_AES_128_GCM_SHA256,
        CipherSuite::TLS_AES_256_GCM_SHA384,
        CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
        CipherSuite::TLS_AES_128_CCM_SHA256,
        CipherSuite::TLS_AES_128_CCM_8_SHA256,
    ] {
        let (mut c, mut s) = configs(KeyType::Ed25519);
        c.policy.suites = vec![suite];
        s.policy.suites.push(CipherSuite::TLS_AES_128_CCM_8_SHA256);
        let mut p = Pair::new(c, s);
        p.handshake().expect("handshake");
        assert_eq!(p.server.negotiated().suite, Some(suite));
        let big = vec![0x5a; 40_000];
        assert_eq!(p.send(Who::Server, &big), big);
    }
}

#[test]
fn hello_retry_request_for_a_group_without_share() {
    let (mut c, mut s) = configs(KeyType::EcdsaP256);
    c.policy.groups = vec![NamedGroup::X25519, NamedGroup::SECP384R1];
    c.key_shares = 1;
    s.policy.groups = vec![NamedGroup::SECP384R1];
    let mut p = Pair::new(c, s);
    p.handshake().expect("handshake");
    assert!(p.client.negotiated().hello_retry);
    assert!(p.server.negotiated().hello_retry);
    assert_eq!(p.client.negotiated().group, Some(NamedGroup::SECP384R1));
    assert_eq!(p.send(Who::Client, b"after hrr"), b"after hrr");
}

#[test]
fn hello_retry_request_with_cookie() {
    let (mut c, mut s) = configs(KeyType::EcdsaP256);
    c.policy.groups = vec![NamedGroup::X25519, NamedGroup::SECP256R1];
    c.key_shares = 1;
    s.policy.groups = vec![NamedGroup::SECP256R1];
    s.hrr_cookie = true;
    let mut p = Pair::new(c, s);
    p.handshake().expect("handshake");
    assert!(p.client.negotiated().hello_retry);
}

#[test]
fn no_common_group_is_handshake_failure() {
    let (mut c, mut s) = configs(KeyType::EcdsaP256);
    c.policy.groups = vec![NamedGroup::X25519];
    s.policy.groups = vec![NamedGroup::SECP256R1];
    let mut p = Pair::new(c, s);
    let err = p.handshake().unwrap_err();
    assert_eq!(
        err,
        (
            Who::Server,
            Error::PeerIncompatible(PeerIncompatible::NoCommonGroup)
        )
    );
    let _ = p.transfer(Who::Server);
    assert_eq!(
        p.client.handshake(NOW).unwrap_err(),
        Error::AlertReceived(AlertDescription::HANDSHAKE_FAILURE)
    );
}

fn psk_pair(
    mode: PskKeyExchangeMode,
    client_key: &[u8],
    server_key: &[u8],
    identity: &[u8],
) -> Pair {
    let p = provider();
    let mut c = qtls::ClientConfig::new(p.clone(), Arc::new(PinnedCertVerifier::new(vec![])));
    c.psks.push(ExternalPsk::new(identity, client_key));
    c.policy.psk_modes = vec![mode];
    let mut s = qtls::ServerConfig::new(p);
    s.psk_store = Some(Arc::new(PskList(vec![ExternalPsk::new(
        b"alice", server_key,
    )])));
    s.policy.psk_modes = vec![PskKeyExchangeMode::PSK_DHE_KE, PskKeyExchangeMode::PSK_KE];
    Pair::with_name(c, s, None)
}

#[test]
fn external_psk_dhe_ke() {
    let mut p = psk_pair(PskKeyExchangeMode::PSK_DHE_KE, &[7; 32], &[7; 32], b"alice");
    p.handshake().expect("handshake");
    assert_eq!(
        p.server.negotiated().psk_identity.as_deref(),
        Some(&b"alice"[..])
    );
    assert_eq!(
        p.client.negotiated().psk_identity.as_deref(),
        Some(&b"alice"[..])
    );
    assert!(p.client.negotiated().group.is_some());
    assert!(p.client.negotiated().peer_certificates.is_empty());
    assert_eq!(
        p.client.negotiated().suite,
        Some(CipherSuite::TLS_CHACHA20_POLY1305_SHA256)
    );
    assert_eq!(p.send(Who::Client, b"psk"), b"psk");
}

#[test]
fn external_psk_ke() {
    let mut p = psk_pair(PskKeyExchangeMode::PSK_KE, &[9; 16], &[9; 16], b"alice");
    p.handshake().expect("handshake");
    assert_eq!(p.client.negotiated().group, None);
    assert_eq!(p.server.negotiated().group, None);
    assert_eq!(p.send(Who::Server, b"psk_ke"), b"psk_ke");
}

#[test]
fn wrong_psk_and_unknown_identity_fail_alike() {
    for (key, id) in [
        (&[1u8; 32][..], &b"alice"[..]),
        (&[7u8; 32][..], &b"mallory"[..]),
    ] {
        let mut p = psk_pair(PskKeyExchangeMode::PSK_DHE_KE, key, &[7; 32], id);
        let err = p.handshake().unwrap_err();
        assert_eq!(
            err,
            (
                Who::Server,
                Error::PeerMisbehaved(PeerMisbehaved::BadBinder)
            )
        );
        p.transfer(Who::Server);
        assert_eq!(
            p.client.handshake(NOW).unwrap_err(),
            Error::AlertReceived(AlertDescription::DECRYPT_ERROR)
        );
    }
}

#[test]
fn client_auth_requested_and_given() {
    let (mut c, mut s) = configs(KeyType::EcdsaP256);
    let client_pki = pki(KeyType::MlDsa65, true);
    c.identities.push(client_pki.identity);
    s.client_auth = ClientAuth::Require(Arc::new(PinnedCertVerifier::new(vec![
        client_pki.leaf.der().to_vec(),
    ])));
    let mut p = Pair::new(c, s);
    p.handshake().expect("handshake");
    assert_eq!(
        p.server.negotiated().client_signature_scheme,
        Some(SignatureScheme::MLDSA65)
    );
    assert_eq!(
        p.server
            .negotiated()
            .peer_certificates
            .first()
            .map(Vec::as_slice),
        Some(client_pki.leaf.der())
    );
    assert_eq!(p.send(Who::Client, b"authenticated"), b"authenticated");
}

#[test]
fn client_auth_requested_not_given_is_allowed() {
    let (c, mut s) = configs(KeyType::EcdsaP256);
    s.client_auth = ClientAuth::Request(Arc::new(PinnedCertVerifier::new(vec![])));
    let mut p = Pair::new(c, s);
    p.handshake().expect("handshake");
    assert!(p.server.negotiated().peer_certificates.is_empty());
}

#[test]
fn client_auth_required_not_given_is_certificate_required() {
    let (c, mut s) = configs(KeyType::EcdsaP256);
    s.client_auth = ClientAuth::Require(Arc::new(PinnedCertVerifier::new(vec![])));
    let mut p = Pair::new(c, s);
    let err = p.handshake().unwrap_err();
    assert_eq!(
        err,
        (
            Who::Server,
            Error::PeerIncompatible(PeerIncompatible::CertificateRequired)
        )
    );
    p.transfer(Who::Server);
    let mut buf = [0u8; 8];
    assert_eq!(
        p.client.read(&mut buf).unwrap_err(),
        Error::AlertReceived(AlertDescription::CERTIFICATE_REQUIRED)
    );
}

#[test]
fn untrusted_server_certificate_is_rejected() {
    let (mut c, s) = configs(KeyType::EcdsaP256);
    c.verifier = Arc::new(PinnedCertVerifier::new(vec![
        b"some other certificate".to_vec(),
    ]));
    let mut p = Pair::new(c, s);
    let err = p.handshake().unwrap_err();
    assert_eq!(
        err,
        (
            Who::Client,
            Error::Certificate(CertificateError::UnknownIssuer)
        )
    );
    p.transfer(Who::Client);
    assert_eq!(
        p.server.handshake(NOW).unwrap_err(),
        Error::AlertReceived(AlertDescription::UNKNOWN_CA)
    );
}

/// Interop: gnutls-serv discards an unprotected alert once it reads under
/// the client handshake keys ("Decryption has failed"), so a client that
/// rejects the server's certificate must protect its alert (RFC 8446 §6),
/// after the compatibility CCS when that is on.
#[test]
fn client_alert_before_second_flight_is_protected() {
    for compat in [true, false] {
        let (mut c, s) = configs(KeyType::EcdsaP256);
        c.policy.middlebox_compat = compat;
        c.verifier = Arc::new(PinnedCertVerifier::new(vec![b"another".to_vec()]));
        let mut p = Pair::new(c, s);
        let err = p.handshake().unwrap_err();
        assert_eq!(
            err,
            (
                Who::Client,
                Error::Certificate(CertificateError::UnknownIssuer)
            )
        );
        let out = p.client.pending_tls().to_vec();
        let ccs: &[u8] = if compat {
            &[0x14, 0x03, 0x03, 0x00, 0x01, 0x01]
        } else {
            &[]
        };
        assert_eq!(&out[..ccs.len()], ccs, "compat={compat}");
        // One protected record: outer type application_data, the 2-byte
        // alert plus its inner type byte plus the 16-byte AEAD tag.
        let record = &out[ccs.len()..];
        assert_eq!(
            &record[..5],
            &[0x17, 0x03, 0x03, 0x00, 19],
            "compat={compat}"
        );
        assert_eq!(record.len(), 5 + 19, "compat={compat}");
        // The server opens it with the client handshake keys.
        p.transfer(Who::Client);
        assert_eq!(
            p.server.handshake(NOW).unwrap_err(),
            Error::AlertReceived(AlertDescription::UNKNOWN_CA)
        );
    }
}

#[test]
fn key_update_both_ways() {
    let mut p = full(
        KeyType::EcdsaP256,
        NamedGroup::X25519,
        CipherSuite::TLS_AES_128_GCM_SHA256,
    );
    p.client.key_update(true).expect("key update");
    assert_eq!(
        p.send(Who::Client, b"after client update"),
        b"after client update"
    );
    // The server answered update_requested with its own KeyUpdate.
    assert_eq!(
        p.send(Who::Server, b"after server update"),
        b"after server update"
    );
    assert_eq!(p.client.key_updates_sent(), 1);
    assert_eq!(p.server.key_updates_received(), 1);
    assert_eq!(p.server.key_updates_sent(), 1);
    assert_eq!(p.client.key_updates_received(), 1);
    p.server.key_update(false).expect("key update");
    assert_eq!(p.send(Who::Server, b"again"), b"again");
    assert_eq!(p.send(Who::Client, b"and back"), b"and back");
    // update_not_requested: the client does not answer.
    assert_eq!(p.server.key_updates_sent(), 2);
    assert_eq!(p.client.key_updates_received(), 2);
    assert_eq!(p.client.key_updates_sent(), 1);
    assert_eq!(p.server.key_updates_received(), 1);
}

#[test]
fn close_notify_ends_reading() {
    let mut p = full(
        KeyType::EcdsaP256,
        NamedGroup::X25519,
        CipherSuite::TLS_AES_128_GCM_SHA256,
    );
    assert_eq!(p.server.bye().unwrap(), Progress::Sending);
    p.transfer(Who::Server);
    assert_eq!(p.server.bye().unwrap(), Progress::Complete);
    let mut buf = [0u8; 16];
    assert_eq!(p.client.read(&mut buf).unwrap(), AppRead::Closed);
    assert!(p.client.peer_closed());
    assert!(p.server.write(b"late").is_err());
}

#[test]
fn tls12_only_client_hello_is_protocol_version() {
    let (c, s) = configs(KeyType::EcdsaP256);
    let mut p = Pair::new(c, s);
    let _ = p.client.handshake(NOW).unwrap();
    // Remove supported_versions from the ClientHello by renaming its type
    // to an unknown extension (0xfafa): the server then sees a TLS 1.2 client.
    p.transfer_altered(Who::Client, |b| {
        let pos = b
            .windows(4)
            .position(|w| w == [0x00, 0x2b, 0x00, 0x03])
            .expect("supported_versions");
        b[pos] = 0xfa;
        b[pos + 1] = 0xfa;
    });
    assert_eq!(
        p.server.handshake(NOW).unwrap_err(),
        Error::PeerIncompatible(PeerIncompatible::NoTls13)
    );
    p.transfer(Who::Server);
    assert_eq!(
        p.client.handshake(NOW).unwrap_err(),
        Error::AlertReceived(AlertDescription::PROTOCOL_VERSION)
    );
}

#[test]
fn tampered_server_flight_is_bad_record_mac() {
    let (c, s) = configs(KeyType::EcdsaP256);
    let mut p = Pair::new(c, s);
    let _ = p.client.handshake(NOW).unwrap();
    p.transfer(Who::Client);
    let _ = p.server.handshake(NOW).unwrap();
    p.transfer_altered(Who::Server, |b| {
        let last = b.len() - 1;
        b[last] ^= 1;
    });
    assert_eq!(p.client.handshake(NOW).unwrap_err(), Error::DecryptError);
    p.transfer(Who::Client);
    assert_eq!(
        p.server.handshake(NOW).unwrap_err(),
        Error::AlertReceived(AlertDescription::BAD_RECORD_MAC)
    );
}

#[test]
fn session_id_echo_mismatch_is_illegal_parameter() {
    let (c, s) = configs(KeyType::EcdsaP256);
    let mut p = Pair::new(c, s);
    let _ = p.client.handshake(NOW).unwrap();
    p.transfer(Who::Client);
    let _ = p.server.handshake(NOW).unwrap();
    // ServerHello record: 5-byte header, 4-byte handshake header, 2 version,
    // 32 random, then the session id length and its first byte.
    p.transfer_altered(Who::Server, |b| b[5 + 4 + 2 + 32 + 1] ^= 0xff);
    assert_eq!(
        p.client.handshake(NOW).unwrap_err(),
        Error::PeerMisbehaved(PeerMisbehaved::IllegalParameter("legacy_session_id_echo"))
    );
}

#[test]
fn application_data_before_finished_is_unexpected() {
    let (c, s) = configs(KeyType::EcdsaP256);
    let mut p = Pair::new(c, s);
    let _ = p.client.handshake(NOW).unwrap();
    // A plaintext application_data record in place of the ClientHello.
    p.client.consume_tls(p.client.pending_tls().len());
    p.server.read_tls(&[23, 3, 3, 0, 1, 0]);
    assert_eq!(
        p.server.handshake(NOW).unwrap_err(),
        Error::PeerMisbehaved(PeerMisbehaved::UnexpectedMessage)
    );
}

#[test]
fn garbage_record_header_is_rejected() {
    let (c, s) = configs(KeyType::EcdsaP256);
    let mut p = Pair::new(c, s);
    p.server.read_tls(&[0x99, 3, 3, 0, 1, 0]);
    let err = p.server.handshake(NOW).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidMessage(InvalidMessage::InvalidContentType)
    );
    assert_eq!(err.alert(), Some(AlertDescription::UNEXPECTED_MESSAGE));
    // The alert is queued in plaintext.
    assert_eq!(p.server.pending_tls(), &[21, 3, 3, 0, 2, 2, 10]);
}

#[test]
fn exporters_agree() {
    let p = full(
        KeyType::EcdsaP256,
        NamedGroup::X25519,
        CipherSuite::TLS_AES_128_GCM_SHA256,
    );
    let mut a = [0u8; 32];
    let mut b = [0u8; 32];
    p.client
        .export_keying_material(b"EXPORTER-test", b"ctx", &mut a)
        .unwrap();
    p.server
        .export_keying_material(b"EXPORTER-test", b"ctx", &mut b)
        .unwrap();
    assert_eq!(a, b);
    assert_ne!(a, [0u8; 32]);
}

#[test]
fn identity_selection_prefers_first_compatible() {
    // ML-DSA first, ECDSA second: a client without ML-DSA gets ECDSA.
    let ml = pki(KeyType::MlDsa65, false);
    let ec = pki(KeyType::EcdsaP256, false);
    let p = provider();
    let mut s = qtls::ServerConfig::new(p.clone());
    s.identities = vec![ml.identity, ec.identity];
    let verifier = Arc::new(PinnedCertVerifier::new(vec![
        ml.leaf.der().to_vec(),
        ec.leaf.der().to_vec(),
    ]));
    let c = qtls::ClientConfig::new(p.clone(), verifier.clone());
    let mut pair = Pair::new(c, s.clone());
    pair.handshake().unwrap();
    assert_eq!(
        pair.client.negotiated().signature_scheme,
        Some(SignatureScheme::MLDSA65)
    );
    let mut c = qtls::ClientConfig::new(p, verifier);
    c.policy.signature_schemes.retain(|s| {
        !matches!(
            *s,
            SignatureScheme::MLDSA44 | SignatureScheme::MLDSA65 | SignatureScheme::MLDSA87
        )
    });
    let mut pair = Pair::new(c, s);
    pair.handshake().unwrap();
    assert_eq!(
        pair.client.negotiated().signature_scheme,
        Some(SignatureScheme::ECDSA_SECP256R1_SHA256)
    );
}

#[test]
fn large_transfer_both_ways() {
    let mut p = full(
        KeyType::EcdsaP256,
        NamedGroup::X25519,
        CipherSuite::TLS_AES_256_GCM_SHA384,
    );
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(p.send(Who::Client, &data), data);
    assert_eq!(p.send(Who::Server, &data), data);
    let _ = read_all(&mut p.client);
}

#[test]
fn path_validating_client_checks_certificate_verify_with_the_validated_leaf() {
    // The x509 verifier decodes the leaf, so the client takes the
    // CertificateVerify key from it without decoding it again: the
    // signature must still check out with exactly that key.
    for key in [KeyType::EcdsaP256, KeyType::Ed25519, KeyType::Rsa2048] {
        use qtls::pki::{CertBuilder, KeyPair};
        // Valid at the pair's clock.
        let (from, until) = (1_700_000_000, 2_000_000_000);
        let ca_key = KeyPair::generate(key).expect("CA key");
        let ca = CertBuilder::ca("qtls test CA")
            .validity(from, until)
            .self_signed(&ca_key)
            .expect("CA");
        let leaf_key = KeyPair::generate(key).expect("leaf key");
        let leaf = CertBuilder::server("localhost", &["localhost"])
            .validity(from, until)
            .signed_by(&leaf_key, &ca, &ca_key)
            .expect("leaf");
        let p = provider();
        let signer = p.load_signing_key(leaf_key.pkcs8_der()).expect("key");
        let identity = qtls::config::Identity::new(
            vec![leaf.der().to_vec(), ca.der().to_vec()],
            Arc::from(signer),
        )
        .expect("identity");
        let verifier =
            qtls::x509::Verifier::server(vec![ca.der().to_vec()], p.clone()).expect("verifier");
        let client = qtls::ClientConfig::new(p.clone(), Arc::new(verifier));
        let mut server = qtls::ServerConfig::new(p);
        server.identities.push(identity);
        let mut pair = Pair::new(client, server);
        pair.handshake().expect("handshake");
        assert_eq!(
            pair.client
                .negotiated()
                .peer_certificates
                .first()
                .map(Vec::as_slice),
            Some(leaf.der())
        );
        assert_eq!(pair.send(Who::Server, b"hi"), b"hi");
    }
}
