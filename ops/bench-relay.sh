#!/usr/bin/env bash
# End-to-end relay benchmark: MailCluster and a private Postfix instance through the same procedure on this machine.
#
#   MESSAGES=2000 SIZE=4096 CONCURRENCY="1 10 50" bash ops/bench-relay.sh [--only postfix|mailcluster]
#   SYSCALLS=1 adds an untimed run that counts MailCluster's fsync calls per message with strace
#   (or ONLY=postfix / ONLY=mailcluster)
#
# For each MTA:
#   1. a fresh Postfix smtp-sink on 127.0.0.1:<free port> (-c: running counters; the script reads the last "mesg=N"
#      of its output to know how many messages it has received; smtp-source -> smtp-sink alone, one connection per
#      message, did 2,700-3,200 msg/s on a busy 2-core VM of this project, several times what either MTA delivers,
#      and the MTAs reuse connections to the sink where they can, which is cheaper still: not the bottleneck);
#   2. the MTA on 127.0.0.1:<free port>, relaying the domain relay.test to [127.0.0.1]:<sink port>, DNS disabled;
#   3. WARMUP messages at concurrency 10, waited for at the sink (not recorded); then for each concurrency c:
#      t0; smtp-source -s c -l SIZE -m MESSAGES ... (one message per connection) ; t_accepted when it returns;
#      wait until the sink count has grown by MESSAGES (at most DELIVERY_TIMEOUT s, else "incomplete"); t_delivered.
#      accept msg/s = MESSAGES / (t_accepted - t0); end-to-end msg/s = MESSAGES / (t_delivered - t0);
#      CPU ms/msg = MTA CPU time (user + system) spent between t0 and t_delivered, / MESSAGES.
#   4. a final table: MTA | concurrency | accept msg/s | end-to-end msg/s | CPU ms/msg.
#      A run whose smtp-source fails (e.g. a 421) shows "failed" and waits for the sink to go quiet before the next;
#      a run that times out shows "incomplete" (stragglers then land in the next run's count); when the warm-up
#      delivers nothing at all, the runs only measure acceptance ("no delivery").
#
# MTA CPU is read from /proc: utime + stime + cutime + cstime of the MTA's root process (the dotnet process of the
# node; Postfix's master, from queue_directory/pid/master.pid) and of all its live descendants. cutime/cstime hold the
# CPU of children that have already exited and been reaped, so Postfix's short-lived daemons (smtpd, cleanup, smtp,
# qmgr, trivial-rewrite, postlogd, ... which exit after max_use/max_idle) are counted too. The load client
# (smtp-source) and the sink are not counted. A daemon that exits exactly while the sample is read may be counted
# twice or not at all in one sample; over a run that is noise, not bias.
#
# The Postfix instance (nothing under /etc/postfix is read for configuration or written; no system service is touched):
#   - own config_directory (main.cf + master.cf), queue_directory and data_directory, all under a temp dir; started
#     with `postfix -c DIR start` (as root, no alternate_config_directories entry is needed), stopped with
#     `postfix -c DIR stop` on exit (then the master is killed by pid if it is still there);
#   - master.cf: smtpd on 127.0.0.1:<free port> only (no port 25, no pickup/sendmail path), the usual internal
#     services, no chroot, postlogd so that maillog_file works;
#   - main.cf: inet_interfaces = 127.0.0.1, inet_protocols = ipv4, mydestination = (empty), relay_domains = relay.test,
#     mynetworks = 127.0.0.0/8, transport_maps = inline:{relay.test=relay:[127.0.0.1]:SINKPORT} (the same route
#     as MailCluster's routing.transports), smtp_dns_support_level = disabled, smtp_host_lookup = native,
#     smtpd_peername_lookup = no (no reverse lookup of 127.0.0.1), smtp_tls_security_level = none,
#     smtpd_tls_security_level = none, default_process_limit = 150 (>= 50 smtpd + 20 smtp), maillog_file in the
#     temp dir. Left at the defaults on purpose: default_destination_concurrency_limit (20, like MailCluster's
#     queue.max-concurrency), in_flow_delay (1s), queue file fsync, logging of every message to maillog_file.
#   - Needs root (the master starts as root and drops to mail_owner), the postfix user and postdrop group of the
#     Debian package, and smtp-source/smtp-sink (Debian package: postfix).
#
# MailCluster: `dotnet build src/MailCluster.Node -c Release`, then the node with a config in the temp dir: data in the
# temp dir (SQLite, synchronous=FULL), mx listener on 127.0.0.1:0, relay-domains = ["relay.test"],
# routing.transports { "relay.test" = "smtp:[127.0.0.1]:SINKPORT" }, delivery TLS disabled, DNS servers pointed at
# 127.0.0.1:9 (never queried for a literal route; keeps the system resolver out), and
# smtp.limits.max-connections-per-ip = 1000 (the default 50 answers 421 now and then at concurrency 50 from one IP,
# where Postfix exempts mynetworks from its per-client limit by default).
#
# Other knobs: WARMUP=300 (messages), DELIVERY_TIMEOUT=300 (s per wait), POLL=0.02 (s between sink reads),
# DOTNET_BUILD_ARGS="-m:1" (shared 2-core machines), POSTFIX_EXTRA_MAIN_CF / MAILCLUSTER_EXTRA_CONF (lines appended
# to the Postfix main.cf / the node's config, for experiments), KEEP_WORK=1 (keep the temp dir and say where it is).
# Everything (sink, MTA processes, temp dir) is removed on exit, Ctrl-C included.
set -euo pipefail
cd "$(dirname "$0")/.."

only=${ONLY:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only=${2:-}; shift 2 ;;
    --only=*) only=${1#--only=}; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (use --only postfix|mailcluster)" >&2; exit 2 ;;
  esac
done
case "$only" in
  "") mtas=(mailcluster postfix) ;;
  postfix|mailcluster) mtas=("$only") ;;
  *) echo "--only takes postfix or mailcluster, not '$only'" >&2; exit 2 ;;
esac

messages=${MESSAGES:-2000}
size=${SIZE:-4096}
read -r -a concurrency <<< "${CONCURRENCY:-1 10 50}"
warmup=${WARMUP:-300}
delivery_timeout=${DELIVERY_TIMEOUT:-300}
poll=${POLL:-0.02}
read -r -a build_args <<< "${DOTNET_BUILD_ARGS:--m:1}"
ticks_per_second=$(getconf CLK_TCK)

# The benchmark installs what it compares against: Debian's postfix (smtp-source, smtp-sink and the MTA itself).
if ! command -v smtp-source >/dev/null || ! command -v smtp-sink >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y postfix >&2 || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y postfix >&2; }
  fi
fi
for tool in smtp-source smtp-sink; do
  command -v "$tool" >/dev/null || { echo "$tool not found (Debian package: postfix; it is in /usr/sbin)" >&2; exit 1; }
done

# ---------------------------------------------------------------------------------------------------- cleanup
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-relay.XXXXXX")
chmod 755 "$work"            # Postfix daemons run as mail_owner and must reach their queue and data dirs
sink_pid="" node_pid="" postfix_dir=""

stop_pid() {  # stop_pid PID: TERM, wait up to 5 s, then KILL. Only ever a pid this script started.
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
  alive "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}
alive() {  # alive PID: the process exists and is not a zombie
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat:0:1}" != Z ]
}
stop_postfix() {
  [ -n "$postfix_dir" ] || return 0
  local dir=$postfix_dir master
  postfix_dir=""
  master=$(tr -d ' ' < "$dir/queue/pid/master.pid" 2>/dev/null || true)
  postfix -c "$dir/etc" stop >/dev/null 2>&1 || true
  if [ -n "$master" ]; then
    for _ in $(seq 1 100); do alive "$master" || break; sleep 0.1; done
    alive "$master" && kill -KILL "$master" 2>/dev/null
  fi
  return 0
}
cleanup() {
  set +e
  stop_postfix
  stop_pid "$node_pid"; node_pid=""
  stop_pid "$sink_pid"; sink_pid=""
  if [ -n "${KEEP_WORK:-}" ]; then echo "work dir kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'echo " interrupted" >&2; exit 130' INT TERM HUP

# ---------------------------------------------------------------------------------------------------- helpers
free_port() {  # a currently free loopback TCP port, chosen by the kernel (bind to port 0)
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  else  # bash only: probe random ports until one refuses connections
    local p
    for _ in $(seq 1 500); do
      p=$((20000 + RANDOM % 40000))
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
    done
    return 1
  fi
}
# shellcheck source=ops/lib/bench.sh
. ops/lib/bench.sh

sink_file=""
sink_count() {  # messages received by the sink: last "mesg=N" of its counter output ("sess=.. quit=.. mesg=N\r"...)
  local out rec n
  out=$(tail -c 200 "$sink_file" 2>/dev/null) || { echo 0; return; }
  if [ "${out: -1}" = $'\r' ]; then out=${out%$'\r'}; else out=${out%$'\r'*}; fi  # drop a record still being written
  rec=${out##*$'\r'}
  n=${rec##*mesg=}
  [[ "$n" =~ ^[0-9]+$ ]] && echo "$n" || echo 0
}
start_sink() {
  sink_port=$(free_port)
  sink_file="$work/sink-$1.out"
  local user_opt=()
  [ "$(id -u)" = 0 ] && user_opt=(-u nobody)   # smtp-sink refuses to run as root without -u
  smtp-sink -c "${user_opt[@]}" "127.0.0.1:$sink_port" 256 > "$sink_file" 2> "$work/sink-$1.err" &
  sink_pid=$!
  wait_listening "$sink_port" 10 || { echo "smtp-sink did not start:" >&2; cat "$work/sink-$1.err" >&2; exit 1; }
}
wait_sink() {  # wait_sink TARGET TIMEOUT: sets sink_now; returns 1 on timeout
  local deadline
  deadline=$(awk -v t="$(now)" -v d="$2" 'BEGIN { printf "%d", t + d }')
  while :; do
    sink_now=$(sink_count)
    [ "$sink_now" -ge "$1" ] && return 0
    [ "${EPOCHSECONDS}" -lt "$deadline" ] || return 1
    sleep "$poll"
  done
}

settle_sink() {  # after a failed run: wait until the sink count has not changed for 3 s (at most delivery_timeout)
  local last=-1 still=0 deadline=$((SECONDS + delivery_timeout))
  while [ "$still" -lt 3 ] && [ "$SECONDS" -lt "$deadline" ]; do
    sink_now=$(sink_count)
    if [ "$sink_now" = "$last" ]; then still=$((still + 1)); else still=0; last=$sink_now; fi
    sleep 1
  done
}

mta_pid=""   # root process of the MTA under test
mta_cpu_ticks() {  # utime+stime+cutime+cstime of mta_pid and its live descendants (see the header)
  # cat fails when a process exits while it reads; that must not end the script (set -e + pipefail).
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v root="$mta_pid" '
    { pid = $1; line = $0; sub(/^.*\) /, "", line); split(line, f, " ")
      ppid[pid] = f[2]; cpu[pid] = f[12] + f[13] + f[14] + f[15] }
    END { total = 0
          for (p in cpu) { q = p; while (q != "" && q > 1 && q != root) q = ppid[q]; if (q == root) total += cpu[p] }
          print total }'
}

results=()
warm_ok=1
run_mta() {  # run_mta NAME SMTP_PORT: warm-up, then one run per concurrency
  local name=$1 port=$2 c t0 ta td cpu0 cpu1 base n status accept e2e cpu_ms
  echo "--- $name: warm-up, $warmup messages at concurrency 10 (not recorded)"
  base=$(sink_count)
  warm_ok=1
  if ! smtp-source -s 10 -l "$size" -m "$warmup" -f bench@example.org -t user@relay.test "127.0.0.1:$port"; then
    echo "    smtp-source failed during warm-up"
    settle_sink
    echo "    the sink got $((sink_now - base)) warm-up messages"
  elif wait_sink $((base + warmup)) "$delivery_timeout"; then
    echo "    delivered"
  else
    echo "    WARNING: the sink got $((sink_now - base)) of $warmup warm-up messages within ${delivery_timeout}s"
    [ "$sink_now" -gt "$base" ] || warm_ok=0
  fi
  [ "$warm_ok" = 1 ] || echo "    nothing was delivered: $name relays nothing to the sink; measuring acceptance only"
  for c in "${concurrency[@]}"; do
    base=$(sink_count)
    cpu0=$(mta_cpu_ticks)
    t0=$(now)
    status=ok
    smtp-source -s "$c" -l "$size" -m "$messages" -f bench@example.org -t user@relay.test "127.0.0.1:$port" \
      || status="smtp-source failed"
    ta=$(now)
    if [ "$status" != ok ]; then
      settle_sink; status="smtp-source failed"
    elif [ "$warm_ok" = 1 ]; then
      wait_sink $((base + messages)) "$delivery_timeout" || status="incomplete: $((sink_now - base)) of $messages delivered"
    else
      sink_now=$(sink_count); status="no delivery"
    fi
    td=$(now)
    cpu1=$(mta_cpu_ticks)
    n=$((sink_now - base))
    accept="$(ratio "$messages" "$(elapsed "$t0" "$ta")") msg/s"
    e2e="$(ratio "$messages" "$(elapsed "$t0" "$td")") msg/s"
    case "$status" in
      ok) ;;
      "smtp-source failed") accept="failed"; e2e="failed" ;;
      *) e2e=$status ;;
    esac
    cpu_ms=$(awk -v d=$((cpu1 - cpu0)) -v hz="$ticks_per_second" -v m="$messages" 'BEGIN { printf "%.3f", d * 1000 / hz / m }')
    echo "--- $name, concurrency $c: $messages x $size B: smtp-source done in $(elapsed "$t0" "$ta") s (accept: $accept);" \
      "sink got $n in $(elapsed "$t0" "$td") s (end-to-end: $e2e); $name CPU $cpu_ms ms/msg"
    results+=("$name|$c|${accept% msg/s}|${e2e% msg/s}|$cpu_ms")
  done
  [ -n "${SYSCALLS:-}" ] && [ "$name" = mailcluster ] && count_syncs "$port"
  return 0
}

# SYSCALLS=1: one more, untimed batch at concurrency 10 with strace counting the node's fsync/fdatasync calls (every
# thread), so the durable writes per accepted message are measured, not inferred. strace slows the node down, which
# only makes group commits larger: the count is an upper bound for the timed runs above.
count_syncs() {
  command -v strace >/dev/null || { echo "    SYSCALLS: strace not found, not counted"; return 0; }
  local port=$1 base out spid
  out="$work/strace.txt"
  base=$(sink_count)
  strace -f -c -e trace=fsync,fdatasync -o "$out" -p "$node_pid" 2>/dev/null &
  spid=$!
  sleep 2
  smtp-source -s 10 -l "$size" -m "$messages" -f bench@example.org -t user@relay.test "127.0.0.1:$port" || true
  wait_sink $((base + messages)) "$delivery_timeout" || true
  sleep 1
  kill -INT "$spid" 2>/dev/null; wait "$spid" 2>/dev/null || true
  local syncs
  syncs=$(awk '$NF == "fsync" || $NF == "fdatasync" { s += $4 } END { print s + 0 }' "$out")
  echo "--- mailcluster, concurrency 10, under strace: $messages messages accepted and delivered with $syncs fsync/fdatasync calls" \
    "($(ratio "$syncs" "$messages" %.3f) per message, acceptance and retirement together)"
}

# ---------------------------------------------------------------------------------------------------- MailCluster
bench_mailcluster() {
  command -v dotnet >/dev/null || { echo "dotnet not found; skipping MailCluster" >&2; return 0; }
  echo "=== MailCluster: building (Release)"
  dotnet build src/MailCluster.Node -c Release "${build_args[@]}" -v q -nologo >/dev/null
  start_sink mailcluster
  local dir="$work/mailcluster" port
  mkdir -p "$dir"
  cat > "$dir/bench.conf" <<CONF
akka.loglevel = WARNING
mailcluster {
  data-dir = "$dir/data"
  smtp.listeners.mx.endpoint = "127.0.0.1:0"
  admin.endpoint = "127.0.0.1:0"
  relay-domains = ["relay.test"]
  routing.transports { "relay.test" = "smtp:[127.0.0.1]:$sink_port" }
  delivery.smtp.tls = disabled
  delivery.dns.servers = ["127.0.0.1:9"]   # never used for a literal route; keeps the system resolver out
  # One client IP runs up to 50 sessions back to back; at exactly the default limit (50) a new connection can arrive
  # before the previous session's slot is released and get 421. Postfix exempts mynetworks from its per-client
  # limit (smtpd_client_event_limit_exceptions = \$mynetworks), so lift it here.
  smtp.limits.max-connections-per-ip = 1000
}
${MAILCLUSTER_EXTRA_CONF:-}
CONF
  dotnet src/MailCluster.Node/bin/Release/net10.0/mailcluster-node.dll --config "$dir/bench.conf" > "$dir/node.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 300); do
    grep -q "node ready" "$dir/node.log" && break
    alive "$node_pid" || break
    sleep 0.2
  done
  if ! grep -q "node ready" "$dir/node.log"; then
    echo "MailCluster node did not become ready; its log:" >&2; tail -40 "$dir/node.log" >&2; exit 1
  fi
  port=$(grep -oE "listener mx ready on 127.0.0.1:[0-9]+" "$dir/node.log" | grep -oE "[0-9]+$" | head -1)
  mta_pid=$node_pid
  echo "    node pid $node_pid, mx on 127.0.0.1:$port, relay.test -> sink on 127.0.0.1:$sink_port"
  run_mta mailcluster "$port"
  if grep -qiE "error|exception" "$dir/node.log"; then
    echo "    node log has errors (first lines):"; grep -iE "error|exception" "$dir/node.log" | head -5 | sed 's/^/      /'
  fi
  stop_pid "$node_pid"; node_pid=""
  stop_pid "$sink_pid"; sink_pid=""
}

# ---------------------------------------------------------------------------------------------------- Postfix
bench_postfix() {
  command -v postfix >/dev/null || { echo "postfix not found; skipping Postfix" >&2; return 0; }
  [ "$(id -u)" = 0 ] || { echo "the private Postfix instance needs root; skipping Postfix" >&2; return 0; }
  local dir="$work/postfix" port owner
  mkdir -p "$dir/etc" "$dir/queue" "$dir/data"
  owner=$(postconf -h mail_owner)
  chown "$owner" "$dir/data"
  start_sink postfix
  port=$(free_port)
  [ "$port" != "$sink_port" ] || port=$(free_port)
  echo "=== Postfix $(postconf -h mail_version): private instance in $dir"
  cat > "$dir/etc/main.cf" <<EOF
# Private benchmark instance (ops/bench-relay.sh). Everything under $dir.
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
myhostname = bench-postfix.localdomain
mydomain = localdomain
myorigin = \$myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relay_domains = relay.test
relayhost =
transport_maps = inline:{relay.test=relay:[127.0.0.1]:$sink_port}
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtpd_peername_lookup = no
smtp_tls_security_level = none
smtpd_tls_security_level = none
default_process_limit = 150
biff = no
append_dot_mydomain = no
readme_directory = no
${POSTFIX_EXTRA_MAIN_CF:-}
EOF
  # No chroot (5th column n); smtpd only on the loopback port; postlogd for maillog_file.
  cat > "$dir/etc/master.cf" <<EOF
127.0.0.1:$port inet n - n - - smtpd
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
  postfix_dir=$dir
  if ! postfix -c "$dir/etc" start >"$dir/start.log" 2>&1; then
    echo "postfix did not start:" >&2; cat "$dir/start.log" >&2; tail -20 "$dir/maillog" >&2 2>/dev/null; exit 1
  fi
  wait_listening "$port" 10 || { echo "postfix smtpd not listening on $port" >&2; tail -20 "$dir/maillog" >&2; exit 1; }
  mta_pid=$(tr -d ' ' < "$dir/queue/pid/master.pid")
  echo "    master pid $mta_pid, smtpd on 127.0.0.1:$port, relay.test -> sink on 127.0.0.1:$sink_port"
  run_mta postfix "$port"
  if grep -qE "(warning|error|fatal|panic):" "$dir/maillog"; then
    echo "    maillog has warnings (first lines):"; grep -E "(warning|error|fatal|panic):" "$dir/maillog" | head -5 | sed 's/^/      /'
  fi
  stop_postfix
  stop_pid "$sink_pid"; sink_pid=""
}

# ---------------------------------------------------------------------------------------------------- main
echo "bench-relay: MESSAGES=$messages SIZE=$size CONCURRENCY=\"${concurrency[*]}\" WARMUP=$warmup;" \
  "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%M:%SZ)"
for mta in "${mtas[@]}"; do "bench_$mta"; done

echo
printf '%-12s | %11s | %12s | %16s | %10s\n' MTA concurrency "accept msg/s" "end-to-end msg/s" "CPU ms/msg"
printf '%-12s-+-%11s-+-%12s-+-%16s-+-%10s\n' ------------ ----------- ------------ ---------------- ----------
for row in "${results[@]}"; do
  IFS='|' read -r name c accept e2e cpu <<< "$row"
  printf '%-12s | %11s | %12s | %16s | %10s\n' "$name" "$c" "$accept" "$e2e" "$cpu"
done
