#!/usr/bin/env bash
# Starts a single-node Apache Kafka broker (KRaft: broker and controller in one JVM) on 127.0.0.1 without
# Docker, fetching its jars with Maven on first use. Prints the bootstrap address, and only that, on stdout.
# State lives in .deploy-cache/kafka: libs/ (jars), data/ (formatted once, kept across down.sh/up.sh),
# broker.log, broker.pid. Stop with down.sh (--wipe also drops the data).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/deploy/kafka"
cache="$root/.deploy-cache/kafka"
libs="$cache/libs" data="$cache/data" pidfile="$cache/broker.pid" log="$cache/broker.log"
port="${KAFKA_PORT:-9092}" cport="${KAFKA_CONTROLLER_PORT:-9093}"
addr="127.0.0.1:$port"
mkdir -p "$cache"
exec 9>"$cache/up.lock" && flock 9 # concurrent callers wait for the first one's broker

running() { # the pid file names a live kafka.Kafka process (a zombie's cmdline is empty)
  [ -f "$pidfile" ] && { tr '\0' ' ' <"/proc/$(cat "$pidfile")/cmdline"; } 2>/dev/null | grep -q ' kafka\.Kafka '
}
tool=(java -Xmx256m -XX:TieredStopAtLevel=1 -Djava.awt.headless=true -Dkafka.log.level=WARN
  -Dlog4j2.configurationFile="$here/log4j2.properties" -cp "$libs/*")
answering() { # a TCP connect is not enough: the listener accepts before requests are processed
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null &&
    timeout 20 "${tool[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$addr" --list >/dev/null 2>&1
}
wait_ready() { # kill -0, not running(): a just-started pid may not have exec'd java yet
  local pid deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-90}))
  pid="$(cat "$pidfile")"
  while [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    answering && return 0
    sleep 0.5
  done
  return 1
}
fail() {
  echo "Kafka broker did not start ($1); last lines of $log:" >&2
  tail -n 40 "$log" >&2 || true
  exit 1
}

if running; then
  wait_ready || fail "pid $(cat "$pidfile") is not answering on $addr"
  echo "$addr"
  exit 0
fi

for p in "$port" "$cport"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "port $p on 127.0.0.1 is taken by another process (set KAFKA_PORT / KAFKA_CONTROLLER_PORT)" >&2
    exit 1
  fi
done

# Jars are refetched only when pom.xml changes; a temp dir keeps an interrupted fetch from looking complete.
stamp="$(sha256sum "$here/pom.xml" | cut -d' ' -f1)"
if [ "$(cat "$libs/.pom-sha256" 2>/dev/null)" != "$stamp" ]; then
  echo "fetching Kafka jars with Maven into $libs" >&2
  rm -rf "$libs.tmp"
  mvn -B -f "$here/pom.xml" package -Dkafka.libs="$libs.tmp" >"$cache/mvn.log" 2>&1 ||
    { tail -n 30 "$cache/mvn.log" >&2; echo "Maven could not fetch the Kafka jars (full log: $cache/mvn.log)" >&2; exit 1; }
  echo "$stamp" >"$libs.tmp/.pom-sha256"
  rm -rf "$libs" && mv "$libs.tmp" "$libs"
fi

# A static voter set (not --standalone's dynamic quorum) keeps the formatted storage valid if the ports change.
cat >"$cache/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
PROPS

if [ ! -f "$data/meta.properties" ]; then
  [ -s "$cache/cluster.id" ] || "${tool[@]}" kafka.tools.StorageTool random-uuid >"$cache/cluster.id"
  "${tool[@]}" kafka.tools.StorageTool format --config "$cache/server.properties" \
    --cluster-id "$(cat "$cache/cluster.id")" >&2
fi

nohup java -Xms256m -Xmx512m -Djava.awt.headless=true \
  -Dlog4j2.configurationFile="$here/log4j2.properties" -cp "$libs/*" \
  kafka.Kafka "$cache/server.properties" >"$log" 2>&1 </dev/null 9>&- &
echo $! >"$pidfile"

if ! wait_ready; then
  kill -KILL "$(cat "$pidfile")" 2>/dev/null || true # a broker that never became ready is of no use
  rm -f "$pidfile"
  fail "it exited, or did not answer on $addr within ${KAFKA_START_TIMEOUT:-90} s"
fi
echo "$addr"
