#!/usr/bin/env bash
# Whole-process comparison on one large layer: `soci ztoc create` against plain decompression
# (gzip -dc, the JDK) and, where installed, indexed_gzip building its checkpoint index.
# Prints the median wall time of RUNS runs of each and the ratio to the JDK's decompression.
# Usage: benchmarks/compare.sh [LAYER] [RUNS]   (default: the gzip6 dataset of datasets.sh, 5 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
layer="${1:-${SOCI_BENCH_DATA:-benchmarks/target/datasets}/jdk-docs.gzip6.tar.gz}"
runs="${2:-5}"
[[ -f "$layer" ]] || { echo "no layer at $layer: run benchmarks/datasets.sh" >&2; exit 1; }
[[ -f benchmarks/target/benchmarks.jar && -f soci-cli/target/soci-cli.jar ]] || mvn -q -B install -DskipTests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_it() { # name, command...
  local name=$1; shift
  local times=()
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
    times+=("$(awk -v a="$s" -v b="$e" 'BEGIN {print b - a}')")
  done
  printf '%s\n' "${times[@]}" | median > "$tmp/$name"
}

time_it jdk "$java" -cp benchmarks/target/benchmarks.jar dev.soci.benchmarks.JdkGunzip "$layer"
time_it gzip gzip -dc "$layer"
time_it soci ./soci ztoc create "$layer" -o "$tmp/out.ztoc" --force
time_it soci1 ./soci ztoc create "$layer" -o "$tmp/out1.ztoc" --force --parallelism 1
cmp -s "$tmp/out.ztoc" "$tmp/out1.ztoc" || { echo "zTOCs built with 1 and with all threads differ" >&2; exit 1; }
if /usr/bin/python3 -c 'import indexed_gzip' 2>/dev/null; then
  time_it indexed_gzip /usr/bin/python3 -c "
import indexed_gzip, sys
f = indexed_gzip.IndexedGzipFile(sys.argv[1], spacing=4194304)
f.build_full_index()" "$layer"
fi
base=$(cat "$tmp/jdk")
printf 'layer %s (%s bytes), %s runs each, median wall time (whole process, JVM start included)\n' \
  "$layer" "$(stat -L -c %s "$layer")" "$runs"
printf '%-40s %8s %8s\n' "command" "seconds" "vs JDK"
for n in jdk gzip soci soci1 indexed_gzip; do
  [[ -f "$tmp/$n" ]] || continue
  case $n in
    jdk) label="JDK GZIPInputStream (decompress only)";;
    gzip) label="gzip -dc (decompress only)";;
    soci) label="soci ztoc create (4 MiB spans)";;
    soci1) label="  the same, --parallelism 1";;
    indexed_gzip) label="indexed_gzip build_full_index (4 MiB)";;
  esac
  printf '%-40s %8.2f %8.2f\n' "$label" "$(cat "$tmp/$n")" "$(awk -v a="$(cat "$tmp/$n")" -v b="$base" 'BEGIN {print a / b}')"
done

# Random 1 MiB reads, 4 MiB spans: indexed_gzip against SeekableLayer (same offsets, same process shape).
reads="${READS:-200}"
printf '\n1 MiB reads at %s random offsets, 4 MiB spans (after a warm-up)\n' "$reads"
if /usr/bin/python3 -c 'import indexed_gzip' 2>/dev/null; then
  printf '%-40s %s\n' "indexed_gzip (C zran)" "$(/usr/bin/python3 benchmarks/random_read_indexed_gzip.py "$layer" 4194304 "$reads")"
  # The same reader from our checkpoints: upstream's rule, which zTOCs must follow, places them
  # a little differently from indexed_gzip's own (past, not at, a boundary exactly a span on).
  "$java" -cp benchmarks/target/benchmarks.jar dev.soci.benchmarks.GzidxExport "$tmp/out.ztoc" "$tmp/out.gzidx"
  printf '%-40s %s\n' "indexed_gzip from our checkpoints" \
    "$(/usr/bin/python3 benchmarks/random_read_indexed_gzip.py "$layer" 4194304 "$reads" "$tmp/out.gzidx")"
fi
for v in false true; do
  printf '%-40s %s\n' "SeekableLayer, verify span digests=$v" \
    "$("$java" -cp benchmarks/target/benchmarks.jar dev.soci.benchmarks.RandomReadProbe "$layer" 4194304 "$reads" "$v")"
done
