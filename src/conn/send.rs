//! The sending half of a connection: pending handshake bytes, the current
//! write protection, fragmentation, and the output buffer the caller drains.

use crate::codec::enums::{AlertDescription, AlertLevel, ContentType};
use crate::error::Error;
use crate::record::fragmenter::Fragmenter;
use crate::record::protect::{RecordSealer, write_plaintext};
use crate::record::{LEGACY_VERSION_TLS10, LEGACY_VERSION_TLS12};
use alloc::vec::Vec;

/// Output beyond which `write` takes no more application data until the
/// caller drains what is pending.
const MAX_PENDING_OUTPUT: usize = 256 * 1024;

pub(crate) struct Sender {
    /// Output records are `out[taken..filled]`. The bytes past `filled` are
    /// spent records kept as room: records are sealed into it in place, and
    /// keeping its length (not just its capacity) means the next record
    /// needs no zero-filling.
    out: Vec<u8>,
    /// End of the records not yet taken by the caller.
    filled: usize,
    /// Bytes of `out` already taken by the caller.
    taken: usize,
    hs_pending: Vec<u8>,
    sealer: Option<RecordSealer>,
    /// The compatibility ChangeCipherSpec is owed before the next protected record.
    ccs_owed: bool,
    fragmenter: Fragmenter,
    #[cfg(feature = "test-hooks")]
    pub(crate) hook: Option<super::HandshakeHook>,
}

impl Sender {
    pub(crate) fn new() -> Self {
        Self {
            out: Vec::new(),
            filled: 0,
            taken: 0,
            hs_pending: Vec::new(),
            sealer: None,
            ccs_owed: false,
            fragmenter: Fragmenter::new(),
            #[cfg(feature = "test-hooks")]
            hook: None,
        }
    }

    pub(crate) fn pending(&self) -> &[u8] {
        self.out.get(self.taken..self.filled).unwrap_or(&[])
    }

    pub(crate) fn consume(&mut self, n: usize) {
        self.taken = self.taken.saturating_add(n).min(self.filled);
        if self.taken == self.filled {
            self.filled = 0;
            self.taken = 0;
            // Idle connections keep little memory.
            if self.out.capacity() > 32 * 1024 {
                self.out.clear();
                self.out.shrink_to(4096);
            }
        }
    }

    /// Gives the output buffer's memory back when everything was taken.
    /// Returns whether it did.
    pub(crate) fn release_if_idle(&mut self) -> bool {
        if self.hs_pending.is_empty() {
            self.hs_pending = Vec::new();
        }
        if self.pending().is_empty() {
            self.out = Vec::new();
            self.filled = 0;
            self.taken = 0;
            true
        } else {
            false
        }
    }

    /// The output buffer's capacity.
    pub(crate) fn capacity(&self) -> usize {
        self.out.capacity()
    }

    /// Exchanges the output buffer with `other`; only when nothing is
    /// pending.
    pub(crate) fn swap_buffer(&mut self, other: &mut Vec<u8>) {
        if self.pending().is_empty() {
            core::mem::swap(&mut self.out, other);
            self.filled = 0;
            self.taken = 0;
        }
    }

    /// Appends plaintext records with `write` right after the pending ones
    /// (cutting off the spent room first) and keeps `filled` in step, also
    /// when `write` fails part way.
    fn append_with(
        &mut self,
        write: impl FnOnce(&mut Vec<u8>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.out.truncate(self.filled);
        let r = write(&mut self.out);
        self.filled = self.out.len();
        r
    }

    /// RFC 8446 §D.4: the compatibility ChangeCipherSpec, always plaintext.
    fn write_ccs(&mut self) -> Result<(), Error> {
        self.append_with(|out| {
            write_plaintext(
                ContentType::CHANGE_CIPHER_SPEC,
                LEGACY_VERSION_TLS12,
                &[1],
                out,
            )
        })
    }

    /// Seals one record of `payload` into the room after the pending
    /// records, growing the buffer only when the room is too small.
    fn seal_record(&mut self, typ: ContentType, payload: &[u8]) -> Result<(), Error> {
        let Some(sealer) = self.sealer.as_mut() else {
            return Err(Error::Unreachable("seal_record without keys"));
        };
        let end = self
            .filled
            .checked_add(sealer.sealed_len(payload.len(), 0))
            .ok_or(Error::Unreachable("output length"))?;
        if self.out.len() < end {
            // Exact for the first record (the usual case: one record in
            // flight); records queued behind it grow the buffer by Vec's
            // usual doubling.
            if self.filled == 0 {
                self.out.reserve_exact(end - self.out.len());
            }
            self.out.resize(end, 0);
        }
        let dst = self
            .out
            .get_mut(self.filled..end)
            .ok_or(Error::Unreachable("output room"))?;
        sealer.seal_to(typ, payload, 0, dst)?;
        self.filled = end;
        Ok(())
    }

    /// Queues a handshake message; it is written out at the next flush or key change.
    pub(crate) fn queue_handshake(&mut self, msg: &[u8]) {
        #[cfg(feature = "test-hooks")]
        if let Some(hook) = self.hook.as_mut() {
            let mut m = msg.to_vec();
            hook(&mut m);
            self.hs_pending.extend_from_slice(&m);
            return;
        }
        self.hs_pending.extend_from_slice(msg);
    }

    /// Writes queued handshake messages as records under the current keys.
    pub(crate) fn flush_handshake(&mut self) -> Result<(), Error> {
        if self.hs_pending.is_empty() {
            return Ok(());
        }
        let data = core::mem::take(&mut self.hs_pending);
        self.emit(ContentType::HANDSHAKE, &data, false)
    }

    /// Flushes the first ClientHello with record version 0x0301 (RFC 8446 §5.1).
    pub(crate) fn flush_initial_client_hello(&mut self) -> Result<(), Error> {
        let data = core::mem::take(&mut self.hs_pending);
        self.emit(ContentType::HANDSHAKE, &data, true)
    }

    /// Switches the write protection after flushing what the old keys cover.
    pub(crate) fn set_sealer(&mut self, sealer: RecordSealer) -> Result<(), Error> {
        self.flush_handshake()?;
        self.sealer = Some(sealer);
        Ok(())
    }

    /// Drops the write protection (the client's 0-RTT keys when a
    /// HelloRetryRequest makes the second ClientHello plaintext again).
    pub(crate) fn clear_sealer(&mut self) -> Result<(), Error> {
        self.flush_handshake()?;
        self.sealer = None;
        self.ccs_owed = false;
        Ok(())
    }

    /// Like [`Sender::set_sealer`], with the compatibility ChangeCipherSpec
    /// (RFC 8446 §D.4) written just before the first protected record,
    /// whichever comes first: the client's second flight or an alert that
    /// ends the handshake before it.
    pub(crate) fn set_sealer_after_ccs(&mut self, sealer: RecordSealer) -> Result<(), Error> {
        self.set_sealer(sealer)?;
        self.ccs_owed = true;
        Ok(())
    }

    /// Honours the peer's record_size_limit (RFC 8449 §4); an invalid value
    /// (below 64) is illegal_parameter.
    pub(crate) fn set_peer_record_size_limit(&mut self, limit: u16) -> Result<(), Error> {
        self.fragmenter = Fragmenter::with_record_size_limit(limit)?;
        Ok(())
    }

    /// RFC 8446 §D.4: the compatibility ChangeCipherSpec, always plaintext.
    pub(crate) fn send_ccs(&mut self) -> Result<(), Error> {
        self.flush_handshake()?;
        self.write_ccs()
    }

    pub(crate) fn send_alert(
        &mut self,
        level: AlertLevel,
        desc: AlertDescription,
    ) -> Result<(), Error> {
        self.flush_handshake()?;
        self.emit(ContentType::ALERT, &[level.0, desc.0], false)
    }

    /// Seals application data; returns how much was taken.
    pub(crate) fn send_app(&mut self, data: &[u8]) -> Result<usize, Error> {
        self.flush_handshake()?;
        let room = MAX_PENDING_OUTPUT.saturating_sub(self.pending().len());
        let n = data.len().min(room);
        let chunk = data.get(..n).unwrap_or(&[]);
        if !chunk.is_empty() {
            self.emit(ContentType::APPLICATION_DATA, chunk, false)?;
        }
        Ok(n)
    }

    pub(crate) fn needs_key_update(&self) -> bool {
        self.sealer.as_ref().is_some_and(|s| s.needs_key_update())
    }

    fn emit(&mut self, typ: ContentType, data: &[u8], initial: bool) -> Result<(), Error> {
        let max = self.fragmenter.max_fragment();
        if self.sealer.is_some() {
            if core::mem::take(&mut self.ccs_owed) {
                self.write_ccs()?;
            }
            for chunk in data.chunks(max) {
                self.seal_record(typ, chunk)?;
            }
        } else {
            // RFC 8446 §5.1: the initial ClientHello may use 0x0301.
            let version = if initial {
                LEGACY_VERSION_TLS10
            } else {
                LEGACY_VERSION_TLS12
            };
            self.append_with(|out| {
                for chunk in data.chunks(max) {
                    write_plaintext(typ, version, chunk, out)?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }
}
