#!/usr/bin/env bash
# A three-node Apache Kafka KRaft cluster on loopback for the failover test: every node is
# broker and controller (a static quorum of three), small heaps, replication factor 3 and
# min.insync.replicas 2 by default. Jars as for kafka.sh (build/kafka/lib, or KAFKA_LIB_DIR).
#
#   tools/kafka/cluster.sh up DIR BASE_PORT     format if needed, start all, wait until each answers
#   tools/kafka/cluster.sh down DIR             stop all
#   tools/kafka/cluster.sh kill DIR N           SIGKILL node N (1..3)
#   tools/kafka/cluster.sh start DIR BASE_PORT N   start node N again and wait until it answers
#
# Node N listens on BASE_PORT+N-1 (clients) and BASE_PORT+10+N-1 (controllers).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
lib="${KAFKA_LIB_DIR:-$root/build/kafka/lib}"
java="${JAVA:-java}"
heap="${KAFKA_HEAP:--Xms96m -Xmx256m}"

node_port() { echo $(( $1 + $2 - 1 )); }
controller_port() { echo $(( $1 + 10 + $2 - 1 )); }

answers() {  # BROKER
  kcat -L -b "$1" -m 2 >/dev/null 2>&1
}

write_config() {  # DIR BASE N
  local dir="$1" base="$2" n="$3"
  local voters="1@127.0.0.1:$(controller_port "$base" 1),2@127.0.0.1:$(controller_port "$base" 2),3@127.0.0.1:$(controller_port "$base" 3)"
  mkdir -p "$dir/node$n"
  cat > "$dir/node$n/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
listeners=PLAINTEXT://127.0.0.1:$(node_port "$base" "$n"),CONTROLLER://127.0.0.1:$(controller_port "$base" "$n")
advertised.listeners=PLAINTEXT://127.0.0.1:$(node_port "$base" "$n")
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.quorum.voters=$voters
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/node$n/data
num.partitions=1
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
# A dead node is noticed in about three seconds rather than nine.
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=500
num.network.threads=1
num.io.threads=2
background.threads=2
PROPS
}

start_node() {  # DIR BASE N
  local dir="$1" base="$2" n="$3"
  setsid "$java" $heap -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/cluster-log4j2.properties" -Dredline.kafka.log="$dir/node$n/broker.log" \
    -cp "$lib/*" kafka.Kafka "$dir/node$n/server.properties" >"$dir/node$n/stdout.log" 2>&1 < /dev/null &
  echo $! > "$dir/node$n/pid"
}

wait_node() {  # DIR BASE N
  local dir="$1" base="$2" n="$3"
  for _ in $(seq 1 240); do
    if answers "127.0.0.1:$(node_port "$base" "$n")"; then return 0; fi
    if ! kill -0 "$(cat "$dir/node$n/pid")" 2>/dev/null; then
      echo "cluster: node $n exited while starting; see $dir/node$n" >&2
      tail -n 20 "$dir/node$n/stdout.log" >&2 || true
      return 1
    fi
    sleep 0.5
  done
  echo "cluster: node $n did not answer within 120 s" >&2
  return 1
}

up() {  # DIR BASE
  local dir="$1" base="$2"
  [ -f "$lib/.complete" ] || "$here/kafka.sh" fetch
  local cluster_id=""
  for n in 1 2 3; do
    write_config "$dir" "$base" "$n"
    if [ ! -f "$dir/node$n/data/meta.properties" ]; then
      [ -n "$cluster_id" ] || cluster_id="$("$java" -cp "$lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
      "$java" -cp "$lib/*" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/node$n/server.properties" \
        >"$dir/node$n/format.log" 2>&1 || { cat "$dir/node$n/format.log" >&2; exit 1; }
    fi
  done
  for n in 1 2 3; do start_node "$dir" "$base" "$n"; done
  for n in 1 2 3; do wait_node "$dir" "$base" "$n"; done
  echo "cluster: up on 127.0.0.1:$(node_port "$base" 1),$(node_port "$base" 2),$(node_port "$base" 3)"
}

stop_node() {  # DIR N SIGNAL
  local pidfile="$1/node$2/pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid="$(cat "$pidfile")"
  kill "-$3" "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

case "${1:-}" in
  up) up "$2" "$3" ;;
  # All at once: stopped one after another, the last node waits for a quorum that has gone.
  down) for n in 1 2 3; do stop_node "$2" "$n" TERM & done; wait; echo "cluster: stopped" ;;
  kill) stop_node "$2" "$3" KILL; echo "cluster: node $3 killed" ;;
  start) start_node "$2" "$3" "$4"; wait_node "$2" "$3" "$4"; echo "cluster: node $4 up" ;;
  *) echo "usage: $0 up DIR BASE | down DIR | kill DIR N | start DIR BASE N" >&2; exit 2 ;;
esac
