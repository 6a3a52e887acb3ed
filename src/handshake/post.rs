//! After the handshake: KeyUpdate in both directions (RFC 8446 §4.6.3),
//! NewSessionTicket on the client (§4.6.1), and the secrets exporters and
//! resumption need.

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
            resumption: None,
        }
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
            // RFC 8446 §4.6.2: we never send post_handshake_auth, so a
            // post-handshake CertificateRequest is unexpected; so is every
            // other message type here.
            _ => Err(PeerMisbehaved::UnexpectedMessage.into()),
        }
    }

    /// RFC 8446 §7.5 exporter over exporter_master_secret.
    pub(crate) fn export(&self, label: &[u8], context: &[u8], out: &mut [u8]) -> Result<(), Error> {
        keys::export(&self.ctx, &self.exporter, label, context, out)
    }
}
