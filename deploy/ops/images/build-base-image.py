#!/usr/bin/env python3
"""Builds the services' base image as a `docker save` tarball, from this machine's JDK, for Jib's `tar://`.

Where a registry is reachable, the images build FROM eclipse-temurin (see the root pom's `image.base`).
Where none is (this project's CI), this makes the equivalent of a distroless Java base: a jlink'd Java
runtime, the glibc and libstdc++ libraries it and RocksDB's JNI library need, /etc/passwd with the
unprivileged user 1000, and a world-writable /tmp. Deterministic: the same JDK and libraries give the
same tarball, byte for byte.

usage: build-base-image.py <JAVA_HOME> <output.tar>
"""
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile

MODULES = ["java.base", "java.compiler", "java.desktop", "java.instrument", "java.logging", "java.management",
           "java.management.rmi", "java.naming", "java.net.http", "java.prefs", "java.rmi", "java.scripting",
           "java.security.jgss", "java.security.sasl", "java.sql", "java.transaction.xa", "java.xml",
           "jdk.crypto.cryptoki", "jdk.httpserver", "jdk.jfr", "jdk.management", "jdk.management.agent",
           "jdk.naming.dns", "jdk.net", "jdk.unsupported", "jdk.zipfs"]
# What `ldd` names for the runtime's binaries and for RocksDB's JNI library (Kafka Streams' state stores).
LIBRARIES = ["libc.so.6", "libdl.so.2", "libm.so.6", "libpthread.so.0", "librt.so.1", "libstdc++.so.6",
             "libgcc_s.so.1", "ld-linux-x86-64.so.2"]
LIB_DIR = "/lib/x86_64-linux-gnu"
PASSWD = "root:x:0:0:root:/root:/sbin/nologin\napp:x:1000:1000:app:/home/app:/sbin/nologin\n"
GROUP = "root:x:0:\napp:x:1000:\n"


def entry(tar, name, kind, mode, data=None, link=None, uid=0):
    info = tarfile.TarInfo(name)
    info.mtime, info.uid, info.gid, info.uname, info.gname, info.mode = 0, uid, uid, "", "", mode
    info.type = kind
    if link is not None:
        info.linkname = link
    if data is not None:
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    else:
        tar.addfile(info)


def layer(java_home, work):
    runtime = os.path.join(work, "java")
    subprocess.run([os.path.join(java_home, "bin", "jlink"), "--add-modules", ",".join(MODULES), "--output", runtime,
                    "--strip-debug", "--no-man-pages", "--no-header-files", "--compress", "zip-6"], check=True)
    files = {}  # path in image -> (kind, mode, data or link)
    for root, dirs, names in os.walk(runtime):
        rel = os.path.relpath(root, runtime)
        base = "opt/java" if rel == "." else "opt/java/" + rel
        files[base] = ("dir", 0o755, None)
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                files[base + "/" + name] = ("file", 0o755 if os.access(path, os.X_OK) else 0o644, f.read())
    for d in ["etc", "lib", "lib64", "lib/x86_64-linux-gnu", "tmp", "home", "home/app", "opt", "usr", "usr/bin"]:
        files[d] = ("dir", 0o1777 if d == "tmp" else 0o755, None)
    for lib in LIBRARIES:
        real = os.path.realpath(os.path.join(LIB_DIR, lib))
        with open(real, "rb") as f:
            files["lib/x86_64-linux-gnu/" + os.path.basename(real)] = ("file", 0o755, f.read())
        if os.path.basename(real) != lib:
            files["lib/x86_64-linux-gnu/" + lib] = ("link", 0o777, os.path.basename(real))
    files["lib64/ld-linux-x86-64.so.2"] = ("link", 0o777, "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")
    files["usr/bin/java"] = ("link", 0o777, "/opt/java/bin/java")
    files["etc/passwd"] = ("file", 0o644, PASSWD.encode())
    files["etc/group"] = ("file", 0o644, GROUP.encode())
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name in sorted(files):
            kind, mode, payload = files[name]
            if kind == "dir":
                entry(tar, name + "/", tarfile.DIRTYPE, mode, uid=1000 if name == "home/app" else 0)
            elif kind == "link":
                entry(tar, name, tarfile.SYMTYPE, mode, link=payload)
            else:
                entry(tar, name, tarfile.REGTYPE, mode, data=payload)
    return buffer.getvalue()


def main(java_home, output):
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        layer_bytes = layer(java_home, work)
    digest = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()
    config = {
        "architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:00Z",
        "config": {"Env": ["PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
                   "User": "1000:1000", "WorkingDir": "/home/app"},
        "rootfs": {"type": "layers", "diff_ids": [digest]},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "deploy/ops/images/build-base-image.py"}],
    }
    config_bytes = json.dumps(config, sort_keys=True).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": ["order-cancellation/java-base:local"], "Layers": ["layer.tar"]}]
    with tarfile.open(output, "w", format=tarfile.GNU_FORMAT) as tar:
        entry(tar, config_name, tarfile.REGTYPE, 0o644, data=config_bytes)
        entry(tar, "layer.tar", tarfile.REGTYPE, 0o644, data=layer_bytes)
        entry(tar, "manifest.json", tarfile.REGTYPE, 0o644, data=json.dumps(manifest).encode())
    print(f"{output}: {len(layer_bytes) // (1024 * 1024)} MiB layer {digest}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
