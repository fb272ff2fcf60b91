#!/usr/bin/env bash
# The whole test suite, as README says: type check, build, unit/API/policy tests, end-to-end
# tests with the real openstack CLI, the Tempest conformance run, and Tempest's scenarios on real
# guests. Every stage runs; the exit code says whether any failed.
#
# NOTE: the conformance run is mostly Tempest waiting (on its own sleeps and on polling), so it
# starts right after the build and runs beside the other stages; its output is printed when it
# ends. STRATUS_TEST_SERIAL=1 runs every stage one after the other instead.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=()
stage() {
  local name=$1; shift
  echo "=== $name"
  local start=$SECONDS
  "$@" || failed+=("$name")
  echo "=== $name took $((SECONDS - start)) s"
}
tests_in() { find "$@" -name '*.test.ts' 2>/dev/null | sort; }

stage typecheck npx tsc --noEmit -p .
stage typecheck-dashboard npx tsc --noEmit -p dashboard
stage build node scripts/build.mjs

CONFORMANCE_PID=""
CONFORMANCE_LOG=$(mktemp "${TMPDIR:-/tmp}/stratus-conformance-log.XXXXXX")
# NOTE: an interrupted suite takes its background conformance run (and the server it started) with it.
trap '[ -n "$CONFORMANCE_PID" ] && kill "$CONFORMANCE_PID" 2>/dev/null; rm -f "$CONFORMANCE_LOG"' EXIT
if [ -z "${STRATUS_TEST_SERIAL:-}" ]; then
  echo "=== conformance (started in the background; its output follows the other stages)"
  conformance_start=$SECONDS
  bash test/conformance/run-conformance.sh >"$CONFORMANCE_LOG" 2>&1 &
  CONFORMANCE_PID=$!
fi

stage unit+api+policy+drivers node --import tsx --test --test-reporter=spec $(tests_in test/unit test/api test/policy test/drivers)
if [ -n "$(tests_in test/e2e)" ]; then
  stage e2e node --import tsx --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec $(tests_in test/e2e)
fi

# NOTE: Tempest's scenarios log into real guests (root, QEMU under TCG, the Linux dataplane); they
# follow the e2e stage, whose real guests and networks they would otherwise share the host with.
stage scenarios bash test/conformance/run-scenarios.sh

if [ -n "$CONFORMANCE_PID" ]; then
  wait "$CONFORMANCE_PID"
  rc=$?
  CONFORMANCE_PID=""
  echo "=== conformance"
  cat "$CONFORMANCE_LOG"
  [ $rc -eq 0 ] || failed+=(conformance)
  echo "=== conformance took $((SECONDS - conformance_start)) s (beside the stages above)"
else
  stage conformance bash test/conformance/run-conformance.sh
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED stages: ${failed[*]}"
  exit 1
fi
echo "ALL STAGES PASSED"
