#!/usr/bin/env bash
# Accept-rate benchmark: builds Release, starts a node on a free loopback port with its data in a temp folder,
# and runs the load generator at each concurrency. Prints the figures recorded in docs/BENCHMARKS.md.
#   ops/bench.sh [MESSAGES] [SIZE] [CONCURRENCY...]      defaults: 2000 4096 1 10 50
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${1:-2000}; size=${2:-4096}; shift $(( $# > 2 ? 2 : $# )) || true
concurrency=("${@:-1 10 50}"); [ $# -eq 0 ] && concurrency=(1 10 50)

dotnet build src/MailCluster.Node -c Release -v q -nologo >/dev/null
dotnet build src/MailCluster.Bench -c Release -v q -nologo >/dev/null
node_dll=src/MailCluster.Node/bin/Release/net10.0/mailcluster-node.dll
bench_dll=src/MailCluster.Bench/bin/Release/net10.0/mailcluster-bench.dll

work=$(mktemp -d)
trap 'kill "$node_pid" 2>/dev/null || true; wait "$node_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/bench.conf" <<CONF
akka.loglevel = WARNING
mailcluster {
  data-dir = "$work/data"
  smtp.listeners.mx.endpoint = "127.0.0.1:0"
}
CONF
dotnet "$node_dll" --config "$work/bench.conf" > "$work/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 100); do grep -q "node ready" "$work/node.log" && break; sleep 0.2; done
port=$(grep -oE "listener mx ready on 127.0.0.1:[0-9]+" "$work/node.log" | grep -oE "[0-9]+$")
echo "node pid $node_pid on 127.0.0.1:$port, SQLite WAL synchronous=FULL in $work/data"

for c in "${concurrency[@]}"; do
  echo "--- $messages messages, ${size} B, concurrency $c"
  dotnet "$bench_dll" send --host 127.0.0.1 --port "$port" --messages "$messages" --concurrency "$c" --size "$size" --to user@localhost
done
echo "--- 1000 idle sessions"
dotnet "$bench_dll" idle --host 127.0.0.1 --port "$port" --sessions 1000 --hold-seconds 10 --pid "$node_pid"
