"""Failed authentication is throttled per client address and per token prefix, over a sliding window."""

from __future__ import annotations

from interface.auth_throttle import FailureThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_is_held_back_after_the_limit_until_the_first_failure_leaves_the_window() -> None:
    clock = Clock()
    throttle = FailureThrottle(per_address=3, per_prefix=100, window=60, clock=clock)
    for second in range(3):
        clock.now = 1000.0 + second
        assert throttle.wait_needed("10.0.0.1", f"glt_guess{second}xxxxxxxx") == 0
        throttle.failed("10.0.0.1", f"glt_guess{second}xxxxxxxx")
    assert throttle.wait_needed("10.0.0.1", "glt_another-guess") == 58.0  # the first failure leaves at 1060
    assert throttle.wait_needed("10.0.0.2", "glt_another-guess") == 0  # another address is not held back
    clock.now = 1060.0
    assert throttle.wait_needed("10.0.0.1", "glt_another-guess") == 0


def test_one_token_prefix_tried_from_many_addresses_is_held_back_too() -> None:
    clock = Clock()
    throttle = FailureThrottle(per_address=100, per_prefix=2, window=60, clock=clock)
    throttle.failed("10.0.0.1", "glt_ABCDEFGH-first")
    throttle.failed("10.0.0.2", "glt_ABCDEFGH-second")
    assert throttle.wait_needed("10.0.0.3", "glt_ABCDEFGH-third") == 60.0
    assert throttle.wait_needed("10.0.0.3", "glt_ZZZZZZZZ-other") == 0
