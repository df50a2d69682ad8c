#!/usr/bin/env bash
# Builds every module twice from clean and checks that each jar (classes, sources, javadoc, the
# CLI and its copied dependencies) has the same bytes both times: the build is reproducible
# (project.build.outputTimestamp fixes the entry times, javadoc writes no date).
# Usage: scripts/reproducible-check.sh   (from anywhere; leaves the second build in target/)
set -euo pipefail
cd "$(dirname "$0")/.."
sums=$(mktemp -d)
trap 'rm -rf "$sums"' EXIT
build() {
  mvn -q -B clean package -DskipTests -Dspotless.check.skip=true
  find . -path '*/target/*' -name '*.jar' -not -path '*/target/tmp/*' -print0 | sort -z \
    | xargs -0 sha256sum >"$sums/$1"
}
build first
build second
count=$(wc -l <"$sums/first")
if ((count == 0)); then
  echo "reproducible-check: no jars were built" >&2
  exit 1
fi
if ! diff "$sums/first" "$sums/second" >&2; then
  echo "reproducible-check: two clean builds gave different jars (above)" >&2
  exit 1
fi
echo "reproducible-check: $count jars identical across two clean builds"
