//! The std adapter: drives a [`Connection`] over any `Read + Write`
//! transport (blocking or non-blocking) with the semantics QEMU's qcrypto
//! layer gives its callers: `read` returns data, `0` on a clean
//! close_notify, an `UnexpectedEof` error when the transport ends without
//! one (premature termination), and `WouldBlock` passed through unchanged
//! so it stays distinct from failures.

use crate::conn::AppView;
use crate::conn::{AppRead, Connection, Progress};
use crate::error::Error;
use crate::time::UnixTime;
use std::io::{self, BufRead, Read, Write};

/// A TLS connection over a transport.
#[derive(Debug)]
pub struct TlsStream<S> {
    conn: Connection,
    sock: S,
    transport_eof: bool,
}

/// Converts a TLS error into an `io::Error` that keeps it as its source.
pub fn to_io(e: Error) -> io::Error {
    let kind = match e {
        Error::UnexpectedEof => io::ErrorKind::UnexpectedEof,
        _ => io::ErrorKind::InvalidData,
    };
    io::Error::new(kind, e)
}

impl<S: Read + Write> TlsStream<S> {
    /// Wraps a connection and its transport.
    pub fn new(conn: Connection, sock: S) -> Self {
        Self {
            conn,
            sock,
            transport_eof: false,
        }
    }

    /// The connection (negotiated parameters, status).
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection, mutably (key updates, exporters).
    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The transport.
    pub fn get_ref(&self) -> &S {
        &self.sock
    }

    /// Writes all pending TLS output to the transport.
    pub fn flush_tls(&mut self) -> io::Result<()> {
        while self.conn.wants_write() {
            let n = self.sock.write(self.conn.pending_tls())?;
            if n == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            self.conn.consume_tls(n);
        }
        self.sock.flush()
    }

    /// Reads once from the transport into the connection.
    fn fill(&mut self) -> io::Result<usize> {
        let space = self.conn.recv_space();
        if space.is_empty() {
            return Ok(0);
        }
        let n = self.sock.read(space)?;
        if n == 0 {
            self.transport_eof = true;
        }
        self.conn.commit_recv(n);
        Ok(n)
    }

    /// One step of the handshake, like `qcrypto_tls_session_handshake`:
    /// sends what is pending, reads once if input is needed, and returns
    /// the progress. With a blocking transport, call until `Complete`.
    pub fn handshake_step(&mut self) -> io::Result<Progress> {
        loop {
            let p = self.conn.handshake(UnixTime::now()).map_err(|e| {
                // Try to deliver the alert before reporting.
                let _ = self.flush_tls();
                to_io(e)
            })?;
            match p {
                Progress::Complete => return Ok(p),
                Progress::Sending => self.flush_tls()?,
                Progress::Receiving => {
                    if self.transport_eof {
                        return Err(to_io(Error::UnexpectedEof));
                    }
                    self.fill()?;
                }
            }
        }
    }

    /// Runs the handshake to completion (blocking transports).
    pub fn handshake(&mut self) -> io::Result<()> {
        self.handshake_step().map(|_| ())
    }

    /// Processes incoming records until `done` holds (post-handshake
    /// messages, e.g. the client's answer to
    /// [`Connection::request_client_auth`]); application data that arrives
    /// meanwhile is appended to `app`.
    pub fn process_until(
        &mut self,
        mut done: impl FnMut(&Connection) -> bool,
        app: &mut std::vec::Vec<u8>,
    ) -> io::Result<()> {
        let mut buf = [0u8; 4096];
        self.flush_tls()?;
        while !done(&self.conn) {
            let r = self.conn.read(&mut buf);
            self.flush_tls()?;
            match r.map_err(to_io)? {
                AppRead::Data(n) => app.extend_from_slice(buf.get(..n).unwrap_or(&[])),
                AppRead::Closed => return Err(to_io(Error::UnexpectedEof)),
                AppRead::WouldBlock => {
                    if done(&self.conn) {
                        break;
                    }
                    if self.transport_eof {
                        return Err(to_io(Error::UnexpectedEof));
                    }
                    self.fill()?;
                }
            }
        }
        Ok(())
    }

    /// Sends close_notify.
    pub fn bye(&mut self) -> io::Result<()> {
        let _ = self.conn.bye().map_err(to_io)?;
        self.flush_tls()
    }
}

impl<S: Read + Write> Read for TlsStream<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.conn.is_handshake_complete() {
            self.handshake()?;
        }
        loop {
            let r = self.conn.read(buf);
            // Post-handshake messages may have queued output (KeyUpdate).
            self.flush_tls()?;
            match r.map_err(to_io)? {
                AppRead::Data(n) => return Ok(n),
                AppRead::Closed => return Ok(0),
                AppRead::WouldBlock => {
                    if self.transport_eof {
                        return Err(to_io(Error::UnexpectedEof));
                    }
                    self.fill()?;
                }
            }
        }
    }
}

/// Zero-copy reading: `fill_buf` returns the decrypted record where it was
/// decrypted, inside the connection's receive buffer.
impl<S: Read + Write> BufRead for TlsStream<S> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if !self.conn.is_handshake_complete() {
            self.handshake()?;
        }
        loop {
            let r = self.conn.peek_app().map(|v| match v {
                AppView::Data(_) => Some(true),
                AppView::Closed => Some(false),
                AppView::WouldBlock => None,
            });
            // Post-handshake messages may have queued output (KeyUpdate).
            self.flush_tls()?;
            match r.map_err(to_io)? {
                Some(true) => {
                    return match self.conn.peek_app().map_err(to_io)? {
                        AppView::Data(d) => Ok(d),
                        _ => Ok(&[]),
                    };
                }
                Some(false) => return Ok(&[]),
                None => {
                    if self.transport_eof {
                        return Err(to_io(Error::UnexpectedEof));
                    }
                    self.fill()?;
                }
            }
        }
    }

    fn consume(&mut self, amt: usize) {
        self.conn.consume_app(amt);
    }
}

impl<S: Read + Write> Write for TlsStream<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.conn.is_handshake_complete() {
            self.handshake()?;
        }
        let n = self.conn.write(buf).map_err(to_io)?;
        // The data is taken: a transport that would block gets the rest on
        // the next flush, and the caller must not send it again.
        match self.flush_tls() {
            Ok(()) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(n),
            Err(e) => Err(e),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flush_tls()
    }
}
