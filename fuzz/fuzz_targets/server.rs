//! The server handshake fed arbitrary client bytes, ClientHello included
//! (fuzzer-mode provider): `[shape, suite, chunk, client bytes...]`, see
//! `qtls_fuzz::Setup`. Invariants: see `qtls_fuzz::drive` and
//! `check_server_negotiated`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    qtls_fuzz::run_side(qtls::Side::Server, data);
});
