"""Run a command against a throwaway S3-compatible server, then stop it.

    python -m tests.support.throwaway_s3 -- pytest -q tests/test_records_fixity.py

Starts moto's S3 server (`moto_server`, from the dev dependency `moto[server]`)
on a free loopback port, creates a bucket, exports QUORUM_STORAGE=s3 and the
QUORUM_S3_* variables for the command, and stops the server afterwards,
whatever the command's outcome. The server keeps everything in memory, so
nothing is left behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3

BUCKET = "quorum-test"
REGION = "us-east-1"
STARTUP_SECONDS = 20.0


def moto_server_command() -> str:
    # The console script sits beside this interpreter in the venv, which need
    # not be on PATH.
    beside = Path(sys.executable).parent / "moto_server"
    found = str(beside) if beside.exists() else shutil.which("moto_server")
    if found is None:
        raise SystemExit("moto_server is not installed: pip install 'moto[server]'.")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"moto_server exited with status {server.returncode}.")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return  # any HTTP answer means it is serving
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not answer at {url} in {STARTUP_SECONDS}s.")


@contextlib.contextmanager
def throwaway_s3() -> Iterator[dict[str, str]]:
    """Yield the environment variables of a fresh S3 server and bucket; the
    server is gone afterwards."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [moto_server_command(), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_answering(endpoint, server)
        env = {
            "QUORUM_STORAGE": "s3",
            "QUORUM_S3_BUCKET": BUCKET,
            "QUORUM_S3_ENDPOINT_URL": endpoint,
            # moto accepts any credentials; these only have to be present.
            "QUORUM_S3_ACCESS_KEY_ID": "quorum-test",
            "QUORUM_S3_SECRET_ACCESS_KEY": "quorum-test-secret",
            "QUORUM_S3_REGION": REGION,
        }
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=env["QUORUM_S3_ACCESS_KEY_ID"],
            aws_secret_access_key=env["QUORUM_S3_SECRET_ACCESS_KEY"],
        ).create_bucket(Bucket=BUCKET)
        yield env
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main(argv: list[str]) -> int:
    command = argv[argv.index("--") + 1 :] if "--" in argv else argv
    if not command:
        raise SystemExit(__doc__)
    with throwaway_s3() as env:
        print(
            f"Throwaway S3 server: {env['QUORUM_S3_ENDPOINT_URL']} "
            f"(bucket {env['QUORUM_S3_BUCKET']})",
            flush=True,
        )
        return subprocess.run(command, env=os.environ | env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
