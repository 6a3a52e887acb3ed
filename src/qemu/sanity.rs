//! QEMU's load-time sanity checks of x509 identities (reference §1.4):
//! per-certificate checks (step A), the contiguity of the identity's own
//! chain (B), the walk to `ca-cert.pem` (C) and cryptographic verification
//! (D), with QEMU's exact messages.
//!
//! Every problem is collected (with the fix `qtls creds check` suggests);
//! the loader reports the first, as QEMU stops at the first.
//!
//! Rows A0 (clock), A6, A9 and A12 (GnuTLS query errors) cannot occur
//! here: the clock is the caller's `now`, and an extension that GnuTLS
//! could not query already fails certificate import.

use super::Endpoint;
use crate::provider::CryptoProvider;
use crate::time::UnixTime;
use crate::x509::{self, Certificate, Options, Purpose, Verifier};
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// keyUsage digitalSignature (named bit 0).
const KU_DIGITAL_SIGNATURE: u16 = 1 << 0;
/// keyUsage keyCertSign (named bit 5).
const KU_KEY_CERT_SIGN: u16 = 1 << 5;
/// id-kp-serverAuth, 1.3.6.1.5.5.7.3.1.
const KP_SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
/// id-kp-clientAuth, 1.3.6.1.5.5.7.3.2.
const KP_CLIENT_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
/// anyExtendedKeyUsage, 2.5.29.37.0.
const KP_ANY: &[u8] = &[0x55, 0x1d, 0x25, 0x00];

/// The kind of a sanity-check problem (one per row of §1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// A1: a CA certificate has expired.
    CaExpired,
    /// A1: the identity's certificate has expired.
    Expired,
    /// A2: a CA certificate is not yet valid.
    CaNotYetActive,
    /// A2: the identity's certificate is not yet valid.
    NotYetActive,
    /// A3: the leaf's basicConstraints say CA.
    LeafIsCa,
    /// A4: a CA's basicConstraints say not a CA.
    CaNotCa,
    /// A5: a CA has no basicConstraints.
    CaMissingBasicConstraints,
    /// A7: a CA's critical keyUsage lacks keyCertSign.
    CaNoCertSign,
    /// A8: the leaf's critical keyUsage lacks digitalSignature.
    NoDigitalSignature,
    /// A10: the leaf's critical EKU does not allow TLS server use.
    NoServerPurpose,
    /// A11: the leaf's critical EKU does not allow TLS client use.
    NoClientPurpose,
    /// B: the certificates of the cert file are not a chain.
    ChainOrder,
    /// C: no certificate in `ca-cert.pem` issued the top of the chain.
    NoIssuer,
    /// D: the chain does not verify against `ca-cert.pem`.
    VerifyFailed,
}

impl ProblemKind {
    /// What to change so that QEMU accepts the directory (beyond QEMU's own
    /// message: `qtls creds check` prints it).
    pub fn fix(self) -> &'static str {
        match self {
            ProblemKind::CaExpired => {
                "re-issue the CA certificate (certtool --generate-self-signed) with a later expiration_days"
            }
            ProblemKind::Expired => {
                "re-issue this certificate with a later expiration_days in the certtool template"
            }
            ProblemKind::CaNotYetActive | ProblemKind::NotYetActive => {
                "check the system clock, or re-issue the certificate with an earlier activation date"
            }
            ProblemKind::LeafIsCa => "remove `ca` from the certtool template of this certificate",
            ProblemKind::CaNotCa | ProblemKind::CaMissingBasicConstraints => {
                "add `ca` to the certtool template of the CA certificate"
            }
            ProblemKind::CaNoCertSign => {
                "add `cert_signing_key` to the certtool template of the CA certificate"
            }
            ProblemKind::NoDigitalSignature => "add `signing_key` to the certtool template",
            ProblemKind::NoServerPurpose => "add `tls_www_server` to the certtool template",
            ProblemKind::NoClientPurpose => "add `tls_www_client` to the certtool template",
            ProblemKind::ChainOrder => {
                "put the certificates in the cert file leaf first, each followed by its issuer"
            }
            ProblemKind::NoIssuer => "add the issuing CA certificate to ca-cert.pem",
            ProblemKind::VerifyFailed => {
                "re-issue the certificate with the CA key whose certificate is in ca-cert.pem"
            }
        }
    }
}

/// One problem: its kind and QEMU's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Which check failed.
    pub kind: ProblemKind,
    /// QEMU's exact message.
    pub message: String,
}

fn problem(kind: ProblemKind, message: String) -> Problem {
    Problem { kind, message }
}

/// `qcrypto_tls_creds_check_cert`: times, basicConstraints, keyUsage and,
/// for the leaf, extendedKeyUsage.
fn check_cert(
    cert: &Certificate<'_>,
    file: &str,
    endpoint: Endpoint,
    is_ca: bool,
    now: UnixTime,
    out: &mut Vec<Problem>,
) {
    let role = endpoint.role();
    let now = i64::try_from(now.0).unwrap_or(i64::MAX);
    let (not_before, not_after) = cert.validity();
    if not_after < now {
        out.push(if is_ca {
            problem(
                ProblemKind::CaExpired,
                alloc::format!("The CA certificate {file} has expired"),
            )
        } else {
            problem(
                ProblemKind::Expired,
                alloc::format!("The {role} certificate {file} has expired"),
            )
        });
    }
    if not_before > now {
        out.push(if is_ca {
            problem(
                ProblemKind::CaNotYetActive,
                alloc::format!("The CA certificate {file} is not yet active"),
            )
        } else {
            problem(
                ProblemKind::NotYetActive,
                alloc::format!("The {role} certificate {file} is not yet active"),
            )
        });
    }
    match cert.ext.basic_constraints.as_ref().map(|bc| bc.value.ca) {
        Some(true) if !is_ca => out.push(problem(
            ProblemKind::LeafIsCa,
            alloc::format!(
                "The certificate {file} basic constraints show a CA, but we need one for a {role}"
            ),
        )),
        Some(false) if is_ca => out.push(problem(
            ProblemKind::CaNotCa,
            alloc::format!("The certificate {file} basic constraints do not show a CA"),
        )),
        None if is_ca => out.push(problem(
            ProblemKind::CaMissingBasicConstraints,
            alloc::format!("The certificate {file} is missing basic constraints for a CA"),
        )),
        _ => {}
    }
    // A missing keyUsage counts as the usage needed.
    if let Some(ku) = cert.ext.key_usage.as_ref() {
        if is_ca && ku.value & KU_KEY_CERT_SIGN == 0 && ku.critical {
            out.push(problem(
                ProblemKind::CaNoCertSign,
                alloc::format!("Certificate {file} usage does not permit certificate signing"),
            ));
        }
        if !is_ca && ku.value & KU_DIGITAL_SIGNATURE == 0 && ku.critical {
            out.push(problem(
                ProblemKind::NoDigitalSignature,
                alloc::format!("Certificate {file} usage does not permit digital signature"),
            ));
        }
    }
    if !is_ca {
        if let Some(eku) = cert.ext.ext_key_usage.as_ref() {
            let has = |oid: &[u8]| eku.value.iter().any(|p| *p == oid || *p == KP_ANY);
            // Only a critical EKU is enforced; QEMU is silent otherwise.
            match endpoint {
                Endpoint::Server if !has(KP_SERVER_AUTH) && eku.critical => out.push(problem(
                    ProblemKind::NoServerPurpose,
                    alloc::format!(
                        "Certificate {file} purpose does not allow use with a TLS server"
                    ),
                )),
                Endpoint::Client if !has(KP_CLIENT_AUTH) && eku.critical => out.push(problem(
                    ProblemKind::NoClientPurpose,
                    alloc::format!(
                        "Certificate {file} purpose does not allow use with a TLS client"
                    ),
                )),
                _ => {}
            }
        }
    }
}

/// `gnutls_x509_crt_check_issuer`: the raw issuer DN equals the raw subject
/// DN of the candidate, and key identifiers agree when both are present.
pub(crate) fn is_issuer(cert: &Certificate<'_>, issuer: &Certificate<'_>) -> bool {
    if cert.issuer_der() != issuer.subject_der() {
        return false;
    }
    let aki = cert
        .ext
        .authority_key_id
        .as_ref()
        .and_then(|a| a.value.key_id);
    let ski = issuer.ext.subject_key_id.as_ref().map(|s| s.value);
    match (aki, ski) {
        (Some(a), Some(s)) => a == s,
        _ => true,
    }
}

/// The GnuTLS compat DN string of a certificate's subject.
pub(crate) fn subject_dn(cert: &Certificate<'_>) -> String {
    x509::dn_string(cert.subject_der()).unwrap_or_default()
}

/// Runs §1.4 on one identity and returns every problem, in QEMU's order.
pub fn check_identity(
    chain: &[Vec<u8>],
    cert_file: &str,
    cas: &[Vec<u8>],
    ca_file: &str,
    endpoint: Endpoint,
    provider: &Arc<dyn CryptoProvider>,
    now: UnixTime,
) -> Vec<Problem> {
    let mut out = Vec::new();
    // Import already parsed every certificate; unparsable ones are skipped.
    let certs: Vec<Certificate<'_>> = chain
        .iter()
        .filter_map(|c| Certificate::parse(c).ok())
        .collect();
    let ca_certs: Vec<Certificate<'_>> = cas
        .iter()
        .filter_map(|c| Certificate::parse(c).ok())
        .collect();
    // Step A.
    for (i, c) in certs.iter().enumerate() {
        check_cert(c, cert_file, endpoint, i != 0, now, &mut out);
    }
    // Step B.
    for pair in certs.windows(2) {
        if let [child, parent] = pair {
            if !is_issuer(child, parent) {
                out.push(problem(
                    ProblemKind::ChainOrder,
                    alloc::format!(
                        "Cert '{}' does not match issuer of cert '{}'",
                        subject_dn(parent),
                        subject_dn(child)
                    ),
                ));
            }
        }
    }
    // Step C: bounded, as a CA file could hold an issuer cycle.
    if let Some(mut c) = certs.last() {
        let mut steps = 0usize;
        loop {
            if is_issuer(c, c) {
                check_cert(c, ca_file, endpoint, true, now, &mut out);
                break;
            }
            let issuer = ca_certs.iter().find(|ca| is_issuer(c, ca));
            match issuer {
                Some(ca) if steps <= ca_certs.len() => {
                    check_cert(ca, ca_file, endpoint, true, now, &mut out);
                    c = ca;
                    steps = steps.saturating_add(1);
                }
                _ => {
                    out.push(problem(
                        ProblemKind::NoIssuer,
                        alloc::format!("Cert '{}' has no issuer in CA chain", subject_dn(c)),
                    ));
                    break;
                }
            }
        }
    }
    // Step D: any purpose, no key usage demand, no CRLs (flags 0).
    let role = endpoint.role();
    let options = Options {
        purpose: Purpose::Any,
        leaf_key_usage: 0,
        ..Options::server()
    };
    let refs: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
    match Verifier::new(cas.to_vec(), provider.clone(), options) {
        Err(_) => out.push(problem(
            ProblemKind::VerifyFailed,
            alloc::format!(
                "Unable to verify {role} certificate {cert_file} against CA certificate {ca_file}"
            ),
        )),
        Ok(v) => {
            if let Err(e) = v.verify(&refs, None, now) {
                out.push(problem(
                    ProblemKind::VerifyFailed,
                    alloc::format!(
                        "Our own certificate {cert_file} failed validation against {ca_file}: {}",
                        e.reason.gnutls_text()
                    ),
                ));
            }
        }
    }
    out
}
