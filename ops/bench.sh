#!/usr/bin/env bash
# Accept-rate benchmark: builds Release, starts a node on a free loopback port with its data in a temp folder
# (SQLite, WAL, synchronous=FULL: every 250 is fsync'd), and runs the load generator at each concurrency,
# then holds 1000 idle sessions and samples the node's resident memory. Figures go to docs/BENCHMARKS.md.
#   MESSAGES=2000 SIZE=4096 CONCURRENCY="1 10 50" IDLE_SESSIONS=1000 ops/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${MESSAGES:-2000}
size=${SIZE:-4096}
read -r -a concurrency <<< "${CONCURRENCY:-1 10 50}"
idle=${IDLE_SESSIONS:-1000}

dotnet build src/MailCluster.Node -c Release -v q -nologo >/dev/null
dotnet build src/MailCluster.Bench -c Release -v q -nologo >/dev/null
node_dll=src/MailCluster.Node/bin/Release/net10.0/mailcluster-node.dll
bench_dll=src/MailCluster.Bench/bin/Release/net10.0/mailcluster-bench.dll

work=$(mktemp -d)
node_pid=""
trap '[ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
cat > "$work/bench.conf" <<CONF
akka.loglevel = WARNING
${BENCH_AKKA_EXTRA:-}
mailcluster {
  data-dir = "$work/data"
  smtp.listeners.mx.endpoint = "127.0.0.1:0"
  admin.endpoint = "127.0.0.1:0"
}
CONF
dotnet "$node_dll" --config "$work/bench.conf" > "$work/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 150); do grep -q "node ready" "$work/node.log" && break; sleep 0.2; done
port=$(grep -oE "listener mx ready on 127.0.0.1:[0-9]+" "$work/node.log" | grep -oE "[0-9]+$")
echo "node pid $node_pid on 127.0.0.1:$port; $(nproc) cores; $(dotnet --version)"

# The node is a JIT-compiled .NET process: warm it up first so the figures show steady state, not compilation.
echo "--- warm-up: ${WARMUP:-1000} messages (not recorded)"
dotnet "$bench_dll" send --host 127.0.0.1 --port "$port" --messages "${WARMUP:-1000}" --concurrency 10 --size "$size" --to user@localhost | grep "accept rate"

node_cpu_ticks() { awk '{print $14 + $15}' "/proc/$node_pid/stat"; }
ticks_per_second=$(getconf CLK_TCK)

for c in "${concurrency[@]}"; do
  echo "--- mailcluster-bench: $messages messages of $size B at concurrency $c"
  before=$(node_cpu_ticks)
  dotnet "$bench_dll" send --host 127.0.0.1 --port "$port" --messages "$messages" --concurrency "$c" --size "$size" --to user@localhost
  echo "node CPU per message: $(echo "scale=3; ($(node_cpu_ticks) - $before) * 1000 / $ticks_per_second / $messages" | bc) ms"
done

# Postfix's own load client, the tool the Postfix reference figures were measured with. It costs far less CPU than
# the .NET load generator, which matters on 2 cores shared by client and server. Debian package: postfix.
if command -v smtp-source >/dev/null; then
  for c in "${concurrency[@]}"; do
    before=$(node_cpu_ticks)
    start=$(date +%s.%N)
    smtp-source -s "$c" -l "$size" -m "$messages" -f bench@localhost -t user@localhost "127.0.0.1:$port"
    end=$(date +%s.%N)
    echo "--- smtp-source: $messages messages of $size B at concurrency $c: $(echo "scale=1; $messages / ($end - $start)" | bc) msg/s," \
      "node CPU per message $(echo "scale=3; ($(node_cpu_ticks) - $before) * 1000 / $ticks_per_second / $messages" | bc) ms"
  done
fi
if [ "$idle" -gt 0 ]; then
  echo "--- $idle idle sessions"
  dotnet "$bench_dll" idle --host 127.0.0.1 --port "$port" --sessions "$idle" --hold-seconds 10 --pid "$node_pid"
fi
