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

declare -A e2e cpu
echo "bench-dkim: MESSAGES=$MESSAGES SIZE=$SIZE CONCURRENCY=$CONCURRENCY REPEAT=$repeat; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
for run in $(seq 1 "$repeat"); do
  for v in "${variants[@]}"; do
    out=$(MAILCLUSTER_EXTRA_CONF="${variant_conf[$v]}" ONLY=mailcluster bash ops/bench-relay.sh 2>&1) || { echo "$out" >&2; exit 1; }
    row=$(echo "$out" | grep -E '^mailcluster +\|' | tail -1)
    echo "run $run $v: $row"
    IFS='|' read -r _ _ _ r_e2e r_cpu <<< "$row"
    e2e[$v]+="$(echo "$r_e2e" | tr -d ' ') "; cpu[$v]+="$(echo "$r_cpu" | tr -d ' ') "
  done
done

median() { tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
echo
printf '%-8s | %16s | %10s | %14s\n' variant "end-to-end msg/s" "CPU ms/msg" "added ms/msg"
printf '%-8s-+-%16s-+-%10s-+-%14s\n' -------- ---------------- ---------- --------------
base=$(echo "${cpu[none]}" | median)
for v in "${variants[@]}"; do
  m_cpu=$(echo "${cpu[$v]}" | median)
  added=$(awk -v a="$m_cpu" -v b="$base" 'BEGIN { if (a == "n/a" || b == "n/a") print "n/a"; else printf "%+.2f\n", a - b }')
  printf '%-8s | %16s | %10s | %14s\n' "$v" "$(echo "${e2e[$v]}" | median)" "$m_cpu" "$added"
done
