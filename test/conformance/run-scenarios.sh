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
NAME=scenarios
. "$ROOT/test/conformance/lib.sh"
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
wait_ready "$SERVER_PID" "$WORK/server.log" 300

BASE="http://$API_IP:$PORT"
TOKEN=$(admin_token "$BASE")
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

echo "scenario|$REGEX" >"$WORK/selections.txt"
/usr/bin/python3 "$ROOT/test/conformance/report.py" "$WORK/tempest/ws/.stestr" "$EXPECTED" "$WORK/selections.txt" - --each
