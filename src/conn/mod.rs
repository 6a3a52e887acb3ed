//! The connection: the sans-IO driver that owns protocol state while the
//! caller owns the bytes.
//!
//! # Call order
//!
//! A [`Connection`] never performs I/O and never reads a clock. Drive it
//! like this, from any event loop:
//!
//! 1. Feed bytes received from the transport with [`Connection::read_tls`]
//!    (or write them straight into [`Connection::recv_space`] and call
//!    [`Connection::commit_recv`]).
//! 2. Call [`Connection::handshake`] with the current time. It processes
//!    every complete record buffered and answers:
//!    - [`Progress::Sending`]: output is pending; take it with
//!      [`Connection::pending_tls`] / [`Connection::consume_tls`] (or
//!      [`Connection::write_tls_into`]), send it, then call again;
//!    - [`Progress::Receiving`]: more input is needed (step 1);
//!    - [`Progress::Complete`]: the handshake is done and all our handshake
//!      output has been taken.
//! 3. After `Complete`: [`Connection::write`] application data (then drain
//!    the output as in step 2), [`Connection::read`] decrypted data,
//!    [`Connection::bye`] to send close_notify.
//!
//! [`Connection::status`] answers the same question as `handshake` without
//! advancing. An error is final: the connection queues the alert the error
//! maps to (drain it and send it if you can) and every later call returns
//! the same error.

pub(crate) mod receive;
pub(crate) mod send;

use crate::codec::enums::{
    AlertDescription, AlertLevel, CipherSuite, KeyUpdateRequest, NamedGroup, ProtocolVersion,
    SignatureScheme,
};
use crate::config::{ClientConfig, ServerConfig};
use crate::error::{ApiMisuse, Error, PeerMisbehaved};
pub use crate::handshake::pha::ReauthStatus;
use crate::handshake::{self, HandshakeState, Side};
use crate::time::UnixTime;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use receive::{Received, Receiver};
use send::Sender;

/// What the handshake (or close) needs from the caller next.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Finished; no output pending.
    Complete,
    /// Output is pending: send it, then call again.
    Sending,
    /// Waiting for input from the peer.
    Receiving,
}

/// The result of reading application data.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppRead {
    /// This many bytes were copied into the caller's buffer.
    Data(usize),
    /// No application data is available until more input arrives.
    WouldBlock,
    /// The peer sent close_notify: no more data will come.
    Closed,
}

/// The result of [`Connection::read_view`]: application data borrowed from
/// the receive buffer, where it was decrypted in place.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppView<'a> {
    /// Decrypted data (never empty), now marked as read; valid until the
    /// connection is next used mutably.
    Data(&'a [u8]),
    /// No application data is available until more input arrives.
    WouldBlock,
    /// The peer sent close_notify: no more data will come.
    Closed,
}

/// Parameters fixed by the handshake.
#[derive(Debug, Clone, Default)]
pub struct Negotiated {
    /// The protocol version (always TLS 1.3).
    pub version: Option<ProtocolVersion>,
    /// The cipher suite.
    pub suite: Option<CipherSuite>,
    /// The key-exchange group (None for psk_ke).
    pub group: Option<NamedGroup>,
    /// The scheme of the server's CertificateVerify (certificate mode).
    pub signature_scheme: Option<SignatureScheme>,
    /// The scheme of the client's CertificateVerify, if it sent one.
    pub client_signature_scheme: Option<SignatureScheme>,
    /// The external PSK identity used, if any.
    pub psk_identity: Option<Vec<u8>>,
    /// The ALPN protocol agreed on.
    pub alpn: Option<Vec<u8>>,
    /// The peer's certificate chain (DER, leaf first); empty when none.
    pub peer_certificates: Vec<Vec<u8>>,
    /// The server name the client sent (server side) or asked for (client side).
    pub server_name: Option<String>,
    /// The record cipher's key size in bytes.
    pub key_size: usize,
    /// The record size limit the peer advertised (RFC 8449).
    pub peer_record_size_limit: Option<u16>,
    /// Whether a HelloRetryRequest happened.
    pub hello_retry: bool,
    /// Server: the client offered post_handshake_auth (RFC 8446 §4.2.6).
    pub post_handshake_auth: bool,
    /// The algorithm the peer's handshake Certificate was compressed with
    /// (RFC 8879), if it was.
    pub peer_cert_compression: Option<crate::codec::enums::CertificateCompressionAlgorithm>,
    /// Whether the session was resumed from a ticket.
    pub resumed: bool,
    /// What became of 0-RTT data.
    pub early_data: crate::session_store::EarlyDataStatus,
    /// Bytes of 0-RTT data sent (client).
    pub early_data_len: usize,
}

/// A test hook over our own outgoing handshake messages (feature `test-hooks`).
#[cfg(feature = "test-hooks")]
pub type HandshakeHook = alloc::boxed::Box<dyn FnMut(&mut Vec<u8>) + Send>;

/// Rejected 0-RTT data a server skips before giving up (RFC 8446 §4.2.10).
pub(crate) const MAX_REJECTED_EARLY_DATA: usize = 64 * 1024;

/// Bounds on post-handshake activity a peer could abuse.
const MAX_KEY_UPDATES_IN_A_ROW: u32 = 32;

/// Which half of the connection a record buffer is lent to.
#[derive(Clone, Copy)]
enum Direction {
    Send,
    Receive,
}

/// A TLS 1.3 connection, client or server. See the module documentation
/// for the call order.
pub struct Connection {
    side: Side,
    state: Option<HandshakeState>,
    pub(crate) rx: Receiver,
    pub(crate) tx: Sender,
    negotiated: Negotiated,
    error: Option<Error>,
    handshake_done: bool,
    peer_closed: bool,
    sent_close: bool,
    key_updates_in_a_row: u32,
    key_updates_sent: u64,
    key_updates_received: u64,
    post: Option<alloc::boxed::Box<handshake::PostHandshake>>,
    early_exporter: Option<handshake::keys::EarlyExporter>,
    /// 0-RTT data received (server) and not yet taken.
    early_data: Vec<u8>,
    /// Release the output buffer once the handshake's last flight is taken.
    release_tx_when_drained: bool,
}

impl core::fmt::Debug for Connection {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Connection")
            .field("side", &self.side)
            .field("handshake_done", &self.handshake_done)
            .field("negotiated", &self.negotiated)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// A client connection. `server_name` is both sent as SNI (when the
    /// configuration says so) and the name the verifier checks; `None` asks
    /// for neither.
    pub fn client(config: Arc<ClientConfig>, server_name: Option<&str>) -> Result<Self, Error> {
        config.validate()?;
        let max_hs = config.policy.max_handshake_message;
        let state = handshake::client::start(config, server_name)?;
        Ok(Self::new(Side::Client, state, max_hs))
    }

    /// A server connection.
    pub fn server(config: Arc<ServerConfig>) -> Result<Self, Error> {
        config.validate()?;
        let max_hs = config.policy.max_handshake_message;
        let state = handshake::server::start(config);
        Ok(Self::new(Side::Server, state, max_hs))
    }

    fn new(side: Side, state: HandshakeState, max_hs: usize) -> Self {
        Self {
            side,
            state: Some(state),
            rx: Receiver::new(max_hs),
            tx: Sender::new(),
            negotiated: Negotiated::default(),
            error: None,
            handshake_done: false,
            peer_closed: false,
            sent_close: false,
            key_updates_in_a_row: 0,
            key_updates_sent: 0,
            key_updates_received: 0,
            post: None,
            early_exporter: None,
            early_data: Vec::new(),
            release_tx_when_drained: false,
        }
    }

    /// Test-only (feature `test-hooks`): every handshake message this side
    /// sends passes through `hook` after entering our own transcript, so a
    /// test can make a peer receive a malformed or out-of-order message.
    #[cfg(feature = "test-hooks")]
    pub fn set_handshake_send_hook(&mut self, hook: HandshakeHook) {
        self.tx.hook = Some(hook);
    }

    /// Which side this connection is.
    pub fn side(&self) -> Side {
        self.side
    }

    // ----- input -----

    /// Copies received transport bytes into the connection; returns how many
    /// were taken (fewer than offered when the buffer is full: process with
    /// `handshake`/`read` first).
    pub fn read_tls(&mut self, data: &[u8]) -> usize {
        self.lend_buffer(Direction::Receive);
        self.rx.push(data)
    }

    /// Free space to receive transport bytes into directly (no copy);
    /// follow with [`Connection::commit_recv`].
    pub fn recv_space(&mut self) -> &mut [u8] {
        self.lend_buffer(Direction::Receive);
        self.rx.space()
    }

    /// Marks `n` bytes of [`Connection::recv_space`] as received.
    pub fn commit_recv(&mut self, n: usize) {
        self.rx.commit(n)
    }

    // ----- output -----

    /// Bytes waiting to be sent to the peer.
    pub fn pending_tls(&self) -> &[u8] {
        self.tx.pending()
    }

    /// Marks the first `n` pending bytes as sent.
    pub fn consume_tls(&mut self, n: usize) {
        self.tx.consume(n);
        self.after_consume();
    }

    /// Moves all pending output to the end of `out`.
    pub fn write_tls_into(&mut self, out: &mut Vec<u8>) -> usize {
        let p = self.tx.pending();
        let n = p.len();
        out.extend_from_slice(p);
        self.tx.consume(n);
        self.after_consume();
        n
    }

    /// Moves the record buffer to the direction about to need it when
    /// both are idle. A connection that alternates between sending and
    /// receiving (requests and answers) then holds one record buffer,
    /// not two, and allocates nothing per record; one that sends and
    /// receives at once keeps a buffer per direction.
    fn lend_buffer(&mut self, to: Direction) {
        if !self.handshake_done || !self.rx.is_idle() || !self.tx.pending().is_empty() {
            return;
        }
        let (rx, tx) = (self.rx.capacity(), self.tx.capacity());
        let wanted = match to {
            Direction::Send => rx > tx,
            Direction::Receive => tx > rx,
        };
        if wanted {
            let mut buf = Vec::new();
            self.rx.swap_buffer(&mut buf);
            self.tx.swap_buffer(&mut buf);
            self.rx.swap_buffer(&mut buf);
        }
    }

    fn after_consume(&mut self) {
        if self.release_tx_when_drained && self.tx.release_if_idle() {
            self.release_tx_when_drained = false;
        }
    }

    /// Gives back the memory of the receive and send buffers when they hold
    /// nothing (no partial record, no unread data, no pending output), and
    /// returns whether both were released. Call it when a connection goes
    /// idle: an idle connection then holds only its keys and state (a few
    /// hundred bytes), and the next record allocates its buffer again.
    /// The connection already does this once, after the handshake.
    pub fn release_buffers(&mut self) -> bool {
        let rx = self.rx.release_if_idle();
        let tx = self.tx.release_if_idle();
        rx && tx
    }

    /// Bytes of record-buffer memory the connection holds (receive and
    /// send buffers' capacity): what [`Connection::release_buffers`] gives
    /// back, for callers that watch memory per connection.
    pub fn buffer_capacity(&self) -> usize {
        self.rx.capacity().saturating_add(self.tx.capacity())
    }

    /// True when output is pending.
    pub fn wants_write(&self) -> bool {
        !self.tx.pending().is_empty()
    }

    // ----- handshake -----

    /// Advances the handshake as far as buffered input allows. See the module
    /// documentation.
    pub fn handshake(&mut self, now: UnixTime) -> Result<Progress, Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let was_done = self.handshake_done;
        let r = self.drive_handshake(now);
        if !was_done && self.handshake_done {
            // Handshake memory goes back at once; what is still pending
            // (our last flight) is released when the caller drains it.
            self.rx.release_if_idle();
            self.release_tx_when_drained = true;
        }
        match r {
            Ok(()) => Ok(self.status()),
            Err(e) => Err(self.fail(e)),
        }
    }

    /// What the connection waits for, without advancing it.
    pub fn status(&self) -> Progress {
        if self.wants_write() {
            Progress::Sending
        } else if self.handshake_done {
            Progress::Complete
        } else {
            Progress::Receiving
        }
    }

    /// True once the handshake has completed.
    pub fn is_handshake_complete(&self) -> bool {
        self.handshake_done
    }

    /// The negotiated parameters (filled in as the handshake proceeds).
    pub fn negotiated(&self) -> &Negotiated {
        &self.negotiated
    }

    /// Client: sets data to send as 0-RTT, before the first call to
    /// [`Connection::handshake`]. It is sent only if the stored ticket
    /// allows early data, and at most the ticket's max_early_data_size
    /// bytes of it; [`Negotiated::early_data`] tells what became of it and
    /// [`Connection::early_data_sent`] how much went. Data that was not
    /// accepted must be written again after the handshake.
    pub fn set_early_data(&mut self, data: &[u8]) -> Result<(), Error> {
        let ok = self.state.as_mut().is_some_and(|s| s.set_early_data(data));
        if ok {
            Ok(())
        } else {
            Err(ApiMisuse::WrongState("early data after the handshake started").into())
        }
    }

    /// Client: how many bytes of the early data were sent as 0-RTT.
    pub fn early_data_sent(&self) -> usize {
        self.negotiated.early_data_len
    }

    /// Server: takes the 0-RTT data received so far (accepted early data
    /// arrives before the handshake completes).
    pub fn take_early_data(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.early_data)
    }

    /// The error that ended this connection, if any.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    fn drive_handshake(&mut self, now: UnixTime) -> Result<(), Error> {
        let mut hs = handshake::Io {
            tx: &mut self.tx,
            rx: &mut self.rx,
            negotiated: &mut self.negotiated,
            now,
            early_exporter: &mut self.early_exporter,
        };
        // Let the state produce its first flight (the client's ClientHello).
        if let Some(state) = self.state.take() {
            let state = state.start(&mut hs)?;
            self.state = Some(state);
        }
        while !self.handshake_done {
            let early = hs.rx.early_open();
            let msg = match hs.rx.next(early)? {
                Received::Handshake(m) => m,
                Received::None => break,
                Received::Closed => return Err(Error::UnexpectedEof),
                Received::AppData if early => {
                    hs.rx.take_early(&mut self.early_data)?;
                    continue;
                }
                Received::AppData => {
                    return Err(PeerMisbehaved::UnexpectedMessage.into());
                }
            };
            let state = self
                .state
                .take()
                .ok_or(Error::Unreachable("handshake state missing"))?;
            match state.handle(&mut hs, &msg)? {
                handshake::Next::Continue(s) => self.state = Some(s),
                handshake::Next::Done(post) => {
                    self.post = Some(post);
                    self.handshake_done = true;
                    // RFC 8446 §5: no ChangeCipherSpec after the peer's Finished.
                    hs.rx.forbid_ccs();
                }
            }
        }
        Ok(())
    }

    /// Records an error, queues its alert, and returns it.
    fn fail(&mut self, e: Error) -> Error {
        if self.error.is_none() {
            if let Some(alert) = e.alert() {
                // Best effort: the alert may not be sendable (keys missing
                // is not possible: send uses whatever keys are installed).
                let _ = self.tx.send_alert(AlertLevel::FATAL, alert);
            }
            self.error = Some(e.clone());
            self.state = None;
        }
        e
    }

    // ----- application data -----

    /// Encrypts application data for sending. Returns how many bytes were
    /// taken (all of them unless the output buffer limit was reached).
    pub fn write(&mut self, data: &[u8]) -> Result<usize, Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if !self.handshake_done {
            return Err(ApiMisuse::HandshakeNotComplete.into());
        }
        if self.sent_close {
            return Err(ApiMisuse::ConnectionClosed.into());
        }
        self.lend_buffer(Direction::Send);
        match self.tx.send_app(data) {
            Ok(n) => {
                if self.tx.needs_key_update() {
                    self.send_key_update(false)?;
                }
                Ok(n)
            }
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Copies decrypted application data into `buf`.
    pub fn read(&mut self, buf: &mut [u8]) -> Result<AppRead, Error> {
        if buf.is_empty() {
            // An empty read takes in no records, whatever is buffered.
            self.check_readable()?;
            self.key_updates_in_a_row = 0;
            return Ok(AppRead::Data(0));
        }
        Ok(match self.fill_app()? {
            AppView::Data(_) => AppRead::Data(self.rx.take_app(buf)),
            AppView::WouldBlock => AppRead::WouldBlock,
            AppView::Closed => AppRead::Closed,
        })
    }

    /// Like [`Connection::read`] without the copy: returns all decrypted
    /// data of the current record as a slice of the receive buffer (where
    /// it was decrypted in place), marked as read. The slice is valid until
    /// the next mutable call, which may reuse the space.
    pub fn read_view(&mut self) -> Result<AppView<'_>, Error> {
        Ok(match self.fill_app()? {
            AppView::Data(_) => AppView::Data(self.rx.take_app_view()),
            other => other,
        })
    }

    /// Like [`Connection::read_view`] without marking anything as read:
    /// take what was used with [`Connection::consume_app`] (the
    /// `BufRead::fill_buf` / `consume` pattern).
    pub fn peek_app(&mut self) -> Result<AppView<'_>, Error> {
        Ok(match self.fill_app()? {
            AppView::Data(_) => AppView::Data(self.rx.app_slice()),
            other => other,
        })
    }

    /// Marks `n` bytes of what [`Connection::peek_app`] returned as read.
    pub fn consume_app(&mut self, n: usize) {
        self.rx.consume_app(n);
    }

    /// Processes input until application data is waiting (returned as an
    /// empty `Data`), close_notify arrived, or more input is needed.
    fn fill_app(&mut self) -> Result<AppView<'static>, Error> {
        self.check_readable()?;
        loop {
            if self.rx.app_pending() > 0 {
                self.key_updates_in_a_row = 0;
                return Ok(AppView::Data(&[]));
            }
            if self.peer_closed {
                return Ok(AppView::Closed);
            }
            match self.rx.next(true) {
                Ok(Received::AppData) => continue,
                Ok(Received::None) => return Ok(AppView::WouldBlock),
                Ok(Received::Closed) => {
                    self.peer_closed = true;
                    return Ok(AppView::Closed);
                }
                Ok(Received::Handshake(m)) => {
                    if let Err(e) = self.post_handshake(&m) {
                        return Err(self.fail(e));
                    }
                }
                Err(e) => return Err(self.fail(e)),
            }
        }
    }

    /// The connection's error, or misuse when the handshake is not done:
    /// what every application-data read reports before touching records.
    fn check_readable(&self) -> Result<(), Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if !self.handshake_done {
            return Err(ApiMisuse::HandshakeNotComplete.into());
        }
        Ok(())
    }

    /// Decrypted application data ready to read without more input.
    pub fn check_pending(&self) -> usize {
        self.rx.app_pending()
    }

    /// Sends close_notify (once). Returns `Sending` while it is pending
    /// output and `Complete` after.
    pub fn bye(&mut self) -> Result<Progress, Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if !self.sent_close {
            self.sent_close = true;
            self.tx
                .send_alert(AlertLevel::WARNING, AlertDescription::CLOSE_NOTIFY)?;
        }
        Ok(if self.wants_write() {
            Progress::Sending
        } else {
            Progress::Complete
        })
    }

    /// True once the peer has sent close_notify.
    pub fn peer_closed(&self) -> bool {
        self.peer_closed
    }

    /// Sends a KeyUpdate and switches our sending keys; with
    /// `request_peer` the peer is asked to update its keys too.
    pub fn key_update(&mut self, request_peer: bool) -> Result<(), Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if !self.handshake_done {
            return Err(ApiMisuse::HandshakeNotComplete.into());
        }
        self.send_key_update(request_peer).map_err(|e| self.fail(e))
    }

    /// How many KeyUpdate messages we have sent (on request or in answer
    /// to the peer's update_requested) since the handshake.
    pub fn key_updates_sent(&self) -> u64 {
        self.key_updates_sent
    }

    /// How many KeyUpdate messages we have received from the peer.
    pub fn key_updates_received(&self) -> u64 {
        self.key_updates_received
    }

    /// Fills `out` with keying material exported per RFC 8446 §7.5 from
    /// the exporter_master_secret, for `label` and `context`.
    pub fn export_keying_material(
        &self,
        label: &[u8],
        context: &[u8],
        out: &mut [u8],
    ) -> Result<(), Error> {
        let post = self.post.as_ref().ok_or(ApiMisuse::HandshakeNotComplete)?;
        post.export(label, context, out)
    }

    /// Fills `out` with keying material exported per RFC 8446 §7.5 from
    /// the early_exporter_master_secret. Available once a PSK has been
    /// accepted (from the ServerHello on, before the handshake completes);
    /// fails with `WrongState` on a connection without a PSK. After a
    /// HelloRetryRequest its ClientHello context is the transcript through
    /// the second ClientHello.
    pub fn export_early_keying_material(
        &self,
        label: &[u8],
        context: &[u8],
        out: &mut [u8],
    ) -> Result<(), Error> {
        let early = self
            .early_exporter
            .as_ref()
            .ok_or(ApiMisuse::WrongState("no PSK: no early exporter"))?;
        early.export(label, context, out)
    }

    /// The RFC 9266 `tls-exporter` channel binding: 32 bytes exported with
    /// the label "EXPORTER-Channel-Binding" and an empty context.
    pub fn channel_binding(&self) -> Result<[u8; 32], Error> {
        let mut out = [0u8; 32];
        self.export_keying_material(b"EXPORTER-Channel-Binding", b"", &mut out)?;
        Ok(out)
    }

    /// Server: asks the client to authenticate with a certificate after the
    /// handshake (RFC 8446 §4.6.2), with a fresh certificate_request_context.
    /// Drain the output, then keep calling [`Connection::read`]: the
    /// client's answer is processed there, and [`Connection::reauth_status`]
    /// leaves `Pending` once it is complete (the verified chain then is in
    /// [`Negotiated::peer_certificates`]). `now` is the time the client's
    /// chain is verified at. Fails with `WrongState` when the client did not
    /// offer post_handshake_auth, the configuration has no client verifier,
    /// a request is already pending, or on a client.
    pub fn request_client_auth(&mut self, now: UnixTime) -> Result<(), Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if !self.handshake_done {
            return Err(ApiMisuse::HandshakeNotComplete.into());
        }
        if self.sent_close {
            return Err(ApiMisuse::ConnectionClosed.into());
        }
        let post = self
            .post
            .as_mut()
            .ok_or(Error::Unreachable("post-handshake state missing"))?;
        match post.request_client_auth(&mut self.tx, now) {
            Ok(()) => Ok(()),
            Err(e @ Error::ApiMisuse(_)) => Err(e),
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Where post-handshake client authentication stands: on a server,
    /// the outcome of the last [`Connection::request_client_auth`]; on a
    /// client, what we answered last.
    pub fn reauth_status(&self) -> ReauthStatus {
        self.post
            .as_ref()
            .and_then(|p| p.pha())
            .map_or(ReauthStatus::None, |p| p.status())
    }

    /// How many post-handshake authentications have completed.
    pub fn reauth_count(&self) -> u64 {
        self.post
            .as_ref()
            .and_then(|p| p.pha())
            .map_or(0, |p| p.count())
    }

    fn send_key_update(&mut self, request_peer: bool) -> Result<(), Error> {
        let post = self
            .post
            .as_mut()
            .ok_or(Error::Unreachable("post-handshake state missing"))?;
        let req = if request_peer {
            KeyUpdateRequest::UPDATE_REQUESTED
        } else {
            KeyUpdateRequest::UPDATE_NOT_REQUESTED
        };
        post.send_key_update(&mut self.tx, req)?;
        self.key_updates_sent = self.key_updates_sent.saturating_add(1);
        Ok(())
    }

    fn post_handshake(&mut self, msg: &handshake::Message) -> Result<(), Error> {
        let post = self
            .post
            .as_mut()
            .ok_or(Error::Unreachable("post-handshake state missing"))?;
        let (is_key_update, answered) = post.handle(&mut self.tx, &mut self.rx, msg)?;
        if let Some(o) = post.pha_mut().and_then(|p| p.take_outcome()) {
            // A server keeps the earlier identity when the client answers
            // with no certificate; reauth_status says which happened.
            if !o.chain.is_empty() {
                self.negotiated.peer_certificates = o.chain;
            }
            if o.scheme.is_some() {
                self.negotiated.client_signature_scheme = o.scheme;
            }
        }
        if answered {
            self.key_updates_sent = self.key_updates_sent.saturating_add(1);
        }
        if is_key_update {
            self.key_updates_received = self.key_updates_received.saturating_add(1);
            self.key_updates_in_a_row = self.key_updates_in_a_row.saturating_add(1);
            if self.key_updates_in_a_row > MAX_KEY_UPDATES_IN_A_ROW {
                return Err(PeerMisbehaved::TooManyKeyUpdates.into());
            }
        }
        Ok(())
    }
}
