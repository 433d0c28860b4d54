#!/usr/bin/env bash
# What a node costs when its queues hold mail that is not due: the queue entities should sleep, not tick.
#
#   DOMAINS=30 MEASURE=30 bash ops/bench-idle-queues.sh          # NODE_DLL=path/to/mailcluster-node.dll to compare builds
#
# One node on SQLite, DOMAINS relay domains d00.test .. each routed to its own closed loopback port (connection
# refused), so each is its own next-hop queue entity holding one deferred message (first retry after the default
# minimum backoff). After SETTLE seconds the node's CPU (user + system, /proc/PID/stat) is measured over MEASURE
# seconds with no traffic at all, and printed as a share of one core. Only loopback is used; no DNS.
set -euo pipefail
cd "$(dirname "$0")/.."
DOMAINS=${DOMAINS:-30} SETTLE=${SETTLE:-15} MEASURE=${MEASURE:-30}
work=$(mktemp -d)
node_pid=""
trap '[ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

if [ -z "${NODE_DLL:-}" ]; then
  dotnet build src/MailCluster.Node -c Release -v q -nologo >/dev/null
  NODE_DLL=src/MailCluster.Node/bin/Release/net10.0/mailcluster-node.dll
fi
closed_ports=$(python3 -c "
import socket
ss=[socket.socket() for _ in range($DOMAINS)]
for s in ss: s.bind(('127.0.0.1',0))
print(' '.join(str(s.getsockname()[1]) for s in ss))")
transports="" domains=""
i=0
for port in $closed_ports; do
  d=$(printf "d%02d.test" "$i"); i=$((i+1))
  transports+="\"$d\" = \"smtp:[127.0.0.1]:$port\"
"
  domains+="\"$d\","
done
cat > "$work/node.conf" <<CONF
akka.loglevel = WARNING
mailcluster {
  data-dir = "$work/data"
  smtp.listeners.mx.endpoint = "127.0.0.1:0"
  admin.endpoint = "127.0.0.1:0"
  relay-domains = [${domains%,}]
  routing.transports { $transports }
  delivery.smtp.tls = disabled
  delivery.dns.servers = ["127.0.0.1:9"]
}
CONF
dotnet "$NODE_DLL" --config "$work/node.conf" > "$work/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 300); do grep -q "node ready" "$work/node.log" && break; sleep 0.2; done
grep -q "node ready" "$work/node.log" || { tail -30 "$work/node.log" >&2; exit 1; }
port=$(grep -oE "listener mx ready on 127.0.0.1:[0-9]+" "$work/node.log" | grep -oE "[0-9]+$" | head -1)
python3 - "$port" "$DOMAINS" <<'PY'
import smtplib, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
for i in range(n):
    with smtplib.SMTP("127.0.0.1", port, local_hostname="bench.test") as s:
        s.sendmail("a@bench.test", [f"user@d{i:02d}.test"], b"Subject: idle\r\n\r\nbody\r\n")
PY
sleep "$SETTLE"
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$node_pid/stat"; }
c0=$(cpu); sleep "$MEASURE"; c1=$(cpu)
deferred=$(grep -c "event=deferred" "$work/node.log" || true)
echo "node $NODE_DLL: $DOMAINS queues with one deferred message each ($deferred deferral log lines);"
awk -v a="$c0" -v b="$c1" -v t="$ticks" -v s="$MEASURE" 'BEGIN { printf "idle CPU over %d s: %.2f%% of one core (%.0f ms)\n", s, (b-a)/t/s*100, (b-a)/t*1000 }'
