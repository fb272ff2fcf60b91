#!/usr/bin/env bash
# Runs OpenStack's own Tempest against a freshly started Stratus and compares the failures with
# test/conformance/expected-failures.txt (each line: a test id, then '#' and the reason).
# A failure that is not listed fails the run; a listed test that now passes is reported so the
# list can shrink. Usage: test/conformance/run-conformance.sh
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NAME=conformance
. "$ROOT/test/conformance/lib.sh"

EXPECTED="$ROOT/test/conformance/expected-failures.txt"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stratus-conformance.XXXXXX")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SERVER_PID="" HTTP_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [ -n "$HTTP_PID" ] && kill "$HTTP_PID" 2>/dev/null && wait "$HTTP_PID" 2>/dev/null
  if [ -n "${STRATUS_CONFORMANCE_KEEP:-}" ]; then echo "conformance: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# NOTE: bcrypt at its lowest cost: Tempest logs in thousands of times, and the hash cost is the
# only thing that changes (the benchmark measures cost 12).
# NOTE: two fake compute hosts, as a multinode DevStack job has, so Tempest's migration and
# multinode tests run instead of skipping.
# NOTE: the web-download import fetches Tempest's image.http_image. Tempest's default is on the
# internet, which these machines do not reach: the run serves an image of its own over HTTP on
# 127.0.0.1 instead, and the cloud's import filter allows that port beside Glance's 80 and 443 (as
# a deployment's [import_filtering_opts] allowed_ports would).
HTTP_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/www" && head -c 1048576 /dev/urandom >"$WORK/www/cirros.img"
/usr/bin/python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$WORK/www" >"$WORK/http.log" 2>&1 &
HTTP_PID=$!
echo "{\"bcryptCost\": 4, \"computeHosts\": 2, \"imageImportFiltering\": {\"allowedPorts\": [80, 443, $HTTP_PORT]}}" >"$WORK/stratus.json"
node "$ROOT/bin/stratus.js" up --port "$PORT" --data-dir "$WORK/data" --admin-password secret \
  --host-ip 127.0.0.1 --bind 127.0.0.1 --log-level warn --config "$WORK/stratus.json" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_ready "$SERVER_PID" "$WORK/server.log" 60

# Two guest images, as DevStack uploads cirros before Tempest runs (compute's image_ref and
# image_ref_alt). The fake hypervisor boots any bytes.
BASE="http://127.0.0.1:$PORT"
TOKEN=$(admin_token "$BASE")
# NOTE: a real (empty) qcow2 when qemu-img is there: volumes made from it are converted by the file driver.
if [ -x /usr/bin/qemu-img ]; then /usr/bin/qemu-img create -q -f qcow2 "$WORK/guest.img" 64M; else head -c 65536 /dev/urandom >"$WORK/guest.img"; fi
for name in cirros cirros-alt; do
  IMAGE_ID=$(curl -s "$BASE/image/v2/images" -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$name\",\"disk_format\":\"qcow2\",\"container_format\":\"bare\",\"visibility\":\"public\"}" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  curl -sf -X PUT "$BASE/image/v2/images/$IMAGE_ID/file" -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/octet-stream' \
    --data-binary @"$WORK/guest.img" || { echo "conformance: image upload failed"; exit 2; }
done

# What runs: one line per service, "name|tempest regex". A service joins when it runs in the
# cloud and its selection passes at the level its issue asks for.
SELECTIONS=(
  'identity|^tempest\.api\.identity\.(admin\.)?v3\.'
  'image|^tempest\.api\.image\.v2\.|^tempest\.scenario\.test_unified_limits\.'
  'network|^tempest\.api\.network\.'
  'compute|^tempest\.api\.compute\.'
  'volume|^tempest\.api\.volume\.'
  'object-store|^tempest\.api\.object_storage\.'
)
# NOTE: STRATUS_CONFORMANCE_ONLY="volume image" runs only those selections (while working on them).
if [ -n "${STRATUS_CONFORMANCE_ONLY:-}" ]; then
  kept=()
  for s in "${SELECTIONS[@]}"; do case " $STRATUS_CONFORMANCE_ONLY " in *" ${s%%|*} "*) kept+=("$s") ;; esac; done
  SELECTIONS=("${kept[@]}")
fi
REGEX=$(printf '%s\n' "${SELECTIONS[@]}" | cut -d'|' -f2- | paste -sd'|')
printf '%s\n' "${SELECTIONS[@]}" >"$WORK/selections.txt"
cat "$SHARED"/conformance/interop-2022.11-*-tempest33.txt | grep -v '^#' | sort -u >"$WORK/interop.txt"
# Tempest is told exactly which services run (from /healthz): run-tempest.sh would otherwise
# assume all of them when the catalog has none but identity.
RUNNING=$(curl -s "http://127.0.0.1:$PORT/healthz" | /usr/bin/python3 -c '
import json, sys
names = {"compute": "nova", "image": "glance", "network": "neutron", "volume": "cinder", "object-store": "swift"}
print(" ".join(names[s] for s in json.load(sys.stdin)["services"] if s in names) or "identity")')
export OS_AUTH_URL="http://127.0.0.1:$PORT/identity/v3" OS_PASSWORD=secret TEMPEST_SERVICES=${TEMPEST_SERVICES:-$RUNNING}
# NOTE: Swift's middlewares Stratus serves (its /info lists the same). Container sync runs within
# this cloud (realm1/name1, Tempest's defaults: test_container_sync_middleware); the old-style
# test_container_sync stays off (container_sync=false; Tempest skips it for bug 1317133 anyway).
SWIFT_APIS=account_quotas,bulk_delete,bulk_upload,container_quotas,container_sync,crossdomain,formpost,slo,staticweb,tempurl
# NOTE: backups run (Cinder's backup service, as DevStack's c-bak). Tempest is told the volume backend's storage protocol (as DevStack's TEMPEST_STORAGE_PROTOCOL
# tells it the backend's): the file driver's volumes are files, not iSCSI targets.
# NOTE: Nova's volume swap runs (the fake and QEMU drivers both swap: Tempest's admin test_volume_swap).
# NOTE: multiattach volumes run (Tempest 33 makes them with Zed's deprecated `multiattach` flag).
# NOTE: Cinder's manage and unmanage run. Tempest's manage_snapshot_ref defaults to LVM's snapshot
# names (_snapshot-<id>); Stratus's block-storage drivers name snapshots snapshot-<id> (Cinder's
# snapshot_name_template), so it is told so, as Ceph deployments tell it. Volumes are volume-<id>,
# Tempest's default manage_volume_ref.
# NOTE: 4 workers on 2 cores: much of a run is Tempest sleeping (Debian's subnets client waits 10 s
# before every subnet delete), not work.
"$RUN_TEMPEST" -q -c 4 --workdir "$WORK/tempest" --set identity-feature-enabled.access_rules=true --set image-feature-enabled.import_image=true \
  --set image-feature-enabled.os_glance_reserved=true --set "image.http_image=http://127.0.0.1:$HTTP_PORT/cirros.img" \
  --set volume.storage_protocol=file --set volume-feature-enabled.backup=true \
  --set volume-feature-enabled.extend_attached_volume=true --set compute-feature-enabled.swap_volume=true \
  --set compute-feature-enabled.volume_multiattach=true \
  --set volume-feature-enabled.manage_volume=true --set volume-feature-enabled.manage_snapshot=true \
  --set 'volume.manage_snapshot_ref=source-name,snapshot-%s' \
  --set compute.min_compute_nodes=2 --set compute-feature-enabled.cold_migration=true \
  --set compute-feature-enabled.live_migration=true --set compute-feature-enabled.block_migration_for_live_migration=true \
  --set compute-feature-enabled.volume_backed_live_migration=true \
  --set object-storage-feature-enabled.container_sync=false --set "object-storage-feature-enabled.discoverable_apis=$SWIFT_APIS" "($REGEX)" >"$WORK/tempest.out" 2>&1
cat "$WORK/tempest.out" | grep -v '^  FAILED' | grep -v 'kept workspace' || true

# Failures by test id (without the [id-...] tags), setUpClass failures by class.
/usr/bin/python3 "$ROOT/test/conformance/report.py" "$WORK/tempest/ws/.stestr" "$EXPECTED" "$WORK/selections.txt" "$WORK/interop.txt"
