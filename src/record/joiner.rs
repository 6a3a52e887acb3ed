//! Handshake message reassembly (RFC 8446 §5.1): handshake messages may be
//! coalesced into one record or fragmented across several; the joiner turns
//! the handshake records' plaintexts back into whole messages.
//!
//! Messages that lie wholly inside a record are returned as slices of that
//! record (no copy). Only a message that spans records is copied, piece by
//! piece, into the joiner's buffer. The joiner also issues the
//! [`AlignedProof`] that a read-key change requires.

use super::copy_append;
use crate::codec::enums::HandshakeType;
use crate::error::{Error, InvalidMessage, PeerMisbehaved};
use alloc::vec::Vec;

/// Length of a handshake message header: msg_type (1) and length (3).
pub const HANDSHAKE_HEADER_LEN: usize = 4;

/// A buffer that grew past this is released once empty, so one large
/// certificate message does not pin memory for the connection's lifetime.
const KEEP_CAPACITY: usize = 1 << 16;

/// Proof that no handshake message is partly received: the current record
/// ended on a message boundary and nothing is buffered.
///
/// Only [`HandshakeJoiner::aligned`] and [`JoinedMessages::aligned`] make
/// one, and [`super::RecordOpener::new`] requires one, so "read keys changed
/// in the middle of a handshake message" cannot be written (RFC 8446 §5.1:
/// handshake messages MUST NOT span key changes). It is deliberately not
/// `Clone`: obtain a fresh one right before each key change.
#[must_use]
#[derive(Debug)]
pub struct AlignedProof {
    _private: (),
}

/// One complete handshake message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandshakeMessage<'m> {
    /// The msg_type byte (possibly a type we do not know; the state machine decides).
    pub typ: HandshakeType,
    /// The whole encoded message, 4-byte header included, as the
    /// transcript hash needs it.
    pub encoded: &'m [u8],
}

impl<'m> HandshakeMessage<'m> {
    /// The message body, after the 4-byte header.
    pub fn body(&self) -> &'m [u8] {
        self.encoded.get(HANDSHAKE_HEADER_LEN..).unwrap_or_default()
    }
}

/// Reassembles handshake messages across records.
#[derive(Debug)]
pub struct HandshakeJoiner {
    /// Bytes of messages not complete yet, starting at a message boundary.
    buf: Vec<u8>,
    max_message_len: usize,
}

impl HandshakeJoiner {
    /// A joiner accepting message bodies (the 24-bit length field) of at
    /// most `max_message_len` bytes. Larger messages fail with
    /// [`InvalidMessage::HandshakeMessageTooLarge`] as soon as their header
    /// is seen, before anything is buffered for them.
    pub fn new(max_message_len: usize) -> Self {
        Self {
            buf: Vec::new(),
            max_message_len,
        }
    }

    /// Starts on the plaintext of one handshake record. Take the messages
    /// out with [`JoinedMessages::next_message`]; whatever is not taken
    /// (a trailing partial message, or messages left when the value is
    /// dropped early) is kept for the next record.
    pub fn push<'j, 'r>(&'j mut self, record: &'r [u8]) -> JoinedMessages<'j, 'r> {
        JoinedMessages {
            joiner: self,
            rest: record,
            yielded_from_buf: 0,
        }
    }

    /// True when no partial message is buffered.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Gives the buffer's memory back when no partial message is held
    /// (an idle connection after the handshake keeps none).
    pub fn release(&mut self) {
        if self.buf.is_empty() {
            self.buf = Vec::new();
        }
    }

    /// Bytes of partial messages buffered.
    pub fn buffered_len(&self) -> usize {
        self.buf.len()
    }

    /// The proof that a read-key change may happen now, or `None` while a
    /// partial message is buffered.
    pub fn aligned(&self) -> Option<AlignedProof> {
        self.is_empty().then_some(AlignedProof { _private: () })
    }

    /// Like [`HandshakeJoiner::aligned`], failing with
    /// [`PeerMisbehaved::KeyChangeNotAligned`]. Also the check to make when
    /// a record of another content type arrives: RFC 8446 §5.1 forbids
    /// interleaving other records with the pieces of a handshake message.
    pub fn expect_aligned(&self) -> Result<AlignedProof, Error> {
        self.aligned()
            .ok_or(Error::PeerMisbehaved(PeerMisbehaved::KeyChangeNotAligned))
    }

    /// The full length (header included) of the message whose header starts
    /// `bytes`, or `None` when fewer than 4 bytes are there.
    fn message_len(&self, bytes: &[u8]) -> Result<Option<usize>, Error> {
        let Some(&[_, a, b, c]) = bytes.get(..HANDSHAKE_HEADER_LEN) else {
            return Ok(None);
        };
        let body = usize::try_from(u32::from_be_bytes([0, a, b, c]))
            .map_err(|_| InvalidMessage::HandshakeMessageTooLarge)?;
        if body > self.max_message_len {
            return Err(InvalidMessage::HandshakeMessageTooLarge.into());
        }
        Ok(Some(HANDSHAKE_HEADER_LEN + body))
    }

    fn release_if_empty(&mut self) {
        if self.buf.is_empty() && self.buf.capacity() > KEEP_CAPACITY {
            self.buf = Vec::new();
        }
    }
}

/// The messages of one handshake record, taken out one at a time with
/// [`JoinedMessages::next_message`]. Each message borrows this value, so
/// finish with one message before asking for the next.
#[derive(Debug)]
pub struct JoinedMessages<'j, 'r> {
    joiner: &'j mut HandshakeJoiner,
    /// The part of the record not yet consumed.
    rest: &'r [u8],
    /// Length of the message last returned from the joiner's buffer, to be
    /// removed from it before anything else happens.
    yielded_from_buf: usize,
}

impl JoinedMessages<'_, '_> {
    /// The next complete message, or `Ok(None)` when the record is used up
    /// (a trailing partial message is then buffered in the joiner). A
    /// message over the size limit fails with
    /// [`InvalidMessage::HandshakeMessageTooLarge`]; the connection must fail.
    pub fn next_message(&mut self) -> Result<Option<HandshakeMessage<'_>>, Error> {
        self.drop_yielded();
        if self.joiner.buf.is_empty() {
            return self.next_from_record();
        }
        // A message is partly buffered: complete its header, then its body,
        // with as few bytes of the record as it needs.
        if self.joiner.buf.len() < HANDSHAKE_HEADER_LEN {
            let need = HANDSHAKE_HEADER_LEN - self.joiner.buf.len();
            self.top_up(need);
        }
        let total = match self.joiner.message_len(&self.joiner.buf) {
            Ok(Some(total)) => total,
            Ok(None) => return Ok(None),
            Err(e) => return Err(self.fail(e)),
        };
        if self.joiner.buf.len() < total {
            let need = total - self.joiner.buf.len();
            self.top_up(need);
        }
        let Some(encoded) = self.joiner.buf.get(..total) else {
            return Ok(None);
        };
        self.yielded_from_buf = total;
        Ok(Some(message(encoded)))
    }

    /// The proof that a read-key change may happen now: this record has no
    /// bytes left and nothing is buffered. A record that goes on after a
    /// message preceding a key change (ServerHello, Finished, KeyUpdate...)
    /// yields `None`.
    pub fn aligned(&self) -> Option<AlignedProof> {
        (self.rest.is_empty() && self.joiner.buf.len() == self.yielded_from_buf)
            .then_some(AlignedProof { _private: () })
    }

    /// Like [`JoinedMessages::aligned`], failing with
    /// [`PeerMisbehaved::KeyChangeNotAligned`].
    pub fn expect_aligned(&self) -> Result<AlignedProof, Error> {
        self.aligned()
            .ok_or(Error::PeerMisbehaved(PeerMisbehaved::KeyChangeNotAligned))
    }

    /// Bytes of the record not yet consumed.
    pub fn remaining_in_record(&self) -> usize {
        self.rest.len()
    }

    /// A message parsed straight from the record (nothing buffered).
    fn next_from_record(&mut self) -> Result<Option<HandshakeMessage<'_>>, Error> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let total = match self.joiner.message_len(self.rest) {
            Ok(total) => total,
            Err(e) => return Err(self.fail(e)),
        };
        if let Some((encoded, after)) = total.and_then(|t| self.rest.split_at_checked(t)) {
            self.rest = after;
            return Ok(Some(message(encoded)));
        }
        // The message continues in a later record: keep what we have.
        if let Some(total) = total {
            self.joiner.buf.reserve(total);
        }
        copy_append(&mut self.joiner.buf, self.rest);
        self.rest = &[];
        Ok(None)
    }

    /// Moves up to `need` bytes from the record into the buffer.
    fn top_up(&mut self, need: usize) {
        let (take, after) = self.rest.split_at_checked(need).unwrap_or((self.rest, &[]));
        copy_append(&mut self.joiner.buf, take);
        self.rest = after;
    }

    /// Removes the message returned last time from the buffer.
    fn drop_yielded(&mut self) {
        let n = core::mem::take(&mut self.yielded_from_buf);
        if n == 0 {
            return;
        }
        if n >= self.joiner.buf.len() {
            self.joiner.buf.clear();
        } else {
            self.joiner.buf.drain(..n);
        }
        self.joiner.release_if_empty();
    }

    /// Stops consuming the record after a fatal error.
    fn fail(&mut self, e: Error) -> Error {
        self.rest = &[];
        e
    }
}

impl Drop for JoinedMessages<'_, '_> {
    fn drop(&mut self) {
        self.drop_yielded();
        // Messages the caller did not take are not lost: they are buffered
        // and come out of the next push first.
        if !self.rest.is_empty() {
            copy_append(&mut self.joiner.buf, self.rest);
        }
    }
}

fn message(encoded: &[u8]) -> HandshakeMessage<'_> {
    HandshakeMessage {
        typ: HandshakeType(encoded.first().copied().unwrap_or_default()),
        encoded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    fn hs(typ: u8, body: &[u8]) -> Vec<u8> {
        let len = u32::try_from(body.len()).unwrap().to_be_bytes();
        let mut m = vec![typ, len[1], len[2], len[3]];
        m.extend_from_slice(body);
        m
    }

    /// Pushes each record and collects the messages, as owned bytes.
    fn feed(j: &mut HandshakeJoiner, records: &[&[u8]]) -> Result<Vec<Vec<u8>>, Error> {
        let mut out = Vec::new();
        for r in records {
            let mut msgs = j.push(r);
            while let Some(m) = msgs.next_message()? {
                assert_eq!(m.typ.0, m.encoded[0]);
                assert_eq!(m.body(), &m.encoded[4..]);
                out.push(m.encoded.to_vec());
            }
        }
        Ok(out)
    }

    #[test]
    fn several_messages_in_one_record_are_not_copied() {
        let a = hs(2, b"server hello");
        let b = hs(8, b"");
        let c = hs(11, &[5; 40]);
        let record: Vec<u8> = [a.clone(), b.clone(), c.clone()].concat();
        let mut j = HandshakeJoiner::new(1000);
        let mut msgs = j.push(&record);
        let m = msgs.next_message().unwrap().unwrap();
        assert_eq!((m.typ, m.encoded), (HandshakeType::SERVER_HELLO, &a[..]));
        // Whole messages are views of the record itself.
        assert!(core::ptr::eq(m.encoded.as_ptr(), record.as_ptr()));
        assert!(msgs.aligned().is_none(), "bytes remain in the record");
        let m = msgs.next_message().unwrap().unwrap();
        assert_eq!(
            (m.typ, m.body()),
            (HandshakeType::ENCRYPTED_EXTENSIONS, &[][..])
        );
        assert!(core::ptr::eq(
            m.encoded.as_ptr(),
            record[a.len()..].as_ptr()
        ));
        let m = msgs.next_message().unwrap().unwrap();
        assert_eq!(m.encoded, &c[..]);
        assert!(msgs.aligned().is_some());
        assert_eq!(msgs.next_message(), Ok(None));
        drop(msgs);
        assert!(j.is_empty());
        assert_eq!(j.buffered_len(), 0);
    }

    /// Three messages, the stream cut into two or three records at every
    /// pair of byte boundaries: the same messages come out in order.
    #[test]
    fn messages_split_across_records_at_every_boundary() {
        let msgs = [hs(1, &[0xab; 9]), hs(20, &[]), hs(4, &[1, 2, 3, 4, 5])];
        let stream: Vec<u8> = msgs.concat();
        for i in 0..=stream.len() {
            for k in i..=stream.len() {
                let mut j = HandshakeJoiner::new(64);
                let records: Vec<&[u8]> = vec![&stream[..i], &stream[i..k], &stream[k..]];
                let got = feed(&mut j, &records).unwrap();
                assert_eq!(got, msgs.to_vec(), "cuts at {i}, {k}");
                assert!(j.is_empty(), "cuts at {i}, {k}");
                assert!(j.aligned().is_some());
            }
        }
    }

    #[test]
    fn message_spanning_many_records_byte_by_byte() {
        let m = hs(11, &(0..=255u8).collect::<Vec<_>>());
        let mut j = HandshakeJoiner::new(256);
        for (i, b) in m.iter().enumerate() {
            let got = feed(&mut j, &[core::slice::from_ref(b)]).unwrap();
            if i + 1 < m.len() {
                assert!(got.is_empty());
                assert_eq!(j.buffered_len(), i + 1);
                assert!(j.aligned().is_none());
            } else {
                assert_eq!(got, vec![m.clone()]);
            }
        }
        assert!(j.is_empty());
    }

    #[test]
    fn alignment_proof_refused_with_partial_message() {
        let m = hs(2, &[7; 10]);
        let mut j = HandshakeJoiner::new(100);
        {
            let mut msgs = j.push(&m[..6]);
            assert_eq!(msgs.next_message(), Ok(None));
            assert!(msgs.aligned().is_none());
            assert_eq!(
                msgs.expect_aligned().unwrap_err(),
                Error::PeerMisbehaved(PeerMisbehaved::KeyChangeNotAligned)
            );
        }
        assert!(!j.is_empty());
        assert!(j.aligned().is_none());
        assert_eq!(
            j.expect_aligned().unwrap_err(),
            Error::PeerMisbehaved(PeerMisbehaved::KeyChangeNotAligned)
        );
        // Only a header's worth buffered is still partial.
        let mut j2 = HandshakeJoiner::new(100);
        assert!(feed(&mut j2, &[&m[..2]]).unwrap().is_empty());
        assert!(j2.aligned().is_none());
        // Completing the message restores alignment.
        assert_eq!(feed(&mut j, &[&m[6..]]).unwrap(), vec![m.clone()]);
        assert!(j.aligned().is_some());
        assert!(j.expect_aligned().is_ok());
    }

    #[test]
    fn completed_buffered_message_followed_by_more_in_record() {
        let a = hs(2, &[1; 10]);
        let b = hs(8, &[2; 3]);
        let mut j = HandshakeJoiner::new(100);
        assert!(feed(&mut j, &[&a[..5]]).unwrap().is_empty());
        let second: Vec<u8> = [&a[5..], &b[..]].concat();
        let mut msgs = j.push(&second);
        let m = msgs.next_message().unwrap().unwrap();
        assert_eq!(m.encoded, &a[..]);
        assert!(msgs.aligned().is_none(), "b is still in the record");
        let m = msgs.next_message().unwrap().unwrap();
        assert_eq!(m.encoded, &b[..]);
        // Only the missing part of `a` was copied: `b` is read in place.
        assert!(core::ptr::eq(
            m.encoded.as_ptr(),
            second[a.len() - 5..].as_ptr()
        ));
        assert!(msgs.aligned().is_some());
        assert_eq!(msgs.next_message(), Ok(None));
    }

    #[test]
    fn proof_after_buffered_message_ends_the_record() {
        let a = hs(20, &[3; 32]);
        let mut j = HandshakeJoiner::new(100);
        assert!(feed(&mut j, &[&a[..1]]).unwrap().is_empty());
        let mut msgs = j.push(&a[1..]);
        let m = msgs.next_message().unwrap().unwrap();
        assert_eq!(m.typ, HandshakeType::FINISHED);
        // The Finished came from the buffer and the record is used up.
        assert!(msgs.aligned().is_some());
    }

    #[test]
    fn oversize_message_rejected_from_its_header() {
        let mut j = HandshakeJoiner::new(16);
        assert_eq!(feed(&mut j, &[&hs(1, &[0; 16])]).unwrap().len(), 1);
        // Header says 17 bytes: rejected before any body arrives.
        let big = hs(1, &[0; 17]);
        assert_eq!(
            feed(&mut j, &[&big[..4]]),
            Err(InvalidMessage::HandshakeMessageTooLarge.into())
        );
        // Also when the header itself is split.
        let mut j = HandshakeJoiner::new(16);
        assert!(feed(&mut j, &[&big[..3]]).unwrap().is_empty());
        assert_eq!(
            feed(&mut j, &[&big[3..]]),
            Err(InvalidMessage::HandshakeMessageTooLarge.into())
        );
        // And a 2^24-1 length against a large limit never allocates it.
        let mut j = HandshakeJoiner::new(1 << 20);
        assert_eq!(
            feed(&mut j, &[&[11, 0xff, 0xff, 0xff, 0]]),
            Err(InvalidMessage::HandshakeMessageTooLarge.into())
        );
        assert!(j.buffered_len() <= 5);
    }

    #[test]
    fn dropping_early_keeps_untaken_messages() {
        let a = hs(2, &[1; 3]);
        let b = hs(8, &[2; 2]);
        let record: Vec<u8> = [a.clone(), b.clone()].concat();
        let mut j = HandshakeJoiner::new(100);
        {
            let mut msgs = j.push(&record);
            assert_eq!(msgs.next_message().unwrap().unwrap().encoded, &a[..]);
        }
        assert_eq!(j.buffered_len(), b.len());
        assert_eq!(feed(&mut j, &[&[]]).unwrap(), vec![b]);
        assert!(j.is_empty());
    }

    #[test]
    fn empty_record_yields_nothing() {
        let mut j = HandshakeJoiner::new(10);
        assert!(feed(&mut j, &[&[]]).unwrap().is_empty());
        assert!(j.aligned().is_some());
    }

    #[test]
    fn large_buffer_released_after_use() {
        let m = hs(11, &vec![9; 100_000]);
        let mut j = HandshakeJoiner::new(200_000);
        let got = feed(&mut j, &[&m[..50_000], &m[50_000..]]).unwrap();
        assert_eq!(got, vec![m]);
        // The message is dropped from the buffer on the next call / drop.
        assert!(j.is_empty());
        assert_eq!(j.buf.capacity(), 0);
    }
}
