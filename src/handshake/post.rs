//! After the handshake: KeyUpdate in both directions (RFC 8446 §4.6.3),
//! NewSessionTicket on the client (§4.6.1), post-handshake client
//! authentication (§4.6.2, in [`super::pha`]), and the secrets exporters
//! and resumption need.

use super::keys::{self, AppTraffic, Ctx};
use super::{Message, Side};
use crate::codec::enums::{HandshakeType, KeyUpdateRequest};
use crate::codec::handshake::HandshakePayload;
use crate::conn::receive::Receiver;
use crate::conn::send::Sender;
use crate::error::{Error, PeerMisbehaved};

/// Post-handshake state: the current application traffic secrets.
pub(crate) struct PostHandshake {
    side: Side,
    ctx: Ctx,
    ours: AppTraffic,
    theirs: AppTraffic,
    exporter: crate::key_schedule::ExporterSecret,
    pha: Option<super::pha::Pha>,
    /// Client: turns NewSessionTickets into stored tickets.
    resumption: Option<super::tickets::ClientResumption>,
}

impl PostHandshake {
    pub(crate) fn new(
        side: Side,
        ctx: Ctx,
        ours: AppTraffic,
        theirs: AppTraffic,
        exporter: crate::key_schedule::ExporterSecret,
    ) -> Self {
        Self {
            side,
            ctx,
            ours,
            theirs,
            exporter,
            pha: None,
            resumption: None,
        }
    }

    /// Enables post-handshake client authentication.
    pub(crate) fn with_pha(mut self, pha: super::pha::Pha) -> Self {
        self.pha = Some(pha);
        self
    }

    pub(crate) fn pha(&self) -> Option<&super::pha::Pha> {
        self.pha.as_ref()
    }

    pub(crate) fn pha_mut(&mut self) -> Option<&mut super::pha::Pha> {
        self.pha.as_mut()
    }

    /// Server: sends a post-handshake CertificateRequest.
    pub(crate) fn request_client_auth(
        &mut self,
        tx: &mut Sender,
        now: crate::time::UnixTime,
    ) -> Result<(), Error> {
        let pha = self
            .pha
            .as_mut()
            .ok_or(crate::error::ApiMisuse::WrongState(
                "post-handshake authentication unavailable",
            ))?;
        pha.request(&self.ctx, tx, now)
    }

    /// Client: keeps what storing tickets needs.
    pub(crate) fn set_resumption(&mut self, r: super::tickets::ClientResumption) {
        self.resumption = Some(r);
    }

    /// Sends a KeyUpdate under the current keys, then moves our sending
    /// keys to the next generation (RFC 8446 §4.6.3).
    pub(crate) fn send_key_update(
        &mut self,
        tx: &mut Sender,
        req: KeyUpdateRequest,
    ) -> Result<(), Error> {
        let msg = super::encode(HandshakePayload::KeyUpdate(req), HandshakeType::KEY_UPDATE);
        tx.queue_handshake(&msg);
        let next = self.ours.next(self.ctx.provider.as_ref())?;
        tx.set_sealer(next.sealer(&self.ctx)?)?;
        self.ours = next;
        Ok(())
    }

    /// Handles a post-handshake message; returns whether it was a KeyUpdate
    /// and whether we answered it with our own.
    pub(crate) fn handle(
        &mut self,
        tx: &mut Sender,
        rx: &mut Receiver,
        m: &Message,
    ) -> Result<(bool, bool), Error> {
        // The client's answer to a CertificateRequest is one flight: once
        // it has begun, nothing else may interleave.
        if self.pha.as_ref().is_some_and(|p| p.mid_answer())
            && !matches!(
                m.msg.payload,
                HandshakePayload::CertificateVerify(_) | HandshakePayload::Finished(_)
            )
        {
            return Err(PeerMisbehaved::UnexpectedMessage.into());
        }
        match (&m.msg.payload, self.side) {
            (HandshakePayload::KeyUpdate(req), _) => {
                let next = self.theirs.next(self.ctx.provider.as_ref())?;
                // RFC 8446 §5.1: a KeyUpdate must end its record (key change).
                {
                    let (k, iv) = next.read_keys(&self.ctx)?;
                    rx.set_read_keys(k, iv)?
                };
                self.theirs = next;
                // RFC 8446 §4.6.3: answer update_requested with our own
                // KeyUpdate (update_not_requested).
                let answer = *req == KeyUpdateRequest::UPDATE_REQUESTED;
                if answer {
                    self.send_key_update(tx, KeyUpdateRequest::UPDATE_NOT_REQUESTED)?;
                }
                Ok((true, answer))
            }
            (HandshakePayload::NewSessionTicket(nst), Side::Client) => {
                if let Some(r) = &self.resumption {
                    r.accept(nst)?;
                }
                Ok((false, false))
            }
            (
                HandshakePayload::CertificateRequest(_)
                | HandshakePayload::Certificate(_)
                | HandshakePayload::CompressedCertificate(_)
                | HandshakePayload::CertificateVerify(_)
                | HandshakePayload::Finished(_),
                _,
            ) => {
                // RFC 8446 §4.6.2: without post_handshake_auth state (a
                // client that never offered it) these are unexpected.
                let pha = self.pha.as_mut().ok_or(PeerMisbehaved::UnexpectedMessage)?;
                pha.handle(&self.ctx, &self.ours, &self.theirs, tx, m)?;
                Ok((false, false))
            }
            _ => Err(PeerMisbehaved::UnexpectedMessage.into()),
        }
    }

    /// RFC 8446 §7.5 exporter over exporter_master_secret.
    pub(crate) fn export(&self, label: &[u8], context: &[u8], out: &mut [u8]) -> Result<(), Error> {
        keys::export(&self.ctx, &self.exporter, label, context, out)
    }
}
