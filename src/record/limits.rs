//! Counters that bound what a peer can make us do without progress: runs of
//! empty application-data records, compatibility ChangeCipherSpec records
//! (RFC 8446 §5) and KeyUpdates without data between them.
//!
//! Each of these is legal once; unbounded, each lets a peer keep us busy
//! forever while the application sees nothing.

use crate::codec::enums::ContentType;
use crate::error::{Error, InvalidMessage, PeerMisbehaved};

/// Consecutive empty application-data records accepted (RFC 8446 §5.1
/// allows them as traffic-analysis cover); the next one fails.
pub const MAX_EMPTY_RECORDS: u32 = 32;

/// ChangeCipherSpec records accepted in one handshake. Middlebox
/// compatibility mode sends one per side (RFC 8446 Appendix D.4); one more
/// is tolerated for peers that send one per flight around a
/// HelloRetryRequest.
pub const MAX_CCS: u32 = 2;

/// KeyUpdates accepted in a row without application data between them.
pub const MAX_KEY_UPDATES: u32 = 32;

/// The per-connection abuse counters, fed by the connection as records and
/// messages arrive.
#[derive(Debug, Clone, Default)]
pub struct RecordLimits {
    empty_run: u32,
    ccs_seen: u32,
    ccs_window: bool,
    key_update_run: u32,
}

impl RecordLimits {
    /// Fresh counters; ChangeCipherSpec is not allowed until
    /// [`RecordLimits::open_ccs_window`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Call once the first ClientHello has been sent or received: from then
    /// on a compatibility ChangeCipherSpec may arrive (RFC 8446 §5).
    pub fn open_ccs_window(&mut self) {
        self.ccs_window = true;
    }

    /// Call once the peer's Finished has been received: later
    /// ChangeCipherSpec records are unexpected (RFC 8446 §5).
    pub fn close_ccs_window(&mut self) {
        self.ccs_window = false;
    }

    /// Checks a plaintext change_cipher_spec record (header type 20, seen
    /// before any deprotection). `Ok` means: drop it without further
    /// processing. Outside the window it is
    /// [`PeerMisbehaved::UnexpectedMessage`]; any payload other than the
    /// single byte 0x01 is [`InvalidMessage::InvalidCcs`]; more than
    /// [`MAX_CCS`] is [`PeerMisbehaved::TooManyCcs`].
    ///
    /// The connection must also check the joiner is aligned first (CCS may
    /// not interleave with a fragmented handshake message, RFC 8446 §5.1).
    pub fn on_ccs(&mut self, payload: &[u8]) -> Result<(), Error> {
        // RFC 8446 §5: before the first ClientHello or after the peer's
        // Finished, CCS MUST be treated as an unexpected record type.
        if !self.ccs_window {
            return Err(PeerMisbehaved::UnexpectedMessage.into());
        }
        // RFC 8446 §5: any change_cipher_spec value other than the single
        // byte 0x01 MUST abort the handshake with unexpected_message.
        if payload != [0x01] {
            return Err(InvalidMessage::InvalidCcs.into());
        }
        if self.ccs_seen >= MAX_CCS {
            return Err(PeerMisbehaved::TooManyCcs.into());
        }
        self.ccs_seen += 1;
        Ok(())
    }

    /// Counts a deprotected record of type `typ` with `content_len` bytes
    /// of content. An empty application-data record extends the run of
    /// empty records, failing with [`PeerMisbehaved::TooManyEmptyRecords`]
    /// past [`MAX_EMPTY_RECORDS`]; any non-empty record ends the run, and
    /// non-empty application data also ends a run of KeyUpdates.
    pub fn on_record(&mut self, typ: ContentType, content_len: usize) -> Result<(), Error> {
        if content_len > 0 {
            self.empty_run = 0;
            if typ == ContentType::APPLICATION_DATA {
                self.key_update_run = 0;
            }
            return Ok(());
        }
        if typ == ContentType::APPLICATION_DATA {
            if self.empty_run >= MAX_EMPTY_RECORDS {
                return Err(PeerMisbehaved::TooManyEmptyRecords.into());
            }
            self.empty_run += 1;
        }
        Ok(())
    }

    /// Counts a received KeyUpdate; more than [`MAX_KEY_UPDATES`] without
    /// application data between them fails with
    /// [`PeerMisbehaved::TooManyKeyUpdates`].
    pub fn on_key_update(&mut self) -> Result<(), Error> {
        if self.key_update_run >= MAX_KEY_UPDATES {
            return Err(PeerMisbehaved::TooManyKeyUpdates.into());
        }
        self.key_update_run += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ccs_only_inside_window_and_only_0x01() {
        let mut l = RecordLimits::new();
        assert_eq!(
            l.on_ccs(&[1]),
            Err(PeerMisbehaved::UnexpectedMessage.into())
        );
        l.open_ccs_window();
        for bad in [&[][..], &[0], &[2], &[1, 1], &[1, 0]] {
            assert_eq!(
                l.on_ccs(bad),
                Err(InvalidMessage::InvalidCcs.into()),
                "{bad:?}"
            );
        }
        assert_eq!(l.on_ccs(&[1]), Ok(()));
        assert_eq!(l.on_ccs(&[1]), Ok(()));
        assert_eq!(l.on_ccs(&[1]), Err(PeerMisbehaved::TooManyCcs.into()));
        l.close_ccs_window();
        assert_eq!(
            l.on_ccs(&[1]),
            Err(PeerMisbehaved::UnexpectedMessage.into())
        );
        assert_eq!(
            Error::from(InvalidMessage::InvalidCcs).alert(),
            Some(crate::codec::enums::AlertDescription::UNEXPECTED_MESSAGE)
        );
    }

    #[test]
    fn empty_application_data_run_is_bounded() {
        let mut l = RecordLimits::new();
        for _ in 0..MAX_EMPTY_RECORDS {
            assert_eq!(l.on_record(ContentType::APPLICATION_DATA, 0), Ok(()));
        }
        assert_eq!(
            l.on_record(ContentType::APPLICATION_DATA, 0),
            Err(PeerMisbehaved::TooManyEmptyRecords.into())
        );
        // A non-empty record resets the run.
        let mut l = RecordLimits::new();
        for _ in 0..MAX_EMPTY_RECORDS {
            l.on_record(ContentType::APPLICATION_DATA, 0).unwrap();
        }
        l.on_record(ContentType::HANDSHAKE, 5).unwrap();
        for _ in 0..MAX_EMPTY_RECORDS {
            assert_eq!(l.on_record(ContentType::APPLICATION_DATA, 0), Ok(()));
        }
        assert!(l.on_record(ContentType::APPLICATION_DATA, 0).is_err());
    }

    #[test]
    fn key_updates_bounded_until_data_arrives() {
        let mut l = RecordLimits::new();
        for _ in 0..MAX_KEY_UPDATES {
            assert_eq!(l.on_key_update(), Ok(()));
        }
        assert_eq!(
            l.on_key_update(),
            Err(PeerMisbehaved::TooManyKeyUpdates.into())
        );
        // Handshake records do not reset it; application data does.
        l.on_record(ContentType::HANDSHAKE, 5).unwrap();
        assert!(l.on_key_update().is_err());
        l.on_record(ContentType::APPLICATION_DATA, 1).unwrap();
        assert_eq!(l.on_key_update(), Ok(()));
    }
}
