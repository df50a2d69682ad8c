#!/usr/bin/env python3
"""Time to first file from a registry: `soci cat` against fetching the whole blob.

Builds a ~100 MB single-layer image with umoci (100 directories of 20 files of 50 kB of random
bytes, and one small text file in the middle), converts it with `soci convert` and pushes it with
`soci push` to Debian's docker-registry on 127.0.0.1. Then, through benchmarks/throttle_proxy.py
(3 MB/s with 20 ms added per request, and unthrottled), each cold run starts a new process:
  lazy: ./soci cat HOST/bench/app:soci data/d050/small.txt --stats
  full: curl the whole layer blob, then gunzip it and scan the tar to the file (Python tarfile)
and measures from process start to the verified bytes of the file; runs are interleaved. Prints
p50 and p90 of each, bytes and requests, and the ratio lazy/full. Finally 16 threads read random
files of the image from the registry directly (benchmarks/RandomReads.java).

Usage: benchmarks/lazy_bench.py [RUNS] (after `mvn -q -B package -DskipTests`, from the root).
"""
import hashlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
soci = os.path.join(root, "soci")
work = tempfile.mkdtemp(prefix="soci-lazy-bench-")
procs = []
SMALL = b"the small file a container wants first\n" * 3


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def run(*cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def build_image():
    layout = os.path.join(work, "layout")
    rootfs = os.path.join(work, "data")
    rnd = open("/dev/urandom", "rb")
    for d in range(100):
        dd = os.path.join(rootfs, "d%03d" % d)
        os.makedirs(dd)
        for f in range(20):
            with open(os.path.join(dd, "f%02d" % f), "wb") as out:
                out.write(rnd.read(50_000))
        if d == 50:
            with open(os.path.join(dd, "small.txt"), "wb") as out:
                out.write(SMALL)
    run("umoci", "init", "--layout", layout)
    run("umoci", "new", "--image", layout + ":app")
    run("umoci", "insert", "--image", layout + ":app", rootfs, "/data")
    run(soci, "convert", "--layout", layout, "--image", "app", "--to", "app-soci", "-q")
    index = json.load(open(os.path.join(layout, "index.json")))
    app = [m for m in index["manifests"]
           if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == "app"][0]
    manifest = json.load(open(os.path.join(layout, "blobs", *app["digest"].split(":"))))
    layer = manifest["layers"][0]
    return layout, layer["digest"], layer["size"]


def start_registry():
    port = free_port()
    d = os.path.join(work, "registry")
    os.makedirs(d)
    cfg = os.path.join(d, "config.yml")
    with open(cfg, "w") as f:
        f.write("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n"
                "    rootdirectory: %s/storage\nhttp:\n  addr: 127.0.0.1:%d\n" % (d, port))
    procs.append(subprocess.Popen(["docker-registry", "serve", cfg],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for _ in range(100):
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/v2/" % port)
            return port
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the registry did not start")


def start_proxy(target, rate, rtt):
    p = subprocess.Popen([sys.executable, os.path.join(root, "benchmarks", "throttle_proxy.py"),
                          str(target), str(rate), str(rtt)], stdout=subprocess.PIPE, text=True)
    procs.append(p)
    return int(p.stdout.readline())


def lazy(port):
    t0 = time.monotonic()
    r = run(soci, "cat", "127.0.0.1:%d/bench/app:soci" % port, "data/d050/small.txt", "--stats")
    t = time.monotonic() - t0
    assert hashlib.sha256(r.stdout).digest() == hashlib.sha256(SMALL).digest(), r.stdout[:100]
    err = r.stderr.decode()
    fetched = int(re.search(r"fetched (\d+) bytes", err).group(1))
    layer = int(re.search(r"layer bytes fetched (\d+)", err).group(1))
    requests = int(re.search(r"requests (\d+)", err).group(1))
    return t, fetched, requests, layer


SCAN = """
import sys, tarfile
with tarfile.open(sys.argv[1], mode="r|gz") as t:
    for m in t:
        if m.name.lstrip("./") == "data/d050/small.txt":
            sys.stdout.buffer.write(t.extractfile(m).read())
            break
"""


def full(port, digest):
    # the whole blob fetched (as a pull without lazy loading does), then gunzipped and the tar
    # scanned to the file (umoci's layers end without tar's zero blocks, which GNU tar rejects)
    blob = os.path.join(work, "full.blob")
    t0 = time.monotonic()
    run("curl", "-sSf", "-o", blob, "http://127.0.0.1:%d/v2/bench/app/blobs/%s" % (port, digest))
    r = run(sys.executable, "-c", SCAN, blob)
    t = time.monotonic() - t0
    os.remove(blob)
    assert r.stdout == SMALL
    return t


def pct(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


try:
    layout, digest, size = build_image()
    reg = start_registry()
    run(soci, "push", "--layout", layout, "--image", "app-soci",
        "127.0.0.1:%d/bench/app:soci" % reg, "-q")
    print("layer %s: %.1f MB compressed; %d cold runs each, interleaved" % (digest[:19], size / 1e6, runs))
    for name, rate, rtt in (("3 MB/s, +20 ms per request", 3_000_000, 20), ("unthrottled", 0, 0)):
        port = start_proxy(reg, rate, rtt)
        lz, fl = [], []
        for i in range(runs):
            lz.append(lazy(port))
            fl.append(full(port, digest))
        lt = [x[0] for x in lz]
        print("%s:" % name)
        print("  soci cat   p50 %.2f s  p90 %.2f s  fetched %d bytes (layer %d) in %d requests"
              % (pct(lt, 50), pct(lt, 90), lz[0][1], lz[0][3], lz[0][2]))
        print("  full fetch p50 %.2f s  p90 %.2f s  fetched %d bytes in 1 request"
              % (pct(fl, 50), pct(fl, 90), size))
        print("  ratio (p50) %.3fx" % (pct(lt, 50) / pct(fl, 50)))
    cp = os.path.join(root, "soci-cli", "target", "soci-cli.jar") + ":" + \
        os.path.join(root, "soci-cli", "target", "lib", "*")
    for mode in ("cache", "nocache"):
        r = run("java", "-cp", cp, os.path.join(root, "benchmarks", "RandomReads.java"),
                "127.0.0.1:%d/bench/app:soci" % reg, "16", "15", mode)
        print("random reads from the registry: " + r.stdout.decode().strip())
finally:
    for p in procs:
        p.kill()
    shutil.rmtree(work, ignore_errors=True)
