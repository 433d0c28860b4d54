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

pg_bin() {
  local name=$1
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  local found; found=$(compgen -G "/usr/lib/postgresql/*/bin/$name" | sort -V | tail -1 || true)
  [ -n "$found" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
  echo "$found"
}

# PostgreSQL refuses to run as root: run its tools as the postgres user (or nobody) when we are root.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    local user=postgres; id "$user" >/dev/null 2>&1 || user=nobody
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

pg_up() {
  mkdir -p "$dir"
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    mkdir -p "$pgdata"
    [ "$(id -u)" -eq 0 ] && { id postgres >/dev/null 2>&1 && chown -R postgres "$dir" || chown -R nobody "$dir"; }
    as_pg "$(pg_bin initdb)" -D "$pgdata" -A trust -U postgres --no-sync >/dev/null
  fi
  if ! as_pg "$(pg_bin pg_ctl)" -D "$pgdata" status >/dev/null 2>&1; then
    as_pg "$(pg_bin pg_ctl)" -D "$pgdata" -l "$pgdata/server.log" -w \
      -o "-p $pgport -k $pgdata -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  psql -h 127.0.0.1 -p "$pgport" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='mailcluster'" | grep -q 1 ||
    psql -h 127.0.0.1 -p "$pgport" -U postgres -qc "CREATE ROLE mailcluster LOGIN"
  psql -h 127.0.0.1 -p "$pgport" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='mailcluster'" | grep -q 1 ||
    psql -h 127.0.0.1 -p "$pgport" -U postgres -qc "CREATE DATABASE mailcluster OWNER mailcluster"
  echo "postgresql: 127.0.0.1:$pgport (data in $pgdata)"
}

node_pid() { [ -f "$dir/node$1.pid" ] && kill -0 "$(cat "$dir/node$1.pid")" 2>/dev/null && cat "$dir/node$1.pid"; }

up() {
  dotnet build "$repo/src/MailCluster.Node" -c Release -v q -nologo >/dev/null
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
  [ -f "$pgdata/PG_VERSION" ] && as_pg "$(pg_bin pg_ctl)" -D "$pgdata" status >/dev/null 2>&1 && pgstate="running on 127.0.0.1:$pgport"
  echo "postgresql: $pgstate"
  for i in 1 2 3; do
    if pid=$(node_pid "$i"); then
      local admin; admin=$(grep -oE 'admin API on http://[0-9.:]+' "$dir/node$i.log" | tail -1 | sed 's/admin API on //')
      local members=""; [ -n "$admin" ] && members=$(curl -fsS "$admin/api/cluster" 2>/dev/null | grep -oE '"status":"[A-Za-z]+"' | cut -d'"' -f4 | sort | uniq -c | awk '{printf "%s %s ", $1, $2}')
      echo "node$i: running, pid $pid, $(grep -oE 'listener mx ready on [0-9.:]+' "$dir/node$i.log" | tail -1), admin $admin, members seen: ${members:-?}"
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
  [ -f "$pgdata/PG_VERSION" ] && as_pg "$(pg_bin pg_ctl)" -D "$pgdata" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  echo "stopped; $dir removed"
}

case "${1:-}" in
  up) up ;;
  status) status ;;
  down) down ;;
  *) echo "usage: $0 up|status|down" >&2; exit 2 ;;
esac
