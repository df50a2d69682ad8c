#!/usr/bin/env bash
# Whole-process timing: `soci create REF` (remote, streaming) against `soci pull` + layout
# `soci create` + `soci push` of the same image, against docker-registry on loopback, same run.
# Usage: benchmarks/remote_build.sh [MB]   (run from the repository root after `mvn package`)
set -euo pipefail
MB=${1:-300}
SOCI=${SOCI:-./soci}
work=$(mktemp -d)
trap 'kill $reg 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/config.yml" <<YML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/storage
http:
  addr: 127.0.0.1:$port
YML
docker-registry serve "$work/config.yml" > "$work/registry.log" 2>&1 &
reg=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.2; done
umoci init --layout "$work/src" >/dev/null
umoci new --image "$work/src:app" >/dev/null
head -c "$((MB << 20))" /dev/urandom > "$work/big.bin"   # incompressible: the gzip layer is ~MB
umoci insert --image "$work/src:app" "$work/big.bin" /big.bin >/dev/null
rm "$work/big.bin"
host=127.0.0.1:$port
$SOCI push -q --layout "$work/src" --image app "$host/bench/remote:v1" >/dev/null
$SOCI push -q --layout "$work/src" --image app "$host/bench/local:v1" >/dev/null
ms() { date +%s%3N; }
t0=$(ms)
$SOCI create -q "$host/bench/remote:v1" >/dev/null
t1=$(ms)
$SOCI pull -q "$host/bench/local:v1" --layout "$work/pulled" --image app >/dev/null
$SOCI create -q --layout "$work/pulled" --image app >/dev/null
$SOCI push -q --layout "$work/pulled" --image app "$host/bench/local:v1" >/dev/null
t2=$(ms)
remote=$((t1 - t0)); local=$((t2 - t1))
echo "layer: $(du -sh "$work/pulled/blobs" | cut -f1) of blobs; remote create: ${remote} ms;" \
  "pull + create + push: ${local} ms; ratio remote/local: $(python3 -c "print(round($remote/$local, 2))")"
