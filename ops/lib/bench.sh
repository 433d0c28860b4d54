# Helpers shared by the benchmark scripts (sourced by ops/bench-relay.sh and ops/bench-cluster.sh).
wait_listening() {  # wait_listening PORT SECONDS
  local deadline=$((SECONDS + $2))
  while ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}
now() { echo "${EPOCHREALTIME/,/.}"; }   # bash 5: wall clock in µs, no fork
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" -v f="${3:-%.1f}" 'BEGIN { if (b > 0) printf f, a / b; else printf "-" }'; }
