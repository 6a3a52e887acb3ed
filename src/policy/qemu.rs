//! QEMU's use of priority strings (`crypto/tlscreds.c`,
//! `crypto/tlssession.c`): the base string, the suffix each credential type
//! appends, and the message shown when a session cannot use the result.

use super::PriorityError;
use alloc::format;
use alloc::string::String;

/// QEMU's built-in base priority (meson option `tls_priority`).
pub const QEMU_DEFAULT_PRIORITY: &str = "NORMAL";

/// The kind of tls-creds object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QemuCredsType {
    /// `tls-creds-x509`: no suffix.
    X509,
    /// `tls-creds-psk`: enables the PSK key exchanges.
    Psk,
    /// `tls-creds-anon`: enables anonymous DH (never usable in TLS 1.3).
    Anon,
}

impl QemuCredsType {
    /// The credential class's `prioritySuffix`.
    pub const fn priority_suffix(self) -> Option<&'static str> {
        match self {
            QemuCredsType::X509 => None,
            QemuCredsType::Psk => Some("+ECDHE-PSK:+DHE-PSK:+PSK"),
            QemuCredsType::Anon => Some("+ANON-DH"),
        }
    }
}

/// `qcrypto_tls_creds_get_priority`: the `priority` property (or
/// [`QEMU_DEFAULT_PRIORITY`]), then `:` and the credential's suffix.
pub fn qemu_priority(priority: Option<&str>, creds: QemuCredsType) -> String {
    let base = priority.unwrap_or(QEMU_DEFAULT_PRIORITY);
    match creds.priority_suffix() {
        Some(suffix) => format!("{base}:{suffix}"),
        None => String::from(base),
    }
}

/// The error QEMU reports when a session is created with a priority string
/// that cannot be used (the string is only checked then, not when the
/// credentials object is created).
pub fn qemu_session_priority_error(full_priority: &str, err: &PriorityError) -> String {
    format!("Unable to set TLS session priority {full_priority}: {err}")
}
