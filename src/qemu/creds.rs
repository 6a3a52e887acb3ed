//! `tls-creds-x509` and `tls-creds-psk` credentials loaded from a QEMU
//! credentials directory (reference §1.1–§1.4, §1.6), with QEMU's file
//! names, load order, presence rules and messages.
//!
//! A load either returns complete credentials or an error: nothing is
//! published half-loaded. [`X509CredsHandle::reload`] re-runs the whole
//! load and keeps the previous credentials when it fails; sessions hold an
//! `Arc` of the credentials they started with.

use super::fsutil::{self, creds_path};
use super::keys;
use super::objects::Objects;
use super::psk::{self, ClientPsk, PSK_FILE};
use super::sanity::{self, Problem};
use super::{Endpoint, QemuError, Result, qerr};
use crate::config::{
    ClientAuth, ClientConfig, ExternalPsk, Identity, Policy, PskStore, ServerConfig,
};
use crate::provider::{CryptoProvider, SigningKey};
use crate::time::UnixTime;
use crate::verify::DangerousNoVerification;
use crate::x509::Certificate;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use std::sync::RwLock;

/// `ca-cert.pem`.
pub const CA_CERT: &str = "ca-cert.pem";
/// `ca-crl.pem`.
pub const CA_CRL: &str = "ca-crl.pem";
/// `dh-params.pem`.
pub const DH_PARAMS: &str = "dh-params.pem";
/// QEMU 10.2 loads up to four indexed identities besides the default one.
pub const IDENTITY_MAX: usize = 4;

/// GnuTLS's `gnutls_strerror` texts that reach QEMU's messages.
mod gnutls_err {
    pub(super) const NO_CERTIFICATE_FOUND: &str = "No certificate was found.";
    pub(super) const BASE64_DECODING: &str = "Base64 decoding error.";
    pub(super) const BASE64_UNEXPECTED_HEADER: &str = "Base64 unexpected header error.";
    pub(super) const DER_PARSING: &str = "ASN1 parser: Error in DER parsing.";
    pub(super) const KEY_MISMATCH: &str = "The certificate and the given key do not match.";
    pub(super) const FILE_ERROR: &str = "Error while reading file.";
}

/// The properties of a `tls-creds-x509` object.
#[derive(Debug, Clone)]
pub struct X509Options {
    /// `dir` (required).
    pub dir: Option<String>,
    /// `endpoint` (QEMU's default is `client`).
    pub endpoint: Endpoint,
    /// `verify-peer` (default on).
    pub verify_peer: bool,
    /// `sanity-check` (default on).
    pub sanity_check: bool,
    /// `passwordid`: the secret holding the password of every key file.
    pub passwordid: Option<String>,
    /// `priority`: a GnuTLS priority string (unset: the build default).
    pub priority: Option<String>,
}

impl X509Options {
    /// QEMU's defaults for `dir` and `endpoint`.
    pub fn new(dir: &str, endpoint: Endpoint) -> Self {
        Self {
            dir: Some(dir.to_string()),
            endpoint,
            verify_peer: true,
            sanity_check: true,
            passwordid: None,
            priority: None,
        }
    }
}

/// One loaded identity: a certificate chain and its private key.
#[derive(Debug, Clone)]
pub struct LoadedIdentity {
    /// The certificate file.
    pub cert_path: String,
    /// The key file.
    pub key_path: String,
    /// DER certificates of the cert file, leaf first.
    pub chain: Vec<Vec<u8>>,
    /// The private key.
    pub key: Arc<dyn SigningKey>,
    /// The handshake identity (chain, key and chain signature schemes).
    pub identity: Identity,
}

/// Loaded x509 credentials.
#[derive(Debug, Clone)]
pub struct X509Creds {
    /// The properties they were loaded with.
    pub options: X509Options,
    /// `<dir>/ca-cert.pem`.
    pub ca_path: String,
    /// DER trust anchors from `ca-cert.pem`.
    pub ca_certs: Vec<Vec<u8>>,
    /// DER CRLs from `ca-crl.pem` (servers only).
    pub crls: Vec<Vec<u8>>,
    /// Identities in load order (the default pair, then `-0` .. `-3`).
    pub identities: Vec<LoadedIdentity>,
    /// Deprecation warnings QEMU prints with `warn_report_once`.
    pub warnings: Vec<String>,
    /// The crypto provider used for keys and verification.
    pub provider: Arc<dyn CryptoProvider>,
}

/// The file names of identity `index` (`None`: the default pair).
pub fn identity_files(endpoint: Endpoint, index: Option<usize>) -> (String, String) {
    let role = endpoint.role();
    match index {
        None => (
            alloc::format!("{role}-cert.pem"),
            alloc::format!("{role}-key.pem"),
        ),
        Some(i) => (
            alloc::format!("{role}-cert-{i}.pem"),
            alloc::format!("{role}-key-{i}.pem"),
        ),
    }
}

/// Reads a PEM certificate list the way QEMU does (`g_file_get_contents`
/// then `gnutls_x509_crt_list_import2`, which stops at the first NUL).
fn load_cert_list(path: &str) -> Result<Vec<Vec<u8>>> {
    let data = fsutil::file_get_contents(path)
        .map_err(|m| QemuError::new(alloc::format!("Cannot load CA cert list {path}: {m}")))?;
    let end = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let text = data.get(..end).unwrap_or(&[]);
    let import =
        |e: &str| QemuError::new(alloc::format!("Unable to import certificate {path}: {e}"));
    let blocks = crate::pem::decode_all(text).map_err(|_| import(gnutls_err::BASE64_DECODING))?;
    let certs: Vec<Vec<u8>> = blocks
        .into_iter()
        .filter(|(label, _)| label == "CERTIFICATE" || label == "X509 CERTIFICATE")
        .map(|(_, der)| der.to_vec())
        .collect();
    if certs.is_empty() {
        return Err(import(gnutls_err::NO_CERTIFICATE_FOUND));
    }
    for c in &certs {
        Certificate::parse(c).map_err(|_| import(gnutls_err::DER_PARSING))?;
    }
    Ok(certs)
}

/// `qcrypto_tls_creds_x509_load_identity` for one pair; `Ok(None)` when
/// both files are absent.
fn load_identity(
    opts: &X509Options,
    dir: &str,
    files: &(String, String),
    objects: &Objects,
    provider: &Arc<dyn CryptoProvider>,
) -> Result<Option<LoadedIdentity>> {
    let (cert_base, key_base) = files;
    let cert_path = creds_path(dir, cert_base, false)?;
    let key_path = creds_path(dir, key_base, false)?;
    let (cert_path, key_path) = match (cert_path, key_path) {
        (None, None) => return Ok(None),
        (Some(c), None) => {
            return qerr!("Cert '{c}' without corresponding key '{dir}/{key_base}'");
        }
        (None, Some(k)) => {
            return qerr!("Key '{k}' without corresponding cert '{dir}/{cert_base}'");
        }
        (Some(c), Some(k)) => (c, k),
    };
    let chain = load_cert_list(&cert_path)?;
    let key_pem =
        zeroize::Zeroizing::new(fsutil::file_get_contents(&key_path).map_err(|m| {
            QemuError::new(alloc::format!("Cannot load private key {key_path}: {m}"))
        })?);
    let password = match &opts.passwordid {
        Some(id) => Some(objects.secret_lookup_as_utf8(id)?),
        None => None,
    };
    let import_failed =
        || QemuError::new(alloc::format!("Unable to import private key {key_path}"));
    let end = key_pem
        .iter()
        .position(|b| *b == 0)
        .unwrap_or(key_pem.len());
    let pkcs8 = keys::import_private_key(
        key_pem.get(..end).unwrap_or(&[]),
        password.as_ref().map(|p| p.as_str()),
    )
    .map_err(|_| import_failed())?;
    let key: Arc<dyn SigningKey> = Arc::from(
        provider
            .load_signing_key(&pkcs8)
            .map_err(|_| import_failed())?,
    );
    let identity = Identity::new(chain.clone(), key.clone()).map_err(|_| {
        QemuError::new(alloc::format!(
            "Cannot set certificate '{cert_path}' & key '{key_path}': {}",
            gnutls_err::KEY_MISMATCH
        ))
    })?;
    Ok(Some(LoadedIdentity {
        cert_path,
        key_path,
        chain,
        key,
        identity,
    }))
}

/// Reads PEM CRLs for `gnutls_certificate_set_x509_crl_file`.
fn load_crls(path: &str) -> Result<Vec<Vec<u8>>> {
    let fail = |e: &str| QemuError::new(alloc::format!("Cannot load CRL '{path}': {e}"));
    let data = fsutil::file_get_contents(path).map_err(|_| fail(gnutls_err::FILE_ERROR))?;
    let blocks = crate::pem::decode_all(&data).map_err(|_| fail(gnutls_err::BASE64_DECODING))?;
    let crls: Vec<Vec<u8>> = blocks
        .into_iter()
        .filter(|(label, _)| label == "X509 CRL")
        .map(|(_, der)| der.to_vec())
        .collect();
    for c in &crls {
        crate::x509::Crl::parse(c).map_err(|_| fail(gnutls_err::DER_PARSING))?;
    }
    Ok(crls)
}

/// `qcrypto_tls_creds_get_dh_params_file` for a present file: the
/// deprecation warning, and the PKCS#3 parameters must at least decode.
fn check_dh_params(path: &str, warnings: &mut Vec<String>) -> Result<()> {
    let data = fsutil::file_get_contents(path).map_err(QemuError::new)?;
    warnings.push(alloc::format!(
        "Use of an external DH parameters file '{path}' is deprecated and will be removed in a future release"
    ));
    let fail = |e: &str| {
        QemuError::new(alloc::format!(
            "Unable to load DH parameters from {path}: {e}"
        ))
    };
    let blocks = crate::pem::decode_all(&data).map_err(|_| fail(gnutls_err::BASE64_DECODING))?;
    let Some((_, der)) = blocks.iter().find(|(l, _)| l == "DH PARAMETERS") else {
        return Err(fail(gnutls_err::BASE64_UNEXPECTED_HEADER));
    };
    // DHParameter ::= SEQUENCE { prime INTEGER, base INTEGER, privateValueLength INTEGER OPTIONAL }
    use crate::provider::aws_lc::verify::der as d;
    let parsed = d::single(der, d::SEQUENCE).and_then(|body| {
        let mut r = d::Der::new(body);
        r.read(d::INTEGER)?;
        r.read(d::INTEGER)?;
        r.read_optional(d::INTEGER)?;
        r.finish()
    });
    parsed.map_err(|_| fail(gnutls_err::DER_PARSING))
}

/// Everything of a load up to (not including) the sanity checks.
struct Staged {
    creds: X509Creds,
    crl_path: Option<String>,
    dh_path: Option<String>,
}

fn stage(
    opts: &X509Options,
    objects: &Objects,
    provider: &Arc<dyn CryptoProvider>,
) -> Result<Staged> {
    let Some(dir) = opts.dir.as_deref() else {
        return qerr!("Missing 'dir' property value");
    };
    let is_server = opts.endpoint == Endpoint::Server;
    // Required: "does not exist" is an error here too.
    let ca_path = creds_path(dir, CA_CERT, true)?.unwrap_or_default();
    let ca_certs = load_cert_list(&ca_path)?;
    let mut identities = Vec::new();
    if let Some(id) = load_identity(
        opts,
        dir,
        &identity_files(opts.endpoint, None),
        objects,
        provider,
    )? {
        identities.push(id);
    }
    for i in 0..IDENTITY_MAX {
        match load_identity(
            opts,
            dir,
            &identity_files(opts.endpoint, Some(i)),
            objects,
            provider,
        )? {
            Some(id) => identities.push(id),
            // Loading ends at the first absent index, even if later ones exist.
            None => break,
        }
    }
    if is_server && identities.is_empty() {
        return qerr!("Missing server cert '{dir}/server-cert.pem' & key '{dir}/server-key.pem'");
    }
    let (crl_path, dh_path) = if is_server {
        (
            creds_path(dir, CA_CRL, false)?,
            creds_path(dir, DH_PARAMS, false)?,
        )
    } else {
        (None, None)
    };
    Ok(Staged {
        creds: X509Creds {
            options: opts.clone(),
            ca_path,
            ca_certs,
            crls: Vec::new(),
            identities,
            warnings: Vec::new(),
            provider: provider.clone(),
        },
        crl_path,
        dh_path,
    })
}

fn finish(mut staged: Staged) -> Result<X509Creds> {
    if let Some(p) = &staged.crl_path {
        staged.creds.crls = load_crls(p)?;
    }
    if let Some(p) = &staged.dh_path {
        check_dh_params(p, &mut staged.creds.warnings)?;
    }
    Ok(staged.creds)
}

impl X509Creds {
    /// `qcrypto_tls_creds_x509_load`: the whole load in QEMU's order, the
    /// sanity checks included when `sanity_check` is on.
    pub fn load(
        opts: &X509Options,
        objects: &Objects,
        provider: Arc<dyn CryptoProvider>,
        now: UnixTime,
    ) -> Result<Self> {
        let staged = stage(opts, objects, &provider)?;
        if opts.sanity_check {
            for (_, problems) in staged.creds.sanity_report(now) {
                if let Some(first) = problems.into_iter().next() {
                    return Err(QemuError::new(first.message));
                }
            }
        }
        finish(staged)
    }

    /// Loads without stopping at sanity problems (for `qtls creds check`,
    /// which reports them all). File and key errors still fail.
    pub fn load_for_report(
        opts: &X509Options,
        objects: &Objects,
        provider: Arc<dyn CryptoProvider>,
    ) -> Result<Self> {
        finish(stage(opts, objects, &provider)?)
    }

    /// Runs the §1.4 checks on every identity, in load order: each
    /// identity's index and its problems (empty when it passes).
    pub fn sanity_report(&self, now: UnixTime) -> Vec<(usize, Vec<Problem>)> {
        self.identities
            .iter()
            .enumerate()
            .map(|(i, id)| {
                (
                    i,
                    sanity::check_identity(
                        &id.chain,
                        &id.cert_path,
                        &self.ca_certs,
                        &self.ca_path,
                        self.options.endpoint,
                        &self.provider,
                        now,
                    ),
                )
            })
            .collect()
    }

    /// The handshake identities, in load order.
    pub fn handshake_identities(&self) -> Vec<Identity> {
        self.identities.iter().map(|i| i.identity.clone()).collect()
    }

    /// A server configuration as QEMU sets up GnuTLS: the identities in
    /// load order (the first compatible one serves a handshake) and client
    /// certificates requested, not required: the peer is judged after the
    /// handshake by the session's `check_credentials` (reference §1.5).
    pub fn server_config(&self, provider: Arc<dyn CryptoProvider>, policy: Policy) -> ServerConfig {
        let mut cfg = ServerConfig::new(provider);
        cfg.policy = policy;
        cfg.identities = self.handshake_identities();
        cfg.client_auth = ClientAuth::Request(Arc::new(DangerousNoVerification));
        cfg
    }

    /// A client configuration as QEMU sets up GnuTLS: identities in load
    /// order for a CertificateRequest, no SNI, and the server's chain
    /// judged after the handshake (`check_credentials`), not during it.
    pub fn client_config(&self, provider: Arc<dyn CryptoProvider>, policy: Policy) -> ClientConfig {
        let mut cfg = ClientConfig::new(provider, Arc::new(DangerousNoVerification));
        cfg.policy = policy;
        cfg.identities = self.handshake_identities();
        cfg.send_sni = false;
        cfg
    }
}

/// GnuTLS re-reads `keys.psk` on every handshake; so does this store.
#[derive(Debug)]
struct PskFileStore(psk::ServerPskFile);

impl PskStore for PskFileStore {
    fn lookup(&self, identity: &[u8]) -> Option<ExternalPsk> {
        // A broken line or unreadable file fails the handshake as a wrong
        // key would (GnuTLS fails it with "Error in password/key file.").
        match self.0.find(identity) {
            Ok(Some(key)) => Some(ExternalPsk::new(identity, &key)),
            _ => None,
        }
    }
}

/// The credentials of a `tls-creds-x509` object across reloads.
#[derive(Debug)]
pub struct X509CredsHandle {
    options: X509Options,
    provider: Arc<dyn CryptoProvider>,
    current: RwLock<Arc<X509Creds>>,
}

impl X509CredsHandle {
    /// Loads the credentials (QEMU's `complete`).
    pub fn new(
        options: X509Options,
        objects: &Objects,
        provider: Arc<dyn CryptoProvider>,
        now: UnixTime,
    ) -> Result<Self> {
        let creds = X509Creds::load(&options, objects, provider.clone(), now)?;
        Ok(Self {
            options,
            provider,
            current: RwLock::new(Arc::new(creds)),
        })
    }

    /// The credentials new sessions use.
    pub fn current(&self) -> Arc<X509Creds> {
        match self.current.read() {
            Ok(c) => c.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// `qcrypto_tls_creds_reload`: re-runs the whole load; on failure the
    /// previous credentials stay in force and the error is returned.
    pub fn reload(&self, objects: &Objects, now: UnixTime) -> Result<()> {
        let creds = X509Creds::load(&self.options, objects, self.provider.clone(), now)?;
        match self.current.write() {
            Ok(mut c) => *c = Arc::new(creds),
            Err(p) => *p.into_inner() = Arc::new(creds),
        }
        Ok(())
    }
}

/// The properties of a `tls-creds-psk` object.
#[derive(Debug, Clone)]
pub struct PskOptions {
    /// `dir` (required).
    pub dir: Option<String>,
    /// `endpoint`.
    pub endpoint: Endpoint,
    /// `username` (clients only; default `qemu`).
    pub username: Option<String>,
    /// `priority`.
    pub priority: Option<String>,
}

/// Loaded PSK credentials.
#[derive(Debug, Clone)]
pub enum PskCreds {
    /// A server: `keys.psk`, re-read on every handshake.
    Server {
        /// The reader of `<dir>/keys.psk`.
        file: psk::ServerPskFile,
        /// Deprecation warnings.
        warnings: Vec<String>,
        /// The priority property.
        priority: Option<String>,
    },
    /// A client: the identity and key found at load time.
    Client {
        /// The PSK.
        psk: ClientPsk,
        /// The priority property.
        priority: Option<String>,
    },
}

impl PskCreds {
    /// `qcrypto_tls_creds_reload`: only x509 credentials can be reloaded
    /// (a PSK server re-reads `keys.psk` on every handshake anyway).
    pub fn reload(&self) -> Result<()> {
        qerr!("tls-creds-psk does not support reloading credentials")
    }

    /// The server configuration: `keys.psk` looked up on every handshake.
    /// `None` for client credentials.
    pub fn server_config(
        &self,
        provider: Arc<dyn CryptoProvider>,
        policy: Policy,
    ) -> Option<ServerConfig> {
        let PskCreds::Server { file, .. } = self else {
            return None;
        };
        let mut cfg = ServerConfig::new(provider);
        cfg.policy = policy;
        cfg.psk_store = Some(Arc::new(PskFileStore(file.clone())));
        Some(cfg)
    }

    /// The client configuration: one external PSK, no SNI. `None` for
    /// server credentials.
    pub fn client_config(
        &self,
        provider: Arc<dyn CryptoProvider>,
        policy: Policy,
    ) -> Option<ClientConfig> {
        let PskCreds::Client { psk, .. } = self else {
            return None;
        };
        // GnuTLS with PSK credentials only cannot accept a certificate: a
        // server that answers with one instead of the PSK is refused.
        let refuse_all = crate::verify::PinnedCertVerifier::new(Vec::new());
        let mut cfg = ClientConfig::new(provider, Arc::new(refuse_all));
        cfg.policy = policy;
        cfg.send_sni = false;
        cfg.psks = alloc::vec![ExternalPsk::new(psk.identity.as_bytes(), &psk.key)];
        Some(cfg)
    }

    /// `qcrypto_tls_creds_psk_load` (§1.6).
    pub fn load(opts: &PskOptions) -> Result<Self> {
        let Some(dir) = opts.dir.as_deref() else {
            return qerr!("Missing 'dir' property value");
        };
        match opts.endpoint {
            Endpoint::Server => {
                if opts.username.is_some() {
                    return qerr!("username should not be set when endpoint=server");
                }
                let dh = creds_path(dir, DH_PARAMS, false)?;
                let pskfile = creds_path(dir, PSK_FILE, true)?.unwrap_or_default();
                let mut warnings = Vec::new();
                if let Some(dh) = dh {
                    check_dh_params(&dh, &mut warnings)?;
                }
                Ok(PskCreds::Server {
                    file: psk::ServerPskFile::new(&pskfile),
                    warnings,
                    priority: opts.priority.clone(),
                })
            }
            Endpoint::Client => {
                let pskfile = creds_path(dir, PSK_FILE, true)?.unwrap_or_default();
                let psk = psk::client_lookup(&pskfile, opts.username.as_deref())?;
                Ok(PskCreds::Client {
                    psk,
                    priority: opts.priority.clone(),
                })
            }
        }
    }
}
