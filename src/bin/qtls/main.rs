//! `qtls`: the command-line face of the engine.
#![forbid(unsafe_code)]

mod verify;

use std::process::ExitCode;

const USAGE: &str = "usage: qtls <command> [options]

commands:
  verify   validate a certificate chain for a host name and purpose
";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = argv.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let code = match cmd.as_str() {
        "verify" => verify::run(rest),
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
