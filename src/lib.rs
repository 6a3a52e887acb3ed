//! qtls: a sans-IO TLS 1.3 engine for emulators and virtualisation services.
//!
//! The core (this crate without the `std` feature) is `no_std` + `alloc`, does
//! no I/O and never reads a clock: the caller feeds bytes in, takes bytes out
//! and passes the current time. The `std` feature adds the aws-lc-rs crypto
//! provider, file loading and the `qtls` command-line tool.
//!
//! Layers, from the bottom up (see `README.md` for the module map):
//! [`codec`] (wire formats) and [`record`] (record protection) stand on the
//! [`provider`] trait; [`key_schedule`] derives every TLS 1.3 secret.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::as_conversions,
        clippy::cast_possible_truncation,
        clippy::todo,
        clippy::unimplemented
    )
)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;
// Lets test code shared with tests/ name this crate as they do.
#[cfg(test)]
extern crate self as qtls;

pub mod codec;
pub mod config;
pub mod conn;
pub mod error;
pub(crate) mod handshake;
#[cfg(feature = "std")]
pub mod io;
pub mod key_schedule;
pub mod pem;
#[cfg(feature = "std")]
pub mod pki;
pub mod policy;
pub mod provider;
#[cfg(feature = "std")]
pub mod qemu;
pub mod record;
pub mod session_store;
pub mod suites;
pub mod time;
pub mod transcript;
pub mod verify;
pub mod x509;

pub use config::{ClientConfig, ServerConfig};
pub use conn::{AppRead, Connection, Progress};
pub use error::Error;
pub use handshake::Side;
pub use time::UnixTime;
