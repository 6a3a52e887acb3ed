//! The client handshake fed arbitrary server bytes (fuzzer-mode provider):
//! `[shape, suite, chunk, server bytes...]`, see `qtls_fuzz::Setup`.
//! Invariants: see `qtls_fuzz::drive` and `check_client_negotiated`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    qtls_fuzz::run_side(qtls::Side::Client, data);
});
