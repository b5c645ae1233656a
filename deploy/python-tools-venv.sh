#!/usr/bin/env bash
# Sourced by the scripts that run Python validators: installs pinned tools from PyPI into a venv.
# ensure_python_tools VENV REQUIREMENTS: (re)installs when the pinned requirements change; the lock
# makes concurrent runs wait for one install.
ensure_python_tools() {
  local venv="$1" requirements="$2"
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
}
