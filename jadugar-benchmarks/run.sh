#!/usr/bin/env bash
# Benchmarks Jadugar against the other JCache providers and prints the comparison table.
#
#   jadugar-benchmarks/run.sh            short profile: under 15 minutes on 2 cores
#   jadugar-benchmarks/run.sh --long     serious profile: 3 forks, longer iterations, about 2 hours
#   jadugar-benchmarks/run.sh --only 'getHit|put' --no-footprint    a quick look at some workloads
#   jadugar-benchmarks/run.sh --stores 'redis|memcached|hazelcast' --no-footprint    only the remote stores
#
# It builds Jadugar and the benchmarks jar from this work tree, starts a redis-server and a memcached
# of its own on free ports of 127.0.0.1 (never any other address; both stopped on exit), runs JMH, and
# writes the raw JMH JSON, the footprint measurements, redis-benchmark's ceiling and the table
# (results.md) to jadugar-benchmarks/target/benchmark-results/. Without redis-server or memcached
# installed (apt-get install redis-server memcached), their groups are skipped with a message.
# For anything else, run JMH yourself: java -jar jadugar-benchmarks/target/benchmarks.jar -h
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

# build only what the benchmarks need, without running tests: the work tree's Jadugar, not an
# installed one (tests are compiled: jadugar-extensions, which the tag benchmarks use, takes
# jadugar-jcache's test fixtures as a test-jar)
MVN=(mvn -B -q -ntp -Dstyle.color=never -DskipTests)
if grep -q '<module>jadugar-benchmarks</module>' pom.xml; then
  "${MVN[@]}" -pl jadugar-benchmarks -am package
else
  # the parent does not list this module yet: install Jadugar, then build the module on its own
  "${MVN[@]}" -pl jadugar-jcache -am install
  "${MVN[@]}" -f jadugar-benchmarks/pom.xml package
fi
echo "Built in $(( $(date +%s) - start )) s"

out=jadugar-benchmarks/target/benchmark-results
mkdir -p "$out"
rm -f "$out/redis-benchmark.txt"
run_dir=$(mktemp -d)
server_pids=()
stop_servers() {
  # only the servers this script started, by the pids it recorded
  for pid in "${server_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${server_pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$run_dir"
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# a loopback port nobody listens on (nothing answers a connection to it), below the kernel's
# ephemeral range, where an outgoing connection could take it before the server binds it (as the
# tests' Ports class does)
free_port() {
  local p low=10000 high=32767
  if [ -r /proc/sys/net/ipv4/ip_local_port_range ]; then
    read -r high _ < /proc/sys/net/ipv4/ip_local_port_range
    high=$(( high - 1 ))
  fi
  if [ "$high" -le $(( low + 1000 )) ]; then
    low=61000 high=65535 # an unusual range: use what lies above Linux's default one instead
  fi
  for _ in $(seq 1 50); do
    p=$(( low + (RANDOM * 32768 + RANDOM) % (high - low + 1) ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  echo "no free loopback port found" >&2
  return 1
}

# waits until something accepts connections on 127.0.0.1:$1, up to 10 s
await_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

remote_args=()
if command -v redis-server >/dev/null; then
  redis_port=$(free_port)
  # no persistence: the benchmark's data is throwaway, and fsyncs would be measured too
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --pidfile "$run_dir/redis.pid" --logfile "$run_dir/redis.log" &
  server_pids+=($!)
  if await_port "$redis_port"; then
    echo "redis-server on 127.0.0.1:$redis_port"
    remote_args+=(--redis-port "$redis_port")
    if command -v redis-benchmark >/dev/null; then
      # the server's own ceiling: pipelined, many connections, no client library in the way
      # (its quiet mode still redraws progress with carriage returns: keep only the result lines)
      redis-benchmark -h 127.0.0.1 -p "$redis_port" -P 16 -q -t get,set -n 200000 \
        | tr '\r' '\n' | grep 'requests per second' | tee "$out/redis-benchmark.txt"
    else
      echo "redis-benchmark not found: no server ceiling in the table"
    fi
  else
    echo "redis-server did not start on 127.0.0.1:$redis_port; the Redis groups are skipped:" >&2
    cat "$run_dir/redis.log" >&2 || true
  fi
else
  echo "redis-server not found: the Redis groups are skipped (apt-get install redis-server)"
fi
if command -v memcached >/dev/null; then
  memcached_port=$(free_port)
  # -U 0: no UDP listener; -u root is needed when run as root (CI) and ignored otherwise
  memcached -l 127.0.0.1 -p "$memcached_port" -U 0 -u root -P "$run_dir/memcached.pid" &
  server_pids+=($!)
  if await_port "$memcached_port"; then
    echo "memcached on 127.0.0.1:$memcached_port"
    remote_args+=(--memcached-port "$memcached_port")
  else
    echo "memcached did not start on 127.0.0.1:$memcached_port; the memcached groups are skipped" >&2
  fi
else
  echo "memcached not found: the memcached groups are skipped (apt-get install memcached)"
fi

# one Hazelcast member of its own, from the benchmarks jar (so that Hazelcast's JCache provider and the
# raw IMap's entry processor find their classes on it), on loopback only, TCP-IP join with itself only
hz_opens=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)
hz_port=$(free_port)
hz_cluster="jadugar-bench-$$"
cat > "$run_dir/hazelcast.yaml" <<EOF
hazelcast:
  cluster-name: $hz_cluster
  properties:
    hazelcast.phone.home.enabled: false
    hazelcast.wait.seconds.before.join: 0
    hazelcast.socket.bind.any: false
  network:
    port: {auto-increment: false, port: $hz_port}
    interfaces: {enabled: true, interfaces: [127.0.0.1]}
    join:
      multicast: {enabled: false}
      auto-detection: {enabled: false}
      tcp-ip: {enabled: true, member-list: [127.0.0.1:$hz_port]}
EOF
java "${hz_opens[@]}" -Xmx1g -Dhazelcast.config="$run_dir/hazelcast.yaml" -Dhazelcast.phone.home.enabled=false \
  -cp jadugar-benchmarks/target/benchmarks.jar com.hazelcast.core.server.HazelcastMemberStarter \
  > "$run_dir/hazelcast.log" 2>&1 &
server_pids+=($!)
hz_up=no
for _ in $(seq 1 600); do
  if grep -q "is STARTED" "$run_dir/hazelcast.log" 2>/dev/null; then
    hz_up=yes
    break
  fi
  sleep 0.1
done
if [ "$hz_up" = yes ]; then
  echo "Hazelcast member on 127.0.0.1:$hz_port (cluster $hz_cluster)"
  remote_args+=(--hazelcast-port "$hz_port" --hazelcast-cluster "$hz_cluster")
else
  echo "the Hazelcast member did not start on 127.0.0.1:$hz_port; the Hazelcast group is skipped:" >&2
  tail -20 "$run_dir/hazelcast.log" >&2 || true
fi

java -Xmx512m -cp jadugar-benchmarks/target/benchmarks.jar io.jadugar.benchmarks.report.Profile \
  --out "$out" "${remote_args[@]}" "$@"
echo "run.sh took $(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s"
