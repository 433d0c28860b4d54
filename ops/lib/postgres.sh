# Private PostgreSQL server for ops scripts (sourced by ops/local-cluster.sh and ops/bench-cluster.sh).
#
#   pg_init DATADIR                      initdb (trust auth, superuser "postgres") unless DATADIR already holds a cluster
#   pg_start DATADIR PORT [-c k=v ...]   start it on 127.0.0.1:PORT (socket in DATADIR) unless it runs; waits until up
#   pg_stop DATADIR                      fast shutdown, if it runs
#   pg_running DATADIR                   exit status: does the server run
#   pg_postmaster_pid DATADIR            the postmaster's pid (first line of postmaster.pid)
#   pg_ensure_db PORT ROLE DB            create the login role and the database it owns, unless they exist
#   pg_bin NAME / as_pg CMD...           locate a server binary / run a command as the PostgreSQL user
#
# PostgreSQL refuses to run as root: as root, the server and its tools run as the postgres user (or nobody), so
# DATADIR's parent must be traversable by that user. Only loopback: listen_addresses=127.0.0.1, trust auth.
# Functions only; sourcing it changes no shell options.

pg_bin() {
  local name=$1 found
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  found=$(compgen -G "/usr/lib/postgresql/*/bin/$name" | sort -V | tail -1 || true)
  [ -n "$found" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; return 1; }
  echo "$found"
}

pg_user() {  # the user the server runs as when we are root
  if id postgres >/dev/null 2>&1; then echo postgres; else echo nobody; fi
}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$(pg_user)" -- "$@"; else "$@"; fi
}

pg_init() {
  local data=$1
  [ -f "$data/PG_VERSION" ] && return 0
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown -R "$(pg_user)" "$data"
  as_pg "$(pg_bin initdb)" -D "$data" -A trust -U postgres --no-sync >/dev/null
}

pg_running() {
  [ -f "$1/PG_VERSION" ] && as_pg "$(pg_bin pg_ctl)" -D "$1" status >/dev/null 2>&1
}

pg_start() {
  local data=$1 port=$2; shift 2
  pg_running "$data" && return 0
  as_pg "$(pg_bin pg_ctl)" -D "$data" -l "$data/server.log" -w \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1 $*" start >/dev/null
}

pg_stop() {
  pg_running "$1" || return 0
  as_pg "$(pg_bin pg_ctl)" -D "$1" -m fast -w stop >/dev/null 2>&1 || true
}

pg_postmaster_pid() {
  head -1 "$1/postmaster.pid" 2>/dev/null
}

pg_ensure_db() {
  local port=$1 role=$2 db=$3
  psql -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='$role'" | grep -q 1 ||
    psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE ROLE \"$role\" LOGIN"
  psql -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 ||
    psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE \"$db\" OWNER \"$role\""
}
