//! `qtls verify`: validates a certificate chain from files the way a qtls
//! client (or server, for client certificates) would, and says why when it
//! does not validate.
//!
//! Exit status: 0 when the chain is valid for the name and purpose, 1 with
//! the reason on stderr when it is not, 2 when the input cannot be used
//! (unreadable file, no certificate in it, malformed arguments).

use qtls::time::UnixTime;
use qtls::x509::{
    Certificate, NameMode, Options, Profile, Purpose, Reason, ReferenceName, Verifier, VerifyError,
    dn_string,
};
use std::net::IpAddr;

const USAGE: &str =
    "usage: qtls verify --ca TRUSTED.pem [--untrusted INTERMEDIATES.pem] --cert LEAF.pem
                   [--time 2024-01-01T00:00:00Z] (--host NAME | --ip ADDR)
                   [--email ADDR]... [--purpose server|client|email|any]
                   [--crl CRLS.pem] [--max-depth N] [--key-usage BITS]
                   [--profile compat|rfc5280|webpki] [--strict] [--allow-sha1]

  --ca FILE         trusted CA certificates (PEM, several allowed; or one DER)
  --untrusted FILE  intermediate certificates to build the path with
  --cert FILE       the certificate to check, optionally followed by its chain
  --time T          validation time, RFC 3339 (default: now)
  --host NAME       expected server host name (an address literal is matched
                    against iPAddress names only)
  --ip ADDR         expected server IP address
  --email ADDR      an e-mail address the leaf must carry as an rfc822Name
                    SAN (repeatable; all must match)
  --purpose P       server (default), client, email (S/MIME: emailProtection,
                    no digitalSignature requirement) or any (no extKeyUsage
                    check); --host/--ip are required for server
  --crl FILE        certificate revocation lists (PEM, several allowed)
  --max-depth N     maximum number of intermediate certificates (default 8)
  --key-usage BITS  keyUsage bits the leaf must have when it has the
                    extension, comma-separated RFC 5280 names
                    (digitalSignature, keyEncipherment, ...); 'none' for no
                    requirement (default: digitalSignature, none for email)
  --profile P       certificate profile: webpki (default: RFC 5280 plus the
                    CA/Browser Forum rules, what public conformance corpora
                    expect), rfc5280, or compat (GnuTLS-like, what the engine
                    applies to QEMU credential directories)
  --strict          RFC 9525 name matching: never fall back to the subject CN
  --allow-sha1      accept SHA-1 signatures
  Options --ca, --untrusted and --crl may be repeated.
";

/// An input problem: exit status 2 with this message.
struct Unusable(String);

#[derive(Default)]
struct Args {
    ca: Vec<String>,
    untrusted: Vec<String>,
    cert: Option<String>,
    time: Option<String>,
    host: Option<String>,
    ip: Option<String>,
    purpose: Option<String>,
    crl: Vec<String>,
    max_depth: Option<String>,
    email: Vec<String>,
    key_usage: Option<String>,
    profile: Option<String>,
    strict: bool,
    allow_sha1: bool,
}

fn parse_args(args: &[String]) -> Result<Args, Unusable> {
    let mut out = Args::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| Unusable(format!("option {flag} needs a value")))
        };
        match flag.as_str() {
            "--ca" => out.ca.push(value()?),
            "--untrusted" => out.untrusted.push(value()?),
            "--crl" => out.crl.push(value()?),
            "--cert" => out.cert = Some(value()?),
            "--time" => out.time = Some(value()?),
            "--host" => out.host = Some(value()?),
            "--ip" => out.ip = Some(value()?),
            "--purpose" => out.purpose = Some(value()?),
            "--max-depth" => out.max_depth = Some(value()?),
            "--email" => out.email.push(value()?),
            "--key-usage" => out.key_usage = Some(value()?),
            "--profile" => out.profile = Some(value()?),
            "--strict" => out.strict = true,
            "--allow-sha1" => out.allow_sha1 = true,
            other => return Err(Unusable(format!("unknown option '{other}'"))),
        }
    }
    Ok(out)
}

/// Parses an RFC 3339 date-time (`2024-01-01T00:00:00Z`, optional
/// fraction, `Z` or a numeric offset) to UNIX seconds (fractions dropped).
pub(crate) fn parse_rfc3339(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from.checked_add(len)?)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    let sep = |at: usize, c: &[u8]| b.get(at).is_some_and(|x| c.contains(x));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let mut pos = 19;
    if sep(pos, b".") {
        pos += 1;
        let start = pos;
        while b.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        if pos == start {
            return None;
        }
    }
    let offset = match b.get(pos..)? {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), ..] if b.len() == pos + 6 && sep(pos + 3, b":") => {
            let (h, m) = (num(pos + 1, 2)?, num(pos + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'+' {
                minutes * 60
            } else {
                -minutes * 60
            }
        }
        _ => return None,
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    // RFC 3339 §5.6 allows a leap second (60); it is counted as :59.
    if day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Days since the epoch (H. Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let unix = days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset;
    u64::try_from(unix).ok()
}

/// The DER certificates (or CRLs) of a PEM or DER file.
fn read_objects(path: &str, what: &str, pem_labels: &[&str]) -> Result<Vec<Vec<u8>>, Unusable> {
    let data = std::fs::read(path).map_err(|e| Unusable(format!("cannot read {path}: {e}")))?;
    if !data.windows(11).any(|w| w == b"-----BEGIN ") {
        // Not PEM: a single DER object.
        if data.first() == Some(&0x30) {
            return Ok(vec![data]);
        }
        return Err(Unusable(format!("no {what} found in {path}")));
    }
    let blocks = qtls::pem::decode_all(&data).map_err(|e| Unusable(format!("{path}: {e}")))?;
    let out: Vec<Vec<u8>> = blocks
        .into_iter()
        .filter(|(label, _)| pem_labels.contains(&label.as_str()))
        .map(|(_, der)| der.to_vec())
        .collect();
    if out.is_empty() {
        return Err(Unusable(format!("no {what} found in {path}")));
    }
    Ok(out)
}

const CERT_LABELS: &[&str] = &["CERTIFICATE", "X509 CERTIFICATE"];
const CRL_LABELS: &[&str] = &["X509 CRL"];

fn describe(der: &[u8]) -> String {
    Certificate::parse(der)
        .ok()
        .and_then(|c| dn_string(c.subject_der()))
        .unwrap_or_else(|| "<unparsable>".to_string())
}

fn run_inner(args: &[String]) -> Result<i32, Unusable> {
    let a = parse_args(args)?;
    let cert_file = a
        .cert
        .clone()
        .ok_or_else(|| Unusable("--cert is required".into()))?;
    if a.ca.is_empty() {
        return Err(Unusable("--ca is required".into()));
    }
    let purpose = match a.purpose.as_deref() {
        None | Some("server") => Purpose::ServerAuth,
        Some("client") => Purpose::ClientAuth,
        Some("email") => Purpose::EmailProtection,
        Some("any") => Purpose::Any,
        Some(other) => {
            return Err(Unusable(format!(
                "unknown purpose '{other}' (server, client, email or any)"
            )));
        }
    };
    let mut emails = Vec::new();
    for e in &a.email {
        emails.push(
            ReferenceName::email(e)
                .map_err(|_| Unusable(format!("--email '{e}' is not an e-mail address")))?,
        );
    }
    let reference = match (&a.host, &a.ip) {
        (Some(_), Some(_)) => return Err(Unusable("give --host or --ip, not both".into())),
        (Some(h), None) => Some(h.clone()),
        (None, Some(ip)) => {
            let addr: IpAddr = ip
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse()
                .map_err(|_| Unusable(format!("--ip '{ip}' is not an IP address")))?;
            Some(addr.to_string())
        }
        (None, None) if purpose == Purpose::ServerAuth => {
            return Err(Unusable(
                "--host or --ip is required for a server certificate".into(),
            ));
        }
        (None, None) => None,
    };
    let now = match &a.time {
        Some(t) => parse_rfc3339(t)
            .map(UnixTime)
            .ok_or_else(|| Unusable(format!("--time '{t}' is not an RFC 3339 date-time")))?,
        None => UnixTime::now(),
    };
    let mut options = Options {
        purpose,
        ..Options::server()
    };
    if purpose == Purpose::EmailProtection {
        options.leaf_key_usage = 0;
    }
    if let Some(bits) = &a.key_usage {
        options.leaf_key_usage = parse_key_usage(bits)?;
    }
    options.profile = match a.profile.as_deref() {
        Some("compat") => Profile::Compat,
        Some("rfc5280") => Profile::Rfc5280,
        None | Some("webpki") => Profile::WebPki,
        Some(other) => {
            return Err(Unusable(format!(
                "unknown profile '{other}' (compat, rfc5280 or webpki)"
            )));
        }
    };
    if let Some(d) = &a.max_depth {
        options.max_intermediates = d
            .parse()
            .map_err(|_| Unusable(format!("--max-depth '{d}' is not a number")))?;
    }
    if a.strict {
        options.name_mode = NameMode::Strict;
    }
    options.allow_sha1 = a.allow_sha1;

    let mut anchors = Vec::new();
    for f in &a.ca {
        anchors.extend(read_objects(f, "certificate", CERT_LABELS)?);
    }
    let mut intermediates = Vec::new();
    for f in &a.untrusted {
        intermediates.extend(read_objects(f, "certificate", CERT_LABELS)?);
    }
    let mut crls = Vec::new();
    for f in &a.crl {
        crls.extend(read_objects(f, "CRL", CRL_LABELS)?);
    }
    let chain = read_objects(&cert_file, "certificate", CERT_LABELS)?;

    let provider = qtls::provider::aws_lc::default_provider();
    let verifier = Verifier::new(anchors, provider, options)
        .map_err(|e| Unusable(format!("unusable CA certificate in --ca: {e}")))?
        .with_intermediates(intermediates)
        .with_crls(crls)
        .map_err(|e| Unusable(format!("unusable CRL in --crl: {e}")))?;
    let chain_refs: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
    let result = match reference.as_deref().map(ReferenceName::parse).transpose() {
        Ok(host) => {
            let references: Vec<ReferenceName<'_>> = host.into_iter().chain(emails).collect();
            verifier.verify_names(&chain_refs, &references, now)
        }
        Err(r) => Err(VerifyError::new(r)),
    };
    match result {
        Ok(path) => {
            let names: Vec<String> = path.certificates.iter().map(|c| describe(c)).collect();
            println!("OK: {}", names.join(" <- "));
            Ok(0)
        }
        Err(e) => {
            eprintln!("qtls verify: {e}");
            // What QEMU would print for the same failure (spec §1.5).
            match (e.reason, &reference) {
                (Reason::NameMismatch | Reason::InvalidReferenceName, Some(r)) => {
                    eprintln!(
                        "qtls verify: as QEMU says: Certificate does not match the hostname {r}"
                    );
                }
                _ => eprintln!("qtls verify: as QEMU says: {}", e.reason.gnutls_text()),
            }
            Ok(1)
        }
    }
}

/// Parses `--key-usage`: comma-separated RFC 5280 §4.2.1.3 bit names, or
/// `none`. Bit n of the result is KeyUsage bit n.
fn parse_key_usage(list: &str) -> Result<u16, Unusable> {
    const NAMES: [&str; 9] = [
        "digitalSignature",
        "contentCommitment",
        "keyEncipherment",
        "dataEncipherment",
        "keyAgreement",
        "keyCertSign",
        "cRLSign",
        "encipherOnly",
        "decipherOnly",
    ];
    if list == "none" {
        return Ok(0);
    }
    let mut bits = 0u16;
    for name in list.split(',') {
        let n = NAMES
            .iter()
            .position(|k| k.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| Unusable(format!("unknown key usage '{name}'")))?;
        bits |= 1u16 << n;
    }
    Ok(bits)
}

/// Runs `qtls verify` with the arguments after the command name; returns
/// the exit status.
pub fn run(args: &[String]) -> i32 {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{USAGE}");
        return 0;
    }
    match run_inner(args) {
        Ok(code) => code,
        Err(Unusable(msg)) => {
            eprintln!("qtls verify: {msg}\n{USAGE}");
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_usage_names() {
        assert_eq!(parse_key_usage("digitalSignature").ok(), Some(1));
        assert_eq!(
            parse_key_usage("keyEncipherment,keyagreement").ok(),
            Some(0b1_0100)
        );
        assert_eq!(parse_key_usage("decipherOnly").ok(), Some(1 << 8));
        assert_eq!(parse_key_usage("none").ok(), Some(0));
        assert!(parse_key_usage("signing").is_err());
    }

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("2024-01-01T00:00:00Z"), Some(1_704_067_200));
        assert_eq!(
            parse_rfc3339("2024-01-01T00:00:00.123Z"),
            Some(1_704_067_200)
        );
        assert_eq!(
            parse_rfc3339("2024-01-01t01:00:00+01:00"),
            Some(1_704_067_200)
        );
        assert_eq!(
            parse_rfc3339("2023-12-31T23:00:00-01:00"),
            Some(1_704_067_200)
        );
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2024-02-29T12:00:00Z"), Some(1_709_208_000));
        for bad in [
            "2023-02-29T00:00:00Z",
            "2024-01-01T00:00:00",
            "2024-01-01 00:00Z",
            "2024-1-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00.Z",
            "1969-12-31T23:59:59Z",
            "2024-01-01T00:00:00+0100",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
