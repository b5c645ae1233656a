#!/usr/bin/env bash
# The whole suite from a fresh clone: installs dependencies, starts the services the tests need
# (PostgreSQL from Debian's packages and a Kafka broker from Maven jars, unless TEST_DATABASE_URL /
# KAFKA_BROKERS name running ones), type-checks, checks the dependency rules and the deployment
# manifests (their validators install into .deploy-cache on first use), builds, runs every
# jest project (unit, e2e, contract) in two passes, then the third-party scim2-tester compliance checks.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund --loglevel=warn
cleanup=()
trap 'for c in "${cleanup[@]}"; do $c >/dev/null 2>&1 || true; done' EXIT
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  TEST_DATABASE_URL="$(bash deploy/postgres/up.sh)"
  export TEST_DATABASE_URL
  cleanup+=("bash deploy/postgres/down.sh")
fi
if [ -z "${KAFKA_BROKERS:-}" ]; then
  KAFKA_BROKERS="$(bash deploy/kafka/up.sh)"
  export KAFKA_BROKERS
  cleanup+=("bash deploy/kafka/down.sh")
fi
echo "PostgreSQL for the tests: ${TEST_DATABASE_URL%%:*}://…@${TEST_DATABASE_URL##*@}; Kafka: $KAFKA_BROKERS"
# The admin console's browser tests drive Debian's chromium (no downloaded browser builds).
if ! command -v chromium >/dev/null 2>&1; then
  as_root=""; [ "$(id -u)" -ne 0 ] && as_root="sudo -n"
  $as_root apt-get update -qq && $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
npm run typecheck
npm run lint:deps
bash deploy/validate-manifests.sh
npm run build
# Two jest workers for the suites that count answers; the suites that time the service (faults,
# database timeouts, connection handling, refusal delays, the event loop beside a long query) run
# after them one at a time, so another suite's load never eats into their margins.
TIMED='test/faults/|libs/platform/src/database/|apps/scim-api/src/http/|test/http-edges|test/admin\.credentials'
NODE_OPTIONS=--experimental-vm-modules npx jest --ci --maxWorkers=2 --testPathIgnorePatterns '/node_modules/' "$TIMED"
NODE_OPTIONS=--experimental-vm-modules npx jest --ci --maxWorkers=1 --testPathPatterns "$TIMED"
bash deploy/conformance/run.sh
