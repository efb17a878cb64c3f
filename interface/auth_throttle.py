"""Failed authentication, throttled: a client that keeps sending unknown tokens is answered 429 for a while.

Counted per client address and per token prefix (the first characters of what was sent), over a sliding window,
in each process (N workers allow N times the limit in all). Only failures count: a valid token is never slowed.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

PREFIX_LENGTH = 12  # "glt_" and 8 random characters: one guesser's tokens, not everyone's


class FailureThrottle:
    def __init__(
        self, *, per_address: int, per_prefix: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limits = {"address": per_address, "prefix": per_prefix}
        self._window = window
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def wait_needed(self, address: str, token: str) -> float:
        """Seconds until this client may try again (0: now)."""
        now = self._clock()
        with self._lock:
            waits = [self._wait(key, now) for key in self._keys(address, token)]
        return max(waits)

    def failed(self, address: str, token: str) -> None:
        now = self._clock()
        with self._lock:
            if len(self._failures) > 100_000:  # a flood of addresses: forget rather than grow without end
                self._failures.clear()
            for key in self._keys(address, token):
                self._failures.setdefault(key, deque()).append(now)

    def _wait(self, key: tuple[str, str], now: float) -> float:
        failures = self._failures.get(key)
        if not failures:
            return 0.0
        while failures and failures[0] <= now - self._window:
            failures.popleft()
        if len(failures) < self._limits[key[0]]:
            return 0.0
        return failures[0] + self._window - now

    @staticmethod
    def _keys(address: str, token: str) -> tuple[tuple[str, str], tuple[str, str]]:
        return ("address", address), ("prefix", token[:PREFIX_LENGTH])
