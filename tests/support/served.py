"""``gridledger serve`` started as a user starts it: the installed console script, in a process group of its own."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BOOT_TIMEOUT = 120.0  # a hang guard only: a busy 2-core machine boots gunicorn in seconds
CONSOLE_SCRIPT = Path(sys.executable).parent / "gridledger"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def served(database_url: str, log_path: Path, *options: str) -> Iterator[int]:
    """Yield the port once /healthz answers; everything the server printed goes to ``log_path``. Stopped with
    SIGTERM to its whole process group (master and workers) when the block ends."""
    port = free_port()
    # Tests' stores on PostgreSQL hold made-up residents in clear (the server refuses that unless told).
    environment = {"GRIDLEDGER_ALLOW_PLAINTEXT": "1", **os.environ, "GRIDLEDGER_DATABASE_URL": database_url}
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [str(CONSOLE_SCRIPT), "serve", "--host", "127.0.0.1", "--port", str(port), *options],
            env=environment,
            cwd=log_path.parent,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + BOOT_TIMEOUT
        while not healthy(port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"gridledger serve did not answer:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.1)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
