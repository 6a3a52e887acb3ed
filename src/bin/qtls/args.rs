//! A small command-line parser: `--name value`, `--name=value`, flags and
//! positional arguments, with each command declaring which options take a value.

use std::collections::HashMap;

/// Parsed arguments.
#[derive(Debug, Default)]
pub struct Args {
    pub positional: Vec<String>,
    values: HashMap<String, Vec<String>>,
    flags: Vec<String>,
}

impl Args {
    /// Parses `argv`; `with_value` lists options that take a value, `flags`
    /// those that do not. Anything else is an error.
    pub fn parse(argv: &[String], with_value: &[&str], flags: &[&str]) -> Result<Args, String> {
        let mut a = Args::default();
        let mut it = argv.iter();
        while let Some(arg) = it.next() {
            if let Some(name) = arg.strip_prefix("--") {
                let (name, inline) = match name.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (name, None),
                };
                if with_value.contains(&name) {
                    let v = match inline {
                        Some(v) => v,
                        None => it.next().ok_or(format!("--{name} needs a value"))?.clone(),
                    };
                    a.values.entry(name.to_string()).or_default().push(v);
                } else if flags.contains(&name) {
                    if inline.is_some() {
                        return Err(format!("--{name} takes no value"));
                    }
                    a.flags.push(name.to_string());
                } else {
                    return Err(format!("unknown option --{name}"));
                }
            } else {
                a.positional.push(arg.clone());
            }
        }
        Ok(a)
    }

    /// The last value of an option.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Every value of a repeatable option, in order.
    pub fn values(&self, name: &str) -> &[String] {
        self.values.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether a flag was given.
    pub fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn parses_forms() {
        let a = Args::parse(
            &s(&["h:1", "--ca", "x", "--cert=y", "--echo", "--cert", "z"]),
            &["ca", "cert"],
            &["echo"],
        )
        .unwrap();
        assert_eq!(a.positional, ["h:1"]);
        assert_eq!(a.value("ca"), Some("x"));
        assert_eq!(a.values("cert"), ["y", "z"]);
        assert!(a.flag("echo"));
        assert_eq!(
            Args::parse(&s(&["--nope"]), &[], &[]).unwrap_err(),
            "unknown option --nope"
        );
        assert_eq!(
            Args::parse(&s(&["--ca"]), &["ca"], &[]).unwrap_err(),
            "--ca needs a value"
        );
    }
}
