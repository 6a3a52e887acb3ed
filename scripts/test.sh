#!/usr/bin/env bash
# THE test command of qtls (README.md, .ci/run): every gate, in order, on this machine.
#
#   1. scripts/install-deps.sh        interop peers (GnuTLS 3.7, OpenSSL 3.0, OpenSSL 3.5)
#   2. cargo build --all-targets
#   3. cargo fmt --check
#   4. cargo clippy --all-targets -- -D warnings
#   5. cargo build --no-default-features --lib   (the no_std + alloc core)
#   6. cargo nextest run + cargo test --doc        (or plain `cargo test` without nextest)
#   7. interop/run.sh                              (real peers on 127.0.0.1)
#   8. scripts/fuzz-ci.sh                          (every fuzz target, FUZZ_SECONDS each; 20 s)
#
# A failing step does not stop the others: everything runs, then the script exits non-zero if
# anything failed. The last line is always `N passed, N failed`: passed = tests passed (unit,
# integration, doc) + interop cells passed + fuzz targets passed; failed = tests failed + interop
# cells failed + fuzz targets failed + failed gates (a step that fails without test counts, e.g.
# clippy, counts as one failure).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export CARGO_TERM_PROGRESS_WHEN=never
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
LOGDIR="$(mktemp -d "${TMPDIR:-/tmp}/qtls-test.XXXXXX")"
trap 'rm -rf "$LOGDIR"' EXIT

TESTS_PASSED=0
TESTS_FAILED=0
INTEROP_PASSED=0
INTEROP_FAILED=0
FUZZ_PASSED=0
FUZZ_FAILED=0
FAILED_STEPS=()

banner() { printf '\n==> %s\n' "$*"; }

# step NAME COMMAND...: runs a gate, shows its output, records a failure. Returns 0 always;
# the command's status is left in STEP_RC and its output in $LOGDIR/NAME.log.
step() {
    local name="$1"
    shift
    banner "$name: $*"
    local log="$LOGDIR/$name.log"
    set +e
    "$@" 2>&1 | tee "$log"
    STEP_RC="${PIPESTATUS[0]}"
    set -e
    if [ "$STEP_RC" -ne 0 ]; then
        printf '==> %s FAILED (exit status %s)\n' "$name" "$STEP_RC"
    fi
    return 0
}

gate() {
    local name="$1"
    step "$@"
    if [ "$STEP_RC" -ne 0 ]; then
        FAILED_STEPS+=("$name")
    fi
}

# count_libtest LOG: adds every `test result: ... N passed; M failed` line of a cargo test run.
count_libtest() {
    local log="$1" p f found=0
    while read -r p f; do
        TESTS_PASSED=$((TESTS_PASSED + p))
        TESTS_FAILED=$((TESTS_FAILED + f))
        found=1
    done < <(sed -nE 's/^test result: [A-Za-z]+\. ([0-9]+) passed; ([0-9]+) failed;.*/\1 \2/p' "$log")
    [ "$found" -eq 1 ]
}

# count_nextest LOG: reads nextest's `Summary [...] N tests run: P passed, ...` line. Tests that
# ran and did not pass (failed, timed out, crashed) and tests that never ran count as failed.
count_nextest() {
    local log="$1" line run total passed
    line="$(grep -E 'Summary \[' "$log" | tail -n 1)" || return 1
    [[ "$line" =~ ([0-9]+)(/([0-9]+))?\ tests?\ run:\ ([0-9]+)\ passed ]] || return 1
    run="${BASH_REMATCH[1]}"
    total="${BASH_REMATCH[3]:-$run}"
    passed="${BASH_REMATCH[4]}"
    TESTS_PASSED=$((TESTS_PASSED + passed))
    TESTS_FAILED=$((TESTS_FAILED + total - passed))
}

# A test step that fails without printing its counts (e.g. a compile error) is one failure.
test_step() {
    local name="$1" counter="$2" failed_before="$TESTS_FAILED"
    shift 2
    step "$name" "$@"
    if ! "$counter" "$LOGDIR/$name.log"; then
        FAILED_STEPS+=("$name")
    elif [ "$STEP_RC" -ne 0 ] && [ "$TESTS_FAILED" -eq "$failed_before" ]; then
        FAILED_STEPS+=("$name")
    fi
}

gate install-deps bash scripts/install-deps.sh
gate build cargo build --all-targets
gate fmt cargo fmt --check
gate clippy cargo clippy --all-targets -- -D warnings
gate no-std cargo build --no-default-features --lib

if cargo nextest --version >/dev/null 2>&1; then
    test_step nextest count_nextest cargo nextest run --no-fail-fast --no-tests=warn
    test_step doctest count_libtest cargo test --doc
else
    printf '\n(cargo-nextest not found: running the tests with cargo test)\n'
    test_step cargo-test count_libtest cargo test --no-fail-fast
fi

# The interop cells use the qtls binary `cargo build --all-targets` just made.
export QTLS_BIN="${QTLS_BIN:-$TARGET_DIR/debug/qtls}"
step interop bash interop/run.sh
summary="$(grep -E '^interop: [0-9]+ passed, [0-9]+ failed$' "$LOGDIR/interop.log" | tail -n 1 || true)"
if [[ "$summary" =~ ^interop:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    INTEROP_PASSED="${BASH_REMATCH[1]}"
    INTEROP_FAILED="${BASH_REMATCH[2]}"
    if [ "$STEP_RC" -ne 0 ] && [ "$INTEROP_FAILED" -eq 0 ]; then
        FAILED_STEPS+=(interop)
    fi
else
    FAILED_STEPS+=(interop)
fi

# Each fuzz target counts once: built, then run on its corpus without a crash (SECURITY.md).
step fuzz bash scripts/fuzz-ci.sh
summary="$(grep -E '^fuzz: [0-9]+ passed, [0-9]+ failed$' "$LOGDIR/fuzz.log" | tail -n 1 || true)"
if [[ "$summary" =~ ^fuzz:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    FUZZ_PASSED="${BASH_REMATCH[1]}"
    FUZZ_FAILED="${BASH_REMATCH[2]}"
    if [ "$STEP_RC" -ne 0 ] && [ "$FUZZ_FAILED" -eq 0 ]; then
        FAILED_STEPS+=(fuzz)
    fi
else
    FAILED_STEPS+=(fuzz)
fi

PASSED=$((TESTS_PASSED + INTEROP_PASSED + FUZZ_PASSED))
FAILED=$((TESTS_FAILED + INTEROP_FAILED + FUZZ_FAILED + ${#FAILED_STEPS[@]}))
banner "summary"
printf 'tests:   %d passed, %d failed\n' "$TESTS_PASSED" "$TESTS_FAILED"
printf 'interop: %d passed, %d failed\n' "$INTEROP_PASSED" "$INTEROP_FAILED"
printf 'fuzz:    %d passed, %d failed\n' "$FUZZ_PASSED" "$FUZZ_FAILED"
if [ "${#FAILED_STEPS[@]}" -gt 0 ]; then
    printf 'failed steps: %s\n' "${FAILED_STEPS[*]}"
else
    printf 'failed steps: none\n'
fi
printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
[ "$FAILED" -eq 0 ]
