//! The QEMU-compatible layer: credential directories (x509 and PSK), secret
//! objects, authorization objects and the session API with the shape of
//! QEMU's `qcrypto_tls_session_*`.
//!
//! This is the only layer that speaks QEMU's messages: every error it
//! returns carries the exact text QEMU (and the GnuTLS calls QEMU makes)
//! would print for the same input, so that people moving from QEMU see the
//! words they already know. The engine below stays message-free.
//!
//! Module map: `fsutil` (QEMU's `access(R_OK)` presence rule and GLib's
//! `g_file_get_contents` messages), `secret` (§5 of the compatibility
//! reference), `psk` (`keys.psk` readers and the psktool writer),
//! `keys` (private key files), `x509` (credential directories and the load-time
//! sanity checks), `authz` (authorization objects and DN glob rules),
//! `objects` (the registry QEMU resolves secret and authz ids in), `session`.

pub mod authz;
pub mod creds;
mod fsutil;
pub mod keys;
pub mod objects;
pub mod psk;
pub mod sanity;
pub mod secret;
pub mod session;
#[cfg(test)]
mod session_tests;
#[cfg(test)]
mod tests;

pub use creds::{PskCreds, PskOptions, X509Creds, X509CredsHandle, X509Options};
pub use objects::{Object, Objects};

/// Which side of a connection credentials or a session are for
/// (`QCryptoTLSCredsEndpoint`; QEMU's default is `client`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Endpoint {
    /// The connecting side.
    #[default]
    Client,
    /// The listening side.
    Server,
}

impl Endpoint {
    /// `client` or `server`, as QEMU's messages and file names spell it.
    pub fn role(self) -> &'static str {
        match self {
            Endpoint::Client => "client",
            Endpoint::Server => "server",
        }
    }
}

use alloc::string::String;
use core::fmt;

/// An error with QEMU's exact message text.
#[derive(Clone, PartialEq, Eq)]
pub struct QemuError {
    message: String,
}

impl QemuError {
    /// An error carrying `message` verbatim.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The message, exactly as QEMU words it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for QemuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for QemuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QemuError({:?})", self.message)
    }
}

impl std::error::Error for QemuError {}

/// Shorthand for results of this layer.
pub type Result<T> = core::result::Result<T, QemuError>;

/// Builds an `Err(QemuError)` from a format string.
macro_rules! qerr {
    ($($arg:tt)*) => {
        Err($crate::qemu::QemuError::new(alloc::format!($($arg)*)))
    };
}
pub(crate) use qerr;
