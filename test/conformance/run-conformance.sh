#!/usr/bin/env bash
# Runs OpenStack's own Tempest against a freshly started Stratus and compares the failures with
# test/conformance/expected-failures.txt (each line: a test id, then '#' and the reason).
# A failure that is not listed fails the run; a listed test that now passes is reported so the
# list can shrink. Usage: test/conformance/run-conformance.sh
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${STRATUS_SHARED:-}
for cand in "$SHARED" "$ROOT/../shared" /work/shared; do
  [ -n "$cand" ] && [ -x "$cand/conformance/run-tempest.sh" ] && { SHARED=$cand; break; }
done
RUN_TEMPEST="$SHARED/conformance/run-tempest.sh"
[ -x "$RUN_TEMPEST" ] || { echo "conformance: run-tempest.sh not found (set STRATUS_SHARED)" >&2; exit 2; }
[ -x /usr/bin/tempest ] || { echo "conformance: tempest is not installed (apt-get install -y tempest)" >&2; exit 2; }

EXPECTED="$ROOT/test/conformance/expected-failures.txt"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stratus-conformance.XXXXXX")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  if [ -n "${STRATUS_CONFORMANCE_KEEP:-}" ]; then echo "conformance: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# NOTE: bcrypt at its lowest cost: Tempest logs in thousands of times, and the hash cost is the
# only thing that changes (the benchmark measures cost 12).
# NOTE: two fake compute hosts, as a multinode DevStack job has, so Tempest's migration and
# multinode tests run instead of skipping.
echo '{"bcryptCost": 4, "computeHosts": 2}' >"$WORK/stratus.json"
node "$ROOT/bin/stratus.js" up --port "$PORT" --data-dir "$WORK/data" --admin-password secret \
  --host-ip 127.0.0.1 --bind 127.0.0.1 --log-level warn --config "$WORK/stratus.json" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  grep -q ready "$WORK/server.log" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "conformance: server died:"; cat "$WORK/server.log"; exit 2; }
  sleep 0.5
done
grep -q ready "$WORK/server.log" || { echo "conformance: server not ready in 60 s"; cat "$WORK/server.log"; exit 2; }

# Two guest images, as DevStack uploads cirros before Tempest runs (compute's image_ref and
# image_ref_alt). The fake hypervisor boots any bytes.
BASE="http://127.0.0.1:$PORT"
TOKEN=$(curl -si "$BASE/identity/v3/auth/tokens" -H 'Content-Type: application/json' -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"id":"default"},"password":"secret"}}},"scope":{"project":{"name":"admin","domain":{"id":"default"}}}}}' \
  | awk -F': ' 'tolower($1)=="x-subject-token"{print $2}' | tr -d '\r')
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
  'image|^tempest\.api\.image\.v2\.'
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
"$RUN_TEMPEST" -q -c 4 --workdir "$WORK/tempest" --set identity-feature-enabled.access_rules=true \
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
/usr/bin/python3 - "$WORK/tempest/ws/.stestr" "$EXPECTED" "$WORK/interop.txt" "$WORK/selections.txt" <<'PYEOF'
import io, os, re, subprocess, sys, collections
import subunit, testtools
stestr_dir, expected_file, interop_file, selections_file = sys.argv[1:5]
raw = subprocess.run(['stestr', 'last', '--subunit'], cwd=os.path.dirname(stestr_dir), capture_output=True).stdout
status = {}
class Collect(testtools.StreamResult):
    def status(self, test_id=None, test_status=None, **kw):
        if test_id and test_status in ('success', 'fail', 'skip', 'xfail', 'uxsuccess'):
            status[test_id.split('[')[0]] = test_status
subunit.ByteStreamToStreamResult(io.BytesIO(raw), non_subunit_name='stdout').run(Collect())
expected = {}
for line in open(expected_file):
    line = line.strip()
    if not line or line.startswith('#'):
        continue
    name, _, reason = line.partition('#')
    expected[name.strip()] = reason.strip()
failed = {t for t, s in status.items() if s in ('fail', 'uxsuccess')}
interop = [l.strip().split('[')[0] for l in open(interop_file) if l.strip()]
for line in open(selections_file):
    name, _, regex = line.strip().partition('|')
    mine = {t: s for t, s in status.items() if re.match(regex, t)}
    c = collections.Counter('fail' if s in ('fail', 'uxsuccess') else s for s in mine.values())
    ran = c['success'] + c['fail']
    inter = [t for t in interop if re.match(regex, t)]
    inter_pass = sum(1 for t in inter if status.get(t) == 'success')
    print('CONFORMANCE %s: passed=%d failed=%d skipped=%d (%.1f%% of run tests pass); interop %d/%d pass'
          % (name, c['success'], c['fail'], c['skip'], 100.0 * c['success'] / max(ran, 1), inter_pass, len(inter)))
unexpected = sorted(failed - set(expected))
fixed = sorted(t for t in expected if status.get(t) == 'success')
for t in fixed:
    print('  NOW PASSING (remove from expected-failures.txt): %s' % t)
for t in unexpected:
    print('  UNEXPECTED FAILURE: %s' % t)
if not status:
    print('  no test ran'); sys.exit(1)
sys.exit(1 if unexpected else 0)
PYEOF
