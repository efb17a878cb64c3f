"""Waking the projection worker: PostgreSQL LISTEN/NOTIFY, in-process saves, or plain polling."""

from __future__ import annotations

import logging
import select
import threading

from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)


class Wakeup(threading.Event):
    """Set whenever new events may be in the store."""


class NotificationListener:
    """LISTENs on the event store's channel and sets ``wakeup`` on every NOTIFY; reconnects on failure."""

    def __init__(self, engine: Engine, channel: str, wakeup: Wakeup, *, max_backoff: float = 5.0) -> None:
        self.engine = engine
        self.channel = channel
        self.wakeup = wakeup
        self.max_backoff = max_backoff
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="gridledger-listen", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        backoff = 0.1
        while not self.stopping.is_set():
            try:
                self._listen()
                backoff = 0.1
            except Exception as error:  # noqa: BLE001 - any failure: reconnect after a pause
                logger.warning("projection listener lost its connection (%s); retrying", error)
                self.wakeup.set()  # poll once in case we missed a notification meanwhile
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)

    def _listen(self) -> None:
        connection = self.engine.raw_connection()
        try:
            raw = connection.dbapi_connection
            raw.autocommit = True
            raw.cursor().execute(f"LISTEN {self.channel}")
            self.wakeup.set()  # events may have arrived while we were not listening
            while not self.stopping.is_set():
                if select.select([raw], [], [], 1.0)[0]:
                    raw.poll()
                    if raw.notifies:
                        raw.notifies.clear()
                        self.wakeup.set()
        finally:
            connection.invalidate()
