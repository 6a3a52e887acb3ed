#!/bin/sh
# Regenerates the X.509 test fixtures used by src/x509 unit tests and the
# `qtls verify` tests. Needs OpenSSL 3.0+. Output: DER certificates (*.der),
# PEM bundles (*.pem) and CRLs (*.crl.der) in this directory.
#
# Every certificate is valid from 2020-01-01 to 2040-01-01 unless its name
# says otherwise; the tests validate at 2024-01-01T00:00:00Z.
set -eu
cd "$(dirname "$0")"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

START=200101000000Z
END=400101000000Z

cat > "$W/ca.cnf" <<CNF
[ca]
default_ca = ca_default
[ca_default]
database = $W/index.txt
new_certs_dir = $W
serial = $W/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
crlnumber = $W/crlnumber
default_crl_days = 30
[policy_any]
commonName = optional
organizationName = optional
[root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[inter]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[inter_pathlen0]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[inter_not_ca]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyCertSign,cRLSign
authorityKeyIdentifier = keyid
[inter_no_bc]
keyUsage = critical,keyCertSign,cRLSign
authorityKeyIdentifier = keyid
[inter_no_certsign]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,cRLSign
authorityKeyIdentifier = keyid
[inter_nc]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
authorityKeyIdentifier = keyid
nameConstraints = critical,permitted;DNS:example.com,permitted;IP:192.168.0.0/255.255.0.0,excluded;DNS:bad.example.com
[inter_eku_client]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
authorityKeyIdentifier = keyid
extendedKeyUsage = clientAuth
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:www.example.com,DNS:*.wild.example.com,IP:192.168.1.10,IP:2001:db8::1
authorityKeyIdentifier = keyid
[leaf_nc]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.com,IP:192.168.1.10
authorityKeyIdentifier = keyid
[leaf_nc_ipv6]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.com,IP:2001:db8::1
authorityKeyIdentifier = keyid
[leaf_outside_nc]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.org
authorityKeyIdentifier = keyid
[leaf_excluded_nc]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:host.bad.example.com
authorityKeyIdentifier = keyid
[leaf_client_only]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:www.example.com
[leaf_ku_encipher]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.com
[leaf_unknown_critical]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
subjectAltName = DNS:www.example.com
1.3.6.1.4.1.55555.1 = critical,ASN1:NULL
[leaf_cn_only]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
[leaf_cn_and_ip]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
subjectAltName = IP:10.0.0.1
CNF
: > "$W/index.txt"
echo 1000 > "$W/serial"
echo 01 > "$W/crlnumber"

key() { # name algorithm-options
    openssl genpkey -quiet $2 -out "$W/$1.key"
}
ec() { key "$1" "-algorithm EC -pkeyopt ec_paramgen_curve:$2"; }

# sign NAME SUBJECT ISSUER(-or-self) SECTION [START END] [MD]
sign() {
    [ -f "$W/$1.key" ] || ec "$1" prime256v1
    openssl req -new -key "$W/$1.key" -subj "$2" -out "$W/$1.csr" 2>/dev/null
    if [ "$3" = self ]; then
        openssl ca -config "$W/ca.cnf" -batch -notext -selfsign -keyfile "$W/$1.key" \
            -in "$W/$1.csr" -out "$W/$1.pem" -extensions "$4" \
            -startdate "${5:-$START}" -enddate "${6:-$END}" -md "${7:-sha256}" 2>/dev/null
    else
        openssl ca -config "$W/ca.cnf" -batch -notext -cert "$3.pem" -keyfile "$W/$3.key" \
            -in "$W/$1.csr" -out "$W/$1.pem" -extensions "$4" \
            -startdate "${5:-$START}" -enddate "${6:-$END}" -md "${7:-sha256}" 2>/dev/null
    fi
    openssl x509 -in "$W/$1.pem" -outform DER -out "$1.der"
}
# The issuer's certificate must be found as ./NAME.pem for `openssl ca -cert`.
keep() { cp "$W/$1.pem" "$1.pem"; }

ec root prime256v1;   sign root "/O=Test PKI/CN=Test Root" self root; keep root
ec inter prime256v1;  sign inter "/O=Test PKI/CN=Test Intermediate" root inter; keep inter
ec leaf prime256v1;   sign leaf "/O=Test PKI/CN=www.example.com" inter leaf
sign leaf_expired "/CN=expired.example.com" inter leaf 200101000000Z 230101000000Z
sign leaf_future "/CN=future.example.com" inter leaf 250101000000Z 400101000000Z
sign leaf_client_only "/CN=www.example.com" inter leaf_client_only
sign leaf_ku_encipher "/CN=www.example.com" inter leaf_ku_encipher
sign leaf_unknown_critical "/CN=www.example.com" inter leaf_unknown_critical
sign leaf_cn_only "/CN=legacy.example.com" inter leaf_cn_only
sign leaf_cn_and_ip "/CN=legacy.example.com" inter leaf_cn_and_ip
sign leaf_sha1 "/CN=www.example.com" inter leaf 200101000000Z 400101000000Z sha1

# Intermediates that must not be usable as issuers, each with a leaf.
for kind in not_ca no_bc no_certsign eku_client; do
    sign "inter_$kind" "/CN=Inter $kind" root "inter_$kind"; keep "inter_$kind"
    sign "leaf_under_$kind" "/CN=www.example.com" "inter_$kind" leaf
done
sign inter_expired "/CN=Inter expired" root inter 200101000000Z 230101000000Z; keep inter_expired
sign leaf_under_expired "/CN=www.example.com" inter_expired leaf

# pathLen 0 followed by another intermediate.
sign inter_pathlen0 "/CN=Inter pathlen0" root inter_pathlen0; keep inter_pathlen0
sign inter_below_pathlen0 "/CN=Inter below pathlen0" inter_pathlen0 inter; keep inter_below_pathlen0
sign leaf_under_pathlen "/CN=www.example.com" inter_below_pathlen0 leaf

# Name constraints.
sign inter_nc "/CN=Inter NC" root inter_nc; keep inter_nc
sign leaf_nc_ok "/CN=www.example.com" inter_nc leaf_nc
sign leaf_nc_ipv6 "/CN=www.example.com" inter_nc leaf_nc_ipv6
sign leaf_nc_outside "/CN=www.example.org" inter_nc leaf_outside_nc
sign leaf_nc_excluded "/CN=host.bad.example.com" inter_nc leaf_excluded_nc
sign leaf_nc_cn_only "/CN=www.example.org" inter_nc leaf_cn_only

# Other key types: RSA (PKCS#1 v1.5 and PSS), P-384, P-521, Ed25519.
key rsa_root "-algorithm RSA -pkeyopt rsa_keygen_bits:2048"; sign rsa_root "/CN=RSA Root" self root; keep rsa_root
sign rsa_leaf "/CN=rsa.example.com" rsa_root leaf
openssl req -new -key "$W/leaf.key" -subj "/CN=pss.example.com" -out "$W/pss.csr" 2>/dev/null
openssl ca -config "$W/ca.cnf" -batch -notext -cert rsa_root.pem -keyfile "$W/rsa_root.key" \
    -in "$W/pss.csr" -out "$W/pss.pem" -extensions leaf -startdate $START -enddate $END \
    -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 2>/dev/null
openssl x509 -in "$W/pss.pem" -outform DER -out rsa_pss_leaf.der
ec p384_root secp384r1; sign p384_root "/CN=P-384 Root" self root; keep p384_root
ec p521_leaf secp521r1; sign p521_leaf "/CN=p521.example.com" p384_root leaf 200101000000Z 400101000000Z sha512
key ed_root "-algorithm ED25519"; sign ed_root "/CN=Ed25519 Root" self root; keep ed_root
sign ed_leaf "/CN=ed.example.com" ed_root leaf 200101000000Z 400101000000Z null

# A CRL from the intermediate revoking leaf_revoked.
sign leaf_revoked "/CN=www.example.com" inter leaf
openssl ca -config "$W/ca.cnf" -cert inter.pem -keyfile "$W/inter.key" -revoke "$W/leaf_revoked.pem" \
    -crl_reason keyCompromise 2>/dev/null
openssl ca -config "$W/ca.cnf" -cert inter.pem -keyfile "$W/inter.key" -gencrl \
    -crl_lastupdate 230101000000Z -crl_nextupdate 390101000000Z -out "$W/inter.crl" 2>/dev/null
# The same list, stale at the test time (next update 2023-06-01).
openssl ca -config "$W/ca.cnf" -cert inter.pem -keyfile "$W/inter.key" -gencrl \
    -crl_lastupdate 230101000000Z -crl_nextupdate 230601000000Z -out "$W/stale.crl" 2>/dev/null
openssl crl -in "$W/stale.crl" -outform DER -out stale.crl.der
openssl crl -in "$W/inter.crl" -outform DER -out inter.crl.der

for f in root inter inter_not_ca inter_no_bc inter_no_certsign inter_eku_client inter_expired \
    inter_pathlen0 inter_below_pathlen0 inter_nc rsa_root p384_root ed_root; do
    openssl x509 -in "$f.pem" -outform DER -out "$f.der"
    rm "$f.pem"
done
# A PEM bundle for the CLI tests.
openssl x509 -in "$W/root.pem" > ca.pem
openssl x509 -in "$W/inter.pem" > untrusted.pem
openssl x509 -in "$W/leaf.pem" > leaf.pem
openssl crl -in "$W/inter.crl" > crl.pem
openssl x509 -in "$W/leaf_revoked.pem" > leaf_revoked.pem
