//! Wire formats of TLS 1.3: a bounds-checked reader, open enums for the IANA
//! registries, and encode/decode for every handshake message and extension.

pub mod compress;
pub mod enums;
pub mod extensions;
pub mod handshake;
pub mod reader;

pub use reader::{Codec, Reader};
