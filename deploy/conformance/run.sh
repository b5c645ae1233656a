#!/usr/bin/env bash
# Runs the third-party SCIM compliance checker scim2-tester (python-scim, through scim2-cli) against
# a freshly started server on 127.0.0.1 with the embedded store. Needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.deploy-cache/scim2-venv
port="${CONFORMANCE_PORT:-3917}"
token="conformance-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
data="$(mktemp -d)"

if [ ! -x "$venv/bin/scim2" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q scim2-cli==0.6.0 scim2-tester==0.5.2
fi

SCIM_BOOTSTRAP_PROVIDER_ID=conformance SCIM_BOOTSTRAP_TOKEN="$token" DATA_DIR="$data" PORT="$port" LOG_LEVEL=warn \
  node dist/apps/scim-api/src/main.js >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do
  node -e "fetch('http://127.0.0.1:$port/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" && break
  sleep 0.5
done

out="$data/checks.txt"
status=0
SCIM_CLI_HEADERS="Authorization: Bearer $token" timeout 300 "$venv/bin/scim2" \
  -u "http://127.0.0.1:$port/scim/v2/enterprise-idps/conformance" test >"$out" 2>&1 || status=$?
passed=$(grep -c '^SUCCESS' "$out" || true)
failed=$(grep -c -E '^(ERROR|CRITICAL)' "$out" || true)
grep -E '^(ERROR|CRITICAL)' -A2 "$out" || true
echo "scim2-tester: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
