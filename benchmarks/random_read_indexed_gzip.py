#!/usr/bin/env python3
"""Median latency of 1 MiB reads at the same offsets as RandomReadProbe, through indexed_gzip
(C zran) with a checkpoint every SPAN bytes, or from the checkpoints of an index file (GzidxExport
writes one from a zTOC). Usage: random_read_indexed_gzip.py LAYER SPAN READS [INDEX]"""
import sys, time
from indexed_gzip.indexed_gzip import _IndexedGzipFile

layer, span, reads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
# The Cython class itself: IndexedGzipFile adds a Python BufferedReader and reopens the file
# for every call (drop_handles), which would make C zran look several times slower than it is.
f = _IndexedGzipFile(layer, spacing=span, readbuf_size=1 << 20, drop_handles=False)
if len(sys.argv) > 4:
    f.import_index(filename=sys.argv[4])
else:
    f.build_full_index()
size = f.seek(0, 2)
rng = size - (1 << 20)
for k in range(20):  # warm-up
    f.seek((k * 104729) % rng); f.read(1 << 20)
ms = []
for k in range(reads):
    off = ((k + 1) * 7919 * 1000003) % rng
    t0 = time.perf_counter(); f.seek(off); f.read(1 << 20); ms.append((time.perf_counter() - t0) * 1000)
ms.sort()
print("median %.2f ms p90 %.2f ms" % (ms[reads // 2], ms[reads * 9 // 10]))
