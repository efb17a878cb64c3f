"""Running the WSGI app under gunicorn from ``gridledger serve``."""

from __future__ import annotations

import multiprocessing
from typing import Any

from gunicorn.app.base import BaseApplication

from application.settings import Settings


class GridLedgerServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from interface.app import create_app

        return create_app()


def default_concurrency(database_url: str) -> tuple[int, int]:
    """(workers, threads): one SQLite file wants one process; PostgreSQL scales out with processes.

    Few threads per process on PostgreSQL: measured faster than many (tests/benchmarks), the GIL being
    the limit inside a process.
    """
    if database_url.startswith("sqlite"):
        return 1, 8
    return multiprocessing.cpu_count() * 2, 2


# The path without its query string (a search may hold a name or a phone number), never a header (tokens).
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
REQUEST_TIMEOUT_SECONDS = 30  # a worker busy longer than this on one request is restarted


def run_server(settings: Settings, *, host: str, port: int, workers: int | None, threads: int | None) -> None:
    default_workers, default_threads = default_concurrency(settings.database_url)
    workers, threads = workers or default_workers, threads or default_threads
    GridLedgerServer(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "timeout": REQUEST_TIMEOUT_SECONDS,
            "preload_app": False,
        }
    ).run()
