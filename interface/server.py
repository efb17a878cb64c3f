"""Running the WSGI app under gunicorn from ``gridledger serve``."""

from __future__ import annotations

import multiprocessing
from typing import Any

from gunicorn.app.base import BaseApplication

from application.ledger import GridLedger
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


def run_server(settings: Settings, *, host: str, port: int, workers: int | None, threads: int) -> None:
    on_sqlite = settings.database_url.startswith("sqlite")
    if workers is None:
        # One SQLite file wants one writer process; PostgreSQL scales out with processes.
        workers = 1 if on_sqlite else multiprocessing.cpu_count() * 2 + 1
    # Create the tables once here, before workers start, so they never race to create them.
    GridLedger(settings).datastore.engine.dispose()
    GridLedgerServer({
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-",
        "preload_app": False,
    }).run()
