//! Key-exchange groups: X25519 and NIST P-curve ECDHE, RFC 7919 FFDHE,
//! pure ML-KEM and the ECDHE-MLKEM hybrids of draft-ietf-tls-ecdhe-mlkem.
//!
//! A group is a static value; a client's pending exchange owns its private
//! key(s). Every peer share is checked here before it reaches a primitive:
//! exact sizes, uncompressed points, ML-KEM encapsulation keys that pass the
//! FIPS 203 modulus check. Any failure is [`CryptoError::InvalidPeerShare`].

use super::ffdhe::{self, FfdheGroup, FfdhePrivate};
use crate::codec::enums::NamedGroup;
use crate::error::CryptoError;
use crate::provider::{ActiveKeyExchange, EcCurve, KeyExchangeGroup, SharedSecret};
use alloc::boxed::Box;
use alloc::vec::Vec;
use aws_lc_rs::agreement::{self, PrivateKey, UnparsedPublicKey};
use aws_lc_rs::kem;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Every group this provider offers, most preferred first.
pub static SUPPORTED_GROUPS: [NamedGroup; 14] = [
    NamedGroup::X25519MLKEM768,
    NamedGroup::X25519,
    NamedGroup::SECP256R1,
    NamedGroup::SECP384R1,
    NamedGroup::SECP521R1,
    NamedGroup::SECP256R1MLKEM768,
    NamedGroup::SECP384R1MLKEM1024,
    NamedGroup::MLKEM768,
    NamedGroup::MLKEM1024,
    NamedGroup::FFDHE2048,
    NamedGroup::FFDHE3072,
    NamedGroup::FFDHE4096,
    NamedGroup::FFDHE6144,
    NamedGroup::FFDHE8192,
];

static GROUPS: [Group; 14] = [
    Group::hybrid(NamedGroup::X25519MLKEM768, Ecdh::X25519, MlKem::K768, true),
    Group::ecdh(NamedGroup::X25519, Ecdh::X25519),
    Group::ecdh(NamedGroup::SECP256R1, Ecdh::P256),
    Group::ecdh(NamedGroup::SECP384R1, Ecdh::P384),
    Group::ecdh(NamedGroup::SECP521R1, Ecdh::P521),
    Group::hybrid(
        NamedGroup::SECP256R1MLKEM768,
        Ecdh::P256,
        MlKem::K768,
        false,
    ),
    Group::hybrid(
        NamedGroup::SECP384R1MLKEM1024,
        Ecdh::P384,
        MlKem::K1024,
        false,
    ),
    Group::kem(NamedGroup::MLKEM768, MlKem::K768),
    Group::kem(NamedGroup::MLKEM1024, MlKem::K1024),
    Group::ffdhe(NamedGroup::FFDHE2048, &ffdhe::FFDHE2048),
    Group::ffdhe(NamedGroup::FFDHE3072, &ffdhe::FFDHE3072),
    Group::ffdhe(NamedGroup::FFDHE4096, &ffdhe::FFDHE4096),
    Group::ffdhe(NamedGroup::FFDHE6144, &ffdhe::FFDHE6144),
    Group::ffdhe(NamedGroup::FFDHE8192, &ffdhe::FFDHE8192),
];

/// The group named `name`, if this provider supports it.
pub fn group(name: NamedGroup) -> Option<&'static dyn KeyExchangeGroup> {
    GROUPS
        .iter()
        .find(|g| g.name == name)
        .map(|g| -> &'static dyn KeyExchangeGroup { g })
}

/// X25519 with a caller-chosen private scalar (for known-answer tests).
/// `peer` must be a 32-byte u-coordinate; an all-zero result is rejected
/// (RFC 8446 §7.4.2) with [`CryptoError::InvalidPeerShare`].
pub fn x25519_with_scalar(scalar: &[u8; 32], peer: &[u8]) -> Result<SharedSecret, CryptoError> {
    let private = PrivateKey::from_private_key(&agreement::X25519, scalar)
        .map_err(|_| CryptoError::InvalidKey)?;
    Ecdh::X25519
        .agree(&private, peer)
        .map(|s| SharedSecret::new(s.to_vec()))
}

/// ECDH on `curve` with a caller-chosen private scalar and a SEC1 public
/// point (uncompressed or compressed), for known-answer tests. TLS shares go
/// through [`KeyExchangeGroup`], which takes uncompressed points only.
///
/// The scalar is a big-endian integer of any width: leading zero octets are
/// ignored and a short value is widened, since test-vector sets write it as a
/// minimal (two's-complement) integer. A value wider than the curve's order,
/// zero, or not below the order is [`CryptoError::InvalidKey`].
pub fn ecdh_with_private(
    curve: EcCurve,
    private_be: &[u8],
    peer_sec1: &[u8],
) -> Result<SharedSecret, CryptoError> {
    let ecdh = Ecdh::from_curve(curve);
    let scalar = fixed_width_scalar(private_be, scalar_len(curve))?;
    let private =
        PrivateKey::from_private_key(ecdh.alg(), &scalar).map_err(|_| CryptoError::InvalidKey)?;
    // aws-lc-rs would also take a DER SubjectPublicKeyInfo or a SEC1
    // "hybrid" point: only SEC1 compressed or uncompressed points are meant here.
    match peer_sec1.first() {
        // 0x02/0x03: compressed, 0x04: uncompressed.
        Some(0x02..=0x04) => {}
        _ => return Err(CryptoError::InvalidPeerShare),
    }
    let secret = agreement::agree(
        &private,
        UnparsedPublicKey::new(ecdh.alg(), peer_sec1),
        CryptoError::InvalidPeerShare,
        |s| Ok(SharedSecret::new(s.to_vec())),
    )?;
    Ok(secret)
}

/// Octets of a private scalar on `curve` (SEC1 §2.3.7: the width of the order).
const fn scalar_len(curve: EcCurve) -> usize {
    match curve {
        EcCurve::P256 => 32,
        EcCurve::P384 => 48,
        EcCurve::P521 => 66,
    }
}

/// `value`, a big-endian integer, as exactly `len` octets. Known-answer
/// inputs only: skipping the leading zeros is not constant-time.
fn fixed_width_scalar(value: &[u8], len: usize) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let first = value.iter().position(|&b| b != 0).unwrap_or(value.len());
    let digits = value.get(first..).unwrap_or(&[]);
    let pad = len
        .checked_sub(digits.len())
        .ok_or(CryptoError::InvalidKey)?;
    let mut out = Zeroizing::new(alloc::vec![0u8; len]);
    out.get_mut(pad..)
        .ok_or(CryptoError::InvalidKey)?
        .copy_from_slice(digits);
    Ok(out)
}

/// An elliptic-curve Diffie-Hellman function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ecdh {
    X25519,
    P256,
    P384,
    P521,
}

impl Ecdh {
    fn from_curve(curve: EcCurve) -> Self {
        match curve {
            EcCurve::P256 => Ecdh::P256,
            EcCurve::P384 => Ecdh::P384,
            EcCurve::P521 => Ecdh::P521,
        }
    }

    fn alg(self) -> &'static agreement::Algorithm {
        match self {
            Ecdh::X25519 => &agreement::X25519,
            Ecdh::P256 => &agreement::ECDH_P256,
            Ecdh::P384 => &agreement::ECDH_P384,
            Ecdh::P521 => &agreement::ECDH_P521,
        }
    }

    /// The size of a share: a u-coordinate for X25519, an uncompressed
    /// point (0x04 || x || y) for the P-curves (RFC 8446 §4.2.8.2).
    fn share_len(self) -> usize {
        match self {
            Ecdh::X25519 => 32,
            Ecdh::P256 => 65,
            Ecdh::P384 => 97,
            Ecdh::P521 => 133,
        }
    }

    fn generate(self) -> Result<(PrivateKey, Vec<u8>), CryptoError> {
        let private = PrivateKey::generate(self.alg()).map_err(|_| CryptoError::Failed)?;
        let public = private
            .compute_public_key()
            .map_err(|_| CryptoError::Failed)?
            .as_ref()
            .to_vec();
        if public.len() != self.share_len() {
            return Err(CryptoError::Failed);
        }
        Ok((private, public))
    }

    /// Agrees with the peer's share after checking its form.
    fn agree(self, private: &PrivateKey, peer: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        if peer.len() != self.share_len() {
            return Err(CryptoError::InvalidPeerShare);
        }
        if self != Ecdh::X25519 && peer.first() != Some(&0x04) {
            // RFC 8446 §4.2.8.2: only the uncompressed point format is allowed.
            return Err(CryptoError::InvalidPeerShare);
        }
        // aws-lc checks that a P-curve point lies on the curve (RFC 8446
        // §4.2.8.2: peers MUST validate the point).
        let secret = agreement::agree(
            private,
            UnparsedPublicKey::new(self.alg(), peer),
            CryptoError::InvalidPeerShare,
            |s| Ok(Zeroizing::new(s.to_vec())),
        )?;
        if self == Ecdh::X25519 {
            // RFC 8446 §7.4.2: abort if the X25519 output is all zeros.
            let zero = [0u8; 32];
            if bool::from(secret.as_slice().ct_eq(&zero)) {
                return Err(CryptoError::InvalidPeerShare);
            }
        }
        Ok(secret)
    }

    /// Server side: makes a key pair and agrees with the client's share.
    fn respond(self, peer: &[u8]) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>), CryptoError> {
        let (private, public) = self.generate()?;
        let secret = self.agree(&private, peer)?;
        Ok((public, secret))
    }
}

/// An ML-KEM parameter set (FIPS 203).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MlKem {
    K768,
    K1024,
}

impl MlKem {
    fn alg(self) -> &'static kem::Algorithm {
        match self {
            MlKem::K768 => &kem::ML_KEM_768,
            MlKem::K1024 => &kem::ML_KEM_1024,
        }
    }

    /// k, the module rank.
    fn rank(self) -> usize {
        match self {
            MlKem::K768 => 3,
            MlKem::K1024 => 4,
        }
    }

    /// Encapsulation key size: 384k + 32 (FIPS 203 table 3).
    fn ek_len(self) -> usize {
        384 * self.rank() + 32
    }

    /// Ciphertext size (FIPS 203 table 3).
    fn ct_len(self) -> usize {
        match self {
            MlKem::K768 => 1088,
            MlKem::K1024 => 1568,
        }
    }

    fn generate(self) -> Result<(kem::DecapsulationKey, Vec<u8>), CryptoError> {
        let dk = kem::DecapsulationKey::generate(self.alg()).map_err(|_| CryptoError::Failed)?;
        let ek = dk
            .encapsulation_key()
            .and_then(|ek| ek.key_bytes())
            .map_err(|_| CryptoError::Failed)?
            .as_ref()
            .to_vec();
        if ek.len() != self.ek_len() {
            return Err(CryptoError::Failed);
        }
        Ok((dk, ek))
    }

    fn decapsulate(
        self,
        dk: &kem::DecapsulationKey,
        ct: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        if ct.len() != self.ct_len() {
            return Err(CryptoError::InvalidPeerShare);
        }
        let ss = dk
            .decapsulate(kem::Ciphertext::from(ct))
            .map_err(|_| CryptoError::InvalidPeerShare)?;
        Ok(Zeroizing::new(ss.as_ref().to_vec()))
    }

    /// Server side: encapsulates to the client's key; returns (ct, ss).
    fn encapsulate(self, ek: &[u8]) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>), CryptoError> {
        if ek.len() != self.ek_len() || !mlkem_ek_modulus_ok(ek, self.rank()) {
            return Err(CryptoError::InvalidPeerShare);
        }
        let key = kem::EncapsulationKey::new(self.alg(), ek)
            .map_err(|_| CryptoError::InvalidPeerShare)?;
        let (ct, ss) = key
            .encapsulate()
            .map_err(|_| CryptoError::InvalidPeerShare)?;
        let ct = ct.as_ref().to_vec();
        if ct.len() != self.ct_len() {
            return Err(CryptoError::Failed);
        }
        Ok((ct, Zeroizing::new(ss.as_ref().to_vec())))
    }
}

/// FIPS 203 §7.2 encapsulation key check: each 12-bit coefficient of the
/// 384k-byte polynomial part must be below q = 3329 (ByteEncode12 of
/// ByteDecode12 must give the input back). aws-lc also checks this; doing it
/// here keeps the rule visible and independent of the library version.
pub(crate) fn mlkem_ek_modulus_ok(ek: &[u8], rank: usize) -> bool {
    const Q: u16 = 3329;
    let Some(polys) = ek.get(..384 * rank) else {
        return false;
    };
    polys.chunks_exact(3).all(|c| match c {
        [b0, b1, b2] => {
            let d1 = u16::from(*b0) | (u16::from(*b1 & 0x0f) << 8);
            let d2 = u16::from(*b1 >> 4) | (u16::from(*b2) << 4);
            d1 < Q && d2 < Q
        }
        _ => false,
    })
}

/// How a group computes.
enum Kind {
    Ecdh(Ecdh),
    Kem(MlKem),
    /// ECDHE + ML-KEM (draft-ietf-tls-ecdhe-mlkem §4): shares and secrets
    /// are the two parts concatenated; X25519MLKEM768 puts ML-KEM first.
    Hybrid {
        ecdh: Ecdh,
        kem: MlKem,
        kem_first: bool,
    },
    Ffdhe(&'static FfdheGroup),
}

/// One key-exchange group of this provider.
pub struct Group {
    name: NamedGroup,
    kind: Kind,
}

impl Group {
    const fn ecdh(name: NamedGroup, ecdh: Ecdh) -> Self {
        Self {
            name,
            kind: Kind::Ecdh(ecdh),
        }
    }
    const fn kem(name: NamedGroup, kem: MlKem) -> Self {
        Self {
            name,
            kind: Kind::Kem(kem),
        }
    }
    const fn hybrid(name: NamedGroup, ecdh: Ecdh, kem: MlKem, kem_first: bool) -> Self {
        Self {
            name,
            kind: Kind::Hybrid {
                ecdh,
                kem,
                kem_first,
            },
        }
    }
    const fn ffdhe(name: NamedGroup, g: &'static FfdheGroup) -> Self {
        Self {
            name,
            kind: Kind::Ffdhe(g),
        }
    }
}

/// Concatenates two parts, in the order the group puts them.
fn join(first_is_a: bool, a: &[u8], b: &[u8]) -> Vec<u8> {
    let (x, y) = if first_is_a { (a, b) } else { (b, a) };
    let mut out = Vec::with_capacity(x.len().saturating_add(y.len()));
    out.extend_from_slice(x);
    out.extend_from_slice(y);
    out
}

/// Splits a hybrid share into its (ecdh, kem) parts after checking its
/// exact size.
fn split_hybrid(
    share: &[u8],
    ecdh_len: usize,
    kem_len: usize,
    kem_first: bool,
) -> Result<(&[u8], &[u8]), CryptoError> {
    // draft-ietf-tls-ecdhe-mlkem §4: each part has a fixed size; any other total is invalid.
    if share.len() != ecdh_len.saturating_add(kem_len) {
        return Err(CryptoError::InvalidPeerShare);
    }
    let at = if kem_first { kem_len } else { ecdh_len };
    let (first, second) = share
        .split_at_checked(at)
        .ok_or(CryptoError::InvalidPeerShare)?;
    Ok(if kem_first {
        (second, first)
    } else {
        (first, second)
    })
}

fn secret(parts: &[&[u8]]) -> SharedSecret {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.extend_from_slice(p);
    }
    SharedSecret::new(out)
}

impl KeyExchangeGroup for Group {
    fn name(&self) -> NamedGroup {
        self.name
    }

    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, CryptoError> {
        let (public, state) = match self.kind {
            Kind::Ecdh(ecdh) => {
                let (private, public) = ecdh.generate()?;
                (public, State::Ecdh(ecdh, private))
            }
            Kind::Kem(kem) => {
                let (dk, ek) = kem.generate()?;
                (ek, State::Kem(kem, dk))
            }
            Kind::Hybrid {
                ecdh,
                kem,
                kem_first,
            } => {
                let (private, point) = ecdh.generate()?;
                let (dk, ek) = kem.generate()?;
                let public = join(kem_first, &ek, &point);
                (
                    public,
                    State::Hybrid {
                        ecdh,
                        kem,
                        kem_first,
                        private,
                        dk,
                    },
                )
            }
            Kind::Ffdhe(g) => {
                let (private, public) = g.generate()?;
                (public, State::Ffdhe(g, private))
            }
        };
        Ok(Box::new(Active {
            name: self.name,
            public,
            state,
        }))
    }

    fn respond(&self, client_share: &[u8]) -> Result<(Vec<u8>, SharedSecret), CryptoError> {
        match self.kind {
            Kind::Ecdh(ecdh) => {
                let (public, s) = ecdh.respond(client_share)?;
                Ok((public, secret(&[&s])))
            }
            Kind::Kem(kem) => {
                let (ct, ss) = kem.encapsulate(client_share)?;
                Ok((ct, secret(&[&ss])))
            }
            Kind::Hybrid {
                ecdh,
                kem,
                kem_first,
            } => {
                let (point, ek) =
                    split_hybrid(client_share, ecdh.share_len(), kem.ek_len(), kem_first)?;
                let (our_point, ecdh_ss) = ecdh.respond(point)?;
                let (ct, kem_ss) = kem.encapsulate(ek)?;
                let share = join(kem_first, &ct, &our_point);
                let joined = join(kem_first, &kem_ss, &ecdh_ss);
                Ok((share, SharedSecret::new(joined)))
            }
            Kind::Ffdhe(g) => {
                let (private, public) = g.generate()?;
                let s = g.agree(&private, client_share)?;
                Ok((public, s))
            }
        }
    }
}

/// A client's private key material for one group.
enum State {
    Ecdh(Ecdh, PrivateKey),
    Kem(MlKem, kem::DecapsulationKey),
    Hybrid {
        ecdh: Ecdh,
        kem: MlKem,
        kem_first: bool,
        private: PrivateKey,
        dk: kem::DecapsulationKey,
    },
    Ffdhe(&'static FfdheGroup, FfdhePrivate),
}

/// A client's pending key exchange.
struct Active {
    name: NamedGroup,
    public: Vec<u8>,
    state: State,
}

impl ActiveKeyExchange for Active {
    fn group(&self) -> NamedGroup {
        self.name
    }

    fn public_share(&self) -> &[u8] {
        &self.public
    }

    fn complete(self: Box<Self>, peer_share: &[u8]) -> Result<SharedSecret, CryptoError> {
        match &self.state {
            State::Ecdh(ecdh, private) => Ok(secret(&[&ecdh.agree(private, peer_share)?])),
            State::Kem(kem, dk) => Ok(secret(&[&kem.decapsulate(dk, peer_share)?])),
            State::Hybrid {
                ecdh,
                kem,
                kem_first,
                private,
                dk,
            } => {
                let (point, ct) =
                    split_hybrid(peer_share, ecdh.share_len(), kem.ct_len(), *kem_first)?;
                let ecdh_ss = ecdh.agree(private, point)?;
                let kem_ss = kem.decapsulate(dk, ct)?;
                Ok(SharedSecret::new(join(*kem_first, &kem_ss, &ecdh_ss)))
            }
            State::Ffdhe(g, private) => g.agree(private, peer_share),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::aws_lc::mlkem_kat::{self, MlKemLevel};
    use alloc::vec;

    fn unhex(s: &str) -> Vec<u8> {
        let s: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        s.chunks(2)
            .map(|c| u8::from_str_radix(core::str::from_utf8(c).unwrap(), 16).unwrap())
            .collect()
    }

    fn g(name: NamedGroup) -> &'static dyn KeyExchangeGroup {
        group(name).unwrap()
    }

    /// (group, client share, server share, secret) sizes.
    const SIZES: [(NamedGroup, usize, usize, usize); 14] = [
        (NamedGroup::X25519MLKEM768, 1216, 1120, 64),
        (NamedGroup::X25519, 32, 32, 32),
        (NamedGroup::SECP256R1, 65, 65, 32),
        (NamedGroup::SECP384R1, 97, 97, 48),
        (NamedGroup::SECP521R1, 133, 133, 66),
        (NamedGroup::SECP256R1MLKEM768, 1249, 1153, 64),
        (NamedGroup::SECP384R1MLKEM1024, 1665, 1665, 80),
        (NamedGroup::MLKEM768, 1184, 1088, 32),
        (NamedGroup::MLKEM1024, 1568, 1568, 32),
        (NamedGroup::FFDHE2048, 256, 256, 256),
        (NamedGroup::FFDHE3072, 384, 384, 384),
        (NamedGroup::FFDHE4096, 512, 512, 512),
        (NamedGroup::FFDHE6144, 768, 768, 768),
        (NamedGroup::FFDHE8192, 1024, 1024, 1024),
    ];

    #[test]
    fn supported_groups_order_and_lookup() {
        assert_eq!(
            SUPPORTED_GROUPS,
            SIZES.map(|(name, ..)| name),
            "order given by the provider brief"
        );
        for name in SUPPORTED_GROUPS {
            assert_eq!(g(name).name(), name);
        }
        assert!(group(NamedGroup(0x0018 + 0x1000)).is_none());
    }

    #[test]
    fn every_group_round_trips_with_exact_sizes() {
        for (name, client_len, server_len, secret_len) in SIZES {
            let client = g(name).start().unwrap();
            assert_eq!(client.group(), name);
            assert_eq!(client.public_share().len(), client_len, "{name:?}");
            let (server_share, server_secret) = g(name).respond(client.public_share()).unwrap();
            assert_eq!(server_share.len(), server_len, "{name:?}");
            assert_eq!(server_secret.as_bytes().len(), secret_len, "{name:?}");
            let client_secret = client.complete(&server_share).unwrap();
            assert_eq!(
                client_secret.as_bytes(),
                server_secret.as_bytes(),
                "{name:?}"
            );
        }
    }

    #[test]
    fn wrong_share_sizes_are_rejected_both_ways() {
        // FFDHE8192 is left out only to keep the test quick: the size check
        // is the same code for every FFDHE group.
        for (name, client_len, server_len, _) in SIZES.into_iter().take(13) {
            let client = g(name).start().unwrap();
            let mut long = client.public_share().to_vec();
            long.push(0);
            for bad in [&long[..], &long[..client_len - 1], &[][..]] {
                assert_eq!(
                    g(name).respond(bad).err(),
                    Some(CryptoError::InvalidPeerShare),
                    "{name:?} client share of {}",
                    bad.len()
                );
            }
            let (server_share, _) = g(name).respond(client.public_share()).unwrap();
            for bad_len in [server_len - 1, server_len + 1] {
                let client = g(name).start().unwrap();
                let mut bad = server_share.clone();
                bad.resize(bad_len, 0);
                assert_eq!(
                    client.complete(&bad).err(),
                    Some(CryptoError::InvalidPeerShare),
                    "{name:?} server share of {bad_len}"
                );
            }
        }
    }

    // RFC 7748 §6.1.
    const ALICE_PRIV: &str = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    const ALICE_PUB: &str = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    const BOB_PRIV: &str = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    const BOB_PUB: &str = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    const SHARED: &str = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

    fn scalar(hex: &str) -> [u8; 32] {
        unhex(hex).try_into().unwrap()
    }

    #[test]
    fn x25519_rfc7748_vectors() {
        let a = x25519_with_scalar(&scalar(ALICE_PRIV), &unhex(BOB_PUB)).unwrap();
        let b = x25519_with_scalar(&scalar(BOB_PRIV), &unhex(ALICE_PUB)).unwrap();
        assert_eq!(a.as_bytes(), unhex(SHARED));
        assert_eq!(b.as_bytes(), unhex(SHARED));
        // RFC 7748 §6.1: the public keys are X25519(k, 9).
        let mut nine = [0u8; 32];
        nine[0] = 9;
        let pa = x25519_with_scalar(&scalar(ALICE_PRIV), &nine).unwrap();
        assert_eq!(pa.as_bytes(), unhex(ALICE_PUB));
        // RFC 7748 §5.2, first test vector (input u with its high bit clear).
        let out = x25519_with_scalar(
            &scalar("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
            &unhex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"),
        )
        .unwrap();
        assert_eq!(
            out.as_bytes(),
            unhex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")
        );
    }

    #[test]
    fn x25519_low_order_points_give_an_all_zero_secret_and_are_rejected() {
        // u = 0 and u = 1 are points of small order: X25519 maps them to zero.
        let mut one = [0u8; 32];
        one[0] = 1;
        for low in [[0u8; 32], one] {
            assert_eq!(
                x25519_with_scalar(&scalar(ALICE_PRIV), &low).err(),
                Some(CryptoError::InvalidPeerShare)
            );
            assert_eq!(
                g(NamedGroup::X25519).respond(&low).err(),
                Some(CryptoError::InvalidPeerShare)
            );
            let client = g(NamedGroup::X25519).start().unwrap();
            assert_eq!(
                client.complete(&low).err(),
                Some(CryptoError::InvalidPeerShare)
            );
            // The hybrid rejects it too: ML-KEM ct || low-order point.
            let client = g(NamedGroup::X25519MLKEM768).start().unwrap();
            let (good, _) = g(NamedGroup::X25519MLKEM768)
                .respond(client.public_share())
                .unwrap();
            let mut bad = good[..1088].to_vec();
            bad.extend_from_slice(&low);
            assert_eq!(
                client.complete(&bad).err(),
                Some(CryptoError::InvalidPeerShare)
            );
        }
    }

    /// RFC 5903 §8.1 (256-bit random ECP group): i, g^i and g^r, g^ir x.
    const P256_I: &str = "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433";
    const P256_GR: &str = "04\
        d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63\
        56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab";
    const P256_GIR: &str = "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de";

    #[test]
    fn p256_rfc5903_vector() {
        let s = ecdh_with_private(EcCurve::P256, &unhex(P256_I), &unhex(P256_GR)).unwrap();
        assert_eq!(s.as_bytes(), unhex(P256_GIR));
        // The same point compressed (y is odd: 0x03) gives the same secret.
        let mut compressed = vec![0x03];
        compressed.extend_from_slice(&unhex(P256_GR)[1..33]);
        let s = ecdh_with_private(EcCurve::P256, &unhex(P256_I), &compressed).unwrap();
        assert_eq!(s.as_bytes(), unhex(P256_GIR));
        // Leading zero octets do not change the scalar; a short one is widened.
        let padded = [&[0u8, 0][..], &unhex(P256_I)].concat();
        let s = ecdh_with_private(EcCurve::P256, &padded, &unhex(P256_GR)).unwrap();
        assert_eq!(s.as_bytes(), unhex(P256_GIR));
        let mut small = [0u8; 32];
        small[31] = 1;
        let s = ecdh_with_private(EcCurve::P256, &[1], &unhex(P256_GR)).unwrap();
        let s_full = ecdh_with_private(EcCurve::P256, &small, &unhex(P256_GR)).unwrap();
        // Scalar 1: the shared secret is the peer point's x.
        assert_eq!(s.as_bytes(), &unhex(P256_GR)[1..33]);
        assert_eq!(s.as_bytes(), s_full.as_bytes());
        // Too wide, zero, or not below the order.
        let wide = [&[1u8][..], &unhex(P256_I)].concat();
        let order = unhex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
        for bad in [&wide[..], &[], &[0, 0], &order] {
            assert_eq!(
                ecdh_with_private(EcCurve::P256, bad, &unhex(P256_GR)).err(),
                Some(CryptoError::InvalidKey),
                "{bad:02x?}"
            );
        }
    }

    #[test]
    fn p256_off_curve_and_non_uncompressed_points_are_rejected() {
        let mut off = unhex(P256_GR);
        *off.last_mut().unwrap() ^= 1;
        assert_eq!(
            ecdh_with_private(EcCurve::P256, &unhex(P256_I), &off).err(),
            Some(CryptoError::InvalidPeerShare)
        );
        let p256 = g(NamedGroup::SECP256R1);
        assert_eq!(
            p256.respond(&off).err(),
            Some(CryptoError::InvalidPeerShare)
        );
        assert_eq!(
            p256.start().unwrap().complete(&off).err(),
            Some(CryptoError::InvalidPeerShare)
        );
        // RFC 8446 §4.2.8.2: a valid point in another format (here the
        // 65-byte SEC1 "hybrid" form, 0x06/0x07) is refused.
        let mut hybrid_form = unhex(P256_GR);
        hybrid_form[0] = 0x07;
        assert_eq!(
            p256.respond(&hybrid_form).err(),
            Some(CryptoError::InvalidPeerShare)
        );
        // Compressed: wrong size for a TLS share.
        let mut compressed = vec![0x03];
        compressed.extend_from_slice(&unhex(P256_GR)[1..33]);
        assert_eq!(
            p256.respond(&compressed).err(),
            Some(CryptoError::InvalidPeerShare)
        );
        // The point at infinity.
        assert_eq!(
            p256.respond(&[0u8; 65]).err(),
            Some(CryptoError::InvalidPeerShare)
        );
        // The hybrid checks its P-256 half the same way.
        let client = g(NamedGroup::SECP256R1MLKEM768).start().unwrap();
        let mut share = client.public_share().to_vec();
        share[..65].copy_from_slice(&off);
        assert_eq!(
            g(NamedGroup::SECP256R1MLKEM768).respond(&share).err(),
            Some(CryptoError::InvalidPeerShare)
        );
    }

    #[test]
    fn ffdhe_boundary_values_are_rejected_through_the_group() {
        let ff = g(NamedGroup::FFDHE2048);
        let p = ffdhe::FFDHE2048.prime_bytes().unwrap();
        let mut p_minus_1 = p.clone();
        *p_minus_1.last_mut().unwrap() -= 1;
        let mut one = vec![0u8; 256];
        one[255] = 1;
        for bad in [one, p_minus_1] {
            assert_eq!(ff.respond(&bad).err(), Some(CryptoError::InvalidPeerShare));
            assert_eq!(
                ff.start().unwrap().complete(&bad).err(),
                Some(CryptoError::InvalidPeerShare)
            );
        }
    }

    #[test]
    fn mlkem_bad_encapsulation_key_is_rejected() {
        for (name, offset) in [
            (NamedGroup::MLKEM768, 0),
            (NamedGroup::MLKEM1024, 0),
            (NamedGroup::X25519MLKEM768, 0),
            (NamedGroup::SECP256R1MLKEM768, 65),
            (NamedGroup::SECP384R1MLKEM1024, 97),
        ] {
            let mut share = g(name).start().unwrap().public_share().to_vec();
            // The last coefficient of the first polynomial becomes 0xfff >= q.
            share[offset + 382] |= 0xf0;
            share[offset + 383] = 0xff;
            assert_eq!(
                g(name).respond(&share).err(),
                Some(CryptoError::InvalidPeerShare),
                "{name:?}"
            );
        }
    }

    #[test]
    fn aws_lc_itself_refuses_an_encapsulation_key_failing_the_modulus_check() {
        // Our own check runs first; this shows aws-lc would refuse too.
        let (mut ek, _) = mlkem_kat::keygen(MlKemLevel::MlKem768, &[5u8; 64]);
        ek[0] = 0xff;
        ek[1] |= 0x0f;
        assert!(!mlkem_ek_modulus_ok(&ek, 3));
        let refused = kem::EncapsulationKey::new(&kem::ML_KEM_768, &ek)
            .map_err(|_| ())
            .and_then(|k| k.encapsulate().map_err(|_| ()));
        assert!(refused.is_err());
    }

    #[test]
    fn mlkem_modulus_check_accepts_q_minus_1_and_refuses_q() {
        let (mut ek, _) = mlkem_kat::keygen(MlKemLevel::MlKem768, &[6u8; 64]);
        assert!(mlkem_ek_modulus_ok(&ek, 3));
        // First coefficient = 3328 = 0xd00 (low byte 0x00, low nibble 0xd).
        ek[0] = 0x00;
        ek[1] = (ek[1] & 0xf0) | 0x0d;
        assert!(mlkem_ek_modulus_ok(&ek, 3));
        // 3329 = 0xd01.
        ek[0] = 0x01;
        assert!(!mlkem_ek_modulus_ok(&ek, 3));
        assert!(!mlkem_ek_modulus_ok(&ek[..100], 3));
    }

    #[test]
    fn hybrid_layouts_follow_draft_ietf_tls_ecdhe_mlkem() {
        // Build client shares from known parts, let the server respond, and
        // recompute both component secrets separately.
        let seed = [9u8; 64];
        for (name, ecdh, level, kem_first) in [
            (
                NamedGroup::X25519MLKEM768,
                Ecdh::X25519,
                MlKemLevel::MlKem768,
                true,
            ),
            (
                NamedGroup::SECP256R1MLKEM768,
                Ecdh::P256,
                MlKemLevel::MlKem768,
                false,
            ),
            (
                NamedGroup::SECP384R1MLKEM1024,
                Ecdh::P384,
                MlKemLevel::MlKem1024,
                false,
            ),
        ] {
            let (ek, _) = mlkem_kat::keygen(level, &seed);
            let (private, point) = ecdh.generate().unwrap();
            let client_share = if kem_first {
                [ek.as_slice(), &point].concat()
            } else {
                [point.as_slice(), &ek].concat()
            };
            let (server_share, secret) = g(name).respond(&client_share).unwrap();
            let ct_len = level.ct_len();
            let (ct, server_point) = if kem_first {
                (&server_share[..ct_len], &server_share[ct_len..])
            } else {
                let n = ecdh.share_len();
                (&server_share[n..], &server_share[..n])
            };
            let kem_ss = mlkem_kat::decapsulate_with_seed(level, &seed, ct).unwrap();
            let ecdh_ss = ecdh.agree(&private, server_point).unwrap();
            let want = if kem_first {
                [kem_ss.as_bytes(), &ecdh_ss].concat()
            } else {
                [&ecdh_ss[..], kem_ss.as_bytes()].concat()
            };
            assert_eq!(secret.as_bytes(), want.as_slice(), "{name:?}");
        }
    }

    #[test]
    fn mlkem_client_decapsulates_a_rustcrypto_ciphertext() {
        // The client's aws-lc key; the server side done by RustCrypto.
        let client = g(NamedGroup::MLKEM1024).start().unwrap();
        let (ct, ss) =
            mlkem_kat::encapsulate(MlKemLevel::MlKem1024, client.public_share(), &[1u8; 32])
                .unwrap();
        assert_eq!(client.complete(&ct).unwrap().as_bytes(), ss.as_bytes());
    }
}
