//! The object registry QEMU resolves ids in (`/objects/<id>`): secrets for
//! `passwordid` and `keyid`, authorization objects for `tls-authz`.
//!
//! Lookups happen at use time, as in QEMU, so an object replaced at run
//! time takes effect for the next handshake.

use super::authz::Authz;
use super::secret::{Secret, SecretSpec};
use super::{QemuError, Result, qerr};
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use std::sync::RwLock;

/// One registered object.
#[derive(Debug)]
pub enum Object {
    /// A `secret` object.
    Secret(Secret),
    /// An `authz-simple`, `authz-list` or `authz-listfile` object.
    Authz(Authz),
    /// Any other object type, by QOM type name (only its id matters here:
    /// naming it where a secret or authz is expected is an error).
    Other(String),
}

/// The registry of objects by id.
#[derive(Debug, Default)]
pub struct Objects {
    map: RwLock<BTreeMap<String, Arc<Object>>>,
}

impl Objects {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `object` under `id`; a taken id is QEMU's duplicate error.
    pub fn add(&self, id: &str, object: Object) -> Result<()> {
        let mut map = self
            .map
            .write()
            .map_err(|_| QemuError::new("object registry poisoned"))?;
        if map.contains_key(id) {
            return qerr!("attempt to add duplicate property '{id}' to object (type 'container')");
        }
        map.insert(id.to_string(), Arc::new(object));
        Ok(())
    }

    /// Replaces (or adds) the object under `id`.
    pub fn replace(&self, id: &str, object: Object) {
        if let Ok(mut map) = self.map.write() {
            map.insert(id.to_string(), Arc::new(object));
        }
    }

    /// Removes the object under `id`.
    pub fn remove(&self, id: &str) -> Option<Arc<Object>> {
        self.map.write().ok()?.remove(id)
    }

    /// Completes a `secret` object from `spec` (resolving its `keyid`
    /// against this registry) and adds it under `id`.
    pub fn add_secret(&self, id: &str, spec: &SecretSpec) -> Result<()> {
        let secret = Secret::complete(spec, self)?;
        self.add(id, Object::Secret(secret))
    }

    /// The object under `id`.
    pub fn get(&self, id: &str) -> Option<Arc<Object>> {
        self.map.read().ok()?.get(id).cloned()
    }

    /// `qcrypto_secret_lookup`: the bytes of secret `id`.
    pub fn secret_lookup(&self, id: &str) -> Result<zeroize::Zeroizing<alloc::vec::Vec<u8>>> {
        let obj = match self.get(id) {
            Some(o) => o,
            None => return qerr!("No secret with id '{id}'"),
        };
        match obj.as_ref() {
            Object::Secret(s) => match s.data() {
                Some(d) => Ok(zeroize::Zeroizing::new(d.to_vec())),
                None => qerr!("Secret with id '{id}' has no data"),
            },
            _ => qerr!("Object with id '{id}' is not a secret"),
        }
    }

    /// `qcrypto_secret_lookup_as_utf8`: secret `id` as text. GLib's
    /// `g_utf8_validate` with a length also refuses NUL bytes.
    pub fn secret_lookup_as_utf8(&self, id: &str) -> Result<zeroize::Zeroizing<String>> {
        let bytes = self.secret_lookup(id)?;
        match core::str::from_utf8(&bytes) {
            Ok(s) if !s.contains('\0') => Ok(zeroize::Zeroizing::new(s.to_string())),
            _ => qerr!("Data from secret {id} is not valid UTF-8"),
        }
    }

    /// `qauthz_is_allowed_by_id`: asks authz object `id` about `identity`.
    pub fn authz_is_allowed(&self, id: &str, identity: &str) -> Result<bool> {
        let obj = match self.get(id) {
            Some(o) => o,
            None => return qerr!("Cannot find QAuthZ object ID {id}"),
        };
        match obj.as_ref() {
            Object::Authz(a) => a.is_allowed(identity),
            _ => qerr!("Object '{id}' is not a QAuthZ subclass"),
        }
    }
}
