#!/usr/bin/env bash
# A 3-node MailCluster on this machine: a private PostgreSQL in a temp folder on a loopback port, and three nodes
# (cluster-config/node1..3.conf) on 127.0.0.1 with SMTP on 2525/2526/2527 and remoting on 4051/4052/4053.
#   ops/local-cluster.sh up       build, start PostgreSQL, create the schema (mailcluster-node migrate), start 3 nodes
#   ops/local-cluster.sh status   which processes run, and where
#   ops/local-cluster.sh down     SIGTERM the nodes (graceful leave), stop PostgreSQL, delete the folder
# State lives in $MAILCLUSTER_LOCAL_DIR (default /tmp/mailcluster-local). PostgreSQL listens on $PGPORT (default 55432).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
dir=${MAILCLUSTER_LOCAL_DIR:-/tmp/mailcluster-local}
pgport=${PGPORT:-55432}
pgdata="$dir/pgdata"
node_dll="$repo/src/MailCluster.Node/bin/Release/net10.0/mailcluster-node.dll"

# shellcheck source=ops/lib/postgres.sh
. "$repo/ops/lib/postgres.sh"

pg_up() {
  mkdir -p "$dir"
  pg_init "$pgdata"
  pg_start "$pgdata" "$pgport"
  pg_ensure_db "$pgport" mailcluster mailcluster
  echo "postgresql: 127.0.0.1:$pgport (data in $pgdata)"
}

node_pid() { [ -f "$dir/node$1.pid" ] && kill -0 "$(cat "$dir/node$1.pid")" 2>/dev/null && cat "$dir/node$1.pid"; }

up() {
  read -r -a build_args <<< "${DOTNET_BUILD_ARGS:--m:1}"   # -m:1: these machines have 2 shared cores
  dotnet build "$repo/src/MailCluster.Node" -c Release "${build_args[@]}" -v q -nologo >/dev/null
  pg_up
  export MAILCLUSTER_DB="Host=127.0.0.1;Port=$pgport;Database=mailcluster;Username=mailcluster"
  (cd "$dir" && dotnet "$node_dll" --config "$repo/cluster-config/node1.conf" migrate) | sed 's/^/migrate: /'
  for i in 1 2 3; do
    if node_pid "$i" >/dev/null; then echo "node$i already running"; continue; fi
    # Relative data-dirs in the node files land under $dir.
    # A plain background command (no list), so $! is the node itself and no shell keeps our stdout open.
    (cd "$dir"; nohup dotnet "$node_dll" --config "$repo/cluster-config/node$i.conf" > "$dir/node$i.log" 2>&1 < /dev/null &
     echo $! > "$dir/node$i.pid")
  done
  for i in 1 2 3; do
    for _ in $(seq 1 150); do grep -q "node ready" "$dir/node$i.log" 2>/dev/null && break; sleep 0.2; done
    grep -q "node ready" "$dir/node$i.log" || { echo "node$i did not start; see $dir/node$i.log" >&2; tail -20 "$dir/node$i.log" >&2; exit 1; }
    echo "node$i: pid $(cat "$dir/node$i.pid"), $(grep -oE 'listener mx ready on [0-9.:]+' "$dir/node$i.log"), $(grep -oE 'admin API on [^ ]+' "$dir/node$i.log")"
  done
}

status() {
  local pgstate="stopped"
  pg_running "$pgdata" && pgstate="running on 127.0.0.1:$pgport"
  echo "postgresql: $pgstate"
  for i in 1 2 3; do
    if pid=$(node_pid "$i"); then
      local admin; admin=$(grep -oE 'admin API on http://[0-9.:]+' "$dir/node$i.log" | tail -1 | sed 's/admin API on //')
      # No member yet (a node that has not joined, e.g. just after up) is not an error: || true keeps set -e quiet.
      local members=""; [ -n "$admin" ] && members=$(curl -fsS "$admin/api/cluster" 2>/dev/null | grep -oE '"status":"[A-Za-z]+"' | cut -d'"' -f4 | sort | uniq -c | awk '{printf "%s %s ", $1, $2}' || true)
      echo "node$i: running, pid $pid, $(grep -oE 'listener mx ready on [0-9.:]+' "$dir/node$i.log" | tail -1), admin $admin, members seen: ${members:-none yet}"
    else echo "node$i: stopped"; fi
  done
}

down() {
  for i in 1 2 3; do
    if pid=$(node_pid "$i"); then kill -TERM "$pid"; fi
  done
  for i in 1 2 3; do
    if pid=$(node_pid "$i"); then
      for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$dir/node$i.pid"
  done
  pg_stop "$pgdata"
  rm -rf "$dir"
  echo "stopped; $dir removed"
}

case "${1:-}" in
  up) up ;;
  status) status ;;
  down) down ;;
  *) echo "usage: $0 up|status|down" >&2; exit 2 ;;
esac
