#!/usr/bin/env bash
# Links a runtime image of the soci command line with jlink from the built modular jars
# (soci-cli/target/soci-cli.jar and its runtime dependencies in soci-cli/target/lib), then runs
# `soci demo` from the image. Fails if any module on the path cannot be linked (an automatic
# module, a split package) or the demo does not read its file. Run after `mvn package`.
# Usage: scripts/jlink-check.sh [JAVA_HOME]   (default: the JDK on the PATH)
set -euo pipefail
cd "$(dirname "$0")/.."
jdk="${1:-}"
jlink="jlink"
[[ -n "$jdk" ]] && jlink="$jdk/bin/jlink"
jar=soci-cli/target/soci-cli.jar
if [[ ! -f "$jar" ]]; then
  echo "jlink-check: $jar not found; build first: mvn -q -B package -DskipTests" >&2
  exit 1
fi
image=$(mktemp -d)/soci-image
trap 'rm -rf "$(dirname "$image")"' EXIT
"$jlink" --module-path "$jar:soci-cli/target/lib" --add-modules dev.soci.cli \
  --launcher soci=dev.soci.cli/dev.soci.cli.SociCommand \
  --strip-debug --no-header-files --no-man-pages --output "$image"
out=$("$image/bin/soci" demo)
if ! grep -q 'hello from a lazily loaded layer' <<<"$out"; then
  echo "jlink-check: soci demo from the linked image did not print the sample file:" >&2
  echo "$out" >&2
  exit 1
fi
echo "jlink-check: linked $("$image/bin/java" --list-modules | tr '\n' ' ')and ran soci demo"
