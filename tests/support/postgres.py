"""Locate or start a PostgreSQL server for the test suite.

``postgres_server_url()`` returns a SQLAlchemy URL of a reachable server,
trying in order:

1. ``GRIDLEDGER_TEST_POSTGRES_URL`` if set (it must accept a connection);
2. a local server at ``127.0.0.1:5432`` (user ``postgres``, trust auth);
3. a throwaway cluster created with ``initdb``/``pg_ctl`` from the highest
   version under ``/usr/lib/postgresql/*/bin``, stopped and deleted at exit.

Setting ``GRIDLEDGER_TEST_POSTGRES_THROWAWAY=1`` skips steps 1 and 2 and
forces the throwaway cluster (used to test that path). If no server can be
found or started, ``RuntimeError`` is raised; tests never skip silently.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time

import psycopg2
from psycopg2 import sql
from sqlalchemy.engine import URL, make_url

URL_ENV = "GRIDLEDGER_TEST_POSTGRES_URL"
THROWAWAY_ENV = "GRIDLEDGER_TEST_POSTGRES_THROWAWAY"
LOCAL_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
STARTUP_TIMEOUT = 120.0

_server_url: str | None = None


def _connect(url: str | URL, timeout: int = 30) -> psycopg2.extensions.connection:
    """Open a psycopg2 connection to the database named in ``url``."""
    u = make_url(url) if isinstance(url, str) else url
    params = {
        "host": u.host or "127.0.0.1",
        "port": u.port or 5432,
        "user": u.username or "postgres",
        "dbname": u.database or "postgres",
        "connect_timeout": timeout,
    }
    if u.password:
        params["password"] = u.password
    return psycopg2.connect(**params)


def _can_connect(url: str) -> bool:
    """Return True if ``url`` accepts a connection."""
    try:  # a refused connection fails at once; the timeout only bounds a server too busy to answer
        _connect(url).close()
    except psycopg2.Error:
        return False
    return True


def _find_bin_dir() -> str | None:
    """Return the highest-version PostgreSQL bin dir containing initdb and pg_ctl."""

    def version(path: str) -> tuple[int, ...]:
        name = os.path.basename(os.path.dirname(path))
        return tuple(int(p) for p in name.split(".") if p.isdigit())

    candidates = [
        d
        for d in glob.glob("/usr/lib/postgresql/*/bin")
        if os.access(os.path.join(d, "initdb"), os.X_OK) and os.access(os.path.join(d, "pg_ctl"), os.X_OK)
    ]
    return max(candidates, key=version) if candidates else None


def _free_port() -> int:
    """Ask the kernel for a currently free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a server binary, as the ``postgres`` OS user when running as root."""
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, cwd="/")


class ThrowawayCluster:
    """A PostgreSQL cluster of its own in a temporary directory, on a free port: it can be stopped
    (``pg_ctl stop -m immediate``, as a crash or an outage would) and started again on the same port."""

    def __init__(self) -> None:
        bin_dir = _find_bin_dir()
        if bin_dir is None:
            raise RuntimeError(
                "No PostgreSQL server available: set GRIDLEDGER_TEST_POSTGRES_URL, run a "
                "server on 127.0.0.1:5432, or install PostgreSQL server binaries "
                "(initdb/pg_ctl under /usr/lib/postgresql/*/bin)."
            )
        self.base = tempfile.mkdtemp(prefix="gridledger-pg-")
        self.data = os.path.join(self.base, "data")
        self.log_path = os.path.join(self.base, "server.log")
        self.pg_ctl = os.path.join(bin_dir, "pg_ctl")
        if os.geteuid() == 0:
            shutil.chown(self.base, user="postgres", group="postgres")
        init = _run(
            [
                os.path.join(bin_dir, "initdb"),
                "-D",
                self.data,
                "--auth=trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        )
        if init.returncode != 0:
            shutil.rmtree(self.base, ignore_errors=True)
            raise RuntimeError(f"initdb failed:\n{init.stdout}{init.stderr}")
        self.port = _free_port()
        self.url = f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/postgres"
        atexit.register(self.remove)

    def start(self) -> str:
        """Start the server (again) and wait until it accepts connections; returns its URL."""
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.base} -c fsync=off"
        )
        start = _run(
            [
                self.pg_ctl,
                "start",
                "-D",
                self.data,
                "-l",
                self.log_path,
                "-o",
                options,
                "-w",
                "-t",
                str(int(STARTUP_TIMEOUT)),
            ]
        )
        if start.returncode == 0 and _wait_until_ready(self.url):
            return self.url
        log = open(self.log_path).read() if os.path.exists(self.log_path) else ""
        self.remove()
        raise RuntimeError(f"Throwaway PostgreSQL cluster failed to start:\n{start.stdout}{start.stderr}\n{log}")

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server; ``immediate`` drops every connection at once, without a clean shutdown."""
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            _run([self.pg_ctl, "stop", "-D", self.data, "-m", mode, "-w"])

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)
        atexit.unregister(self.remove)


def _start_throwaway() -> str:
    """Create and start a temporary cluster, removed at exit; return its URL."""
    return ThrowawayCluster().start()


def _wait_until_ready(url: str) -> bool:
    """Poll ``url`` until it accepts a connection or the startup timeout passes."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not _can_connect(url):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def postgres_server_url() -> str:
    """Return the URL of a reachable PostgreSQL server (cached per process)."""
    global _server_url
    if _server_url is not None:
        return _server_url
    if os.environ.get(THROWAWAY_ENV) != "1":
        env_url = os.environ.get(URL_ENV)
        if env_url:
            if not _can_connect(env_url):
                raise RuntimeError(f"{URL_ENV}={env_url!r} does not accept connections")
            _server_url = env_url
            return _server_url
        if _can_connect(LOCAL_URL):
            _server_url = LOCAL_URL
            return _server_url
    _server_url = _start_throwaway()
    return _server_url


def _admin(server_url: str, statement: sql.Composable, *args: object) -> None:
    """Execute ``statement`` in AUTOCOMMIT mode on the server's own database."""
    conn = _connect(server_url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(statement, args or None)
    finally:
        conn.close()


def create_database(server_url: str, name: str, *, icu_locale: str | None = None) -> str:
    """Create a fresh database ``name`` and return its SQLAlchemy URL; with ``icu_locale`` (e.g. "en-US") its
    default collation is that ICU locale's instead of the server's."""
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if icu_locale:
        statement = sql.SQL("{} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE {} LOCALE 'C.UTF-8'").format(
            statement, sql.Literal(icu_locale)
        )
    _admin(server_url, statement)
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    """Terminate connections to database ``name`` and drop it if it exists."""
    _admin(
        server_url,
        sql.SQL(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        ),
        name,
    )
    _admin(server_url, sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
