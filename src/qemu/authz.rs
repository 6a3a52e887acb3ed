//! Authorization objects (reference §1.10) and libvirt's
//! `tls_allowed_dn_list` (§4.2): is a peer's distinguished name allowed?
//!
//! Identities are DN strings in GnuTLS's compat format (§1.11), compared as
//! bytes (exact) or with GLib's `g_pattern_match_simple` (glob).

use super::{QemuError, Result, fsutil, qerr};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use std::sync::Mutex;
use std::time::SystemTime;

/// libvirt's message when a client DN matches no `tls_allowed_dn_list` entry.
pub const LIBVIRT_DN_DENIED: &str = "Client's Distinguished Name is not on the list of allowed clients (tls_allowed_dn_list).  Use 'virt-pki-query-dn clientcert.pem' to view the Distinguished Name field in the client certificate, or run this daemon with --verbose option.";

/// An authorization decision of a rule or a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthzPolicy {
    /// Refuse.
    #[default]
    Deny,
    /// Accept.
    Allow,
}

/// How a rule's `match` string is compared with the identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatchFormat {
    /// Byte equality.
    #[default]
    Exact,
    /// GLib `g_pattern_match_simple`: `*` and `?`, whole string, no escapes.
    Glob,
}

/// One rule of an `authz-list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthzRule {
    /// The `match` string.
    pub pattern: String,
    /// The policy returned when the rule matches.
    pub policy: AuthzPolicy,
    /// How `pattern` is compared.
    pub format: MatchFormat,
}

impl AuthzRule {
    fn matches(&self, identity: &str) -> bool {
        match self.format {
            MatchFormat::Exact => self.pattern == identity,
            MatchFormat::Glob => glob_match(&self.pattern, identity),
        }
    }
}

/// An `authz-list`: rules in order, first match decides, else the default.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthzList {
    /// The default policy (`deny` unless set).
    pub policy: AuthzPolicy,
    /// The rules, in order.
    pub rules: Vec<AuthzRule>,
}

impl AuthzList {
    /// Whether `identity` is allowed.
    pub fn is_allowed(&self, identity: &str) -> bool {
        let policy = self
            .rules
            .iter()
            .find(|r| r.matches(identity))
            .map_or(self.policy, |r| r.policy);
        policy == AuthzPolicy::Allow
    }

    /// Parses the JSON object form (`{"policy": ..., "rules": [...]}`) used
    /// by `authz-listfile` files and `-object authz-list` in JSON syntax.
    pub fn from_json(value: &serde_json::Value) -> Result<Self> {
        let Some(obj) = value.as_object() else {
            return qerr!("Invalid parameter type, expected: object");
        };
        let mut list = AuthzList::default();
        for (k, v) in obj {
            match k.as_str() {
                "policy" => list.policy = policy_from_json("policy", v)?,
                "rules" => {
                    let Some(rules) = v.as_array() else {
                        return qerr!("Invalid parameter type for 'rules', expected: array");
                    };
                    for (i, r) in rules.iter().enumerate() {
                        list.rules.push(rule_from_json(i, r)?);
                    }
                }
                other => return qerr!("Parameter '{other}' is unexpected"),
            }
        }
        Ok(list)
    }
}

fn policy_from_json(name: &str, v: &serde_json::Value) -> Result<AuthzPolicy> {
    match v.as_str() {
        Some("deny") => Ok(AuthzPolicy::Deny),
        Some("allow") => Ok(AuthzPolicy::Allow),
        Some(other) => qerr!("Parameter '{name}' does not accept value '{other}'"),
        None => qerr!("Invalid parameter type for '{name}', expected: string"),
    }
}

fn rule_from_json(i: usize, v: &serde_json::Value) -> Result<AuthzRule> {
    let Some(obj) = v.as_object() else {
        return qerr!("Invalid parameter type for 'rules[{i}]', expected: object");
    };
    let mut pattern = None;
    let mut policy = None;
    let mut format = MatchFormat::Exact;
    for (k, v) in obj {
        match k.as_str() {
            "match" => match v.as_str() {
                Some(s) => pattern = Some(s.to_string()),
                None => {
                    return qerr!(
                        "Invalid parameter type for 'rules[{i}].match', expected: string"
                    );
                }
            },
            "policy" => policy = Some(policy_from_json(&alloc::format!("rules[{i}].policy"), v)?),
            "format" => {
                format = match v.as_str() {
                    Some("exact") => MatchFormat::Exact,
                    Some("glob") => MatchFormat::Glob,
                    Some(other) => {
                        return qerr!(
                            "Parameter 'rules[{i}].format' does not accept value '{other}'"
                        );
                    }
                    None => {
                        return qerr!(
                            "Invalid parameter type for 'rules[{i}].format', expected: string"
                        );
                    }
                }
            }
            other => return qerr!("Parameter 'rules[{i}].{other}' is unexpected"),
        }
    }
    let Some(pattern) = pattern else {
        return qerr!("Parameter 'rules[{i}].match' is missing");
    };
    let Some(policy) = policy else {
        return qerr!("Parameter 'rules[{i}].policy' is missing");
    };
    Ok(AuthzRule {
        pattern,
        policy,
        format,
    })
}

/// An `authz-listfile`: an `authz-list` kept in a JSON file.
#[derive(Debug)]
pub struct AuthzListFile {
    filename: String,
    refresh: bool,
    /// The last load: the list (None after a failed reload) and the file
    /// stamp it came from.
    state: Mutex<(Option<AuthzList>, Option<FileStamp>)>,
}

impl AuthzListFile {
    /// Creates the object and loads the file (QEMU's `complete`). With
    /// `refresh`, the file is re-read whenever it changes; a reload that
    /// fails denies everyone until the file is fixed.
    pub fn new(filename: Option<&str>, refresh: bool) -> Result<Self> {
        let Some(filename) = filename else {
            return qerr!("filename not provided");
        };
        if refresh && !filename.starts_with('/') {
            return qerr!("Filename must be an absolute path");
        }
        let list = load_list_file(filename)?;
        Ok(Self {
            filename: filename.to_string(),
            refresh,
            state: Mutex::new((Some(list), stamp(filename))),
        })
    }

    /// Whether `identity` is allowed by the current list.
    pub fn is_allowed(&self, identity: &str) -> bool {
        let Ok(mut state) = self.state.lock() else {
            return false;
        };
        if self.refresh {
            let now = stamp(&self.filename);
            if now != state.1 {
                state.0 = load_list_file(&self.filename).ok();
                state.1 = now;
            }
        }
        state.0.as_ref().is_some_and(|l| l.is_allowed(identity))
    }
}

/// A file's modification time and length: a change means reload.
type FileStamp = (SystemTime, u64);

fn stamp(path: &str) -> Option<FileStamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

fn load_list_file(filename: &str) -> Result<AuthzList> {
    let bytes = fsutil::file_get_contents(filename)
        .map_err(|m| QemuError::new(alloc::format!("Unable to read '{filename}': {m}")))?;
    let value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => return qerr!("JSON parse error, {e}"),
    };
    if !value.is_object() {
        return qerr!("File '{filename}' must contain a JSON object");
    }
    AuthzList::from_json(&value)
}

/// A QEMU authorization object.
#[derive(Debug)]
pub enum Authz {
    /// `authz-simple`: exactly one allowed identity.
    Simple(String),
    /// `authz-list`.
    List(AuthzList),
    /// `authz-listfile`.
    ListFile(AuthzListFile),
}

impl Authz {
    /// `authz-simple` with its required `identity` property.
    pub fn simple(identity: Option<&str>) -> Result<Self> {
        match identity {
            Some(i) => Ok(Authz::Simple(i.to_string())),
            None => qerr!("The 'identity' property must be set"),
        }
    }

    /// Whether `identity` is allowed.
    pub fn is_allowed(&self, identity: &str) -> Result<bool> {
        Ok(match self {
            Authz::Simple(i) => i == identity,
            Authz::List(l) => l.is_allowed(identity),
            Authz::ListFile(f) => f.is_allowed(identity),
        })
    }
}

/// libvirt's `tls_allowed_dn_list`: unset allows everyone, an empty list
/// nobody, else any glob matching the DN allows.
pub fn libvirt_dn_allowed(allowed: Option<&[String]>, dn: &str) -> bool {
    match allowed {
        None => true,
        Some(list) => list.iter().any(|p| glob_match(p, dn)),
    }
}

/// GLib `g_pattern_match_simple`: `*` matches any run of characters
/// (including none), `?` exactly one character, everything else itself;
/// no escapes, no classes, whole-string match. Works on characters, not
/// bytes, as GLib's UTF-8 matcher does.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matcher with single backtrack point: linear in practice,
    // O(|p|·|t|) worst case, no recursion on untrusted input.
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi = pi.saturating_add(1);
            }
            Some(c) if *c == '?' || Some(c) == t.get(ti) => {
                pi = pi.saturating_add(1);
                ti = ti.saturating_add(1);
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp.saturating_add(1);
                    ti = st.saturating_add(1);
                    star = Some((sp, ti));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qemu::{Object, Objects};

    #[test]
    fn glob_semantics() {
        // Q-TEST vectors: allowed patterns against DN C=UK,CN=qemu.
        for p in ["C=UK,CN=qemu", "C=UK,CN=qemu*", "C=UK,CN=*emu*"] {
            assert!(glob_match(p, "C=UK,CN=qemu"), "{p}");
        }
        for p in ["C=UK,CN=dogfood", "C=UK,CN=qemustuff"] {
            assert!(!glob_match(p, "C=UK,CN=qemu"), "{p}");
        }
        assert!(glob_match("*", ""));
        assert!(!glob_match("?", ""));
        assert!(glob_match("?", "é"));
        assert!(glob_match("a/*", "a/b/c"));
        // No escapes and no classes.
        assert!(glob_match("\\*", "\\xyz"));
        assert!(!glob_match("[a]", "a"));
        assert!(glob_match("[a]", "[a]"));
        assert!(glob_match("*a*b*c", "xxaxxbxxbc"));
        assert!(!glob_match("*a*b*c", "xxaxxbxxb"));
    }

    #[test]
    fn list_rules_in_order() {
        let v: serde_json::Value = serde_json::from_str(
            r#"{"rules":[{"match":"fred","policy":"allow","format":"exact"},
                        {"match":"bob","policy":"allow","format":"exact"},
                        {"match":"danb","policy":"deny","format":"glob"},
                        {"match":"dan*","policy":"allow","format":"exact"}],
                "policy":"deny"}"#,
        )
        .unwrap();
        let l = AuthzList::from_json(&v).unwrap();
        assert!(l.is_allowed("fred"));
        assert!(!l.is_allowed("danb"));
        // "dan*" is exact in this rule: only the literal string matches.
        assert!(!l.is_allowed("dan"));
        assert!(l.is_allowed("dan*"));
        assert!(!l.is_allowed("eve"));
    }

    #[test]
    fn messages() {
        assert_eq!(
            Authz::simple(None).unwrap_err().message(),
            "The 'identity' property must be set"
        );
        assert_eq!(
            AuthzListFile::new(None, true).unwrap_err().message(),
            "filename not provided"
        );
        assert_eq!(
            AuthzListFile::new(Some("rel.json"), true)
                .unwrap_err()
                .message(),
            "Filename must be an absolute path"
        );
        let o = Objects::new();
        assert_eq!(
            o.authz_is_allowed("a", "x").unwrap_err().message(),
            "Cannot find QAuthZ object ID a"
        );
        o.add("s", Object::Other("secret".into())).unwrap();
        assert_eq!(
            o.authz_is_allowed("s", "x").unwrap_err().message(),
            "Object 's' is not a QAuthZ subclass"
        );
        o.add(
            "a",
            Object::Authz(Authz::simple(Some("C=GB,CN=x")).unwrap()),
        )
        .unwrap();
        assert!(o.authz_is_allowed("a", "C=GB,CN=x").unwrap());
        assert!(!o.authz_is_allowed("a", "C=GB,CN=y").unwrap());
    }

    #[test]
    fn listfile_reload() {
        let dir = std::env::temp_dir().join(alloc::format!("qtls-authz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("acl.json");
        let p = f.to_str().unwrap();
        assert_eq!(
            AuthzListFile::new(Some(p), true).unwrap_err().message(),
            alloc::format!(
                "Unable to read '{p}': Failed to open file “{p}”: No such file or directory"
            )
        );
        std::fs::write(&f, "[1]").unwrap();
        assert_eq!(
            AuthzListFile::new(Some(p), true).unwrap_err().message(),
            alloc::format!("File '{p}' must contain a JSON object")
        );
        std::fs::write(&f, r#"{"policy":"allow","rules":[{"match":"C=GB,CN=*evil*","policy":"deny","format":"glob"}]}"#).unwrap();
        let a = AuthzListFile::new(Some(p), true).unwrap();
        assert!(a.is_allowed("C=GB,CN=good"));
        assert!(!a.is_allowed("C=GB,CN=so-evil"));
        // A broken rewrite denies everyone until fixed.
        std::fs::write(&f, "{not json").unwrap();
        assert!(!a.is_allowed("C=GB,CN=good"));
        std::fs::write(&f, r#"{"policy":"allow"}"#).unwrap();
        assert!(a.is_allowed("C=GB,CN=so-evil"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn libvirt_list() {
        let dn = "C=GB,ST=London,L=London,O=Red Hat,CN=client";
        assert!(libvirt_dn_allowed(None, dn));
        assert!(!libvirt_dn_allowed(Some(&[]), dn));
        let l = ["C=GB,ST=London,L=London,O=Red Hat,CN=*".to_string()];
        assert!(libvirt_dn_allowed(Some(&l), dn));
        assert!(!libvirt_dn_allowed(Some(&l), "C=US,CN=client"));
    }
}
