#!/usr/bin/env bash
# Validates OpenAPI documents against the specification's schema (openapi-spec-validator, OpenAPI 3.1);
# exits 1 on any problem. The validator installs from PyPI into .deploy-cache/openapi-venv on first use.
# Usage: test/openapi-validate.sh FILE...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/../.deploy-cache/openapi-venv"
requirements="$here/openapi-validate.requirements.txt"

# Reinstalled when the pinned requirements change; the lock makes concurrent runs wait for one install.
mkdir -p "$(dirname "$venv")"
(
  flock 9
  if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
  fi
) 9>"$venv.lock"

exec "$venv/bin/openapi-spec-validator" --schema 3.1 "$@"
