"""How property tests run here: bounded, the same examples on every run and machine, no clock involved."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

# derandomize: the examples come from a fixed seed, so a failure is seen again by whoever runs the suite;
# no example database (nothing written next to the tests); no deadline and no "too slow" check, because a
# test must not depend on the machine's speed.
bounded = settings(
    max_examples=200, derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
