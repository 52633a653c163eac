#!/usr/bin/env bash
# Runs the Apache Kafka broker (KRaft, one node, 127.0.0.1 only) that tests and benchmarks
# use. Its jars come from Maven Central through tools/kafka/pom.xml and are cached in
# build/kafka/lib; its data, config, pid and log live in build/kafka/.
#
#   tools/kafka/kafka.sh fetch    gather the jars (once)
#   tools/kafka/kafka.sh up       format if needed, start, wait until it answers
#   tools/kafka/kafka.sh down     stop it (and wait until it is gone)
#   tools/kafka/kafka.sh status   exit 0 when it answers
#
# KAFKA_PORT (default 19092) and KAFKA_CONTROLLER_PORT (default 19093) choose the ports;
# KAFKA_HOME_DIR (default build/kafka) its data, config and log; KAFKA_LIB_DIR (default
# build/kafka/lib) where its jars are, so that tests can run brokers of their own.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
home="${KAFKA_HOME_DIR:-$root/build/kafka}"
port="${KAFKA_PORT:-19092}"
controller_port="${KAFKA_CONTROLLER_PORT:-19093}"
lib="${KAFKA_LIB_DIR:-$root/build/kafka/lib}"
data="$home/data"
config="$home/server.properties"
pidfile="$home/broker.pid"
log="$home/broker.log"
java="${JAVA:-java}"
heap="${KAFKA_HEAP:--Xms128m -Xmx512m}"

answers() {
  kcat -L -b "127.0.0.1:$port" -m 2 >/dev/null 2>&1
}

running_pid() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

fetch() {
  if [ -f "$lib/.complete" ]; then return 0; fi
  mkdir -p "$lib"
  echo "kafka: fetching the broker's jars from Maven Central into $lib"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$lib" \
    -Dmdep.overWriteReleases=false
  touch "$lib/.complete"
}

up() {
  fetch
  if pid="$(running_pid)"; then
    if answers; then echo "kafka: already running (pid $pid) on 127.0.0.1:$port"; return 0; fi
  fi
  mkdir -p "$home"
  sed -e "s|@BROKER_PORT@|$port|g" -e "s|@CONTROLLER_PORT@|$controller_port|g" \
      -e "s|@DATA_DIR@|$data|g" "$here/server.properties.in" > "$config"
  if [ ! -f "$data/meta.properties" ]; then
    rm -rf "$data"
    local cluster_id
    cluster_id="$("$java" -cp "$lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    "$java" -cp "$lib/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$config" \
      --standalone >"$home/format.log" 2>&1 || { cat "$home/format.log" >&2; exit 1; }
  fi
  # setsid: the broker outlives this script and make, and is stopped by `down`.
  setsid "$java" $heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/log4j2.properties" -Dredline.kafka.log="$log" \
    -cp "$lib/*" kafka.Kafka "$config" >"$home/stdout.log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  for _ in $(seq 1 120); do
    if answers; then
      echo "kafka: up on 127.0.0.1:$port (pid $(cat "$pidfile"))"
      return 0
    fi
    if ! running_pid >/dev/null; then
      echo "kafka: broker exited while starting; see $log and $home/stdout.log" >&2
      tail -n 20 "$home/stdout.log" "$log" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.5
  done
  echo "kafka: broker did not answer on 127.0.0.1:$port within 60 s; see $log" >&2
  exit 1
}

down() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$pidfile"
    echo "kafka: not running"
    return 0
  fi
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; echo "kafka: stopped"; return 0; }
    sleep 0.5
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  echo "kafka: killed after 30 s"
}

case "${1:-}" in
  fetch) fetch ;;
  up) up ;;
  down) down ;;
  status) answers ;;
  *) echo "usage: $0 fetch|up|down|status" >&2; exit 2 ;;
esac
