#!/usr/bin/env bash
# Whole connections over loopback, qtls beside OpenSSL and GnuTLS servers:
#  1. handshake rate: `openssl s_time -new` (the same client for every server)
#     against `qtls server`, `openssl s_server` and `gnutls-serv`, ECDSA P-256;
#  2. concurrency: N_CONC (1000) connections held open at once through
#     `qtls server --concurrent --echo`, each echoing a line, errors counted;
#  3. leak check: the qtls server's RSS after 1,000 and after N_SEQ (100000)
#     sequential handshakes.
# Usage: benches/loopback.sh [seconds per s_time run]   (env: N_CONC, N_SEQ)
# Needs openssl, gnutls-serv (gnutls-bin) and python3; builds the release
# `qtls` binary into $CARGO_TARGET_DIR (or ./target).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
N_CONC=${N_CONC:-1000}
N_SEQ=${N_SEQ:-100000}
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release --bin qtls >&2
QTLS=$TARGET/release/qtls
W=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$W"; }
trap cleanup EXIT

# An ECDSA P-256 CA and a leaf for localhost.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj /CN=bench-ca -keyout "$W/ca.key" -out "$W/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
  -keyout "$W/key.pem" -out "$W/leaf.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n' > "$W/ext"
openssl x509 -req -in "$W/leaf.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" -CAcreateserial \
  -days 30 -extfile "$W/ext" -out "$W/cert.pem" 2>/dev/null

wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# s_time prints "N connections in T real seconds, B bytes read per connection".
rate() {
  local port=$1 out
  out=$(openssl s_time -connect "127.0.0.1:$port" -new -tls1_3 -time "$SECS" \
        -CAfile "$W/ca.pem" 2>/dev/null | grep 'connections in .* real' | head -1)
  awk '{printf "%.0f", $1 / $4}' <<<"$out"
}

echo "## Loopback handshakes per second (openssl s_time -new, TLS 1.3, ECDSA P-256, ${SECS}s each; load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| server | handshakes/s |"
echo "|---|---:|"
P=24431
"$QTLS" server --listen "127.0.0.1:$P" --cert "$W/cert.pem" --key "$W/key.pem" --http \
  --concurrent 2>/dev/null & PIDS+=($!)
wait_port $P; echo "| qtls server | $(rate $P) |"
P=24432
sleep 100000 | openssl s_server -accept $P -cert "$W/cert.pem" -key "$W/key.pem" -tls1_3 \
  -www -quiet >/dev/null 2>&1 & PIDS+=($!)
wait_port $P; echo "| openssl s_server $(openssl version | cut -d' ' -f2) | $(rate $P) |"
P=24433
sleep 100000 | gnutls-serv -p $P --x509certfile "$W/cert.pem" --x509keyfile "$W/key.pem" \
  --http --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3' -q >/dev/null 2>&1 & PIDS+=($!)
wait_port $P; echo "| gnutls-serv $(gnutls-serv --version | head -1 | awk '{print $NF}') | $(rate $P) |"

# Concurrency and the leak check against one echo server.
P=24434
"$QTLS" server --listen "127.0.0.1:$P" --cert "$W/cert.pem" --key "$W/key.pem" --echo \
  --concurrent 2>"$W/echo.log" & SRV=$!; PIDS+=($SRV)
wait_port $P
python3 - "$P" "$W/ca.pem" "$N_CONC" "$N_SEQ" "$SRV" <<'EOF'
import socket, ssl, sys, time
port, ca, n_conc, n_seq, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
ctx = ssl.create_default_context(cafile=ca)
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
def rss():
    with open(f"/proc/{pid}/status") as f:
        for l in f:
            if l.startswith("VmRSS"):
                return int(l.split()[1])
def connect():
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    return ctx.wrap_socket(s, server_hostname="localhost")
errors, conns = 0, []
t0 = time.time()
for i in range(n_conc):
    try:
        conns.append(connect())
    except Exception as e:
        errors += 1
for i, c in enumerate(conns):
    try:
        c.sendall(b"line %d\n" % i)
        if c.recv(64) != b"line %d\n" % i:
            errors += 1
    except Exception:
        errors += 1
rss_conc = rss()
for c in conns:
    try:
        c.close()
    except Exception:
        errors += 1
print(f"\n{n_conc} concurrent connections held and echoed: {errors} errors "
      f"({time.time() - t0:.1f} s; server RSS {rss_conc} KiB with all open)")
def seq(n):
    bad = 0
    for _ in range(n):
        try:
            c = connect()
            c.close()
        except Exception:
            bad += 1
    return bad
bad = seq(1000)
time.sleep(0.5)
r1 = rss()
t0 = time.time()
bad += seq(n_seq - 1000)
time.sleep(0.5)
r2 = rss()
print(f"sequential handshakes: server RSS {r1} KiB after 1000, {r2} KiB after {n_seq} "
      f"({bad} errors, {(n_seq - 1000) / (time.time() - t0):.0f}/s with a Python client)")
EOF
echo "server log errors: $(grep -c 'error' "$W/echo.log" || true) (a client closing without close_notify counts)"
