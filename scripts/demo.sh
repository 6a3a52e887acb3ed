#!/usr/bin/env bash
# The newcomer's first command: a real TLS 1.3 demo on loopback.
#
# `qtls demo` makes a throw-away PKI (an ECDSA P-256 CA and an ML-DSA-65 CA, each with a
# server certificate for localhost) and a random PSK, then starts `qtls server` on 127.0.0.1
# and runs `qtls client` against it four times: ECDSA and ML-DSA certificates over the
# X25519MLKEM768 hybrid, a HelloRetryRequest to secp384r1, and an external PSK. Each line
# shows what the client and the server negotiated; the client verifies the chain and host
# name with qtls's own X.509 validator.
set -euo pipefail
cd "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cargo run --quiet --release --bin qtls -- demo
