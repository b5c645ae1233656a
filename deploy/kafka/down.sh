#!/usr/bin/env bash
# Stops the Kafka broker that up.sh started (SIGTERM, then SIGKILL after 30 s). Its data is kept, so the
# next up.sh comes back with the same topics; `down.sh --wipe` deletes the data too (the jars stay).
set -euo pipefail
cache="$(cd "$(dirname "$0")/../.." && pwd)/.deploy-cache/kafka"
pidfile="$cache/broker.pid"

alive() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q ' kafka\.Kafka '; }

if [ -f "$pidfile" ]; then
  pid="$(cat "$pidfile")"
  if alive "$pid"; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do alive "$pid" || break; sleep 0.5; done
    if alive "$pid"; then
      echo "Kafka broker $pid still running after 30 s; killing it" >&2
      kill -KILL "$pid"
      while alive "$pid"; do sleep 0.2; done
    fi
  fi
  rm -f "$pidfile"
fi
if [ "${1:-}" = "--wipe" ]; then
  rm -rf "$cache/data"
fi
