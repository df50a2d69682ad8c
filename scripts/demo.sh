#!/usr/bin/env bash
# One command from a fresh clone to the demo: install prerequisites, build, run `soci demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mvn -B -q install -DskipTests
exec ./soci demo "$@"
