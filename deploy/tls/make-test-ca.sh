#!/usr/bin/env bash
# Makes a test certificate authority and node certificates for AttnRnnCluster's mutual TLS (docs/tls.md).
#
#   deploy/tls/make-test-ca.sh OUT_DIR [NODE_NAME...]      (node names default to: coordinator worker)
#
# Writes into OUT_DIR (created if needed; existing files are never overwritten):
#   ca.crt, ca.key     the test CA; keep ca.key secret, it can admit new nodes to the cluster
#   NODE_NAME.pfx      each node's certificate, private key and the CA certificate (the CA is what the node trusts);
#                      its role is in its subject's OU: coordinator for a name that starts with "coordinator",
#                      worker for any other. A coordinator accepts only workers; a worker's certificate cannot act
#                      as the coordinator (docs/tls.md)
#   rogue.pfx          a node certificate from another CA, which the cluster must refuse
#   tls-password       the .pfx password on its first line: ATTNRNN_TLS_PASSWORD if set, otherwise a random one
set -euo pipefail

if [[ $# -lt 1 || "$1" == -* ]]; then
    echo "usage: $0 OUT_DIR [NODE_NAME...]   (node names default to: coordinator worker)" >&2
    exit 2
fi
out_dir=$1
shift
nodes=("$@")
[[ ${#nodes[@]} -gt 0 ]] || nodes=(coordinator worker)

outputs=(ca.crt ca.key rogue.pfx tls-password)
for node in "${nodes[@]}"; do
    if [[ ! "$node" =~ ^[A-Za-z0-9][A-Za-z0-9.-]*$ || "$node" == ca || "$node" == rogue* ]]; then
        echo "error: node name '$node': expected letters, digits, dots and dashes, not ca or rogue* (it becomes a file name and a DNS name)" >&2
        exit 2
    fi
    outputs+=("$node.pfx")
done
for file in "${outputs[@]}"; do
    if [[ -e "$out_dir/$file" ]]; then
        echo "error: $out_dir/$file already exists; nothing was written (use an empty folder)" >&2
        exit 1
    fi
done

# Everything is made in a private scratch folder and moved into OUT_DIR only when all of it succeeded.
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ -n "${ATTNRNN_TLS_PASSWORD:-}" ]]; then
    printf '%s\n' "$ATTNRNN_TLS_PASSWORD" > "$work/tls-password"
else
    openssl rand -base64 24 > "$work/tls-password"
fi

# A CA: a self-signed certificate allowed to sign others, and nothing else.
make_ca() {  # make_ca NAME SUBJECT
    openssl ecparam -name prime256v1 -genkey -noout -out "$work/$1.key"
    openssl req -x509 -new -sha256 -days 730 -key "$work/$1.key" -subj "/CN=$2" -out "$work/$1.crt" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash"
}

# A node: TLS server and client both (every node accepts connections and opens them), its role in the OU,
# signed by CA, packed with its key and the CA certificate into NAME.pfx.
make_node() {  # make_node CA NAME
    local ca=$1 name=$2 role=worker
    [[ "$name" == coordinator* ]] && role=coordinator
    openssl ecparam -name prime256v1 -genkey -noout -out "$work/$name.key"
    openssl req -new -sha256 -key "$work/$name.key" -subj "/OU=$role/CN=$name" -out "$work/$name.csr"
    printf '%s\n' \
        "basicConstraints=critical,CA:FALSE" \
        "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=serverAuth,clientAuth" \
        "subjectAltName=DNS:$name" \
        "authorityKeyIdentifier=keyid" > "$work/$name.ext"
    openssl x509 -req -sha256 -days 365 -in "$work/$name.csr" -CA "$work/$ca.crt" -CAkey "$work/$ca.key" \
        -set_serial "0x$(openssl rand -hex 16)" -extfile "$work/$name.ext" -out "$work/$name.crt"
    openssl pkcs12 -export -name "$name" -inkey "$work/$name.key" -in "$work/$name.crt" -certfile "$work/$ca.crt" \
        -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256 -passout "file:$work/tls-password" -out "$work/$name.pfx"
}

make_ca ca "AttnRnn Test CA"
for node in "${nodes[@]}"; do
    make_node ca "$node"
done
make_ca rogue-ca "Rogue Test CA"
make_node rogue-ca rogue

mkdir -p "$out_dir"
for file in "${outputs[@]}"; do
    mv "$work/$file" "$out_dir/$file"
done
chmod 644 "$out_dir/ca.crt"
echo "Made in $out_dir: ${outputs[*]}"
echo "Start each node with --tls-cert $out_dir/NODE.pfx --tls-password-file $out_dir/tls-password"
