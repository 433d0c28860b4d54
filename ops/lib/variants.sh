# Interleaved variant runs of the relay benchmark (sourced by ops/bench-dkim.sh and ops/bench-sender-auth.sh).
#
#   declare -A variant_conf=([name]="extra HOCON" ...); variants=(name ...)
#   run_variants REPEAT      runs ops/bench-relay.sh (MailCluster only) once per variant per round, with
#                            MAILCLUSTER_EXTRA_CONF set to the variant's HOCON, and prints each run's row
#   print_variants LABEL     per variant: median end-to-end msg/s and CPU ms/msg, and CPU added to the first variant
# Interleaving puts the machine's noise on every variant alike. Functions only; sourcing it changes no shell options.

declare -A variant_e2e variant_cpu

run_variants() {
  local run v out row r_e2e r_cpu
  for run in $(seq 1 "$1"); do
    for v in "${variants[@]}"; do
      out=$(MAILCLUSTER_EXTRA_CONF="${variant_conf[$v]}" ONLY=mailcluster bash ops/bench-relay.sh 2>&1) || { echo "$out" >&2; return 1; }
      row=$(echo "$out" | grep -E '^mailcluster +\|' | tail -1)
      echo "run $run $v: $row"
      IFS='|' read -r _ _ _ r_e2e r_cpu <<< "$row"
      variant_e2e[$v]+="$(echo "$r_e2e" | tr -d ' ') "
      variant_cpu[$v]+="$(echo "$r_cpu" | tr -d ' ') "
    done
  done
}

median() { tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

print_variants() {
  local v m_cpu added base
  echo
  printf '%-8s | %16s | %10s | %14s\n' "$1" "end-to-end msg/s" "CPU ms/msg" "added ms/msg"
  printf '%-8s-+-%16s-+-%10s-+-%14s\n' -------- ---------------- ---------- --------------
  base=$(echo "${variant_cpu[${variants[0]}]}" | median)
  for v in "${variants[@]}"; do
    m_cpu=$(echo "${variant_cpu[$v]}" | median)
    added=$(awk -v a="$m_cpu" -v b="$base" 'BEGIN { if (a == "n/a" || b == "n/a") print "n/a"; else printf "%+.2f\n", a - b }')
    printf '%-8s | %16s | %10s | %14s\n' "$v" "$(echo "${variant_e2e[$v]}" | median)" "$m_cpu" "$added"
  done
}
