//! Private key files of the QEMU layer (`src/qemu/keys.rs`): PKCS#8,
//! PKCS#1 RSA, SEC1 EC (with or without EC PARAMETERS) and encrypted PKCS#8
//! (PBES2 with PBKDF2 or scrypt), in PEM.
//!
//! Input: `[flags, pem...]`; bit 0 of flags gives the password "fuzz".
//!
//! Invariants: an imported key is non-empty PKCS#8 that imports again,
//! unchanged, from a plain `PRIVATE KEY` block; the provider's key loader
//! never panics on it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qtls::pem;
use qtls::qemu::keys::import_private_key;
use std::sync::{Arc, OnceLock};

fn provider() -> &'static Arc<dyn qtls::provider::CryptoProvider> {
    static P: OnceLock<Arc<dyn qtls::provider::CryptoProvider>> = OnceLock::new();
    P.get_or_init(qtls::provider::aws_lc::default_provider)
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, text)) = data.split_first() else {
        return;
    };
    let password = (flags & 1 != 0).then_some("fuzz");
    let Ok(der) = import_private_key(text, password) else {
        return;
    };
    assert!(!der.is_empty());
    let again = import_private_key(pem::encode("PRIVATE KEY", &der).as_bytes(), None)
        .expect("PKCS#8 imports again");
    assert_eq!(&again[..], &der[..]);
    let _ = provider().load_signing_key(&der);
});
