#!/usr/bin/env bash
# Validates OpenAPI documents against the specification's schema (openapi-spec-validator, OpenAPI 3.1);
# exits 1 on any problem. The validator installs from PyPI into .deploy-cache/openapi-venv on first use.
# Usage: test/openapi-validate.sh FILE...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/../.deploy-cache/openapi-venv"
requirements="$here/openapi-validate.requirements.txt"

# shellcheck source=deploy/python-tools-venv.sh
source "$here/../deploy/python-tools-venv.sh"
ensure_python_tools "$venv" "$requirements"

exec "$venv/bin/openapi-spec-validator" --schema 3.1 "$@"
