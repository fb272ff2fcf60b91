# Sourced by bench/identity.sh: wrk runs measured the way /work/shared/baselines/bench-keystone.sh
# measures them (2xx-only req/s, wrk's p50/p99, server CPU from /proc over the run), for the
# requests that script does not make. Result lines have its format:
#   LABEL TEST c=N: R req/s p50=..ms p99=..ms mean=..ms errors=E (non2xx=.. timeout=..) eof_closes=..
#   server_cpu=.. cores cpu_per_req=..ms host_cpu=.. steal=.. cores
# Needs: WORK (a scratch dir), SERVER_PID (server master; it and its descendants are measured).

CLK_TCK=$(getconf CLK_TCK)

server_pids() {                       # master + all descendants
  [[ -n ${SERVER_PID:-} ]] || return 0
  local todo=("$SERVER_PID") out=() p
  while ((${#todo[@]})); do
    p=${todo[0]}; todo=("${todo[@]:1}")
    [[ -d /proc/$p ]] || continue
    out+=("$p")
    # shellcheck disable=SC2207
    todo+=($(cat /proc/"$p"/task/*/children 2>/dev/null || true))
  done
  echo "${out[@]}"
}
server_ticks() {
  local t=0 p f
  for p in $(server_pids); do
    f=$(cat /proc/"$p"/stat 2>/dev/null) || continue
    f=${f##*) }
    # shellcheck disable=SC2086
    set -- $f
    t=$((t + ${12} + ${13}))
  done
  echo "$t"
}
wait_idle() {                         # until the server uses < 0.05 core (uwsgi finishes abandoned requests)
  local i a b
  for i in $(seq 1 180); do
    a=$(server_ticks); sleep 1; b=$(server_ticks)
    (( (b - a) * 100 < 5 * CLK_TCK )) && return 0
  done
  echo "# warning: server still busy after 180 s" >&2
}
host_busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
host_steal_ticks() { awk '/^cpu /{print $9}' /proc/stat; }
rss_mib() {                           # total VmRSS of the server processes, MiB
  local r=0 p v
  for p in $(server_pids); do
    v=$(awk '/^VmRSS:/{print $2}' /proc/"$p"/status 2>/dev/null); r=$((r + ${v:-0}))
  done
  awk -v r="$r" 'BEGIN{printf "%.1f", r/1024}'
}

write_done_lua() {                    # wrk done() hook writing the raw figures to $WRK_RESULT
  cat > "$WORK/done.lua" <<'EOF'
done = function(s, latency, requests)
  local f = assert(io.open(os.getenv("WRK_RESULT"), "w"))
  f:write(string.format("%d %d %d %d %d %d %d %.3f %.3f %.3f %.3f\n",
    s.requests, s.duration, s.errors.connect, s.errors.read, s.errors.write,
    s.errors.status, s.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, latency.max / 1000))
  f:close()
end
EOF
}

lua_string() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }

# post_lua FILE JSON: a wrk script POSTing JSON
post_lua() {
  {
    echo 'wrk.method = "POST"'
    echo "wrk.body = \"$(lua_string "$2")\""
    echo 'wrk.headers["Content-Type"] = "application/json"'
    cat "$WORK/done.lua"
  } > "$1"
}
# get_lua FILE TOKEN [SUBJECT]: a wrk script GETting with X-Auth-Token (and X-Subject-Token)
get_lua() {
  {
    echo "wrk.headers[\"X-Auth-Token\"] = \"$2\""
    [[ -n ${3:-} ]] && echo "wrk.headers[\"X-Subject-Token\"] = \"$3\""
    cat "$WORK/done.lua"
  } > "$1"
}

# issue_token BASE_URL JSON: prints the X-Subject-Token of POST /v3/auth/tokens
issue_token() {
  curl -fsS -D - -o /dev/null -H 'Content-Type: application/json' -d "$2" "$1/v3/auth/tokens" |
    awk 'tolower($1)=="x-subject-token:"{sub(/\r$/,"",$2); print $2}'
}

# wrk_line LABEL TEST C RESULT_FILE SERVER_TICKS HOST_TICKS STEAL_TICKS: the summary line
wrk_line() {
  local req dur_us econn eread ewrite estatus etimeout p50 p99 mean max
  read -r req dur_us econn eread ewrite estatus etimeout p50 p99 mean max < "$4"
  awk -v label="$1" -v test="$2" -v c="$3" -v req="$req" -v dur="$dur_us" \
      -v p50="$p50" -v p99="$p99" -v mean="$mean" -v errs=$((econn + ewrite + estatus + etimeout)) \
      -v est="$estatus" -v eto="$etimeout" -v erd="$eread" -v sd="$5" -v hd="$6" -v std="$7" -v tck="$CLK_TCK" \
      'BEGIN {
         secs = dur / 1e6; ok = req - est
         printf "%s %s c=%d: %.1f req/s p50=%.1fms p99=%.1fms mean=%.1fms errors=%d (non2xx=%d timeout=%d) eof_closes=%d server_cpu=%.2f cores cpu_per_req=%.1fms host_cpu=%.2f steal=%.2f cores\n",
           label, test, c, ok / secs, p50, p99, mean, errs, est, eto, erd,
           sd / tck / secs, (ok > 0 ? sd / tck * 1000 / ok : 0), hd / tck / secs, std / tck / secs
       }'
}

# run_wrk LABEL TEST C URL LUA: warm-up, then a measured run of DURATION seconds
run_wrk() {
  local label=$1 test=$2 c=$3 url=$4 lua=$5 t s0 s1 h0 h1 st0 st1
  t=$(( c < 2 ? 1 : 2 ))
  wait_idle
  if ((WARMUP > 0)); then
    WRK_RESULT=$WORK/warm wrk -t"$t" -c"$c" -d"${WARMUP}s" --timeout 30s -s "$lua" "$url" >/dev/null
    wait_idle
  fi
  s0=$(server_ticks); h0=$(host_busy_ticks); st0=$(host_steal_ticks)
  WRK_RESULT=$WORK/result wrk -t"$t" -c"$c" -d"${DURATION}s" --timeout 30s -s "$lua" "$url" >/dev/null
  s1=$(server_ticks); h1=$(host_busy_ticks); st1=$(host_steal_ticks)
  wrk_line "$label" "$test" "$c" "$WORK/result" $((s1 - s0)) $((h1 - h0)) $((st1 - st0))
}

# run_pair LABEL TEST_A C_A URL_A LUA_A TEST_B C_B URL_B LUA_B: both loads at the same time for
# DURATION seconds (after a common warm-up); one line each (server CPU is the sum of both loads).
run_pair() {
  local label=$1 s0 s1 h0 h1 st0 st1 pa pb ta tb
  ta=$(( $3 < 2 ? 1 : 2 )); tb=$(( $7 < 2 ? 1 : 2 ))
  wait_idle
  if ((WARMUP > 0)); then
    WRK_RESULT=$WORK/warm-a wrk -t"$ta" -c"$3" -d"${WARMUP}s" --timeout 30s -s "$5" "$4" >/dev/null & pa=$!
    WRK_RESULT=$WORK/warm-b wrk -t"$tb" -c"$7" -d"${WARMUP}s" --timeout 30s -s "$9" "$8" >/dev/null & pb=$!
    wait "$pa" "$pb"
    wait_idle
  fi
  s0=$(server_ticks); h0=$(host_busy_ticks); st0=$(host_steal_ticks)
  WRK_RESULT=$WORK/result-a wrk -t"$ta" -c"$3" -d"${DURATION}s" --timeout 30s -s "$5" "$4" >/dev/null & pa=$!
  WRK_RESULT=$WORK/result-b wrk -t"$tb" -c"$7" -d"${DURATION}s" --timeout 30s -s "$9" "$8" >/dev/null & pb=$!
  wait "$pa" "$pb"
  s1=$(server_ticks); h1=$(host_busy_ticks); st1=$(host_steal_ticks)
  wrk_line "$label" "$2" "$3" "$WORK/result-a" $((s1 - s0)) $((h1 - h0)) $((st1 - st0))
  wrk_line "$label" "$6" "$7" "$WORK/result-b" $((s1 - s0)) $((h1 - h0)) $((st1 - st0))
}
