//! Tests of the priority-string evaluation, with outputs observed from
//! GnuTLS 3.7.9 (`gnutls-cli --list --priority`, and ClientHellos it sent)
//! and, where 3.7.9 lacks names, GnuTLS 3.8.13's level contents.

use super::*;
use crate::codec::enums::{CipherSuite as CS, NamedGroup as NG, PskKeyExchangeMode as PM};
use alloc::string::{String, ToString};
use alloc::vec;

fn ok(s: &str) -> ResolvedPriority {
    match ResolvedPriority::parse_gnutls(s, None) {
        Ok(p) => p,
        Err(e) => panic!("{s}: {e:?}"),
    }
}

fn err(s: &str) -> PriorityError {
    match ResolvedPriority::parse_gnutls(s, None) {
        Ok(p) => panic!("{s}: accepted: {p:?}"),
        Err(e) => e,
    }
}

/// The tail GnuTLS prints after "Syntax error at: ".
fn syntax_tail(s: &str) -> String {
    match err(s) {
        PriorityError::InvalidRequest { position } => {
            String::from_utf8_lossy(s.as_bytes().get(position..).unwrap_or(b"<out of range>"))
                .into_owned()
        }
        e => panic!("{s}: not a syntax error: {e:?}"),
    }
}

const NO_PRIO: PriorityError = PriorityError::NoPriorities(NoPriorities::NoProtocols);

fn names<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(", ")
}

fn groups(p: &ResolvedPriority) -> String {
    names(p.groups(), |g| g.name().unwrap_or("(null)").to_string())
}

fn signs(p: &ResolvedPriority) -> String {
    names(p.signatures(), |s| s.name().to_string())
}

fn ciphers(p: &ResolvedPriority) -> String {
    names(p.ciphers(), |c| c.name().to_string())
}

fn protocols(p: &ResolvedPriority) -> String {
    names(p.protocols(), |v| v.name().to_string())
}

fn kx(p: &ResolvedPriority) -> String {
    names(p.key_exchanges(), |k| k.name().to_string())
}

fn codes<T: Copy>(items: &[T], f: impl Fn(T) -> u16) -> Vec<u16> {
    items.iter().map(|x| f(*x)).collect()
}

const NORMAL_SIGNS_379: &str = "RSA-SHA256, RSA-PSS-SHA256, RSA-PSS-RSAE-SHA256, ECDSA-SHA256, \
    ECDSA-SECP256R1-SHA256, EdDSA-Ed25519, RSA-SHA384, RSA-PSS-SHA384, RSA-PSS-RSAE-SHA384, \
    ECDSA-SHA384, ECDSA-SECP384R1-SHA384, EdDSA-Ed448, RSA-SHA512, RSA-PSS-SHA512, \
    RSA-PSS-RSAE-SHA512, ECDSA-SHA512, ECDSA-SECP521R1-SHA512, RSA-SHA1, ECDSA-SHA1";
const NORMAL_GROUPS: &str = "SECP256R1, SECP384R1, SECP521R1, X25519, X448, FFDHE2048, \
    FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192";
const ALL6: &str = "TLS1.3, TLS1.2, TLS1.1, TLS1.0, DTLS1.2, DTLS1.0";

#[test]
fn normal_resolves_to_the_3_8_13_lists() {
    let p = ok("NORMAL");
    assert_eq!(protocols(&p), ALL6);
    assert_eq!(
        ciphers(&p),
        "AES-256-GCM, CHACHA20-POLY1305, AES-256-CCM, AES-256-CBC, AES-128-GCM, AES-128-CCM, AES-128-CBC"
    );
    assert_eq!(names(p.macs(), |m| m.name().to_string()), "SHA1, AEAD");
    assert_eq!(kx(&p), "ECDHE-ECDSA, ECDHE-RSA, RSA, DHE-RSA");
    assert_eq!(groups(&p), NORMAL_GROUPS);
    assert_eq!(
        signs(&p),
        alloc::format!("ML-DSA-44, ML-DSA-65, ML-DSA-87, {NORMAL_SIGNS_379}")
    );
    assert_eq!(
        p.tls13_suites(),
        [
            CS::TLS_AES_256_GCM_SHA384,
            CS::TLS_CHACHA20_POLY1305_SHA256,
            CS::TLS_AES_128_GCM_SHA256,
            CS::TLS_AES_128_CCM_SHA256
        ]
    );
    assert_eq!(p.client_cert_types(), [CertType::X509]);
    assert_eq!(p.profile(), Some(Profile::Low));
    assert_eq!(p.security_level(), Some(SecurityLevel::Weak));
    assert_eq!(p.tls13_loss(), None);
    assert!(p.flags().tls13_compat_mode && !p.flags().server_precedence);
}

#[test]
fn syntax_errors_and_positions_of_the_spec() {
    assert_eq!(syntax_tail("NORMAL:+FOO"), "+FOO");
    assert_eq!(
        syntax_tail("NORMAL:-VERS-TLS1.3:+BOGUS:+AES-128-GCM"),
        "+BOGUS:+AES-128-GCM"
    );
    assert_eq!(syntax_tail("NORMAL:%compat"), "%compat");
    assert_eq!(syntax_tail("NORMAL: +FOO"), " +FOO");
    // Spaces skipped after ':' are not counted: the position drifts back.
    assert_eq!(syntax_tail("NORMAL:  -VERS-TLS1.0:+FOO"), "0:+FOO");
    assert_eq!(syntax_tail("NORMAL :+AES-128-GCM"), "NORMAL :+AES-128-GCM");
    assert_eq!(syntax_tail("NORMAL:+AES-128-GCM "), "+AES-128-GCM ");
    // Rewritten strings report the start.
    assert_eq!(syntax_tail(" NORMAL:+FOO"), " NORMAL:+FOO");
    assert_eq!(syntax_tail("NORMAL:"), "");
    assert_eq!(syntax_tail("NORMAL::+AES-128-GCM"), ":+AES-128-GCM");
    assert_eq!(syntax_tail("NORMAL:-SECURE128"), "-SECURE128");
    assert_eq!(syntax_tail("SYSTEM"), "SYSTEM");
    assert_eq!(syntax_tail(""), "");
    assert_eq!(syntax_tail("@SYSTEM"), "@SYSTEM");
    assert_eq!(err("NORMAL:+FOO").code(), GNUTLS_E_INVALID_REQUEST);
    assert_eq!(err("NORMAL:+FOO").to_string(), "The request is invalid.");
}

#[test]
fn drift_can_land_inside_an_earlier_element() {
    // Only a TAB is not skipped; many spaces make the position drift by
    // their number.
    assert_eq!(
        err("%COMPAT:      %COMPAT:      +FOO"),
        PriorityError::InvalidRequest { position: 16 }
    );
    assert_eq!(syntax_tail("NORMAL:\t+AES-128-GCM"), "\t+AES-128-GCM");
    assert_eq!(syntax_tail("NORMAL:+COMP-é:  +FOO"), "  +FOO");
}

#[test]
fn nothing_left_is_no_priorities() {
    // NONE:+VERS-TLS1.3 has no signature algorithm, which removes TLS 1.3.
    for s in [
        "NONE",
        "NONE:+VERS-TLS1.3",
        "NORMAL:-VERS-ALL",
        "NONE:NORMAL",
    ] {
        assert_eq!(err(s), NO_PRIO, "{s}");
    }
    for s in [
        "+AES-128-GCM",
        "%COMPAT",
        "NORMAL:-GOST",
        "NORMAL:-CIPHER-ALL",
        "NORMAL:-MAC-ALL",
        "NORMAL:-AEAD:-SHA1",
    ] {
        assert_eq!(
            err(s),
            PriorityError::NoPriorities(NoPriorities::NoSuites),
            "{s}"
        );
    }
    assert_eq!(err("NONE").code(), GNUTLS_E_NO_PRIORITIES_WERE_SET);
    assert_eq!(
        err("NONE").to_string(),
        "No or insufficient priorities were set."
    );
}

#[test]
fn ignored_items() {
    for s in [
        "NORMAL:+MAC-SHA256",
        "NORMAL:+CIPHER-FOO",
        "NORMAL:+KX-BAR",
        "NORMAL:+COMP-DEFLATE",
        "NORMAL:+CTYPE-OPENPGP",
        "NORMAL:+CTYPE-OPENPGPX",
        "NORMAL:+VERS-SSL3.0",
        "NORMAL:+ARCFOUR-40",
        "NORMAL:+RSA-EXPORT",
        "NORMAL:+MAC-NULL",
    ] {
        assert_eq!(ok(s), ok("NORMAL"), "{s}");
    }
}

#[test]
fn names_are_case_insensitive_flags_are_not() {
    assert_eq!(
        protocols(&ok("normal:-vers-tls1.0")),
        "TLS1.3, TLS1.2, TLS1.1, DTLS1.2, DTLS1.0"
    );
    assert_eq!(ok("Secure256"), ok("SECURE192"));
    assert_eq!(
        ok("none:+vers-tls1.3:+aes-128-gcm:+aead:+group-x25519:+sign-all")
            .tls13_suites()
            .len(),
        1
    );
    assert_eq!(syntax_tail("NORMAL:%Compat"), "%Compat");
    assert!(ok("NORMAL:%COMPAT").flags().dumbfw);
}

#[test]
fn levels_replace_then_append() {
    let p = ok("SECURE256:+SECURE128");
    assert_eq!(
        ciphers(&p),
        "AES-256-GCM, CHACHA20-POLY1305, AES-256-CBC, AES-256-CCM, AES-128-GCM, AES-128-CBC, AES-128-CCM"
    );
    assert_eq!(names(p.macs(), |m| m.name().to_string()), "AEAD, SHA1");
    assert_eq!(
        groups(&p),
        "SECP384R1, SECP521R1, FFDHE8192, SECP256R1, X25519, X448, FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144"
    );
    // Lower profile wins; positive levels beat the negative "weak" ones.
    assert_eq!(p.profile(), Some(Profile::Low));
    assert_eq!(p.security_level(), Some(SecurityLevel::Low));
    assert_eq!(
        ok("NORMAL:+SECURE192").security_level(),
        Some(SecurityLevel::High)
    );
    assert_eq!(
        ok("SECURE192:+NORMAL").security_level(),
        Some(SecurityLevel::High)
    );
    // A bare level after the first appends too; after NONE it appends.
    assert_eq!(ok("SECURE192:NORMAL"), ok("SECURE192:+NORMAL"));
    assert_eq!(
        ciphers(&ok("NONE:SECURE192:+VERS-TLS1.3")),
        "AES-256-GCM, CHACHA20-POLY1305, AES-256-CBC, AES-256-CCM"
    );
    // "+LEVEL" first does not count as the first level: a later bare one replaces.
    assert_eq!(ciphers(&ok("+SECURE192:NORMAL")), ciphers(&ok("NORMAL")));
    // SUITEB replaces the protocols: TLS 1.2 only.
    assert_eq!(protocols(&ok("SUITEB128")), "TLS1.2");
    assert_eq!(ok("SUITEB128").tls13_loss(), Some(Tls13Loss::NotEnabled));
    assert_eq!(ok("LEGACY").profile(), None);
    assert_eq!(ok("LEGACY").security_level(), Some(SecurityLevel::VeryWeak));
    assert_eq!(
        ciphers(&ok("PERFORMANCE")),
        "AES-128-GCM, AES-256-GCM, CHACHA20-POLY1305, AES-128-CCM, AES-256-CCM, AES-128-CBC, AES-256-CBC"
    );
    assert_eq!(kx(&ok("PFS")), "ECDHE-ECDSA, ECDHE-RSA, DHE-RSA");
    assert!(ok("PFS").flags().no_tickets_tls12);
    // Every level resets the ticket flags to its own.
    assert!(!ok("NORMAL:%NO_TICKETS:+SECURE128").flags().no_tickets);
    assert!(ok("NORMAL:+SECURE128:%NO_TICKETS").flags().no_tickets);
    assert!(!ok("PFS:+NORMAL").flags().no_tickets_tls12);
    assert_eq!(syntax_tail("NORMAL:NONE"), "NONE");
    assert_eq!(syntax_tail("NORMAL:!NORMAL"), "!NORMAL");
}

#[test]
fn bulk_all_forms_clear_or_remove_members() {
    // -X-ALL clears the whole list, whatever it held.
    assert!(
        ok("NORMAL:+GROUP-GC256B:-GROUP-ALL:+PSK")
            .groups()
            .is_empty()
    );
    assert_eq!(
        groups(&ok("NORMAL:+GROUP-GC256B:-GROUP-EC-ALL")),
        "FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192, GC256B"
    );
    assert_eq!(
        groups(&ok("NORMAL:-GROUP-DH-ALL")),
        "SECP256R1, SECP384R1, SECP521R1, X25519, X448"
    );
    assert_eq!(
        protocols(&ok("NORMAL:-VERS-TLS-ALL:+VERS-TLS1.3")),
        "DTLS1.2, DTLS1.0, TLS1.3"
    );
    assert_eq!(
        protocols(&ok("NORMAL:+VERS-DTLS0.9:-VERS-DTLS-ALL")),
        "TLS1.3, TLS1.2, TLS1.1, TLS1.0"
    );
    assert_eq!(protocols(&ok("NORMAL:-VERS-DTLS-ALL:+VERS-DTLS-ALL")), ALL6);
    // +X-ALL adds the NORMAL set (no hybrid group), prefix matching included.
    assert_eq!(groups(&ok("NORMAL:-GROUP-ALL:+GROUP-ALLX")), NORMAL_GROUPS);
    assert_eq!(groups(&ok("NORMAL:-GROUP-ALL:+CURVE-ALL")), NORMAL_GROUPS);
    assert_eq!(
        names(
            ok("NONE:+VERS-TLS1.2:+MAC-ALL:+CIPHER-ALL:+KX-ALL:+SIGN-ALL").macs(),
            |m| m.name().to_string()
        ),
        "SHA1, AEAD"
    );
    assert_eq!(
        kx(&ok("NORMAL:-KX-ALL:+KX-ALL")),
        "ECDHE-ECDSA, ECDHE-RSA, RSA, DHE-RSA"
    );
    assert_eq!(
        groups(&ok("NORMAL:+GOST")),
        alloc::format!("{NORMAL_GROUPS}, GC256A, GC256B, GC256C, GC256D, GC512A, GC512B, GC512C")
    );
    assert!(
        signs(&ok("NORMAL:+SIGN-GOST-ALL"))
            .ends_with("ECDSA-SHA1, GOSTR341012-256, GOSTR341012-512")
    );
    assert_eq!(
        err("NORMAL:-MAC-GOST-ALL"),
        PriorityError::NoPriorities(NoPriorities::NoSuites)
    );
    assert_eq!(
        err("NORMAL:-MAC-ALLX"),
        PriorityError::NoPriorities(NoPriorities::NoSuites)
    );
    let p = ok("NORMAL:-CTYPE-ALL");
    assert!(p.client_cert_types().is_empty() && p.server_cert_types().is_empty());
    assert_eq!(
        ok("NORMAL:+CTYPE-SRV-ALL").server_cert_types(),
        [CertType::X509, CertType::RawPk]
    );
    assert_eq!(
        ok("NORMAL:+CTYPE-SRV-ALL").client_cert_types(),
        [CertType::X509]
    );
    assert_eq!(
        syntax_tail("NORMAL:+CTYPE-CLI-OPENPGP"),
        "+CTYPE-CLI-OPENPGP"
    );
}

#[test]
fn curves_and_unsupported_groups() {
    let p = ok("NORMAL:-GROUP-ALL:+CURVE-ED25519:+PSK");
    assert_eq!(groups(&p), "(null)");
    assert!(p.wire_groups().is_empty());
    // Kept for TLS 1.3 only by the PSK exchange.
    assert!(p.tls13_enabled());
    assert_eq!(
        ok("NORMAL:-GROUP-ALL:+GROUP-GC256A").tls13_loss(),
        Some(Tls13Loss::NoGroups)
    );
    assert_eq!(ok("NORMAL:-GROUP-ALL:+GROUP-GC256B").tls13_loss(), None);
    assert_eq!(syntax_tail("NORMAL:+CURVE-GC256B"), "+CURVE-GC256B");
    assert_eq!(syntax_tail("NORMAL:+CURVE-FFDHE2048"), "+CURVE-FFDHE2048");
    assert_eq!(ok("NORMAL:+CURVE-X25519"), ok("NORMAL"));
}

#[test]
fn tls13_is_dropped_as_gnutls_drops_it() {
    let loss = |s: &str| ok(s).tls13_loss();
    assert_eq!(loss("NORMAL:-VERS-TLS1.3"), Some(Tls13Loss::NotEnabled));
    assert_eq!(loss("NORMAL:%NO_EXTENSIONS"), Some(Tls13Loss::NoExtensions));
    assert_eq!(loss("NORMAL:+NULL"), Some(Tls13Loss::NullCipher));
    assert_eq!(loss("NORMAL:+SRP"), Some(Tls13Loss::Srp));
    assert_eq!(loss("NORMAL:+RSA-PSK"), Some(Tls13Loss::RsaPsk));
    assert_eq!(loss("NORMAL:-SIGN-ALL"), Some(Tls13Loss::NoSignatures));
    assert_eq!(
        protocols(&ok("NORMAL:-SIGN-ALL")),
        "TLS1.1, TLS1.0, DTLS1.0"
    );
    assert_eq!(loss("NORMAL:-GROUP-ALL"), Some(Tls13Loss::NoGroups));
    assert_eq!(
        loss("NORMAL:-VERS-TLS1.2:-VERS-DTLS-ALL"),
        Some(Tls13Loss::OlderWithoutTls12)
    );
    assert_eq!(
        protocols(&ok("NORMAL:-VERS-TLS1.2:-VERS-DTLS-ALL")),
        "TLS1.1, TLS1.0"
    );
    assert_eq!(
        loss("NORMAL:-CIPHER-ALL:+AES-256-CCM:+AES-128-CBC"),
        Some(Tls13Loss::NoSuites)
    );
    assert_eq!(loss("NORMAL:-AEAD"), Some(Tls13Loss::NoSuites));
    assert_eq!(loss("NORMAL:-GROUP-ALL:+PSK"), None);
    // GnuTLS accepts, qtls refuses with the detail.
    let e = ResolvedPriority::parse("NORMAL:-VERS-TLS1.3", None).unwrap_err();
    assert_eq!(
        e,
        PriorityError::NoPriorities(NoPriorities::Tls13Disabled(Tls13Loss::NotEnabled))
    );
    assert_eq!(e.code(), GNUTLS_E_NO_PRIORITIES_WERE_SET);
    assert_eq!(
        e.to_string(),
        "No or insufficient priorities were set. (qtls needs TLS1.3, which this priority string \
         disables: VERS-TLS1.3 is not enabled)"
    );
    // TLS 1.3 only: the key exchange list empties unless PSK is in it.
    assert!(
        ok("NORMAL:-VERS-ALL:+VERS-TLS1.3")
            .key_exchanges()
            .is_empty()
    );
    assert_eq!(
        kx(&ok("NORMAL:-VERS-ALL:+VERS-TLS1.3:+PSK")),
        "ECDHE-ECDSA, ECDHE-RSA, RSA, DHE-RSA, PSK"
    );
    assert_eq!(
        kx(&ok("NORMAL:-VERS-TLS-ALL:+VERS-TLS1.3")),
        "ECDHE-ECDSA, ECDHE-RSA, RSA, DHE-RSA"
    );
    // A TLS 1.3 that nothing else breaks may still be left with no protocol.
    let p = ok("NORMAL:-VERS-TLS-ALL:+VERS-TLS1.3:-VERS-DTLS-ALL:-GROUP-ALL");
    assert!(p.protocols().is_empty());
    assert_eq!(p.tls13_loss(), Some(Tls13Loss::NoGroups));
}

#[test]
fn the_128_element_limit() {
    let mut s = String::from("NORMAL");
    for _ in 0..126 {
        s.push_str(":+AES-128-GCM");
    }
    assert_eq!(syntax_tail(&(s.clone() + ":+FOO")), "+FOO");
    // The 129th element is never read.
    assert_eq!(ok(&(s.clone() + ":+AES-128-GCM:+FOO")), ok("NORMAL"));
    assert_eq!(ok(&(s + ":+AES-128-GCM:-VERS-ALL")), ok("NORMAL"));
    assert_eq!(eval::break_list("a: b:\tc:").len(), 4);
    assert_eq!(eval::break_list("a: b:\tc:"), ["a", "b", "\tc", ""]);
}

#[test]
fn system_keywords() {
    let cfg = SystemConfig::parse(
        "[priorities]\nSYSTEM = NORMAL:-VERS-TLS1.0:-VERS-TLS1.1\nQEMU=SECURE192:+FOO\n",
    )
    .unwrap();
    let p = ResolvedPriority::parse_gnutls("@SYSTEM", Some(&cfg)).unwrap();
    assert_eq!(protocols(&p), "TLS1.3, TLS1.2, DTLS1.2, DTLS1.0");
    assert_eq!(
        ResolvedPriority::parse_gnutls("@SYSTEM:+FOO", Some(&cfg)),
        Err(PriorityError::InvalidRequest { position: 0 })
    );
    // The first keyword found wins, even if its value is broken.
    assert_eq!(
        ResolvedPriority::parse_gnutls("@QEMU,SYSTEM", Some(&cfg)),
        Err(PriorityError::InvalidRequest { position: 0 })
    );
    assert_eq!(
        ResolvedPriority::parse_gnutls("@NOPE,SYSTEM", Some(&cfg)).unwrap(),
        p
    );
    assert_eq!(
        ResolvedPriority::parse_gnutls("@SYSTEM:-VERS-ALL", Some(&cfg)),
        Err(NO_PRIO)
    );
}

#[test]
fn system_overrides_disable_algorithms() {
    let cfg = SystemConfig::parse(
        "[overrides]\ntls-disabled-cipher = AES-256-GCM\ntls-disabled-group = X25519\n\
         disabled-version = TLS1.3\n",
    )
    .unwrap();
    let p = ResolvedPriority::parse_gnutls("NORMAL", Some(&cfg)).unwrap();
    assert!(!p.ciphers().contains(&Cipher::Aes256Gcm));
    assert!(!p.groups().contains(&Group::X25519));
    assert_eq!(p.tls13_loss(), Some(Tls13Loss::DisabledBySystem));
    let cfg =
        SystemConfig::parse("[overrides]\ninsecure-hash = SHA1\ninsecure-sig = RSA-PSS-SHA256\n")
            .unwrap();
    let p = ResolvedPriority::parse_gnutls("NORMAL", Some(&cfg)).unwrap();
    let schemes = p.tls13_signature_schemes();
    assert!(!schemes.contains(&SignatureScheme::RSA_PKCS1_SHA1));
    assert!(!schemes.contains(&SignatureScheme::RSA_PSS_PSS_SHA256));
    assert!(schemes.contains(&SignatureScheme::RSA_PSS_RSAE_SHA256));
}

/// Wire lists of ClientHellos GnuTLS 3.7.9's gnutls-cli sent.
#[test]
fn wire_order_matches_gnutls_client_hellos() {
    let g = |s: &str| codes(&ok(s).tls13_groups(), |g| g.0);
    assert_eq!(
        g("NORMAL"),
        [
            0x17, 0x18, 0x19, 0x1d, 0x1e, 0x100, 0x101, 0x102, 0x103, 0x104
        ]
    );
    assert_eq!(g("SECURE192"), [0x18, 0x19, 0x104]);
    // TLS 1.3 only: the first listed group's kind comes first.
    assert_eq!(
        g("NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-FFDHE2048:+GROUP-X25519"),
        [0x100, 0x1d]
    );
    assert_eq!(
        g("NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-X448:+GROUP-FFDHE3072:+GROUP-SECP384R1"),
        [0x1e, 0x18, 0x101]
    );
    // With TLS 1.2 suites, the first suite's key exchange decides.
    assert_eq!(
        g("NORMAL:-KX-ALL:+DHE-RSA:+ECDHE-RSA"),
        [
            0x100, 0x101, 0x102, 0x103, 0x104, 0x17, 0x18, 0x19, 0x1d, 0x1e
        ]
    );
    assert_eq!(
        g(
            "NONE:+VERS-TLS1.3:+AES-128-GCM:+AEAD:+SIGN-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-FFDHE2048"
        ),
        [0x1d, 0x17, 0x100]
    );
    // GOST groups have no TLS 1.3 code point here.
    assert_eq!(g("NORMAL:+GROUP-GC256B"), g("NORMAL"));
    // Hybrids go first (3.8.13: added with the first TLS 1.3 suite).
    assert_eq!(
        g("NORMAL:-GROUP-ALL:+GROUP-FFDHE2048:+GROUP-X25519:+GROUP-X25519-MLKEM768"),
        [0x11ec, 0x1d, 0x100]
    );
    assert_eq!(
        codes(&key_share_groups(&ok("NORMAL").tls13_groups()), |g| g.0),
        [0x17, 0x1d]
    );
    assert_eq!(
        codes(&key_share_groups(&ok("SECURE192").tls13_groups()), |g| g.0),
        [0x18, 0x104]
    );
    assert_eq!(key_share_groups(&[]), []);
    assert_eq!(key_share_groups(&[NG::X25519]), [NG::X25519]);
}

#[test]
fn signature_schemes_match_gnutls_client_hellos() {
    let s = |p: &str| codes(&ok(p).tls13_signature_schemes(), |s| s.0);
    let normal_379 = [
        0x0401, 0x0809, 0x0804, 0x0403, 0x0807, 0x0501, 0x080a, 0x0805, 0x0503, 0x0808, 0x0601,
        0x080b, 0x0806, 0x0603, 0x0201, 0x0203,
    ];
    let mut normal = vec![0x0904, 0x0905, 0x0906];
    normal.extend(normal_379);
    assert_eq!(s("NORMAL"), normal);
    assert_eq!(
        s("NORMAL:-SIGN-ML-DSA-44:-SIGN-ML-DSA-65:-SIGN-ML-DSA-87"),
        normal_379
    );
    assert_eq!(
        s("SECURE192"),
        [
            0x0501, 0x080a, 0x0805, 0x0503, 0x0808, 0x0601, 0x080b, 0x0806, 0x0603
        ]
    );
    assert_eq!(
        s(
            "NORMAL:-VERS-ALL:+VERS-TLS1.3:-SIGN-ALL:+SIGN-ECDSA-SHA256:+SIGN-RSA-PSS-RSAE-SHA256:+SIGN-ECDSA-SECP256R1-SHA256:+SIGN-RSA-SHA1"
        ),
        [0x0804, 0x0403, 0x0201]
    );
}

#[test]
fn psk_modes_match_gnutls_client_hellos() {
    let m = |s: &str| ok(s).psk_modes();
    assert_eq!(m("NORMAL"), [PM::PSK_DHE_KE, PM::PSK_KE]);
    assert_eq!(m("NORMAL:%NO_TICKETS"), []);
    assert_eq!(m("NORMAL:+PSK"), [PM::PSK_KE]);
    assert_eq!(
        m("NORMAL:+ECDHE-PSK:+DHE-PSK:+PSK"),
        [PM::PSK_DHE_KE, PM::PSK_KE]
    );
    assert_eq!(m("NORMAL:+PSK:+ECDHE-PSK"), [PM::PSK_KE, PM::PSK_DHE_KE]);
    assert_eq!(
        m("NORMAL:-VERS-ALL:+VERS-TLS1.3:+DHE-PSK"),
        [PM::PSK_DHE_KE]
    );
    assert!(ok("NORMAL:+DHE-PSK").external_psk_enabled());
    assert!(!ok("NORMAL").external_psk_enabled());
}

#[test]
fn suite_order_follows_the_cipher_list() {
    let p = ok("NORMAL:-CIPHER-ALL:+AES-128-CCM-8:+CHACHA20-POLY1305:+AES-128-CBC");
    assert_eq!(
        p.tls13_suites(),
        [
            CS::TLS_AES_128_CCM_8_SHA256,
            CS::TLS_CHACHA20_POLY1305_SHA256
        ]
    );
    assert_eq!(
        ok("PERFORMANCE").tls13_suites(),
        [
            CS::TLS_AES_128_GCM_SHA256,
            CS::TLS_AES_256_GCM_SHA384,
            CS::TLS_CHACHA20_POLY1305_SHA256,
            CS::TLS_AES_128_CCM_SHA256
        ]
    );
    assert_eq!(
        ok("SECURE192").tls13_suites(),
        [CS::TLS_AES_256_GCM_SHA384, CS::TLS_CHACHA20_POLY1305_SHA256]
    );
}

#[test]
fn flags_reach_the_resolved_value() {
    let f = *ok("NORMAL:%SERVER_PRECEDENCE:%NO_TICKETS:%DISABLE_TLS13_COMPAT_MODE:%DISABLE_WILDCARDS:%ALLOW_SMALL_RECORDS:%NO_SHUFFLE_EXTENSIONS:%VERIFY_ALLOW_SIGN_WITH_SHA1:%VERIFY_ALLOW_BROKEN").flags();
    assert!(f.server_precedence && f.no_tickets && !f.tls13_compat_mode && f.disable_wildcards);
    assert!(f.allow_small_records && f.no_shuffle_extensions);
    assert!(f.verify_allow_sign_with_sha1 && f.verify_allow_broken);
    assert_eq!(ok("NORMAL:%PROFILE_HIGH").profile(), Some(Profile::High));
    assert_eq!(
        ok("NORMAL:%PROFILE_HIGH").security_level(),
        Some(SecurityLevel::High)
    );
    assert_eq!(ok("SECURE192:%PROFILE_LOW").profile(), Some(Profile::Low));
    assert_eq!(
        ok("NORMAL:%PROFILE_SUITEB192").profile(),
        Some(Profile::SuiteB128)
    );
    assert_eq!(
        ok("NORMAL:%UNSAFE_RENEGOTIATION").flags().renegotiation,
        Renegotiation::Unsafe
    );
    assert!(
        ok("NORMAL:%LATEST_RECORD_VERSION")
            .flags()
            .latest_record_version
    );
    assert!(
        !ok("NORMAL:%LATEST_RECORD_VERSION:%SSL3_RECORD_VERSION")
            .flags()
            .latest_record_version
    );
}

#[test]
fn post_quantum_names_are_known() {
    let p = ok(
        "NORMAL:-SIGN-ML-DSA-65:-SIGN-ML-DSA-44:-SIGN-ML-DSA-87:-GROUP-X25519-MLKEM768:-GROUP-SECP256R1-MLKEM768:-GROUP-SECP384R1-MLKEM1024",
    );
    assert_eq!(signs(&p), NORMAL_SIGNS_379);
    assert_eq!(groups(&p), NORMAL_GROUPS);
    let p = ok("NORMAL:+GROUP-MLKEM768:+GROUP-SECP384R1-MLKEM1024");
    assert_eq!(
        groups(&p),
        alloc::format!("{NORMAL_GROUPS}, MLKEM768, SECP384R1-MLKEM1024")
    );
    // Standalone ML-KEM never reaches the wire.
    assert_eq!(p.tls13_groups().first(), Some(&NG::SECP384R1MLKEM1024));
    assert!(!p.tls13_groups().contains(&NG::MLKEM768));
    assert_eq!(
        ok("NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-MLKEM768").tls13_loss(),
        Some(Tls13Loss::NoGroups)
    );
    assert_eq!(
        syntax_tail("NORMAL:+GROUP-X25519-KYBER768"),
        "+GROUP-X25519-KYBER768"
    );
}

#[test]
fn nul_ends_the_string_as_in_c() {
    assert_eq!(ok("NORMAL\0:+FOO"), ok("NORMAL"));
}

#[test]
fn list_output_is_gnutls_cli_format() {
    let out = list_priority(
        "NORMAL:-VERS-ALL:+VERS-TLS1.3:-SIGN-ALL:+SIGN-RSA-PSS-RSAE-SHA256",
        None,
    );
    assert_eq!(out.exit_code, 0);
    assert!(out.stderr.is_empty());
    assert_eq!(
        out.stdout,
        "Cipher suites for NORMAL:-VERS-ALL:+VERS-TLS1.3:-SIGN-ALL:+SIGN-RSA-PSS-RSAE-SHA256\n\
         TLS_AES_256_GCM_SHA384                            \t0x13, 0x02\tTLS1.3\n\
         TLS_CHACHA20_POLY1305_SHA256                      \t0x13, 0x03\tTLS1.3\n\
         TLS_AES_128_GCM_SHA256                            \t0x13, 0x01\tTLS1.3\n\
         TLS_AES_128_CCM_SHA256                            \t0x13, 0x04\tTLS1.3\n\
         \n\
         Protocols: VERS-TLS1.3\n\
         Ciphers: AES-256-GCM, CHACHA20-POLY1305, AES-256-CCM, AES-256-CBC, AES-128-GCM, AES-128-CCM, AES-128-CBC\n\
         MACs: SHA1, AEAD\n\
         Key Exchange Algorithms: none\n\
         Groups: GROUP-SECP256R1, GROUP-SECP384R1, GROUP-SECP521R1, GROUP-X25519, GROUP-X448, GROUP-FFDHE2048, GROUP-FFDHE3072, GROUP-FFDHE4096, GROUP-FFDHE6144, GROUP-FFDHE8192\n\
         PK-signatures: SIGN-RSA-PSS-RSAE-SHA256\n"
    );
    let out = list_priority("NORMAL:  -VERS-TLS1.0:+FOO", None);
    assert_eq!(
        (out.exit_code, out.stderr.as_slice()),
        (1, &b"Syntax error at: 0:+FOO\n"[..])
    );
    assert_eq!(out.stdout, "Cipher suites for NORMAL:  -VERS-TLS1.0:+FOO\n");
    let out = list_priority("NONE", None);
    assert_eq!(
        (out.exit_code, out.stderr.as_slice()),
        (
            1,
            &b"Error in priorities: No or insufficient priorities were set.\n"[..]
        )
    );
    // Accepted by GnuTLS, unusable by qtls: listed, with a note.
    let out = list_priority("NORMAL:-VERS-TLS1.3", None);
    assert_eq!(out.exit_code, 0);
    assert!(!out.stdout.contains("\tTLS1.3\n"));
    assert!(out.stdout.contains(
        "Protocols: VERS-TLS1.2, VERS-TLS1.1, VERS-TLS1.0, VERS-DTLS1.2, VERS-DTLS1.0\n"
    ));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("qtls: this priority string is unusable: No or insufficient")
    );
    let out = list_priority("NORMAL:-GROUP-ALL:+CURVE-Ed448:+PSK", None);
    assert!(
        out.stdout.contains("\nGroups: GROUP-(null)\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn supported_listing() {
    let s = list_supported(&[NG::X25519, NG::X25519MLKEM768]);
    assert!(s.starts_with("Cipher suites:\nTLS_AES_256_GCM_SHA384 "));
    assert!(s.contains("\nProtocols: VERS-TLS1.3\nCiphers: AES-128-GCM, AES-256-GCM, AES-128-CCM, AES-128-CCM-8, CHACHA20-POLY1305\nMACs: AEAD\n"));
    assert!(s.contains("\nGroups: GROUP-X25519, GROUP-X25519-MLKEM768\n"));
    assert!(s.contains("SIGN-ML-DSA-87\n"));
    assert!(!s.contains("Ed448"));
}

#[test]
fn qemu_priority_strings_and_messages() {
    assert_eq!(qemu_priority(None, QemuCredsType::X509), "NORMAL");
    assert_eq!(
        qemu_priority(None, QemuCredsType::Psk),
        "NORMAL:+ECDHE-PSK:+DHE-PSK:+PSK"
    );
    assert_eq!(
        qemu_priority(Some("@QEMU,SYSTEM"), QemuCredsType::Anon),
        "@QEMU,SYSTEM:+ANON-DH"
    );
    let full = qemu_priority(Some("NORMAL:+FOO"), QemuCredsType::Psk);
    let e = ResolvedPriority::parse(&full, None).unwrap_err();
    assert_eq!(
        qemu_session_priority_error(&full, &e),
        "Unable to set TLS session priority NORMAL:+FOO:+ECDHE-PSK:+DHE-PSK:+PSK: The request is invalid."
    );
    let e = ResolvedPriority::parse("NONE", None).unwrap_err();
    assert_eq!(
        qemu_session_priority_error("NONE", &e),
        "Unable to set TLS session priority NONE: No or insufficient priorities were set."
    );
    let p = ResolvedPriority::parse(&qemu_priority(None, QemuCredsType::Psk), None).unwrap();
    assert_eq!(p.psk_modes(), [PM::PSK_DHE_KE, PM::PSK_KE]);
}

#[cfg(feature = "std")]
mod with_provider {
    use super::*;
    use crate::provider::aws_lc::default_provider;

    #[test]
    fn normal_becomes_a_gnutls_like_policy() {
        let provider = default_provider();
        let base = Policy::default_for(provider.as_ref());
        let pol = ok("NORMAL").to_policy(&base, provider.as_ref()).unwrap();
        assert_eq!(
            pol.suites,
            [
                CS::TLS_AES_256_GCM_SHA384,
                CS::TLS_CHACHA20_POLY1305_SHA256,
                CS::TLS_AES_128_GCM_SHA256,
                CS::TLS_AES_128_CCM_SHA256
            ]
        );
        // X448 is not implemented by the provider.
        assert_eq!(
            codes(&pol.groups, |g| g.0),
            [0x17, 0x18, 0x19, 0x1d, 0x100, 0x101, 0x102, 0x103, 0x104]
        );
        assert!(!pol.signature_schemes.contains(&SignatureScheme::ED448));
        assert_eq!(
            pol.signature_schemes.first(),
            Some(&SignatureScheme::MLDSA44)
        );
        assert_eq!(pol.signature_schemes.len(), 18);
        assert_eq!(pol.psk_modes, [PM::PSK_DHE_KE, PM::PSK_KE]);
        assert!(pol.middlebox_compat && !pol.server_precedence);
        assert_eq!(pol.cert_signature_schemes, None);
        assert_eq!(pol.max_chain_len, base.max_chain_len);

        let pol = ok("SECURE192:%SERVER_PRECEDENCE:%DISABLE_TLS13_COMPAT_MODE:+GROUP-X25519-MLKEM768:%NO_TICKETS")
            .to_policy(&base, provider.as_ref())
            .unwrap();
        assert_eq!(codes(&pol.groups, |g| g.0), [0x11ec, 0x18, 0x19, 0x104]);
        assert!(pol.server_precedence && !pol.middlebox_compat);
        assert_eq!(pol.psk_modes, []);
    }

    #[test]
    fn unusable_strings_fail_with_qtls_details() {
        let provider = default_provider();
        let base = Policy::default_for(provider.as_ref());
        let e = ok("NORMAL:-GROUP-ALL:+GROUP-X448")
            .to_policy(&base, provider.as_ref())
            .unwrap_err();
        assert_eq!(e, PriorityError::NoPriorities(NoPriorities::NoUsableGroups));
        // PSK alone needs no group.
        let pol = ok("NORMAL:-GROUP-ALL:+PSK")
            .to_policy(&base, provider.as_ref())
            .unwrap();
        assert!(pol.groups.is_empty());
        assert_eq!(pol.psk_modes, [PM::PSK_KE]);
        let e = ok("NORMAL:+NULL")
            .to_policy(&base, provider.as_ref())
            .unwrap_err();
        assert_eq!(
            e,
            PriorityError::NoPriorities(NoPriorities::Tls13Disabled(Tls13Loss::NullCipher))
        );
    }
}

/// Everything `to_priority_string` keeps (not the security level, which
/// only levels set, nor why TLS 1.3 went).
fn same_resolution(a: &ResolvedPriority, b: &ResolvedPriority) -> bool {
    a.protocols() == b.protocols()
        && a.ciphers() == b.ciphers()
        && a.macs() == b.macs()
        && a.key_exchanges() == b.key_exchanges()
        && a.groups() == b.groups()
        && a.signatures() == b.signatures()
        && a.client_cert_types() == b.client_cert_types()
        && a.server_cert_types() == b.server_cert_types()
        && a.tls13_suites() == b.tls13_suites()
        // GnuTLS builds the wire list before it drops TLS 1.3, so a string
        // that loses TLS 1.3 may list more groups than its canonical form.
        && (!a.tls13_enabled() || a.wire_groups() == b.wire_groups())
        && a.flags() == b.flags()
        && a.profile() == b.profile()
        && a.tls13_enabled() == b.tls13_enabled()
}

#[test]
fn canonical_strings_re_resolve_identically() {
    for s in [
        "NORMAL",
        "SECURE256:+SECURE128:%COMPAT",
        "NORMAL:-VERS-ALL:+VERS-TLS1.3:+PSK:%SERVER_PRECEDENCE",
        "NORMAL:+NULL:+CTYPE-SRV-ALL",
        "NORMAL:-SIGN-ALL",
        "NORMAL:-GROUP-ALL:+CURVE-Ed448:+CURVE-Ed25519:+PSK",
        "PFS:%UNSAFE_RENEGOTIATION:%DISABLE_TLS13_COMPAT_MODE:%PROFILE_FUTURE",
        "LEGACY:+GROUP-X25519-MLKEM768:-CTYPE-ALL",
    ] {
        let p = ok(s);
        let c = p.to_priority_string().unwrap();
        assert!(same_resolution(&p, &ok(&c)), "{s} -> {c}");
    }
    assert_eq!(
        ok("NONE:+VERS-TLS1.3:+AES-128-GCM:+AEAD:+GROUP-X25519:+SIGN-eddsa-ed25519:%NO_TICKETS")
            .to_priority_string()
            .as_deref(),
        Some("NONE:+VERS-TLS1.3:+AES-128-GCM:+AEAD:+GROUP-X25519:+SIGN-EdDSA-Ed25519:%NO_TICKETS")
    );
    assert_eq!(ok("SUITEB192").to_priority_string(), None);
    // Every cipher, MAC and signature: more than 128 elements.
    let mut all = String::from("NORMAL");
    for n in Cipher::ALL
        .iter()
        .map(|c| c.name())
        .chain(Mac::ALL.iter().map(|m| m.name()))
    {
        all.push_str(":+");
        all.push_str(n);
    }
    for sg in Sign::all() {
        all.push_str(":+SIGN-");
        all.push_str(sg.name());
    }
    assert_eq!(eval::break_list(&all).len(), 115);
    assert_eq!(ok(&all).to_priority_string(), None);
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    const ITEMS: &[&str] = &[
        "NORMAL",
        "+SECURE128",
        "SECURE192",
        "+PERFORMANCE",
        "+SUITEB128",
        "LEGACY",
        "PFS",
        "NONE",
        "+AES-128-GCM",
        "-AES-256-GCM",
        "+AES-128-CCM-8",
        "-CHACHA20-POLY1305",
        "+NULL",
        "+CAMELLIA-128-GCM",
        "+AEAD",
        "-AEAD",
        "+SHA256",
        "-SHA1",
        "+PSK",
        "+DHE-PSK",
        "-RSA",
        "+SRP",
        "+RSA-PSK",
        "+ANON-ECDH",
        "+VERS-TLS1.2",
        "-VERS-TLS1.3",
        "+VERS-TLS1.3",
        "-VERS-TLS-ALL",
        "+VERS-DTLS-ALL",
        "-VERS-ALL",
        "+GROUP-X25519",
        "-GROUP-ALL",
        "+GROUP-X25519-MLKEM768",
        "+GROUP-GC256A",
        "+CURVE-Ed25519",
        "-GROUP-EC-ALL",
        "+GROUP-DH-ALL",
        "+SIGN-ML-DSA-65",
        "-SIGN-ALL",
        "+SIGN-ECDSA-SHA256",
        "+SIGN-RSA-PSS-RSAE-SHA256",
        "+CTYPE-ALL",
        "-CTYPE-CLI-ALL",
        "+GOST",
        "-KX-ALL",
        "+MAC-ALL",
        "-CIPHER-ALL",
        "+COMP-NULL",
        "%COMPAT",
        "%NO_TICKETS",
        "%SERVER_PRECEDENCE",
        "%NO_EXTENSIONS",
        "%PROFILE_HIGH",
        "%SAFE_RENEGOTIATION",
        "+FOO",
        "%compat",
        "",
        " +AES-128-GCM",
    ];

    proptest! {
        #[test]
        fn resolution_round_trips(idx in proptest::collection::vec(0..ITEMS.len(), 1..12), sep in "[: ]{0,2}") {
            let s = idx.iter().filter_map(|i| ITEMS.get(*i)).copied().collect::<Vec<_>>().join(&alloc::format!(":{sep}"));
            match ResolvedPriority::parse_gnutls(&s, None) {
                Ok(p) => {
                    if let Some(c) = p.to_priority_string() {
                        let q = ResolvedPriority::parse_gnutls(&c, None);
                        prop_assert!(q.as_ref().is_ok_and(|q| same_resolution(&p, q)), "{} -> {} -> {:?}", s, c, q);
                    }
                }
                Err(PriorityError::InvalidRequest { position }) => prop_assert!(position <= s.len()),
                Err(_) => {}
            }
        }
    }
}

/// The fuzz target's invariants over the differential corpus.
#[test]
fn corpus_strings_keep_the_fuzz_invariants() {
    let corpus = include_str!("../../interop/priority-strings.txt");
    let mut checked = 0usize;
    for line in corpus
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        // The string field of typed lines; escapes are left as they are.
        let s = match line.split('\t').collect::<Vec<_>>().as_slice() {
            [_, s, ..] => *s,
            _ => line,
        };
        match ResolvedPriority::parse_gnutls(s, None) {
            Ok(p) => {
                if let Some(c) = p.to_priority_string() {
                    let q = ResolvedPriority::parse_gnutls(&c, None).unwrap();
                    assert!(same_resolution(&p, &q), "{s} -> {c}");
                    assert_eq!(q.to_priority_string(), Some(c));
                    checked += 1;
                }
                assert_eq!(
                    ResolvedPriority::parse(s, None).is_ok(),
                    p.tls13_loss().is_none()
                );
            }
            Err(PriorityError::InvalidRequest { position }) => assert!(position <= s.len(), "{s}"),
            Err(_) => {}
        }
    }
    assert!(checked > 500, "{checked}");
}
