//! GnuTLS priority strings: the parser, the exact evaluation GnuTLS performs,
//! the immutable [`ResolvedPriority`] it yields, and its mapping onto qtls's
//! negotiation [`Policy`].
//!
//! QEMU and libvirt configure TLS with GnuTLS priority strings (`priority=`
//! on tls-creds objects, `tls_priority` in libvirtd.conf, `@SYSTEM` from the
//! distribution's crypto policy). This module accepts exactly the strings
//! GnuTLS accepts, rejects the others with GnuTLS's error and error position,
//! and resolves them to the same lists `gnutls-cli --list --priority` prints
//! (GnuTLS 3.8.13 contents: ML-DSA heads the default signature list, the
//! post-quantum names are known, no hybrid group is in NORMAL).
//!
//! qtls speaks only TLS 1.3: [`ResolvedPriority::parse`] additionally rejects
//! a string that leaves no TLS 1.3 with GnuTLS's "No or insufficient
//! priorities were set." and a detail saying what disabled TLS 1.3.
//! [`ResolvedPriority::parse_gnutls`] gives GnuTLS's verdict alone.
//!
//! `@KEYWORD` strings are resolved from a [`SystemConfig`], parsed from the
//! text of GnuTLS's configuration file; reading that file is the std layer's
//! job (`load_system_config`).

mod algs;
mod eval;
mod flags;
mod levels;
mod list;
mod qemu;
#[cfg(feature = "std")]
mod std_io;
mod system;

pub use algs::{CertType, Cipher, Group, GroupKind, Kx, Mac, Sign, Version};
pub use flags::{Flags, Renegotiation};
pub use levels::{Profile, SecurityLevel};
pub use list::{ListOutput, list_priority, list_supported};
pub use qemu::{QEMU_DEFAULT_PRIORITY, QemuCredsType, qemu_priority, qemu_session_priority_error};
#[cfg(feature = "std")]
pub use std_io::{DEFAULT_SYSTEM_PRIORITY_FILE, load_system_config, system_config_path};
pub use system::{ConfigSyntaxError, Overrides, SystemConfig};

use crate::codec::enums::{CipherSuite, NamedGroup, PskKeyExchangeMode, SignatureScheme};
use crate::config::Policy;
use crate::provider::CryptoProvider;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// `GNUTLS_E_INVALID_REQUEST`.
pub const GNUTLS_E_INVALID_REQUEST: i32 = -50;
/// `GNUTLS_E_NO_PRIORITIES_WERE_SET`.
pub const GNUTLS_E_NO_PRIORITIES_WERE_SET: i32 = -326;

/// Why a priority string cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorityError {
    /// A syntax error (`GNUTLS_E_INVALID_REQUEST`): an unknown item, an
    /// unresolvable `@KEYWORD`, an empty element. `position` is the byte
    /// offset GnuTLS reports (its `err_pos`), with GnuTLS's drift: spaces
    /// skipped after a `:` are not counted, and a string that was rewritten
    /// (leading whitespace, `@KEYWORD`) reports 0.
    InvalidRequest {
        /// Byte offset into the string as given.
        position: usize,
    },
    /// Nothing usable is left (`GNUTLS_E_NO_PRIORITIES_WERE_SET`).
    NoPriorities(NoPriorities),
}

/// What was left empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoPriorities {
    /// No protocol version (GnuTLS).
    NoProtocols,
    /// No cipher suite of any version (GnuTLS).
    NoSuites,
    /// GnuTLS would accept the string, but it leaves no TLS 1.3 (qtls).
    Tls13Disabled(Tls13Loss),
    /// TLS 1.3 is left, but none of its groups is one qtls's provider
    /// implements and no `PSK` (psk_ke) exchange is enabled (qtls).
    NoUsableGroups,
}

/// What disabled TLS 1.3 in a string GnuTLS accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls13Loss {
    /// TLS 1.3 is not in the protocol list (`NONE`, `SUITEB*`,
    /// `-VERS-TLS1.3`, `-VERS-ALL`, ...).
    NotEnabled,
    /// The system configuration disables it (`disabled-version`).
    DisabledBySystem,
    /// `%NO_EXTENSIONS`.
    NoExtensions,
    /// The `NULL` cipher is enabled.
    NullCipher,
    /// An SRP key exchange is enabled.
    Srp,
    /// The `RSA-PSK` key exchange is enabled.
    RsaPsk,
    /// No signature algorithm usable in TLS 1.2 or later.
    NoSignatures,
    /// No group usable in TLS 1.3, and no PSK key exchange.
    NoGroups,
    /// TLS 1.0/1.1 are enabled without TLS 1.2.
    OlderWithoutTls12,
    /// No cipher/MAC pair forms a TLS 1.3 suite (TLS 1.3 needs `AEAD` and
    /// one of AES-128-GCM, AES-256-GCM, CHACHA20-POLY1305, AES-128-CCM,
    /// AES-128-CCM-8).
    NoSuites,
}

impl Tls13Loss {
    fn describe(self) -> &'static str {
        match self {
            Tls13Loss::NotEnabled => "VERS-TLS1.3 is not enabled",
            Tls13Loss::DisabledBySystem => "the system configuration disables TLS1.3",
            Tls13Loss::NoExtensions => "%NO_EXTENSIONS disables it",
            Tls13Loss::NullCipher => "the NULL cipher disables it",
            Tls13Loss::Srp => "an SRP key exchange disables it",
            Tls13Loss::RsaPsk => "the RSA-PSK key exchange disables it",
            Tls13Loss::NoSignatures => "no signature algorithm is enabled",
            Tls13Loss::NoGroups => "no group is enabled",
            Tls13Loss::OlderWithoutTls12 => "TLS1.0/TLS1.1 are enabled without TLS1.2",
            Tls13Loss::NoSuites => {
                "no TLS1.3 cipher suite is enabled (needs AEAD and an AEAD cipher)"
            }
        }
    }
}

impl PriorityError {
    /// GnuTLS's error code.
    pub const fn code(self) -> i32 {
        match self {
            PriorityError::InvalidRequest { .. } => GNUTLS_E_INVALID_REQUEST,
            PriorityError::NoPriorities(_) => GNUTLS_E_NO_PRIORITIES_WERE_SET,
        }
    }

    /// GnuTLS's `gnutls_strerror` text.
    pub const fn strerror(self) -> &'static str {
        match self {
            PriorityError::InvalidRequest { .. } => "The request is invalid.",
            PriorityError::NoPriorities(_) => "No or insufficient priorities were set.",
        }
    }
}

impl fmt::Display for PriorityError {
    /// The GnuTLS text, followed for qtls-only rejections by the reason.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.strerror())?;
        match self {
            PriorityError::NoPriorities(NoPriorities::Tls13Disabled(why)) => write!(
                f,
                " (qtls needs TLS1.3, which this priority string disables: {})",
                why.describe()
            ),
            PriorityError::NoPriorities(NoPriorities::NoUsableGroups) => f.write_str(
                " (qtls implements none of the TLS1.3 groups this priority string enables)",
            ),
            _ => Ok(()),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for PriorityError {}

/// A priority string resolved as GnuTLS resolves it: the raw lists
/// (`gnutls_priority_*_list`, what `gnutls-cli --list` prints), the TLS 1.3
/// cipher suites, the groups in the order they go on the wire, and the flags.
/// Immutable once built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedPriority {
    protocols: Vec<Version>,
    ciphers: Vec<Cipher>,
    macs: Vec<Mac>,
    kx: Vec<Kx>,
    groups: Vec<Group>,
    signs: Vec<Sign>,
    client_cert_types: Vec<CertType>,
    server_cert_types: Vec<CertType>,
    tls13_suites: Vec<CipherSuite>,
    wire_groups: Vec<Group>,
    tls13_signs: Vec<Sign>,
    flags: Flags,
    profile: Option<Profile>,
    level: Option<SecurityLevel>,
    tls13_loss: Option<Tls13Loss>,
}

impl ResolvedPriority {
    /// Resolves `priorities` for qtls: GnuTLS's verdict, and TLS 1.3 must
    /// remain (else `NoPriorities(Tls13Disabled(..))`). `system` resolves
    /// `@KEYWORD` strings; without it they are syntax errors, as with no
    /// configuration file.
    pub fn parse(priorities: &str, system: Option<&SystemConfig>) -> Result<Self, PriorityError> {
        let p = Self::parse_gnutls(priorities, system)?;
        p.require_tls13()?;
        Ok(p)
    }

    /// Resolves `priorities` exactly as `gnutls_priority_init` does; the
    /// result may leave no TLS 1.3 ([`Self::tls13_loss`] says why).
    pub fn parse_gnutls(
        priorities: &str,
        system: Option<&SystemConfig>,
    ) -> Result<Self, PriorityError> {
        eval::init(priorities, system)
    }

    /// Fails unless TLS 1.3 is enabled with at least one suite.
    pub fn require_tls13(&self) -> Result<(), PriorityError> {
        match self.tls13_loss {
            Some(why) => Err(PriorityError::NoPriorities(NoPriorities::Tls13Disabled(
                why,
            ))),
            None => Ok(()),
        }
    }

    /// Why TLS 1.3 is unusable, or `None` when it is usable.
    pub fn tls13_loss(&self) -> Option<Tls13Loss> {
        self.tls13_loss
    }

    /// Protocol versions, in priority order.
    pub fn protocols(&self) -> &[Version] {
        &self.protocols
    }

    /// Ciphers, in priority order.
    pub fn ciphers(&self) -> &[Cipher] {
        &self.ciphers
    }

    /// MACs, in priority order.
    pub fn macs(&self) -> &[Mac] {
        &self.macs
    }

    /// Key exchanges (empty for TLS 1.3-only strings without PSK, as in
    /// GnuTLS).
    pub fn key_exchanges(&self) -> &[Kx] {
        &self.kx
    }

    /// Groups, as listed (before the wire reordering).
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// Signature algorithms, as listed.
    pub fn signatures(&self) -> &[Sign] {
        &self.signs
    }

    /// Client certificate types.
    pub fn client_cert_types(&self) -> &[CertType] {
        &self.client_cert_types
    }

    /// Server certificate types.
    pub fn server_cert_types(&self) -> &[CertType] {
        &self.server_cert_types
    }

    /// The TLS 1.3 suites the cipher and MAC lists form, in GnuTLS's order
    /// (cipher-major). Present even when TLS 1.3 itself is disabled.
    pub fn tls13_suites(&self) -> &[CipherSuite] {
        &self.tls13_suites
    }

    /// The groups in supported_groups order: GnuTLS appends each kind when
    /// the first suite needing it is added (hybrids with the first TLS 1.3
    /// suite, EC and FFDHE with the first ECDHE/DHE suite), each kind in list
    /// order; for TLS 1.3-only strings the first listed group of each kind
    /// decides. Usually: hybrid, EC, FFDHE.
    pub fn wire_groups(&self) -> &[Group] {
        &self.wire_groups
    }

    /// The flags.
    pub fn flags(&self) -> &Flags {
        &self.flags
    }

    /// The certificate verification profile (minimum peer key sizes).
    pub fn profile(&self) -> Option<Profile> {
        self.profile
    }

    /// The security level (minimum DH and key sizes).
    pub fn security_level(&self) -> Option<SecurityLevel> {
        self.level
    }

    /// True when TLS 1.3 is enabled (it may still lack suites).
    pub fn tls13_enabled(&self) -> bool {
        self.protocols.contains(&Version::Tls13)
    }

    /// TLS 1.3 groups in wire order, as code points (standalone ML-KEM and
    /// GOST groups have none and are left out).
    pub fn tls13_groups(&self) -> Vec<NamedGroup> {
        self.wire_groups
            .iter()
            .filter_map(|g| g.named_group())
            .collect()
    }

    /// signature_algorithms for TLS 1.3: the code points of the listed
    /// algorithms that have TLS 1.3 semantics, first occurrence kept. As in
    /// GnuTLS this includes PKCS#1 v1.5 and SHA-1 code points, which only
    /// certificate signatures may use.
    pub fn tls13_signature_schemes(&self) -> Vec<SignatureScheme> {
        let mut out: Vec<SignatureScheme> = Vec::new();
        for s in self.tls13_signs.iter().filter_map(|s| s.scheme()) {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }

    /// psk_key_exchange_modes, as GnuTLS sends them: in key-exchange list
    /// order when a PSK exchange is listed (`PSK` gives psk_ke, `ECDHE-PSK`
    /// and `DHE-PSK` give psk_dhe_ke); otherwise, for session resumption,
    /// psk_dhe_ke then psk_ke unless `%NO_TICKETS` is set.
    pub fn psk_modes(&self) -> Vec<PskKeyExchangeMode> {
        let mut out: Vec<PskKeyExchangeMode> = Vec::new();
        for k in &self.kx {
            let mode = match k {
                Kx::Psk => PskKeyExchangeMode::PSK_KE,
                Kx::DhePsk | Kx::EcdhePsk => PskKeyExchangeMode::PSK_DHE_KE,
                _ => continue,
            };
            if !out.contains(&mode) {
                out.push(mode);
            }
        }
        if out.is_empty() && !self.flags.no_tickets {
            out.extend([PskKeyExchangeMode::PSK_DHE_KE, PskKeyExchangeMode::PSK_KE]);
        }
        out
    }

    /// True when a PSK key exchange is listed, i.e. external PSKs may be
    /// offered and accepted (resumption is governed by `%NO_TICKETS`).
    pub fn external_psk_enabled(&self) -> bool {
        self.kx
            .iter()
            .any(|k| matches!(k, Kx::Psk | Kx::DhePsk | Kx::EcdhePsk))
    }

    /// A priority string that resolves to the same lists, flags and profile:
    /// `NONE` followed by every list entry as a `+` item, then the flags.
    /// `None` when that would exceed GnuTLS's 128 elements, for the
    /// SUITEB192 profile, which no flag selects, and when no protocol is
    /// left (GnuTLS accepts that only when the last protocol goes late).
    pub fn to_priority_string(&self) -> Option<String> {
        if self.protocols.is_empty() {
            return None;
        }
        let mut items: Vec<String> = Vec::new();
        items.push("NONE".into());
        items.extend(self.protocols.iter().map(|v| format!("+VERS-{}", v.name())));
        items.extend(self.ciphers.iter().map(|c| format!("+{}", c.name())));
        items.extend(self.macs.iter().map(|m| format!("+{}", m.name())));
        items.extend(self.kx.iter().map(|k| format!("+{}", k.name())));
        items.extend(self.groups.iter().map(|g| match (g.name(), g) {
            (Some(n), _) => format!("+GROUP-{n}"),
            (None, Group::Ed448Curve) => "+CURVE-Ed448".into(),
            (None, _) => "+CURVE-Ed25519".into(),
        }));
        items.extend(self.signs.iter().map(|s| format!("+SIGN-{}", s.name())));
        let ctype = |t: &CertType| match t {
            CertType::X509 => "X509",
            CertType::RawPk => "RAWPK",
        };
        items.extend(
            self.client_cert_types
                .iter()
                .map(|t| format!("+CTYPE-CLI-{}", ctype(t))),
        );
        items.extend(
            self.server_cert_types
                .iter()
                .map(|t| format!("+CTYPE-SRV-{}", ctype(t))),
        );
        let f = &self.flags;
        let default = Flags::default();
        let mut flag = |on: bool, name: &str| {
            if on {
                items.push(format!("%{name}"));
            }
        };
        flag(f.allow_large_records, "COMPAT");
        flag(f.server_precedence, "SERVER_PRECEDENCE");
        flag(f.no_tickets, "NO_TICKETS");
        flag(f.no_tickets_tls12, "NO_TICKETS_TLS12");
        flag(!f.tls13_compat_mode, "DISABLE_TLS13_COMPAT_MODE");
        flag(f.no_extensions, "NO_EXTENSIONS");
        flag(f.allow_small_records, "ALLOW_SMALL_RECORDS");
        flag(f.no_shuffle_extensions, "NO_SHUFFLE_EXTENSIONS");
        flag(f.disable_wildcards, "DISABLE_WILDCARDS");
        flag(f.verify_allow_broken, "VERIFY_ALLOW_BROKEN");
        flag(f.verify_allow_sign_with_sha1, "VERIFY_ALLOW_SIGN_WITH_SHA1");
        flag(f.verify_allow_sign_rsa_md5, "VERIFY_ALLOW_SIGN_RSA_MD5");
        flag(f.verify_disable_crl_checks, "VERIFY_DISABLE_CRL_CHECKS");
        flag(
            f.allow_key_usage_violation,
            "DEBUG_ALLOW_KEY_USAGE_VIOLATIONS",
        );
        flag(f.dumbfw, "DUMBFW");
        flag(f.no_etm, "NO_ETM");
        flag(f.force_etm, "FORCE_ETM");
        flag(f.no_session_hash, "NO_SESSION_HASH");
        flag(f.force_session_hash, "FORCE_SESSION_HASH");
        flag(f.no_status_request, "NO_STATUS_REQUEST");
        flag(f.fallback_scsv, "FALLBACK_SCSV");
        flag(f.latest_record_version, "LATEST_RECORD_VERSION");
        flag(
            f.renegotiation != default.renegotiation,
            match f.renegotiation {
                Renegotiation::Unsafe => "UNSAFE_RENEGOTIATION",
                Renegotiation::Safe => "SAFE_RENEGOTIATION",
                Renegotiation::Disabled => "DISABLE_SAFE_RENEGOTIATION",
                Renegotiation::Partial => "PARTIAL_RENEGOTIATION",
            },
        );
        let profile = match self.profile {
            None => None,
            Some(Profile::SuiteB192) => return None,
            Some(p) => Some(match p {
                Profile::VeryWeak => "PROFILE_VERY_WEAK",
                Profile::Low => "PROFILE_LOW",
                Profile::Legacy => "PROFILE_LEGACY",
                Profile::Medium => "PROFILE_MEDIUM",
                Profile::High => "PROFILE_HIGH",
                Profile::Ultra => "PROFILE_ULTRA",
                Profile::Future => "PROFILE_FUTURE",
                Profile::SuiteB128 | Profile::SuiteB192 => "PROFILE_SUITEB128",
            }),
        };
        if let Some(p) = profile {
            items.push(format!("%{p}"));
        }
        (items.len() <= eval::MAX_ELEMENTS).then(|| items.join(":"))
    }

    /// The negotiation policy this priority gives qtls: `base` with the
    /// suites, groups (those `provider` implements, wire order), signature
    /// schemes (without Ed448, which qtls cannot verify), PSK modes,
    /// middlebox compatibility and server precedence replaced.
    pub fn to_policy(
        &self,
        base: &Policy,
        provider: &dyn CryptoProvider,
    ) -> Result<Policy, PriorityError> {
        self.require_tls13()?;
        let psk_modes = self.psk_modes();
        let groups: Vec<NamedGroup> = self
            .tls13_groups()
            .into_iter()
            .filter(|g| provider.kx_group(*g).is_some())
            .collect();
        let psk_only = self.key_exchanges().contains(&Kx::Psk);
        if groups.is_empty() && !psk_only {
            return Err(PriorityError::NoPriorities(NoPriorities::NoUsableGroups));
        }
        let signature_schemes = self
            .tls13_signature_schemes()
            .into_iter()
            .filter(|s| *s != SignatureScheme::ED448)
            .collect();
        Ok(Policy {
            suites: self.tls13_suites.clone(),
            groups,
            signature_schemes,
            cert_signature_schemes: None,
            psk_modes,
            middlebox_compat: self.flags.tls13_compat_mode,
            server_precedence: self.flags.server_precedence,
            tickets: !self.flags.no_tickets,
            ..base.clone()
        })
    }
}

/// The groups a GnuTLS client sends key shares for (`GNUTLS_KEY_SHARE_TOP2`):
/// the first group, and the next one of a different key type (the NIST
/// curves are one type; X25519, X448, the FFDHE groups and each hybrid are
/// others). For NORMAL that is secp256r1 and x25519.
pub fn key_share_groups(groups: &[NamedGroup]) -> Vec<NamedGroup> {
    fn key_type(g: NamedGroup) -> u16 {
        match g {
            NamedGroup::SECP256R1 | NamedGroup::SECP384R1 | NamedGroup::SECP521R1 => 1,
            NamedGroup::FFDHE2048
            | NamedGroup::FFDHE3072
            | NamedGroup::FFDHE4096
            | NamedGroup::FFDHE6144
            | NamedGroup::FFDHE8192 => 2,
            other => other.0,
        }
    }
    let mut out: Vec<NamedGroup> = Vec::new();
    if let Some(first) = groups.first() {
        out.push(*first);
        if let Some(second) = groups.iter().find(|g| key_type(**g) != key_type(*first)) {
            out.push(*second);
        }
    }
    out
}

#[cfg(test)]
mod tests;
