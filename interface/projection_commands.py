"""What ``gridledger projections run|rebuild|status`` do."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable

import click

from application.ledger import GridLedger
from application.settings import Settings
from projections.registry import Projections

Echo = Callable[[str], None]


def run_worker(settings: Settings, *, poll_interval: float, batch_size: int, echo: Echo) -> None:
    """Run until SIGTERM/SIGINT; wakes on NOTIFY on PostgreSQL, polls on SQLite."""
    running = Projections(GridLedger(settings), batch_size=batch_size, poll_interval=poll_interval)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    running.start()
    echo(f"projection worker running: {', '.join(running.engine.projections)}")
    while not stop.wait(1.0):
        if not running.running:
            raise click.ClickException("the projection worker thread died")
    running.close()
    echo("projection worker stopped")


def rebuild(settings: Settings, name: str | None, *, batch_size: int, echo: Echo) -> None:
    running = Projections(GridLedger(settings), batch_size=batch_size)
    names = [name] if name else list(running.engine.projections)
    unknown = [n for n in names if n not in running.engine.projections]
    if unknown:
        raise click.BadParameter(f"unknown projection {unknown[0]!r}; known: {', '.join(running.engine.projections)}")
    running.engine.reset(names, without_indexes=True)
    head = running.engine.head()
    started = time.perf_counter()
    with click.progressbar(length=head, label=f"rebuilding {', '.join(names)}", show_pos=True) as bar:
        events = running.engine.catch_up(names, on_batch=bar.update)
    echo("building indexes ...")
    running.engine.create_indexes(names)
    seconds = time.perf_counter() - started
    rate = events / seconds if seconds > 0 else 0.0
    echo(f"rebuilt {', '.join(names)}: {events} events in {seconds:.1f} s ({rate:,.0f} events/s)")
    for status in running.engine.statuses():
        if status.status != "running":
            echo(f"STOPPED {status.name}: {status.error}")
    running.close()


def show_status(settings: Settings, *, echo: Echo) -> bool:
    """Prints the table; False when a projection has stopped."""
    running = Projections(GridLedger(settings))
    healthy = True
    echo(f"{'projection':<14}{'position':>10}{'head':>10}{'lag':>8}  status")
    for status in running.engine.statuses():
        echo(f"{status.name:<14}{status.position:>10}{status.head:>10}{status.lag:>8}  {status.status}"
             + (f"  {status.error}" if status.error else ""))
        healthy = healthy and status.status == "running"
    running.close()
    return healthy
