"""Read-your-writes: every ``GET`` accepts ``min_position=N`` (API.md) and answers only once it can show N.

A read model may lag the event store, so a read of one waits (bounded) until it has applied N. A read of
the event store itself or of the reference tables includes every command already answered, so N is already
satisfied -- unless no event has position N yet, which is the same 503 a lagging read model gives: a client
that passes a position from another deployment, or from the future, hears the same answer everywhere.
"""

from __future__ import annotations

from interface.context import services
from interface.problems import Problem


def wait_for_position(position: int | None, *read_models: str) -> None:
    """Wait until each of ``read_models`` has applied ``position`` (none named: the event store has it);
    503 with Retry-After when that does not happen within the configured wait."""
    if position is None:
        return
    running = services().projections
    if read_models and running.wait_for(position, read_models, timeout=0):  # the usual case: already applied
        return
    head = running.engine.head()
    if position > head:  # not written yet (or never): answer at once, waiting would only tie up a thread
        raise _behind(f"no event has position {position} yet (the latest is {head}); retry shortly")
    if read_models and not running.wait_for(position, read_models, timeout=services().min_position_wait):
        raise _behind(f"the {', '.join(read_models)} read model has not yet reached position {position}; retry shortly")


def _behind(detail: str) -> Problem:
    return Problem(503, "Read model behind", detail, kind="read-model-behind", headers={"Retry-After": "1"})
