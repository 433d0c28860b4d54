#!/usr/bin/env bash
# What an idle 3-node cluster costs: NODES nodes on PostgreSQL, all on this machine, no mail at all.
#
#   NODES=3 SETTLE=20 MEASURE=30 bash ops/bench-idle-cluster.sh        # NODE_DLL=path/to/mailcluster-node.dll to compare builds
#
# A private PostgreSQL (initdb in a temp folder, 127.0.0.1:<free port>, ops/lib/postgres.sh), the schema made by
# `mailcluster-node migrate`, then NODES nodes on 127.0.0.1 (remoting on free ports, every node listing all of them as
# seeds; SMTP and admin on any free port). Once node 1 sees NODES members Up, the script waits SETTLE seconds, then
# measures over MEASURE seconds the CPU (user + system, /proc/PID/stat) of each node and of PostgreSQL (the postmaster
# and its children), printed as a share of one core. Only loopback is used.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
NODES=${NODES:-3} SETTLE=${SETTLE:-20} MEASURE=${MEASURE:-30}
work=$(mktemp -d)
chmod 755 "$work"   # PostgreSQL runs as its own user when we are root
pids=()
# shellcheck source=ops/lib/postgres.sh
. "$repo/ops/lib/postgres.sh"
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pg_stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${NODE_DLL:-}" ]; then
  dotnet build src/MailCluster.Node -c Release -m:1 -v q -nologo >/dev/null
  NODE_DLL=src/MailCluster.Node/bin/Release/net10.0/mailcluster-node.dll
fi
NODE_DLL=$(realpath "$NODE_DLL")
read -r pgport ports <<< "$(python3 -c "
import socket
ss=[socket.socket() for _ in range(1 + $NODES)]
for s in ss: s.bind(('127.0.0.1',0))
print(' '.join(str(s.getsockname()[1]) for s in ss))")"
pg_init "$work/pg"
pg_start "$work/pg" "$pgport"
pg_ensure_db "$pgport" mailcluster mailcluster
seeds=""
for p in $ports; do seeds+="\"akka.tcp://mailcluster@127.0.0.1:$p\","; done
i=0
for p in $ports; do
  i=$((i+1))
  cat > "$work/node$i.conf" <<CONF
akka.loglevel = WARNING
mailcluster {
  hostname = "node$i.cluster.test"
  data-dir = "$work/data$i"
  smtp.listeners.mx.endpoint = "127.0.0.1:0"
  admin.endpoint = "127.0.0.1:0"
  cluster { hostname = "127.0.0.1", port = $p, seed-nodes = [${seeds%,}] }
  storage {
    provider = postgresql
    postgresql.connection-string = "Host=127.0.0.1;Port=$pgport;Database=mailcluster;Username=mailcluster"
  }
}
CONF
done
dotnet "$NODE_DLL" --config "$work/node1.conf" migrate > "$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }
for i in $(seq 1 "$NODES"); do
  dotnet "$NODE_DLL" --config "$work/node$i.conf" > "$work/node$i.log" 2>&1 &
  pids+=($!)
done
for i in $(seq 1 "$NODES"); do
  for _ in $(seq 1 300); do grep -q "node ready" "$work/node$i.log" && break; sleep 0.2; done
  grep -q "node ready" "$work/node$i.log" || { tail -30 "$work/node$i.log" >&2; exit 1; }
done
admin=$(grep -oE 'admin API on http://[0-9.:]+' "$work/node1.log" | head -1 | sed 's/admin API on //')
for _ in $(seq 1 120); do
  up=$(curl -fsS "$admin/api/cluster" 2>/dev/null | grep -oE '"status":"Up"' | wc -l || true)
  [ "$up" -ge "$NODES" ] && break
  sleep 1
done
[ "$up" -ge "$NODES" ] || { echo "node 1 sees only $up members Up" >&2; exit 1; }
sleep "$SETTLE"
ticks=$(getconf CLK_TCK)
proc_cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pg_cpu() {  # postmaster + children still running + children that exited (cutime/cstime)
  local pm total=0 c
  pm=$(pg_postmaster_pid "$work/pg")
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for c in $(pgrep -P "$pm"); do total=$((total + $(proc_cpu "$c" 2>/dev/null || echo 0))); done
  echo "$total"
}
before=() after=()
for p in "${pids[@]}"; do before+=("$(proc_cpu "$p")"); done
pg0=$(pg_cpu)
sleep "$MEASURE"
for p in "${pids[@]}"; do after+=("$(proc_cpu "$p")"); done
pg1=$(pg_cpu)
echo "node $NODE_DLL: $NODES nodes Up on PostgreSQL, no mail; CPU over $MEASURE s as a share of one core:"
sum=0
for i in $(seq 0 $((NODES - 1))); do
  d=$((after[i] - before[i])); sum=$((sum + d))
  awk -v d="$d" -v t="$ticks" -v s="$MEASURE" -v n=$((i + 1)) 'BEGIN { printf "  node%d: %.2f%%\n", n, d/t/s*100 }'
done
awk -v d="$sum" -v t="$ticks" -v s="$MEASURE" -v n="$NODES" 'BEGIN { printf "  nodes: %.2f%% in all, %.2f%% per node\n", d/t/s*100, d/t/s*100/n }'
awk -v d=$((pg1 - pg0)) -v t="$ticks" -v s="$MEASURE" 'BEGIN { printf "  PostgreSQL: %.2f%%\n", d/t/s*100 }'
