#!/usr/bin/env bash
# What outbound DKIM signing costs: the relay benchmark (ops/bench-relay.sh, MailCluster only) with no signing key and
# with each key set, runs interleaved so machine noise hits every variant alike.
#
#   MESSAGES=2000 SIZE=4096 CONCURRENCY=10 REPEAT=3 bash ops/bench-dkim.sh
#
# smtp-source writes "From: <bench@example.org>" and connects from 127.0.0.1 (in mynetworks), so with keys for
# example.org every message is signed, once, before its 250; the variants:
#   none      no mailcluster.dkim.keys (the signer is not even created)
#   rsa       one rsa-sha256 2048-bit selector
#   ed25519   one ed25519-sha256 selector
#   both      rsa and ed25519 side by side (two signatures per message)
# Keys are made with mailctl dkim keygen in a temp dir. Prints each run's row, then per variant the median of REPEAT
# runs of end-to-end msg/s and CPU ms/msg, and the added CPU per message against "none".
# Other knobs are bench-relay.sh's (WARMUP, DOTNET_BUILD_ARGS, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/variants.sh
. ops/lib/variants.sh

repeat=${REPEAT:-3}
export MESSAGES=${MESSAGES:-2000} SIZE=${SIZE:-4096} CONCURRENCY=${CONCURRENCY:-10}
read -r -a build_args <<< "${DOTNET_BUILD_ARGS:--m:1}"
keys=$(mktemp -d "${TMPDIR:-/tmp}/bench-dkim.XXXXXX")
trap 'rm -rf "$keys"' EXIT

dotnet build src/MailCluster.Cli -c Release "${build_args[@]}" -v q -nologo >/dev/null
mailctl() { dotnet src/MailCluster.Cli/bin/Release/net10.0/mailctl.dll "$@"; }
mailctl dkim keygen --domain example.org --selector benchr --algorithm rsa --out "$keys/rsa.pem" >/dev/null
mailctl dkim keygen --domain example.org --selector benche --algorithm ed25519 --out "$keys/ed.pem" >/dev/null
rsa="benchr { algorithm = rsa-sha256, private-key = \"$keys/rsa.pem\" }"
ed="benche { algorithm = ed25519-sha256, private-key = \"$keys/ed.pem\" }"
conf() { [ -z "$1" ] && return 0; echo "mailcluster.dkim.keys { \"example.org\" { $1 } }"; }
declare -A variant_conf=([none]="" [rsa]="$(conf "$rsa")" [ed25519]="$(conf "$ed")" [both]="$(conf "$rsa $ed")")
variants=(none rsa ed25519 both)

echo "bench-dkim: MESSAGES=$MESSAGES SIZE=$SIZE CONCURRENCY=$CONCURRENCY REPEAT=$repeat; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
run_variants "$repeat"
print_variants variant
