#!/usr/bin/env bash
# The whole suite from a fresh clone: installs dependencies, starts the services the tests need
# (PostgreSQL from Debian's packages unless TEST_DATABASE_URL is given), type-checks, runs jest, then
# the third-party scim2-tester compliance checks against a freshly started server.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  TEST_DATABASE_URL="$(bash deploy/postgres/up.sh)"
  export TEST_DATABASE_URL
fi
echo "PostgreSQL for the tests: ${TEST_DATABASE_URL%%:*}://…@${TEST_DATABASE_URL##*@}"
npm run typecheck
npm run lint:deps
npm run build
NODE_OPTIONS=--experimental-vm-modules npx jest --ci
bash deploy/conformance/run.sh
