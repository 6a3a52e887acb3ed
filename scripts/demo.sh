#!/usr/bin/env bash
# The newcomer's first command: shows what qtls works with today.
#
# For now it installs the interop peers (scripts/install-deps.sh), makes the throw-away test
# PKI the interop harness uses (interop/pki.sh) and shows what is in it. The TLS demo
# (qtls serving and connecting to GnuTLS and OpenSSL peers with these credentials) arrives
# with the handshake; this script will then run it.
#
# Usage: scripts/demo.sh [OUTDIR]   (default: a new directory under $TMPDIR or /tmp)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

OUT="${1:-$(mktemp -d "${TMPDIR:-/tmp}/qtls-demo.XXXXXX")}"

bash scripts/install-deps.sh
echo
bash interop/pki.sh "$OUT"

summary() {
    # One line per certificate: file, subject, key algorithm, issuer.
    local openssl="$1" cert="$2" key issuer subject
    subject="$("$openssl" x509 -in "$cert" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')"
    issuer="$("$openssl" x509 -in "$cert" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')"
    key="$("$openssl" x509 -in "$cert" -noout -text | sed -nE 's/^ *Public Key Algorithm: //p' | head -n 1)"
    printf '  %-34s %-16s %s  <-  %s\n' "${cert#"$OUT"/}" "$key" "$subject" "$issuer"
}

OPENSSL35="${QTLS_OPENSSL35:-${QTLS_CACHE:-${HOME:-/root}/.cache/qtls}/openssl-3.5}/bin/openssl"
echo
echo "Certificates (file, key, subject <- issuer):"
for cert in "$OUT"/gnutls/*-cert.pem "$OUT"/openssl/*-cert.pem "$OUT"/mldsa/*-cert.pem; do
    summary "$OPENSSL35" "$cert"
done
echo
echo "QEMU-style credential directories:"
for dir in qemu qemu-hybrid qemu-psk; do
    files=("$OUT/$dir"/*)
    printf '  %-12s %s\n' "$dir/" "${files[*]##*/}"
done

cat <<EOF

The test PKI is in $OUT (README.md there lists every file).

What comes next: qtls is a TLS 1.3 engine still being built. Once the handshake lands, this
demo will start \`qtls server\` with these credentials and connect GnuTLS and OpenSSL clients
to it (and \`qtls client\` to gnutls-serv / openssl s_server), including the ML-DSA-65 +
X25519MLKEM768 post-quantum path against OpenSSL 3.5. Until then, \`bash interop/run.sh\`
shows the same peers talking to each other with this PKI.
EOF
