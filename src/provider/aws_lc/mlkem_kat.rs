//! Deterministic ML-KEM (FIPS 203) on RustCrypto `ml-kem`, for known-answer
//! tests (`qtls kat` ops mlkem_keygen / mlkem_encaps / mlkem_decaps) and
//! cross-checks of aws-lc-rs, which offers no seeded key generation or
//! deterministic encapsulation. Never used for live handshakes.
//!
//! Keys are generated from the 64-byte seed d || z (FIPS 203 §7.1,
//! ML-KEM.KeyGen_internal(d, z)); encapsulation takes the 32-byte m of
//! ML-KEM.Encaps_internal (§7.2). Decapsulation keys come back in the
//! expanded FIPS 203 encoding (dk_PKE || ek || H(ek) || z).

use crate::error::CryptoError;
use crate::provider::SharedSecret;
use alloc::vec::Vec;
#[allow(deprecated)]
use ml_kem::ExpandedKeyEncoding;
use ml_kem::{B32, Decapsulate, DecapsulationKey, EncapsulationKey, KeyExport, Seed, TryKeyInit};
use ml_kem::{MlKem768, MlKem1024};
use zeroize::Zeroizing;

/// The ML-KEM parameter sets qtls negotiates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MlKemLevel {
    /// ML-KEM-768.
    MlKem768,
    /// ML-KEM-1024.
    MlKem1024,
}

impl MlKemLevel {
    /// Encapsulation key size in bytes.
    pub const fn ek_len(self) -> usize {
        match self {
            MlKemLevel::MlKem768 => 1184,
            MlKemLevel::MlKem1024 => 1568,
        }
    }
    /// Expanded decapsulation key size in bytes.
    pub const fn dk_len(self) -> usize {
        match self {
            MlKemLevel::MlKem768 => 2400,
            MlKemLevel::MlKem1024 => 3168,
        }
    }
    /// Ciphertext size in bytes.
    pub const fn ct_len(self) -> usize {
        match self {
            MlKemLevel::MlKem768 => 1088,
            MlKemLevel::MlKem1024 => 1568,
        }
    }
}

/// The per-parameter-set bodies: `ml-kem`'s parameter traits are partly
/// private, so the two sets are spelt out by a macro rather than generics.
macro_rules! level_fns {
    ($p:ty, $rank:expr, $keygen:ident, $encaps:ident, $decaps_seed:ident, $decaps_dk:ident) => {
        fn $keygen(seed: &[u8; 64]) -> (Vec<u8>, Zeroizing<Vec<u8>>) {
            let dk = DecapsulationKey::<$p>::from_seed(Seed::from(*seed));
            let ek = dk.encapsulation_key().to_bytes().to_vec();
            #[allow(deprecated)]
            let expanded = Zeroizing::new(dk.to_expanded_bytes().to_vec());
            (ek, expanded)
        }

        fn $encaps(ek: &[u8], m: &[u8; 32]) -> Result<(Vec<u8>, SharedSecret), CryptoError> {
            if !super::kx::mlkem_ek_modulus_ok(ek, $rank) {
                return Err(CryptoError::InvalidPeerShare);
            }
            let key = EncapsulationKey::<$p>::new_from_slice(ek)
                .map_err(|_| CryptoError::InvalidPeerShare)?;
            let (ct, ss) = key.encapsulate_deterministic(&B32::from(*m));
            Ok((ct.to_vec(), SharedSecret::new(ss.to_vec())))
        }

        fn $decaps_seed(seed: &[u8; 64], ct: &[u8]) -> Result<SharedSecret, CryptoError> {
            let dk = DecapsulationKey::<$p>::from_seed(Seed::from(*seed));
            let ss = dk
                .decapsulate_slice(ct)
                .map_err(|_| CryptoError::InvalidPeerShare)?;
            Ok(SharedSecret::new(ss.to_vec()))
        }

        fn $decaps_dk(dk: &[u8], ct: &[u8]) -> Result<SharedSecret, CryptoError> {
            let expanded = dk.try_into().map_err(|_| CryptoError::InvalidKey)?;
            #[allow(deprecated)]
            let dk = DecapsulationKey::<$p>::from_expanded_bytes(expanded)
                .map_err(|_| CryptoError::InvalidKey)?;
            let ss = dk
                .decapsulate_slice(ct)
                .map_err(|_| CryptoError::InvalidPeerShare)?;
            Ok(SharedSecret::new(ss.to_vec()))
        }
    };
}

level_fns!(
    MlKem768,
    3,
    keygen_768,
    encaps_768,
    decaps_seed_768,
    decaps_dk_768
);
level_fns!(
    MlKem1024,
    4,
    keygen_1024,
    encaps_1024,
    decaps_seed_1024,
    decaps_dk_1024
);

/// ML-KEM.KeyGen_internal(d, z) with `seed` = d || z: returns the
/// encapsulation key and the expanded decapsulation key.
pub fn keygen(level: MlKemLevel, seed: &[u8; 64]) -> (Vec<u8>, Zeroizing<Vec<u8>>) {
    match level {
        MlKemLevel::MlKem768 => keygen_768(seed),
        MlKemLevel::MlKem1024 => keygen_1024(seed),
    }
}

/// ML-KEM.Encaps_internal(ek, m): returns the ciphertext and the shared
/// secret. A key of the wrong size or failing the FIPS 203 §7.2 modulus
/// check is [`CryptoError::InvalidPeerShare`].
pub fn encapsulate(
    level: MlKemLevel,
    ek: &[u8],
    m: &[u8; 32],
) -> Result<(Vec<u8>, SharedSecret), CryptoError> {
    match level {
        MlKemLevel::MlKem768 => encaps_768(ek, m),
        MlKemLevel::MlKem1024 => encaps_1024(ek, m),
    }
}

/// Decapsulates `ct` with the key generated from `seed` (= d || z). A
/// ciphertext of the wrong size is [`CryptoError::InvalidPeerShare`]; a
/// wrong but well-sized one yields the implicit-rejection secret.
pub fn decapsulate_with_seed(
    level: MlKemLevel,
    seed: &[u8; 64],
    ct: &[u8],
) -> Result<SharedSecret, CryptoError> {
    match level {
        MlKemLevel::MlKem768 => decaps_seed_768(seed, ct),
        MlKemLevel::MlKem1024 => decaps_seed_1024(seed, ct),
    }
}

/// Decapsulates `ct` with an expanded decapsulation key (as NIST ACVP
/// vectors give it). A key of the wrong size or whose embedded H(ek) does
/// not match is [`CryptoError::InvalidKey`].
pub fn decapsulate_with_expanded_key(
    level: MlKemLevel,
    dk: &[u8],
    ct: &[u8],
) -> Result<SharedSecret, CryptoError> {
    match level {
        MlKemLevel::MlKem768 => decaps_dk_768(dk, ct),
        MlKemLevel::MlKem1024 => decaps_dk_1024(dk, ct),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::kem;

    const LEVELS: [MlKemLevel; 2] = [MlKemLevel::MlKem768, MlKemLevel::MlKem1024];

    fn lc_alg(level: MlKemLevel) -> &'static kem::Algorithm {
        match level {
            MlKemLevel::MlKem768 => &kem::ML_KEM_768,
            MlKemLevel::MlKem1024 => &kem::ML_KEM_1024,
        }
    }

    fn seed(tag: u8) -> [u8; 64] {
        core::array::from_fn(|i| (i as u8).wrapping_mul(7) ^ tag)
    }

    #[test]
    fn sizes_and_determinism() {
        for level in LEVELS {
            let (ek, dk) = keygen(level, &seed(1));
            assert_eq!(ek.len(), level.ek_len());
            assert_eq!(dk.len(), level.dk_len());
            // FIPS 203 §7.1: dk = dk_PKE || ek || H(ek) || z, so ek and z are visible in it.
            let ek_at = level.ek_len() - 32;
            assert_eq!(&dk[ek_at..ek_at + ek.len()], ek.as_slice());
            assert_eq!(&dk[dk.len() - 32..], &seed(1)[32..]);
            let (ek2, _) = keygen(level, &seed(1));
            assert_eq!(ek, ek2);
            let (ek3, _) = keygen(level, &seed(2));
            assert_ne!(ek, ek3);

            let m = [0x42u8; 32];
            let (ct, ss) = encapsulate(level, &ek, &m).unwrap();
            let (ct2, ss2) = encapsulate(level, &ek, &m).unwrap();
            assert_eq!(ct.len(), level.ct_len());
            assert_eq!((ct.clone(), ss.as_bytes()), (ct2, ss2.as_bytes()));
            let back = decapsulate_with_seed(level, &seed(1), &ct).unwrap();
            assert_eq!(back.as_bytes(), ss.as_bytes());
            let back = decapsulate_with_expanded_key(level, &dk, &ct).unwrap();
            assert_eq!(back.as_bytes(), ss.as_bytes());
            assert_eq!(
                decapsulate_with_seed(level, &seed(1), &ct[1..]).err(),
                Some(CryptoError::InvalidPeerShare)
            );
            assert_eq!(
                decapsulate_with_expanded_key(level, &dk[1..], &ct).err(),
                Some(CryptoError::InvalidKey)
            );
        }
    }

    #[test]
    fn rustcrypto_key_aws_lc_encapsulation() {
        // A RustCrypto key pair; aws-lc-rs encapsulates to its public key;
        // RustCrypto decapsulates to the same secret.
        for level in LEVELS {
            let (ek, _) = keygen(level, &seed(3));
            let lc_ek = kem::EncapsulationKey::new(lc_alg(level), &ek).unwrap();
            let (ct, ss) = lc_ek.encapsulate().unwrap();
            let back = decapsulate_with_seed(level, &seed(3), ct.as_ref()).unwrap();
            assert_eq!(back.as_bytes(), ss.as_ref(), "{level:?}");
        }
    }

    #[test]
    fn aws_lc_key_rustcrypto_encapsulation() {
        // An aws-lc-rs key pair; RustCrypto encapsulates deterministically
        // to its public key; aws-lc-rs decapsulates to the same secret.
        for level in LEVELS {
            let dk = kem::DecapsulationKey::generate(lc_alg(level)).unwrap();
            let ek = dk.encapsulation_key().unwrap().key_bytes().unwrap();
            let (ct, ss) = encapsulate(level, ek.as_ref(), &[7u8; 32]).unwrap();
            let back = dk
                .decapsulate(kem::Ciphertext::from(ct.as_slice()))
                .unwrap();
            assert_eq!(back.as_ref(), ss.as_bytes(), "{level:?}");
        }
    }

    #[test]
    fn bad_encapsulation_key_is_rejected() {
        for level in LEVELS {
            let (mut ek, _) = keygen(level, &seed(4));
            assert!(encapsulate(level, &ek[1..], &[0u8; 32]).is_err());
            // The first 12-bit coefficient becomes 0xfff >= q = 3329.
            ek[0] = 0xff;
            ek[1] |= 0x0f;
            assert_eq!(
                encapsulate(level, &ek, &[0u8; 32]).err(),
                Some(CryptoError::InvalidPeerShare)
            );
        }
    }
}
