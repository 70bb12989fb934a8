#!/usr/bin/env bash
# Benchmarks Jadugar against the other JCache providers and prints the comparison table.
#
#   jadugar-benchmarks/run.sh            short profile: under 15 minutes on 2 cores
#   jadugar-benchmarks/run.sh --long     serious profile: 3 forks, longer iterations, about 2 hours
#   jadugar-benchmarks/run.sh --only 'getHit|put' --no-footprint    a quick look at some workloads
#
# It builds Jadugar and the benchmarks jar from this work tree, runs JMH, and writes the raw JMH JSON,
# the footprint measurements and the table (results.md) to jadugar-benchmarks/target/benchmark-results/.
# For anything else, run JMH yourself: java -jar jadugar-benchmarks/target/benchmarks.jar -h
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

# build only what the benchmarks need, without tests: the work tree's Jadugar, not an installed one
MVN=(mvn -B -q -ntp -Dstyle.color=never -Dmaven.test.skip=true)
if grep -q '<module>jadugar-benchmarks</module>' pom.xml; then
  "${MVN[@]}" -pl jadugar-benchmarks -am package
else
  # the parent does not list this module yet: install Jadugar, then build the module on its own
  "${MVN[@]}" -pl jadugar-jcache -am install
  "${MVN[@]}" -f jadugar-benchmarks/pom.xml package
fi
echo "Built in $(( $(date +%s) - start )) s"

java -Xmx512m -cp jadugar-benchmarks/target/benchmarks.jar io.jadugar.benchmarks.report.Profile \
  --out jadugar-benchmarks/target/benchmark-results "$@"
echo "run.sh took $(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s"
