"""Waiting for something to happen in a test: on a condition, with a bound that only guards against a hang.

A test must not depend on machine speed (the suite runs on busy 2-core machines): it waits until what it
needs has happened, never for a fixed time, and its bounds are generous enough that only a real hang
reaches them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# How long a read with ``min_position`` waits for its read model in the tests before answering 503. The
# service's default (3 s) is an answer to a client; in a test the read model always gets there in the end.
READ_MODEL_WAIT = 60.0
# The hang guard for anything a test waits on.
HANG_GUARD = 120.0


def wait_until(
    condition: Callable[[], bool], *, what: str, timeout: float = HANG_GUARD, describe: Callable[[], str] = lambda: ""
) -> None:
    """Poll ``condition`` until it holds; fail saying ``what`` did not happen (and ``describe()``)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s\n{describe()}")
        time.sleep(0.02)
