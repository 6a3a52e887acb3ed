//! PEM (RFC 7468) encoding and strict decoding of certificates, keys and CRLs.
//!
//! This module owns the textual envelope only: the base64 codec, the
//! `-----BEGIN label-----` / `-----END label-----` boundaries and the limits
//! on what a PEM file may hold. What the DER inside means is for the callers
//! (the credential loader, the X.509 parser, the test PKI).
//!
//! Decoding is strict on purpose: a credential file that does not decode
//! cleanly is a configuration mistake the user should hear about, not
//! something to guess around. Text *between* blocks is ignored, as RFC 7468 §2
//! requires ("explanatory text" such as `openssl x509 -text` output), but
//! inside a block every line must be base64, the END label must match the
//! BEGIN label, padding must be canonical and sizes are capped.
//!
//! Private keys travel through here, so the base64 symbol mapping is done with
//! arithmetic instead of table look-ups indexed by secret bytes, the decoded
//! bytes are allocated once at their final size and handed back in
//! [`Zeroizing`] buffers, and a failed decode wipes what it had written.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use zeroize::{Zeroize, Zeroizing};

/// The largest input [`decode_all`] accepts, in bytes. A system CA bundle is
/// a few hundred KiB; 16 MiB leaves room while bounding the work.
pub const MAX_INPUT_LEN: usize = 16 << 20;

/// The largest DER body one PEM block may decode to. The largest certificates
/// we expect (ML-DSA-87 chains with many SANs) stay far below this.
pub const MAX_BLOCK_LEN: usize = 1 << 20;

/// Characters per base64 line in [`encode`] output (RFC 7468 §2: 64).
const LINE_LEN: usize = 64;

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";

/// What is wrong with a PEM input.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PemErrorKind {
    /// The input is larger than [`MAX_INPUT_LEN`].
    InputTooLarge,
    /// A block decodes to more than [`MAX_BLOCK_LEN`] bytes.
    BlockTooLarge,
    /// A line starting with five dashes is not a well-formed BEGIN or END line.
    InvalidBoundary,
    /// A label is empty or contains characters RFC 7468 §3 does not allow.
    InvalidLabel,
    /// The END label differs from the BEGIN label.
    LabelMismatch,
    /// An END line appears outside any block.
    UnexpectedEnd,
    /// The input ends inside a block.
    MissingEnd,
    /// The block carries RFC 1421 headers (`Proc-Type:`, `DEK-Info:`), as
    /// legacy encrypted keys do; they are not supported.
    HeadersNotSupported,
    /// A character that is not base64 or whitespace, misplaced or missing
    /// padding, or non-zero bits after the last byte.
    InvalidBase64,
    /// The block holds no data.
    EmptyBlock,
}

/// A PEM decoding failure and the 1-based line it was found on (0 for
/// failures that concern the whole input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PemError {
    /// What is wrong.
    pub kind: PemErrorKind,
    /// The line where it was detected.
    pub line: usize,
}

impl fmt::Display for PemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            PemErrorKind::InputTooLarge => "PEM input too large",
            PemErrorKind::BlockTooLarge => "PEM block too large",
            PemErrorKind::InvalidBoundary => "malformed PEM BEGIN/END line",
            PemErrorKind::InvalidLabel => "invalid PEM label",
            PemErrorKind::LabelMismatch => "PEM END label does not match BEGIN label",
            PemErrorKind::UnexpectedEnd => "PEM END line without BEGIN",
            PemErrorKind::MissingEnd => "PEM block without END line",
            PemErrorKind::HeadersNotSupported => {
                "PEM headers (legacy encrypted keys) are not supported"
            }
            PemErrorKind::InvalidBase64 => "invalid base64 in PEM block",
            PemErrorKind::EmptyBlock => "empty PEM block",
        };
        write!(f, "{what} (line {})", self.line)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for PemError {}

/// Encodes `der` as one PEM block with `label` (for example `CERTIFICATE`,
/// `PRIVATE KEY`), 64 base64 characters per line and `\n` line ends.
///
/// The label is written as given; callers pass one of the fixed RFC 7468
/// labels. The output is allocated once at its final size so that a private
/// key leaves no partial copies in freed memory; wrap it in [`Zeroizing`]
/// when it holds a secret.
pub fn encode(label: &str, der: &[u8]) -> String {
    let b64_len = der.len().div_ceil(3).saturating_mul(4);
    let lines = b64_len.div_ceil(LINE_LEN);
    let frame = BEGIN
        .len()
        .saturating_add(END.len())
        .saturating_add(DASHES.len().saturating_mul(2))
        .saturating_add(label.len().saturating_mul(2))
        .saturating_add(2);
    let mut out = String::with_capacity(frame.saturating_add(b64_len).saturating_add(lines));
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    let mut col = 0usize;
    for chunk in der.chunks(3) {
        let (b0, b1, b2) = match chunk {
            [a] => (*a, 0, 0),
            [a, b] => (*a, *b, 0),
            [a, b, c, ..] => (*a, *b, *c),
            [] => continue,
        };
        let syms = [
            b0 >> 2,
            ((b0 & 0x03) << 4) | (b1 >> 4),
            ((b1 & 0x0f) << 2) | (b2 >> 6),
            b2 & 0x3f,
        ];
        // One input byte yields two symbols, two yield three (RFC 4648 §4).
        let keep = chunk.len().saturating_add(1);
        for (i, s) in syms.iter().enumerate() {
            out.push(if i < keep {
                char::from(encode_symbol(*s))
            } else {
                '='
            });
        }
        col = col.saturating_add(4);
        if col == LINE_LEN {
            out.push('\n');
            col = 0;
        }
    }
    if col != 0 {
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// Decodes every PEM block in `text`, in order, as `(label, der)` pairs.
///
/// Text outside blocks is ignored (RFC 7468 §2). An input without any block
/// gives an empty vector; the caller decides whether that is an error.
///
/// # Errors
/// A [`PemError`] naming the first problem found; see [`PemErrorKind`].
#[allow(clippy::type_complexity)]
pub fn decode_all<T: AsRef<[u8]> + ?Sized>(
    text: &T,
) -> Result<Vec<(String, Zeroizing<Vec<u8>>)>, PemError> {
    let text = text.as_ref();
    if text.len() > MAX_INPUT_LEN {
        return Err(PemError {
            kind: PemErrorKind::InputTooLarge,
            line: 0,
        });
    }
    let mut blocks = Vec::new();
    // (label, line of BEGIN, body lines so far)
    let mut open: Option<(&[u8], usize, Vec<&[u8]>)> = None;
    for (idx, raw_line) in text.split(|b| *b == b'\n').enumerate() {
        let line_no = idx.saturating_add(1);
        let err = |kind| PemError {
            kind,
            line: line_no,
        };
        let line = trim_ascii_ws(raw_line);
        match open.take() {
            None => {
                if line.starts_with(BEGIN) {
                    let label = boundary_label(line, BEGIN).map_err(err)?;
                    open = Some((label, line_no, Vec::new()));
                } else if line.starts_with(END) {
                    return Err(err(PemErrorKind::UnexpectedEnd));
                } else if line.starts_with(DASHES) && line.windows(5).any(|w| w == b"BEGIN") {
                    // "-----BEGIN" glued to its label, or similar near misses:
                    // silently skipping them would lose a credential.
                    return Err(err(PemErrorKind::InvalidBoundary));
                }
            }
            Some((label, begin_line, mut body)) => {
                if line.starts_with(END) {
                    let end_label = boundary_label(line, END).map_err(err)?;
                    if end_label != label {
                        return Err(err(PemErrorKind::LabelMismatch));
                    }
                    let der = decode_body(&body).map_err(|kind| PemError {
                        kind,
                        line: begin_line,
                    })?;
                    let label =
                        core::str::from_utf8(label).map_err(|_| err(PemErrorKind::InvalidLabel))?;
                    blocks.push((String::from(label), der));
                } else if line.starts_with(DASHES) {
                    // A BEGIN inside a block or any other dashed line.
                    return Err(err(PemErrorKind::InvalidBoundary));
                } else if line.contains(&b':') {
                    return Err(err(PemErrorKind::HeadersNotSupported));
                } else {
                    body.push(line);
                    open = Some((label, begin_line, body));
                }
            }
        }
    }
    match open {
        Some((_, begin_line, _)) => Err(PemError {
            kind: PemErrorKind::MissingEnd,
            line: begin_line,
        }),
        None => Ok(blocks),
    }
}

/// Extracts and checks the label of a BEGIN or END line.
fn boundary_label<'a>(line: &'a [u8], prefix: &[u8]) -> Result<&'a [u8], PemErrorKind> {
    let rest = line
        .strip_prefix(prefix)
        .ok_or(PemErrorKind::InvalidBoundary)?;
    let label = rest
        .strip_suffix(DASHES)
        .ok_or(PemErrorKind::InvalidBoundary)?;
    if is_valid_label(label) {
        Ok(label)
    } else {
        Err(PemErrorKind::InvalidLabel)
    }
}

/// RFC 7468 §3: `label = [ labelchar *( ["-" / SP] labelchar ) ]` with
/// `labelchar` any printable ASCII but `-`. We also refuse the empty label:
/// no credential uses it.
fn is_valid_label(label: &[u8]) -> bool {
    let is_labelchar = |b: u8| (0x21..=0x7e).contains(&b) && b != b'-';
    let (Some(first), Some(last)) = (label.first(), label.last()) else {
        return false;
    };
    if !is_labelchar(*first) || !is_labelchar(*last) {
        return false;
    }
    // Separators are single and always between two labelchars.
    let mut prev_sep = false;
    for &b in label {
        if b == b' ' || b == b'-' {
            if prev_sep {
                return false;
            }
            prev_sep = true;
        } else if is_labelchar(b) {
            prev_sep = false;
        } else {
            return false;
        }
    }
    true
}

fn trim_ascii_ws(line: &[u8]) -> &[u8] {
    let is_ws = |b: &u8| matches!(*b, b' ' | b'\t' | b'\r');
    let start = line.iter().position(|b| !is_ws(b)).unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|b| !is_ws(b))
        .map_or(start, |p| p.saturating_add(1));
    line.get(start..end).unwrap_or(&[])
}

/// Decodes the base64 lines of one block (already trimmed; inner spaces and
/// tabs are allowed, as RFC 7468's lax grammar does).
fn decode_body(lines: &[&[u8]]) -> Result<Zeroizing<Vec<u8>>, PemErrorKind> {
    let is_ws = |b: u8| matches!(b, b' ' | b'\t');
    let symbols = lines
        .iter()
        .flat_map(|l| l.iter())
        .filter(|b| !is_ws(**b))
        .count();
    if symbols == 0 {
        return Err(PemErrorKind::EmptyBlock);
    }
    // RFC 7468 §3 requires padded base64, so the symbols come in quads.
    if symbols % 4 != 0 {
        return Err(PemErrorKind::InvalidBase64);
    }
    let max_len = (symbols / 4).saturating_mul(3);
    if max_len > MAX_BLOCK_LEN.saturating_add(2) {
        return Err(PemErrorKind::BlockTooLarge);
    }
    let mut out = Zeroizing::new(Vec::with_capacity(max_len));
    let result = decode_symbols(
        lines
            .iter()
            .flat_map(|l| l.iter())
            .copied()
            .filter(|b| !is_ws(*b)),
        &mut out,
    );
    match result {
        Ok(()) if out.len() > MAX_BLOCK_LEN => Err(PemErrorKind::BlockTooLarge),
        Ok(()) => Ok(out),
        Err(e) => {
            out.zeroize();
            Err(e)
        }
    }
}

/// Decodes a padded base64 symbol stream whose length is a multiple of four.
fn decode_symbols(
    mut syms: impl Iterator<Item = u8>,
    out: &mut Vec<u8>,
) -> Result<(), PemErrorKind> {
    let mut finished = false;
    loop {
        let (Some(a), Some(b), Some(c), Some(d)) =
            (syms.next(), syms.next(), syms.next(), syms.next())
        else {
            return Ok(());
        };
        // Padding may only close the last quad.
        if finished {
            return Err(PemErrorKind::InvalidBase64);
        }
        let va = decode_symbol(a);
        let vb = decode_symbol(b);
        let (vc, vd, keep) = match (c, d) {
            (b'=', b'=') => (0, 0, 1),
            (_, b'=') => (decode_symbol(c), 0, 2),
            _ => (decode_symbol(c), decode_symbol(d), 3),
        };
        if (va | vb | vc | vd) < 0 {
            return Err(PemErrorKind::InvalidBase64);
        }
        let n = (va << 18) | (vb << 12) | (vc << 6) | vd;
        let [_, _, _, _, _, b0, b1, b2] = n.to_be_bytes();
        match keep {
            1 => {
                // RFC 4648 §3.5: the bits after the last byte must be zero;
                // accepting others would give one DER several PEM spellings.
                if b1 != 0 || b2 != 0 {
                    return Err(PemErrorKind::InvalidBase64);
                }
                out.push(b0);
                finished = true;
            }
            2 => {
                if b2 != 0 {
                    return Err(PemErrorKind::InvalidBase64);
                }
                out.extend_from_slice(&[b0, b1]);
                finished = true;
            }
            _ => out.extend_from_slice(&[b0, b1, b2]),
        }
    }
}

/// Maps one base64 character to its 6-bit value, or a negative number when
/// it is not in the RFC 4648 alphabet (including `=`). Branch-free, so the
/// time taken does not depend on the (possibly secret) character.
fn decode_symbol(c: u8) -> i64 {
    let c = i64::from(c);
    // `in_range` is all ones when lo <= c <= hi, zero otherwise.
    let in_range = |lo: i64, hi: i64| ((lo - 1 - c) & (c - hi - 1)) >> 63;
    let mut v = -1;
    v += in_range(0x41, 0x5a) & (c - 0x41 + 1); // A-Z: 0..=25
    v += in_range(0x61, 0x7a) & (c - 0x61 + 26 + 1); // a-z: 26..=51
    v += in_range(0x30, 0x39) & (c - 0x30 + 52 + 1); // 0-9: 52..=61
    v += in_range(0x2b, 0x2b) & (62 + 1); // +
    v += in_range(0x2f, 0x2f) & (63 + 1); // /
    v
}

/// Maps a 6-bit value to its base64 character, branch-free.
fn encode_symbol(v: u8) -> u8 {
    let v = i16::from(v & 0x3f);
    // `at_least` is all ones when v >= n.
    let at_least = |n: i16| (n - 1 - v) >> 15;
    let mut c = v + 0x41; // A-Z
    c += at_least(26) & (0x61 - 0x41 - 26); // a-z
    c += at_least(52) & (0x30 - 0x61 - 26); // 0-9 (relative to a-z)
    c += at_least(62) & (0x2b - 0x30 - 10); // +
    c += at_least(63) & (0x2f - 0x2b - 1); // /
    let [_, lo] = c.to_be_bytes();
    lo
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;
    use alloc::vec;

    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    fn kind(text: &str) -> PemErrorKind {
        decode_all(text).unwrap_err().kind
    }

    #[test]
    fn symbol_maps_are_the_rfc4648_alphabet() {
        for v in 0..64u8 {
            assert_eq!(encode_symbol(v), ALPHABET[usize::from(v)]);
        }
        for c in 0..=255u8 {
            let expect = ALPHABET
                .iter()
                .position(|a| *a == c)
                .map_or(-1, |p| i64::try_from(p).unwrap());
            assert_eq!(decode_symbol(c), expect, "char {c:#x}");
        }
    }

    #[test]
    fn rfc4648_test_vectors() {
        // RFC 4648 §10.
        let vectors = [
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, b64) in vectors {
            let pem = encode("X", plain.as_bytes());
            assert_eq!(pem, format!("-----BEGIN X-----\n{b64}\n-----END X-----\n"));
            let got = decode_all(&pem).unwrap();
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].0, "X");
            assert_eq!(got[0].1.as_slice(), plain.as_bytes());
        }
    }

    #[test]
    fn encode_wraps_at_64_and_round_trips_all_lengths() {
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        for len in [0usize, 1, 2, 3, 47, 48, 49, 96, 1000] {
            let pem = encode("CERTIFICATE", &data[..len]);
            for line in pem.lines() {
                assert!(line.len() <= 64, "{line}");
            }
            if len == 0 {
                assert_eq!(
                    pem,
                    "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"
                );
                assert_eq!(kind(&pem), PemErrorKind::EmptyBlock);
                continue;
            }
            let got = decode_all(&pem).unwrap();
            assert_eq!(got[0].1.as_slice(), &data[..len]);
        }
        // 48 bytes are exactly one full line.
        let pem = encode("A", &data[..48]);
        assert_eq!(pem.lines().count(), 3);
    }

    #[test]
    fn several_blocks_with_explanatory_text_and_crlf() {
        let text = "Certificate:\r\n    Data: stuff -- here\r\n\
                    -----BEGIN CERTIFICATE-----\r\nZm9v\r\n-----END CERTIFICATE-----\r\n\
                    junk between\n  -----BEGIN PRIVATE KEY-----  \n Zm9v YmFy\t\n\n-----END PRIVATE KEY-----";
        let got = decode_all(text).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, "CERTIFICATE");
        assert_eq!(got[0].1.as_slice(), b"foo");
        assert_eq!(got[1].0, "PRIVATE KEY");
        assert_eq!(got[1].1.as_slice(), b"foobar");
        assert_eq!(decode_all("no pem here\n").unwrap().len(), 0);
        assert_eq!(decode_all("").unwrap().len(), 0);
    }

    #[test]
    fn labels() {
        for ok in ["X509 CRL", "ENCRYPTED PRIVATE KEY", "A-B", "x"] {
            let pem = encode(ok, b"a");
            assert_eq!(decode_all(&pem).unwrap()[0].0, ok);
        }
        for bad in ["", "A  B", "A--B", " A", "A ", "-A", "A-", "A\u{e9}"] {
            let pem = format!("-----BEGIN {bad}-----\nYQ==\n-----END {bad}-----\n");
            let err = decode_all(&pem).unwrap_err();
            assert_eq!(
                err,
                PemError {
                    kind: PemErrorKind::InvalidLabel,
                    line: 1
                },
                "{bad:?}"
            );
        }
    }

    #[test]
    fn malformed_inputs() {
        use PemErrorKind::*;
        let cases: &[(&str, PemErrorKind, usize)] = &[
            (
                "-----BEGIN A-----\nYQ==\n-----END B-----\n",
                LabelMismatch,
                3,
            ),
            ("-----BEGIN A-----\nYQ==\n", MissingEnd, 1),
            ("text\n-----BEGIN A-----\n", MissingEnd, 2),
            ("-----END A-----\n", UnexpectedEnd, 1),
            ("-----BEGIN A\nYQ==\n-----END A-----\n", InvalidBoundary, 1),
            (
                "-----BEGINA-----\nYQ==\n-----END A-----\n",
                InvalidBoundary,
                1,
            ),
            (
                "-----BEGIN A-----\nYQ==\n-----END A----\n",
                InvalidBoundary,
                3,
            ),
            (
                "-----BEGIN A-----\n-----BEGIN A-----\nYQ==\n-----END A-----\n",
                InvalidBoundary,
                2,
            ),
            (
                "-----BEGIN A-----\nYQ=\n-----END A-----\n",
                InvalidBase64,
                1,
            ),
            ("-----BEGIN A-----\nYQ\n-----END A-----\n", InvalidBase64, 1),
            (
                "-----BEGIN A-----\nY===\n-----END A-----\n",
                InvalidBase64,
                1,
            ),
            (
                "-----BEGIN A-----\n=YQ=\n-----END A-----\n",
                InvalidBase64,
                1,
            ),
            (
                "-----BEGIN A-----\nYQ==Zm9v\n-----END A-----\n",
                InvalidBase64,
                1,
            ),
            (
                "-----BEGIN A-----\nYQ==\nZm9v\n-----END A-----\n",
                InvalidBase64,
                1,
            ),
            (
                "-----BEGIN A-----\nZm9*\n-----END A-----\n",
                InvalidBase64,
                1,
            ),
            (
                "-----BEGIN A-----\nZm9v.\n-----END A-----\n",
                InvalidBase64,
                1,
            ),
            (
                "-----BEGIN A-----\nZm\u{0}v\n-----END A-----\n",
                InvalidBase64,
                1,
            ),
            // Non-zero bits after the last byte: "YR==" and "Zm9=" are non-canonical.
            (
                "-----BEGIN A-----\nYR==\n-----END A-----\n",
                InvalidBase64,
                1,
            ),
            (
                "-----BEGIN A-----\nZm9=\n-----END A-----\n",
                InvalidBase64,
                1,
            ),
            ("-----BEGIN A-----\n\n  \n-----END A-----\n", EmptyBlock, 1),
            (
                "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nYQ==\n-----END RSA PRIVATE KEY-----\n",
                HeadersNotSupported,
                2,
            ),
            // An error in a later block is reported even after a good one.
            (
                "-----BEGIN A-----\nYQ==\n-----END A-----\n-----BEGIN B-----\nY!==\n-----END B-----\n",
                InvalidBase64,
                4,
            ),
        ];
        for (text, want, line) in cases {
            let err = decode_all(*text).unwrap_err();
            assert_eq!(
                err,
                PemError {
                    kind: *want,
                    line: *line
                },
                "{text:?}"
            );
        }
    }

    #[test]
    fn size_limits() {
        let big = vec![b'A'; MAX_INPUT_LEN + 1];
        assert_eq!(
            decode_all(&big).unwrap_err(),
            PemError {
                kind: PemErrorKind::InputTooLarge,
                line: 0
            }
        );
        // Exactly MAX_BLOCK_LEN decodes; one more byte does not.
        let ok = vec![0u8; MAX_BLOCK_LEN];
        assert_eq!(
            decode_all(&encode("A", &ok)).unwrap()[0].1.len(),
            MAX_BLOCK_LEN
        );
        let over = vec![0u8; MAX_BLOCK_LEN + 1];
        assert_eq!(kind(&encode("A", &over)), PemErrorKind::BlockTooLarge);
    }

    #[test]
    fn display_names_line() {
        let err = decode_all("-----END A-----").unwrap_err();
        assert_eq!(err.to_string(), "PEM END line without BEGIN (line 1)");
    }
}
