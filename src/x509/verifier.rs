//! [`Verifier`]: trust anchors, extra intermediates, CRLs, a crypto
//! provider and [`Options`], implementing the handshake's
//! [`ServerCertVerifier`] and [`ClientCertVerifier`] traits.

use super::cert::Certificate;
use super::crl::Crl;
use super::error::{Reason, VerifyError};
use super::hostname::ReferenceName;
use super::path::{self, Options, VerifiedPath};
use crate::error::Error;
use crate::provider::CryptoProvider;
use crate::time::UnixTime;
use crate::verify::{ClientCertVerifier, ServerCertVerifier};
use alloc::sync::Arc;
use alloc::vec::Vec;

/// Validates certificate chains against a set of trust anchors.
#[derive(Debug, Clone)]
pub struct Verifier {
    anchors: Vec<Vec<u8>>,
    /// Each anchor's subject Name TLV, found once: verification parses
    /// only the anchors that can issue something in the chain.
    anchor_subjects: Vec<Vec<u8>>,
    intermediates: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
    provider: Arc<dyn CryptoProvider>,
    options: Options,
}

impl Verifier {
    /// A verifier of TLS server certificates ([`Options::server`]).
    /// Fails when a trust anchor is not a certificate.
    pub fn server(
        anchors: Vec<Vec<u8>>,
        provider: Arc<dyn CryptoProvider>,
    ) -> Result<Self, VerifyError> {
        Self::new(anchors, provider, Options::server())
    }

    /// A verifier of TLS client certificates ([`Options::client`]).
    pub fn client(
        anchors: Vec<Vec<u8>>,
        provider: Arc<dyn CryptoProvider>,
    ) -> Result<Self, VerifyError> {
        Self::new(anchors, provider, Options::client())
    }

    /// A verifier with explicit options.
    pub fn new(
        anchors: Vec<Vec<u8>>,
        provider: Arc<dyn CryptoProvider>,
        options: Options,
    ) -> Result<Self, VerifyError> {
        let mut anchor_subjects = Vec::with_capacity(anchors.len());
        for (i, a) in anchors.iter().enumerate() {
            let cert = Certificate::parse(a).map_err(|reason| VerifyError {
                reason,
                depth: Some(i),
                subject: None,
            })?;
            anchor_subjects.push(cert.subject.to_vec());
        }
        Ok(Self {
            anchors,
            anchor_subjects,
            intermediates: Vec::new(),
            crls: Vec::new(),
            provider,
            options,
        })
    }

    /// Adds untrusted intermediates tried as issuers besides those the peer
    /// sends (certificates that do not parse are ignored during building).
    pub fn with_intermediates(mut self, intermediates: Vec<Vec<u8>>) -> Self {
        self.intermediates.extend(intermediates);
        self
    }

    /// Adds CRLs. Fails with [`Reason::BadCrl`] when one does not parse.
    pub fn with_crls(mut self, crls: Vec<Vec<u8>>) -> Result<Self, VerifyError> {
        for c in &crls {
            Crl::parse(c).map_err(VerifyError::new)?;
        }
        self.crls.extend(crls);
        Ok(self)
    }

    /// Replaces the options.
    pub fn with_options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// The options in use.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The DER trust anchors.
    pub fn anchors(&self) -> &[Vec<u8>] {
        &self.anchors
    }

    /// Validates `chain` (DER, leaf first) at `now`, and the leaf against
    /// `reference` (a host name or IP address) when given.
    pub fn verify(
        &self,
        chain: &[&[u8]],
        reference: Option<&str>,
        now: UnixTime,
    ) -> Result<VerifiedPath, VerifyError> {
        let reference = match reference {
            Some(r) => Some(ReferenceName::parse(r).map_err(VerifyError::new)?),
            None => None,
        };
        self.verify_names(chain, reference.as_slice(), now)
    }

    /// Validates `chain` (DER, leaf first) at `now`, and the leaf against
    /// every name of `references` (DNS names, IP addresses, e-mail
    /// addresses); with none, only the path is validated.
    pub fn verify_names(
        &self,
        chain: &[&[u8]],
        references: &[ReferenceName<'_>],
        now: UnixTime,
    ) -> Result<VerifiedPath, VerifyError> {
        let anchors: Vec<&[u8]> = self.anchors.iter().map(Vec::as_slice).collect();
        let intermediates: Vec<&[u8]> = self.intermediates.iter().map(Vec::as_slice).collect();
        let crls: Vec<&[u8]> = self.crls.iter().map(Vec::as_slice).collect();
        path::verify_chain(
            chain,
            &anchors,
            &self.anchor_subjects,
            &intermediates,
            &crls,
            references,
            now.0,
            &self.options,
            self.provider.as_ref(),
        )
    }

    fn verify_owned(
        &self,
        chain: &[Vec<u8>],
        reference: Option<&str>,
        now: UnixTime,
    ) -> Result<(), Error> {
        let chain: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
        self.verify(&chain, reference, now)
            .map(|_| ())
            .map_err(Error::from)
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        chain: &[Vec<u8>],
        server_name: Option<&str>,
        now: UnixTime,
    ) -> Result<(), Error> {
        self.verify_owned(chain, server_name, now)
    }

    // `path::verify_chain` fails unless `Certificate::parse` accepts the leaf.
    fn decodes_leaf(&self) -> bool {
        true
    }
}

impl ClientCertVerifier for Verifier {
    fn verify_client_cert(&self, chain: &[Vec<u8>], now: UnixTime) -> Result<(), Error> {
        self.verify_owned(chain, None, now)
    }

    fn root_subjects(&self) -> Vec<Vec<u8>> {
        self.anchors
            .iter()
            .filter_map(|a| Certificate::parse(a).ok().map(|c| c.subject_der().to_vec()))
            .collect()
    }
}

impl From<Reason> for VerifyError {
    fn from(r: Reason) -> Self {
        VerifyError::new(r)
    }
}
