//! The bounds-checked [`Reader`] every decoder uses, the [`Codec`] trait and
//! helpers for TLS's length-prefixed vectors.
//!
//! Nothing here can panic on any input: every read returns `Option` or an
//! [`InvalidMessage`] and sub-readers confine a decoder to its length prefix.

use crate::error::InvalidMessage;
use alloc::vec::Vec;

/// A cursor over untrusted bytes.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading `buf` from its first byte.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Takes the next `n` bytes, or `None` when fewer remain.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let out = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(out)
    }

    /// Takes `n` bytes or fails with `MissingData(what)`.
    pub fn take_or(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], InvalidMessage> {
        self.take(n).ok_or(InvalidMessage::MissingData(what))
    }

    /// Takes every remaining byte.
    pub fn rest(&mut self) -> &'a [u8] {
        let out = self.buf.get(self.pos..).unwrap_or(&[]);
        self.pos = self.buf.len();
        out
    }

    /// Reads one byte.
    pub fn u8(&mut self, what: &'static str) -> Result<u8, InvalidMessage> {
        match self.take_or(1, what)? {
            [b] => Ok(*b),
            _ => Err(InvalidMessage::MissingData(what)),
        }
    }

    /// Reads a big-endian u16.
    pub fn u16(&mut self, what: &'static str) -> Result<u16, InvalidMessage> {
        match self.take_or(2, what)? {
            [a, b] => Ok(u16::from_be_bytes([*a, *b])),
            _ => Err(InvalidMessage::MissingData(what)),
        }
    }

    /// Reads a big-endian 24-bit length.
    pub fn u24(&mut self, what: &'static str) -> Result<u32, InvalidMessage> {
        match self.take_or(3, what)? {
            [a, b, c] => Ok(u32::from_be_bytes([0, *a, *b, *c])),
            _ => Err(InvalidMessage::MissingData(what)),
        }
    }

    /// Reads a big-endian u32.
    pub fn u32(&mut self, what: &'static str) -> Result<u32, InvalidMessage> {
        match self.take_or(4, what)? {
            [a, b, c, d] => Ok(u32::from_be_bytes([*a, *b, *c, *d])),
            _ => Err(InvalidMessage::MissingData(what)),
        }
    }

    /// Reads a u8-length-prefixed vector and returns its body.
    pub fn vec8(&mut self, what: &'static str) -> Result<&'a [u8], InvalidMessage> {
        let n = self.u8(what)?;
        self.take_or(usize::from(n), what)
    }

    /// Reads a u16-length-prefixed vector and returns its body.
    pub fn vec16(&mut self, what: &'static str) -> Result<&'a [u8], InvalidMessage> {
        let n = self.u16(what)?;
        self.take_or(usize::from(n), what)
    }

    /// Reads a u24-length-prefixed vector and returns its body.
    pub fn vec24(&mut self, what: &'static str) -> Result<&'a [u8], InvalidMessage> {
        let n = self.u24(what)?;
        let n = usize::try_from(n).map_err(|_| InvalidMessage::InvalidLength(what))?;
        self.take_or(n, what)
    }

    /// A reader over a u8-length-prefixed vector.
    pub fn sub8(&mut self, what: &'static str) -> Result<Reader<'a>, InvalidMessage> {
        self.vec8(what).map(Reader::new)
    }

    /// A reader over a u16-length-prefixed vector.
    pub fn sub16(&mut self, what: &'static str) -> Result<Reader<'a>, InvalidMessage> {
        self.vec16(what).map(Reader::new)
    }

    /// A reader over a u24-length-prefixed vector.
    pub fn sub24(&mut self, what: &'static str) -> Result<Reader<'a>, InvalidMessage> {
        self.vec24(what).map(Reader::new)
    }

    /// True when every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    /// Bytes read so far.
    pub fn used(&self) -> usize {
        self.pos
    }

    /// Fails with `TrailingData(what)` unless every byte has been read.
    pub fn expect_empty(&self, what: &'static str) -> Result<(), InvalidMessage> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(InvalidMessage::TrailingData(what))
        }
    }
}

/// A type with one wire encoding.
pub trait Codec<'a>: Sized {
    /// Appends the encoding of `self` to `out`.
    fn encode(&self, out: &mut Vec<u8>);
    /// Reads one value from `r`, consuming exactly its encoding.
    fn read(r: &mut Reader<'a>) -> Result<Self, InvalidMessage>;

    /// Encodes into a fresh vector.
    fn get_encoding(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }

    /// Decodes `bytes`, which must hold exactly one value.
    fn read_bytes(bytes: &'a [u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(bytes);
        let v = Self::read(&mut r)?;
        r.expect_empty(core::any::type_name::<Self>())?;
        Ok(v)
    }
}

/// Width of a length prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthPrefix {
    /// One byte.
    U8,
    /// Two bytes.
    U16,
    /// Three bytes.
    U24,
}

impl LengthPrefix {
    fn width(self) -> usize {
        match self {
            LengthPrefix::U8 => 1,
            LengthPrefix::U16 => 2,
            LengthPrefix::U24 => 3,
        }
    }
}

/// Writes a length-prefixed vector: reserves the prefix, runs `body`, then
/// fills the prefix in. Encoders only produce lengths their own callers
/// bounded; a body too long for its prefix saturates the prefix, which the
/// peer then rejects, rather than panicking.
pub fn put_prefixed(out: &mut Vec<u8>, prefix: LengthPrefix, body: impl FnOnce(&mut Vec<u8>)) {
    let start = out.len();
    let w = prefix.width();
    out.resize(start.saturating_add(w), 0);
    body(out);
    let len = out.len().saturating_sub(start).saturating_sub(w);
    let be = u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes();
    let max = match prefix {
        LengthPrefix::U8 => 0xff,
        LengthPrefix::U16 => 0xffff,
        LengthPrefix::U24 => 0xff_ffff,
    };
    let be = if u32::try_from(len).unwrap_or(u32::MAX) > max {
        u32::MAX.to_be_bytes()
    } else {
        be
    };
    if let (Some(dst), Some(src)) = (out.get_mut(start..start.saturating_add(w)), be.get(4 - w..)) {
        dst.copy_from_slice(src);
    }
}

/// Appends a u16 big-endian.
pub fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Appends a u24 big-endian (the top byte of `v` is dropped; callers bound it).
pub fn put_u24(out: &mut Vec<u8>, v: u32) {
    let b = v.to_be_bytes();
    out.extend_from_slice(b.get(1..).unwrap_or(&[]));
}

/// Appends a u32 big-endian.
pub fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_bounds() {
        let mut r = Reader::new(&[0, 3, 1, 2, 3, 9]);
        let mut s = r.sub16("v").unwrap();
        assert_eq!(s.rest(), &[1, 2, 3]);
        assert_eq!(r.u8("x").unwrap(), 9);
        assert!(r.is_empty());
        assert_eq!(r.u8("y"), Err(InvalidMessage::MissingData("y")));
        let mut r = Reader::new(&[0, 5, 1]);
        assert_eq!(r.vec16("v"), Err(InvalidMessage::MissingData("v")));
        let mut r = Reader::new(&[1, 2, 3]);
        assert_eq!(r.u24("l").unwrap(), 0x010203);
        assert!(r.take(usize::MAX).is_none());
    }

    #[test]
    fn prefixed_roundtrip() {
        let mut out = Vec::new();
        put_prefixed(&mut out, LengthPrefix::U24, |o| {
            o.extend_from_slice(&[7; 300])
        });
        assert_eq!(&out[..3], &[0, 1, 44]);
        let mut r = Reader::new(&out);
        assert_eq!(r.vec24("x").unwrap().len(), 300);
        let mut out = Vec::new();
        put_prefixed(&mut out, LengthPrefix::U8, |o| {
            o.extend_from_slice(&[1; 256])
        });
        assert_eq!(out[0], 0xff, "overlong body saturates the prefix");
    }
}
