//! Client and server configuration: resolved once, immutable, shared with
//! `Arc` by every connection made from it.
//!
//! A configuration holds the negotiation policy (suites, groups, signature
//! schemes, PSK modes, flags), the credentials (identities in load order,
//! external PSKs, verifiers) and the crypto provider. Per-connection choices
//! (server name, PSK identity to offer) go to the connection constructor.

use crate::codec::enums::{
    CertificateCompressionAlgorithm, CipherSuite, NamedGroup, PskKeyExchangeMode, SignatureScheme,
};
use crate::error::{ConfigError, Error};
use crate::provider::{CryptoProvider, HashAlgorithm, SigningKey};
use crate::verify::{ClientCertVerifier, ServerCertVerifier};
use crate::x509;
use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use zeroize::Zeroizing;

/// The largest handshake message we accept by default (a chain of several
/// ML-DSA-87 certificates fits comfortably).
pub const DEFAULT_MAX_HANDSHAKE_MESSAGE: usize = 128 * 1024;
/// The longest certificate chain we accept from a peer by default.
pub const DEFAULT_MAX_CHAIN_LEN: usize = 16;

/// A certificate chain with its private key: one identity of the
/// credential set, tried in load order.
#[derive(Debug, Clone)]
pub struct Identity {
    /// DER certificates, leaf first.
    pub chain: Vec<Vec<u8>>,
    /// The leaf's private key.
    pub key: Arc<dyn SigningKey>,
    /// The signature algorithm of each certificate in `chain` (leaf first),
    /// as TLS names them, for matching signature_algorithms_cert.
    pub chain_schemes: Vec<&'static [SignatureScheme]>,
}

impl Identity {
    /// Builds an identity, checking that the key belongs to the leaf.
    pub fn new(chain: Vec<Vec<u8>>, key: Arc<dyn SigningKey>) -> Result<Self, Error> {
        let leaf = chain.first().ok_or(ConfigError::NoCredentials)?;
        let summary = x509::summarize(leaf)?;
        if summary.spki != key.public_key_spki().as_slice() {
            return Err(ConfigError::BadPrivateKey.into());
        }
        let mut chain_schemes = Vec::with_capacity(chain.len());
        for cert in &chain {
            let s = x509::summarize(cert)?;
            chain_schemes.push(x509::cert_signature_schemes(s.signature_algorithm));
        }
        Ok(Self {
            chain,
            key,
            chain_schemes,
        })
    }

    /// The first of our key's schemes the peer accepts, if the peer also
    /// accepts every signature in our chain (RFC 8446 §4.2.3, §4.4.2.2).
    /// `peer_cert_schemes` is signature_algorithms_cert when the peer sent
    /// it, else signature_algorithms.
    pub fn compatible_scheme(
        &self,
        peer_schemes: &[SignatureScheme],
        peer_cert_schemes: &[SignatureScheme],
        our_schemes: &[SignatureScheme],
    ) -> Option<SignatureScheme> {
        let scheme = self
            .key
            .schemes()
            .iter()
            .copied()
            .find(|s| peer_schemes.contains(s) && our_schemes.contains(s))?;
        // The trust anchor's self-signature is never checked, so a one-element
        // chain, or the last element of a longer one, need not match.
        let checked = self.chain_schemes.len().saturating_sub(1).max(1);
        let ok = self
            .chain_schemes
            .iter()
            .take(checked)
            .all(|algs| algs.iter().any(|a| peer_cert_schemes.contains(a)));
        ok.then_some(scheme)
    }
}

/// An external pre-shared key (RFC 8446 §4.2.11): identity, secret and the
/// hash it is used with (SHA-256 unless configured otherwise, as GnuTLS).
#[derive(Clone)]
pub struct ExternalPsk {
    /// The identity sent on the wire.
    pub identity: Vec<u8>,
    /// The key, zeroized on drop.
    pub key: Zeroizing<Vec<u8>>,
    /// The PRF hash of this PSK.
    pub hash: HashAlgorithm,
}

impl ExternalPsk {
    /// A SHA-256 external PSK.
    pub fn new(identity: &[u8], key: &[u8]) -> Self {
        Self {
            identity: identity.to_vec(),
            key: Zeroizing::new(key.to_vec()),
            hash: HashAlgorithm::Sha256,
        }
    }
}

impl fmt::Debug for ExternalPsk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExternalPsk")
            .field("identity_len", &self.identity.len())
            .field("hash", &self.hash)
            .finish_non_exhaustive()
    }
}

/// Where a server finds external PSKs. Called on every handshake, so a
/// store may re-read its file each time (GnuTLS's `keys.psk` behaviour).
pub trait PskStore: Send + Sync + fmt::Debug {
    /// The key for `identity`, or `None` when unknown. An unknown identity
    /// is handled exactly like a wrong key (no identity enumeration).
    fn lookup(&self, identity: &[u8]) -> Option<ExternalPsk>;
}

/// A fixed list of external PSKs.
#[derive(Debug, Clone, Default)]
pub struct PskList(pub Vec<ExternalPsk>);

impl PskStore for PskList {
    fn lookup(&self, identity: &[u8]) -> Option<ExternalPsk> {
        self.0.iter().find(|p| p.identity == identity).cloned()
    }
}

/// Whether and how a server asks for client certificates.
#[derive(Debug, Clone)]
pub enum ClientAuth {
    /// No CertificateRequest.
    None,
    /// Request a certificate; a client may send none (QEMU's x509 servers).
    /// A certificate that is sent is verified.
    Request(Arc<dyn ClientCertVerifier>),
    /// Require a verified certificate.
    Require(Arc<dyn ClientCertVerifier>),
}

/// The negotiation policy shared by both sides.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Cipher suites in preference order.
    pub suites: Vec<CipherSuite>,
    /// Key-exchange groups in preference order.
    pub groups: Vec<NamedGroup>,
    /// Signature schemes accepted in CertificateVerify and offered in
    /// signature_algorithms, in preference order.
    pub signature_schemes: Vec<SignatureScheme>,
    /// Schemes accepted for certificate signatures (signature_algorithms_cert);
    /// `None` sends no such extension (the peer uses signature_algorithms).
    pub cert_signature_schemes: Option<Vec<SignatureScheme>>,
    /// PSK key-exchange modes allowed, preferred first.
    pub psk_modes: Vec<PskKeyExchangeMode>,
    /// Send a fake session id and ChangeCipherSpec (RFC 8446 §D.4), as GnuTLS does.
    pub middlebox_compat: bool,
    /// The server's preference wins over the client's (%SERVER_PRECEDENCE).
    pub server_precedence: bool,
    /// The record_size_limit we advertise (RFC 8449), if any.
    pub record_size_limit: Option<u16>,
    /// Largest handshake message accepted.
    pub max_handshake_message: usize,
    /// Longest peer certificate chain accepted.
    pub max_chain_len: usize,
    /// Session tickets and resumption (off with GnuTLS `%NO_TICKETS`): a
    /// server issues and accepts tickets only when this is set (and it has a
    /// [`crate::session_store::TicketConfig`]); a client stores and offers
    /// them only when it is.
    pub tickets: bool,
}

impl Policy {
    /// qtls's native default: post-quantum hybrid first, every TLS 1.3 suite,
    /// ML-DSA and classical signatures.
    pub fn default_for(provider: &dyn CryptoProvider) -> Self {
        let preferred = [
            NamedGroup::X25519MLKEM768,
            NamedGroup::X25519,
            NamedGroup::SECP256R1,
            NamedGroup::SECP384R1,
            NamedGroup::SECP521R1,
            NamedGroup::SECP256R1MLKEM768,
            NamedGroup::SECP384R1MLKEM1024,
            NamedGroup::FFDHE2048,
            NamedGroup::FFDHE3072,
            NamedGroup::FFDHE4096,
            NamedGroup::FFDHE6144,
            NamedGroup::FFDHE8192,
        ];
        let groups = preferred
            .iter()
            .copied()
            .filter(|g| provider.kx_group(*g).is_some())
            .collect();
        Self {
            suites: alloc::vec![
                CipherSuite::TLS_AES_256_GCM_SHA384,
                CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
                CipherSuite::TLS_AES_128_GCM_SHA256,
                CipherSuite::TLS_AES_128_CCM_SHA256,
            ],
            groups,
            signature_schemes: alloc::vec![
                SignatureScheme::MLDSA65,
                SignatureScheme::MLDSA87,
                SignatureScheme::MLDSA44,
                SignatureScheme::ECDSA_SECP256R1_SHA256,
                SignatureScheme::ECDSA_SECP384R1_SHA384,
                SignatureScheme::ECDSA_SECP521R1_SHA512,
                SignatureScheme::ED25519,
                SignatureScheme::RSA_PSS_RSAE_SHA256,
                SignatureScheme::RSA_PSS_RSAE_SHA384,
                SignatureScheme::RSA_PSS_RSAE_SHA512,
                SignatureScheme::RSA_PSS_PSS_SHA256,
                SignatureScheme::RSA_PSS_PSS_SHA384,
                SignatureScheme::RSA_PSS_PSS_SHA512,
                SignatureScheme::RSA_PKCS1_SHA256,
                SignatureScheme::RSA_PKCS1_SHA384,
                SignatureScheme::RSA_PKCS1_SHA512,
            ],
            cert_signature_schemes: None,
            psk_modes: alloc::vec![PskKeyExchangeMode::PSK_DHE_KE, PskKeyExchangeMode::PSK_KE],
            middlebox_compat: true,
            server_precedence: false,
            record_size_limit: None,
            max_handshake_message: DEFAULT_MAX_HANDSHAKE_MESSAGE,
            max_chain_len: DEFAULT_MAX_CHAIN_LEN,
            tickets: true,
        }
    }

    /// Schemes allowed in a TLS 1.3 CertificateVerify: the policy's list
    /// without PKCS#1 v1.5 and SHA-1 (RFC 8446 §4.2.3).
    pub fn tls13_signature_schemes(&self) -> impl Iterator<Item = SignatureScheme> + '_ {
        self.signature_schemes
            .iter()
            .copied()
            .filter(|s| crate::provider::SignatureAlgorithm::for_tls13_scheme(*s).is_some())
    }
}

/// Configuration of client connections.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The crypto provider.
    pub provider: Arc<dyn CryptoProvider>,
    /// Negotiation policy.
    pub policy: Policy,
    /// Verifies the server's certificate chain.
    pub verifier: Arc<dyn ServerCertVerifier>,
    /// Client identities for certificate authentication, in load order.
    pub identities: Vec<Identity>,
    /// External PSKs to offer (first is offered; more are offered in order).
    pub psks: Vec<ExternalPsk>,
    /// ALPN protocols to offer, preferred first.
    pub alpn: Vec<Vec<u8>>,
    /// Send server_name (QEMU clients send none).
    pub send_sni: bool,
    /// How many key shares to send in the first ClientHello (1 or 2).
    pub key_shares: usize,
    /// Offer post_handshake_auth (RFC 8446 §4.2.6) and answer a server's
    /// post-handshake CertificateRequest from `identities` (with an empty
    /// Certificate when none fits). Off by default, as in GnuTLS, where a
    /// client opts in with `GNUTLS_POST_HANDSHAKE_AUTH`: QEMU never does, so
    /// its ClientHello stays the same.
    pub post_handshake_auth: bool,
    /// Certificate compression algorithms (RFC 8879) we accept for the
    /// server's certificate, and may use for our own when the server's
    /// CertificateRequest allows, preferred first. Empty (off) by default,
    /// as in GnuTLS; see [`crate::codec::compress::supported_algorithms`].
    pub cert_compression: Vec<CertificateCompressionAlgorithm>,
    /// Where tickets are kept and found (per server name); `None` disables
    /// resumption on this client.
    pub session_store: Option<Arc<dyn crate::session_store::ClientSessionStore>>,
}

impl ClientConfig {
    /// A client with the default policy and the given verifier.
    pub fn new(provider: Arc<dyn CryptoProvider>, verifier: Arc<dyn ServerCertVerifier>) -> Self {
        let policy = Policy::default_for(provider.as_ref());
        Self {
            provider,
            policy,
            verifier,
            identities: Vec::new(),
            psks: Vec::new(),
            alpn: Vec::new(),
            send_sni: true,
            key_shares: 2,
            post_handshake_auth: false,
            cert_compression: Vec::new(),
            session_store: None,
        }
    }

    /// Checks the configuration can make a handshake.
    pub fn validate(&self) -> Result<(), Error> {
        validate_policy(&self.policy)
    }
}

/// Configuration of server connections.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The crypto provider.
    pub provider: Arc<dyn CryptoProvider>,
    /// Negotiation policy.
    pub policy: Policy,
    /// Certificate identities in load order; the first compatible one is used.
    pub identities: Vec<Identity>,
    /// External PSKs, looked up on every handshake.
    pub psk_store: Option<Arc<dyn PskStore>>,
    /// Client certificate policy.
    pub client_auth: ClientAuth,
    /// ALPN protocols we accept, preferred first.
    pub alpn: Vec<Vec<u8>>,
    /// Send a cookie in every HelloRetryRequest.
    pub hrr_cookie: bool,
    /// Certificate compression algorithms (RFC 8879) we use for our
    /// certificate when the client offers one, and accept for the client's,
    /// preferred first. Empty (off) by default, as in GnuTLS.
    pub cert_compression: Vec<CertificateCompressionAlgorithm>,
    /// With a client verifier: send no CertificateRequest during the
    /// handshake to a client that offered post_handshake_auth, leaving the
    /// application to authenticate it later with
    /// [`crate::conn::Connection::request_client_auth`] (`Require` then
    /// applies to that request). Clients without post_handshake_auth are
    /// asked during the handshake as usual.
    pub defer_client_auth: bool,
    /// Session tickets to issue and accept; `None` issues none.
    pub tickets: Option<crate::session_store::TicketConfig>,
    /// Whether 0-RTT is accepted (needs `tickets`); `None` rejects it.
    pub early_data: Option<crate::session_store::EarlyDataConfig>,
}

impl ServerConfig {
    /// A server with the default policy and no credentials yet.
    pub fn new(provider: Arc<dyn CryptoProvider>) -> Self {
        let policy = Policy::default_for(provider.as_ref());
        Self {
            provider,
            policy,
            identities: Vec::new(),
            psk_store: None,
            client_auth: ClientAuth::None,
            alpn: Vec::new(),
            hrr_cookie: false,
            cert_compression: Vec::new(),
            defer_client_auth: false,
            tickets: None,
            early_data: None,
        }
    }

    /// Checks the configuration can make a handshake.
    pub fn validate(&self) -> Result<(), Error> {
        validate_policy(&self.policy)?;
        if self.identities.is_empty() && self.psk_store.is_none() {
            return Err(ConfigError::NoCredentials.into());
        }
        if let Some(e) = &self.early_data {
            let cache = self.tickets.as_ref().and_then(|t| t.cache.as_ref());
            if matches!(
                e.anti_replay,
                crate::session_store::AntiReplay::SingleUseTickets
            ) && cache.is_none()
            {
                return Err(ConfigError::InvalidParameter(
                    "single-use 0-RTT tickets need a session cache",
                )
                .into());
            }
        }
        Ok(())
    }
}

fn validate_policy(p: &Policy) -> Result<(), Error> {
    if !p.suites.iter().any(|s| crate::suites::lookup(*s).is_some()) {
        return Err(ConfigError::NoCipherSuites.into());
    }
    if p.groups.is_empty() && !p.psk_modes.contains(&PskKeyExchangeMode::PSK_KE) {
        return Err(ConfigError::NoGroups.into());
    }
    if p.record_size_limit.is_some_and(|l| l < 64) {
        return Err(ConfigError::InvalidParameter("record_size_limit below 64").into());
    }
    Ok(())
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<ClientConfig>();
    is::<ServerConfig>();
    let _: Option<Box<dyn PskStore>> = None;
}
