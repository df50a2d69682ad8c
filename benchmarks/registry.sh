#!/bin/sh
# Whole-process push and pull of a ~100 MB image: soci push/pull against skopeo copy, each run on
# a fresh registry (Debian's docker-registry on 127.0.0.1) so that neither client finds blobs it
# could skip or mount, interleaved. Usage: benchmarks/registry.sh [RUNS] (after
# `mvn -q package -DskipTests`).
set -eu
runs=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
reg=
trap 'kill $reg 2>/dev/null || true; rm -rf "$work"' EXIT

# starts a registry with empty storage; sets $host and $reg
start_registry() {
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  dir=$(mktemp -d "$work/registry.XXXX")
  printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
    "$dir/storage" "$port" > "$dir/config.yml"
  docker-registry serve "$dir/config.yml" > "$dir/log" 2>&1 &
  reg="$reg $!"
  host=127.0.0.1:$port
  until curl -sf "http://$host/v2/" > /dev/null; do sleep 0.2; done
}

# the image: umoci, four layers of 25 MB of random bytes (gzip cannot shrink them), converted
umoci init --layout "$work/layout" > /dev/null
umoci new --image "$work/layout:app" > /dev/null
for i in 1 2 3 4; do
  head -c 26214400 /dev/urandom > "$work/f$i"
  umoci insert --image "$work/layout:app" "$work/f$i" "/f$i" > /dev/null
done
"$root/soci" convert --layout "$work/layout" --image app --to app-soci -q > /dev/null
du -sh "$work/layout/blobs"

# skopeo keeps a blob cache in $HOME: a fresh one per run
t() { s=$(date +%s.%N); HOME="$work/home-$r" XDG_DATA_HOME="$work/home-$r" "$@" > /dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
for r in $(seq 1 "$runs"); do
  start_registry; sh=$host
  start_registry; kh=$host
  a=$(t "$root/soci" push --layout "$work/layout" --image app-soci "$sh/img:app")
  b=$(t skopeo copy --all --dest-tls-verify=false "oci:$work/layout:app-soci" "docker://$kh/img:app")
  c=$(t "$root/soci" pull "$sh/img:app" --layout "$work/pulled-soci$r" --all-platforms)
  d=$(t skopeo copy --all --src-tls-verify=false "docker://$kh/img:app" "oci:$work/pulled-skopeo$r:app")
  echo "run $r: push soci $a s, skopeo $b s; pull soci $c s, skopeo $d s"
  echo "$a $b $c $d" >> "$work/times"
done
python3 - "$work/times" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
med = [statistics.median(c) for c in zip(*rows)]
print("medians: push soci %.2f s, skopeo %.2f s (ratio %.2f); pull soci %.2f s, skopeo %.2f s (ratio %.2f)"
      % (med[0], med[1], med[0] / med[1], med[2], med[3], med[2] / med[3]))
PY
