//! The certificate builder: names, validity, the v3 extensions the X.509
//! tests need (each optional, with its criticality), and signing.

use super::PkiError;
use super::der_reader::{read_tlv, split_tlv};
use super::der_writer::{self as der, sequence};
use super::key::{KeyPair, const_oid};
use crate::pem;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::net::IpAddr;

/// Extension and attribute OIDs, as arcs.
mod oids {
    pub(super) const COMMON_NAME: &[u64] = &[2, 5, 4, 3];
    pub(super) const COUNTRY: &[u64] = &[2, 5, 4, 6];
    pub(super) const LOCALITY: &[u64] = &[2, 5, 4, 7];
    pub(super) const STATE: &[u64] = &[2, 5, 4, 8];
    pub(super) const ORGANIZATION: &[u64] = &[2, 5, 4, 10];
    pub(super) const ORGANIZATIONAL_UNIT: &[u64] = &[2, 5, 4, 11];
    pub(super) const SUBJECT_KEY_IDENTIFIER: &[u64] = &[2, 5, 29, 14];
    pub(super) const KEY_USAGE: &[u64] = &[2, 5, 29, 15];
    pub(super) const SUBJECT_ALT_NAME: &[u64] = &[2, 5, 29, 17];
    pub(super) const BASIC_CONSTRAINTS: &[u64] = &[2, 5, 29, 19];
    pub(super) const NAME_CONSTRAINTS: &[u64] = &[2, 5, 29, 30];
    pub(super) const AUTHORITY_KEY_IDENTIFIER: &[u64] = &[2, 5, 29, 35];
    pub(super) const EXT_KEY_USAGE: &[u64] = &[2, 5, 29, 37];
    pub(super) const ANY_EXTENDED_KEY_USAGE: &[u64] = &[2, 5, 29, 37, 0];
    pub(super) const SERVER_AUTH: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 1];
    pub(super) const CLIENT_AUTH: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 2];
}

/// The certificate version field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// v1: the version field is omitted (its DEFAULT). Extensions set on the
    /// builder are still written, which makes an invalid certificate; tests
    /// of v1 handling should disable them.
    V1,
    /// v3, the default.
    V3,
}

/// A naming attribute of a distinguished name.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameAttribute {
    /// commonName (CN), UTF8String.
    CommonName,
    /// countryName (C), PrintableString of two letters.
    Country,
    /// stateOrProvinceName (ST), UTF8String.
    StateOrProvince,
    /// localityName (L), UTF8String.
    Locality,
    /// organizationName (O), UTF8String.
    Organization,
    /// organizationalUnitName (OU), UTF8String.
    OrganizationalUnit,
}

/// A distinguished name: single-valued RDNs in the order added, which is
/// the DER order (most significant first, so conventionally C, O, OU, CN).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DistinguishedName {
    rdns: Vec<(NameAttribute, String)>,
}

impl DistinguishedName {
    /// An empty name (a zero-length SEQUENCE).
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an RDN.
    pub fn push(mut self, attribute: NameAttribute, value: &str) -> Self {
        self.rdns.push((attribute, String::from(value)));
        self
    }

    /// Appends countryName.
    pub fn country(self, value: &str) -> Self {
        self.push(NameAttribute::Country, value)
    }

    /// Appends organizationName.
    pub fn organization(self, value: &str) -> Self {
        self.push(NameAttribute::Organization, value)
    }

    /// Appends organizationalUnitName.
    pub fn organizational_unit(self, value: &str) -> Self {
        self.push(NameAttribute::OrganizationalUnit, value)
    }

    /// Appends commonName.
    pub fn common_name(self, value: &str) -> Self {
        self.push(NameAttribute::CommonName, value)
    }

    /// The DER `Name`.
    ///
    /// # Errors
    /// [`PkiError::InvalidString`] if a countryName is not PrintableString.
    pub fn to_der(&self) -> Result<Vec<u8>, PkiError> {
        let mut rdns = Vec::with_capacity(self.rdns.len());
        for (attribute, value) in &self.rdns {
            let (oid, value) = match attribute {
                // RFC 5280 Appendix A: countryName is PrintableString SIZE(2).
                NameAttribute::Country => (oids::COUNTRY, der::printable_string(value)?),
                // RFC 5280 §4.1.2.4: new certificates use UTF8String.
                NameAttribute::CommonName => (oids::COMMON_NAME, der::utf8_string(value)),
                NameAttribute::StateOrProvince => (oids::STATE, der::utf8_string(value)),
                NameAttribute::Locality => (oids::LOCALITY, der::utf8_string(value)),
                NameAttribute::Organization => (oids::ORGANIZATION, der::utf8_string(value)),
                NameAttribute::OrganizationalUnit => {
                    (oids::ORGANIZATIONAL_UNIT, der::utf8_string(value))
                }
            };
            let atv = sequence(&[&const_oid(oid), &value]);
            rdns.push(der::set_of(&[&atv]));
        }
        let refs: Vec<&[u8]> = rdns.iter().map(Vec::as_slice).collect();
        Ok(sequence(&refs))
    }
}

/// The basicConstraints extension (RFC 5280 §4.2.1.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BasicConstraints {
    /// The cA flag.
    pub ca: bool,
    /// pathLenConstraint.
    pub path_len: Option<u32>,
    /// Criticality.
    pub critical: bool,
}

impl BasicConstraints {
    /// A critical CA constraint with an optional path length.
    pub fn ca(path_len: Option<u32>) -> Self {
        Self {
            ca: true,
            path_len,
            critical: true,
        }
    }

    /// A critical end-entity constraint (`cA` FALSE, an empty SEQUENCE).
    pub fn end_entity() -> Self {
        Self {
            ca: false,
            path_len: None,
            critical: true,
        }
    }

    fn value(&self) -> Vec<u8> {
        let mut parts = Vec::new();
        // DER omits a BOOLEAN equal to its DEFAULT FALSE (X.690 §11.5).
        if self.ca {
            parts.push(der::boolean(true));
        }
        if let Some(n) = self.path_len {
            parts.push(der::integer_u64(u64::from(n)));
        }
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        sequence(&refs)
    }
}

/// The keyUsage extension (RFC 5280 §4.2.1.3): a bit set of the named bits
/// below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyUsage {
    /// The bits, `1 << n` for named bit `n`.
    pub bits: u16,
    /// Criticality (RFC 5280 says SHOULD be critical).
    pub critical: bool,
}

impl KeyUsage {
    /// digitalSignature (0).
    pub const DIGITAL_SIGNATURE: u16 = 1 << 0;
    /// nonRepudiation / contentCommitment (1).
    pub const CONTENT_COMMITMENT: u16 = 1 << 1;
    /// keyEncipherment (2).
    pub const KEY_ENCIPHERMENT: u16 = 1 << 2;
    /// dataEncipherment (3).
    pub const DATA_ENCIPHERMENT: u16 = 1 << 3;
    /// keyAgreement (4).
    pub const KEY_AGREEMENT: u16 = 1 << 4;
    /// keyCertSign (5).
    pub const KEY_CERT_SIGN: u16 = 1 << 5;
    /// cRLSign (6).
    pub const CRL_SIGN: u16 = 1 << 6;
    /// encipherOnly (7).
    pub const ENCIPHER_ONLY: u16 = 1 << 7;
    /// decipherOnly (8).
    pub const DECIPHER_ONLY: u16 = 1 << 8;

    /// A critical keyUsage with `bits`.
    pub fn new(bits: u16) -> Self {
        Self {
            bits,
            critical: true,
        }
    }

    /// The BIT STRING: named bit n is bit 7 - n % 8 of byte n / 8, and DER
    /// drops trailing zero bits (X.690 §11.2.2).
    fn value(&self) -> Result<Vec<u8>, PkiError> {
        let bits = self.bits & 0x01ff;
        let Some(highest) = (0u8..9).rev().find(|n| bits & (1u16 << n) != 0) else {
            return der::bit_string_with_unused(&[], 0);
        };
        let mut bytes = vec![0u8; usize::from(highest / 8) + 1];
        for n in 0u8..=highest {
            if bits & (1u16 << n) != 0 {
                if let Some(b) = bytes.get_mut(usize::from(n / 8)) {
                    *b |= 0x80 >> (n % 8);
                }
            }
        }
        der::bit_string_with_unused(&bytes, 7 - highest % 8)
    }
}

/// One extendedKeyUsage purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyPurpose {
    /// id-kp-serverAuth.
    ServerAuth,
    /// id-kp-clientAuth.
    ClientAuth,
    /// anyExtendedKeyUsage.
    Any,
    /// Any other purpose, by OID arcs.
    Other(Vec<u64>),
}

/// The extendedKeyUsage extension (RFC 5280 §4.2.1.12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtendedKeyUsage {
    /// The purposes, in order.
    pub purposes: Vec<KeyPurpose>,
    /// Criticality.
    pub critical: bool,
}

impl ExtendedKeyUsage {
    /// A non-critical extendedKeyUsage.
    pub fn new(purposes: Vec<KeyPurpose>) -> Self {
        Self {
            purposes,
            critical: false,
        }
    }

    fn value(&self) -> Result<Vec<u8>, PkiError> {
        let mut oids = Vec::with_capacity(self.purposes.len());
        for p in &self.purposes {
            oids.push(match p {
                KeyPurpose::ServerAuth => const_oid(oids::SERVER_AUTH),
                KeyPurpose::ClientAuth => const_oid(oids::CLIENT_AUTH),
                KeyPurpose::Any => const_oid(oids::ANY_EXTENDED_KEY_USAGE),
                KeyPurpose::Other(arcs) => der::oid(arcs)?,
            });
        }
        let refs: Vec<&[u8]> = oids.iter().map(Vec::as_slice).collect();
        Ok(sequence(&refs))
    }
}

/// A GeneralName (RFC 5280 §4.2.1.6) for subjectAltName.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GeneralName {
    /// dNSName (IA5String).
    Dns(String),
    /// iPAddress: 4 or 16 octets.
    Ip(IpAddr),
    /// rfc822Name (IA5String).
    Email(String),
    /// uniformResourceIdentifier (IA5String).
    Uri(String),
    /// directoryName.
    DirectoryName(DistinguishedName),
}

fn ip_octets(ip: &IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => v6.octets().to_vec(),
    }
}

/// IA5String content under an IMPLICIT `[tag]`.
fn implicit_ia5(tag: u32, s: &str) -> Result<Vec<u8>, PkiError> {
    if !s.is_ascii() {
        return Err(PkiError::InvalidString);
    }
    Ok(der::context_primitive(tag, s.as_bytes()))
}

impl GeneralName {
    fn to_der(&self) -> Result<Vec<u8>, PkiError> {
        match self {
            GeneralName::Email(s) => implicit_ia5(1, s),
            GeneralName::Dns(s) => implicit_ia5(2, s),
            // Name is a CHOICE, so [4] is an EXPLICIT tag (X.680 §31.2.7).
            GeneralName::DirectoryName(dn) => Ok(der::context_constructed(4, &dn.to_der()?)),
            GeneralName::Uri(s) => implicit_ia5(6, s),
            GeneralName::Ip(ip) => Ok(der::context_primitive(7, &ip_octets(ip))),
        }
    }
}

/// The subjectAltName extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectAltName {
    /// The names, in order.
    pub names: Vec<GeneralName>,
    /// Criticality (RFC 5280: critical when the subject is empty).
    pub critical: bool,
}

/// A name-constraints subtree base (RFC 5280 §4.2.1.10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subtree {
    /// A dNSName constraint (`example.com`, `.example.com`).
    Dns(String),
    /// An iPAddress constraint: address and prefix length, encoded as
    /// address octets followed by mask octets.
    Ip {
        /// The network address.
        addr: IpAddr,
        /// The prefix length, at most 32 (IPv4) or 128 (IPv6).
        prefix_len: u8,
    },
    /// Raw iPAddress octets, for crafting malformed constraints.
    IpRaw(Vec<u8>),
    /// An rfc822Name constraint.
    Email(String),
    /// A uniformResourceIdentifier constraint.
    Uri(String),
    /// A directoryName constraint.
    DirectoryName(DistinguishedName),
}

impl Subtree {
    fn to_der(&self) -> Result<Vec<u8>, PkiError> {
        let base = match self {
            Subtree::Dns(s) => GeneralName::Dns(s.clone()).to_der()?,
            Subtree::Email(s) => GeneralName::Email(s.clone()).to_der()?,
            Subtree::Uri(s) => GeneralName::Uri(s.clone()).to_der()?,
            Subtree::DirectoryName(dn) => GeneralName::DirectoryName(dn.clone()).to_der()?,
            Subtree::IpRaw(octets) => der::context_primitive(7, octets),
            Subtree::Ip { addr, prefix_len } => {
                let mut octets = ip_octets(addr);
                let width = octets.len();
                let mut remaining = *prefix_len;
                if usize::from(remaining) > width.saturating_mul(8) {
                    return Err(PkiError::InvalidParameter("name constraint prefix length"));
                }
                for _ in 0..width {
                    let take = remaining.min(8);
                    remaining = remaining.saturating_sub(take);
                    // The mask byte with `take` leading one bits.
                    let mask = if take == 0 { 0 } else { 0xffu8 << (8 - take) };
                    octets.push(mask);
                }
                der::context_primitive(7, &octets)
            }
        };
        // minimum and maximum keep their DEFAULT / absent values: RFC 5280
        // §4.2.1.10 says they MUST be 0 and absent.
        Ok(sequence(&[&base]))
    }
}

/// The nameConstraints extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameConstraints {
    /// permittedSubtrees (omitted when empty).
    pub permitted: Vec<Subtree>,
    /// excludedSubtrees (omitted when empty).
    pub excluded: Vec<Subtree>,
    /// Criticality (RFC 5280: conforming CAs MUST mark it critical).
    pub critical: bool,
}

impl NameConstraints {
    /// Critical name constraints.
    pub fn new(permitted: Vec<Subtree>, excluded: Vec<Subtree>) -> Self {
        Self {
            permitted,
            excluded,
            critical: true,
        }
    }

    fn value(&self) -> Result<Vec<u8>, PkiError> {
        let mut fields = Vec::new();
        for (tag, list) in [(0u32, &self.permitted), (1, &self.excluded)] {
            if list.is_empty() {
                continue;
            }
            let mut subtrees = Vec::new();
            for s in list {
                subtrees.extend_from_slice(&s.to_der()?);
            }
            // GeneralSubtrees is a SEQUENCE OF under an IMPLICIT [n].
            fields.push(der::context_constructed(tag, &subtrees));
        }
        let refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
        Ok(sequence(&refs))
    }
}

/// An extension given as OID arcs, criticality and the DER of its value
/// (the content of extnValue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawExtension {
    /// The extnID arcs.
    pub oid: Vec<u64>,
    /// Criticality.
    pub critical: bool,
    /// The DER value wrapped by extnValue's OCTET STRING.
    pub value: Vec<u8>,
}

/// A DER X.509 certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
}

/// The top-level pieces of a certificate the builder needs to read back.
struct CertParts<'a> {
    tbs: &'a [u8],
    subject: &'a [u8],
    extensions: Option<&'a [u8]>,
}

fn parse_cert(der: &[u8]) -> Result<CertParts<'_>, PkiError> {
    let bad = PkiError::MalformedCertificate;
    let (tag, body, rest) = read_tlv(der).map_err(|_| bad)?;
    if tag != der::tag::SEQUENCE || !rest.is_empty() {
        return Err(bad);
    }
    let (tag, tbs, _) = split_tlv(body).map_err(|_| bad)?;
    if tag != der::tag::SEQUENCE {
        return Err(bad);
    }
    let (_, mut fields, _) = read_tlv(tbs).map_err(|_| bad)?;
    let mut next = |expect: &[u8]| -> Result<(u8, &[u8]), PkiError> {
        let (tag, whole, rest) = split_tlv(fields).map_err(|_| bad)?;
        if !expect.contains(&tag) {
            return Err(bad);
        }
        fields = rest;
        Ok((tag, whole))
    };
    let (tag, _) = next(&[0xa0, der::tag::INTEGER])?;
    if tag == 0xa0 {
        next(&[der::tag::INTEGER])?; // serialNumber
    }
    next(&[der::tag::SEQUENCE])?; // signature
    next(&[der::tag::SEQUENCE])?; // issuer
    next(&[der::tag::SEQUENCE])?; // validity
    let (_, subject) = next(&[der::tag::SEQUENCE])?;
    next(&[der::tag::SEQUENCE])?; // subjectPublicKeyInfo
    let mut extensions = None;
    while let Ok((tag, whole)) = next(&[0x81, 0x82, 0xa3]) {
        if tag == 0xa3 {
            let (_, explicit, _) = read_tlv(whole).map_err(|_| bad)?;
            let (_, list, _) = read_tlv(explicit).map_err(|_| bad)?;
            extensions = Some(list);
        }
    }
    Ok(CertParts {
        tbs,
        subject,
        extensions,
    })
}

impl Certificate {
    /// Wraps DER bytes (not checked until a method needs to read them).
    pub fn from_der(der: Vec<u8>) -> Self {
        Self { der }
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// Consumes the certificate, giving its DER.
    pub fn into_der(self) -> Vec<u8> {
        self.der
    }

    /// The certificate as a `CERTIFICATE` PEM block.
    pub fn to_pem(&self) -> String {
        pem::encode("CERTIFICATE", &self.der)
    }

    /// The DER of the TBSCertificate (the signed bytes).
    ///
    /// # Errors
    /// [`PkiError::MalformedCertificate`] if the DER does not have the
    /// shape of a certificate.
    pub fn tbs_der(&self) -> Result<&[u8], PkiError> {
        Ok(parse_cert(&self.der)?.tbs)
    }

    /// The DER of the subject Name.
    ///
    /// # Errors
    /// As [`Certificate::tbs_der`].
    pub fn subject_der(&self) -> Result<&[u8], PkiError> {
        Ok(parse_cert(&self.der)?.subject)
    }

    /// The keyIdentifier of the subjectKeyIdentifier extension, if any.
    ///
    /// # Errors
    /// As [`Certificate::tbs_der`].
    pub fn subject_key_identifier(&self) -> Result<Option<&[u8]>, PkiError> {
        let bad = PkiError::MalformedCertificate;
        let Some(mut list) = parse_cert(&self.der)?.extensions else {
            return Ok(None);
        };
        let ski_oid = const_oid(oids::SUBJECT_KEY_IDENTIFIER);
        while !list.is_empty() {
            let (_, ext, rest) = read_tlv(list).map_err(|_| bad)?;
            list = rest;
            let (_, oid, after_oid) = split_tlv(ext).map_err(|_| bad)?;
            if oid != ski_oid {
                continue;
            }
            let (mut tag, mut value, mut after) = read_tlv(after_oid).map_err(|_| bad)?;
            if tag == der::tag::BOOLEAN {
                (tag, value, after) = read_tlv(after).map_err(|_| bad)?;
            }
            if tag != der::tag::OCTET_STRING || !after.is_empty() {
                return Err(bad);
            }
            let (tag, key_id, _) = read_tlv(value).map_err(|_| bad)?;
            if tag != der::tag::OCTET_STRING {
                return Err(bad);
            }
            return Ok(Some(key_id));
        }
        Ok(None)
    }
}

/// Builds certificates. Setters consume and return the builder; the build
/// methods borrow it, so one builder can issue several certificates (each
/// with a fresh random serial unless one was set).
///
/// Defaults of [`CertBuilder::new`]: v3, empty subject, random positive
/// 16-byte serial, valid from one hour before the build to 365 days after
/// it, and only the subjectKeyIdentifier and authorityKeyIdentifier
/// extensions.
#[derive(Debug, Clone)]
pub struct CertBuilder {
    version: Version,
    serial: Option<Vec<u8>>,
    not_before: Option<i64>,
    not_after: Option<i64>,
    subject: DistinguishedName,
    subject_raw: Option<Vec<u8>>,
    issuer_raw: Option<Vec<u8>>,
    basic_constraints: Option<BasicConstraints>,
    key_usage: Option<KeyUsage>,
    extended_key_usage: Option<ExtendedKeyUsage>,
    subject_alt_name: Option<SubjectAltName>,
    subject_key_identifier: bool,
    authority_key_identifier: bool,
    name_constraints: Option<NameConstraints>,
    raw_extensions: Vec<RawExtension>,
}

impl Default for CertBuilder {
    fn default() -> Self {
        Self::new()
    }
}

/// Slack before "now" in the default validity, for peers with slow clocks.
const DEFAULT_BACKDATE: i64 = 3600;
/// Default lifetime after "now".
const DEFAULT_LIFETIME: i64 = 365 * 86_400;

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
        .unwrap_or(0)
}

impl CertBuilder {
    /// A builder with the defaults described on [`CertBuilder`].
    pub fn new() -> Self {
        Self {
            version: Version::V3,
            serial: None,
            not_before: None,
            not_after: None,
            subject: DistinguishedName::new(),
            subject_raw: None,
            issuer_raw: None,
            basic_constraints: None,
            key_usage: None,
            extended_key_usage: None,
            subject_alt_name: None,
            subject_key_identifier: true,
            authority_key_identifier: true,
            name_constraints: None,
            raw_extensions: Vec::new(),
        }
    }

    /// A CA: subject CN `cn`, critical basicConstraints cA without path
    /// length, critical keyUsage keyCertSign + cRLSign.
    pub fn ca(cn: &str) -> Self {
        Self::new()
            .subject(DistinguishedName::new().common_name(cn))
            .basic_constraints(Some(BasicConstraints::ca(None)))
            .key_usage(Some(KeyUsage::new(
                KeyUsage::KEY_CERT_SIGN | KeyUsage::CRL_SIGN,
            )))
    }

    /// A TLS server: subject CN `cn`, critical end-entity basicConstraints,
    /// critical keyUsage digitalSignature, extendedKeyUsage serverAuth and
    /// a subjectAltName with `dns_names` (omitted when empty).
    pub fn server(cn: &str, dns_names: &[&str]) -> Self {
        let b = Self::end_entity(cn, KeyPurpose::ServerAuth);
        if dns_names.is_empty() {
            return b;
        }
        b.subject_alt_name(Some(SubjectAltName {
            names: dns_names
                .iter()
                .map(|n| GeneralName::Dns(String::from(*n)))
                .collect(),
            critical: false,
        }))
    }

    /// A TLS client: like [`CertBuilder::server`] with clientAuth and no
    /// subjectAltName.
    pub fn client(cn: &str) -> Self {
        Self::end_entity(cn, KeyPurpose::ClientAuth)
    }

    fn end_entity(cn: &str, purpose: KeyPurpose) -> Self {
        Self::new()
            .subject(DistinguishedName::new().common_name(cn))
            .basic_constraints(Some(BasicConstraints::end_entity()))
            .key_usage(Some(KeyUsage::new(KeyUsage::DIGITAL_SIGNATURE)))
            .extended_key_usage(Some(ExtendedKeyUsage::new(vec![purpose])))
    }

    /// Sets the version.
    pub fn version(mut self, version: Version) -> Self {
        self.version = version;
        self
    }

    /// Sets the serial number from its big-endian magnitude (encoded as a
    /// non-negative INTEGER; RFC 5280 allows at most 20 octets, which is not
    /// enforced so tests can exceed it).
    pub fn serial(mut self, magnitude: &[u8]) -> Self {
        self.serial = Some(magnitude.to_vec());
        self
    }

    /// Sets notBefore and notAfter, in UNIX seconds.
    pub fn validity(mut self, not_before: i64, not_after: i64) -> Self {
        self.not_before = Some(not_before);
        self.not_after = Some(not_after);
        self
    }

    /// Replaces the subject.
    pub fn subject(mut self, name: DistinguishedName) -> Self {
        self.subject = name;
        self.subject_raw = None;
        self
    }

    /// Uses `name_der` verbatim as the subject Name.
    pub fn subject_der(mut self, name_der: Vec<u8>) -> Self {
        self.subject_raw = Some(name_der);
        self
    }

    /// Uses `name_der` verbatim as the issuer Name instead of the issuer's
    /// subject (for name-chaining tests).
    pub fn issuer_der(mut self, name_der: Option<Vec<u8>>) -> Self {
        self.issuer_raw = name_der;
        self
    }

    /// Sets or (with `None`) omits basicConstraints.
    pub fn basic_constraints(mut self, bc: Option<BasicConstraints>) -> Self {
        self.basic_constraints = bc;
        self
    }

    /// Sets or omits keyUsage.
    pub fn key_usage(mut self, ku: Option<KeyUsage>) -> Self {
        self.key_usage = ku;
        self
    }

    /// Sets or omits extendedKeyUsage.
    pub fn extended_key_usage(mut self, eku: Option<ExtendedKeyUsage>) -> Self {
        self.extended_key_usage = eku;
        self
    }

    /// Sets or omits subjectAltName.
    pub fn subject_alt_name(mut self, san: Option<SubjectAltName>) -> Self {
        self.subject_alt_name = san;
        self
    }

    /// Appends a name to subjectAltName, creating a non-critical one if
    /// there is none.
    pub fn add_subject_alt_name(mut self, name: GeneralName) -> Self {
        self.subject_alt_name
            .get_or_insert_with(|| SubjectAltName {
                names: Vec::new(),
                critical: false,
            })
            .names
            .push(name);
        self
    }

    /// Includes or omits subjectKeyIdentifier.
    pub fn subject_key_identifier(mut self, include: bool) -> Self {
        self.subject_key_identifier = include;
        self
    }

    /// Includes or omits authorityKeyIdentifier.
    pub fn authority_key_identifier(mut self, include: bool) -> Self {
        self.authority_key_identifier = include;
        self
    }

    /// Sets or omits nameConstraints.
    pub fn name_constraints(mut self, nc: Option<NameConstraints>) -> Self {
        self.name_constraints = nc;
        self
    }

    /// Appends an arbitrary extension after the standard ones (an unknown
    /// critical extension, a duplicate of a standard one, ...).
    pub fn raw_extension(mut self, oid: &[u64], critical: bool, value: Vec<u8>) -> Self {
        self.raw_extensions.push(RawExtension {
            oid: oid.to_vec(),
            critical,
            value,
        });
        self
    }

    /// A self-signed certificate for `key`.
    ///
    /// # Errors
    /// A [`PkiError`] for an unencodable field or a signing failure.
    pub fn self_signed(&self, key: &KeyPair) -> Result<Certificate, PkiError> {
        let subject = self.subject_name()?;
        self.build(key, &subject, key, key.key_identifier())
    }

    /// A certificate for `key` issued by `issuer` (whose private key is
    /// `issuer_key`). The issuer Name is `issuer`'s subject, byte for byte;
    /// the authorityKeyIdentifier is `issuer`'s subjectKeyIdentifier, or the
    /// SHA-1 of `issuer_key` when it has none. `issuer_key` is not checked
    /// against `issuer`, so tests can produce bad signatures.
    ///
    /// # Errors
    /// [`PkiError::MalformedCertificate`] if `issuer` cannot be read, or as
    /// [`CertBuilder::self_signed`].
    pub fn signed_by(
        &self,
        key: &KeyPair,
        issuer: &Certificate,
        issuer_key: &KeyPair,
    ) -> Result<Certificate, PkiError> {
        let issuer_name = issuer.subject_der()?.to_vec();
        let key_id = match issuer.subject_key_identifier()? {
            Some(id) => id.to_vec(),
            None => issuer_key.key_identifier(),
        };
        self.build(key, &issuer_name, issuer_key, key_id)
    }

    fn subject_name(&self) -> Result<Vec<u8>, PkiError> {
        match &self.subject_raw {
            Some(raw) => Ok(raw.clone()),
            None => self.subject.to_der(),
        }
    }

    fn extensions(&self, key: &KeyPair, authority_key_id: &[u8]) -> Result<Vec<Vec<u8>>, PkiError> {
        fn ext(oid: &[u8], critical: bool, value: &[u8]) -> Vec<u8> {
            let value = der::octet_string(value);
            if critical {
                sequence(&[oid, &der::boolean(true), &value])
            } else {
                // DER omits critical when FALSE, its DEFAULT.
                sequence(&[oid, &value])
            }
        }
        let mut out = Vec::new();
        if let Some(bc) = &self.basic_constraints {
            out.push(ext(
                &const_oid(oids::BASIC_CONSTRAINTS),
                bc.critical,
                &bc.value(),
            ));
        }
        if let Some(ku) = &self.key_usage {
            out.push(ext(&const_oid(oids::KEY_USAGE), ku.critical, &ku.value()?));
        }
        if let Some(eku) = &self.extended_key_usage {
            out.push(ext(
                &const_oid(oids::EXT_KEY_USAGE),
                eku.critical,
                &eku.value()?,
            ));
        }
        if let Some(san) = &self.subject_alt_name {
            let mut names = Vec::with_capacity(san.names.len());
            for n in &san.names {
                names.push(n.to_der()?);
            }
            let refs: Vec<&[u8]> = names.iter().map(Vec::as_slice).collect();
            out.push(ext(
                &const_oid(oids::SUBJECT_ALT_NAME),
                san.critical,
                &sequence(&refs),
            ));
        }
        if self.subject_key_identifier {
            // RFC 5280 §4.2.1.2: MUST NOT be critical.
            let ski = der::octet_string(&key.key_identifier());
            out.push(ext(&const_oid(oids::SUBJECT_KEY_IDENTIFIER), false, &ski));
        }
        if self.authority_key_identifier {
            // RFC 5280 §4.2.1.1: keyIdentifier [0] IMPLICIT; MUST NOT be critical.
            let aki = sequence(&[&der::context_primitive(0, authority_key_id)]);
            out.push(ext(&const_oid(oids::AUTHORITY_KEY_IDENTIFIER), false, &aki));
        }
        if let Some(nc) = &self.name_constraints {
            out.push(ext(
                &const_oid(oids::NAME_CONSTRAINTS),
                nc.critical,
                &nc.value()?,
            ));
        }
        for raw in &self.raw_extensions {
            out.push(ext(&der::oid(&raw.oid)?, raw.critical, &raw.value));
        }
        Ok(out)
    }

    fn build(
        &self,
        key: &KeyPair,
        issuer_name: &[u8],
        issuer_key: &KeyPair,
        authority_key_id: Vec<u8>,
    ) -> Result<Certificate, PkiError> {
        let issuer_name = self.issuer_raw.as_deref().unwrap_or(issuer_name);
        let serial = match &self.serial {
            Some(s) => s.clone(),
            None => random_serial()?,
        };
        let now = now_unix();
        let not_before = self
            .not_before
            .unwrap_or_else(|| now.saturating_sub(DEFAULT_BACKDATE));
        let not_after = self
            .not_after
            .unwrap_or_else(|| now.saturating_add(DEFAULT_LIFETIME));
        let signature_algorithm = issuer_key.signature_algorithm_der();
        let mut tbs_fields: Vec<Vec<u8>> = Vec::new();
        if self.version == Version::V3 {
            // Version ::= INTEGER { v1(0), v2(1), v3(2) }, EXPLICIT [0].
            tbs_fields.push(der::context_constructed(0, &der::integer_u64(2)));
        }
        tbs_fields.push(der::integer_unsigned(&serial));
        tbs_fields.push(signature_algorithm.clone());
        tbs_fields.push(issuer_name.to_vec());
        tbs_fields.push(sequence(&[
            &der::x509_time(not_before)?,
            &der::x509_time(not_after)?,
        ]));
        tbs_fields.push(self.subject_name()?);
        tbs_fields.push(key.spki_der());
        let extensions = self.extensions(key, &authority_key_id)?;
        // RFC 5280 §4.1: Extensions is SIZE (1..MAX), so none means absent.
        if !extensions.is_empty() {
            let refs: Vec<&[u8]> = extensions.iter().map(Vec::as_slice).collect();
            tbs_fields.push(der::context_constructed(3, &sequence(&refs)));
        }
        let refs: Vec<&[u8]> = tbs_fields.iter().map(Vec::as_slice).collect();
        let tbs = sequence(&refs);
        let signature = issuer_key.sign(&tbs)?;
        Ok(Certificate::from_der(sequence(&[
            &tbs,
            &signature_algorithm,
            &der::bit_string(&signature),
        ])))
    }
}

/// 16 random bytes with the top bit clear (positive, RFC 5280 §4.1.2.2) and
/// the next bit set (so the encoding is always exactly 16 octets, never 0).
fn random_serial() -> Result<Vec<u8>, PkiError> {
    let mut serial = vec![0u8; 16];
    aws_lc_rs::rand::fill(&mut serial).map_err(|_| PkiError::Random)?;
    if let Some(first) = serial.first_mut() {
        *first = (*first & 0x7f) | 0x40;
    }
    Ok(serial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn key_usage_bits_der() {
        let enc = |bits| KeyUsage::new(bits).value().unwrap();
        assert_eq!(enc(KeyUsage::DIGITAL_SIGNATURE), [0x03, 0x02, 0x07, 0x80]);
        assert_eq!(
            enc(KeyUsage::KEY_CERT_SIGN | KeyUsage::CRL_SIGN),
            [0x03, 0x02, 0x01, 0x06]
        );
        assert_eq!(
            enc(KeyUsage::DIGITAL_SIGNATURE | KeyUsage::KEY_ENCIPHERMENT),
            [0x03, 0x02, 0x05, 0xa0]
        );
        assert_eq!(enc(KeyUsage::DECIPHER_ONLY), [0x03, 0x03, 0x07, 0x00, 0x80]);
        assert_eq!(enc(0), [0x03, 0x01, 0x00]);
    }

    #[test]
    fn basic_constraints_der() {
        assert_eq!(BasicConstraints::end_entity().value(), [0x30, 0x00]);
        assert_eq!(
            BasicConstraints::ca(None).value(),
            [0x30, 0x03, 0x01, 0x01, 0xff]
        );
        assert_eq!(
            BasicConstraints::ca(Some(0)).value(),
            [0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00]
        );
    }

    #[test]
    fn names_der() {
        let dn = DistinguishedName::new().country("GB").common_name("A");
        assert_eq!(
            dn.to_der().unwrap(),
            [
                0x30, 0x19, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, b'G',
                b'B', 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, b'A'
            ]
        );
        assert_eq!(DistinguishedName::new().to_der().unwrap(), [0x30, 0x00]);
        assert_eq!(
            DistinguishedName::new().country("G*").to_der(),
            Err(PkiError::InvalidString)
        );
        assert_eq!(
            GeneralName::Dns(String::from("\u{e9}.example")).to_der(),
            Err(PkiError::InvalidString)
        );
        assert_eq!(
            GeneralName::Ip(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1)))
                .to_der()
                .unwrap(),
            [0x87, 0x04, 127, 0, 0, 1]
        );
    }

    #[test]
    fn name_constraint_subtrees_der() {
        let ip = |addr, prefix_len| Subtree::Ip { addr, prefix_len }.to_der();
        assert_eq!(
            ip(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0)), 8).unwrap(),
            [0x30, 0x0a, 0x87, 0x08, 10, 0, 0, 0, 0xff, 0, 0, 0]
        );
        assert_eq!(
            ip(IpAddr::V4(Ipv4Addr::new(192, 168, 1, 0)), 23).unwrap()[8..],
            [0xff, 0xff, 0xfe, 0x00]
        );
        let v6 = ip(IpAddr::V6(Ipv6Addr::LOCALHOST), 128).unwrap();
        assert_eq!(v6.len(), 2 + 2 + 32);
        assert!(v6[20..].iter().all(|b| *b == 0xff));
        assert_eq!(
            ip(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 33),
            Err(PkiError::InvalidParameter("name constraint prefix length"))
        );
        let nc = NameConstraints::new(vec![Subtree::Dns(String::from("a.b"))], vec![]);
        assert_eq!(
            nc.value().unwrap(),
            [
                0x30, 0x09, 0xa0, 0x07, 0x30, 0x05, 0x82, 0x03, b'a', b'.', b'b'
            ]
        );
        let nc = NameConstraints::new(vec![], vec![Subtree::IpRaw(vec![1, 2, 3])]);
        assert_eq!(
            nc.value().unwrap(),
            [0x30, 0x09, 0xa1, 0x07, 0x30, 0x05, 0x87, 0x03, 1, 2, 3]
        );
    }

    #[test]
    fn malformed_issuer_is_rejected() {
        let ca_key = KeyPair::generate(super::super::KeyType::Ed25519).unwrap();
        let junk = Certificate::from_der(vec![0x30, 0x03, 0x02, 0x01, 0x00]);
        assert_eq!(
            CertBuilder::client("x").signed_by(&ca_key, &junk, &ca_key),
            Err(PkiError::MalformedCertificate)
        );
        let cert = CertBuilder::ca("c").self_signed(&ca_key).unwrap();
        let mut trailing = cert.der().to_vec();
        trailing.push(0);
        assert_eq!(
            Certificate::from_der(trailing).subject_der(),
            Err(PkiError::MalformedCertificate)
        );
    }
}
