#!/usr/bin/env bash
# Makes a throw-away test PKI for the interop harness with the real tools:
#   certtool (GnuTLS 3.7), the system openssl (3.0) and OpenSSL 3.5 (ML-DSA).
#
# Usage: interop/pki.sh OUTDIR
#
# OUTDIR is created if needed and must be empty (or absent). Every key is a fresh, unencrypted
# PKCS#8 PEM key: nothing here is secret, and nothing should ever be trusted outside tests.
# OUTDIR/README.md lists what was made. The OpenSSL 3.5 binary is taken from $OPENSSL35, else
# from ${QTLS_OPENSSL35:-${QTLS_CACHE:-${HOME:-/root}/.cache/qtls}/openssl-3.5}/bin/openssl
# (scripts/install-deps.sh builds it).
set -euo pipefail

die() { printf 'pki.sh: error: %s\n' "$*" >&2; exit 1; }

[ "$#" -eq 1 ] || die "usage: $0 OUTDIR"
OUT="$1"
if [ -e "$OUT" ] && [ -n "$(ls -A "$OUT")" ]; then
    die "$OUT is not empty"
fi
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

CERTTOOL="${CERTTOOL:-certtool}"
PSKTOOL="${PSKTOOL:-psktool}"
OPENSSL30="${OPENSSL30:-openssl}"
OPENSSL35="${OPENSSL35:-${QTLS_OPENSSL35:-${QTLS_CACHE:-${HOME:-/root}/.cache/qtls}/openssl-3.5}/bin/openssl}"
for tool in "$CERTTOOL" "$PSKTOOL" "$OPENSSL30" "$OPENSSL35"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (run scripts/install-deps.sh)"
done
"$OPENSSL35" version | grep -q '^OpenSSL 3\.5\.' || die "$OPENSSL35 is not OpenSSL 3.5"

DAYS=365
# Names every server certificate answers to: clients connect to localhost or 127.0.0.1.
SERVER_DNS=localhost
SERVER_IP4=127.0.0.1
SERVER_IP6=::1
# The client subject follows QEMU's documented client template, so DN-based authorization
# tests have a realistic multi-RDN name: C=GB,ST=London,L=City Of London,O=qtls test,CN=client.
CLIENT_CN="client.qtls.test"

quiet() {
    # Runs a tool, showing its output only when it fails.
    local log
    log="$(mktemp)"
    if ! "$@" >"$log" 2>&1 </dev/null; then
        cat "$log" >&2
        rm -f "$log"
        die "failed: $*"
    fi
    rm -f "$log"
}

# --- certtool (GnuTLS) ------------------------------------------------------------------

# gt_key FILE TYPE: a PKCS#8 key from certtool. TYPE: rsa3072 rsa2048 rsapss2048 ecdsa256 ed25519.
gt_key() {
    local file="$1" type="$2" args
    case "$type" in
        rsa3072) args=(--key-type=rsa --bits=3072) ;;
        rsa2048) args=(--key-type=rsa --bits=2048) ;;
        rsapss2048) args=(--key-type=rsa-pss --bits=2048) ;;
        ecdsa256) args=(--key-type=ecdsa --curve=secp256r1) ;;
        ed25519) args=(--key-type=ed25519) ;;
        *) die "unknown key type $type" ;;
    esac
    # --pkcs8 with an empty password writes an unencrypted PKCS#8 "PRIVATE KEY".
    quiet "$CERTTOOL" --generate-privkey "${args[@]}" --pkcs8 --password '' --no-text --outfile "$file"
    chmod 600 "$file"
}

# gt_server_info FILE CN: a QEMU-documented server template for localhost / 127.0.0.1 / ::1.
gt_server_info() {
    cat >"$1" <<EOF
organization = qtls test
cn = $2
dns_name = $SERVER_DNS
ip_address = $SERVER_IP4
ip_address = $SERVER_IP6
tls_www_server
signing_key
encryption_key
expiration_days = $DAYS
EOF
}

# gt_client_info FILE: QEMU-documented client template (no SAN, clientAuth).
gt_client_info() {
    cat >"$1" <<EOF
country = GB
state = London
locality = City Of London
organization = qtls test
cn = $CLIENT_CN
tls_www_client
signing_key
encryption_key
expiration_days = $DAYS
EOF
}

# gt_issue DIR NAME KEYTYPE TEMPLATE-FN [CN]: key + certificate signed by DIR/ca-*.pem.
gt_issue() {
    local dir="$1" name="$2" type="$3" template="$4" cn="${5:-}"
    gt_key "$dir/$name-key.pem" "$type"
    "$template" "$dir/$name.info" "$cn"
    quiet "$CERTTOOL" --generate-certificate \
        --load-ca-certificate "$dir/ca-cert.pem" --load-ca-privkey "$dir/ca-key.pem" \
        --load-privkey "$dir/$name-key.pem" --template "$dir/$name.info" \
        --no-text --outfile "$dir/$name-cert.pem"
}

make_gnutls_set() {
    local dir="$OUT/gnutls"
    mkdir -p "$dir"
    # The CA exactly as QEMU's docs make it: certtool's default key (RSA 3072) and a
    # template with cn, ca and cert_signing_key.
    gt_key "$dir/ca-key.pem" rsa3072
    cat >"$dir/ca.info" <<EOF
cn = qtls test CA (certtool)
ca
cert_signing_key
expiration_days = $DAYS
EOF
    quiet "$CERTTOOL" --generate-self-signed --load-privkey "$dir/ca-key.pem" \
        --template "$dir/ca.info" --no-text --outfile "$dir/ca-cert.pem"
    gt_issue "$dir" server-ecdsa ecdsa256 gt_server_info localhost
    gt_issue "$dir" server-rsa rsa2048 gt_server_info localhost
    gt_issue "$dir" server-rsapss rsapss2048 gt_server_info localhost
    gt_issue "$dir" server-ed25519 ed25519 gt_server_info localhost
    gt_issue "$dir" client-ecdsa ecdsa256 gt_client_info
    gt_issue "$dir" client-rsa rsa2048 gt_client_info
}

# --- openssl (3.0 for classic keys, 3.5 for ML-DSA) --------------------------------------

# ossl_key OPENSSL FILE TYPE: a PKCS#8 key. TYPE: ecdsa256 rsa2048 rsapss2048 ed25519 mldsa65.
ossl_key() {
    local openssl="$1" file="$2" type="$3" args
    case "$type" in
        ecdsa256) args=(-algorithm EC -pkeyopt ec_paramgen_curve:P-256) ;;
        rsa2048) args=(-algorithm RSA -pkeyopt rsa_keygen_bits:2048) ;;
        rsapss2048) args=(-algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048) ;;
        ed25519) args=(-algorithm ED25519) ;;
        mldsa65) args=(-algorithm ML-DSA-65) ;;
        *) die "unknown key type $type" ;;
    esac
    quiet "$openssl" genpkey "${args[@]}" -out "$file"
    chmod 600 "$file"
}

# The configuration for `openssl req` / `openssl x509`: a [req] section (req wants one even
# when -subj gives the name, and this keeps the system openssl.cnf out of the picture) and
# the X.509v3 extension profiles. $2 non-empty adds keyEncipherment (RSA key transport).
write_ossl_ext() {
    cat >"$1" <<EOF
[req]
distinguished_name = dn
prompt = no

[dn]
CN = unused

[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature${2:+, keyEncipherment}
extendedKeyUsage = serverAuth
subjectAltName = DNS:$SERVER_DNS, IP:$SERVER_IP4, IP:$SERVER_IP6
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature${2:+, keyEncipherment}
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
}

# ossl_ca OPENSSL DIR KEYTYPE CN: a self-signed CA in DIR/ca-{key,cert}.pem.
ossl_ca() {
    local openssl="$1" dir="$2" type="$3" cn="$4"
    ossl_key "$openssl" "$dir/ca-key.pem" "$type"
    write_ossl_ext "$dir/ext-ca.cnf"
    quiet "$openssl" req -new -x509 -key "$dir/ca-key.pem" -subj "/O=qtls test/CN=$cn" \
        -days "$DAYS" -set_serial "0x$(random_serial)" \
        -config "$dir/ext-ca.cnf" -extensions ca -out "$dir/ca-cert.pem"
}

# ossl_issue OPENSSL DIR NAME KEYTYPE PROFILE SUBJECT: key + CSR + CA-signed certificate.
ossl_issue() {
    local openssl="$1" dir="$2" name="$3" type="$4" profile="$5" subject="$6" rsa=""
    ossl_key "$openssl" "$dir/$name-key.pem" "$type"
    # keyEncipherment only makes sense for rsaEncryption keys (TLS 1.2 RSA key transport).
    [ "$type" = rsa2048 ] && rsa=1
    write_ossl_ext "$dir/ext-$name.cnf" "$rsa"
    quiet "$openssl" req -new -key "$dir/$name-key.pem" -subj "$subject" \
        -config "$dir/ext-$name.cnf" -out "$dir/$name.csr"
    quiet "$openssl" x509 -req -in "$dir/$name.csr" \
        -CA "$dir/ca-cert.pem" -CAkey "$dir/ca-key.pem" -set_serial "0x$(random_serial)" \
        -days "$DAYS" -extfile "$dir/ext-$name.cnf" -extensions "$profile" \
        -out "$dir/$name-cert.pem"
    rm -f "$dir/$name.csr"
}

# A positive 63-bit serial in hex (RFC 5280 §4.1.2.2: positive, at most 20 octets).
random_serial() {
    od -An -N8 -tx1 /dev/urandom | tr -d ' \n' | sed 's/^./4/'
}

make_openssl_set() {
    local openssl="$1" dir="$2" ca_type="$3" ca_cn="$4"
    shift 4
    mkdir -p "$dir"
    ossl_ca "$openssl" "$dir" "$ca_type" "$ca_cn"
    local spec name type profile subject
    for spec in "$@"; do
        IFS='|' read -r name type profile subject <<<"$spec"
        ossl_issue "$openssl" "$dir" "$name" "$type" "$profile" "$subject"
    done
    rm -f "$dir"/ext-*.cnf
}

SERVER_SUBJ="/O=qtls test/CN=localhost"
CLIENT_SUBJ="/C=GB/ST=London/L=City Of London/O=qtls test/CN=$CLIENT_CN"

# --- PSK -----------------------------------------------------------------------------------

make_psk() {
    mkdir -m 0700 "$OUT/psk" "$OUT/psk48"
    # Exactly QEMU's documented command: 32 random bytes for user alice.
    quiet "$PSKTOOL" -u alice -p "$OUT/psk/keys.psk"
    # QEMU's default client username is "qemu".
    quiet "$PSKTOOL" -u qemu -p "$OUT/psk/keys.psk"
    # A 48-byte key, the size of a SHA-384 PSK.
    quiet "$PSKTOOL" -u alice -s 48 -p "$OUT/psk48/keys.psk"
}

# --- QEMU credential directories -----------------------------------------------------------

make_qemu_dirs() {
    local g="$OUT/gnutls" m="$OUT/mldsa"
    # One directory usable by both endpoints, named as QEMU's docs say (ca-cert.pem,
    # server-cert.pem, server-key.pem, client-cert.pem, client-key.pem).
    mkdir -m 0700 "$OUT/qemu"
    cp "$g/ca-cert.pem" "$OUT/qemu/ca-cert.pem"
    cp "$g/server-ecdsa-cert.pem" "$OUT/qemu/server-cert.pem"
    cp "$g/server-ecdsa-key.pem" "$OUT/qemu/server-key.pem"
    cp "$g/client-ecdsa-cert.pem" "$OUT/qemu/client-cert.pem"
    cp "$g/client-ecdsa-key.pem" "$OUT/qemu/client-key.pem"
    # Hybrid post-quantum mode (QEMU 10.2 docs): the ML-DSA identity in the default slot so
    # it is preferred, the classic one at index 0; the CA file holds both roots.
    mkdir -m 0700 "$OUT/qemu-hybrid"
    cat "$m/ca-cert.pem" "$g/ca-cert.pem" >"$OUT/qemu-hybrid/ca-cert.pem"
    cp "$m/server-mldsa65-cert.pem" "$OUT/qemu-hybrid/server-cert.pem"
    cp "$m/server-mldsa65-key.pem" "$OUT/qemu-hybrid/server-key.pem"
    cp "$g/server-ecdsa-cert.pem" "$OUT/qemu-hybrid/server-cert-0.pem"
    cp "$g/server-ecdsa-key.pem" "$OUT/qemu-hybrid/server-key-0.pem"
    cp "$m/client-mldsa65-cert.pem" "$OUT/qemu-hybrid/client-cert.pem"
    cp "$m/client-mldsa65-key.pem" "$OUT/qemu-hybrid/client-key.pem"
    cp "$g/client-ecdsa-cert.pem" "$OUT/qemu-hybrid/client-cert-0.pem"
    cp "$g/client-ecdsa-key.pem" "$OUT/qemu-hybrid/client-key-0.pem"
    # A PSK credential directory (tls-creds-psk dir=...).
    mkdir -m 0700 "$OUT/qemu-psk"
    cp "$OUT/psk/keys.psk" "$OUT/qemu-psk/keys.psk"
}

write_readme() {
    cat >"$OUT/README.md" <<'EOF'
# Throw-away interop PKI (made by interop/pki.sh)

Test keys only: unencrypted PKCS#8 PEM, valid for 365 days from creation. Every server
certificate is for DNS `localhost` and IP `127.0.0.1` / `::1` (serverAuth); every client
certificate has subject `C=GB,ST=London,L=City Of London,O=qtls test,CN=client.qtls.test`
(clientAuth, no SAN).

| Path | Made by | Contents |
|---|---|---|
| `gnutls/ca-{key,cert}.pem` | certtool | CA, RSA-3072 (certtool's default, as in QEMU's docs); `ca.info` is its template |
| `gnutls/server-ecdsa-{key,cert}.pem` | certtool | server, ECDSA P-256 |
| `gnutls/server-rsa-{key,cert}.pem` | certtool | server, RSA-2048 (rsaEncryption) |
| `gnutls/server-rsapss-{key,cert}.pem` | certtool | server, RSA-PSS 2048 (id-RSASSA-PSS key) |
| `gnutls/server-ed25519-{key,cert}.pem` | certtool | server, Ed25519 |
| `gnutls/client-{ecdsa,rsa}-{key,cert}.pem` | certtool | clients, ECDSA P-256 and RSA-2048 |
| `gnutls/*.info` | | the certtool templates used |
| `openssl/ca-{key,cert}.pem` | openssl 3.0 | CA, ECDSA P-256 |
| `openssl/server-{ecdsa,rsa,rsapss,ed25519}-{key,cert}.pem` | openssl 3.0 | the same server set |
| `openssl/client-{ecdsa,rsa}-{key,cert}.pem` | openssl 3.0 | the same client set |
| `mldsa/ca-{key,cert}.pem` | OpenSSL 3.5 | CA, ML-DSA-65 |
| `mldsa/server-mldsa65-{key,cert}.pem` | OpenSSL 3.5 | server, ML-DSA-65 |
| `mldsa/client-mldsa65-{key,cert}.pem` | OpenSSL 3.5 | client, ML-DSA-65 |
| `psk/keys.psk` | psktool | users `alice` and `qemu`, 32-byte keys |
| `psk48/keys.psk` | psktool | user `alice`, 48-byte key (`-s 48`) |
| `qemu/` | copies | QEMU x509 dir: `ca-cert.pem`, `server-{cert,key}.pem`, `client-{cert,key}.pem` (certtool set, ECDSA) |
| `qemu-hybrid/` | copies | QEMU 10.2 hybrid PQ dir: ML-DSA-65 identity in `server-*.pem`/`client-*.pem`, ECDSA at index 0 (`server-cert-0.pem`, ...); `ca-cert.pem` holds both CAs |
| `qemu-psk/keys.psk` | copy | QEMU PSK dir (`tls-creds-psk,dir=...`) |
EOF
}

make_gnutls_set
make_openssl_set "$OPENSSL30" "$OUT/openssl" ecdsa256 "qtls test CA (openssl)" \
    "server-ecdsa|ecdsa256|server|$SERVER_SUBJ" \
    "server-rsa|rsa2048|server|$SERVER_SUBJ" \
    "server-rsapss|rsapss2048|server|$SERVER_SUBJ" \
    "server-ed25519|ed25519|server|$SERVER_SUBJ" \
    "client-ecdsa|ecdsa256|client|$CLIENT_SUBJ" \
    "client-rsa|rsa2048|client|$CLIENT_SUBJ"
make_openssl_set "$OPENSSL35" "$OUT/mldsa" mldsa65 "qtls test CA (ML-DSA-65)" \
    "server-mldsa65|mldsa65|server|$SERVER_SUBJ" \
    "client-mldsa65|mldsa65|client|$CLIENT_SUBJ"
make_psk
make_qemu_dirs
write_readme
printf 'pki.sh: test PKI written to %s (see README.md there)\n' "$OUT"
