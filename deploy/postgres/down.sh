#!/usr/bin/env bash
# Stops the PostgreSQL cluster that up.sh started.
set -euo pipefail
version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
pg_ctlcluster "$version" main stop || true
