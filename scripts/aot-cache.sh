#!/usr/bin/env bash
# Optional: an ahead-of-time cache for the `soci` command line (JDK 25 and later: JEPs 483, 514,
# 515). It holds the classes loaded and linked, and the method profiles, of one training run that
# builds the zTOC of a real layer, so that later runs start compiled code sooner. `./soci` uses
# soci-cli/target/soci.aot when it exists (a JDK older than 25 ignores it). Rebuild it after
# `mvn install`; a stale cache is ignored by the JVM, never wrong.
#
#   scripts/aot-cache.sh [JAVA_HOME]    (default: $JAVA_HOME, else the newest /usr/lib/jvm/*)
set -euo pipefail
cd "$(dirname "$0")/.."
home="${1:-${JAVA_HOME:-}}"
if [[ -z "$home" ]]; then
  home=$(ls -d /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]* 2>/dev/null | sort -V | tail -1 || true)
fi
java="${home:+$home/bin/}java"
version=$("$java" -XX:+PrintFlagsFinal -version 2>/dev/null | grep -c ' AOTCacheOutput ' || true)
if [[ "$version" == 0 ]]; then
  echo "error: $java has no -XX:AOTCacheOutput (JDK 25 or later needed)" >&2
  exit 1
fi
[[ -f soci-cli/target/soci-cli.jar ]] || mvn -q -B install -DskipTests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Training layer: this machine's documentation and manual pages (text, and gzip files gzip stores).
tar -cf - -C /usr/share doc man 2>/dev/null | gzip -6 > "$tmp/train.tar.gz"
rm -f soci-cli/target/soci.aot
"$java" -XX:AOTCacheOutput=soci-cli/target/soci.aot -XX:+UseSerialGC -Xss4m -jar soci-cli/target/soci-cli.jar \
  ztoc create "$tmp/train.tar.gz" -o "$tmp/train.ztoc" 2> >(grep -v "Picked up JAVA_TOOL_OPTIONS" >&2) >/dev/null
echo "wrote soci-cli/target/soci.aot ($(stat -c %s soci-cli/target/soci.aot) bytes) for $("$java" -version 2>&1 | head -1)"
