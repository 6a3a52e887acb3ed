//! The text of `gnutls-cli --list --priority STR` (GnuTLS `print_list`),
//! produced from a [`ResolvedPriority`], and the list of everything qtls
//! supports.
//!
//! Only TLS 1.3 cipher suites are listed, since qtls negotiates no other;
//! the Protocols/Ciphers/MACs/Key Exchange/Groups/PK-signatures lines are
//! GnuTLS's raw lists, exactly as gnutls-cli prints them.

use super::algs::{Cipher, Group, Kx, Mac, Sign, Version};
use super::{PriorityError, ResolvedPriority, SystemConfig};
use crate::codec::enums::{CipherSuite, NamedGroup};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// What a `--list` run prints and returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOutput {
    /// Standard output.
    pub stdout: String,
    /// Standard error: bytes, because GnuTLS's error position may fall
    /// inside a multi-byte character.
    pub stderr: Vec<u8>,
    /// The exit status (1 when the string is rejected, as gnutls-cli).
    pub exit_code: i32,
}

fn suite_line(out: &mut String, suite: CipherSuite) {
    let [hi, lo] = suite.0.to_be_bytes();
    let name = suite.name().unwrap_or("");
    let _ = writeln!(out, "{name:<50}\t0x{hi:02x}, 0x{lo:02x}\tTLS1.3");
}

fn list_line<T>(out: &mut String, label: &str, items: &[T], name: impl Fn(&T) -> String) {
    out.push_str(label);
    if items.is_empty() {
        out.push_str("none");
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&name(item));
    }
    out.push('\n');
}

fn group_name(g: &Group) -> String {
    format!("GROUP-{}", g.name().unwrap_or("(null)"))
}

/// `gnutls-cli --list --priority <priorities>`.
pub fn list_priority(priorities: &str, system: Option<&SystemConfig>) -> ListOutput {
    let mut stdout = format!("Cipher suites for {priorities}\n");
    let mut stderr = Vec::new();
    let p = match ResolvedPriority::parse_gnutls(priorities, system) {
        Ok(p) => p,
        Err(PriorityError::InvalidRequest { position }) => {
            stderr.extend_from_slice(b"Syntax error at: ");
            stderr.extend_from_slice(priorities.as_bytes().get(position..).unwrap_or(&[]));
            stderr.push(b'\n');
            return ListOutput {
                stdout,
                stderr,
                exit_code: 1,
            };
        }
        Err(e) => {
            stderr.extend_from_slice(format!("Error in priorities: {}\n", e.strerror()).as_bytes());
            return ListOutput {
                stdout,
                stderr,
                exit_code: 1,
            };
        }
    };
    if p.tls13_enabled() {
        for s in p.tls13_suites() {
            suite_line(&mut stdout, *s);
        }
    }
    stdout.push('\n');
    list_line(&mut stdout, "Protocols: ", p.protocols(), |v: &Version| {
        format!("VERS-{}", v.name())
    });
    list_line(&mut stdout, "Ciphers: ", p.ciphers(), |c: &Cipher| {
        c.name().into()
    });
    list_line(&mut stdout, "MACs: ", p.macs(), |m: &Mac| m.name().into());
    list_line(
        &mut stdout,
        "Key Exchange Algorithms: ",
        p.key_exchanges(),
        |k: &Kx| k.name().into(),
    );
    list_line(&mut stdout, "Groups: ", p.groups(), group_name);
    list_line(
        &mut stdout,
        "PK-signatures: ",
        p.signatures(),
        |s: &Sign| format!("SIGN-{}", s.name()),
    );
    if let Err(e) = p.require_tls13() {
        stderr
            .extend_from_slice(format!("qtls: this priority string is unusable: {e}\n").as_bytes());
    }
    ListOutput {
        stdout,
        stderr,
        exit_code: 0,
    }
}

/// Everything qtls can negotiate, in the layout of `gnutls-cli --list`;
/// `groups` are the groups the crypto provider implements.
pub fn list_supported(groups: &[NamedGroup]) -> String {
    let mut out = String::from("Cipher suites:\n");
    for s in crate::suites::ALL_SUITES {
        suite_line(&mut out, s.suite);
    }
    out.push('\n');
    out.push_str("Protocols: VERS-TLS1.3\n");
    let ciphers: Vec<Cipher> = Cipher::ALL
        .iter()
        .copied()
        .filter(|c| c.tls13_suite().is_some())
        .collect();
    list_line(&mut out, "Ciphers: ", &ciphers, |c: &Cipher| {
        c.name().into()
    });
    out.push_str("MACs: AEAD\n");
    list_line(
        &mut out,
        "Key Exchange Algorithms: ",
        &[Kx::EcdhePsk, Kx::DhePsk, Kx::Psk],
        |k: &Kx| k.name().into(),
    );
    let gs: Vec<Group> = Group::ALL
        .iter()
        .copied()
        .filter(|g| g.named_group().is_some_and(|n| groups.contains(&n)))
        .collect();
    list_line(&mut out, "Groups: ", &gs, group_name);
    let signs: Vec<Sign> = Sign::all()
        .filter(|s| {
            s.sem() & super::algs::SEM_TLS13 != 0
                && s.scheme() != Some(crate::codec::enums::SignatureScheme::ED448)
        })
        .collect();
    list_line(&mut out, "PK-signatures: ", &signs, |s: &Sign| {
        format!("SIGN-{}", s.name())
    });
    out
}
