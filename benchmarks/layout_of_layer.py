#!/usr/bin/env python3
"""Makes an OCI image layout holding one image with one gzip layer (the given blob, hard-linked
when possible), tagged "big", for timing `soci create` on a large layer:

    benchmarks/layout_of_layer.py benchmarks/target/datasets/jdk-docs.gzip6.tar.gz /tmp/layout
    cp -al /tmp/layout /tmp/run && ./soci create --layout /tmp/run --image big
"""
import gzip
import hashlib
import json
import os
import shutil
import sys


def sha256_of(stream):
    h = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        h.update(block)
    return h.hexdigest()


def put(blobs, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    layer, out = sys.argv[1], sys.argv[2]
    if os.path.exists(out):
        sys.exit(f"{out} exists")
    blobs = os.path.join(out, "blobs", "sha256")
    os.makedirs(blobs)
    with open(layer, "rb") as f:
        layer_digest = sha256_of(f)
    with gzip.open(layer, "rb") as f:
        diff_id = sha256_of(f)
    target = os.path.join(blobs, layer_digest)
    try:
        os.link(os.path.realpath(layer), target)
    except OSError:
        shutil.copyfile(layer, target)
    compact = {"separators": (",", ":")}
    config = put(blobs, json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                                    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff_id]}}, **compact).encode())
    manifest = put(blobs, json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + layer_digest,
                    "size": os.path.getsize(layer)}]}, **compact).encode())
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", **manifest,
                            "annotations": {"org.opencontainers.image.ref.name": "big"}}]}
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    print(f"{out}: image 'big', layer sha256:{layer_digest}")


if __name__ == "__main__":
    main()
