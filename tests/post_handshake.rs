//! Post-handshake client authentication (RFC 8446 §4.6.2), the exporters
//! (RFC 8446 §7.5, RFC 9266) and certificate compression (RFC 8879) between
//! our own client and server, in memory.

mod common;

use common::pair::{NOW, Pair, Who, configs, pki, read_all};
use qtls::codec::enums::{
    AlertDescription, CertificateCompressionAlgorithm as Alg, HandshakeType, SignatureScheme,
};
use qtls::config::{ClientAuth, ExternalPsk, PskList};
use qtls::conn::ReauthStatus;
use qtls::error::{ApiMisuse, CertificateError, Error, PeerIncompatible, PeerMisbehaved};
use qtls::pki::KeyType;
use qtls::verify::PinnedCertVerifier;
use std::sync::{Arc, Mutex};

/// A pair whose server defers client authentication to after the
/// handshake; `identity` gives the client a certificate.
fn pha_pair(identity: bool, require: bool) -> (Pair, Vec<u8>) {
    let (mut c, mut s) = configs(KeyType::EcdsaP256);
    let client_pki = pki(KeyType::Ed25519, true);
    let leaf = client_pki.leaf.der().to_vec();
    if identity {
        c.identities.push(client_pki.identity);
    }
    c.post_handshake_auth = true;
    let v = Arc::new(PinnedCertVerifier::new(vec![leaf.clone()]));
    s.client_auth = if require {
        ClientAuth::Require(v)
    } else {
        ClientAuth::Request(v)
    };
    s.defer_client_auth = true;
    let mut p = Pair::new(c, s);
    p.handshake().expect("handshake");
    (p, leaf)
}

/// Server requests; the client answers on read; the server reads the answer.
fn reauth(p: &mut Pair) -> Result<(), Error> {
    p.server.request_client_auth(NOW)?;
    assert_eq!(p.server.reauth_status(), ReauthStatus::Pending);
    p.transfer(Who::Server);
    assert!(read_all(&mut p.client).is_empty());
    p.transfer(Who::Client);
    let mut buf = [0u8; 64];
    assert_eq!(p.server.read(&mut buf)?, qtls::AppRead::WouldBlock);
    Ok(())
}

#[test]
fn post_handshake_auth_authenticates_twice() {
    let (mut p, leaf) = pha_pair(true, true);
    assert!(p.server.negotiated().post_handshake_auth);
    // Deferred: nothing was asked during the handshake.
    assert!(p.server.negotiated().peer_certificates.is_empty());
    assert_eq!(p.server.reauth_status(), ReauthStatus::None);
    reauth(&mut p).expect("reauth");
    assert_eq!(p.server.reauth_status(), ReauthStatus::Authenticated);
    assert_eq!(p.client.reauth_status(), ReauthStatus::Authenticated);
    assert_eq!(p.server.negotiated().peer_certificates.first(), Some(&leaf));
    assert_eq!(
        p.server.negotiated().client_signature_scheme,
        Some(SignatureScheme::ED25519)
    );
    // A second request (fresh context) after a KeyUpdate: the Finished is
    // keyed by the client's current application traffic secret.
    p.client.key_update(true).unwrap();
    p.transfer(Who::Client);
    assert!(read_all(&mut p.server).is_empty());
    p.transfer(Who::Server);
    assert!(read_all(&mut p.client).is_empty());
    reauth(&mut p).expect("second reauth");
    assert_eq!(p.server.reauth_count(), 2);
    assert_eq!(p.client.reauth_count(), 2);
    assert_eq!(p.send(Who::Client, b"after"), b"after");
    assert_eq!(p.send(Who::Server, b"both ways"), b"both ways");
}

#[test]
fn post_handshake_auth_without_identity_is_empty_certificate() {
    let (mut p, _) = pha_pair(false, false);
    reauth(&mut p).expect("reauth");
    assert_eq!(p.server.reauth_status(), ReauthStatus::NoCertificate);
    assert_eq!(p.client.reauth_status(), ReauthStatus::NoCertificate);
    assert!(p.server.negotiated().peer_certificates.is_empty());
    assert_eq!(p.send(Who::Client, b"still up"), b"still up");
}

#[test]
fn post_handshake_auth_required_without_identity_is_certificate_required() {
    let (mut p, _) = pha_pair(false, true);
    assert_eq!(
        reauth(&mut p).unwrap_err(),
        Error::PeerIncompatible(PeerIncompatible::CertificateRequired)
    );
    p.transfer(Who::Server);
    let mut buf = [0u8; 8];
    assert_eq!(
        p.client.read(&mut buf).unwrap_err(),
        Error::AlertReceived(AlertDescription::CERTIFICATE_REQUIRED)
    );
}

#[test]
fn request_needs_offer_verifier_and_no_pending() {
    // The client did not offer post_handshake_auth.
    let (c, mut s) = configs(KeyType::EcdsaP256);
    s.client_auth = ClientAuth::Request(Arc::new(PinnedCertVerifier::new(vec![])));
    let mut p = Pair::new(c, s);
    p.handshake().unwrap();
    assert!(!p.server.negotiated().post_handshake_auth);
    assert!(matches!(
        p.server.request_client_auth(NOW),
        Err(Error::ApiMisuse(ApiMisuse::WrongState(_)))
    ));
    assert!(matches!(
        p.client.request_client_auth(NOW),
        Err(Error::ApiMisuse(ApiMisuse::WrongState(_)))
    ));
    // The connection survives API misuse.
    assert_eq!(p.send(Who::Client, b"ok"), b"ok");

    // Offered, but the server has no verifier.
    let (mut c, s) = configs(KeyType::EcdsaP256);
    c.post_handshake_auth = true;
    let mut p = Pair::new(c, s);
    p.handshake().unwrap();
    assert!(matches!(
        p.server.request_client_auth(NOW),
        Err(Error::ApiMisuse(ApiMisuse::WrongState(_)))
    ));

    // One request at a time.
    let (mut p, _) = pha_pair(true, false);
    p.server.request_client_auth(NOW).unwrap();
    assert!(matches!(
        p.server.request_client_auth(NOW),
        Err(Error::ApiMisuse(ApiMisuse::WrongState(_)))
    ));
}

/// Rewrites the client's post-handshake messages of type `typ`.
fn tamper_client(p: &mut Pair, typ: HandshakeType, f: fn(&mut Vec<u8>)) {
    p.client
        .set_handshake_send_hook(Box::new(move |m: &mut Vec<u8>| {
            if m.first() == Some(&typ.0) {
                f(m)
            }
        }));
}

fn expect_server_error(p: &mut Pair, err: Error, alert: AlertDescription) {
    assert_eq!(reauth(p).unwrap_err(), err);
    assert_eq!(err.alert(), Some(alert));
    p.transfer(Who::Server);
    let mut buf = [0u8; 8];
    assert_eq!(
        p.client.read(&mut buf).unwrap_err(),
        Error::AlertReceived(alert)
    );
}

#[test]
fn post_handshake_finished_must_verify() {
    let (mut p, _) = pha_pair(true, true);
    tamper_client(&mut p, HandshakeType::FINISHED, |m| {
        *m.last_mut().unwrap() ^= 1
    });
    expect_server_error(
        &mut p,
        Error::PeerMisbehaved(PeerMisbehaved::BadFinished),
        AlertDescription::DECRYPT_ERROR,
    );
}

#[test]
fn post_handshake_certificate_context_must_echo() {
    let (mut p, _) = pha_pair(true, true);
    // Byte 5 is the first byte of the 16-byte context.
    tamper_client(&mut p, HandshakeType::CERTIFICATE, |m| m[5] ^= 0x80);
    expect_server_error(
        &mut p,
        Error::PeerMisbehaved(PeerMisbehaved::IllegalParameter("Certificate context")),
        AlertDescription::ILLEGAL_PARAMETER,
    );
}

#[test]
fn post_handshake_certificate_verify_must_verify() {
    let (mut p, _) = pha_pair(true, true);
    tamper_client(&mut p, HandshakeType::CERTIFICATE_VERIFY, |m| {
        *m.last_mut().unwrap() ^= 1
    });
    expect_server_error(
        &mut p,
        Error::PeerMisbehaved(PeerMisbehaved::BadSignature),
        AlertDescription::DECRYPT_ERROR,
    );
}

#[test]
fn unsolicited_certificate_after_handshake_is_unexpected() {
    let (mut p, _) = pha_pair(true, true);
    // The client's KeyUpdate rewritten as a Finished (same size): the
    // server has no request outstanding.
    tamper_client(&mut p, HandshakeType::KEY_UPDATE, |m| {
        m[0] = HandshakeType::FINISHED.0
    });
    p.client.key_update(false).unwrap();
    p.transfer(Who::Client);
    let mut buf = [0u8; 8];
    assert_eq!(
        p.server.read(&mut buf).unwrap_err(),
        Error::PeerMisbehaved(PeerMisbehaved::UnexpectedMessage)
    );
}

// ---------------------------------------------------------------------------
// Exporters.

fn export(c: &qtls::Connection, label: &[u8], ctx: &[u8], n: usize) -> Vec<u8> {
    let mut out = vec![0u8; n];
    c.export_keying_material(label, ctx, &mut out).unwrap();
    out
}

#[test]
fn exporters_agree_and_channel_binding_is_the_rfc9266_export() {
    let (c, s) = configs(KeyType::EcdsaP256);
    let mut p = Pair::new(c, s);
    p.handshake().unwrap();
    let a = export(&p.client, b"EXPERIMENTAL-qtls", b"ctx", 48);
    assert_eq!(a, export(&p.server, b"EXPERIMENTAL-qtls", b"ctx", 48));
    assert_ne!(a, export(&p.server, b"EXPERIMENTAL-qtls", b"", 48));
    let cb = p.client.channel_binding().unwrap();
    assert_eq!(cb, p.server.channel_binding().unwrap());
    assert_eq!(
        cb.to_vec(),
        export(&p.client, b"EXPORTER-Channel-Binding", b"", 32)
    );
    // No PSK: no early exporter.
    let mut out = [0u8; 16];
    assert!(matches!(
        p.client.export_early_keying_material(b"x", b"", &mut out),
        Err(Error::ApiMisuse(ApiMisuse::WrongState(_)))
    ));
}

#[test]
fn early_exporter_with_psk_agrees_before_completion() {
    let (mut c, mut s) = configs(KeyType::EcdsaP256);
    let psk = ExternalPsk::new(b"alice", &[0x42; 32]);
    c.psks.push(psk.clone());
    s.psk_store = Some(Arc::new(PskList(vec![psk])));
    let mut p = Pair::new(c, s);
    // ClientHello to the server; the server answers with its whole flight.
    let _ = p.client.handshake(NOW).unwrap();
    p.transfer(Who::Client);
    let _ = p.server.handshake(NOW).unwrap();
    let mut server_early = [0u8; 32];
    p.server
        .export_early_keying_material(b"EXPERIMENTAL-early", b"c", &mut server_early)
        .unwrap();
    p.handshake().unwrap();
    let mut client_early = [0u8; 32];
    p.client
        .export_early_keying_material(b"EXPERIMENTAL-early", b"c", &mut client_early)
        .unwrap();
    assert_eq!(client_early, server_early);
    assert_ne!(
        client_early.to_vec(),
        export(&p.client, b"EXPERIMENTAL-early", b"c", 32)
    );
}

// ---------------------------------------------------------------------------
// Certificate compression.

/// Records the handshake types a connection sends.
fn record_types(c: &mut qtls::Connection) -> Arc<Mutex<Vec<u8>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    c.set_handshake_send_hook(Box::new(move |m: &mut Vec<u8>| {
        s2.lock().unwrap().push(m[0]);
    }));
    seen
}

fn compressed_pair(server_algs: &[Alg], client_algs: &[Alg]) -> Pair {
    let (mut c, mut s) = configs(KeyType::Rsa2048);
    let client_pki = pki(KeyType::EcdsaP256, true);
    c.identities.push(client_pki.identity);
    s.client_auth = ClientAuth::Require(Arc::new(PinnedCertVerifier::new(vec![
        client_pki.leaf.der().to_vec(),
    ])));
    s.cert_compression = server_algs.to_vec();
    c.cert_compression = client_algs.to_vec();
    Pair::new(c, s)
}

#[test]
fn certificates_compress_both_ways_with_each_algorithm() {
    for alg in [Alg::ZLIB, Alg::BROTLI] {
        let mut plain = compressed_pair(&[], &[]);
        plain.handshake().unwrap();
        let mut p = compressed_pair(&[alg], &[Alg::ZSTD, alg]);
        let server_sent = record_types(&mut p.server);
        let client_sent = record_types(&mut p.client);
        p.handshake().expect("compressed handshake");
        let cc = HandshakeType::COMPRESSED_CERTIFICATE.0;
        let cert = HandshakeType::CERTIFICATE.0;
        for sent in [&server_sent, &client_sent] {
            let sent = sent.lock().unwrap();
            assert!(sent.contains(&cc), "{alg:?}: {sent:?}");
            assert!(!sent.contains(&cert), "{alg:?}: {sent:?}");
        }
        assert!(p.s2c < plain.s2c, "{alg:?}: {} vs {}", p.s2c, plain.s2c);
        // Both chains (leaf and CA) arrived whole.
        assert_eq!(p.server.negotiated().peer_certificates.len(), 2);
        assert_eq!(p.client.negotiated().peer_certificates.len(), 2);
        assert_eq!(p.send(Who::Client, b"compressed"), b"compressed");
    }
}

#[test]
fn compression_needs_both_sides() {
    // The client offers nothing the server uses: plain Certificate.
    let mut p = compressed_pair(&[Alg::ZLIB], &[Alg::BROTLI]);
    let server_sent = record_types(&mut p.server);
    p.handshake().unwrap();
    let sent = server_sent.lock().unwrap();
    assert!(sent.contains(&HandshakeType::CERTIFICATE.0));
    assert!(!sent.contains(&HandshakeType::COMPRESSED_CERTIFICATE.0));
}

#[test]
fn post_handshake_certificate_may_be_compressed() {
    let (mut c, mut s) = configs(KeyType::EcdsaP256);
    let client_pki = pki(KeyType::EcdsaP256, true);
    c.identities.push(client_pki.identity);
    c.post_handshake_auth = true;
    c.cert_compression = vec![Alg::BROTLI];
    s.cert_compression = vec![Alg::BROTLI];
    s.client_auth = ClientAuth::Require(Arc::new(PinnedCertVerifier::new(vec![
        client_pki.leaf.der().to_vec(),
    ])));
    s.defer_client_auth = true;
    let mut p = Pair::new(c, s);
    p.handshake().unwrap();
    let client_sent = record_types(&mut p.client);
    reauth(&mut p).unwrap();
    assert_eq!(p.server.reauth_status(), ReauthStatus::Authenticated);
    assert_eq!(
        client_sent.lock().unwrap().as_slice(),
        [
            HandshakeType::COMPRESSED_CERTIFICATE.0,
            HandshakeType::CERTIFICATE_VERIFY.0,
            HandshakeType::FINISHED.0
        ]
    );
}

/// Rewrites the 24-bit uncompressed_length of the server's
/// CompressedCertificate (bytes 6..9 of the message).
fn bomb(alg: Alg, declared: fn(u32) -> u32) -> Error {
    let mut p = compressed_pair(&[alg], &[alg]);
    p.server
        .set_handshake_send_hook(Box::new(move |m: &mut Vec<u8>| {
            if m[0] == HandshakeType::COMPRESSED_CERTIFICATE.0 {
                let real = u32::from_be_bytes([0, m[6], m[7], m[8]]);
                let d = declared(real).to_be_bytes();
                m[6..9].copy_from_slice(&d[1..]);
            }
        }));
    let (who, err) = p.handshake().unwrap_err();
    assert_eq!(who, Who::Client);
    assert_eq!(err.alert(), Some(AlertDescription::BAD_CERTIFICATE));
    p.transfer(Who::Client);
    assert_eq!(
        p.server.handshake(NOW).unwrap_err(),
        Error::AlertReceived(AlertDescription::BAD_CERTIFICATE)
    );
    err
}

#[test]
fn decompression_bombs_and_length_mismatches_are_bad_certificate() {
    for alg in [Alg::ZLIB, Alg::BROTLI] {
        // Above the handshake-message limit: refused before inflating.
        assert_eq!(
            bomb(alg, |_| 0xff_ffff),
            Error::Certificate(CertificateError::Other("compressed certificate too large"))
        );
        // Declared shorter than the real expansion: the inflater stops.
        let e = bomb(alg, |r| r - 1);
        assert!(
            matches!(e, Error::Certificate(CertificateError::Other(_))),
            "{e:?}"
        );
        // Declared longer.
        assert_eq!(
            bomb(alg, |r| r + 1),
            Error::Certificate(CertificateError::Other(
                "compressed certificate length mismatch"
            ))
        );
    }
}

/// The server's KeyUpdate rewritten (before encryption) as a
/// CertificateRequest with an empty context and no extensions.
fn forged_certificate_request(p: &mut Pair) {
    p.server
        .set_handshake_send_hook(Box::new(|m: &mut Vec<u8>| {
            if m[0] == HandshakeType::KEY_UPDATE.0 {
                *m = vec![HandshakeType::CERTIFICATE_REQUEST.0, 0, 0, 3, 0, 0, 0];
            }
        }));
    p.server.key_update(false).unwrap();
    p.transfer(Who::Server);
}

#[test]
fn certificate_request_without_our_offer_is_unexpected_message() {
    let (c, s) = configs(KeyType::EcdsaP256);
    let mut p = Pair::new(c, s);
    p.handshake().unwrap();
    forged_certificate_request(&mut p);
    let mut buf = [0u8; 8];
    let err = p.client.read(&mut buf).unwrap_err();
    // RFC 8446 §4.6.2.
    assert_eq!(
        err,
        Error::PeerMisbehaved(PeerMisbehaved::UnexpectedMessage)
    );
    assert_eq!(err.alert(), Some(AlertDescription::UNEXPECTED_MESSAGE));
}

#[test]
fn certificate_request_without_signature_algorithms_is_missing_extension() {
    let (mut p, _) = pha_pair(true, false);
    forged_certificate_request(&mut p);
    let mut buf = [0u8; 8];
    let err = p.client.read(&mut buf).unwrap_err();
    // RFC 8446 §4.3.2: signature_algorithms MUST be present.
    assert_eq!(
        err,
        Error::PeerIncompatible(PeerIncompatible::MissingExtension(13))
    );
    assert_eq!(err.alert(), Some(AlertDescription::MISSING_EXTENSION));
}

#[test]
fn nothing_may_interleave_with_the_clients_answer() {
    let (mut p, _) = pha_pair(true, true);
    // The answer's CertificateVerify becomes a KeyUpdate: after the
    // Certificate, only CertificateVerify or Finished may come.
    tamper_client(&mut p, HandshakeType::CERTIFICATE_VERIFY, |m| {
        *m = vec![HandshakeType::KEY_UPDATE.0, 0, 0, 1, 0]
    });
    expect_server_error(
        &mut p,
        Error::PeerMisbehaved(PeerMisbehaved::UnexpectedMessage),
        AlertDescription::UNEXPECTED_MESSAGE,
    );
}
