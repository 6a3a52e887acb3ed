//! Runs the x509-limbo path-validation corpus (vectors/limbo/limbo.json)
//! through [`qtls::x509::Verifier`] with limbo's harness semantics, prints
//! the totals per family, and fails when a case gets the wrong verdict
//! without being listed in vectors/limbo/exceptions.txt, or when a listed
//! case now gets the right one (so the list stays exact).
//!
//! The harness configuration is the one a strict web-PKI client would use:
//! [`Profile::WebPki`] and RFC 9525 name matching ([`NameMode::Strict`]),
//! with every case evaluated, whatever its `features` say. The count under
//! [`Profile::Rfc5280`] is printed too, for information.

use qtls::time::UnixTime;
use qtls::x509::{NameMode, Options, Profile, Purpose, ReferenceName, Verifier};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/limbo/limbo.json");
const EXCEPTIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/limbo/exceptions.txt");

fn pem_certs(text: &str) -> Vec<Vec<u8>> {
    qtls::pem::decode_all(text)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, der)| der.to_vec())
        .collect()
}

fn str_list(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Seconds since the epoch of `YYYY-MM-DDTHH:MM:SS[.fff](Z|+00:00)`, the
/// form limbo writes; fractions are dropped (floor), as limbo expects.
fn parse_time(s: &str) -> Option<u64> {
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let rest = s.get(19..)?;
    let rest = match rest.strip_prefix('.') {
        Some(r) => r.trim_start_matches(|c: char| c.is_ascii_digit()),
        None => rest,
    };
    if rest != "Z" && rest != "+00:00" {
        return None;
    }
    let yy = if mo <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = if mo > 2 { mo - 3 } else { mo + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    u64::try_from(days * 86_400 + h * 3600 + mi * 60 + se).ok()
}

/// The keyUsage bit of a limbo key-usage name (RFC 5280 §4.2.1.3 numbering).
fn key_usage_bit(name: &str) -> Option<u16> {
    let n = match name {
        "digitalSignature" => 0,
        "contentCommitment" => 1,
        "keyEncipherment" => 2,
        "dataEncipherment" => 3,
        "keyAgreement" => 4,
        "keyCertSign" => 5,
        "cRLSign" => 6,
        "encipherOnly" => 7,
        "decipherOnly" => 8,
        _ => return None,
    };
    Some(1 << n)
}

/// Evaluates one testcase: `Ok` when the chain validates for every
/// expected peer name, `Err` with the reason otherwise.
fn evaluate(case: &Value, profile: Profile) -> Result<(), String> {
    let kind = case["validation_kind"].as_str().unwrap_or("SERVER");
    let mut options = if kind == "CLIENT" {
        Options::client()
    } else {
        Options::server()
    };
    options.profile = profile;
    options.name_mode = NameMode::Strict;
    for eku in str_list(&case["extended_key_usage"]) {
        options.purpose = match eku {
            "serverAuth" => Purpose::ServerAuth,
            "clientAuth" => Purpose::ClientAuth,
            "emailProtection" => Purpose::EmailProtection,
            "anyExtendedKeyUsage" => Purpose::Any,
            other => return Err(format!("unsupported extended_key_usage {other}")),
        };
    }
    // The digitalSignature requirement of Options::server/client is TLS's;
    // an S/MIME key may be for key management only.
    if options.purpose == Purpose::EmailProtection {
        options.leaf_key_usage = 0;
    }
    let kus = str_list(&case["key_usage"]);
    if !kus.is_empty() {
        let mut bits = 0;
        for k in kus {
            bits |= key_usage_bit(k).ok_or_else(|| format!("unknown key_usage {k}"))?;
        }
        options.leaf_key_usage = bits;
    }
    if !str_list(&case["signature_algorithms"]).is_empty() {
        return Err("signature_algorithms constraints are not supported".into());
    }
    if let Some(depth) = case["max_chain_depth"].as_u64() {
        options.max_intermediates = usize::try_from(depth).unwrap_or(usize::MAX);
    }
    let crls: Vec<Vec<u8>> = str_list(&case["crls"])
        .into_iter()
        .flat_map(pem_certs)
        .collect();
    let now = match case["validation_time"].as_str() {
        Some(t) => UnixTime(parse_time(t).ok_or_else(|| format!("bad time {t}"))?),
        None => UnixTime::now(),
    };
    let anchors: Vec<Vec<u8>> = str_list(&case["trusted_certs"])
        .into_iter()
        .flat_map(pem_certs)
        .collect();
    let intermediates: Vec<Vec<u8>> = str_list(&case["untrusted_intermediates"])
        .into_iter()
        .flat_map(pem_certs)
        .collect();
    let leaf = pem_certs(case["peer_certificate"].as_str().unwrap_or(""));
    let leaf = leaf.first().ok_or("no peer certificate")?;

    let provider = qtls::provider::aws_lc::default_provider();
    let verifier = Verifier::new(anchors, provider, options)
        .map_err(|e| format!("trust anchor: {e}"))?
        .with_intermediates(intermediates)
        .with_crls(crls)
        .map_err(|e| format!("crl: {e}"))?;

    let mut names: Vec<&Value> = Vec::new();
    if !case["expected_peer_name"].is_null() {
        names.push(&case["expected_peer_name"]);
    }
    if let Some(more) = case["expected_peer_names"].as_array() {
        names.extend(more.iter());
    }
    let mut references = Vec::new();
    for n in &names {
        let value = n["value"].as_str().unwrap_or("");
        let reference = match n["kind"].as_str() {
            Some("RFC822") => ReferenceName::email(value),
            Some("DNS") | Some("IP") => ReferenceName::parse(value),
            other => return Err(format!("unknown peer name kind {other:?}")),
        }
        .map_err(|r| format!("peer name {value}: {r:?}"))?;
        references.push(reference);
    }
    verifier
        .verify_names(&[leaf.as_slice()], &references, now)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The family of a case: its id without the last `::` component.
fn family(id: &str) -> &str {
    id.rsplit_once("::").map_or(id, |(f, _)| f)
}

#[test]
fn limbo_corpus() {
    let text = std::fs::read_to_string(CORPUS).expect("corpus");
    let corpus: Value = serde_json::from_str(&text).expect("corpus JSON");
    assert_eq!(corpus["version"], 1);
    let cases = corpus["testcases"].as_array().expect("testcases");

    let exceptions: BTreeMap<String, String> = std::fs::read_to_string(EXCEPTIONS)
        .expect("exceptions file")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (id, why) = l.split_once(' ').unwrap_or((l, ""));
            (id.to_string(), why.trim().to_string())
        })
        .collect();

    // family -> (cases, wrong)
    let mut totals: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    let mut seen = BTreeSet::new();
    let mut wrong_total = 0;
    let mut rfc5280_wrong = 0;
    for case in cases {
        let id = case["id"].as_str().expect("id");
        seen.insert(id.to_string());
        let expected_ok = case["expected_result"] == "SUCCESS";
        let outcome = evaluate(case, Profile::WebPki);
        if evaluate(case, Profile::Rfc5280).is_ok() != expected_ok {
            rfc5280_wrong += 1;
        }
        let wrong = outcome.is_ok() != expected_ok;
        let entry = totals.entry(family(id).to_string()).or_default();
        entry.0 += 1;
        if wrong {
            entry.1 += 1;
            wrong_total += 1;
            if std::env::var_os("LIMBO_VERBOSE").is_some() {
                println!(
                    "WRONG {id}: expected {}, got {outcome:?}",
                    case["expected_result"]
                );
            }
        }
        match (wrong, exceptions.contains_key(id)) {
            (true, false) => unexpected.push(format!(
                "{id}: expected {}, got {outcome:?}",
                case["expected_result"]
            )),
            (false, true) => fixed.push(id.to_string()),
            _ => {}
        }
    }
    println!("{:<40} {:>6} {:>6}", "family", "cases", "wrong");
    for (fam, (n, w)) in &totals {
        println!("{fam:<40} {n:>6} {w:>6}");
    }
    println!(
        "limbo: {} cases, {wrong_total} wrong, {} listed in exceptions.txt",
        cases.len(),
        exceptions.len()
    );
    // For information: the same corpus under the RFC 5280 profile.
    println!("limbo (Profile::Rfc5280, not asserted): {rfc5280_wrong} wrong");
    let stale: Vec<&String> = exceptions.keys().filter(|id| !seen.contains(*id)).collect();
    assert!(stale.is_empty(), "exceptions for unknown cases: {stale:?}");
    assert!(
        fixed.is_empty(),
        "listed in exceptions.txt but now correct (remove them): {fixed:?}"
    );
    assert!(
        unexpected.is_empty(),
        "{} wrong verdicts not in exceptions.txt:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}

#[test]
fn time_parsing() {
    assert_eq!(parse_time("2024-01-01T00:00:00+00:00"), Some(1_704_067_200));
    assert_eq!(parse_time("2024-01-01T00:00:00Z"), Some(1_704_067_200));
    assert_eq!(
        parse_time("2024-03-01T00:00:00.999+00:00"),
        Some(1_709_251_200)
    );
    assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(parse_time("2024-01-01T00:00:00+01:00"), None);
}
