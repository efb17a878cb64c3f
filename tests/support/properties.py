"""How property tests run here: bounded, the same examples on every run and machine, no clock involved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from domain.errors import DomainError

# derandomize: the examples come from a fixed seed, so a failure is seen again by whoever runs the suite;
# no example database (nothing written next to the tests); no deadline and no "too slow" check, because a
# test must not depend on the machine's speed.
bounded = settings(
    max_examples=200, derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def commands_in_turn(
    data: Any,
    aggregate: Any,
    command: Callable[[Any, Any, datetime], None],
    recorded: Callable[[], None],
    *,
    now: datetime,
    steps: int,
    pauses: Sequence[timedelta],
) -> None:
    """Up to ``steps`` commands drawn by ``command(aggregate, data, now)``, time moving on by one of ``pauses``
    before each: a refused one (DomainError) must record nothing; after an accepted one ``recorded()`` runs (it
    records the aggregate's new events and checks what the fold made of them)."""
    for _ in range(data.draw(st.integers(0, steps), label="steps")):
        now += data.draw(st.sampled_from(pauses), label="pause")
        version = aggregate.version
        try:
            command(aggregate, data, now)
        except DomainError:
            assert aggregate.version == version
            continue
        recorded()
