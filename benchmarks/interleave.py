#!/usr/bin/env python3
"""Interleaved whole-process timing: runs each command once per round, ROUNDS rounds, and prints
each command's median and minimum wall time and its median's ratio to the first command's.
Interleaving spreads the machine's drift over all commands alike.

Usage: benchmarks/interleave.py ROUNDS LABEL1 'COMMAND1' LABEL2 'COMMAND2' ...
"""
import statistics
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 4 or len(sys.argv) % 2 != 0:
        sys.exit(__doc__)
    rounds = int(sys.argv[1])
    pairs = list(zip(sys.argv[2::2], sys.argv[3::2]))
    times = {label: [] for label, _ in pairs}
    for _ in range(rounds):
        for label, command in pairs:
            start = time.monotonic()
            done = subprocess.run(command, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if done.returncode != 0:
                sys.exit(f"{label} failed ({done.returncode}): {done.stderr.decode(errors='replace').strip()}")
            times[label].append(time.monotonic() - start)
    base = statistics.median(times[pairs[0][0]])
    for label, _ in pairs:
        m = statistics.median(times[label])
        print(f"{label:24s} median {m:5.2f} s  min {min(times[label]):5.2f} s  ratio {m / base:4.2f}")


if __name__ == "__main__":
    main()
