//! Reading GnuTLS's system configuration file.

use super::system::{ConfigSyntaxError, SystemConfig};
use std::path::PathBuf;
use std::string::String;

/// GnuTLS's default configuration file (`--with-system-priority-file`'s
/// default, `${sysconfdir}/gnutls/config`).
pub const DEFAULT_SYSTEM_PRIORITY_FILE: &str = "/etc/gnutls/config";

/// The configuration file GnuTLS would read: `GNUTLS_SYSTEM_PRIORITY_FILE`
/// when set, else the default.
pub fn system_config_path() -> PathBuf {
    std::env::var_os("GNUTLS_SYSTEM_PRIORITY_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_SYSTEM_PRIORITY_FILE))
}

/// Loads the system configuration as GnuTLS does: a missing or unreadable
/// file is no configuration (`Ok(None)`), and so is a malformed one, unless
/// `GNUTLS_SYSTEM_PRIORITY_FAIL_ON_INVALID=1` asks for failure (`Err`).
pub fn load_system_config() -> Result<Option<SystemConfig>, ConfigSyntaxError> {
    let Ok(bytes) = std::fs::read(system_config_path()) else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&bytes);
    match SystemConfig::parse(&text) {
        Ok(c) => Ok(Some(c)),
        Err(e)
            if std::env::var_os("GNUTLS_SYSTEM_PRIORITY_FAIL_ON_INVALID")
                .is_some_and(|v| v == "1") =>
        {
            Err(e)
        }
        Err(_) => Ok(None),
    }
}
