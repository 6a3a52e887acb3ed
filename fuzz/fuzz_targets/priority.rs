//! Fuzzes the GnuTLS priority-string parser and the system configuration
//! reader. Input: an optional configuration text, a newline, then the
//! priority string (no newline: the whole input is the string).
//!
//! Invariants: nothing panics; an error position lies within the string; an
//! accepted string's canonical form (`to_priority_string`) re-resolves to
//! the same lists, TLS 1.3 suites, TLS 1.3 availability and wire groups, so
//! that its own canonical form is unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qtls::policy::{PriorityError, ResolvedPriority, SystemConfig, list_priority};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = core::str::from_utf8(data) else {
        return;
    };
    let (cfg_text, prio) = input.split_once('\n').unwrap_or(("", input));
    let cfg = SystemConfig::parse(cfg_text).ok();
    match ResolvedPriority::parse_gnutls(prio, cfg.as_ref()) {
        Ok(p) => {
            if let Some(canonical) = p.to_priority_string() {
                let q = match ResolvedPriority::parse_gnutls(&canonical, cfg.as_ref()) {
                    Ok(q) => q,
                    Err(e) => panic!("{prio:?} -> {canonical:?} fails: {e:?}"),
                };
                assert_eq!(q.to_priority_string().as_deref(), Some(canonical.as_str()));
                assert_eq!(q.tls13_suites(), p.tls13_suites());
                assert_eq!(q.tls13_enabled(), p.tls13_enabled());
                if p.tls13_enabled() {
                    assert_eq!(q.wire_groups(), p.wire_groups());
                    assert_eq!(q.tls13_signature_schemes(), p.tls13_signature_schemes());
                    assert_eq!(q.psk_modes(), p.psk_modes());
                }
            }
            // qtls's verdict only adds the TLS 1.3 requirement.
            let strict = ResolvedPriority::parse(prio, cfg.as_ref());
            assert_eq!(strict.is_ok(), p.require_tls13().is_ok());
        }
        Err(PriorityError::InvalidRequest { position }) => assert!(position <= prio.len()),
        Err(PriorityError::NoPriorities(_)) => {}
    }
    let out = list_priority(prio, cfg.as_ref());
    assert!(out.exit_code == 0 || out.exit_code == 1);
});
