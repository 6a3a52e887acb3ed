//! GnuTLS's algorithm names, as priority strings spell them and as
//! `gnutls-cli --list` prints them, with the properties the evaluation of a
//! priority string needs (does the algorithm exist in a default build, which
//! TLS semantics a signature has, which group kind a group is).
//!
//! The tables are GnuTLS 3.8.13's (`lib/algorithms/*.c`) restricted to what a
//! default nettle build of GnuTLS accepts; names that a build lacks are absent
//! here, so they are syntax errors exactly as in GnuTLS.

use crate::codec::enums::{CipherSuite, NamedGroup, SignatureScheme};

/// Defines a closed enum whose variants carry a GnuTLS name, with
/// case-insensitive lookup (GnuTLS compares names with `c_strcasecmp`).
macro_rules! named {
    (
        $(#[$meta:meta])*
        $name:ident { $( $var:ident => $text:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( #[doc = concat!("`", $text, "`")] $var, )*
        }

        impl $name {
            /// Every value, in GnuTLS's table order.
            pub const ALL: &'static [$name] = &[ $( $name::$var, )* ];

            /// The name GnuTLS prints.
            pub const fn name(self) -> &'static str {
                match self {
                    $( $name::$var => $text, )*
                }
            }

            /// Looks a name up, ignoring ASCII case.
            pub fn from_name(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.name().eq_ignore_ascii_case(s))
            }
        }
    };
}

named! {
    /// A protocol version (`VERS-` items).
    Version {
        Ssl3 => "SSL3.0",
        Tls10 => "TLS1.0",
        Tls11 => "TLS1.1",
        Tls12 => "TLS1.2",
        Tls13 => "TLS1.3",
        Dtls09 => "DTLS0.9",
        Dtls10 => "DTLS1.0",
        Dtls12 => "DTLS1.2",
    }
}

impl Version {
    /// True for the datagram versions.
    pub const fn is_dtls(self) -> bool {
        matches!(self, Version::Dtls09 | Version::Dtls10 | Version::Dtls12)
    }

    /// GnuTLS's `age`: the order of versions within one transport.
    pub(crate) const fn age(self) -> u8 {
        match self {
            Version::Ssl3 => 0,
            Version::Tls10 => 1,
            Version::Tls11 => 2,
            Version::Tls12 => 3,
            Version::Tls13 => 4,
            Version::Dtls09 => 0,
            Version::Dtls10 => 1,
            Version::Dtls12 => 2,
        }
    }

    /// Whether a default GnuTLS build implements the version (SSL 3.0 is
    /// compiled out and silently dropped).
    pub(crate) const fn supported(self) -> bool {
        !matches!(self, Version::Ssl3)
    }

    /// The signature semantics of the version (`tls_sig_sem`).
    pub(crate) const fn sig_sem(self) -> u8 {
        match self {
            Version::Tls13 => SEM_TLS13,
            _ => SEM_PRE_TLS13,
        }
    }

    /// Kept when no signature algorithm is usable: the versions that sign
    /// without the signature_algorithms extension (below TLS 1.2 / DTLS 1.2).
    pub(crate) const fn signs_without_sigalgs(self) -> bool {
        matches!(
            self,
            Version::Ssl3 | Version::Tls10 | Version::Tls11 | Version::Dtls09 | Version::Dtls10
        )
    }
}

named! {
    /// A bulk cipher (bare names in a priority string).
    Cipher {
        Aes256Cbc => "AES-256-CBC",
        Aes192Cbc => "AES-192-CBC",
        Aes128Cbc => "AES-128-CBC",
        Aes128Gcm => "AES-128-GCM",
        Aes192Gcm => "AES-192-GCM",
        Aes256Gcm => "AES-256-GCM",
        Aes128Ccm => "AES-128-CCM",
        Aes256Ccm => "AES-256-CCM",
        Aes128Ccm8 => "AES-128-CCM-8",
        Aes256Ccm8 => "AES-256-CCM-8",
        Arcfour128 => "ARCFOUR-128",
        EstreamSalsa20 => "ESTREAM-SALSA20-256",
        Salsa20 => "SALSA20-256",
        Chacha20_32 => "CHACHA20-32",
        Chacha20_64 => "CHACHA20-64",
        Camellia256Cbc => "CAMELLIA-256-CBC",
        Camellia192Cbc => "CAMELLIA-192-CBC",
        Camellia128Cbc => "CAMELLIA-128-CBC",
        Chacha20Poly1305 => "CHACHA20-POLY1305",
        Camellia128Gcm => "CAMELLIA-128-GCM",
        Camellia256Gcm => "CAMELLIA-256-GCM",
        Gost28147Tc26zCfb => "GOST28147-TC26Z-CFB",
        Gost28147CpaCfb => "GOST28147-CPA-CFB",
        Gost28147CpbCfb => "GOST28147-CPB-CFB",
        Gost28147CpcCfb => "GOST28147-CPC-CFB",
        Gost28147CpdCfb => "GOST28147-CPD-CFB",
        Aes128Cfb8 => "AES-128-CFB8",
        Aes192Cfb8 => "AES-192-CFB8",
        Aes256Cfb8 => "AES-256-CFB8",
        Aes128Xts => "AES-128-XTS",
        Aes256Xts => "AES-256-XTS",
        Aes128Siv => "AES-128-SIV",
        Aes256Siv => "AES-256-SIV",
        Gost28147Tc26zCnt => "GOST28147-TC26Z-CNT",
        MagmaCtrAcpkm => "MAGMA-CTR-ACPKM",
        KuznyechikCtrAcpkm => "KUZNYECHIK-CTR-ACPKM",
        Des3Cbc => "3DES-CBC",
        DesCbc => "DES-CBC",
        Arcfour40 => "ARCFOUR-40",
        Rc2_40 => "RC2-40",
        Null => "NULL",
        Aes128Cfb => "AES-128-CFB",
        Aes192Cfb => "AES-192-CFB",
        Aes256Cfb => "AES-256-CFB",
        Aes128SivGcm => "AES-128-SIV-GCM",
        Aes256SivGcm => "AES-256-SIV-GCM",
    }
}

impl Cipher {
    /// Whether the backend implements the cipher: a known name the backend
    /// lacks is silently ignored by the parser (GnuTLS: `ARCFOUR-40`).
    pub(crate) const fn exists(self) -> bool {
        !matches!(self, Cipher::Arcfour40)
    }

    /// The TLS 1.3 suite this cipher forms with the `AEAD` MAC, if any.
    pub const fn tls13_suite(self) -> Option<CipherSuite> {
        match self {
            Cipher::Aes128Gcm => Some(CipherSuite::TLS_AES_128_GCM_SHA256),
            Cipher::Aes256Gcm => Some(CipherSuite::TLS_AES_256_GCM_SHA384),
            Cipher::Chacha20Poly1305 => Some(CipherSuite::TLS_CHACHA20_POLY1305_SHA256),
            Cipher::Aes128Ccm => Some(CipherSuite::TLS_AES_128_CCM_SHA256),
            Cipher::Aes128Ccm8 => Some(CipherSuite::TLS_AES_128_CCM_8_SHA256),
            _ => None,
        }
    }
}

named! {
    /// A MAC (bare names in a priority string). Only the MACs a default
    /// build implements are listed: GnuTLS treats the others as unknown.
    Mac {
        Sha1 => "SHA1",
        Sha256 => "SHA256",
        Sha384 => "SHA384",
        Sha512 => "SHA512",
        Sha224 => "SHA224",
        Umac96 => "UMAC-96",
        Umac128 => "UMAC-128",
        Aead => "AEAD",
        Md5 => "MD5",
        Gostr341194 => "GOSTR341194",
        Streebog256 => "STREEBOG-256",
        Streebog512 => "STREEBOG-512",
        AesCmac128 => "AES-CMAC-128",
        AesCmac256 => "AES-CMAC-256",
        AesGmac128 => "AES-GMAC-128",
        AesGmac192 => "AES-GMAC-192",
        AesGmac256 => "AES-GMAC-256",
        Gost28147Tc26zImit => "GOST28147-TC26Z-IMIT",
        OmacMagma => "OMAC-MAGMA",
        OmacKuznyechik => "OMAC-KUZNYECHIK",
    }
}

named! {
    /// A key exchange of TLS 1.2 and earlier (bare names in a priority
    /// string); in TLS 1.3 only the PSK ones mean something.
    Kx {
        EcdheRsa => "ECDHE-RSA",
        EcdheEcdsa => "ECDHE-ECDSA",
        Rsa => "RSA",
        DheRsa => "DHE-RSA",
        DheDss => "DHE-DSS",
        Psk => "PSK",
        RsaPsk => "RSA-PSK",
        DhePsk => "DHE-PSK",
        EcdhePsk => "ECDHE-PSK",
        SrpDss => "SRP-DSS",
        SrpRsa => "SRP-RSA",
        Srp => "SRP",
        AnonDh => "ANON-DH",
        AnonEcdh => "ANON-ECDH",
        VkoGost12 => "VKO-GOST-12",
        RsaExport => "RSA-EXPORT",
    }
}

impl Kx {
    /// `RSA-EXPORT` is a known name that GnuTLS silently ignores.
    pub(crate) const fn is_valid(self) -> bool {
        !matches!(self, Kx::RsaExport)
    }

    pub(crate) const fn is_srp(self) -> bool {
        matches!(self, Kx::Srp | Kx::SrpRsa | Kx::SrpDss)
    }

    pub(crate) const fn is_psk(self) -> bool {
        matches!(self, Kx::Psk | Kx::RsaPsk | Kx::DhePsk | Kx::EcdhePsk)
    }

    /// Suites of this exchange use the elliptic-curve (or VKO) groups.
    pub(crate) const fn uses_ec(self) -> bool {
        matches!(
            self,
            Kx::EcdheRsa | Kx::EcdheEcdsa | Kx::EcdhePsk | Kx::AnonEcdh | Kx::VkoGost12
        )
    }

    /// Suites of this exchange use the finite-field groups.
    pub(crate) const fn uses_dh(self) -> bool {
        matches!(self, Kx::DheRsa | Kx::DheDss | Kx::DhePsk | Kx::AnonDh)
    }
}

/// What kind of key exchange a group is; decides where it goes in the
/// supported_groups extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    /// An elliptic curve (ECDHE, X25519/X448, GOST).
    Ec,
    /// A finite-field group (RFC 7919).
    Dh,
    /// A post-quantum hybrid (ECDHE + ML-KEM).
    Hybrid,
    /// Usable on its own by no TLS exchange (standalone ML-KEM) or not a
    /// group at all (the EdDSA curves reachable through `CURVE-`).
    None,
}

/// A group (`GROUP-` and `CURVE-` items).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// `SECP192R1`
    Secp192r1,
    /// `SECP224R1`
    Secp224r1,
    /// `SECP256R1`
    Secp256r1,
    /// `SECP384R1`
    Secp384r1,
    /// `SECP521R1`
    Secp521r1,
    /// `X25519`
    X25519,
    /// `GC256A`
    Gc256a,
    /// `GC256B`
    Gc256b,
    /// `GC256C`
    Gc256c,
    /// `GC256D`
    Gc256d,
    /// `GC512A`
    Gc512a,
    /// `GC512B`
    Gc512b,
    /// `GC512C`
    Gc512c,
    /// `X448`
    X448,
    /// `FFDHE2048`
    Ffdhe2048,
    /// `FFDHE3072`
    Ffdhe3072,
    /// `FFDHE4096`
    Ffdhe4096,
    /// `FFDHE6144`
    Ffdhe6144,
    /// `FFDHE8192`
    Ffdhe8192,
    /// `MLKEM768` (standalone; GnuTLS gives it no TLS code point)
    Mlkem768,
    /// `MLKEM1024` (standalone; GnuTLS gives it no TLS code point)
    Mlkem1024,
    /// `SECP256R1-MLKEM768`
    Secp256r1Mlkem768,
    /// `X25519-MLKEM768`
    X25519Mlkem768,
    /// `SECP384R1-MLKEM1024`
    Secp384r1Mlkem1024,
    /// The Ed25519 curve: `CURVE-Ed25519` adds it, but it is no group
    /// (GnuTLS prints it as `GROUP-(null)`).
    Ed25519Curve,
    /// The Ed448 curve, as [`Group::Ed25519Curve`].
    Ed448Curve,
}

impl Group {
    /// Every value, in GnuTLS's table order.
    pub const ALL: &'static [Group] = &[
        Group::Secp192r1,
        Group::Secp224r1,
        Group::Secp256r1,
        Group::Secp384r1,
        Group::Secp521r1,
        Group::X25519,
        Group::Gc256a,
        Group::Gc256b,
        Group::Gc256c,
        Group::Gc256d,
        Group::Gc512a,
        Group::Gc512b,
        Group::Gc512c,
        Group::X448,
        Group::Ffdhe2048,
        Group::Ffdhe3072,
        Group::Ffdhe4096,
        Group::Ffdhe6144,
        Group::Ffdhe8192,
        Group::Mlkem768,
        Group::Mlkem1024,
        Group::Secp256r1Mlkem768,
        Group::X25519Mlkem768,
        Group::Secp384r1Mlkem1024,
        Group::Ed25519Curve,
        Group::Ed448Curve,
    ];

    /// The name GnuTLS prints after `GROUP-`; `None` for the EdDSA curves,
    /// which GnuTLS prints as `(null)`.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self {
            Group::Secp192r1 => "SECP192R1",
            Group::Secp224r1 => "SECP224R1",
            Group::Secp256r1 => "SECP256R1",
            Group::Secp384r1 => "SECP384R1",
            Group::Secp521r1 => "SECP521R1",
            Group::X25519 => "X25519",
            Group::Gc256a => "GC256A",
            Group::Gc256b => "GC256B",
            Group::Gc256c => "GC256C",
            Group::Gc256d => "GC256D",
            Group::Gc512a => "GC512A",
            Group::Gc512b => "GC512B",
            Group::Gc512c => "GC512C",
            Group::X448 => "X448",
            Group::Ffdhe2048 => "FFDHE2048",
            Group::Ffdhe3072 => "FFDHE3072",
            Group::Ffdhe4096 => "FFDHE4096",
            Group::Ffdhe6144 => "FFDHE6144",
            Group::Ffdhe8192 => "FFDHE8192",
            Group::Mlkem768 => "MLKEM768",
            Group::Mlkem1024 => "MLKEM1024",
            Group::Secp256r1Mlkem768 => "SECP256R1-MLKEM768",
            Group::X25519Mlkem768 => "X25519-MLKEM768",
            Group::Secp384r1Mlkem1024 => "SECP384R1-MLKEM1024",
            Group::Ed25519Curve | Group::Ed448Curve => return None,
        })
    }

    /// Looks a `GROUP-` name up, ignoring ASCII case.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|g| g.name().is_some_and(|n| n.eq_ignore_ascii_case(s)))
    }

    /// Looks a `CURVE-` name up (GnuTLS's elliptic-curve table: the NIST
    /// and Montgomery curves and the EdDSA curves, not the GOST ones).
    pub fn from_curve_name(s: &str) -> Option<Self> {
        const CURVES: &[(&str, Group)] = &[
            ("SECP192R1", Group::Secp192r1),
            ("SECP224R1", Group::Secp224r1),
            ("SECP256R1", Group::Secp256r1),
            ("SECP384R1", Group::Secp384r1),
            ("SECP521R1", Group::Secp521r1),
            ("X25519", Group::X25519),
            ("Ed25519", Group::Ed25519Curve),
            ("X448", Group::X448),
            ("Ed448", Group::Ed448Curve),
        ];
        CURVES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(_, g)| *g)
    }

    /// The kind of exchange the group is.
    pub const fn kind(self) -> GroupKind {
        match self {
            Group::Ffdhe2048
            | Group::Ffdhe3072
            | Group::Ffdhe4096
            | Group::Ffdhe6144
            | Group::Ffdhe8192 => GroupKind::Dh,
            Group::Secp256r1Mlkem768 | Group::X25519Mlkem768 | Group::Secp384r1Mlkem1024 => {
                GroupKind::Hybrid
            }
            Group::Mlkem768 | Group::Mlkem1024 | Group::Ed25519Curve | Group::Ed448Curve => {
                GroupKind::None
            }
            _ => GroupKind::Ec,
        }
    }

    /// Whether a default GnuTLS build can use the group (nettle lacks some
    /// GOST curves; those stay in the list but never reach the wire).
    pub(crate) const fn supported(self) -> bool {
        !matches!(
            self,
            Group::Gc256a
                | Group::Gc256c
                | Group::Gc256d
                | Group::Gc512b
                | Group::Gc512c
                | Group::Ed25519Curve
                | Group::Ed448Curve
        )
    }

    /// The TLS code point (RFC 8422, RFC 7919, draft-ietf-tls-ecdhe-mlkem),
    /// if the group has one that TLS 1.3 can use.
    pub const fn named_group(self) -> Option<NamedGroup> {
        Some(match self {
            Group::Secp256r1 => NamedGroup::SECP256R1,
            Group::Secp384r1 => NamedGroup::SECP384R1,
            Group::Secp521r1 => NamedGroup::SECP521R1,
            Group::X25519 => NamedGroup::X25519,
            Group::X448 => NamedGroup::X448,
            Group::Ffdhe2048 => NamedGroup::FFDHE2048,
            Group::Ffdhe3072 => NamedGroup::FFDHE3072,
            Group::Ffdhe4096 => NamedGroup::FFDHE4096,
            Group::Ffdhe6144 => NamedGroup::FFDHE6144,
            Group::Ffdhe8192 => NamedGroup::FFDHE8192,
            Group::Secp256r1Mlkem768 => NamedGroup::SECP256R1MLKEM768,
            Group::X25519Mlkem768 => NamedGroup::X25519MLKEM768,
            Group::Secp384r1Mlkem1024 => NamedGroup::SECP384R1MLKEM1024,
            _ => return None,
        })
    }
}

/// Signature semantics bit: usable in TLS 1.2 and earlier.
pub(crate) const SEM_PRE_TLS13: u8 = 1;
/// Signature semantics bit: usable in TLS 1.3.
pub(crate) const SEM_TLS13: u8 = 2;
const SEM_BOTH: u8 = SEM_PRE_TLS13 | SEM_TLS13;

/// A signature algorithm (`SIGN-` items).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sign(u8);

/// One row of the signature table.
struct SignRow {
    name: &'static str,
    /// TLS code point and the semantics it has there (0: none).
    aid: u16,
    sem: u8,
    /// The digest; used by `insecure-hash` overrides.
    hash: &'static str,
}

const fn row(name: &'static str, aid: u16, sem: u8, hash: &'static str) -> SignRow {
    SignRow {
        name,
        aid,
        sem,
        hash,
    }
}

/// GnuTLS's `sign_algorithms[]` in table order (duplicate rows that share an
/// id are folded; `GOSTR341094` has no id and is unknown to the parser).
const SIGNS: &[SignRow] = &[
    row("RSA-SHA256", 0x0401, SEM_BOTH, "SHA256"),
    row("RSA-SHA384", 0x0501, SEM_BOTH, "SHA384"),
    row("RSA-SHA512", 0x0601, SEM_BOTH, "SHA512"),
    row("RSA-PSS-SHA256", 0x0809, SEM_BOTH, "SHA256"),
    row("RSA-PSS-RSAE-SHA256", 0x0804, SEM_BOTH, "SHA256"),
    row("RSA-PSS-SHA384", 0x080a, SEM_BOTH, "SHA384"),
    row("RSA-PSS-RSAE-SHA384", 0x0805, SEM_BOTH, "SHA384"),
    row("RSA-PSS-SHA512", 0x080b, SEM_BOTH, "SHA512"),
    row("RSA-PSS-RSAE-SHA512", 0x0806, SEM_BOTH, "SHA512"),
    row("EdDSA-Ed25519", 0x0807, SEM_BOTH, "SHA512"),
    row("EdDSA-Ed448", 0x0808, SEM_BOTH, "SHAKE-256"),
    row("ECDSA-SHA256", 0x0403, SEM_PRE_TLS13, "SHA256"),
    row("ECDSA-SHA384", 0x0503, SEM_PRE_TLS13, "SHA384"),
    row("ECDSA-SHA512", 0x0603, SEM_PRE_TLS13, "SHA512"),
    row("ECDSA-SECP256R1-SHA256", 0x0403, SEM_TLS13, "SHA256"),
    row("ECDSA-SECP384R1-SHA384", 0x0503, SEM_TLS13, "SHA384"),
    row("ECDSA-SECP521R1-SHA512", 0x0603, SEM_TLS13, "SHA512"),
    row("ECDSA-SHA3-224", 0, 0, "SHA3-224"),
    row("ECDSA-SHA3-256", 0, 0, "SHA3-256"),
    row("ECDSA-SHA3-384", 0, 0, "SHA3-384"),
    row("ECDSA-SHA3-512", 0, 0, "SHA3-512"),
    row("RSA-SHA3-224", 0, 0, "SHA3-224"),
    row("RSA-SHA3-256", 0, 0, "SHA3-256"),
    row("RSA-SHA3-384", 0, 0, "SHA3-384"),
    row("RSA-SHA3-512", 0, 0, "SHA3-512"),
    row("DSA-SHA3-224", 0, 0, "SHA3-224"),
    row("DSA-SHA3-256", 0, 0, "SHA3-256"),
    row("DSA-SHA3-384", 0, 0, "SHA3-384"),
    row("DSA-SHA3-512", 0, 0, "SHA3-512"),
    row("RSA-RAW", 0, 0, ""),
    row("RSA-SHA1", 0x0201, SEM_BOTH, "SHA1"),
    row("RSA-SHA224", 0, 0, "SHA224"),
    row("RSA-RMD160", 0, 0, "RMD160"),
    row("DSA-SHA1", 0x0202, SEM_PRE_TLS13, "SHA1"),
    row("DSA-SHA224", 0, 0, "SHA224"),
    row("DSA-SHA256", 0, 0, "SHA256"),
    row("RSA-MD5", 0, 0, "MD5"),
    row("RSA-MD2", 0, 0, "MD2"),
    row("ECDSA-SHA1", 0x0203, SEM_BOTH, "SHA1"),
    row("ECDSA-SHA224", 0, 0, "SHA224"),
    row("GOSTR341012-512", 0x0841, SEM_PRE_TLS13, "STREEBOG-512"),
    row("GOSTR341012-256", 0x0840, SEM_PRE_TLS13, "STREEBOG-256"),
    row("GOSTR341001", 0, 0, "GOSTR341194"),
    row("DSA-SHA384", 0, 0, "SHA384"),
    row("DSA-SHA512", 0, 0, "SHA512"),
    row("ML-DSA-44", 0x0904, SEM_TLS13, "SHAKE-256"),
    row("ML-DSA-65", 0x0905, SEM_TLS13, "SHAKE-256"),
    row("ML-DSA-87", 0x0906, SEM_TLS13, "SHAKE-256"),
];

impl Sign {
    /// Every signature algorithm, in GnuTLS's table order.
    pub fn all() -> impl Iterator<Item = Sign> {
        (0..SIGNS.len()).filter_map(|i| u8::try_from(i).ok().map(Sign))
    }

    fn row(self) -> Option<&'static SignRow> {
        SIGNS.get(usize::from(self.0))
    }

    /// Looks a `SIGN-` name up, ignoring ASCII case.
    pub fn from_name(s: &str) -> Option<Self> {
        SIGNS
            .iter()
            .position(|r| r.name.eq_ignore_ascii_case(s))
            .and_then(|i| u8::try_from(i).ok())
            .map(Sign)
    }

    /// The name GnuTLS prints after `SIGN-`.
    pub fn name(self) -> &'static str {
        self.row().map_or("", |r| r.name)
    }

    /// The TLS code point, if the algorithm has one.
    pub fn scheme(self) -> Option<SignatureScheme> {
        self.row()
            .filter(|r| r.sem != 0)
            .map(|r| SignatureScheme(r.aid))
    }

    /// The TLS semantics (`SEM_*` bits) the code point has.
    pub(crate) fn sem(self) -> u8 {
        self.row().map_or(0, |r| r.sem)
    }

    /// The digest name, as `insecure-hash` overrides spell it.
    pub(crate) fn hash(self) -> &'static str {
        self.row().map_or("", |r| r.hash)
    }
}

/// A certificate type (`CTYPE-` items).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertType {
    /// X.509 certificates.
    X509,
    /// Raw public keys (RFC 7250).
    RawPk,
}

impl CertType {
    /// GnuTLS's `gnutls_certificate_type_get_id`: `X.509`/`X509` and `RAWPK`.
    pub fn from_name(s: &str) -> Option<Self> {
        if s.eq_ignore_ascii_case("X.509") || s.eq_ignore_ascii_case("X509") {
            Some(CertType::X509)
        } else if s.eq_ignore_ascii_case("RAWPK") {
            Some(CertType::RawPk)
        } else {
            None
        }
    }

    /// The name GnuTLS prints after `CTYPE-`.
    pub const fn name(self) -> &'static str {
        match self {
            CertType::X509 => "X.509",
            CertType::RawPk => "Raw Public Key",
        }
    }
}

/// The TLS 1.2-and-earlier suites GnuTLS defines, as (key exchange, cipher,
/// MAC) triples; only their existence matters here (a priority string that
/// yields no suite at all is rejected). Read from `gnutls-cli -l` of 3.7.9.
pub(crate) const TLS12_SUITES: &[(Kx, Cipher, Mac)] = {
    use Cipher as C;
    use Kx as K;
    use Mac as M;
    &[
        (K::AnonDh, C::Des3Cbc, M::Sha1),
        (K::AnonDh, C::Aes128Cbc, M::Sha1),
        (K::AnonDh, C::Aes128Cbc, M::Sha256),
        (K::AnonDh, C::Aes128Gcm, M::Aead),
        (K::AnonDh, C::Aes256Cbc, M::Sha1),
        (K::AnonDh, C::Aes256Cbc, M::Sha256),
        (K::AnonDh, C::Aes256Gcm, M::Aead),
        (K::AnonDh, C::Arcfour128, M::Md5),
        (K::AnonDh, C::Camellia128Cbc, M::Sha1),
        (K::AnonDh, C::Camellia128Cbc, M::Sha256),
        (K::AnonDh, C::Camellia128Gcm, M::Aead),
        (K::AnonDh, C::Camellia256Cbc, M::Sha1),
        (K::AnonDh, C::Camellia256Cbc, M::Sha256),
        (K::AnonDh, C::Camellia256Gcm, M::Aead),
        (K::AnonEcdh, C::Des3Cbc, M::Sha1),
        (K::AnonEcdh, C::Aes128Cbc, M::Sha1),
        (K::AnonEcdh, C::Aes256Cbc, M::Sha1),
        (K::AnonEcdh, C::Arcfour128, M::Sha1),
        (K::AnonEcdh, C::Null, M::Sha1),
        (K::DheDss, C::Des3Cbc, M::Sha1),
        (K::DheDss, C::Aes128Cbc, M::Sha1),
        (K::DheDss, C::Aes128Cbc, M::Sha256),
        (K::DheDss, C::Aes128Gcm, M::Aead),
        (K::DheDss, C::Aes256Cbc, M::Sha1),
        (K::DheDss, C::Aes256Cbc, M::Sha256),
        (K::DheDss, C::Aes256Gcm, M::Aead),
        (K::DheDss, C::Arcfour128, M::Sha1),
        (K::DheDss, C::Camellia128Cbc, M::Sha1),
        (K::DheDss, C::Camellia128Cbc, M::Sha256),
        (K::DheDss, C::Camellia128Gcm, M::Aead),
        (K::DheDss, C::Camellia256Cbc, M::Sha1),
        (K::DheDss, C::Camellia256Cbc, M::Sha256),
        (K::DheDss, C::Camellia256Gcm, M::Aead),
        (K::DhePsk, C::Des3Cbc, M::Sha1),
        (K::DhePsk, C::Aes128Cbc, M::Sha1),
        (K::DhePsk, C::Aes128Cbc, M::Sha256),
        (K::DhePsk, C::Aes128Ccm, M::Aead),
        (K::DhePsk, C::Aes128Ccm8, M::Aead),
        (K::DhePsk, C::Aes128Gcm, M::Aead),
        (K::DhePsk, C::Aes256Cbc, M::Sha1),
        (K::DhePsk, C::Aes256Cbc, M::Sha384),
        (K::DhePsk, C::Aes256Ccm, M::Aead),
        (K::DhePsk, C::Aes256Ccm8, M::Aead),
        (K::DhePsk, C::Aes256Gcm, M::Aead),
        (K::DhePsk, C::Arcfour128, M::Sha1),
        (K::DhePsk, C::Camellia128Cbc, M::Sha256),
        (K::DhePsk, C::Camellia128Gcm, M::Aead),
        (K::DhePsk, C::Camellia256Cbc, M::Sha384),
        (K::DhePsk, C::Camellia256Gcm, M::Aead),
        (K::DhePsk, C::Chacha20Poly1305, M::Aead),
        (K::DhePsk, C::Null, M::Sha1),
        (K::DhePsk, C::Null, M::Sha256),
        (K::DhePsk, C::Null, M::Sha384),
        (K::DheRsa, C::Des3Cbc, M::Sha1),
        (K::DheRsa, C::Aes128Cbc, M::Sha1),
        (K::DheRsa, C::Aes128Cbc, M::Sha256),
        (K::DheRsa, C::Aes128Ccm, M::Aead),
        (K::DheRsa, C::Aes128Ccm8, M::Aead),
        (K::DheRsa, C::Aes128Gcm, M::Aead),
        (K::DheRsa, C::Aes256Cbc, M::Sha1),
        (K::DheRsa, C::Aes256Cbc, M::Sha256),
        (K::DheRsa, C::Aes256Ccm, M::Aead),
        (K::DheRsa, C::Aes256Ccm8, M::Aead),
        (K::DheRsa, C::Aes256Gcm, M::Aead),
        (K::DheRsa, C::Camellia128Cbc, M::Sha1),
        (K::DheRsa, C::Camellia128Cbc, M::Sha256),
        (K::DheRsa, C::Camellia128Gcm, M::Aead),
        (K::DheRsa, C::Camellia256Cbc, M::Sha1),
        (K::DheRsa, C::Camellia256Cbc, M::Sha256),
        (K::DheRsa, C::Camellia256Gcm, M::Aead),
        (K::DheRsa, C::Chacha20Poly1305, M::Aead),
        (K::EcdheEcdsa, C::Des3Cbc, M::Sha1),
        (K::EcdheEcdsa, C::Aes128Cbc, M::Sha1),
        (K::EcdheEcdsa, C::Aes128Cbc, M::Sha256),
        (K::EcdheEcdsa, C::Aes128Ccm, M::Aead),
        (K::EcdheEcdsa, C::Aes128Ccm8, M::Aead),
        (K::EcdheEcdsa, C::Aes128Gcm, M::Aead),
        (K::EcdheEcdsa, C::Aes256Cbc, M::Sha1),
        (K::EcdheEcdsa, C::Aes256Cbc, M::Sha384),
        (K::EcdheEcdsa, C::Aes256Ccm, M::Aead),
        (K::EcdheEcdsa, C::Aes256Ccm8, M::Aead),
        (K::EcdheEcdsa, C::Aes256Gcm, M::Aead),
        (K::EcdheEcdsa, C::Arcfour128, M::Sha1),
        (K::EcdheEcdsa, C::Camellia128Cbc, M::Sha256),
        (K::EcdheEcdsa, C::Camellia128Gcm, M::Aead),
        (K::EcdheEcdsa, C::Camellia256Cbc, M::Sha384),
        (K::EcdheEcdsa, C::Camellia256Gcm, M::Aead),
        (K::EcdheEcdsa, C::Chacha20Poly1305, M::Aead),
        (K::EcdheEcdsa, C::Null, M::Sha1),
        (K::EcdhePsk, C::Des3Cbc, M::Sha1),
        (K::EcdhePsk, C::Aes128Cbc, M::Sha1),
        (K::EcdhePsk, C::Aes128Cbc, M::Sha256),
        (K::EcdhePsk, C::Aes256Cbc, M::Sha1),
        (K::EcdhePsk, C::Aes256Cbc, M::Sha384),
        (K::EcdhePsk, C::Arcfour128, M::Sha1),
        (K::EcdhePsk, C::Camellia128Cbc, M::Sha256),
        (K::EcdhePsk, C::Camellia256Cbc, M::Sha384),
        (K::EcdhePsk, C::Chacha20Poly1305, M::Aead),
        (K::EcdhePsk, C::Null, M::Sha1),
        (K::EcdhePsk, C::Null, M::Sha256),
        (K::EcdhePsk, C::Null, M::Sha384),
        (K::EcdheRsa, C::Des3Cbc, M::Sha1),
        (K::EcdheRsa, C::Aes128Cbc, M::Sha1),
        (K::EcdheRsa, C::Aes128Cbc, M::Sha256),
        (K::EcdheRsa, C::Aes128Gcm, M::Aead),
        (K::EcdheRsa, C::Aes256Cbc, M::Sha1),
        (K::EcdheRsa, C::Aes256Cbc, M::Sha384),
        (K::EcdheRsa, C::Aes256Gcm, M::Aead),
        (K::EcdheRsa, C::Arcfour128, M::Sha1),
        (K::EcdheRsa, C::Camellia128Cbc, M::Sha256),
        (K::EcdheRsa, C::Camellia128Gcm, M::Aead),
        (K::EcdheRsa, C::Camellia256Cbc, M::Sha384),
        (K::EcdheRsa, C::Camellia256Gcm, M::Aead),
        (K::EcdheRsa, C::Chacha20Poly1305, M::Aead),
        (K::EcdheRsa, C::Null, M::Sha1),
        (K::Psk, C::Des3Cbc, M::Sha1),
        (K::Psk, C::Aes128Cbc, M::Sha1),
        (K::Psk, C::Aes128Cbc, M::Sha256),
        (K::Psk, C::Aes128Ccm, M::Aead),
        (K::Psk, C::Aes128Ccm8, M::Aead),
        (K::Psk, C::Aes128Gcm, M::Aead),
        (K::Psk, C::Aes256Cbc, M::Sha1),
        (K::Psk, C::Aes256Cbc, M::Sha384),
        (K::Psk, C::Aes256Ccm, M::Aead),
        (K::Psk, C::Aes256Ccm8, M::Aead),
        (K::Psk, C::Aes256Gcm, M::Aead),
        (K::Psk, C::Arcfour128, M::Sha1),
        (K::Psk, C::Camellia128Cbc, M::Sha256),
        (K::Psk, C::Camellia128Gcm, M::Aead),
        (K::Psk, C::Camellia256Cbc, M::Sha384),
        (K::Psk, C::Camellia256Gcm, M::Aead),
        (K::Psk, C::Chacha20Poly1305, M::Aead),
        (K::Psk, C::Null, M::Sha1),
        (K::Psk, C::Null, M::Sha256),
        (K::Psk, C::Null, M::Sha384),
        (K::Rsa, C::Des3Cbc, M::Sha1),
        (K::Rsa, C::Aes128Cbc, M::Sha1),
        (K::Rsa, C::Aes128Cbc, M::Sha256),
        (K::Rsa, C::Aes128Ccm, M::Aead),
        (K::Rsa, C::Aes128Ccm8, M::Aead),
        (K::Rsa, C::Aes128Gcm, M::Aead),
        (K::Rsa, C::Aes256Cbc, M::Sha1),
        (K::Rsa, C::Aes256Cbc, M::Sha256),
        (K::Rsa, C::Aes256Ccm, M::Aead),
        (K::Rsa, C::Aes256Ccm8, M::Aead),
        (K::Rsa, C::Aes256Gcm, M::Aead),
        (K::Rsa, C::Arcfour128, M::Md5),
        (K::Rsa, C::Arcfour128, M::Sha1),
        (K::Rsa, C::Camellia128Cbc, M::Sha1),
        (K::Rsa, C::Camellia128Cbc, M::Sha256),
        (K::Rsa, C::Camellia128Gcm, M::Aead),
        (K::Rsa, C::Camellia256Cbc, M::Sha1),
        (K::Rsa, C::Camellia256Cbc, M::Sha256),
        (K::Rsa, C::Camellia256Gcm, M::Aead),
        (K::Rsa, C::Null, M::Md5),
        (K::Rsa, C::Null, M::Sha1),
        (K::Rsa, C::Null, M::Sha256),
        (K::RsaPsk, C::Des3Cbc, M::Sha1),
        (K::RsaPsk, C::Aes128Cbc, M::Sha1),
        (K::RsaPsk, C::Aes128Cbc, M::Sha256),
        (K::RsaPsk, C::Aes128Gcm, M::Aead),
        (K::RsaPsk, C::Aes256Cbc, M::Sha1),
        (K::RsaPsk, C::Aes256Cbc, M::Sha384),
        (K::RsaPsk, C::Aes256Gcm, M::Aead),
        (K::RsaPsk, C::Arcfour128, M::Sha1),
        (K::RsaPsk, C::Camellia128Cbc, M::Sha256),
        (K::RsaPsk, C::Camellia128Gcm, M::Aead),
        (K::RsaPsk, C::Camellia256Cbc, M::Sha384),
        (K::RsaPsk, C::Camellia256Gcm, M::Aead),
        (K::RsaPsk, C::Chacha20Poly1305, M::Aead),
        (K::RsaPsk, C::Null, M::Sha1),
        (K::RsaPsk, C::Null, M::Sha256),
        (K::RsaPsk, C::Null, M::Sha384),
        (K::Srp, C::Des3Cbc, M::Sha1),
        (K::Srp, C::Aes128Cbc, M::Sha1),
        (K::Srp, C::Aes256Cbc, M::Sha1),
        (K::SrpDss, C::Des3Cbc, M::Sha1),
        (K::SrpDss, C::Aes128Cbc, M::Sha1),
        (K::SrpDss, C::Aes256Cbc, M::Sha1),
        (K::SrpRsa, C::Des3Cbc, M::Sha1),
        (K::SrpRsa, C::Aes128Cbc, M::Sha1),
        (K::SrpRsa, C::Aes256Cbc, M::Sha1),
        (K::VkoGost12, C::Gost28147Tc26zCnt, M::Gost28147Tc26zImit),
    ]
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive() {
        assert_eq!(Cipher::from_name("aes-128-gcm"), Some(Cipher::Aes128Gcm));
        assert_eq!(Mac::from_name("aead"), Some(Mac::Aead));
        assert_eq!(Kx::from_name("ecdhe-psk"), Some(Kx::EcdhePsk));
        assert_eq!(Version::from_name("tls1.3"), Some(Version::Tls13));
        assert_eq!(
            Group::from_name("x25519-mlkem768"),
            Some(Group::X25519Mlkem768)
        );
        assert_eq!(
            Sign::from_name("eddsa-ED25519").map(Sign::name),
            Some("EdDSA-Ed25519")
        );
        assert_eq!(CertType::from_name("x.509"), Some(CertType::X509));
    }

    #[test]
    fn unknown_and_unavailable_names() {
        // Not implemented by a default build: unknown to the parser.
        assert_eq!(Mac::from_name("SHA3-256"), None);
        assert_eq!(Mac::from_name("MD5+SHA1"), None);
        assert_eq!(Sign::from_name("GOSTR341094"), None);
        assert_eq!(CertType::from_name("Raw Public Key"), None);
        // GROUP- never names the EdDSA curves; CURVE- does, but not GOST.
        assert_eq!(Group::from_name("Ed25519"), None);
        assert_eq!(Group::from_curve_name("ED25519"), Some(Group::Ed25519Curve));
        assert_eq!(Group::from_curve_name("GC256B"), None);
        assert_eq!(Group::from_curve_name("FFDHE2048"), None);
        assert!(!Cipher::Arcfour40.exists());
        assert!(!Kx::RsaExport.is_valid());
    }

    #[test]
    fn sign_semantics_and_code_points() {
        let s = |n| Sign::from_name(n).unwrap();
        assert_eq!(
            s("ECDSA-SHA256").scheme(),
            Some(SignatureScheme::ECDSA_SECP256R1_SHA256)
        );
        assert_eq!(s("ECDSA-SHA256").sem(), SEM_PRE_TLS13);
        assert_eq!(s("ECDSA-SECP256R1-SHA256").sem(), SEM_TLS13);
        assert_eq!(s("RSA-SHA256").sem(), SEM_PRE_TLS13 | SEM_TLS13);
        assert_eq!(s("ML-DSA-65").scheme(), Some(SignatureScheme::MLDSA65));
        assert_eq!(s("RSA-SHA224").scheme(), None);
        assert_eq!(
            s("RSA-PSS-SHA384").scheme(),
            Some(SignatureScheme::RSA_PSS_PSS_SHA384)
        );
        assert_eq!(Sign::all().count(), SIGNS.len());
    }

    #[test]
    fn tls13_suites_and_groups() {
        assert_eq!(
            Cipher::Aes128Ccm8.tls13_suite(),
            Some(CipherSuite::TLS_AES_128_CCM_8_SHA256)
        );
        assert_eq!(Cipher::Aes256Ccm.tls13_suite(), None);
        assert_eq!(
            Group::X25519Mlkem768.named_group(),
            Some(NamedGroup::X25519MLKEM768)
        );
        assert_eq!(Group::Mlkem768.named_group(), None);
        assert_eq!(Group::Mlkem768.kind(), GroupKind::None);
        assert_eq!(Group::Gc256b.kind(), GroupKind::Ec);
        assert!(!Group::Gc256a.supported());
        assert_eq!(Group::Ed448Curve.name(), None);
    }

    #[test]
    fn suite_table_has_gnutls_count() {
        // gnutls-cli -l of 3.7.9 lists 188 suites, 5 of them TLS 1.3.
        assert_eq!(TLS12_SUITES.len(), 183);
    }
}
