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
    out: Vec<u8>,
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
        self.out.get(self.taken..).unwrap_or(&[])
    }

    pub(crate) fn consume(&mut self, n: usize) {
        self.taken = self.taken.saturating_add(n).min(self.out.len());
        if self.taken == self.out.len() {
            self.out.clear();
            self.taken = 0;
            // Idle connections keep little memory.
            if self.out.capacity() > 32 * 1024 {
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
            self.taken = 0;
            true
        } else {
            false
        }
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
        write_plaintext(
            ContentType::CHANGE_CIPHER_SPEC,
            LEGACY_VERSION_TLS12,
            &[1],
            &mut self.out,
        )
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
        match self.sealer.as_mut() {
            Some(sealer) => {
                if core::mem::take(&mut self.ccs_owed) {
                    write_plaintext(
                        ContentType::CHANGE_CIPHER_SPEC,
                        LEGACY_VERSION_TLS12,
                        &[1],
                        &mut self.out,
                    )?;
                }
                for chunk in data.chunks(max) {
                    sealer.seal(typ, chunk, 0, &mut self.out)?;
                }
            }
            None => {
                // RFC 8446 §5.1: the initial ClientHello may use 0x0301.
                let version = if initial {
                    LEGACY_VERSION_TLS10
                } else {
                    LEGACY_VERSION_TLS12
                };
                for chunk in data.chunks(max) {
                    write_plaintext(typ, version, chunk, &mut self.out)?;
                }
            }
        }
        Ok(())
    }
}
