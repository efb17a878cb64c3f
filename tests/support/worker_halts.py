"""A projection worker that stops dead at a chosen point of its work, so a SIGKILL lands exactly there.

Killing a worker "after a random delay" hopes the kill lands mid-batch; on a busy machine it mostly lands in
start-up or after the worker has caught up, and the test proves nothing. Here the test chooses the point:

* ``transaction-start``: a projection's transaction has locked its tracking row (earlier projections may
  have committed this batch already: the batch is half done across read models);
* ``rows-written``: the projection has written its read-model rows for the batch, its position not yet moved;
* ``position-moved``: rows and the move of its position are written, the commit not yet sent.

The worker (``gridledger projections run``, started through ``main`` below) counts its arrivals at the point;
the ``occurrence``-th one writes a line to a pipe and then waits, inside its open transaction, to be killed.
Only ``projections.engine.tracking`` is wrapped, in the worker's process: the engine under test is the real one.
"""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from projections.engine import tracking  # the engine calls tracking.<function>: wrapping these is enough

POINTS = ("transaction-start", "rows-written", "position-moved")
HALT_AT_ENV = "GRIDLEDGER_TEST_HALT_AT"  # "<point>:<occurrence>"
HALT_PIPE_ENV = "GRIDLEDGER_TEST_HALT_PIPE"  # the write end's file descriptor in the worker


@dataclass(frozen=True)
class HaltAt:
    point: str
    occurrence: int  # 1: the first arrival at the point

    def __post_init__(self) -> None:
        assert self.point in POINTS and self.occurrence >= 1, self


@dataclass(frozen=True)
class Halted:
    """What the worker said when it stopped: where, in which projection, and that projection's committed
    position (a kill must leave it exactly there: the open transaction is rolled back)."""

    point: str
    projection: str
    position: int

    @classmethod
    def parse(cls, line: str) -> Halted:
        point, projection, position = line.split()
        return cls(point, projection, int(position))


# -- in the test process ---------------------------------------------------------------------------
def halting_env(halt_at: HaltAt, write_fd: int) -> dict[str, str]:
    return {HALT_AT_ENV: f"{halt_at.point}:{halt_at.occurrence}", HALT_PIPE_ENV: str(write_fd)}


def read_halt(read_fd: int, *, timeout: float, describe: Callable[[], str]) -> Halted:
    """Block until the worker reports its halt (``timeout`` is a hang guard only); ``describe`` says why not."""
    received = b""
    while not received.endswith(b"\n"):
        ready, _, _ = select.select([read_fd], [], [], timeout)
        if not ready:
            raise AssertionError(f"the worker did not reach its halt within {timeout} s:\n{describe()}")
        chunk = os.read(read_fd, 256)
        if not chunk:  # every write end closed: the worker exited first
            raise AssertionError(f"the worker exited before its halt:\n{describe()}")
        received += chunk
    return Halted.parse(received.decode())


# -- in the worker's process -----------------------------------------------------------------------
def main() -> None:
    """``gridledger …`` (the real command line) with the halt from the environment installed."""
    point, occurrence = os.environ[HALT_AT_ENV].split(":")
    install(HaltAt(point, int(occurrence)), os.fdopen(int(os.environ[HALT_PIPE_ENV]), "w", buffering=1))
    from interface.cli import main as cli

    cli()


def install(halt_at: HaltAt, pipe: Any) -> None:
    arrivals = 0
    real_lock_position, real_advance = tracking.lock_position, tracking.advance

    def arrive(point: str, projection: str, position: int) -> None:
        nonlocal arrivals
        if point != halt_at.point:
            return
        arrivals += 1
        if arrivals == halt_at.occurrence:
            pipe.write(f"{point} {projection} {position}\n")
            pipe.flush()
            threading.Event().wait()  # forever: the transaction stays open until the SIGKILL

    def lock_position(connection: Any, name: str) -> Any:
        progress = real_lock_position(connection, name)
        arrive("transaction-start", name, progress.position)
        return progress

    def advance(connection: Any, name: str, *, from_position: int, to_position: int) -> None:
        arrive("rows-written", name, from_position)
        real_advance(connection, name, from_position=from_position, to_position=to_position)
        arrive("position-moved", name, from_position)

    tracking.lock_position, tracking.advance = lock_position, advance
