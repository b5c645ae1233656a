#!/usr/bin/env bash
# Validates the deployment artefacts; exits 1 on any problem:
#   deploy/docker/Dockerfile        hadolint
#   deploy/docker-compose.yml       the Compose Specification's JSON Schema (check-jsonschema's bundled copy)
#   deploy/kubernetes/*.yaml        strict Kubernetes schemas (kubernetes-validate) of KUBERNETES_VERSIONS,
#                                   and `kubectl kustomize` renders when kubectl is installed
#   all of them                     the rules of deploy/validate-manifests.py (probes, grace periods,
#                                   non-root, known variables, no literal secrets, .dockerignore)
# The validators install from PyPI into .deploy-cache/manifests-venv on first use (about 15 s).
# Usage: deploy/validate-manifests.sh [repository root]   (the root's deploy/ files are checked)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "${1:-$here/..}" && pwd)"
versions="${KUBERNETES_VERSIONS:-1.30.0 1.37.0}"
venv="$here/../.deploy-cache/manifests-venv"
requirements="$here/validate-manifests.requirements.txt"

# shellcheck source=deploy/python-tools-venv.sh
source "$here/python-tools-venv.sh"
ensure_python_tools "$venv" "$requirements"

status=0
"$venv/bin/hadolint" "$root/deploy/docker/Dockerfile" || status=1
"$venv/bin/check-jsonschema" --builtin-schema vendor.compose-spec "$root/deploy/docker-compose.yml" || status=1
if command -v kubectl >/dev/null 2>&1; then
  kubectl kustomize "$root/deploy/kubernetes" >/dev/null || status=1
fi
# shellcheck disable=SC2086 # one argument per version
"$venv/bin/python" "$here/validate-manifests.py" "$root" $versions || status=1
exit "$status"
