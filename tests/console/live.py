"""A live console for the browser tests: the test app behind a threaded werkzeug server, and Debian Chromium."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from tests.support.browser import ensure_chromium

PATIENCE_MS = 60_000  # how long a step may wait for the page (a hang guard on a busy machine, never a pace)


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=ensure_chromium(), args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def reload_until(page: Any, shown: Callable[[], bool]) -> None:
    """Reload ``page`` until ``shown()`` (a read model catching up with a command); fails after PATIENCE_MS."""
    deadline = time.monotonic() + PATIENCE_MS / 1000
    while not shown():
        assert time.monotonic() < deadline, f"{page.url} never showed what was expected"
        page.reload()
