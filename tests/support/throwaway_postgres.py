"""Run a command against a throwaway PostgreSQL cluster, then remove it.

    python -m tests.support.throwaway_postgres -- pytest -q

Uses the PostgreSQL server installed on the machine (Debian's), starts a
cluster in a temporary directory on a free loopback port, exports
DATABASE_URL for the command, and stops and deletes the cluster afterwards,
whatever the command's outcome.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path


def postgres_bin_dir() -> Path:
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    if not candidates:
        raise SystemExit(
            "PostgreSQL is not installed: apt-get install postgresql (Debian's server)."
        )
    return candidates[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres_user(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return (
        ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command
    )


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Yield the DATABASE_URL of a fresh cluster that is gone afterwards."""
    bin_dir = postgres_bin_dir()
    workdir = Path(tempfile.mkdtemp(prefix="quorum-pg-"))
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    data, port = workdir / "data", free_port()

    def run(*args: str) -> None:
        subprocess.run(
            as_postgres_user(list(args)), check=True, stdout=subprocess.DEVNULL
        )

    try:
        run(
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(workdir / "server.log"),
            "-w",
            "-o",
            f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            "start",
        )
        run(
            str(bin_dir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "quorum",
        )
        yield f"postgres://postgres@127.0.0.1:{port}/quorum"
    finally:
        subprocess.run(
            as_postgres_user(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str]) -> int:
    command = argv[argv.index("--") + 1 :] if "--" in argv else argv
    if not command:
        raise SystemExit(__doc__)
    with throwaway_cluster() as url:
        print(f"Throwaway PostgreSQL cluster: {url}", flush=True)
        return subprocess.run(
            command, env=os.environ | {"DATABASE_URL": url}
        ).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
