# What run-conformance.sh and run-scenarios.sh share; sourced, with NAME (the prefix of their
# messages) and ROOT set. Sets SHARED and RUN_TEMPEST, or exits 2 when Tempest or its runner is missing.
SHARED=${STRATUS_SHARED:-}
for cand in "$SHARED" "$ROOT/../shared" /work/shared; do
  [ -n "$cand" ] && [ -x "$cand/conformance/run-tempest.sh" ] && { SHARED=$cand; break; }
done
RUN_TEMPEST="$SHARED/conformance/run-tempest.sh"
[ -x "$RUN_TEMPEST" ] || { echo "$NAME: run-tempest.sh not found (set STRATUS_SHARED)" >&2; exit 2; }
[ -x /usr/bin/tempest ] || { echo "$NAME: tempest is not installed (apt-get install -y tempest)" >&2; exit 2; }

# wait_ready PID LOG SECONDS: until the server logs `ready`; exits 2 with its log if it dies or is late.
wait_ready() {
  local pid=$1 log=$2 tries=$(( $3 * 2 ))
  for _ in $(seq 1 "$tries"); do
    grep -q ready "$log" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "$NAME: server died:"; cat "$log"; exit 2; }
    sleep 0.5
  done
  echo "$NAME: server not ready in $3 s"; cat "$log"; exit 2
}

# admin_token BASE: a token of admin in the admin project (admin's password is `secret`).
admin_token() {
  curl -si "$1/identity/v3/auth/tokens" -H 'Content-Type: application/json' -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"id":"default"},"password":"secret"}}},"scope":{"project":{"name":"admin","domain":{"id":"default"}}}}}' \
    | awk -F': ' 'tolower($1)=="x-subject-token"{print $2}' | tr -d '\r'
}
