"""What ``gridledger projections run|rebuild|status`` do."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from typing import Any

import click

from application.ledger import GridLedger
from application.settings import Settings
from projections.engine.rebuild import RebuildFailed
from projections.registry import Projections
from projections.registry import rebuild as replay

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


def rebuild(settings: Settings, name: str | None, *, batch_size: int, jobs: int | None, echo: Echo) -> None:
    """Drop and replay one projection or all, in ``jobs`` processes (default: one per core on PostgreSQL)."""
    if jobs is not None and jobs > 1 and settings.database_url.startswith("sqlite"):
        echo(f"SQLite has one writer: rebuilding in one process (--jobs {jobs} ignored)")
    label = f"rebuilding {name or 'all read models'}"
    with ExitStack() as stack:
        bars: list[Any] = []  # the bar, once opened

        def progress(position: int, head: int) -> None:
            if not bars:  # opened at the first report, which carries the real total: never a bar of 0/1
                bars.append(stack.enter_context(click.progressbar(length=head, label=label, show_pos=True)))
            bar = bars[0]
            bar.length = head
            bar.update(position - bar.pos)

        try:
            result = replay(
                partial(GridLedger, settings),
                [name] if name else None,
                jobs=jobs,
                batch_size=batch_size,
                on_progress=progress,
            )
        except KeyError as error:
            raise click.BadParameter(str(error.args[0])) from None
        except RebuildFailed as error:
            raise click.ClickException(str(error)) from None
    echo(
        f"rebuilt {', '.join(result.names)} in {result.jobs} process(es): {result.events} events "
        f"in {result.seconds:.1f} s ({result.events_per_second:,.0f} events/s)"
    )
    running = Projections(GridLedger(settings))
    for status in running.engine.statuses():
        if status.status != "running":
            echo(f"STOPPED {status.name}: {status.error}")
    running.close()


def show_status(settings: Settings, *, echo: Echo) -> bool:
    """Prints the table and the newest worker heartbeat; False when a projection has stopped or events wait
    with no worker beating (what makes /readyz answer 503)."""
    running = Projections(GridLedger(settings))
    readiness = running.readiness()
    running.close()
    echo(f"{'projection':<14}{'position':>10}{'head':>10}{'lag':>8}  status")
    for status in readiness.statuses:
        echo(
            f"{status.name:<14}{status.position:>10}{status.head:>10}{status.lag:>8}  {status.status}"
            + (f"  {status.error}" if status.error else "")
        )
    beat = readiness.newest_beat
    echo(
        "newest worker heartbeat: "
        + (
            "none"
            if beat is None
            else f"{readiness.heartbeat_age:.0f} s ago ({beat.worker_id}, applied up to {beat.position})"
        )
    )
    if readiness.no_worker:
        echo(f"NOT READY: {readiness.problem}")
    return not readiness.problem
