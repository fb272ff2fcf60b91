#!/usr/bin/env bash
# Image upload benchmark: a SIZE_MIB (1024) image streamed through PUT /image/v2/images/{id}/file
# and downloaded again, with the server's peak RSS (VmHWM) before and after, so one can see that
# bytes are never buffered whole (peak RSS must stay far below the image size).
#
#   bench/image-upload.sh            # 1 GiB
#   SIZE_MIB=4096 bench/image-upload.sh
#
# Benchmarks report, they never fail: the exit status is 0 unless the script itself broke.
set -uo pipefail
export LC_ALL=C
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZE_MIB=${SIZE_MIB:-1024}
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stratus-image-bench.XXXXXX")
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

node "$REPO/bin/stratus.js" up --port "$PORT" --data-dir "$WORK/data" --bind 127.0.0.1 --log-level warn >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do grep -q ready "$WORK/server.log" && break; sleep 0.5; done
grep -q ready "$WORK/server.log" || { echo "server not ready"; cat "$WORK/server.log"; exit 1; }
# NOTE: `up` may run the server in a child; measure the process that listens on the port.
PID=$(ss -ltnpH "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
PID=${PID:-$SERVER}
hwm() { awk '/VmHWM/ {print int($2/1024)}' "/proc/$PID/status"; }
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$PID/status"; }

BASE=http://127.0.0.1:$PORT
TOKEN=$(curl -si -H 'Content-Type: application/json' -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"id":"default"},"password":"secret"}}},"scope":{"project":{"name":"admin","domain":{"id":"default"}}}}}' \
  "$BASE/identity/v3/auth/tokens" | awk 'tolower($1)=="x-subject-token:" {print $2}' | tr -d '\r')
ID=$(curl -s -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' -d '{"name":"bench","disk_format":"raw","container_format":"bare"}' "$BASE/image/v2/images" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
IDLE_RSS=$(rss)

START=$(date +%s.%N)
head -c "$((SIZE_MIB * 1048576))" /dev/zero | curl -s -o /dev/null -w '%{http_code}' -T - -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/octet-stream' "$BASE/image/v2/images/$ID/file" >"$WORK/code"
END=$(date +%s.%N)
UP_PEAK=$(hwm)
DSTART=$(date +%s.%N)
GOT=$(curl -s -H "X-Auth-Token: $TOKEN" "$BASE/image/v2/images/$ID/file" | wc -c)
DEND=$(date +%s.%N)

printf 'image upload bench: %d MiB, upload HTTP %s in %.1f s (%.0f MiB/s), download %d bytes in %.1f s\n' \
  "$SIZE_MIB" "$(cat "$WORK/code")" "$(echo "$END - $START" | bc)" "$(echo "$SIZE_MIB / ($END - $START)" | bc -l)" "$GOT" "$(echo "$DEND - $DSTART" | bc)"
printf 'server RSS: idle %d MiB, peak after upload %d MiB, peak after download %d MiB (image %d MiB)\n' "$IDLE_RSS" "$UP_PEAK" "$(hwm)" "$SIZE_MIB"
