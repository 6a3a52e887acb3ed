//! One X.509 certificate (RFC 5280 §4.1) decoded into a view that borrows
//! its DER: the exact signed bytes, names, validity, key and the extensions
//! the validator acts on, each decoded once.
//!
//! Decoding rejects what cannot be a certificate (bad DER, wrong structure,
//! a malformed known extension, a duplicated extension) with a [`Reason`];
//! whether a well-formed certificate is acceptable is decided later by the
//! path validator under its options.

use super::asn1::{self, Der, Malformed, Time, Tlv, tag};
use super::error::Reason;
use super::{name, oid};
use alloc::collections::BTreeSet;
use alloc::vec::Vec;

/// A GeneralName (RFC 5280 §4.2.1.6), borrowed from the DER.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GeneralName<'a> {
    /// otherName: type-id and value (the constructed content).
    Other(&'a [u8]),
    /// rfc822Name (IA5String).
    Rfc822(&'a str),
    /// dNSName (IA5String).
    Dns(&'a str),
    /// x400Address (content).
    X400(&'a [u8]),
    /// directoryName: the Name TLV.
    Directory(&'a [u8]),
    /// ediPartyName (content).
    EdiParty(&'a [u8]),
    /// uniformResourceIdentifier (IA5String).
    Uri(&'a str),
    /// iPAddress: 4 or 16 octets in a SAN, 8 or 32 in a name constraint.
    Ip(&'a [u8]),
    /// registeredID: OID content bytes.
    RegisteredId(&'a [u8]),
}

impl GeneralName<'_> {
    /// A number per choice, to compare the form of two names.
    pub(crate) fn kind(&self) -> u8 {
        match self {
            GeneralName::Other(_) => 0,
            GeneralName::Rfc822(_) => 1,
            GeneralName::Dns(_) => 2,
            GeneralName::X400(_) => 3,
            GeneralName::Directory(_) => 4,
            GeneralName::EdiParty(_) => 5,
            GeneralName::Uri(_) => 6,
            GeneralName::Ip(_) => 7,
            GeneralName::RegisteredId(_) => 8,
        }
    }
}

fn ia5(value: &[u8]) -> Result<&str, Malformed> {
    if !value.is_ascii() {
        return Err(Malformed);
    }
    core::str::from_utf8(value).map_err(|_| Malformed)
}

/// Decodes one GeneralName TLV.
pub(crate) fn general_name<'a>(t: &Tlv<'a>) -> Result<GeneralName<'a>, Malformed> {
    Ok(match t.tag {
        0xa0 => {
            let mut d = Der::new(t.value);
            d.expect(tag::OID)?;
            d.expect(tag::explicit(0))?;
            d.finish()?;
            GeneralName::Other(t.value)
        }
        0x81 => GeneralName::Rfc822(ia5(t.value)?),
        0x82 => GeneralName::Dns(ia5(t.value)?),
        0xa3 => GeneralName::X400(t.value),
        0xa4 => {
            let mut d = Der::new(t.value);
            let n = d.expect(tag::SEQUENCE)?;
            d.finish()?;
            name::rdns(n.raw)?;
            GeneralName::Directory(n.raw)
        }
        0xa5 => GeneralName::EdiParty(t.value),
        0x86 => GeneralName::Uri(ia5(t.value)?),
        0x87 => GeneralName::Ip(t.value),
        0x88 => GeneralName::RegisteredId(t.value),
        _ => return Err(Malformed),
    })
}

/// Decodes `GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName` content.
pub(crate) fn general_names(mut d: Der<'_>) -> Result<Vec<GeneralName<'_>>, Malformed> {
    let mut out = Vec::new();
    while !d.is_empty() {
        out.push(general_name(&d.any()?)?);
    }
    if out.is_empty() {
        return Err(Malformed);
    }
    Ok(out)
}

/// The fullName form of a DistributionPointName (RFC 5280 §4.2.1.13), from
/// the content of its `[0]` wrapper; `None` for nameRelativeToCRLIssuer.
pub(crate) fn distribution_point_name(
    content: &[u8],
) -> Result<Option<Vec<GeneralName<'_>>>, Malformed> {
    let mut d = Der::new(content);
    let choice = d.any()?;
    d.finish()?;
    match choice.tag {
        0xa0 => general_names(Der::new(choice.value)).map(Some),
        0xa1 => Ok(None),
        _ => Err(Malformed),
    }
}

/// One subtree of a name constraint (RFC 5280 §4.2.1.10).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Subtree<'a> {
    /// The base name.
    pub(crate) base: GeneralName<'a>,
    /// Whether minimum/maximum hold values other than the only ones
    /// RFC 5280 allows (0 and absent).
    pub(crate) nonstandard_bounds: bool,
}

/// The nameConstraints extension.
#[derive(Debug, Clone, Default)]
pub(crate) struct NameConstraints<'a> {
    /// permittedSubtrees (None when absent).
    pub(crate) permitted: Option<Vec<Subtree<'a>>>,
    /// excludedSubtrees (None when absent).
    pub(crate) excluded: Option<Vec<Subtree<'a>>>,
}

fn subtrees(mut d: Der<'_>) -> Result<Vec<Subtree<'_>>, Malformed> {
    let mut out = Vec::new();
    while !d.is_empty() {
        let mut st = d.nested(tag::SEQUENCE)?;
        let base = general_name(&st.any()?)?;
        let mut nonstandard_bounds = false;
        if let Some(min) = st.optional(tag::implicit(0))? {
            nonstandard_bounds |= asn1::small_uint(min.value)? != 0;
        }
        if let Some(max) = st.optional(tag::implicit(1))? {
            asn1::small_uint(max.value)?;
            nonstandard_bounds = true;
        }
        st.finish()?;
        out.push(Subtree {
            base,
            nonstandard_bounds,
        });
    }
    // GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree
    if out.is_empty() {
        return Err(Malformed);
    }
    Ok(out)
}

/// basicConstraints (RFC 5280 §4.2.1.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BasicConstraints {
    /// The cA flag.
    pub(crate) ca: bool,
    /// pathLenConstraint.
    pub(crate) path_len: Option<u64>,
}

/// authorityKeyIdentifier (RFC 5280 §4.2.1.1).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AuthorityKeyId<'a> {
    /// keyIdentifier.
    pub(crate) key_id: Option<&'a [u8]>,
    /// Whether authorityCertIssuer / authorityCertSerialNumber are present.
    pub(crate) has_issuer_and_serial: bool,
}

/// A decoded extension with its criticality.
#[derive(Debug, Clone)]
pub(crate) struct Ext<T> {
    /// The critical flag.
    pub(crate) critical: bool,
    /// The decoded value.
    pub(crate) value: T,
}

/// keyUsage bits (RFC 5280 §4.2.1.3) as [`asn1::named_bits`] positions.
pub(crate) mod ku {
    pub(crate) const DIGITAL_SIGNATURE: u16 = 1 << 0;
    pub(crate) const KEY_CERT_SIGN: u16 = 1 << 5;
    pub(crate) const CRL_SIGN: u16 = 1 << 6;
}

/// The extensions of a certificate the validator acts on.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extensions<'a> {
    pub(crate) basic_constraints: Option<Ext<BasicConstraints>>,
    pub(crate) key_usage: Option<Ext<u16>>,
    pub(crate) ext_key_usage: Option<Ext<Vec<&'a [u8]>>>,
    pub(crate) subject_alt_name: Option<Ext<Vec<GeneralName<'a>>>>,
    pub(crate) name_constraints: Option<Ext<NameConstraints<'a>>>,
    pub(crate) authority_key_id: Option<Ext<AuthorityKeyId<'a>>>,
    pub(crate) subject_key_id: Option<Ext<&'a [u8]>>,
    /// The fullName of each cRLDistributionPoints entry (None for entries
    /// naming the point another way or delegating to a cRLIssuer).
    pub(crate) crl_distribution_points: Option<Vec<Option<Vec<GeneralName<'a>>>>>,
    /// The first critical extension the validator does not know.
    pub(crate) unknown_critical: Option<&'a [u8]>,
    /// Whether an extension the validator knows but does not act on is critical
    /// where RFC 5280 says it must not be (AIA, SKI, AKI).
    pub(crate) wrongly_critical: bool,
    /// Whether an extension RFC 5280 says MUST be critical is not
    /// (policyConstraints, inhibitAnyPolicy).
    pub(crate) wrongly_noncritical: bool,
    /// The number of extensions.
    pub(crate) count: usize,
}

/// A decoded SubjectPublicKeyInfo.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PublicKeyInfo<'a> {
    /// The whole SPKI TLV (what the provider verifies with).
    pub(crate) raw: &'a [u8],
    /// Algorithm OID content bytes.
    pub(crate) algorithm: &'a [u8],
    /// Algorithm parameters TLV, if any.
    pub(crate) params: Option<Tlv<'a>>,
    /// The key bits.
    pub(crate) key: &'a [u8],
}

impl<'a> PublicKeyInfo<'a> {
    /// Decodes a SubjectPublicKeyInfo TLV.
    pub(crate) fn parse(raw: &'a [u8]) -> Result<Self, Malformed> {
        let mut spki = Der::single(raw, tag::SEQUENCE)?;
        let mut alg = spki.nested(tag::SEQUENCE)?;
        let algorithm = alg.expect(tag::OID)?.value;
        let params = if alg.is_empty() {
            None
        } else {
            Some(alg.any()?)
        };
        alg.finish()?;
        let key = asn1::octet_aligned_bits(spki.expect(tag::BIT_STRING)?.value)?;
        spki.finish()?;
        Ok(Self {
            raw,
            algorithm,
            params,
            key,
        })
    }

    /// The modulus length in bits of an RSA key, if this is one.
    pub(crate) fn rsa_modulus_bits(&self) -> Option<usize> {
        if self.algorithm != oid::RSA_ENCRYPTION && self.algorithm != oid::RSASSA_PSS {
            return None;
        }
        let mut key = Der::single(self.key, tag::SEQUENCE).ok()?;
        let n = key.expect(tag::INTEGER).ok()?.value;
        let digits = match n {
            [0, rest @ ..] => rest,
            all => all,
        };
        let first = digits.first()?;
        let lead = usize::try_from(first.leading_zeros()).ok()?;
        Some(digits.len().checked_mul(8)?.saturating_sub(lead))
    }
}

/// A decoded certificate.
#[derive(Debug, Clone)]
pub struct Certificate<'a> {
    /// The whole DER.
    pub(crate) der: &'a [u8],
    /// The tbsCertificate TLV (the signed bytes).
    pub(crate) tbs: &'a [u8],
    /// The outer signatureAlgorithm TLV.
    pub(crate) signature_algorithm: &'a [u8],
    /// The tbsCertificate signature TLV.
    pub(crate) tbs_signature_algorithm: &'a [u8],
    /// The signature value.
    pub(crate) signature: &'a [u8],
    /// 0 = v1, 1 = v2, 2 = v3.
    pub(crate) version: u8,
    /// Serial number INTEGER content bytes (minimally encoded).
    pub(crate) serial: &'a [u8],
    /// Issuer Name TLV.
    pub(crate) issuer: &'a [u8],
    /// Subject Name TLV.
    pub(crate) subject: &'a [u8],
    /// notBefore.
    pub(crate) not_before: Time,
    /// notAfter.
    pub(crate) not_after: Time,
    /// The public key.
    pub(crate) spki: PublicKeyInfo<'a>,
    /// Extensions.
    pub(crate) ext: Extensions<'a>,
}

impl<'a> Certificate<'a> {
    /// Decodes a DER certificate.
    pub fn parse(der: &'a [u8]) -> Result<Self, Reason> {
        let bad = |_: Malformed| Reason::BadEncoding;
        let mut cert = Der::single(der, tag::SEQUENCE).map_err(bad)?;
        let tbs_tlv = cert.expect(tag::SEQUENCE).map_err(bad)?;
        let signature_algorithm = cert.expect(tag::SEQUENCE).map_err(bad)?.raw;
        let signature = asn1::octet_aligned_bits(cert.expect(tag::BIT_STRING).map_err(bad)?.value)
            .map_err(bad)?;
        cert.finish().map_err(bad)?;

        let mut tbs = Der::new(tbs_tlv.value);
        let version = match tbs.optional(tag::explicit(0)).map_err(bad)? {
            Some(v) => {
                let mut d = Der::new(v.value);
                let n =
                    asn1::small_uint(d.expect(tag::INTEGER).map_err(bad)?.value).map_err(bad)?;
                d.finish().map_err(bad)?;
                u8::try_from(n).map_err(|_| Reason::BadVersion)?
            }
            None => 0,
        };
        if version > 2 {
            return Err(Reason::BadVersion);
        }
        let serial = tbs.expect(tag::INTEGER).map_err(bad)?.value;
        asn1::integer_is_negative(serial).map_err(bad)?;
        let tbs_signature_algorithm = tbs.expect(tag::SEQUENCE).map_err(bad)?.raw;
        let issuer = tbs.expect(tag::SEQUENCE).map_err(bad)?.raw;
        let mut validity = tbs.nested(tag::SEQUENCE).map_err(bad)?;
        let not_before = asn1::time(&validity.any().map_err(bad)?).map_err(bad)?;
        let not_after = asn1::time(&validity.any().map_err(bad)?).map_err(bad)?;
        validity.finish().map_err(bad)?;
        let subject = tbs.expect(tag::SEQUENCE).map_err(bad)?.raw;
        let spki =
            PublicKeyInfo::parse(tbs.expect(tag::SEQUENCE).map_err(bad)?.raw).map_err(bad)?;
        let issuer_uid = tbs.optional(tag::implicit(1)).map_err(bad)?;
        let subject_uid = tbs.optional(tag::implicit(2)).map_err(bad)?;
        // RFC 5280 §4.1.2.8: unique identifiers need v2 or v3.
        if (issuer_uid.is_some() || subject_uid.is_some()) && version == 0 {
            return Err(Reason::BadVersion);
        }
        let ext = match tbs.optional(tag::explicit(3)).map_err(bad)? {
            Some(e) => {
                // RFC 5280 §4.1.2.9: extensions need v3.
                if version != 2 {
                    return Err(Reason::BadVersion);
                }
                let mut d = Der::new(e.value);
                let list = d.nested(tag::SEQUENCE).map_err(bad)?;
                d.finish().map_err(bad)?;
                parse_extensions(list)?
            }
            None => Extensions::default(),
        };
        tbs.finish().map_err(bad)?;

        name::validate(issuer).map_err(bad)?;
        name::validate(subject).map_err(bad)?;
        Ok(Self {
            der,
            tbs: tbs_tlv.raw,
            signature_algorithm,
            tbs_signature_algorithm,
            signature,
            version,
            serial,
            issuer,
            subject,
            not_before,
            not_after,
            spki,
            ext,
        })
    }

    /// Whether subject and issuer are the same name (RFC 5280 §6.1:
    /// "self-issued").
    pub(crate) fn is_self_issued(&self) -> bool {
        name::equal(self.issuer, self.subject)
    }

    /// Whether the subject is the same name as `other`'s (RFC 5280 §7.1).
    pub(crate) fn same_subject(&self, other: &Certificate<'_>) -> bool {
        name::equal(self.subject, other.subject)
    }

    /// Whether this certificate's subject names `child`'s issuer.
    pub(crate) fn may_have_issued(&self, child: &Certificate<'_>) -> bool {
        name::equal(self.subject, child.issuer)
    }

    /// Whether the subject is the empty name.
    pub(crate) fn subject_is_empty(&self) -> bool {
        name::is_empty(self.subject)
    }

    /// Whether the issuer is the empty name.
    pub(crate) fn issuer_is_empty(&self) -> bool {
        name::is_empty(self.issuer)
    }

    /// The DER of the certificate.
    pub fn der(&self) -> &'a [u8] {
        self.der
    }

    /// The subject Name TLV.
    pub fn subject_der(&self) -> &'a [u8] {
        self.subject
    }

    /// The issuer Name TLV.
    pub fn issuer_der(&self) -> &'a [u8] {
        self.issuer
    }

    /// The DER SubjectPublicKeyInfo.
    pub fn spki_der(&self) -> &'a [u8] {
        self.spki.raw
    }

    /// The outer signatureAlgorithm TLV.
    pub fn signature_algorithm_der(&self) -> &'a [u8] {
        self.signature_algorithm
    }

    /// The validity period as UNIX seconds (notBefore, notAfter).
    pub fn validity(&self) -> (i64, i64) {
        (self.not_before.unix, self.not_after.unix)
    }

    /// Whether basicConstraints asserts cA.
    pub(crate) fn is_ca(&self) -> bool {
        self.ext
            .basic_constraints
            .as_ref()
            .is_some_and(|bc| bc.value.ca)
    }
}

/// The extensions [`parse_extensions`] recognises (at most 32, one bit
/// each in its duplicate check).
const KNOWN_EXTENSIONS: [&[u8]; 18] = [
    oid::BASIC_CONSTRAINTS,
    oid::KEY_USAGE,
    oid::EXT_KEY_USAGE,
    oid::SUBJECT_ALT_NAME,
    oid::NAME_CONSTRAINTS,
    oid::AUTHORITY_KEY_IDENTIFIER,
    oid::SUBJECT_KEY_IDENTIFIER,
    oid::AUTHORITY_INFO_ACCESS,
    oid::SUBJECT_INFO_ACCESS,
    oid::CRL_DISTRIBUTION_POINTS,
    oid::FRESHEST_CRL,
    oid::POLICY_CONSTRAINTS,
    oid::INHIBIT_ANY_POLICY,
    oid::CERTIFICATE_POLICIES,
    oid::POLICY_MAPPINGS,
    oid::ISSUER_ALT_NAME,
    oid::SUBJECT_DIRECTORY_ATTRIBUTES,
    oid::CT_SCT_LIST,
];

/// The SubjectPublicKeyInfo TLV of a certificate, found by walking the
/// fields before it and nothing else: the same bytes as
/// [`Certificate::parse`]'s `spki.raw` whenever that succeeds, but no
/// check of anything else. Only for certificates already decoded in full.
pub(crate) fn spki_of_decoded(der: &[u8]) -> Option<&[u8]> {
    let mut cert = Der::single(der, tag::SEQUENCE).ok()?;
    let mut tbs = cert.nested(tag::SEQUENCE).ok()?;
    tbs.optional(tag::explicit(0)).ok()?;
    tbs.expect(tag::INTEGER).ok()?;
    // signature, issuer, validity, subject.
    for _ in 0..4 {
        tbs.expect(tag::SEQUENCE).ok()?;
    }
    tbs.expect(tag::SEQUENCE).ok().map(|t| t.raw)
}

/// Known extensions: decoded, checked for duplicates and malformation.
fn parse_extensions(mut list: Der<'_>) -> Result<Extensions<'_>, Reason> {
    let bad = |_: Malformed| Reason::BadEncoding;
    let malformed = |_: Malformed| Reason::MalformedExtension;
    let mut ext = Extensions::default();
    // Known extensions are marked in a bit set; others go in a set, not a
    // list: a 128 KiB certificate holds some 10,000 extensions, and checking
    // each against all before it cost a third of a second.
    let mut seen_known = 0u32;
    let mut seen: BTreeSet<&[u8]> = BTreeSet::new();
    while !list.is_empty() {
        let mut e = list.nested(tag::SEQUENCE).map_err(bad)?;
        let id = e.expect(tag::OID).map_err(bad)?.value;
        // DER forbids encoding the DEFAULT FALSE, but real CAs do: accept it.
        let critical = match e.optional(tag::BOOLEAN).map_err(bad)? {
            Some(b) => asn1::boolean(b.value).map_err(bad)?,
            None => false,
        };
        let value = e.expect(tag::OCTET_STRING).map_err(bad)?.value;
        e.finish().map_err(bad)?;
        // RFC 5280 §4.2: a certificate MUST NOT include more than one
        // instance of a particular extension.
        let fresh = match KNOWN_EXTENSIONS.iter().position(|k| *k == id) {
            Some(bit) => {
                let bit = 1u32 << bit;
                let fresh = seen_known & bit == 0;
                seen_known |= bit;
                fresh
            }
            None => seen.insert(id),
        };
        if !fresh {
            return Err(Reason::DuplicateExtension);
        }
        ext.count = ext.count.saturating_add(1);

        match id {
            oid::BASIC_CONSTRAINTS => {
                let mut d = Der::single(value, tag::SEQUENCE).map_err(malformed)?;
                let ca = match d.optional(tag::BOOLEAN).map_err(malformed)? {
                    Some(b) => asn1::boolean(b.value).map_err(malformed)?,
                    None => false,
                };
                let path_len = match d.optional(tag::INTEGER).map_err(malformed)? {
                    Some(i) => Some(asn1::small_uint(i.value).map_err(malformed)?),
                    None => None,
                };
                d.finish().map_err(malformed)?;
                ext.basic_constraints = Some(Ext {
                    critical,
                    value: BasicConstraints { ca, path_len },
                });
            }
            oid::KEY_USAGE => {
                let mut d = Der::new(value);
                let bits = asn1::named_bits(d.expect(tag::BIT_STRING).map_err(malformed)?.value)
                    .map_err(malformed)?;
                d.finish().map_err(malformed)?;
                // RFC 5280 §4.2.1.3: at least one bit MUST be set.
                if bits == 0 {
                    return Err(Reason::MalformedExtension);
                }
                ext.key_usage = Some(Ext {
                    critical,
                    value: bits,
                });
            }
            oid::EXT_KEY_USAGE => {
                let mut d = Der::single(value, tag::SEQUENCE).map_err(malformed)?;
                let mut purposes = Vec::new();
                while !d.is_empty() {
                    purposes.push(d.expect(tag::OID).map_err(malformed)?.value);
                }
                if purposes.is_empty() {
                    return Err(Reason::MalformedExtension);
                }
                ext.ext_key_usage = Some(Ext {
                    critical,
                    value: purposes,
                });
            }
            oid::SUBJECT_ALT_NAME => {
                let d = Der::single(value, tag::SEQUENCE).map_err(malformed)?;
                ext.subject_alt_name = Some(Ext {
                    critical,
                    value: general_names(d).map_err(malformed)?,
                });
            }
            oid::NAME_CONSTRAINTS => {
                let mut d = Der::single(value, tag::SEQUENCE).map_err(malformed)?;
                let permitted = match d.optional(tag::explicit(0)).map_err(malformed)? {
                    Some(t) => Some(subtrees(Der::new(t.value)).map_err(malformed)?),
                    None => None,
                };
                let excluded = match d.optional(tag::explicit(1)).map_err(malformed)? {
                    Some(t) => Some(subtrees(Der::new(t.value)).map_err(malformed)?),
                    None => None,
                };
                d.finish().map_err(malformed)?;
                ext.name_constraints = Some(Ext {
                    critical,
                    value: NameConstraints {
                        permitted,
                        excluded,
                    },
                });
            }
            oid::AUTHORITY_KEY_IDENTIFIER => {
                let mut d = Der::single(value, tag::SEQUENCE).map_err(malformed)?;
                let key_id = d
                    .optional(tag::implicit(0))
                    .map_err(malformed)?
                    .map(|t| t.value);
                let issuer = d.optional(tag::explicit(1)).map_err(malformed)?;
                if let Some(i) = &issuer {
                    general_names(Der::new(i.value)).map_err(malformed)?;
                }
                let serial = d.optional(tag::implicit(2)).map_err(malformed)?;
                d.finish().map_err(malformed)?;
                // RFC 5280 §4.2.1.1: issuer and serial come together.
                if issuer.is_some() != serial.is_some() {
                    return Err(Reason::MalformedExtension);
                }
                ext.wrongly_critical |= critical;
                ext.authority_key_id = Some(Ext {
                    critical,
                    value: AuthorityKeyId {
                        key_id,
                        has_issuer_and_serial: issuer.is_some(),
                    },
                });
            }
            oid::SUBJECT_KEY_IDENTIFIER => {
                let mut d = Der::new(value);
                let id = d.expect(tag::OCTET_STRING).map_err(malformed)?.value;
                d.finish().map_err(malformed)?;
                ext.wrongly_critical |= critical;
                ext.subject_key_id = Some(Ext {
                    critical,
                    value: id,
                });
            }
            oid::AUTHORITY_INFO_ACCESS | oid::SUBJECT_INFO_ACCESS => {
                // SEQUENCE SIZE (1..MAX) OF AccessDescription.
                let mut d = Der::single(value, tag::SEQUENCE).map_err(malformed)?;
                let mut n = 0usize;
                while !d.is_empty() {
                    let mut ad = d.nested(tag::SEQUENCE).map_err(malformed)?;
                    ad.expect(tag::OID).map_err(malformed)?;
                    general_name(&ad.any().map_err(malformed)?).map_err(malformed)?;
                    ad.finish().map_err(malformed)?;
                    n = n.saturating_add(1);
                }
                if n == 0 {
                    return Err(Reason::MalformedExtension);
                }
                ext.wrongly_critical |= critical;
            }
            oid::CRL_DISTRIBUTION_POINTS => {
                let mut d = Der::single(value, tag::SEQUENCE).map_err(malformed)?;
                let mut points = Vec::new();
                while !d.is_empty() {
                    let mut dp = d.nested(tag::SEQUENCE).map_err(malformed)?;
                    let name = match dp.optional(tag::explicit(0)).map_err(malformed)? {
                        Some(n) => distribution_point_name(n.value).map_err(malformed)?,
                        None => None,
                    };
                    let reasons = dp.optional(tag::implicit(1)).map_err(malformed)?;
                    let crl_issuer = dp.optional(tag::explicit(2)).map_err(malformed)?;
                    dp.finish().map_err(malformed)?;
                    let plain = reasons.is_none() && crl_issuer.is_none();
                    points.push(name.filter(|_| plain));
                }
                if points.is_empty() {
                    return Err(Reason::MalformedExtension);
                }
                ext.crl_distribution_points = Some(points);
            }
            oid::FRESHEST_CRL => {
                let d = Der::single(value, tag::SEQUENCE).map_err(malformed)?;
                if d.is_empty() {
                    return Err(Reason::MalformedExtension);
                }
            }
            // Recognised without being acted on: policies are not processed
            // (every path is valid for anyPolicy), and the others carry no
            // constraint on path validation.
            oid::POLICY_CONSTRAINTS | oid::INHIBIT_ANY_POLICY => {
                Der::new(value).any().map_err(malformed)?;
                ext.wrongly_noncritical |= !critical;
            }
            oid::CERTIFICATE_POLICIES
            | oid::POLICY_MAPPINGS
            | oid::ISSUER_ALT_NAME
            | oid::SUBJECT_DIRECTORY_ATTRIBUTES
            | oid::CT_SCT_LIST => {
                Der::new(value).any().map_err(malformed)?;
            }
            _ => {
                // RFC 5280 §4.2: a system MUST reject a certificate with a
                // critical extension it does not recognise.
                if critical && ext.unknown_critical.is_none() {
                    ext.unknown_critical = Some(id);
                }
            }
        }
    }
    Ok(ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn general_names_decode() {
        let dns = [0x82, 0x03, b'a', b'.', b'b'];
        let mut d = Der::new(&dns);
        assert_eq!(general_name(&d.any().unwrap()), Ok(GeneralName::Dns("a.b")));
        let ip = [0x87, 0x04, 127, 0, 0, 1];
        let mut d = Der::new(&ip);
        assert_eq!(
            general_name(&d.any().unwrap()),
            Ok(GeneralName::Ip(&[127, 0, 0, 1]))
        );
        let bad = [0x82, 0x01, 0xe9];
        let mut d = Der::new(&bad);
        assert_eq!(general_name(&d.any().unwrap()), Err(Malformed));
        assert_eq!(general_names(Der::new(&[])), Err(Malformed));
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(Certificate::parse(&[]).unwrap_err(), Reason::BadEncoding);
        assert_eq!(
            Certificate::parse(&[0x30, 0x00]).unwrap_err(),
            Reason::BadEncoding
        );
    }
}
