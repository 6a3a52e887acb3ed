//! The `%` flags of a priority string (GnuTLS `lib/priority_options.gperf`):
//! exact, case-sensitive names, and the settings they change.

use super::levels::Profile;

/// Safe-renegotiation mode (TLS 1.2 and earlier only; kept for fidelity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renegotiation {
    /// `%UNSAFE_RENEGOTIATION`
    Unsafe,
    /// `%PARTIAL_RENEGOTIATION` (the default)
    Partial,
    /// `%SAFE_RENEGOTIATION`
    Safe,
    /// `%DISABLE_SAFE_RENEGOTIATION`
    Disabled,
}

/// The settings `%` flags (and levels) change. Most concern TLS 1.2 and
/// earlier and are kept only so that a string means what it means to GnuTLS;
/// the TLS 1.3 ones are used by [`super::ResolvedPriority::to_policy`] and
/// by the session and verification layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flags {
    /// `%SERVER_PRECEDENCE`: the server's order chooses suites and groups.
    pub server_precedence: bool,
    /// `%NO_TICKETS`: no session tickets (TLS 1.3 NewSessionTicket).
    pub no_tickets: bool,
    /// `%NO_TICKETS_TLS12` (and level PFS): no TLS 1.2 tickets.
    pub no_tickets_tls12: bool,
    /// RFC 8446 §D.4 middlebox compatibility; cleared by
    /// `%DISABLE_TLS13_COMPAT_MODE`.
    pub tls13_compat_mode: bool,
    /// `%NO_EXTENSIONS`: no hello extensions (drops TLS 1.3).
    pub no_extensions: bool,
    /// `%ALLOW_SMALL_RECORDS` (and `%COMPAT`): accept a peer record size
    /// limit below 512.
    pub allow_small_records: bool,
    /// `%COMPAT`: accept records larger than the limit.
    pub allow_large_records: bool,
    /// `%NO_SHUFFLE_EXTENSIONS`: keep ClientHello extensions in fixed order.
    pub no_shuffle_extensions: bool,
    /// `%DISABLE_WILDCARDS`: no wildcard matching in host names.
    pub disable_wildcards: bool,
    /// `%VERIFY_ALLOW_BROKEN`: accept broken algorithms in chains.
    pub verify_allow_broken: bool,
    /// `%VERIFY_ALLOW_SIGN_WITH_SHA1`: accept SHA-1 signatures in chains.
    pub verify_allow_sign_with_sha1: bool,
    /// `%VERIFY_ALLOW_SIGN_RSA_MD5`: accept RSA-MD5 in chains.
    pub verify_allow_sign_rsa_md5: bool,
    /// `%VERIFY_DISABLE_CRL_CHECKS`.
    pub verify_disable_crl_checks: bool,
    /// `%COMPAT`, `%DEBUG_ALLOW_KEY_USAGE_VIOLATIONS`: tolerate key-usage
    /// violations.
    pub allow_key_usage_violation: bool,
    /// `%DUMBFW` (and `%COMPAT`): ClientHello padding (RFC 7685).
    pub dumbfw: bool,
    /// `%NO_ETM` (and `%COMPAT`).
    pub no_etm: bool,
    /// `%FORCE_ETM`.
    pub force_etm: bool,
    /// `%NO_SESSION_HASH` (and `%COMPAT`).
    pub no_session_hash: bool,
    /// `%FORCE_SESSION_HASH`.
    pub force_session_hash: bool,
    /// `%NO_STATUS_REQUEST`: no OCSP status_request.
    pub no_status_request: bool,
    /// `%FALLBACK_SCSV`.
    pub fallback_scsv: bool,
    /// `%LATEST_RECORD_VERSION` (`%SSL3_RECORD_VERSION` resets it).
    pub latest_record_version: bool,
    /// The renegotiation mode.
    pub renegotiation: Renegotiation,
}

impl Default for Flags {
    fn default() -> Self {
        Self {
            server_precedence: false,
            no_tickets: false,
            no_tickets_tls12: false,
            tls13_compat_mode: true,
            no_extensions: false,
            allow_small_records: false,
            allow_large_records: false,
            no_shuffle_extensions: false,
            disable_wildcards: false,
            verify_allow_broken: false,
            verify_allow_sign_with_sha1: false,
            verify_allow_sign_rsa_md5: false,
            verify_disable_crl_checks: false,
            allow_key_usage_violation: false,
            dumbfw: false,
            no_etm: false,
            force_etm: false,
            no_session_hash: false,
            force_session_hash: false,
            no_status_request: false,
            fallback_scsv: false,
            latest_record_version: false,
            renegotiation: Renegotiation::Partial,
        }
    }
}

/// What a flag does.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FlagAction {
    Set(fn(&mut Flags)),
    Profile(Profile),
}

/// Every flag GnuTLS 3.8.13 knows, by exact name.
pub(crate) const FLAGS: &[(&str, FlagAction)] = {
    use FlagAction::{Profile as P, Set};
    &[
        (
            "COMPAT",
            Set(|f| {
                f.allow_large_records = true;
                f.allow_small_records = true;
                f.no_etm = true;
                f.no_session_hash = true;
                f.allow_key_usage_violation = true;
                f.dumbfw = true;
            }),
        ),
        ("DUMBFW", Set(|f| f.dumbfw = true)),
        ("NO_EXTENSIONS", Set(|f| f.no_extensions = true)),
        ("NO_TICKETS", Set(|f| f.no_tickets = true)),
        ("NO_TICKETS_TLS12", Set(|f| f.no_tickets_tls12 = true)),
        ("NO_ETM", Set(|f| f.no_etm = true)),
        ("FORCE_ETM", Set(|f| f.force_etm = true)),
        ("NO_SESSION_HASH", Set(|f| f.no_session_hash = true)),
        ("FORCE_SESSION_HASH", Set(|f| f.force_session_hash = true)),
        ("NO_STATUS_REQUEST", Set(|f| f.no_status_request = true)),
        ("STATELESS_COMPRESSION", Set(|_| {})),
        ("VERIFY_ALLOW_BROKEN", Set(|f| f.verify_allow_broken = true)),
        (
            "VERIFY_ALLOW_SIGN_RSA_MD5",
            Set(|f| f.verify_allow_sign_rsa_md5 = true),
        ),
        (
            "VERIFY_ALLOW_SIGN_WITH_SHA1",
            Set(|f| f.verify_allow_sign_with_sha1 = true),
        ),
        (
            "VERIFY_DISABLE_CRL_CHECKS",
            Set(|f| f.verify_disable_crl_checks = true),
        ),
        ("VERIFY_ALLOW_X509_V1_CA_CRT", Set(|_| {})),
        (
            "SSL3_RECORD_VERSION",
            Set(|f| f.latest_record_version = false),
        ),
        (
            "LATEST_RECORD_VERSION",
            Set(|f| f.latest_record_version = true),
        ),
        (
            "UNSAFE_RENEGOTIATION",
            Set(|f| f.renegotiation = Renegotiation::Unsafe),
        ),
        (
            "SAFE_RENEGOTIATION",
            Set(|f| f.renegotiation = Renegotiation::Safe),
        ),
        (
            "PARTIAL_RENEGOTIATION",
            Set(|f| f.renegotiation = Renegotiation::Partial),
        ),
        (
            "DISABLE_SAFE_RENEGOTIATION",
            Set(|f| f.renegotiation = Renegotiation::Disabled),
        ),
        ("FALLBACK_SCSV", Set(|f| f.fallback_scsv = true)),
        ("DISABLE_WILDCARDS", Set(|f| f.disable_wildcards = true)),
        ("SERVER_PRECEDENCE", Set(|f| f.server_precedence = true)),
        ("PROFILE_VERY_WEAK", P(Profile::VeryWeak)),
        ("PROFILE_LOW", P(Profile::Low)),
        ("PROFILE_LEGACY", P(Profile::Legacy)),
        ("PROFILE_MEDIUM", P(Profile::Medium)),
        ("PROFILE_HIGH", P(Profile::High)),
        ("PROFILE_ULTRA", P(Profile::Ultra)),
        ("PROFILE_FUTURE", P(Profile::Future)),
        ("PROFILE_SUITEB128", P(Profile::SuiteB128)),
        // GnuTLS maps this flag to the SuiteB128 profile; reproduced.
        ("PROFILE_SUITEB192", P(Profile::SuiteB128)),
        ("NEW_PADDING", Set(|_| {})),
        (
            "DEBUG_ALLOW_KEY_USAGE_VIOLATIONS",
            Set(|f| f.allow_key_usage_violation = true),
        ),
        ("ALLOW_SMALL_RECORDS", Set(|f| f.allow_small_records = true)),
        (
            "DISABLE_TLS13_COMPAT_MODE",
            Set(|f| f.tls13_compat_mode = false),
        ),
        (
            "NO_SHUFFLE_EXTENSIONS",
            Set(|f| f.no_shuffle_extensions = true),
        ),
    ]
};

/// The flag named exactly `name` (case-sensitive, as gperf matches).
pub(crate) fn find_flag(name: &str) -> Option<FlagAction> {
    FLAGS.iter().find(|(n, _)| *n == name).map(|(_, a)| *a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_case_sensitive() {
        assert!(find_flag("COMPAT").is_some());
        assert!(find_flag("compat").is_none());
        assert!(find_flag("COMPAT ").is_none());
        assert!(matches!(
            find_flag("PROFILE_SUITEB192"),
            Some(FlagAction::Profile(Profile::SuiteB128))
        ));
        assert_eq!(FLAGS.len(), 39);
    }

    #[test]
    fn compat_sets_its_six_settings() {
        let mut f = Flags::default();
        if let Some(FlagAction::Set(apply)) = find_flag("COMPAT") {
            apply(&mut f);
        }
        assert!(f.allow_large_records && f.allow_small_records && f.no_etm);
        assert!(f.no_session_hash && f.allow_key_usage_violation && f.dumbfw);
        assert!(
            f.tls13_compat_mode,
            "%COMPAT leaves TLS 1.3 middlebox compatibility on"
        );
        assert!(!f.server_precedence);
    }
}
