#!/usr/bin/env bash
# What the MX-side checks cost: the relay benchmark (ops/bench-relay.sh, MailCluster only) with the client made
# untrusted (policy.mynetworks = []), checks off, then on (SPF for MAIL FROM and HELO, DKIM, DMARC), runs interleaved.
#
#   MESSAGES=2000 SIZE=4096 CONCURRENCY=10 REPEAT=3 bash ops/bench-sender-auth.sh
#
# A private dnsmasq on 127.0.0.1:<free port> (no upstream, nothing else answered) publishes what the checks look up for
# smtp-source's mail (From: <bench@example.org>, HELO the machine's name): example.org's SPF (ip4:127.0.0.1, a pass) and
# DMARC (p=reject) records, so every message gets an aligned SPF pass and a DMARC pass. smtp-source does not sign, so
# DKIM is "none" (a signed message adds one key lookup, cached, and one verification). DNS answers are cached by the
# node for their TTL (3600 s here), as in production, so the figure is the checks' CPU, not DNS latency.
# Prints each run's row, then per variant the median end-to-end msg/s and CPU ms/msg, and the added CPU per message.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/variants.sh
. ops/lib/variants.sh

repeat=${REPEAT:-3}
export MESSAGES=${MESSAGES:-2000} SIZE=${SIZE:-4096} CONCURRENCY=${CONCURRENCY:-10}
command -v dnsmasq >/dev/null || { [ "$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dnsmasq-base >&2; }
command -v dnsmasq >/dev/null || { echo "dnsmasq not found (Debian package: dnsmasq-base)" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-daemon --listen-address=127.0.0.1 --bind-interfaces --port="$port" \
  --local-ttl=3600 --auth-ttl=3600 \
  --txt-record='example.org,v=spf1 ip4:127.0.0.1 -all' \
  --txt-record='_dmarc.example.org,v=DMARC1; p=reject' \
  --local=/example.org/ --address=/#/ >/dev/null 2>&1 &
dns_pid=$!
trap 'kill $dns_pid 2>/dev/null || true' EXIT
sleep 0.5

base="mailcluster.policy.mynetworks = []
mailcluster.relay-domains = [\"relay.test\"]
mailcluster.sender-auth.dns { servers = [\"127.0.0.1:$port\"], timeout = 2s, attempts = 1 }"
declare -A variant_conf=([off]="$base
mailcluster.sender-auth.enabled = off" [on]="$base
mailcluster.sender-auth.enabled = on")
variants=(off on)

echo "bench-sender-auth: MESSAGES=$MESSAGES SIZE=$SIZE CONCURRENCY=$CONCURRENCY REPEAT=$repeat; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
run_variants "$repeat"
print_variants checks
