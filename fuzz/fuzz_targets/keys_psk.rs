//! The `keys.psk` readers of the QEMU layer (`src/qemu/psk.rs`): GnuTLS's
//! server-side lookup (`server_find`) and QEMU's client-side lookup
//! (`client_lookup`, through a scratch file).
//!
//! Input: `[id_len, identity..., key_len, key..., file content...]`.
//!
//! Invariants: a found key is never empty (server) or shorter than 4
//! bytes (client), and the client's identity is the name asked for; a line
//! written the way psktool writes it (`encode_identity`) and appended to a
//! file where the identity was not found is then found, with its key, by
//! both readers (names starting with '#' are hex-decoded by GnuTLS's
//! reader, so psktool cannot write them raw: they are left out).
#![no_main]

use libfuzzer_sys::fuzz_target;
use qtls::qemu::psk::{client_lookup, encode_identity, server_find};
use std::sync::OnceLock;

fn scratch() -> &'static str {
    static P: OnceLock<String> = OnceLock::new();
    P.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("qtls-fuzz-psk-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        dir.join("keys.psk").to_string_lossy().into_owned()
    })
}

fn take(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&n, rest) = data.split_first()?;
    let n = usize::from(n).min(rest.len());
    Some(rest.split_at(n))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((identity, rest)) = take(data) else {
        return;
    };
    let Some((key, content)) = take(rest) else {
        return;
    };

    let before = server_find(content, identity);
    if let Ok(Some(k)) = &before {
        assert!(!k.is_empty(), "a found key is not empty");
    }
    let name = std::str::from_utf8(identity).ok();
    if let (Ok(None), Some(name), false) = (&before, name, key.is_empty()) {
        if !name.starts_with('#') {
            let mut file = content.to_vec();
            if !file.is_empty() && !file.ends_with(b"\n") {
                file.push(b'\n');
            }
            file.extend_from_slice(format!("{}:{}\n", encode_identity(name), hex(key)).as_bytes());
            let after = server_find(&file, identity);
            assert_eq!(
                after.as_ref().map(|k| k.as_ref().map(|k| k.to_vec())),
                Ok(Some(key.to_vec())),
                "a psktool line is found"
            );
        }
    }

    let path = scratch();
    std::fs::write(path, content).expect("scratch file");
    let username = name.filter(|n| !n.is_empty());
    if let Ok(c) = client_lookup(path, username) {
        assert_eq!(c.identity, username.unwrap_or("qemu"));
        assert!(c.key.len() >= 4);
    }
    // QEMU's client finds a plain `name:hex` line appended to a file with no
    // line for the name, when the name is one line of text without ':' or NUL.
    if let Some(u) = username {
        let plain = !u.contains([':', '\n', '\0']);
        let text_end = content.iter().position(|b| *b == 0).is_none();
        let listed = content
            .split(|b| *b == b'\n')
            .any(|l| l.starts_with(u.as_bytes()) && l.get(u.len()) == Some(&b':'));
        if plain && text_end && key.len() >= 4 && !listed {
            let mut file = content.to_vec();
            file.push(b'\n');
            file.extend_from_slice(format!("{u}:{}\n", hex(key)).as_bytes());
            std::fs::write(path, &file).expect("scratch file");
            let found = client_lookup(path, Some(u)).expect("an appended line is found");
            assert_eq!(&found.key[..], key);
        }
    }
});
