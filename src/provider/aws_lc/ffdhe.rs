//! Finite-field Diffie-Hellman over the RFC 7919 groups (ffdhe2048 to
//! ffdhe8192), with constant-time modular exponentiation from
//! `crypto-bigint` (aws-lc-rs does not expose DH).
//!
//! Every group is a safe prime p = 2q + 1 with generator 2. Private
//! exponents are short, as RFC 7919 §5.2 allows: appendix A gives for each
//! group the exponent size matching its estimated strength. Shares and
//! secrets are big-endian and left-padded to the size of p (RFC 8446
//! §4.2.8.1, §7.4.1).

use crate::codec::enums::NamedGroup;
use crate::error::CryptoError;
use crate::provider::SharedSecret;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, Odd};
use std::sync::OnceLock;
use subtle::{ConstantTimeGreater, ConstantTimeLess};
use zeroize::{Zeroize, Zeroizing};

/// One RFC 7919 group.
pub struct FfdheGroup {
    name: NamedGroup,
    /// Size of p in bits (a multiple of 64 for every RFC 7919 group).
    bits: u32,
    /// Private exponent size in bits (RFC 7919 appendix A, per §5.2).
    exponent_bits: u32,
    prime_hex: &'static str,
    prepared: OnceLock<Option<Prepared>>,
}

/// The group's numbers, decoded once.
struct Prepared {
    p_minus_1: BoxedUint,
    params: Arc<BoxedMontyParams>,
}

impl FfdheGroup {
    const fn new(name: NamedGroup, bits: u32, exponent_bits: u32, prime_hex: &'static str) -> Self {
        Self {
            name,
            bits,
            exponent_bits,
            prime_hex,
            prepared: OnceLock::new(),
        }
    }

    /// The group's code point.
    pub fn name(&self) -> NamedGroup {
        self.name
    }

    /// The size of p, shares and secrets in bytes.
    pub fn byte_len(&self) -> usize {
        usize::try_from(self.bits / 8).unwrap_or(0)
    }

    /// The prime p, big-endian.
    pub fn prime_bytes(&self) -> Result<Vec<u8>, CryptoError> {
        decode_hex(self.prime_hex).ok_or(CryptoError::Failed)
    }

    fn prepared(&self) -> Result<&Prepared, CryptoError> {
        self.prepared
            .get_or_init(|| {
                let p = BoxedUint::from_be_slice(&self.prime_bytes().ok()?, self.bits).ok()?;
                let p_minus_1 = p.wrapping_sub(&BoxedUint::one_with_precision(self.bits));
                let odd: Option<Odd<BoxedUint>> = Odd::new(p).into();
                Some(Prepared {
                    p_minus_1,
                    params: Arc::new(BoxedMontyParams::new(odd?)),
                })
            })
            .as_ref()
            .ok_or(CryptoError::Failed)
    }

    /// Makes a random private exponent of exactly `exponent_bits` bits.
    fn random_exponent(&self) -> Result<Zeroizing<BoxedUint>, CryptoError> {
        let nbytes =
            usize::try_from(self.exponent_bits.div_ceil(8)).map_err(|_| CryptoError::Failed)?;
        let mut bytes = Zeroizing::new(vec![0u8; nbytes]);
        aws_lc_rs::rand::fill(&mut bytes).map_err(|_| CryptoError::Rng)?;
        let top_bits = self.exponent_bits % 8;
        if let Some(first) = bytes.first_mut() {
            if top_bits != 0 {
                *first &= (1u8 << top_bits) - 1;
                *first |= 1u8 << (top_bits - 1);
            } else {
                *first |= 0x80;
            }
        }
        BoxedUint::from_be_slice(&bytes, self.exponent_bits)
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Failed)
    }

    /// base^x mod p, left-padded to the size of p. Intermediates are wiped;
    /// the caller owns (and must protect) the result.
    fn pow(&self, base: BoxedUint, x: &BoxedUint) -> Result<Vec<u8>, CryptoError> {
        let prep = self.prepared()?;
        let b = BoxedMontyForm::new_with_arc(base, prep.params.clone());
        // The exponent length is public (the same for every key of the group);
        // only it shows in the timing.
        let mut m = b.pow_bounded_exp(x, self.exponent_bits);
        let mut r = m.retrieve();
        m.zeroize();
        let bytes = Zeroizing::new(r.to_be_bytes());
        r.zeroize();
        left_pad(&bytes, self.byte_len())
    }

    /// Makes a key pair: the private exponent and the public value 2^x mod p.
    pub fn generate(&self) -> Result<(FfdhePrivate, Vec<u8>), CryptoError> {
        let x = self.random_exponent()?;
        let public = self.public_for(&x)?;
        Ok((FfdhePrivate { x }, public))
    }

    fn public_for(&self, x: &BoxedUint) -> Result<Vec<u8>, CryptoError> {
        let two = BoxedUint::from_be_slice(&[2], self.bits).map_err(|_| CryptoError::Failed)?;
        self.pow(two, x)
    }

    /// Agrees on the secret with the peer's public value `peer`.
    pub fn agree(&self, private: &FfdhePrivate, peer: &[u8]) -> Result<SharedSecret, CryptoError> {
        // RFC 8446 §4.2.8.1: the share is padded to the size of p.
        if peer.len() != self.byte_len() {
            return Err(CryptoError::InvalidPeerShare);
        }
        let prep = self.prepared()?;
        let y =
            BoxedUint::from_be_slice(peer, self.bits).map_err(|_| CryptoError::InvalidPeerShare)?;
        let one = BoxedUint::one_with_precision(self.bits);
        // RFC 8446 §4.2.8.1: peers MUST validate each other's public key Y by ensuring 1 < Y < p-1.
        let in_range = y.ct_gt(&one) & y.ct_lt(&prep.p_minus_1);
        if !bool::from(in_range) {
            return Err(CryptoError::InvalidPeerShare);
        }
        // With y in (1, p-1) and p a safe prime, y has order q or 2q and a
        // non-zero exponent shorter than q cannot give 1: no further check.
        Ok(SharedSecret::new(self.pow(y, &private.x)?))
    }
}

/// An FFDHE private exponent, zeroized on drop.
pub struct FfdhePrivate {
    x: Zeroizing<BoxedUint>,
}

/// Takes the low `len` bytes of a big-endian number, or left-pads it with zeros.
fn left_pad(bytes: &[u8], len: usize) -> Result<Vec<u8>, CryptoError> {
    let mut out = vec![0u8; len];
    if bytes.len() >= len {
        let skip = bytes.len() - len;
        let (high, low) = bytes.split_at_checked(skip).ok_or(CryptoError::Failed)?;
        // The value is below p, so any extra high bytes are zero.
        if high.iter().any(|&b| b != 0) {
            return Err(CryptoError::Failed);
        }
        out.copy_from_slice(low);
    } else {
        let start = len - bytes.len();
        out.get_mut(start..)
            .ok_or(CryptoError::Failed)?
            .copy_from_slice(bytes);
    }
    Ok(out)
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let digits = s.as_bytes();
    if digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => Some((nibble(*hi)? << 4) | nibble(*lo)?),
            _ => None,
        })
        .collect()
}

/// ffdhe2048 (RFC 7919 appendix A.1; 225-bit exponents).
pub static FFDHE2048: FfdheGroup = FfdheGroup::new(NamedGroup::FFDHE2048, 2048, 225, FFDHE2048_P);
/// ffdhe3072 (RFC 7919 appendix A.2; 275-bit exponents).
pub static FFDHE3072: FfdheGroup = FfdheGroup::new(NamedGroup::FFDHE3072, 3072, 275, FFDHE3072_P);
/// ffdhe4096 (RFC 7919 appendix A.3; 325-bit exponents).
pub static FFDHE4096: FfdheGroup = FfdheGroup::new(NamedGroup::FFDHE4096, 4096, 325, FFDHE4096_P);
/// ffdhe6144 (RFC 7919 appendix A.4; 375-bit exponents).
pub static FFDHE6144: FfdheGroup = FfdheGroup::new(NamedGroup::FFDHE6144, 6144, 375, FFDHE6144_P);
/// ffdhe8192 (RFC 7919 appendix A.5; 400-bit exponents).
pub static FFDHE8192: FfdheGroup = FfdheGroup::new(NamedGroup::FFDHE8192, 8192, 400, FFDHE8192_P);

/// ffdhe2048: the prime p of RFC 7919 appendix A.1, big-endian hex.
const FFDHE2048_P: &str = "\
    FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695\
    A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A\
    D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935\
    984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A\
    BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4\
    AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61\
    9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005\
    C58EF1837D1683B2C6F34A26C1B2EFFA886B423861285C97FFFFFFFFFFFFFFFF";

/// ffdhe3072: the prime p of RFC 7919 appendix A.2, big-endian hex.
const FFDHE3072_P: &str = "\
    FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695\
    A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A\
    D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935\
    984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A\
    BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4\
    AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61\
    9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005\
    C58EF1837D1683B2C6F34A26C1B2EFFA886B4238611FCFDCDE355B3B6519035B\
    BC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE598CB0FAC186D91C\
    AEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF\
    5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E\
    0ABCD06BFA53DDEF3C1B20EE3FD59D7C25E41D2B66C62E37FFFFFFFFFFFFFFFF";

/// ffdhe4096: the prime p of RFC 7919 appendix A.3, big-endian hex.
const FFDHE4096_P: &str = "\
    FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695\
    A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A\
    D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935\
    984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A\
    BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4\
    AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61\
    9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005\
    C58EF1837D1683B2C6F34A26C1B2EFFA886B4238611FCFDCDE355B3B6519035B\
    BC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE598CB0FAC186D91C\
    AEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF\
    5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E\
    0ABCD06BFA53DDEF3C1B20EE3FD59D7C25E41D2B669E1EF16E6F52C3164DF4FB\
    7930E9E4E58857B6AC7D5F42D69F6D187763CF1D5503400487F55BA57E31CC7A\
    7135C886EFB4318AED6A1E012D9E6832A907600A918130C46DC778F971AD0038\
    092999A333CB8B7A1A1DB93D7140003C2A4ECEA9F98D0ACC0A8291CDCEC97DCF\
    8EC9B55A7F88A46B4DB5A851F44182E1C68A007E5E655F6AFFFFFFFFFFFFFFFF";

/// ffdhe6144: the prime p of RFC 7919 appendix A.4, big-endian hex.
const FFDHE6144_P: &str = "\
    FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695\
    A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A\
    D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935\
    984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A\
    BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4\
    AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61\
    9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005\
    C58EF1837D1683B2C6F34A26C1B2EFFA886B4238611FCFDCDE355B3B6519035B\
    BC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE598CB0FAC186D91C\
    AEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF\
    5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E\
    0ABCD06BFA53DDEF3C1B20EE3FD59D7C25E41D2B669E1EF16E6F52C3164DF4FB\
    7930E9E4E58857B6AC7D5F42D69F6D187763CF1D5503400487F55BA57E31CC7A\
    7135C886EFB4318AED6A1E012D9E6832A907600A918130C46DC778F971AD0038\
    092999A333CB8B7A1A1DB93D7140003C2A4ECEA9F98D0ACC0A8291CDCEC97DCF\
    8EC9B55A7F88A46B4DB5A851F44182E1C68A007E5E0DD9020BFD64B645036C7A\
    4E677D2C38532A3A23BA4442CAF53EA63BB454329B7624C8917BDD64B1C0FD4C\
    B38E8C334C701C3ACDAD0657FCCFEC719B1F5C3E4E46041F388147FB4CFDB477\
    A52471F7A9A96910B855322EDB6340D8A00EF092350511E30ABEC1FFF9E3A26E\
    7FB29F8C183023C3587E38DA0077D9B4763E4E4B94B2BBC194C6651E77CAF992\
    EEAAC0232A281BF6B3A739C1226116820AE8DB5847A67CBEF9C9091B462D538C\
    D72B03746AE77F5E62292C311562A846505DC82DB854338AE49F5235C95B9117\
    8CCF2DD5CACEF403EC9D1810C6272B045B3B71F9DC6B80D63FDD4A8E9ADB1E69\
    62A69526D43161C1A41D570D7938DAD4A40E329CD0E40E65FFFFFFFFFFFFFFFF";

/// ffdhe8192: the prime p of RFC 7919 appendix A.5, big-endian hex.
const FFDHE8192_P: &str = "\
    FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695\
    A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A\
    D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935\
    984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A\
    BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4\
    AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61\
    9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005\
    C58EF1837D1683B2C6F34A26C1B2EFFA886B4238611FCFDCDE355B3B6519035B\
    BC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE598CB0FAC186D91C\
    AEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF\
    5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E\
    0ABCD06BFA53DDEF3C1B20EE3FD59D7C25E41D2B669E1EF16E6F52C3164DF4FB\
    7930E9E4E58857B6AC7D5F42D69F6D187763CF1D5503400487F55BA57E31CC7A\
    7135C886EFB4318AED6A1E012D9E6832A907600A918130C46DC778F971AD0038\
    092999A333CB8B7A1A1DB93D7140003C2A4ECEA9F98D0ACC0A8291CDCEC97DCF\
    8EC9B55A7F88A46B4DB5A851F44182E1C68A007E5E0DD9020BFD64B645036C7A\
    4E677D2C38532A3A23BA4442CAF53EA63BB454329B7624C8917BDD64B1C0FD4C\
    B38E8C334C701C3ACDAD0657FCCFEC719B1F5C3E4E46041F388147FB4CFDB477\
    A52471F7A9A96910B855322EDB6340D8A00EF092350511E30ABEC1FFF9E3A26E\
    7FB29F8C183023C3587E38DA0077D9B4763E4E4B94B2BBC194C6651E77CAF992\
    EEAAC0232A281BF6B3A739C1226116820AE8DB5847A67CBEF9C9091B462D538C\
    D72B03746AE77F5E62292C311562A846505DC82DB854338AE49F5235C95B9117\
    8CCF2DD5CACEF403EC9D1810C6272B045B3B71F9DC6B80D63FDD4A8E9ADB1E69\
    62A69526D43161C1A41D570D7938DAD4A40E329CCFF46AAA36AD004CF600C838\
    1E425A31D951AE64FDB23FCEC9509D43687FEB69EDD1CC5E0B8CC3BDF64B10EF\
    86B63142A3AB8829555B2F747C932665CB2C0F1CC01BD70229388839D2AF05E4\
    54504AC78B7582822846C0BA35C35F5C59160CC046FD8251541FC68C9C86B022\
    BB7099876A460E7451A8A93109703FEE1C217E6C3826E52C51AA691E0E423CFC\
    99E9E31650C1217B624816CDAD9A95F9D5B8019488D9C0A0A1FE3075A577E231\
    83F81D4A3F2FA4571EFC8CE0BA8A4FE8B6855DFE72B0A66EDED2FBABFBE58A30\
    FAFABE1C5D71A87E2F741EF8C1FE86FEA6BBFDE530677F0D97D11D49F7A8443D\
    0822E506A9F4614E011E2A94838FF88CD68C8BB7C5C6424CFFFFFFFFFFFFFFFF";

#[cfg(test)]
mod tests {
    use super::*;

    const GROUPS: [&FfdheGroup; 5] = [&FFDHE2048, &FFDHE3072, &FFDHE4096, &FFDHE6144, &FFDHE8192];

    /// floor(2^k * e) as big-endian bytes of `len` bytes, computed as
    /// sum over n of floor(2^(k+64) / n!) with 64 guard bits.
    fn floor_e_times_2_pow(k: usize, len: usize) -> Vec<u8> {
        let guard = 64;
        let limbs = (k + guard) / 64 + 2;
        // Little-endian u64 limbs.
        let mut term = vec![0u64; limbs];
        term[(k + guard) / 64] = 1u64 << ((k + guard) % 64);
        let mut sum = vec![0u64; limbs];
        let mut n = 0u64;
        while term.iter().any(|&l| l != 0) {
            let mut carry = 0u128;
            for (s, t) in sum.iter_mut().zip(&term) {
                let v = u128::from(*s) + u128::from(*t) + carry;
                *s = v as u64;
                carry = v >> 64;
            }
            n += 1;
            let mut rem = 0u128;
            for t in term.iter_mut().rev() {
                let cur = (rem << 64) | u128::from(*t);
                *t = (cur / u128::from(n)) as u64;
                rem = cur % u128::from(n);
            }
        }
        // Drop the guard bits (a whole limb) and emit big-endian.
        let be: Vec<u8> = sum[1..]
            .iter()
            .rev()
            .flat_map(|l| l.to_be_bytes())
            .collect();
        be[be.len() - len..].to_vec()
    }

    #[test]
    fn primes_follow_the_rfc7919_formula() {
        // RFC 7919 appendix A: p = 2^b - 2^{b-64} + {[2^{b-130} e] + X} * 2^64 - 1,
        // with X = 560316, 2625351, 5736041, 15705020, 10965728.
        // So p is 64 one bits, then [2^{b-130} e] + X - 1 in b-128 bits, then 64 one bits.
        let xs = [560316u64, 2625351, 5736041, 15705020, 10965728];
        for (g, x) in GROUPS.into_iter().zip(xs) {
            let b = g.bits as usize;
            let p = g.prime_bytes().unwrap();
            assert_eq!(p.len() * 8, b, "{:?}", g.name());
            assert_eq!(&p[..8], &[0xff; 8]);
            assert_eq!(&p[p.len() - 8..], &[0xff; 8]);
            let mut middle = floor_e_times_2_pow(b - 130, (b - 128) / 8);
            // middle += X - 1 (big-endian add of a small number).
            let mut carry = u128::from(x - 1);
            for byte in middle.iter_mut().rev() {
                let v = u128::from(*byte) + (carry & 0xff);
                *byte = v as u8;
                carry = (carry >> 8) + (v >> 8);
            }
            assert_eq!(carry, 0);
            assert_eq!(&p[8..p.len() - 8], middle.as_slice(), "{:?}", g.name());
        }
    }

    #[test]
    fn two_generates_the_prime_order_subgroup() {
        // RFC 7919 appendix A: g = 2 generates the subgroup of order q = (p-1)/2,
        // so 2^q = 1 mod p (this also fails for almost any mistyped p). A
        // full-size exponent takes 0.7 s (6144) and 1.7 s (8192) in a debug
        // build, so those two rely on `primes_follow_the_rfc7919_formula`.
        for g in &GROUPS[..3] {
            let prep = g.prepared().unwrap();
            let q = prep.p_minus_1.shr_vartime(1).unwrap();
            let two = BoxedUint::from_be_slice(&[2], g.bits).unwrap();
            let r = BoxedMontyForm::new_with_arc(two, prep.params.clone())
                .pow(&q)
                .retrieve();
            assert_eq!(r, BoxedUint::one_with_precision(g.bits), "{:?}", g.name());
        }
    }

    #[test]
    fn exchange_agrees_for_every_group() {
        for g in GROUPS {
            let (a, a_pub) = g.generate().unwrap();
            let (b, b_pub) = g.generate().unwrap();
            assert_eq!(a_pub.len(), g.byte_len());
            assert_ne!(a_pub, b_pub);
            let s1 = g.agree(&a, &b_pub).unwrap();
            let s2 = g.agree(&b, &a_pub).unwrap();
            assert_eq!(s1.as_bytes(), s2.as_bytes(), "{:?}", g.name());
            assert_eq!(s1.as_bytes().len(), g.byte_len());
        }
    }

    #[test]
    fn known_exponent_gives_known_power() {
        // 2^5 = 32: the exponent bound (225 bits) only fixes the timing, so
        // a small exponent with zero high bits still computes exactly.
        let g = &FFDHE2048;
        let x = BoxedUint::from_be_slice(&[5], 225).unwrap();
        let y = g.public_for(&x).unwrap();
        let mut want = vec![0u8; 256];
        want[255] = 32;
        assert_eq!(y, want);
    }

    #[test]
    fn peer_values_outside_1_to_p_minus_1_are_rejected() {
        let g = &FFDHE2048;
        let (a, _) = g.generate().unwrap();
        let p = g.prime_bytes().unwrap();
        let mut p_minus_1 = p.clone();
        *p_minus_1.last_mut().unwrap() -= 1;
        let mut p_minus_2 = p.clone();
        *p_minus_2.last_mut().unwrap() -= 2;
        let mut one = vec![0u8; 256];
        one[255] = 1;
        let mut two = vec![0u8; 256];
        two[255] = 2;
        for bad in [vec![0u8; 256], one, p_minus_1, p.clone(), vec![0xff; 256]] {
            assert_eq!(g.agree(&a, &bad).err(), Some(CryptoError::InvalidPeerShare));
        }
        // The boundaries just inside are accepted.
        assert!(g.agree(&a, &two).is_ok());
        assert!(g.agree(&a, &p_minus_2).is_ok());
        // RFC 8446 §4.2.8.1: shares are exactly the size of p.
        assert_eq!(
            g.agree(&a, &two[1..]).err(),
            Some(CryptoError::InvalidPeerShare)
        );
        let mut long = vec![0u8];
        long.extend_from_slice(&two);
        assert_eq!(
            g.agree(&a, &long).err(),
            Some(CryptoError::InvalidPeerShare)
        );
    }

    #[test]
    fn left_pad_pads_and_trims() {
        assert_eq!(left_pad(&[1, 2], 4).unwrap(), vec![0, 0, 1, 2]);
        assert_eq!(left_pad(&[0, 0, 1, 2], 2).unwrap(), vec![1, 2]);
        assert_eq!(left_pad(&[9, 0, 1, 2], 2), Err(CryptoError::Failed));
    }
}
