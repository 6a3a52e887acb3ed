//! The handshake's view of the key schedule: the suite context, stage
//! wrappers that turn traffic secrets into record protection, and the
//! transcript helpers for HelloRetryRequest and PSK binders.
//!
//! Only an [`AppTraffic`] secret can make application-data protection and
//! only a [`HsTraffic`] secret keys Finished: the typestate of
//! [`crate::key_schedule`] carries through.

use crate::codec::enums::HandshakeType;
use crate::error::Error;
use crate::key_schedule::{
    self, ApplicationTrafficSecret, EarlySecret, ExporterSecret, HandshakeSecret,
    HandshakeTrafficSecret, MasterSecret,
};
use crate::provider::AeadKey;
use crate::provider::{CryptoProvider, HashAlgorithm, HashOutput};
use crate::record::protect::RecordSealer;
use crate::suites::Tls13Suite;
use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;

pub(crate) use crate::transcript::Transcript;

/// The negotiated suite and the provider computing for it.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub(crate) provider: Arc<dyn CryptoProvider>,
    pub(crate) suite: &'static Tls13Suite,
}

impl Ctx {
    pub(crate) fn new(provider: Arc<dyn CryptoProvider>, suite: &'static Tls13Suite) -> Self {
        Self { provider, suite }
    }
}

/// The early secret (from a PSK or zeros).
pub(crate) struct Early(EarlySecret);

impl Early {
    pub(crate) fn new(
        p: &dyn CryptoProvider,
        hash: HashAlgorithm,
        psk: Option<&[u8]>,
    ) -> Result<Self, Error> {
        EarlySecret::new(p, hash, psk).map(Early)
    }

    /// The binder over `prior || partial_client_hello` (RFC 8446 §4.2.11.2).
    pub(crate) fn binder(
        &self,
        p: &dyn CryptoProvider,
        external: bool,
        prior: &[u8],
        partial_client_hello: &[u8],
    ) -> Result<HashOutput, Error> {
        let h = p.hash(self.0.hash(), &[prior, partial_client_hello])?;
        self.0.psk_binder(p, external, h.as_ref())
    }

    /// `early_exporter_master_secret` over the ClientHello (RFC 8446 §7.1).
    pub(crate) fn early_exporter(
        &self,
        p: &dyn CryptoProvider,
        client_hello_hash: &[u8],
    ) -> Result<ExporterSecret, Error> {
        self.0.early_exporter_master_secret(p, client_hello_hash)
    }

    /// client_early_traffic_secret over ClientHello (RFC 8446 §7.1), as
    /// 0-RTT record protection.
    pub(crate) fn early_traffic(
        &self,
        p: &dyn CryptoProvider,
        client_hello_hash: &[u8],
    ) -> Result<EarlyTraffic, Error> {
        self.0
            .client_early_traffic_secret(p, client_hello_hash)
            .map(EarlyTraffic)
    }

    pub(crate) fn into_handshake(
        self,
        p: &dyn CryptoProvider,
        dhe: Option<&[u8]>,
    ) -> Result<HsSecret, Error> {
        self.0.into_handshake_secret(p, dhe).map(HsSecret)
    }
}

/// The handshake secret.
pub(crate) struct HsSecret(HandshakeSecret);

impl HsSecret {
    /// (client, server) handshake traffic secrets over ClientHello..ServerHello.
    pub(crate) fn traffic(
        &self,
        p: &dyn CryptoProvider,
        hello_hash: &[u8],
    ) -> Result<(HsTraffic, HsTraffic), Error> {
        Ok((
            HsTraffic(self.0.client_handshake_traffic_secret(p, hello_hash)?),
            HsTraffic(self.0.server_handshake_traffic_secret(p, hello_hash)?),
        ))
    }

    pub(crate) fn into_master(self, p: &dyn CryptoProvider) -> Result<Master, Error> {
        self.0.into_master_secret(p).map(Master)
    }
}

/// The master secret.
pub(crate) struct Master(MasterSecret);

impl Master {
    /// (client, server) application traffic secrets over ClientHello..server Finished.
    pub(crate) fn traffic(
        &self,
        p: &dyn CryptoProvider,
        hash: &[u8],
    ) -> Result<(AppTraffic, AppTraffic), Error> {
        Ok((
            AppTraffic(self.0.client_application_traffic_secret_0(p, hash)?),
            AppTraffic(self.0.server_application_traffic_secret_0(p, hash)?),
        ))
    }

    pub(crate) fn exporter(
        &self,
        p: &dyn CryptoProvider,
        server_finished_hash: &[u8],
    ) -> Result<ExporterSecret, Error> {
        self.0.exporter_master_secret(p, server_finished_hash)
    }

    /// resumption_master_secret over ClientHello..client Finished.
    pub(crate) fn resumption(
        &self,
        p: &dyn CryptoProvider,
        client_finished_hash: &[u8],
    ) -> Result<key_schedule::ResumptionMasterSecret, Error> {
        self.0.resumption_master_secret(p, client_finished_hash)
    }
}

/// client_early_traffic_secret: protects 0-RTT data and EndOfEarlyData.
pub(crate) struct EarlyTraffic(key_schedule::EarlyTrafficSecret);

impl EarlyTraffic {
    pub(crate) fn sealer(&self, ctx: &Ctx) -> Result<RecordSealer, Error> {
        let k = self.0.traffic_keys(ctx.provider.as_ref(), ctx.suite.aead)?;
        let key = ctx.provider.aead_key(ctx.suite.aead, k.key())?;
        Ok(RecordSealer::new(key, *k.iv()))
    }

    pub(crate) fn read_keys(&self, ctx: &Ctx) -> Result<(Box<dyn AeadKey>, [u8; 12]), Error> {
        let k = self.0.traffic_keys(ctx.provider.as_ref(), ctx.suite.aead)?;
        let key = ctx.provider.aead_key(ctx.suite.aead, k.key())?;
        Ok((key, *k.iv()))
    }
}

/// A handshake traffic secret: protects the encrypted handshake and keys Finished.
pub(crate) struct HsTraffic(HandshakeTrafficSecret);

impl HsTraffic {
    pub(crate) fn finished(
        &self,
        p: &dyn CryptoProvider,
        transcript_hash: &[u8],
    ) -> Result<HashOutput, Error> {
        self.0.verify_data(p, transcript_hash)
    }

    pub(crate) fn sealer(&self, ctx: &Ctx) -> Result<RecordSealer, Error> {
        let k = self.0.traffic_keys(ctx.provider.as_ref(), ctx.suite.aead)?;
        let key = ctx.provider.aead_key(ctx.suite.aead, k.key())?;
        Ok(RecordSealer::new(key, *k.iv()))
    }

    /// The key and IV to install for reading (the receiver builds the
    /// opener once it can prove the key change is aligned).
    pub(crate) fn read_keys(&self, ctx: &Ctx) -> Result<(Box<dyn AeadKey>, [u8; 12]), Error> {
        let k = self.0.traffic_keys(ctx.provider.as_ref(), ctx.suite.aead)?;
        let key = ctx.provider.aead_key(ctx.suite.aead, k.key())?;
        Ok((key, *k.iv()))
    }
}

/// An application traffic secret.
pub(crate) struct AppTraffic(ApplicationTrafficSecret);

impl AppTraffic {
    pub(crate) fn next(&self, p: &dyn CryptoProvider) -> Result<AppTraffic, Error> {
        self.0.next(p).map(AppTraffic)
    }

    /// The Finished of a post-handshake authentication, keyed by the
    /// current client application traffic secret (RFC 8446 §4.4).
    pub(crate) fn finished(
        &self,
        p: &dyn CryptoProvider,
        transcript_hash: &[u8],
    ) -> Result<HashOutput, Error> {
        self.0.verify_data(p, transcript_hash)
    }

    pub(crate) fn sealer(&self, ctx: &Ctx) -> Result<RecordSealer, Error> {
        let k = self.0.traffic_keys(ctx.provider.as_ref(), ctx.suite.aead)?;
        let key = ctx.provider.aead_key(ctx.suite.aead, k.key())?;
        Ok(RecordSealer::new(key, *k.iv()))
    }

    /// The key and IV to install for reading (the receiver builds the
    /// opener once it can prove the key change is aligned).
    pub(crate) fn read_keys(&self, ctx: &Ctx) -> Result<(Box<dyn AeadKey>, [u8; 12]), Error> {
        let k = self.0.traffic_keys(ctx.provider.as_ref(), ctx.suite.aead)?;
        let key = ctx.provider.aead_key(ctx.suite.aead, k.key())?;
        Ok((key, *k.iv()))
    }
}

/// RFC 8446 §4.4.4: compare the peer's Finished in constant time.
pub(crate) fn check_finished(expected: &[u8], received: &[u8]) -> Result<(), Error> {
    key_schedule::check_verify_data(expected, received)
}

/// RFC 8446 §4.2.11: compare a binder in constant time.
pub(crate) fn check_binder(expected: &[u8], received: &[u8]) -> Result<(), Error> {
    key_schedule::check_binder(expected, received)
}

/// The synthetic message_hash message replacing ClientHello1 after a
/// HelloRetryRequest (RFC 8446 §4.4.1).
pub(crate) fn message_hash(
    p: &dyn CryptoProvider,
    hash: HashAlgorithm,
    ch1: &[u8],
) -> Result<Vec<u8>, Error> {
    let h = p.hash(hash, &[ch1])?;
    let len = u8::try_from(h.as_ref().len()).map_err(|_| Error::Unreachable("hash length"))?;
    let mut out = Vec::with_capacity(4usize.saturating_add(h.as_ref().len()));
    out.extend_from_slice(&[HandshakeType::MESSAGE_HASH.0, 0, 0, len]);
    out.extend_from_slice(h.as_ref());
    Ok(out)
}

/// A client's transcript once the hash is known: all messages so far, with
/// ClientHello1 replaced by message_hash after a HelloRetryRequest.
pub(crate) fn client_transcript(
    p: &dyn CryptoProvider,
    hash: HashAlgorithm,
    ch1: &[u8],
    after_hrr: bool,
    raw: &[u8],
) -> Result<Transcript, Error> {
    let mut t = Transcript::new(p, hash)?;
    if after_hrr {
        t.add(&message_hash(p, hash, ch1)?);
        t.add(raw.get(ch1.len()..).unwrap_or(&[]));
    } else {
        t.add(raw);
    }
    Ok(t)
}

/// The early exporter (RFC 8446 §7.5) with the suite it computes for.
pub(crate) struct EarlyExporter {
    pub(crate) ctx: Ctx,
    pub(crate) secret: ExporterSecret,
}

impl EarlyExporter {
    pub(crate) fn export(&self, label: &[u8], context: &[u8], out: &mut [u8]) -> Result<(), Error> {
        export(&self.ctx, &self.secret, label, context, out)
    }
}

/// RFC 8446 §7.5: the exporter.
pub(crate) fn export(
    ctx: &Ctx,
    secret: &ExporterSecret,
    label: &[u8],
    context: &[u8],
    out: &mut [u8],
) -> Result<(), Error> {
    secret.export(ctx.provider.as_ref(), label, context, out)
}
