"""The ``gridledger`` command line: serve, db, staff, calendar, demo, projections."""

from __future__ import annotations

import click

from application.event_chain import Link
from application.settings import Settings
from interface.calendar_commands import calendar
from interface.cipher_key import with_cipher_key
from interface.staff_commands import staff
from projections.registry import all_projections

# Checked before anything runs: an unknown name must fail without touching a read model.
READ_MODELS = [projection.name for projection in all_projections()]


@click.group()
@click.version_option(package_name="gridledger", prog_name="gridledger", message="%(prog)s %(version)s")
def main() -> None:
    """gridledger: event-sourced case ledger for grid governance (网格化管理)."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="Worker processes (default: 1 on SQLite, 2×CPU on PostgreSQL).")
@click.option("--threads", default=None, type=int, help="Threads per worker (default: 8 on SQLite, 2 on PostgreSQL).")
@click.option("--demo", is_flag=True, help="Load the demo territory first if the database is empty.")
def serve(host: str, port: int, workers: int | None, threads: int | None, demo: bool) -> None:
    """Serve the HTTP API with gunicorn."""
    from interface.database_commands import upgrade_database
    from interface.server import run_server

    settings = with_cipher_key(Settings.from_env(), demo=demo, echo=click.echo)
    upgrade_database(settings, echo=click.echo)  # once, here in the master, before any worker starts
    if demo:
        from interface.demo import load_demo

        load_demo(settings, echo=click.echo)
    run_server(settings, host=host, port=port, workers=workers, threads=threads)


@main.group()
def db() -> None:
    """The database's schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade every table (idempotent; safe to run from several processes at once)."""
    from interface.database_commands import upgrade_database

    upgrade_database(Settings.from_env(), echo=click.echo)


@main.command()
def demo() -> None:
    """Load a demo territory, departments, staff and cases drawn from the source articles."""
    from interface.demo import load_demo

    load_demo(with_cipher_key(Settings.from_env(), demo=True, echo=click.echo), echo=click.echo)


def _anchor(_context: click.Context, _parameter: click.Parameter, value: str | None) -> Link | None:
    try:
        return None if value is None else Link.parse(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error


@main.command()
@click.option("--anchor", callback=_anchor, metavar="POSITION:HASH", help="Check from this head (as printed) on.")
def verify(anchor: Link | None) -> None:
    """Recompute the hash chain over every stored event (or from an anchor on); exit 1 naming the first
    position that was edited, deleted, inserted or reordered."""
    from interface.verify_commands import verify as verify_store

    if not verify_store(Settings.from_env(), anchor, echo=click.echo):
        raise SystemExit(1)


@main.group()
def projections() -> None:
    """Read models: run the worker, rebuild, show status."""


@projections.command("run")
@click.option("--poll-interval", default=1.0, show_default=True, help="Seconds between polls when idle.")
@click.option("--batch-size", default=1000, show_default=True)
def projections_run(poll_interval: float, batch_size: int) -> None:
    """Keep every read model caught up until interrupted (the production worker)."""
    from interface.database_commands import upgrade_database
    from interface.projection_commands import run_worker

    settings = Settings.from_env()
    upgrade_database(settings, echo=click.echo)
    run_worker(settings, poll_interval=poll_interval, batch_size=batch_size, echo=click.echo)


@projections.command("rebuild")
@click.argument("name", required=False, metavar="[NAME]", type=click.Choice(READ_MODELS))
@click.option("--batch-size", default=2000, show_default=True)
@click.option(
    "--jobs",
    type=click.IntRange(1, 16),
    default=None,
    help="processes replaying at once [default: one per core (up to 4) on PostgreSQL, 1 on SQLite]",
)
def projections_rebuild(name: str | None, batch_size: int, jobs: int | None) -> None:
    """Drop a read model (or all) and replay every event into it, with progress and the final rate.

    NAME is one of the read models (default: all of them)."""
    from interface.projection_commands import rebuild

    rebuild(Settings.from_env(), name, batch_size=batch_size, jobs=jobs, echo=click.echo)


@projections.command("status")
def projections_status() -> None:
    """Each projection's position, the store's head and the lag."""
    from interface.projection_commands import show_status

    if not show_status(Settings.from_env(), echo=click.echo):
        raise SystemExit(1)


main.add_command(staff)
main.add_command(calendar)  # gridledger calendar import|show (interface/calendar_commands.py)
