//! `qtls priority`: GnuTLS priority strings as qtls reads them.
//!
//! `qtls priority --list STR` prints what `gnutls-cli --list --priority STR`
//! prints (TLS 1.3 suites only), with the same errors and exit status;
//! `qtls priority --list` prints everything qtls supports.

use qtls::policy::{ConfigSyntaxError, list_priority, list_supported, load_system_config};
use std::io::Write;

const USAGE: &str = "usage: qtls priority --list [PRIORITY-STRING]

  --list STR   resolve STR as GnuTLS does and print it as `gnutls-cli --list --priority STR`
  --list       print every suite, group and signature algorithm qtls supports

@KEYWORD strings are resolved from $GNUTLS_SYSTEM_PRIORITY_FILE (default /etc/gnutls/config).
";

/// Runs `qtls priority ARGS`; returns the exit status.
pub fn run(args: &[String]) -> i32 {
    match args {
        [flag] if flag == "--list" || flag == "-l" => {
            let provider = qtls::provider::aws_lc::default_provider();
            print!("{}", list_supported(provider.supported_groups()));
            0
        }
        [flag, prio] if flag == "--list" || flag == "-l" => list(prio),
        [flag] if flag == "-h" || flag == "--help" => {
            print!("{USAGE}");
            0
        }
        _ => {
            eprint!("{USAGE}");
            2
        }
    }
}

fn list(prio: &str) -> i32 {
    let system = match load_system_config() {
        Ok(s) => s,
        Err(ConfigSyntaxError { line }) => {
            // GnuTLS exits when told to fail on an invalid configuration.
            eprintln!("qtls: the system priority file is invalid at line {line}");
            return 1;
        }
    };
    let out = list_priority(prio, system.as_ref());
    print!("{}", out.stdout);
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().write_all(&out.stderr);
    out.exit_code
}
