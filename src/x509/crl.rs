//! Certificate revocation lists (RFC 5280 §5): decoding, and deciding
//! whether a certificate in a path is revoked by a CRL of its issuer.
//!
//! A CRL is used for a certificate when its issuer name equals the
//! certificate's issuer and it is signed by the issuing CA's key (direct
//! CRLs only). A usable CRL must be current (thisUpdate not in the future,
//! nextUpdate not passed), carry no unknown critical extension, and be
//! signed by a CA whose keyUsage (when present) allows cRLSign. A CRL of
//! the issuer that fails one of these makes the check fail closed with
//! [`Reason::BadCrl`]: a broken or stale revocation list must not be read as
//! "nothing is revoked". Under the RFC 5280 and web PKI profiles a CRL must
//! also carry a non-critical CRLNumber (RFC 5280 §5.2.3). Delta CRLs and
//! indirect CRLs are not consulted.

use super::asn1::{self, Der, Malformed, Time, tag};
use super::cert::{Certificate, GeneralName, distribution_point_name, ku};
use super::error::Reason;
use super::sigalg::{self, AlgorithmPolicy};
use super::{name, oid};
use crate::provider::CryptoProvider;
use alloc::collections::BTreeSet;
use alloc::vec::Vec;

/// CRL entry reason code removeFromCRL (RFC 5280 §5.3.1): only meaningful
/// in delta CRLs, never a revocation.
const REASON_REMOVE_FROM_CRL: u64 = 8;

/// One revoked certificate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RevokedEntry<'a> {
    /// Serial number INTEGER content.
    pub(crate) serial: &'a [u8],
    /// The reason code, when given.
    pub(crate) reason: Option<u64>,
}

/// The scope an issuingDistributionPoint limits a CRL to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope<'a> {
    only_user: bool,
    only_ca: bool,
    only_attribute: bool,
    partial_reasons: bool,
    indirect: bool,
    /// The distribution point: `Some(None)` when named other than by fullName.
    distribution_point: Option<Option<Vec<GeneralName<'a>>>>,
}

/// A decoded CRL.
#[derive(Debug, Clone)]
pub struct Crl<'a> {
    tbs: &'a [u8],
    signature_algorithm: &'a [u8],
    signature: &'a [u8],
    issuer: &'a [u8],
    this_update: Time,
    next_update: Option<Time>,
    entries: Vec<RevokedEntry<'a>>,
    scope: Scope<'a>,
    delta: bool,
    unknown_critical: bool,
    /// The CRLNumber extension: `Some(critical)` when present.
    crl_number: Option<bool>,
}

impl<'a> Crl<'a> {
    /// Decodes a DER CRL.
    pub fn parse(der: &'a [u8]) -> Result<Self, Reason> {
        Self::parse_inner(der).map_err(|_| Reason::BadCrl)
    }

    fn parse_inner(der: &'a [u8]) -> Result<Self, Malformed> {
        let mut list = Der::single(der, tag::SEQUENCE)?;
        let tbs_tlv = list.expect(tag::SEQUENCE)?;
        let signature_algorithm = list.expect(tag::SEQUENCE)?.raw;
        let signature = asn1::octet_aligned_bits(list.expect(tag::BIT_STRING)?.value)?;
        list.finish()?;

        let mut tbs = Der::new(tbs_tlv.value);
        let mut v2 = false;
        if let Some(v) = tbs.optional(tag::INTEGER)? {
            // RFC 5280 §5.1.2.1: when present the version is v2 (1).
            if asn1::small_uint(v.value)? != 1 {
                return Err(Malformed);
            }
            v2 = true;
        }
        let inner_alg = tbs.expect(tag::SEQUENCE)?.raw;
        if inner_alg != signature_algorithm {
            return Err(Malformed);
        }
        let issuer = tbs.expect(tag::SEQUENCE)?.raw;
        let this_update = asn1::time(&tbs.any()?)?;
        let next_update = match tbs.peek() {
            Some(tag::UTC_TIME | tag::GENERALIZED_TIME) => Some(asn1::time(&tbs.any()?)?),
            _ => None,
        };
        let mut entries = Vec::new();
        let mut unknown_critical = false;
        if let Some(revoked) = tbs.optional(tag::SEQUENCE)? {
            let mut d = Der::new(revoked.value);
            while !d.is_empty() {
                let mut e = d.nested(tag::SEQUENCE)?;
                let serial = e.expect(tag::INTEGER)?.value;
                asn1::integer_is_negative(serial)?;
                asn1::time(&e.any()?)?;
                let mut reason = None;
                if let Some(exts) = e.optional(tag::SEQUENCE)? {
                    if !v2 {
                        return Err(Malformed);
                    }
                    for (id, critical, value) in extensions(Der::new(exts.value))? {
                        match id {
                            oid::CRL_REASON => {
                                let mut r = Der::new(value);
                                reason = Some(asn1::small_uint(r.expect(tag::ENUMERATED)?.value)?);
                                r.finish()?;
                            }
                            oid::INVALIDITY_DATE => {}
                            // Entries for other issuers belong to indirect
                            // CRLs, which are not consulted.
                            oid::CERTIFICATE_ISSUER => unknown_critical = true,
                            _ => unknown_critical |= critical,
                        }
                    }
                }
                e.finish()?;
                entries.push(RevokedEntry { serial, reason });
            }
        }
        // A serial listed twice makes the list ambiguous (reasons, dates).
        let mut serials: Vec<&[u8]> = entries.iter().map(|e| e.serial).collect();
        serials.sort_unstable();
        if serials.windows(2).any(|w| w.first() == w.get(1)) {
            return Err(Malformed);
        }
        let mut scope = Scope::default();
        let mut delta = false;
        let mut crl_number = None;
        if let Some(exts) = tbs.optional(tag::explicit(0))? {
            if !v2 {
                return Err(Malformed);
            }
            let mut outer = Der::new(exts.value);
            let list = outer.nested(tag::SEQUENCE)?;
            outer.finish()?;
            for (id, critical, value) in extensions(list)? {
                match id {
                    oid::CRL_NUMBER => crl_number = Some(critical),
                    oid::AUTHORITY_KEY_IDENTIFIER
                    | oid::ISSUER_ALT_NAME
                    | oid::AUTHORITY_INFO_ACCESS
                    | oid::FRESHEST_CRL => {}
                    oid::DELTA_CRL_INDICATOR => delta = true,
                    oid::ISSUING_DISTRIBUTION_POINT => scope = issuing_distribution_point(value)?,
                    _ => unknown_critical |= critical,
                }
            }
        }
        tbs.finish()?;
        name::validate(issuer)?;
        Ok(Self {
            tbs: tbs_tlv.raw,
            signature_algorithm,
            signature,
            issuer,
            this_update,
            next_update,
            entries,
            scope,
            delta,
            unknown_critical,
            crl_number,
        })
    }

    /// The issuer Name TLV.
    pub fn issuer_der(&self) -> &'a [u8] {
        self.issuer
    }

    /// Whether this CRL could be about certificates of `issuer` (by name).
    pub(crate) fn is_from(&self, issuer: &Certificate<'_>) -> bool {
        name::equal(self.issuer, issuer.subject)
    }
}

/// One extension: OID content, critical flag, value.
type RawExtension<'a> = (&'a [u8], bool, &'a [u8]);

/// Walks an Extensions SEQUENCE content, rejecting duplicates.
fn extensions(mut d: Der<'_>) -> Result<Vec<RawExtension<'_>>, Malformed> {
    let mut out: Vec<RawExtension<'_>> = Vec::new();
    // Duplicates are found with a set: pairwise checks would cost quadratic
    // time in the number of extensions.
    let mut seen: BTreeSet<&[u8]> = BTreeSet::new();
    while !d.is_empty() {
        let mut e = d.nested(tag::SEQUENCE)?;
        let id = e.expect(tag::OID)?.value;
        let critical = match e.optional(tag::BOOLEAN)? {
            Some(b) => asn1::boolean(b.value)?,
            None => false,
        };
        let value = e.expect(tag::OCTET_STRING)?.value;
        e.finish()?;
        if !seen.insert(id) {
            return Err(Malformed);
        }
        out.push((id, critical, value));
    }
    Ok(out)
}

fn issuing_distribution_point(value: &[u8]) -> Result<Scope<'_>, Malformed> {
    let mut d = Der::single(value, tag::SEQUENCE)?;
    let mut scope = Scope::default();
    let flag = |t: &asn1::Tlv<'_>| asn1::boolean(t.value);
    if let Some(dp) = d.optional(tag::explicit(0))? {
        scope.distribution_point = Some(distribution_point_name(dp.value)?);
    }
    if let Some(t) = d.optional(tag::implicit(1))? {
        scope.only_user = flag(&t)?;
    }
    if let Some(t) = d.optional(tag::implicit(2))? {
        scope.only_ca = flag(&t)?;
    }
    if d.optional(tag::implicit(3))?.is_some() {
        scope.partial_reasons = true;
    }
    if let Some(t) = d.optional(tag::implicit(4))? {
        scope.indirect = flag(&t)?;
    }
    if let Some(t) = d.optional(tag::implicit(5))? {
        scope.only_attribute = flag(&t)?;
    }
    d.finish()?;
    Ok(scope)
}

/// Whether a CRL restricted to a distribution point covers `cert`
/// (RFC 5280 §6.3.3 (b)(2)(i)): a fullName of the CRL's point must equal a
/// fullName of one of the certificate's points. Points named only by URIs
/// are compared (CA/B BR §7.1.2.11.2 and §7.2.2.1 allow nothing else).
fn point_matches(cert: &Certificate<'_>, crl_point: &Option<Vec<GeneralName<'_>>>) -> bool {
    let (Some(crl_names), Some(points)) = (crl_point, &cert.ext.crl_distribution_points) else {
        return false;
    };
    // CA/B BR §7.2.2.1: the CRL's point is named by URIs only as well.
    let uris_only =
        |names: &[GeneralName<'_>]| names.iter().all(|n| matches!(n, GeneralName::Uri(_)));
    uris_only(crl_names)
        && points
            .iter()
            .flatten()
            .any(|names| uris_only(names) && names.iter().any(|n| crl_names.contains(n)))
}

/// Checks `cert` (issued by `issuer`) against every CRL of that issuer.
/// Returns `Ok(true)` when a usable CRL covered the certificate and did not
/// list it, `Ok(false)` when the issuer has no CRL. When the issuer has CRLs
/// but none covers this certificate, revocation cannot be decided and the
/// check fails with [`Reason::BadCrl`].
pub(crate) fn check(
    cert: &Certificate<'_>,
    issuer: &Certificate<'_>,
    crls: &[Crl<'_>],
    now: i64,
    provider: &dyn CryptoProvider,
    policy: &AlgorithmPolicy,
    strict: bool,
) -> Result<bool, Reason> {
    let mut covered = false;
    let mut issuer_has_crls = false;
    for crl in crls.iter().filter(|c| c.is_from(issuer)) {
        issuer_has_crls = true;
        sigalg::verify(
            provider,
            crl.signature_algorithm,
            &issuer.spki,
            crl.tbs,
            crl.signature,
            policy,
        )
        .map_err(|_| Reason::BadCrl)?;
        // RFC 5280 §6.3.3 (f): the CRL signer must be allowed to sign CRLs.
        if issuer
            .ext
            .key_usage
            .as_ref()
            .is_some_and(|k| k.value & ku::CRL_SIGN == 0)
        {
            return Err(Reason::BadCrl);
        }
        // RFC 5280 §5.2.3: conforming CRLs carry a non-critical CRLNumber.
        if strict && crl.crl_number != Some(false) {
            return Err(Reason::BadCrl);
        }
        if crl.unknown_critical
            || crl.this_update.unix > now
            || crl.next_update.is_some_and(|n| n.unix < now)
        {
            return Err(Reason::BadCrl);
        }
        // Only full, direct CRLs whose scope includes this kind of
        // certificate are consulted (RFC 5280 §6.3.3 (b)).
        let is_ca = cert.is_ca();
        if crl.delta
            || crl.scope.indirect
            || crl.scope.only_attribute
            || crl.scope.partial_reasons
            || (crl.scope.only_user && is_ca)
            || (crl.scope.only_ca && !is_ca)
        {
            continue;
        }
        if let Some(point) = &crl.scope.distribution_point {
            if !point_matches(cert, point) {
                continue;
            }
        }
        if crl
            .entries
            .iter()
            .any(|e| e.serial == cert.serial && e.reason != Some(REASON_REMOVE_FROM_CRL))
        {
            return Err(Reason::Revoked);
        }
        covered = true;
    }
    if issuer_has_crls && !covered {
        return Err(Reason::BadCrl);
    }
    Ok(covered)
}
