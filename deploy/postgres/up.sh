#!/usr/bin/env bash
# Starts Debian's PostgreSQL on 127.0.0.1:${PGPORT:-5432} for the test suite, installing it when absent,
# and prints the server URL the tests take as TEST_DATABASE_URL. Needs root (apt-get, pg_ctlcluster).
set -euo pipefail
port="${PGPORT:-5432}"
password="${PGPASSWORD_FOR_TESTS:-scim-test}"

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian's packages" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main --port "$port" >&2
fi
conf="/etc/postgresql/$version/main/postgresql.conf"
sed -i -E "s/^#?listen_addresses\s*=.*/listen_addresses = '127.0.0.1'/; s/^#?port\s*=.*/port = $port/" "$conf"
# Tests create a database per server they start; a few dozen connections are plenty.
sed -i -E "s/^#?max_connections\s*=.*/max_connections = 200/; s/^#?fsync\s*=.*/fsync = off/" "$conf"

if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  pg_ctlcluster "$version" main start >&2
fi
for _ in $(seq 1 30); do
  if su postgres -c "psql -p $port -qAtc 'SELECT 1'" >/dev/null 2>&1; then break; fi
  sleep 1
done
su postgres -c "psql -p $port -qc \"ALTER USER postgres PASSWORD '$password'\"" >&2
# Databases left by earlier test and benchmark runs on this machine.
for db in $(su postgres -c "psql -p $port -qAtc \"SELECT datname FROM pg_database WHERE datname ~ '^scim_(test|bench)_'\""); do
  su postgres -c "dropdb -p $port --if-exists $db" >&2 || true
done
echo "postgres://postgres:$password@127.0.0.1:$port/postgres"
