#!/usr/bin/env bash
# End-to-end relay benchmark of a MailCluster cluster of 1, 2 and 3 nodes on PostgreSQL, all on this machine.
#
#   MESSAGES=2000 SIZE=4096 CONCURRENCY="10 50" NODES="1 2 3" bash ops/bench-cluster.sh
#
# The approach of ops/bench-relay.sh (smtp-source -> MTA -> Postfix smtp-sink over loopback, /proc CPU accounting),
# widened to a cluster:
#   1. DOMAINS (30) relay domains d00.test .. d29.test, each routed by routing.transports to its own smtp-sink on
#      127.0.0.1:<free port>. One sink per domain because MailCluster has one queue entity per next hop (the queue
#      is keyed by "smtp:[127.0.0.1]:PORT", not by the domain): thirty domains routed to one sink would be one queue
#      on one node. Thirty next hops are thirty queue entities, which cluster sharding spreads over the nodes.
#      The sinks run for the whole benchmark; the count of a run is the growth of the sum of their "mesg=" counters.
#   2. For N in NODES: a fresh PostgreSQL cluster (initdb in the temp dir, 127.0.0.1:<free port>, fsync on, the
#      default synchronous_commit = on, max_connections = 300, see ops/lib/postgres.sh), `mailcluster-node migrate`,
#      then N nodes on 127.0.0.1 with SMTP and admin on free ports and remoting on free ports, every node listing all
#      N remoting addresses as seeds (N = 1 is the same cluster configuration with itself as the only seed: cluster
#      mode, sharding and PostgreSQL storage, just one member). The script waits until node 1 sees N members Up.
#   3. Load: smtp-source can send to one recipient address per run, so the concurrency c is made of c parallel
#      streams, each a sequence of `smtp-source -s 1` runs (one session at a time, one message per session): stream i
#      talks to node (i mod N) and sends its share of MESSAGES to the domains d with d = i (mod c) (c < DOMAINS), or
#      to domain (i mod DOMAINS) (c >= DOMAINS), one smtp-source run per domain. So at any moment c sessions are
#      open, spread over the N nodes' SMTP ports as evenly as c allows (10 over 3 nodes is 4/3/3), and every domain
#      gets mail in every run.
#   4. Per N: WARMUP messages at concurrency 10, waited for at the sinks, not recorded; then for each concurrency c:
#      t0; the c streams; t_accepted when the last returns; wait until the sinks have counted MESSAGES more (at most
#      DELIVERY_TIMEOUT s, else "incomplete"); t_delivered.
#      accept msg/s = MESSAGES / (t_accepted - t0), end-to-end msg/s = MESSAGES / (t_delivered - t0);
#      node CPU ms/msg = CPU (user + system) of all N node processes between t0 and t_delivered, / MESSAGES;
#      PostgreSQL CPU ms/msg = the same for the postmaster and all its children (backends, walwriter, checkpointer,
#      ...; cutime/cstime count children that exited); machine busy % = share of both cores not idle (from
#      /proc/stat) over the same interval, load client and sinks included; other work % = the part of it charged to
#      processes that are not this benchmark's (user + nice + system ticks minus nodes, PostgreSQL and this script's
#      tree of load client, sinks and helpers): other work on the machine that competed with the run.
#   5. A table: nodes | concurrency | accept msg/s | end-to-end msg/s | node CPU ms/msg | PostgreSQL CPU ms/msg |
#      node+PG CPU ms/msg | machine busy % | other work %. Per N, the script also prints how many queue entities each
#      node hosts, and the CPU the idle cluster uses (10 s with no mail, after the warm-up).
#
# Before the first measurement the script waits (polling every 30 s, at most LOAD_WAIT s, default 900) until the
# 1-minute load average is at most LOAD_MAX (0.8), so that other work on the machine does not distort the figures,
# and prints the load average it started with, and the share of CPU that was busy over the 5 s before the start
# (/proc/stat; on a shared VM the load average can count waiting tasks that use no CPU here).
#
# Node configuration (each node, in the temp dir): akka.loglevel = WARNING and delivery TLS disabled (as in
# bench-relay.sh), DNS servers 127.0.0.1:9 (never queried: every route is a literal [127.0.0.1]:port; keeps the
# system resolver out), smtp.limits.max-connections-per-ip = 1000 (one client IP), storage.provider = postgresql with
# auto-migrate = off (the migrate command ran first), no development certificate. Everything else at its default,
# in particular queue.max-concurrency = 20 per next hop and the queue journal on PostgreSQL.
#
# STORAGE=sqlite with NODES=1 runs the one node on its embedded SQLite store instead (same harness, for comparison).
# Other knobs: DOMAINS=30, WARMUP=300, DELIVERY_TIMEOUT=300 (s), POLL=0.05 (s between sink reads),
# DOTNET_BUILD_ARGS="-m:1" (shared 2-core machines), MAILCLUSTER_EXTRA_CONF (lines appended to every node's config),
# PG_EXTRA_OPTS (extra "-c name=value" for the PostgreSQL server), LOAD_MAX, LOAD_WAIT, KEEP_WORK=1 (keep the temp
# dir). Only loopback is used. Everything (nodes, sinks, PostgreSQL, temp dir) is removed on exit, Ctrl-C included.
# Needs: dotnet, smtp-source and smtp-sink (Debian package postfix), PostgreSQL server binaries and psql, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
# shellcheck source=ops/lib/postgres.sh
. "$repo/ops/lib/postgres.sh"

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "unknown argument: $1 (settings come from the environment, see --help)" >&2; exit 2 ;;
esac

messages=${MESSAGES:-2000}
size=${SIZE:-4096}
read -r -a concurrency <<< "${CONCURRENCY:-10 50}"
read -r -a node_counts <<< "${NODES:-1 2 3}"
domains=${DOMAINS:-30}
warmup=${WARMUP:-300}
delivery_timeout=${DELIVERY_TIMEOUT:-300}
poll=${POLL:-0.05}
load_max=${LOAD_MAX:-0.8}
load_wait=${LOAD_WAIT:-900}
read -r -a build_args <<< "${DOTNET_BUILD_ARGS:--m:1}"
ticks_per_second=$(getconf CLK_TCK)
node_dll="$repo/src/MailCluster.Node/bin/Release/net10.0/mailcluster-node.dll"

for tool in smtp-source smtp-sink psql dotnet; do
  command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }
done
py=$(command -v /usr/bin/python3 || command -v python3 || true)   # the system one starts faster than a pyenv shim
[ -n "$py" ] || { echo "python3 not found" >&2; exit 1; }
pg_bin initdb >/dev/null

# ---------------------------------------------------------------------------------------------------- cleanup
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-cluster.XXXXXX")
chmod 755 "$work"            # as root, PostgreSQL runs as the postgres user and must reach its data dir below
pgdata="$work/pgdata"
sink_pids=() sink_ports=() sink_files=() node_pids=() pg_pid=""

alive() {  # alive PID: the process exists and is not a zombie
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat:0:1}" != Z ]
}
stop_pid() {  # stop_pid PID [SECONDS]: TERM, wait (default 5 s), then KILL. Only ever a pid this script started.
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < ${2:-5} * 10; i++)); do alive "$pid" || break; sleep 0.1; done
  alive "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}
stop_nodes() {  # TERM all (graceful leave in parallel), then wait for each
  local pid
  for pid in "${node_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${node_pids[@]}"; do stop_pid "$pid" 20; done
  node_pids=()
}
cleanup() {
  set +e
  stop_nodes
  pg_stop "$pgdata"
  local pid; for pid in "${sink_pids[@]}"; do stop_pid "$pid"; done
  if [ -n "${KEEP_WORK:-}" ]; then echo "work dir kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'echo " interrupted" >&2; exit 130' INT TERM HUP

# ---------------------------------------------------------------------------------------------------- helpers
free_port() {  # a currently free loopback TCP port, chosen by the kernel (bind to port 0)
  "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# shellcheck source=ops/lib/bench.sh
. ops/lib/bench.sh
load1() { cut -d' ' -f1 /proc/loadavg; }
# /proc/stat, all cores: "BUSY TOTAL USERSYS" ticks (busy = not idle nor iowait; usersys = user + nice + system, the
# part that is charged to processes, unlike irq/softirq/steal)
stat_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t, $2 + $3 + $4; exit }' /proc/stat; }
cpu_busy() {  # cpu_busy SECONDS: percentage of all cores not idle (nor in iowait) over the next SECONDS
  local a b
  read -r -a a <<< "$(stat_ticks)"; sleep "$1"; read -r -a b <<< "$(stat_ticks)"
  awk -v b=$((b[0] - a[0])) -v t=$((b[1] - a[1])) 'BEGIN { printf "%.0f", (t > 0 ? 100 * b / t : 0) }'
}
domain() { printf 'd%02d.test' "$1"; }

# Sum of the sinks' counters: for each sink, the last complete "mesg=N" record of its -c output (records end in \r).
# One python process per wait polls every sink file, instead of a fork per file per poll.
sink_py='
import re, sys, time
target, timeout, poll, files = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
def count(path):
    try:
        with open(path, "rb") as f:
            f.seek(0, 2); end = f.tell(); f.seek(max(0, end - 200)); tail = f.read()
    except OSError:
        return 0
    for rec in reversed(tail.split(b"\r")[:-1]):   # the last piece is empty or a record still being written
        m = re.search(rb"mesg=(\d+)$", rec)
        if m: return int(m.group(1))
    return 0
deadline = time.time() + timeout
while True:
    total = sum(count(p) for p in files)
    if total >= target: print(total); sys.exit(0)
    if time.time() >= deadline: print(total); sys.exit(1)
    time.sleep(poll)
'
sink_count() { "$py" -c "$sink_py" 0 0 0 "${sink_files[@]}"; }
wait_sinks() {  # wait_sinks TARGET TIMEOUT: sets sink_now; returns 1 on timeout
  local rc=0
  sink_now=$("$py" -c "$sink_py" "$1" "$2" "$poll" "${sink_files[@]}") || rc=$?
  return $rc
}
settle_sinks() {  # after a failed run: wait until the sink total has not changed for 3 s (at most delivery_timeout)
  local last=-1 still=0 deadline=$((SECONDS + delivery_timeout))
  while [ "$still" -lt 3 ] && [ "$SECONDS" -lt "$deadline" ]; do
    sink_now=$(sink_count)
    if [ "$sink_now" = "$last" ]; then still=$((still + 1)); else still=0; last=$sink_now; fi
    sleep 1
  done
}

start_sinks() {
  local d port user_opt=()
  [ "$(id -u)" = 0 ] && user_opt=(-u nobody)   # smtp-sink refuses to run as root without -u
  for ((d = 0; d < domains; d++)); do
    port=$(free_port)
    smtp-sink -c "${user_opt[@]}" "127.0.0.1:$port" 256 > "$work/sink-$d.out" 2> "$work/sink-$d.err" &
    sink_pids+=($!) sink_ports+=("$port") sink_files+=("$work/sink-$d.out")
  done
  for ((d = 0; d < domains; d++)); do
    wait_listening "${sink_ports[$d]}" 10 || { echo "smtp-sink $d did not start:" >&2; cat "$work/sink-$d.err" >&2; exit 1; }
  done
}

# CPU ticks (utime+stime+cutime+cstime) of the node processes, of the postmaster with all its descendants and of
# this script with its other descendants (load client, sinks, helpers), then /proc/stat's BUSY TOTAL USERSYS:
# "NODE PG SELF BUSY TOTAL USERSYS". See bench-relay.sh on cutime/cstime.
cpu_sample() {
  local procs
  procs=$({ cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v nodes="${node_pids[*]}" -v pg="$pg_pid" -v self=$$ '
    BEGIN { n = split(nodes, a, " "); for (i = 1; i <= n; i++) grp[a[i]] = "node"; if (pg != "") grp[pg] = "pg"
            grp[self] = "self" }
    { pid = $1; line = $0; sub(/^.*\) /, "", line); split(line, f, " ")
      ppid[pid] = f[2]; cpu[pid] = f[12] + f[13] + f[14] + f[15] }
    END { for (p in cpu) { q = p; while (q != "" && q > 1 && !(q in grp)) q = ppid[q]; if (q in grp) t[grp[q]] += cpu[p] }
          printf "%d %d %d", t["node"], t["pg"], t["self"] }')
  echo "$procs $(stat_ticks)"
}

# run_load TOTAL C: C parallel streams of `smtp-source -s 1` over the nodes and domains (see the header).
# Returns 1 if any smtp-source failed.
run_load() {
  local total=$1 c=$2 n=${#node_ports[@]} i j k share per extra port pids=() failed=0 doms
  for ((i = 0; i < c; i++)); do
    share=$((total / c + (i < total % c ? 1 : 0)))
    doms=()
    if [ "$c" -lt "$domains" ]; then for ((j = i; j < domains; j += c)); do doms+=("$j"); done
    else doms=($((i % domains))); fi
    port=${node_ports[$((i % n))]}
    (
      per=$((share / ${#doms[@]})) extra=$((share % ${#doms[@]}))
      for ((k = 0; k < ${#doms[@]}; k++)); do
        m=$((per + (k < extra ? 1 : 0)))
        [ "$m" -gt 0 ] || continue
        smtp-source -s 1 -l "$size" -m "$m" -f bench@example.org -t "user@$(domain "${doms[$k]}")" "127.0.0.1:$port" \
          || { echo "    smtp-source to node port $port, $(domain "${doms[$k]}") failed" >&2; exit 1; }
      done
    ) &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || failed=1; done
  return $failed
}

# Queue entities per node, as node 1's admin API reports them (GET /api/cluster: queueShards).
queue_spread() {
  curl -fsS -m 10 "${node_admins[0]}/api/cluster" 2>/dev/null | "$py" -c '
import json, sys
d = json.load(sys.stdin)
print(", ".join("%s: %d queues in %d shards" % (s["address"].rsplit(":", 1)[1], s["entities"], s["shards"])
                for s in d.get("queueShards", [])) or "no queue shards reported")' 2>/dev/null || echo "(admin API did not answer)"
}
# One counter summed over a node's /metrics lines: metric_sum ADMIN_URL 'name{label="x"' (a prefix of the series).
metric_sum() {
  curl -fsS -m 10 "$1/metrics" 2>/dev/null | awk -v p="$2" 'index($0, p) == 1 { s += $NF } END { printf "%d", s }' || echo 0
}
# Recipients delivered by each node so far, space-separated in node order.
delivered_per_node() {
  local out="" i
  for ((i = 0; i < ${#node_admins[@]}; i++)); do out+="$(metric_sum "${node_admins[$i]}" 'mailcluster_deliveries_total{outcome="delivered"') "; done
  echo "$out"
}
# The CPU ticks (user + system) of one process.
pid_ticks() { awk '{ sub(/^.*\) /, ""); split($0, f, " "); print f[12] + f[13] }' "/proc/$1/stat" 2>/dev/null || echo 0; }
members_up() {
  curl -fsS -m 5 "${node_admins[0]}/api/cluster" 2>/dev/null | grep -oE '"status":"Up"' | wc -l || true
}

node_config() {  # node_config INDEX N
  local i=$1 n=$2 d seeds="" transports="" relay=""
  for ((d = 0; d < n; d++)); do seeds+="${seeds:+, }\"akka.tcp://mailcluster@127.0.0.1:${remoting_ports[$d]}\""; done
  for ((d = 0; d < domains; d++)); do
    relay+="${relay:+, }\"$(domain "$d")\""
    transports+="    \"$(domain "$d")\" = \"smtp:[127.0.0.1]:${sink_ports[$d]}\""$'\n'
  done
  cat <<CONF
akka.loglevel = WARNING
mailcluster {
  hostname = "node$((i + 1)).bench.test"
  data-dir = "$work/n$n/node$((i + 1))"
  smtp.listeners.mx.endpoint = "127.0.0.1:0"
  smtp.tls.generate-development-certificate = off
  admin.endpoint = "127.0.0.1:0"
  relay-domains = [$relay]
  routing.transports {
$transports  }
  delivery.smtp.tls = disabled
  delivery.dns.servers = ["127.0.0.1:9"]   # never used for a literal route; keeps the system resolver out
  smtp.limits.max-connections-per-ip = 1000
$(storage_block)
  cluster {
    hostname = "127.0.0.1"
    port = ${remoting_ports[$i]}
    seed-nodes = [$seeds]
  }
}
${MAILCLUSTER_EXTRA_CONF:-}
CONF
}

# STORAGE=sqlite (one node only): the embedded store in the node's data dir instead of PostgreSQL, so the two can be
# compared on this same harness. PostgreSQL is still started (and idles); its CPU column is then ~0.
storage_block() {
  if [ "${STORAGE:-postgresql}" = sqlite ]; then
    echo "  storage.provider = sqlite"
  else
    cat <<STORAGE
  storage {
    provider = postgresql
    auto-migrate = off
    postgresql.connection-string = "Host=127.0.0.1;Port=$pg_port;Database=mailcluster;Username=mailcluster"
  }
STORAGE
  fi
}

# ---------------------------------------------------------------------------------------------------- one cluster size
results=()
bench_nodes() {  # bench_nodes N
  local n=$1 i dir="$work/n$1" c t0 ta td s0 s1 base status accept e2e node_ms pg_ms sum_ms busy other client_ms log
  mkdir -p "$dir"
  echo "=== $n node(s): fresh PostgreSQL, migrate, start (load average $(load1))"
  pg_stop "$pgdata"; rm -rf "$pgdata"
  pg_port=$(free_port)
  pg_init "$pgdata"
  # shellcheck disable=SC2086
  pg_start "$pgdata" "$pg_port" -c fsync=on -c synchronous_commit=on -c max_connections=300 ${PG_EXTRA_OPTS:-}
  pg_ensure_db "$pg_port" mailcluster mailcluster
  pg_pid=$(pg_postmaster_pid "$pgdata")

  remoting_ports=()
  for ((i = 0; i < n; i++)); do remoting_ports+=("$(free_port)"); done
  for ((i = 0; i < n; i++)); do node_config "$i" "$n" > "$dir/node$((i + 1)).conf"; done
  (cd "$dir" && dotnet "$node_dll" --config "$dir/node1.conf" migrate) > "$dir/migrate.log" 2>&1 \
    || { echo "migrate failed:" >&2; cat "$dir/migrate.log" >&2; exit 1; }

  node_ports=() node_admins=()
  for ((i = 0; i < n; i++)); do
    (cd "$dir" && exec dotnet "$node_dll" --config "$dir/node$((i + 1)).conf") > "$dir/node$((i + 1)).log" 2>&1 &
    node_pids+=($!)
  done
  for ((i = 0; i < n; i++)); do
    log="$dir/node$((i + 1)).log"
    for _ in $(seq 1 300); do grep -q "node ready" "$log" && break; alive "${node_pids[$i]}" || break; sleep 0.2; done
    grep -q "node ready" "$log" || { echo "node $((i + 1)) did not become ready; its log:" >&2; tail -40 "$log" >&2; exit 1; }
    node_ports+=("$(grep -oE 'listener mx ready on 127.0.0.1:[0-9]+' "$log" | grep -oE '[0-9]+$' | head -1)")
    node_admins+=("$(grep -oE 'admin API on http://[0-9.:]+' "$log" | head -1 | sed 's/admin API on //')")
  done
  for _ in $(seq 1 120); do [ "$(members_up)" -ge "$n" ] && break; sleep 0.5; done
  [ "$(members_up)" -ge "$n" ] || { echo "the cluster did not reach $n members Up within 60 s" >&2; exit 1; }
  echo "    nodes: pids ${node_pids[*]}, SMTP ports ${node_ports[*]}, $n member(s) Up; PostgreSQL on $pg_port (pid $pg_pid)"

  echo "--- $n node(s): warm-up, $warmup messages at concurrency 10 (not recorded)"
  base=$(sink_count)
  if ! run_load "$warmup" 10; then
    settle_sinks; echo "    smtp-source failed during warm-up; the sinks got $((sink_now - base))"
  elif wait_sinks $((base + warmup)) "$delivery_timeout"; then
    echo "    delivered"
  else
    echo "    WARNING: the sinks got $((sink_now - base)) of $warmup warm-up messages within ${delivery_timeout}s"
  fi
  echo "    queue entities per node (remoting port): $(queue_spread)"
  sleep 3   # idle baseline: what the cluster costs with no mail at all
  read -r -a s0 <<< "$(cpu_sample)"; sleep 10; read -r -a s1 <<< "$(cpu_sample)"
  echo "    idle for 10 s: nodes $(ratio $((100 * (s1[0] - s0[0]))) $((10 * ticks_per_second)) %.0f)% of one core," \
    "PostgreSQL $(ratio $((100 * (s1[1] - s0[1]))) $((10 * ticks_per_second)) %.0f)%"

  for c in "${concurrency[@]}"; do
    base=$(sink_count)
    read -r -a d0 <<< "$(delivered_per_node)"
    local0=$(metric_sum "${node_admins[0]}" 'mailcluster_queue_notices_total{locality="local"')
    remote0=$(metric_sum "${node_admins[0]}" 'mailcluster_queue_notices_total{locality="remote"')
    read -r -a s0 <<< "$(cpu_sample)"
    t0=$(now)
    status=ok
    run_load "$messages" "$c" || status="smtp-source failed"
    ta=$(now)
    if [ "$status" != ok ]; then
      settle_sinks
    else
      wait_sinks $((base + messages)) "$delivery_timeout" || status="incomplete: $((sink_now - base)) of $messages delivered"
    fi
    td=$(now)
    read -r -a s1 <<< "$(cpu_sample)"
    accept=$(ratio "$messages" "$(elapsed "$t0" "$ta")")
    e2e=$(ratio "$messages" "$(elapsed "$t0" "$td")")
    case "$status" in
      ok) ;;
      "smtp-source failed") accept="failed"; e2e="failed" ;;
      *) e2e=$status ;;
    esac
    node_ms=$(awk -v d=$((s1[0] - s0[0])) -v hz="$ticks_per_second" -v m="$messages" 'BEGIN { printf "%.2f", d * 1000 / hz / m }')
    pg_ms=$(awk -v d=$((s1[1] - s0[1])) -v hz="$ticks_per_second" -v m="$messages" 'BEGIN { printf "%.2f", d * 1000 / hz / m }')
    sum_ms=$(awk -v a="$node_ms" -v b="$pg_ms" 'BEGIN { printf "%.2f", a + b }')
    busy=$(awk -v b=$((s1[3] - s0[3])) -v t=$((s1[4] - s0[4])) 'BEGIN { printf "%.0f", (t > 0 ? 100 * b / t : 0) }')
    # CPU charged to processes that are none of ours (other work on the machine), as a share of all cores
    other=$(awk -v u=$((s1[5] - s0[5] - (s1[0] - s0[0]) - (s1[1] - s0[1]) - (s1[2] - s0[2]))) -v t=$((s1[4] - s0[4])) \
      'BEGIN { o = (t > 0 ? 100 * u / t : 0); printf "%.0f", (o < 0 ? 0 : o) }')
    client_ms=$(awk -v d=$((s1[2] - s0[2])) -v hz="$ticks_per_second" -v m="$messages" 'BEGIN { printf "%.2f", d * 1000 / hz / m }')
    echo "--- $n node(s), concurrency $c: $messages x $size B: accepted in $(elapsed "$t0" "$ta") s ($accept msg/s);" \
      "sinks got $((sink_now - base)) in $(elapsed "$t0" "$td") s ($e2e msg/s); CPU ms/msg node $node_ms, PostgreSQL $pg_ms;" \
      "machine busy $busy%, of which other work $other%; load client and sinks $client_ms ms/msg"
    results+=("$n|$c|$accept|$e2e|$node_ms|$pg_ms|$sum_ms|$busy|$other")
    read -r -a d1 <<< "$(delivered_per_node)"
    shares=""
    for ((i = 0; i < n; i++)); do shares+="node$((i + 1)) $((d1[i] - d0[i])) "; done
    # Node CPU per message if each node had a machine of its own: what adding one adds.
    echo "    delivered per node: $shares; messages per node CPU-second: $(ratio "$messages" "$(awk -v d=$((s1[0] - s0[0])) -v hz="$ticks_per_second" 'BEGIN { printf "%.3f", d / hz }')" %.0f)"
    local1=$(metric_sum "${node_admins[0]}" 'mailcluster_queue_notices_total{locality="local"')
    remote1=$(metric_sum "${node_admins[0]}" 'mailcluster_queue_notices_total{locality="remote"')
    echo "    node 1's queue notices: $((local1 - local0)) local, $((remote1 - remote0)) remote (remoting messages per accepted message there: $(ratio $((2 * (remote1 - remote0))) $((local1 - local0 + remote1 - remote0 > 0 ? local1 - local0 + remote1 - remote0 : 1)) %.2f), a notice and its reply)"
  done
  # Idle after traffic, per node: queues emptied, connections closed, nothing due.
  sleep 15
  idle0=(); for pid in "${node_pids[@]}"; do idle0+=("$(pid_ticks "$pid")"); done
  sleep 20
  idle=""
  for ((i = 0; i < n; i++)); do
    idle+="node$((i + 1)) $(ratio $((100 * ($(pid_ticks "${node_pids[$i]}") - idle0[i]))) $((20 * ticks_per_second)) %.1f)% "
  done
  echo "    idle for 20 s after the runs, per node (share of one core): $idle"
  echo "    queue entities per node (remoting port): $(queue_spread)"

  for ((i = 0; i < n; i++)); do
    log="$dir/node$((i + 1)).log"
    if grep -qiE "error|exception" "$log"; then
      echo "    node $((i + 1)) log has errors ($(grep -ciE "error|exception" "$log") lines; first ones):"
      grep -iE "error|exception" "$log" | head -3 | cut -c1-300 | sed 's/^/      /'
    fi
  done
  stop_nodes
  pg_stop "$pgdata"; pg_pid=""
}

# ---------------------------------------------------------------------------------------------------- main
echo "=== building (Release)"
dotnet build "$repo/src/MailCluster.Node" -c Release "${build_args[@]}" -v q -nologo >/dev/null
waited=0
while awk -v l="$(load1)" -v m="$load_max" 'BEGIN { exit !(l > m) }'; do
  [ "$waited" -lt "$load_wait" ] || { echo "    load average still $(load1) after ${load_wait}s; measuring anyway"; break; }
  echo "    load average $(load1) > $load_max (CPU busy $(cpu_busy 2)% over 2 s): waiting 30 s"
  sleep 30 & wait $!; waited=$((waited + 30))   # wait, not a foreground sleep: Ctrl-C is handled at once
done
echo "bench-cluster: NODES=\"${node_counts[*]}\" MESSAGES=$messages SIZE=$size CONCURRENCY=\"${concurrency[*]}\"" \
  "DOMAINS=$domains WARMUP=$warmup; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg);" \
  "CPU busy $(cpu_busy 5)% over 5 s;" \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ); commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')"
# The sinks start after the load check (nothing of this script runs while it waits).
start_sinks
echo "    $domains sinks on 127.0.0.1 ports ${sink_ports[*]}"
for n in "${node_counts[@]}"; do bench_nodes "$n"; done

echo
fmt='%5s | %11s | %12s | %16s | %15s | %21s | %18s | %14s | %12s\n'
# shellcheck disable=SC2059
printf "$fmt" nodes concurrency "accept msg/s" "end-to-end msg/s" "node CPU ms/msg" "PostgreSQL CPU ms/msg" "node+PG CPU ms/msg" \
  "machine busy %" "other work %"
# shellcheck disable=SC2059
printf "$fmt" ----- ----------- ------------ ---------------- --------------- --------------------- ------------------ \
  -------------- ------------
for row in "${results[@]}"; do
  IFS='|' read -r n c accept e2e node_ms pg_ms sum_ms busy other <<< "$row"
  # shellcheck disable=SC2059
  printf "$fmt" "$n" "$c" "$accept" "$e2e" "$node_ms" "$pg_ms" "$sum_ms" "$busy" "$other"
done
