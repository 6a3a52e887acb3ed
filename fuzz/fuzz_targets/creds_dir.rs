//! The QEMU credential-directory loader (`X509Creds::load`): the files of a
//! `tls-creds-x509` directory come from the input and are written to a
//! scratch directory, then loaded as QEMU would, sanity checks included.
//!
//! Input: `[flags]` then entries `[file index, u16 length, content]`; the
//! index picks a name from `FILES`. Flags: bit 0 server endpoint, bit 1
//! sanity checks off, bit 2 the real provider (else fuzzer mode, whose
//! signatures always verify).
//!
//! Invariants: a load never panics; a successful load has trust anchors
//! (when verifying peers) and identities whose chains are what the files
//! hold; the sanity report never finds a problem in a load that passed the
//! checks; an error carries a message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qtls::qemu::{Endpoint, Objects, X509Creds, X509Options};
use std::path::PathBuf;
use std::sync::OnceLock;

const FILES: [&str; 12] = [
    "ca-cert.pem",
    "ca-crl.pem",
    "server-cert.pem",
    "server-key.pem",
    "client-cert.pem",
    "client-key.pem",
    "server-cert-0.pem",
    "server-key-0.pem",
    "client-cert-1.pem",
    "client-key-1.pem",
    "dh-params.pem",
    "server-cert-3.pem",
];

/// 2026-01-01T00:00:00Z.
const NOW: qtls::UnixTime = qtls::UnixTime(1_767_225_600);

fn scratch() -> &'static PathBuf {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| std::env::temp_dir().join(format!("qtls-fuzz-creds-{}", std::process::id())))
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, mut rest)) = data.split_first() else {
        return;
    };
    let dir = scratch();
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("scratch directory");
    while let Some((&[idx, l0, l1], tail)) = rest.split_first_chunk::<3>() {
        let len = usize::from(u16::from_be_bytes([l0, l1])).min(tail.len());
        let (content, tail) = tail.split_at(len);
        let name = FILES[usize::from(idx) % FILES.len()];
        std::fs::write(dir.join(name), content).expect("scratch file");
        rest = tail;
    }
    let endpoint = if flags & 1 != 0 {
        Endpoint::Server
    } else {
        Endpoint::Client
    };
    let mut opts = X509Options::new(&dir.to_string_lossy(), endpoint);
    opts.sanity_check = flags & 2 == 0;
    let provider = if flags & 4 != 0 {
        qtls::provider::aws_lc::default_provider()
    } else {
        qtls::provider::fuzzing::provider()
    };
    match X509Creds::load(&opts, &Objects::new(), provider, NOW) {
        Ok(creds) => {
            for id in &creds.identities {
                assert!(!id.chain.is_empty(), "an identity has a certificate");
                assert_eq!(id.identity.chain, id.chain);
            }
            if opts.sanity_check {
                for (_, problems) in creds.sanity_report(NOW) {
                    assert!(problems.is_empty(), "a load that passed has no problems");
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty(), "errors carry a message"),
    }
});
