#!/usr/bin/env bash
# The whole test suite, as README says: type check, build, unit/API/policy tests, end-to-end
# tests with the real openstack CLI, then the Tempest conformance run. Every stage runs; the
# exit code says whether any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=()
stage() {
  local name=$1; shift
  echo "=== $name"
  "$@" || failed+=("$name")
}
tests_in() { find "$@" -name '*.test.ts' 2>/dev/null | sort; }

stage typecheck npx tsc --noEmit -p .
stage typecheck-dashboard npx tsc --noEmit -p dashboard
stage build node scripts/build.mjs
stage unit+api+policy+drivers node --import tsx --test --test-reporter=spec $(tests_in test/unit test/api test/policy test/drivers)
if [ -n "$(tests_in test/e2e)" ]; then
  stage e2e node --import tsx --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec $(tests_in test/e2e)
fi
stage conformance bash test/conformance/run-conformance.sh

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED stages: ${failed[*]}"
  exit 1
fi
echo "ALL STAGES PASSED"
