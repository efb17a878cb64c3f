"""The aggregates the last few commands saved, so that a command's answer needs no second load."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any
from uuid import UUID

SIZE = 256  # more than the commands in flight at once (workers x threads): a miss only costs one load


class RecentStates:
    """Aggregates by (id, version). A given version of an aggregate never changes, so whoever asks for it
    gets the saved object itself -- to present it, never to command it (commands load afresh)."""

    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._states: OrderedDict[tuple[UUID, int], Any] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, aggregate: Any) -> None:
        with self._lock:
            self._states[(aggregate.id, aggregate.version)] = aggregate
            while len(self._states) > self._size:
                self._states.popitem(last=False)

    def get(self, aggregate_id: UUID, version: int) -> Any | None:
        with self._lock:
            return self._states.get((aggregate_id, version))

    def clear(self) -> None:
        with self._lock:
            self._states.clear()
