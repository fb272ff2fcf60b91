#!/usr/bin/env bash
# Identity benchmark: Stratus against Debian's real Keystone, measured in the same run.
#
#   sudo bench/identity.sh [--quick] [--no-keystone]
#
# 1. the machine's bcrypt limit (cores ÷ one cost-12 hash, bench/lib/bcrypt-limit.mjs);
# 2. Debian's Keystone (Zed, uwsgi 8×32, SQLite, Fernet, bcrypt 12), set up fresh by
#    BASELINES/setup-keystone.sh, loaded by BASELINES/bench-keystone.sh (token issue, token
#    validation, user list at each c in CONNS) plus token issue by the `token` method, then stopped;
# 3. Stratus from the bundle (`node bin/stratus.js up`, fresh data dir, bcrypt 12, --log-level warn):
#    start-to-ready (first start on an empty data dir, median of RESTARTS restarts) and idle RSS,
#    with every service of the build and with identity only,
#    then the same bench-keystone.sh, the `token` method, and password token issue with a
#    concurrent validation load (its latency shows whether hashing ever blocks the event loop);
# 4. a table of both, with the ratios and the targets.
# Benchmarks report, they never fail: the exit status is 0 unless the script itself broke.
#
# Options: --quick        DURATION=5 WARMUP=1 CONNS="1 8" (a smoke run, about 5 minutes)
#          --no-keystone  Stratus only (the table then has no Keystone columns)
# Environment: DURATION (20) WARMUP (3) CONNS ("1 8 32") RESTARTS (5) PORT (a free one)
#   BASELINES  directory of setup-keystone.sh/bench-keystone.sh (default: ../shared/baselines
#              beside the repository, else /work/shared/baselines)
# Keystone needs root (it installs Debian packages on first use and writes /etc/keystone).
set -uo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
QUICK=; WITH_KEYSTONE=1
for arg in "$@"; do
  case $arg in
    --quick) QUICK=1 ;;
    --no-keystone) WITH_KEYSTONE= ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done
if [[ -n $QUICK ]]; then DURATION=${DURATION:-5}; WARMUP=${WARMUP:-1}; CONNS=${CONNS:-1 8}; fi
export DURATION=${DURATION:-20} WARMUP=${WARMUP:-3} CONNS=${CONNS:-1 8 32}
RESTARTS=${RESTARTS:-5}

if [[ -z ${BASELINES:-} ]]; then
  for d in "$REPO/../shared/baselines" /work/shared/baselines; do
    [[ -x $d/bench-keystone.sh ]] && { BASELINES=$(cd "$d" && pwd); break; }
  done
fi
[[ -n ${BASELINES:-} && -x $BASELINES/bench-keystone.sh ]] || { echo "bench-keystone.sh not found; set BASELINES" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk missing (apt-get install wrk)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/bench-identity.XXXXXX)
RESULTS=$WORK/results.txt
: > "$RESULTS"
KS_STARTED=; ST_PID=
cleanup() {
  if [[ -n $KS_STARTED ]]; then "$BASELINES/setup-keystone.sh" stop >/dev/null 2>&1 || true; fi
  if [[ -n $ST_PID ]] && kill -0 "$ST_PID" 2>/dev/null; then
    kill -TERM "$ST_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$ST_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$ST_PID" 2>/dev/null && kill -KILL "$ST_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=lib/measure.sh
source "$REPO/bench/lib/measure.sh"
write_done_lua
log() { printf '[bench] %s\n' "$*" >&2; }
kv() { echo "kv $1 $2" >> "$RESULTS"; }
record() { tee -a "$RESULTS"; }

USER_NAME=admin PASSWORD=secret PROJECT=admin DOMAIN=Default
PASSWORD_BODY=$(printf '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","domain":{"name":"%s"},"password":"%s"}}},"scope":{"project":{"name":"%s","domain":{"name":"%s"}}}}}' \
  "$USER_NAME" "$DOMAIN" "$PASSWORD" "$PROJECT" "$DOMAIN")
token_body() {
  printf '{"auth":{"identity":{"methods":["token"],"token":{"id":"%s"}},"scope":{"project":{"name":"%s","domain":{"name":"%s"}}}}}' "$1" "$PROJECT" "$DOMAIN"
}

# token issue by the `token` method (rescoping a project token to the project), at each c
bench_token_method() {              # LABEL BASE_URL
  local tok c
  tok=$(issue_token "$2" "$PASSWORD_BODY")
  [[ -n $tok ]] || { log "$1: no token from $2"; return 1; }
  post_lua "$WORK/token-method.lua" "$(token_body "$tok")"
  curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "$(token_body "$tok")" "$2/v3/auth/tokens" ||
    { log "$1: token-method request fails"; return 1; }
  for c in $CONNS; do run_wrk "$1" token-issue-token "$c" "$2/v3/auth/tokens" "$WORK/token-method.lua" | record; done
}

# ------------------------------------------------------------------ machine
{
  echo "# identity benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname): $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
  echo "# $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), node $(node --version), stratus $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)"
  echo "# duration=${DURATION}s warmup=${WARMUP}s conns=[$CONNS] restarts=$RESTARTS; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | record
kv date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
kv machine "$(nproc)-core $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //; s/ /_/g')"

log "bcrypt limit (cost 12, the bcrypt binding Stratus uses)"
(cd "$REPO" && node bench/lib/bcrypt-limit.mjs --cost 12 --runs 5) | tee "$WORK/bcrypt.txt" | sed 's/^/# bcrypt /'
while read -r k v; do kv "bcrypt.$k" "$v"; done < "$WORK/bcrypt.txt"

# ------------------------------------------------------------------ Keystone
if [[ -n $WITH_KEYSTONE ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    log "not root: Keystone is skipped (setup-keystone.sh needs root)"
  else
    skip_apt=; { command -v keystone-manage && command -v uwsgi_python3 && command -v openstack; } >/dev/null 2>&1 && skip_apt=1
    log "setting up Debian's Keystone (setup-keystone.sh, about a minute)"
    KS_STARTED=1
    if SKIP_APT=$skip_apt "$BASELINES/setup-keystone.sh" start > "$WORK/ks-setup.log" 2>&1; then
      KS_PID=$(cat /tmp/keystone-bench/keystone-uwsgi.pid)
      kv keystone.version "$(dpkg-query -W -f='${Version}' keystone 2>/dev/null)"
      log "Keystone up (uwsgi master $KS_PID); bench-keystone.sh"
      LABEL=keystone SERVER_PID=$KS_PID "$BASELINES/bench-keystone.sh" | record
      log "Keystone: token issue by the token method"
      SERVER_PID=$KS_PID bench_token_method keystone http://127.0.0.1:5000
      SERVER_PID=$KS_PID; echo "keystone rss_after_load $(rss_mib) MiB" | record; SERVER_PID=
    else
      log "Keystone setup failed; see below. Continuing with Stratus only."; tail -20 "$WORK/ks-setup.log" >&2
    fi
    "$BASELINES/setup-keystone.sh" stop >/dev/null 2>&1; KS_STARTED=
  fi
fi

# ------------------------------------------------------------------ Stratus
PORT=${PORT:-$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}
ST_URL=http://127.0.0.1:$PORT/identity
log "Stratus, identity only (STRATUS_SERVICES=identity): start-to-ready on port $PORT"
if (cd "$REPO" && STRATUS_SERVICES=identity node bench/lib/startup.mjs --port "$PORT" --data-dir "$WORK/identity-data" --restarts "$RESTARTS" --idle-ms 2000) > "$WORK/startup-identity.txt"; then
  while read -r k v; do kv "startup_identity.$k" "$v"; done < "$WORK/startup-identity.txt"
  sed 's/^/# startup, identity only: /' "$WORK/startup-identity.txt"
fi
log "Stratus: start-to-ready (first start + $RESTARTS restarts) on port $PORT"
if ! (cd "$REPO" && node bench/lib/startup.mjs --port "$PORT" --data-dir "$WORK/stratus-data" --restarts "$RESTARTS" --idle-ms 2000 --keep) > "$WORK/startup.txt"; then
  log "Stratus did not start"; cat "$WORK"/stratus-*.log >&2; exit 1
fi
while read -r k v; do kv "startup.$k" "$v"; done < "$WORK/startup.txt"
ST_PID=$(awk '$1=="pid"{print $2}' "$WORK/startup.txt")
sed 's/^/# startup /' "$WORK/startup.txt"
log "Stratus up (pid $ST_PID); bench-keystone.sh against $ST_URL"
KS_URL=$ST_URL LABEL=stratus SERVER_PID=$ST_PID "$BASELINES/bench-keystone.sh" | record
export SERVER_PID=$ST_PID
log "Stratus: token issue by the token method"
bench_token_method stratus "$ST_URL"
log "Stratus: password token issue (c=8) with a concurrent validation load (c=1)"
ADMIN=$(issue_token "$ST_URL" "$PASSWORD_BODY"); SUBJECT=$(issue_token "$ST_URL" "$PASSWORD_BODY")
post_lua "$WORK/issue.lua" "$PASSWORD_BODY"
get_lua "$WORK/validate.lua" "$ADMIN" "$SUBJECT"
run_pair stratus token-issue+validate 8 "$ST_URL/v3/auth/tokens" "$WORK/issue.lua" \
  token-validate+issue 1 "$ST_URL/v3/auth/tokens" "$WORK/validate.lua" | record
echo "stratus rss_after_load $(rss_mib) MiB" | record
kill -TERM "$ST_PID"; for _ in $(seq 1 50); do kill -0 "$ST_PID" 2>/dev/null || break; sleep 0.1; done; ST_PID=

# ------------------------------------------------------------------ report
echo
node "$REPO/bench/lib/report.mjs" "$RESULTS"
