#!/usr/bin/env bash
# Makes the benchmark datasets (not committed): a tar of /usr/lib/jvm and /usr/share/doc, gzipped
# by GNU gzip -6 and by pigz -6. Writes into ${SOCI_BENCH_DATA:-benchmarks/target/datasets}.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${SOCI_BENCH_DATA:-benchmarks/target/datasets}"
mkdir -p "$out"
if [[ ! -f "$out/jdk-docs.tar" ]]; then
  tar -cf "$out/jdk-docs.tar.tmp" -C / usr/lib/jvm usr/share/doc 2>/dev/null || true
  mv "$out/jdk-docs.tar.tmp" "$out/jdk-docs.tar"
fi
[[ -f "$out/jdk-docs.gzip6.tar.gz" ]] || { gzip -6 -n -c "$out/jdk-docs.tar" > "$out/tmp.gz" && mv "$out/tmp.gz" "$out/jdk-docs.gzip6.tar.gz"; }
if command -v pigz >/dev/null; then
  [[ -f "$out/jdk-docs.pigz.tar.gz" ]] || { pigz -6 -n -c "$out/jdk-docs.tar" > "$out/tmp.gz" && mv "$out/tmp.gz" "$out/jdk-docs.pigz.tar.gz"; }
fi
ls -l "$out"
