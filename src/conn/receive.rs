//! The receiving half of a connection: the input buffer the caller fills,
//! record deframing and in-place decryption, handshake reassembly, alerts
//! and the ChangeCipherSpec rule, and decrypted application data waiting to
//! be read.

use crate::codec::enums::{AlertDescription, AlertLevel, ContentType};
use crate::codec::handshake::HandshakeMessage;
use crate::codec::reader::{Codec, Reader};
use crate::error::{Error, InvalidMessage, PeerMisbehaved};
use crate::handshake::Message;
use crate::provider::AeadKey;
use crate::record::copy_blocks;
use crate::record::deframer::{HEADER_LEN, peek_record};
use crate::record::joiner::HandshakeJoiner;
use crate::record::protect::RecordOpener;
use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::ops::Range;

/// The largest protected record: header, 2^14 + 256 bytes (RFC 8446 §5.2).
const MAX_RECORD: usize = HEADER_LEN + (1 << 14) + 256;
/// The input buffer never grows beyond this: two full records and slack.
const MAX_BUFFER: usize = 2 * MAX_RECORD + 64;
/// Receive window offered beyond the buffered bytes when no record needs
/// more: handshake flights and small records fit, and a buffer grows to a
/// full record only once a record header asks for one (a handshake then
/// holds ~4 KiB per side instead of 16.6 KiB).
const MIN_WINDOW: usize = 4096;
/// Empty application-data records tolerated in a row.
const MAX_EMPTY_RECORDS: u32 = 32;
/// ChangeCipherSpec records tolerated during the handshake.
const MAX_CCS: u32 = 4;

/// What the receiver found next.
pub(crate) enum Received {
    /// A complete handshake message.
    Handshake(Message),
    /// Application data is ready in the receiver (see `take_app`).
    AppData,
    /// close_notify arrived.
    Closed,
    /// Nothing complete is buffered.
    None,
}

pub(crate) struct Receiver {
    buf: Vec<u8>,
    /// Start of unprocessed bytes.
    start: usize,
    /// End of received bytes.
    end: usize,
    /// Decrypted application data not yet read, inside `buf`.
    app: Range<usize>,
    opener: Option<RecordOpener>,
    joiner: HandshakeJoiner,
    /// Complete messages decoded from records but not yet handled.
    pending: VecDeque<Message>,
    empty_records: u32,
    ccs_seen: u32,
    /// Early data still to be skipped (a rejected 0-RTT attempt), in bytes.
    skip_early: Option<usize>,
    /// Accepted 0-RTT bytes still allowed (server, until EndOfEarlyData).
    early_budget: Option<usize>,
    handshake_done_ccs_forbidden: bool,
}

impl Receiver {
    pub(crate) fn new(max_handshake_message: usize) -> Self {
        Self {
            buf: Vec::new(),
            start: 0,
            end: 0,
            app: 0..0,
            opener: None,
            joiner: HandshakeJoiner::new(max_handshake_message),
            pending: VecDeque::new(),
            empty_records: 0,
            ccs_seen: 0,
            skip_early: None,
            early_budget: None,
            handshake_done_ccs_forbidden: false,
        }
    }

    /// Makes room at the end of the buffer. Unprocessed bytes move down
    /// but keep their offset modulo 64, so a later copy out of the buffer
    /// stays as aligned as the caller's reads made it (glibc's memcpy is
    /// ~30x slower between buffers misaligned modulo 64 on some CPUs).
    /// The room past `end` is the window, or
    /// `offered` bytes (up to one full record) when the caller already has
    /// them, so a record handed over whole is always taken whole.
    fn make_room(&mut self, offered: usize) {
        let window = self.window().max(offered.min(MAX_RECORD));
        let keep_from = if self.app.is_empty() {
            self.start
        } else {
            self.app.start.min(self.start)
        };
        if keep_from >= self.end {
            self.start = 0;
            self.end = 0;
            self.app = 0..0;
        } else if keep_from >= 64 && self.buf.len().saturating_sub(self.end) < window {
            let dst = keep_from % 64;
            let shift = keep_from - dst;
            self.buf.copy_within(keep_from..self.end, dst);
            self.start -= shift;
            self.end -= shift;
            self.app = if self.app.is_empty() {
                0..0
            } else {
                (self.app.start - shift)..(self.app.end - shift)
            };
        }
        let want = self.end.saturating_add(window).min(MAX_BUFFER);
        if self.buf.len() < want {
            // Exact: the buffer may come from the send half one record
            // smaller, and doubling it would hold two records' worth.
            self.buf.reserve_exact(want - self.buf.len());
            self.buf.resize(want, 0);
        }
    }

    /// Room wanted past `end`: [`MIN_WINDOW`], or the rest of the record
    /// whose header is already in when that is more.
    fn window(&self) -> usize {
        let avail = self.buf.get(self.start..self.end).unwrap_or(&[]);
        let record_rest = match avail.get(3..HEADER_LEN) {
            Some(&[hi, lo]) => HEADER_LEN
                .saturating_add(usize::from(u16::from_be_bytes([hi, lo])))
                .saturating_sub(avail.len()),
            _ => 0,
        };
        record_rest.max(MIN_WINDOW)
    }

    pub(crate) fn space(&mut self) -> &mut [u8] {
        self.make_room(0);
        self.buf.get_mut(self.end..).unwrap_or(&mut [])
    }

    pub(crate) fn commit(&mut self, n: usize) {
        self.end = self.end.saturating_add(n).min(self.buf.len());
    }

    pub(crate) fn push(&mut self, data: &[u8]) -> usize {
        self.make_room(data.len());
        let space = self.buf.get_mut(self.end..).unwrap_or(&mut []);
        let n = data.len().min(space.len());
        copy_blocks(space, data);
        self.commit(n);
        n
    }

    /// Installs new read protection. RFC 8446 §5.1: handshake messages must
    /// not span a key change, so neither a partial message nor a further
    /// message of the same record may be waiting.
    pub(crate) fn set_read_keys(
        &mut self,
        key: Box<dyn AeadKey>,
        iv: [u8; 12],
    ) -> Result<(), Error> {
        if !self.pending.is_empty() {
            return Err(PeerMisbehaved::KeyChangeNotAligned.into());
        }
        let proof = self
            .joiner
            .aligned()
            .ok_or(PeerMisbehaved::KeyChangeNotAligned)?;
        self.opener = Some(RecordOpener::new(key, iv, proof));
        self.skip_early = None;
        self.early_budget = None;
        Ok(())
    }

    /// Accepts up to `max` bytes of 0-RTT data under the keys just installed.
    pub(crate) fn accept_early_data(&mut self, max: usize) {
        self.early_budget = Some(max);
    }

    /// True while accepted 0-RTT data may arrive.
    pub(crate) fn early_open(&self) -> bool {
        self.early_budget.is_some()
    }

    /// Moves decrypted 0-RTT data to `out`. RFC 8446 §4.2.10: more than
    /// max_early_data_size is unexpected_message.
    pub(crate) fn take_early(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        let n = self.app.len();
        let left = self.early_budget.unwrap_or(0);
        if n > left {
            return Err(PeerMisbehaved::TooMuchEarlyData.into());
        }
        self.early_budget = Some(left - n);
        out.extend_from_slice(self.buf.get(self.app.clone()).unwrap_or(&[]));
        self.app = 0..0;
        Ok(())
    }

    pub(crate) fn skip_early_data(&mut self, budget: usize) {
        self.skip_early = Some(budget);
    }

    pub(crate) fn forbid_ccs(&mut self) {
        self.handshake_done_ccs_forbidden = true;
    }

    pub(crate) fn app_pending(&self) -> usize {
        self.app.len()
    }

    pub(crate) fn take_app(&mut self, out: &mut [u8]) -> usize {
        let n = out.len().min(self.app.len());
        let src = self.app.start..self.app.start.saturating_add(n);
        // The plaintext sits 5 bytes past a record start: copy in blocks so
        // a caller's 64-byte-aligned buffer does not hit the slow path.
        copy_blocks(out, self.buf.get(src).unwrap_or(&[]));
        self.app.start = self.app.start.saturating_add(n);
        n
    }

    /// All decrypted application data waiting, borrowed from the buffer
    /// where it was decrypted, and marked as read: the bytes stay valid
    /// until the receiver is next used mutably.
    pub(crate) fn take_app_view(&mut self) -> &[u8] {
        let end = self.app.end;
        let range = core::mem::replace(&mut self.app, end..end);
        self.buf.get(range).unwrap_or(&[])
    }

    /// The decrypted application data waiting, not marked as read.
    pub(crate) fn app_slice(&self) -> &[u8] {
        self.buf.get(self.app.clone()).unwrap_or(&[])
    }

    /// Marks `n` bytes of application data as read.
    pub(crate) fn consume_app(&mut self, n: usize) {
        self.app.start = self.app.start.saturating_add(n).min(self.app.end);
    }

    /// Whether no received byte is waiting: no partial record, no unread
    /// application data.
    pub(crate) fn is_idle(&self) -> bool {
        self.start >= self.end && self.app.is_empty()
    }

    /// The receive buffer's capacity.
    pub(crate) fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Exchanges the receive buffer with `other`; only when idle (nothing
    /// in it is needed).
    pub(crate) fn swap_buffer(&mut self, other: &mut Vec<u8>) {
        if self.is_idle() {
            core::mem::swap(&mut self.buf, other);
            self.start = 0;
            self.end = 0;
            self.app = 0..0;
        }
    }

    /// Gives the buffers' memory back when nothing is buffered (no
    /// partial record, no unread data, no partial handshake message); the
    /// next receive allocates again. Returns whether it did.
    pub(crate) fn release_if_idle(&mut self) -> bool {
        self.joiner.release();
        if self.pending.is_empty() {
            self.pending = VecDeque::new();
        }
        if self.start >= self.end && self.app.is_empty() {
            self.buf = Vec::new();
            self.start = 0;
            self.end = 0;
            self.app = 0..0;
            true
        } else {
            false
        }
    }

    /// Processes buffered records until something for the caller appears.
    pub(crate) fn next(&mut self, allow_app: bool) -> Result<Received, Error> {
        loop {
            if let Some(m) = self.pending.pop_front() {
                return Ok(Received::Handshake(m));
            }
            let avail = self.buf.get(self.start..self.end).unwrap_or(&[]);
            let Some(header) = peek_record(avail, self.opener.is_some())? else {
                return Ok(Received::None);
            };
            let rec_start = self.start;
            let payload_start = rec_start + HEADER_LEN;
            let payload_end = payload_start + usize::from(header.len);
            self.start = payload_end;

            if header.typ == ContentType::CHANGE_CIPHER_SPEC {
                // RFC 8446 §5: a single 0x01 byte between the first
                // ClientHello and the peer's Finished is dropped; anything
                // else is unexpected_message.
                let body = self.buf.get(payload_start..payload_end).unwrap_or(&[]);
                self.ccs_seen = self.ccs_seen.saturating_add(1);
                if body != [1] || self.handshake_done_ccs_forbidden {
                    return Err(InvalidMessage::InvalidCcs.into());
                }
                if self.ccs_seen > MAX_CCS {
                    return Err(PeerMisbehaved::TooManyCcs.into());
                }
                continue;
            }

            let (typ, range) = if header.typ == ContentType::APPLICATION_DATA {
                let Some(opener) = self.opener.as_mut() else {
                    // RFC 8446 §4.2.10: 0-RTT records after a HelloRetryRequest are skipped.
                    if let Some(left) = self.skip_early {
                        let n = usize::from(header.len);
                        if n > left {
                            return Err(PeerMisbehaved::UnexpectedMessage.into());
                        }
                        self.skip_early = Some(left - n);
                        continue;
                    }
                    return Err(PeerMisbehaved::UnexpectedMessage.into());
                };
                let payload = self
                    .buf
                    .get_mut(payload_start..payload_end)
                    .ok_or(Error::Unreachable("record bounds"))?;
                match opener.open_in_place(&header, payload) {
                    Ok((typ, plain)) => {
                        let len = plain.len();
                        self.skip_early = None;
                        (typ, payload_start..payload_start + len)
                    }
                    Err(Error::DecryptError) if self.skip_early.is_some() => {
                        // RFC 8446 §4.2.10: skip rejected early data up to a limit.
                        let left = self.skip_early.unwrap_or(0);
                        let n = usize::from(header.len);
                        if n > left {
                            return Err(Error::DecryptError);
                        }
                        self.skip_early = Some(left - n);
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            } else {
                // Plaintext record. After keys are installed only alerts may
                // arrive unprotected (a peer that failed before its keys).
                if self.opener.is_some() && header.typ != ContentType::ALERT {
                    return Err(PeerMisbehaved::UnexpectedMessage.into());
                }
                (header.typ, payload_start..payload_end)
            };

            match typ {
                ContentType::HANDSHAKE => {
                    self.empty_records = 0;
                    let data = self.buf.get(range).unwrap_or(&[]);
                    let mut msgs = self.joiner.push(data);
                    while let Some(m) = msgs.next_message()? {
                        let raw = m.encoded.to_vec();
                        let mut r = Reader::new(&raw);
                        let msg = HandshakeMessage::read(&mut r)?;
                        r.expect_empty("handshake message")?;
                        self.pending.push_back(Message { raw, msg });
                    }
                }
                ContentType::ALERT => {
                    let data = self.buf.get(range).unwrap_or(&[]);
                    let [level, desc] = data else {
                        return Err(InvalidMessage::InvalidAlert.into());
                    };
                    if !self.joiner.is_empty() || !self.pending.is_empty() {
                        // RFC 8446 §5.1: no interleaving inside a handshake message.
                        return Err(PeerMisbehaved::KeyChangeNotAligned.into());
                    }
                    let desc = AlertDescription(*desc);
                    if desc == AlertDescription::CLOSE_NOTIFY {
                        return Ok(Received::Closed);
                    }
                    // RFC 8446 §6.1: user_canceled is a warning; ignore it
                    // and wait for the close_notify that follows.
                    if desc == AlertDescription::USER_CANCELED
                        && AlertLevel(*level) == AlertLevel::WARNING
                    {
                        continue;
                    }
                    // RFC 8446 §6.2: every other alert ends the connection.
                    return Err(Error::AlertReceived(desc));
                }
                ContentType::APPLICATION_DATA => {
                    if !allow_app || !self.joiner.is_empty() || !self.pending.is_empty() {
                        return Err(PeerMisbehaved::UnexpectedMessage.into());
                    }
                    if range.is_empty() {
                        self.empty_records = self.empty_records.saturating_add(1);
                        if self.empty_records > MAX_EMPTY_RECORDS {
                            return Err(PeerMisbehaved::TooManyEmptyRecords.into());
                        }
                        continue;
                    }
                    self.empty_records = 0;
                    self.app = range;
                    return Ok(Received::AppData);
                }
                _ => return Err(PeerMisbehaved::UnexpectedMessage.into()),
            }
        }
    }
}
