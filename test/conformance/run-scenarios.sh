#!/usr/bin/env bash
# Tempest's scenario tests with validation on (ssh into guests through their floating IPs), run
# against a cloud of real guests: --hypervisor qemu (TCG here) and --network-driver linux, as root.
# Failures are compared with test/conformance/expected-failures.txt as in run-conformance.sh.
#
# The cloud's outside is a network namespace of this run: it holds the external network's
# gateway (203.0.113.1 on a veth whose other end is the cloud's external interface) and Tempest
# itself, which reaches the cloud's API over a second veth (198.51.100.1/30 on the host's end,
# where the cloud listens). Nothing touches the machine's own interfaces.
# Usage: test/conformance/run-scenarios.sh [regex]   (skips, exit 0, when not root or without qemu)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${STRATUS_SHARED:-}
for cand in "$SHARED" "$ROOT/../shared" /work/shared; do
  [ -n "$cand" ] && [ -x "$cand/conformance/run-tempest.sh" ] && { SHARED=$cand; break; }
done
RUN_TEMPEST="$SHARED/conformance/run-tempest.sh"
[ -x "$RUN_TEMPEST" ] || { echo "scenarios: run-tempest.sh not found (set STRATUS_SHARED)" >&2; exit 2; }
[ -x /usr/bin/tempest ] || { echo "scenarios: tempest is not installed (apt-get install -y tempest)" >&2; exit 2; }
skip() { echo "scenarios: SKIPPED: $1"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root (taps, bridges, namespaces)"
for t in qemu-system-x86_64 dnsmasq nft; do command -v "$t" >/dev/null || skip "$t is not installed"; done

# What runs: the scenarios of compute, networking and block storage that log into guests.
# NOTE: at most two guests boot at once here (TCG); Tempest runs with one worker.
REGEX=${1:-'^tempest\.scenario\.(test_server_basic_ops|test_minimum_basic\.TestMinimumBasicScenario\.test_minimum_basic_scenario|test_network_basic_ops\.TestNetworkBasicOps\.test_network_basic_ops|test_snapshot_pattern|test_volume_boot_pattern\.TestVolumeBootPattern\.test_volume_boot_pattern|test_security_groups_basic_ops\.TestSecurityGroupsBasicOps\.test_cross_tenant_traffic)'}
EXPECTED="$ROOT/test/conformance/expected-failures.txt"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stratus-scenarios.XXXXXX")
TAG=sc$(( $$ % 100000 ))
NS=$TAG-out EXT=${TAG}x API=${TAG}a API_IP=198.51.100.1
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  # NOTE: guests and the dataplane outlive the cloud by design: end this run's own.
  [ -d "$WORK/data" ] && node --import tsx "$ROOT/test/conformance/end-guests.ts" "$WORK/data" 2>&1 | sed 's/^/scenarios: /'
  ip netns del "$NS" 2>/dev/null; ip link del "$EXT" 2>/dev/null; ip link del "$API" 2>/dev/null
  if [ -n "${STRATUS_CONFORMANCE_KEEP:-}" ]; then echo "scenarios: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

ip netns add "$NS" || exit 2
ip link add "$EXT" type veth peer name eth0 netns "$NS" && ip link set "$EXT" up
ip link add "$API" type veth peer name api0 netns "$NS"
ip addr add "$API_IP/30" dev "$API" && ip link set "$API" up
inns() { ip netns exec "$NS" "$@"; }
inns ip link set lo up
inns ip addr add 203.0.113.1/24 dev eth0 && inns ip link set eth0 up
inns ip addr add 198.51.100.2/30 dev api0 && inns ip link set api0 up

# NOTE: the external network as DevStack's local.conf names it, on this run's TEST-NET-3 outside;
# VNIs of its own, so that another cloud of real networks on this host does not collide with it.
cat >"$WORK/local.conf" <<EOF
[[local|localrc]]
FLOATING_RANGE=203.0.113.0/24
PUBLIC_NETWORK_GATEWAY=203.0.113.1
Q_FLOATING_ALLOCATION_POOL=start=203.0.113.100,end=203.0.113.200
TENANT_TUNNEL_RANGES=7000:7999
EOF
node "$ROOT/bin/stratus.js" up --port "$PORT" --data-dir "$WORK/data" --admin-password secret \
  --host-ip "$API_IP" --bind "$API_IP" --log-level warn --config "$WORK/local.conf" \
  --hypervisor qemu --accel tcg --network-driver linux --external-interface "$EXT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  grep -q ready "$WORK/server.log" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "scenarios: server died:"; cat "$WORK/server.log"; exit 2; }
  sleep 0.5
done
grep -q ready "$WORK/server.log" || { echo "scenarios: server not ready"; cat "$WORK/server.log"; exit 2; }

BASE="http://$API_IP:$PORT"
TOKEN=$(curl -si "$BASE/identity/v3/auth/tokens" -H 'Content-Type: application/json' -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"id":"default"},"password":"secret"}}},"scope":{"project":{"name":"admin","domain":{"id":"default"}}}}}' \
  | awk -F': ' 'tolower($1)=="x-subject-token"{print $2}' | tr -d '\r')
api() { curl -sf "$BASE$1" -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' "${@:2}"; }
py() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# The image the first start uploaded (as DevStack uploads CirrOS), and flavors a TCG guest boots in.
IMAGE=$(api '/image/v2/images?name=cirros' | py 'd["images"][0]["id"]') || { echo "scenarios: no cirros image"; exit 2; }
for f in 's.tiny 128' 's.small 192'; do
  set -- $f
  api /compute/v2.1/flavors -d "{\"flavor\":{\"name\":\"$1\",\"ram\":$2,\"vcpus\":1,\"disk\":1}}" | py 'd["flavor"]["id"]' >>"$WORK/flavors" \
    || { echo "scenarios: flavor create failed"; exit 2; }
done
PUBNET=$(api '/networking/v2.0/networks?router:external=true' | py 'd["networks"][0]["id"]')
# NOTE: scenarios that upload an image of their own read it from a file, as DevStack's files/images.
api "/image/v2/images/$IMAGE/file" -o "$WORK/cirros.qcow2" || { echo "scenarios: image download failed"; exit 2; }

export OS_AUTH_URL="$BASE/identity/v3" OS_PASSWORD=secret
export TEMPEST_IMAGE_REF=$IMAGE TEMPEST_IMAGE_REF_ALT=$IMAGE TEMPEST_PUBLIC_NETWORK_ID=$PUBNET
export TEMPEST_FLAVOR_REF=$(sed -n 1p "$WORK/flavors") TEMPEST_FLAVOR_REF_ALT=$(sed -n 2p "$WORK/flavors")
export TEMPEST_SERVICES="nova glance neutron cinder swift"
SECONDS=0
inns "$RUN_TEMPEST" -q -c 1 --workdir "$WORK/tempest" \
  --set validation.run_validation=true --set validation.connect_method=floating \
  --set validation.auth_method=keypair --set validation.image_ssh_user=cirros \
  --set validation.image_ssh_password=gocubsgo --set validation.image_alt_ssh_user=cirros \
  --set validation.ssh_timeout=240 --set validation.ping_timeout=180 \
  --set compute.build_timeout=300 --set volume.build_timeout=300 --set image.build_timeout=300 \
  --set scenario.img_file="$WORK/cirros.qcow2" --set scenario.img_disk_format=qcow2 --set scenario.img_container_format=bare \
  --set scenario.dhcp_client=udhcpc --set volume.storage_protocol=file --set compute-feature-enabled.console_output=true \
  --set network.project_networks_reachable=false --set network-feature-enabled.ipv6=false \
  "$REGEX" >"$WORK/tempest.out" 2>&1
echo "scenarios: tempest took ${SECONDS} s"
cat "$WORK/tempest.out" | grep -v '^  FAILED' | grep -v 'kept workspace' || true

/usr/bin/python3 - "$WORK/tempest/ws/.stestr" "$EXPECTED" "$REGEX" <<'PYEOF'
import io, os, re, subprocess, sys, collections
import subunit, testtools
stestr_dir, expected_file, regex = sys.argv[1:4]
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
    if line and not line.startswith('#'):
        name, _, reason = line.partition('#')
        expected[name.strip()] = reason.strip()
c = collections.Counter('fail' if s in ('fail', 'uxsuccess') else s for s in status.values())
print('CONFORMANCE scenario: passed=%d failed=%d skipped=%d' % (c['success'], c['fail'], c['skip']))
for t, s in sorted(status.items()):
    print('  %s %s' % (s, t))
failed = {t for t, s in status.items() if s in ('fail', 'uxsuccess')}
unexpected = sorted(failed - set(expected))
for t in sorted(t for t in expected if status.get(t) == 'success'):
    print('  NOW PASSING (remove from expected-failures.txt): %s' % t)
for t in unexpected:
    print('  UNEXPECTED FAILURE: %s' % t)
if not status:
    print('  no test ran'); sys.exit(1)
sys.exit(1 if unexpected else 0)
PYEOF
