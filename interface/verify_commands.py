"""What ``gridledger verify`` does: recompute the hash chain over the store and say where it breaks."""

from __future__ import annotations

import time
from collections.abc import Callable

from application.event_chain import Link
from application.ledger import GridLedger
from application.settings import Settings

Echo = Callable[[str], None]


def verify(settings: Settings, anchor: Link | None, *, echo: Echo) -> bool:
    """Print the events checked, the head and the time taken; then the first tampering, if any (False)."""
    ledger = GridLedger(settings)
    try:
        started = time.perf_counter()
        verdict = ledger.verify_chain(anchor)
        seconds = time.perf_counter() - started
    finally:
        ledger.datastore.engine.dispose()
    rate = f" ({verdict.checked / seconds:,.0f} events/s)" if seconds > 0 and verdict.checked else ""
    start = f" from the anchor at position {anchor.position}" if anchor else ""
    echo(f"checked {verdict.checked:,} events{start} in {seconds:.2f} s{rate}")
    if verdict.finding is None:
        echo(f"head: {verdict.head}")
        if anchor:
            echo(f"the store matches the anchor {anchor}")
        return True
    if verdict.head.position:
        echo(f"intact up to: {verdict.head}")
    echo(f"TAMPERED: {verdict.finding}")
    return False
