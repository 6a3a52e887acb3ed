//! Path building and validation (RFC 5280 §6, RFC 4158 path building).
//!
//! From the leaf, every candidate issuer is tried (trust anchors first,
//! then certificates whose SKI matches the child's AKI, then the rest),
//! depth first, with loop detection (a subject and key already on the path)
//! and a maximum number of intermediates. Checks that depend only on one
//! certificate (validity, CA-ness, key usage, profile) and signature checks
//! are cached per certificate and per edge, so a graph of cross-signed CAs
//! costs each signature once. A [`Budget`] bounds signature checks, search
//! steps and name-constraint comparisons: a hostile chain fails with
//! [`Reason::BudgetExhausted`] instead of burning CPU. When a path reaches a
//! trust anchor, the checks that depend on the whole path run: path length
//! constraints, name constraints and revocation.
//!
//! Every failed attempt is remembered; when no path validates, the most
//! specific failure ([`Reason::rank`]) is reported.

use super::cert::{Certificate, GeneralName, PublicKeyInfo, ku};
use super::constraints;
use super::crl::{self, Crl};
use super::error::{Reason, VerifyError};
use super::hostname::{self, NameMode, ReferenceName};
use super::name;
use super::oid;
use super::sigalg::{self, AlgorithmPolicy};
use crate::provider::CryptoProvider;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

/// What the end-entity certificate is to be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// TLS server authentication (id-kp-serverAuth).
    ServerAuth,
    /// TLS client authentication (id-kp-clientAuth).
    ClientAuth,
    /// S/MIME (id-kp-emailProtection).
    EmailProtection,
    /// Any purpose: extendedKeyUsage is not checked.
    Any,
}

impl Purpose {
    fn oid(self) -> Option<&'static [u8]> {
        match self {
            Purpose::ServerAuth => Some(oid::KP_SERVER_AUTH),
            Purpose::ClientAuth => Some(oid::KP_CLIENT_AUTH),
            Purpose::EmailProtection => Some(oid::KP_EMAIL_PROTECTION),
            Purpose::Any => None,
        }
    }
}

/// Which certificate profile is enforced on top of path validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// What GnuTLS accepts and GnuTLS-era private PKIs (QEMU, libvirt,
    /// `certtool`, older OpenSSL configurations) produce: v1 trust
    /// anchors, CA certificates as leaves, non-critical basicConstraints
    /// and name constraints, loose serial numbers and time encodings.
    #[default]
    Compat,
    /// Every RFC 5280 MUST a verifier can check: basicConstraints and
    /// nameConstraints critical in CAs, name constraints only in CAs,
    /// AKI/SKI/AIA not critical, positive serial numbers of at most 20
    /// octets, UTCTime through 2049, non-empty issuer names, no keyCertSign
    /// without cA, well-formed name constraints (no `.domain` dNSName).
    Rfc5280,
    /// The CA/Browser Forum web PKI profile: the RFC 5280 rules (except
    /// that name constraints may be non-critical), plus v3 only, keyUsage
    /// on CAs, SAN and AKI on leaves, leaves not CAs, anyExtendedKeyUsage
    /// not enough on a leaf, non-empty name constraints.
    WebPki,
}

impl Profile {
    /// Whether RFC 5280's certificate-profile MUSTs are enforced.
    fn strict(self) -> bool {
        self != Profile::Compat
    }
}

/// How missing revocation information is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Revocation {
    /// A certificate no CRL covers is accepted (GnuTLS's behaviour).
    #[default]
    BestEffort,
    /// Every non-anchor certificate of the path must be covered by a CRL.
    Required,
}

/// Options of a validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The purpose the leaf must allow.
    pub purpose: Purpose,
    /// Host-name matching rules.
    pub name_mode: NameMode,
    /// The certificate profile.
    pub profile: Profile,
    /// Maximum number of intermediate certificates between the leaf and the
    /// trust anchor.
    pub max_intermediates: usize,
    /// Accept SHA-1 based signatures.
    pub allow_sha1: bool,
    /// keyUsage bits a leaf must have when it has the extension
    /// (digitalSignature for TLS 1.3; 0 to skip the check).
    pub leaf_key_usage: u16,
    /// Treatment of certificates no CRL covers.
    pub revocation: Revocation,
    /// Limits on the work of one validation.
    pub budget: Budget,
}

impl Options {
    /// Options for TLS server certificates.
    pub fn server() -> Self {
        Self {
            purpose: Purpose::ServerAuth,
            name_mode: NameMode::GnuTls,
            profile: Profile::Compat,
            max_intermediates: 8,
            allow_sha1: false,
            leaf_key_usage: ku::DIGITAL_SIGNATURE,
            revocation: Revocation::BestEffort,
            budget: Budget::default(),
        }
    }

    /// Options for TLS client certificates.
    pub fn client() -> Self {
        Self {
            purpose: Purpose::ClientAuth,
            ..Self::server()
        }
    }

    fn algorithm_policy(&self) -> AlgorithmPolicy {
        AlgorithmPolicy {
            allow_sha1: self.allow_sha1,
            // Both profiles: smaller RSA keys are factorable in practice
            // (and the aws-lc-rs provider refuses them anyway).
            min_rsa_bits: 2048,
        }
    }
}

/// Work limits of one validation. The defaults follow common practice
/// (Go, rustls-webpki and pyca/cryptography use 100 to 128 signature
/// checks): far above what any honest chain needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Signature verifications.
    pub signatures: usize,
    /// Candidate issuers examined.
    pub steps: usize,
    /// Name-constraint comparisons.
    pub name_constraint_checks: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            signatures: 128,
            steps: 50_000,
            name_constraint_checks: 250_000,
        }
    }
}

/// A validated path: the certificates from the leaf to the trust anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedPath {
    /// DER certificates, leaf first, trust anchor last.
    pub certificates: Vec<Vec<u8>>,
}

/// A certificate that may appear on a path.
struct Node<'a> {
    cert: Certificate<'a>,
    anchor: bool,
}

struct Builder<'a, 'p> {
    nodes: Vec<Node<'a>>,
    crls: &'p [Crl<'a>],
    opts: &'p Options,
    alg_policy: AlgorithmPolicy,
    provider: &'p dyn CryptoProvider,
    now: i64,
    budget: Budget,
    cn_as_dns: bool,
    ca_checked: Vec<Option<Result<(), Reason>>>,
    signatures: BTreeMap<(usize, usize), Result<(), Reason>>,
    best: Option<(Reason, usize, usize)>,
}

/// Validity at `now` (RFC 5280 §6.1.3 (a)(2)); both bounds inclusive.
fn check_time(cert: &Certificate<'_>, now: i64) -> Result<(), Reason> {
    if now < cert.not_before.unix {
        Err(Reason::NotYetValid)
    } else if now > cert.not_after.unix {
        Err(Reason::Expired)
    } else {
        Ok(())
    }
}

/// Checks every certificate of a path gets, whatever its position.
fn check_common(cert: &Certificate<'_>, opts: &Options, self_signed: bool) -> Result<(), Reason> {
    // RFC 5280 §4.1.1.2: signatureAlgorithm MUST equal tbsCertificate.signature.
    if cert.signature_algorithm != cert.tbs_signature_algorithm {
        return Err(Reason::SignatureAlgorithmMismatch);
    }
    if cert.ext.unknown_critical.is_some() {
        return Err(Reason::UnknownCriticalExtension);
    }
    if opts.profile.strict() {
        // RFC 5280 §4.1.2.2: a positive integer of at most 20 octets (21
        // with the sign octet, which some CAs forget to account for).
        if cert.serial.len() > 21 || asn1_negative(cert.serial) || cert.serial == [0] {
            return Err(Reason::BadSerialNumber);
        }
        // RFC 5280 §4.1.2.5: dates through 2049 MUST be UTCTime.
        for t in [cert.not_before, cert.not_after] {
            if t.generalized && t.year < 2050 {
                return Err(Reason::BadValidityEncoding);
            }
        }
        // RFC 5280 §4.1.2.4: the issuer MUST be a non-empty name.
        if cert.issuer_is_empty() {
            return Err(Reason::ProfileViolation);
        }
        // RFC 5280 §4.2.1.1/§4.2.1.2, §4.2.2.1: AKI, SKI and AIA MUST be non-critical.
        if cert.ext.wrongly_critical {
            return Err(Reason::ProfileViolation);
        }
        // RFC 5280 §4.2.1.11, §4.2.1.14: policyConstraints and
        // inhibitAnyPolicy MUST be critical.
        if cert.ext.wrongly_noncritical {
            return Err(Reason::ProfileViolation);
        }
        // RFC 5280 §4.2.1.1: the keyIdentifier of the AKI MUST be present,
        // except in self-signed certificates (signed by their own key, even
        // when issuer and subject differ).
        let has_key_id = cert
            .ext
            .authority_key_id
            .as_ref()
            .is_some_and(|a| a.value.key_id.is_some());
        if !has_key_id && !cert.is_self_issued() && !self_signed {
            return Err(Reason::MissingExtension);
        }
        // RFC 5280 §4.2.1.2 (and CA/B BR §7.1.2.1, §7.1.2.2): the SKI MUST
        // appear in every CA certificate.
        if cert.is_ca() && cert.ext.subject_key_id.is_none() {
            return Err(Reason::MissingExtension);
        }
        if let Some(nc) = &cert.ext.name_constraints {
            // RFC 5280 §4.2.1.10: MUST be critical (CA/B BR §7.1.2.5.2
            // allows it to be non-critical).
            if !nc.critical && opts.profile == Profile::Rfc5280 {
                return Err(Reason::ProfileViolation);
            }
            // RFC 5280 §4.2.1.10 (and CA/B BR §7.1.2.5.2): not an empty
            // sequence.
            if nc.value.permitted.is_none() && nc.value.excluded.is_none() {
                return Err(Reason::ProfileViolation);
            }
            for st in nc
                .value
                .permitted
                .iter()
                .chain(nc.value.excluded.iter())
                .flatten()
            {
                // RFC 5280 §4.2.1.10: minimum MUST be 0, maximum absent.
                if st.nonstandard_bounds {
                    return Err(Reason::ProfileViolation);
                }
            }
        }
    }
    if opts.profile == Profile::WebPki && cert.version != 2 {
        // CA/B BR §7.1.1: certificates are X.509 v3.
        return Err(Reason::BadVersion);
    }
    Ok(())
}

fn asn1_negative(serial: &[u8]) -> bool {
    serial.first().is_some_and(|b| *b >= 0x80)
}

fn eku_allows(cert: &Certificate<'_>, purpose: Purpose, any_counts: bool) -> bool {
    let Some(required) = purpose.oid() else {
        return true;
    };
    cert.ext.ext_key_usage.as_ref().is_none_or(|eku| {
        eku.value
            .iter()
            .any(|p| *p == required || (any_counts && *p == oid::ANY_EXTENDED_KEY_USAGE))
    })
}

/// Checks on the end-entity certificate that do not depend on the path.
fn check_leaf(cert: &Certificate<'_>, opts: &Options, now: i64) -> Result<(), Reason> {
    check_common(cert, opts, false)?;
    check_time(cert, now)?;
    let strict = opts.profile.strict();
    let webpki = opts.profile == Profile::WebPki;
    if webpki && cert.is_ca() {
        return Err(Reason::EndEntityIsCa);
    }
    // The leaf must allow the purpose; CA/B BR §7.1.2.7.10 does not let
    // anyExtendedKeyUsage stand in for serverAuth.
    if !eku_allows(cert, opts.purpose, !webpki) {
        return Err(Reason::ExtendedKeyUsageViolation);
    }
    if let Some(k) = &cert.ext.key_usage {
        if k.value & opts.leaf_key_usage != opts.leaf_key_usage {
            return Err(Reason::KeyUsageViolation);
        }
        // RFC 5280 §4.2.1.9: keyCertSign MUST NOT be asserted without cA.
        if strict && k.value & ku::KEY_CERT_SIGN != 0 && !cert.is_ca() {
            return Err(Reason::KeyUsageViolation);
        }
    }
    if strict {
        // RFC 5280 §4.2.1.10: name constraints MUST be used only in CA
        // certificates.
        if !cert.is_ca() && cert.ext.name_constraints.is_some() {
            return Err(Reason::ProfileViolation);
        }
        // RFC 5280 §4.2.1.6: with an empty subject, the SAN MUST be
        // present and critical.
        if cert.subject_is_empty()
            && !cert
                .ext
                .subject_alt_name
                .as_ref()
                .is_some_and(|s| s.critical)
        {
            return Err(Reason::ProfileViolation);
        }
    }
    if webpki && opts.purpose == Purpose::ServerAuth {
        check_subscriber(cert)?;
    }
    if webpki && opts.purpose == Purpose::EmailProtection {
        check_smime_subscriber(cert)?;
    }
    Ok(())
}

/// EKUs the CA/B S/MIME BR (§7.1.2.2 (g), §7.1.2.3 (f)) forbid beside
/// emailProtection: serverAuth, codeSigning, timeStamping and
/// anyExtendedKeyUsage.
const FORBIDDEN_SMIME_EKUS: &[&[u8]] = &[
    oid::KP_SERVER_AUTH,
    &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03],
    &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08],
    oid::ANY_EXTENDED_KEY_USAGE,
];

/// CA/B Forum S/MIME BR rules for an S/MIME subscriber certificate.
fn check_smime_subscriber(cert: &Certificate<'_>) -> Result<(), Reason> {
    // S/MIME BR §7.1.2.3 (h), §7.1.4.2.1: a SAN with at least one
    // rfc822Name, critical only when the subject is empty.
    let Some(san) = &cert.ext.subject_alt_name else {
        return Err(Reason::MissingExtension);
    };
    if san.critical != cert.subject_is_empty() {
        return Err(Reason::ProfileViolation);
    }
    if !san
        .value
        .iter()
        .any(|n| matches!(n, GeneralName::Rfc822(_)))
    {
        return Err(Reason::ProfileViolation);
    }
    // S/MIME BR §6.1.5: no DSA, small RSA or odd-curve keys.
    if !webpki_key_allowed(&cert.spki) {
        return Err(Reason::InsecureAlgorithm);
    }
    // S/MIME BR §7.1.2.3 (f): extKeyUsage present, with emailProtection
    // and none of the purposes reserved for other uses.
    let Some(eku) = &cert.ext.ext_key_usage else {
        return Err(Reason::MissingExtension);
    };
    if !eku.value.contains(&oid::KP_EMAIL_PROTECTION)
        || eku.value.iter().any(|p| FORBIDDEN_SMIME_EKUS.contains(p))
    {
        return Err(Reason::ExtendedKeyUsageViolation);
    }
    // S/MIME BR §7.1.2.3 (e): keyUsage SHALL be present.
    if cert.ext.key_usage.is_none() {
        return Err(Reason::MissingExtension);
    }
    Ok(())
}

/// Whether a key passes CA/B BR §6.1.5 and §7.1.3.1 (S/MIME BR §6.1.5
/// alike): RSA moduli of at least 2048 bits and a multiple of 8, and ECDSA
/// keys on P-256, P-384 or P-521 only; DSA keys and other curves (named or
/// explicit) are refused. Algorithms the BRs predate (Ed25519, ML-DSA) are
/// left to the signature policy.
pub(super) fn webpki_key_allowed(key: &PublicKeyInfo<'_>) -> bool {
    if key.algorithm == oid::RSA_ENCRYPTION {
        return key
            .rsa_modulus_bits()
            .is_some_and(|b| b >= 2048 && b % 8 == 0);
    }
    if key.algorithm == oid::EC_PUBLIC_KEY {
        return key.params.is_some_and(|p| {
            p.tag == super::asn1::tag::OID
                && [oid::SECP256R1, oid::SECP384R1, oid::SECP521R1].contains(&p.value)
        });
    }
    key.algorithm != oid::DSA
}

/// EKUs CA/B BR §7.1.2.7.10 forbids in TLS server certificates:
/// anyExtendedKeyUsage, codeSigning, emailProtection, timeStamping,
/// OCSPSigning and the CT precertificate signing purpose.
const FORBIDDEN_SUBSCRIBER_EKUS: &[&[u8]] = &[
    oid::ANY_EXTENDED_KEY_USAGE,
    &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03],
    &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04],
    &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08],
    &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09],
    &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x04],
];

/// CA/B Forum rules for TLS server (subscriber) certificates.
fn check_subscriber(cert: &Certificate<'_>) -> Result<(), Reason> {
    // CA/B BR §7.1.2.7.12: the SAN is required, and critical exactly when
    // the subject is empty (RFC 5280 §4.2.1.6).
    let Some(san) = &cert.ext.subject_alt_name else {
        return Err(Reason::MissingExtension);
    };
    if san.critical != cert.subject_is_empty() {
        return Err(Reason::ProfileViolation);
    }
    // CA/B BR §7.1.2.7 and §7.1.3.1: no DSA, small RSA or odd-curve keys.
    if !webpki_key_allowed(&cert.spki) {
        return Err(Reason::InsecureAlgorithm);
    }
    // CA/B BR §7.1.2.7.10: extKeyUsage present, not critical, with
    // serverAuth and none of the purposes reserved for other uses.
    let Some(eku) = &cert.ext.ext_key_usage else {
        return Err(Reason::MissingExtension);
    };
    if eku.critical
        || !eku.value.contains(&oid::KP_SERVER_AUTH)
        || eku
            .value
            .iter()
            .any(|p| FORBIDDEN_SUBSCRIBER_EKUS.contains(p))
    {
        return Err(Reason::ExtendedKeyUsageViolation);
    }
    // CA/B BR §7.1.4.3: a CN, if present, is exactly one value copied
    // character for character from a dNSName SAN, or the RFC 3986 /
    // RFC 5952 text of an iPAddress SAN.
    let cns = name::attribute_values(cert.subject, oid::AT_COMMON_NAME)
        .map_err(|_| Reason::BadEncoding)?;
    match cns.as_slice() {
        [] => {}
        [cn] => {
            let value = name::string_value(cn.tag, cn.value).ok_or(Reason::ProfileViolation)?;
            let listed = san.value.iter().any(|n| match n {
                GeneralName::Dns(d) => *d == value,
                GeneralName::Ip(ip) => {
                    hostname::ip_from_san(ip).is_some_and(|ip| alloc::format!("{ip}") == value)
                }
                _ => false,
            });
            if !listed {
                return Err(Reason::ProfileViolation);
            }
        }
        _ => return Err(Reason::ProfileViolation),
    }
    Ok(())
}

/// Checks on a certificate used as an issuer that do not depend on the path.
fn check_issuer(
    cert: &Certificate<'_>,
    anchor: bool,
    self_signed: bool,
    opts: &Options,
    now: i64,
) -> Result<(), Reason> {
    check_common(cert, opts, self_signed)?;
    check_time(cert, now)?;
    let strict = opts.profile.strict();
    let webpki = opts.profile == Profile::WebPki;
    // RFC 5280 §4.1.2.6: a CA's subject MUST be a non-empty name.
    if cert.subject_is_empty() {
        return Err(Reason::NotCa);
    }
    if cert.version != 2 {
        // Version 1 and 2 certificates cannot say they are CAs; GnuTLS
        // trusts them as anchors, and so does the compat profile.
        if anchor && !strict {
            return Ok(());
        }
        return Err(Reason::NotCa);
    }
    // RFC 5280 §6.1.4 (k): the issuer must assert cA.
    match &cert.ext.basic_constraints {
        Some(bc) if bc.value.ca => {
            // RFC 5280 §4.2.1.9: MUST be critical in CA certificates.
            if strict && !bc.critical {
                return Err(Reason::ProfileViolation);
            }
        }
        _ => return Err(Reason::NotCa),
    }
    // RFC 5280 §6.1.4 (n): keyCertSign must be set when keyUsage is present.
    match &cert.ext.key_usage {
        Some(k) if k.value & ku::KEY_CERT_SIGN == 0 => return Err(Reason::KeyUsageViolation),
        None if webpki => return Err(Reason::MissingExtension),
        _ => {}
    }
    // An issuer's extendedKeyUsage, when present, constrains its subtree.
    if !eku_allows(cert, opts.purpose, true) {
        return Err(Reason::ExtendedKeyUsageViolation);
    }
    if webpki {
        if let Some(aki) = &cert.ext.authority_key_id {
            // CA/B BR §7.1.2.11.1: keyIdentifier only.
            if aki.value.key_id.is_none() || aki.value.has_issuer_and_serial {
                return Err(Reason::ProfileViolation);
            }
            // CA/B BR §7.1.2.1.3: a root's keyIdentifier is its SKI.
            if anchor
                && cert.is_self_issued()
                && aki.value.key_id != cert.ext.subject_key_id.as_ref().map(|s| s.value)
            {
                return Err(Reason::ProfileViolation);
            }
        }
        // CA/B BR §6.1.5, S/MIME BR §6.1.5: CA keys too.
        if !webpki_key_allowed(&cert.spki) {
            return Err(Reason::InsecureAlgorithm);
        }
        // CA/B BR §7.1.2.1.2, S/MIME BR §7.1.2.1 (d): no extKeyUsage in roots.
        if anchor && cert.ext.ext_key_usage.is_some() {
            return Err(Reason::ExtendedKeyUsageViolation);
        }
        if opts.purpose == Purpose::EmailProtection {
            check_smime_ca(cert)?;
        }
    }
    Ok(())
}

/// CA/B Forum S/MIME BR rules for a CA certificate (§7.1.2.2 (e), (g)).
fn check_smime_ca(cert: &Certificate<'_>) -> Result<(), Reason> {
    if cert
        .ext
        .key_usage
        .as_ref()
        .is_some_and(|k| k.value & ku::CRL_SIGN == 0)
    {
        return Err(Reason::KeyUsageViolation);
    }
    if cert
        .ext
        .ext_key_usage
        .as_ref()
        .is_some_and(|e| e.value.iter().any(|p| FORBIDDEN_SMIME_EKUS.contains(p)))
    {
        return Err(Reason::ExtendedKeyUsageViolation);
    }
    Ok(())
}

impl<'a> Builder<'a, '_> {
    fn record(&mut self, reason: Reason, depth: usize, node: usize) {
        let better = match &self.best {
            None => true,
            Some((r, _, _)) => reason.rank() > r.rank(),
        };
        if better {
            self.best = Some((reason, depth, node));
        }
    }

    fn error(&self, reason: Reason, depth: usize, node: usize) -> VerifyError {
        VerifyError {
            reason,
            depth: Some(depth),
            subject: self
                .nodes
                .get(node)
                .and_then(|n| name::dn_string(n.cert.subject)),
        }
    }

    fn fatal(&self, reason: Reason) -> VerifyError {
        VerifyError::new(reason)
    }

    fn ca_check(&mut self, i: usize) -> Result<(), Reason> {
        if let Some(Some(r)) = self.ca_checked.get(i) {
            return *r;
        }
        // A trust anchor may be signed by its own key under another name;
        // that counts as self-signed for the AKI rule.
        let self_signed = match self.nodes.get(i) {
            Some(n)
                if n.anchor
                    && !n.cert.is_self_issued()
                    && n.cert
                        .ext
                        .authority_key_id
                        .as_ref()
                        .is_none_or(|a| a.value.key_id.is_none()) =>
            {
                self.signature_check(i, i).is_ok()
            }
            _ => false,
        };
        let r = match self.nodes.get(i) {
            Some(n) => check_issuer(&n.cert, n.anchor, self_signed, self.opts, self.now),
            None => Err(Reason::UnknownIssuer),
        };
        if let Some(slot) = self.ca_checked.get_mut(i) {
            *slot = Some(r);
        }
        r
    }

    fn signature_check(&mut self, child: usize, issuer: usize) -> Result<(), Reason> {
        if let Some(r) = self.signatures.get(&(child, issuer)) {
            return *r;
        }
        self.budget.signatures = self
            .budget
            .signatures
            .checked_sub(1)
            .ok_or(Reason::BudgetExhausted)?;
        let (Some(c), Some(i)) = (self.nodes.get(child), self.nodes.get(issuer)) else {
            return Err(Reason::UnknownIssuer);
        };
        let r = sigalg::verify(
            self.provider,
            c.cert.signature_algorithm,
            &i.cert.spki,
            c.cert.tbs,
            c.cert.signature,
            &self.alg_policy,
        );
        self.signatures.insert((child, issuer), r);
        r
    }

    /// Candidate issuers of node `cur`, most likely first.
    fn candidates(&self, cur: usize) -> Vec<usize> {
        let Some(child) = self.nodes.get(cur) else {
            return Vec::new();
        };
        let want = child
            .cert
            .ext
            .authority_key_id
            .as_ref()
            .and_then(|a| a.value.key_id);
        let mut out: Vec<(u8, u8, usize)> = self
            .nodes
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, n)| n.cert.may_have_issued(&child.cert))
            .map(|(i, n)| {
                // AKI/SKI is a hint only (RFC 5280 §4.2.1.1): it orders
                // candidates, never excludes one.
                let have = n.cert.ext.subject_key_id.as_ref().map(|s| s.value);
                let likeliness = match (want, have) {
                    (Some(w), Some(h)) if w == h => 0,
                    (Some(_), Some(_)) => 2,
                    _ => 1,
                };
                (likeliness, u8::from(!n.anchor), i)
            })
            .collect();
        out.sort_unstable();
        out.into_iter().map(|(_, _, i)| i).collect()
    }

    fn on_path(&self, path: &[usize], candidate: usize) -> bool {
        let Some(c) = self.nodes.get(candidate) else {
            return true;
        };
        path.iter().any(|&p| {
            p == candidate
                || self.nodes.get(p).is_some_and(|n| {
                    n.cert.spki.raw == c.cert.spki.raw && n.cert.same_subject(&c.cert)
                })
        })
    }

    /// Depth-first search from the last certificate of `path`.
    fn search(&mut self, path: &mut Vec<usize>) -> Result<bool, VerifyError> {
        let Some(&cur) = path.last() else {
            return Ok(false);
        };
        let depth = path.len().saturating_sub(1);
        let candidates = self.candidates(cur);
        if candidates.is_empty() {
            self.record(Reason::UnknownIssuer, depth, cur);
            return Ok(false);
        }
        for c in candidates {
            self.budget.steps = self
                .budget
                .steps
                .checked_sub(1)
                .ok_or_else(|| self.fatal(Reason::BudgetExhausted))?;
            if self.on_path(path, c) {
                self.record(Reason::UnknownIssuer, depth, cur);
                continue;
            }
            let anchor = self.nodes.get(c).is_some_and(|n| n.anchor);
            // path holds the leaf and the intermediates so far; a new
            // intermediate makes path.len() of them.
            if !anchor && path.len() > self.opts.max_intermediates {
                self.record(Reason::MaxDepthExceeded, depth.saturating_add(1), c);
                continue;
            }
            if let Err(r) = self.ca_check(c) {
                self.record(r, depth.saturating_add(1), c);
                continue;
            }
            match self.signature_check(cur, c) {
                Ok(()) => {}
                Err(Reason::BudgetExhausted) => return Err(self.fatal(Reason::BudgetExhausted)),
                Err(r) => {
                    self.record(r, depth, cur);
                    continue;
                }
            }
            path.push(c);
            if anchor {
                match self.check_path(path) {
                    Ok(()) => return Ok(true),
                    Err((Reason::BudgetExhausted, _)) => {
                        return Err(self.fatal(Reason::BudgetExhausted));
                    }
                    Err((r, at)) => {
                        let node = path.get(at).copied().unwrap_or(cur);
                        self.record(r, at, node);
                    }
                }
            } else if self.search(path)? {
                return Ok(true);
            }
            path.pop();
        }
        Ok(false)
    }

    /// Checks that depend on the whole path (leaf first, anchor last).
    /// Errors carry the position of the certificate concerned.
    fn check_path(&mut self, path: &[usize]) -> Result<(), (Reason, usize)> {
        let certs: Vec<&Certificate<'a>> = path
            .iter()
            .filter_map(|&i| self.nodes.get(i).map(|n| &n.cert))
            .collect();
        // RFC 5280 §6.1.4 (l)/(m): pathLenConstraint counts the
        // non-self-issued intermediates below the CA.
        for (k, ca) in certs.iter().enumerate().skip(1) {
            if let Some(limit) = ca
                .ext
                .basic_constraints
                .as_ref()
                .and_then(|b| b.value.path_len)
            {
                let below = certs
                    .get(1..k)
                    .unwrap_or(&[])
                    .iter()
                    .filter(|c| !c.is_self_issued())
                    .count();
                if u64::try_from(below).unwrap_or(u64::MAX) > limit {
                    return Err((Reason::PathLenExceeded, k));
                }
            }
        }
        // RFC 5280 §6.1.3 (b)/(c): each CA's constraints apply to every
        // certificate below it, except self-issued intermediates.
        for (k, ca) in certs.iter().enumerate().skip(1) {
            let Some(nc) = &ca.ext.name_constraints else {
                continue;
            };
            for (j, sub) in certs.iter().enumerate().take(k) {
                if j > 0 && sub.is_self_issued() {
                    continue;
                }
                let names = constraints::names_of(sub, j == 0 && self.cn_as_dns);
                constraints::check(
                    &nc.value,
                    &names,
                    self.opts.profile.strict(),
                    &mut self.budget.name_constraint_checks,
                )
                .map_err(|r| (r, j))?;
            }
        }
        // Revocation of every certificate but the anchor.
        for (j, pair) in certs.windows(2).enumerate() {
            let (Some(sub), Some(issuer)) = (pair.first(), pair.get(1)) else {
                continue;
            };
            let covered = crl::check(
                sub,
                issuer,
                self.crls,
                self.now,
                self.provider,
                &self.alg_policy,
                self.opts.profile.strict(),
            )
            .map_err(|r| (r, j))?;
            if !covered && self.opts.revocation == Revocation::Required {
                return Err((Reason::BadCrl, j));
            }
        }
        Ok(())
    }
}

/// Validates `chain` (DER, leaf first, as received) against `anchors`,
/// using `intermediates` as extra candidate issuers, `crls` for revocation,
/// and checks the leaf against every name of `references`.
/// `anchor_subjects`, when it has an entry for an anchor, is that anchor's
/// subject Name TLV, compared with `name::equal`: an anchor whose subject issued
/// none of the other certificates cannot be on any path, so it is not parsed
/// (a verifier with a system bundle of 150 roots parses one or two per
/// handshake instead of all).
#[allow(clippy::too_many_arguments)]
pub(crate) fn verify_chain(
    chain: &[&[u8]],
    anchors: &[&[u8]],
    anchor_subjects: &[Vec<u8>],
    intermediates: &[&[u8]],
    crls: &[&[u8]],
    references: &[ReferenceName<'_>],
    now: u64,
    opts: &Options,
    provider: &dyn CryptoProvider,
) -> Result<VerifiedPath, VerifyError> {
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    let (leaf_der, rest) = chain
        .split_first()
        .ok_or(VerifyError::new(Reason::EmptyChain))?;
    let leaf_error = |reason: Reason, leaf: Option<&Certificate<'_>>| VerifyError {
        reason,
        depth: Some(0),
        subject: leaf.and_then(|l| name::dn_string(l.subject)),
    };
    let leaf = Certificate::parse(leaf_der).map_err(|r| leaf_error(r, None))?;
    check_leaf(&leaf, opts, now).map_err(|r| leaf_error(r, Some(&leaf)))?;

    let cn_as_dns =
        opts.name_mode == NameMode::GnuTls && hostname::fallback_common_name(&leaf).is_some();

    // Candidate issuers: anchors first, then the peer's certificates and the
    // configured intermediates; duplicates (same DER) are merged, keeping
    // the anchor flag. Certificates that do not parse cannot be issuers.
    let mut nodes: Vec<Node<'_>> =
        Vec::with_capacity(1 + anchors.len() + rest.len() + intermediates.len());
    nodes.push(Node {
        cert: leaf,
        anchor: false,
    });
    // The untrusted pool first, so the issuer names the anchors must match
    // are known; candidate order prefers anchors by flag, not by position.
    for der in rest.iter().chain(intermediates.iter()) {
        if nodes.iter().skip(1).any(|n| n.cert.der == *der) {
            continue;
        }
        if let Ok(cert) = Certificate::parse(der) {
            nodes.push(Node {
                cert,
                anchor: false,
            });
        }
    }
    let non_anchors = nodes.len();
    for (i, der) in anchors.iter().enumerate() {
        if let Some(subject) = anchor_subjects.get(i) {
            let wanted = nodes
                .iter()
                .take(non_anchors)
                .any(|n| name::equal(n.cert.issuer, subject));
            if !wanted {
                continue;
            }
        }
        // An anchor the peer also sent is the same certificate, trusted.
        if let Some(n) = nodes.iter_mut().skip(1).find(|n| n.cert.der == *der) {
            n.anchor = true;
            continue;
        }
        if let Ok(cert) = Certificate::parse(der) {
            nodes.push(Node { cert, anchor: true });
        }
    }
    let parsed_crls: Vec<Crl<'_>> = crls
        .iter()
        .map(|d| Crl::parse(d))
        .collect::<Result<_, _>>()
        .map_err(VerifyError::new)?;

    let node_count = nodes.len();
    let mut builder = Builder {
        nodes,
        crls: &parsed_crls,
        opts,
        alg_policy: opts.algorithm_policy(),
        provider,
        now,
        budget: opts.budget,
        cn_as_dns,
        ca_checked: alloc::vec![None; node_count],
        signatures: BTreeMap::new(),
        best: None,
    };

    // A leaf that is itself a trust anchor is trusted as such.
    let leaf_is_anchor = anchors.iter().any(|a| a == leaf_der);
    let path = if leaf_is_anchor {
        alloc::vec![0]
    } else {
        let mut path = alloc::vec![0usize];
        if !builder.search(&mut path)? {
            let err = match builder.best {
                Some((r, depth, node)) => builder.error(r, depth, node),
                None => builder.error(Reason::UnknownIssuer, 0, 0),
            };
            return Err(err);
        }
        path
    };

    let leaf = &builder
        .nodes
        .first()
        .ok_or(VerifyError::new(Reason::EmptyChain))?
        .cert;
    for reference in references {
        hostname::verify_name(leaf, reference, opts.name_mode)
            .map_err(|r| leaf_error(r, Some(leaf)))?;
    }
    Ok(VerifiedPath {
        certificates: path
            .iter()
            .filter_map(|&i| builder.nodes.get(i).map(|n| n.cert.der.to_vec()))
            .collect(),
    })
}
