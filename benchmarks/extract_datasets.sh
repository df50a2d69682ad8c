#!/usr/bin/env bash
# Makes the extraction benchmark datasets (not committed) under ${SOCI_BENCH_DATA:-benchmarks/target/datasets}:
#   usr.gzip6.tar.gz   a tar of /usr/share and /usr/lib/jvm, gzip -6
#   tiny100k.gzip6.tar.gz  100,000 small files (10-200 bytes) in 100 directories, gzip -6
# and their zTOCs (4 MiB spans) made by ./soci (build it first: mvn -q -B package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${SOCI_BENCH_DATA:-benchmarks/target/datasets}"
mkdir -p "$out"
if [[ ! -f "$out/usr.gzip6.tar.gz" ]]; then
  tar -cf - -C / usr/share usr/lib/jvm 2>/dev/null | gzip -6 -n > "$out/usr.tmp.gz" || true
  mv "$out/usr.tmp.gz" "$out/usr.gzip6.tar.gz"
fi
if [[ ! -f "$out/tiny100k.gzip6.tar.gz" ]]; then
  python3 - "$out/tiny100k.tar" <<'PY'
import io, random, sys, tarfile
rnd = random.Random(14)
with tarfile.open(sys.argv[1], "w", format=tarfile.GNU_FORMAT) as t:
    for d in range(100):
        info = tarfile.TarInfo(f"tiny/d{d:03d}")
        info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 1700000000
        t.addfile(info)
        for f in range(1000):
            data = (f"file {d}/{f} " + "x" * rnd.randrange(0, 190) + "\n").encode()
            info = tarfile.TarInfo(f"tiny/d{d:03d}/f{f:04d}.txt")
            info.size, info.mode, info.mtime = len(data), 0o644, 1700000000
            t.addfile(info, io.BytesIO(data))
PY
  gzip -6 -n -c "$out/tiny100k.tar" > "$out/tiny.tmp.gz" && mv "$out/tiny.tmp.gz" "$out/tiny100k.gzip6.tar.gz"
  rm -f "$out/tiny100k.tar"
fi
for l in usr tiny100k; do
  [[ -f "$out/$l.ztoc" ]] || ./soci ztoc create "$out/$l.gzip6.tar.gz" -o "$out/$l.ztoc"
done
ls -l "$out"
