//! `qtls`: the command-line face of the engine (server, client, demo,
//! verify, kat, priority).
#![forbid(unsafe_code)]

mod args;
mod client;
mod common;
mod demo;
mod kat;
mod priority;
mod qemu;
mod server;
mod verify;

use std::process::ExitCode;

const USAGE: &str = "usage: qtls <command> [options]

commands:
  server   run a TLS 1.3 server (--listen ADDR:PORT with --cert/--key or --psk/--psk-identity);
           --tickets N session tickets per handshake, --early-data BYTES accepts 0-RTT
  client   connect to a TLS 1.3 server (HOST:PORT) and relay stdin/stdout;
           --resume connects twice and resumes, --early-data FILE sends FILE as 0-RTT
  kat      known-answer tests: JSON requests on stdin, JSON responses on stdout
  demo     make a throw-away PKI and PSK, and run client against server on loopback
  verify   validate a certificate chain for a host name and purpose
  creds    check a QEMU credentials directory (creds check --dir DIR --endpoint server|client)
  psk      add or replace a keys.psk entry like psktool (psk -u USER -p FILE [-s BYTES])
  priority GnuTLS priority strings: --list [STR] prints them as gnutls-cli --list does

Post-handshake features:
  server: --client-ca CA --defer-client-auth (ask only after the handshake, when the client
          offers post_handshake_auth); --http serves GET /reauth (post-handshake client
          authentication) and GET /keyupdate; --exporter LABEL:LEN and --channel-binding add
          the exported value / RFC 9266 tls-exporter to the connection line
  client: --post-handshake-auth (offer it and answer from --cert/--key, or with no
          certificate); --exporter LABEL:LEN (repeatable; TLS 1.3 treats no context and an
          empty context alike, so the context is empty) and --channel-binding print hex
  both:   --compress-cert zlib,brotli (RFC 8879, off by default as in GnuTLS)

QEMU mode of server and client: --creds-dir DIR (x509) or --psk-dir DIR [--username U],
  with --priority P, --no-verify-peer, --no-sanity-check, --password-file F,
  --authz-dn PATTERN (repeatable, GLib glob on the peer DN), --hostname NAME (client)
";

fn main() -> ExitCode {
    // The fuzzer-mode provider authenticates nobody (SECURITY.md): a binary
    // built with it must never talk to anyone, whatever the command.
    if cfg!(feature = "fuzzing") {
        eprintln!("qtls: built with the insecure `fuzzing` feature (fuzzer mode); refusing to run");
        return ExitCode::from(70);
    }
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = argv.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let code = match cmd.as_str() {
        "server" => server::run(rest),
        "client" => client::run(rest),
        "demo" => demo::run(rest),
        "kat" => kat::run(rest),
        "verify" => verify::run(rest),
        "creds" => qemu::run_creds(rest),
        "psk" => qemu::run_psk(rest),
        "priority" => priority::run(rest),
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            0
        }
        other => {
            eprintln!("qtls: unknown command '{other}'\n{USAGE}");
            2
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
