//! The JSON request handling of `qtls kat` (src/bin/qtls/kat.rs), on the
//! real aws-lc-rs provider.
//!
//! Invariants: every non-blank line gets exactly one line holding a JSON
//! object whose first member is a boolean `ok`; a failure says why (`error`
//! string) or that the op is `unsupported`; the same line always gets the
//! same response; a successful `aead_seal` opens again to its plaintext.
#![no_main]

#[path = "../../src/bin/qtls/common.rs"]
#[allow(dead_code)]
mod common;
#[path = "../../src/bin/qtls/kat.rs"]
#[allow(dead_code)]
mod kat;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::sync::{Arc, OnceLock};

fn provider() -> &'static Arc<dyn qtls::provider::CryptoProvider> {
    static P: OnceLock<Arc<dyn qtls::provider::CryptoProvider>> = OnceLock::new();
    P.get_or_init(qtls::provider::aws_lc::default_provider)
}

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    // The CLI splits its input into lines and skips blank ones.
    if line.contains('\n') || line.trim().is_empty() {
        return;
    }
    let p = provider().as_ref();
    let resp = kat::respond(p, line);
    assert!(!resp.contains('\n'), "one line per response");
    assert!(resp.starts_with("{\"ok\":"), "ok comes first: {resp}");
    let parsed: Value = serde_json::from_str(&resp).expect("a response is JSON");
    let obj = parsed.as_object().expect("a JSON object");
    match obj.get("ok") {
        Some(Value::Bool(true)) => {}
        Some(Value::Bool(false)) => assert!(
            obj.get("error").is_some_and(Value::is_string)
                || obj.get("unsupported") == Some(&Value::Bool(true)),
            "a failure says why: {resp}"
        ),
        other => panic!("no boolean ok: {other:?}"),
    }
    assert_eq!(kat::respond(p, line), resp, "deterministic");

    let Ok(Value::Object(mut req)) = serde_json::from_str::<Value>(line) else {
        return;
    };
    if req.get("op") == Some(&Value::String("aead_seal".into()))
        && obj.get("ok") == Some(&Value::Bool(true))
    {
        let sealed = obj.get("out").cloned().expect("sealed output");
        let pt = req.get("pt").cloned().expect("pt was given");
        req.insert("op".into(), Value::String("aead_open".into()));
        req.insert("ct".into(), sealed);
        let opened = kat::respond(p, &Value::Object(req).to_string());
        let opened: Value = serde_json::from_str(&opened).expect("JSON");
        assert_eq!(opened.get("ok"), Some(&Value::Bool(true)), "{opened}");
        let got = opened
            .get("out")
            .and_then(Value::as_str)
            .expect("plaintext");
        let pt = common::hex_decode(pt.as_str().expect("pt is a string")).expect("pt was hex");
        assert_eq!(common::hex_decode(got), Ok(pt), "seal then open");
    }
});
