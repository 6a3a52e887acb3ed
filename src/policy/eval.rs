//! The evaluation of a priority string, step for step as GnuTLS's
//! `gnutls_priority_init` and `set_ciphersuite_list` do it: splitting,
//! levels, `+`/`-`/`!` items, `%` flags, then the consistency pass that
//! drops protocols and rejects strings that leave nothing usable.

use super::algs::{
    CertType, Cipher, Group, GroupKind, Kx, Mac, SEM_TLS13, Sign, TLS12_SUITES, Version,
};
use super::flags::{FlagAction, Flags, find_flag};
use super::levels::{self, Level, Profile, SecurityLevel, find_level};
use super::system::{SystemConfig, resolve};
use super::{NoPriorities, PriorityError, ResolvedPriority, Tls13Loss};
use crate::codec::enums::CipherSuite;
use alloc::vec::Vec;

/// At most this many `:`-separated elements are read; the rest is ignored
/// (`GNUTLS_MAX_ALGORITHM_NUM`).
pub(crate) const MAX_ELEMENTS: usize = 128;
/// Each algorithm list holds at most this many entries (`MAX_ALGOS`).
pub(crate) const MAX_ALGOS: usize = 128;

/// An algorithm list with GnuTLS's add/remove/replace operations.
trait PrioList<T: Copy + PartialEq> {
    fn set_to(&mut self, list: &[T]);
    fn add_all(&mut self, list: &[T]);
    fn add_one(&mut self, v: T);
    fn remove_one(&mut self, v: T);
    fn remove_all(&mut self, list: &[T]);
}

impl<T: Copy + PartialEq> PrioList<T> for Vec<T> {
    /// `_set_priority`: replace.
    fn set_to(&mut self, list: &[T]) {
        self.clear();
        self.extend(list.iter().take(MAX_ALGOS));
    }

    /// `_add_priority`: append the entries not already present, until full.
    fn add_all(&mut self, list: &[T]) {
        for v in list {
            if self.len() >= MAX_ALGOS {
                return;
            }
            if !self.contains(v) {
                self.push(*v);
            }
        }
    }

    /// `prio_add`.
    fn add_one(&mut self, v: T) {
        if self.len() < MAX_ALGOS && !self.contains(&v) {
            self.push(v);
        }
    }

    /// `prio_remove`: the first occurrence.
    fn remove_one(&mut self, v: T) {
        if let Some(i) = self.iter().position(|x| *x == v) {
            self.remove(i);
        }
    }

    /// `_clear_given_priorities`.
    fn remove_all(&mut self, list: &[T]) {
        for v in list {
            self.remove_one(*v);
        }
    }
}

/// The lists and settings being built (GnuTLS's `gnutls_priority_st`).
#[derive(Default)]
struct State {
    protocols: Vec<Version>,
    ciphers: Vec<Cipher>,
    macs: Vec<Mac>,
    kx: Vec<Kx>,
    signs: Vec<Sign>,
    groups: Vec<Group>,
    client_ctypes: Vec<CertType>,
    server_ctypes: Vec<CertType>,
    flags: Flags,
    profile: Option<Profile>,
    level: Option<SecurityLevel>,
}

impl State {
    /// `check_level`: a level's lists replace (first level) or are appended.
    fn apply_level(&mut self, l: &Level, add: bool) {
        let signs = levels::signs(l.signs);
        if add {
            if let Some(p) = l.protocols {
                self.protocols.add_all(p);
            }
            self.ciphers.add_all(l.ciphers);
            self.kx.add_all(l.kx);
            self.macs.add_all(l.macs);
            self.signs.add_all(&signs);
            self.groups.add_all(l.groups);
        } else {
            if let Some(p) = l.protocols {
                self.protocols.set_to(p);
            }
            self.ciphers.set_to(l.ciphers);
            self.kx.set_to(l.kx);
            self.macs.set_to(l.macs);
            self.signs.set_to(&signs);
            self.groups.set_to(l.groups);
        }
        // The lowest profile and level met so far win (levels compare as
        // unsigned integers in GnuTLS, see SecurityLevel::unsigned_code).
        if let Some(p) = l.profile {
            if self.profile.is_none_or(|cur| cur.code() > p.code()) {
                self.profile = Some(p);
            }
        }
        if self
            .level
            .is_none_or(|cur| cur.unsigned_code() > l.level.unsigned_code())
        {
            self.level = Some(l.level);
        }
        // Every level resets the ticket settings to its own.
        self.flags.no_tickets = false;
        self.flags.no_tickets_tls12 = l.no_tickets_tls12;
    }

    /// One `+`, `-` or `!` item (without its prefix). `Err(())` is a syntax
    /// error.
    fn apply_item(&mut self, item: &str, add: bool) -> Result<(), ()> {
        if add {
            if let Some(l) = find_level(item) {
                self.apply_level(l, true);
                return Ok(());
            }
        }
        // Bulk "-ALL" operations clear the whole list; "+ALL" appends.
        macro_rules! bulk {
            ($list:expr, $vals:expr) => {
                if add {
                    $list.add_all($vals)
                } else {
                    $list.clear()
                }
            };
        }
        macro_rules! bulk_given {
            ($list:expr, $vals:expr) => {
                if add {
                    $list.add_all($vals)
                } else {
                    $list.remove_all($vals)
                }
            };
        }
        macro_rules! one {
            ($list:expr, $v:expr) => {
                if add {
                    $list.add_one($v)
                } else {
                    $list.remove_one($v)
                }
            };
        }
        let starts = |p: &str| {
            item.get(..p.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(p))
        };
        let after = |p: &str| item.get(p.len()..).unwrap_or("");

        if let Some(m) = Mac::from_name(item) {
            one!(self.macs, m);
        } else if let Some(c) = Cipher::from_name(item) {
            if c.exists() {
                one!(self.ciphers, c);
            }
        } else if let Some(k) = Kx::from_name(item) {
            if k.is_valid() {
                one!(self.kx, k);
            }
        } else if starts("VERS-") {
            if starts("VERS-TLS-ALL") {
                bulk_given!(self.protocols, levels::PROTOCOLS_TLS);
            } else if starts("VERS-DTLS-ALL") {
                if add {
                    self.protocols.add_all(levels::PROTOCOLS_DTLS_ADD);
                } else {
                    self.protocols.remove_all(levels::PROTOCOLS_DTLS_REMOVE);
                }
            } else if starts("VERS-ALL") {
                bulk!(self.protocols, levels::PROTOCOLS_ALL);
            } else {
                let v = Version::from_name(after("VERS-")).ok_or(())?;
                one!(self.protocols, v);
            }
        } else if starts("COMP-") {
            // Compression is gone from TLS; every COMP- item is ignored.
        } else if starts("CURVE-") {
            if starts("CURVE-ALL") {
                bulk!(self.groups, levels::GROUPS_NORMAL);
            } else {
                let g = Group::from_curve_name(after("CURVE-")).ok_or(())?;
                one!(self.groups, g);
            }
        } else if starts("GROUP-") {
            if starts("GROUP-ALL") {
                bulk!(self.groups, levels::GROUPS_NORMAL);
            } else if starts("GROUP-DH-ALL") {
                bulk_given!(self.groups, levels::GROUPS_DH);
            } else if starts("GROUP-EC-ALL") {
                bulk_given!(self.groups, levels::GROUPS_EC);
            } else if starts("GROUP-GOST-ALL") {
                bulk_given!(self.groups, levels::GROUPS_GOST);
            } else {
                let g = Group::from_name(after("GROUP-")).ok_or(())?;
                one!(self.groups, g);
            }
        } else if starts("CTYPE-") {
            if starts("CTYPE-ALL") {
                bulk!(self.client_ctypes, levels::CERT_TYPES_ALL);
                bulk!(self.server_ctypes, levels::CERT_TYPES_ALL);
            } else if starts("CTYPE-CLI-") {
                if starts("CTYPE-CLI-ALL") {
                    bulk!(self.client_ctypes, levels::CERT_TYPES_ALL);
                } else {
                    let t = CertType::from_name(after("CTYPE-CLI-")).ok_or(())?;
                    one!(self.client_ctypes, t);
                }
            } else if starts("CTYPE-SRV-") {
                if starts("CTYPE-SRV-ALL") {
                    bulk!(self.server_ctypes, levels::CERT_TYPES_ALL);
                } else {
                    let t = CertType::from_name(after("CTYPE-SRV-")).ok_or(())?;
                    one!(self.server_ctypes, t);
                }
            } else if let Some(t) = CertType::from_name(after("CTYPE-")) {
                one!(self.client_ctypes, t);
                one!(self.server_ctypes, t);
            } else if !starts("CTYPE-OPENPGP") {
                // OpenPGP certificates are gone; the item is ignored.
                return Err(());
            }
        } else if starts("SIGN-") {
            if starts("SIGN-ALL") {
                bulk!(self.signs, &levels::signs(levels::SIGNS_DEFAULT));
            } else if starts("SIGN-GOST-ALL") {
                bulk!(self.signs, &levels::signs(levels::SIGNS_GOST));
            } else {
                let s = Sign::from_name(after("SIGN-")).ok_or(())?;
                one!(self.signs, s);
            }
        } else if starts("MAC-") {
            // Only the bulk forms act; any other MAC-xxx is ignored.
            if starts("MAC-ALL") {
                bulk!(self.macs, levels::MACS_NORMAL);
            } else if starts("MAC-GOST-ALL") {
                bulk!(self.macs, levels::MACS_GOST);
            }
        } else if starts("CIPHER-") {
            if starts("CIPHER-ALL") {
                bulk!(self.ciphers, levels::CIPHERS_NORMAL);
            } else if starts("CIPHER-GOST-ALL") {
                bulk!(self.ciphers, levels::CIPHERS_GOST);
            }
        } else if starts("KX-") {
            if starts("KX-ALL") {
                bulk!(self.kx, levels::KX_SECURE);
            } else if starts("KX-GOST-ALL") {
                bulk!(self.kx, levels::KX_GOST);
            }
        } else if starts("GOST") {
            bulk_given!(self.groups, levels::GROUPS_GOST);
            bulk!(self.signs, &levels::signs(levels::SIGNS_GOST));
            bulk!(self.macs, levels::MACS_GOST);
            bulk!(self.ciphers, levels::CIPHERS_GOST);
            bulk!(self.kx, levels::KX_GOST);
        } else {
            return Err(());
        }
        Ok(())
    }

    fn apply_flag(&mut self, name: &str) -> Result<(), ()> {
        match find_flag(name).ok_or(())? {
            FlagAction::Set(f) => f(&mut self.flags),
            // A profile flag sets profile and level outright.
            FlagAction::Profile(p) => {
                self.profile = Some(p);
                self.level = Some(p.security_level());
            }
        }
        Ok(())
    }
}

/// `break_list`: `:`-separated elements, spaces (not tabs) after each `:`
/// skipped, at most [`MAX_ELEMENTS`].
pub(crate) fn break_list(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        match rest.split_once(':') {
            Some((elem, tail)) => {
                out.push(elem);
                rest = tail.trim_start_matches(' ');
            }
            None => {
                out.push(rest);
                break;
            }
        }
        if out.len() >= MAX_ELEMENTS {
            break;
        }
    }
    out
}

/// Parses and resolves `priorities` exactly as GnuTLS's `gnutls_priority_init`.
pub(crate) fn init(
    priorities: &str,
    sys: Option<&SystemConfig>,
) -> Result<ResolvedPriority, PriorityError> {
    // A C string ends at its first NUL.
    let priorities = priorities.split('\0').next().unwrap_or("");
    let darg = resolve(priorities, sys).ok_or(PriorityError::InvalidRequest { position: 0 })?;
    // Positions are reported only for strings used as given; for rewritten
    // ones (leading whitespace, @keywords) GnuTLS points at the start.
    let as_given = *darg == *priorities;
    let elems = break_list(&darg);

    let mut st = State::default();
    let first_is_none = elems
        .first()
        .is_some_and(|e| e.eq_ignore_ascii_case("NONE"));
    let (mut level_set, start) = if first_is_none {
        (true, 1)
    } else {
        st.protocols.set_to(levels::PROTOCOLS_ALL);
        st.client_ctypes.set_to(levels::CERT_TYPES_DEFAULT);
        st.server_ctypes.set_to(levels::CERT_TYPES_DEFAULT);
        st.signs.set_to(&levels::signs(levels::SIGNS_DEFAULT));
        st.groups.set_to(levels::GROUPS_NORMAL);
        (false, 0)
    };

    for (i, elem) in elems.iter().enumerate().skip(start) {
        let ok = if let Some(l) = find_level(elem) {
            st.apply_level(l, level_set);
            level_set = true;
            Ok(())
        } else if let Some(item) = elem.strip_prefix('+') {
            st.apply_item(item, true)
        } else if let Some(item) = elem.strip_prefix(['-', '!']) {
            st.apply_item(item, false)
        } else if let Some(flag) = elem.strip_prefix('%') {
            st.apply_flag(flag)
        } else {
            Err(())
        };
        if ok.is_err() {
            let position = if as_given {
                // The sum of the preceding elements' lengths plus their ':'
                // separators; spaces skipped after a ':' are not counted.
                elems.iter().take(i).fold(0usize, |acc, e| {
                    acc.saturating_add(e.len()).saturating_add(1)
                })
            } else {
                0
            };
            return Err(PriorityError::InvalidRequest { position });
        }
    }
    finish(st, sys)
}

/// `set_ciphersuite_list`: applies system-wide disables, drops protocols
/// that cannot work, builds the suite and wire group lists, and rejects
/// what leaves nothing.
fn finish(mut st: State, sys: Option<&SystemConfig>) -> Result<ResolvedPriority, PriorityError> {
    let ov = sys.map(SystemConfig::overrides);
    if let Some(o) = ov {
        st.kx.retain(|k| !o.disabled_kx.contains(k));
        st.groups.retain(|g| !o.disabled_groups.contains(g));
        st.ciphers.retain(|c| !o.disabled_ciphers.contains(c));
        st.macs.retain(|m| !o.disabled_macs.contains(m));
    }
    let hash_insecure = |h: &str| ov.is_some_and(|o| o.insecure_hashes.iter().any(|x| x == h));
    let group_usable =
        |g: Group| g.supported() && !ov.is_some_and(|o| o.disabled_curves.contains(&g));

    let mut loss: Option<Tls13Loss> =
        (!st.protocols.contains(&Version::Tls13)).then_some(Tls13Loss::NotEnabled);

    let have_null = st.ciphers.contains(&Cipher::Null);
    let have_srp = st.kx.iter().any(|k| k.is_srp());
    let have_rsa_psk = st.kx.contains(&Kx::RsaPsk);
    let have_psk = st.kx.iter().any(|k| k.is_psk() && *k != Kx::RsaPsk);

    st.protocols.retain(|v| v.supported());
    if let Some(o) = ov {
        if o.disabled_versions.contains(&Version::Tls13) {
            drop_tls13(&mut st.protocols, Tls13Loss::DisabledBySystem, &mut loss);
        }
        st.protocols.retain(|v| !o.disabled_versions.contains(v));
    }
    if have_null || have_srp || have_rsa_psk || st.flags.no_extensions {
        let why = if st.flags.no_extensions {
            Tls13Loss::NoExtensions
        } else if have_null {
            Tls13Loss::NullCipher
        } else if have_srp {
            Tls13Loss::Srp
        } else {
            Tls13Loss::RsaPsk
        };
        drop_tls13(&mut st.protocols, why, &mut loss);
    }

    let mut sig_sem = 0u8;
    let (mut have_tls13, mut have_tls12, mut have_pre_tls12) = (false, false, false);
    let (mut tls_max, mut tls_min, mut dtls_min): (
        Option<Version>,
        Option<Version>,
        Option<Version>,
    ) = (None, None, None);
    for v in &st.protocols {
        sig_sem |= v.sig_sem();
        if v.is_dtls() {
            if dtls_min.is_none_or(|m| v.age() < m.age()) {
                dtls_min = Some(*v);
            }
        } else {
            match v {
                Version::Tls13 => have_tls13 = true,
                Version::Tls12 => have_tls12 = true,
                _ => have_pre_tls12 = true,
            }
            if tls_max.is_none_or(|m| v.age() > m.age()) {
                tls_max = Some(*v);
            }
            if tls_min.is_none_or(|m| v.age() < m.age()) {
                tls_min = Some(*v);
            }
        }
    }
    if tls_min.is_none() && dtls_min.is_none() {
        return Err(PriorityError::NoPriorities(NoPriorities::NoProtocols));
    }
    // TLS 1.3 needs no key exchange algorithm unless a PSK one is wanted.
    if tls_min == Some(Version::Tls13) && !have_psk && dtls_min.is_none() {
        st.kx.clear();
    }

    // TLS 1.3 suites: cipher-major, MAC-minor, only with the AEAD "MAC".
    let mut tls13_suites: Vec<CipherSuite> = Vec::new();
    let mut n_tls12 = 0usize;
    let mut wire_groups: Vec<Group> = Vec::new();
    let (mut have_ec, mut have_dh, mut have_hybrid) = (false, false, false);
    let add_kind = |wire: &mut Vec<Group>, kind: GroupKind| {
        wire.extend(
            st.groups
                .iter()
                .copied()
                .filter(|g| g.kind() == kind && group_usable(*g)),
        );
    };
    for c in &st.ciphers {
        for m in &st.macs {
            let Some(suite) = c.tls13_suite().filter(|_| *m == Mac::Aead) else {
                continue;
            };
            let prf = if suite == CipherSuite::TLS_AES_256_GCM_SHA384 {
                "SHA384"
            } else {
                "SHA256"
            };
            if hash_insecure(prf) {
                continue;
            }
            tls13_suites.push(suite);
            if !have_hybrid {
                have_hybrid = true;
                add_kind(&mut wire_groups, GroupKind::Hybrid);
            }
        }
    }
    for k in &st.kx {
        // Only emptiness and the first EC/DH suite matter: skip exchanges
        // that can change neither.
        if n_tls12 > 0 && (have_ec || !k.uses_ec()) && (have_dh || !k.uses_dh()) {
            continue;
        }
        for c in &st.ciphers {
            for m in &st.macs {
                if !TLS12_SUITES.contains(&(*k, *c, *m)) {
                    continue;
                }
                n_tls12 = n_tls12.saturating_add(1);
                if !have_ec && k.uses_ec() {
                    have_ec = true;
                    add_kind(&mut wire_groups, GroupKind::Ec);
                }
                if !have_dh && k.uses_dh() {
                    have_dh = true;
                    add_kind(&mut wire_groups, GroupKind::Dh);
                }
            }
        }
    }
    if have_tls13 && !(have_ec && have_dh && have_hybrid) {
        // The first usable group of each missing kind brings its kind in.
        for g in st.groups.clone() {
            if !group_usable(g) {
                continue;
            }
            match g.kind() {
                GroupKind::Ec if !have_ec => {
                    add_kind(&mut wire_groups, GroupKind::Ec);
                    have_ec = true;
                }
                GroupKind::Dh if !have_dh => {
                    add_kind(&mut wire_groups, GroupKind::Dh);
                    have_dh = true;
                }
                GroupKind::Hybrid if !have_hybrid => {
                    add_kind(&mut wire_groups, GroupKind::Hybrid);
                    have_hybrid = true;
                }
                _ => {}
            }
            if have_ec && have_dh && have_hybrid {
                break;
            }
        }
    }

    let sign_usable = |s: &Sign| {
        s.sem() & sig_sem != 0
            && !hash_insecure(s.hash())
            && !ov.is_some_and(|o| o.insecure_signs.contains(s))
    };
    if !st.signs.iter().any(sign_usable) {
        // No signature algorithm: only versions that sign without the
        // signature_algorithms extension remain.
        if st.protocols.contains(&Version::Tls13) {
            loss.get_or_insert(Tls13Loss::NoSignatures);
        }
        st.protocols.retain(|v| v.signs_without_sigalgs());
    }
    if st.protocols.is_empty() {
        return Err(PriorityError::NoPriorities(NoPriorities::NoProtocols));
    }
    if tls13_suites.is_empty() && n_tls12 == 0 {
        return Err(PriorityError::NoPriorities(NoPriorities::NoSuites));
    }
    if !have_psk && tls_max == Some(Version::Tls13) && wire_groups.is_empty() {
        drop_tls13(&mut st.protocols, Tls13Loss::NoGroups, &mut loss);
    }
    if !have_tls12 && have_pre_tls12 && have_tls13 {
        drop_tls13(&mut st.protocols, Tls13Loss::OlderWithoutTls12, &mut loss);
    }
    if st.protocols.contains(&Version::Tls13) && tls13_suites.is_empty() {
        loss.get_or_insert(Tls13Loss::NoSuites);
    }
    if st.protocols.contains(&Version::Tls13) && !tls13_suites.is_empty() {
        loss = None;
    }

    let tls13_signs = st
        .signs
        .iter()
        .copied()
        .filter(|s| s.sem() & SEM_TLS13 != 0 && sign_usable(s))
        .collect();
    Ok(ResolvedPriority {
        protocols: st.protocols,
        ciphers: st.ciphers,
        macs: st.macs,
        kx: st.kx,
        groups: st.groups,
        signs: st.signs,
        client_cert_types: st.client_ctypes,
        server_cert_types: st.server_ctypes,
        tls13_suites,
        wire_groups,
        tls13_signs,
        flags: st.flags,
        profile: st.profile,
        level: st.level,
        tls13_loss: loss,
    })
}

/// Removes TLS 1.3, remembering the first reason it went.
fn drop_tls13(protocols: &mut Vec<Version>, why: Tls13Loss, loss: &mut Option<Tls13Loss>) {
    if protocols.contains(&Version::Tls13) {
        protocols.retain(|v| *v != Version::Tls13);
        loss.get_or_insert(why);
    }
}
