//! A TLS session with the shape of QEMU's `qcrypto_tls_session_*` API
//! (reference §1.5, §1.8, §1.9): created from credentials, a hostname and
//! an authz id; driven one non-blocking step at a time over a transport
//! whose `WouldBlock` is QEMU's `QCRYPTO_TLS_SESSION_ERR_BLOCK`; peer checks
//! after the handshake in `check_credentials`; errors worded as QEMU's.
//!
//! As in QEMU, the handshake itself does not judge the peer's certificate
//! (GnuTLS only checks the CertificateVerify signature then); the chain,
//! times, DN authorization and hostname are checked by
//! [`QemuTlsSession::check_credentials`], which QEMU callers run right
//! after the handshake completes. QEMU clients send no SNI.

use super::creds::{PskCreds, X509Creds};
use super::objects::Objects;
use super::{Endpoint, QemuError, Result, fsutil, qerr};
use crate::config::Policy;
use crate::conn::{AppRead, Connection, Progress};
use crate::error::{Error, PeerIncompatible, PeerMisbehaved};
use crate::policy::{QemuCredsType, ResolvedPriority, load_system_config, qemu_priority};
use crate::provider::CryptoProvider;
use crate::time::UnixTime;
use crate::x509::{self, Certificate, Options, Purpose, Verifier};
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use std::io::{self, Read, Write};

/// QEMU's `QCryptoTLSSessionHandshakeStatus` (also used for `bye`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeStatus {
    /// Done.
    Complete,
    /// Blocked sending: wait until the transport is writable, call again.
    Sending,
    /// Blocked receiving: wait until the transport is readable, call again.
    Recving,
}

/// Why a `read` or `write` returned no data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionIoError {
    /// `QCRYPTO_TLS_SESSION_ERR_BLOCK`: the transport would block.
    Block,
    /// `QCRYPTO_TLS_SESSION_PREMATURE_TERMINATION`: the transport ended
    /// without close_notify (the error text is QEMU's).
    PrematureTermination(QemuError),
    /// Any other failure.
    Failed(QemuError),
}

/// Credentials a session is made from.
#[derive(Debug, Clone)]
pub enum TlsCreds {
    /// `tls-creds-x509`.
    X509(Arc<X509Creds>),
    /// `tls-creds-psk`.
    Psk(Arc<PskCreds>),
}

impl TlsCreds {
    fn endpoint(&self) -> Endpoint {
        match self {
            TlsCreds::X509(c) => c.options.endpoint,
            TlsCreds::Psk(c) => match c.as_ref() {
                PskCreds::Server { .. } => Endpoint::Server,
                PskCreds::Client { .. } => Endpoint::Client,
            },
        }
    }

    /// `qcrypto_tls_creds_check_endpoint`.
    pub fn check_endpoint(&self, endpoint: Endpoint) -> Result<()> {
        if self.endpoint() == endpoint {
            Ok(())
        } else {
            qerr!(
                "Expected TLS credentials for a {} endpoint",
                endpoint.role()
            )
        }
    }

    /// `qcrypto_tls_creds_get_priority`: the `priority` property (or
    /// `NORMAL`) plus the credential type's suffix.
    pub fn priority(&self) -> String {
        match self {
            TlsCreds::X509(c) => qemu_priority(c.options.priority.as_deref(), QemuCredsType::X509),
            TlsCreds::Psk(c) => {
                let p = match c.as_ref() {
                    PskCreds::Server { priority, .. } | PskCreds::Client { priority, .. } => {
                        priority.as_deref()
                    }
                };
                qemu_priority(p, QemuCredsType::Psk)
            }
        }
    }
}

/// Turns a full GnuTLS priority string into a policy, or gives GnuTLS's
/// error text (`The request is invalid.`, ...) for QEMU's message.
pub type PriorityResolver = fn(&str, &dyn CryptoProvider) -> core::result::Result<Policy, String>;

/// The resolver QEMU's GnuTLS applies: the priority string with the
/// system configuration (`@KEYWORD`s, `GNUTLS_SYSTEM_PRIORITY_FILE`).
pub fn gnutls_priority_resolver(
    priority: &str,
    provider: &dyn CryptoProvider,
) -> core::result::Result<Policy, String> {
    // A malformed system file only matters with
    // GNUTLS_SYSTEM_PRIORITY_FAIL_ON_INVALID=1; GnuTLS then refuses it all.
    let system = load_system_config().map_err(|_| String::from("The request is invalid."))?;
    let resolved = ResolvedPriority::parse(priority, system.as_ref()).map_err(|e| e.to_string())?;
    resolved
        .to_policy(&Policy::default_for(provider), provider)
        .map_err(|e| e.to_string())
}

/// `gnutls_strerror` of the GnuTLS error an engine error corresponds to.
fn gnutls_strerror(e: &Error) -> String {
    match e {
        Error::AlertReceived(_) => "A TLS fatal alert has been received.".into(),
        Error::UnexpectedEof => "The TLS connection was non-properly terminated.".into(),
        Error::DecryptError => "Decryption has failed.".into(),
        Error::RecordOverflow => "A record packet with illegal version was received.".into(),
        Error::PeerIncompatible(PeerIncompatible::NoTls13) => {
            "A packet with illegal or unsupported version was received.".into()
        }
        Error::PeerIncompatible(PeerIncompatible::NoCommonCipherSuite) => {
            "Could not negotiate a supported cipher suite.".into()
        }
        Error::PeerIncompatible(PeerIncompatible::NoCommonGroup) => {
            "No common key share with peer.".into()
        }
        Error::PeerIncompatible(PeerIncompatible::NoCommonSignatureScheme) => {
            "No supported signature algorithm was found.".into()
        }
        Error::PeerIncompatible(PeerIncompatible::CertificateRequired) => {
            "Insufficient credentials for that request.".into()
        }
        Error::PeerMisbehaved(PeerMisbehaved::BadSignature) => {
            "Public key signature verification has failed.".into()
        }
        Error::PeerMisbehaved(PeerMisbehaved::BadBinder) => {
            "Illegal parameter has been received.".into()
        }
        Error::PeerMisbehaved(_) | Error::InvalidMessage(_) => {
            "An unexpected TLS packet was received.".into()
        }
        other => other.to_string(),
    }
}

/// What the session verifies after the handshake.
#[derive(Debug, Clone)]
enum Checks {
    /// PSK: nothing (QEMU traces "nop").
    None,
    /// x509 with verify-peer off (QEMU traces "skip").
    Skip,
    /// x509 with verify-peer on.
    Peer(Arc<X509Creds>),
}

/// A QEMU-style TLS session over transport `S`.
pub struct QemuTlsSession<S> {
    conn: Connection,
    io: S,
    endpoint: Endpoint,
    hostname: Option<String>,
    authzid: Option<String>,
    objects: Arc<Objects>,
    checks: Checks,
    peer_name: Option<String>,
    transport_eof: bool,
}

impl<S> core::fmt::Debug for QemuTlsSession<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("QemuTlsSession")
            .field("endpoint", &self.endpoint)
            .field("conn", &self.conn)
            .finish_non_exhaustive()
    }
}

/// Options of a session beyond QEMU's four arguments.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// Where authz ids are resolved.
    pub objects: Arc<Objects>,
    /// The crypto provider.
    pub provider: Arc<dyn CryptoProvider>,
    /// Priority string → policy.
    pub resolver: PriorityResolver,
}

impl<S: Read + Write> QemuTlsSession<S> {
    /// `qcrypto_tls_session_new` (plus the transport QEMU passes later with
    /// `set_callbacks`).
    pub fn new(
        creds: &TlsCreds,
        hostname: Option<&str>,
        authzid: Option<&str>,
        endpoint: Endpoint,
        io: S,
        opts: &SessionOptions,
    ) -> Result<Self> {
        if creds.endpoint() != endpoint {
            return qerr!("Credentials endpoint doesn't match session");
        }
        let prio = creds.priority();
        // QEMU validates the priority string only here, at session creation.
        let policy = (opts.resolver)(&prio, opts.provider.as_ref()).map_err(|e| {
            QemuError::new(alloc::format!(
                "Unable to set TLS session priority {prio}: {e}"
            ))
        })?;
        let cannot = |e: Error| {
            QemuError::new(alloc::format!(
                "Cannot set session credentials: {}",
                gnutls_strerror(&e)
            ))
        };
        let provider = opts.provider.clone();
        let (conn, checks) = match (creds, endpoint) {
            (TlsCreds::X509(c), Endpoint::Server) => (
                Connection::server(Arc::new(c.server_config(provider, policy))).map_err(cannot)?,
                x509_checks(c),
            ),
            (TlsCreds::X509(c), Endpoint::Client) => (
                Connection::client(Arc::new(c.client_config(provider, policy)), None)
                    .map_err(cannot)?,
                x509_checks(c),
            ),
            (TlsCreds::Psk(c), _) => {
                let conn = match c.as_ref() {
                    PskCreds::Server { .. } => c
                        .server_config(provider, policy)
                        .map(|cfg| Connection::server(Arc::new(cfg))),
                    PskCreds::Client { .. } => c
                        .client_config(provider, policy)
                        .map(|cfg| Connection::client(Arc::new(cfg), None)),
                };
                match conn {
                    Some(r) => (r.map_err(cannot)?, Checks::None),
                    None => return qerr!("Credentials endpoint doesn't match session"),
                }
            }
        };
        Ok(Self {
            conn,
            io,
            endpoint,
            hostname: hostname.map(Into::into),
            authzid: authzid.map(Into::into),
            objects: opts.objects.clone(),
            checks,
            peer_name: None,
            transport_eof: false,
        })
    }

    /// The engine connection (negotiated parameters).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The transport.
    pub fn transport(&self) -> &S {
        &self.io
    }

    /// Sends pending output. `Ok(true)` when all went out, `Ok(false)` when
    /// the transport would block.
    pub fn flush(&mut self) -> io::Result<bool> {
        while self.conn.wants_write() {
            match self.io.write(self.conn.pending_tls()) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.conn.consume_tls(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        match self.io.flush() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(false),
            r => r.map(|()| true),
        }
    }

    /// Reads once from the transport: `Ok(Some(n))`, `Ok(None)` would block.
    fn fill(&mut self) -> io::Result<Option<usize>> {
        let space = self.conn.recv_space();
        if space.is_empty() {
            return Ok(Some(0));
        }
        loop {
            match self.io.read(space) {
                Ok(n) => {
                    if n == 0 {
                        self.transport_eof = true;
                    }
                    self.conn.commit_recv(n);
                    return Ok(Some(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// `qcrypto_tls_session_handshake`: advances the handshake as far as
    /// the transport allows.
    pub fn handshake(&mut self) -> Result<HandshakeStatus> {
        let push_err = |e: io::Error| {
            QemuError::new(alloc::format!(
                "TLS handshake failed: Error in the push function.: {}",
                fsutil::strerror(&e)
            ))
        };
        loop {
            match self.flush() {
                Ok(true) => {}
                Ok(false) => return Ok(HandshakeStatus::Sending),
                Err(e) => return Err(push_err(e)),
            }
            let progress = match self.conn.handshake(UnixTime::now()) {
                Ok(p) => p,
                Err(e) => {
                    // Deliver our alert if we can; the error is what counts.
                    let _ = self.flush();
                    return qerr!("TLS handshake failed: {}", gnutls_strerror(&e));
                }
            };
            match progress {
                Progress::Complete => return Ok(HandshakeStatus::Complete),
                Progress::Sending => continue,
                Progress::Receiving => {
                    if self.transport_eof {
                        return qerr!(
                            "TLS handshake failed: {}",
                            gnutls_strerror(&Error::UnexpectedEof)
                        );
                    }
                    match self.fill() {
                        Ok(Some(_)) => continue,
                        Ok(None) => return Ok(HandshakeStatus::Recving),
                        Err(e) => {
                            return qerr!(
                                "TLS handshake failed: Error in the pull function.: {}",
                                fsutil::strerror(&e)
                            );
                        }
                    }
                }
            }
        }
    }

    /// `qcrypto_tls_session_check_credentials` (§1.5): call after the
    /// handshake completes.
    pub fn check_credentials(&mut self) -> Result<()> {
        let creds = match &self.checks {
            Checks::None | Checks::Skip => return Ok(()),
            Checks::Peer(c) => c.clone(),
        };
        let now = UnixTime::now();
        let chain = self.conn.negotiated().peer_certificates.clone();
        if chain.is_empty() {
            return qerr!("Verify failed: No certificate was found.");
        }
        // Chain against ca-cert.pem (+ the CRL on servers); no purpose or
        // name here: QEMU checks the name itself below.
        let options = Options {
            purpose: Purpose::Any,
            ..Options::server()
        };
        let mut verifier = Verifier::new(creds.ca_certs.clone(), creds.provider.clone(), options)
            .map_err(|e| {
            QemuError::new(alloc::format!("Verify failed: {}", e.reason.gnutls_text()))
        })?;
        if self.endpoint == Endpoint::Server && !creds.crls.is_empty() {
            verifier = verifier.with_crls(creds.crls.clone()).map_err(|e| {
                QemuError::new(alloc::format!("Verify failed: {}", e.reason.gnutls_text()))
            })?;
        }
        let refs: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
        if let Err(e) = verifier.verify(&refs, None, now) {
            return Err(QemuError::new(e.reason.gnutls_text()));
        }
        let now_s = i64::try_from(now.0).unwrap_or(i64::MAX);
        for (i, der) in chain.iter().enumerate() {
            let cert = Certificate::parse(der).map_err(|_| {
                QemuError::new("Cannot import certificate: ASN1 parser: Error in DER parsing.")
            })?;
            let (not_before, not_after) = cert.validity();
            if not_after < now_s {
                return qerr!("The certificate has expired");
            }
            if not_before > now_s {
                return qerr!("The certificate is not yet activated");
            }
            if i == 0 {
                let dn = x509::dn_string(cert.subject_der()).ok_or_else(|| {
                    QemuError::new(
                        "Cannot get client distinguished name: ASN1 parser: Error in DER parsing.",
                    )
                })?;
                self.peer_name = Some(dn.clone());
                if let Some(id) = &self.authzid {
                    if !self.objects.authz_is_allowed(id, &dn)? {
                        return qerr!("TLS x509 authz check for {dn} is denied");
                    }
                }
                match &self.hostname {
                    Some(host) if !x509::check_hostname(&cert, host) => {
                        return qerr!("Certificate does not match the hostname {host}");
                    }
                    Some(_) => {}
                    None if self.endpoint == Endpoint::Client => {
                        return qerr!("No hostname for certificate validation");
                    }
                    None => {}
                }
            }
        }
        Ok(())
    }

    /// `qcrypto_tls_session_write`: encrypts and sends `buf`.
    pub fn write(&mut self, buf: &[u8]) -> core::result::Result<usize, SessionIoError> {
        let io_err = |e: io::Error| SessionIoError::Failed(QemuError::new(fsutil::strerror(&e)));
        // Old output first, so records stay in order and memory bounded.
        if !self.flush().map_err(io_err)? {
            return Err(SessionIoError::Block);
        }
        let n = self.conn.write(buf).map_err(|e| {
            SessionIoError::Failed(QemuError::new(alloc::format!(
                "Cannot write to TLS channel: {}",
                gnutls_strerror(&e)
            )))
        })?;
        // Accepted data stays queued if the transport blocks now; the next
        // call (or `flush`) sends it.
        self.flush().map_err(io_err)?;
        Ok(n)
    }

    /// `qcrypto_tls_session_read`: decrypted data, `Ok(0)` after the peer's
    /// close_notify.
    pub fn read(&mut self, buf: &mut [u8]) -> core::result::Result<usize, SessionIoError> {
        let read_err = |e: &Error| {
            QemuError::new(alloc::format!(
                "Cannot read from TLS channel: {}",
                gnutls_strerror(e)
            ))
        };
        loop {
            let r = self.conn.read(buf);
            // KeyUpdate answers may be queued; a blocked transport keeps them.
            let _ = self.flush();
            match r {
                Ok(AppRead::Data(n)) => return Ok(n),
                Ok(AppRead::Closed) => return Ok(0),
                Ok(AppRead::WouldBlock) => {
                    if self.transport_eof {
                        return Err(SessionIoError::PrematureTermination(read_err(
                            &Error::UnexpectedEof,
                        )));
                    }
                    match self.fill() {
                        Ok(Some(_)) => continue,
                        Ok(None) => return Err(SessionIoError::Block),
                        Err(e) => {
                            return Err(SessionIoError::Failed(QemuError::new(fsutil::strerror(
                                &e,
                            ))));
                        }
                    }
                }
                Err(Error::UnexpectedEof) => {
                    return Err(SessionIoError::PrematureTermination(read_err(
                        &Error::UnexpectedEof,
                    )));
                }
                Err(e) => return Err(SessionIoError::Failed(read_err(&e))),
            }
        }
    }

    /// `qcrypto_tls_session_check_pending`: decrypted bytes ready to read.
    pub fn check_pending(&self) -> usize {
        self.conn.check_pending()
    }

    /// `qcrypto_tls_session_bye`: sends close_notify (`GNUTLS_SHUT_WR`, so
    /// never waits for the peer's); `Complete` at once when the handshake
    /// never completed.
    pub fn bye(&mut self) -> Result<HandshakeStatus> {
        if !self.conn.is_handshake_complete() {
            return Ok(HandshakeStatus::Complete);
        }
        if let Err(e) = self.conn.bye() {
            return qerr!("TLS termination failed: {}", gnutls_strerror(&e));
        }
        match self.flush() {
            Ok(true) => Ok(HandshakeStatus::Complete),
            Ok(false) => Ok(HandshakeStatus::Sending),
            Err(e) => qerr!(
                "TLS termination failed: Error in the push function.: {}",
                fsutil::strerror(&e)
            ),
        }
    }

    /// `qcrypto_tls_session_get_key_size`: the record cipher's key size in
    /// bytes (VNC uses it as the SASL SSF).
    pub fn key_size(&self) -> Result<usize> {
        let n = self.conn.negotiated().key_size;
        if !self.conn.is_handshake_complete() || n == 0 {
            return qerr!("Cannot get TLS cipher key size");
        }
        Ok(n)
    }

    /// `qcrypto_tls_session_get_peer_name`: the peer's DN, set by
    /// `check_credentials` for x509 with verify-peer on.
    pub fn peer_name(&self) -> Option<&str> {
        self.peer_name.as_deref()
    }

    /// `qcrypto_tls_session_require_thread_safety`: a no-op here (the
    /// GnuTLS bug it works around does not exist in this engine).
    pub fn require_thread_safety(&mut self) {}
}

fn x509_checks(c: &Arc<X509Creds>) -> Checks {
    if c.options.verify_peer {
        Checks::Peer(c.clone())
    } else {
        Checks::Skip
    }
}
