//! File access with QEMU's and GLib's observable behaviour: the
//! `access(R_OK)` presence rule of `qcrypto_tls_creds_get_path` and the
//! error texts of `g_file_get_contents`.

use super::{Result, qerr};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use std::fs::File;
use std::io::{self, Read};

/// Largest credential, secret or key file read (GLib has no limit; a
/// bound keeps a mistaken `/dev/zero` from eating memory).
pub(crate) const MAX_FILE_LEN: u64 = 16 << 20;

/// The C library's text for an I/O error (`strerror(errno)`), without the
/// ` (os error N)` suffix Rust's `Display` appends.
pub(crate) fn strerror(e: &io::Error) -> String {
    let s = e.to_string();
    match (e.raw_os_error(), s.rfind(" (os error ")) {
        (Some(_), Some(pos)) => s.get(..pos).unwrap_or(&s).to_string(),
        _ => s,
    }
}

/// Whether `path` is readable, as `access(path, R_OK)` decides: `Ok(true)`
/// present, `Ok(false)` does not exist (ENOENT), `Err` any other failure.
///
/// Rust's std has no `access()`, so readability is probed by opening; FIFOs
/// and sockets are reported present without opening them, as opening a FIFO
/// would block where `access()` does not.
pub(crate) fn access_read(path: &str) -> io::Result<bool> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if meta.is_file() || meta.is_dir() {
        File::open(path)?;
    }
    Ok(true)
}

/// `qcrypto_tls_creds_get_path`: `dir/filename`, `None` when absent and
/// optional; any other access failure is fatal with QEMU's message.
pub(crate) fn creds_path(dir: &str, filename: &str, required: bool) -> Result<Option<String>> {
    let path = alloc::format!("{dir}/{filename}");
    match access_read(&path) {
        Ok(true) => Ok(Some(path)),
        Ok(false) if !required => Ok(None),
        // ENOENT (2 on every Unix qtls builds for).
        Ok(false) => qerr!(
            "Unable to access credentials {path}: {}",
            strerror(&io::Error::from_raw_os_error(2))
        ),
        Err(e) => qerr!("Unable to access credentials {path}: {}", strerror(&e)),
    }
}

/// `g_file_get_contents`: the whole file, or GLib's message for the failure
/// (`Failed to open file “path”: reason`, ...), which callers embed in theirs.
pub(crate) fn file_get_contents(path: &str) -> core::result::Result<Vec<u8>, String> {
    let mut f = File::open(path)
        .map_err(|e| alloc::format!("Failed to open file “{path}”: {}", strerror(&e)))?;
    let meta = f.metadata().map_err(|e| {
        alloc::format!(
            "Failed to get attributes of file “{path}”: fstat() failed: {}",
            strerror(&e)
        )
    })?;
    if meta.len() > MAX_FILE_LEN {
        return Err(alloc::format!("File “{path}” is too large"));
    }
    let regular = meta.is_file() && meta.len() > 0;
    let mut out = Vec::new();
    let read = f
        .by_ref()
        .take(MAX_FILE_LEN.saturating_add(1))
        .read_to_end(&mut out);
    match read {
        // GLib reads regular files with read() and others through stdio,
        // with different wording.
        Err(e) if regular => Err(alloc::format!(
            "Failed to read from file “{path}”: {}",
            strerror(&e)
        )),
        Err(e) => Err(alloc::format!(
            "Error reading file “{path}”: {}",
            strerror(&e)
        )),
        Ok(_) if u64::try_from(out.len()).unwrap_or(u64::MAX) > MAX_FILE_LEN => {
            Err(alloc::format!("File “{path}” is too large"))
        }
        Ok(_) => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strerror_strips_os_error_suffix() {
        assert_eq!(
            strerror(&io::Error::from_raw_os_error(2)),
            "No such file or directory"
        );
        assert_eq!(
            strerror(&io::Error::from_raw_os_error(13)),
            "Permission denied"
        );
    }

    #[test]
    fn presence_rules() {
        let dir = std::env::temp_dir().join(alloc::format!("qtls-fsutil-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let d = dir.to_str().unwrap();
        std::fs::write(dir.join("f.pem"), b"x").unwrap();
        assert_eq!(
            creds_path(d, "f.pem", true).unwrap(),
            Some(alloc::format!("{d}/f.pem"))
        );
        assert_eq!(creds_path(d, "g.pem", false).unwrap(), None);
        assert_eq!(
            creds_path(d, "g.pem", true).unwrap_err().message(),
            alloc::format!("Unable to access credentials {d}/g.pem: No such file or directory")
        );
        // A path through a regular file is ENOTDIR, not "absent".
        assert_eq!(
            creds_path(d, "f.pem/x", false).unwrap_err().message(),
            alloc::format!("Unable to access credentials {d}/f.pem/x: Not a directory")
        );
        assert_eq!(
            file_get_contents(&alloc::format!("{d}/g.pem")).unwrap_err(),
            alloc::format!("Failed to open file “{d}/g.pem”: No such file or directory")
        );
        assert_eq!(
            file_get_contents(d).unwrap_err(),
            alloc::format!("Error reading file “{d}”: Is a directory")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
