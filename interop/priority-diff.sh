#!/usr/bin/env bash
# Differential test of priority strings: `gnutls-cli --list --priority STR` (GnuTLS 3.7.9)
# against `qtls priority --list STR`, over the corpus interop/priority-strings.txt.
#
# Usage: interop/priority-diff.sh [CORPUS]
#   Prints one line per mismatch (`MISMATCH <line>: <string>: <what>` and both sides' text)
#   and finally `priority-diff: N passed, N failed`. Exits non-zero if anything failed.
#
# Environment:
#   QTLS_BIN     the qtls binary (default: the newer of <target>/release/qtls and
#                <target>/debug/qtls, <target> being $CARGO_TARGET_DIR or ./target)
#   GNUTLS_CLI   gnutls-cli (default: from PATH). Missing gnutls-cli is a failure, never a skip.
#
# Corpus lines (fields separated by one TAB; `#` starts a comment line; the string field is
# decoded with printf %b, so `\t`, `\x20` and `\\` can be written):
#   STRING              (no TAB in the line) compare with gnutls-cli on STRING itself
#   = TAB STRING        the same, for strings that are empty or look like a comment
#   ~ TAB STRING TAB EQUIV
#                       STRING uses names GnuTLS 3.7.9 lacks (ML-DSA, ML-KEM, 3.8-only flags and
#                       ciphers): compare qtls on STRING with gnutls-cli on EQUIV, a 3.7.9 string
#                       that GnuTLS 3.8.13 resolves identically (§3.4 of the compatibility spec)
#   ! TAB STRING TAB EXPECT
#                       compare qtls on STRING with a written expectation: `error: <stderr line>`,
#                       or `ok` followed by `|<line>` for each line qtls must print verbatim
#
# What is compared: accept/reject (exit status); for rejections the error line (`Syntax error
# at: <tail>`, which carries GnuTLS's error position, or `Error in priorities: <reason>`); for
# acceptances the TLS 1.3 cipher suite lines in order and the Protocols, Ciphers, MACs, Key
# Exchange Algorithms, Groups and PK-signatures lines. qtls lists GnuTLS 3.8.13's default
# signatures, which start with ML-DSA-44/65/87; those three are removed from qtls's
# PK-signatures line before comparing with 3.7.9 (which has no ML-DSA). @KEYWORD strings use a
# system priority file written by this script (see SYSTEM_CONFIG below), for both tools.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORPUS="${1:-$ROOT/interop/priority-strings.txt}"

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
GNUTLS_CLI="${GNUTLS_CLI:-$(command -v gnutls-cli || true)}"

die() { printf 'priority-diff: error: %s\n' "$*" >&2; printf 'priority-diff: 0 passed, 1 failed\n'; exit 1; }
if [ -z "$GNUTLS_CLI" ] || [ ! -x "$GNUTLS_CLI" ]; then
    die "gnutls-cli not found (apt-get install gnutls-bin)"
fi
if [ -z "$QTLS_BIN" ] || [ ! -x "$QTLS_BIN" ]; then
    die "qtls binary not found (cargo build, or set QTLS_BIN)"
fi
[ -r "$CORPUS" ] || die "corpus $CORPUS not readable"
"$GNUTLS_CLI" --version 2>/dev/null | head -1 | grep -q '^gnutls-cli 3\.7\.' ||
    die "gnutls-cli is not GnuTLS 3.7 ($("$GNUTLS_CLI" --version 2>/dev/null | head -1))"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/qtls-prio.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# The system priority file for @KEYWORD strings. The indented line continues SYSTEM's value
# (so INDENTED is no key), and `[other]` entries are not priorities.
SYSTEM_CONFIG="$WORK/gnutls.config"
cat >"$SYSTEM_CONFIG" <<'EOF'
# qtls priority-diff system configuration
[priorities]
SYSTEM = NORMAL:-VERS-TLS1.0:-VERS-TLS1.1
QEMU = SECURE192:%SERVER_PRECEDENCE ; inline comment
LIBVIRT=PERFORMANCE:-VERS-TLS1.2
  INDENTED = NORMAL
BROKEN = NORMAL:+FOO
EMPTY =
TLS12ONLY = NORMAL:-VERS-TLS1.3
[other]
OTHER = NORMAL
EOF
export GNUTLS_SYSTEM_PRIORITY_FILE="$SYSTEM_CONFIG"

# run TOOL STRING: sets OUT (stdout), ERR (first stderr line), RC.
run() {
    local tool="$1" s="$2"
    if [ "$tool" = gnutls ]; then
        "$GNUTLS_CLI" --list --priority "$s" >"$WORK/out" 2>"$WORK/err" </dev/null
    else
        "$QTLS_BIN" priority --list "$s" >"$WORK/out" 2>"$WORK/err" </dev/null
    fi
    RC=$?
    OUT="$(cat "$WORK/out")"
    ERR="$(head -n1 "$WORK/err")"
}

# The compared part of an accepted listing: TLS 1.3 suite lines and the six summary lines.
summary() {
    printf '%s\n' "$1" | grep -E $'\tTLS1\\.3$|^(Protocols|Ciphers|MACs|Key Exchange Algorithms|Groups|PK-signatures): '
}
strip_mldsa() {
    sed -E '/^PK-signatures: /{s/SIGN-ML-DSA-(44|65|87)(, )?//g; s/, $//; s/: $/: none/}'
}

PASS=0
FAIL=0
mismatch() {
    FAIL=$((FAIL + 1))
    printf 'MISMATCH %s: [%s]: %s\n' "$LINENO_C" "$STR" "$1"
    if [ -n "${2:-}" ]; then
        printf '%s\n' "$2" | sed 's/^/    /'
    fi
}

compare_with_gnutls() { # qtls on $STR, gnutls on $1
    run gnutls "$1"
    local g_rc=$RC g_out="$OUT" g_err="$ERR"
    run qtls "$STR"
    if [ "$RC" -ne "$g_rc" ]; then
        mismatch "exit status qtls=$RC gnutls=$g_rc" "qtls: $ERR
gnutls: $g_err"
        return
    fi
    if [ "$g_rc" -ne 0 ]; then
        if [ "$ERR" != "$g_err" ]; then
            mismatch "error differs" "qtls:   $ERR
gnutls: $g_err"
        else
            PASS=$((PASS + 1))
        fi
        return
    fi
    local q g
    q="$(summary "$OUT" | strip_mldsa)"
    g="$(summary "$g_out")"
    if [ "$q" != "$g" ]; then
        mismatch "listing differs" "$(diff <(printf '%s\n' "$g") <(printf '%s\n' "$q") | sed 's/^</gnutls:/; s/^>/qtls:  /')"
    else
        PASS=$((PASS + 1))
    fi
}

compare_with_expectation() { # qtls on $STR against $1
    local expect="$1"
    run qtls "$STR"
    case "$expect" in
    error:*)
        local want="${expect#error: }"
        if [ "$RC" -ne 1 ] || [ "$ERR" != "$want" ]; then
            mismatch "expected rejection" "want: $want
qtls: rc=$RC $ERR"
        else
            PASS=$((PASS + 1))
        fi
        ;;
    ok*)
        if [ "$RC" -ne 0 ]; then
            mismatch "expected acceptance" "qtls: rc=$RC $ERR"
            return
        fi
        local rest="${expect#ok}" line missing=""
        while [ -n "$rest" ]; do
            rest="${rest#|}"
            line="${rest%%|*}"
            rest="${rest#"$line"}"
            if ! grep -qxF -- "$(printf '%b' "$line")" "$WORK/out"; then
                missing+="missing: $line"$'\n'
            fi
        done
        if [ -n "$missing" ]; then
            mismatch "expected lines absent" "$missing$(summary "$OUT")"
        else
            PASS=$((PASS + 1))
        fi
        ;;
    *) mismatch "bad expectation '$expect' in corpus" ;;
    esac
}

LINENO_C=0
TAB=$'\t'
while IFS= read -r line || [ -n "$line" ]; do
    LINENO_C=$((LINENO_C + 1))
    case "$line" in '' | '#'*) continue ;; esac
    kind=""
    if [[ "$line" == *"$TAB"* ]]; then
        kind="${line%%"$TAB"*}"
        rest="${line#*"$TAB"}"
        field="${rest%%"$TAB"*}"
        third=""
        [[ "$rest" == *"$TAB"* ]] && third="${rest#*"$TAB"}"
    fi
    case "$kind" in
    '~')
        STR="$(printf '%b' "$field")"
        compare_with_gnutls "$(printf '%b' "$third")"
        ;;
    '!')
        STR="$(printf '%b' "$field")"
        compare_with_expectation "$third"
        ;;
    '=')
        STR="$(printf '%b' "$field")"
        compare_with_gnutls "$STR"
        ;;
    '')
        STR="$(printf '%b' "$line")"
        compare_with_gnutls "$STR"
        ;;
    *)
        STR="$line"
        mismatch "unknown line kind '$kind'"
        ;;
    esac
done <"$CORPUS"

printf 'priority-diff: %d passed, %d failed\n' "$PASS" "$FAIL"
[ "$FAIL" -eq 0 ] && [ "$PASS" -gt 0 ]
