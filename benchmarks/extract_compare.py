#!/usr/bin/env python3
"""Whole-process extraction of a layer, interleaved: `tar -xzf` against `soci ztoc extract`.

Each round runs every command once into an empty directory (removed and re-created before the
command, outside the timing) and records wall time and CPU time (user + sys of the process and
its children, e.g. tar's gzip). Prints medians and the ratios to tar's.

Usage: benchmarks/extract_compare.py ROUNDS LAYER ZTOC OUTDIR
  (OUTDIR on a tmpfs such as /dev/shm keeps the disk out of the comparison)
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time


def run(command, out):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(command, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{command} failed: {done.stderr.decode(errors='replace').strip()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    rounds, layer, ztoc, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    soci = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "soci")
    commands = [
        ("tar -xzf", f"tar -xzf {layer} -C {out}"),
        ("soci ztoc extract", f"{soci} ztoc extract --ztoc {ztoc} {layer} -C {out} -q"),
    ]
    walls = {label: [] for label, _ in commands}
    cpus = {label: [] for label, _ in commands}
    for _ in range(rounds):
        for label, command in commands:
            w, c = run(command, out)
            walls[label].append(w)
            cpus[label].append(c)
    shutil.rmtree(out, ignore_errors=True)
    base_w = statistics.median(walls[commands[0][0]])
    base_c = statistics.median(cpus[commands[0][0]])
    print(f"{layer}: {rounds} interleaved rounds, medians (min)")
    for label, _ in commands:
        w, c = statistics.median(walls[label]), statistics.median(cpus[label])
        print(f"{label:20s} wall {w:6.2f} s ({min(walls[label]):5.2f})  ratio {w / base_w:4.2f}"
              f"   cpu {c:6.2f} s  ratio {c / base_c:4.2f}")


if __name__ == "__main__":
    main()
