//! The system-wide configuration (`@KEYWORD` priority strings and the
//! `[overrides]` that disable algorithms everywhere), parsed from the text of
//! GnuTLS's configuration file. No I/O here: the std layer reads the file
//! named by `GNUTLS_SYSTEM_PRIORITY_FILE` or the default path.
//!
//! The file is INI as GnuTLS's bundled inih reads it: `[section]` lines,
//! `name = value` or `name : value` pairs, `;`/`#` comment lines and inline
//! comments after whitespace, and lines starting with whitespace continuing
//! the previous value. One malformed line makes GnuTLS ignore the whole file.

use super::algs::{Cipher, Group, Kx, Mac, Sign, Version};
use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

/// Algorithms the configuration disables for every priority string
/// (blocklist mode).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `tls-disabled-cipher`
    pub disabled_ciphers: Vec<Cipher>,
    /// `tls-disabled-mac`
    pub disabled_macs: Vec<Mac>,
    /// `tls-disabled-group`
    pub disabled_groups: Vec<Group>,
    /// `tls-disabled-kx`
    pub disabled_kx: Vec<Kx>,
    /// `disabled-version`
    pub disabled_versions: Vec<Version>,
    /// `disabled-curve` (groups on these curves become unusable)
    pub disabled_curves: Vec<Group>,
    /// `insecure-sig`
    pub insecure_signs: Vec<Sign>,
    /// `insecure-hash` (digest names, upper case)
    pub insecure_hashes: Vec<String>,
}

/// A parsed system configuration file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemConfig {
    priorities: Vec<(String, String)>,
    overrides: Overrides,
    /// `[overrides]` entries, applied once the file is read (GnuTLS reads
    /// `[global]` first, so the mode is known before any override).
    raw_overrides: Vec<(String, String)>,
    allowlisting: bool,
}

/// The configuration file is malformed (GnuTLS then ignores all of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigSyntaxError {
    /// The first malformed line, counting from 1.
    pub line: usize,
}

/// C's `isspace` in the "C" locale (Rust's ASCII whitespace lacks `\v`).
pub(crate) const fn c_isspace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// Byte index of the first of `chars`, or of an inline comment (`;` or `#`
/// after whitespace), or the end.
fn find_chars_or_comment(s: &str, chars: &str) -> usize {
    let mut was_space = false;
    for (i, c) in s.char_indices() {
        if chars.contains(c) || (was_space && matches!(c, ';' | '#')) {
            return i;
        }
        was_space = c_isspace(c);
    }
    s.len()
}

fn strip(s: &str) -> &str {
    s.trim_matches(c_isspace)
}

/// GnuTLS's `clear_spaces`: the first whitespace-delimited word.
fn first_word(s: &str) -> &str {
    s.trim_start_matches(c_isspace)
        .split(c_isspace)
        .next()
        .unwrap_or("")
}

impl SystemConfig {
    /// Parses the text of a configuration file.
    pub fn parse(text: &str) -> Result<Self, ConfigSyntaxError> {
        let mut cfg = SystemConfig::default();
        let mut section = String::new();
        let mut prev_name: Option<String> = None;
        let mut error: Option<usize> = None;
        for (idx, raw) in text.split('\n').enumerate() {
            let lineno = idx.saturating_add(1);
            let raw = if idx == 0 {
                raw.strip_prefix('\u{feff}').unwrap_or(raw)
            } else {
                raw
            };
            let start = strip(raw);
            let indented = start.len() != raw.trim_end_matches(c_isspace).len();
            if start.is_empty() || start.starts_with(';') || start.starts_with('#') {
                continue;
            }
            if let (Some(name), true) = (prev_name.as_deref(), indented) {
                // A continuation line: another value for the previous name.
                let end = find_chars_or_comment(start, "");
                let value = strip(start.get(..end).unwrap_or(""));
                let name = String::from(name);
                cfg.handle(&section, &name, value);
            } else if let Some(rest) = start.strip_prefix('[') {
                let end = find_chars_or_comment(rest, "]");
                match rest.get(end..) {
                    Some(tail) if tail.starts_with(']') => {
                        section = String::from(rest.get(..end).unwrap_or(""));
                        prev_name = None;
                    }
                    _ => {
                        error.get_or_insert(lineno);
                    }
                }
            } else {
                let end = find_chars_or_comment(start, "=:");
                match (start.get(..end), start.get(end..)) {
                    (Some(name), Some(tail)) if tail.starts_with(['=', ':']) => {
                        let name = name.trim_end_matches(c_isspace);
                        let value = tail.get(1..).unwrap_or("");
                        let vend = find_chars_or_comment(value, "");
                        let value = strip(value.get(..vend).unwrap_or(""));
                        prev_name = (!name.is_empty()).then(|| String::from(name));
                        cfg.handle(&section, name, value);
                    }
                    _ => {
                        error.get_or_insert(lineno);
                    }
                }
            }
        }
        if let Some(line) = error {
            return Err(ConfigSyntaxError { line });
        }
        // Allowlisting files use other names, which qtls does not implement.
        if !cfg.allowlisting {
            for (name, value) in core::mem::take(&mut cfg.raw_overrides) {
                cfg.handle_override(&name, first_word(&value));
            }
        }
        cfg.raw_overrides.clear();
        Ok(cfg)
    }

    fn handle(&mut self, section: &str, name: &str, value: &str) {
        if section.is_empty() || section.eq_ignore_ascii_case("priorities") {
            self.priorities
                .push((String::from(name), String::from(value)));
        } else if section.eq_ignore_ascii_case("global") {
            if name.eq_ignore_ascii_case("override-mode") {
                self.allowlisting = first_word(value).eq_ignore_ascii_case("allowlist");
            }
        } else if section.eq_ignore_ascii_case("overrides") {
            self.raw_overrides
                .push((String::from(name), String::from(value)));
        }
    }

    fn handle_override(&mut self, name: &str, v: &str) {
        let o = &mut self.overrides;
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        // Unknown names are skipped, as GnuTLS does unless told to fail.
        if is("tls-disabled-cipher") {
            o.disabled_ciphers.extend(Cipher::from_name(v));
        } else if is("tls-disabled-mac") {
            o.disabled_macs.extend(Mac::from_name(v));
        } else if is("tls-disabled-group") {
            o.disabled_groups
                .extend(Group::from_name(v).filter(|g| g.supported()));
        } else if is("tls-disabled-kx") {
            o.disabled_kx.extend(Kx::from_name(v));
        } else if is("disabled-version") {
            o.disabled_versions.extend(Version::from_name(v));
        } else if is("disabled-curve") {
            o.disabled_curves.extend(Group::from_curve_name(v));
        } else if is("insecure-sig") {
            o.insecure_signs.extend(Sign::from_name(v));
        } else if is("insecure-hash") {
            o.insecure_hashes.push(v.to_ascii_uppercase());
        }
    }

    /// The value of the first `[priorities]` entry named exactly `keyword`.
    pub fn priority(&self, keyword: &str) -> Option<&str> {
        self.priorities
            .iter()
            .find(|(n, _)| n == keyword)
            .map(|(_, v)| v.as_str())
    }

    /// The algorithms disabled system-wide.
    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }

    /// True when the file selects allowlisting mode (`override-mode =
    /// allowlist`), which qtls does not implement: such files are read as
    /// blocklists and their `[overrides]` as if absent.
    pub fn is_allowlisting(&self) -> bool {
        self.allowlisting
    }
}

/// `_gnutls_resolve_priorities`: skips leading whitespace and expands
/// `@KW1,KW2[:rest]` to `<value of the first keyword found>[:rest]`.
/// `None` when no keyword is found.
pub(crate) fn resolve<'a>(priorities: &'a str, sys: Option<&SystemConfig>) -> Option<Cow<'a, str>> {
    let p = priorities.trim_start_matches(c_isspace);
    let Some(ss) = p.strip_prefix('@') else {
        return Some(Cow::Borrowed(p));
    };
    // Index just past the first ':', where the appended items start.
    let additional = ss.find(':').map(|i| i.saturating_add(1));
    let mut start = Some(0usize);
    while let Some(s) = start {
        let comma = ss
            .get(s..)
            .and_then(|r| r.find(','))
            .map(|i| i.saturating_add(s));
        // A comma beyond the ':' belongs to the appended items.
        let next = match (comma, additional) {
            (Some(c), Some(a)) if c > a => None,
            (Some(c), _) => Some(c.saturating_add(1)),
            (None, _) => None,
        };
        // GnuTLS computes lengths with unsigned arithmetic; a negative one
        // names no keyword.
        let len = match (next, additional) {
            (Some(n), _) => n.checked_sub(s).and_then(|d| d.checked_sub(1)),
            (None, Some(a)) => a.checked_sub(s).and_then(|d| d.checked_sub(1)),
            (None, None) => ss.len().checked_sub(s),
        };
        let keyword = len.and_then(|l| ss.get(s..s.saturating_add(l)));
        let value = keyword.and_then(|k| sys.and_then(|c| c.priority(k)));
        if let Some(v) = value {
            let mut out = String::from(v);
            if let Some(extra) = additional.and_then(|a| ss.get(a..)) {
                out.push(':');
                out.push_str(extra);
            }
            return Some(Cow::Owned(out));
        }
        start = next;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> SystemConfig {
        SystemConfig::parse(text).unwrap()
    }

    #[test]
    fn ini_rules_observed_with_gnutls_3_7_9() {
        let c = cfg(
            "A1 = NORMAL\n  A2=NORMAL\nA3=NORMAL   \nA4=NORMAL ; comment\nA5=NORMAL # c\n\
                     A6 : NORMAL\n[other]\nA7=NORMAL\n[PRIORITIES]\nA8=NORMAL\n[global]\nA9=NORMAL\n\
                     [priorities] ; x\nB1=NORMAL#c\nB2=NORMAL;x\nB3=NORMAL\t;x\nB7 = \"NORMAL\"\n\
                     [ priorities ]\nB8=NORMAL\n[]\nA10=NORMAL\n",
        );
        assert_eq!(c.priority("A1"), Some("NORMAL"));
        // Indented: a continuation of A1's value, not a key.
        assert_eq!(c.priority("A2"), None);
        assert_eq!(c.priority("A3"), Some("NORMAL"));
        assert_eq!(c.priority("A4"), Some("NORMAL"));
        assert_eq!(c.priority("A5"), Some("NORMAL"));
        assert_eq!(c.priority("A6"), Some("NORMAL"));
        assert_eq!(c.priority("A7"), None);
        assert_eq!(c.priority("A8"), Some("NORMAL"));
        assert_eq!(c.priority("A9"), None);
        assert_eq!(c.priority("B1"), Some("NORMAL#c"));
        assert_eq!(c.priority("B2"), Some("NORMAL;x"));
        assert_eq!(c.priority("B3"), Some("NORMAL"));
        assert_eq!(c.priority("B7"), Some("\"NORMAL\""));
        assert_eq!(c.priority("B8"), None);
        assert_eq!(c.priority("A10"), Some("NORMAL"));
        assert_eq!(c.priority("a1"), None, "keywords are case-sensitive");
    }

    #[test]
    fn first_line_may_be_indented_and_bom_is_skipped() {
        assert_eq!(cfg("  B0 = NORMAL\n").priority("B0"), Some("NORMAL"));
        assert_eq!(cfg("\u{feff}C1=NORMAL\n").priority("C1"), Some("NORMAL"));
    }

    #[test]
    fn malformed_lines_reject_the_file() {
        assert_eq!(
            SystemConfig::parse("E1=NORMAL\n[unterminated\nE2=NORMAL\n"),
            Err(ConfigSyntaxError { line: 2 })
        );
        assert_eq!(
            SystemConfig::parse("B4 NORMAL\n"),
            Err(ConfigSyntaxError { line: 1 })
        );
        // An empty name is legal.
        assert_eq!(cfg("=NORMAL\n").priority(""), Some("NORMAL"));
    }

    #[test]
    fn overrides_are_collected() {
        let c = cfg(
            "[overrides]\ntls-disabled-cipher = AES-128-CBC extra\nTLS-DISABLED-GROUP=X448\n\
                     tls-disabled-group=GC256A\ndisabled-version = tls1.1\ninsecure-sig=RSA-SHA1\n\
                     insecure-hash = sha1\ntls-disabled-mac = FOO\n",
        );
        let o = c.overrides();
        assert_eq!(o.disabled_ciphers, [Cipher::Aes128Cbc]);
        assert_eq!(o.disabled_groups, [Group::X448]);
        assert_eq!(o.disabled_versions, [Version::Tls11]);
        assert_eq!(
            o.insecure_signs,
            Sign::from_name("RSA-SHA1").into_iter().collect::<Vec<_>>()
        );
        assert_eq!(o.insecure_hashes, ["SHA1"]);
        assert!(o.disabled_macs.is_empty());
        assert!(!c.is_allowlisting());
        let allow = cfg(
            "[overrides]\ntls-disabled-cipher = AES-128-CBC\n[global]\noverride-mode = allowlist\n",
        );
        assert!(allow.is_allowlisting());
        assert_eq!(allow.overrides(), &Overrides::default());
    }

    #[test]
    fn resolution_of_keywords() {
        let c = cfg("[priorities]\nSYSTEM = NORMAL:-VERS-TLS1.0\nQEMU=SECURE192\nEMPTY=\n=ANON\n");
        let r = |s| resolve(s, Some(&c)).map(|v| v.into_owned());
        assert_eq!(r("NORMAL").as_deref(), Some("NORMAL"));
        assert_eq!(r(" \t\x0bNORMAL").as_deref(), Some("NORMAL"));
        assert_eq!(r("@SYSTEM").as_deref(), Some("NORMAL:-VERS-TLS1.0"));
        assert_eq!(
            r("@SYSTEM:+AES-128-GCM").as_deref(),
            Some("NORMAL:-VERS-TLS1.0:+AES-128-GCM")
        );
        assert_eq!(r("@SYSTEM:").as_deref(), Some("NORMAL:-VERS-TLS1.0:"));
        assert_eq!(r("@NOPE,QEMU,SYSTEM").as_deref(), Some("SECURE192"));
        assert_eq!(r("@system"), None);
        assert_eq!(r("@NOPE"), None);
        assert_eq!(r("@SYSTEM :x"), None);
        assert_eq!(r("@EMPTY,SYSTEM").as_deref(), Some(""));
        assert_eq!(r("@,SYSTEM").as_deref(), Some("ANON"));
        assert_eq!(r("@").as_deref(), Some("ANON"));
        // A comma after the ':' belongs to the appended items.
        assert_eq!(r("@QEMU:+A,B").as_deref(), Some("SECURE192:+A,B"));
        // A comma right after the ':' still splits keywords ("QEMU:" is
        // one, and no name holds a ':'); what follows has a negative length.
        assert_eq!(r("@QEMU:,SYSTEM"), None);
        assert_eq!(r("@QEMU,:x").as_deref(), Some("SECURE192:x"));
        assert_eq!(resolve("@SYSTEM", None), None);
    }
}
