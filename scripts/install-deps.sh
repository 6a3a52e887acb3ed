#!/usr/bin/env bash
# Installs the interop peers qtls is tested against, idempotently:
#   - GnuTLS 3.7 tools (gnutls-cli, gnutls-serv, certtool, psktool) and the system
#     OpenSSL 3.0, from Debian packages;
#   - OpenSSL 3.5 (the only peer here with ML-KEM, ML-DSA and certificate compression),
#     built from the source shipped in the `openssl-src` crate into a cache directory outside
#     the repository, with zlib and brotli from Debian packages; an existing build without
#     them is rebuilt.
#
# Environment:
#   QTLS_CACHE       cache root (default: $HOME/.cache/qtls)
#   QTLS_OPENSSL35   install prefix of OpenSSL 3.5 (default: $QTLS_CACHE/openssl-3.5)
#
# A second run does nothing but print where each peer is and its version.
set -euo pipefail

QTLS_CACHE="${QTLS_CACHE:-${HOME:-/root}/.cache/qtls}"
OSSL35_PREFIX="${QTLS_OPENSSL35:-$QTLS_CACHE/openssl-3.5}"
# ~300.5 is the crate line that ships OpenSSL 3.5.x (~400.0 would be OpenSSL 4.0).
OPENSSL_SRC_REQ="~300.5"

log() { printf 'install-deps: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- Debian packages ----------------------------------------------------------------

apt_updated=0
apt_install() {
    # Installs the given packages; runs `apt-get update` at most once per invocation.
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install: $*"
        sudo=(sudo)
    fi
    if [ "$apt_updated" -eq 0 ]; then
        log "apt-get update"
        "${sudo[@]}" apt-get update -qq
        apt_updated=1
    fi
    log "apt-get install -y $*"
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing_pkgs=()
for tool in gnutls-cli gnutls-serv certtool psktool; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        missing_pkgs+=(gnutls-bin)
        break
    fi
done
command -v openssl >/dev/null 2>&1 || missing_pkgs+=(openssl)
# Building OpenSSL 3.5 needs perl, make and a C compiler.
command -v perl >/dev/null 2>&1 || missing_pkgs+=(perl)
command -v make >/dev/null 2>&1 || missing_pkgs+=(make)
command -v cc >/dev/null 2>&1 || missing_pkgs+=(gcc libc6-dev)
# Certificate compression (RFC 8879) in OpenSSL 3.5 needs zlib and brotli headers and libraries.
[ -f /usr/include/zlib.h ] || missing_pkgs+=(zlib1g-dev)
[ -f /usr/include/brotli/encode.h ] || missing_pkgs+=(libbrotli-dev)
if [ "${#missing_pkgs[@]}" -gt 0 ]; then
    apt_install "${missing_pkgs[@]}"
fi

# --- OpenSSL 3.5 from the openssl-src crate ---------------------------------------------

ossl35_ok() {
    # A build from before certificate compression was enabled (its `list -disabled` names
    # ZLIB or BROTLI) counts as stale, so caches made by older versions of this script rebuild.
    [ -x "$OSSL35_PREFIX/bin/openssl" ] &&
        "$OSSL35_PREFIX/bin/openssl" version 2>/dev/null | grep -q '^OpenSSL 3\.5\.' &&
        ! "$OSSL35_PREFIX/bin/openssl" list -disabled 2>/dev/null | grep -qE '^(ZLIB|BROTLI)$'
}

build_openssl35() {
    command -v cargo >/dev/null 2>&1 || die "cargo is needed to fetch the openssl-src crate"
    local work
    work="$(mktemp -d "${TMPDIR:-/tmp}/qtls-openssl35.XXXXXX")"
    # shellcheck disable=SC2064  # expand $work now: it is local to this function
    trap "rm -rf '$work'" EXIT

    # A throw-away cargo project whose only purpose is to make cargo download the crate.
    mkdir -p "$work/fetch/src"
    cat >"$work/fetch/Cargo.toml" <<EOF
[package]
name = "qtls-fetch-openssl-src"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
openssl-src = "$OPENSSL_SRC_REQ"
EOF
    : >"$work/fetch/src/lib.rs"
    log "fetching openssl-src $OPENSSL_SRC_REQ with cargo"
    (cd "$work/fetch" && cargo fetch --quiet)

    # Ask cargo where the crate was unpacked rather than guessing the registry layout.
    local manifest crate_dir
    manifest="$(cd "$work/fetch" && cargo metadata --format-version 1 --quiet |
        perl -MJSON::PP -e '
            local $/; my $m = decode_json(<STDIN>);
            for my $p (@{$m->{packages}}) {
                if ($p->{name} eq "openssl-src") { print $p->{manifest_path}; last }
            }')"
    [ -n "$manifest" ] || die "cargo metadata did not list openssl-src"
    crate_dir="$(dirname "$manifest")"
    [ -f "$crate_dir/openssl/Configure" ] || die "no openssl/Configure in $crate_dir"
    log "using $(basename "$crate_dir") from $crate_dir"

    # Build from a copy: the registry copy must stay pristine for other crates.
    cp -R "$crate_dir/openssl" "$work/openssl"
    # Replace a previous (broken or older) build, but never a directory this script did not
    # make: QTLS_OPENSSL35 could point anywhere.
    if [ -d "$OSSL35_PREFIX" ] && [ -n "$(ls -A "$OSSL35_PREFIX")" ] &&
        [ ! -e "$OSSL35_PREFIX/.qtls-openssl-3.5" ]; then
        die "$OSSL35_PREFIX exists and was not made by this script; remove it or set QTLS_OPENSSL35"
    fi
    rm -rf "$OSSL35_PREFIX"
    mkdir -p "$OSSL35_PREFIX"
    echo "OpenSSL 3.5 built by qtls scripts/install-deps.sh from $(basename "$crate_dir")" \
        >"$OSSL35_PREFIX/.qtls-openssl-3.5"
    (
        cd "$work/openssl"
        # The crate's trimmed tree lacks util/providers.num (so no-legacy), util/mkdef.pl
        # (so no-shared no-module) and apps/openssl.cnf (so no install_ssldirs).
        # enable-zlib enable-brotli: certificate compression (RFC 8879) against the system
        # zlib and brotli libraries, so qtls's compression is tested against a real peer.
        perl ./Configure linux-x86_64 \
            --prefix="$OSSL35_PREFIX" --openssldir="$OSSL35_PREFIX/ssl" --libdir=lib \
            no-shared no-module no-docs no-tests no-legacy enable-ec_nistp_64_gcc_128 \
            enable-zlib enable-brotli \
            >"$work/configure.log" 2>&1 || { tail -n 40 "$work/configure.log" >&2; exit 1; }
        log "building OpenSSL (make -j2 build_sw: about 3 minutes on 2 idle cores)"
        make -j2 build_sw >"$work/build.log" 2>&1 || { tail -n 60 "$work/build.log" >&2; exit 1; }
        make install_sw >"$work/install.log" 2>&1 || { tail -n 40 "$work/install.log" >&2; exit 1; }
    ) || die "building OpenSSL 3.5 failed"

    mkdir -p "$OSSL35_PREFIX/ssl"
    cat >"$OSSL35_PREFIX/ssl/openssl.cnf" <<'EOF'
# Minimal configuration for the qtls interop peer (the openssl-src tree ships none).
openssl_conf = openssl_init

[openssl_init]
providers = provider_sect

[provider_sect]
default = default_sect

[default_sect]
activate = 1

[req]
distinguished_name = req_distinguished_name
prompt = no

[req_distinguished_name]
CN = qtls test
EOF
    rm -rf "$work"
    trap - EXIT
}

if ossl35_ok; then
    log "OpenSSL 3.5 already built in $OSSL35_PREFIX"
else
    mkdir -p "$QTLS_CACHE"
    # Serialise concurrent installs sharing one cache.
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$QTLS_CACHE/.openssl-3.5.lock"
        flock 9
    fi
    if ossl35_ok; then
        log "OpenSSL 3.5 was built by a concurrent run"
    else
        build_openssl35
        ossl35_ok || die "$OSSL35_PREFIX/bin/openssl does not report version 3.5"
    fi
fi

# --- Report -------------------------------------------------------------------------------

report() {
    local name="$1" path="$2" version="$3"
    printf 'peer  %-12s %-48s %s\n' "$name" "$path" "$version"
}
report gnutls-cli "$(command -v gnutls-cli)" "$(gnutls-cli --version 2>&1 | head -n 1)"
report gnutls-serv "$(command -v gnutls-serv)" "$(gnutls-serv --version 2>&1 | head -n 1)"
report certtool "$(command -v certtool)" "$(certtool --version 2>&1 | head -n 1)"
report psktool "$(command -v psktool)" "$(psktool --version 2>&1 | head -n 1)"
report openssl "$(command -v openssl)" "$(openssl version)"
report openssl-3.5 "$OSSL35_PREFIX/bin/openssl" "$("$OSSL35_PREFIX/bin/openssl" version)"
