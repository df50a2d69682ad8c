#!/bin/sh
# Whole-process push and pull of a ~100 MB image: soci push/pull against skopeo copy, same
# registry (Debian's docker-registry on 127.0.0.1), interleaved, each run into a fresh repository
# or directory. Usage: benchmarks/registry.sh [RUNS] (after `mvn -q package -DskipTests`).
set -eu
runs=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill "$reg" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/config.yml" <<YAML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/storage
http:
  addr: 127.0.0.1:$port
YAML
docker-registry serve "$work/config.yml" > "$work/registry.log" 2>&1 &
reg=$!
until curl -sf "http://127.0.0.1:$port/v2/" > /dev/null; do sleep 0.2; done

# the image: umoci, four layers of 25 MB of random bytes (gzip cannot shrink them)
umoci init --layout "$work/layout" > /dev/null
umoci new --image "$work/layout:app" > /dev/null
for i in 1 2 3 4; do
  head -c 26214400 /dev/urandom > "$work/f$i"
  umoci insert --image "$work/layout:app" "$work/f$i" "/f$i" > /dev/null
done
"$root/soci" convert --layout "$work/layout" --image app --to app-soci -q > /dev/null
du -sh "$work/layout/blobs"

t() { s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
host=127.0.0.1:$port
for r in $(seq 1 "$runs"); do
  a=$(t "$root/soci" push --layout "$work/layout" --image app-soci "$host/soci$r:app")
  b=$(t skopeo copy --all --dest-tls-verify=false "oci:$work/layout:app-soci" "docker://$host/skopeo$r:app")
  c=$(t "$root/soci" pull "$host/soci$r:app" --layout "$work/pulled-soci$r" --all-platforms)
  d=$(t skopeo copy --all --src-tls-verify=false "docker://$host/skopeo$r:app" "oci:$work/pulled-skopeo$r:app")
  echo "run $r: push soci $a s, skopeo $b s; pull soci $c s, skopeo $d s"
done
