//! RFC 8448 (Example Handshake Traces for TLS 1.3), sections 3 to 7, checked
//! value by value with qtls's own key schedule and transcript.
//!
//! The traces are transcribed in vectors/rfc8448/section{3..7}.json (see
//! vectors/README.md for the step kinds). Every step is checked here; the
//! test fails on an unknown step kind, on a step that compares nothing, and
//! when fewer steps were checked than the files hold.
//!
//! Record protection is done directly with the provider's AEAD (the record
//! layer lives elsewhere): TLSInnerPlaintext = content || type (RFC 8448
//! uses no padding), nonce = iv XOR seq, AAD = the record header.

mod common;

use common::provider::{ecdh_agree, ecdh_public};
use qtls::Error;
use qtls::codec::enums::{HandshakeType, NamedGroup};
use qtls::error::{CryptoError, PeerMisbehaved};
use qtls::key_schedule::{
    EarlySecret, HkdfLabel, check_verify_data, derive_secret, finished_key, hkdf_expand_label,
    verify_data,
};
use qtls::provider::aws_lc::AwsLcProvider;
use qtls::provider::{AeadAlgorithm, CryptoProvider, HashAlgorithm};
use qtls::transcript::{Transcript, TranscriptBuffer};
use serde_json::Value;
use std::collections::HashMap;

const SHA256: HashAlgorithm = HashAlgorithm::Sha256;

/// The steps each file holds (a guard against a truncated file, which the
/// per-file count alone would not notice).
const EXPECTED_STEPS: [(u32, usize); 5] = [(3, 40), (4, 42), (5, 40), (6, 38), (7, 37)];

/// RFC 8446 §4.1.3: the Random of a HelloRetryRequest.
const HRR_RANDOM: &str = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c";

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex length: {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
}

fn hx(step: &Value, key: &str) -> Vec<u8> {
    unhex(
        step[key]
            .as_str()
            .unwrap_or_else(|| panic!("step lacks {key}: {step}")),
    )
}

fn text<'a>(step: &'a Value, key: &str) -> &'a str {
    step[key]
        .as_str()
        .unwrap_or_else(|| panic!("step lacks {key}: {step}"))
}

fn ids(step: &Value, key: &str) -> Vec<String> {
    step[key]
        .as_array()
        .unwrap_or_else(|| panic!("step lacks {key}: {step}"))
        .iter()
        .map(|v| v.as_str().expect("message id").to_owned())
        .collect()
}

fn handshake_type(name: &str) -> HandshakeType {
    match name {
        "ClientHello" => HandshakeType::CLIENT_HELLO,
        "ServerHello" => HandshakeType::SERVER_HELLO,
        "NewSessionTicket" => HandshakeType::NEW_SESSION_TICKET,
        "EndOfEarlyData" => HandshakeType::END_OF_EARLY_DATA,
        "EncryptedExtensions" => HandshakeType::ENCRYPTED_EXTENSIONS,
        "Certificate" => HandshakeType::CERTIFICATE,
        "CertificateRequest" => HandshakeType::CERTIFICATE_REQUEST,
        "CertificateVerify" => HandshakeType::CERTIFICATE_VERIFY,
        "Finished" => HandshakeType::FINISHED,
        other => panic!("unknown handshake message {other}"),
    }
}

fn u24(b: &[u8]) -> usize {
    (usize::from(b[0]) << 16) | (usize::from(b[1]) << 8) | usize::from(b[2])
}

/// State carried from step to step within one section.
struct Run<'a> {
    p: &'a AwsLcProvider,
    section: u32,
    /// Complete handshake messages by id.
    msgs: HashMap<String, Vec<u8>>,
    /// Truncated ClientHellos (without binders) by id.
    partial: HashMap<String, Vec<u8>>,
    /// verify_data computed by a "finished" step, to meet its Finished message.
    pending_finished: HashMap<String, Vec<u8>>,
    /// The binder computed by a "psk_binder" step, to meet the full ClientHello.
    pending_binder: Option<Vec<u8>>,
    /// A resumption PSK's nonce, to meet its NewSessionTicket.
    pending_nonce: Option<(String, Vec<u8>)>,
    /// The PSK (IKM) of the last extract of the early secret.
    early_ikm: Option<Vec<u8>>,
    /// Byte strings compared in the current step and in total.
    step_compares: usize,
    compares: usize,
}

impl Run<'_> {
    fn eq(&mut self, what: &str, got: &[u8], want: &[u8], step: &Value) {
        assert_eq!(
            got, want,
            "RFC 8448 §{}: {what} differs in step {}",
            self.section, step["source"]
        );
        self.step_compares += 1;
    }

    fn ok(&mut self, what: &str, r: Result<(), Error>, step: &Value) {
        assert_eq!(
            r,
            Ok(()),
            "RFC 8448 §{}: {what} in {}",
            self.section,
            step["source"]
        );
        self.step_compares += 1;
    }

    fn msg(&self, id: &str) -> &[u8] {
        self.msgs
            .get(id)
            .unwrap_or_else(|| panic!("message {id} not seen yet"))
    }

    /// The transcript hash of the messages `ids`, computed the way a client
    /// does: ClientHello1 is buffered until the hash is known, and a
    /// HelloRetryRequest replaces it by message_hash (RFC 8446 §4.4.1).
    fn transcript_hash(&self, ids: &[String]) -> Vec<u8> {
        let p = self.p;
        let Some((first, rest)) = ids.split_first() else {
            return Transcript::new(p, SHA256)
                .unwrap()
                .current_hash()
                .as_ref()
                .to_vec();
        };
        let mut buf = TranscriptBuffer::new();
        buf.add(self.msg(first));
        if rest.is_empty() {
            return buf.hash_with(p, SHA256).unwrap().as_ref().to_vec();
        }
        let mut t = buf.start_hash(p, SHA256).unwrap();
        for id in rest {
            if id.ends_with(":HelloRetryRequest") {
                t.replace_with_message_hash(p).unwrap();
            }
            t.add(self.msg(id));
        }
        // A fork hashes the same and leaves the original alone.
        let forked = t.fork().current_hash();
        assert_eq!(forked.as_ref(), t.current_hash().as_ref());
        t.current_hash().as_ref().to_vec()
    }

    fn label_info(&mut self, len: usize, label: &[u8], context: &[u8], info: &[u8], step: &Value) {
        let built = HkdfLabel::new(len, label, context).unwrap();
        let bytes: Vec<u8> = built.parts().concat();
        self.eq("HkdfLabel info", &bytes, info, step);
        assert_eq!(built.encoded_len(), info.len());
    }

    fn expand(&self, secret: &[u8], label: &[u8], context: &[u8], len: usize) -> Vec<u8> {
        let mut out = vec![0u8; len];
        hkdf_expand_label(self.p, SHA256, secret, label, context, &mut out).unwrap();
        out
    }

    fn expand_info(&self, secret: &[u8], info: &[u8], len: usize) -> Vec<u8> {
        let mut out = vec![0u8; len];
        self.p
            .hkdf_expand(SHA256, secret, &[info], &mut out)
            .unwrap();
        out
    }

    /// Checks a payload made of handshake messages against their ids.
    fn payload_messages(&mut self, step: &Value, payload: &[u8]) {
        if let Some(partial_id) = step["completes"].as_str() {
            // The full ClientHello of §4: the printed one plus the binders.
            let partial = self.partial[partial_id].clone();
            let full = payload.to_vec();
            self.eq("ClientHello prefix", &full[..partial.len()], &partial, step);
            assert_eq!(u24(&partial[1..4]) + 4, full.len(), "declared length");
            let binder = self.pending_binder.take().expect("binder computed first");
            // binders<33..2^16-1> holding one PskBinderEntry<32..255>.
            let mut tail = vec![0x00, 0x21, 0x20];
            tail.extend_from_slice(&binder);
            self.eq("binders list", &full[partial.len()..], &tail, step);
            let id = partial_id.trim_end_matches("(partial)").to_owned();
            self.msgs.insert(id, full);
        }
        if step.get("messages").is_some() {
            let joined: Vec<u8> = ids(step, "messages")
                .iter()
                .flat_map(|id| self.msg(id).to_vec())
                .collect();
            self.eq("record payload messages", payload, &joined, step);
        }
    }

    fn check(&mut self, step: &Value, all_sections: &HashMap<u32, Vec<Value>>) {
        let p = self.p;
        self.step_compares = 0;
        match text(step, "kind") {
            kind @ ("x25519_keypair" | "p256_keypair") => {
                let group = if kind == "x25519_keypair" {
                    NamedGroup::X25519
                } else {
                    NamedGroup::SECP256R1
                };
                let public = ecdh_public(group, &hx(step, "private"));
                self.eq("public key", &public, &hx(step, "public"), step);
            }
            "ecdhe" => {
                let group = match text(step, "group") {
                    "x25519" => NamedGroup::X25519,
                    "secp256r1" => NamedGroup::SECP256R1,
                    g => panic!("group {g}"),
                };
                let shared = hx(step, "shared");
                let c = ecdh_agree(
                    group,
                    &hx(step, "client_private"),
                    &hx(step, "server_public"),
                );
                self.eq("client's shared secret", &c, &shared, step);
                let s = ecdh_agree(
                    group,
                    &hx(step, "server_private"),
                    &hx(step, "client_public"),
                );
                self.eq("server's shared secret", &s, &shared, step);
                self.eq(
                    "client public key",
                    &ecdh_public(group, &hx(step, "client_private")),
                    &hx(step, "client_public"),
                    step,
                );
            }
            "message" => {
                let data = hx(step, "data");
                let id = text(step, "id").to_owned();
                let name = text(step, "name");
                assert_eq!(HandshakeType(data[0]), handshake_type(name), "{id}: type");
                let declared = u24(&data[1..4]);
                if step["hello_retry_request"].as_bool() == Some(true) {
                    self.eq(
                        "HelloRetryRequest random",
                        &data[6..38],
                        &unhex(HRR_RANDOM),
                        step,
                    );
                }
                if step["partial"].as_bool() == Some(true) {
                    assert!(declared + 4 > data.len(), "{id}: not truncated");
                    self.step_compares += 1;
                    self.partial.insert(id, data);
                    return self.done(step);
                }
                assert_eq!(declared + 4, data.len(), "{id}: length");
                self.step_compares += 1;
                if name == "Finished" {
                    let side = text(step, "side");
                    let expected = self
                        .pending_finished
                        .remove(side)
                        .expect("finished computed before its message");
                    self.ok(
                        "Finished message verify_data",
                        check_verify_data(&expected, &data[4..]),
                        step,
                    );
                }
                if let Some((nst, nonce)) = self.pending_nonce.take_if(|(n, _)| *n == id) {
                    // NewSessionTicket: header, lifetime, age_add, ticket_nonce<0..255>.
                    let got = &data[13..13 + usize::from(data[12])];
                    self.eq(&format!("ticket_nonce of {nst}"), got, &nonce, step);
                }
                self.msgs.insert(id, data);
            }
            "record" => {
                let payload = hx(step, "payload");
                let record = hx(step, "record");
                let ctype = u8::try_from(step["content_type"].as_u64().unwrap()).unwrap();
                let mut header = vec![ctype];
                // legacy_record_version: 0x0301 is allowed for an initial ClientHello.
                let version = &record[1..3];
                assert!(version == [3, 3] || version == [3, 1], "record version");
                header.extend_from_slice(version);
                header.extend_from_slice(&u16::try_from(payload.len()).unwrap().to_be_bytes());
                header.extend_from_slice(&payload);
                self.eq("plaintext record", &record, &header, step);
                self.payload_messages(step, &payload);
            }
            "protected_record" => {
                let payload = hx(step, "payload");
                let record = hx(step, "record");
                let ctype = u8::try_from(step["content_type"].as_u64().unwrap()).unwrap();
                let key = hx(step, "key");
                let iv = hx(step, "iv");
                let seq = step["seq"].as_u64().unwrap();
                let mut nonce = [0u8; 12];
                nonce.copy_from_slice(&iv);
                for (n, s) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
                    *n ^= s;
                }
                let aead = p.aead_key(AeadAlgorithm::Aes128Gcm, &key).unwrap();
                // TLSInnerPlaintext: content || ContentType || zeros (none here).
                let mut inner = payload.clone();
                inner.push(ctype);
                // RFC 8446 §5.2: the AAD is the header of the protected record.
                let len = u16::try_from(inner.len() + 16).unwrap();
                let mut aad = vec![0x17, 0x03, 0x03];
                aad.extend_from_slice(&len.to_be_bytes());
                self.eq("record header", &record[..5], &aad, step);

                let mut sealed = inner.clone();
                let mut tag = [0u8; 16];
                aead.seal_in_place(&nonce, &aad, &mut sealed, &mut tag)
                    .unwrap();
                sealed.extend_from_slice(&tag);
                self.eq("sealed record", &sealed, &record[5..], step);

                let mut opened = record[5..].to_vec();
                let n = aead.open_in_place(&nonce, &aad, &mut opened).unwrap();
                self.eq("opened record", &opened[..n], &inner, step);

                let mut tampered = record[5..].to_vec();
                tampered[0] ^= 1;
                assert_eq!(
                    aead.open_in_place(&nonce, &aad, &mut tampered),
                    Err(CryptoError::AeadFailed),
                    "a tampered record opens"
                );
                self.payload_messages(step, &payload);
            }
            "hkdf_extract" => {
                let (salt, ikm, out) = (hx(step, "salt"), hx(step, "ikm"), hx(step, "out"));
                let got = p.hkdf_extract(SHA256, &salt, &ikm).unwrap();
                self.eq("HKDF-Extract", got.as_ref(), &out, step);
                if step.get("salt_printed").is_some() {
                    // "0" is Hash.length zero bytes, the same as an empty salt.
                    let got = p.hkdf_extract(SHA256, &[], &ikm).unwrap();
                    self.eq("HKDF-Extract with salt 0", got.as_ref(), &out, step);
                }
                if text(step, "stage") == "early" {
                    let psk = (ikm != [0u8; 32]).then_some(ikm.as_slice());
                    let early = EarlySecret::new(p, SHA256, psk).unwrap();
                    self.eq("EarlySecret", early.secret().as_bytes(), &out, step);
                    self.early_ikm = Some(ikm.clone());
                }
            }
            "expand_label" => {
                let secret = hx(step, "secret");
                let label = text(step, "label").as_bytes();
                let context = hx(step, "context");
                let len = usize::try_from(step["len"].as_u64().unwrap()).unwrap();
                let (info, out) = (hx(step, "info"), hx(step, "out"));
                self.label_info(len, label, &context, &info, step);
                let got = self.expand(&secret, label, &context, len);
                self.eq("HKDF-Expand-Label", &got, &out, step);
                let got = self.expand_info(&secret, &info, len);
                self.eq("HKDF-Expand of the printed info", &got, &out, step);
                if step.get("transcript").is_some() {
                    let th = self.transcript_hash(&ids(step, "transcript"));
                    self.eq("transcript hash", &th, &context, step);
                    let got = derive_secret(p, SHA256, &secret, label, &th).unwrap();
                    self.eq("Derive-Secret", got.as_bytes(), &out, step);
                }
                if let Some(nst) = step["ticket_nonce_of"].as_str() {
                    // The ticket is constructed after its PSK is derived.
                    self.pending_nonce = Some((nst.to_owned(), context));
                }
            }
            "traffic_keys" => {
                assert_eq!(text(step, "aead"), "AES_128_GCM");
                let secret = hx(step, "secret");
                let (key, iv) = (hx(step, "key"), hx(step, "iv"));
                self.label_info(16, b"key", b"", &hx(step, "key_info"), step);
                self.label_info(12, b"iv", b"", &hx(step, "iv_info"), step);
                let got = self.expand(&secret, b"key", b"", 16);
                self.eq("traffic key", &got, &key, step);
                let got = self.expand(&secret, b"iv", b"", 12);
                self.eq("traffic iv", &got, &iv, step);
            }
            "finished" => {
                let base = hx(step, "base_key");
                self.label_info(32, b"finished", b"", &hx(step, "info"), step);
                let fk = finished_key(p, SHA256, &base).unwrap();
                self.eq(
                    "finished_key",
                    fk.as_bytes(),
                    &hx(step, "finished_key"),
                    step,
                );
                let th = self.transcript_hash(&ids(step, "transcript"));
                let vd = verify_data(p, SHA256, &base, &th).unwrap();
                let want = hx(step, "verify_data");
                self.eq("verify_data", vd.as_ref(), &want, step);
                self.pending_finished
                    .insert(text(step, "side").to_owned(), want);
            }
            "psk_binder" => {
                assert_eq!(step["external"].as_bool(), Some(false));
                let prefix = hx(step, "client_hello_prefix");
                let mut buf = TranscriptBuffer::new();
                buf.add(&prefix);
                let bh = buf.hash_with(p, SHA256).unwrap();
                self.eq("binder hash", bh.as_ref(), &hx(step, "binder_hash"), step);
                let psk = self
                    .early_ikm
                    .clone()
                    .expect("early secret extracted first");
                let early = EarlySecret::new(p, SHA256, Some(&psk)).unwrap();
                self.eq(
                    "early secret",
                    early.secret().as_bytes(),
                    &hx(step, "early_secret"),
                    step,
                );
                let bk = early.binder_key(p, false).unwrap();
                self.eq("binder key", bk.as_bytes(), &hx(step, "binder_key"), step);
                self.label_info(32, b"finished", b"", &hx(step, "info"), step);
                let fk = finished_key(p, SHA256, bk.as_bytes()).unwrap();
                self.eq(
                    "binder finished key",
                    fk.as_bytes(),
                    &hx(step, "finished_key"),
                    step,
                );
                let binder = hx(step, "binder");
                let got = early.psk_binder(p, false, bh.as_ref()).unwrap();
                self.eq("binder", got.as_ref(), &binder, step);
                self.ok(
                    "binder check",
                    early.check_psk_binder(p, false, bh.as_ref(), &binder),
                    step,
                );
                let mut bad = binder.clone();
                bad[0] ^= 0x01;
                assert_eq!(
                    early.check_psk_binder(p, false, bh.as_ref(), &bad),
                    Err(Error::PeerMisbehaved(PeerMisbehaved::BadBinder))
                );
                self.pending_binder = Some(binder);
            }
            "key_schedule" => self.key_schedule(step, all_sections),
            other => panic!("unknown step kind {other}"),
        }
        self.done(step);
    }

    fn done(&mut self, step: &Value) {
        assert!(self.step_compares > 0, "step compared nothing: {step}");
        self.compares += self.step_compares;
    }

    /// The whole schedule through the typestate API, against the secrets
    /// the section printed.
    fn key_schedule(&mut self, step: &Value, all_sections: &HashMap<u32, Vec<Value>>) {
        let p = self.p;
        let aead = AeadAlgorithm::Aes128Gcm;
        let psk = step["psk"].as_str().map(unhex);
        if self.section == 4 {
            // §4 resumes with the ticket of §3.
            let s3 = all_sections[&3]
                .iter()
                .find(|s| s["kind"] == "key_schedule")
                .expect("§3 schedule");
            self.eq(
                "§3 ticket PSK",
                psk.as_deref().unwrap(),
                &hx(s3, "resumption_psk"),
                step,
            );
        }
        let early = EarlySecret::new(p, SHA256, psk.as_deref()).unwrap();
        self.eq(
            "early secret",
            early.secret().as_bytes(),
            &hx(step, "early_secret"),
            step,
        );
        if step.get("client_early_traffic_secret").is_some() {
            let ch = hx(step, "client_hello_hash");
            let cet = early.client_early_traffic_secret(p, &ch).unwrap();
            let want = hx(step, "client_early_traffic_secret");
            self.eq(
                "client_early_traffic_secret",
                cet.secret().as_bytes(),
                &want,
                step,
            );
            let k = cet.traffic_keys(p, aead).unwrap();
            self.eq("early key", k.key(), &hx(step, "client_early_key"), step);
            self.eq("early iv", k.iv(), &hx(step, "client_early_iv"), step);
            let eem = early.early_exporter_master_secret(p, &ch).unwrap();
            let want = hx(step, "early_exporter_master_secret");
            self.eq(
                "early_exporter_master_secret",
                eem.secret().as_bytes(),
                &want,
                step,
            );
        }

        let hs = early
            .into_handshake_secret(p, Some(&hx(step, "dhe")))
            .unwrap();
        self.eq(
            "handshake secret",
            hs.secret().as_bytes(),
            &hx(step, "handshake_secret"),
            step,
        );
        let hello = hx(step, "hello_hash");
        let c_hs = hs.client_handshake_traffic_secret(p, &hello).unwrap();
        let s_hs = hs.server_handshake_traffic_secret(p, &hello).unwrap();
        let want = hx(step, "client_handshake_traffic_secret");
        self.eq(
            "client_handshake_traffic_secret",
            c_hs.secret().as_bytes(),
            &want,
            step,
        );
        let want = hx(step, "server_handshake_traffic_secret");
        self.eq(
            "server_handshake_traffic_secret",
            s_hs.secret().as_bytes(),
            &want,
            step,
        );
        for (side, secret) in [("client", &c_hs), ("server", &s_hs)] {
            let k = secret.traffic_keys(p, aead).unwrap();
            self.eq(
                "handshake key",
                k.key(),
                &hx(step, &format!("{side}_handshake_key")),
                step,
            );
            self.eq(
                "handshake iv",
                k.iv(),
                &hx(step, &format!("{side}_handshake_iv")),
                step,
            );
            let th = self.transcript_hash(&ids(step, &format!("{side}_finished_transcript")));
            let want = hx(step, &format!("{side}_verify_data"));
            let vd = secret.verify_data(p, &th).unwrap();
            self.eq("verify_data", vd.as_ref(), &want, step);
            self.ok(
                "verify_data check",
                secret.check_verify_data(p, &th, &want),
                step,
            );
        }

        let master = hs.into_master_secret(p).unwrap();
        self.eq(
            "master secret",
            master.secret().as_bytes(),
            &hx(step, "master_secret"),
            step,
        );
        let sf = hx(step, "server_finished_hash");
        let c_ap = master.client_application_traffic_secret_0(p, &sf).unwrap();
        let s_ap = master.server_application_traffic_secret_0(p, &sf).unwrap();
        let want = hx(step, "client_application_traffic_secret_0");
        self.eq(
            "client_application_traffic_secret_0",
            c_ap.secret().as_bytes(),
            &want,
            step,
        );
        let want = hx(step, "server_application_traffic_secret_0");
        self.eq(
            "server_application_traffic_secret_0",
            s_ap.secret().as_bytes(),
            &want,
            step,
        );
        for (side, secret) in [("client", &c_ap), ("server", &s_ap)] {
            let k = secret.traffic_keys(p, aead).unwrap();
            let want = hx(step, &format!("{side}_application_key"));
            self.eq("application key", k.key(), &want, step);
            let want = hx(step, &format!("{side}_application_iv"));
            self.eq("application iv", k.iv(), &want, step);
        }
        let exp = master.exporter_master_secret(p, &sf).unwrap();
        let want = hx(step, "exporter_master_secret");
        self.eq(
            "exporter_master_secret",
            exp.secret().as_bytes(),
            &want,
            step,
        );
        let res = master
            .resumption_master_secret(p, &hx(step, "client_finished_hash"))
            .unwrap();
        let want = hx(step, "resumption_master_secret");
        self.eq(
            "resumption_master_secret",
            res.secret().as_bytes(),
            &want,
            step,
        );
        if step.get("resumption_psk").is_some() {
            let psk = res.resumption_psk(p, &hx(step, "ticket_nonce")).unwrap();
            self.eq(
                "resumption PSK",
                psk.as_bytes(),
                &hx(step, "resumption_psk"),
                step,
            );
        }
    }
}

fn load(section: u32) -> Vec<Value> {
    let path = format!(
        "{}/vectors/rfc8448/section{section}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}")) {
        Value::Array(steps) => steps,
        _ => panic!("{path}: not an array of steps"),
    }
}

#[test]
fn rfc8448_traces() {
    let p = AwsLcProvider::new();
    let sections: HashMap<u32, Vec<Value>> =
        EXPECTED_STEPS.iter().map(|&(n, _)| (n, load(n))).collect();
    let mut transcribed = 0;
    let mut checked = 0;
    let mut compares = 0;
    for &(n, expected) in &EXPECTED_STEPS {
        let steps = &sections[&n];
        assert_eq!(steps.len(), expected, "section {n}: number of steps");
        transcribed += steps.len();
        let mut run = Run {
            p: &p,
            section: n,
            msgs: HashMap::new(),
            partial: HashMap::new(),
            pending_finished: HashMap::new(),
            pending_binder: None,
            pending_nonce: None,
            early_ikm: None,
            step_compares: 0,
            compares: 0,
        };
        for step in steps {
            run.check(step, &sections);
            checked += 1;
        }
        assert!(run.pending_finished.is_empty(), "a Finished never sent");
        assert!(run.pending_binder.is_none(), "a binder never sent");
        assert!(run.pending_nonce.is_none(), "a ticket never sent");
        compares += run.compares;
    }
    println!("rfc8448: {checked} values checked ({compares} byte strings compared)");
    assert_eq!(checked, transcribed);
}
