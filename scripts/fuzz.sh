#!/usr/bin/env bash
# Coverage-guided fuzzing of every decoder with Jazzer (libFuzzer for the JVM).
#
#   scripts/fuzz.sh [SECONDS]            every target for SECONDS each (default 30; CI uses 30)
#   FUZZ_TARGETS="ZtocFuzzer" scripts/fuzz.sh 3600     one target for an hour
#
# Each target runs in its own JVM, starting from its committed seeds
# (fuzz/src/test/resources/dev/soci/fuzz/<Target>Inputs/fuzz/) plus the corpus earlier runs
# grew (fuzz/target/fuzz/<Target>/corpus/, kept until `mvn clean`). A crash, timeout (10 s per
# input) or out-of-memory stops the target; its input is saved under
# fuzz/target/fuzz/<Target>/findings/ and the script fails after running the other targets.
# To keep a finding as a regression fixture, copy it next to the seeds with a name ending in
# -fail; `mvn verify` then runs it with every build.
#
# Prints a table of targets, executions and results; the same table is written to
# fuzz/target/fuzz/summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
all="GzipDecoderFuzzer GzipResumeFuzzer CheckpointInflaterFuzzer GzipZinfoFuzzer TarZinfoFuzzer ZtocFuzzer TarTocParserFuzzer ZtocBuilderFuzzer SeekableLayerFuzzer OciJsonFuzzer SpeculativeDecodingFuzzer PrefetchArtifactFuzzer OciLayoutFuzzer IndexCatalogFuzzer"
read -r -a targets <<< "${FUZZ_TARGETS:-$all}"

# Build the library and the fuzz targets, and get their class path (reactor classes, not ~/.m2).
mvn -B -q ${MAVEN_ARGS:-} -pl fuzz -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/fuzz-classpath.txt -Dmdep.includeScope=test >/dev/null
cp="$PWD/fuzz/target/test-classes:$(cat fuzz/target/fuzz-classpath.txt)"
java_opts=(-Xmx1g -XX:+IgnoreUnrecognizedVMOptions -XX:+EnableDynamicAgentLoading --enable-native-access=ALL-UNNAMED)

out=fuzz/target/fuzz
mkdir -p "$out"
summary="$out/summary.md"
{
  echo "| target | seconds | executions | exec/s | corpus | result |"
  echo "| --- | ---: | ---: | ---: | ---: | --- |"
} > "$summary"
failed=0
for t in "${targets[@]}"; do
  work="$out/$t"
  seeds="fuzz/src/test/resources/dev/soci/fuzz/${t}Inputs/fuzz"
  mkdir -p "$work/corpus" "$work/findings"
  start=$(date +%s)
  set +e
  (cd "$work" && java "${java_opts[@]}" -cp "$cp" com.code_intelligence.jazzer.Jazzer \
    --target_class="dev.soci.fuzz.$t" --instrumentation_includes='dev.soci.**' \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 -print_final_stats=1 \
    -artifact_prefix="findings/" corpus "$OLDPWD/$seeds") > "$work/log" 2>&1
  rc=$?
  set -e
  elapsed=$(( $(date +%s) - start ))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
  runs=${runs:-$(grep -o '^#[0-9]*' "$work/log" | tail -n 1 | tr -d '#')}
  runs=${runs:-0}
  corpus=$(find "$work/corpus" -type f | wc -l)
  if [[ $rc -eq 0 ]]; then
    result="ok"
  else
    failed=1
    finding=$(ls -t "$work/findings" 2>/dev/null | head -n 1)
    result="FAILED (exit $rc${finding:+, input $work/findings/$finding}; log $work/log)"
    grep -m 1 -E '^(== Java Exception|==[0-9]+== ERROR|ERROR: libFuzzer)' "$work/log" >&2 || tail -n 20 "$work/log" >&2
  fi
  printf '| %s | %d | %d | %d | %d | %s |\n' "$t" "$elapsed" "$runs" $(( runs / (elapsed > 0 ? elapsed : 1) )) \
    "$corpus" "$result" >> "$summary"
  printf 'fuzz: %-26s %4d s %10d runs  %s\n' "$t" "$elapsed" "$runs" "$result" >&2
done
cat "$summary"
exit $failed
