#!/usr/bin/env bash
# The fuzzing gate of qtls (scripts/test.sh runs it; SECURITY.md explains the targets).
#
#   scripts/fuzz-ci.sh [TARGET...]      (default: every target of `cargo fuzz list`)
#
# Installs cargo-fuzz when missing, builds every target on the stable toolchain without a
# sanitizer (`cargo fuzz build -s none`: libFuzzer with coverage, release with debug assertions
# and overflow checks, the fuzzer-mode provider), then runs each target for FUZZ_SECONDS
# (default 20) on its committed corpus fuzz/corpus/<target>/. New inputs go to a scratch
# directory, so the committed corpus only changes on purpose (`cargo fuzz cmin`, see
# SECURITY.md). A crash, a timeout (FUZZ_TIMEOUT seconds per input, default 10), a memory blow-up
# (FUZZ_RSS_MB, default 2048) or a failed invariant fails the target; libFuzzer leaves the
# input in fuzz/artifacts/<target>/ to reproduce with `cargo fuzz run -s none TARGET FILE`.
#
# The last line is always `fuzz: N passed, M failed` (one per target; a failed build fails every
# target). Exit status: 0 only when every target passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/fuzz"

SECONDS_PER_TARGET="${FUZZ_SECONDS:-20}"
TIMEOUT="${FUZZ_TIMEOUT:-10}"
RSS_MB="${FUZZ_RSS_MB:-2048}"
# The fuzz crate keeps its own target directory: its RUSTFLAGS (coverage, --cfg fuzzing) must
# never mix with the main build's artifacts.
unset CARGO_TARGET_DIR
TARGET_DIR="${QTLS_FUZZ_TARGET_DIR:-$ROOT/fuzz/target}"
export CARGO_TERM_PROGRESS_WHEN=never

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

if [ "$#" -gt 0 ]; then
    TARGETS=("$@")
else
    mapfile -t TARGETS < <(cargo fuzz list)
fi

passed=0
failed=0
start=$SECONDS
if ! cargo fuzz build -s none --target-dir "$TARGET_DIR"; then
    echo "fuzz: build FAILED"
    echo "fuzz: 0 passed, ${#TARGETS[@]} failed"
    exit 1
fi
echo "fuzz: built ${#TARGETS[@]} targets in $((SECONDS - start)) s"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/qtls-fuzz.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
summary=()
for t in "${TARGETS[@]}"; do
    corpus="$ROOT/fuzz/corpus/$t"
    mkdir -p "$scratch/$t"
    seeds=()
    [ -d "$corpus" ] && seeds=("$corpus")
    log="$scratch/$t.log"
    set +e
    cargo fuzz run -s none --target-dir "$TARGET_DIR" "$t" "$scratch/$t" "${seeds[@]}" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout="$TIMEOUT" -rss_limit_mb="$RSS_MB" \
        -print_final_stats=1 >"$log" 2>&1
    rc=$?
    set -e
    runs="$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -n 1)"
    rate="$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log" | tail -n 1)"
    cov="$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)"
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        line="$(printf '%-18s ok      %10s runs %7s exec/s  %s' "$t" "${runs:-?}" "${rate:-?}" "${cov:-}")"
    else
        failed=$((failed + 1))
        line="$(printf '%-18s FAILED  (exit %s)' "$t" "$rc")"
        echo "==> fuzz target $t failed; the end of its log:"
        tail -n 40 "$log"
        ls "$ROOT/fuzz/artifacts/$t" 2>/dev/null | sed 's/^/    artifact: /' || true
    fi
    echo "fuzz: $line"
    summary+=("$line")
done

echo
printf 'fuzz: %s\n' "${summary[@]}"
echo "fuzz: total $((SECONDS - start)) s"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
