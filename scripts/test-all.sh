#!/usr/bin/env bash
# Runs every Jadugar test, the JSR-107 TCK included, as the README says.
# On a fresh Debian machine it first installs what the tests need (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages of the real servers that store tests start on loopback ports.
# redis-server/redis-tools: the Redis store's tests and TCK runs (single, Cluster, TLS, ACL);
# memcached: the memcached store's tests and TCK runs; openssl: the Redis TLS test makes its certificates;
# postgresql: jadugar-extensions' database dependency tests (initdb and postgres, run as nobody when root).
PACKAGES=(redis-server redis-tools memcached openssl postgresql)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

mvn -B -ntp -Dstyle.color=never verify
