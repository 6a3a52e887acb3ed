#!/usr/bin/env bash
# The interop harness: real GnuTLS and OpenSSL peers on 127.0.0.1, one "cell" per scenario.
#
# Usage: interop/run.sh [SUBSTRING...]
#   With arguments, runs only the cells whose name contains one of the substrings (the PKI is
#   always made). Prints `PASS  name` or `FAIL  name: reason` per cell, the tail of the logs of
#   every failed cell, and finally `interop: N passed, N failed`. Exits non-zero if a cell
#   failed.
#
# Environment:
#   QTLS_BIN         the qtls binary (default: the newer of <target>/release/qtls and
#                    <target>/debug/qtls, <target> being $CARGO_TARGET_DIR or ./target)
#   QTLS_CACHE, QTLS_OPENSSL35   where scripts/install-deps.sh put OpenSSL 3.5
#   INTEROP_KEEP=1   keep the work directory (PKI and logs) even when every cell passed
#
# Peers: gnutls-cli, gnutls-serv, certtool, psktool (GnuTLS 3.7), the system openssl (3.0) and
# OpenSSL 3.5 from the cache. A missing peer fails the cells that need it: nothing is skipped.
#
# Writing a cell: `cell NAME COMMAND...` runs COMMAND in a subshell whose working directory is
# the cell's log directory ($CELL_DIR; $CELL_NAME is the name). COMMAND passes by returning 0;
# `fail REASON` ends it with a reason. Most cells are one `pair` line: a server function, `--`,
# a client function (see "Peers as functions" below); qtls cells use the same functions (see
# "qtls cells").

# Cells run in subshells on purpose (CELL_DIR etc. are per cell): SC2030/SC2031 are expected.
# shellcheck disable=SC2030,SC2031
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FILTERS=("$@")

# Every peer command runs under `timeout`: a hung peer fails its cell instead of the run.
PEER_TIMEOUT=20
# Servers also die on their own after this long, whatever happens to the harness.
SERVER_LIFETIME=120

WORK="$(mktemp -d "${TMPDIR:-/tmp}/qtls-interop.XXXXXX")"
PKI="$WORK/pki"
LOGS="$WORK/logs"
mkdir -p "$LOGS"
: >"$WORK/pgids"
: >"$WORK/ports"

# --- Locating the peers -----------------------------------------------------------------

QTLS_CACHE="${QTLS_CACHE:-${HOME:-/root}/.cache/qtls}"
GNUTLS_CLI="$(command -v gnutls-cli || true)"
GNUTLS_SERV="$(command -v gnutls-serv || true)"
CERTTOOL="$(command -v certtool || true)"
PSKTOOL="$(command -v psktool || true)"
OPENSSL30="$(command -v openssl || true)"
OPENSSL35="${QTLS_OPENSSL35:-$QTLS_CACHE/openssl-3.5}/bin/openssl"
[ -x "$OPENSSL35" ] || OPENSSL35=""

find_qtls() {
    local target="${CARGO_TARGET_DIR:-$ROOT/target}" best="" f
    for f in "$target/release/qtls" "$target/debug/qtls"; do
        if [ -x "$f" ] && { [ -z "$best" ] || [ "$f" -nt "$best" ]; }; then
            best="$f"
        fi
    done
    printf '%s' "$best"
}
QTLS_BIN="${QTLS_BIN:-$(find_qtls)}"

# --- The cell framework --------------------------------------------------------------------

PASSED=0
FAILED=0
FAILED_NAMES=()

selected() {
    local name="$1" f
    [ "${#FILTERS[@]}" -eq 0 ] && return 0
    for f in "${FILTERS[@]}"; do
        case "$name" in *"$f"*) return 0 ;; esac
    done
    return 1
}

# fail REASON: ends the current cell as failed. Call it from the cell's own shell, not from
# inside $(...) or a pipeline, where `exit` would only leave that inner subshell.
fail() {
    printf '%s\n' "$*" >"$CELL_DIR/reason"
    exit 1
}

# need VAR: fails the cell when the program in $VAR (a peer, or qtls) is missing.
need() {
    local var="$1"
    if [ -z "${!var}" ] || ! [ -x "${!var}" ]; then
        if [ "$var" = QTLS_BIN ]; then
            fail "qtls binary not found at '${!var}' (cargo build, or set QTLS_BIN)"
        fi
        fail "peer $var not found (run scripts/install-deps.sh)"
    fi
}

# kill_groups FILE: stops every process group listed in FILE (servers started by cells).
kill_groups() {
    local file="$1" pgid
    [ -s "$file" ] || return 0
    while read -r pgid; do
        kill -TERM -- "-$pgid" 2>/dev/null || true
    done <"$file"
    sleep 0.1
    while read -r pgid; do
        kill -KILL -- "-$pgid" 2>/dev/null || true
    done <"$file"
}

# On any exit, no server outlives the harness. The work directory is removed (or kept) by the
# main code below, so an interrupted run keeps its logs.
trap 'kill_groups "$WORK/pgids"' EXIT
trap 'exit 130' INT TERM

# cell NAME COMMAND...: runs one scenario and records PASS or FAIL.
cell() {
    local name="$1"
    shift
    selected "$name" || return 0
    local dir="$LOGS/${name//\//_}"
    mkdir -p "$dir"
    (
        export CELL_NAME="$name" CELL_DIR="$dir"
        cd "$dir" || exit 1
        "$@"
    ) >"$dir/cell.log" 2>&1
    local rc=$?
    kill_groups "$dir/pgids"
    if [ "$rc" -eq 0 ]; then
        PASSED=$((PASSED + 1))
        printf 'PASS  %s\n' "$name"
    else
        FAILED=$((FAILED + 1))
        FAILED_NAMES+=("$name")
        local reason="exit status $rc"
        [ -s "$dir/reason" ] && reason="$(head -n 1 "$dir/reason")"
        printf 'FAIL  %s: %s\n' "$name" "$reason"
        local log
        for log in "$dir"/*.log; do
            [ -s "$log" ] || continue
            printf '      --- %s (last 15 lines)\n' "$(basename "$log")"
            tail -n 15 "$log" | sed 's/^/      | /'
        done
    fi
}

# --- Ports, servers, clients ----------------------------------------------------------------

# port_in_use PORT: true if any IPv4/IPv6 TCP socket uses PORT locally (any state).
port_in_use() {
    local hex
    hex="$(printf '%04X' "$1")"
    awk -v p="$hex" 'NR > 1 { split($2, a, ":"); if (a[length(a)] == p) found = 1 }
        END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# port_listening PORT: true once some socket listens on PORT (state 0A = LISTEN).
port_listening() {
    local hex
    hex="$(printf '%04X' "$1")"
    awk -v p="$hex" 'NR > 1 && $4 == "0A" { split($2, a, ":"); if (a[length(a)] == p) found = 1 }
        END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# free_port: prints a port no socket uses and this run has not handed out yet.
free_port() {
    local port i
    for ((i = 0; i < 200; i++)); do
        port=$((20000 + RANDOM % 40000))
        grep -qx "$port" "$WORK/ports" && continue
        port_in_use "$port" && continue
        echo "$port" >>"$WORK/ports"
        printf '%s' "$port"
        return 0
    done
    return 1
}

# start_server NAME COMMAND...: starts COMMAND in the background on the port in $PORT, in its
# own process group (timeout makes itself a group leader), with a stdin that stays open
# (gnutls-serv and s_server quit when stdin closes), and waits until the port listens.
# Output goes to $CELL_DIR/NAME.log. The group is killed when the cell ends.
start_server() {
    local name="$1"
    shift
    local log="$CELL_DIR/$name.log" i
    # shellcheck disable=SC2016  # $0 and $@ expand in the inner bash
    timeout -k 2 "$SERVER_LIFETIME" bash -c 'sleep "$0" | "$@"' "$SERVER_LIFETIME" "$@" \
        </dev/null >"$log" 2>&1 &
    local pgid=$!
    echo "$pgid" >>"$CELL_DIR/pgids"
    echo "$pgid" >>"$WORK/pgids"
    SERVER_LOG="$log"
    for ((i = 0; i < 100; i++)); do
        port_listening "$PORT" && return 0
        kill -0 "$pgid" 2>/dev/null || fail "$name exited before listening on port $PORT"
        sleep 0.1
    done
    fail "$name is not listening on port $PORT after 10 s"
}

# A unique line each client sends; servers answer with it unchanged (REPLY_MODE=echo:
# gnutls-serv --echo, qtls server --echo) or reversed (REPLY_MODE=reverse: s_server -rev).
# With REPLY_MODE=http the client sends an HTTP GET instead, the server answers and closes
# the connection itself (gnutls-serv without --echo, s_server -www, qtls server --http).
TOKEN="qtls-interop-$$-$RANDOM"
expected_reply() {
    case "${REPLY_MODE:-echo}" in
        reverse) printf '%s' "$TOKEN" | rev ;;
        http) printf 'HTTP/1.0 200' ;;
        *) printf '%s' "$TOKEN" ;;
    esac
}

# Lines a client sends before $TOKEN (client commands such as gnutls-cli's `^rekey^` or
# s_client's `K`), each once the client's log matches $READY_RE (its handshake is done).
PRELUDE=()
READY_RE=""

# converse LOG COMMAND...: runs a client with a pipe as stdin, sends the $PRELUDE lines and
# $TOKEN, keeps stdin open until the expected reply shows up in LOG (or the client exits, or
# PEER_TIMEOUT passes), then closes stdin (the client says goodbye) and returns the client's
# exit status. With REPLY_MODE=http it sends a GET (of $HTTP_PATH, default /) and leaves stdin
# open: the server must close the connection and the client exit on its own.
converse() {
    local log="$1"
    shift
    local fifo="$CELL_DIR/stdin.fifo" i w pid rc line
    # A file, not an argument: a big token would not fit on a command line.
    expected_reply >"$CELL_DIR/expected"
    rm -f "$fifo"
    mkfifo "$fifo"
    timeout -k 2 "$PEER_TIMEOUT" "$@" <"$fifo" >"$log" 2>&1 &
    pid=$!
    exec {w}>"$fifo"
    for line in "${PRELUDE[@]}"; do
        if [ -n "$READY_RE" ]; then
            for ((i = 0; i < PEER_TIMEOUT * 10; i++)); do
                grep -qE -- "$READY_RE" "$log" && break
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
        fi
        # The client may already have died: a write must not kill the cell with SIGPIPE.
        (
            trap '' PIPE
            printf '%s\n' "$line" >&"$w"
        ) 2>/dev/null
        # One command per read: the client must not see the next line in the same chunk.
        sleep 0.3
    done
    (
        trap '' PIPE
        if [ "${REPLY_MODE:-echo}" = http ]; then
            printf 'GET %s HTTP/1.0\r\n\r\n' "${HTTP_PATH:-/}" >&"$w"
        else
            printf '%s\n' "$TOKEN" >&"$w"
        fi
    ) 2>/dev/null
    for ((i = 0; i < PEER_TIMEOUT * 10; i++)); do
        if [ "${REPLY_MODE:-echo}" != http ]; then
            grep -qF -f "$CELL_DIR/expected" "$log" && break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    exec {w}>&-
    wait "$pid"
    rc=$?
    rm -f "$fifo"
    return "$rc"
}

# ... Peers as functions
#
# Server functions start a server on a fresh port ($PORT) with the given extra arguments and
# set REPLY_MODE. Client functions connect to $PORT, exchange $TOKEN and return the client's
# status, writing $CELL_DIR/client.log. `pair` combines one of each.

srv_gnutls() {
    need GNUTLS_SERV
    REPLY_MODE="echo"
    start_server gnutls-serv "$GNUTLS_SERV" --echo --port "$PORT" "$@"
}

srv_openssl30() {
    need OPENSSL30
    REPLY_MODE=reverse
    start_server openssl30 "$OPENSSL30" s_server -accept "127.0.0.1:$PORT" -rev "$@"
}

srv_openssl35() {
    need OPENSSL35
    REPLY_MODE=reverse
    start_server openssl35 "$OPENSSL35" s_server -accept "127.0.0.1:$PORT" -rev "$@"
}

# HTTP servers: they answer a GET and close the connection themselves (REPLY_MODE=http).
srv_gnutls_http() {
    need GNUTLS_SERV
    REPLY_MODE=http
    start_server gnutls-serv "$GNUTLS_SERV" --http --port "$PORT" "$@"
}

srv_openssl30_www() {
    need OPENSSL30
    REPLY_MODE=http
    start_server openssl30 "$OPENSSL30" s_server -accept "127.0.0.1:$PORT" -www "$@"
}

srv_openssl35_www() {
    need OPENSSL35
    REPLY_MODE=http
    start_server openssl35 "$OPENSSL35" s_server -accept "127.0.0.1:$PORT" -www "$@"
}

# Client functions: the peer verifies the server as "localhost" whenever a CA is given.
cli_gnutls() {
    need GNUTLS_CLI
    converse "$CELL_DIR/client.log" "$GNUTLS_CLI" --port "$PORT" "$@" localhost
}

cli_openssl30() {
    need OPENSSL30
    converse "$CELL_DIR/client.log" "$OPENSSL30" s_client -connect "127.0.0.1:$PORT" \
        -servername localhost -verify_hostname localhost -verify_return_error "$@"
}

cli_openssl35() {
    need OPENSSL35
    converse "$CELL_DIR/client.log" "$OPENSSL35" s_client -connect "127.0.0.1:$PORT" \
        -servername localhost -verify_hostname localhost -verify_return_error "$@"
}

# pair [CHECK...] SERVER_FN [ARGS...] -- CLIENT_FN [ARGS...]
#   Starts the server, runs the client, then applies the checks. Without --client-fails the
#   client must succeed and receive the server's reply to $TOKEN. CHECKs (grep -E patterns):
#     --client-log RE      the client's output matches RE
#     --no-client-log RE   the client's output does not match RE
#     --server-log RE      the server's output matches RE
#     --no-server-log RE   the server's output does not match RE (checked after the
#                          --server-log waits: pair it with a --server-log for a line the
#                          server prints after the one RE must not match)
#     --client-fails RE    the client must fail, with output matching RE
pair() {
    local client_re=() server_re=() no_server_re=() no_client_re=() fails_re=""
    while [ "$#" -gt 0 ]; do
        case "$1" in
            --client-log) client_re+=("$2"); shift 2 ;;
            --server-log) server_re+=("$2"); shift 2 ;;
            --no-server-log) no_server_re+=("$2"); shift 2 ;;
            --no-client-log) no_client_re+=("$2"); shift 2 ;;
            --client-fails) fails_re="$2"; shift 2 ;;
            *) break ;;
        esac
    done
    local server=() client=()
    while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
        server+=("$1")
        shift
    done
    [ "$#" -gt 1 ] || fail "pair: expected SERVER_FN ... -- CLIENT_FN ..."
    shift
    client=("$@")

    PORT="$(free_port)" || fail "no free port"
    "${server[@]}"
    local rc=0
    "${client[@]}" || rc=$?
    local clog="$CELL_DIR/client.log" re
    if [ -n "$fails_re" ]; then
        [ "$rc" -ne 0 ] || fail "client succeeded but should have failed"
        grep -qE -- "$fails_re" "$clog" || fail "client failed without /$fails_re/ in its output"
    else
        [ "$rc" -ne 124 ] || fail "client timed out after $PEER_TIMEOUT s (no reply?)"
        [ "$rc" -eq 0 ] || fail "client exited with status $rc"
        expected_reply >"$CELL_DIR/expected"
        grep -qF -f "$CELL_DIR/expected" "$clog" || fail "no reply to the token from the server"
    fi
    for re in "${client_re[@]}"; do
        grep -qE -- "$re" "$clog" || fail "client output lacks /$re/"
    done
    for re in "${no_client_re[@]}"; do
        ! grep -qE -- "$re" "$clog" || fail "client output has /$re/"
    done
    # Servers may log a connection slightly after the client returns.
    for re in "${server_re[@]}"; do
        wait_for_log "$SERVER_LOG" "$re" || fail "server output lacks /$re/"
    done
    for re in "${no_server_re[@]}"; do
        ! grep -qE -- "$re" "$SERVER_LOG" || fail "server output has /$re/"
    done
    return 0
}

# wait_for_log FILE RE: true once FILE matches RE (within 3 s).
wait_for_log() {
    local i
    for ((i = 0; i < 30; i++)); do
        grep -qE -- "$2" "$1" && return 0
        sleep 0.1
    done
    return 1
}

# --- PKI cells -------------------------------------------------------------------------------

make_pki() {
    need CERTTOOL
    need PSKTOOL
    need OPENSSL30
    need OPENSSL35
    CERTTOOL="$CERTTOOL" PSKTOOL="$PSKTOOL" OPENSSL30="$OPENSSL30" OPENSSL35="$OPENSSL35" \
        bash "$ROOT/interop/pki.sh" "$PKI" || fail "interop/pki.sh failed"
}

# verify_set DIR OPENSSL NAME...: every DIR/NAME-cert.pem chains to DIR/ca-cert.pem for its
# purpose (server-* for localhost / 127.0.0.1 / ::1, client-* as a TLS client), checked by
# certtool (unless OPENSSL is 3.5: GnuTLS 3.7 has no ML-DSA) and by openssl; its key matches.
verify_set() {
    local dir="$1" openssl="$2" name cert purpose
    shift 2
    for name in "$@"; do
        cert="$dir/$name-cert.pem"
        case "$name" in
            server-*) purpose=sslserver ;;
            *) purpose=sslclient ;;
        esac
        if [ "$purpose" = sslserver ]; then
            "$openssl" verify -CAfile "$dir/ca-cert.pem" -purpose sslserver \
                -verify_hostname localhost -verify_ip 127.0.0.1 "$cert" >>openssl-verify.log 2>&1 ||
                fail "openssl verify rejects $name"
            "$openssl" verify -CAfile "$dir/ca-cert.pem" -purpose sslserver -verify_ip ::1 \
                "$cert" >>openssl-verify.log 2>&1 || fail "openssl verify rejects $name for ::1"
            "$openssl" verify -CAfile "$dir/ca-cert.pem" -purpose sslserver \
                -verify_hostname example.com "$cert" >>openssl-verify.log 2>&1 &&
                fail "openssl accepts $name for example.com"
        else
            "$openssl" verify -CAfile "$dir/ca-cert.pem" -purpose sslclient \
                "$cert" >>openssl-verify.log 2>&1 || fail "openssl verify rejects $name"
        fi
        if [ "$openssl" != "$OPENSSL35" ]; then
            local cargs=(--verify --load-ca-certificate "$dir/ca-cert.pem" --infile "$cert")
            if [ "$purpose" = sslserver ]; then
                cargs+=(--verify-hostname localhost --verify-purpose 1.3.6.1.5.5.7.3.1)
            else
                cargs+=(--verify-purpose 1.3.6.1.5.5.7.3.2)
            fi
            "$CERTTOOL" "${cargs[@]}" >>certtool-verify.log 2>&1 </dev/null ||
                fail "certtool --verify rejects $name"
        fi
        head -n 1 "$dir/$name-key.pem" | grep -qx -- '-----BEGIN PRIVATE KEY-----' ||
            fail "$name-key.pem is not an unencrypted PKCS#8 key"
        [ "$("$openssl" x509 -in "$cert" -noout -pubkey)" = \
            "$("$openssl" pkey -in "$dir/$name-key.pem" -pubout)" ] ||
            fail "$name-key.pem does not match $name-cert.pem"
    done
}

pki_gnutls() {
    need CERTTOOL
    need OPENSSL30
    verify_set "$PKI/gnutls" "$OPENSSL30" server-ecdsa server-rsa server-rsapss server-ed25519 \
        client-ecdsa client-rsa
    # The CA carries what QEMU's sanity checks look for: CA:TRUE and keyCertSign.
    "$OPENSSL30" x509 -in "$PKI/gnutls/ca-cert.pem" -noout -text >ca.txt || fail "bad CA"
    grep -q 'CA:TRUE' ca.txt || fail "certtool CA lacks CA:TRUE"
    grep -q 'Certificate Sign' ca.txt || fail "certtool CA lacks keyCertSign"
    # The RSA-PSS key really is an id-RSASSA-PSS key, not rsaEncryption.
    "$OPENSSL30" x509 -in "$PKI/gnutls/server-rsapss-cert.pem" -noout -text |
        grep -q 'Public Key Algorithm: rsassaPss' || fail "server-rsapss is not an RSA-PSS key"
}

pki_openssl() {
    need CERTTOOL
    need OPENSSL30
    verify_set "$PKI/openssl" "$OPENSSL30" server-ecdsa server-rsa server-rsapss server-ed25519 \
        client-ecdsa client-rsa
    "$OPENSSL30" x509 -in "$PKI/openssl/server-rsapss-cert.pem" -noout -text |
        grep -q 'Public Key Algorithm: rsassaPss' || fail "server-rsapss is not an RSA-PSS key"
}

pki_mldsa() {
    need OPENSSL35
    verify_set "$PKI/mldsa" "$OPENSSL35" server-mldsa65 client-mldsa65
    "$OPENSSL35" x509 -in "$PKI/mldsa/server-mldsa65-cert.pem" -noout -text >leaf.txt ||
        fail "bad ML-DSA certificate"
    grep -q 'Public Key Algorithm: ML-DSA-65' leaf.txt || fail "leaf key is not ML-DSA-65"
    grep -q 'Signature Algorithm: ML-DSA-65' leaf.txt || fail "leaf is not signed with ML-DSA-65"
}

pki_psk() {
    grep -qE '^alice:[0-9a-f]{64}$' "$PKI/psk/keys.psk" || fail "psk/keys.psk lacks alice (32 bytes)"
    grep -qE '^qemu:[0-9a-f]{64}$' "$PKI/psk/keys.psk" || fail "psk/keys.psk lacks qemu (32 bytes)"
    grep -qE '^alice:[0-9a-f]{96}$' "$PKI/psk48/keys.psk" || fail "psk48/keys.psk lacks a 48-byte key"
    [ "$(stat -c %a "$PKI/psk/keys.psk")" = 600 ] || fail "psktool did not write keys.psk 0600"
}

pki_qemu_dirs() {
    local f
    for f in ca-cert.pem server-cert.pem server-key.pem client-cert.pem client-key.pem; do
        [ -s "$PKI/qemu/$f" ] || fail "qemu/$f missing"
    done
    for f in ca-cert.pem server-cert.pem server-key.pem server-cert-0.pem server-key-0.pem \
        client-cert.pem client-key.pem client-cert-0.pem client-key-0.pem; do
        [ -s "$PKI/qemu-hybrid/$f" ] || fail "qemu-hybrid/$f missing"
    done
    [ -s "$PKI/qemu-psk/keys.psk" ] || fail "qemu-psk/keys.psk missing"
    # Each identity of the hybrid directory verifies against the two-root ca-cert.pem.
    "$OPENSSL35" verify -CAfile "$PKI/qemu-hybrid/ca-cert.pem" -purpose sslserver \
        "$PKI/qemu-hybrid/server-cert.pem" "$PKI/qemu-hybrid/server-cert-0.pem" >verify.log 2>&1 ||
        fail "qemu-hybrid server certificates do not verify"
    "$OPENSSL35" verify -CAfile "$PKI/qemu-hybrid/ca-cert.pem" -purpose sslclient \
        "$PKI/qemu-hybrid/client-cert.pem" "$PKI/qemu-hybrid/client-cert-0.pem" >>verify.log 2>&1 ||
        fail "qemu-hybrid client certificates do not verify"
}

check_peers() {
    local var
    for var in GNUTLS_CLI GNUTLS_SERV CERTTOOL PSKTOOL OPENSSL30 OPENSSL35; do
        need "$var"
    done
    "$OPENSSL35" version | grep -q '^OpenSSL 3\.5\.' || fail "$OPENSSL35 is not OpenSSL 3.5"
    # The certificate compression cells need both algorithms (older install-deps.sh builds
    # lacked them; a new run of it rebuilds).
    ! "$OPENSSL35" list -disabled | grep -qE '^(ZLIB|BROTLI)$' ||
        fail "$OPENSSL35 lacks zlib or brotli (rerun scripts/install-deps.sh)"
}

# --- Peer-versus-peer cells ------------------------------------------------------------------
# These validate the PKI and the harness itself: if one fails, fix the harness or the
# PKI before blaming qtls.

G="$PKI/gnutls"
O="$PKI/openssl"
M="$PKI/mldsa"
psk_key() { sed -n "s/^$2://p" "$1" 2>/dev/null; }
TLS13="NORMAL:-VERS-ALL:+VERS-TLS1.3"
PSK_KE="$TLS13:-KX-ALL:+PSK"
PSK_DHE_KE="$TLS13:-KX-ALL:+ECDHE-PSK"

peer_cells() {
    local t sig
    # gnutls-cli against openssl 3.0 s_server, one cell per key type of the openssl set.
    for t in ecdsa rsa rsapss ed25519; do
        case "$t" in
            ecdsa) sig='ECDSA-SECP256R1-SHA256' ;;
            rsa) sig='RSA-PSS-RSAE-SHA256' ;;
            rsapss) sig='RSA-PSS-SHA256' ;;
            ed25519) sig='EdDSA-Ed25519' ;;
        esac
        cell "gnutls-cli/openssl30/x509-$t" pair \
            --client-log 'Status: The certificate is trusted' \
            --client-log "Description: \(TLS1\.3-X\.509\)-.*-\($sig\)-" \
            srv_openssl30 -cert "$O/server-$t-cert.pem" -key "$O/server-$t-key.pem" -- \
            cli_gnutls --x509cafile "$O/ca-cert.pem"
    done
    # openssl 3.0 s_client against gnutls-serv, with the certtool set.
    for t in ecdsa rsa rsapss ed25519; do
        cell "openssl30/gnutls-serv/x509-$t" pair \
            --client-log 'Verify return code: 0 \(ok\)' --client-log 'TLSv1\.3' \
            srv_gnutls --x509certfile "$G/server-$t-cert.pem" --x509keyfile "$G/server-$t-key.pem" -- \
            cli_openssl30 -CAfile "$G/ca-cert.pem"
    done
    # The client verifies the server's name: a certificate for localhost is not one for
    # example.com.
    cell "gnutls-cli/openssl30/x509-wrong-host" pair \
        --client-fails 'The name in the certificate does not match the expected' \
        srv_openssl30 -cert "$O/server-ecdsa-cert.pem" -key "$O/server-ecdsa-key.pem" -- \
        cli_gnutls --x509cafile "$O/ca-cert.pem" --verify-hostname example.com
    # Client certificates: required by the server, given by the client.
    cell "gnutls-cli/openssl30/client-auth" pair \
        --server-log 'CN ?= ?client\.qtls\.test' \
        srv_openssl30 -cert "$O/server-ecdsa-cert.pem" -key "$O/server-ecdsa-key.pem" \
        -Verify 1 -verify_return_error -CAfile "$G/ca-cert.pem" -- \
        cli_gnutls --x509cafile "$O/ca-cert.pem" \
        --x509certfile "$G/client-ecdsa-cert.pem" --x509keyfile "$G/client-ecdsa-key.pem"
    cell "gnutls-cli/openssl30/client-auth-missing" pair \
        --client-fails 'Received alert \[116\]' \
        srv_openssl30 -cert "$O/server-ecdsa-cert.pem" -key "$O/server-ecdsa-key.pem" \
        -Verify 1 -verify_return_error -CAfile "$G/ca-cert.pem" -- \
        cli_gnutls --x509cafile "$O/ca-cert.pem"
    cell "openssl30/gnutls-serv/client-auth" pair \
        --server-log 'client\.qtls\.test' \
        srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" \
        --x509cafile "$O/ca-cert.pem" --require-client-cert --verify-client-cert -- \
        cli_openssl30 -CAfile "$G/ca-cert.pem" \
        -cert "$O/client-rsa-cert.pem" -key "$O/client-rsa-key.pem"

    # Post-quantum: ML-DSA-65 certificate and the X25519MLKEM768 hybrid, OpenSSL 3.5 both ends.
    cell "openssl35/openssl35/mldsa65-x25519mlkem768" pair \
        --client-log 'Negotiated TLS1\.3 group: X25519MLKEM768' \
        --client-log 'Peer signature type: mldsa65' \
        --client-log 'Verify return code: 0 \(ok\)' \
        srv_openssl35 -cert "$M/server-mldsa65-cert.pem" -key "$M/server-mldsa65-key.pem" \
        -groups X25519MLKEM768 -- \
        cli_openssl35 -CAfile "$M/ca-cert.pem" -groups X25519MLKEM768
    cell "openssl35/openssl35/mldsa65-client-auth" pair \
        --server-log 'CN ?= ?client\.qtls\.test' \
        srv_openssl35 -cert "$M/server-mldsa65-cert.pem" -key "$M/server-mldsa65-key.pem" \
        -Verify 1 -verify_return_error -CAfile "$M/ca-cert.pem" -- \
        cli_openssl35 -CAfile "$M/ca-cert.pem" \
        -cert "$M/client-mldsa65-cert.pem" -key "$M/client-mldsa65-key.pem"
    # QEMU's hybrid mode: one server with the ML-DSA and the ECDSA identity; a PQ client gets
    # ML-DSA over the hybrid group, GnuTLS 3.7 (no PQ) falls back to ECDSA over ECDHE.
    local hy="$PKI/qemu-hybrid"
    cell "openssl35/openssl35/qemu-hybrid-pq" pair \
        --client-log 'Peer signature type: mldsa65' \
        --client-log 'Negotiated TLS1\.3 group: X25519MLKEM768' \
        srv_openssl35 -cert "$hy/server-cert.pem" -key "$hy/server-key.pem" \
        -dcert "$hy/server-cert-0.pem" -dkey "$hy/server-key-0.pem" \
        -groups X25519MLKEM768:X25519:P-256 -- \
        cli_openssl35 -CAfile "$hy/ca-cert.pem"
    cell "gnutls-cli/openssl35/qemu-hybrid-classic" pair \
        --client-log 'EC/ECDSA key 256 bits' \
        --client-log 'Description: \(TLS1\.3-X\.509\)-\(ECDHE-' \
        srv_openssl35 -cert "$hy/server-cert.pem" -key "$hy/server-key.pem" \
        -dcert "$hy/server-cert-0.pem" -dkey "$hy/server-key-0.pem" \
        -groups X25519MLKEM768:X25519:P-256 -- \
        cli_gnutls --x509cafile "$hy/ca-cert.pem"

    # External PSKs from keys.psk, GnuTLS both ends.
    local alice alice48 qemu
    alice="$(psk_key "$PKI/psk/keys.psk" alice)"
    qemu="$(psk_key "$PKI/psk/keys.psk" qemu)"
    alice48="$(psk_key "$PKI/psk48/keys.psk" alice)"
    cell "gnutls-cli/gnutls-serv/psk_ke" pair \
        --client-log "PSK authentication\. Connected as 'alice'" \
        --server-log '^- Version: TLS1\.3' --no-server-log 'Diffie-Hellman' \
        srv_gnutls --pskpasswd "$PKI/psk/keys.psk" --priority "$PSK_KE" -- \
        cli_gnutls --pskusername alice --pskkey "$alice" --priority "$PSK_KE"
    cell "gnutls-cli/gnutls-serv/psk_dhe_ke" pair \
        --client-log "PSK authentication\. Connected as 'alice'" \
        --server-log 'Ephemeral EC Diffie-Hellman' \
        srv_gnutls --pskpasswd "$PKI/psk/keys.psk" --priority "$PSK_DHE_KE" -- \
        cli_gnutls --pskusername alice --pskkey "$alice" --priority "$PSK_DHE_KE"
    cell "gnutls-cli/gnutls-serv/psk-qemu-priority" pair \
        --client-log "Connected as 'qemu'" \
        srv_gnutls --pskpasswd "$PKI/qemu-psk/keys.psk" --priority "NORMAL:+ECDHE-PSK:+DHE-PSK:+PSK" -- \
        cli_gnutls --pskusername qemu --pskkey "$qemu" --priority "NORMAL:+ECDHE-PSK:+DHE-PSK:+PSK"
    cell "gnutls-cli/gnutls-serv/psk-48-byte-key" pair \
        --client-log "Connected as 'alice'" \
        srv_gnutls --pskpasswd "$PKI/psk48/keys.psk" --priority "$PSK_DHE_KE" -- \
        cli_gnutls --pskusername alice --pskkey "$alice48" --priority "$PSK_DHE_KE"
    # A wrong key: the binder does not verify, the server sends illegal_parameter (47).
    cell "gnutls-cli/gnutls-serv/psk-wrong-key" pair \
        --client-fails 'Received alert \[47\]' \
        srv_gnutls --pskpasswd "$PKI/psk/keys.psk" --priority "$PSK_DHE_KE" -- \
        cli_gnutls --pskusername alice --pskkey "$qemu" --priority "$PSK_DHE_KE"
    # The modes are distinct: a psk_dhe_ke-only client finds nothing in a psk_ke-only server.
    cell "gnutls-cli/gnutls-serv/psk-mode-mismatch" pair \
        --client-fails 'Received alert \[40\]' \
        srv_gnutls --pskpasswd "$PKI/psk/keys.psk" --priority "$PSK_KE" -- \
        cli_gnutls --pskusername alice --pskkey "$alice" --priority "$PSK_DHE_KE"
    cell "openssl30/gnutls-serv/psk" pair \
        --client-log 'Reused, TLSv1\.3, Cipher is TLS_AES_128_GCM_SHA256' \
        srv_gnutls --pskpasswd "$PKI/psk/keys.psk" --priority "NORMAL:+ECDHE-PSK:+DHE-PSK:+PSK" -- \
        cli_openssl30 -psk "$alice" -psk_identity alice -ciphersuites TLS_AES_128_GCM_SHA256
}

# === qtls cells =================================================================================
#
# Cells that put qtls on one side and a real peer on the other, with the same server and
# client functions as the peer cells:
#
#   qtls_server_cell NAME [CHECK...] [qtls server args...] -- CLIENT_FN [client args...]
#   qtls_client_cell NAME [CHECK...] SERVER_FN [server args...] -- [qtls client args...]
#
# CHECKs are pair's (--client-log RE, --server-log RE, --client-fails RE...). Every cell checks
# what was negotiated, on the qtls side (its one line, see `qneg`) and, where the peer prints
# it, on the peer's side too, so a cell that silently negotiated something else fails.
# A missing qtls binary fails these cells (build it with `cargo build`, or set QTLS_BIN).

srv_qtls() {
    need QTLS_BIN
    REPLY_MODE="echo"
    start_server qtls "$QTLS_BIN" server --listen "127.0.0.1:$PORT" --echo "$@"
}

srv_qtls_http() {
    need QTLS_BIN
    REPLY_MODE=http
    start_server qtls "$QTLS_BIN" server --listen "127.0.0.1:$PORT" --http "$@"
}

cli_qtls() {
    need QTLS_BIN
    converse "$CELL_DIR/client.log" "$QTLS_BIN" client "127.0.0.1:$PORT" --host localhost "$@"
}

# Checks on the peer's output for the next qtls_server_cell / qtls_client_cell lines, e.g.
# QTLS_CHECKS=(--client-log 'X25519MLKEM768'); reset it to () after a group of cells.
QTLS_CHECKS=()

qtls_server_cell() {
    local name="$1" server=(srv_qtls)
    shift
    # Checks and the HTTP variant go before the qtls server arguments.
    while [ "$#" -gt 0 ]; do
        case "$1" in
            --client-log | --server-log | --no-server-log | --no-client-log | --client-fails)
                server=("$1" "$2" "${server[@]}")
                shift 2
                ;;
            --http) server[${#server[@]} - 1]=srv_qtls_http; shift ;;
            *) break ;;
        esac
    done
    # Checks set in QTLS_CHECKS apply too (the QEMU and priority cells use it).
    cell "$name" pair "${QTLS_CHECKS[@]}" "${server[@]}" "$@"
}

qtls_client_cell() {
    local name="$1"
    shift
    local server=()
    while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
        server+=("$1")
        shift
    done
    [ "$#" -gt 0 ] && shift
    cell "$name" pair "${QTLS_CHECKS[@]}" "${server[@]}" -- cli_qtls "$@"
}

# with_prelude READY_RE LINE... -- COMMAND...: runs COMMAND (a pair) with client commands sent
# before the token, once the client's log matches READY_RE.
with_prelude() {
    READY_RE="$1"
    shift
    PRELUDE=()
    while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
        PRELUDE+=("$1")
        shift
    done
    shift
    "$@"
}

# with_big_token BYTES COMMAND...: runs COMMAND with a $TOKEN of BYTES random hex digits on
# one line: many full-size records each way, split and joined by both ends. (Hex, because
# s_client takes a read that starts with Q, R, k or K for a command.)
with_big_token() {
    TOKEN="$(head -c "$(($1 / 2))" /dev/urandom | od -An -v -tx1 | tr -d ' \n')"
    shift
    "$@"
}

# qneg GROUP AUTH [WORD...]: the qtls line for a TLS 1.3 handshake over GROUP ("none" for
# psk_ke) authenticated by AUTH (sig=SCHEME or psk=IDENTITY), with the WORDs that must follow
# in that order (client-sig=SCHEME, hrr, key-updates-sent=N...), as a regular expression.
qneg() {
    local re
    re="$(printf 'TLS1\\.3 TLS_[A-Z0-9_]+ group=%s %s' "$1" "$2")"
    shift 2
    while [ "$#" -gt 0 ]; do
        re="$re( [^ ]+)* $1"
        shift
    done
    printf '%s( |$)' "$re"
}
qcli() { printf '^%s' "$(qneg "$@")"; }
qsrv() { printf '^connection from 127\\.0\\.0\\.1:[0-9]+: %s' "$(qneg "$@")"; }

# Signature schemes by key type: qtls's name, GnuTLS's, and OpenSSL's "Peer signature type".
qtls_sig() {
    case "$1" in
        ecdsa) echo ecdsa_secp256r1_sha256 ;;
        rsa) echo rsa_pss_rsae_sha256 ;;
        rsapss) echo rsa_pss_pss_sha256 ;;
        ed25519) echo ed25519 ;;
        mldsa65) echo mldsa65 ;;
    esac
}
gnutls_sig() {
    case "$1" in
        ecdsa) echo 'ECDSA-SECP256R1-SHA256' ;;
        rsa) echo 'RSA-PSS-RSAE-SHA256' ;;
        rsapss) echo 'RSA-PSS-SHA256' ;;
        ed25519) echo 'EdDSA-Ed25519' ;;
    esac
}
openssl_sig() {
    case "$1" in
        ecdsa) echo 'ECDSA' ;;
        rsa | rsapss) echo 'RSA-PSS' ;;
        ed25519) echo 'ed25519' ;;
        mldsa65) echo 'mldsa65' ;;
    esac
}

# Groups: qtls's name, GnuTLS's priority name and key-exchange label, OpenSSL's name.
gnutls_group() {
    case "$1" in
        x25519) echo X25519 ;;
        secp256r1) echo SECP256R1 ;;
        secp384r1) echo SECP384R1 ;;
        ffdhe2048) echo FFDHE2048 ;;
    esac
}
gnutls_kx() {
    case "$1" in
        ffdhe*) echo "DHE-$(gnutls_group "$1")" ;;
        *) echo "ECDHE-$(gnutls_group "$1")" ;;
    esac
}
openssl_group() {
    case "$1" in
        x25519) echo X25519 ;;
        secp256r1) echo P-256 ;;
        secp384r1) echo P-384 ;;
        *) echo "$1" ;;
    esac
}
# What s_client prints for the server's key share: OpenSSL 3.0 "Server Temp Key: ...", 3.5
# "Peer Temp Key: ..." for classic groups and "Negotiated TLS1.3 group: ..." for hybrids.
openssl_temp_key() {
    case "$1" in
        x25519) echo 'X25519, 253 bits' ;;
        secp256r1) echo 'ECDH, prime256v1, 256 bits' ;;
        secp384r1) echo 'ECDH, secp384r1, 384 bits' ;;
        ffdhe2048) echo 'DH, 2048 bits' ;;
    esac
}

openssl35_group_line() {
    case "$1" in
        *MLKEM*) printf 'Negotiated TLS1\\.3 group: %s$' "$1" ;;
        *) printf 'Peer Temp Key: %s' "$(openssl_temp_key "$1")" ;;
    esac
}

CLASSIC_GROUPS=(x25519 secp256r1 secp384r1 ffdhe2048)
PQ_GROUPS=(X25519MLKEM768 SecP256r1MLKEM768 SecP384r1MLKEM1024)
# gnutls-cli's and s_client's marks of a completed handshake (for PRELUDE commands).
GNUTLS_READY='^- (Handshake was completed|Simple Client Mode)'
OPENSSL_READY='^Verify return code'

qtls_client_cells() {
    local t g sig alice qemu
    alice="$(psk_key "$PKI/psk/keys.psk" alice)"
    qemu="$(psk_key "$PKI/psk/keys.psk" qemu)"

    # Certificates: every key type, certtool's set behind gnutls-serv, openssl's behind
    # s_server 3.0, ML-DSA-65 behind s_server 3.5. The peer picks its default group.
    for t in ecdsa rsa rsapss ed25519; do
        sig="$(qtls_sig "$t")"
        qtls_client_cell "qtls-client/gnutls-serv/x509-$t" \
            --client-log "$(qcli '[a-z0-9]+' "sig=$sig")" \
            --server-log "Description: \(TLS1\.3-X\.509\)-\(ECDHE-[A-Z0-9]+\)-\($(gnutls_sig "$t")\)" \
            srv_gnutls --x509certfile "$G/server-$t-cert.pem" --x509keyfile "$G/server-$t-key.pem" -- \
            --ca "$G/ca-cert.pem"
        qtls_client_cell "qtls-client/openssl30/x509-$t" \
            --client-log "$(qcli '[a-z0-9]+' "sig=$sig")" \
            srv_openssl30 -cert "$O/server-$t-cert.pem" -key "$O/server-$t-key.pem" -- \
            --ca "$O/ca-cert.pem"
    done
    # OpenSSL 3.5's defaults with qtls's: ML-DSA-65 over X25519MLKEM768.
    qtls_client_cell "qtls-client/openssl35/x509-mldsa65" \
        --client-log "$(qcli X25519MLKEM768 sig=mldsa65)" \
        srv_openssl35 -cert "$M/server-mldsa65-cert.pem" -key "$M/server-mldsa65-key.pem" -- \
        --ca "$M/ca-cert.pem"
    qtls_client_cell "qtls-client/openssl35/x509-ecdsa" \
        --client-log "$(qcli X25519MLKEM768 sig=ecdsa_secp256r1_sha256)" \
        srv_openssl35 -cert "$O/server-ecdsa-cert.pem" -key "$O/server-ecdsa-key.pem" -- \
        --ca "$O/ca-cert.pem"

    # The client verifies: the server's name, and its issuer. Its alert is protected with
    # the client handshake keys (gnutls-serv discards an unprotected one): -d 5 shows it
    # decrypted, with and without the compatibility ChangeCipherSpec before it.
    qtls_client_cell "qtls-client/openssl30/x509-wrong-host" \
        --client-fails 'handshake failed: certificate rejected: NameMismatch' \
        --server-log 'alert bad certificate' \
        srv_openssl30 -cert "$O/server-ecdsa-cert.pem" -key "$O/server-ecdsa-key.pem" -- \
        --ca "$O/ca-cert.pem" --host example.com
    local compat flags
    for compat in compat no-compat; do
        flags=()
        [ "$compat" = no-compat ] && flags=(--no-compat)
        qtls_client_cell "qtls-client/gnutls-serv/x509-untrusted-$compat" \
            --client-fails 'handshake failed: certificate rejected: UnknownIssuer' \
            --server-log 'Decrypted Packet\[[0-9]+\] Alert\(21\)' \
            --server-log 'Alert\[2\|48\] - CA is unknown - was received' \
            srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" \
            -d 5 -- \
            --ca "$O/ca-cert.pem" "${flags[@]}"
    done

    # Groups: one group on both sides, so nothing else can be negotiated.
    for g in "${CLASSIC_GROUPS[@]}"; do
        qtls_client_cell "qtls-client/gnutls-serv/group-$g" \
            --client-log "$(qcli "$g" sig=ecdsa_secp256r1_sha256)" \
            --server-log "Description: \(TLS1\.3-X\.509\)-\($(gnutls_kx "$g")\)-" \
            srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" \
            --priority "$TLS13:-GROUP-ALL:+GROUP-$(gnutls_group "$g")" -- \
            --ca "$G/ca-cert.pem" --groups "$g"
        qtls_client_cell "qtls-client/openssl30/group-$g" \
            --client-log "$(qcli "$g" sig=ecdsa_secp256r1_sha256)" \
            srv_openssl30 -cert "$O/server-ecdsa-cert.pem" -key "$O/server-ecdsa-key.pem" \
            -groups "$(openssl_group "$g")" -- \
            --ca "$O/ca-cert.pem" --groups "$g"
    done
    for g in "${CLASSIC_GROUPS[@]}" "${PQ_GROUPS[@]}"; do
        qtls_client_cell "qtls-client/openssl35/group-$g" \
            --client-log "$(qcli "$g" sig=mldsa65)" \
            srv_openssl35 -cert "$M/server-mldsa65-cert.pem" -key "$M/server-mldsa65-key.pem" \
            -groups "$(openssl_group "$g")" -- \
            --ca "$M/ca-cert.pem" --groups "$g"
    done

    # HelloRetryRequest: the client's first key share is for a group the server lacks.
    qtls_client_cell "qtls-client/gnutls-serv/hrr-secp384r1" \
        --client-log "$(qcli secp384r1 sig=ecdsa_secp256r1_sha256 hrr)" \
        --server-log 'Description: \(TLS1\.3-X\.509\)-\(ECDHE-SECP384R1\)-' \
        srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" \
        --priority "$TLS13:-GROUP-ALL:+GROUP-SECP384R1" -- \
        --ca "$G/ca-cert.pem" --groups x25519,secp384r1 --key-shares 1
    qtls_client_cell "qtls-client/openssl30/hrr-ffdhe2048" \
        --client-log "$(qcli ffdhe2048 sig=ed25519 hrr)" \
        srv_openssl30 -cert "$O/server-ed25519-cert.pem" -key "$O/server-ed25519-key.pem" \
        -groups ffdhe2048 -- \
        --ca "$O/ca-cert.pem"
    qtls_client_cell "qtls-client/openssl35/hrr-SecP384r1MLKEM1024" \
        --client-log "$(qcli SecP384r1MLKEM1024 sig=mldsa65 hrr)" \
        srv_openssl35 -cert "$M/server-mldsa65-cert.pem" -key "$M/server-mldsa65-key.pem" \
        -groups SecP384r1MLKEM1024 -- \
        --ca "$M/ca-cert.pem"

    # External PSKs from psktool's keys.psk, gnutls-serv in each PSK mode.
    qtls_client_cell "qtls-client/gnutls-serv/psk_ke" \
        --client-log "$(qcli none psk=alice)" \
        --server-log '^- Version: TLS1\.3' --no-server-log 'Diffie-Hellman' \
        srv_gnutls --pskpasswd "$PKI/psk/keys.psk" --priority "$PSK_KE" -- \
        --psk "$alice" --psk-identity alice
    qtls_client_cell "qtls-client/gnutls-serv/psk_dhe_ke-ecdhe" \
        --client-log "$(qcli x25519 psk=alice)" \
        --server-log 'Ephemeral EC Diffie-Hellman' \
        srv_gnutls --pskpasswd "$PKI/psk/keys.psk" --priority "$PSK_DHE_KE:-GROUP-ALL:+GROUP-X25519" -- \
        --psk "$alice" --psk-identity alice
    qtls_client_cell "qtls-client/gnutls-serv/psk_dhe_ke-dhe" \
        --client-log "$(qcli ffdhe2048 psk=qemu)" \
        --server-log "^- PSK authentication\. Connected as 'qemu'" \
        srv_gnutls --pskpasswd "$PKI/psk/keys.psk" \
        --priority "$TLS13:-KX-ALL:+DHE-PSK:-GROUP-ALL:+GROUP-FFDHE2048" -- \
        --psk "$qemu" --psk-identity qemu --groups ffdhe2048
    # PSK binders are computed again over the retried ClientHello.
    qtls_client_cell "qtls-client/gnutls-serv/psk_dhe_ke-hrr" \
        --client-log "$(qcli secp384r1 psk=alice hrr)" \
        srv_gnutls --pskpasswd "$PKI/psk/keys.psk" \
        --priority "$PSK_DHE_KE:-GROUP-ALL:+GROUP-SECP384R1" -- \
        --psk "$alice" --psk-identity alice
    # A wrong key and an unknown identity fail alike: gnutls-serv sends illegal_parameter.
    qtls_client_cell "qtls-client/gnutls-serv/psk-wrong-key" \
        --client-fails 'handshake failed: received fatal alert: illegal_parameter' \
        srv_gnutls --pskpasswd "$PKI/psk/keys.psk" --priority "$PSK_DHE_KE" -- \
        --psk "$qemu" --psk-identity alice
    qtls_client_cell "qtls-client/gnutls-serv/psk-unknown-identity" \
        --client-fails 'handshake failed: received fatal alert: illegal_parameter' \
        srv_gnutls --pskpasswd "$PKI/psk/keys.psk" --priority "$PSK_DHE_KE" -- \
        --psk "$alice" --psk-identity mallory

    # Client certificates, required by the server.
    qtls_client_cell "qtls-client/gnutls-serv/client-auth" \
        --client-log "$(qcli '[a-zA-Z0-9]+' 'sig=[a-z0-9_]+' client-sig=ecdsa_secp256r1_sha256)" \
        --server-log 'client\.qtls\.test' \
        srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" \
        --x509cafile "$G/ca-cert.pem" --require-client-cert --verify-client-cert -- \
        --ca "$G/ca-cert.pem" --cert "$G/client-ecdsa-cert.pem" --key "$G/client-ecdsa-key.pem"
    qtls_client_cell "qtls-client/openssl30/client-auth" \
        --client-log "$(qcli '[a-zA-Z0-9]+' 'sig=[a-z0-9_]+' client-sig=rsa_pss_rsae_sha256)" \
        --server-log 'CN ?= ?client\.qtls\.test' \
        srv_openssl30 -cert "$O/server-ecdsa-cert.pem" -key "$O/server-ecdsa-key.pem" \
        -Verify 1 -verify_return_error -CAfile "$O/ca-cert.pem" -- \
        --ca "$O/ca-cert.pem" --cert "$O/client-rsa-cert.pem" --key "$O/client-rsa-key.pem"
    qtls_client_cell "qtls-client/openssl35/client-auth-mldsa65" \
        --client-log "$(qcli X25519MLKEM768 sig=mldsa65 client-sig=mldsa65)" \
        --server-log 'CN ?= ?client\.qtls\.test' \
        srv_openssl35 -cert "$M/server-mldsa65-cert.pem" -key "$M/server-mldsa65-key.pem" \
        -Verify 1 -verify_return_error -CAfile "$M/ca-cert.pem" -- \
        --ca "$M/ca-cert.pem" --cert "$M/client-mldsa65-cert.pem" --key "$M/client-mldsa65-key.pem"
    # QEMU's hybrid client identities (ML-DSA-65 first, ECDSA second): the first one the
    # server's CertificateRequest accepts. GnuTLS 3.7 knows no ML-DSA, OpenSSL 3.5 does.
    local hy="$PKI/qemu-hybrid"
    qtls_client_cell "qtls-client/gnutls-serv/client-auth-hybrid-identities" \
        --client-log "$(qcli '[a-zA-Z0-9]+' sig=ecdsa_secp256r1_sha256 client-sig=ecdsa_secp256r1_sha256)" \
        --server-log 'client\.qtls\.test' \
        srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" \
        --x509cafile "$G/ca-cert.pem" --require-client-cert --verify-client-cert -- \
        --ca "$G/ca-cert.pem" --cert "$hy/client-cert.pem" --key "$hy/client-key.pem" \
        --cert "$hy/client-cert-0.pem" --key "$hy/client-key-0.pem"
    qtls_client_cell "qtls-client/openssl35/client-auth-hybrid-identities" \
        --client-log "$(qcli X25519MLKEM768 sig=mldsa65 client-sig=mldsa65)" \
        --server-log 'CN ?= ?client\.qtls\.test' \
        srv_openssl35 -cert "$hy/server-cert.pem" -key "$hy/server-key.pem" \
        -Verify 1 -verify_return_error -CAfile "$hy/ca-cert.pem" -- \
        --ca "$hy/ca-cert.pem" --cert "$hy/client-cert.pem" --key "$hy/client-key.pem" \
        --cert "$hy/client-cert-0.pem" --key "$hy/client-key-0.pem"
    # Without a certificate the client answers with an empty one: certificate_required.
    qtls_client_cell "qtls-client/openssl30/client-auth-missing" \
        --client-fails 'received fatal alert: certificate_required' \
        srv_openssl30 -cert "$O/server-ecdsa-cert.pem" -key "$O/server-ecdsa-key.pem" \
        -Verify 1 -verify_return_error -CAfile "$O/ca-cert.pem" -- \
        --ca "$O/ca-cert.pem"

    # KeyUpdate from the qtls client, update_requested: each server answers with its own.
    qtls_client_cell "qtls-client/gnutls-serv/key-update" \
        --client-log 'key-updates-sent=1 key-updates-received=1 closed-by=client' \
        srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" -- \
        --ca "$G/ca-cert.pem" --key-update
    qtls_client_cell "qtls-client/openssl30/key-update" \
        --client-log 'key-updates-sent=1 key-updates-received=1 closed-by=client' \
        srv_openssl30 -cert "$O/server-ecdsa-cert.pem" -key "$O/server-ecdsa-key.pem" -- \
        --ca "$O/ca-cert.pem" --key-update
    qtls_client_cell "qtls-client/openssl35/key-update" \
        --client-log 'key-updates-sent=1 key-updates-received=1 closed-by=client' \
        srv_openssl35 -cert "$M/server-mldsa65-cert.pem" -key "$M/server-mldsa65-key.pem" -- \
        --ca "$M/ca-cert.pem" --key-update

    # A server that requests a certificate without requiring one: an empty Certificate.
    qtls_client_cell "qtls-client/gnutls-serv/client-auth-requested-none" \
        --client-log "$(qcli '[a-zA-Z0-9]+' sig=ecdsa_secp256r1_sha256)" \
        --server-log 'Description: \(TLS1\.3-X\.509\)-' --no-server-log 'client\.qtls\.test' \
        srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" \
        --x509cafile "$G/ca-cert.pem" --verify-client-cert -- \
        --ca "$G/ca-cert.pem"
    # More external PSKs: a 48-byte key (still SHA-256, as GnuTLS), and s_server's PSK.
    qtls_client_cell "qtls-client/gnutls-serv/psk-48-byte-key" \
        --client-log "$(qcli '[a-zA-Z0-9]+' psk=alice)" \
        srv_gnutls --pskpasswd "$PKI/psk48/keys.psk" --priority "$PSK_DHE_KE" -- \
        --psk "$(psk_key "$PKI/psk48/keys.psk" alice)" --psk-identity alice
    qtls_client_cell "qtls-client/openssl30/psk" \
        --client-log "$(qcli '[a-zA-Z0-9]+' psk=alice)" \
        srv_openssl30 -nocert -psk "$alice" -psk_identity alice -- \
        --psk "$alice" --psk-identity alice

    # Each cipher suite, chosen by the server.
    local suite
    for suite in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256 \
        TLS_AES_128_CCM_SHA256; do
        qtls_client_cell "qtls-client/openssl30/suite-$suite" \
            --client-log "^TLS1\.3 $suite group=" \
            srv_openssl30 -cert "$O/server-ecdsa-cert.pem" -key "$O/server-ecdsa-key.pem" \
            -ciphersuites "$suite" -- \
            --ca "$O/ca-cert.pem"
    done

    # QEMU's client sends no SNI.
    qtls_client_cell "qtls-client/gnutls-serv/no-sni" \
        --client-log "$(qcli '[a-zA-Z0-9]+' sig=ecdsa_secp256r1_sha256)" \
        --server-log '^- Description: \(TLS1\.3-X\.509\)-' --no-server-log 'Given server name' \
        srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" -- \
        --ca "$G/ca-cert.pem" --no-sni
    # Middlebox compatibility (RFC 8446 §D.4): on by default, the client sends a
    # ChangeCipherSpec; off, none. gnutls-serv's record debug output (-d 5) shows it.
    qtls_client_cell "qtls-client/gnutls-serv/compat" \
        --client-log "$(qcli '[a-zA-Z0-9]+' sig=ecdsa_secp256r1_sha256)" \
        --server-log 'ChangeCipherSpec packet received' \
        srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" \
        -d 5 -- \
        --ca "$G/ca-cert.pem"
    qtls_client_cell "qtls-client/gnutls-serv/no-compat" \
        --client-log "$(qcli '[a-zA-Z0-9]+' sig=ecdsa_secp256r1_sha256)" \
        --server-log 'Application Data packet received. Epoch 2' \
        --no-server-log 'ChangeCipherSpec packet received' \
        srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" \
        -d 5 -- \
        --ca "$G/ca-cert.pem" --no-compat
    # Bulk data: 256 KiB each way in one line.
    qtls_client_cell "qtls-client/gnutls-serv/bulk" \
        --client-log "$(qcli '[a-zA-Z0-9]+' sig=ecdsa_secp256r1_sha256)" \
        with_big_token 262144 srv_gnutls \
        --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" -- \
        --ca "$G/ca-cert.pem"
    # A TLS 1.2-only server cannot talk to a TLS 1.3-only client.
    qtls_client_cell "qtls-client/gnutls-serv/tls12-only" \
        --client-fails 'handshake failed: received fatal alert: handshake_failure' \
        srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" \
        --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' -- \
        --ca "$G/ca-cert.pem"
    qtls_client_cell "qtls-client/openssl30/tls12-only" \
        --client-fails 'handshake failed: received fatal alert: protocol_version' \
        srv_openssl30 -cert "$O/server-ecdsa-cert.pem" -key "$O/server-ecdsa-key.pem" -tls1_2 -- \
        --ca "$O/ca-cert.pem"

    # Records padded to 512 bytes and handshake messages split over 512-byte records: the
    # ML-DSA-65 certificate alone takes a dozen.
    qtls_client_cell "qtls-client/openssl35/padded-fragmented-records" \
        --client-log "$(qcli X25519MLKEM768 sig=mldsa65)" \
        srv_openssl35 -cert "$M/server-mldsa65-cert.pem" -key "$M/server-mldsa65-key.pem" \
        -record_padding 512 -max_send_frag 512 -- \
        --ca "$M/ca-cert.pem"

    # ALPN: the server picks from the client's list.
    qtls_client_cell "qtls-client/openssl30/alpn" \
        --client-log "$(qcli '[a-zA-Z0-9]+' sig=ecdsa_secp256r1_sha256 alpn=http/1\.1)" \
        srv_openssl30 -cert "$O/server-ecdsa-cert.pem" -key "$O/server-ecdsa-key.pem" \
        -alpn http/1.1 -- \
        --ca "$O/ca-cert.pem" --alpn h2 --alpn http/1.1

    # Server-initiated close: HTTP servers answer a GET, send close_notify and hang up.
    qtls_client_cell "qtls-client/gnutls-serv/server-close" \
        --client-log "$(qcli '[a-zA-Z0-9]+' sig=ecdsa_secp256r1_sha256)" \
        --client-log 'closed-by=server$' \
        srv_gnutls_http --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" -- \
        --ca "$G/ca-cert.pem"
    qtls_client_cell "qtls-client/openssl30/server-close" \
        --client-log "$(qcli '[a-zA-Z0-9]+' sig=rsa_pss_rsae_sha256)" \
        --client-log 'closed-by=server$' \
        srv_openssl30_www -cert "$O/server-rsa-cert.pem" -key "$O/server-rsa-key.pem" -- \
        --ca "$O/ca-cert.pem"
    qtls_client_cell "qtls-client/openssl35/server-close" \
        --client-log "$(qcli X25519MLKEM768 sig=mldsa65)" \
        --client-log 'closed-by=server$' \
        srv_openssl35_www -cert "$M/server-mldsa65-cert.pem" -key "$M/server-mldsa65-key.pem" -- \
        --ca "$M/ca-cert.pem"
}

qtls_server_cells() {
    local t g sig alice qemu
    alice="$(psk_key "$PKI/psk/keys.psk" alice)"
    qemu="$(psk_key "$PKI/psk/keys.psk" qemu)"

    # Certificates: every key type, certtool's set to gnutls-cli, openssl's to s_client 3.0,
    # ML-DSA-65 to s_client 3.5.
    for t in ecdsa rsa rsapss ed25519; do
        sig="$(qtls_sig "$t")"
        qtls_server_cell "qtls-server/gnutls-cli/x509-$t" \
            --server-log "$(qsrv '[a-z0-9]+' "sig=$sig")" \
            --client-log 'Status: The certificate is trusted' \
            --client-log "Description: \(TLS1\.3-X\.509\)-\(ECDHE-[A-Z0-9]+\)-\($(gnutls_sig "$t")\)-" \
            --cert "$G/server-$t-cert.pem" --key "$G/server-$t-key.pem" -- \
            cli_gnutls --x509cafile "$G/ca-cert.pem"
        qtls_server_cell "qtls-server/openssl30/x509-$t" \
            --server-log "$(qsrv '[a-z0-9]+' "sig=$sig")" \
            --client-log 'Verify return code: 0 \(ok\)' \
            --client-log "Peer signature type: $(openssl_sig "$t")$" \
            --cert "$O/server-$t-cert.pem" --key "$O/server-$t-key.pem" -- \
            cli_openssl30 -CAfile "$O/ca-cert.pem"
    done
    qtls_server_cell "qtls-server/openssl35/x509-mldsa65" \
        --server-log "$(qsrv X25519MLKEM768 sig=mldsa65)" \
        --client-log 'Verify return code: 0 \(ok\)' \
        --client-log 'Peer signature type: mldsa65' \
        --client-log 'Negotiated TLS1\.3 group: X25519MLKEM768' \
        --cert "$M/server-mldsa65-cert.pem" --key "$M/server-mldsa65-key.pem" -- \
        cli_openssl35 -CAfile "$M/ca-cert.pem"
    # Two identities, as QEMU's hybrid credential directories: ML-DSA for a client that can
    # verify it, ECDSA for GnuTLS 3.7, which cannot.
    local hy="$PKI/qemu-hybrid"
    qtls_server_cell "qtls-server/openssl35/hybrid-identities" \
        --server-log "$(qsrv X25519MLKEM768 sig=mldsa65)" \
        --client-log 'Peer signature type: mldsa65' \
        --cert "$hy/server-cert.pem" --key "$hy/server-key.pem" \
        --cert "$hy/server-cert-0.pem" --key "$hy/server-key-0.pem" -- \
        cli_openssl35 -CAfile "$hy/ca-cert.pem"
    qtls_server_cell "qtls-server/gnutls-cli/hybrid-identities" \
        --server-log "$(qsrv '[a-z0-9]+' sig=ecdsa_secp256r1_sha256)" \
        --client-log 'Description: \(TLS1\.3-X\.509\)-\(ECDHE-[A-Z0-9]+\)-\(ECDSA-SECP256R1-SHA256\)-' \
        --cert "$hy/server-cert.pem" --key "$hy/server-key.pem" \
        --cert "$hy/server-cert-0.pem" --key "$hy/server-key-0.pem" -- \
        cli_gnutls --x509cafile "$hy/ca-cert.pem"

    # Groups: the peer client offers one group only.
    for g in "${CLASSIC_GROUPS[@]}"; do
        qtls_server_cell "qtls-server/gnutls-cli/group-$g" \
            --server-log "$(qsrv "$g" sig=ecdsa_secp256r1_sha256)" \
            --client-log "Description: \(TLS1\.3-X\.509\)-\($(gnutls_kx "$g")\)-" \
            --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" -- \
            cli_gnutls --x509cafile "$G/ca-cert.pem" \
            --priority "$TLS13:-GROUP-ALL:+GROUP-$(gnutls_group "$g")"
        qtls_server_cell "qtls-server/openssl30/group-$g" \
            --server-log "$(qsrv "$g" sig=ecdsa_secp256r1_sha256)" \
            --client-log "Server Temp Key: $(openssl_temp_key "$g")" \
            --cert "$O/server-ecdsa-cert.pem" --key "$O/server-ecdsa-key.pem" -- \
            cli_openssl30 -CAfile "$O/ca-cert.pem" -groups "$(openssl_group "$g")"
    done
    for g in "${CLASSIC_GROUPS[@]}" "${PQ_GROUPS[@]}"; do
        qtls_server_cell "qtls-server/openssl35/group-$g" \
            --server-log "$(qsrv "$g" sig=mldsa65)" \
            --client-log "$(openssl35_group_line "$g")" \
            --cert "$M/server-mldsa65-cert.pem" --key "$M/server-mldsa65-key.pem" -- \
            cli_openssl35 -CAfile "$M/ca-cert.pem" -groups "$(openssl_group "$g")"
    done

    # Whose group order wins: gnutls-cli prefers SECP256R1 and sends shares for it and X25519;
    # qtls prefers X25519. The client's order by default, the server's with --server-precedence.
    qtls_server_cell "qtls-server/gnutls-cli/client-precedence" \
        --server-log "$(qsrv secp256r1 sig=ecdsa_secp256r1_sha256)" \
        --client-log 'Description: \(TLS1\.3-X\.509\)-\(ECDHE-SECP256R1\)-' \
        --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem"
    qtls_server_cell "qtls-server/gnutls-cli/server-precedence" \
        --server-log "$(qsrv x25519 sig=ecdsa_secp256r1_sha256)" \
        --client-log 'Description: \(TLS1\.3-X\.509\)-\(ECDHE-X25519\)-' \
        --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" --server-precedence -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem"

    # HelloRetryRequest: the server only has a group the client offered but sent no share for.
    # gnutls-cli sends shares for its first two groups (X25519, SECP256R1).
    qtls_server_cell "qtls-server/gnutls-cli/hrr-ffdhe2048" \
        --server-log "$(qsrv ffdhe2048 sig=ecdsa_secp256r1_sha256 hrr)" \
        --client-log 'Description: \(TLS1\.3-X\.509\)-\(DHE-FFDHE2048\)-' \
        --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" --groups ffdhe2048 -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem" \
        --priority "$TLS13:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-FFDHE2048"
    # s_client sends one share (its first group); with a cookie in the HelloRetryRequest.
    qtls_server_cell "qtls-server/openssl30/hrr-cookie-secp384r1" \
        --server-log "$(qsrv secp384r1 sig=ecdsa_secp256r1_sha256 hrr)" \
        --client-log "Server Temp Key: $(openssl_temp_key secp384r1)" \
        --cert "$O/server-ecdsa-cert.pem" --key "$O/server-ecdsa-key.pem" --groups secp384r1 \
        --hrr-cookie -- \
        cli_openssl30 -CAfile "$O/ca-cert.pem" -groups X25519:P-384
    qtls_server_cell "qtls-server/openssl35/hrr-SecP256r1MLKEM768" \
        --server-log "$(qsrv SecP256r1MLKEM768 sig=mldsa65 hrr)" \
        --client-log 'Negotiated TLS1\.3 group: SecP256r1MLKEM768$' \
        --cert "$M/server-mldsa65-cert.pem" --key "$M/server-mldsa65-key.pem" \
        --groups SecP256r1MLKEM768 -- \
        cli_openssl35 -CAfile "$M/ca-cert.pem" -groups X25519MLKEM768:SecP256r1MLKEM768

    # External PSKs: gnutls-cli with the keys psktool wrote, in each PSK mode.
    qtls_server_cell "qtls-server/gnutls-cli/psk_ke" \
        --server-log "$(qsrv none psk=alice)" \
        --client-log "^- PSK authentication\. Connected as 'alice'" \
        --psk "$alice" --psk-identity alice -- \
        cli_gnutls --pskusername alice --pskkey "$alice" --priority "$PSK_KE"
    qtls_server_cell "qtls-server/gnutls-cli/psk_dhe_ke-ecdhe" \
        --server-log "$(qsrv secp384r1 psk=alice)" \
        --client-log "^- PSK authentication\. Connected as 'alice'" \
        --psk "$alice" --psk-identity alice -- \
        cli_gnutls --pskusername alice --pskkey "$alice" \
        --priority "$PSK_DHE_KE:-GROUP-ALL:+GROUP-SECP384R1"
    qtls_server_cell "qtls-server/gnutls-cli/psk_dhe_ke-dhe" \
        --server-log "$(qsrv ffdhe2048 psk=qemu)" \
        --client-log "^- PSK authentication\. Connected as 'qemu'" \
        --psk "$qemu" --psk-identity qemu -- \
        cli_gnutls --pskusername qemu --pskkey "$qemu" \
        --priority "$TLS13:-KX-ALL:+DHE-PSK:-GROUP-ALL:+GROUP-FFDHE2048"
    # A wrong key and an unknown identity fail alike: the binder does not verify, the server
    # sends decrypt_error (51) (RFC 8446 §6.2) and logs the same error for both.
    qtls_server_cell "qtls-server/gnutls-cli/psk-wrong-key" \
        --client-fails 'Received alert \[51\]: Decrypt error' \
        --server-log '^connection from 127\.0\.0\.1:[0-9]+: error: peer misbehaved: BadBinder$' \
        --psk "$alice" --psk-identity alice -- \
        cli_gnutls --pskusername alice --pskkey "$qemu" --priority "$PSK_DHE_KE"
    qtls_server_cell "qtls-server/gnutls-cli/psk-unknown-identity" \
        --client-fails 'Received alert \[51\]: Decrypt error' \
        --server-log '^connection from 127\.0\.0\.1:[0-9]+: error: peer misbehaved: BadBinder$' \
        --psk "$alice" --psk-identity alice -- \
        cli_gnutls --pskusername mallory --pskkey "$alice" --priority "$PSK_DHE_KE"
    # s_client's external PSK (SHA-256, with a TLS_AES_128_GCM_SHA256 suite).
    qtls_server_cell "qtls-server/openssl30/psk" \
        --server-log "$(qsrv '[a-z0-9]+' psk=alice)" \
        --client-log 'TLSv1\.3, Cipher is TLS_AES_128_GCM_SHA256' \
        --psk "$alice" --psk-identity alice -- \
        cli_openssl30 -psk "$alice" -psk_identity alice -ciphersuites TLS_AES_128_GCM_SHA256

    # KeyUpdate from the peer: without (^rekey1^, k) and with (^rekey^, K) update_requested;
    # the qtls server answers only the latter.
    qtls_server_cell "qtls-server/gnutls-cli/key-update" \
        --server-log "$(qsrv '[a-z0-9]+' 'sig=[a-z0-9_]+' key-updates-sent=0 key-updates-received=1)" \
        --client-log '^- Rekey was completed' \
        --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" -- \
        with_prelude "$GNUTLS_READY" '^rekey1^' -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem" --inline-commands
    qtls_server_cell "qtls-server/gnutls-cli/key-update-requested" \
        --server-log "$(qsrv '[a-z0-9]+' 'sig=[a-z0-9_]+' key-updates-sent=1 key-updates-received=1)" \
        --client-log '^- Rekey was completed' \
        --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" -- \
        with_prelude "$GNUTLS_READY" '^rekey^' -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem" --inline-commands
    qtls_server_cell "qtls-server/openssl30/key-update" \
        --server-log "$(qsrv '[a-z0-9]+' 'sig=[a-z0-9_]+' key-updates-sent=0 key-updates-received=1)" \
        --client-log '^KEYUPDATE$' \
        --cert "$O/server-ecdsa-cert.pem" --key "$O/server-ecdsa-key.pem" -- \
        with_prelude "$OPENSSL_READY" k -- \
        cli_openssl30 -CAfile "$O/ca-cert.pem"
    qtls_server_cell "qtls-server/openssl30/key-update-requested" \
        --server-log "$(qsrv '[a-z0-9]+' 'sig=[a-z0-9_]+' key-updates-sent=1 key-updates-received=1)" \
        --client-log '^KEYUPDATE$' \
        --cert "$O/server-ecdsa-cert.pem" --key "$O/server-ecdsa-key.pem" -- \
        with_prelude "$OPENSSL_READY" K -- \
        cli_openssl30 -CAfile "$O/ca-cert.pem"
    qtls_server_cell "qtls-server/openssl35/key-update-requested" \
        --server-log "$(qsrv X25519MLKEM768 sig=mldsa65 key-updates-sent=2 key-updates-received=2)" \
        --client-log '^KEYUPDATE$' \
        --cert "$M/server-mldsa65-cert.pem" --key "$M/server-mldsa65-key.pem" -- \
        with_prelude "$OPENSSL_READY" K K -- \
        cli_openssl35 -CAfile "$M/ca-cert.pem"

    # Client certificates, required by the qtls server and verified against --client-ca.
    qtls_server_cell "qtls-server/gnutls-cli/client-auth" \
        --server-log "$(qsrv '[a-z0-9]+' sig=ecdsa_secp256r1_sha256 client-sig=ecdsa_secp256r1_sha256)" \
        --client-log 'Status: The certificate is trusted' \
        --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" \
        --client-ca "$G/ca-cert.pem" --require-client-cert -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem" \
        --x509certfile "$G/client-ecdsa-cert.pem" --x509keyfile "$G/client-ecdsa-key.pem"
    qtls_server_cell "qtls-server/openssl30/client-auth" \
        --server-log "$(qsrv '[a-z0-9]+' sig=ecdsa_secp256r1_sha256 client-sig=rsa_pss_rsae_sha256)" \
        --client-log 'Verify return code: 0 \(ok\)' \
        --cert "$O/server-ecdsa-cert.pem" --key "$O/server-ecdsa-key.pem" \
        --client-ca "$O/ca-cert.pem" --require-client-cert -- \
        cli_openssl30 -CAfile "$O/ca-cert.pem" \
        -cert "$O/client-rsa-cert.pem" -key "$O/client-rsa-key.pem"
    qtls_server_cell "qtls-server/openssl35/client-auth-mldsa65" \
        --server-log "$(qsrv X25519MLKEM768 sig=mldsa65 client-sig=mldsa65)" \
        --client-log 'Verify return code: 0 \(ok\)' \
        --cert "$M/server-mldsa65-cert.pem" --key "$M/server-mldsa65-key.pem" \
        --client-ca "$M/ca-cert.pem" --require-client-cert -- \
        cli_openssl35 -CAfile "$M/ca-cert.pem" \
        -cert "$M/client-mldsa65-cert.pem" -key "$M/client-mldsa65-key.pem"
    # QEMU's x509 servers request a certificate without requiring one.
    qtls_server_cell "qtls-server/openssl30/client-auth-requested-none" \
        --server-log "$(qsrv '[a-z0-9]+' sig=ecdsa_secp256r1_sha256 closed-by=client)" \
        --no-server-log 'client-sig=' \
        --cert "$O/server-ecdsa-cert.pem" --key "$O/server-ecdsa-key.pem" \
        --client-ca "$O/ca-cert.pem" -- \
        cli_openssl30 -CAfile "$O/ca-cert.pem"
    # Required but not given: certificate_required (116, RFC 8446 §4.4.2.4).
    qtls_server_cell "qtls-server/gnutls-cli/client-auth-missing" \
        --client-fails 'Received alert \[116\]' \
        --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" \
        --client-ca "$G/ca-cert.pem" --require-client-cert -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem"
    # A certificate from another CA: unknown_ca (48).
    qtls_server_cell "qtls-server/openssl30/client-auth-untrusted" \
        --client-fails 'alert unknown ca' \
        --cert "$O/server-ecdsa-cert.pem" --key "$O/server-ecdsa-key.pem" \
        --client-ca "$G/ca-cert.pem" --require-client-cert -- \
        cli_openssl30 -CAfile "$O/ca-cert.pem" \
        -cert "$O/client-rsa-cert.pem" -key "$O/client-rsa-key.pem"

    qtls_server_cell "qtls-server/gnutls-cli/client-auth-untrusted" \
        --client-fails 'Received alert \[48\]' \
        --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" \
        --client-ca "$O/ca-cert.pem" --require-client-cert -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem" \
        --x509certfile "$G/client-rsa-cert.pem" --x509keyfile "$G/client-rsa-key.pem"

    # PSK with a HelloRetryRequest (and a cookie): the client's binders cover the retried hello.
    qtls_server_cell "qtls-server/gnutls-cli/psk_dhe_ke-hrr-cookie" \
        --server-log "$(qsrv secp384r1 psk=alice hrr)" \
        --client-log "^- PSK authentication\. Connected as 'alice'" \
        --psk "$alice" --psk-identity alice --groups secp384r1 --hrr-cookie -- \
        cli_gnutls --pskusername alice --pskkey "$alice" \
        --priority "$PSK_DHE_KE:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1"
    qtls_server_cell "qtls-server/gnutls-cli/hrr-cookie-secp384r1" \
        --server-log "$(qsrv secp384r1 sig=ecdsa_secp256r1_sha256 hrr)" \
        --client-log 'Description: \(TLS1\.3-X\.509\)-\(ECDHE-SECP384R1\)-' \
        --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" --groups secp384r1 \
        --hrr-cookie -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem" \
        --priority "$TLS13:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1"

    # Each cipher suite, chosen by the client.
    local suite gsuite
    for suite in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256 \
        TLS_AES_128_CCM_SHA256; do
        case "$suite" in
            TLS_AES_128_GCM_SHA256) gsuite=AES-128-GCM ;;
            TLS_AES_256_GCM_SHA384) gsuite=AES-256-GCM ;;
            TLS_CHACHA20_POLY1305_SHA256) gsuite=CHACHA20-POLY1305 ;;
            TLS_AES_128_CCM_SHA256) gsuite=AES-128-CCM ;;
        esac
        qtls_server_cell "qtls-server/gnutls-cli/suite-$suite" \
            --server-log "^connection from 127\.0\.0\.1:[0-9]+: TLS1\.3 $suite group=" \
            --client-log "Description: \(TLS1\.3-X\.509\)-.*-\($gsuite\)$" \
            --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" -- \
            cli_gnutls --x509cafile "$G/ca-cert.pem" --priority "$TLS13:-CIPHER-ALL:+$gsuite"
    done

    # Middlebox compatibility: the server sends a ChangeCipherSpec by default, none when off
    # (it still echoes the client's legacy_session_id). gnutls-cli -d 5 shows records.
    qtls_server_cell "qtls-server/gnutls-cli/compat" \
        --server-log "$(qsrv '[a-z0-9]+' sig=ecdsa_secp256r1_sha256)" \
        --client-log 'ChangeCipherSpec packet received' \
        --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem" -d 5
    qtls_server_cell "qtls-server/gnutls-cli/no-compat" \
        --server-log "$(qsrv '[a-z0-9]+' sig=ecdsa_secp256r1_sha256)" \
        --client-log 'Application Data packet received. Epoch 2' \
        --no-client-log 'ChangeCipherSpec packet received' \
        --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" --no-compat -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem" -d 5
    # Bulk data: 256 KiB each way in one line.
    qtls_server_cell "qtls-server/gnutls-cli/bulk" \
        --server-log "$(qsrv '[a-z0-9]+' sig=ecdsa_secp256r1_sha256)" \
        --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" -- \
        with_big_token 262144 cli_gnutls --x509cafile "$G/ca-cert.pem"
    qtls_server_cell "qtls-server/openssl30/bulk" \
        --server-log "$(qsrv '[a-z0-9]+' sig=ecdsa_secp256r1_sha256)" \
        --cert "$O/server-ecdsa-cert.pem" --key "$O/server-ecdsa-key.pem" -- \
        with_big_token 262144 cli_openssl30 -CAfile "$O/ca-cert.pem"
    # A TLS 1.2-only client gets protocol_version (RFC 8446 §4.2.1).
    qtls_server_cell "qtls-server/gnutls-cli/tls12-only" \
        --client-fails 'Received alert \[70\]' \
        --server-log '^connection from 127\.0\.0\.1:[0-9]+: error: peer is incompatible: NoTls13$' \
        --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
    qtls_server_cell "qtls-server/openssl30/tls12-only" \
        --client-fails 'alert protocol version' \
        --server-log '^connection from 127\.0\.0\.1:[0-9]+: error: peer is incompatible: NoTls13$' \
        --cert "$O/server-ecdsa-cert.pem" --key "$O/server-ecdsa-key.pem" -- \
        cli_openssl30 -CAfile "$O/ca-cert.pem" -tls1_2

    # Records padded to 512 bytes and the client's flight split over 512-byte records.
    qtls_server_cell "qtls-server/openssl35/padded-fragmented-records" \
        --server-log "$(qsrv X25519MLKEM768 sig=mldsa65 client-sig=mldsa65)" \
        --cert "$M/server-mldsa65-cert.pem" --key "$M/server-mldsa65-key.pem" \
        --client-ca "$M/ca-cert.pem" --require-client-cert -- \
        cli_openssl35 -CAfile "$M/ca-cert.pem" -record_padding 512 -max_send_frag 512 \
        -cert "$M/client-mldsa65-cert.pem" -key "$M/client-mldsa65-key.pem"

    # ALPN: the server picks; no overlap is no_application_protocol (RFC 7301 §3.2).
    qtls_server_cell "qtls-server/gnutls-cli/alpn" \
        --server-log "$(qsrv '[a-z0-9]+' sig=ecdsa_secp256r1_sha256 alpn=http/1\.1)" \
        --client-log '^- Application protocol: http/1\.1' \
        --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" --alpn http/1.1 -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem" --alpn=h2 --alpn=http/1.1
    qtls_server_cell "qtls-server/gnutls-cli/alpn-mismatch" \
        --client-fails 'Received alert \[120\]' \
        --cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem" --alpn http/1.1 -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem" --alpn=h2

    # Server-initiated close: qtls server --http answers the GET and sends close_notify first.
    qtls_server_cell "qtls-server/gnutls-cli/server-close" --http \
        --server-log "$(qsrv '[a-z0-9]+' sig=ed25519 closed-by=server)" \
        --client-log '^- Peer has closed the GnuTLS connection' \
        --cert "$G/server-ed25519-cert.pem" --key "$G/server-ed25519-key.pem" -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem"
    qtls_server_cell "qtls-server/openssl30/server-close" --http \
        --server-log "$(qsrv '[a-z0-9]+' sig=rsa_pss_rsae_sha256 closed-by=server)" \
        --client-log '^closed$' \
        --cert "$O/server-rsa-cert.pem" --key "$O/server-rsa-key.pem" -- \
        cli_openssl30 -CAfile "$O/ca-cert.pem"
    qtls_server_cell "qtls-server/openssl35/server-close" --http \
        --server-log "$(qsrv X25519MLKEM768 sig=mldsa65 closed-by=server)" \
        --client-log '^closed$' \
        --cert "$M/server-mldsa65-cert.pem" --key "$M/server-mldsa65-key.pem" -- \
        cli_openssl35 -CAfile "$M/ca-cert.pem"
}

qtls_cells() {
    qtls_client_cells
    qtls_server_cells
}

# === Priority-string cells ======================================================================
#
# GnuTLS priority strings (issue 7): priority-diff.sh compares qtls's resolution of its corpus
# with gnutls-cli's, and `--priority` on qtls server/client must change what real peers
# negotiate: suite order, %SERVER_PRECEDENCE, group choice, @SYSTEM and QEMU's post-quantum
# opt-out string.

PQ_OPT_OUT="-SIGN-ML-DSA-65:-SIGN-ML-DSA-44:-SIGN-ML-DSA-87:-GROUP-X25519-MLKEM768"
PQ_OPT_OUT+=":-GROUP-SECP256R1-MLKEM768:-GROUP-SECP384R1-MLKEM1024"

priority_diff() {
    need QTLS_BIN
    QTLS_BIN="$QTLS_BIN" "$ROOT/interop/priority-diff.sh" >"$CELL_DIR/diff.log" 2>&1 ||
        fail "$(tail -n 1 "$CELL_DIR/diff.log") (see diff.log)"
}

# A qtls server whose @SYSTEM enables the X25519-MLKEM768 hybrid, as distribution policies do.
srv_qtls_system() {
    printf '[priorities]\nSYSTEM = NORMAL:+GROUP-X25519-MLKEM768\n' >"$CELL_DIR/gnutls.config"
    GNUTLS_SYSTEM_PRIORITY_FILE="$CELL_DIR/gnutls.config" srv_qtls "$@"
}

priority_cells() {
    local ecdsa=(--cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem")
    local both="NORMAL:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM"
    cell priority/diff priority_diff
    # gnutls-cli prefers AES-256-GCM; the server's order wins only with %SERVER_PRECEDENCE.
    QTLS_CHECKS=(--client-log '-\(AES-256-GCM\)' --server-log 'TLS_AES_256_GCM_SHA384')
    qtls_server_cell qtls-server/gnutls-cli/priority-client-order \
        "${ecdsa[@]}" --priority "$both" -- cli_gnutls --x509cafile "$G/ca-cert.pem"
    QTLS_CHECKS=(--client-log '-\(AES-128-GCM\)' --server-log 'TLS_AES_128_GCM_SHA256')
    qtls_server_cell qtls-server/gnutls-cli/priority-server-precedence \
        "${ecdsa[@]}" --priority "$both:%SERVER_PRECEDENCE" -- cli_gnutls --x509cafile "$G/ca-cert.pem"
    # Only secp384r1: gnutls-cli's shares (secp256r1, x25519) get a HelloRetryRequest.
    QTLS_CHECKS=(--client-log 'ECDHE-SECP384R1' --server-log 'group=secp384r1.* hrr')
    qtls_server_cell qtls-server/gnutls-cli/priority-group \
        "${ecdsa[@]}" --priority "NORMAL:-GROUP-ALL:+GROUP-SECP384R1" -- cli_gnutls --x509cafile "$G/ca-cert.pem"
    # OpenSSL 3.5 offers X25519MLKEM768 first: taken under @SYSTEM, refused after the opt-out.
    QTLS_CHECKS=(--server-log 'group=X25519MLKEM768')
    cell qtls-server/openssl35/priority-system-pq pair "${QTLS_CHECKS[@]}" \
        srv_qtls_system "${ecdsa[@]}" --priority "@SYSTEM" -- cli_openssl35 -CAfile "$G/ca-cert.pem"
    QTLS_CHECKS=(--server-log 'group=x25519' --no-server-log 'group=X25519MLKEM768')
    cell qtls-server/openssl35/priority-pq-opt-out pair "${QTLS_CHECKS[@]}" \
        srv_qtls_system "${ecdsa[@]}" --priority "@SYSTEM:$PQ_OPT_OUT" -- cli_openssl35 -CAfile "$G/ca-cert.pem"
    QTLS_CHECKS=(--client-log 'TLS_CHACHA20_POLY1305_SHA256')
    qtls_client_cell qtls-client/gnutls-serv/priority-suite \
        srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" -- \
        --no-verify --priority "NORMAL:-CIPHER-ALL:+CHACHA20-POLY1305"
    QTLS_CHECKS=(--client-log 'group=secp521r1')
    qtls_client_cell qtls-client/openssl30/priority-group \
        srv_openssl30 -cert "$O/server-ecdsa-cert.pem" -key "$O/server-ecdsa-key.pem" -- \
        --no-verify --priority "NORMAL:-GROUP-ALL:+GROUP-SECP521R1"
    QTLS_CHECKS=(--client-fails 'Unable to set TLS session priority NORMAL:-VERS-TLS1\.3: No or insufficient priorities were set\.')
    qtls_client_cell qtls-client/gnutls-serv/priority-no-tls13 \
        srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" -- \
        --no-verify --priority "NORMAL:-VERS-TLS1.3"
    QTLS_CHECKS=()
}

# --- QEMU-mode qtls cells ---------------------------------------------------------------------
# qtls with QEMU credential directories (--creds-dir / --psk-dir, issue 6): verify-peer on, a
# hostname check, authz DN rules that allow and deny, and the hybrid post-quantum directory.

qtls_qemu_cells() {
    local q="$PKI/qemu" hy="$PKI/qemu-hybrid" qp="$PKI/qemu-psk" qemu_key
    local client_dn='C=GB,ST=London,L=City Of London,O=qtls test,CN=client\.qtls\.test'
    qemu_key="$(psk_key "$qp/keys.psk" qemu)"
    # qtls server on a QEMU x509 directory; gnutls-cli presents the directory's client cert,
    # which the server checks against ca-cert.pem and records as the peer DN.
    QTLS_CHECKS=(--client-log 'The certificate is trusted' --server-log "peer='$client_dn'")
    qtls_server_cell qtls-server/gnutls-cli/qemu-creds-dir --creds-dir "$q" -- \
        cli_gnutls --x509cafile "$q/ca-cert.pem" \
        --x509certfile "$q/client-cert.pem" --x509keyfile "$q/client-key.pem"
    QTLS_CHECKS=(--server-log "peer='$client_dn'")
    qtls_server_cell qtls-server/gnutls-cli/qemu-authz-allow --creds-dir "$q" \
        --authz-dn 'C=GB,ST=London,*,CN=client.qtls.test' -- \
        cli_gnutls --x509cafile "$q/ca-cert.pem" \
        --x509certfile "$q/client-cert.pem" --x509keyfile "$q/client-key.pem"
    # A rule that does not match: QEMU's refusal, the connection is dropped.
    QTLS_CHECKS=(--client-fails 'non-properly terminated|terminated the connection'
        --server-log "error: TLS x509 authz check for $client_dn is denied")
    qtls_server_cell qtls-server/gnutls-cli/qemu-authz-deny --creds-dir "$q" \
        --authz-dn 'C=GB,*,CN=someone-else' -- \
        cli_gnutls --x509cafile "$q/ca-cert.pem" \
        --x509certfile "$q/client-cert.pem" --x509keyfile "$q/client-key.pem"
    # No client certificate: the server requests one, the handshake completes, the check fails.
    QTLS_CHECKS=(--client-fails 'non-properly terminated|terminated the connection'
        --server-log 'error: Verify failed: No certificate was found\.')
    qtls_server_cell qtls-server/gnutls-cli/qemu-no-client-cert --creds-dir "$q" -- \
        cli_gnutls --x509cafile "$q/ca-cert.pem"
    # qtls client on the directory against gnutls-serv requiring a client certificate, with
    # the hostname check on and off target.
    QTLS_CHECKS=(--client-log "peer='O=qtls test,CN=localhost'" --server-log 'client\.qtls\.test')
    qtls_client_cell qtls-client/gnutls-serv/qemu-creds-dir \
        srv_gnutls --x509cafile "$q/ca-cert.pem" --x509certfile "$q/server-cert.pem" \
        --x509keyfile "$q/server-key.pem" --require-client-cert --verify-client-cert -- \
        --creds-dir "$q" --hostname localhost
    QTLS_CHECKS=(--client-fails 'Certificate does not match the hostname wrong\.example')
    qtls_client_cell qtls-client/gnutls-serv/qemu-wrong-hostname \
        srv_gnutls --x509cafile "$q/ca-cert.pem" --x509certfile "$q/server-cert.pem" \
        --x509keyfile "$q/server-key.pem" -- \
        --creds-dir "$q" --hostname wrong.example
    # The hybrid directory: ML-DSA-65 first, ECDSA at index 0. A PQ-capable peer gets ML-DSA,
    # GnuTLS 3.7 gets ECDSA.
    QTLS_CHECKS=(--client-log 'EC/ECDSA key 256 bits' --server-log 'sig=ecdsa_secp256r1_sha256')
    qtls_server_cell qtls-server/gnutls-cli/qemu-hybrid-classic --creds-dir "$hy" -- \
        cli_gnutls --x509cafile "$hy/ca-cert.pem" \
        --x509certfile "$hy/client-cert-0.pem" --x509keyfile "$hy/client-key-0.pem"
    QTLS_CHECKS=(--client-log 'Peer signature type: mldsa65' --server-log 'sig=mldsa65')
    qtls_server_cell qtls-server/openssl35/qemu-hybrid-pq --creds-dir "$hy" -- \
        cli_openssl35 -CAfile "$hy/ca-cert.pem" \
        -cert "$hy/client-cert.pem" -key "$hy/client-key.pem"
    QTLS_CHECKS=(--client-log 'Peer signature type: ECDSA' --server-log 'sig=ecdsa_secp256r1_sha256')
    qtls_server_cell qtls-server/openssl30/qemu-hybrid-classic --creds-dir "$hy" -- \
        cli_openssl30 -CAfile "$hy/ca-cert.pem" \
        -cert "$hy/client-cert-0.pem" -key "$hy/client-key-0.pem"
    QTLS_CHECKS=(--server-log 'sig=mldsa65 client-sig=mldsa65')
    cell qtls-server/qtls-client/qemu-hybrid-pq pair "${QTLS_CHECKS[@]}" \
        srv_qtls --creds-dir "$hy" -- cli_qtls --creds-dir "$hy" --hostname localhost
    # Swapped order (ECDSA first): everyone gets ECDSA, even a PQ-capable peer.
    QTLS_CHECKS=(--client-log 'Peer signature type: ecdsa_secp256r1_sha256'
        --server-log 'sig=ecdsa_secp256r1_sha256')
    cell qtls-server/openssl35/qemu-hybrid-swapped qemu_swapped_cell "$hy"
    # PSK directories: GnuTLS peers with QEMU's priority suffix.
    local psk_prio="NORMAL:+ECDHE-PSK:+DHE-PSK:+PSK"
    QTLS_CHECKS=(--client-log "PSK authentication\. Connected as 'qemu'" --server-log 'psk=qemu')
    qtls_server_cell qtls-server/gnutls-cli/qemu-psk-dir --psk-dir "$qp" -- \
        cli_gnutls --pskusername qemu --pskkey "$qemu_key" --priority "$psk_prio"
    QTLS_CHECKS=(--client-log 'psk=qemu')
    qtls_client_cell qtls-client/gnutls-serv/qemu-psk-dir \
        srv_gnutls --pskpasswd "$qp/keys.psk" --priority "$psk_prio" -- --psk-dir "$qp"
    QTLS_CHECKS=()
}

# qemu_swapped_cell HYBRID_DIR: the hybrid directory with the identities' order swapped.
qemu_swapped_cell() {
    local hy="$1" sw="$CELL_DIR/swapped"
    mkdir -p "$sw"
    cp "$hy/ca-cert.pem" "$sw/"
    cp "$hy/server-cert-0.pem" "$sw/server-cert.pem"
    cp "$hy/server-key-0.pem" "$sw/server-key.pem"
    cp "$hy/server-cert.pem" "$sw/server-cert-0.pem"
    cp "$hy/server-key.pem" "$sw/server-key-0.pem"
    pair "${QTLS_CHECKS[@]}" srv_qtls --creds-dir "$sw" -- \
        cli_openssl35 -CAfile "$hy/ca-cert.pem" -cert "$hy/client-cert.pem" -key "$hy/client-key.pem"
}

# --- Post-handshake authentication, exporters, certificate compression ----------------------
#
# Post-handshake client authentication (RFC 8446 §4.6.2) both ways: the qtls server asks on
# `GET /reauth` (with --defer-client-auth, so nothing is asked during the handshake) and says
# on its page and log line how it went; the qtls client answers gnutls-serv's `**REAUTH**`
# echo command and s_server's `c` stdin command. Exporter values (RFC 8446 §7.5) and the
# RFC 9266 tls-exporter channel binding must equal the peer's byte for byte, both ways.
# Certificate compression (RFC 8879) runs against OpenSSL 3.5 (built with enable-zlib
# enable-brotli by scripts/install-deps.sh), whose s_server and s_client offer brotli and zlib
# by default, and against qtls itself. Debian's GnuTLS 3.7.9 answers `--compress-cert=zlib`
# with "Unknown compression method" and the system OpenSSL 3.0 has neither algorithm.

EXPORT_LABEL="EXPERIMENTAL-qtls-interop"

# hex_of FILE RE: the first hex run of at least 32 digits on the first line of FILE matching
# RE, in upper case.
hex_of() {
    grep -E -- "$2" "$1" | head -n 1 | sed -E "s/.*$2//" | grep -oiE '[0-9a-f]{32,}' | head -n 1 |
        tr '[:lower:]' '[:upper:]'
}

# same_values CLIENT_RE SERVER_RE [CLIENT_RE SERVER_RE...] -- PAIR ARGS...: runs a pair, then
# requires the hex value after each CLIENT_RE in the client's log to equal the one after the
# matching SERVER_RE in the server's log.
same_values() {
    local res=()
    while [ "$1" != "--" ]; do
        res+=("$1")
        shift
    done
    shift
    pair "$@" || return 1
    local i c s
    for ((i = 0; i < ${#res[@]}; i += 2)); do
        wait_for_log "$SERVER_LOG" "${res[i + 1]}" || fail "server output lacks /${res[i + 1]}/"
        c="$(hex_of "$CELL_DIR/client.log" "${res[i]}")"
        s="$(hex_of "$SERVER_LOG" "${res[i + 1]}")"
        [ -n "$c" ] || fail "no value after /${res[i]}/ in the client's output"
        [ "$c" = "$s" ] || fail "values differ: client $c, server '$s'"
        printf 'equal: %s\n' "$c"
    done
}

# reauth_openssl_server OPENSSL DIR KIND [s_server args...] -- [qtls client args...]: s_server
# (with DIR/server-KIND-cert.pem; no -verify: nothing is asked during the handshake) gets `c`
# on its stdin once the qtls client has completed the handshake; the client must answer with
# its certificate, which s_server verifies, and the exporter values must agree (s_server
# prints them only in its default mode, which does not echo: hence this custom cell).
reauth_openssl_server() {
    local openssl="$1" dir="$2" kind="$3" sargs=()
    shift 3
    while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
        sargs+=("$1")
        shift
    done
    [ "$#" -gt 0 ] && shift
    need "$openssl"
    need QTLS_BIN
    PORT="$(free_port)" || fail "no free port"
    local sfifo="$CELL_DIR/server.fifo" cfifo="$CELL_DIR/client.fifo" sw cw cpid i rc
    mkfifo "$sfifo" "$cfifo"
    timeout -k 2 "$SERVER_LIFETIME" "${!openssl}" s_server -accept "127.0.0.1:$PORT" \
        -cert "$dir/server-$kind-cert.pem" -key "$dir/server-$kind-key.pem" \
        -verifyCAfile "$dir/ca-cert.pem" -verify_return_error \
        -keymatexport "$EXPORT_LABEL" -keymatexportlen 32 "${sargs[@]}" <"$sfifo" >"$CELL_DIR/server.log" 2>&1 &
    echo "$!" >>"$CELL_DIR/pgids"
    echo "$!" >>"$WORK/pgids"
    exec {sw}>"$sfifo"
    for ((i = 0; i < 100; i++)); do
        port_listening "$PORT" && break
        sleep 0.1
    done
    port_listening "$PORT" || fail "s_server is not listening on port $PORT"
    timeout -k 2 "$PEER_TIMEOUT" "$QTLS_BIN" client "127.0.0.1:$PORT" --host localhost \
        --ca "$dir/ca-cert.pem" --post-handshake-auth --exporter "$EXPORT_LABEL:32" "$@" \
        <"$cfifo" >"$CELL_DIR/client.log" 2>&1 &
    cpid=$!
    exec {cw}>"$cfifo"
    wait_for_log "$CELL_DIR/client.log" '^TLS1\.3 ' || fail "the qtls client did not complete the handshake"
    printf 'c\n' >&"$sw"
    for ((i = 0; i < PEER_TIMEOUT * 10; i++)); do
        grep -q 'answered post-handshake authentication' "$CELL_DIR/client.log" && break
        kill -0 "$cpid" 2>/dev/null || break
        sleep 0.1
    done
    printf 'after reauth\n' >&"$cw"
    wait_for_log "$CELL_DIR/server.log" '^after reauth' || fail "s_server did not get data after the reauth"
    exec {cw}>&-
    wait "$cpid"
    rc=$?
    exec {sw}>&-
    [ "$rc" -eq 0 ] || fail "qtls client exited with status $rc"
    grep -q 'answered post-handshake authentication: Authenticated' "$CELL_DIR/client.log" ||
        fail "the client did not answer with a certificate"
    grep -qE '^depth=0 .*CN ?= ?client\.qtls\.test' "$CELL_DIR/server.log" ||
        fail "s_server did not verify the client certificate"
    ! grep -qiE 'error|alert' "$CELL_DIR/server.log" || fail "s_server reported an error"
    local c s
    c="$(hex_of "$CELL_DIR/client.log" 'Exported keying material [^:]*: ')"
    s="$(hex_of "$CELL_DIR/server.log" 'Keying material: ')"
    [ -n "$c" ] || fail "no exporter value in the client's output"
    [ "$c" = "$s" ] || fail "exporter values differ: client $c, server '$s'"
}

pha_cells() {
    local G="$PKI/gnutls" O="$PKI/openssl" M="$PKI/mldsa"
    local gcert=(--cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem")
    local ocert=(--cert "$O/server-ecdsa-cert.pem" --key "$O/server-ecdsa-key.pem")
    local reauth_ok='reauth=1:Authenticated closed-by='

    # qtls server, GET /reauth.
    HTTP_PATH=/reauth qtls_server_cell "qtls-server/gnutls-cli/post-handshake-auth" --http \
        --client-log '^\*\*\* Re-auth was performed' \
        --client-log 'reauth: authenticated as .*CN=client\.qtls\.test \(Some\(ecdsa_secp256r1_sha256\)\)' \
        --server-log "$reauth_ok" --no-server-log 'client-sig=' \
        "${gcert[@]}" --client-ca "$G/ca-cert.pem" --require-client-cert --defer-client-auth -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem" --post-handshake-auth \
        --x509certfile "$G/client-ecdsa-cert.pem" --x509keyfile "$G/client-ecdsa-key.pem"
    HTTP_PATH=/reauth qtls_server_cell "qtls-server/gnutls-cli/post-handshake-auth-no-cert" --http \
        --client-log 'reauth: NoCertificate' --server-log 'reauth=1:NoCertificate closed-by=' \
        "${gcert[@]}" --client-ca "$G/ca-cert.pem" --defer-client-auth -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem" --post-handshake-auth
    HTTP_PATH=/reauth qtls_server_cell "qtls-server/openssl30/post-handshake-auth" --http \
        --client-log 'reauth: authenticated as .*CN=client\.qtls\.test \(Some\(rsa_pss_rsae_sha256\)\)' \
        --server-log "$reauth_ok" \
        "${ocert[@]}" --client-ca "$O/ca-cert.pem" --require-client-cert --defer-client-auth -- \
        cli_openssl30 -CAfile "$O/ca-cert.pem" -enable_pha \
        -cert "$O/client-rsa-cert.pem" -key "$O/client-rsa-key.pem"
    HTTP_PATH=/reauth qtls_server_cell "qtls-server/openssl35/post-handshake-auth-mldsa" --http \
        --client-log 'reauth: authenticated as .* \(Some\(mldsa65\)\)' \
        --server-log "$reauth_ok" \
        --cert "$M/server-mldsa65-cert.pem" --key "$M/server-mldsa65-key.pem" \
        --client-ca "$M/ca-cert.pem" --require-client-cert --defer-client-auth -- \
        cli_openssl35 -CAfile "$M/ca-cert.pem" -enable_pha \
        -cert "$M/client-mldsa65-cert.pem" -key "$M/client-mldsa65-key.pem"
    # s_client without -enable_pha: the request is refused locally, nothing is sent.
    HTTP_PATH=/reauth qtls_server_cell "qtls-server/openssl30/post-handshake-auth-not-offered" --http \
        --client-log 'reauth: refused: .*did not offer post_handshake_auth' \
        --no-server-log 'reauth=' --server-log 'post-handshake authentication refused' \
        "${ocert[@]}" --client-ca "$O/ca-cert.pem" --defer-client-auth -- \
        cli_openssl30 -CAfile "$O/ca-cert.pem" \
        -cert "$O/client-rsa-cert.pem" -key "$O/client-rsa-key.pem"
    # GET /keyupdate: the page comes under the server's new keys (update_requested).
    HTTP_PATH=/keyupdate qtls_server_cell "qtls-server/gnutls-cli/keyupdate-request" --http \
        --client-log 'key update sent' \
        --server-log 'key-updates-sent=1 key-updates-received=0 ' \
        "${gcert[@]}" -- cli_gnutls --x509cafile "$G/ca-cert.pem"
    HTTP_PATH=/keyupdate qtls_server_cell "qtls-server/openssl30/keyupdate-request" --http \
        --client-log 'key update sent' \
        --server-log 'key-updates-sent=1 key-updates-received=0 ' \
        "${ocert[@]}" -- cli_openssl30 -CAfile "$O/ca-cert.pem"

    # qtls client answering the peer's request.
    cell "qtls-client/gnutls-serv/post-handshake-auth" \
        with_prelude '^TLS1\.3 ' '**REAUTH**' -- \
        pair --client-log '^qtls client: answered post-handshake authentication: Authenticated' \
        --client-log '^Successfully executed command' \
        --server-log '^\*\*\* Sending re-auth request' \
        srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" \
        --x509cafile "$G/ca-cert.pem" -- \
        cli_qtls --ca "$G/ca-cert.pem" --post-handshake-auth \
        --cert "$G/client-ecdsa-cert.pem" --key "$G/client-ecdsa-key.pem"
    # These two also compare the exporter with s_server's (SHA-384 and SHA-256 suites).
    cell "qtls-client/openssl30/post-handshake-auth" \
        reauth_openssl_server OPENSSL30 "$O" ecdsa -- \
        --cert "$O/client-ecdsa-cert.pem" --key "$O/client-ecdsa-key.pem"
    cell "qtls-client/openssl35/post-handshake-auth-mldsa-sha256" \
        reauth_openssl_server OPENSSL35 "$M" mldsa65 -ciphersuites TLS_AES_128_GCM_SHA256 -- \
        --cert "$M/client-mldsa65-cert.pem" --key "$M/client-mldsa65-key.pem"

    # Exporters: qtls server against each client, qtls client against each server, with
    # SHA-384 (the default suite) and SHA-256 suites.
    local gkm='^- Key material: ' okm='Keying material: ' qsrv_km=' exporter=' qcli_km='Exported keying material [^:]*: '
    cell "qtls-server/gnutls-cli/exporter" same_values \
        "$gkm" "$qsrv_km" "'tls-exporter': " 'tls-exporter=' -- \
        srv_qtls "${gcert[@]}" --exporter "$EXPORT_LABEL:32" --channel-binding -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem" --verbose \
        --keymatexport "$EXPORT_LABEL" --keymatexportsize 32
    cell "qtls-server/gnutls-cli/exporter-sha256" same_values "$gkm" "$qsrv_km" -- \
        srv_qtls "${gcert[@]}" --exporter "$EXPORT_LABEL:48" -- \
        cli_gnutls --x509cafile "$G/ca-cert.pem" --priority 'NORMAL:-CIPHER-ALL:+AES-128-GCM' \
        --keymatexport "$EXPORT_LABEL" --keymatexportsize 48
    cell "qtls-server/openssl30/exporter" same_values "$okm" "$qsrv_km" -- \
        srv_qtls "${ocert[@]}" --exporter "$EXPORT_LABEL:32" -- \
        cli_openssl30 -CAfile "$O/ca-cert.pem" -keymatexport "$EXPORT_LABEL" -keymatexportlen 32
    cell "qtls-server/openssl35/exporter-mlkem" same_values "$okm" "$qsrv_km" -- \
        srv_qtls --cert "$M/server-mldsa65-cert.pem" --key "$M/server-mldsa65-key.pem" \
        --exporter "$EXPORT_LABEL:64" -- \
        cli_openssl35 -CAfile "$M/ca-cert.pem" -ciphersuites TLS_AES_128_GCM_SHA256 \
        -keymatexport "$EXPORT_LABEL" -keymatexportlen 64
    cell "qtls-client/gnutls-serv/exporter" same_values \
        "$qcli_km" "$gkm" "^- Channel binding 'tls-exporter': " "'tls-exporter': " -- \
        srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem" \
        --keymatexport "$EXPORT_LABEL" --keymatexportsize 32 -- \
        cli_qtls --ca "$G/ca-cert.pem" --exporter "$EXPORT_LABEL:32" --channel-binding
    # qtls client against s_server: see the post-handshake-auth cells above.

    # Certificate compression against OpenSSL 3.5, with each algorithm. OpenSSL only sends
    # certificates it compressed in advance (s_server -cert_comp; s_client has no such option,
    # so its client certificate always goes uncompressed), and with -trace it prints each
    # CompressedCertificate it sends or receives with a `Compression type=ALG (0x....)` line.
    local alg
    for alg in zlib brotli; do
        # Our server's chain: s_client offers brotli and zlib, we compress with ALG.
        qtls_server_cell "qtls-server/openssl35/cert-compression-$alg" \
            --client-log '^ *CompressedCertificate, Length=' \
            --client-log "^ *Compression type=$alg \\(0x000[12]\\)\$" \
            --client-log '^Verify return code: 0 \(ok\)' \
            --cert "$G/server-rsa-cert.pem" --key "$G/server-rsa-key.pem" --compress-cert "$alg" -- \
            cli_openssl35 -CAfile "$G/ca-cert.pem" -trace
        # s_server's chain: we offer only ALG, s_server -cert_comp sends it compressed so.
        qtls_client_cell "qtls-client/openssl35/cert-compression-$alg" \
            --client-log "^TLS1\\.3 .* peer-cert-compression=$alg\$" \
            --server-log '^Compressing certificates' \
            srv_openssl35 -cert "$G/server-rsa-cert.pem" -key "$G/server-rsa-key.pem" -cert_comp -- \
            --ca "$G/ca-cert.pem" --compress-cert "$alg"
        # Our client certificate: s_server's CertificateRequest offers brotli and zlib; it
        # cannot send a CompressedCertificate itself here (no -cert_comp), so the one in its
        # trace is ours, and it must verify the certificate inside.
        qtls_client_cell "qtls-client/openssl35/client-cert-compression-$alg" \
            --server-log '^ *CompressedCertificate, Length=' \
            --server-log "^ *Compression type=$alg \\(0x000[12]\\)\$" \
            --server-log '^depth=0 .*CN ?= ?client\.qtls\.test' \
            --no-server-log 'verify error' \
            srv_openssl35 -cert "$G/server-rsa-cert.pem" -key "$G/server-rsa-key.pem" \
            -Verify 1 -verifyCAfile "$G/ca-cert.pem" -verify_return_error -trace -- \
            --ca "$G/ca-cert.pem" --compress-cert "$alg" \
            --cert "$G/client-ecdsa-cert.pem" --key "$G/client-ecdsa-key.pem"
    done

    # qtls against qtls: the server's chain and the client's, each way, with each algorithm;
    # a client offering only an algorithm the server does not use gets a plain Certificate.
    for alg in zlib brotli; do
        cell "qtls-server/qtls-client/cert-compression-$alg" \
            pair --client-log "^TLS1\\.3 .* peer-cert-compression=$alg\$" \
            --server-log "peer-cert-compression=$alg key-updates" \
            srv_qtls --cert "$G/server-rsa-cert.pem" --key "$G/server-rsa-key.pem" \
            --client-ca "$G/ca-cert.pem" --require-client-cert --compress-cert "$alg" -- \
            cli_qtls --ca "$G/ca-cert.pem" --compress-cert "brotli,zlib" \
            --cert "$G/client-ecdsa-cert.pem" --key "$G/client-ecdsa-key.pem"
    done
    cell "qtls-server/qtls-client/cert-compression-no-common" \
        pair --client-log '^TLS1\.3 ' --no-client-log 'peer-cert-compression' \
        srv_qtls --cert "$G/server-rsa-cert.pem" --key "$G/server-rsa-key.pem" --compress-cert zlib -- \
        cli_qtls --ca "$G/ca-cert.pem" --compress-cert brotli
}

# === Resumption and 0-RTT cells ===================================================================
#
# Issue 8: session tickets both ways. qtls server issues tickets (--tickets N) and accepts 0-RTT
# (--early-data BYTES); qtls client --resume makes a second connection from a ticket of the
# first and prints `resumed: yes|no`; --early-data FILE sends FILE as 0-RTT on that second
# connection and prints `early data: accepted|rejected`.

# openssl_resume_cell OPENSSL_CLI_FN [EARLY]: s_client twice against a qtls server, the second
# time from the session the first saved (-sess_out / -sess_in), with 0-RTT when EARLY is set.
openssl_resume_cell() {
    local cli="$1" early="${2:-}"
    local ecdsa=(--cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem")
    PORT="$(free_port)" || fail "no free port"
    srv_qtls "${ecdsa[@]}" --tickets 2 --early-data 16384
    "$cli" -CAfile "$G/ca-cert.pem" -sess_out "$CELL_DIR/sess.pem" ||
        fail "first client exited with status $?"
    mv "$CELL_DIR/client.log" "$CELL_DIR/client-first.log"
    [ -s "$CELL_DIR/sess.pem" ] || fail "s_client saved no session (no ticket?)"
    local args=(-CAfile "$G/ca-cert.pem" -sess_in "$CELL_DIR/sess.pem")
    if [ -n "$early" ]; then
        printf 'early-%s\n' "$TOKEN" >"$CELL_DIR/early.txt"
        args+=(-early_data "$CELL_DIR/early.txt")
    fi
    "$cli" "${args[@]}" || fail "resuming client exited with status $?"
    grep -qF -f "$CELL_DIR/expected" "$CELL_DIR/client.log" || fail "no reply to the token"
    grep -q 'Reused, TLSv1\.3' "$CELL_DIR/client.log" || fail "s_client did not resume"
    wait_for_log "$SERVER_LOG" "$(qsrv '[a-zA-Z0-9]+' 'resumed')" ||
        fail "qtls server did not log a resumed session"
    if [ -n "$early" ]; then
        grep -q 'Early data was accepted' "$CELL_DIR/client.log" || fail "0-RTT not accepted"
        wait_for_log "$SERVER_LOG" 'early-data=accepted' || fail "server did not accept 0-RTT"
        # The echo server sends the early data back once the handshake is done.
        grep -qF "early-$TOKEN" "$CELL_DIR/client.log" || fail "early data not echoed"
    fi
}

# gnutls_resume_cell [EARLY]: gnutls-cli --resume (--earlydata FILE) against a qtls server.
gnutls_resume_cell() {
    local early="${1:-}"
    local ecdsa=(--cert "$G/server-ecdsa-cert.pem" --key "$G/server-ecdsa-key.pem")
    PORT="$(free_port)" || fail "no free port"
    srv_qtls "${ecdsa[@]}" --tickets 2 --early-data 16384
    local args=(--x509cafile "$G/ca-cert.pem" --resume --waitresumption)
    if [ -n "$early" ]; then
        printf 'early-%s\n' "$TOKEN" >"$CELL_DIR/early.txt"
        args+=(--earlydata "$CELL_DIR/early.txt")
    fi
    cli_gnutls "${args[@]}" || fail "gnutls-cli exited with status $?"
    grep -qF -f "$CELL_DIR/expected" "$CELL_DIR/client.log" || fail "no reply to the token"
    grep -q '\*\*\* This is a resumed session' "$CELL_DIR/client.log" || fail "gnutls-cli did not resume"
    wait_for_log "$SERVER_LOG" "$(qsrv '[a-zA-Z0-9]+' 'resumed')" ||
        fail "qtls server did not log a resumed session"
    if [ -n "$early" ]; then
        wait_for_log "$SERVER_LOG" 'early-data=accepted' || fail "server did not accept 0-RTT"
        grep -qF "early-$TOKEN" "$CELL_DIR/client.log" || fail "early data not echoed"
    fi
}

# qtls_early_cell SERVER_FN [ARGS...]: qtls client --early-data against a peer server whose
# body mode reads 0-RTT but sends no reply (s_server without -rev): the client gets EOF on
# stdin, sends its data and closes; the server must print the early data.
qtls_early_cell() {
    PORT="$(free_port)" || fail "no free port"
    "$@"
    printf 'early-%s\n' "$TOKEN" >"$CELL_DIR/early.txt"
    local rc=0
    timeout -k 2 "$PEER_TIMEOUT" "$QTLS_BIN" client "127.0.0.1:$PORT" --host localhost \
        --ca "$G/ca-cert.pem" --early-data "$CELL_DIR/early.txt" \
        </dev/null >"$CELL_DIR/client.log" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || fail "qtls client exited with status $rc"
    grep -q 'resumed: yes' "$CELL_DIR/client.log" || fail "qtls client did not resume"
    grep -q 'early data: accepted' "$CELL_DIR/client.log" || fail "0-RTT not accepted"
    wait_for_log "$SERVER_LOG" "early-$TOKEN" || fail "server did not print the early data"
}

srv_openssl30_early() {
    need OPENSSL30
    start_server openssl30 "$OPENSSL30" s_server -accept "127.0.0.1:$PORT" \
        -cert "$G/server-ecdsa-cert.pem" -key "$G/server-ecdsa-key.pem" -early_data
}

srv_openssl35_early() {
    need OPENSSL35
    start_server openssl35 "$OPENSSL35" s_server -accept "127.0.0.1:$PORT" \
        -cert "$G/server-ecdsa-cert.pem" -key "$G/server-ecdsa-key.pem" -early_data
}

resumption_cells() {
    local g=(srv_gnutls --x509certfile "$G/server-ecdsa-cert.pem" --x509keyfile "$G/server-ecdsa-key.pem")
    # qtls client resumes against each peer server.
    QTLS_CHECKS=(--client-log '^qtls client: resumed: yes' --client-log "$(qcli '[a-zA-Z0-9]+' 'resumed')")
    qtls_client_cell qtls-client/gnutls-serv/resume "${g[@]}" -- --ca "$G/ca-cert.pem" --resume
    qtls_client_cell qtls-client/openssl30/resume \
        srv_openssl30 -cert "$O/server-ecdsa-cert.pem" -key "$O/server-ecdsa-key.pem" -- \
        --ca "$O/ca-cert.pem" --resume
    qtls_client_cell qtls-client/openssl35/resume \
        srv_openssl35 -cert "$O/server-ecdsa-cert.pem" -key "$O/server-ecdsa-key.pem" -- \
        --ca "$O/ca-cert.pem" --resume
    QTLS_CHECKS=()
    # Peer clients resume against the qtls server.
    cell qtls-server/gnutls-cli/resume gnutls_resume_cell
    cell qtls-server/openssl30/resume openssl_resume_cell cli_openssl30
    cell qtls-server/openssl35/resume openssl_resume_cell cli_openssl35
    # 0-RTT: qtls client to each peer server, each peer client to the qtls server.
    # gnutls-serv --echo echoes the token but never prints or echoes 0-RTT data: the client's
    # status line and gnutls-serv's own resumed-session line are the evidence.
    printf 'early-%s\n' "$TOKEN" >"$WORK/early-gnutls.txt"
    QTLS_CHECKS=(--client-log '^qtls client: early data: accepted' --client-log 'early-data=accepted'
        --server-log '\*\*\* This is a resumed session')
    qtls_client_cell qtls-client/gnutls-serv/early-data \
        "${g[@]}" --earlydata --maxearlydata 16384 -- --ca "$G/ca-cert.pem" --early-data "$WORK/early-gnutls.txt"
    QTLS_CHECKS=()
    cell qtls-client/openssl30/early-data qtls_early_cell srv_openssl30_early
    cell qtls-client/openssl35/early-data qtls_early_cell srv_openssl35_early
    cell qtls-server/gnutls-cli/early-data gnutls_resume_cell early
    cell qtls-server/openssl30/early-data openssl_resume_cell cli_openssl30 early
    cell qtls-server/openssl35/early-data openssl_resume_cell cli_openssl35 early
}

# --- Main -----------------------------------------------------------------------------------

printf 'interop: peers: gnutls-cli=%s openssl=%s openssl-3.5=%s qtls=%s\n' \
    "${GNUTLS_CLI:-MISSING}" "${OPENSSL30:-MISSING}" "${OPENSSL35:-MISSING}" "${QTLS_BIN:-none}"

FILTERS_SAVED=("${FILTERS[@]}")
FILTERS=()
cell peers check_peers
cell pki make_pki
FILTERS=("${FILTERS_SAVED[@]}")
cell pki/gnutls-set pki_gnutls
cell pki/openssl-set pki_openssl
cell pki/mldsa-set pki_mldsa
cell pki/psk pki_psk
cell pki/qemu-dirs pki_qemu_dirs
peer_cells
qtls_cells
priority_cells
qtls_qemu_cells
pha_cells
resumption_cells

kill_groups "$WORK/pgids"
if [ "$FAILED" -eq 0 ] && [ "${INTEROP_KEEP:-0}" != 1 ]; then
    rm -rf "$WORK"
else
    printf 'interop: logs and PKI kept in %s\n' "$WORK"
fi
if [ "$FAILED" -gt 0 ]; then
    printf 'interop: failed cells: %s\n' "${FAILED_NAMES[*]}"
fi
printf 'interop: %d passed, %d failed\n' "$PASSED" "$FAILED"
[ "$FAILED" -eq 0 ]
