//! A minimal, bounds-checked DER reader (definite lengths only, as DER
//! requires), enough to walk certificates without a full ASN.1 library.

/// A DER tag byte (single-byte tags only; certificates use no others).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag(pub u8);

impl Tag {
    /// INTEGER.
    pub const INTEGER: Tag = Tag(0x02);
    /// BIT STRING.
    pub const BIT_STRING: Tag = Tag(0x03);
    /// OCTET STRING.
    pub const OCTET_STRING: Tag = Tag(0x04);
    /// NULL.
    pub const NULL: Tag = Tag(0x05);
    /// OBJECT IDENTIFIER.
    pub const OID: Tag = Tag(0x06);
    /// SEQUENCE.
    pub const SEQUENCE: Tag = Tag(0x30);
    /// SET.
    pub const SET: Tag = Tag(0x31);

    /// A context-specific constructed tag `[n]` (n < 31).
    pub const fn context_constructed(n: u8) -> Tag {
        Tag(0xa0 | (n & 0x1f))
    }
}

/// Why DER could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerError {
    /// Input ended early.
    Truncated,
    /// A different tag was found.
    UnexpectedTag,
    /// A length is not in minimal definite form, or is too large.
    BadLength,
    /// Bytes remain after the outermost value.
    TrailingData,
}

/// A cursor over DER bytes.
#[derive(Debug, Clone)]
pub struct DerReader<'a> {
    buf: &'a [u8],
}

impl<'a> DerReader<'a> {
    /// Reads `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf }
    }

    /// True when nothing remains.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The next tag, if any.
    pub fn peek_tag(&self) -> Option<Tag> {
        self.buf.first().copied().map(Tag)
    }

    /// Reads one TLV, returning (tag, whole TLV bytes, value bytes).
    pub fn any(&mut self) -> Result<(Tag, &'a [u8], &'a [u8]), DerError> {
        let (&tag, rest) = self.buf.split_first().ok_or(DerError::Truncated)?;
        if tag & 0x1f == 0x1f {
            // Multi-byte tags do not occur in the structures we walk.
            return Err(DerError::UnexpectedTag);
        }
        let (&first, mut rest) = rest.split_first().ok_or(DerError::Truncated)?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return Err(DerError::BadLength);
            }
            let (bytes, r) = rest.split_at_checked(n).ok_or(DerError::Truncated)?;
            rest = r;
            let mut v: usize = 0;
            for b in bytes {
                v = v
                    .checked_mul(256)
                    .ok_or(DerError::BadLength)?
                    .checked_add(usize::from(*b))
                    .ok_or(DerError::BadLength)?;
            }
            // DER: the long form only for lengths >= 128, with no leading zero byte.
            if v < 0x80 || bytes.first() == Some(&0) {
                return Err(DerError::BadLength);
            }
            v
        };
        let header = self.buf.len().saturating_sub(rest.len());
        let (value, after) = rest.split_at_checked(len).ok_or(DerError::Truncated)?;
        let whole = self
            .buf
            .get(..header.saturating_add(len))
            .ok_or(DerError::Truncated)?;
        self.buf = after;
        Ok((Tag(tag), whole, value))
    }

    /// Reads a TLV with `tag` and returns its value bytes.
    pub fn value(&mut self, tag: Tag) -> Result<&'a [u8], DerError> {
        let mut probe = self.clone();
        let (t, _, v) = probe.any()?;
        if t != tag {
            return Err(DerError::UnexpectedTag);
        }
        *self = probe;
        Ok(v)
    }

    /// Reads a TLV with `tag` and returns all of its bytes (tag and length included).
    pub fn raw(&mut self, tag: Tag) -> Result<&'a [u8], DerError> {
        let mut probe = self.clone();
        let (t, whole, _) = probe.any()?;
        if t != tag {
            return Err(DerError::UnexpectedTag);
        }
        *self = probe;
        Ok(whole)
    }

    /// A reader over the value of the next TLV, which must have `tag`.
    pub fn nested(&mut self, tag: Tag) -> Result<DerReader<'a>, DerError> {
        self.value(tag).map(DerReader::new)
    }

    /// Skips the next TLV when it has `tag`.
    pub fn skip_optional(&mut self, tag: Tag) -> Result<(), DerError> {
        if self.peek_tag() == Some(tag) {
            self.any()?;
        }
        Ok(())
    }

    /// Fails unless everything was read.
    pub fn finish(&self) -> Result<(), DerError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(DerError::TrailingData)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        let mut r = DerReader::new(&[0x30, 0x03, 0x02, 0x01, 0x05]);
        let mut s = r.nested(Tag::SEQUENCE).unwrap();
        assert_eq!(s.value(Tag::INTEGER).unwrap(), &[5]);
        assert!(r.finish().is_ok());
        // Non-minimal long form is rejected.
        assert_eq!(
            DerReader::new(&[0x04, 0x81, 0x01, 0x00]).any().unwrap_err(),
            DerError::BadLength
        );
        assert_eq!(
            DerReader::new(&[0x04, 0x05, 0x00]).any().unwrap_err(),
            DerError::Truncated
        );
        assert_eq!(
            DerReader::new(&[0x04, 0x85, 1, 1, 1, 1, 1])
                .any()
                .unwrap_err(),
            DerError::BadLength
        );
    }
}
