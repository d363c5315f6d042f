#!/usr/bin/env python3
"""Asserts what ops rely on in a service image built by Jib to a tarball, and (as root) runs it.

  check-image.py <jib-image.tar> <service-name> <port> [--run]

Checks the OCI config: a non-root user, the Java entrypoint with container-aware memory flags, the
exposed port, the image labels and the tag scheme. With --run (needs root, for chroot and a /proc
mount; the stand-in for `docker run` on a machine without a container engine) it unpacks the layers
in order, starts the entrypoint with the Kafka bootstrap pointing at a closed port, and waits until
/actuator/health/liveness answers 200 on the exposed port: the image really starts the service.
"""
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request


def fail(message):
    sys.exit(f"image check FAILED: {message}")


def blob(tar, digest):
    return tar.extractfile("blobs/" + digest.replace(":", "/")).read()


def main(path, service, port, run):
    with tarfile.open(path) as tar:
        index = json.loads(tar.extractfile("index.json").read())
        descriptor = index["manifests"][0]
        reference = descriptor.get("annotations", {}).get("org.opencontainers.image.ref.name", "")
        manifest = json.loads(blob(tar, descriptor["digest"]))
        config = json.loads(blob(tar, manifest["config"]["digest"]))
        image = config["config"]
        checks = {
            "reference is <registry>/<service>:<tag>": reference.split("/")[-1].split(":")[0] == service,
            "user is 1000:1000 (non-root)": image.get("User") == "1000:1000",
            "entrypoint runs java": image.get("Entrypoint", [""])[0] == "java",
            "heap follows the container limit (MaxRAMPercentage)":
                any(a.startswith("-XX:MaxRAMPercentage=") for a in image.get("Entrypoint", [])),
            "exits on OutOfMemoryError (the orchestrator restarts it)":
                "-XX:+ExitOnOutOfMemoryError" in image.get("Entrypoint", []),
            f"exposes {port}/tcp": f"{port}/tcp" in image.get("ExposedPorts", {}),
            f"PORT={port} in the environment": f"PORT={port}" in image.get("Env", []),
            "OCI title label names the service": image.get("Labels", {}).get("org.opencontainers.image.title") == service,
            "reproducible creation time (epoch)": config.get("created", "").startswith("1970-01-01"),
        }
        for what, ok in checks.items():
            print(("  ok   " if ok else "  FAIL ") + what)
        if not all(checks.values()):
            fail(f"{path}: config {json.dumps(image)}")
        print(f"{reference}: {len(manifest['layers'])} layers, entrypoint {' '.join(image['Entrypoint'][:6])} …")
        if run:
            run_image(tar, manifest, image, port)


def run_image(tar, manifest, image, port):
    if os.geteuid() != 0:
        fail("--run needs root (chroot and a /proc mount)")
    root = tempfile.mkdtemp(prefix="image-rootfs-")
    os.chmod(root, 0o755)  # the container's "/": mkdtemp makes it private to root
    proc = os.path.join(root, "proc")
    process = None
    try:
        for layer in manifest["layers"]:
            with tarfile.open(fileobj=tar.extractfile("blobs/" + layer["digest"].replace(":", "/")), mode="r|*") as files:
                # Modes as in the image (/tmp is 1777). Pythons before 3.11.4 have no extraction filters and
                # extract that way anyway.
                if hasattr(tarfile, "fully_trusted_filter"):
                    files.extractall(root, filter="fully_trusted")
                else:
                    files.extractall(root)
        os.makedirs(proc, exist_ok=True)
        subprocess.run(["mount", "-t", "proc", "proc", proc], check=True)
        env = dict(e.split("=", 1) for e in image.get("Env", []))
        env.update({"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "SCHEMA_REGISTRY_URL": "http://127.0.0.1:1",
                    "SERVER_ADDRESS": "127.0.0.1",
                    # Production validates tokens against the issuer's keys, fetched on first use.
                    "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI": "http://127.0.0.1:1/jwks"})
        user = image["User"]
        command = [shutil.which("chroot"), f"--userspec={user}", root] + image["Entrypoint"] + image.get("Cmd", [])
        log = open(os.path.join(tempfile.gettempdir(), "image-run.log"), "w")
        process = subprocess.Popen(command, env=env, cwd="/", stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while time.time() < deadline:
            if process.poll() is not None:
                fail(f"the container exited with {process.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/actuator/health/liveness", timeout=2) as answer:
                    if answer.status == 200:
                        print(f"  ok   the image starts the service: liveness 200 on :{port} as user {user}")
                        return
            except OSError:
                pass
            time.sleep(1)
        fail(f"no liveness answer on :{port} within 120 s; see {log.name}")
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        subprocess.run(["umount", proc], check=False)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--run"]
    if len(args) != 3:
        sys.exit(__doc__)
    main(args[0], args[1], int(args[2]), "--run" in sys.argv)
