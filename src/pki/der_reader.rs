//! Just enough DER reading for the builder to use certificates and keys it
//! is handed: split TLVs, find an issuer's subject Name and
//! subjectKeyIdentifier, unwrap a PKCS#8. Not a validating X.509 parser;
//! that lives in `x509/`.

use super::PkiError;
use crate::codec::Reader;

/// Splits the first TLV off `input`: `(tag, content, rest)`. Single-byte
/// tags and definite lengths of up to four octets only.
pub(crate) fn read_tlv(input: &[u8]) -> Result<(u8, &[u8], &[u8]), PkiError> {
    let bad = PkiError::MalformedDer;
    let mut r = Reader::new(input);
    let tag = r.u8("tag").map_err(|_| bad)?;
    if tag & 0x1f == 0x1f {
        return Err(bad);
    }
    let first = r.u8("length").map_err(|_| bad)?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        // 0x80 is the BER indefinite form; over four octets is absurd here.
        if count == 0 || count > 4 {
            return Err(bad);
        }
        let bytes = r.take(count).ok_or(bad)?;
        bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    let content = r.take(len).ok_or(bad)?;
    Ok((tag, content, r.rest()))
}

/// The raw TLV of the first element of `input` and the rest.
pub(crate) fn split_tlv(input: &[u8]) -> Result<(u8, &[u8], &[u8]), PkiError> {
    let (tag, _, rest) = read_tlv(input)?;
    let whole_len = input.len().saturating_sub(rest.len());
    let whole = input.get(..whole_len).ok_or(PkiError::MalformedDer)?;
    Ok((tag, whole, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlvs() {
        assert_eq!(
            read_tlv(&[0x04, 0x01, 0xaa, 0xbb]).unwrap(),
            (0x04, &[0xaa][..], &[0xbb][..])
        );
        let mut long = alloc::vec![0x04, 0x81, 0x80];
        long.extend_from_slice(&[1; 0x80]);
        assert_eq!(read_tlv(&long).unwrap().1.len(), 0x80);
        assert_eq!(read_tlv(&[0x04, 0x02, 0xaa]), Err(PkiError::MalformedDer));
        assert_eq!(
            read_tlv(&[0x30, 0x80, 0x00, 0x00]),
            Err(PkiError::MalformedDer)
        );
        assert_eq!(read_tlv(&[0x1f, 0x01, 0x00]), Err(PkiError::MalformedDer));
        assert_eq!(
            read_tlv(&[0x30, 0x85, 0, 0, 0, 0, 1]),
            Err(PkiError::MalformedDer)
        );
        assert_eq!(read_tlv(&[]), Err(PkiError::MalformedDer));
        assert_eq!(
            split_tlv(&[0x02, 0x01, 0x05, 0x05, 0x00]).unwrap(),
            (0x02, &[0x02, 0x01, 0x05][..], &[0x05, 0x00][..])
        );
    }
}
